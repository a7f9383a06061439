// The main navigation: one list of areas per role. On a desktop the areas used every hour stand in the bar and
// the rest sit behind "More" (the bar had outgrown a 1280 px screen and squeezed the search box to a sliver);
// on a phone the menu button opens every area in one column, the account pages with them.
import { useEffect, useRef, useState } from 'react';
import { NavLink, useLocation } from 'react-router-dom';
import type { User } from './api/types';
import { t } from './i18n';
import { isManager, isStaff } from './session';

interface NavItem {
  to: string;
  label: string;
  /** Match the path exactly (a parent path whose children are other items). */
  end?: boolean;
  /** Where it stands on a desktop: in the bar, or behind "More". */
  place: 'bar' | 'more';
}

/** The areas a user may open, in the order they appear. */
export function navItems(user: User): NavItem[] {
  if (!isStaff(user))
    return [
      { to: '/requests', label: t('shell:nav.myRequests'), end: true, place: 'bar' },
      { to: '/requests/new', label: t('shell:nav.newRequest'), place: 'bar' },
      { to: '/requests/catalog', label: t('shell:nav.catalogue'), place: 'bar' },
      { to: '/approvals', label: t('shell:nav.approvals'), place: 'bar' },
      { to: '/kb', label: t('shell:nav.knowledge'), place: 'bar' },
      { to: '/assets', label: t('shell:nav.myEquipment'), place: 'bar' },
    ];
  const manager = isManager(user);
  const items: (NavItem | false)[] = [
    { to: '/queue', label: t('shell:nav.queue'), place: 'bar' },
    manager && { to: '/dashboard', label: t('shell:nav.dashboard'), place: 'bar' },
    // Managers approve most (requests of their reports, the CAB); a technician's approvals are rarer.
    { to: '/approvals', label: t('shell:nav.approvals'), place: manager ? 'bar' : 'more' },
    { to: '/kb', label: t('shell:nav.knowledge'), place: 'bar' },
    { to: '/incidents', label: t('shell:nav.incidents'), place: 'bar' },
    { to: '/problems', label: t('shell:nav.problems'), place: 'more' },
    { to: '/changes', label: t('shell:nav.changes'), place: 'more' },
    { to: '/proposals', label: t('shell:nav.proposals'), place: 'more' },
    { to: '/assets', label: t('shell:nav.assets'), place: 'more' },
    // Managers land on their overview of suppliers; technicians read the vendors and what hangs off them.
    { to: manager ? '/suppliers' : '/vendors', label: t('shell:nav.suppliers'), place: 'more' },
    { to: '/monitoring', label: t('shell:nav.monitoring'), place: 'bar' },
    { to: '/logs', label: t('shell:nav.logs'), place: manager ? 'more' : 'bar' },
    { to: '/oncall', label: t('shell:nav.onCall'), place: 'bar' },
    { to: '/technicians', label: t('shell:nav.team'), place: 'more' },
    manager && { to: '/escalations', label: t('shell:nav.escalations'), place: 'more' },
    manager && { to: '/reports', label: t('shell:nav.reports'), place: 'more' },
    manager && { to: '/admin', label: t('shell:nav.admin'), place: 'more' },
  ];
  return items.filter((i): i is NavItem => i !== false);
}

/** The account pages: in the phone menu; on a desktop, from the name in the bar (tabs on each account page). */
function accountItems(user: User): { to: string; label: string }[] {
  return [
    ...(isStaff(user) ? [{ to: '/account/paging', label: t('shell:nav.paging') }] : []),
    { to: '/account/notifications', label: t('shell:nav.notifications') },
    { to: '/account/tokens', label: t('shell:nav.tokens') },
    { to: '/account/language', label: t('shell:nav.language') },
    { to: '/account/password', label: t('shell:nav.password') },
  ];
}

function isAt(pathname: string, item: NavItem): boolean {
  return item.end ? pathname === item.to : pathname === item.to || pathname.startsWith(`${item.to}/`);
}

export function MainNav({ user, open }: { user: User; open: boolean }) {
  const items = navItems(user);
  const more = items.filter((i) => i.place === 'more');
  const { pathname } = useLocation();
  const [moreOpen, setMoreOpen] = useState(false);
  const moreRef = useRef<HTMLLIElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: close the menu whenever the page changes
  useEffect(() => setMoreOpen(false), [pathname]);
  useEffect(() => {
    if (!moreOpen) return;
    const outside = (e: PointerEvent) => {
      if (!moreRef.current?.contains(e.target as Node)) setMoreOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setMoreOpen(false);
      moreRef.current?.querySelector('button')?.focus();
    };
    document.addEventListener('pointerdown', outside);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', outside);
      document.removeEventListener('keydown', onKey);
    };
  }, [moreOpen]);
  const current = more.find((i) => isAt(pathname, i));
  return (
    <nav id="main-nav" aria-label={t('shell:nav.label')} className={open ? 'open' : ''}>
      <ul>
        {items.map((item) => (
          // An area behind "More" on a desktop still stands in the phone menu's column.
          <li key={item.to} className={item.place === 'more' ? 'narrow-only' : undefined}>
            <NavLink to={item.to} end={item.end}>
              {item.label}
            </NavLink>
          </li>
        ))}
        {more.length > 0 && (
          <li className="nav-more wide-only" ref={moreRef}>
            <button
              type="button"
              className={current ? 'active' : undefined}
              aria-expanded={moreOpen}
              aria-controls="main-nav-more"
              onClick={() => setMoreOpen((o) => !o)}
            >
              {current ? current.label : t('shell:nav.more')} <span aria-hidden="true">▾</span>
            </button>
            <ul id="main-nav-more" hidden={!moreOpen}>
              {more.map((item) => (
                <li key={item.to}>
                  <NavLink to={item.to} end={item.end}>
                    {item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </li>
        )}
        {accountItems(user).map((item) => (
          <li key={item.to} className="narrow-only">
            <NavLink to={item.to}>{item.label}</NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
