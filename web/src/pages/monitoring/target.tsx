// One monitored target: its state and uptime, charts over a chosen range (each check's latency from the
// probe_duration_seconds it records; the host's CPU, memory and filesystems when it has scrape targets), its
// checks with their last run, message, state changes and "run now"; managers edit and delete the target and its
// checks, and add checks of every kind (check-form.tsx).
import { type FormEvent, lazy, Suspense, useMemo, useState } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useGroups } from '../../api/directory';
import { useEscalationPolicies, useServices } from '../../api/incidents';
import {
  type Check,
  type TargetDetail,
  useCheckHistory,
  useChecks,
  useDeleteCheck,
  useDeleteTarget,
  useRangeQuery,
  useRunCheck,
  useScrapeTargets,
  useTarget,
  useTargetNames,
  useUpdateTarget,
} from '../../api/monitoring';
import { isManager, useUser } from '../../session';
import { useServerNow } from '../../sla';
import { Field, fieldError } from '../../ui/field';
import { ErrorMessage, Loading } from '../../ui/messages';
import { type Run, Sparkline } from '../../ui/sparkline';
import { TargetListPicker, type TargetRef } from '../../ui/target-picker';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { parseTags } from './board';
import { CheckForm, checkKindLabel } from './check-form';
import { formatUptime, MonitoringTabs, MonitorStateBadge, secondsAgo } from './tabs';

// uPlot loads with the chart, on chart pages only.
const TimeSeriesChart = lazy(() => import('../../ui/time-series-chart'));

// Labels are catalogue keys (monitoring:target.range.*), read when shown.
const ranges = [
  { label: 'h1', seconds: 3600 },
  { label: 'h6', seconds: 6 * 3600 },
  { label: 'h24', seconds: 86_400 },
  { label: 'd7', seconds: 7 * 86_400 },
  // Past the raw samples' retention (15 days) the charts read the rollups: capacity trends over months.
  { label: 'd30', seconds: 30 * 86_400 },
  { label: 'd90', seconds: 90 * 86_400 },
] as const;

/** A PromQL label value in double quotes: backslashes and quotes escaped. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function Chart({
  title,
  query,
  rangeSeconds,
  unit,
  seriesLabel,
  optional = false,
  yRange,
}: {
  title: string;
  query: string;
  rangeSeconds: number;
  unit: string;
  seriesLabel: (metric: Record<string, string>) => string;
  /** Shown only when the query returns something (a chart of what not every target has). */
  optional?: boolean;
  yRange?: [number, number];
}) {
  const { t } = useTranslation('monitoring');
  const data = useRangeQuery(query, rangeSeconds);
  // Empty points at both ends keep the time axis on the chosen range, however few samples there are.
  const series = useMemo(() => {
    if (!data.data) return [];
    const { start, end } = data.data;
    return data.data.series.map((s) => {
      const first = s.values[0]?.[0] ?? end;
      const last = s.values[s.values.length - 1]?.[0] ?? start;
      const values: [number, string][] = [
        ...(first > start ? [[start, 'NaN'] as [number, string]] : []),
        ...s.values,
        ...(last < end ? [[end, 'NaN'] as [number, string]] : []),
      ];
      return { label: seriesLabel(s.metric), values };
    });
  }, [data.data, seriesLabel]);
  if (optional && (data.isPending || data.error || series.length === 0)) return null;
  return (
    <section className="card panel" aria-label={title}>
      <h3 className="flush">{title}</h3>
      <ErrorMessage error={data.error} title={t('target.chart.failed')} />
      {data.isPending && <div className="chart-placeholder">{t('common:loading')}</div>}
      {data.data && series.length === 0 && (
        <div className="chart-placeholder">{t('target.chart.noData')}</div>
      )}
      {series.length > 0 && (
        <Suspense fallback={<div className="chart-placeholder">{t('common:loading')}</div>}>
          <TimeSeriesChart
            series={series}
            unit={unit}
            label={t('target.chart.label', { title })}
            yRange={yRange}
          />
        </Suspense>
      )}
    </section>
  );
}

const byCheck = (m: Record<string, string>) => m.check ?? 'latency';
const byInstance = (m: Record<string, string>) => m.instance ?? m.job ?? 'value';
const byMount = (m: Record<string, string>) => `${m.instance ?? ''} ${m.mountpoint ?? ''}`.trim();
const scoreRange: [number, number] = [0, 1];
const byScoredSeries = (m: Record<string, string>) =>
  `${m.metric ?? ''} ${m.instance ?? ''}`.trim() || 'score';

function Charts({ target }: { target: TargetDetail }) {
  const { t } = useTranslation('monitoring');
  const [range, setRange] = useState<number>(3600);
  const scrapes = useScrapeTargets();
  const jobs = [...new Set((scrapes.data ?? []).filter((s) => s.targetId === target.id).map((s) => s.job))];
  const name = quote(target.name);
  return (
    <section aria-labelledby="charts-title">
      <div className="page-head">
        <h2 id="charts-title">{t('target.charts')}</h2>
        <div className="head-actions">
          {jobs.length > 0 && (
            <Link
              className="button ghost"
              to={`/monitoring/rules/new?${new URLSearchParams({
                kind: 'anomaly',
                name: `${target.name.replace(/[^a-zA-Z0-9_]/g, '_')}_anomalies`.replace(/^[^a-zA-Z_]/, 'T'),
                expr: `{job=~${quote(jobs.join('|'))}}`,
              })}`}
            >
              {t('target.watchAnomalies')}
            </Link>
          )}
          <fieldset className="range-picker" aria-label={t('target.range')}>
            {ranges.map((r) => (
              <button
                key={r.label}
                type="button"
                aria-pressed={range === r.seconds}
                onClick={() => setRange(r.seconds)}
              >
                {t(`target.range.${r.label}`)}
              </button>
            ))}
          </fieldset>
        </div>
      </div>
      <div className="panels">
        <Chart
          title={t('target.chart.latency')}
          query={`1000 * probe_duration_seconds{target=${name}}`}
          rangeSeconds={range}
          unit="ms" // i18n-ignore: a unit symbol
          seriesLabel={byCheck}
        />
        {jobs.map((job) => {
          const j = quote(job);
          return [
            <Chart
              key={`${job}-cpu`}
              title={t('target.chart.cpu', { job })}
              query={`100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle",job=${j}}[5m])))`}
              rangeSeconds={range}
              unit="%"
              seriesLabel={byInstance}
            />,
            <Chart
              key={`${job}-memory`}
              title={t('target.chart.memory', { job })}
              query={`100 * (1 - node_memory_MemAvailable_bytes{job=${j}} / node_memory_MemTotal_bytes{job=${j}})`}
              rangeSeconds={range}
              unit="%"
              seriesLabel={byInstance}
            />,
            <Chart
              key={`${job}-fs`}
              title={t('target.chart.filesystems', { job })}
              query={`100 * (1 - node_filesystem_avail_bytes{job=${j},fstype!~"tmpfs|overlay|squashfs"} / node_filesystem_size_bytes{job=${j},fstype!~"tmpfs|overlay|squashfs"})`}
              rangeSeconds={range}
              unit="%"
              seriesLabel={byMount}
            />,
            // Written by anomaly rules (Monitoring → Rules, kind "Anomalies") for the series they watch: 0 usual, 1 most unusual.
            <Chart
              key={`${job}-anomaly`}
              title={t('target.chart.anomaly', { job })}
              query={`max by (instance, metric) (opsdesk_anomaly_score{job=${j}})`}
              rangeSeconds={range}
              unit=""
              seriesLabel={byScoredSeries}
              optional
              yRange={scoreRange}
            />,
          ];
        })}
      </div>
    </section>
  );
}

function History({ checkId }: { checkId: number }) {
  const { t } = useTranslation('monitoring');
  const history = useCheckHistory(checkId, true);
  if (history.isPending) return <Loading />;
  if (history.error) return <ErrorMessage error={history.error} />;
  if (history.data.changes.length === 0) return <p className="muted small">{t('target.check.noChanges')}</p>;
  return (
    <ol className="state-changes" reversed>
      {history.data.changes.map((c) => (
        <li key={`${c.at}-${c.state}`}>
          <MonitorStateBadge state={c.state} />
          <Time iso={c.at} />
          <span className="muted">{c.message}</span>
        </li>
      ))}
    </ol>
  );
}

function CheckCard({ check, targetName, manager }: { check: Check; targetName: string; manager: boolean }) {
  const { t } = useTranslation('monitoring');
  const now = useServerNow();
  const run = useRunCheck(check.id);
  const remove = useDeleteCheck(check.id);
  const [editing, setEditing] = useState(false);
  const [showHistory, setShowHistory] = useState(false);
  const spec = check.spec as { kind: string; url?: string; host?: string; name?: string };
  const where = spec.url ?? spec.host ?? spec.name;
  return (
    <li className="card check-card">
      <h3>
        {check.name}
        <MonitorStateBadge state={check.state} />
        <span className="muted small">
          {checkKindLabel(check.kind)}
          {where ? ` · ${where}` : ''} · {t('target.check.every', { seconds: check.intervalSeconds })}
        </span>
      </h3>
      <p className="small">
        {t('target.check.lastRun', { ago: secondsAgo(check.lastRunAt, now) })}
        {check.lastLatencyMs !== null && ` · ${t('board.latency', { ms: Math.round(check.lastLatencyMs) })}`}{' '}
        ·{' '}
        <Trans
          t={t}
          i18nKey="target.check.stateSince"
          values={{ state: check.state }}
          components={{ since: <Time iso={check.stateSince} /> }}
        />
      </p>
      {check.lastMessage && <p className="check-message muted small">{check.lastMessage}</p>}
      <Sparkline runs={check.recentResults as Run[]} width={160} height={28} />
      <div className="actions">
        {manager && (
          <button type="button" onClick={() => run.mutate()} disabled={run.isPending}>
            {run.isPending ? t('target.check.running') : t('target.check.runNow')}
          </button>
        )}
        <button
          type="button"
          className="ghost"
          aria-expanded={showHistory}
          onClick={() => setShowHistory((s) => !s)}
        >
          {t('target.check.stateChanges')}
        </button>
        {manager && !editing && (
          <button type="button" className="ghost" onClick={() => setEditing(true)}>
            {t('common:actions.edit')}
          </button>
        )}
        {manager && (
          <button
            type="button"
            className="danger"
            aria-label={t('target.check.deleteNamed', { name: check.name })}
            disabled={remove.isPending}
            onClick={() =>
              window.confirm(t('target.check.deleteConfirm', { name: check.name, target: targetName })) &&
              remove.mutate()
            }
          >
            {t('common:actions.delete')}
          </button>
        )}
      </div>
      <p role="status" className="small">
        {run.data &&
          t('target.check.ran', {
            result: run.data.result.ok ? 'up' : 'down',
            ms: Math.round(run.data.result.latencyMs),
            message: run.data.result.message,
          })}
      </p>
      <ErrorMessage error={run.error} title={t('target.check.runFailed')} />
      <ErrorMessage error={remove.error} title={t('target.deleteFailed')} />
      {showHistory && <History checkId={check.id} />}
      {editing && <CheckForm targetId={check.targetId} check={check} onClose={() => setEditing(false)} />}
    </li>
  );
}

function TargetEditor({ target, onClose }: { target: TargetDetail; onClose: () => void }) {
  const { t } = useTranslation('monitoring');
  const update = useUpdateTarget(target.id, onClose);
  const groups = useGroups();
  const policies = useEscalationPolicies();
  const services = useServices();
  const parentNames = useTargetNames(target.parentIds);
  const [tags, setTags] = useState(target.tags.join(', '));
  const [groupId, setGroupId] = useState(String(target.groupId ?? ''));
  const [policyId, setPolicyId] = useState(String(target.escalationPolicyId ?? ''));
  const [serviceId, setServiceId] = useState(String(target.serviceId ?? ''));
  // null until changed: the parents' names load after the form opens.
  const [parents, setParents] = useState<TargetRef[] | null>(null);
  const shownParents =
    parents ??
    target.parentIds.map((id) => ({
      id,
      name: parentNames.get(id) ?? t('target.fallbackName', { id: String(id) }),
    }));
  const orNull = (v: string) => (v ? Number(v) : null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    update.mutate({
      tags: parseTags(tags),
      groupId: orNull(groupId),
      escalationPolicyId: orNull(policyId),
      serviceId: orNull(serviceId),
      ...(parents ? { parentIds: parents.map((p) => p.id) } : {}),
    });
  };
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="edit-target">
      <h2 id="edit-target" className="flush">
        {t('target.edit.title', { name: target.name })}
      </h2>
      <div className="field-row">
        <Field
          label={t('board.add.tags')}
          hint={t('board.add.tagsHint')}
          error={fieldError(update.error, '/tags/0')}
        >
          {(id, d) => (
            <input id={id} value={tags} aria-describedby={d} onChange={(e) => setTags(e.target.value)} />
          )}
        </Field>
        <Field label={t('target.edit.group')}>
          {(id) => (
            <select id={id} value={groupId} onChange={(e) => setGroupId(e.target.value)}>
              <option value="">{t('target.edit.none')}</option>
              {groups.data?.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="field-row">
        <Field label={t('target.edit.policy')}>
          {(id) => (
            <select id={id} value={policyId} onChange={(e) => setPolicyId(e.target.value)}>
              <option value="">{t('target.edit.none')}</option>
              {policies.data?.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('target.edit.service')}>
          {(id) => (
            <select id={id} value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
              <option value="">{t('target.edit.none')}</option>
              {services.data?.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field
        label={t('target.edit.dependsOn')}
        hint={t('target.edit.dependsOnHint')}
        error={fieldError(update.error, '/parentIds')}
      >
        {(id, d) => (
          <TargetListPicker
            id={id}
            describedBy={d}
            value={shownParents}
            exclude={[target.id]}
            onChange={setParents}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={update.isPending}>
          {t('target.edit.save')}
        </button>
        <button type="button" className="ghost" onClick={onClose}>
          {t('common:actions.cancel')}
        </button>
      </div>
      <ErrorMessage error={update.error} title={t('target.edit.saveFailed')} />
    </form>
  );
}

export default function TargetPage() {
  const { t } = useTranslation('monitoring');
  const id = Number(useParams().id);
  const user = useUser();
  const manager = isManager(user);
  const target = useTarget(id);
  const checks = useChecks(id);
  const [editing, setEditing] = useState(false);
  const navigate = useNavigate();
  const remove = useDeleteTarget(id, () => navigate('/monitoring'));
  const parentNames = useTargetNames(target.data?.parentIds ?? []);
  const nameOf = (pid: number) => parentNames.get(pid) ?? t('target.fallbackName', { id: String(pid) });
  useTitle(target.data?.name ?? t('target.title'));
  if (target.isPending) return <Loading />;
  if (target.error)
    return (
      <div className="page">
        <MonitoringTabs />
        <ErrorMessage error={target.error} title={t('target.loadFailed')} />
      </div>
    );
  const detail = target.data;
  return (
    <div className="page">
      <MonitoringTabs />
      <p className="small">
        <Link to="/monitoring">{t('target.back')}</Link>
      </p>
      <div className="page-head">
        <h1>{detail.name}</h1>
        <div className="actions">
          <MonitorStateBadge state={detail.state} />
          <span className="muted small">
            <Trans t={t} i18nKey="target.since" components={{ since: <Time iso={detail.stateSince} /> }} />
          </span>
          {manager && !editing && (
            <button type="button" onClick={() => setEditing(true)}>
              {t('target.editButton')}
            </button>
          )}
          {manager && (
            <button
              type="button"
              className="danger"
              disabled={remove.isPending}
              onClick={() => {
                const n = checks.data?.length ?? 0;
                if (window.confirm(t('target.deleteConfirm', { name: detail.name, count: n })))
                  remove.mutate();
              }}
            >
              {t('target.delete')}
            </button>
          )}
        </div>
      </div>
      <ErrorMessage error={remove.error} title={t('target.deleteFailed')} />
      <p className="muted">
        {detail.kind === 'host' ? t('board.add.kind.host') : t('board.add.kind.service')}
        {detail.address ? ` · ${detail.address}` : ''}
        {detail.description ? ` · ${detail.description}` : ''}
      </p>
      {detail.parentIds.length > 0 && (
        <p className="small">
          {t('target.dependsOn')}{' '}
          {detail.parentIds.map((pid, i) => (
            <span key={pid}>
              {i > 0 && ', '}
              <Link to={`/monitoring/targets/${pid}`}>{nameOf(pid)}</Link>
            </span>
          ))}
        </p>
      )}
      {detail.tags.length > 0 && (
        <p className="chips">
          {detail.tags.map((tag) => (
            <Link key={tag} className="chip" to={`/monitoring?tag=${encodeURIComponent(tag)}`}>
              {tag}
            </Link>
          ))}
        </p>
      )}
      {editing && <TargetEditor target={detail} onClose={() => setEditing(false)} />}
      <section className="card" aria-labelledby="uptime-title">
        <h2 id="uptime-title" className="flush">
          {t('target.uptime')}
        </h2>
        <dl className="uptime-figures">
          {(
            [
              ['h24', detail.uptime.h24],
              ['d7', detail.uptime.d7],
              ['d30', detail.uptime.d30],
              ['d90', detail.uptime.d90],
            ] as const
          ).map(([label, v]) => (
            <div key={label}>
              <dt>{t(`target.uptime.${label}`)}</dt>
              <dd>{formatUptime(v)}</dd>
            </div>
          ))}
        </dl>
      </section>
      <Charts target={detail} />
      <section aria-labelledby="checks-title">
        <h2 id="checks-title">{t('target.checks')}</h2>
        <ErrorMessage error={checks.error} title={t('target.checksFailed')} />
        {checks.data?.length === 0 && <p className="muted">{t('target.noChecks')}</p>}
        <ul className="card-list">
          {checks.data?.map((c) => (
            <CheckCard key={c.id} check={c} targetName={detail.name} manager={manager} />
          ))}
        </ul>
        {manager && <CheckForm targetId={detail.id} />}
      </section>
    </div>
  );
}
