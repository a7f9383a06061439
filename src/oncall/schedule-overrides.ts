// Overrides: someone covers a window of a schedule, winning over every layer. Managers add and remove them; an
// approved swap or cover request adds them through `insertOverrides` in its own transaction.
import type { Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Invalid, NotFound } from '../core/errors.js';
import { compiledSchedulesCache } from './compiled-schedules.js';
import { requireOncall } from './permissions.js';
import { loadSchedule, requireStaff } from './schedules.js';

export interface ScheduleOverride {
  id: number;
  scheduleId: number;
  userId: number;
  /** Epoch ms, end exclusive. */
  start: number;
  end: number;
  reason: string;
  createdBy: number | null;
  /** The approved request this override carries out, if any. */
  requestId: number | null;
  createdAt: number;
}

export interface OverrideInput {
  userId: number;
  start: number;
  end: number;
  reason?: string;
}

const dayMs = 86_400_000;
/** One override covers at most this long: longer is a change of the layers, not a cover. */
export const maxOverrideMs = 366 * dayMs;

function fromRow(r: Selectable<Database['oncall_overrides']>): ScheduleOverride {
  return {
    id: r.id,
    scheduleId: r.schedule_id,
    userId: r.user_id,
    start: Number(r.start_at),
    end: Number(r.end_at),
    reason: r.reason,
    createdBy: r.created_by,
    requestId: r.request_id,
    createdAt: Number(r.created_at),
  };
}

/** A window [start, end) checked as a span of real time: ordered, bounded, within years the engine expands. */
export function checkWindow(start: number, end: number, field: string): void {
  const lo = Date.UTC(2000, 0, 1);
  const hi = Date.UTC(2199, 0, 1);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < lo || end > hi)
    throw new Invalid('validation_failed', `${field}: must be a time between 2000 and 2199.`, [
      { field, message: 'must be between 2000 and 2199' },
    ]);
  if (end <= start)
    throw new Invalid('validation_failed', `${field}: the end must be after the start.`, [
      { field, message: 'end must be after start' },
    ]);
  if (end - start > maxOverrideMs)
    throw new Invalid('validation_failed', `${field}: a cover spans at most 366 days.`, [
      { field, message: 'spans at most 366 days' },
    ]);
}

export async function listOverrides(
  ctx: ServiceContext,
  actor: Actor,
  scheduleId: number,
  range: { from: number; to: number },
): Promise<ScheduleOverride[]> {
  requireOncall(actor, 'schedule.read');
  await loadSchedule(ctx.db, scheduleId);
  const rows = await ctx.db
    .selectFrom('oncall_overrides')
    .selectAll()
    .where('schedule_id', '=', scheduleId)
    .where('end_at', '>', range.from)
    .where('start_at', '<', range.to)
    .orderBy('start_at')
    .orderBy('id')
    .limit(1000)
    .execute();
  return rows.map(fromRow);
}

export async function createOverride(
  ctx: ServiceContext,
  actor: Actor,
  scheduleId: number,
  input: OverrideInput,
): Promise<ScheduleOverride> {
  requireOncall(actor, 'schedule.manage');
  await loadSchedule(ctx.db, scheduleId);
  const reason = (input.reason ?? '').trim();
  if (reason.length > 500)
    throw new Invalid('validation_failed', 'A reason has at most 500 characters.', [
      { field: '/reason', message: 'at most 500 characters' },
    ]);
  checkWindow(input.start, input.end, '/end');
  await requireStaff(ctx.db, [input.userId], '/userId');
  return ctx.db.transaction().execute(async (trx) => {
    const [o] = await insertOverrides(ctx, trx, actor, scheduleId, [{ ...input, reason }], null);
    return o;
  });
}

/** In the caller's transaction: the overrides are written, audited and the compiled schedules invalidated. */
export async function insertOverrides(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  actor: Actor,
  scheduleId: number,
  inputs: OverrideInput[],
  requestId: number | null,
): Promise<ScheduleOverride[]> {
  const now = ctx.clock.now();
  const out: ScheduleOverride[] = [];
  for (const input of inputs) {
    const row = await trx
      .insertInto('oncall_overrides')
      .values({
        schedule_id: scheduleId,
        user_id: input.userId,
        start_at: input.start,
        end_at: input.end,
        reason: input.reason ?? '',
        created_by: actor.id,
        request_id: requestId,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'schedule.override_created',
      subjectType: 'oncall_schedule',
      subjectId: scheduleId,
      details: { overrideId: row.id, userId: input.userId, start: input.start, end: input.end, requestId },
    });
    out.push(fromRow(row));
  }
  await ctx.caches.get(compiledSchedulesCache).invalidate(trx);
  return out;
}

export async function deleteOverride(
  ctx: ServiceContext,
  actor: Actor,
  scheduleId: number,
  overrideId: number,
): Promise<void> {
  requireOncall(actor, 'schedule.manage');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const gone = await trx
      .deleteFrom('oncall_overrides')
      .where('id', '=', overrideId)
      .where('schedule_id', '=', scheduleId)
      .returning(['user_id', 'start_at', 'end_at'])
      .executeTakeFirst();
    if (!gone)
      throw new NotFound(
        'schedule_override_not_found',
        `No override ${overrideId} in schedule ${scheduleId}.`,
      );
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'schedule.override_deleted',
      subjectType: 'oncall_schedule',
      subjectId: scheduleId,
      details: { overrideId, userId: gone.user_id, start: Number(gone.start_at), end: Number(gone.end_at) },
    });
    await ctx.caches.get(compiledSchedulesCache).invalidate(trx);
  });
}
