// Checks on a target: what to probe (a CheckSpec), how often, with what timeout and how many failures in a row
// before it is down. A state change is one transaction: the check's row, a history row, the target's derived
// state and a `check.state_changed` event. Heartbeat checks get a secret token, shown once and stored hashed.
import { createHash, randomBytes } from 'node:crypto';
import type { Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Invalid, NotFound } from '../core/errors.js';
import type { CheckKind, CheckSpec, CheckState } from './check-model.js';
import { checkSpecProblems, redactCheckSpec, restoreCheckSpecSecrets } from './checks/check-specs.js';

export const checkLimits = {
  name: 200,
  minIntervalSeconds: 1,
  maxIntervalSeconds: 86_400,
  minTimeoutSeconds: 1,
  maxRetries: 10,
  /** Runs kept on the row for the board's sparkline. */
  recentResults: 30,
  specBytes: 16_384,
} as const;

/** One run in `recent_results`: epoch ms, latency ms, ok 1|0. */
export type RecentResult = [number, number, 0 | 1];

export interface Check {
  id: number;
  targetId: number;
  name: string;
  kind: CheckKind;
  /** The spec without its secrets (SNMP community and keys). */
  spec: CheckSpec;
  intervalSeconds: number;
  timeoutSeconds: number;
  retries: number;
  enabled: boolean;
  state: CheckState;
  stateSince: number;
  consecutiveFailures: number;
  lastRunAt: number | null;
  lastOk: boolean | null;
  lastLatencyMs: number | null;
  lastMessage: string;
  recentResults: RecentResult[];
  nextRunAt: number;
  lastBeatAt: number | null;
  /** Set while the check has not run for two intervals (a CheckNotRunning alert is raised). */
  notRunningSince: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface CheckInput {
  name: string;
  spec: CheckSpec;
  intervalSeconds: number;
  timeoutSeconds: number;
  retries?: number;
  enabled?: boolean;
}

export type CheckRow = Selectable<Database['monitoring_checks']>;

/** The spec without its secrets (SNMP community and keys, credential headers, a URL's password): the API never returns them. */
export function redactSpec(spec: CheckSpec): CheckSpec {
  return redactCheckSpec(spec);
}

export function checkOf(r: CheckRow): Check {
  return {
    id: r.id,
    targetId: r.target_id,
    name: r.name,
    kind: r.kind as CheckKind,
    spec: redactSpec(JSON.parse(r.spec) as CheckSpec),
    intervalSeconds: r.interval_seconds,
    timeoutSeconds: r.timeout_seconds,
    retries: r.retries,
    enabled: r.enabled === 1,
    state: r.state,
    stateSince: Number(r.state_since),
    consecutiveFailures: r.consecutive_failures,
    lastRunAt: r.last_run_at === null ? null : Number(r.last_run_at),
    lastOk: r.last_ok === null ? null : r.last_ok === 1,
    lastLatencyMs: r.last_latency_ms,
    lastMessage: r.last_message,
    recentResults: JSON.parse(r.recent_results) as RecentResult[],
    nextRunAt: Number(r.next_run_at),
    lastBeatAt: r.last_beat_at === null ? null : Number(r.last_beat_at),
    notRunningSince: r.not_running_since === null ? null : Number(r.not_running_since),
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/**
 * A check's stable offset within its interval (FNV-1a of its id): checks created together still run spread over
 * the interval, and the same check keeps its slot across restarts and instances.
 */
export function slotOffsetMs(checkId: number, intervalMs: number): number {
  let h = 0x811c9dc5;
  const s = String(checkId);
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % intervalMs;
}

/** The first slot at or after `now` on the check's grid (offset + k × interval). */
export function firstSlot(checkId: number, intervalMs: number, now: number): number {
  const offset = slotOffsetMs(checkId, intervalMs);
  const k = Math.ceil((now - offset) / intervalMs);
  return offset + k * intervalMs;
}

/** What is wrong with a spec, field by field (the checks part's validation), as fields of the request body. */
export function specProblems(spec: unknown): { field: string; message: string }[] {
  return checkSpecProblems(spec).map((p) => ({ field: `/spec${p.field}`, message: p.message }));
}

function validate(input: CheckInput): void {
  const problems = specProblems(input.spec);
  const { intervalSeconds: i, timeoutSeconds: t, retries: r = 0 } = input;
  if (!Number.isInteger(i) || i < checkLimits.minIntervalSeconds || i > checkLimits.maxIntervalSeconds)
    problems.push({ field: '/intervalSeconds', message: '1–86400 seconds' });
  if (!Number.isInteger(t) || t < checkLimits.minTimeoutSeconds || t > i)
    problems.push({ field: '/timeoutSeconds', message: 'at least 1 second and at most the interval' });
  if (!Number.isInteger(r) || r < 0 || r > checkLimits.maxRetries)
    problems.push({ field: '/retries', message: `0–${checkLimits.maxRetries}` });
  if (!input.name.trim()) problems.push({ field: '/name', message: 'a name is needed' });
  if (JSON.stringify(input.spec).length > checkLimits.specBytes)
    problems.push({ field: '/spec', message: `at most ${checkLimits.specBytes} bytes` });
  if (problems.length > 0)
    throw new Invalid(
      'invalid_check',
      `The check is not valid: ${problems.map((x) => `${x.field} ${x.message}`).join('; ')}.`,
      problems,
    );
}

export function hashHeartbeatToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Move a check to a new state in the caller's transaction: its row, a history row, the target's derived state
 * and the `check.state_changed` event.
 */
export async function changeCheckState(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  check: { id: number; target_id: number; state: CheckState },
  to: CheckState,
  message: string,
  at: number,
): Promise<void> {
  if (check.state === to) return;
  await trx
    .updateTable('monitoring_checks')
    .set({ state: to, state_since: at })
    .where('id', '=', check.id)
    .execute();
  await trx
    .insertInto('monitoring_check_states')
    .values({ check_id: check.id, state: to, at, message })
    .execute();
  await ctx.events.record(trx, [
    {
      type: 'check.state_changed',
      subjectType: 'monitoring_check',
      subjectId: check.id,
      actorId: null,
      payload: { checkId: check.id, targetId: check.target_id, from: check.state, to, message, at },
    },
  ]);
  await refreshTargetState(ctx, trx, check.target_id, at);
}

/**
 * Take the target's row lock (PostgreSQL) as the first statement of a transaction that may change its derived
 * state: two checks of one target finishing at once are then counted one after the other, each reading the other's
 * committed state. First, because a lock taken after writing a check row (a foreign-key share lock on the target)
 * would be an upgrade, and two upgrades deadlock.
 */
export async function lockTarget(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  targetId: number,
): Promise<void> {
  if (ctx.caps.supportsSkipLocked)
    await trx.selectFrom('monitoring_targets').select('id').where('id', '=', targetId).forUpdate().execute();
}

/** A target's state: the worst of its enabled checks (down, pending, up); paused when every check is disabled. */
export async function refreshTargetState(
  _ctx: ServiceContext,
  trx: Transaction<Database>,
  targetId: number,
  at: number,
): Promise<void> {
  // Counted by the database: a target with many checks costs one small grouped read, not its rows.
  const counts = await trx
    .selectFrom('monitoring_checks')
    .select((eb) => ['state', 'enabled', eb.fn.countAll<number>().as('n')])
    .where('target_id', '=', targetId)
    .groupBy(['state', 'enabled'])
    .execute();
  const enabled = counts.filter((c) => c.enabled === 1);
  const state: CheckState =
    counts.length === 0
      ? 'pending'
      : enabled.length === 0
        ? 'paused'
        : enabled.some((c) => c.state === 'down')
          ? 'down'
          : enabled.some((c) => c.state === 'pending')
            ? 'pending'
            : 'up';
  await trx
    .updateTable('monitoring_targets')
    .set({ state, state_since: at })
    .where('id', '=', targetId)
    .where('state', '!=', state)
    .execute();
}

/** A heartbeat check's push-URL secret: 192 random bits, base64url; only its hash is kept. */
const newHeartbeatToken = () => randomBytes(24).toString('base64url');

export interface CreatedCheck {
  check: Check;
  /** Heartbeat checks: the secret of the push URL, shown this once. */
  heartbeatToken: string | null;
}

export async function createCheck(
  ctx: ServiceContext,
  actor: Actor,
  targetId: number,
  input: CheckInput,
): Promise<CreatedCheck> {
  validate(input);
  const target = await ctx.db
    .selectFrom('monitoring_targets')
    .select('id')
    .where('id', '=', targetId)
    .executeTakeFirst();
  if (!target) throw new NotFound('target_not_found', `No monitoring target ${targetId}.`);
  const now = ctx.clock.now();
  const token = input.spec.kind === 'heartbeat' ? newHeartbeatToken() : null;
  const enabled = input.enabled ?? true;
  const id = await ctx.db.transaction().execute(async (trx) => {
    await lockTarget(ctx, trx, targetId);
    const row = await trx
      .insertInto('monitoring_checks')
      .values({
        target_id: targetId,
        name: input.name.trim(),
        kind: input.spec.kind,
        spec: JSON.stringify(input.spec),
        interval_seconds: input.intervalSeconds,
        timeout_seconds: input.timeoutSeconds,
        retries: input.retries ?? 0,
        enabled: enabled ? 1 : 0,
        state: enabled ? 'pending' : 'paused',
        state_since: now,
        consecutive_failures: 0,
        last_message: '',
        next_run_at: now,
        heartbeat_token_hash: token ? hashHeartbeatToken(token) : null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .updateTable('monitoring_checks')
      .set({ next_run_at: firstSlot(row.id, input.intervalSeconds * 1000, now) })
      .where('id', '=', row.id)
      .execute();
    await trx
      .insertInto('monitoring_check_states')
      .values({ check_id: row.id, state: enabled ? 'pending' : 'paused', at: now, message: 'created' })
      .execute();
    await refreshTargetState(ctx, trx, targetId, now);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'monitoring.check.created',
      subjectType: 'monitoring_check',
      subjectId: row.id,
      details: checkDetails({ ...input, targetId }),
    });
    return row.id;
  });
  return { check: await getCheck(ctx, id), heartbeatToken: token };
}

/** The given fields of a check's change for the audit log; the spec without its secrets (SNMP community, keys). */
function checkDetails(change: Partial<CheckInput> & { targetId?: number }): Record<string, unknown> {
  const { spec, ...rest } = change;
  return {
    ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
    ...(spec ? { spec: redactCheckSpec(spec) } : {}),
  };
}

export async function getCheckRow(ctx: ServiceContext, id: number): Promise<CheckRow> {
  const row = await ctx.db
    .selectFrom('monitoring_checks')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFound('check_not_found', `No check ${id}.`);
  return row;
}

export async function getCheck(ctx: ServiceContext, id: number): Promise<Check> {
  return checkOf(await getCheckRow(ctx, id));
}

export async function listChecks(ctx: ServiceContext, targetId: number): Promise<Check[]> {
  const target = await ctx.db
    .selectFrom('monitoring_targets')
    .select('id')
    .where('id', '=', targetId)
    .executeTakeFirst();
  if (!target) throw new NotFound('target_not_found', `No monitoring target ${targetId}.`);
  const rows = await ctx.db
    .selectFrom('monitoring_checks')
    .selectAll()
    .where('target_id', '=', targetId)
    .orderBy('id')
    .execute();
  return rows.map(checkOf);
}

/** Change a check; a new interval moves it to its new grid, (dis)abling it pauses or restarts its state. */
export async function updateCheck(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  change: Partial<CheckInput>,
): Promise<Check> {
  const old = await getCheckRow(ctx, id);
  const oldSpec = JSON.parse(old.spec) as CheckSpec;
  const merged: CheckInput = {
    name: change.name ?? old.name,
    // The placeholder sent back for a secret keeps the stored one.
    spec: change.spec ? restoreCheckSpecSecrets(change.spec, oldSpec) : oldSpec,
    intervalSeconds: change.intervalSeconds ?? old.interval_seconds,
    timeoutSeconds: change.timeoutSeconds ?? old.timeout_seconds,
    retries: change.retries ?? old.retries,
    enabled: change.enabled ?? old.enabled === 1,
  };
  validate(merged);
  if (merged.spec.kind !== old.kind)
    throw new Invalid('invalid_check', 'A check keeps its kind; make a new check for another kind.', [
      { field: '/spec/kind', message: `stays ${old.kind}` },
    ]);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await lockTarget(ctx, trx, old.target_id);
    await trx
      .updateTable('monitoring_checks')
      .set({
        name: merged.name.trim(),
        spec: JSON.stringify(merged.spec),
        interval_seconds: merged.intervalSeconds,
        timeout_seconds: merged.timeoutSeconds,
        retries: merged.retries ?? 0,
        enabled: merged.enabled ? 1 : 0,
        ...(merged.intervalSeconds !== old.interval_seconds || (merged.enabled && old.enabled === 0)
          ? { next_run_at: firstSlot(id, merged.intervalSeconds * 1000, now) }
          : {}),
        ...(merged.enabled && old.enabled === 0 ? { consecutive_failures: 0, not_running_since: null } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    if (merged.enabled !== (old.enabled === 1)) {
      const to = merged.enabled ? 'pending' : 'paused';
      await changeCheckState(ctx, trx, old, to, merged.enabled ? 'enabled' : 'paused', now);
    }
    await refreshTargetState(ctx, trx, old.target_id, now);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'monitoring.check.updated',
      subjectType: 'monitoring_check',
      subjectId: id,
      details: checkDetails(change),
    });
  });
  ctx.events.nudge();
  return getCheck(ctx, id);
}

/**
 * A heartbeat check's push URL made anew (its token leaked, or a job that should no longer report): a new token,
 * shown this once; the old one is refused from the moment this commits. The check keeps its history and state.
 */
export async function rotateHeartbeatToken(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
): Promise<CreatedCheck> {
  const old = await getCheckRow(ctx, id);
  if (old.kind !== 'heartbeat')
    throw new Invalid(
      'invalid_check',
      `Check ${id} is a ${old.kind} check; only heartbeat checks have a push URL.`,
      [{ field: '/kind', message: 'must be heartbeat' }],
    );
  const token = newHeartbeatToken();
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('monitoring_checks')
      .set({ heartbeat_token_hash: hashHeartbeatToken(token), updated_at: now })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'monitoring.check.heartbeat_token_rotated',
      subjectType: 'monitoring_check',
      subjectId: id,
      details: { name: old.name, targetId: old.target_id },
    });
  });
  return { check: await getCheck(ctx, id), heartbeatToken: token };
}

export async function deleteCheck(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  const old = await getCheckRow(ctx, id);
  await ctx.db.transaction().execute(async (trx) => {
    await lockTarget(ctx, trx, old.target_id);
    await trx.deleteFrom('monitoring_checks').where('id', '=', id).execute();
    const now = ctx.clock.now();
    await refreshTargetState(ctx, trx, old.target_id, now);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'monitoring.check.deleted',
      subjectType: 'monitoring_check',
      subjectId: id,
      details: { name: old.name, targetId: old.target_id },
    });
  });
}
