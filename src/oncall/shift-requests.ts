// Swap and cover requests: a technician asks "X covers me from … to …" (cover) or "X takes my window and I take
// theirs" (swap); a manager approves, which writes the overrides in the same transaction, or rejects; the
// requester may withdraw a pending one. pending → approved | rejected | cancelled, and nothing after.
import type { Selectable } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../core/errors.js';
import { canOncall, requireOncall } from './permissions.js';
import {
  checkWindow,
  insertOverrides,
  type OverrideInput,
  type ScheduleOverride,
} from './schedule-overrides.js';
import { loadSchedule, requireStaff } from './schedules.js';

export type ShiftRequestState = 'pending' | 'approved' | 'rejected' | 'cancelled';
export const shiftRequestStates: readonly ShiftRequestState[] = [
  'pending',
  'approved',
  'rejected',
  'cancelled',
];
type Decision = 'approve' | 'reject' | 'cancel';
const decisionState: Record<Decision, ShiftRequestState> = {
  approve: 'approved',
  reject: 'rejected',
  cancel: 'cancelled',
};

export interface ShiftRequest {
  id: number;
  scheduleId: number;
  kind: 'cover' | 'swap';
  requesterId: number;
  /** Who covers the requester's window (and, in a swap, whose window the requester takes). */
  coveringUserId: number;
  start: number;
  end: number;
  /** A swap only: the other's window, which the requester covers. */
  swapStart: number | null;
  swapEnd: number | null;
  reason: string;
  state: ShiftRequestState;
  decidedBy: number | null;
  decidedAt: number | null;
  decisionNote: string | null;
  createdAt: number;
}

export type ShiftRequestInput =
  | { kind: 'cover'; coveringUserId: number; start: number; end: number; reason?: string }
  | {
      kind: 'swap';
      withUserId: number;
      start: number;
      end: number;
      swapStart: number;
      swapEnd: number;
      reason?: string;
    };

function fromRow(r: Selectable<Database['oncall_shift_requests']>): ShiftRequest {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: r.id,
    scheduleId: r.schedule_id,
    kind: r.kind,
    requesterId: r.requester_id,
    coveringUserId: r.covering_user_id,
    start: Number(r.start_at),
    end: Number(r.end_at),
    swapStart: n(r.swap_start_at),
    swapEnd: n(r.swap_end_at),
    reason: r.reason,
    state: r.state,
    decidedBy: r.decided_by,
    decidedAt: n(r.decided_at),
    decisionNote: r.decision_note,
    createdAt: Number(r.created_at),
  };
}

function checkText(text: string | undefined, field: string): string {
  const t = (text ?? '').trim();
  if (t.length > 500)
    throw new Invalid('validation_failed', `${field}: at most 500 characters.`, [
      { field, message: 'at most 500 characters' },
    ]);
  return t;
}

export async function createShiftRequest(
  ctx: ServiceContext,
  actor: Actor,
  scheduleId: number,
  input: ShiftRequestInput,
): Promise<ShiftRequest> {
  requireOncall(actor, 'schedule.request');
  await loadSchedule(ctx.db, scheduleId);
  const reason = checkText(input.reason, '/reason');
  const other = input.kind === 'cover' ? input.coveringUserId : input.withUserId;
  const otherField = input.kind === 'cover' ? '/coveringUserId' : '/withUserId';
  if (other === actor.id)
    throw new Invalid('validation_failed', 'Ask someone else to cover you.', [
      { field: otherField, message: 'must be someone other than you' },
    ]);
  checkWindow(input.start, input.end, '/end');
  if (input.kind === 'swap') checkWindow(input.swapStart, input.swapEnd, '/swapEnd');
  await requireStaff(ctx.db, [other], otherField);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('oncall_shift_requests')
      .values({
        schedule_id: scheduleId,
        kind: input.kind,
        requester_id: actor.id,
        covering_user_id: other,
        start_at: input.start,
        end_at: input.end,
        swap_start_at: input.kind === 'swap' ? input.swapStart : null,
        swap_end_at: input.kind === 'swap' ? input.swapEnd : null,
        reason,
        state: 'pending',
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'schedule.request_created',
      subjectType: 'oncall_shift_request',
      subjectId: row.id,
      details: { scheduleId, kind: input.kind, coveringUserId: other },
    });
    return fromRow(row);
  });
}

/** Managers see every request; other staff the ones they made or are named in. Newest first. */
export async function listShiftRequests(
  ctx: ServiceContext,
  actor: Actor,
  filter: { state?: ShiftRequestState; scheduleId?: number; limit?: number } = {},
): Promise<ShiftRequest[]> {
  requireOncall(actor, 'schedule.read');
  let q = ctx.db
    .selectFrom('oncall_shift_requests')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(Math.min(filter.limit ?? 200, 500));
  if (filter.state) q = q.where('state', '=', filter.state);
  if (filter.scheduleId !== undefined) q = q.where('schedule_id', '=', filter.scheduleId);
  if (!canOncall(actor, 'schedule.approve'))
    q = q.where((eb) => eb.or([eb('requester_id', '=', actor.id), eb('covering_user_id', '=', actor.id)]));
  return (await q.execute()).map(fromRow);
}

/**
 * Approve (a manager: the overrides are written in the same transaction), reject (a manager) or cancel (the
 * requester, or a manager). Only a pending request can be decided: a second decision is a 409, even when two
 * managers race (the state change is conditional on `pending`).
 */
export async function decideShiftRequest(
  ctx: ServiceContext,
  actor: Actor,
  requestId: number,
  decision: Decision,
  note?: string,
): Promise<{ request: ShiftRequest; overrides: ScheduleOverride[] }> {
  requireOncall(actor, 'schedule.read');
  const decisionNote = checkText(note, '/note') || null;
  const current = await ctx.db
    .selectFrom('oncall_shift_requests')
    .selectAll()
    .where('id', '=', requestId)
    .executeTakeFirst();
  const manager = canOncall(actor, 'schedule.approve');
  const involved = current && (current.requester_id === actor.id || current.covering_user_id === actor.id);
  if (!current || (!manager && !involved))
    throw new NotFound('schedule_request_not_found', `No request ${requestId}.`);
  const allowed = decision === 'cancel' ? manager || current.requester_id === actor.id : manager;
  if (!allowed)
    throw new Forbidden(
      'forbidden',
      decision === 'cancel'
        ? 'Only the requester or a manager may cancel a request.'
        : 'Only a manager decides requests.',
    );
  if (current.state !== 'pending')
    throw new Conflict('schedule_request_closed', `The request is ${current.state} already.`);
  const request = fromRow(current);
  const covers: OverrideInput[] = [];
  if (decision === 'approve') {
    const reason = request.reason || `request ${request.id}`;
    covers.push({ userId: request.coveringUserId, start: request.start, end: request.end, reason });
    if (request.kind === 'swap' && request.swapStart !== null && request.swapEnd !== null)
      covers.push({ userId: request.requesterId, start: request.swapStart, end: request.swapEnd, reason });
    // Both must still be able to be on call when the manager says yes.
    await requireStaff(ctx.db, [...new Set(covers.map((c) => c.userId))], '/');
  }
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('oncall_shift_requests')
      .set({
        state: decisionState[decision],
        decided_by: actor.id,
        decided_at: now,
        decision_note: decisionNote,
      })
      .where('id', '=', requestId)
      .where('state', '=', 'pending')
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new Conflict('schedule_request_closed', 'The request was decided meanwhile.');
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: `schedule.request_${decisionState[decision]}`,
      subjectType: 'oncall_shift_request',
      subjectId: requestId,
      details: { scheduleId: request.scheduleId },
    });
    const overrides =
      covers.length > 0 ? await insertOverrides(ctx, trx, actor, request.scheduleId, covers, requestId) : [];
    return { request: fromRow(row), overrides };
  });
}
