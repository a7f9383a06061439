// POST /api/v1/rosters/generate on SQLite and PostgreSQL: a manager gets a layer of shifts with the checker's
// verdict and fairness figures; an infeasible request answers 200 with feasible: false and the rule; bad input is
// a problem with field paths; people must be active staff; technicians and requesters may not generate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const url = '/api/v1/rosters/generate';

describe.each(dialects)('roster generation over HTTP on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let admin: Session;
  let tech: Session;
  let requester: Session;
  const staff: number[] = [];

  const body = (people: number[], over: Record<string, unknown> = {}) => ({
    period: { start: '2026-03-23', end: '2026-04-05', timeZone: 'Europe/Berlin' },
    shifts: [
      { name: 'early', start: '06:00', end: '14:00' },
      { name: 'late', start: '14:00', end: '22:00' },
      { name: 'night', start: '22:00', end: '06:00' },
    ],
    people: people.map((userId) => ({ userId })),
    holidays: ['2026-04-03'],
    rules: { maxHoursPerWeek: 48, minRestHours: 11, maxConsecutiveNights: 3 },
    ...over,
  });

  beforeAll(async () => {
    t = await makeApp(dialect);
    manager = await userSession(t.app, t.ctx, 'manager');
    admin = await userSession(t.app, t.ctx, 'admin');
    tech = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
    for (let i = 0; i < 5; i++) staff.push((await userSession(t.app, t.ctx, 'technician')).userId);
    staff.push(tech.userId);
  });
  afterAll(async () => t?.close());

  it('gives a manager a roster across the spring DST change that meets every rule', async () => {
    const r = await manager.call('POST', url, body(staff));
    expect(r.status).toBe(200);
    expect(r.body.feasible).toBe(true);
    expect(r.body.layer.kind).toBe('shifts');
    expect(r.body.layer.name).toBe('Generated roster');
    expect(r.body.layer.shifts).toHaveLength(14 * 3);
    expect(r.body.checks.ok).toBe(true);
    expect(r.body.checks.violations).toEqual([]);
    expect(r.body.violations).toBeUndefined();
    const springNight = r.body.layer.shifts.find((s: { start: string }) => s.start === '2026-03-28T22:00');
    expect(springNight.end).toBe('2026-03-29T06:00');
    const hours = r.body.stats.reduce((n: number, s: { hours: number }) => n + s.hours, 0);
    expect(hours).toBe(14 * 24 - 1);
    expect(new Set(r.body.layer.shifts.map((s: { userId: number }) => s.userId))).toEqual(new Set(staff));
    expect(r.body.fairness.nights.spread).toBeLessThanOrEqual(1);
    expect(r.body.stats.reduce((n: number, s: { holidays: number }) => n + s.holidays, 0)).toBe(3);
  });

  it('answers 200 with feasible: false and the rule when the rules cannot be met', async () => {
    const r = await admin.call(
      'POST',
      url,
      body(staff.slice(0, 3), { rules: { maxHoursPerWeek: 40, minRestHours: 11, maxConsecutiveNights: 3 } }),
    );
    expect(r.status).toBe(200);
    expect(r.body.feasible).toBe(false);
    expect(r.body.layer).toBeUndefined();
    expect(r.body.violations[0]).toMatchObject({
      rule: 'maxHoursPerWeek',
      basis: 'proof',
      explanation:
        'in the week of 2026-03-23 the coverage needs 167 h but 3 people × 40 h can give at most 120 h',
    });
  });

  it('names the fields of a bad request', async () => {
    const r = await manager.call(
      'POST',
      url,
      body(staff, {
        period: { start: '2026-03-23', end: '2026-03-01', timeZone: 'Europe/Atlantis' },
        shifts: [{ name: 'x', start: '23:00', end: '24:30' }],
      }),
    );
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toContain('application/problem+json');
    expect(r.body.code).toBe('validation_failed');
    expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual([
      '/period/timeZone',
      '/period/end',
      '/shifts/0/end',
    ]);
  });

  it('refuses the schema’s bounds before any work: too many people, unknown fields', async () => {
    const many = Array.from({ length: 101 }, (_, i) => i + 1);
    expect((await manager.call('POST', url, body(many))).status).toBe(400);
    const extra = await manager.call('POST', url, { ...body(staff), admin: true });
    expect(extra.status).toBe(400);
    const year = await manager.call(
      'POST',
      url,
      body(staff, { period: { start: '2026-01-01', end: '2027-06-01', timeZone: 'UTC' } }),
    );
    expect(year.status).toBe(400);
    expect(year.body.errors[0].field).toBe('/period/end');
  });

  it('takes only active staff users as people', async () => {
    const withRequester = await manager.call('POST', url, body([...staff, requester.userId]));
    expect(withRequester.status).toBe(400);
    expect(withRequester.body).toMatchObject({
      code: 'invalid_reference',
      errors: [{ field: `/people/${staff.length}/userId`, message: 'not an active staff user' }],
    });
    const unknown = await manager.call('POST', url, body([...staff, 999_999]));
    expect(unknown.status).toBe(400);
    const gone = (await userSession(t.app, t.ctx, 'technician')).userId;
    expect((await admin.call('PATCH', `/api/v1/users/${gone}`, { active: false })).status).toBe(200);
    const inactive = await manager.call('POST', url, body([...staff, gone]));
    expect(inactive.status).toBe(400);
    expect(inactive.body.errors[0].field).toBe(`/people/${staff.length}/userId`);
  });

  it('is for managers and admins: technicians and requesters are refused', async () => {
    expect((await tech.call('POST', url, body(staff))).status).toBe(403);
    expect((await requester.call('POST', url, body(staff))).status).toBe(403);
    const anonymous = await t.app.inject({ method: 'POST', url, payload: body(staff) });
    expect(anonymous.statusCode).toBe(401);
    const forged = await t.app.inject({
      method: 'POST',
      url,
      payload: body(staff),
      headers: { authorization: 'Bearer not-a-real-token' },
    });
    expect(forged.statusCode).toBe(401);
  });
});
