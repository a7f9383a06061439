// The monitoring pages' tab bar: the status board, alerts, alert rules and silences, each its own page.
import { useTranslation } from 'react-i18next';
import { NavLink, useLocation } from 'react-router-dom';
import type { MonitorState } from '../../api/monitoring';
import { t as translate } from '../../i18n';
import { numberFormat } from '../../locale';

export function MonitoringTabs() {
  const { t } = useTranslation('monitoring');
  // A target's page belongs to the board: its tab stays current there.
  const onBoard = /^\/monitoring(\/targets\/|\/?$)/.test(useLocation().pathname);
  return (
    <nav className="tabs" aria-label={t('tabs.label')}>
      <NavLink
        to="/monitoring"
        end
        className={onBoard ? 'active' : undefined}
        aria-current={onBoard ? 'page' : undefined}
      >
        {t('tabs.board')}
      </NavLink>
      <NavLink to="/monitoring/alerts">{t('tabs.alerts')}</NavLink>
      <NavLink to="/monitoring/rules">{t('tabs.rules')}</NavLink>
      <NavLink to="/monitoring/silences">{t('tabs.silences')}</NavLink>
      <NavLink to="/monitoring/capacity">{t('tabs.capacity')}</NavLink>
    </nav>
  );
}

/** A target's or check's state in words (monitoring:state.*), read when shown so it follows the language. */
export function monitorStateLabel(state: MonitorState): string {
  return translate(`monitoring:state.${state}`);
}

/** A target's or check's state as a badge; the word carries it, the colour only repeats it. */
export function MonitorStateBadge({ state }: { state: MonitorState }) {
  return <span className={`badge monitor-${state}`}>{monitorStateLabel(state)}</span>;
}

/** "12 s ago", "4 min ago": a check's last run is seconds old, finer than timeAgo's "just now". */
export function secondsAgo(iso: string | null, now: number): string {
  if (!iso) return translate('monitoring:ago.never');
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return translate('monitoring:ago.seconds', { n: s });
  if (s < 3600) return translate('monitoring:ago.minutes', { n: Math.round(s / 60) });
  if (s < 86_400) return translate('monitoring:ago.hours', { n: Math.round(s / 3600) });
  return translate('monitoring:ago.days', { n: Math.round(s / 86_400) });
}

const uptimeFormat = numberFormat({ minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function formatUptime(percent: number | null | undefined): string {
  if (percent === null || percent === undefined) return '—';
  return `${percent >= 99.995 ? '100' : uptimeFormat.format(percent)} %`;
}
