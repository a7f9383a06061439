// Ranked search over more matches than the candidate bound (searchCandidateLimit): on SQLite such a "broad"
// query skips bm25 and ranks the newest matches by where the words occur; on both engines the title matches
// come first, and the last word still matches as a prefix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/auth/index.js';
import { createUser } from '../../src/core/auth/index.js';
import { addComment, createTicket, listTickets, searchCandidateLimit } from '../../src/helpdesk/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

describe.each(dialects)('broad ranked search on %s', (dialect) => {
  let t: TestContext;
  let tech: Actor;
  const inTitle: number[] = [];
  let prefixOnly = 0;

  beforeAll(async () => {
    t = await makeContext(dialect);
    const user = await createUser(t.ctx, null, {
      email: 'tech@example.test',
      name: 'Tech',
      role: 'technician',
    });
    tech = { ...user, groupIds: [], via: 'system', csrfToken: null };
    for (let i = 0; i < searchCandidateLimit + 20; i++) {
      const titled = i % 200 === 199;
      const ticket = await createTicket(t.ctx, tech, {
        title: titled ? `Gizmo number ${i} broken` : `Device number ${i} broken`,
        description: 'the gizmo is broken again',
      });
      if (titled) inTitle.push(ticket.id);
    }
    prefixOnly = (
      await createTicket(t.ctx, tech, {
        title: 'Device newest',
        description: 'the gizmotron is broken again',
      })
    ).id;
  }, 120_000);

  afterAll(async () => {
    await t.close();
  });

  it('ranks the title matches first, newest first, and keeps the prefix matches', async () => {
    const page = await listTickets(t.ctx, tech, { q: 'gizmo', limit: 50 });
    const ids = page.items.map((x) => x.id);
    expect(ids.slice(0, inTitle.length)).toEqual([...inTitle].sort((a, b) => b - a));
    expect(ids).toContain(prefixOnly);
    expect(page.items).toHaveLength(50);
    expect(page.nextCursor).not.toBeNull();
  });

  it('a word the query does not broaden still ranks exactly', async () => {
    const page = await listTickets(t.ctx, tech, { q: 'gizmotr', limit: 50 });
    expect(page.items.map((x) => x.id)).toEqual([prefixOnly]);
  });

  it('sorted by creation, pages through every match newest first', async () => {
    const first = await listTickets(t.ctx, tech, { q: 'gizmo', sort: '-created', limit: 50 });
    expect(first.items[0].id).toBe(prefixOnly);
    const ids = first.items.map((x) => x.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const second = await listTickets(t.ctx, tech, {
      q: 'gizmo',
      sort: '-created',
      limit: 50,
      cursor: first.nextCursor ?? undefined,
    });
    expect(second.items[0].id).toBe(ids[49] - 1);
    const none = await listTickets(t.ctx, tech, {
      q: 'gizmo',
      sort: '-created',
      status: ['closed'],
      limit: 50,
    });
    expect(none.items).toEqual([]);
  });

  it("a requester's broad search finds their own matches, ranked title, description, then public comment", async () => {
    const user = await createUser(t.ctx, null, { email: 'req@example.test', name: 'Req', role: 'requester' });
    const req: Actor = { ...user, groupIds: [], via: 'system', csrfToken: null };
    const byComment = await createTicket(t.ctx, req, { title: 'Screen', description: 'flickers' });
    await addComment(t.ctx, tech, byComment.id, { body: 'the gizmo driver is updated' });
    const byNote = await createTicket(t.ctx, req, { title: 'Mouse', description: 'sticky' });
    await addComment(t.ctx, tech, byNote.id, { body: 'gizmo firmware, internal only', internal: true });
    const byTitle = await createTicket(t.ctx, req, { title: 'Gizmo lost', description: 'cannot find it' });
    const byDescription = await createTicket(t.ctx, req, { title: 'Desk', description: 'a gizmo fell off' });
    await createTicket(t.ctx, req, { title: 'Chair', description: 'wobbles' });
    const page = await listTickets(t.ctx, req, { q: 'gizmo', limit: 50 });
    expect(page.items.map((x) => x.id)).toEqual([byTitle.id, byDescription.id, byComment.id]);
    expect(page.nextCursor).toBeNull();
    const first = await listTickets(t.ctx, req, { q: 'gizmo', limit: 2 });
    expect(first.items.map((x) => x.id)).toEqual([byTitle.id, byDescription.id]);
    const rest = await listTickets(t.ctx, req, {
      q: 'gizmo',
      limit: 2,
      cursor: first.nextCursor ?? undefined,
    });
    expect(rest.items.map((x) => x.id)).toEqual([byComment.id]);
  });
});
