// The approvals engine on both databases, through its domain functions: plans in sequence and in parallel,
// "one" and "all" steps, the requester's manager, groups; the outcome event in the deciding transaction, and a
// ticket moved by it (approved: to its queue; rejected: closed with the reason); nobody approves their own
// request; a withdrawn request cancels its approvals; a change request's approval leaves tickets alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, actorForUser, createGroup, createUser } from '../../src/core/auth/index.js';
import type { DomainError } from '../../src/core/errors.js';
import {
  type ApprovalPlan,
  cancelApprovals,
  createTicket,
  decideApproval,
  getApproval,
  requestApproval,
  updateTicket,
} from '../../src/helpdesk/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

describe.each(dialects)('the approvals engine on %s', (dialect) => {
  let t: TestContext;
  let n = 0;
  let groupId: number;
  let desk: number;
  let boss: Actor;
  let alice: Actor;
  let bob: Actor;
  let carol: Actor;
  let requester: Actor;
  let tech: Actor;

  async function person(role: Actor['role'], groupIds: number[] = []): Promise<Actor> {
    n += 1;
    const u = await createUser(t.ctx, null, {
      email: `p${n}@example.test`,
      name: `Person ${n}`,
      role,
      groupIds,
    });
    return actorForUser({ ...u, groupIds });
  }

  async function setManager(userId: number, managerId: number | null) {
    await t.ctx.db.updateTable('users').set({ manager_id: managerId }).where('id', '=', userId).execute();
  }

  /** A request filed awaiting approval, as the catalogue files one. */
  async function file(who: Actor, plan: ApprovalPlan, title = 'New laptop') {
    let approvalId = 0;
    const ticket = await createTicket(
      t.ctx,
      who,
      { title, description: 'Model: Developer', type: 'request' },
      async (trx, created) => {
        ({ approvalId } = await requestApproval(trx, t.ctx, {
          subjectType: 'ticket',
          subjectId: created.id,
          requesterId: who.id,
          title,
          plan,
        }));
      },
      { requestTypeId: null, groupId: desk, awaitingApproval: true },
    );
    return { ticketId: ticket.id, approvalId };
  }

  async function events(type: string, approvalId: number) {
    const rows = await t.ctx.db
      .selectFrom('outbox')
      .select(['type', 'payload', 'actor_id'])
      .where('type', '=', type)
      .where('subject_type', '=', 'approval')
      .where('subject_id', '=', String(approvalId))
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ ...JSON.parse(r.payload), actorId: r.actor_id }));
  }

  async function ticketRow(id: number) {
    return t.ctx.db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  }

  async function refused(p: Promise<unknown>): Promise<string> {
    try {
      await p;
    } catch (e) {
      return (e as DomainError).code;
    }
    throw new Error('expected a refusal');
  }

  beforeAll(async () => {
    t = await makeContext(dialect);
    desk = (await createGroup(t.ctx, null, { name: 'Hardware desk' })).id;
    groupId = (await createGroup(t.ctx, null, { name: 'Finance approvers' })).id;
    boss = await person('requester');
    alice = await person('manager');
    bob = await person('technician');
    carol = await person('requester', [groupId]);
    requester = await person('requester');
    tech = await person('technician', [desk]);
    await setManager(requester.id, boss.id);
    await t.ctx.db.insertInto('group_members').values({ group_id: groupId, user_id: bob.id }).execute();
    bob = { ...bob, groupIds: [groupId] };
  });

  afterAll(async () => {
    await t?.close();
  });

  it("the requester's manager approves: the ticket goes to its group's queue, with approval.decided", async () => {
    const { ticketId, approvalId } = await file(requester, {
      order: 'sequence',
      steps: [{ approvers: { kind: 'manager' }, rule: 'one' }],
    });
    expect((await ticketRow(ticketId)).status).toBe('awaiting_approval');
    const asked = await events('approval.requested', approvalId);
    expect(asked).toEqual([
      {
        approvalId,
        subjectType: 'ticket',
        subjectId: ticketId,
        step: 0,
        approverIds: [boss.id],
        actorId: requester.id,
      },
    ]);
    // The group heard nothing yet: ticket.assigned is held back until approval.
    const early = await t.ctx.db
      .selectFrom('outbox')
      .select('type')
      .where('subject_type', '=', 'ticket')
      .where('subject_id', '=', String(ticketId))
      .execute();
    expect(early.map((e) => e.type)).toEqual(['ticket.created']);

    await decideApproval(t.ctx, boss, approvalId, { decision: 'approve', comment: 'Go ahead' }, 'web');
    const row = await ticketRow(ticketId);
    expect(row.status).toBe('assigned');
    expect(await events('approval.decided', approvalId)).toEqual([
      {
        approvalId,
        subjectType: 'ticket',
        subjectId: ticketId,
        outcome: 'approved',
        reason: null,
        decidedById: boss.id,
        actorId: boss.id,
      },
    ]);
    const later = await t.ctx.db
      .selectFrom('outbox')
      .select(['type', 'payload'])
      .where('subject_type', '=', 'ticket')
      .where('subject_id', '=', String(ticketId))
      .orderBy('id')
      .execute();
    expect(later.map((e) => e.type)).toEqual(['ticket.created', 'ticket.state_changed', 'ticket.assigned']);
    expect(JSON.parse(later[1].payload)).toEqual({ from: 'awaiting_approval', to: 'assigned' });
    const a = await getApproval(t.ctx, requester, approvalId);
    expect(a.state).toBe('approved');
    expect(a.steps[0].approvers).toMatchObject([
      { userId: boss.id, state: 'approved', comment: 'Go ahead', via: 'web' },
    ]);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('subject_type', '=', 'approval')
      .where('subject_id', '=', String(approvalId))
      .execute();
    expect(audit).toEqual([{ action: 'approval.approve', actor_id: boss.id }]);
  });

  it('a rejection needs a comment, and closes the request with the reason as a public comment', async () => {
    const { ticketId, approvalId } = await file(requester, {
      order: 'parallel',
      steps: [{ approvers: { kind: 'manager' }, rule: 'one' }],
    });
    expect(await refused(decideApproval(t.ctx, boss, approvalId, { decision: 'reject' }, 'api'))).toBe(
      'validation_failed',
    );
    await decideApproval(
      t.ctx,
      boss,
      approvalId,
      { decision: 'reject', comment: 'Not in this budget' },
      'api',
    );
    const row = await ticketRow(ticketId);
    expect(row.status).toBe('closed');
    expect(row.closed_at).toBe(t.clock.now());
    const comments = await t.ctx.db
      .selectFrom('comments')
      .selectAll()
      .where('ticket_id', '=', ticketId)
      .execute();
    expect(comments).toMatchObject([
      { author_id: boss.id, internal: 0, body: 'Request rejected: Not in this budget' },
    ]);
    const history = await t.ctx.db
      .selectFrom('ticket_history')
      .select(['field', 'from_value', 'to_value', 'visibility'])
      .where('ticket_id', '=', ticketId)
      .where('field', 'in', ['approval', 'status'])
      .orderBy('id')
      .execute();
    expect(history).toEqual([
      { field: 'approval', from_value: null, to_value: 'requested', visibility: 'public' },
      { field: 'approval', from_value: 'requested', to_value: 'rejected', visibility: 'public' },
      { field: 'status', from_value: 'awaiting_approval', to_value: 'closed', visibility: 'public' },
    ]);
    expect((await events('approval.decided', approvalId))[0]).toMatchObject({
      outcome: 'rejected',
      reason: 'Not in this budget',
    });
    expect(await refused(decideApproval(t.ctx, boss, approvalId, { decision: 'approve' }, 'api'))).toBe(
      'approval_already_decided',
    );
  });

  it('in sequence: an "all" step of named users, then a group where one suffices', async () => {
    const { ticketId, approvalId } = await file(requester, {
      order: 'sequence',
      steps: [
        { approvers: { kind: 'users', userIds: [alice.id, tech.id] }, rule: 'all' },
        { approvers: { kind: 'group', groupId }, rule: 'one' },
      ],
    });
    // The group's step has not started.
    expect(await refused(decideApproval(t.ctx, carol, approvalId, { decision: 'approve' }, 'web'))).toBe(
      'approval_not_approver',
    );
    await decideApproval(t.ctx, alice, approvalId, { decision: 'approve' }, 'web');
    expect((await getApproval(t.ctx, alice, approvalId)).steps.map((s) => s.state)).toEqual([
      'pending',
      'waiting',
    ]);
    expect(await refused(decideApproval(t.ctx, alice, approvalId, { decision: 'approve' }, 'web'))).toBe(
      'approval_already_decided',
    );
    await decideApproval(t.ctx, tech, approvalId, { decision: 'approve' }, 'web');
    const asked = await events('approval.requested', approvalId);
    expect(asked.map((e) => [e.step, e.approverIds])).toEqual([
      [0, [alice.id, tech.id]],
      [1, [bob.id, carol.id].sort((a, b) => a - b)],
    ]);
    expect((await ticketRow(ticketId)).status).toBe('awaiting_approval');
    // A plain requester-role member of the group approves.
    await decideApproval(t.ctx, carol, approvalId, { decision: 'approve' }, 'web');
    const a = await getApproval(t.ctx, carol, approvalId);
    expect(a.state).toBe('approved');
    expect(a.steps[1].approvers.map((x) => x.state).sort()).toEqual(['approved', 'skipped']);
    expect((await ticketRow(ticketId)).status).toBe('assigned');
    // A decided approval takes no more decisions.
    expect(await refused(decideApproval(t.ctx, tech, approvalId, { decision: 'approve' }, 'web'))).toBe(
      'approval_already_decided',
    );
  });

  it('in parallel: one rejection rejects the whole, the rest is skipped', async () => {
    const { ticketId, approvalId } = await file(requester, {
      order: 'parallel',
      steps: [
        { approvers: { kind: 'users', userIds: [alice.id] }, rule: 'one' },
        { approvers: { kind: 'group', groupId }, rule: 'all' },
      ],
    });
    expect((await events('approval.requested', approvalId)).map((e) => e.step)).toEqual([0, 1]);
    await decideApproval(t.ctx, bob, approvalId, { decision: 'approve' }, 'web');
    await decideApproval(
      t.ctx,
      alice,
      approvalId,
      { decision: 'reject', comment: 'Duplicate request' },
      'web',
    );
    const a = await getApproval(t.ctx, alice, approvalId);
    expect(a.state).toBe('rejected');
    expect(a.reason).toBe('Duplicate request');
    expect(a.steps.map((s) => s.state)).toEqual(['rejected', 'cancelled']);
    const states = Object.fromEntries(a.steps[1].approvers.map((x) => [x.userId, x.state]));
    expect(states).toEqual({ [bob.id]: 'approved', [carol.id]: 'skipped' });
    expect((await ticketRow(ticketId)).status).toBe('closed');
  });

  it('nobody approves their own request', async () => {
    // Named among the approvers, the requester is left out of the step…
    const { approvalId } = await file(alice, {
      order: 'parallel',
      steps: [{ approvers: { kind: 'users', userIds: [alice.id, bob.id] }, rule: 'all' }],
    });
    expect((await getApproval(t.ctx, alice, approvalId)).steps[0].approvers.map((x) => x.userId)).toEqual([
      bob.id,
    ]);
    expect(await refused(decideApproval(t.ctx, alice, approvalId, { decision: 'approve' }, 'web'))).toBe(
      'approval_own_request',
    );
    // …and a step of nobody else cannot be asked at all.
    expect(
      await refused(
        file(alice, {
          order: 'parallel',
          steps: [{ approvers: { kind: 'users', userIds: [alice.id] }, rule: 'one' }],
        }),
      ),
    ).toBe('approval_no_approver');
    // Nor can "my manager" for someone who has none.
    expect(
      await refused(
        file(tech, { order: 'parallel', steps: [{ approvers: { kind: 'manager' }, rule: 'one' }] }),
      ),
    ).toBe('approval_no_approver');
    // Nothing of the refused filings is left behind.
    const leftover = await t.ctx.db
      .selectFrom('tickets')
      .select('id')
      .where('requester_id', '=', tech.id)
      .execute();
    expect(leftover).toEqual([]);
  });

  it('a withdrawn request cancels its pending approvals', async () => {
    const { ticketId, approvalId } = await file(requester, {
      order: 'sequence',
      steps: [
        { approvers: { kind: 'manager' }, rule: 'one' },
        { approvers: { kind: 'users', userIds: [alice.id] }, rule: 'one' },
      ],
    });
    await updateTicket(t.ctx, requester, ticketId, { status: 'closed' });
    const a = await getApproval(t.ctx, requester, approvalId);
    expect(a.state).toBe('cancelled');
    expect(a.steps.map((s) => s.state)).toEqual(['cancelled', 'cancelled']);
    expect(a.steps.flatMap((s) => s.approvers.map((x) => x.state))).toEqual(['cancelled', 'cancelled']);
    expect(await refused(decideApproval(t.ctx, boss, approvalId, { decision: 'approve' }, 'web'))).toBe(
      'approval_already_decided',
    );
    expect((await ticketRow(ticketId)).status).toBe('closed');
  });

  it("a change request's approval reports its outcome and leaves tickets alone", async () => {
    const before = await t.ctx.db.selectFrom('ticket_history').select('id').execute();
    const { approvalId } = await t.ctx.db.transaction().execute((trx) =>
      requestApproval(trx, t.ctx, {
        subjectType: 'change',
        subjectId: 4242,
        requesterId: tech.id,
        title: 'CAB: upgrade the core switch',
        plan: {
          order: 'parallel',
          steps: [{ approvers: { kind: 'users', userIds: [alice.id, bob.id] }, rule: 'all' }],
        },
      }),
    );
    await decideApproval(t.ctx, alice, approvalId, { decision: 'approve' }, 'api');
    expect(await events('approval.decided', approvalId)).toEqual([]);
    await decideApproval(t.ctx, bob, approvalId, { decision: 'approve', comment: 'Window is fine' }, 'api');
    expect(await events('approval.decided', approvalId)).toEqual([
      {
        approvalId,
        subjectType: 'change',
        subjectId: 4242,
        outcome: 'approved',
        reason: null,
        decidedById: bob.id,
        actorId: bob.id,
      },
    ]);
    const after = await t.ctx.db.selectFrom('ticket_history').select('id').execute();
    expect(after.length).toBe(before.length);
    // Cancelling a subject's approvals by hand (a change withdrawn) is a no-op once decided.
    const cancelled = await t.ctx.db.transaction().execute((trx) =>
      cancelApprovals(trx, {
        subjectType: 'change',
        subjectId: 4242,
        actorId: tech.id,
        reason: 'x',
        now: t.clock.now(),
      }),
    );
    expect(cancelled).toBe(0);
  });
});
