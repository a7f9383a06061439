// One monitored target: its state and uptime, charts over a chosen range (each check's latency from the
// probe_duration_seconds it records; the host's CPU, memory and filesystems when it has scrape targets), its
// checks with their last run, message, state changes and "run now"; managers edit and delete the target and its
// checks, and add checks of every kind (check-form.tsx).
import { type FormEvent, lazy, Suspense, useMemo, useState } from 'react';
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
import { type CheckKind, checkKindLabels } from '../../api/monitoring-checks';
import { isManager, useUser } from '../../session';
import { useServerNow } from '../../sla';
import { Field, fieldError } from '../../ui/field';
import { ErrorMessage, Loading } from '../../ui/messages';
import { type Run, Sparkline } from '../../ui/sparkline';
import { TargetListPicker, type TargetRef } from '../../ui/target-picker';
import { Time } from '../../ui/time';
import { useTitle } from '../../ui/title';
import { parseTags } from './board';
import { CheckForm } from './check-form';
import { formatUptime, MonitoringTabs, MonitorStateBadge, secondsAgo } from './tabs';

// uPlot loads with the chart, on chart pages only.
const TimeSeriesChart = lazy(() => import('../../ui/time-series-chart'));

const ranges = [
  { label: '1 h', seconds: 3600 },
  { label: '6 h', seconds: 6 * 3600 },
  { label: '24 h', seconds: 86_400 },
  { label: '7 d', seconds: 7 * 86_400 },
  // Past the raw samples' retention (15 days) the charts read the rollups: capacity trends over months.
  { label: '30 d', seconds: 30 * 86_400 },
  { label: '90 d', seconds: 90 * 86_400 },
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
      <ErrorMessage error={data.error} title="The chart could not be loaded." />
      {data.isPending && <div className="chart-placeholder">Loading…</div>}
      {data.data && series.length === 0 && <div className="chart-placeholder">No data in this range.</div>}
      {series.length > 0 && (
        <Suspense fallback={<div className="chart-placeholder">Loading…</div>}>
          <TimeSeriesChart
            series={series}
            unit={unit}
            label={`${title} over the chosen range`}
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
  const [range, setRange] = useState<number>(3600);
  const scrapes = useScrapeTargets();
  const jobs = [...new Set((scrapes.data ?? []).filter((s) => s.targetId === target.id).map((s) => s.job))];
  const name = quote(target.name);
  return (
    <section aria-labelledby="charts-title">
      <div className="page-head">
        <h2 id="charts-title">Charts</h2>
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
              Watch for anomalies
            </Link>
          )}
          <fieldset className="range-picker" aria-label="Range">
            {ranges.map((r) => (
              <button
                key={r.label}
                type="button"
                aria-pressed={range === r.seconds}
                onClick={() => setRange(r.seconds)}
              >
                {r.label}
              </button>
            ))}
          </fieldset>
        </div>
      </div>
      <div className="panels">
        <Chart
          title="Check latency"
          query={`1000 * probe_duration_seconds{target=${name}}`}
          rangeSeconds={range}
          unit="ms"
          seriesLabel={byCheck}
        />
        {jobs.map((job) => {
          const j = quote(job);
          return [
            <Chart
              key={`${job}-cpu`}
              title={`CPU busy (${job})`}
              query={`100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle",job=${j}}[5m])))`}
              rangeSeconds={range}
              unit="%"
              seriesLabel={byInstance}
            />,
            <Chart
              key={`${job}-memory`}
              title={`Memory used (${job})`}
              query={`100 * (1 - node_memory_MemAvailable_bytes{job=${j}} / node_memory_MemTotal_bytes{job=${j}})`}
              rangeSeconds={range}
              unit="%"
              seriesLabel={byInstance}
            />,
            <Chart
              key={`${job}-fs`}
              title={`Filesystems used (${job})`}
              query={`100 * (1 - node_filesystem_avail_bytes{job=${j},fstype!~"tmpfs|overlay|squashfs"} / node_filesystem_size_bytes{job=${j},fstype!~"tmpfs|overlay|squashfs"})`}
              rangeSeconds={range}
              unit="%"
              seriesLabel={byMount}
            />,
            // Written by anomaly rules (Monitoring → Rules, kind "Anomalies") for the series they watch: 0 usual, 1 most unusual.
            <Chart
              key={`${job}-anomaly`}
              title={`Anomaly scores (${job})`}
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
  const history = useCheckHistory(checkId, true);
  if (history.isPending) return <Loading />;
  if (history.error) return <ErrorMessage error={history.error} />;
  if (history.data.changes.length === 0) return <p className="muted small">No state changes yet.</p>;
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
          {checkKindLabels[check.kind as CheckKind] ?? check.kind}
          {where ? ` · ${where}` : ''} · every {check.intervalSeconds} s
        </span>
      </h3>
      <p className="small">
        Last run {secondsAgo(check.lastRunAt, now)}
        {check.lastLatencyMs !== null && ` · ${Math.round(check.lastLatencyMs)} ms`} · {check.state} since{' '}
        <Time iso={check.stateSince} />
      </p>
      {check.lastMessage && <p className="check-message muted small">{check.lastMessage}</p>}
      <Sparkline runs={check.recentResults as Run[]} width={160} height={28} />
      <div className="actions">
        {manager && (
          <button type="button" onClick={() => run.mutate()} disabled={run.isPending}>
            {run.isPending ? 'Running…' : 'Run now'}
          </button>
        )}
        <button
          type="button"
          className="ghost"
          aria-expanded={showHistory}
          onClick={() => setShowHistory((s) => !s)}
        >
          State changes
        </button>
        {manager && !editing && (
          <button type="button" className="ghost" onClick={() => setEditing(true)}>
            Edit
          </button>
        )}
        {manager && (
          <button
            type="button"
            className="danger"
            aria-label={`Delete check ${check.name}`}
            disabled={remove.isPending}
            onClick={() =>
              window.confirm(
                `Delete the check ${check.name} of ${targetName}, with its history and latency data? This cannot be undone.`,
              ) && remove.mutate()
            }
          >
            Delete
          </button>
        )}
      </div>
      <p role="status" className="small">
        {run.data &&
          `Ran: ${run.data.result.ok ? 'up' : 'down'} in ${Math.round(run.data.result.latencyMs)} ms. ${run.data.result.message}`}
      </p>
      <ErrorMessage error={run.error} title="Not run." />
      <ErrorMessage error={remove.error} title="Not deleted." />
      {showHistory && <History checkId={check.id} />}
      {editing && <CheckForm targetId={check.targetId} check={check} onClose={() => setEditing(false)} />}
    </li>
  );
}

function TargetEditor({ target, onClose }: { target: TargetDetail; onClose: () => void }) {
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
    parents ?? target.parentIds.map((id) => ({ id, name: parentNames.get(id) ?? `Target ${id}` }));
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
        Edit {target.name}
      </h2>
      <div className="field-row">
        <Field
          label="Tags"
          hint="Comma-separated, e.g. env:prod, web"
          error={fieldError(update.error, '/tags/0')}
        >
          {(id, d) => (
            <input id={id} value={tags} aria-describedby={d} onChange={(e) => setTags(e.target.value)} />
          )}
        </Field>
        <Field label="Group">
          {(id) => (
            <select id={id} value={groupId} onChange={(e) => setGroupId(e.target.value)}>
              <option value="">None</option>
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
        <Field label="Escalation policy">
          {(id) => (
            <select id={id} value={policyId} onChange={(e) => setPolicyId(e.target.value)}>
              <option value="">None</option>
              {policies.data?.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Service">
          {(id) => (
            <select id={id} value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
              <option value="">None</option>
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
        label="Depends on"
        hint="While a parent is down, this target's new alerts are held back. Type a name to add one."
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
          Save target
        </button>
        <button type="button" className="ghost" onClick={onClose}>
          Cancel
        </button>
      </div>
      <ErrorMessage error={update.error} title="Not saved." />
    </form>
  );
}

export default function TargetPage() {
  const id = Number(useParams().id);
  const user = useUser();
  const manager = isManager(user);
  const target = useTarget(id);
  const checks = useChecks(id);
  const [editing, setEditing] = useState(false);
  const navigate = useNavigate();
  const remove = useDeleteTarget(id, () => navigate('/monitoring'));
  const parentNames = useTargetNames(target.data?.parentIds ?? []);
  const nameOf = (pid: number) => parentNames.get(pid) ?? `Target ${pid}`;
  useTitle(target.data?.name ?? 'Monitoring target');
  if (target.isPending) return <Loading />;
  if (target.error)
    return (
      <div className="page">
        <MonitoringTabs />
        <ErrorMessage error={target.error} title="This target could not be loaded." />
      </div>
    );
  const t = target.data;
  return (
    <div className="page">
      <MonitoringTabs />
      <p className="small">
        <Link to="/monitoring">← Status board</Link>
      </p>
      <div className="page-head">
        <h1>{t.name}</h1>
        <div className="actions">
          <MonitorStateBadge state={t.state} />
          <span className="muted small">
            since <Time iso={t.stateSince} />
          </span>
          {manager && !editing && (
            <button type="button" onClick={() => setEditing(true)}>
              Edit target
            </button>
          )}
          {manager && (
            <button
              type="button"
              className="danger"
              disabled={remove.isPending}
              onClick={() => {
                const n = checks.data?.length ?? 0;
                if (
                  window.confirm(
                    `Delete the target ${t.name} with its ${n} check${n === 1 ? '' : 's'} and their history? This cannot be undone.`,
                  )
                )
                  remove.mutate();
              }}
            >
              Delete target
            </button>
          )}
        </div>
      </div>
      <ErrorMessage error={remove.error} title="Not deleted." />
      <p className="muted">
        {t.kind === 'host' ? 'Host' : 'Service'}
        {t.address ? ` · ${t.address}` : ''}
        {t.description ? ` · ${t.description}` : ''}
      </p>
      {t.parentIds.length > 0 && (
        <p className="small">
          Depends on{' '}
          {t.parentIds.map((pid, i) => (
            <span key={pid}>
              {i > 0 && ', '}
              <Link to={`/monitoring/targets/${pid}`}>{nameOf(pid)}</Link>
            </span>
          ))}
        </p>
      )}
      {t.tags.length > 0 && (
        <p className="chips">
          {t.tags.map((tag) => (
            <Link key={tag} className="chip" to={`/monitoring?tag=${encodeURIComponent(tag)}`}>
              {tag}
            </Link>
          ))}
        </p>
      )}
      {editing && <TargetEditor target={t} onClose={() => setEditing(false)} />}
      <section className="card" aria-labelledby="uptime-title">
        <h2 id="uptime-title" className="flush">
          Uptime
        </h2>
        <dl className="uptime-figures">
          {(
            [
              ['24 h', t.uptime.h24],
              ['7 days', t.uptime.d7],
              ['30 days', t.uptime.d30],
              ['90 days', t.uptime.d90],
            ] as const
          ).map(([label, v]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{formatUptime(v)}</dd>
            </div>
          ))}
        </dl>
      </section>
      <Charts target={t} />
      <section aria-labelledby="checks-title">
        <h2 id="checks-title">Checks</h2>
        <ErrorMessage error={checks.error} title="The checks could not be loaded." />
        {checks.data?.length === 0 && <p className="muted">No checks yet.</p>}
        <ul className="card-list">
          {checks.data?.map((c) => (
            <CheckCard key={c.id} check={c} targetName={t.name} manager={manager} />
          ))}
        </ul>
        {manager && <CheckForm targetId={t.id} />}
      </section>
    </div>
  );
}
