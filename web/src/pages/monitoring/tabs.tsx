// The monitoring pages' tab bar: the status board, alerts, alert rules and silences, each its own page.
import { NavLink, useLocation } from 'react-router-dom';
import type { MonitorState } from '../../api/monitoring';

export function MonitoringTabs() {
  // A target's page belongs to the board: its tab stays current there.
  const onBoard = /^\/monitoring(\/targets\/|\/?$)/.test(useLocation().pathname);
  return (
    <nav className="tabs" aria-label="Monitoring">
      <NavLink
        to="/monitoring"
        end
        className={onBoard ? 'active' : undefined}
        aria-current={onBoard ? 'page' : undefined}
      >
        Board
      </NavLink>
      <NavLink to="/monitoring/alerts">Alerts</NavLink>
      <NavLink to="/monitoring/rules">Rules</NavLink>
      <NavLink to="/monitoring/silences">Silences</NavLink>
      <NavLink to="/monitoring/capacity">Capacity</NavLink>
    </nav>
  );
}

export const stateLabels: Record<MonitorState, string> = {
  up: 'Up',
  down: 'Down',
  pending: 'Pending',
  paused: 'Paused',
};

/** A target's or check's state as a badge; the word carries it, the colour only repeats it. */
export function MonitorStateBadge({ state }: { state: MonitorState }) {
  return <span className={`badge monitor-${state}`}>{stateLabels[state]}</span>;
}

/** "12 s ago", "4 min ago": a check's last run is seconds old, finer than timeAgo's "just now". */
export function secondsAgo(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

export function formatUptime(percent: number | null | undefined): string {
  if (percent === null || percent === undefined) return '—';
  return `${percent >= 99.995 ? '100' : percent.toFixed(2)} %`;
}
