// On-call schedules through HTTP on both databases: building and changing schedules, who is on call at an
// instant and now, overrides winning, swap and cover requests, and the iCalendar feeds with their secrets.
import { Writable } from 'node:stream';
import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { actorForUser, createUser } from '../../src/core/auth/index.js';
import { createSchedule, rotateScheduleFeedToken } from '../../src/oncall/index.js';
import { dialects, makeApp, makeContext, schemaController, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const iso = (s: string) => new Date(s).toISOString();

describe.each(dialects)('on-call schedules over HTTP on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let alice: Session;
  let bob: Session;
  let requester: Session;
  let anonymous: (url: string) => Promise<{ status: number; body: string; type: string }>;

  // Weekly turns handed over Mondays 09:00 Berlin time, Alice first; the test clock starts Monday
  // 2026-03-02 09:00Z (10:00 in Berlin), in Alice's first week.
  const weekly = () => ({
    kind: 'rotation' as const,
    name: 'Weekly',
    start: '2026-03-02T09:00',
    end: null,
    turn: { unit: 'week' as const, count: 1 },
    participants: [alice.userId, bob.userId],
    restrictions: [],
  });
  let n = 0;
  const newSchedule = async (extra: Record<string, unknown> = {}) => {
    n += 1;
    const res = await manager.call('POST', '/api/v1/schedules', {
      name: `Infrastructure ${n}`,
      timeZone: 'Europe/Berlin',
      layers: [weekly()],
      ...extra,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: number; version: number; name: string };
  };

  beforeAll(async () => {
    t = await makeApp(dialect);
    manager = await userSession(t.app, t.ctx, 'manager');
    alice = await userSession(t.app, t.ctx, 'technician');
    bob = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
    anonymous = async (url) => {
      const res = await t.app.inject({ method: 'GET', url });
      return { status: res.statusCode, body: res.body, type: String(res.headers['content-type'] ?? '') };
    };
  });
  afterAll(async () => t?.close());

  it('two managers naming a schedule alike at the same moment: one is created, the other gets a 409', async () => {
    const body = { name: 'Raced name', timeZone: 'Europe/Berlin', layers: [weekly()] };
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => manager.call('POST', '/api/v1/schedules', body)),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    for (const a of answers.filter((x) => x.status !== 201)) {
      expect(a.status).toBe(409);
      expect(['name_taken', 'write_conflict']).toContain(a.body.code);
    }
    const list = await manager.call('GET', '/api/v1/schedules');
    expect(list.body.items.filter((x: { name: string }) => x.name === 'Raced name')).toHaveLength(1);
  });

  it('a manager creates, reads, changes and deletes a schedule', async () => {
    const s = await newSchedule({ description: 'Servers and network, 24/7' });
    expect(s.version).toBe(1);
    const list = await alice.call('GET', '/api/v1/schedules');
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { id: number }) => i.id)).toContain(s.id);
    const one = await alice.call('GET', `/api/v1/schedules/${s.id}`);
    expect(one.body).toMatchObject({
      name: s.name,
      timeZone: 'Europe/Berlin',
      teamId: null,
      layers: [weekly()],
    });

    const patched = await manager.call('PATCH', `/api/v1/schedules/${s.id}`, { name: `${s.name} (renamed)` });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: `${s.name} (renamed)`, version: 2 });

    expect((await manager.call('DELETE', `/api/v1/schedules/${s.id}`)).status).toBe(204);
    const gone = await alice.call('GET', `/api/v1/schedules/${s.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('schedule_not_found');
    expect((await alice.call('GET', `/api/v1/schedules/${s.id}/oncall`)).status).toBe(404);
  });

  it('refuses a bad zone, an unknown participant, a requester as participant, and a requester or technician building', async () => {
    const body = () => ({ name: `Bad ${++n}`, timeZone: 'Europe/Berlin', layers: [weekly()] });
    const zone = await manager.call('POST', '/api/v1/schedules', {
      ...body(),
      timeZone: 'Mars/Olympus_Mons',
    });
    expect(zone.status).toBe(400);
    expect(zone.body.code).toBe('invalid_schedule');

    const unknown = await manager.call('POST', '/api/v1/schedules', {
      ...body(),
      layers: [{ ...weekly(), participants: [alice.userId, 999_999] }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('invalid_reference');

    const customer = await manager.call('POST', '/api/v1/schedules', {
      ...body(),
      layers: [{ ...weekly(), participants: [requester.userId] }],
    });
    expect(customer.status).toBe(400);
    expect(customer.body.code).toBe('invalid_reference');

    const badTime = await manager.call('POST', '/api/v1/schedules', {
      ...body(),
      layers: [{ ...weekly(), start: '2026-13-45T09:00' }],
    });
    expect(badTime.status).toBe(400);

    expect((await requester.call('POST', '/api/v1/schedules', body())).status).toBe(403);
    expect((await alice.call('POST', '/api/v1/schedules', body())).status).toBe(403);
    expect((await requester.call('GET', '/api/v1/schedules')).status).toBe(403);

    const team = await manager.call('POST', '/api/v1/schedules', { ...body(), teamId: 999_999 });
    expect(team.status).toBe(400);
    expect(team.body.code).toBe('invalid_reference');
  });

  it('answers who is on call at an instant and now, and a gap as userId null', async () => {
    const s = await newSchedule();
    const now = await alice.call('GET', `/api/v1/schedules/${s.id}/oncall`);
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({
      scheduleId: s.id,
      userId: alice.userId,
      start: iso('2026-03-02T08:00:00Z'),
      end: iso('2026-03-09T08:00:00Z'),
      source: { kind: 'layer', layer: 0 },
    });
    expect(now.body.userName).toEqual(expect.any(String));

    const nextWeek = await alice.call('GET', `/api/v1/schedules/${s.id}/oncall?at=2026-03-10T12:00:00Z`);
    expect(nextWeek.body.userId).toBe(bob.userId);
    // Across the spring-forward change (29 March in Berlin): the handoff stays at 09:00 local, now 07:00Z.
    const afterDst = await alice.call('GET', `/api/v1/schedules/${s.id}/oncall?at=2026-03-30T07:30:00Z`);
    expect(afterDst.body).toMatchObject({ start: iso('2026-03-30T07:00:00Z') });

    const before = await alice.call('GET', `/api/v1/schedules/${s.id}/oncall?at=2026-03-01T00:00:00Z`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({ userId: null, userName: null, start: null, end: null });

    // The clock moves on: "now" follows it (8-hour turns from 10:00 Berlin, the clock's start).
    const shifts = await newSchedule({
      layers: [{ ...weekly(), start: '2026-03-02T10:00', turn: { unit: 'hour', count: 8 } }],
    });
    const nowIn = async () => (await alice.call('GET', `/api/v1/schedules/${shifts.id}/oncall`)).body.userId;
    expect(await nowIn()).toBe(alice.userId);
    t.clock.set(Date.parse('2026-03-02T17:30:00Z'));
    try {
      expect(await nowIn()).toBe(bob.userId);
    } finally {
      t.clock.set(Date.parse('2026-03-02T09:00:00Z'));
    }
  });

  it('an override wins over the layers, and removing it gives the layer back', async () => {
    const s = await newSchedule();
    const o = await manager.call('POST', `/api/v1/schedules/${s.id}/overrides`, {
      userId: bob.userId,
      start: '2026-03-03T10:00:00Z',
      end: '2026-03-03T12:00:00Z',
      reason: 'Alice at the dentist',
    });
    expect(o.status).toBe(201);
    const during = await alice.call('GET', `/api/v1/schedules/${s.id}/oncall?at=2026-03-03T11:00:00Z`);
    expect(during.body).toMatchObject({
      userId: bob.userId,
      start: iso('2026-03-03T10:00:00Z'),
      end: iso('2026-03-03T12:00:00Z'),
      source: { kind: 'override', overrideId: o.body.id },
    });
    const listed = await alice.call(
      'GET',
      `/api/v1/schedules/${s.id}/overrides?from=2026-03-01T00:00:00Z&to=2026-03-31T00:00:00Z`,
    );
    expect(listed.body.items.map((i: { id: number }) => i.id)).toEqual([o.body.id]);

    expect((await alice.call('DELETE', `/api/v1/schedules/${s.id}/overrides/${o.body.id}`)).status).toBe(403);
    expect((await manager.call('DELETE', `/api/v1/schedules/${s.id}/overrides/${o.body.id}`)).status).toBe(
      204,
    );
    const after = await alice.call('GET', `/api/v1/schedules/${s.id}/oncall?at=2026-03-03T11:00:00Z`);
    expect(after.body.userId).toBe(alice.userId);

    const backwards = await manager.call('POST', `/api/v1/schedules/${s.id}/overrides`, {
      userId: bob.userId,
      start: '2026-03-03T12:00:00Z',
      end: '2026-03-03T10:00:00Z',
    });
    expect(backwards.status).toBe(400);
  });

  it('a cover request, once a manager approves it, becomes an override; a rejected one does not', async () => {
    const s = await newSchedule();
    const ask = (start: string, end: string) =>
      alice.call('POST', `/api/v1/schedules/${s.id}/requests`, {
        kind: 'cover',
        coveringUserId: bob.userId,
        start,
        end,
        reason: 'Family visit',
      });
    const r = await ask('2026-03-04T00:00:00Z', '2026-03-05T00:00:00Z');
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ state: 'pending', requesterId: alice.userId, coveringUserId: bob.userId });

    // Neither the requester nor the one covering decides.
    expect((await alice.call('POST', `/api/v1/schedule-requests/${r.body.id}/approve`)).status).toBe(403);
    expect((await bob.call('POST', `/api/v1/schedule-requests/${r.body.id}/approve`)).status).toBe(403);
    const pending = await manager.call('GET', '/api/v1/schedule-requests?state=pending');
    expect(pending.body.items.map((i: { id: number }) => i.id)).toContain(r.body.id);
    // Bob, who is named in it, sees it; the requester-role user may not list at all.
    expect(
      (await bob.call('GET', '/api/v1/schedule-requests')).body.items.map((i: { id: number }) => i.id),
    ).toContain(r.body.id);
    expect((await requester.call('GET', '/api/v1/schedule-requests')).status).toBe(403);

    const approved = await manager.call('POST', `/api/v1/schedule-requests/${r.body.id}/approve`);
    expect(approved.status).toBe(200);
    expect(approved.body.request.state).toBe('approved');
    expect(approved.body.overrides).toHaveLength(1);
    expect(approved.body.overrides[0]).toMatchObject({ userId: bob.userId, requestId: r.body.id });
    const covered = await alice.call('GET', `/api/v1/schedules/${s.id}/oncall?at=2026-03-04T12:00:00Z`);
    expect(covered.body).toMatchObject({ userId: bob.userId, source: { kind: 'override' } });
    // Decided once: a second decision is a conflict.
    const again = await manager.call('POST', `/api/v1/schedule-requests/${r.body.id}/reject`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('schedule_request_closed');

    const r2 = await ask('2026-03-06T00:00:00Z', '2026-03-07T00:00:00Z');
    const rejected = await manager.call('POST', `/api/v1/schedule-requests/${r2.body.id}/reject`);
    expect(rejected.body.request.state).toBe('rejected');
    expect(rejected.body.overrides).toEqual([]);
    const notCovered = await alice.call('GET', `/api/v1/schedules/${s.id}/oncall?at=2026-03-06T12:00:00Z`);
    expect(notCovered.body.userId).toBe(alice.userId);

    // The requester withdraws; Bob, only named in it, may not.
    const r3 = await ask('2026-03-07T00:00:00Z', '2026-03-07T06:00:00Z');
    expect((await bob.call('POST', `/api/v1/schedule-requests/${r3.body.id}/cancel`)).status).toBe(403);
    const cancelled = await alice.call('POST', `/api/v1/schedule-requests/${r3.body.id}/cancel`);
    expect(cancelled.body.request.state).toBe('cancelled');
  });

  it('a swap gives each the other’s window once approved', async () => {
    const s = await newSchedule();
    // Alice's week 1 day for Bob's week 2 day.
    const r = await alice.call('POST', `/api/v1/schedules/${s.id}/requests`, {
      kind: 'swap',
      withUserId: bob.userId,
      start: '2026-03-05T08:00:00Z',
      end: '2026-03-06T08:00:00Z',
      swapStart: '2026-03-12T08:00:00Z',
      swapEnd: '2026-03-13T08:00:00Z',
    });
    expect(r.status).toBe(201);
    const ok = await manager.call('POST', `/api/v1/schedule-requests/${r.body.id}/approve`);
    expect(ok.body.overrides).toHaveLength(2);
    const at = async (when: string) =>
      (await alice.call('GET', `/api/v1/schedules/${s.id}/oncall?at=${when}`)).body.userId;
    expect(await at('2026-03-05T12:00:00Z')).toBe(bob.userId);
    expect(await at('2026-03-12T12:00:00Z')).toBe(alice.userId);
    expect(await at('2026-03-13T12:00:00Z')).toBe(bob.userId);

    const self = await alice.call('POST', `/api/v1/schedules/${s.id}/requests`, {
      kind: 'cover',
      coveringUserId: alice.userId,
      start: '2026-03-05T08:00:00Z',
      end: '2026-03-06T08:00:00Z',
    });
    expect(self.status).toBe(400);
    const customer = await requester.call('POST', `/api/v1/schedules/${s.id}/requests`, {
      kind: 'cover',
      coveringUserId: bob.userId,
      start: '2026-03-05T08:00:00Z',
      end: '2026-03-06T08:00:00Z',
    });
    expect(customer.status).toBe(403);
  });

  it('the final schedule tiles the range with each layer beside it, and the range is bounded', async () => {
    const s = await newSchedule();
    const res = await alice.call(
      'GET',
      `/api/v1/schedules/${s.id}/final?from=2026-03-01T00:00:00Z&to=2026-03-16T00:00:00Z`,
    );
    expect(res.status).toBe(200);
    const final = res.body.final as { start: string; end: string; userId: number | null }[];
    expect(final[0].start).toBe(iso('2026-03-01T00:00:00Z'));
    expect(final.at(-1)?.end).toBe(iso('2026-03-16T00:00:00Z'));
    for (let i = 1; i < final.length; i++) expect(final[i].start).toBe(final[i - 1].end);
    expect(final.map((f) => f.userId)).toEqual([null, alice.userId, bob.userId]);
    expect(res.body.layers).toHaveLength(1);
    expect(res.body.layers[0].name).toBe('Weekly');

    const tooLong = await alice.call(
      'GET',
      `/api/v1/schedules/${s.id}/final?from=2026-01-01T00:00:00Z&to=2027-06-01T00:00:00Z`,
    );
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.code).toBe('schedule_range_too_long');
    // The next 52 weeks by default: two people taking turns week by week cover it all, evenly.
    const report = await alice.call('GET', `/api/v1/schedules/${s.id}/report`);
    expect(report.status).toBe(200);
    expect(report.body.quality).toMatchObject({ total: 100, coverage: 100, balance: 100 });
    expect(report.body.gaps).toEqual([]);
    expect(report.body.hoursPerPerson.map((h: { hours: number }) => h.hours)).toEqual([
      26 * 7 * 24,
      26 * 7 * 24,
    ]);
    const early = await alice.call(
      'GET',
      `/api/v1/schedules/${s.id}/report?from=2026-03-01T00:00:00Z&to=2026-03-08T00:00:00Z`,
    );
    expect(early.body.gaps).toEqual([
      { start: iso('2026-03-01T00:00:00Z'), end: iso('2026-03-02T08:00:00Z') },
    ]);
    expect(early.body.quality.coverage).toBeLessThan(100);
    expect(report.body.hoursPerPerson.map((h: { userId: number }) => h.userId).sort()).toEqual(
      [alice.userId, bob.userId].sort(),
    );
  });

  it('the calendar feed is iCalendar with the final schedule’s stretches', async () => {
    const s = await newSchedule();
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/schedules/${s.id}/calendar.ics`,
      headers: { authorization: `Bearer ${alice.token}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/calendar');
    const events = new ICAL.Component(ICAL.parse(res.body))
      .getAllSubcomponents('vevent')
      .map((v) => new ICAL.Event(v));
    expect(events.length).toBeGreaterThan(0);
    const first = events.find((e) => e.startDate.toJSDate().getTime() === Date.parse('2026-03-02T08:00:00Z'));
    expect(first?.endDate.toJSDate().getTime()).toBe(Date.parse('2026-03-09T08:00:00Z'));
    const second = events.find(
      (e) => e.startDate.toJSDate().getTime() === Date.parse('2026-03-09T08:00:00Z'),
    );
    expect(second).toBeDefined();
    expect(first?.summary).not.toBe(second?.summary);
  });

  it('a feed opens anonymously with its current secret only', async () => {
    const s = await newSchedule();
    const url = `/api/v1/schedules/${s.id}/calendar.ics`;
    expect((await anonymous(url)).status).toBe(401);
    expect((await alice.call('POST', `/api/v1/schedules/${s.id}/feed-token`)).status).toBe(403);
    const made = await manager.call('POST', `/api/v1/schedules/${s.id}/feed-token`);
    expect(made.status).toBe(201);
    expect(made.body.path).toBe(`${url}?token=${encodeURIComponent(made.body.token)}`);
    const ok = await anonymous(made.body.path);
    expect(ok.status).toBe(200);
    expect(ok.type).toContain('text/calendar');

    const wrong = await anonymous(`${url}?token=${made.body.token.slice(0, -2)}xx`);
    expect(wrong.status).toBe(401);
    expect(wrong.type).toContain('application/problem+json');
    // A secret of one schedule opens no other, and a missing schedule answers like a wrong secret.
    const other = await newSchedule();
    expect(
      (await anonymous(`/api/v1/schedules/${other.id}/calendar.ics?token=${made.body.token}`)).status,
    ).toBe(401);
    expect((await anonymous(`/api/v1/schedules/999999/calendar.ics?token=${made.body.token}`)).status).toBe(
      401,
    );
    // Rotating retires the old link.
    const rotated = await manager.call('POST', `/api/v1/schedules/${s.id}/feed-token`);
    expect((await anonymous(made.body.path)).status).toBe(401);
    expect((await anonymous(rotated.body.path)).status).toBe(200);

    // A person's own feed: their shifts across schedules.
    const mine = await alice.call('POST', '/api/v1/me/oncall-feed-token');
    expect(mine.status).toBe(201);
    expect(mine.body.path).toContain(`/api/v1/users/${alice.userId}/oncall.ics?token=`);
    const feed = await anonymous(mine.body.path);
    expect(feed.status).toBe(200);
    const summaries = new ICAL.Component(ICAL.parse(feed.body))
      .getAllSubcomponents('vevent')
      .map((v) => String(v.getFirstPropertyValue('summary')));
    expect(summaries).toContain(`On call: ${s.name}`);
    // Alice's secret does not open Bob's feed; the requester role may not read feeds signed in.
    expect((await anonymous(`/api/v1/users/${bob.userId}/oncall.ics?token=${mine.body.token}`)).status).toBe(
      401,
    );
    expect((await requester.call('GET', `/api/v1/users/${alice.userId}/oncall.ics`)).status).toBe(403);
    expect((await requester.call('POST', '/api/v1/me/oncall-feed-token')).status).toBe(403);
  });

  it('who is on call across schedules and in a team', async () => {
    const group = await t.app.inject({
      method: 'POST',
      url: '/api/v1/groups',
      headers: { authorization: `Bearer ${(await userSession(t.app, t.ctx, 'admin')).token}` },
      payload: { name: `Network ${++n}` },
    });
    const teamId = group.json().id;
    const s = await newSchedule({ teamId });
    const all = await alice.call('GET', '/api/v1/oncall?at=2026-03-10T12:00:00Z');
    expect(all.status).toBe(200);
    expect(all.body.items.find((i: { scheduleId: number }) => i.scheduleId === s.id)?.userId).toBe(
      bob.userId,
    );
    const team = await alice.call('GET', `/api/v1/groups/${teamId}/oncall`);
    expect(team.body.items.map((i: { scheduleId: number }) => i.scheduleId)).toEqual([s.id]);
    expect(team.body.items[0].userId).toBe(alice.userId);
    expect((await alice.call('GET', '/api/v1/groups/999999/oncall')).status).toBe(404);
    expect((await alice.call('GET', `/api/v1/schedules?teamId=${teamId}`)).body.items).toHaveLength(1);
  });

  it('never fails on odd input: far instants, leap seconds, oversized bodies, other ids', async () => {
    const s = await newSchedule();
    for (const at of ['9999-12-31T23:59:59Z', '0001-01-01T00:00:00Z', '2026-12-31T23:59:60Z', 'yesterday']) {
      const res = await alice.call('GET', `/api/v1/schedules/${s.id}/oncall?at=${encodeURIComponent(at)}`);
      expect([200, 400], `${at}: ${JSON.stringify(res.body)}`).toContain(res.status);
    }
    for (const q of [
      'from=9000-01-01T00:00:00Z&to=9000-01-02T00:00:00Z',
      'from=2026-03-05T00:00:00Z&to=2026-03-01T00:00:00Z',
    ]) {
      for (const path of ['final', 'report', 'overrides']) {
        const res = await alice.call('GET', `/api/v1/schedules/${s.id}/${path}?${q}`);
        expect([200, 400], `${path}?${q}: ${JSON.stringify(res.body)}`).toContain(res.status);
      }
      const res = await alice.call('GET', `/api/v1/oncall/double-bookings?${q}`);
      expect([200, 400]).toContain(res.status);
    }
    const huge = await manager.call('POST', '/api/v1/schedules', {
      name: `Huge ${++n}`,
      timeZone: 'UTC',
      layers: Array.from({ length: 21 }, () => weekly()),
    });
    expect(huge.status).toBe(400);
    const farOverride = await manager.call('POST', `/api/v1/schedules/${s.id}/overrides`, {
      userId: bob.userId,
      start: '2026-03-03T00:00:00Z',
      end: '2028-03-03T00:00:00Z',
    });
    expect(farOverride.status).toBe(400);
    const nobody = await manager.call('POST', `/api/v1/schedules/${s.id}/overrides`, {
      userId: requester.userId,
      start: '2026-03-03T00:00:00Z',
      end: '2026-03-03T03:00:00Z',
    });
    expect(nobody.status).toBe(400);
    // An override id of another schedule is not found through this one.
    const other = await newSchedule();
    const o = await manager.call('POST', `/api/v1/schedules/${other.id}/overrides`, {
      userId: bob.userId,
      start: '2026-04-03T00:00:00Z',
      end: '2026-04-03T03:00:00Z',
    });
    expect((await manager.call('DELETE', `/api/v1/schedules/${s.id}/overrides/${o.body.id}`)).status).toBe(
      404,
    );
    // Bob cannot see or cancel Alice's request to someone else.
    const carol = await userSession(t.app, t.ctx, 'technician');
    const r = await alice.call('POST', `/api/v1/schedules/${s.id}/requests`, {
      kind: 'cover',
      coveringUserId: carol.userId,
      start: '2026-03-04T00:00:00Z',
      end: '2026-03-04T06:00:00Z',
    });
    expect((await bob.call('POST', `/api/v1/schedule-requests/${r.body.id}/cancel`)).status).toBe(404);
    expect(
      (await bob.call('GET', '/api/v1/schedule-requests')).body.items.map((i: { id: number }) => i.id),
    ).not.toContain(r.body.id);
  });

  it('finds a person on call in two schedules at once', async () => {
    const a = await newSchedule();
    const b = await newSchedule({ layers: [{ ...weekly(), participants: [bob.userId, alice.userId] }] });
    const res = await manager.call(
      'GET',
      '/api/v1/oncall/double-bookings?from=2026-03-02T00:00:00Z&to=2026-03-09T00:00:00Z',
    );
    expect(res.status).toBe(200);
    // Week one: Alice first in a, Bob first in b; nobody is doubly booked between those two...
    const mine = (res.body.items as { scheduleIds: number[] }[]).filter(
      (d) => d.scheduleIds.includes(a.id) && d.scheduleIds.includes(b.id),
    );
    expect(mine).toEqual([]);
    // ...until Bob also covers a for a day.
    await manager.call('POST', `/api/v1/schedules/${a.id}/overrides`, {
      userId: bob.userId,
      start: '2026-03-03T00:00:00Z',
      end: '2026-03-04T00:00:00Z',
    });
    const again = await manager.call(
      'GET',
      '/api/v1/oncall/double-bookings?from=2026-03-02T00:00:00Z&to=2026-03-09T00:00:00Z',
    );
    const now = (
      again.body.items as { userId: number; start: string; end: string; scheduleIds: number[] }[]
    ).filter((d) => d.scheduleIds.includes(a.id) && d.scheduleIds.includes(b.id));
    // Other tests' schedules may split the stretch; together the pieces cover exactly Bob's day.
    expect(now.every((d) => d.userId === bob.userId)).toBe(true);
    expect(now[0]?.start).toBe(iso('2026-03-03T00:00:00Z'));
    expect(now.at(-1)?.end).toBe(iso('2026-03-04T00:00:00Z'));
    for (let k = 1; k < now.length; k++) expect(now[k].start).toBe(now[k - 1].end);
  });

  it('keeps a feed secret out of the request log', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    // An app of its own that logs requests, as the server's does.
    const c = await makeContext(dialect);
    const logged = await buildApp(c.ctx, { logger: { level: 'info', stream }, schemaController });
    try {
      const boss = actorForUser({
        ...(await createUser(c.ctx, null, {
          email: 'boss@example.test',
          name: 'Boss',
          role: 'manager',
          password: 'long-password-1',
        })),
        groupIds: [],
      });
      const s = await createSchedule(c.ctx, boss, {
        name: 'Logged',
        timeZone: 'UTC',
        layers: [{ ...weekly(), participants: [boss.id] }],
      });
      const made = await rotateScheduleFeedToken(c.ctx, boss, s.id);
      const feed = await logged.inject({ method: 'GET', url: made.path });
      expect(feed.statusCode).toBe(200);
      await logged.inject({ method: 'GET', url: '/api/v1/health' });
      expect(lines.join('')).toContain('/api/v1/health');
      expect(lines.join('')).not.toContain(made.token);
    } finally {
      await logged.close();
      await c.close();
    }
  });
});
