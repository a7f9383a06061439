// Merge, split and links between tickets over HTTP on both databases: a merge carries the conversation,
// watchers, history and links to the survivor and leaves a read-only pointer; opposite merges at once cannot
// both succeed; the parent rule holds unless turned off; parent cycles are refused; a comment splits off.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('merge, split and links on %s', (dialect) => {
  let t: TestApp;
  let tech: Session;
  let admin: Session;
  let alice: Session;
  let bob: Session;
  let watcher: Session;

  beforeAll(async () => {
    t = await makeApp(dialect);
    tech = await userSession(t.app, t.ctx, 'technician');
    admin = await userSession(t.app, t.ctx, 'admin');
    alice = await userSession(t.app, t.ctx, 'requester');
    bob = await userSession(t.app, t.ctx, 'requester');
    watcher = await userSession(t.app, t.ctx, 'technician');
  });
  afterAll(async () => t?.close());

  async function file(as: Session, title: string): Promise<number> {
    const r = await as.call('POST', '/api/v1/tickets', { title, description: `${title}, described` });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id;
  }
  async function link(from: number, kind: string, to: number) {
    return tech.call('POST', `/api/v1/tickets/${from}/links`, { kind, ticketId: to });
  }

  it('a merge carries comments, attachments, watchers, history and links, and closes the merged one with a pointer', async () => {
    const survivor = await file(alice, 'Mail is down');
    const dup = await file(bob, 'Cannot send mail');
    const other = await file(tech, 'Mail server disk full');
    await tech.call('PATCH', `/api/v1/tickets/${dup}`, { watcherIds: [watcher.userId] });
    const c = await bob.call('POST', `/api/v1/tickets/${dup}/comments`, { body: 'Since 9 o’clock' });
    expect(c.status).toBe(201);
    const boundary = '----merge-test';
    const up = await t.app.inject({
      method: 'POST',
      url: `/api/v1/tickets/${dup}/attachments`,
      headers: {
        authorization: `Bearer ${bob.token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
      },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bounce.txt"\r\nContent-Type: text/plain\r\n\r\n550 mailbox full\r\n--${boundary}--\r\n`,
    });
    expect(up.statusCode, up.body).toBe(201);
    expect((await link(dup, 'caused_by', other)).status).toBe(201);

    const r = await tech.call('POST', `/api/v1/tickets/${dup}/merge`, { intoId: survivor });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.id).toBe(survivor);
    // Bob (the merged ticket's requester) and its watcher follow the survivor.
    expect(r.body.watcherIds).toEqual([bob.userId, watcher.userId].sort((a, b) => a - b));

    const comments = await tech.call('GET', `/api/v1/tickets/${survivor}/comments`);
    expect(comments.body.items.map((x: { body: string }) => x.body)).toEqual(['Since 9 o’clock']);
    const files = await tech.call('GET', `/api/v1/tickets/${survivor}/attachments`);
    expect(files.body.items.map((x: { filename: string }) => x.filename)).toEqual(['bounce.txt']);
    const history = await tech.call('GET', `/api/v1/tickets/${survivor}/history`);
    const fields = history.body.items.map((h: { field: string }) => h.field);
    expect(fields).toContain('merged_from');
    expect(fields).toContain('merged.created');
    expect(fields).toContain('merged.comment');
    // The link moved: caused-by is now the survivor's, and reads from both ends.
    const read = await tech.call('GET', `/api/v1/tickets/${survivor}`);
    expect(read.body.links).toMatchObject([{ role: 'caused_by', ticket: { id: other } }]);
    const fromOther = await tech.call('GET', `/api/v1/tickets/${other}`);
    expect(fromOther.body.links).toMatchObject([{ role: 'causes', ticket: { id: survivor } }]);

    const merged = await tech.call('GET', `/api/v1/tickets/${dup}`);
    expect(merged.body).toMatchObject({ status: 'closed', mergedIntoId: survivor, links: [] });
    const mergedHistory = await bob.call('GET', `/api/v1/tickets/${dup}/history`);
    expect(mergedHistory.body.items.slice(-2)).toMatchObject([
      { field: 'merged_into', to: String(survivor) },
      { field: 'status', to: 'closed' },
    ]);
    // Bob, now a watcher of the survivor, reads it.
    expect((await bob.call('GET', `/api/v1/tickets/${survivor}`)).status).toBe(200);
  });

  it('a merged ticket is read-only: every change answers ticket_merged with the pointer', async () => {
    const a = await file(alice, 'Printer A');
    const b = await file(alice, 'Printer A again');
    expect((await tech.call('POST', `/api/v1/tickets/${b}/merge`, { intoId: a })).status).toBe(200);
    const tries = [
      await tech.call('PATCH', `/api/v1/tickets/${b}`, { title: 'x' }),
      await alice.call('POST', `/api/v1/tickets/${b}/comments`, { body: 'hello?' }),
      await link(b, 'related', a),
      await tech.call('POST', `/api/v1/tickets/${b}/merge`, { intoId: a }),
    ];
    for (const r of tries) {
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('ticket_merged');
      expect(r.body.detail).toContain(`merged into #${a}`);
    }
    // Merging into the merged one follows the pointer to the survivor.
    const c = await file(alice, 'Printer A third time');
    const r = await tech.call('POST', `/api/v1/tickets/${c}/merge`, { intoId: b });
    expect(r.status).toBe(200);
    expect(r.body.id).toBe(a);
  });

  it('refuses merging into itself, into a closed ticket, and merges by requesters', async () => {
    const a = await file(alice, 'Laptop slow');
    const b = await file(alice, 'Laptop slow too');
    const self = await tech.call('POST', `/api/v1/tickets/${a}/merge`, { intoId: a });
    expect([self.status, self.body.code]).toEqual([400, 'merge_into_self']);
    const mine = await alice.call('POST', `/api/v1/tickets/${a}/merge`, { intoId: b });
    expect([mine.status, mine.body.code]).toEqual([403, 'forbidden']);
    await tech.call('PATCH', `/api/v1/tickets/${b}`, { status: 'resolved' });
    await tech.call('PATCH', `/api/v1/tickets/${b}`, { status: 'closed' });
    const closed = await tech.call('POST', `/api/v1/tickets/${a}/merge`, { intoId: b });
    expect([closed.status, closed.body.code]).toEqual([409, 'merge_target_closed']);
    const none = await tech.call('POST', `/api/v1/tickets/${a}/merge`, { intoId: 999_999 });
    expect(none.status).toBe(404);
  });

  it('two opposite merges at once: exactly one succeeds', async () => {
    for (let round = 0; round < 3; round++) {
      const a = await file(alice, `Race A ${round}`);
      const b = await file(alice, `Race B ${round}`);
      const [ab, ba] = await Promise.all([
        tech.call('POST', `/api/v1/tickets/${a}/merge`, { intoId: b }),
        admin.call('POST', `/api/v1/tickets/${b}/merge`, { intoId: a }),
      ]);
      const statuses = [ab.status, ba.status].sort();
      expect(statuses[0]).toBe(200);
      expect(statuses[1]).toBeGreaterThanOrEqual(400);
      const [ra, rb] = await Promise.all([
        tech.call('GET', `/api/v1/tickets/${a}`),
        tech.call('GET', `/api/v1/tickets/${b}`),
      ]);
      // One merged into the other, never both.
      const pointers = [ra.body.mergedIntoId, rb.body.mergedIntoId];
      expect(pointers.filter((p) => p !== null)).toHaveLength(1);
      expect(pointers).toContain(ab.status === 200 ? b : a);
    }
  });

  it('a parent cannot be resolved while a child is open; the rule can be turned off', async () => {
    const parent = await file(tech, 'Office move');
    const child = await file(tech, 'Move printers');
    const made = await link(parent, 'parent_of', child);
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ role: 'child', direction: 'outgoing', ticket: { id: child } });
    const blocked = await tech.call('PATCH', `/api/v1/tickets/${parent}`, { status: 'resolved' });
    expect([blocked.status, blocked.body.code]).toEqual([409, 'children_open']);
    expect(blocked.body.detail).toContain(`#${child}`);

    const off = await admin.call('PUT', '/api/v1/settings/ticket-links', { parentWaitsForChildren: false });
    expect(off.body).toEqual({ parentWaitsForChildren: false });
    expect((await tech.call('GET', '/api/v1/settings/ticket-links')).body.parentWaitsForChildren).toBe(false);
    const resolved = await tech.call('PATCH', `/api/v1/tickets/${parent}`, { status: 'resolved' });
    expect(resolved.status).toBe(200);
    await admin.call('PUT', '/api/v1/settings/ticket-links', { parentWaitsForChildren: true });

    // With the rule on again, a parent whose children are done resolves.
    const p2 = await file(tech, 'Network upgrade');
    const c2 = await file(tech, 'Replace switch');
    expect((await link(c2, 'child_of', p2)).body).toMatchObject({ role: 'parent', ticket: { id: p2 } });
    await tech.call('PATCH', `/api/v1/tickets/${c2}`, { status: 'resolved' });
    expect((await tech.call('PATCH', `/api/v1/tickets/${p2}`, { status: 'resolved' })).status).toBe(200);
  });

  it('refuses parent cycles, a second parent, self links, duplicates and opposite one-way links', async () => {
    const [a, b, c, d] = [
      await file(tech, 'Top'),
      await file(tech, 'Middle'),
      await file(tech, 'Bottom'),
      await file(tech, 'Other'),
    ];
    expect((await link(a, 'parent_of', b)).status).toBe(201);
    expect((await link(b, 'parent_of', c)).status).toBe(201);
    const cycle = await link(c, 'parent_of', a);
    expect([cycle.status, cycle.body.code]).toEqual([409, 'ticket_link_cycle']);
    const twoParents = await link(d, 'parent_of', c);
    expect([twoParents.status, twoParents.body.code]).toEqual([409, 'ticket_has_parent']);
    const self = await link(a, 'related', a);
    expect([self.status, self.body.code]).toEqual([400, 'invalid_ticket_link']);
    expect((await link(a, 'related', d)).status).toBe(201);
    const again = await link(d, 'related', a);
    expect([again.status, again.body.code]).toEqual([409, 'ticket_link_exists']);
    expect((await link(a, 'duplicate_of', d)).status).toBe(201);
    const opposite = await link(d, 'duplicate_of', a);
    expect([opposite.status, opposite.body.code]).toEqual([409, 'ticket_link_exists']);

    const links = await tech.call('GET', `/api/v1/tickets/${d}/links`);
    expect(links.body.items.map((l: { role: string }) => l.role)).toEqual(['related', 'duplicated_by']);
    const removed = await tech.call('DELETE', `/api/v1/tickets/${d}/links/${links.body.items[0].id}`);
    expect(removed.status).toBe(204);
    const gone = await tech.call('DELETE', `/api/v1/tickets/${c}/links/${links.body.items[1].id}`);
    expect([gone.status, gone.body.code]).toEqual([404, 'ticket_link_not_found']);
    expect((await tech.call('GET', `/api/v1/tickets/${a}/links`)).body.items).toHaveLength(2);
  });

  it('a comment splits off into a related ticket of the same requester; the comment stays, marked', async () => {
    const original = await file(alice, 'Two problems');
    const c = await alice.call('POST', `/api/v1/tickets/${original}/comments`, {
      body: 'Also my monitor flickers\nsince Monday.',
    });
    const note = await tech.call('POST', `/api/v1/tickets/${original}/comments`, {
      body: 'internal',
      internal: true,
    });
    const r = await tech.call('POST', `/api/v1/tickets/${original}/comments/${c.body.id}/split`, {});
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      title: 'Also my monitor flickers',
      description: 'Also my monitor flickers\nsince Monday.',
      requesterId: alice.userId,
    });
    const split = await tech.call('GET', `/api/v1/tickets/${r.body.id}`);
    expect(split.body.links).toMatchObject([{ role: 'related', ticket: { id: original } }]);
    const comments = await alice.call('GET', `/api/v1/tickets/${original}/comments`);
    expect(comments.body.items).toMatchObject([{ id: c.body.id, splitToTicketId: r.body.id }]);
    const twice = await tech.call('POST', `/api/v1/tickets/${original}/comments/${c.body.id}/split`, {});
    expect([twice.status, twice.body.code]).toEqual([409, 'comment_already_split']);
    const internal = await tech.call(
      'POST',
      `/api/v1/tickets/${original}/comments/${note.body.id}/split`,
      {},
    );
    expect([internal.status, internal.body.code]).toEqual([400, 'split_internal_note']);
    const byRequester = await alice.call(
      'POST',
      `/api/v1/tickets/${original}/comments/${c.body.id}/split`,
      {},
    );
    expect(byRequester.status).toBe(403);
  });
});
