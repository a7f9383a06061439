// Ranked search over more matches than the candidate bound (searchCandidateLimit): on SQLite such a "broad"
// query skips bm25 and ranks the newest matches by where the words occur; on both engines the title matches
// come first, and the last word still matches as a prefix. A ticket number finds its ticket first; people's
// names (requester, assignee), tags and categories are searched too, within what the searcher may see.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/auth/index.js';
import { createApiToken, createUser, updateUser } from '../../src/core/auth/index.js';
import {
  addComment,
  createCategory,
  createTicket,
  listTickets,
  searchCandidateLimit,
  type Ticket,
  type TicketFilter,
  updateCategory,
} from '../../src/helpdesk/index.js';
import { dialects, makeApp, makeContext, type TestApp, type TestContext } from '../support/context.js';

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

  it("a name on more tickets than the bound (every ticket is Tech's) pages newest first, ranked or sorted", async () => {
    const newest = (await listTickets(t.ctx, tech, { requesterId: tech.id, sort: '-created', limit: 1 }))
      .items[0].id;
    for (const filter of [{ q: 'tech' }, { q: 'tech', sort: '-created' as const }]) {
      const page = await listTickets(t.ctx, tech, { ...filter, limit: 50 });
      expect(page.items).toHaveLength(50);
      expect(page.items[0].id).toBe(newest);
      const ids = page.items.map((x) => x.id);
      expect(ids).toEqual([...ids].sort((a, b) => b - a));
      expect(page.nextCursor).not.toBeNull();
    }
  });
});

describe.each(dialects)('search by ticket number, names, tags and categories on %s', (dialect) => {
  let t: TestApp;
  let admin: Actor;
  let tech: Actor;
  let emma: Actor;
  let liam: Actor;
  let target: Ticket;
  let mentions: Ticket;
  let emmaPrinter: Ticket;
  let liamVpn: Ticket;
  let zoeTicket: Ticket;
  let resetTicket: Ticket;
  let unrelated: Ticket;
  const actor = (u: Omit<Actor, 'groupIds' | 'via' | 'csrfToken'>): Actor => ({
    ...u,
    groupIds: [],
    via: 'system',
    csrfToken: null,
  });
  const ids = async (who: Actor, filter: Omit<TicketFilter, 'limit'>) =>
    (await listTickets(t.ctx, who, { limit: 50, ...filter })).items.map((x) => x.id);

  beforeAll(async () => {
    t = await makeApp(dialect);
    admin = actor(
      await createUser(t.ctx, null, { email: 'admin@example.test', name: 'Ada Admin', role: 'admin' }),
    );
    tech = actor(
      await createUser(t.ctx, null, {
        email: 'daniel@example.test',
        name: 'Daniel Weber',
        role: 'technician',
      }),
    );
    emma = actor(
      await createUser(t.ctx, null, { email: 'emma@example.test', name: 'Emma Thompson', role: 'requester' }),
    );
    liam = actor(
      await createUser(t.ctx, null, { email: 'liam@example.test', name: 'Liam Novak', role: 'requester' }),
    );
    const zoe = actor(
      await createUser(t.ctx, null, { email: 'zoe@example.test', name: 'ZOË Müller', role: 'requester' }),
    );
    const reset = await createCategory(t.ctx, admin, { name: 'Password reset' });
    await createCategory(t.ctx, admin, { name: 'Hardware' });
    emmaPrinter = await createTicket(t.ctx, emma, { title: 'Printer jams', description: 'third floor' });
    liamVpn = await createTicket(t.ctx, liam, { title: 'Tunnel drops', description: 'since Monday' });
    zoeTicket = await createTicket(t.ctx, zoe, { title: 'Screen flickers', description: 'sometimes' });
    resetTicket = await createTicket(t.ctx, tech, {
      title: 'Locked out',
      description: 'cannot sign in',
      requesterId: liam.id,
      categoryId: reset.id,
      assigneeId: tech.id,
      tags: ['vip', 'out-of-office'],
    });
    target = await createTicket(t.ctx, emma, { title: 'Mouse broken', description: 'left button' });
    mentions = await createTicket(t.ctx, tech, {
      title: 'Follow-up',
      description: `same fault as ticket ${target.id}`,
      requesterId: liam.id,
    });
    unrelated = await createTicket(t.ctx, tech, {
      title: 'Unrelated',
      description: 'nothing here',
      requesterId: liam.id,
    });
  }, 60_000);
  afterAll(async () => t?.close());

  it('a ticket number, with or without #, finds that ticket first, then the text that mentions it', async () => {
    for (const q of [String(target.id), `#${target.id}`, ` #${target.id} `]) {
      expect(await ids(tech, { q })).toEqual([target.id, mentions.id]);
      expect((await ids(tech, { q, sort: '-created' })).sort()).toEqual([target.id, mentions.id].sort());
    }
    // Through the API too, as the web app's search box asks.
    for (const q of [String(target.id), `#${target.id}`]) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/tickets?q=${encodeURIComponent(q)}`,
        headers: { authorization: `Bearer ${await tokenOf(t, tech)}` },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().items.map((x: Ticket) => x.id)).toEqual([target.id, mentions.id]);
    }
    expect(await ids(tech, { q: '#999999' })).toEqual([]);
  });

  it('a ticket number finds the ticket only for those who may see it', async () => {
    expect(await ids(emma, { q: `#${target.id}` })).toEqual([target.id]);
    expect(await ids(liam, { q: `#${target.id}` })).toEqual([mentions.id]);
    expect(await ids(liam, { q: `#${emmaPrinter.id}` })).toEqual([]);
  });

  it("finds tickets by the requester's or the assignee's name, the last word as a prefix", async () => {
    expect(await ids(tech, { q: 'thompson' })).toEqual([target.id, emmaPrinter.id]);
    expect(await ids(tech, { q: 'Emma Thomp' })).toEqual([target.id, emmaPrinter.id]);
    expect(await ids(tech, { q: 'emma thompson', sort: '-created' })).toEqual([target.id, emmaPrinter.id]);
    expect(await ids(tech, { q: 'weber' })).toEqual([resetTicket.id]);
    expect(await ids(tech, { q: 'novak' })).toEqual([unrelated.id, mentions.id, resetTicket.id, liamVpn.id]);
    expect(await ids(tech, { q: 'novak', status: ['assigned'] })).toEqual([resetTicket.id]);
    // Every word must match the one name: "emma novak" is nobody.
    expect(await ids(tech, { q: 'emma novak' })).toEqual([]);
    // Unicode case and compatibility forms, as the text search folds them.
    expect(await ids(tech, { q: 'zoë müller' })).toEqual([zoeTicket.id]);
    expect(await ids(tech, { q: 'MÜLLER' })).toEqual([zoeTicket.id]);
  });

  it('a last word that starts too many names is taken as the whole word ("robot 1", not 10…106)', async () => {
    const robots: Actor[] = [];
    for (const n of [1, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 100, 101, 102, 103, 104, 105, 106])
      robots.push(
        actor(
          await createUser(t.ctx, null, {
            email: `robot${n}@example.test`,
            name: `Robot ${n}`,
            role: 'requester',
          }),
        ),
      );
    const first = await createTicket(t.ctx, robots[0], { title: 'Arm stuck', description: 'squeaks' });
    const tenth = await createTicket(t.ctx, robots[1], { title: 'Wheel loose', description: 'wobbles' });
    expect(await ids(tech, { q: 'robot 1' })).toEqual([first.id]);
    expect(await ids(tech, { q: 'robot 10' })).toEqual([tenth.id]);
  });

  it('finds tickets by tag and by category name', async () => {
    expect(await ids(tech, { q: 'vip' })).toEqual([resetTicket.id]);
    expect(await ids(tech, { q: 'out-of-office' })).toEqual([resetTicket.id]);
    expect(await ids(tech, { q: 'password reset' })).toEqual([resetTicket.id]);
    expect(await ids(tech, { q: 'passw', sort: '-updated' })).toEqual([resetTicket.id]);
    expect(await ids(tech, { q: 'hardware' })).toEqual([]);
  });

  it('a renamed person or category is found by the new name, not the old one', async () => {
    admin = actor({ id: 1, email: 'admin@example.test', name: 'Ada Admin', role: 'admin' });
    await updateUser(t.ctx, admin, zoeTicket.requesterId, { name: 'Zoë Schmidt' });
    expect(await ids(tech, { q: 'schmidt' })).toEqual([zoeTicket.id]);
    expect(await ids(tech, { q: 'müller' })).toEqual([]);
    await updateCategory(t.ctx, admin, resetTicket.categoryId as number, { name: 'Account unlock' });
    expect(await ids(tech, { q: 'unlock' })).toEqual([resetTicket.id]);
    expect(await ids(tech, { q: 'password reset' })).toEqual([]);
  });

  it("a requester searching another requester's name finds nothing of theirs", async () => {
    expect(await ids(emma, { q: 'liam novak' })).toEqual([]);
    expect(await ids(emma, { q: 'novak', sort: '-created' })).toEqual([]);
    expect(await ids(emma, { q: 'emma' })).toEqual([target.id, emmaPrinter.id]);
    // Liam sees his own tickets by the assignee's name, and by a tag, and nobody else's.
    expect(await ids(liam, { q: 'daniel weber' })).toEqual([resetTicket.id]);
    expect(await ids(liam, { q: 'thompson' })).toEqual([]);
  });
});

async function tokenOf(t: TestApp, who: Actor): Promise<string> {
  return (await createApiToken(t.ctx, who, { name: 'search test' })).token;
}
