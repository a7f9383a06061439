// Approvals over HTTP on both databases: managers on users (no self, no cycles), a request type's approval
// plan, a catalogue request that waits for its approver (in nobody's queue, its SLA paused on a fake clock),
// the approver's inbox and decision, the signed mail link (its GET decides nothing, its POST once; signature
// and expiry checked), and withdrawal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../../src/core/auth/index.js';
import { subscribeMail } from '../../src/mail/index.js';
import { subscribeSla } from '../../src/sla/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const publicUrl = 'https://desk.example.test';

describe.each(dialects)('approvals over HTTP on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let manager: Session;
  let boss: Session;
  let req: Session;
  let tech: Session;
  let groupId: number;
  let typeId: number;

  async function settle() {
    await t.ctx.events.idle();
    await t.ctx.events.dispatchPending();
  }

  async function file(): Promise<{ ticketId: number; approvalId: number }> {
    const res = await req.call('POST', `/api/v1/catalog/${typeId}/requests`, { fields: {} });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const list = await req.call('GET', `/api/v1/tickets/${res.body.id}/approvals`);
    return { ticketId: res.body.id, approvalId: list.body.items[0].id };
  }

  async function linkOf(approvalId: number, userId: number): Promise<{ path: string; token: string }> {
    await settle();
    const mails = await t.ctx.db
      .selectFrom('mail_deliveries')
      .select('text_body')
      .where('user_id', '=', userId)
      .where('template', '=', 'approval_waiting')
      .execute();
    const found = mails
      .map((m) => new RegExp(`${publicUrl}(/approve/${approvalId}\\?token=(\\S+))`).exec(m.text_body))
      .find(Boolean);
    expect(found, 'the approval mail with its link').toBeTruthy();
    const m = found as RegExpExecArray;
    return { path: m[1], token: decodeURIComponent(m[2]) };
  }

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_PUBLIC_URL: publicUrl, OPSDESK_SESSION_TTL_HOURS: String(24 * 30) });
    subscribeMail(t.ctx);
    subscribeSla(t.ctx);
    groupId = (await createGroup(t.ctx, null, { name: 'Hardware desk' })).id;
    [admin, manager, boss, req, tech] = await Promise.all([
      userSession(t.app, t.ctx, 'admin'),
      userSession(t.app, t.ctx, 'manager'),
      userSession(t.app, t.ctx, 'requester'),
      userSession(t.app, t.ctx, 'requester'),
      userSession(t.app, t.ctx, 'technician', [groupId]),
    ]);
    const policy = await admin.call('POST', '/api/v1/sla/policies', {
      name: 'Requests 1 hour',
      targets: { resolution: { minutes: 60 } },
    });
    expect(policy.status).toBe(201);
    const type = await manager.call('POST', '/api/v1/request-types', {
      name: 'New laptop',
      defaults: { groupId, slaPolicyId: policy.body.id },
      approval: { order: 'sequence', steps: [{ approvers: { kind: 'manager' }, rule: 'one' }] },
    });
    expect(type.status, JSON.stringify(type.body)).toBe(201);
    expect(type.body.approval).toEqual({
      order: 'sequence',
      steps: [{ approvers: { kind: 'manager' }, rule: 'one' }],
    });
    typeId = type.body.id;
  });

  afterAll(async () => {
    await t?.close();
  });

  it('an admin sets a manager: never oneself, never someone who reports to the person', async () => {
    expect(
      (await admin.call('PATCH', `/api/v1/users/${req.userId}`, { managerId: req.userId })).body.code,
    ).toBe('invalid_manager');
    const set = await admin.call('PATCH', `/api/v1/users/${req.userId}`, { managerId: boss.userId });
    expect(set.status).toBe(200);
    expect(set.body.managerId).toBe(boss.userId);
    const cycle = await admin.call('PATCH', `/api/v1/users/${boss.userId}`, { managerId: req.userId });
    expect(cycle.status).toBe(400);
    expect(cycle.body.code).toBe('invalid_manager');
    expect((await req.call('PATCH', `/api/v1/users/${req.userId}`, { managerId: null })).status).toBe(403);
  });

  it('a request type refuses a plan naming nobody real', async () => {
    const bad = await manager.call('PATCH', `/api/v1/request-types/${typeId}`, {
      approval: {
        order: 'parallel',
        steps: [{ approvers: { kind: 'users', userIds: [999_999] }, rule: 'all' }],
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_approval_plan');
    const catalog = await req.call('GET', '/api/v1/catalog');
    expect(catalog.body.items.find((x: { id: number }) => x.id === typeId).approval.steps).toHaveLength(1);
  });

  it('the request waits for the manager with its SLA paused; approving puts it in its group’s queue', async () => {
    const start = t.clock.now();
    const { ticketId, approvalId } = await file();
    const ticket = await req.call('GET', `/api/v1/tickets/${ticketId}`);
    expect(ticket.body.status).toBe('awaiting_approval');
    // Open for the requester, in no technician's queue.
    const mine = await req.call('GET', '/api/v1/tickets?status=open');
    expect(mine.body.items.map((x: { id: number }) => x.id)).toContain(ticketId);
    const inbox = await boss.call('GET', '/api/v1/approvals?state=pending&mine=true');
    expect(inbox.body.items.map((a: { id: number }) => a.id)).toEqual([approvalId]);
    expect(inbox.body.items[0]).toMatchObject({
      awaitingMe: true,
      requesterName: expect.any(String),
      state: 'pending',
    });
    expect((await tech.call('GET', '/api/v1/approvals?state=pending&mine=true')).body.items).toEqual([]);
    // The boss, a plain requester, does not see the ticket itself, only what they decide on.
    expect((await boss.call('GET', `/api/v1/tickets/${ticketId}`)).status).toBe(404);

    // Three hours pass while it waits: the one-hour resolution target does not run.
    t.clock.set(start + 3 * 3_600_000);
    await settle();
    const waiting = (await tech.call('GET', `/api/v1/tickets/${ticketId}`)).body.sla;
    const res = waiting.clocks.find((c: { target: string }) => c.target === 'resolution');
    expect(res).toMatchObject({ phase: 'paused', elapsedSeconds: 0, breached: false });

    const rejectBare = await boss.call('POST', `/api/v1/approvals/${approvalId}/decision`, {
      decision: 'reject',
    });
    expect(rejectBare.status).toBe(400);
    const ok = await boss.call('POST', `/api/v1/approvals/${approvalId}/decision`, {
      decision: 'approve',
      comment: 'Fine',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ state: 'approved', awaitingMe: false });
    expect(ok.body.steps[0].approvers[0]).toMatchObject({
      userId: boss.userId,
      state: 'approved',
      via: 'api',
    });
    const after = (await tech.call('GET', `/api/v1/tickets/${ticketId}`)).body;
    expect(after.status).toBe('assigned');
    // The clock starts at the approval: due one hour after it, to the millisecond.
    await settle();
    const sla = (await tech.call('GET', `/api/v1/tickets/${ticketId}`)).body.sla;
    const clock = sla.clocks.find((c: { target: string }) => c.target === 'resolution');
    expect(clock).toMatchObject({ phase: 'running', elapsedSeconds: 0 });
    expect(clock.dueAt).toBe(new Date(start + 4 * 3_600_000).toISOString());
    const panel = await req.call('GET', `/api/v1/tickets/${ticketId}/approvals`);
    expect(panel.body.items[0].steps[0].approvers[0]).toMatchObject({
      userName: expect.any(String),
      comment: 'Fine',
    });
  });

  it('the mail link: GET decides nothing, POST decides once; a tampered or expired link is refused', async () => {
    const { ticketId, approvalId } = await file();
    const { path, token } = await linkOf(approvalId, boss.userId);
    expect(path.startsWith(`/approve/${approvalId}?token=`)).toBe(true);
    const anon = (method: 'GET' | 'POST', url: string, body?: object) =>
      t.app.inject({ method, url, ...(body ? { payload: body } : {}) });
    const seen = await anon('GET', `/api/v1/approval-links/${approvalId}?token=${encodeURIComponent(token)}`);
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({
      approval: { state: 'pending' },
      approver: { userId: boss.userId, state: 'pending' },
    });
    expect((await req.call('GET', `/api/v1/tickets/${ticketId}`)).body.status).toBe('awaiting_approval');

    // A token for another approval, or altered by one character, is not this approval's.
    const tampered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    const forged = await anon('POST', `/api/v1/approval-links/${approvalId}`, {
      token: tampered,
      decision: 'approve',
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.json().code).toBe('approval_link_invalid');
    const misdirected = await anon(
      'GET',
      `/api/v1/approval-links/${approvalId + 1000}?token=${encodeURIComponent(token)}`,
    );
    expect(misdirected.json().code).toBe('approval_link_invalid');

    const rejected = await anon('POST', `/api/v1/approval-links/${approvalId}`, {
      token,
      decision: 'reject',
      comment: 'Use the spare pool',
    });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ approval: { state: 'rejected', reason: 'Use the spare pool' } });
    const closed = (await req.call('GET', `/api/v1/tickets/${ticketId}`)).body;
    expect(closed.status).toBe('closed');
    const comments = (await req.call('GET', `/api/v1/tickets/${ticketId}/comments`)).body;
    const items = Array.isArray(comments) ? comments : comments.items;
    expect(items.map((c: { body: string }) => c.body)).toContain('Request rejected: Use the spare pool');
    // Single use: the same link again says it is decided.
    const again = await anon('POST', `/api/v1/approval-links/${approvalId}`, { token, decision: 'approve' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('approval_already_decided');

    // A week and a moment later, an unused link has expired.
    const next = await file();
    const link = await linkOf(next.approvalId, boss.userId);
    t.clock.set(t.clock.now() + 7 * 24 * 3_600_000 + 1_000);
    const expired = await anon('POST', `/api/v1/approval-links/${next.approvalId}`, {
      token: link.token,
      decision: 'approve',
    });
    expect(expired.statusCode).toBe(403);
    expect(expired.json().code).toBe('approval_link_expired');
    // The requester withdraws it: the approval is cancelled and the inbox empties.
    expect((await req.call('PATCH', `/api/v1/tickets/${next.ticketId}`, { status: 'closed' })).status).toBe(
      200,
    );
    expect((await boss.call('GET', `/api/v1/approvals/${next.approvalId}`)).body.state).toBe('cancelled');
    expect((await boss.call('GET', '/api/v1/approvals?state=pending&mine=true')).body.items).toEqual([]);
  });

  it('a request merged while it waits: its approval is cancelled, and the old link says so', async () => {
    const dup = await file();
    const survivor = await file();
    const link = await linkOf(dup.approvalId, boss.userId);
    const merged = await tech.call('POST', `/api/v1/tickets/${dup.ticketId}/merge`, {
      intoId: survivor.ticketId,
    });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    const gone = (await boss.call('GET', `/api/v1/approvals/${dup.approvalId}`)).body;
    expect(gone).toMatchObject({
      state: 'cancelled',
      reason: `The request was merged into #${survivor.ticketId}.`,
    });
    // The survivor's approval still waits for the manager.
    expect((await boss.call('GET', `/api/v1/approvals/${survivor.approvalId}`)).body.state).toBe('pending');
    const late = await t.app.inject({
      method: 'POST',
      url: `/api/v1/approval-links/${dup.approvalId}`,
      payload: { token: link.token, decision: 'approve' },
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('approval_already_decided');
  });

  it('the inbox pages with the shared cursor, newest first', async () => {
    const filed = [await file(), await file(), await file()];
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const page = await boss.call('GET', `/api/v1/approvals?mine=true&limit=2${q}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((a: { id: number }) => a.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    const ids = filed.map((f) => f.approvalId);
    expect(seen.slice(0, 3)).toEqual([...ids].reverse());
    expect(new Set(seen).size).toBe(seen.length);
  });
});
