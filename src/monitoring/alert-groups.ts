// Aggregation groups and their timers, as Alertmanager's dispatcher runs them, with the timer in the row: a group
// first flushes group_wait after it forms, then every group_interval. A flush passes the group's alerts through
// stages of one signature (Alertmanager's notify.go): inhibition, the route's active and mute time intervals,
// silences, target suppression (maintenance, a parent down), flapping, the notification log's dedup (new firing
// alerts, newly resolved ones, or repeat_interval passed — checked on these ticks only), then the receiver. Due
// groups are claimed with a lease (FOR UPDATE SKIP LOCKED where the database has it, and an update conditional on
// the lease), so several instances never flush one group twice.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { DomainError } from '../core/errors.js';
import type { JobScheduler } from '../core/jobs.js';
import { resolveIncidentFromAlerts } from '../incidents/index.js';
import { queueDeliveries } from '../notify/index.js';
import {
  type Alert,
  type FlushRun,
  type GroupRow,
  isFiring,
  type Muter,
  nudgePipeline,
  pipelinePorts,
  type Stage,
  setPipelineNudge,
} from './alert-model.js';
import { alertOf, joinGroup, sweepResolvedAlerts, targetSuppression } from './alert-pipeline.js';
import { notifyReceiver } from './alert-receivers.js';
import {
  findRoute,
  groupKeyOf,
  groupLabelsOf,
  matchRoutes,
  type ReceiverSpec,
  type RouteOpts,
  type Routing,
  type RoutingDocument,
} from './alert-routing.js';
import { loadRouting, putAlertRouting, type StoredRouting } from './alert-routing-store.js';
import { flappingMuter } from './flapping.js';
import { Inhibitor } from './inhibition.js';
import { requireMonitor } from './permissions.js';
import { loadSilencer } from './silences.js';
import { isActiveAt } from './time-intervals.js';

/** A muting stage: silences, inhibitions, suppression and flapping answer one question (notify/mute.go). */
export function muteStage(muter: Muter): Stage {
  return async (run, alerts) => {
    const kept: Alert[] = [];
    for (const a of alerts) if (!(await muter.mutes(a, run.at))) kept.push(a);
    return kept;
  };
}

/** The route's mute_time_intervals: while one holds, the route sends nothing (its alerts wait, unchanged). */
export const timeMuteStage: Stage = async (run, alerts) => {
  for (const name of run.opts.muteTimeIntervals)
    if (isActiveAt(run.routing.timeIntervals.get(name) ?? [], run.at)) return [];
  return alerts;
};

/** The route's active_time_intervals: when it has some, it sends only while one holds. */
export const timeActiveStage: Stage = async (run, alerts) => {
  if (run.opts.activeTimeIntervals.length === 0) return alerts;
  const active = run.opts.activeTimeIntervals.some((name) =>
    isActiveAt(run.routing.timeIntervals.get(name) ?? [], run.at),
  );
  return active ? alerts : [];
};

function sendsResolved(receiver: ReceiverSpec | null): boolean {
  if (!receiver) return false;
  return (
    (receiver.incident_configs?.length ?? 0) > 0 ||
    (receiver.webhook_configs ?? []).some((w) => w.send_resolved !== false) ||
    (receiver.email_configs ?? []).some((e) => e.send_resolved === true)
  );
}

/**
 * Alertmanager's DedupStage.needsUpdate: never told before — only when something fires (an alert resolved within
 * group_wait is never sent); a firing alert the last notification did not hold; everything resolved after a
 * notification that held firing alerts; a newly resolved alert for a receiver that sends resolutions; or the
 * repeat interval passed since the last notification.
 */
export function needsUpdate(
  log: FlushRun['log'],
  firing: ReadonlySet<string>,
  resolved: ReadonlySet<string>,
  sendResolved: boolean,
  repeatIntervalMs: number,
  at: number,
): boolean {
  if (log.notifiedAt === null) return firing.size > 0;
  for (const f of firing) if (!log.firing.has(f)) return true;
  if (firing.size === 0) return log.firing.size > 0;
  if (sendResolved) for (const r of resolved) if (!log.resolved.has(r)) return true;
  return log.notifiedAt <= at - repeatIntervalMs;
}

export const dedupStage: Stage = async (run, alerts) => {
  const firing = new Set(alerts.filter((a) => isFiring(a, run.at)).map((a) => a.fingerprint));
  const resolved = new Set(alerts.filter((a) => !isFiring(a, run.at)).map((a) => a.fingerprint));
  return needsUpdate(
    run.log,
    firing,
    resolved,
    sendsResolved(run.receiver),
    run.opts.repeatIntervalMs,
    run.at,
  )
    ? alerts
    : [];
};

export const receiverStage: Stage = (run, alerts) => notifyReceiver(run, alerts);

/** The stages in order, for a flush: the firing alerts of every group feed the inhibitor. */
async function stagesFor(ctx: ServiceContext, routing: Routing, at: number): Promise<Stage[]> {
  const firing = (
    await ctx.db.selectFrom('monitoring_alerts').selectAll().where('resolves_at', '>', at).execute()
  ).map(alertOf);
  return [
    muteStage(new Inhibitor(routing.inhibitRules, firing, at)),
    timeActiveStage,
    timeMuteStage,
    muteStage(await loadSilencer(ctx, at)),
    muteStage(targetSuppression(ctx)),
    muteStage(flappingMuter),
    dedupStage,
    receiverStage,
  ];
}

/** How long a claimed group is held by the instance flushing it. */
export const flushLeaseMs = 60_000;
/** A flush whose receiver failed is tried again this soon (or at group_interval, if sooner). */
export const flushRetryMs = 30_000;

/** Claim due groups: only one instance wins each (SKIP LOCKED, and an update conditional on the lease). */
async function claimDueGroups(ctx: ServiceContext, at: number, limit: number): Promise<GroupRow[]> {
  return ctx.db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('monitoring_alert_groups')
      .select('id')
      .where('next_flush_at', '<=', at)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)]))
      .orderBy('next_flush_at')
      .limit(limit);
    if (ctx.caps.supportsSkipLocked) q = q.forUpdate().skipLocked();
    const ids = (await q.execute()).map((r) => r.id);
    if (ids.length === 0) return [];
    return trx
      .updateTable('monitoring_alert_groups')
      .set({ lease_until: at + flushLeaseMs })
      .where('id', 'in', ids)
      .where('next_flush_at', '<=', at)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', at)]))
      .returningAll()
      .execute();
  });
}

export interface FlushPassResult {
  flushed: number;
  notified: number;
  failed: number;
}

/** Flush every group that is due now; returns what happened. */
export async function flushDueGroups(ctx: ServiceContext, limit = 100): Promise<FlushPassResult> {
  const at = ctx.clock.now();
  const groups = await claimDueGroups(ctx, at, limit);
  const result: FlushPassResult = { flushed: 0, notified: 0, failed: 0 };
  if (groups.length === 0) return result;
  const routing = await loadRouting(ctx);
  const stages = await stagesFor(ctx, routing, at);
  for (const group of groups) {
    const outcome = await flushGroup(ctx, group, routing, stages, at);
    result.flushed++;
    if (outcome === 'notified') result.notified++;
    if (outcome === 'failed') result.failed++;
  }
  return result;
}

async function flushGroup(
  ctx: ServiceContext,
  group: GroupRow,
  routing: Routing,
  stages: Stage[],
  at: number,
): Promise<'notified' | 'quiet' | 'failed'> {
  // A tree edited since the group formed: its route's settings now, or as they were if the route is gone.
  const opts = findRoute(routing.root, group.route_key)?.opts ?? (JSON.parse(group.route_opts) as RouteOpts);
  const alerts = (
    await ctx.db
      .selectFrom('monitoring_alert_group_alerts as ga')
      .innerJoin('monitoring_alerts as a', 'a.fingerprint', 'ga.fingerprint')
      .selectAll('a')
      .where('ga.group_id', '=', group.id)
      .orderBy('a.starts_at')
      .execute()
  ).map(alertOf);
  const run: FlushRun = {
    ctx,
    group,
    groupLabels: JSON.parse(group.group_labels) as Record<string, string>,
    at,
    routing,
    opts,
    receiver: routing.receivers.get(opts.receiver) ?? routing.receivers.get(group.receiver) ?? null,
    log: {
      firing: new Set(JSON.parse(group.last_firing) as string[]),
      resolved: new Set(JSON.parse(group.last_resolved) as string[]),
      notifiedAt: group.last_notified_at === null ? null : Number(group.last_notified_at),
    },
    deliveries: [],
    incidentId: group.incident_id,
    notified: false,
  };
  let sent: Alert[] = alerts;
  let error: string | null = null;
  // A receiver that cannot work as configured (no service to open the incident on) is tried again at the next
  // group_interval, when its configuration may be fixed; anything else soon.
  let retryInMs = Math.min(flushRetryMs, opts.groupIntervalMs);
  try {
    for (const stage of stages) {
      sent = await stage(run, sent);
      if (sent.length === 0) break;
    }
  } catch (err) {
    error = err instanceof Error ? err.message : String(err);
    if (err instanceof DomainError && err.kind === 'invalid') retryInMs = opts.groupIntervalMs;
    ctx.log.warn({ err, group: group.group_key, receiver: opts.receiver }, 'alert group notification failed');
  }
  const deleted = await ctx.db.transaction().execute(async (trx): Promise<boolean> => {
    if (error !== null) {
      await trx
        .updateTable('monitoring_alert_groups')
        .set({
          lease_until: null,
          last_error: error.slice(0, 1000),
          incident_id: run.incidentId,
          next_flush_at: at + retryInMs,
          updated_at: at,
        })
        .where('id', '=', group.id)
        .execute();
      return false;
    }
    if (run.notified) await queueDeliveries(trx, at, run.deliveries);
    // Alertmanager drops the alerts that were resolved when the flush began, once they were handled.
    const resolved = alerts.filter((a) => !isFiring(a, at)).map((a) => a.fingerprint);
    if (resolved.length > 0)
      await trx
        .deleteFrom('monitoring_alert_group_alerts')
        .where('group_id', '=', group.id)
        .where('fingerprint', 'in', resolved)
        .where((eb) =>
          eb(
            'fingerprint',
            'in',
            eb.selectFrom('monitoring_alerts').select('fingerprint').where('resolves_at', '<=', at),
          ),
        )
        .execute();
    const left = await trx
      .selectFrom('monitoring_alert_group_alerts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('group_id', '=', group.id)
      .executeTakeFirstOrThrow();
    if (Number(left.n) === 0) {
      await trx.deleteFrom('monitoring_alert_groups').where('id', '=', group.id).execute();
      return true;
    }
    const log = run.notified
      ? {
          last_notified_at: at,
          last_firing: JSON.stringify(sent.filter((a) => isFiring(a, at)).map((a) => a.fingerprint)),
          last_resolved: JSON.stringify(sent.filter((a) => !isFiring(a, at)).map((a) => a.fingerprint)),
        }
      : {};
    await trx
      .updateTable('monitoring_alert_groups')
      .set({
        ...log,
        lease_until: null,
        has_flushed: 1,
        last_error: null,
        incident_id: run.incidentId,
        next_flush_at: at + opts.groupIntervalMs,
        updated_at: at,
      })
      .where('id', '=', group.id)
      .execute();
    return false;
  });
  if (run.notified && run.deliveries.length > 0) ctx.deliveries?.nudge();
  if (deleted && run.incidentId !== null) await closeLeftIncident(run);
  if (error !== null) return 'failed';
  return run.notified ? 'notified' : 'quiet';
}

/**
 * A group whose alerts all resolved without the receiver hearing it (their resolution silenced, or sent while the
 * route was muted) is gone; its incident must not stay open for ever: resolve it as the receiver would have.
 */
async function closeLeftIncident(run: FlushRun): Promise<void> {
  if (run.incidentId === null || !resolvesIncidents(run.receiver)) return;
  await resolveGroupIncident(run.ctx, run.incidentId, 'every alert of the group has resolved');
}

/** Whether a receiver resolves the incidents it opened when their alerts are gone (resolve_incident, default true). */
function resolvesIncidents(receiver: ReceiverSpec | null | undefined): boolean {
  return (receiver?.incident_configs ?? []).some((c) => c.resolve_incident !== false);
}

/** Resolve a dropped group's incident, unless it is resolved already. */
async function resolveGroupIncident(ctx: ServiceContext, incidentId: number, reason: string): Promise<void> {
  const row = await ctx.db
    .selectFrom('incidents')
    .select('state')
    .where('id', '=', incidentId)
    .executeTakeFirst();
  if (!row || row.state === 'resolved') return;
  await resolveIncidentFromAlerts(ctx, incidentId, [reason], pipelinePorts(ctx).escalation);
}

/**
 * Replace the routing document (managers), then regroup the firing alerts under it: Alertmanager rebuilds its
 * aggregation groups from the alerts it holds when its configuration is reloaded, and so does this.
 */
export async function replaceAlertRouting(
  ctx: ServiceContext,
  actor: Actor,
  document: RoutingDocument,
): Promise<StoredRouting> {
  const stored = await putAlertRouting(ctx, actor, document);
  await regroupAlerts(ctx);
  return stored;
}

/**
 * Every firing alert into the groups the routing in force sends it to, and out of the others. A group it makes is
 * new (it waits group_wait, or flushes at once for an alert older than that, as aggrGroup.insert does); a group
 * whose key is unchanged keeps its notification log, so it sends nothing again. A group left with no alert is
 * dropped, and its incident resolved (its alerts go on in their new groups, which open their own). Resolved alerts
 * awaiting their group's next flush stay where they are, so the resolution is still sent.
 */
export async function regroupAlerts(
  ctx: ServiceContext,
): Promise<{ joined: number; left: number; dropped: number }> {
  const routing = await loadRouting(ctx);
  const now = ctx.clock.now();
  const dropped: { incidentId: number; receiver: string }[] = [];
  const counts = { joined: 0, left: 0, dropped: 0 };
  await ctx.db.transaction().execute(async (trx) => {
    const firing = (
      await trx
        .selectFrom('monitoring_alerts')
        .selectAll()
        .where('status', '=', 'firing')
        .$if(ctx.caps.supportsSkipLocked, (q) => q.forUpdate())
        .execute()
    ).map(alertOf);
    const members = await trx
      .selectFrom('monitoring_alert_group_alerts as ga')
      .innerJoin('monitoring_alert_groups as g', 'g.id', 'ga.group_id')
      .select(['ga.group_id', 'ga.fingerprint', 'g.group_key'])
      .execute();
    const held = new Set(members.map((m) => `${m.fingerprint} ${m.group_key}`));
    const wanted = new Map<string, Set<string>>();
    for (const alert of firing) {
      const keys = new Set<string>();
      for (const route of matchRoutes(routing.root, alert.labels)) {
        const key = groupKeyOf(route, groupLabelsOf(route.opts, alert.labels));
        keys.add(key);
        if (held.has(`${alert.fingerprint} ${key}`)) continue;
        await joinGroup(trx, route.opts, key, route.key, alert, now);
        counts.joined++;
      }
      wanted.set(alert.fingerprint, keys);
    }
    const leaving = members.filter((m) => {
      const keys = wanted.get(m.fingerprint);
      return keys !== undefined && !keys.has(m.group_key);
    });
    for (const m of leaving)
      await trx
        .deleteFrom('monitoring_alert_group_alerts')
        .where('group_id', '=', m.group_id)
        .where('fingerprint', '=', m.fingerprint)
        .execute();
    counts.left = leaving.length;
    const emptied = [...new Set(leaving.map((m) => m.group_id))];
    for (const id of emptied) {
      const left = await trx
        .selectFrom('monitoring_alert_group_alerts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('group_id', '=', id)
        .executeTakeFirstOrThrow();
      if (Number(left.n) > 0) continue;
      const group = await trx
        .selectFrom('monitoring_alert_groups')
        .select(['incident_id', 'receiver'])
        .where('id', '=', id)
        .executeTakeFirst();
      await trx.deleteFrom('monitoring_alert_groups').where('id', '=', id).execute();
      counts.dropped++;
      if (group?.incident_id != null)
        dropped.push({ incidentId: group.incident_id, receiver: group.receiver });
    }
  });
  for (const d of dropped) {
    // A receiver the new document no longer has cannot say; its incident would stay open for ever: resolve it.
    const receiver = routing.receivers.get(d.receiver);
    if (receiver && !resolvesIncidents(receiver)) continue;
    await resolveGroupIncident(
      ctx,
      d.incidentId,
      'the alert routing changed: its alerts went on in other groups',
    );
  }
  if (counts.joined > 0) nudgePipeline(ctx);
  return counts;
}

export interface AlertGroupView {
  id: number;
  groupKey: string;
  receiver: string;
  groupLabels: Record<string, string>;
  alertCount: number;
  nextFlushAt: number;
  lastNotifiedAt: number | null;
  incidentId: number | null;
  /** Why the last flush failed (an incident receiver with no service to open it on), until one succeeds. */
  lastError: string | null;
}

/** The aggregation groups as they stand (Alertmanager's GET /api/v2/alerts/groups), staff. */
export async function listAlertGroups(ctx: ServiceContext, actor?: Actor): Promise<AlertGroupView[]> {
  if (actor) requireMonitor(actor, 'alert.read');
  const counts = new Map(
    (
      await ctx.db
        .selectFrom('monitoring_alert_group_alerts')
        .select((eb) => ['group_id', eb.fn.countAll<number>().as('n')])
        .groupBy('group_id')
        .execute()
    ).map((r) => [r.group_id, Number(r.n)]),
  );
  const rows = await ctx.db.selectFrom('monitoring_alert_groups').selectAll().orderBy('id').execute();
  return rows.map((g) => ({
    id: g.id,
    groupKey: g.group_key,
    receiver: g.receiver,
    groupLabels: JSON.parse(g.group_labels) as Record<string, string>,
    alertCount: counts.get(g.id) ?? 0,
    nextFlushAt: Number(g.next_flush_at),
    lastNotifiedAt: g.last_notified_at === null ? null : Number(g.last_notified_at),
    incidentId: g.incident_id,
    lastError: g.last_error,
  }));
}

/** One round: record alerts that timed out as resolved, then flush the groups that are due. */
export async function runAlertPipeline(ctx: ServiceContext): Promise<FlushPassResult> {
  await sweepResolvedAlerts(ctx);
  return flushDueGroups(ctx);
}

/** How often due groups are looked for (group timers are kept to about this precision). */
export const alertPipelineIntervalMs = 1_000;

/** What the serve command calls once: the group timers every second, and a round soon after alerts arrive. */
export function registerAlertPipeline(ctx: ServiceContext, jobs: JobScheduler): void {
  let running: Promise<unknown> | null = null;
  let again = false;
  const round = (): Promise<unknown> => {
    if (running) {
      again = true;
      return running;
    }
    running = runAlertPipeline(ctx)
      .catch((err) => ctx.log.error({ err }, 'alert pipeline round failed'))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          void round();
        }
      });
    return running;
  };
  setPipelineNudge(ctx, () => void round());
  jobs.onStop(async () => {
    setPipelineNudge(ctx, null);
    await running;
  });
  jobs.every('monitoring.alert-groups', alertPipelineIntervalMs, round);
}
