// Capacity: every host's disk, memory, CPU and network headroom from its node_exporter series, the trend over 30 and
// 90 days, and when each forecast crosses its threshold (with the band); those that cross within the chosen horizon
// first. A row opens its chart: history, forecast, band and threshold.
import { useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { type CapacityItem, type CapacityResource, useCapacity } from '../../api/forecast';
import { t as translate } from '../../i18n';
import { numberFormat } from '../../locale';
import { ForecastChart } from '../../ui/forecast-chart';
import { Empty, ErrorMessage, Loading } from '../../ui/messages';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { MonitoringTabs } from './tabs';

// Labels are catalogue keys (monitoring:capacity.horizon.*), read when shown.
const horizons = ['7d', '30d', '90d', '180d'] as const;

function resourceLabel(resource: CapacityResource): string {
  return translate(`monitoring:capacity.resource.${resource}`);
}

const percentFormat = numberFormat({ style: 'percent', maximumFractionDigits: 1 });
const percent = (fraction: number) => percentFormat.format(fraction);

const weekTrend = numberFormat({ signDisplay: 'always', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const dayTrend = numberFormat({ signDisplay: 'always', minimumFractionDigits: 1, maximumFractionDigits: 1 });

/** A trend of the used fraction per day, as percentage points a day (or a week when small). */
function trendText(perDay: number | null): string {
  if (perDay === null) return '—';
  const pp = perDay * 100;
  if (Math.abs(pp) < 0.05)
    return translate('monitoring:capacity.trend.week', { value: weekTrend.format(pp * 7) });
  return translate('monitoring:capacity.trend.day', { value: dayTrend.format(pp) });
}

function Crossing({ item }: { item: CapacityItem }) {
  const { t } = useTranslation('monitoring');
  if (!item.crossesAt) return <span className="muted">{t('capacity.notInSight')}</span>;
  return (
    <span>
      <Time iso={item.crossesAt} />
      {item.earliest && Math.abs(Date.parse(item.earliest) - Date.parse(item.crossesAt)) > 12 * 3_600_000 && (
        <span className="muted small">
          {' '}
          <Trans t={t} i18nKey="capacity.earliest" components={{ when: <Time iso={item.earliest} /> }} />
        </span>
      )}
    </span>
  );
}

function Row({ item, open, onToggle }: { item: CapacityItem; open: boolean; onToggle: () => void }) {
  const { t } = useTranslation('monitoring');
  const name = `${resourceLabel(item.resource)}${item.detail ? ` ${item.detail}` : ''}`;
  return (
    <>
      <tr className={item.needsAction ? 'needs-action' : undefined}>
        <td data-label={t('capacity.table.host')} className="break">
          {item.target.id !== null ? (
            <Link to={`/monitoring/targets/${item.target.id}`}>{item.target.name}</Link>
          ) : (
            item.target.name
          )}
          <span className="muted small"> {item.target.instance}</span>
        </td>
        <td data-label={t('capacity.table.resource')} className="break">
          {name}
        </td>
        <td data-label={t('capacity.table.used')} className="nowrap">
          {percent(1 - item.headroom)}{' '}
          <span className="muted small">
            {t('capacity.ofThreshold', { threshold: percent(item.threshold) })}
          </span>
        </td>
        <td data-label={t('capacity.table.trendShort')} className="nowrap">
          {trendText(item.trend30d)}
          <span className="muted small"> · {t('capacity.trend90', { trend: trendText(item.trend90d) })}</span>
        </td>
        <td data-label={t('capacity.table.crossesShort')}>
          <Crossing item={item} />
        </td>
        <td data-label={t('capacity.table.action')} className="nowrap">
          {item.needsAction ? (
            <span className="badge sla-warning">{t('capacity.needsAction')}</span>
          ) : (
            <span className="muted">—</span>
          )}{' '}
          <button type="button" className="link-button" aria-expanded={open} onClick={onToggle}>
            {open ? t('capacity.hideChart') : t('capacity.chart')}
          </button>
        </td>
      </tr>
      {open && (
        <tr className="chart-row">
          <td colSpan={6}>
            <ForecastChart
              query={item.query}
              threshold={item.threshold}
              label={t('capacity.chartLabel', { resource: name, host: item.target.name })}
            />
          </td>
        </tr>
      )}
    </>
  );
}

export default function CapacityPage() {
  const { t } = useTranslation('monitoring');
  useTitle(t('capacity.title'));
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
        <h1>{t('capacity.title')}</h1>
        <div className="head-actions">
          <label className="choice">
            <input type="checkbox" checked={onlyAction} onChange={(e) => setOnlyAction(e.target.checked)} />
            {t('capacity.onlyAction')}
          </label>
          <fieldset className="range-picker" aria-label={t('capacity.horizon')}>
            {horizons.map((h) => (
              <button key={h} type="button" aria-pressed={horizon === h} onClick={() => setHorizon(h)}>
                {t(`capacity.horizon.${h}`)}
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
          {needing === 0 ? t('capacity.crossingNone') : t('capacity.crossingSome', { count: needing })}{' '}
          <Trans
            t={t}
            i18nKey="capacity.thresholds"
            values={{
              disk: percent(report.data.thresholds.disk),
              memory: percent(report.data.thresholds.memory),
              cpu: percent(report.data.thresholds.cpu),
              network: percent(report.data.thresholds.network),
            }}
            components={{ proposals: <Link to="/proposals" /> }}
          />
        </p>
      )}
      {report.data && items.length === 0 && (
        <Empty title={onlyAction ? t('capacity.emptyAction') : t('capacity.empty')}>
          {t('capacity.emptyHint')}
        </Empty>
      )}
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="data-table stack-table capacity-table">
            <caption className="visually-hidden">{t('capacity.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('capacity.table.host')}</th>
                <th scope="col">{t('capacity.table.resource')}</th>
                <th scope="col">{t('capacity.table.used')}</th>
                <th scope="col">{t('capacity.table.trend')}</th>
                <th scope="col">{t('capacity.table.crosses')}</th>
                <th scope="col">{t('capacity.table.action')}</th>
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
