// Capacity: every host's disk, memory, CPU and network headroom from its node_exporter series, the trend over 30 and
// 90 days, and when each forecast crosses its threshold (with the band); those that cross within the chosen horizon
// first. A row opens its chart: history, forecast, band and threshold.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { type CapacityItem, type CapacityResource, useCapacity } from '../../api/forecast';
import { ForecastChart } from '../../ui/forecast-chart';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { MonitoringTabs } from './tabs';

const horizons = [
  { label: '7 d', value: '7d' },
  { label: '30 d', value: '30d' },
  { label: '90 d', value: '90d' },
  { label: '180 d', value: '180d' },
] as const;

const resourceLabels: Record<CapacityResource, string> = {
  disk: 'Disk',
  memory: 'Memory',
  cpu: 'CPU',
  network: 'Network',
};

const percent = (fraction: number) => `${Math.round(fraction * 1000) / 10}%`;

/** A trend of the used fraction per day, as percentage points a day (or a week when small). */
function trendText(perDay: number | null): string {
  if (perDay === null) return '—';
  const pp = perDay * 100;
  if (Math.abs(pp) < 0.05) return `${pp >= 0 ? '+' : ''}${(pp * 7).toFixed(2)} pts/week`;
  return `${pp >= 0 ? '+' : ''}${pp.toFixed(1)} pts/day`;
}

function Crossing({ item }: { item: CapacityItem }) {
  if (!item.crossesAt) return <span className="muted">Not in sight</span>;
  return (
    <span>
      <Time iso={item.crossesAt} />
      {item.earliest && Math.abs(Date.parse(item.earliest) - Date.parse(item.crossesAt)) > 12 * 3_600_000 && (
        <span className="muted small">
          {' '}
          (earliest <Time iso={item.earliest} />)
        </span>
      )}
    </span>
  );
}

function Row({ item, open, onToggle }: { item: CapacityItem; open: boolean; onToggle: () => void }) {
  const name = `${resourceLabels[item.resource]}${item.detail ? ` ${item.detail}` : ''}`;
  return (
    <>
      <tr className={item.needsAction ? 'needs-action' : undefined}>
        <td data-label="Host" className="break">
          {item.target.id !== null ? (
            <Link to={`/monitoring/targets/${item.target.id}`}>{item.target.name}</Link>
          ) : (
            item.target.name
          )}
          <span className="muted small"> {item.target.instance}</span>
        </td>
        <td data-label="Resource" className="break">
          {name}
        </td>
        <td data-label="Used now" className="nowrap">
          {percent(1 - item.headroom)} <span className="muted small">of {percent(item.threshold)}</span>
        </td>
        <td data-label="Trend" className="nowrap">
          {trendText(item.trend30d)}
          <span className="muted small"> · 90 d {trendText(item.trend90d)}</span>
        </td>
        <td data-label="Crosses">
          <Crossing item={item} />
        </td>
        <td data-label="Action" className="nowrap">
          {item.needsAction ? (
            <span className="badge sla-warning">Needs action</span>
          ) : (
            <span className="muted">—</span>
          )}{' '}
          <button type="button" className="link-button" aria-expanded={open} onClick={onToggle}>
            {open ? 'Hide chart' : 'Chart'}
          </button>
        </td>
      </tr>
      {open && (
        <tr className="chart-row">
          <td colSpan={6}>
            <ForecastChart
              query={item.query}
              threshold={item.threshold}
              label={`${name} of ${item.target.name}: used share over 30 days, its forecast and band`}
            />
          </td>
        </tr>
      )}
    </>
  );
}

export default function CapacityPage() {
  useTitle('Capacity');
  const [horizon, setHorizon] = useState<string>('30d');
  const [onlyAction, setOnlyAction] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  const report = useCapacity(horizon);
  const items = (report.data?.items ?? []).filter((i) => !onlyAction || i.needsAction);
  const key = (i: CapacityItem) => `${i.target.instance}|${i.resource}|${i.detail}`;
  const needing = report.data?.items.filter((i) => i.needsAction).length ?? 0;
  return (
    <div className="page">
      <div className="page-head">
        <h1>Capacity</h1>
        <div className="head-actions">
          <label className="choice">
            <input type="checkbox" checked={onlyAction} onChange={(e) => setOnlyAction(e.target.checked)} />
            Needs action only
          </label>
          <fieldset className="range-picker" aria-label="Horizon">
            {horizons.map((h) => (
              <button
                key={h.value}
                type="button"
                aria-pressed={horizon === h.value}
                onClick={() => setHorizon(h.value)}
              >
                {h.label}
              </button>
            ))}
          </fieldset>
        </div>
      </div>
      <MonitoringTabs />
      {report.isPending && <Loading />}
      <ErrorMessage error={report.error} />
      {report.data && (
        <p className="muted">
          {needing === 0
            ? 'Nothing crosses its threshold within the horizon.'
            : `${needing} ${needing === 1 ? 'resource crosses' : 'resources cross'} its threshold within the horizon.`}{' '}
          Thresholds: disk {percent(report.data.thresholds.disk)}, memory{' '}
          {percent(report.data.thresholds.memory)}, CPU {percent(report.data.thresholds.cpu)}, network{' '}
          {percent(report.data.thresholds.network)} used. Upgrades proposed from these are under{' '}
          <Link to="/proposals">Proposals</Link>.
        </p>
      )}
      {report.data && items.length === 0 && (
        <Empty title={onlyAction ? 'Nothing needs action.' : 'No host reports its capacity yet.'}>
          Hosts appear here once node_exporter on them is scraped (a target's scrape job).
        </Empty>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table stack-table capacity-table">
            <caption className="visually-hidden">Capacity of every host</caption>
            <thead>
              <tr>
                <th scope="col">Host</th>
                <th scope="col">Resource</th>
                <th scope="col">Used now</th>
                <th scope="col">Trend (30 d)</th>
                <th scope="col">Crosses its threshold</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <Row
                  key={key(i)}
                  item={i}
                  open={open === key(i)}
                  onToggle={() => setOpen(open === key(i) ? null : key(i))}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
