// The approvals engine, generic over what is approved (a catalogue request's ticket, a change request for the
// CAB): a plan of steps, in sequence or in parallel, each asking the requester's manager, named users or a
// group, of whom one or all must approve; any rejection rejects. requestApproval starts one in the caller's
// transaction; decisions come from the web app, the API or a signed mail link (approval-links.ts). The outcome
// is the event `approval.decided`, recorded in the deciding transaction; for a ticket the engine itself moves
// it out of awaiting_approval (approved: to the queue its request type's defaults route it to; rejected:
// closed, with the reason as a public comment). Reads are in approval-reads.ts.
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import { type Actor, systemActor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { ApprovalsTable, ApprovalVia, ApproverState, Database, TicketStatus } from '../core/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../core/errors.js';
import type { NewEvent } from '../core/events.js';
import './approval-events.js';
import { writeCommentIn } from './comments.js';
import { type HistoryEntry, recordTicketChange } from './history.js';
import { type IndexedWords, rememberSearchWords } from './ticket-search.js';
import { reopenState } from './ticket-states.js';

type Db = Kysely<Database> | Transaction<Database>;

export type ApprovalSubjectType = 'ticket' | 'change';
export interface ApproverSpec {
  kind: 'manager' | 'users' | 'group';
  userIds?: number[];
  groupId?: number;
}
export interface ApprovalStep {
  approvers: ApproverSpec;
  rule: 'one' | 'all';
}
export interface ApprovalPlan {
  order: 'sequence' | 'parallel';
  steps: ApprovalStep[];
}

export const approvalLimits = {
  steps: 5,
  usersPerStep: 20,
  commentMaxLength: 2000,
  titleMaxLength: 200,
} as const;

export type ApprovalDecision = 'approve' | 'reject';

const badPlan = (field: string, message: string) =>
  new Invalid('invalid_approval_plan', `${field.slice(1)}: ${message}`, [{ field, message }]);

/**
 * The plan's shape, checked (a request type's stored plan, a change's CAB plan, a plan in a request body):
 * returns a clean copy. The people and groups it names are checked against the database by checkPlanRefs.
 */
export function checkApprovalPlan(plan: unknown, field = '/approval'): ApprovalPlan {
  const p = plan as Partial<ApprovalPlan> | null;
  if (!p || typeof p !== 'object') throw badPlan(field, 'must be an object {order, steps}');
  if (p.order !== 'sequence' && p.order !== 'parallel')
    throw badPlan(`${field}/order`, 'must be sequence or parallel');
  if (!Array.isArray(p.steps) || p.steps.length < 1 || p.steps.length > approvalLimits.steps)
    throw badPlan(`${field}/steps`, `must have 1–${approvalLimits.steps} steps`);
  const steps = p.steps.map((s, i): ApprovalStep => {
    const at = `${field}/steps/${i}`;
    if (!s || typeof s !== 'object') throw badPlan(at, 'must be an object {approvers, rule}');
    if (s.rule !== 'one' && s.rule !== 'all') throw badPlan(`${at}/rule`, 'must be one or all');
    const a = s.approvers as Partial<ApproverSpec> | undefined;
    if (!a || typeof a !== 'object') throw badPlan(`${at}/approvers`, 'must be an object {kind, …}');
    if (a.kind === 'manager') return { approvers: { kind: 'manager' }, rule: s.rule };
    if (a.kind === 'users') {
      const ids = a.userIds;
      if (
        !Array.isArray(ids) ||
        ids.length < 1 ||
        ids.length > approvalLimits.usersPerStep ||
        !ids.every((id) => Number.isSafeInteger(id) && id > 0)
      )
        throw badPlan(`${at}/approvers/userIds`, `must list 1–${approvalLimits.usersPerStep} user ids`);
      return { approvers: { kind: 'users', userIds: [...new Set(ids)] }, rule: s.rule };
    }
    if (a.kind === 'group') {
      if (!Number.isSafeInteger(a.groupId) || (a.groupId as number) < 1)
        throw badPlan(`${at}/approvers/groupId`, 'must be a group id');
      return { approvers: { kind: 'group', groupId: a.groupId }, rule: s.rule };
    }
    throw badPlan(`${at}/approvers/kind`, 'must be manager, users or group');
  });
  return { order: p.order, steps };
}

/** The users and groups a plan names exist (users active): when a plan is saved, not only when it is used. */
export async function checkPlanRefs(db: Db, plan: ApprovalPlan, field = '/approval'): Promise<void> {
  for (const [i, s] of plan.steps.entries()) {
    const at = `${field}/steps/${i}/approvers`;
    if (s.approvers.kind === 'users') {
      const ids = s.approvers.userIds ?? [];
      const found = await db
        .selectFrom('users')
        .select('id')
        .where('id', 'in', ids)
        .where('active', '=', 1)
        .execute();
      const known = new Set(found.map((u) => u.id));
      const missing = ids.find((id) => !known.has(id));
      if (missing !== undefined) throw badPlan(`${at}/userIds`, `no active user ${missing}`);
    }
    if (s.approvers.kind === 'group') {
      const g = await db
        .selectFrom('groups')
        .select('id')
        .where('id', '=', s.approvers.groupId as number)
        .executeTakeFirst();
      if (!g) throw badPlan(`${at}/groupId`, `no group ${s.approvers.groupId}`);
    }
  }
}

/** Who a step asks, now: active people, never the requester (nobody approves their own request). */
async function resolveApprovers(db: Db, spec: ApproverSpec, requesterId: number): Promise<number[]> {
  let ids: number[] = [];
  if (spec.kind === 'manager') {
    const r = await db
      .selectFrom('users as u')
      .innerJoin('users as m', 'm.id', 'u.manager_id')
      .select('m.id')
      .where('u.id', '=', requesterId)
      .where('m.active', '=', 1)
      .executeTakeFirst();
    if (!r)
      throw new Conflict(
        'approval_no_approver',
        'This request needs the approval of your manager, and your account names none: ask an administrator to set your manager.',
      );
    ids = [r.id];
  } else if (spec.kind === 'users') {
    const ask = spec.userIds ?? [];
    if (ask.length > 0)
      ids = (
        await db.selectFrom('users').select('id').where('id', 'in', ask).where('active', '=', 1).execute()
      ).map((u) => u.id);
  } else {
    ids = (
      await db
        .selectFrom('group_members as gm')
        .innerJoin('users as u', 'u.id', 'gm.user_id')
        .select('u.id')
        .where('gm.group_id', '=', spec.groupId ?? 0)
        .where('u.active', '=', 1)
        .execute()
    ).map((u) => u.id);
  }
  const asked = [...new Set(ids)].filter((id) => id !== requesterId).sort((a, b) => a - b);
  if (asked.length === 0)
    throw new Conflict(
      'approval_no_approver',
      spec.kind === 'manager'
        ? 'The requester is their own manager: nobody approves their own request.'
        : 'A step of this approval has nobody to ask besides the requester: the named people or group have no other active member.',
    );
  return asked;
}

function approvalRequested(
  a: { id: number; subject_type: ApprovalSubjectType; subject_id: number },
  step: number,
  approverIds: number[],
  actorId: number | null,
): NewEvent {
  return {
    type: 'approval.requested',
    subjectType: 'approval',
    subjectId: a.id,
    actorId,
    payload: { approvalId: a.id, subjectType: a.subject_type, subjectId: a.subject_id, step, approverIds },
  };
}

/** Starts an approval inside the caller's transaction; 'manager' resolves to the requester's manager. */
export async function requestApproval(
  trx: Transaction<Database>,
  ctx: Pick<ServiceContext, 'clock' | 'events'>,
  input: {
    subjectType: ApprovalSubjectType;
    subjectId: number;
    requesterId: number;
    title: string;
    plan: ApprovalPlan;
  },
): Promise<{ approvalId: number }> {
  const plan = checkApprovalPlan(input.plan, '/plan');
  const now = ctx.clock.now();
  const asked: number[][] = [];
  for (const s of plan.steps) asked.push(await resolveApprovers(trx, s.approvers, input.requesterId));
  const row = await trx
    .insertInto('approvals')
    .values({
      subject_type: input.subjectType,
      subject_id: input.subjectId,
      requester_id: input.requesterId,
      title: input.title.slice(0, approvalLimits.titleMaxLength),
      step_order: plan.order,
      state: 'pending',
      reason: null,
      decided_by: null,
      decided_at: null,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  // In parallel every step is asked now; in sequence the first, the others wait their turn.
  const startsNow = (i: number) => plan.order === 'parallel' || i === 0;
  await trx
    .insertInto('approval_steps')
    .values(
      plan.steps.map((s, i) => ({
        approval_id: row.id,
        position: i,
        rule: s.rule,
        approver_kind: s.approvers.kind,
        group_id: s.approvers.kind === 'group' ? (s.approvers.groupId ?? null) : null,
        state: startsNow(i) ? ('pending' as const) : ('waiting' as const),
        decided_at: null,
      })),
    )
    .execute();
  await trx
    .insertInto('approval_approvers')
    .values(
      asked.flatMap((ids, i) =>
        ids.map((user_id) => ({
          approval_id: row.id,
          step: i,
          user_id,
          state: startsNow(i) ? ('pending' as const) : ('waiting' as const),
          comment: null,
          via: null,
          decided_at: null,
        })),
      ),
    )
    .execute();
  await ctx.events.record(
    trx,
    asked.flatMap((ids, i) => (startsNow(i) ? [approvalRequested(row, i, ids, input.requesterId)] : [])),
  );
  if (input.subjectType === 'ticket')
    await recordTicketChange(trx, input.subjectId, input.requesterId, now, [
      { field: 'approval', from: null, to: 'requested', visibility: 'public' },
    ]);
  return { approvalId: row.id };
}

export interface DecisionInput {
  decision: ApprovalDecision;
  comment?: string | null;
}

function cleanComment(input: DecisionInput): string | null {
  if (input.decision !== 'approve' && input.decision !== 'reject')
    throw new Invalid('validation_failed', 'decision: must be approve or reject', [
      { field: '/decision', message: 'must be approve or reject' },
    ]);
  const comment = input.comment?.trim() ?? '';
  if (comment.length > approvalLimits.commentMaxLength)
    throw new Invalid('validation_failed', `comment: at most ${approvalLimits.commentMaxLength} characters`, [
      { field: '/comment', message: `must be at most ${approvalLimits.commentMaxLength} characters` },
    ]);
  if (input.decision === 'reject' && comment.length === 0)
    throw new Invalid('validation_failed', 'comment: a rejection says why', [
      { field: '/comment', message: 'a rejection says why (the requester reads it)' },
    ]);
  return comment.length > 0 ? comment : null;
}

type ApprovalRow = { id: number } & Omit<ApprovalsTable, 'id'>;

/**
 * Locks the approval for this decision (the UPDATE is the lock on PostgreSQL: two approvers of an "all"
 * step deciding at once are counted one after the other) and reads it; a decided one answers Conflict.
 */
async function lockPending(
  trx: Transaction<Database>,
  approvalId: number,
  now: number,
): Promise<ApprovalRow> {
  const touched = await trx
    .updateTable('approvals')
    .set({ updated_at: now })
    .where('id', '=', approvalId)
    .where('state', '=', 'pending')
    .executeTakeFirst();
  const row = await trx.selectFrom('approvals').selectAll().where('id', '=', approvalId).executeTakeFirst();
  if (!row) throw new NotFound('approval_not_found', `No approval ${approvalId}.`);
  if (Number(touched.numUpdatedRows) !== 1)
    throw new Conflict('approval_already_decided', `This request was ${row.state} already.`);
  return row as ApprovalRow;
}

const stateWord: Record<ApproverState, string> = {
  waiting: 'not asked yet',
  pending: 'pending',
  approved: 'approved',
  rejected: 'rejected',
  skipped: 'decided by another approver of the step',
  cancelled: 'withdrawn',
};

/** Why this person cannot decide now: the clearest of the reasons. */
function refuseDecider(mine: Array<{ state: ApproverState }>): never {
  if (mine.length === 0)
    throw new Forbidden('approval_not_approver', 'You are not asked to approve this request.');
  if (mine.some((r) => r.state === 'waiting'))
    throw new Forbidden(
      'approval_not_approver',
      'Your step of this approval has not started: an earlier step decides first.',
    );
  throw new Conflict(
    'approval_already_decided',
    `Your part of this approval is decided already (${stateWord[mine[0].state]}).`,
  );
}

/** A signed-in approver decides (web app or API): every step of theirs that is asked now. */
export async function decideApproval(
  ctx: ServiceContext,
  actor: Actor,
  approvalId: number,
  input: DecisionInput,
  via: Exclude<ApprovalVia, 'link'>,
): Promise<void> {
  const comment = cleanComment(input);
  const now = ctx.clock.now();
  const indexed = await ctx.db.transaction().execute(async (trx) => {
    const approval = await trx
      .selectFrom('approvals')
      .selectAll()
      .where('id', '=', approvalId)
      .executeTakeFirst();
    const mine = await trx
      .selectFrom('approval_approvers')
      .select(['id', 'state', 'step'])
      .where('approval_id', '=', approvalId)
      .where('user_id', '=', actor.id)
      .execute();
    if (!approval || (mine.length === 0 && approval.requester_id !== actor.id && actor.role === 'requester'))
      throw new NotFound('approval_not_found', `No approval ${approvalId}.`);
    if (approval.requester_id === actor.id)
      throw new Forbidden('approval_own_request', 'Nobody approves their own request.');
    const locked = await lockPending(trx, approvalId, now);
    const pending = mine.filter((r) => r.state === 'pending');
    if (pending.length === 0) refuseDecider(mine);
    return applyDecision(ctx, trx, locked, {
      rowIds: pending.map((r) => r.id),
      deciderId: actor.id,
      decision: input.decision,
      comment,
      via,
      now,
    });
  });
  rememberSearchWords(indexed);
  ctx.events.nudge();
}

/** One approver's row decides by a verified link (approval-links.ts checked the signature and expiry). */
export async function decideApproverRow(
  ctx: ServiceContext,
  approvalId: number,
  approverRowId: number,
  input: DecisionInput,
): Promise<void> {
  const comment = cleanComment(input);
  const now = ctx.clock.now();
  const indexed = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('approval_approvers as a')
      .innerJoin('users as u', 'u.id', 'a.user_id')
      .select(['a.id', 'a.state', 'a.user_id', 'a.approval_id', 'u.active'])
      .where('a.id', '=', approverRowId)
      .executeTakeFirst();
    if (!row || row.approval_id !== approvalId)
      throw new Forbidden('approval_link_invalid', 'This link is not valid for this approval.');
    if (row.active !== 1)
      throw new Forbidden('approval_not_approver', 'Your account is deactivated; this link no longer works.');
    const locked = await lockPending(trx, approvalId, now);
    if (locked.requester_id === row.user_id)
      throw new Forbidden('approval_own_request', 'Nobody approves their own request.');
    if (row.state !== 'pending') refuseDecider([row]);
    return applyDecision(ctx, trx, locked, {
      rowIds: [row.id],
      deciderId: row.user_id,
      decision: input.decision,
      comment,
      via: 'link',
      now,
    });
  });
  rememberSearchWords(indexed);
  ctx.events.nudge();
}

/**
 * Records the decision on the approver rows, then settles each touched step (any rejection rejects it; "one":
 * the first approval approves it; "all": every approver's), then the approval (a rejected step rejects it;
 * in sequence an approved step asks the next; when every step is approved, approved).
 */
async function applyDecision(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  approval: ApprovalRow,
  d: {
    rowIds: number[];
    deciderId: number;
    decision: ApprovalDecision;
    comment: string | null;
    via: ApprovalVia;
    now: number;
  },
): Promise<IndexedWords | null> {
  const { now } = d;
  const verdict = d.decision === 'approve' ? 'approved' : 'rejected';
  await trx
    .updateTable('approval_approvers')
    .set({ state: verdict, comment: d.comment, via: d.via, decided_at: now })
    .where('id', 'in', d.rowIds)
    .execute();
  const steps = await trx
    .selectFrom('approval_steps')
    .selectAll()
    .where('approval_id', '=', approval.id)
    .orderBy('position')
    .execute();
  const approvers = await trx
    .selectFrom('approval_approvers')
    .select(['id', 'step', 'user_id', 'state'])
    .where('approval_id', '=', approval.id)
    .orderBy('id')
    .execute();
  const events: NewEvent[] = [];
  const stepState = new Map(steps.map((s) => [s.position, s.state]));
  for (const s of steps) {
    if (s.state !== 'pending') continue;
    const mine = approvers.filter((a) => a.step === s.position);
    const settled = mine.some((a) => a.state === 'rejected')
      ? 'rejected'
      : (
            s.rule === 'one'
              ? mine.some((a) => a.state === 'approved')
              : mine.every((a) => a.state === 'approved')
          )
        ? 'approved'
        : null;
    if (!settled) continue;
    stepState.set(s.position, settled);
    await trx
      .updateTable('approval_steps')
      .set({ state: settled, decided_at: now })
      .where('approval_id', '=', approval.id)
      .where('position', '=', s.position)
      .execute();
    // The step is decided: the others asked in it need not answer.
    await trx
      .updateTable('approval_approvers')
      .set({ state: 'skipped' })
      .where('approval_id', '=', approval.id)
      .where('step', '=', s.position)
      .where('state', '=', 'pending')
      .execute();
  }
  const states = [...stepState.values()];
  let outcome: 'approved' | 'rejected' | null = null;
  if (states.includes('rejected')) outcome = 'rejected';
  else if (states.every((s) => s === 'approved')) outcome = 'approved';
  else if (approval.step_order === 'sequence' && !states.includes('pending')) {
    // The current step was approved: ask the next one.
    const next = steps.find((s) => stepState.get(s.position) === 'waiting');
    if (next) {
      await trx
        .updateTable('approval_steps')
        .set({ state: 'pending' })
        .where('approval_id', '=', approval.id)
        .where('position', '=', next.position)
        .execute();
      await trx
        .updateTable('approval_approvers')
        .set({ state: 'pending' })
        .where('approval_id', '=', approval.id)
        .where('step', '=', next.position)
        .execute();
      events.push(
        approvalRequested(
          approval,
          next.position,
          approvers.filter((a) => a.step === next.position).map((a) => a.user_id),
          d.deciderId,
        ),
      );
    }
  }
  let indexed: IndexedWords | null = null;
  if (outcome) {
    // What was still open is not needed any more.
    await trx
      .updateTable('approval_steps')
      .set({ state: 'cancelled' })
      .where('approval_id', '=', approval.id)
      .where('state', 'in', ['pending', 'waiting'])
      .execute();
    await trx
      .updateTable('approval_approvers')
      .set({ state: 'skipped' })
      .where('approval_id', '=', approval.id)
      .where('state', 'in', ['pending', 'waiting'])
      .execute();
    const reason = outcome === 'rejected' ? d.comment : null;
    await trx
      .updateTable('approvals')
      .set({ state: outcome, reason, decided_by: d.deciderId, decided_at: now, updated_at: now })
      .where('id', '=', approval.id)
      .execute();
    events.push({
      type: 'approval.decided',
      subjectType: 'approval',
      subjectId: approval.id,
      actorId: d.deciderId,
      payload: {
        approvalId: approval.id,
        subjectType: approval.subject_type,
        subjectId: approval.subject_id,
        outcome,
        reason,
        decidedById: d.deciderId,
      },
    });
    if (approval.subject_type === 'ticket')
      indexed = await settleTicket(ctx, trx, approval.subject_id, outcome, reason, d.deciderId, now);
  }
  await ctx.events.record(trx, events);
  await recordAudit(trx, {
    actorId: d.deciderId,
    at: now,
    action: `approval.${verdict === 'approved' ? 'approve' : 'reject'}`,
    subjectType: 'approval',
    subjectId: approval.id,
    details: { via: d.via, outcome, ...(d.comment ? { comment: d.comment } : {}) },
  });
  return indexed;
}

/**
 * The ticket leaves awaiting_approval: approved, to the queue its request type routed it to (its group, or
 * new); rejected, closed, the reason a public comment. A ticket withdrawn meanwhile is left as it is.
 */
async function settleTicket(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  ticketId: number,
  outcome: 'approved' | 'rejected',
  reason: string | null,
  deciderId: number,
  now: number,
): Promise<IndexedWords | null> {
  const ticket = await trx.selectFrom('tickets').selectAll().where('id', '=', ticketId).executeTakeFirst();
  if (ticket?.status !== 'awaiting_approval') return null;
  let indexed: IndexedWords | null = null;
  const history: HistoryEntry[] = [
    { field: 'approval', from: 'requested', to: outcome, visibility: 'public' },
  ];
  const events: NewEvent[] = [];
  let to: TicketStatus;
  if (outcome === 'approved') {
    to = reopenState(ticket);
    await trx
      .updateTable('tickets')
      .set({ status: to, updated_at: now })
      .where('id', '=', ticketId)
      .execute();
  } else {
    // The decider wrote the reason; the comment is theirs even when they could not otherwise see the ticket.
    const written = await writeCommentIn(
      ctx,
      trx,
      systemActor(deciderId),
      ticketId,
      { body: `Request rejected: ${reason ?? ''}`.trim(), internal: false },
      now,
    );
    indexed = written.indexed;
    to = 'closed';
    await trx
      .updateTable('tickets')
      .set({ status: to, closed_at: now, updated_at: now })
      .where('id', '=', ticketId)
      .execute();
  }
  history.push({ field: 'status', from: 'awaiting_approval', to, visibility: 'public' });
  events.push({
    type: 'ticket.state_changed',
    subjectType: 'ticket',
    subjectId: ticketId,
    actorId: deciderId,
    payload: { from: 'awaiting_approval', to },
  });
  // Held back while it awaited approval: its group learns of it now.
  if (outcome === 'approved' && (ticket.assignee_id !== null || ticket.group_id !== null))
    events.push({
      type: 'ticket.assigned',
      subjectType: 'ticket',
      subjectId: ticketId,
      actorId: deciderId,
      payload: { assigneeId: ticket.assignee_id, groupId: ticket.group_id },
    });
  await recordTicketChange(trx, ticketId, deciderId, now, history);
  await ctx.events.record(trx, events);
  return indexed;
}

/**
 * A withdrawn or cancelled subject (the requester closed their request, a change was cancelled) cancels its
 * pending approvals, in the caller's transaction: nobody is asked any more and old links answer so.
 */
export async function cancelApprovals(
  trx: Transaction<Database>,
  input: {
    subjectType: ApprovalSubjectType;
    subjectId: number;
    actorId: number | null;
    reason: string;
    now: number;
  },
): Promise<number> {
  const pending = await trx
    .selectFrom('approvals')
    .select('id')
    .where('subject_type', '=', input.subjectType)
    .where('subject_id', '=', input.subjectId)
    .where('state', '=', 'pending')
    .execute();
  if (pending.length === 0) return 0;
  const ids = pending.map((p) => p.id);
  await trx
    .updateTable('approvals')
    .set({
      state: 'cancelled',
      reason: input.reason,
      decided_by: input.actorId,
      decided_at: input.now,
      updated_at: input.now,
    })
    .where('id', 'in', ids)
    .execute();
  await trx
    .updateTable('approval_steps')
    .set({ state: 'cancelled' })
    .where('approval_id', 'in', ids)
    .where('state', 'in', ['pending', 'waiting'])
    .execute();
  await trx
    .updateTable('approval_approvers')
    .set({ state: 'cancelled' })
    .where('approval_id', 'in', ids)
    .where('state', 'in', ['pending', 'waiting'])
    .execute();
  return ids.length;
}
