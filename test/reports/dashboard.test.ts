// The manager dashboard's aggregates, on SQLite and on PostgreSQL: counts by priority, state and group,
// backlog age, created vs resolved per day, technician load and satisfaction — and who may see them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, systemActor } from '../../src/core/auth/index.js';
import { createTicket, rateTicket, updateTicket } from '../../src/helpdesk/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const day = 86_400_000;

describe.each(dialects)('dashboard on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let tech: Session;
  let requester: Session;

  beforeAll(async () => {
    // Sessions outlive the days the fake clock moves through.
    t = await makeApp(dialect, { OPSDESK_SESSION_TTL_HOURS: String(24 * 60) });
    manager = await userSession(t.app, t.ctx, 'manager');
    const admin = systemActor(1);
    tech = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
    const group = await createGroup(t.ctx, null, { name: 'Service desk', memberIds: [tech.userId] });
    const techActor = { ...admin, id: tech.userId, role: 'technician' as const, groupIds: [group.id] };
    const reqActor = { ...admin, id: requester.userId, role: 'requester' as const };
    // Clock starts 2026-03-02T09:00Z. Two tickets 10 days ago, one 2 days ago, one today.
    t.clock.set(Date.parse('2026-02-20T10:00:00Z'));
    const old1 = await createTicket(t.ctx, reqActor, {
      title: 'Old one',
      description: '',
      impact: 5,
      urgency: 5,
    });
    await createTicket(t.ctx, reqActor, { title: 'Old two', description: '' });
    t.clock.set(Date.parse('2026-02-28T10:00:00Z'));
    const mid = await createTicket(t.ctx, reqActor, { title: 'Mid', description: '' });
    await updateTicket(t.ctx, techActor, mid.id, { assigneeId: tech.userId, groupId: group.id });
    t.clock.set(Date.parse('2026-03-02T08:00:00Z'));
    await updateTicket(t.ctx, techActor, old1.id, { assigneeId: tech.userId, status: 'resolved' });
    await rateTicket(t.ctx, reqActor, old1.id, { score: 4, comment: 'quick' });
    await createTicket(t.ctx, reqActor, { title: 'Today', description: '' });
    t.clock.set(Date.parse('2026-03-02T09:00:00Z'));
  });
  afterAll(async () => t?.close());

  it('counts open tickets by priority, state and group, and ages the backlog', async () => {
    const r = await manager.call('GET', '/api/v1/reports/dashboard');
    expect(r.status).toBe(200);
    const d = r.body;
    expect(d.openTotal).toBe(3);
    expect(d.byStatus).toEqual(
      expect.arrayContaining([
        { status: 'new', count: 2 },
        { status: 'assigned', count: 1 },
      ]),
    );
    expect(d.byPriority.reduce((n: number, p: { count: number }) => n + p.count, 0)).toBe(3);
    expect(d.byGroup).toEqual(
      expect.arrayContaining([
        { groupId: null, name: 'No group', count: 2 },
        expect.objectContaining({ name: 'Service desk', count: 1 }),
      ]),
    );
    expect(d.backlogAge.map((b: { count: number }) => b.count)).toEqual([1, 1, 0, 1, 0]);
  });

  it('counts created and resolved per day over 30 days, ending today', async () => {
    const d = (await manager.call('GET', '/api/v1/reports/dashboard')).body;
    expect(d.daily).toHaveLength(30);
    expect(d.daily[29].day).toBe('2026-03-02');
    const byDay = Object.fromEntries(d.daily.map((x: { day: string }) => [x.day, x]));
    expect(byDay['2026-02-20']).toMatchObject({ created: 2, resolved: 0 });
    expect(byDay['2026-02-28']).toMatchObject({ created: 1 });
    expect(byDay['2026-03-02']).toMatchObject({ created: 1, resolved: 1 });
    expect(d.daily.reduce((n: number, x: { created: number }) => n + x.created, 0)).toBe(4);
    expect(Date.parse(d.generatedAt) - Date.parse('2026-03-02T09:00:00Z')).toBeLessThan(day);
  });

  it("shows each technician's open load and the satisfaction", async () => {
    const d = (await manager.call('GET', '/api/v1/reports/dashboard')).body;
    expect(d.technicians).toEqual(
      expect.arrayContaining([expect.objectContaining({ userId: tech.userId, open: 1 })]),
    );
    expect(d.satisfaction).toEqual({
      average: 4,
      count: 1,
      distribution: [1, 2, 3, 4, 5].map((score) => ({ score, count: score === 4 ? 1 : 0 })),
    });
  });

  it("counts the days of the manager's time zone, across a DST change", async () => {
    const reqActor = { ...systemActor(1), id: requester.userId, role: 'requester' as const };
    // New York springs forward on Sunday 8 March 2026: that day has 23 hours.
    t.clock.set(Date.parse('2026-03-08T04:30:00Z')); // Saturday 7 March, 23:30 EST
    await createTicket(t.ctx, reqActor, { title: 'Late Saturday', description: '' });
    t.clock.set(Date.parse('2026-03-09T03:30:00Z')); // Sunday 8 March, 23:30 EDT
    await createTicket(t.ctx, reqActor, { title: 'Late Sunday', description: '' });
    t.clock.set(Date.parse('2026-03-10T12:00:00Z'));
    const local = (await manager.call('GET', '/api/v1/reports/dashboard?days=5&timeZone=America/New_York'))
      .body;
    expect(local.timeZone).toBe('America/New_York');
    expect(local.daily.map((x: { day: string; created: number }) => [x.day, x.created])).toEqual([
      ['2026-03-06', 0],
      ['2026-03-07', 1],
      ['2026-03-08', 1],
      ['2026-03-09', 0],
      ['2026-03-10', 0],
    ]);
    const utc = (await manager.call('GET', '/api/v1/reports/dashboard?days=5')).body;
    expect(utc.timeZone).toBe('UTC');
    expect(utc.daily.map((x: { day: string; created: number }) => [x.day, x.created])).toEqual([
      ['2026-03-06', 0],
      ['2026-03-07', 0],
      ['2026-03-08', 1],
      ['2026-03-09', 1],
      ['2026-03-10', 0],
    ]);
    const bad = await manager.call('GET', '/api/v1/reports/dashboard?timeZone=Mars/Olympus');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('querystring/timeZone');
    t.clock.set(Date.parse('2026-03-02T09:00:00Z'));
  });

  it('is for managers and admins only', async () => {
    expect((await tech.call('GET', '/api/v1/reports/dashboard')).status).toBe(403);
    expect((await requester.call('GET', '/api/v1/reports/dashboard')).status).toBe(403);
  });
});
