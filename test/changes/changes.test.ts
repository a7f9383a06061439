// Change management over HTTP on SQLite and PostgreSQL: the change calendar and its conflicts (exact at the window
// edges: touching windows do not conflict), blackout periods (refused for normal and standard changes, allowed
// for emergencies), the lifecycle of a normal change through its CAB, a standard change from a template that
// skips the CAB, links to tickets and problems, the post-implementation review, and requesters kept out.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConflicts, subscribeChanges } from '../../src/changes/index.js';
import { type Actor, actorForUser, createUser } from '../../src/core/auth/index.js';
import type { Role } from '../../src/core/db/index.js';
import { errorCatalogue } from '../../src/core/errors.js';
import { decideApproval } from '../../src/helpdesk/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn } from '../support/http.js';

const hour = 3_600_000;
const day = 24 * hour;
const iso = (ms: number) => new Date(ms).toISOString();

describe.each(dialects)('change management on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let manager: Session;
  let tech: Session;
  let requester: Session;
  let network: number;
  let mail: number;
  let cabGroup: number;
  /** Monday 9 March 2026, 00:00 UTC: a week after the test clock's start, clear of other tests' windows. */
  let base = Date.parse('2026-03-09T00:00:00Z');

  const password = 'correct horse battery';
  const cast: [string, Role][] = [
    ['admin', 'admin'],
    ['manager', 'manager'],
    ['tech', 'technician'],
    ['requester', 'requester'],
  ];

  /** A week of its own for each test, so calendars do not see each other's changes. */
  function freshWeek(): number {
    base += 7 * day;
    return base;
  }

  async function change(body: Record<string, unknown>, who: Session = manager) {
    const r = await who.call('POST', '/api/v1/changes', {
      title: 'Replace the core switch',
      plan: 'Swap the switch, move the uplinks.',
      backoutPlan: 'Put the old switch back.',
      ...body,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }

  async function move(id: number, to: string, who: Session = manager) {
    return who.call('POST', `/api/v1/changes/${id}/transitions`, { to });
  }

  beforeAll(async () => {
    t = await makeApp(dialect);
    subscribeChanges(t.ctx);
    for (const [name, role] of cast)
      await createUser(t.ctx, null, { email: `${name}@changes.test`, name: `The ${name}`, role, password });
    [admin, manager, tech, requester] = await Promise.all(
      cast.map(([name]) => signIn(t.app, `${name}@changes.test`, password)),
    );
    const policy = await admin.call('POST', '/api/v1/escalation-policies', {
      name: 'Infra',
      steps: [{ targets: [{ kind: 'user', id: tech.userId }], delayMinutes: 5 }],
    });
    expect(policy.status).toBe(201);
    for (const name of ['Network', 'Mail']) {
      const s = await admin.call('POST', '/api/v1/services', { name, escalationPolicyId: policy.body.id });
      expect(s.status).toBe(201);
      if (name === 'Network') network = s.body.id;
      else mail = s.body.id;
    }
    const g = await admin.call('POST', '/api/v1/groups', {
      name: 'CAB',
      memberIds: [manager.userId, admin.userId],
    });
    expect(g.status).toBe(201);
    cabGroup = g.body.id;
  });
  afterAll(async () => t?.close());

  /** The domain's actor for a signed-in user (deciding an approval is the approvals engine's call). */
  async function actorOf(who: Session): Promise<Actor> {
    const u = await t.ctx.db
      .selectFrom('users')
      .select(['id', 'email', 'name', 'role'])
      .where('id', '=', who.userId)
      .executeTakeFirstOrThrow();
    const groups = await t.ctx.db
      .selectFrom('group_members')
      .select('group_id')
      .where('user_id', '=', who.userId)
      .execute();
    return actorForUser({ ...u, groupIds: groups.map((g) => g.group_id) });
  }

  it('change calendar conflicts: overlapping windows on one service conflict, touching ones do not', async () => {
    const w = freshWeek();
    const a = await change({
      title: 'A',
      serviceIds: [network],
      windowStart: iso(w + 9 * hour),
      windowEnd: iso(w + 11 * hour),
    });
    // Overlaps A by one millisecond at its end.
    const b = await change({
      title: 'B',
      serviceIds: [network, mail],
      windowStart: iso(w + 11 * hour - 1),
      windowEnd: iso(w + 12 * hour),
    });
    // Touches A (starts when A ends) and overlaps B: conflicts with B alone.
    const c = await change({
      title: 'C',
      serviceIds: [network],
      windowStart: iso(w + 11 * hour),
      windowEnd: iso(w + 13 * hour),
    });
    // Touches B's end exactly, on a shared service: no conflict.
    const d = await change({
      title: 'D',
      serviceIds: [mail],
      windowStart: iso(w + 12 * hour),
      windowEnd: iso(w + 14 * hour),
    });
    // Same time as A, another service only: no conflict.
    const e = await change({
      title: 'E',
      serviceIds: [mail],
      windowStart: iso(w + 9 * hour),
      windowEnd: iso(w + 10 * hour),
    });
    // Overlaps A on its service, but cancelled: no conflict.
    const f = await change({
      title: 'F',
      serviceIds: [network],
      windowStart: iso(w + 10 * hour),
      windowEnd: iso(w + 10 * hour + 30 * 60_000),
    });
    expect((await move(f.id, 'cancelled')).status).toBe(200);

    const cal = await tech.call('GET', `/api/v1/changes?from=${iso(w)}&to=${iso(w + day)}`);
    expect(cal.status).toBe(200);
    const byTitle = Object.fromEntries(cal.body.items.map((i: any) => [i.title, i]));
    expect(cal.body.items.map((i: any) => i.title)).toEqual(['A', 'E', 'F', 'B', 'C', 'D']);
    expect(byTitle.A.conflicts).toEqual([b.id]);
    expect(byTitle.B.conflicts).toEqual([a.id, c.id].sort((x, y) => x - y));
    expect(byTitle.C.conflicts).toEqual([b.id]);
    expect(byTitle.D.conflicts).toEqual([]);
    expect(byTitle.E.conflicts).toEqual([]);
    expect(byTitle.F.conflicts).toEqual([]);
    // The change page says the same.
    expect((await tech.call('GET', `/api/v1/changes/${a.id}`)).body.conflicts).toEqual([b.id]);

    // The calendar's own edges are half-open too: a window [13:00, 14:00) shows D (12–14) and C (11–13) not.
    const edge = await tech.call(
      'GET',
      `/api/v1/changes?from=${iso(w + 13 * hour)}&to=${iso(w + 14 * hour)}`,
    );
    expect(edge.body.items.map((i: any) => i.title)).toEqual(['D']);
    // Moving B to start when A ends (touching) ends their conflict; B still overlaps C.
    const moved = await manager.call('PATCH', `/api/v1/changes/${b.id}`, { windowStart: iso(w + 11 * hour) });
    expect(moved.status).toBe(200);
    expect(moved.body.conflicts).toEqual([c.id]);
    expect((await tech.call('GET', `/api/v1/changes/${a.id}`)).body.conflicts).toEqual([]);
    expect(d.id).toBeGreaterThan(0);
    expect(e.id).toBeGreaterThan(0);
  });

  it('the calendar pages in window order with a cursor, and filters by state, type and service', async () => {
    const w = freshWeek();
    const made: number[] = [];
    for (let i = 0; i < 5; i++)
      made.push(
        (
          await change({
            title: `Page ${i}`,
            serviceIds: [mail],
            windowStart: iso(w + i * hour),
            windowEnd: iso(w + (i + 1) * hour),
          })
        ).id,
      );
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/changes?from=${iso(w)}&to=${iso(w + day)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const r = await tech.call('GET', url);
      expect(r.status).toBe(200);
      seen.push(...r.body.items.map((i: any) => i.id));
      cursor = r.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(made);
    const filtered = await tech.call(
      'GET',
      `/api/v1/changes?from=${iso(w)}&to=${iso(w + day)}&serviceId=${network}&state=draft`,
    );
    expect(filtered.body.items).toEqual([]);
    expect(
      (
        await tech.call(
          'GET',
          `/api/v1/changes?from=${iso(w)}&to=${iso(w + day)}&type=normal&state=draft,assessment`,
        )
      ).body.items,
    ).toHaveLength(5);
    // A bad window, state or cursor is a 400.
    expect((await tech.call('GET', `/api/v1/changes?from=${iso(w)}`)).status).toBe(400);
    expect((await tech.call('GET', `/api/v1/changes?from=${iso(w)}&to=${iso(w)}`)).status).toBe(400);
    expect((await tech.call('GET', '/api/v1/changes?state=nope')).status).toBe(400);
    expect((await tech.call('GET', '/api/v1/changes?cursor=abc')).body.code).toBe('invalid_cursor');
    // Without a window: every change, newest first.
    const all = await tech.call('GET', '/api/v1/changes?limit=3');
    expect(all.body.items.map((i: any) => i.id)).toEqual([...made].reverse().slice(0, 3));
    expect(all.body.blackouts).toEqual([]);
  });

  it('a normal change goes through its CAB, is implemented and closed by its review', async () => {
    const w = freshWeek();
    const ch = await change({
      serviceIds: [network],
      risk: 'high',
      impact: 'medium',
      testPlan: 'Ping every floor.',
      windowStart: iso(w + 20 * hour),
      windowEnd: iso(w + 22 * hour),
      implementerId: tech.userId,
    });
    expect(ch).toMatchObject({
      number: `CHG-${ch.id}`,
      type: 'normal',
      state: 'draft',
      risk: 'high',
      requesterId: manager.userId,
      implementerName: 'The tech',
      services: [{ id: network, name: 'Network' }],
      nextStates: ['assessment', 'cancelled'],
    });
    expect((await move(ch.id, 'scheduled')).body.code).toBe('change_transition_not_allowed');
    expect((await move(ch.id, 'assessment')).status).toBe(200);
    // No CAB group yet: it cannot be sent.
    const noCab = await move(ch.id, 'awaiting_cab');
    expect(noCab.status).toBe(409);
    expect(noCab.body.code).toBe('cab_not_configured');
    expect(
      (
        await tech.call('PUT', '/api/v1/settings/changes', {
          cabGroupId: cabGroup,
          emergencyCabGroupId: null,
        })
      ).status,
    ).toBe(403);
    const set = await manager.call('PUT', '/api/v1/settings/changes', {
      cabGroupId: cabGroup,
      emergencyCabGroupId: null,
    });
    expect(set.body).toEqual({ cabGroupId: cabGroup, emergencyCabGroupId: null });
    expect((await tech.call('GET', '/api/v1/settings/changes')).body.cabGroupId).toBe(cabGroup);
    const sent = await move(ch.id, 'awaiting_cab', tech);
    expect(sent.status).toBe(200);
    expect(sent.body.state).toBe('awaiting_cab');
    // Only the CAB moves it on: no one schedules their own change.
    const self = await move(ch.id, 'scheduled');
    expect(self.status).toBe(409);
    expect(self.body.code).toBe('change_transition_not_allowed');
    // The board approves (the approvals engine's outcome); a second delivery changes nothing.
    // One approval from the CAB group, without the change's requester (the manager): the admin decides.
    const approvalId = sent.body.approvalId;
    expect(approvalId).toEqual(expect.any(Number));
    await expect(
      decideApproval(t.ctx, await actorOf(manager), approvalId, { decision: 'approve' }, 'api'),
    ).rejects.toThrow();
    await decideApproval(
      t.ctx,
      await actorOf(admin),
      approvalId,
      { decision: 'approve', comment: 'Go ahead' },
      'api',
    );
    // The decision reaches the change through the outbox; a second relay pass (a redelivery) changes nothing.
    await t.ctx.events.dispatchPending();
    await t.ctx.events.dispatchPending();
    const scheduled = await tech.call('GET', `/api/v1/changes/${ch.id}`);
    expect(scheduled.body).toMatchObject({ state: 'scheduled', cabReason: null });
    // The approved window stays: a new one goes back through assessment and the CAB.
    const replan = await manager.call('PATCH', `/api/v1/changes/${ch.id}`, { windowEnd: iso(w + 23 * hour) });
    expect(replan.body.code).toBe('change_locked');
    // Plans are locked once implementation starts.
    expect((await move(ch.id, 'implementing', tech)).status).toBe(200);
    const locked = await tech.call('PATCH', `/api/v1/changes/${ch.id}`, { plan: 'Something else' });
    expect(locked.body.code).toBe('change_locked');
    // A review before the work is done is refused; after it, the review closes the change.
    expect(
      (await tech.call('POST', `/api/v1/changes/${ch.id}/review`, { outcome: 'successful' })).status,
    ).toBe(409);
    expect((await move(ch.id, 'review', tech)).body.state).toBe('review');
    const closed = await tech.call('POST', `/api/v1/changes/${ch.id}/review`, {
      outcome: 'partially_successful',
      notes: 'Floor 3 needed a second reboot.',
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      state: 'closed',
      review: {
        outcome: 'partially_successful',
        notes: 'Floor 3 needed a second reboot.',
        reviewedById: tech.userId,
      },
      nextStates: [],
    });
    // Every write is audited.
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_type', '=', 'change')
      .where('subject_id', '=', String(ch.id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'change.create',
      'change.state',
      'change.state',
      'change.cab_decision',
      'change.state',
      'change.state',
      'change.review',
    ]);
  });

  it('a change the CAB rejects is rejected with its reason; a failed one is still reviewed', async () => {
    const w = freshWeek();
    await manager.call('PUT', '/api/v1/settings/changes', {
      cabGroupId: cabGroup,
      emergencyCabGroupId: null,
    });
    const ch = await change({ serviceIds: [mail], windowStart: iso(w + hour), windowEnd: iso(w + 2 * hour) });
    await move(ch.id, 'assessment');
    const sent = await move(ch.id, 'awaiting_cab');
    await decideApproval(
      t.ctx,
      await actorOf(admin),
      sent.body.approvalId,
      { decision: 'reject', comment: 'Not during month end' },
      'api',
    );
    await t.ctx.events.dispatchPending();
    expect((await tech.call('GET', `/api/v1/changes/${ch.id}`)).body).toMatchObject({
      state: 'rejected',
      cabReason: 'Not during month end',
      nextStates: [],
    });

    const std = await manager.call('POST', '/api/v1/change-templates', {
      name: 'Restart mail relay',
      title: 'Restart the mail relay',
      risk: 'low',
      impact: 'low',
      plan: 'systemctl restart postfix',
    });
    const f = await change({
      templateId: std.body.id,
      serviceIds: [mail],
      windowStart: iso(w + 3 * hour),
      windowEnd: iso(w + 4 * hour),
    });
    await move(f.id, 'scheduled');
    await move(f.id, 'implementing');
    expect((await move(f.id, 'failed')).body.nextStates).toEqual(['review']);
    await move(f.id, 'review');
    const r = await manager.call('POST', `/api/v1/changes/${f.id}/review`, {
      outcome: 'backed_out',
      notes: 'Relay did not come back',
    });
    expect(r.body).toMatchObject({ state: 'closed', review: { outcome: 'backed_out' } });
  });

  it('an emergency change asks the emergency CAB; cancelling a change waiting for its CAB withdraws the approval', async () => {
    const w = freshWeek();
    const ecab = await admin.call('POST', '/api/v1/groups', { name: 'ECAB', memberIds: [tech.userId] });
    await manager.call('PUT', '/api/v1/settings/changes', {
      cabGroupId: cabGroup,
      emergencyCabGroupId: ecab.body.id,
    });
    const urgent = await change({
      type: 'emergency',
      serviceIds: [mail],
      windowStart: iso(w + hour),
      windowEnd: iso(w + 2 * hour),
    });
    await move(urgent.id, 'assessment');
    const sent = await move(urgent.id, 'awaiting_cab');
    const asked = await t.ctx.db
      .selectFrom('approval_approvers')
      .select('user_id')
      .where('approval_id', '=', sent.body.approvalId)
      .execute();
    expect(asked.map((a) => a.user_id)).toEqual([tech.userId]);
    // Cancelled while waiting: the approval is withdrawn, and a decision cannot revive the change.
    expect((await move(urgent.id, 'cancelled')).body.state).toBe('cancelled');
    const approval = await t.ctx.db
      .selectFrom('approvals')
      .select('state')
      .where('id', '=', sent.body.approvalId)
      .executeTakeFirstOrThrow();
    expect(approval.state).toBe('cancelled');
    await expect(
      decideApproval(t.ctx, await actorOf(tech), sent.body.approvalId, { decision: 'approve' }, 'api'),
    ).rejects.toThrow();
    await t.ctx.events.dispatchPending();
    expect((await tech.call('GET', `/api/v1/changes/${urgent.id}`)).body.state).toBe('cancelled');
    await manager.call('PUT', '/api/v1/settings/changes', {
      cabGroupId: cabGroup,
      emergencyCabGroupId: null,
    });
  });

  it('a standard change from a template needs no CAB', async () => {
    const w = freshWeek();
    expect((await tech.call('POST', '/api/v1/change-templates', { name: 'x', title: 'y' })).status).toBe(403);
    const tpl = await manager.call('POST', '/api/v1/change-templates', {
      name: 'Add a DNS record',
      title: 'Add a DNS record',
      description: 'An A or CNAME record in the internal zone',
      risk: 'low',
      impact: 'low',
      plan: 'Add the record in the zone file; reload.',
      backoutPlan: 'Remove the record; reload.',
      testPlan: 'dig the name.',
    });
    expect(tpl.status).toBe(201);
    const listed = await tech.call('GET', '/api/v1/change-templates');
    expect(listed.body.items.map((x: any) => x.id)).toContain(tpl.body.id);
    // A standard change must come from a template; a change from a template is standard.
    const bare = await tech.call('POST', '/api/v1/changes', { title: 'Bare', type: 'standard' });
    expect(bare.status).toBe(400);
    expect(
      (await tech.call('POST', '/api/v1/changes', { templateId: tpl.body.id, type: 'normal' })).status,
    ).toBe(400);
    const ch = await change(
      { templateId: tpl.body.id, title: undefined, plan: undefined, backoutPlan: undefined },
      tech,
    );
    expect(ch).toMatchObject({
      type: 'standard',
      title: 'Add a DNS record',
      plan: 'Add the record in the zone file; reload.',
      backoutPlan: 'Remove the record; reload.',
      risk: 'low',
      templateId: tpl.body.id,
      nextStates: ['assessment', 'scheduled', 'cancelled'],
    });
    // Not ready without a window and a service.
    expect((await move(ch.id, 'scheduled', tech)).body.code).toBe('change_not_ready');
    await tech.call('PATCH', `/api/v1/changes/${ch.id}`, {
      serviceIds: [network],
      windowStart: iso(w + hour),
      windowEnd: iso(w + 2 * hour),
    });
    // No CAB: straight to scheduled, even with no CAB group set.
    await manager.call('PUT', '/api/v1/settings/changes', { cabGroupId: null, emergencyCabGroupId: null });
    const s = await move(ch.id, 'scheduled', tech);
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ state: 'scheduled', approvalId: null });
    // A standard change cannot be sent to a CAB; a deactivated template raises no more changes.
    await manager.call('PATCH', `/api/v1/change-templates/${tpl.body.id}`, { active: false });
    const gone = await tech.call('POST', '/api/v1/changes', { templateId: tpl.body.id });
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('change_template_not_found');
  });

  it('blackout periods refuse normal and standard changes and warn emergency ones', async () => {
    const w = freshWeek();
    await manager.call('PUT', '/api/v1/settings/changes', {
      cabGroupId: cabGroup,
      emergencyCabGroupId: null,
    });
    expect(
      (
        await tech.call('POST', '/api/v1/change-blackouts', {
          name: 'x',
          startsAt: iso(w),
          endsAt: iso(w + hour),
        })
      ).status,
    ).toBe(403);
    const freeze = await manager.call('POST', '/api/v1/change-blackouts', {
      name: 'Quarter close',
      startsAt: iso(w + 10 * hour),
      endsAt: iso(w + 14 * hour),
      serviceIds: [network],
    });
    expect(freeze.status).toBe(201);
    expect(freeze.body.serviceIds).toEqual([network]);
    expect(
      (
        await manager.call('POST', '/api/v1/change-blackouts', {
          name: 'Bad',
          startsAt: iso(w + hour),
          endsAt: iso(w + hour),
        })
      ).status,
    ).toBe(400);

    const inside = await change({
      serviceIds: [network],
      windowStart: iso(w + 13 * hour),
      windowEnd: iso(w + 15 * hour),
    });
    expect(inside.blackouts.map((b: any) => b.name)).toEqual(['Quarter close']);
    await move(inside.id, 'assessment');
    const refused = await move(inside.id, 'awaiting_cab');
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('change_in_blackout');
    // Touching the blackout's end is outside it.
    const after = await manager.call('PATCH', `/api/v1/changes/${inside.id}`, {
      windowStart: iso(w + 14 * hour),
    });
    expect(after.body.blackouts).toEqual([]);
    expect((await move(inside.id, 'awaiting_cab')).status).toBe(200);
    // While committed, the window cannot be moved into the blackout.
    const back = await manager.call('PATCH', `/api/v1/changes/${inside.id}`, {
      windowStart: iso(w + 13 * hour),
    });
    expect(back.body.code).toBe('change_in_blackout');
    // Another service is not frozen.
    const other = await change({
      serviceIds: [mail],
      windowStart: iso(w + 11 * hour),
      windowEnd: iso(w + 12 * hour),
    });
    expect(other.blackouts).toEqual([]);
    // An emergency change may go in, and sees the blackout.
    const urgent = await change({
      type: 'emergency',
      serviceIds: [network],
      windowStart: iso(w + 11 * hour),
      windowEnd: iso(w + 12 * hour),
    });
    await move(urgent.id, 'assessment');
    const sent = await move(urgent.id, 'awaiting_cab');
    expect(sent.status).toBe(200);
    expect(sent.body.blackouts.map((b: any) => b.id)).toEqual([freeze.body.id]);
    // The calendar shows the blackout; the list of blackouts has it; a manager removes it.
    const cal = await tech.call('GET', `/api/v1/changes?from=${iso(w)}&to=${iso(w + day)}`);
    expect(cal.body.blackouts.map((b: any) => b.name)).toEqual(['Quarter close']);
    expect(
      (await tech.call('GET', `/api/v1/change-blackouts?from=${iso(w)}&to=${iso(w + day)}`)).body.items.map(
        (b: any) => b.id,
      ),
    ).toEqual([freeze.body.id]);
    expect((await tech.call('DELETE', `/api/v1/change-blackouts/${freeze.body.id}`)).status).toBe(403);
    expect((await manager.call('DELETE', `/api/v1/change-blackouts/${freeze.body.id}`)).status).toBe(204);
    expect((await manager.call('DELETE', `/api/v1/change-blackouts/${freeze.body.id}`)).status).toBe(404);
  });

  it('links tickets and problems, and validates windows and references', async () => {
    const w = freshWeek();
    const ticket = await tech.call('POST', '/api/v1/tickets', {
      title: 'Switch drops packets',
      description: 'floor 2',
      requesterId: requester.userId,
    });
    const ch = await change({});
    const linked = await tech.call('POST', `/api/v1/changes/${ch.id}/links`, {
      targetType: 'ticket',
      targetId: ticket.body.id,
    });
    expect(linked.status).toBe(200);
    expect(linked.body.links).toMatchObject([
      { targetType: 'ticket', targetId: ticket.body.id, title: 'Switch drops packets' },
    ]);
    // Linking twice is one link; a problem must exist, and is listed with its title.
    await tech.call('POST', `/api/v1/changes/${ch.id}/links`, {
      targetType: 'ticket',
      targetId: ticket.body.id,
    });
    const problem = await tech.call('POST', '/api/v1/problems', { title: 'Switch firmware leaks buffers' });
    expect(problem.status).toBe(201);
    const noProblem = await tech.call('POST', `/api/v1/changes/${ch.id}/links`, {
      targetType: 'problem',
      targetId: 999_999,
    });
    expect(noProblem.status).toBe(400);
    expect(noProblem.body.code).toBe('invalid_reference');
    const both = await tech.call('POST', `/api/v1/changes/${ch.id}/links`, {
      targetType: 'problem',
      targetId: problem.body.id,
    });
    expect(both.body.links.map((l: any) => `${l.targetType}:${l.targetId}:${l.title}`)).toEqual([
      `problem:${problem.body.id}:Switch firmware leaks buffers`,
      `ticket:${ticket.body.id}:Switch drops packets`,
    ]);
    const missing = await tech.call('POST', `/api/v1/changes/${ch.id}/links`, {
      targetType: 'ticket',
      targetId: 999_999,
    });
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('invalid_reference');
    expect(
      (await tech.call('DELETE', `/api/v1/changes/${ch.id}/links/problem/${problem.body.id}`)).status,
    ).toBe(204);
    expect((await tech.call('GET', `/api/v1/changes/${ch.id}`)).body.links).toHaveLength(1);

    // Windows: both ends, the end after the start, at most 31 days; services and people that exist.
    const bad = async (body: Record<string, unknown>) =>
      (await tech.call('POST', '/api/v1/changes', { title: 'x', ...body })).status;
    expect(await bad({ windowStart: iso(w) })).toBe(400);
    expect(await bad({ windowStart: iso(w), windowEnd: iso(w) })).toBe(400);
    expect(await bad({ windowStart: iso(w), windowEnd: iso(w + 32 * day) })).toBe(400);
    expect(await bad({ windowStart: 'yesterday', windowEnd: iso(w) })).toBe(400);
    expect(await bad({ serviceIds: [999_999] })).toBe(400);
    expect(await bad({ serviceIds: [network, network] })).toBe(400);
    expect(await bad({ implementerId: requester.userId })).toBe(400);
    expect(await bad({ title: '' })).toBe(400);
    expect((await tech.call('GET', '/api/v1/changes/999999')).status).toBe(404);
    // A window with an offset is the same instant as its UTC form.
    const tz = await change({
      windowStart: '2026-03-29T01:30:00+01:00',
      windowEnd: '2026-03-29T03:30:00+02:00',
    });
    expect(tz).toMatchObject({
      windowStart: '2026-03-29T00:30:00.000Z',
      windowEnd: '2026-03-29T01:30:00.000Z',
    });
  });

  it("a ticket's and a problem's changes: newest first, in the list's shape; hidden tickets are not found", async () => {
    const mine = await requester.call('POST', '/api/v1/tickets', {
      title: 'Mail bounces since the cut-over',
      description: 'every external address',
    });
    expect(mine.status).toBe(201);
    const problem = await tech.call('POST', '/api/v1/problems', {
      title: 'MX records point at the old relay',
    });
    expect(problem.status).toBe(201);
    const ticketUrl = `/api/v1/tickets/${mine.body.id}/changes`;
    const problemUrl = `/api/v1/problems/${problem.body.id}/changes`;
    expect((await tech.call('GET', ticketUrl)).body).toEqual({ items: [] });
    expect((await tech.call('GET', problemUrl)).body).toEqual({ items: [] });

    const w = freshWeek();
    // Raised from the ticket's and the problem's pages: linked as it is raised, in one transaction.
    const first = await change({
      title: 'Point MX at the new relay',
      serviceIds: [mail],
      windowStart: iso(w + 20 * hour),
      windowEnd: iso(w + 21 * hour),
      links: [
        { targetType: 'ticket', targetId: mine.body.id },
        { targetType: 'problem', targetId: problem.body.id },
      ],
    });
    expect(first.links.map((l: any) => `${l.targetType}:${l.targetId}`)).toEqual([
      `problem:${problem.body.id}`,
      `ticket:${mine.body.id}`,
    ]);
    const second = await change({ title: 'Lower the MX TTL' });
    await tech.call('POST', `/api/v1/changes/${second.id}/links`, {
      targetType: 'ticket',
      targetId: mine.body.id,
    });
    await change({ title: 'Unrelated' });

    const forTicket = await tech.call('GET', ticketUrl);
    expect(forTicket.status).toBe(200);
    expect(forTicket.body.items.map((c: any) => c.id)).toEqual([second.id, first.id]);
    // The item is the change list's: the calendar's item for the same change is equal to it.
    const cal = await tech.call('GET', `/api/v1/changes?from=${iso(w)}&to=${iso(w + day)}`);
    expect(forTicket.body.items[1]).toEqual(cal.body.items.find((c: any) => c.id === first.id));
    expect(forTicket.body.items[1]).toMatchObject({
      number: `CHG-${first.id}`,
      state: 'draft',
      type: 'normal',
      windowStart: iso(w + 20 * hour),
      windowEnd: iso(w + 21 * hour),
    });
    const forProblem = await manager.call('GET', problemUrl);
    expect(forProblem.body.items.map((c: any) => c.id)).toEqual([first.id]);
    // Unlinked: gone from the ticket's list.
    await tech.call('DELETE', `/api/v1/changes/${second.id}/links/ticket/${mine.body.id}`);
    expect((await tech.call('GET', ticketUrl)).body.items.map((c: any) => c.id)).toEqual([first.id]);

    // No such ticket or problem: 404. The requester's own ticket: 403 (changes are for staff); another
    // requester's ticket is hidden from them (404), as everywhere; every problem is refused (403).
    expect((await tech.call('GET', '/api/v1/tickets/999999/changes')).body.code).toBe('ticket_not_found');
    expect((await tech.call('GET', '/api/v1/problems/999999/changes')).body.code).toBe('problem_not_found');
    expect((await requester.call('GET', ticketUrl)).status).toBe(403);
    const others = await tech.call('POST', '/api/v1/tickets', { title: 'Not theirs', description: 'x' });
    expect((await requester.call('GET', `/api/v1/tickets/${others.body.id}/changes`)).status).toBe(404);
    expect((await requester.call('GET', problemUrl)).status).toBe(403);
  });

  it('links named when a change is raised are checked like any link: one bad one raises nothing', async () => {
    const before = (await tech.call('GET', '/api/v1/changes?limit=200')).body.items.length;
    const bad = await tech.call('POST', '/api/v1/changes', {
      title: 'Half-linked',
      links: [{ targetType: 'problem', targetId: 999_999 }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_reference');
    expect(bad.body.errors).toEqual([{ field: '/links/0/targetId', message: 'no such problem' }]);
    const tooMany = await tech.call('POST', '/api/v1/changes', {
      title: 'Over-linked',
      links: Array.from({ length: 11 }, (_, i) => ({ targetType: 'problem', targetId: i + 1 })),
    });
    expect(tooMany.status).toBe(400);
    expect((await tech.call('GET', '/api/v1/changes?limit=200')).body.items.length).toBe(before);
    // A requester cannot raise one from their ticket's page.
    const own = await requester.call('POST', '/api/v1/tickets', { title: 'Mine', description: 'x' });
    expect(
      (
        await requester.call('POST', '/api/v1/changes', {
          title: 'Mine',
          links: [{ targetType: 'ticket', targetId: own.body.id }],
        })
      ).status,
    ).toBe(403);
  });

  it("the calendar's conflicts agree with the definition on random schedules (fast-check)", async () => {
    const planned = fc.record({
      startMin: fc.integer({ min: 0, max: 600 }),
      lengthMin: fc.integer({ min: 1, max: 180 }),
      services: fc.subarray(['network', 'mail'] as const, { minLength: 1 }),
      cancelled: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(planned, { minLength: 1, maxLength: 8 }), async (plan) => {
        const w = freshWeek();
        const made: { id: number; start: number; end: number; serviceIds: number[]; cancelled: boolean }[] =
          [];
        for (const p of plan) {
          const start = w + p.startMin * 60_000;
          const end = start + p.lengthMin * 60_000;
          const serviceIds = p.services.map((n) => (n === 'network' ? network : mail));
          const c = await change(
            { title: 'Random', serviceIds, windowStart: iso(start), windowEnd: iso(end) },
            tech,
          );
          if (p.cancelled) await move(c.id, 'cancelled', tech);
          made.push({ id: c.id, start, end, serviceIds, cancelled: p.cancelled });
        }
        const live = findConflicts(made.filter((m) => !m.cancelled));
        const cal = await tech.call('GET', `/api/v1/changes?from=${iso(w)}&to=${iso(w + day)}&limit=200`);
        expect(cal.body.items).toHaveLength(made.length);
        for (const item of cal.body.items) expect(item.conflicts).toEqual(live.get(item.id) ?? []);
      }),
      { numRuns: 6 },
    );
  });

  it('hostile change bodies are refused with a catalogued 4xx, never a 5xx (fast-check)', async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.integer(),
      fc.constant(null),
      fc.boolean(),
      fc.constantFrom(
        '2026-03-29T02:30:00+01:00',
        '2026-13-01T00:00:00Z',
        '',
        'standard',
        'emergency',
        'high',
      ),
      fc.array(fc.integer({ min: -2, max: 3 }), { maxLength: 3 }),
      fc.array(
        fc.record({
          targetType: fc.constantFrom('ticket', 'problem', 'change'),
          targetId: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constant(999_999)),
        }),
        { maxLength: 12 },
      ),
    );
    const keys = fc.constantFrom(
      'title',
      'type',
      'risk',
      'impact',
      'windowStart',
      'windowEnd',
      'serviceIds',
      'templateId',
      'ownerId',
      'groupId',
      'plan',
      'links',
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(keys, value, { maxKeys: 6 }), async (body) => {
        const r = await tech.call('POST', '/api/v1/changes', body);
        expect(r.status).toBeLessThan(500);
        if (r.status >= 400) expect(Object.keys(errorCatalogue)).toContain(r.body.code);
        if (r.status === 201) {
          const p = await tech.call('PATCH', `/api/v1/changes/${r.body.id}`, body);
          expect(p.status).toBeLessThan(500);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('requesters see no changes, templates, blackouts or settings', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/changes'],
      ['GET', `/api/v1/changes?from=${iso(base)}&to=${iso(base + day)}`],
      ['GET', '/api/v1/change-templates'],
      ['GET', '/api/v1/change-blackouts'],
      ['GET', '/api/v1/settings/changes'],
    ] as const)
      expect((await requester.call(method, url)).status).toBe(403);
    expect((await requester.call('POST', '/api/v1/changes', { title: 'Mine' })).status).toBe(403);
  });
});
