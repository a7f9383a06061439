// The technicians API over HTTP on both dialects: profiles with load, shift and leave; skills, time off, rules
// and group policies kept by managers; what technicians and requesters may not do; and bad input answered
// with problem+json naming the field, never a crash.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../../src/core/auth/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('technicians API on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let manager: Session;
  let tech: Session;
  let other: Session;
  let requester: Session;
  let group: number;
  let calendar: number;

  beforeAll(async () => {
    t = await makeApp(dialect);
    // Monday 2 March 2026, 10:00 in Berlin.
    t.clock.set(Date.parse('2026-03-02T09:00:00Z'));
    admin = await userSession(t.app, t.ctx, 'admin');
    manager = await userSession(t.app, t.ctx, 'manager');
    group = (await createGroup(t.ctx, null, { name: 'Service Desk' })).id;
    tech = await userSession(t.app, t.ctx, 'technician', [group]);
    other = await userSession(t.app, t.ctx, 'technician', [group]);
    requester = await userSession(t.app, t.ctx, 'requester');
    calendar = (
      await admin.call('POST', '/api/v1/sla/calendars', {
        name: 'Office',
        timeZone: 'Europe/Berlin',
        hours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '08:00', end: '18:00' })),
      })
    ).body.id;
  });
  afterAll(async () => t?.close());

  it('a manager sets skills, calendar and capacity; staff see load, shift and leave', async () => {
    const vpn = await manager.call('POST', '/api/v1/skills', {
      name: 'VPN',
      description: 'Remote access',
      keywords: ['VPN', ' AnyConnect '],
      neededLevel: 2,
    });
    expect(vpn.status).toBe(201);
    expect(vpn.body).toMatchObject({ name: 'VPN', keywords: ['vpn', 'anyconnect'], neededLevel: 2 });
    const put = await manager.call('PUT', `/api/v1/technicians/${tech.userId}`, {
      skills: [{ skillId: vpn.body.id, level: 4 }],
      calendarId: calendar,
      maxOpenTickets: 6,
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      userId: tech.userId,
      skills: [{ skillId: vpn.body.id, name: 'VPN', level: 4 }],
      calendarId: calendar,
      timeZone: 'Europe/Berlin',
      maxOpenTickets: 6,
      openTickets: 0,
      onShift: true,
      onShiftUntil: '2026-03-02T17:00:00.000Z',
      onLeave: false,
      available: true,
      groupIds: [group],
    });
    await tech.call('POST', `/api/v1/technicians/${tech.userId}/time-off`, {
      startsAt: '2026-03-02T08:00:00Z',
      endsAt: '2026-03-02T12:00:00Z',
      reason: 'doctor',
    });
    const list = await other.call('GET', '/api/v1/technicians');
    expect(list.status).toBe(200);
    const me = list.body.items.find((i: { userId: number }) => i.userId === tech.userId);
    expect(me).toMatchObject({ onLeave: true, leaveUntil: '2026-03-02T12:00:00.000Z', available: false });
    // Without a profile: defaults, on shift around the clock.
    const plain = list.body.items.find((i: { userId: number }) => i.userId === other.userId);
    expect(plain).toMatchObject({ maxOpenTickets: 10, calendarId: null, skills: [], onShift: true });
    expect(list.body.items.some((i: { userId: number }) => i.userId === requester.userId)).toBe(false);
    const inGroup = await tech.call('GET', `/api/v1/technicians?groupId=${group}`);
    expect(inGroup.body.items.map((i: { userId: number }) => i.userId).sort()).toEqual(
      [tech.userId, other.userId].sort(),
    );
    // A skill removed leaves the people's profiles.
    expect((await manager.call('DELETE', `/api/v1/skills/${vpn.body.id}`)).status).toBe(204);
    expect((await tech.call('GET', `/api/v1/technicians/${tech.userId}`)).body.skills).toEqual([]);
  });

  it('a technician keeps their own time off but not a colleague’s; a manager keeps anyone’s', async () => {
    const body = { startsAt: '2026-03-10T00:00:00Z', endsAt: '2026-03-12T00:00:00Z', reason: 'holiday' };
    const mine = await tech.call('POST', `/api/v1/technicians/${tech.userId}/time-off`, body);
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ userId: tech.userId, reason: 'holiday', createdBy: tech.userId });
    expect((await tech.call('POST', `/api/v1/technicians/${other.userId}/time-off`, body)).status).toBe(403);
    expect(
      (await other.call('DELETE', `/api/v1/technicians/${tech.userId}/time-off/${mine.body.id}`)).status,
    ).toBe(403);
    expect((await requester.call('GET', `/api/v1/technicians/${tech.userId}/time-off`)).status).toBe(403);
    const byManager = await manager.call('POST', `/api/v1/technicians/${other.userId}/time-off`, body);
    expect(byManager.status).toBe(201);
    const listed = await other.call('GET', `/api/v1/technicians/${tech.userId}/time-off`);
    expect(listed.body.items.map((i: { id: number }) => i.id)).toContain(mine.body.id);
    // A colleague sees when, not why; the person and managers see why.
    const seen = (items: { id: number; reason: string }[]) =>
      items.find((i) => i.id === mine.body.id)?.reason;
    expect(seen(listed.body.items)).toBe('');
    expect(seen((await tech.call('GET', `/api/v1/technicians/${tech.userId}/time-off`)).body.items)).toBe(
      'holiday',
    );
    expect(seen((await manager.call('GET', `/api/v1/technicians/${tech.userId}/time-off`)).body.items)).toBe(
      'holiday',
    );
    // Another person's entry is not found under this person.
    expect(
      (await manager.call('DELETE', `/api/v1/technicians/${tech.userId}/time-off/${byManager.body.id}`))
        .status,
    ).toBe(404);
    expect(
      (await tech.call('DELETE', `/api/v1/technicians/${tech.userId}/time-off/${mine.body.id}`)).status,
    ).toBe(204);
    const backwards = await tech.call('POST', `/api/v1/technicians/${tech.userId}/time-off`, {
      startsAt: '2026-03-12T00:00:00Z',
      endsAt: '2026-03-10T00:00:00Z',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors[0].field).toBe('/endsAt');
    const tooLong = await manager.call('POST', `/api/v1/technicians/${tech.userId}/time-off`, {
      startsAt: '2026-03-01T00:00:00Z',
      endsAt: '2028-03-01T00:00:00Z',
    });
    expect(tooLong.status).toBe(400);
    const notStaff = await manager.call('POST', `/api/v1/technicians/${requester.userId}/time-off`, body);
    expect(notStaff.status).toBe(404);
  });

  it('requesters and technicians cannot change skills, profiles, rules or policies (403)', async () => {
    for (const who of [tech, requester]) {
      expect((await who.call('POST', '/api/v1/skills', { name: 'Sneaky' })).status).toBe(403);
      expect(
        (await who.call('PUT', `/api/v1/technicians/${who.userId}`, { maxOpenTickets: 99 })).status,
      ).toBe(403);
      expect((await who.call('PUT', `/api/v1/technicians/${tech.userId}`, { skills: [] })).status).toBe(403);
      expect((await who.call('POST', '/api/v1/assignment-rules', { name: 'x', groupId: group })).status).toBe(
        403,
      );
      expect(
        (await who.call('PUT', `/api/v1/groups/${group}/assignment-policy`, { policy: 'round_robin' }))
          .status,
      ).toBe(403);
    }
    expect((await requester.call('GET', '/api/v1/skills')).status).toBe(403);
    expect((await requester.call('GET', '/api/v1/technicians')).status).toBe(403);
    expect((await tech.call('GET', '/api/v1/skills')).status).toBe(200);
  });

  it('refuses bad input with the field named: unknown user, level 7, unknown skill, group or calendar', async () => {
    const skill = (await manager.call('POST', '/api/v1/skills', { name: 'Printers' })).body;
    const cases: [string, string, unknown, number, string?][] = [
      ['PUT', '/api/v1/technicians/999999', { maxOpenTickets: 3 }, 404, 'user_not_found'],
      ['PUT', `/api/v1/technicians/${requester.userId}`, { maxOpenTickets: 3 }, 404, 'user_not_found'],
      ['PUT', `/api/v1/technicians/${tech.userId}`, { skills: [{ skillId: skill.id, level: 7 }] }, 400],
      [
        'PUT',
        `/api/v1/technicians/${tech.userId}`,
        { skills: [{ skillId: 999999, level: 3 }] },
        400,
        'invalid_reference',
      ],
      [
        'PUT',
        `/api/v1/technicians/${tech.userId}`,
        {
          skills: [
            { skillId: skill.id, level: 3 },
            { skillId: skill.id, level: 2 },
          ],
        },
        400,
      ],
      ['PUT', `/api/v1/technicians/${tech.userId}`, { calendarId: 999999 }, 400, 'invalid_reference'],
      ['PUT', `/api/v1/technicians/${tech.userId}`, { maxOpenTickets: -1 }, 400],
      ['PUT', `/api/v1/technicians/${tech.userId}`, { role: 'admin' }, 400],
      ['POST', '/api/v1/skills', { name: 'Printers' }, 409, 'skill_name_taken'],
      ['POST', '/api/v1/skills', { name: '   ' }, 400],
      ['POST', '/api/v1/skills', { name: 'Punctuation', keywords: ['!!!'] }, 400],
      ['POST', '/api/v1/skills', { name: 'Cats', categoryIds: [999999] }, 400, 'invalid_reference'],
      [
        'POST',
        '/api/v1/skills',
        { name: 'Many', keywords: Array.from({ length: 51 }, (_, i) => `k${i}`) },
        400,
      ],
      ['PATCH', '/api/v1/skills/999999', { name: 'Ghost' }, 404, 'skill_not_found'],
      ['PUT', '/api/v1/groups/999999/assignment-policy', { policy: 'round_robin' }, 404, 'group_not_found'],
      ['GET', '/api/v1/groups/999999/assignment-policy', undefined, 404, 'group_not_found'],
      ['GET', '/api/v1/groups/999999/assignment-proposals', undefined, 404, 'group_not_found'],
      ['PUT', `/api/v1/groups/${group}/assignment-policy`, { policy: 'random' }, 400],
      ['POST', '/api/v1/assignment-rules', { name: 'Nowhere', groupId: 999999 }, 400, 'invalid_reference'],
      [
        'POST',
        '/api/v1/assignment-rules',
        { name: 'x', groupId: group, skillId: 999999 },
        400,
        'invalid_reference',
      ],
      ['POST', '/api/v1/assignment-rules', { name: 'x', groupId: group, skillLevel: 7 }, 400],
      [
        'POST',
        '/api/v1/assignment-rules',
        { name: 'x', groupId: group, conditions: { requesterGroupIds: [999999] } },
        400,
        'invalid_reference',
      ],
      ['PATCH', '/api/v1/assignment-rules/999999', { name: 'Ghost' }, 404, 'assignment_rule_not_found'],
      ['GET', '/api/v1/technicians/0', undefined, 400],
      ['GET', '/api/v1/technicians/abc', undefined, 400],
    ];
    for (const [method, url, body, status, code] of cases) {
      const res = await manager.call(method as 'GET', url, body);
      expect(res.status, `${method} ${url} ${JSON.stringify(body)}`).toBe(status);
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
      if (code) expect(res.body.code).toBe(code);
    }
  });

  it('routing rules keep their order, and a policy set to manual never runs on its own', async () => {
    const vpn = (await manager.call('POST', '/api/v1/skills', { name: 'Remote' })).body;
    const first = await manager.call('POST', '/api/v1/assignment-rules', {
      name: 'Remote access',
      conditions: { keywords: ['vpn', 'remote desktop'] },
      groupId: group,
      skillId: vpn.id,
      skillLevel: 3,
    });
    expect(first.status).toBe(201);
    const second = await manager.call('POST', '/api/v1/assignment-rules', {
      name: 'Catch-all',
      groupId: group,
    });
    expect(second.body.position).toBeGreaterThan(first.body.position);
    const moved = await manager.call('PATCH', `/api/v1/assignment-rules/${second.body.id}`, { position: 0 });
    expect(moved.status).toBe(200);
    const listed = await tech.call('GET', '/api/v1/assignment-rules');
    expect(listed.body.items.map((r: { id: number }) => r.id).slice(0, 2)).toEqual([
      second.body.id,
      first.body.id,
    ]);
    // The rule's skill goes when the skill does; the rule keeps routing.
    await manager.call('DELETE', `/api/v1/skills/${vpn.id}`);
    const after = (await tech.call('GET', '/api/v1/assignment-rules')).body.items.find(
      (r: { id: number }) => r.id === first.body.id,
    );
    expect(after).toMatchObject({
      skillId: null,
      groupId: group,
      conditions: { keywords: ['vpn', 'remote desktop'] },
    });
    expect((await manager.call('DELETE', `/api/v1/assignment-rules/${first.body.id}`)).status).toBe(204);
    expect((await manager.call('DELETE', `/api/v1/assignment-rules/${second.body.id}`)).status).toBe(204);

    const before = await tech.call('GET', `/api/v1/groups/${group}/assignment-policy`);
    expect(before.body).toEqual({
      groupId: group,
      policy: 'manual',
      auto: false,
      lastUserId: null,
      updatedAt: null,
    });
    const manual = await manager.call('PUT', `/api/v1/groups/${group}/assignment-policy`, {
      policy: 'manual',
      auto: true,
    });
    expect(manual.body).toMatchObject({ policy: 'manual', auto: false });
    const rr = await manager.call('PUT', `/api/v1/groups/${group}/assignment-policy`, {
      policy: 'round_robin',
      auto: true,
    });
    expect(rr.body).toMatchObject({ policy: 'round_robin', auto: true });
  });
  it('a deleted working calendar leaves its people on shift around the clock, not a failed delete', async () => {
    const evening = (
      await admin.call('POST', '/api/v1/sla/calendars', {
        name: 'Evening',
        timeZone: 'America/New_York',
        hours: [{ day: 1, start: '18:00', end: '22:00' }],
      })
    ).body.id;
    const put = await manager.call('PUT', `/api/v1/technicians/${other.userId}`, { calendarId: evening });
    expect(put.body).toMatchObject({ onShift: false, timeZone: 'America/New_York', available: false });
    // Monday 18:00 in New York is 23:00 UTC (EST).
    expect(put.body.nextShiftAt).toBe('2026-03-02T23:00:00.000Z');
    expect((await admin.call('DELETE', `/api/v1/sla/calendars/${evening}`)).status).toBe(204);
    const after = await other.call('GET', `/api/v1/technicians/${other.userId}`);
    expect(after.body).toMatchObject({ calendarId: null, onShift: true, timeZone: 'UTC' });
  });

  it('answers 401 to a forged token and 400 to an oversized list', async () => {
    const forged = await t.app.inject({
      method: 'GET',
      url: '/api/v1/technicians',
      headers: { authorization: 'Bearer not-a-real-token' },
    });
    expect(forged.statusCode).toBe(401);
    const huge = await manager.call('PUT', `/api/v1/technicians/${tech.userId}`, {
      skills: Array.from({ length: 5000 }, (_, i) => ({ skillId: i + 1, level: 3 })),
    });
    expect(huge.status).toBe(400);
  });
});
