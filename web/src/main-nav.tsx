// The main navigation: one list of areas per role. On a desktop the areas used every hour stand in the bar and
// the rest sit behind "More" (the bar had outgrown a 1280 px screen and squeezed the search box to a sliver);
// on a phone the menu button opens every area in one column, the account pages with them.
import { useEffect, useRef, useState } from 'react';
import { NavLink, useLocation } from 'react-router-dom';
import type { User } from './api/types';
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
      { to: '/requests', label: 'My requests', end: true, place: 'bar' },
      { to: '/requests/new', label: 'New request', place: 'bar' },
      { to: '/requests/catalog', label: 'Catalogue', place: 'bar' },
      { to: '/approvals', label: 'Approvals', place: 'bar' },
      { to: '/kb', label: 'Knowledge', place: 'bar' },
      { to: '/assets', label: 'My equipment', place: 'bar' },
    ];
  const manager = isManager(user);
  const items: (NavItem | false)[] = [
    { to: '/queue', label: 'Queue', place: 'bar' },
    manager && { to: '/dashboard', label: 'Dashboard', place: 'bar' },
    // Managers approve most (requests of their reports, the CAB); a technician's approvals are rarer.
    { to: '/approvals', label: 'Approvals', place: manager ? 'bar' : 'more' },
    { to: '/kb', label: 'Knowledge', place: 'bar' },
    { to: '/incidents', label: 'Incidents', place: 'bar' },
    { to: '/problems', label: 'Problems', place: 'more' },
    { to: '/changes', label: 'Changes', place: 'more' },
    { to: '/proposals', label: 'Proposals', place: 'more' },
    { to: '/assets', label: 'Assets', place: 'more' },
    // Managers land on their overview of suppliers; technicians read the vendors and what hangs off them.
    { to: manager ? '/suppliers' : '/vendors', label: 'Suppliers', place: 'more' },
    { to: '/monitoring', label: 'Monitoring', place: 'bar' },
    { to: '/logs', label: 'Logs', place: manager ? 'more' : 'bar' },
    { to: '/oncall', label: 'On call', place: 'bar' },
    { to: '/technicians', label: 'Team', place: 'more' },
    manager && { to: '/escalations', label: 'Escalations', place: 'more' },
    manager && { to: '/reports', label: 'Reports', place: 'more' },
    manager && { to: '/admin', label: 'Admin', place: 'more' },
  ];
  return items.filter((i): i is NavItem => i !== false);
}

/** The account pages: in the phone menu; on a desktop, from the name in the bar (tabs on each account page). */
function accountItems(user: User): { to: string; label: string }[] {
  return [
    ...(isStaff(user) ? [{ to: '/account/paging', label: 'Paging' }] : []),
    { to: '/account/notifications', label: 'Notifications' },
    { to: '/account/tokens', label: 'API tokens' },
    { to: '/account/password', label: 'Change password' },
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
    <nav id="main-nav" aria-label="Main" className={open ? 'open' : ''}>
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
              {current ? current.label : 'More'} <span aria-hidden="true">▾</span>
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
