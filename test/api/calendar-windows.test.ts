// GET /api/v1/sla/calendars/{id}/open-windows on SQLite and PostgreSQL: the open intervals of a Berlin
// calendar across the spring DST change and a holiday, a 24/7 calendar as one interval, the range bounds,
// and the same readers as the calendar itself (staff yes, requesters no).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const windowsUrl = (id: number, from: string, to: string) =>
  `/api/v1/sla/calendars/${id}/open-windows?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

describe.each(dialects)('calendar open windows on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let tech: Session;
  let requester: Session;
  let berlin: number;
  let allDay: number;

  beforeAll(async () => {
    t = await makeApp(dialect);
    admin = await userSession(t.app, t.ctx, 'admin');
    tech = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
    const office = await admin.call('POST', '/api/v1/sla/calendars', {
      name: 'Berlin office',
      timeZone: 'Europe/Berlin',
      alwaysOpen: false,
      hours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })),
      holidays: [{ date: '2026-03-31', name: 'Closed for inventory', yearly: false }],
    });
    expect(office.status).toBe(201);
    berlin = office.body.id;
    const open = await admin.call('POST', '/api/v1/sla/calendars', {
      name: 'Around the clock',
      timeZone: 'UTC',
      alwaysOpen: true,
      hours: [],
      holidays: [],
    });
    expect(open.status).toBe(201);
    allDay = open.body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it('gives the working hours in UTC on both sides of the DST change, and none on the holiday', async () => {
    // Europe/Berlin moves from UTC+1 to UTC+2 on Sunday 2026-03-29; Tuesday 31 is a holiday.
    const r = await tech.call('GET', windowsUrl(berlin, '2026-03-27T00:00:00Z', '2026-04-01T12:00:00Z'));
    expect(r.status).toBe(200);
    expect(r.body.calendarId).toBe(berlin);
    expect(r.body.windows).toEqual([
      { start: '2026-03-27T08:00:00.000Z', end: '2026-03-27T16:00:00.000Z' },
      { start: '2026-03-30T07:00:00.000Z', end: '2026-03-30T15:00:00.000Z' },
      { start: '2026-04-01T07:00:00.000Z', end: '2026-04-01T12:00:00.000Z' },
    ]);
  });

  it('clips the windows to the range asked', async () => {
    const r = await tech.call('GET', windowsUrl(berlin, '2026-03-27T10:30:00Z', '2026-03-27T12:00:00Z'));
    expect(r.body.windows).toEqual([{ start: '2026-03-27T10:30:00.000Z', end: '2026-03-27T12:00:00.000Z' }]);
  });

  it('gives a 24/7 calendar as one interval across days', async () => {
    const r = await tech.call('GET', windowsUrl(allDay, '2026-03-27T05:00:00Z', '2026-03-30T05:00:00Z'));
    expect(r.body.windows).toEqual([{ start: '2026-03-27T05:00:00.000Z', end: '2026-03-30T05:00:00.000Z' }]);
  });

  it('refuses a range that is empty, backwards or longer than 366 days', async () => {
    const backwards = await tech.call(
      'GET',
      windowsUrl(berlin, '2026-03-27T00:00:00Z', '2026-03-26T00:00:00Z'),
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.code).toBe('validation_failed');
    const long = await tech.call('GET', windowsUrl(berlin, '2026-01-01T00:00:00Z', '2027-01-03T00:00:00Z'));
    expect(long.status).toBe(400);
    const notATime = await tech.call('GET', windowsUrl(berlin, 'yesterday', '2026-03-26T00:00:00Z'));
    expect(notATime.status).toBe(400);
  });

  it('is read like the calendar: 404 for an unknown one, 403 for a requester, 401 without a session', async () => {
    expect(
      (await tech.call('GET', windowsUrl(999_999, '2026-03-27T00:00:00Z', '2026-03-28T00:00:00Z'))).status,
    ).toBe(404);
    expect(
      (await requester.call('GET', windowsUrl(berlin, '2026-03-27T00:00:00Z', '2026-03-28T00:00:00Z')))
        .status,
    ).toBe(403);
    const anonymous = await t.app.inject({
      method: 'GET',
      url: windowsUrl(berlin, '2026-03-27T00:00:00Z', '2026-03-28T00:00:00Z'),
    });
    expect(anonymous.statusCode).toBe(401);
  });
});
