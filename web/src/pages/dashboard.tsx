// The manager's dashboard: open tickets by priority, state and group; backlog age; created vs resolved per
// day over 30 days (uPlot, loaded only here); each technician's load; satisfaction. Refreshes live.
import { lazy, Suspense } from 'react';
import { Link } from 'react-router-dom';
import { useDashboard } from '../api/reports';
import { priorityLabel, statusLabel } from '../ui/labels';
import { ErrorMessage, Loading } from '../ui/messages';
import { useTitle } from '../ui/title';
import { KnowledgeCard } from './knowledge/dashboard-card';

const DailyChart = lazy(() => import('./daily-chart'));

export type { Dashboard as DashboardData } from '../api/reports';

function Bars({
  title,
  rows,
  hrefOf,
}: {
  title: string;
  rows: { key: string; label: string; count: number; tone?: string }[];
  hrefOf?: (key: string) => string;
}) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <section className="card panel" aria-label={title}>
      <h2>{title}</h2>
      {rows.length === 0 ? (
        <p className="muted">Nothing to show.</p>
      ) : (
        <ul className="bars">
          {rows.map((r) => (
            <li key={r.key}>
              <span className="bar-label" title={r.label}>
                {hrefOf ? <Link to={hrefOf(r.key)}>{r.label}</Link> : r.label}
              </span>
              <span className="bar-track" aria-hidden="true">
                <span className={`bar-fill ${r.tone ?? ''}`} style={{ width: `${(r.count / max) * 100}%` }} />
              </span>
              <span className="bar-count">{r.count}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export default function Dashboard() {
  useTitle('Dashboard');
  // Days as the manager lives them: the browser's time zone.
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const q = useDashboard(zone);
  if (q.isPending) return <Loading label="Loading the dashboard…" />;
  if (q.error) return <ErrorMessage error={q.error} title="The dashboard could not be loaded." />;
  const d = q.data;
  const created30 = d.daily.reduce((n, x) => n + x.created, 0);
  const resolved30 = d.daily.reduce((n, x) => n + x.resolved, 0);
  return (
    <div className="page dashboard">
      <h1>Overview</h1>
      <div className="kpis">
        <div className="card kpi">
          <span className="kpi-value">{d.openTotal}</span>
          <span className="kpi-label">open tickets</span>
        </div>
        <div className="card kpi">
          <span className="kpi-value">{created30}</span>
          <span className="kpi-label">created in 30 days</span>
        </div>
        <div className="card kpi">
          <span className="kpi-value">{resolved30}</span>
          <span className="kpi-label">resolved in 30 days</span>
        </div>
        <div className="card kpi">
          <span className="kpi-value">
            {d.satisfaction.average === null ? '—' : d.satisfaction.average.toFixed(1)}
          </span>
          <span className="kpi-label">satisfaction ({d.satisfaction.count} ratings)</span>
        </div>
      </div>
      <section className="card panel wide" aria-labelledby="daily-title">
        <h2 id="daily-title">Created vs resolved per day (30 days)</h2>
        <Suspense fallback={<div className="chart-placeholder">Loading chart…</div>}>
          <DailyChart daily={d.daily} />
        </Suspense>
        <details>
          <summary>Show as a table</summary>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">Created</th>
                <th scope="col">Resolved</th>
              </tr>
            </thead>
            <tbody>
              {d.daily.map((x) => (
                <tr key={x.day}>
                  <td>{x.day}</td>
                  <td>{x.created}</td>
                  <td>{x.resolved}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </section>
      <KnowledgeCard />
      <div className="panels">
        <Bars
          title="Open by priority"
          rows={d.byPriority.map((p) => ({
            key: p.priority,
            label: priorityLabel[p.priority],
            count: p.count,
            tone: `prio-${p.priority}`,
          }))}
          hrefOf={(k) => `/queue?queue=open&priority=${k}`}
        />
        <Bars
          title="Open by state"
          rows={d.byStatus.map((s) => ({ key: s.status, label: statusLabel[s.status], count: s.count }))}
          hrefOf={(k) => `/queue?queue=open&status=${k}`}
        />
        <Bars
          title="Open by group"
          rows={d.byGroup.map((g) => ({ key: String(g.groupId ?? 'none'), label: g.name, count: g.count }))}
        />
        <Bars
          title="Age of the backlog"
          rows={d.backlogAge.map((b) => ({ key: b.label, label: b.label, count: b.count }))}
        />
        <Bars
          title="Technician load (open tickets)"
          rows={d.technicians.map((t) => ({ key: String(t.userId), label: t.name, count: t.open }))}
        />
        <Bars
          title="Satisfaction ratings"
          rows={[...d.satisfaction.distribution].reverse().map((s) => ({
            key: String(s.score),
            label: `${'★'.repeat(s.score)} (${s.score})`,
            count: s.count,
          }))}
        />
      </div>
    </div>
  );
}
