// Reading approvals: one with its steps and approvers (names, states, comments), a subject's approvals (the
// ticket page's panel), and a person's list — "waiting for me" for the approvals inbox — newest first, with the
// shared opaque cursor. Who may read one is canApproval (policies.ts): staff, its requester, its approvers.
import type { Kysely } from 'kysely';
import { type Actor, isStaff } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type {
  ApprovalState,
  ApprovalStepState,
  ApprovalVia,
  ApproverState,
  Database,
  TicketStatus,
} from '../core/db/index.js';
import { Invalid, NotFound } from '../core/errors.js';
import type { ApprovalSubjectType } from './approvals.js';
import { canApproval } from './policies.js';
import { decodeCursor, encodeCursor } from './ticket-cursors.js';

export interface ApprovalApprover {
  /** The approver's row: what a mail link is signed for. */
  id: number;
  userId: number;
  userName: string;
  state: ApproverState;
  comment: string | null;
  via: ApprovalVia | null;
  decidedAt: number | null;
}

export interface ApprovalStepView {
  position: number;
  rule: 'one' | 'all';
  approverKind: 'manager' | 'users' | 'group';
  groupId: number | null;
  groupName: string | null;
  state: ApprovalStepState;
  decidedAt: number | null;
  approvers: ApprovalApprover[];
}

export interface Approval {
  id: number;
  subjectType: ApprovalSubjectType;
  subjectId: number;
  requesterId: number;
  requesterName: string;
  title: string;
  order: 'sequence' | 'parallel';
  state: ApprovalState;
  reason: string | null;
  decidedById: number | null;
  decidedAt: number | null;
  createdAt: number;
  steps: ApprovalStepView[];
  /** What the approver decides on: a ticket's description (the catalogue form's answers). */
  summary: string | null;
  /** The subject's state now, for a ticket (a change's is the change's business). */
  subjectStatus: TicketStatus | null;
  /** The reader is asked now (may decide). */
  awaitingMe: boolean;
}

export interface ApprovalListFilter {
  state?: ApprovalState;
  /** Only those the reader is an approver of (with state pending: asked now, not yet answered). */
  mine?: boolean;
  subjectType?: ApprovalSubjectType;
  subjectId?: number;
  limit?: number;
  cursor?: string;
}

export const approvalListLimits = { defaultLimit: 50, maxLimit: 200 } as const;

/** The approvals with these ids, fully read, in the given order. */
export async function readApprovals(
  db: Kysely<Database>,
  ids: number[],
  readerId: number,
): Promise<Approval[]> {
  if (ids.length === 0) return [];
  const [rows, steps, approvers] = await Promise.all([
    db
      .selectFrom('approvals as a')
      .innerJoin('users as u', 'u.id', 'a.requester_id')
      .leftJoin('tickets as t', (j) =>
        j.onRef('t.id', '=', 'a.subject_id').on('a.subject_type', '=', 'ticket'),
      )
      .selectAll('a')
      .select([
        'u.name as requester_name',
        't.description as ticket_description',
        't.status as ticket_status',
      ])
      .where('a.id', 'in', ids)
      .execute(),
    db
      .selectFrom('approval_steps as s')
      .leftJoin('groups as g', 'g.id', 's.group_id')
      .selectAll('s')
      .select('g.name as group_name')
      .where('s.approval_id', 'in', ids)
      .orderBy('s.approval_id')
      .orderBy('s.position')
      .execute(),
    db
      .selectFrom('approval_approvers as p')
      .innerJoin('users as u', 'u.id', 'p.user_id')
      .selectAll('p')
      .select('u.name as user_name')
      .where('p.approval_id', 'in', ids)
      .orderBy('p.id')
      .execute(),
  ]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id): Approval[] => {
    const r = byId.get(id);
    if (!r) return [];
    const mine = approvers.filter((p) => p.approval_id === id);
    return [
      {
        id: r.id,
        subjectType: r.subject_type,
        subjectId: r.subject_id,
        requesterId: r.requester_id,
        requesterName: r.requester_name,
        title: r.title,
        order: r.step_order,
        state: r.state,
        reason: r.reason,
        decidedById: r.decided_by,
        decidedAt: r.decided_at,
        createdAt: r.created_at,
        summary: r.ticket_description ?? null,
        subjectStatus: r.ticket_status ?? null,
        awaitingMe: mine.some((p) => p.user_id === readerId && p.state === 'pending'),
        steps: steps
          .filter((s) => s.approval_id === id)
          .map((s) => ({
            position: s.position,
            rule: s.rule,
            approverKind: s.approver_kind,
            groupId: s.group_id,
            groupName: s.group_name ?? null,
            state: s.state,
            decidedAt: s.decided_at,
            approvers: mine
              .filter((p) => p.step === s.position)
              .map((p) => ({
                id: p.id,
                userId: p.user_id,
                userName: p.user_name,
                state: p.state,
                comment: p.comment,
                via: p.via,
                decidedAt: p.decided_at,
              })),
          })),
      },
    ];
  });
}

export async function getApproval(ctx: ServiceContext, actor: Actor, id: number): Promise<Approval> {
  const [a] = await readApprovals(ctx.db, [id], actor.id);
  const approverIds = new Set(a?.steps.flatMap((s) => s.approvers.map((p) => p.userId)) ?? []);
  if (!a || !canApproval(actor, 'approval.read', { requesterId: a.requesterId, approverIds }))
    throw new NotFound('approval_not_found', `No approval ${id}.`);
  return a;
}

/** A subject's approvals, oldest first (a ticket's panel); the caller checked the reader may see the subject. */
export async function listSubjectApprovals(
  ctx: ServiceContext,
  actor: Actor,
  subjectType: ApprovalSubjectType,
  subjectId: number,
): Promise<Approval[]> {
  const ids = await ctx.db
    .selectFrom('approvals')
    .select('id')
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .orderBy('id')
    .execute();
  return readApprovals(
    ctx.db,
    ids.map((r) => r.id),
    actor.id,
  );
}

/** A page of approvals the reader may see, newest first. */
export async function listApprovals(
  ctx: ServiceContext,
  actor: Actor,
  filter: ApprovalListFilter,
): Promise<{ items: Approval[]; nextCursor: string | null }> {
  const limit = filter.limit ?? approvalListLimits.defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > approvalListLimits.maxLimit)
    throw new Invalid('validation_failed', `limit: must be 1–${approvalListLimits.maxLimit}`, [
      { field: 'query/limit', message: `must be 1–${approvalListLimits.maxLimit}` },
    ]);
  const after = filter.cursor !== undefined ? decodeCursor(filter.cursor).k?.[1] : undefined;
  let q = ctx.db.selectFrom('approvals as a').select('a.id');
  if (filter.mine) {
    // "Waiting for me": my part is asked now, whatever the others did.
    const myState = filter.state === 'pending' ? 'pending' : undefined;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('approval_approvers as p')
          .select('p.id')
          .whereRef('p.approval_id', '=', 'a.id')
          .where('p.user_id', '=', actor.id)
          .$call((s) => (myState ? s.where('p.state', '=', myState) : s)),
      ),
    );
    if (filter.state && filter.state !== 'pending') q = q.where('a.state', '=', filter.state);
    else if (filter.state === 'pending') q = q.where('a.state', '=', 'pending');
  } else {
    if (filter.state) q = q.where('a.state', '=', filter.state);
    if (!isStaff(actor))
      q = q.where((eb) =>
        eb.or([
          eb('a.requester_id', '=', actor.id),
          eb.exists(
            eb
              .selectFrom('approval_approvers as p')
              .select('p.id')
              .whereRef('p.approval_id', '=', 'a.id')
              .where('p.user_id', '=', actor.id),
          ),
        ]),
      );
  }
  if (filter.subjectType) q = q.where('a.subject_type', '=', filter.subjectType);
  if (filter.subjectId !== undefined) q = q.where('a.subject_id', '=', filter.subjectId);
  if (after !== undefined) q = q.where('a.id', '<', after);
  const rows = await q
    .orderBy('a.id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit).map((r) => r.id);
  const last = page[page.length - 1];
  return {
    items: await readApprovals(ctx.db, page, actor.id),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor({ k: [last, last] }) : null,
  };
}
