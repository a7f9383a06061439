// The foundation's end-to-end path over HTTP, on SQLite and on PostgreSQL: an admin creates a technician
// and a requester; the requester files a ticket; the technician assigns, comments and resolves; the
// requester sees only what is theirs to see; history and search reflect every step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn } from '../support/http.js';

describe.each(dialects)('help desk flow on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let tech: Session;
  let alice: Session;
  let bob: Session;
  let techId: number;
  let ticketId: number;

  beforeAll(async () => {
    t = await makeApp(dialect);
    await createUser(t.ctx, null, {
      email: 'admin@example.test',
      name: 'Admin',
      role: 'admin',
      password: 'admin-password-1',
    });
    admin = await signIn(t.app, 'admin@example.test', 'admin-password-1');
  });
  afterAll(async () => t?.close());

  it('an admin creates a technician and two requesters', async () => {
    const techRes = await admin.call('POST', '/api/v1/users', {
      email: 'Tech@Example.test',
      name: 'Tina Tech',
      role: 'technician',
      password: 'tech-password-1',
    });
    expect(techRes.status).toBe(201);
    expect(techRes.body).toMatchObject({ email: 'tech@example.test', role: 'technician', active: true });
    expect(techRes.body).not.toHaveProperty('password_hash');
    techId = techRes.body.id;
    for (const [email, name] of [
      ['alice@example.test', 'Alice'],
      ['bob@example.test', 'Bob'],
    ]) {
      const r = await admin.call('POST', '/api/v1/users', {
        email,
        name,
        role: 'requester',
        password: 'requester-pw-1',
      });
      expect(r.status).toBe(201);
    }
    tech = await signIn(t.app, 'tech@example.test', 'tech-password-1');
    alice = await signIn(t.app, 'alice@example.test', 'requester-pw-1');
    bob = await signIn(t.app, 'bob@example.test', 'requester-pw-1');
  });

  it('the requester files a ticket; the priority comes from the matrix', async () => {
    const r = await alice.call('POST', '/api/v1/tickets', {
      title: 'Printer on floor 3 jams',
      description: 'The HP printer near the kitchen jams on every second page.',
      type: 'incident',
      impact: 'high',
      urgency: 4,
    });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      status: 'new',
      priority: 'high',
      impact: 'high',
      urgency: 'high',
      requesterId: alice.userId,
    });
    expect(r.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    ticketId = r.body.id;
    const other = await bob.call('POST', '/api/v1/tickets', {
      title: 'VPN drops',
      description: 'Every hour.',
    });
    expect(other.status).toBe(201);
  });

  it('the technician assigns it to themself, comments internally and publicly, and resolves it', async () => {
    const a = await tech.call('PATCH', `/api/v1/tickets/${ticketId}`, { assigneeId: techId });
    expect(a.status).toBe(200);
    expect(a.body.status).toBe('assigned');
    expect(
      (await tech.call('PATCH', `/api/v1/tickets/${ticketId}`, { status: 'in_progress' })).body.status,
    ).toBe('in_progress');
    const internal = await tech.call('POST', `/api/v1/tickets/${ticketId}/comments`, {
      body: 'Fuser unit looks worn; order part 4711.',
      internal: true,
    });
    expect(internal.status).toBe(201);
    const pub = await tech.call('POST', `/api/v1/tickets/${ticketId}/comments`, {
      body: 'We replaced the pickup roller; please try again.',
      internal: false,
    });
    expect(pub.status).toBe(201);
    const resolved = await tech.call('PATCH', `/api/v1/tickets/${ticketId}`, { status: 'resolved' });
    expect(resolved.status).toBe(200);
    expect(resolved.body.status).toBe('resolved');
    expect(resolved.body.resolvedAt).not.toBeNull();
  });

  it('the requester sees the public comment but not the internal one', async () => {
    const r = await alice.call('GET', `/api/v1/tickets/${ticketId}/comments`);
    expect(r.status).toBe(200);
    const bodies = r.body.items.map((c: { body: string }) => c.body);
    expect(bodies).toEqual(['We replaced the pickup roller; please try again.']);
    const staffView = await tech.call('GET', `/api/v1/tickets/${ticketId}/comments`);
    expect(staffView.body.items).toHaveLength(2);
  });

  it("the requester sees none of another requester's tickets", async () => {
    const mine = await alice.call('GET', '/api/v1/tickets');
    expect(mine.body.items.map((x: { id: number }) => x.id)).toEqual([ticketId]);
    const bobs = await bob.call('GET', '/api/v1/tickets');
    expect(bobs.body.items).toHaveLength(1);
    expect((await bob.call('GET', `/api/v1/tickets/${ticketId}`)).status).toBe(404);
    expect((await bob.call('GET', `/api/v1/tickets/${ticketId}/comments`)).status).toBe(404);
  });

  it('the history lists every change, and hides internal notes from the requester', async () => {
    const h = await tech.call('GET', `/api/v1/tickets/${ticketId}/history`);
    const fields = h.body.items.map((e: { field: string; to: string | null }) => `${e.field}:${e.to}`);
    expect(fields).toEqual([
      'created:new',
      `assignee:${techId}`,
      'status:assigned',
      'status:in_progress',
      expect.stringMatching(/^internal_note:\d+$/),
      expect.stringMatching(/^comment:\d+$/),
      'status:resolved',
    ]);
    expect(h.body.items.every((e: { actorId: number }) => typeof e.actorId === 'number')).toBe(true);
    const mine = await alice.call('GET', `/api/v1/tickets/${ticketId}/history`);
    expect(mine.body.items.some((e: { field: string }) => e.field === 'internal_note')).toBe(false);
  });

  it('search finds the ticket by a word of a public comment, for staff and for its requester', async () => {
    const s = await tech.call('GET', '/api/v1/tickets?q=roller');
    expect(s.body.items.map((x: { id: number }) => x.id)).toEqual([ticketId]);
    expect((await alice.call('GET', '/api/v1/tickets?q=roller')).body.items).toHaveLength(1);
    expect((await bob.call('GET', '/api/v1/tickets?q=roller')).body.items).toHaveLength(0);
  });

  it('a word only in an internal note is found by staff but not by the requester', async () => {
    expect((await tech.call('GET', '/api/v1/tickets?q=fuser')).body.items).toHaveLength(1);
    expect((await alice.call('GET', '/api/v1/tickets?q=fuser')).body.items).toHaveLength(0);
  });

  it('the requester rates the resolution and closes; a closed ticket is final', async () => {
    const rated = await alice.call('POST', `/api/v1/tickets/${ticketId}/rating`, {
      score: 5,
      comment: 'Quick fix',
    });
    expect(rated.status).toBe(200);
    expect(rated.body.satisfaction).toBe(5);
    const closed = await alice.call('PATCH', `/api/v1/tickets/${ticketId}`, { status: 'closed' });
    expect(closed.body.status).toBe('closed');
    const reopen = await tech.call('PATCH', `/api/v1/tickets/${ticketId}`, { status: 'in_progress' });
    expect(reopen.status).toBe(409);
    expect(reopen.headers['content-type']).toContain('application/problem+json');
    const follow = await alice.call('POST', '/api/v1/tickets', {
      title: 'Printer jams again',
      description: 'Same as before',
      relatedTicketId: ticketId,
    });
    expect(follow.status).toBe(201);
    expect(follow.body.relatedTicketId).toBe(ticketId);
  });

  it('bad inputs get the right 4xx as problem+json', async () => {
    const malformed = await t.app.inject({
      method: 'POST',
      url: '/api/v1/tickets',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
      payload: '{"title": ',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().code).toBe('malformed_json');
    const missing = await alice.call('POST', '/api/v1/tickets', { description: 'no title' });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('/title');
    expect((await alice.call('GET', '/api/v1/tickets/999999')).status).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/tickets' })).statusCode).toBe(401);
    expect(
      (
        await alice.call('POST', '/api/v1/users', {
          email: 'x@example.test',
          name: 'X',
          role: 'admin',
          password: 'long-enough-1',
        })
      ).status,
    ).toBe(403);
    const huge = await alice.call('POST', '/api/v1/tickets', {
      title: 'big',
      description: 'x'.repeat(2_000_000),
    });
    expect(huge.status).toBe(413);
    const newTicket = await tech.call('POST', '/api/v1/tickets', { title: 'Laptop', description: 'slow' });
    const bad = await tech.call('PATCH', `/api/v1/tickets/${newTicket.body.id}`, { status: 'closed' });
    expect(bad.status).toBe(409);
    expect(bad.body.detail).toMatch(/cannot become closed/);
  });
});
