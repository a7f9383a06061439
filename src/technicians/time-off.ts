// Time off: intervals a technician is away (holiday, sick leave, training), with a reason. A technician keeps
// their own, managers anyone's; staff see who is away when (the reason only the person and managers).
// Automatic assignment skips people on leave.
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Forbidden, NotFound } from '../core/errors.js';
import { canStaffing, requireStaffing } from './permissions.js';
import { findStaff, invalid, technicianLimits } from './technician-input.js';

export interface TimeOff {
  id: number;
  userId: number;
  startsAt: number;
  endsAt: number;
  reason: string;
  createdBy: number | null;
  createdAt: number;
}

/** The longest single absence: a year (a longer one is a typo, or a leaver whose account should go). */
const maxTimeOffMs = 366 * 86_400_000;
/** The most time-off entries listed at once. */
const listLimit = 500;

function requireMayManage(actor: Actor, userId: number): void {
  requireStaffing(actor, 'timeoff.manage_own');
  if (actor.id !== userId && !canStaffing(actor, 'timeoff.manage_any'))
    throw new Forbidden('forbidden', "Only a manager may change another technician's time off.");
}

async function requireStaffUser(ctx: ServiceContext, userId: number): Promise<void> {
  if (!(await findStaff(ctx.db, userId))) throw new NotFound('user_not_found', `No staff user ${userId}.`);
}

/** Their time off that has not ended by `from` (default now), soonest first. */
export async function listTimeOff(
  ctx: ServiceContext,
  actor: Actor,
  userId: number,
  range: { from?: number } = {},
): Promise<TimeOff[]> {
  requireStaffing(actor, 'profile.read');
  await requireStaffUser(ctx, userId);
  const rows = await ctx.db
    .selectFrom('technician_time_off')
    .selectAll()
    .where('user_id', '=', userId)
    .where('ends_at', '>', range.from ?? ctx.clock.now())
    .orderBy('starts_at')
    .orderBy('id')
    .limit(listLimit)
    .execute();
  // Colleagues see when someone is away; why (sick leave, a doctor) is theirs and their manager's.
  const mayReadReason = actor.id === userId || canStaffing(actor, 'timeoff.manage_any');
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    reason: mayReadReason ? r.reason : '',
    createdBy: r.created_by,
    createdAt: r.created_at,
  }));
}

export async function addTimeOff(
  ctx: ServiceContext,
  actor: Actor,
  userId: number,
  input: { startsAt: number; endsAt: number; reason?: string },
): Promise<TimeOff> {
  requireMayManage(actor, userId);
  const { startsAt, endsAt } = input;
  if (!Number.isFinite(startsAt)) throw invalid('/startsAt', 'must be a date-time');
  if (!Number.isFinite(endsAt) || endsAt <= startsAt) throw invalid('/endsAt', 'must be after startsAt');
  if (endsAt - startsAt > maxTimeOffMs) throw invalid('/endsAt', 'time off may last at most 366 days');
  const reason = (input.reason ?? '').trim().slice(0, technicianLimits.reason);
  await requireStaffUser(ctx, userId);
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('technician_time_off')
      .values({
        user_id: userId,
        starts_at: startsAt,
        ends_at: endsAt,
        reason,
        created_by: actor.id,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'time_off.created',
      subjectType: 'user',
      subjectId: userId,
      details: { id: row.id, startsAt, endsAt, reason },
    });
    return row.id;
  });
  return { id, userId, startsAt, endsAt, reason, createdBy: actor.id, createdAt: now };
}

export async function deleteTimeOff(
  ctx: ServiceContext,
  actor: Actor,
  userId: number,
  id: number,
): Promise<void> {
  requireMayManage(actor, userId);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('technician_time_off')
      .selectAll()
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    if (!row) throw new NotFound('time_off_not_found', `No time off ${id} for user ${userId}.`);
    await trx.deleteFrom('technician_time_off').where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'time_off.deleted',
      subjectType: 'user',
      subjectId: userId,
      details: { id, startsAt: row.starts_at, endsAt: row.ends_at },
    });
  });
}
