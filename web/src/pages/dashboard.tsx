// The manager's dashboard: open tickets by priority, state and group; backlog age; created vs resolved per
// day over 30 days (uPlot, loaded only here); each technician's load; satisfaction. Refreshes live.
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useDashboard } from '../api/reports';
import { currentTimeZone, numberFormat } from '../locale';
import { priorityLabel, statusLabel } from '../ui/labels';
import { ErrorMessage, Loading } from '../ui/messages';
import { useTitle } from '../ui/title';
import { KnowledgeCard } from './knowledge/dashboard-card';

const DailyChart = lazy(() => import('./daily-chart'));

export type { Dashboard as DashboardData } from '../api/reports';

/** The server's backlog age buckets (src/reports/dashboard.ts) as catalogue keys; another is shown as sent. */
const ageKeys: Record<string, string> = {
  '< 1 day': 'age.underOneDay',
  '1–3 days': 'age.oneToThree',
  '3–7 days': 'age.threeToSeven',
  '7–30 days': 'age.sevenToThirty',
  '> 30 days': 'age.overThirty',
};

const averageFormat = numberFormat({ minimumFractionDigits: 1, maximumFractionDigits: 1 });

function Bars({
  title,
  rows,
  hrefOf,
}: {
  title: string;
  rows: { key: string; label: string; count: number; tone?: string }[];
  hrefOf?: (key: string) => string;
}) {
  const { t } = useTranslation('dashboard');
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <section className="card panel" aria-label={title}>
      <h2>{title}</h2>
      {rows.length === 0 ? (
        <p className="muted">{t('nothing')}</p>
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
  const { t } = useTranslation('dashboard');
  useTitle(t('title'));
  // Days as the manager lives them: their profile's time zone, else the browser's.
  const zone = currentTimeZone();
  const q = useDashboard(zone);
  if (q.isPending) return <Loading label={t('loading')} />;
  if (q.error) return <ErrorMessage error={q.error} title={t('loadFailed')} />;
  const d = q.data;
  const created30 = d.daily.reduce((n, x) => n + x.created, 0);
  const resolved30 = d.daily.reduce((n, x) => n + x.resolved, 0);
  return (
    <div className="page dashboard">
      <h1>{t('heading')}</h1>
      <div className="kpis">
        <div className="card kpi">
          <span className="kpi-value">{d.openTotal}</span>
          <span className="kpi-label">{t('kpi.open')}</span>
        </div>
        <div className="card kpi">
          <span className="kpi-value">{created30}</span>
          <span className="kpi-label">{t('kpi.created')}</span>
        </div>
        <div className="card kpi">
          <span className="kpi-value">{resolved30}</span>
          <span className="kpi-label">{t('kpi.resolved')}</span>
        </div>
        <div className="card kpi">
          <span className="kpi-value">
            {d.satisfaction.average === null ? '—' : averageFormat.format(d.satisfaction.average)}
          </span>
          <span className="kpi-label">{t('kpi.satisfaction', { count: d.satisfaction.count })}</span>
        </div>
      </div>
      <section className="card panel wide" aria-labelledby="daily-title">
        <h2 id="daily-title">{t('daily.title')}</h2>
        <Suspense fallback={<div className="chart-placeholder">{t('daily.loading')}</div>}>
          <DailyChart daily={d.daily} />
        </Suspense>
        <details>
          <summary>{t('daily.table')}</summary>
          <table className="data-table">
            <thead>
              <tr>
                <th scope="col">{t('daily.day')}</th>
                <th scope="col">{t('daily.created')}</th>
                <th scope="col">{t('daily.resolved')}</th>
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
          title={t('bars.priority')}
          rows={d.byPriority.map((p) => ({
            key: p.priority,
            label: priorityLabel[p.priority],
            count: p.count,
            tone: `prio-${p.priority}`,
          }))}
          hrefOf={(k) => `/queue?queue=open&priority=${k}`}
        />
        <Bars
          title={t('bars.state')}
          rows={d.byStatus.map((s) => ({ key: s.status, label: statusLabel[s.status], count: s.count }))}
          hrefOf={(k) => `/queue?queue=open&status=${k}`}
        />
        <Bars
          title={t('bars.group')}
          rows={d.byGroup.map((g) => ({ key: String(g.groupId ?? 'none'), label: g.name, count: g.count }))}
        />
        <Bars
          title={t('bars.age')}
          rows={d.backlogAge.map((b) => ({
            key: b.label,
            label: ageKeys[b.label] ? t(ageKeys[b.label]) : b.label,
            count: b.count,
          }))}
        />
        <Bars
          title={t('bars.load')}
          rows={d.technicians.map((tech) => ({
            key: String(tech.userId),
            label: tech.name,
            count: tech.open,
          }))}
        />
        <Bars
          title={t('bars.satisfaction')}
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
