// Problem management over HTTP on SQLite and PostgreSQL: problems with their incidents (each list item with
// its incidentIds), the state table, linking from either side with one problem per ticket, resolving a
// problem together with its incidents (a public reply to each requester, in one transaction that a refusing
// incident rolls back whole), the incident count over time, history and audit, and requesters kept out.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import type { Role } from '../../src/core/db/index.js';
import { errorCatalogue } from '../../src/core/errors.js';
import { getProblemSummary } from '../../src/problems/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn } from '../support/http.js';

const hour = 3_600_000;
const day = 24 * hour;

describe.each(dialects)('problem management on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let manager: Session;
  let tech: Session;
  let requester: Session;
  let stranger: Session;

  const password = 'correct horse battery';
  const cast: [string, Role][] = [
    ['admin', 'admin'],
    ['manager', 'manager'],
    ['tech', 'technician'],
    ['requester', 'requester'],
    ['stranger', 'requester'],
  ];
  async function signInAll(): Promise<void> {
    [admin, manager, tech, requester, stranger] = await Promise.all(
      cast.map(([name]) => signIn(t.app, `${name}@problems.test`, password)),
    );
  }

  /** A ticket of the requester's. */
  async function ticket(title = `VPN drops ${Math.random()}`): Promise<number> {
    const r = await tech.call('POST', '/api/v1/tickets', {
      title,
      description: 'The VPN disconnects every few minutes',
      requesterId: requester.userId,
    });
    expect(r.status).toBe(201);
    return r.body.id;
  }

  async function problem(body: Record<string, unknown> = {}): Promise<any> {
    const r = await tech.call('POST', '/api/v1/problems', {
      title: `VPN concentrator ${Math.random()}`,
      ...body,
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  }

  beforeAll(async () => {
    t = await makeApp(dialect);
    for (const [name, role] of cast)
      await createUser(t.ctx, null, { email: `${name}@problems.test`, name: `The ${name}`, role, password });
    await signInAll();
  });
  afterAll(async () => t?.close());

  it('a problem is logged with its incidents, read, and listed with each item’s incidentIds', async () => {
    const [a, b] = [await ticket(), await ticket()];
    const p = await problem({
      description: 'Tunnels drop under load',
      workaround: 'Reconnect with the backup profile',
      priority: 'high',
      ownerId: tech.userId,
      incidentIds: [b, a],
    });
    expect(p).toMatchObject({
      status: 'new',
      priority: 'high',
      impact: 'medium',
      ownerId: tech.userId,
      workaround: 'Reconnect with the backup profile',
      knownError: false,
      incidentIds: [a, b].sort((x, y) => x - y),
      openIncidentCount: 2,
      allowedTransitions: ['investigating', 'known_error', 'resolved'],
    });
    expect(p.incidents.map((i: { id: number }) => i.id)).toEqual(p.incidentIds);
    expect(p.incidents[0]).toMatchObject({ status: 'new', requesterId: requester.userId });

    const got = await tech.call('GET', `/api/v1/problems/${p.id}`);
    expect(got.body).toEqual(p);
    const list = await manager.call('GET', '/api/v1/problems?limit=200');
    expect(list.status).toBe(200);
    const item = list.body.items.find((i: { id: number }) => i.id === p.id);
    expect(item.incidentIds).toEqual(p.incidentIds);
    for (const i of list.body.items) expect(Array.isArray(i.incidentIds)).toBe(true);

    // The ticket's side says so.
    const onTicket = await tech.call('GET', `/api/v1/tickets/${a}/problem`);
    expect(onTicket.body.problem).toMatchObject({ id: p.id, title: p.title, workaround: p.workaround });
    expect((await getProblemSummary(t.ctx.db, p.id))?.title).toBe(p.title);
    expect(await getProblemSummary(t.ctx.db, 999_999)).toBeNull();
  });

  it('lists filter by state, search by title or number, and page with a cursor, latest change first', async () => {
    const marker = `Printer spooler ${Math.random().toString(36).slice(2, 8)}`;
    const made: number[] = [];
    for (let i = 0; i < 5; i++) {
      made.push(
        (await problem({ title: `${marker} ${i}`, status: i % 2 ? 'known_error' : 'investigating' })).id,
      );
      t.clock.advance(1000);
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/v1/problems?q=${encodeURIComponent(marker.toUpperCase())}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await tech.call('GET', url);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((p: { id: number }) => p.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...made].reverse());

    const known = await tech.call(
      'GET',
      `/api/v1/problems?q=${encodeURIComponent(marker)}&status=known_error`,
    );
    expect(known.body.items.map((p: { id: number }) => p.id)).toEqual([made[3], made[1]]);
    const flagged = await tech.call(
      'GET',
      `/api/v1/problems?q=${encodeURIComponent(marker)}&knownError=true`,
    );
    expect(flagged.body.items.map((p: { id: number }) => p.id)).toEqual([made[3], made[1]]);
    const byNumber = await tech.call('GET', `/api/v1/problems?q=PRB-${made[2]}`);
    expect(byNumber.body.items.map((p: { id: number }) => p.id)).toContain(made[2]);
    // LIKE's wildcards are searched for as characters.
    const wild = await problem({ title: `Disk 100%_full ${marker}` });
    for (const q of ['%', '_', '100%_', '\\']) {
      const found = await tech.call('GET', `/api/v1/problems?limit=200&q=${encodeURIComponent(q)}`);
      expect(found.status).toBe(200);
      for (const p of found.body.items) expect(p.title).toContain(q);
    }
    const exact = await tech.call('GET', `/api/v1/problems?q=${encodeURIComponent('100%_full')}`);
    expect(exact.body.items.map((p: { id: number }) => p.id)).toEqual([wild.id]);
    const bad = await tech.call('GET', '/api/v1/problems?status=open');
    expect(bad.status).toBe(400);
    const badCursor = await tech.call('GET', '/api/v1/problems?cursor=bm9wZQ');
    expect(badCursor.body.code).toBe('invalid_cursor');
  });

  it('states follow the table; only managers and admins close; a closed problem is final', async () => {
    const p = await problem();
    const skip = await tech.call('PATCH', `/api/v1/problems/${p.id}`, { status: 'closed' });
    expect(skip.status).toBe(403);
    const early = await manager.call('PATCH', `/api/v1/problems/${p.id}`, { status: 'closed' });
    expect(early.body.code).toBe('problem_transition_not_allowed');
    const known = await tech.call('PATCH', `/api/v1/problems/${p.id}`, {
      status: 'known_error',
      rootCause: 'Firmware 9.1 leaks sessions',
      workaround: 'Restart the tunnel',
    });
    expect(known.body).toMatchObject({
      status: 'known_error',
      knownError: true,
      rootCause: 'Firmware 9.1 leaks sessions',
    });
    expect(known.body.knownErrorAt).not.toBeNull();
    const resolved = await tech.call('PATCH', `/api/v1/problems/${p.id}`, { status: 'resolved' });
    expect(resolved.body).toMatchObject({ status: 'resolved', knownError: true });
    expect(resolved.body.resolvedAt).not.toBeNull();
    const closed = await manager.call('PATCH', `/api/v1/problems/${p.id}`, { status: 'closed' });
    expect(closed.body).toMatchObject({ status: 'closed', allowedTransitions: [] });
    const after = await admin.call('PATCH', `/api/v1/problems/${p.id}`, { title: 'Renamed' });
    expect(after.body.code).toBe('problem_closed');
    const link = await tech.call('POST', `/api/v1/problems/${p.id}/incidents`, { ticketId: await ticket() });
    expect(link.body.code).toBe('problem_closed');

    const history = await tech.call('GET', `/api/v1/problems/${p.id}/history`);
    expect(history.body.items.map((h: { field: string }) => h.field)).toEqual([
      'created',
      'root_cause',
      'workaround',
      'status',
      'status',
      'status',
    ]);
    const audit = await admin.call('GET', `/api/v1/audit-log?subjectType=problem&subjectId=${p.id}`);
    expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual([
      'problem.create',
      'problem.update',
      'problem.update',
      'problem.update',
    ]);
    const bad = await tech.call('PATCH', `/api/v1/problems/${p.id}`, { ownerId: requester.userId });
    expect(bad.status).toBe(409); // closed first
    const open = await problem();
    const badOwner = await tech.call('PATCH', `/api/v1/problems/${open.id}`, { ownerId: requester.userId });
    expect(badOwner.body.code).toBe('invalid_reference');
    expect((await tech.call('GET', '/api/v1/problems/999999')).body.code).toBe('problem_not_found');
  });

  it('links from the ticket and from the problem; a ticket belongs to one problem', async () => {
    const [p, q] = [await problem({ workaround: 'Use the web client' }), await problem()];
    const id = await ticket();
    const linked = await tech.call('PUT', `/api/v1/tickets/${id}/problem`, { problemId: p.id });
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ id: p.id, workaround: 'Use the web client' });
    // Again: nothing changes.
    expect((await tech.call('PUT', `/api/v1/tickets/${id}/problem`, { problemId: p.id })).status).toBe(200);
    const second = await tech.call('PUT', `/api/v1/tickets/${id}/problem`, { problemId: q.id });
    expect(second.body.code).toBe('ticket_has_problem');
    const fromProblem = await tech.call('POST', `/api/v1/problems/${q.id}/incidents`, { ticketId: id });
    expect(fromProblem.body.code).toBe('ticket_has_problem');
    const unknown = await tech.call('PUT', `/api/v1/tickets/${id}/problem`, { problemId: 999_999 });
    expect(unknown.body.code).toBe('invalid_reference');
    const noTicket = await tech.call('POST', `/api/v1/problems/${q.id}/incidents`, { ticketId: 999_999 });
    expect(noTicket.body.code).toBe('invalid_reference');

    // The ticket's history has the link, for staff only.
    const staffHistory = await tech.call('GET', `/api/v1/tickets/${id}/history`);
    expect(staffHistory.body.items.some((h: { field: string }) => h.field === 'problem')).toBe(true);
    const theirs = await requester.call('GET', `/api/v1/tickets/${id}/history`);
    expect(theirs.body.items.some((h: { field: string }) => h.field === 'problem')).toBe(false);

    expect((await tech.call('DELETE', `/api/v1/tickets/${id}/problem`)).status).toBe(204);
    expect((await tech.call('GET', `/api/v1/tickets/${id}/problem`)).body).toEqual({ problem: null });
    expect((await tech.call('DELETE', `/api/v1/tickets/${id}/problem`)).body.code).toBe(
      'problem_incident_not_found',
    );
    const moved = await tech.call('POST', `/api/v1/problems/${q.id}/incidents`, { ticketId: id });
    expect(moved.body.incidentIds).toEqual([id]);
    const unlinked = await tech.call('DELETE', `/api/v1/problems/${q.id}/incidents/${id}`);
    expect(unlinked.body.incidentIds).toEqual([]);
    expect((await tech.call('DELETE', `/api/v1/problems/${q.id}/incidents/${id}`)).body.code).toBe(
      'problem_incident_not_found',
    );
    // A merged ticket is not linked (its survivor is).
    const [m, into] = [await ticket(), await ticket()];
    expect((await tech.call('POST', `/api/v1/tickets/${m}/merge`, { intoId: into })).status).toBe(200);
    expect((await tech.call('PUT', `/api/v1/tickets/${m}/problem`, { problemId: p.id })).body.code).toBe(
      'ticket_merged',
    );
  });

  it("the ticket list's problemId filter lists the problem's incidents, with the other filters and in exports", async () => {
    const [a, b, c, other] = [
      await ticket('Wi-Fi drops on floor 3'),
      await ticket('Wi-Fi drops in the canteen'),
      await ticket('Wi-Fi slow on floor 3'),
      await ticket('Printer jams'),
    ];
    const p = await problem({ incidentIds: [a, b, c] });
    expect((await tech.call('PATCH', `/api/v1/tickets/${c}`, { status: 'resolved' })).status).toBe(200);
    const ids = async (query: string, who: Session = tech) => {
      const r = await who.call('GET', `/api/v1/tickets?${query}`);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body.items.map((i: { id: number }) => i.id);
    };
    expect(await ids(`problemId=${p.id}&sort=created`)).toEqual([a, b, c]);
    expect(await ids(`problemId=${p.id}&status=open&sort=created`)).toEqual([a, b]);
    expect(await ids(`problemId=${p.id}&q=canteen`)).toEqual([b]);
    // Paged with the same cursors as any list.
    const first = await tech.call('GET', `/api/v1/tickets?problemId=${p.id}&sort=created&limit=2`);
    expect(first.body.items.map((i: { id: number }) => i.id)).toEqual([a, b]);
    const next = await tech.call(
      'GET',
      `/api/v1/tickets?problemId=${p.id}&sort=created&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(next.body.items.map((i: { id: number }) => i.id)).toEqual([c]);
    expect((await ids(`problemId=${p.id}`)).includes(other)).toBe(false);
    // A problem with no incidents: none; no such problem: 404; requesters: 403 (problems are the staff's).
    expect(await ids(`problemId=${(await problem()).id}`)).toEqual([]);
    expect((await tech.call('GET', '/api/v1/tickets?problemId=999999')).body.code).toBe('problem_not_found');
    expect((await requester.call('GET', `/api/v1/tickets?problemId=${p.id}`)).status).toBe(403);
    // The export takes the queue's filters, this one too (and so does a saved view: it keeps the query).
    const csv = await tech.call(
      'GET',
      `/api/v1/tickets/export.csv?problemId=${p.id}&columns=id&sort=created`,
    );
    expect(csv.status).toBe(200);
    expect(String(csv.body).trim().split(/\r?\n/)).toEqual(['ID', String(a), String(b), String(c)]);
    expect((await requester.call('GET', `/api/v1/tickets/export.csv?problemId=${p.id}`)).status).toBe(403);
  });

  it('resolving a problem resolves its open incidents with a public message to each requester', async () => {
    const [a, b, done] = [await ticket(), await ticket(), await ticket()];
    expect((await tech.call('PATCH', `/api/v1/tickets/${done}`, { status: 'resolved' })).status).toBe(200);
    const p = await problem({ incidentIds: [a, b, done], status: 'known_error' });
    const noMessage = await tech.call('POST', `/api/v1/problems/${p.id}/resolve`, { resolveIncidents: true });
    expect(noMessage.status).toBe(400);
    const r = await tech.call('POST', `/api/v1/problems/${p.id}/resolve`, {
      resolveIncidents: true,
      rootCause: 'A faulty firmware on the VPN concentrator',
      message: 'The VPN firmware was updated; your connection should stay up now.',
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ resolvedIncidentIds: [a, b], resolvedCount: 2 });
    expect(r.body.problem).toMatchObject({
      status: 'resolved',
      openIncidentCount: 0,
      rootCause: 'A faulty firmware on the VPN concentrator',
    });
    for (const id of [a, b]) {
      const seen = await requester.call('GET', `/api/v1/tickets/${id}`);
      expect(seen.body.status).toBe('resolved');
      const comments = await requester.call('GET', `/api/v1/tickets/${id}/comments`);
      expect(comments.body.items.at(-1)).toMatchObject({
        body: 'The VPN firmware was updated; your connection should stay up now.',
        internal: false,
        authorId: tech.userId,
      });
    }
    // The one resolved before got no second message.
    const before = await requester.call('GET', `/api/v1/tickets/${done}/comments`);
    expect(before.body.items).toHaveLength(0);
    const history = await tech.call('GET', `/api/v1/problems/${p.id}/history`);
    expect(history.body.items.at(-1)).toMatchObject({ field: 'incidents_resolved', to: '2' });
    const audit = await admin.call('GET', `/api/v1/audit-log?action=problem.resolve&subjectId=${p.id}`);
    expect(audit.body.items).toHaveLength(1);
  });

  it('an incident that refuses to resolve leaves everything as it was, and says which', async () => {
    const [a, b] = [await ticket(), await ticket()];
    const p = await problem({ incidentIds: [a, b] });
    // b must have time logged before it resolves: the setting, and time only on a.
    expect(
      (await admin.call('PUT', '/api/v1/settings/time-tracking', { requiredOnResolve: true })).status,
    ).toBe(200);
    expect((await tech.call('POST', `/api/v1/tickets/${a}/time-entries`, { minutes: 5 })).status).toBe(201);
    try {
      const r = await tech.call('POST', `/api/v1/problems/${p.id}/resolve`, {
        resolveIncidents: true,
        message: 'Fixed',
      });
      expect(r.status).toBe(409);
      expect(r.body.code).toBe('problem_incidents_refused');
      expect(r.body.detail).toContain(`#${b}`);
      const still = await tech.call('GET', `/api/v1/problems/${p.id}`);
      expect(still.body.status).toBe('new');
      for (const id of [a, b]) {
        expect((await tech.call('GET', `/api/v1/tickets/${id}`)).body.status).toBe('new');
        expect((await tech.call('GET', `/api/v1/tickets/${id}/comments`)).body.items).toHaveLength(0);
      }
      // Without the incidents, the problem resolves alone.
      const alone = await tech.call('POST', `/api/v1/problems/${p.id}/resolve`, { resolveIncidents: false });
      expect(alone.body).toMatchObject({
        resolvedCount: 0,
        problem: { status: 'resolved', openIncidentCount: 2 },
      });
    } finally {
      await admin.call('PUT', '/api/v1/settings/time-tracking', { requiredOnResolve: false });
    }
  });

  it('counts incidents reported and resolved per day and per week', async () => {
    const p = await problem();
    const start = t.clock.now();
    const ids: number[] = [];
    for (const offset of [0, 0, 1, 3]) {
      t.clock.set(start + offset * day);
      await signInAll();
      ids.push(await ticket());
    }
    for (const id of ids) await tech.call('POST', `/api/v1/problems/${p.id}/incidents`, { ticketId: id });
    await tech.call('PATCH', `/api/v1/tickets/${ids[0]}`, { status: 'resolved' });
    const daily = await tech.call('GET', `/api/v1/problems/${p.id}/incident-counts?days=5`);
    expect(daily.status).toBe(200);
    expect(daily.body.total).toBe(4);
    expect(daily.body.items.map((d: { created: number }) => d.created)).toEqual([0, 2, 1, 0, 1]);
    expect(daily.body.items.map((d: { resolved: number }) => d.resolved)).toEqual([0, 0, 0, 0, 1]);
    expect(daily.body.items.at(-1).day).toBe(new Date(t.clock.now()).toISOString().slice(0, 10));
    const weekly = await tech.call('GET', `/api/v1/problems/${p.id}/incident-counts?days=28&bucket=week`);
    const sum = weekly.body.items.reduce((n: number, w: { created: number }) => n + w.created, 0);
    expect(sum).toBe(4);
    for (const w of weekly.body.items) expect(new Date(`${w.day}T00:00:00Z`).getUTCDay()).toBe(1);
    const zone = await tech.call('GET', `/api/v1/problems/${p.id}/incident-counts?timeZone=Mars/Olympus`);
    expect(zone.status).toBe(400);
  });

  it('requesters see no problem: 403 where they may see the ticket, 404 where they may not', async () => {
    const id = await ticket();
    const p = await problem({ incidentIds: [id] });
    expect((await requester.call('GET', '/api/v1/problems')).status).toBe(403);
    expect((await requester.call('GET', `/api/v1/problems/${p.id}`)).status).toBe(403);
    expect((await requester.call('POST', '/api/v1/problems', { title: 'Mine' })).status).toBe(403);
    expect((await requester.call('GET', `/api/v1/tickets/${id}/problem`)).status).toBe(403);
    expect((await stranger.call('GET', `/api/v1/tickets/${id}/problem`)).status).toBe(404);
    expect((await stranger.call('PUT', `/api/v1/tickets/${id}/problem`, { problemId: p.id })).status).toBe(
      404,
    );
  });

  it('any problem body or list query answers a documented 2xx or 4xx, never a 500', async () => {
    const text = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom('%', '_', '\\', "'; DROP TABLE problems; --", 'PRB-', '#'),
      fc.constant(''),
      fc.constant('  '),
      fc.string({ minLength: 190, maxLength: 210 }),
    );
    const level = fc.oneof(fc.integer({ min: -1, max: 7 }), fc.constantFrom('low', 'high', 'huge', ''));
    const body = fc.record(
      {
        title: text,
        description: text,
        workaround: text,
        rootCause: text,
        priority: level,
        impact: level,
        status: fc.constantFrom('new', 'investigating', 'known_error', 'resolved', 'closed', 'open'),
        ownerId: fc.oneof(fc.constant(null), fc.integer({ min: -1, max: 50 })),
        groupId: fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 50 })),
        incidentIds: fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(body, fc.string({ maxLength: 40 }), async (b, q) => {
        const created = await tech.call('POST', '/api/v1/problems', b);
        expect(
          created.status === 201 || (created.status >= 400 && created.status < 500),
          JSON.stringify(created.body),
        ).toBe(true);
        if (created.status >= 400) expect(errorCatalogue).toHaveProperty(created.body.code);
        const listed = await tech.call(
          'GET',
          `/api/v1/problems?q=${encodeURIComponent(q)}&status=${encodeURIComponent(q)}`,
        );
        expect(listed.status === 200 || listed.status === 400).toBe(true);
        const searched = await tech.call('GET', `/api/v1/problems?q=${encodeURIComponent(q)}`);
        expect(searched.status).toBe(200);
      }),
      { numRuns: 40, seed: 14 },
    );
  });
});
