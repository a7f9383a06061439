// Automatic assignment end to end, on SQLite and PostgreSQL with a fake clock: tickets arrive over HTTP, the
// relay queues them, the runner routes them by the rules and each group's policy picks a person among those on
// shift (a Berlin business calendar), not on leave and under capacity; concurrent arrivals never share a
// round-robin slot; the optimiser's proposals are explained and accepted over the API.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGroup } from '../../src/core/auth/index.js';
import {
  autoAssignTicket,
  runAssignmentQueue,
  runQueueOptimisation,
  subscribeAssignment,
} from '../../src/technicians/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const at = (iso: string) => Date.parse(iso);
// Monday 2 March 2026, 10:00 in Berlin.
const mondayTen = at('2026-03-02T09:00:00Z');

describe.each(dialects)('automatic assignment on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let manager: Session;
  let requester: Session;
  let techs: Session[];
  let group: number;
  let network: number;
  let dayCalendar: number;
  let nightCalendar: number;

  async function arrive(title: string, body: Record<string, unknown> = {}): Promise<number> {
    const res = await requester.call('POST', '/api/v1/tickets', {
      title,
      description: 'please help',
      ...body,
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }
  /** Let the relay hand the arrivals to the subscriber, then run the assignment queue. */
  async function settle() {
    await t.ctx.events.idle();
    await t.ctx.events.dispatchPending();
    return runAssignmentQueue(t.ctx);
  }
  /** Another instance on the database where there can be one (PostgreSQL); on SQLite, this one again. */
  async function anotherInstance() {
    if (!t.ctx.caps.multiInstance) return { ctx: t.ctx, close: async () => undefined };
    return t.openAnother(t.clock);
  }
  async function ticket(id: number) {
    return t.ctx.db
      .selectFrom('tickets')
      .select(['group_id', 'assignee_id', 'status'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }
  async function setPolicy(policy: string, auto = true, groupId = group) {
    const res = await manager.call('PUT', `/api/v1/groups/${groupId}/assignment-policy`, { policy, auto });
    expect(res.status).toBe(200);
  }
  async function profile(s: Session, body: Record<string, unknown>) {
    const res = await manager.call('PUT', `/api/v1/technicians/${s.userId}`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }
  /** Close every open ticket held by the group's people: each test starts with nobody loaded. */
  async function clearLoad() {
    await t.ctx.db.deleteFrom('assignment_queue').execute();
    const held = await t.ctx.db
      .selectFrom('tickets')
      .select('id')
      .where('status', 'in', ['new', 'assigned', 'in_progress', 'pending'])
      .execute();
    for (const h of held) await admin.call('PATCH', `/api/v1/tickets/${h.id}`, { status: 'resolved' });
  }

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_SESSION_TTL_HOURS: String(24 * 60) });
    t.clock.set(mondayTen);
    subscribeAssignment(t.ctx, () => undefined);
    admin = await userSession(t.app, t.ctx, 'admin');
    manager = await userSession(t.app, t.ctx, 'manager');
    requester = await userSession(t.app, t.ctx, 'requester');
    group = (await createGroup(t.ctx, null, { name: 'Network' })).id;
    techs = [];
    for (let i = 0; i < 3; i++) techs.push(await userSession(t.app, t.ctx, 'technician', [group]));
    network = (await admin.call('POST', '/api/v1/categories', { name: 'Network' })).body.id;
    const hours = (start: string, end: string) => [1, 2, 3, 4, 5].map((day) => ({ day, start, end }));
    dayCalendar = (
      await admin.call('POST', '/api/v1/sla/calendars', {
        name: 'Berlin day',
        timeZone: 'Europe/Berlin',
        hours: hours('08:00', '18:00'),
      })
    ).body.id;
    nightCalendar = (
      await admin.call('POST', '/api/v1/sla/calendars', {
        name: 'Berlin evening',
        timeZone: 'Europe/Berlin',
        hours: hours('20:00', '24:00'),
      })
    ).body.id;
    for (const s of techs) await profile(s, { calendarId: dayCalendar, maxOpenTickets: 10 });
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    t.clock.set(mondayTen);
    await clearLoad();
    for (const s of techs) await profile(s, { calendarId: dayCalendar, maxOpenTickets: 10, skills: [] });
    for (const s of techs) {
      const offs = await s.call('GET', `/api/v1/technicians/${s.userId}/time-off`);
      for (const o of offs.body.items)
        await s.call('DELETE', `/api/v1/technicians/${s.userId}/time-off/${o.id}`);
    }
    await t.ctx.db.deleteFrom('assignment_rules').execute();
    await t.ctx.db.updateTable('assignment_policies').set({ last_user_id: null }).execute();
  });

  it('routing rules send a ticket to the group of the first rule that matches; no rule, no group', async () => {
    const printers = (await createGroup(t.ctx, null, { name: 'Printers' })).id;
    const a = await manager.call('POST', '/api/v1/assignment-rules', {
      name: 'VPN and network to Network',
      conditions: { keywords: ['vpn', 'wi fi'] },
      groupId: group,
    });
    expect(a.status).toBe(201);
    await manager.call('POST', '/api/v1/assignment-rules', {
      name: 'Network category',
      conditions: { categoryIds: [network] },
      groupId: group,
    });
    await manager.call('POST', '/api/v1/assignment-rules', {
      name: 'Printers',
      conditions: { keywords: ['printer', 'toner'] },
      groupId: printers,
    });
    const vpn = await arrive('VPN drops every hour');
    const wifi = await arrive('The Wi-Fi in room 3 is slow');
    const toner = await arrive('Out of toner');
    const byCategory = await arrive('Something odd', { categoryId: network });
    const nothing = await arrive('Coffee machine');
    // "vpnclient" is not the word "vpn".
    const notAWord = await arrive('vpnclient installer');
    await settle();
    expect((await ticket(vpn)).group_id).toBe(group);
    expect((await ticket(wifi)).group_id).toBe(group);
    expect((await ticket(toner)).group_id).toBe(printers);
    expect((await ticket(byCategory)).group_id).toBe(group);
    expect((await ticket(nothing)).group_id).toBeNull();
    expect((await ticket(notAWord)).group_id).toBeNull();
    // Routing alone (the group assigns by hand) leaves it in the group's queue, saying so in its history.
    const history = await admin.call('GET', `/api/v1/tickets/${toner}/history`);
    expect(history.body.items ?? history.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'group', to: String(printers) })]),
    );
  });

  it('round-robin cycles through the members, skipping who is on leave, off shift or full', async () => {
    await setPolicy('round_robin');
    const [a, b, c] = techs;
    const order: (number | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const id = await arrive(`Round ${i}`, {});
      await admin.call('PATCH', `/api/v1/tickets/${id}`, { groupId: group });
      const r = await autoAssignTicket(t.ctx, id);
      order.push(r?.userId ?? null);
    }
    expect(order).toEqual([a.userId, b.userId, c.userId, a.userId]);

    // B takes the day off (their own), C works evenings, A is full: nobody left.
    const off = await b.call('POST', `/api/v1/technicians/${b.userId}/time-off`, {
      startsAt: '2026-03-02T00:00:00Z',
      endsAt: '2026-03-03T00:00:00Z',
      reason: 'dentist',
    });
    expect(off.status).toBe(201);
    await profile(c, { calendarId: nightCalendar });
    const next = await arrive('After A comes B, who is away');
    await admin.call('PATCH', `/api/v1/tickets/${next}`, { groupId: group });
    // A had the last one; B is on leave and C off shift, so A again.
    expect((await autoAssignTicket(t.ctx, next))?.userId).toBe(a.userId);

    await profile(a, { maxOpenTickets: 3 });
    const stuck = await arrive('Nobody can take this');
    await admin.call('PATCH', `/api/v1/tickets/${stuck}`, { groupId: group });
    const r = await autoAssignTicket(t.ctx, stuck);
    expect(r?.userId).toBeNull();
    expect(r?.reason).toMatch(/on leave/);
    expect(r?.reason).toMatch(/off shift/);
    expect(r?.reason).toMatch(/full \(3\/3/);
    expect((await ticket(stuck)).assignee_id).toBeNull();
    expect((await ticket(stuck)).group_id).toBe(group);
    const history = await admin.call('GET', `/api/v1/tickets/${stuck}/history`);
    const items = history.body.items ?? history.body;
    expect(items.find((h: { field: string }) => h.field === 'assignment_reason')?.to).toMatch(
      /nobody can take it/,
    );

    // At 20:00 Berlin C's evening shift begins.
    t.clock.set(at('2026-03-02T19:30:00Z'));
    const evening = await arrive('Evening ticket');
    await admin.call('PATCH', `/api/v1/tickets/${evening}`, { groupId: group });
    expect((await autoAssignTicket(t.ctx, evening))?.userId).toBe(c.userId);
  });

  it('least-loaded picks the person with the fewest open tickets', async () => {
    const [a, b, c] = techs;
    await setPolicy('manual');
    // A holds two, C one, B none.
    for (const [who, n] of [
      [a, 2],
      [c, 1],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const id = await arrive(`Held ${i}`);
        await admin.call('PATCH', `/api/v1/tickets/${id}`, { assigneeId: who.userId, groupId: group });
      }
    }
    await setPolicy('least_loaded');
    const id = await arrive('Least loaded', { categoryId: network });
    await admin.call('PATCH', `/api/v1/tickets/${id}`, { groupId: group });
    const r = await autoAssignTicket(t.ctx, id);
    expect(r?.userId).toBe(b.userId);
    expect(r?.reason).toMatch(/least loaded/);
    const next = await arrive('Least loaded again');
    await admin.call('PATCH', `/api/v1/tickets/${next}`, { groupId: group });
    // B and C now hold one each: the lower id of the two.
    expect((await autoAssignTicket(t.ctx, next))?.userId).toBe(Math.min(b.userId, c.userId));
  });

  it('best skill match picks the highest level in the skill the ticket needs, and explains it', async () => {
    const [a, b, c] = techs;
    const vpn = await manager.call('POST', '/api/v1/skills', {
      name: 'VPN',
      keywords: ['vpn'],
      neededLevel: 3,
    });
    expect(vpn.status).toBe(201);
    const linux = await manager.call('POST', '/api/v1/skills', { name: 'Linux', categoryIds: [network] });
    await profile(a, { skills: [{ skillId: vpn.body.id, level: 2 }] });
    await profile(b, { skills: [{ skillId: vpn.body.id, level: 4 }] });
    await profile(c, { skills: [{ skillId: linux.body.id, level: 5 }] });
    await setPolicy('best_skill');
    await manager.call('POST', '/api/v1/assignment-rules', {
      name: 'VPN',
      conditions: { keywords: ['vpn'] },
      groupId: group,
    });
    const id = await arrive('VPN certificate expired');
    const [r] = await settle();
    expect(r.ticketId).toBe(id);
    expect(r.userId).toBe(b.userId);
    expect(r.reason).toMatch(/skill VPN 4\/5, 0 open tickets, on shift until 18:00/);
    expect((await ticket(id)).assignee_id).toBe(b.userId);
    expect((await ticket(id)).status).toBe('assigned');
    // Linux by category: C.
    const linuxTicket = await arrive('Kernel panic', { categoryId: network });
    await admin.call('PATCH', `/api/v1/tickets/${linuxTicket}`, { groupId: group });
    expect((await autoAssignTicket(t.ctx, linuxTicket))?.userId).toBe(c.userId);
    for (const s of [vpn.body.id, linux.body.id]) await manager.call('DELETE', `/api/v1/skills/${s}`);
  });

  it('two arrivals at once never get the same round-robin slot', async () => {
    await setPolicy('round_robin');
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const id = await arrive(`Concurrent ${i}`);
      await admin.call('PATCH', `/api/v1/tickets/${id}`, { groupId: group });
      ids.push(id);
    }
    // A second instance on the same database assigns alongside this one (SQLite is one process).
    const other = await anotherInstance();
    try {
      const results = await Promise.all(
        ids.map((id, i) => autoAssignTicket(i % 2 === 0 ? t.ctx : other.ctx, id)),
      );
      const who = results.map((r) => r?.userId);
      expect(new Set(who).size).toBe(3);
      expect(who.every((u) => techs.some((s) => s.userId === u))).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('a queued ticket is assigned once even when two runners race for it', async () => {
    await setPolicy('round_robin');
    await manager.call('POST', '/api/v1/assignment-rules', { name: 'All', groupId: group });
    const id = await arrive('Raced');
    await t.ctx.events.idle();
    await t.ctx.events.dispatchPending();
    const other = await anotherInstance();
    try {
      const [x, y] = await Promise.all([runAssignmentQueue(t.ctx), runAssignmentQueue(other.ctx)]);
      expect([...x, ...y].filter((r) => r.ticketId === id)).toHaveLength(1);
    } finally {
      await other.close();
    }
    const history = await admin.call('GET', `/api/v1/tickets/${id}/history`);
    const items = history.body.items ?? history.body;
    expect(items.filter((h: { field: string }) => h.field === 'assignee')).toHaveLength(1);
  });

  it('the optimiser proposes with explanations, the manager accepts one and then all', async () => {
    const [a, b] = techs;
    const vpn = await manager.call('POST', '/api/v1/skills', { name: 'VPN', keywords: ['vpn'] });
    await profile(a, { skills: [{ skillId: vpn.body.id, level: 5 }] });
    await setPolicy('optimise', false);
    const ids: number[] = [];
    for (const title of ['VPN broken', 'Password reset', 'New laptop']) {
      const id = await arrive(title);
      await admin.call('PATCH', `/api/v1/tickets/${id}`, { groupId: group });
      ids.push(id);
    }
    const technician = await techs[2].call('GET', `/api/v1/groups/${group}/assignment-proposals`);
    expect(technician.status).toBe(403);
    const proposals = await manager.call('GET', `/api/v1/groups/${group}/assignment-proposals`);
    expect(proposals.status).toBe(200);
    expect(proposals.body.items.map((p: { ticketId: number }) => p.ticketId).sort()).toEqual([...ids].sort());
    const vpnProposal = proposals.body.items.find((p: { ticketId: number }) => p.ticketId === ids[0]);
    expect(vpnProposal.userId).toBe(a.userId);
    expect(vpnProposal.userName).toEqual(expect.stringMatching(/^technician /));
    expect(vpnProposal.ticketTitle).toBe('VPN broken');
    expect(vpnProposal.reason).toMatch(/VPN 5\/5/);
    expect(vpnProposal.score).toEqual(expect.objectContaining({ total: expect.any(Number) }));

    const one = await manager.call('POST', `/api/v1/groups/${group}/assignment-proposals/accept`, {
      ticketIds: [ids[0]],
    });
    expect(one.status).toBe(200);
    expect(one.body.items).toEqual([
      expect.objectContaining({ ticketId: ids[0], outcome: 'assigned', userId: a.userId }),
    ]);
    expect((await ticket(ids[0])).assignee_id).toBe(a.userId);

    // B takes one by hand meanwhile: accepting all skips it.
    await admin.call('PATCH', `/api/v1/tickets/${ids[1]}`, { assigneeId: b.userId });
    const all = await manager.call('POST', `/api/v1/groups/${group}/assignment-proposals/accept`, {
      ticketIds: [ids[1], ids[2]],
    });
    expect(all.body.items.find((o: { ticketId: number }) => o.ticketId === ids[1])).toMatchObject({
      outcome: 'skipped',
    });
    expect(all.body.items.find((o: { ticketId: number }) => o.ticketId === ids[2])).toMatchObject({
      outcome: 'assigned',
    });
    expect((await ticket(ids[1])).assignee_id).toBe(b.userId);
    const bad = await manager.call('POST', `/api/v1/groups/${group}/assignment-proposals/accept`, {});
    expect(bad.status).toBe(400);
    await manager.call('DELETE', `/api/v1/skills/${vpn.body.id}`);
  });

  it('a group with the optimiser on auto assigns its queue on arrival and periodically, once per interval', async () => {
    await setPolicy('optimise', true);
    await manager.call('POST', '/api/v1/assignment-rules', { name: 'All', groupId: group });
    const id = await arrive('Optimised on arrival');
    await settle();
    expect((await ticket(id)).assignee_id).not.toBeNull();
    // Left behind (everyone away) then picked up by the periodic run once someone is back.
    for (const s of techs) await profile(s, { calendarId: nightCalendar });
    const later = await arrive('Nobody on shift');
    await settle();
    expect((await ticket(later)).assignee_id).toBeNull();
    await profile(techs[0], { calendarId: dayCalendar });
    expect(await runQueueOptimisation(t.ctx)).toContain(group);
    expect((await ticket(later)).assignee_id).toBe(techs[0].userId);
    // A second run within the interval (another instance, say) does nothing.
    expect(await runQueueOptimisation(t.ctx)).toEqual([]);
    await setPolicy('manual', false);
  });

  it('a ticket left waiting while nobody was on shift goes to the first person whose shift begins', async () => {
    await setPolicy('round_robin');
    await manager.call('POST', '/api/v1/assignment-rules', { name: 'All', groupId: group });
    // Monday 06:00 in Berlin: the day shift starts at 08:00.
    t.clock.set(at('2026-03-02T05:00:00Z'));
    const id = await arrive('Before anyone is in');
    await settle();
    expect((await ticket(id)).assignee_id).toBeNull();
    const reasons = async () => {
      const body = (await admin.call('GET', `/api/v1/tickets/${id}/history`)).body;
      return ((body.items ?? body) as { field: string }[]).filter((h) => h.field === 'assignment_reason')
        .length;
    };
    expect(await reasons()).toBe(1);
    // Still nobody at 06:30: tried again, nothing new said.
    t.clock.set(at('2026-03-02T05:30:00Z'));
    await t.ctx.db.updateTable('assignment_policies').set({ optimised_at: null }).execute();
    expect(await runQueueOptimisation(t.ctx)).toContain(group);
    expect((await ticket(id)).assignee_id).toBeNull();
    expect(await reasons()).toBe(1);
    // 08:00: the first of the day shift takes it.
    t.clock.set(at('2026-03-02T07:00:00Z'));
    expect(await runQueueOptimisation(t.ctx)).toContain(group);
    expect((await ticket(id)).assignee_id).toBe(techs[0].userId);
    expect(await reasons()).toBe(2);
    await setPolicy('manual', false);
  });

  it('nobody qualifies when the group has no members: left in the queue', async () => {
    const empty = (await createGroup(t.ctx, null, { name: 'Empty' })).id;
    await setPolicy('least_loaded', true, empty);
    const id = await arrive('For an empty group');
    await admin.call('PATCH', `/api/v1/tickets/${id}`, { groupId: empty });
    const r = await autoAssignTicket(t.ctx, id);
    expect(r).toMatchObject({ userId: null, groupId: empty });
    expect(r?.reason).toMatch(/no members/);
    expect((await ticket(id)).assignee_id).toBeNull();
  });
});
