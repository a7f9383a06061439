// Alerts as Alertmanager takes them: from the rule evaluator, the checks' rules and an existing Alertmanager's
// webhook, stored by fingerprint (a hash of the label set), routed down the tree into aggregation groups whose
// timers (alert-groups.ts) flush them through the mute stages into the receivers (alert-receivers.ts). An alert
// fires while its endsAt is null or ahead; one not re-sent within the resolve timeout (5 min) resolves then.
import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { type Database, retryOnUniqueViolation } from '../core/db/index.js';
import type { NewEvent } from '../core/events.js';
import {
  type Alert,
  alertLimits,
  isFiring,
  type MuteReason,
  nudgePipeline,
  pipelinePorts,
} from './alert-model.js';
import { groupKeyOf, groupLabelsOf, matchRoutes, type RouteOpts } from './alert-routing.js';
import { loadRouting } from './alert-routing-store.js';
import { flappingMuter, recordTransition } from './flapping.js';
import { Inhibitor } from './inhibition.js';
import { isValidLabelName, labelsKey } from './metric-model.js';
import type { AlertEvent } from './monitoring-events.js';
import { requireMonitor } from './permissions.js';
import { loadSilencer } from './silences.js';

/** An alert as a generator sends it (Prometheus's alert to Alertmanager): firing while endsAt is null or ahead. */
export interface AlertInput {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Epoch milliseconds. */
  startsAt: number;
  /** Null: firing until told otherwise (or until the resolve timeout); a past time: resolved then. */
  endsAt: number | null;
  generatorUrl?: string;
}

export type AlertOrigin = 'rule' | 'check' | 'alertmanager' | 'logs';

export interface ReceivedAlerts {
  accepted: number;
  /** Refused with a reason (bad labels, too many). */
  rejected: { index: number; reason: string }[];
}

type Row = Database['monitoring_alerts'];

/** The alert's identity: a hash of its label set, whatever the order of its labels. */
export function alertFingerprint(labels: Readonly<Record<string, string>>): string {
  return createHash('sha256').update(labelsKey(labels)).digest('hex').slice(0, 16);
}

/** Why an alert is refused, or null. */
export function alertProblem(a: AlertInput): string | null {
  if (typeof a !== 'object' || a === null || typeof a.labels !== 'object' || a.labels === null)
    return 'no_labels';
  const names = Object.keys(a.labels);
  if (names.length === 0) return 'no_labels';
  if (names.length > alertLimits.labels) return 'too_many_labels';
  for (const n of names) {
    if (!isValidLabelName(n) || n.length > alertLimits.labelNameLength) return 'invalid_label_name';
    const v = a.labels[n];
    if (typeof v !== 'string' || v.length > alertLimits.labelValueLength) return 'invalid_label_value';
  }
  if (typeof a.annotations !== 'object' || a.annotations === null) return 'invalid_annotations';
  for (const v of Object.values(a.annotations)) if (typeof v !== 'string') return 'invalid_annotations';
  if (Buffer.byteLength(JSON.stringify(a.annotations)) > alertLimits.annotationsBytes)
    return 'annotations_too_large';
  if (!Number.isFinite(a.startsAt)) return 'invalid_starts_at';
  if (a.endsAt !== null && !Number.isFinite(a.endsAt)) return 'invalid_ends_at';
  return null;
}

export function alertOf(row: Row): Alert {
  return {
    fingerprint: row.fingerprint,
    labels: JSON.parse(row.labels) as Record<string, string>,
    annotations: JSON.parse(row.annotations) as Record<string, string>,
    startsAt: Number(row.starts_at),
    endsAt: row.ends_at === null ? null : Number(row.ends_at),
    resolvesAt: Number(row.resolves_at),
    updatedAt: Number(row.updated_at),
    generatorUrl: row.generator_url,
    targetId: row.target_id,
    transitions: JSON.parse(row.transitions) as number[],
  };
}

/** A firing alert's end as it was sent (null: none given); a resolved one's, when it resolved. */
function alertEvent(a: Alert, resolved: boolean): AlertEvent {
  return {
    fingerprint: a.fingerprint,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: a.startsAt,
    endsAt: resolved ? a.resolvesAt : a.endsAt,
    targetId: a.targetId,
  };
}

function event(type: 'alert.firing' | 'alert.resolved', a: Alert): NewEvent {
  return {
    type,
    subjectType: 'alert',
    subjectId: a.fingerprint,
    actorId: null,
    payload: alertEvent(a, type === 'alert.resolved'),
  } as NewEvent;
}

/** Take alerts in (new, still firing, or resolved) and let the pipeline route and group them. */
export async function receiveAlerts(
  ctx: ServiceContext,
  alerts: readonly AlertInput[],
  origin: AlertOrigin,
): Promise<ReceivedAlerts> {
  const rejected: ReceivedAlerts['rejected'] = [];
  // The last of two alerts with one label set in a batch wins, as it would arriving one after the other.
  const valid = new Map<string, AlertInput>();
  alerts.forEach((a, index) => {
    const problem = index >= alertLimits.perBatch ? 'too_many_alerts' : alertProblem(a);
    if (problem) rejected.push({ index, reason: problem });
    else valid.set(alertFingerprint(a.labels), a);
  });
  if (rejected.length > 0)
    ctx.log.warn(
      { origin, rejected: rejected.length, reasons: [...new Set(rejected.map((r) => r.reason))] },
      'alerts rejected',
    );
  if (valid.size === 0) return { accepted: 0, rejected };
  const routing = await loadRouting(ctx);
  const now = ctx.clock.now();
  const targetNames = [
    ...new Set([...valid.values()].flatMap((a) => (a.labels.target ? [a.labels.target] : []))),
  ];
  const targetIds = new Map<string, number>();
  if (targetNames.length > 0) {
    const rows = await ctx.db
      .selectFrom('monitoring_targets')
      .select(['id', 'name'])
      .where('name', 'in', targetNames)
      .execute();
    for (const r of rows) targetIds.set(r.name, r.id);
  }
  // The same alert pushed to several instances at once (Prometheus sends to every Alertmanager it knows): the
  // instance whose insert lost the race runs again and finds the row.
  await retryOnUniqueViolation(() =>
    ctx.db.transaction().execute(async (trx) => {
      const existing = new Map(
        (
          await trx
            .selectFrom('monitoring_alerts')
            .selectAll()
            .where('fingerprint', 'in', [...valid.keys()])
            // The sweep records a timed-out alert resolved; a row lock makes it and this take turns.
            .$if(ctx.caps.supportsSkipLocked, (q) => q.forUpdate())
            .execute()
        ).map((r) => [r.fingerprint, r]),
      );
      const events: NewEvent[] = [];
      for (const [fingerprint, input] of valid) {
        const prev = existing.get(fingerprint);
        const { alert, changes } = await storeAlert(trx, fingerprint, input, prev, origin, targetIds, now);
        events.push(...changes);
        for (const route of matchRoutes(routing.root, alert.labels))
          await joinGroup(
            trx,
            route.opts,
            groupKeyOf(route, groupLabelsOf(route.opts, alert.labels)),
            route.key,
            alert,
            now,
          );
      }
      if (events.length > 0) await ctx.events.record(trx, events);
    }),
  );
  ctx.events.nudge();
  nudgePipeline(ctx);
  return { accepted: valid.size, rejected };
}

async function storeAlert(
  trx: Transaction<Database>,
  fingerprint: string,
  input: AlertInput,
  prev: Row | undefined,
  origin: AlertOrigin,
  targetIds: Map<string, number>,
  now: number,
): Promise<{ alert: Alert; changes: NewEvent[] }> {
  const resolvesAt = input.endsAt ?? now + alertLimits.resolveTimeoutMs;
  const firing = resolvesAt > now;
  const changes: NewEvent[] = [];
  let transitions = prev ? (JSON.parse(prev.transitions) as number[]) : [];
  // Timed out before the sweep saw it: it resolved then, whatever this one says.
  const lapsed = prev !== undefined && prev.status === 'firing' && Number(prev.resolves_at) <= now;
  if (lapsed) {
    transitions = recordTransition(transitions, Number(prev.resolves_at));
    changes.push(event('alert.resolved', alertOf({ ...prev, status: 'resolved' })));
  }
  const wasFiring = prev !== undefined && prev.status === 'firing' && !lapsed;
  // A re-sent firing alert keeps its first start (Alertmanager merges overlapping alerts the same way).
  const startsAt = wasFiring ? Math.min(Number(prev.starts_at), input.startsAt) : input.startsAt;
  if (firing !== wasFiring && (firing || prev !== undefined))
    transitions = recordTransition(transitions, firing ? now : Math.min(now, resolvesAt));
  const values = {
    labels: JSON.stringify(input.labels),
    annotations: JSON.stringify(input.annotations),
    starts_at: startsAt,
    ends_at: input.endsAt,
    resolves_at: resolvesAt,
    generator_url: input.generatorUrl ?? '',
    origin,
    target_id: input.labels.target ? (targetIds.get(input.labels.target) ?? null) : null,
    status: firing ? ('firing' as const) : ('resolved' as const),
    transitions: JSON.stringify(transitions),
    updated_at: now,
  };
  if (prev)
    await trx.updateTable('monitoring_alerts').set(values).where('fingerprint', '=', fingerprint).execute();
  else
    await trx
      .insertInto('monitoring_alerts')
      .values({ ...values, fingerprint, created_at: now })
      .execute();
  const alert = alertOf({ ...values, fingerprint, created_at: now });
  if (firing && !wasFiring) changes.push(event('alert.firing', alert));
  if (!firing && wasFiring) changes.push(event('alert.resolved', alert));
  return { alert, changes };
}

/**
 * Put the alert in its aggregation group, making the group (its first flush group_wait away) if it is new. A
 * group that has not flushed yet flushes at once when the alert is older than group_wait (Alertmanager's
 * aggrGroup.insert), so an alert that waited upstream is not held twice.
 */
export async function joinGroup(
  trx: Transaction<Database>,
  opts: RouteOpts,
  groupKey: string,
  routeKey: string,
  alert: Alert,
  now: number,
): Promise<void> {
  const due = alert.startsAt + opts.groupWaitMs <= now ? now : now + opts.groupWaitMs;
  await trx
    .insertInto('monitoring_alert_groups')
    .values({
      group_key: groupKey,
      route_key: routeKey,
      receiver: opts.receiver,
      group_labels: JSON.stringify(groupLabelsOf(opts, alert.labels)),
      route_opts: JSON.stringify(opts),
      next_flush_at: due,
      has_flushed: 0,
      last_firing: '[]',
      last_resolved: '[]',
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('group_key').doNothing())
    .execute();
  const group = await trx
    .selectFrom('monitoring_alert_groups')
    .select(['id', 'has_flushed', 'next_flush_at'])
    .where('group_key', '=', groupKey)
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('monitoring_alert_group_alerts')
    .values({ group_id: group.id, fingerprint: alert.fingerprint })
    .onConflict((oc) => oc.columns(['group_id', 'fingerprint']).doNothing())
    .execute();
  if (group.has_flushed === 0 && due === now && Number(group.next_flush_at) > now)
    await trx
      .updateTable('monitoring_alert_groups')
      .set({ next_flush_at: now, updated_at: now })
      .where('id', '=', group.id)
      .execute();
}

/**
 * Alerts whose end came without a word (the resolve timeout, or an endsAt that passed): record them resolved,
 * once across instances (the update is conditional on the state read). Old resolved alerts no group holds any
 * more are forgotten after a day.
 */
export async function sweepResolvedAlerts(ctx: ServiceContext, limit = 500): Promise<number> {
  const now = ctx.clock.now();
  const swept = await ctx.db.transaction().execute(async (trx) => {
    const due = await trx
      .selectFrom('monitoring_alerts')
      .selectAll()
      .where('status', '=', 'firing')
      .where('resolves_at', '<=', now)
      .limit(limit)
      .execute();
    const events: NewEvent[] = [];
    for (const row of due) {
      const transitions = recordTransition(JSON.parse(row.transitions) as number[], Number(row.resolves_at));
      const done = await trx
        .updateTable('monitoring_alerts')
        .set({ status: 'resolved', transitions: JSON.stringify(transitions) })
        .where('fingerprint', '=', row.fingerprint)
        .where('status', '=', 'firing')
        .where('updated_at', '=', row.updated_at)
        .executeTakeFirst();
      if (Number(done.numUpdatedRows) === 1)
        events.push(event('alert.resolved', alertOf({ ...row, status: 'resolved' })));
    }
    if (events.length > 0) await ctx.events.record(trx, events);
    await trx
      .deleteFrom('monitoring_alerts')
      .where('status', '=', 'resolved')
      .where('resolves_at', '<', now - 86_400_000)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('monitoring_alert_group_alerts as ga')
              .select('ga.group_id')
              .whereRef('ga.fingerprint', '=', 'monitoring_alerts.fingerprint'),
          ),
        ),
      )
      .execute();
    return events.length;
  });
  if (swept > 0) ctx.events.nudge();
  return swept;
}

export type AlertStatus = 'active' | 'suppressed' | 'resolved';

export interface AlertView extends Alert {
  state: 'firing' | 'resolved';
  status: AlertStatus;
  /** Why it is suppressed (empty when active or resolved): silences, inhibition, flapping, maintenance, a parent down. */
  mutedBy: MuteReason[];
}

/** Alerts with their status now, as Alertmanager's GET /api/v2/alerts: active, or suppressed and why. */
export async function listAlerts(
  ctx: ServiceContext,
  actor: Actor,
  filter: { state?: 'firing' | 'resolved' } = {},
): Promise<AlertView[]> {
  requireMonitor(actor, 'alert.read');
  const now = ctx.clock.now();
  const rows = await ctx.db
    .selectFrom('monitoring_alerts')
    .selectAll()
    .$if(filter.state === 'firing', (q) => q.where('resolves_at', '>', now))
    .$if(filter.state === 'resolved', (q) => q.where('resolves_at', '<=', now))
    .orderBy('starts_at', 'desc')
    .limit(1000)
    .execute();
  const alerts = rows.map(alertOf);
  const routing = await loadRouting(ctx);
  const muters = [
    new Inhibitor(routing.inhibitRules, alerts, now),
    await loadSilencer(ctx, now),
    flappingMuter,
    targetSuppression(ctx),
  ];
  const out: AlertView[] = [];
  for (const a of alerts) {
    const firing = isFiring(a, now);
    const mutedBy: MuteReason[] = [];
    if (firing)
      for (const m of muters) {
        const reason = await m.mutes(a, now);
        if (reason) mutedBy.push(reason);
      }
    out.push({
      ...a,
      state: firing ? 'firing' : 'resolved',
      status: !firing ? 'resolved' : mutedBy.length > 0 ? 'suppressed' : 'active',
      mutedBy,
    });
  }
  return out;
}

/** Maintenance and a parent down hold back a target's firing alerts (its resolutions go on). */
export function targetSuppression(ctx: ServiceContext) {
  const ports = pipelinePorts(ctx).targets;
  return {
    async mutes(alert: Alert, atMs: number): Promise<MuteReason | null> {
      if (alert.targetId === null || !isFiring(alert, atMs)) return null;
      const why = await ports.alertSuppression(ctx, alert.targetId, atMs);
      return why ? { kind: why } : null;
    },
  };
}
