// Time tracking over HTTP on SQLite and PostgreSQL: entries logged by hand and by a timer that runs on the
// server (started in one request, stopped in another after the fake clock moved), ownership of entries, the
// time report's totals per grouping, the "required on resolve" setting on the single and the bulk change, and
// requesters kept out (404 where they may not see the ticket, 403 where they may).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import type { Role } from '../../src/core/db/index.js';
import { errorCatalogue } from '../../src/core/errors.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn } from '../support/http.js';

const minute = 60_000;

describe.each(dialects)('time tracking on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let manager: Session;
  let tech: Session;
  let other: Session;
  let requester: Session;
  let stranger: Session;

  /** A ticket of the requester's, in a group and category when given. */
  async function ticket(extra: Record<string, unknown> = {}): Promise<number> {
    const r = await tech.call('POST', '/api/v1/tickets', {
      title: `Printer ${Math.random()}`,
      description: 'jammed',
      requesterId: requester.userId,
      ...extra,
    });
    expect(r.status).toBe(201);
    return r.body.id;
  }

  const password = 'correct horse battery';
  const cast: [string, Role][] = [
    ['admin', 'admin'],
    ['manager', 'manager'],
    ['tech', 'technician'],
    ['other', 'technician'],
    ['requester', 'requester'],
    ['stranger', 'requester'],
  ];
  /** Sign everyone in (again: moving the clock a day on ends the sessions, as it would). */
  async function signInAll(): Promise<void> {
    [admin, manager, tech, other, requester, stranger] = await Promise.all(
      cast.map(([name]) => signIn(t.app, `${name}@time.test`, password)),
    );
  }

  beforeAll(async () => {
    t = await makeApp(dialect);
    for (const [name, role] of cast)
      await createUser(t.ctx, null, { email: `${name}@time.test`, name: `The ${name}`, role, password });
    await signInAll();
  });
  afterAll(async () => t?.close());

  it('entries are logged, listed with totals, changed and deleted by their owner or a manager', async () => {
    const id = await ticket();
    const a = await tech.call('POST', `/api/v1/tickets/${id}/time-entries`, {
      minutes: 45,
      note: 'Cleared the paper path',
    });
    expect(a.status).toBe(201);
    expect(a.body).toMatchObject({
      ticketId: id,
      userId: tech.userId,
      minutes: 45,
      billable: true,
      source: 'manual',
      note: 'Cleared the paper path',
      workedOn: new Date(t.clock.now()).toISOString(),
    });
    const span = await other.call('POST', `/api/v1/tickets/${id}/time-entries`, {
      startedAt: new Date(t.clock.now() - 90 * minute).toISOString(),
      endedAt: new Date(t.clock.now() - 60 * minute).toISOString(),
      billable: false,
    });
    expect(span.body).toMatchObject({ minutes: 30, billable: false });
    expect(span.body.workedOn).toBe(span.body.startedAt);

    const list = await tech.call('GET', `/api/v1/tickets/${id}/time-entries`);
    expect(list.status).toBe(200);
    expect(list.body.totals).toEqual({ minutes: 75, billableMinutes: 45 });
    expect(list.body.items.map((e: { id: number }) => e.id)).toEqual([span.body.id, a.body.id]);
    expect(list.body.timer).toBeNull();

    // Bounds and shapes.
    for (const body of [
      { minutes: 0 },
      { minutes: 1441 },
      { minutes: 1.5 },
      {},
      { minutes: 5, startedAt: new Date(t.clock.now() - minute).toISOString() },
      {
        startedAt: new Date(t.clock.now()).toISOString(),
        endedAt: new Date(t.clock.now() - minute).toISOString(),
      },
      { minutes: 5, note: 'x'.repeat(2001) },
      { minutes: 5, workedOn: new Date(t.clock.now() + 3 * 86_400_000).toISOString() },
      { minutes: 5, workedOn: 'yesterday' },
    ]) {
      const r = await tech.call('POST', `/api/v1/tickets/${id}/time-entries`, body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.code).toBe('validation_failed');
    }

    // Ownership: another technician may not change it; its owner and a manager may.
    expect((await other.call('PATCH', `/api/v1/time-entries/${a.body.id}`, { minutes: 50 })).status).toBe(
      403,
    );
    expect((await other.call('DELETE', `/api/v1/time-entries/${a.body.id}`)).status).toBe(403);
    const changed = await tech.call('PATCH', `/api/v1/time-entries/${a.body.id}`, {
      minutes: 50,
      billable: false,
    });
    expect(changed.body).toMatchObject({ minutes: 50, billable: false });
    expect(
      (await manager.call('PATCH', `/api/v1/time-entries/${a.body.id}`, { note: 'checked' })).body.note,
    ).toBe('checked');
    expect((await manager.call('DELETE', `/api/v1/time-entries/${span.body.id}`)).status).toBe(204);
    expect((await tech.call('PATCH', `/api/v1/time-entries/${span.body.id}`, { minutes: 5 })).body.code).toBe(
      'time_entry_not_found',
    );
    expect((await tech.call('GET', `/api/v1/tickets/${id}/time-entries`)).body.totals).toEqual({
      minutes: 50,
      billableMinutes: 0,
    });

    // The history shows logged, changed and removed time (staff only).
    const history = (await tech.call('GET', `/api/v1/tickets/${id}/history`)).body.items.filter(
      (h: { field: string }) => h.field === 'time_entry',
    );
    expect(history.map((h: { from: string | null; to: string | null }) => [h.from, h.to])).toEqual([
      [null, '45'],
      [null, '30'],
      ['45', '50'],
      ['30', null],
    ]);
    expect(history.every((h: { visibility: string }) => h.visibility === 'internal')).toBe(true);
    const seen = (await requester.call('GET', `/api/v1/tickets/${id}/history`)).body.items;
    expect(seen.some((h: { field: string }) => h.field === 'time_entry')).toBe(false);
  });

  it('a timer runs on the server across requests and logs every minute begun when stopped', async () => {
    const id = await ticket();
    const started = await tech.call('POST', `/api/v1/tickets/${id}/timer/start`);
    expect(started.status).toBe(201);
    expect(started.body.startedAt).toBe(new Date(t.clock.now()).toISOString());
    expect((await tech.call('POST', `/api/v1/tickets/${id}/timer/start`)).body.code).toBe(
      'timer_already_running',
    );
    // Another person's timer on the same ticket is their own.
    expect((await other.call('POST', `/api/v1/tickets/${id}/timer/stop`, {})).body.code).toBe(
      'timer_not_running',
    );

    t.clock.advance(25 * minute + 10_000);
    // A reload reads the running timer back.
    expect((await tech.call('GET', `/api/v1/tickets/${id}/time-entries`)).body.timer).toEqual({
      startedAt: started.body.startedAt,
    });
    const stopped = await tech.call('POST', `/api/v1/tickets/${id}/timer/stop`, {
      note: 'Replaced the fuser',
    });
    expect(stopped.status).toBe(201);
    expect(stopped.body).toMatchObject({
      minutes: 26,
      source: 'timer',
      startedAt: started.body.startedAt,
      endedAt: new Date(t.clock.now()).toISOString(),
      workedOn: started.body.startedAt,
      note: 'Replaced the fuser',
    });
    expect((await tech.call('POST', `/api/v1/tickets/${id}/timer/stop`, {})).body.code).toBe(
      'timer_not_running',
    );
    expect((await tech.call('GET', `/api/v1/tickets/${id}/time-entries`)).body.timer).toBeNull();

    // A timer forgotten over a day is not logged as is: say the minutes, or discard it.
    await tech.call('POST', `/api/v1/tickets/${id}/timer/start`);
    t.clock.advance(30 * 60 * minute);
    await signInAll();
    const tooLong = await tech.call('POST', `/api/v1/tickets/${id}/timer/stop`, {});
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors).toEqual([expect.objectContaining({ field: '/minutes' })]);
    expect((await tech.call('GET', `/api/v1/tickets/${id}/time-entries`)).body.timer).not.toBeNull();
    expect((await tech.call('POST', `/api/v1/tickets/${id}/timer/stop`, { minutes: 90 })).body.minutes).toBe(
      90,
    );
    await tech.call('POST', `/api/v1/tickets/${id}/timer/start`);
    expect((await tech.call('DELETE', `/api/v1/tickets/${id}/timer`)).status).toBe(204);
    expect((await tech.call('DELETE', `/api/v1/tickets/${id}/timer`)).body.code).toBe('timer_not_running');
    expect((await tech.call('GET', `/api/v1/tickets/${id}/time-entries`)).body.totals.minutes).toBe(116);
  });

  it('the time report totals minutes and billable minutes per ticket, technician, group and category', async () => {
    // A fresh span of time, after everything the other tests logged.
    t.clock.advance(86_400_000);
    await signInAll();
    const from = new Date(t.clock.now()).toISOString();
    const group = (await admin.call('POST', '/api/v1/groups', { name: `Field ${dialect}` })).body.id;
    const category = (await admin.call('POST', '/api/v1/categories', { name: `Printers ${dialect}` })).body
      .id;
    const x = await ticket({ groupId: group, categoryId: category });
    const y = await ticket();
    await tech.call('POST', `/api/v1/tickets/${x}/time-entries`, { minutes: 30 });
    await tech.call('POST', `/api/v1/tickets/${x}/time-entries`, { minutes: 15, billable: false });
    await other.call('POST', `/api/v1/tickets/${x}/time-entries`, { minutes: 60 });
    await other.call('POST', `/api/v1/tickets/${y}/time-entries`, { minutes: 10 });
    t.clock.advance(minute);
    const to = new Date(t.clock.now()).toISOString();
    const report = async (groupBy: string) => {
      const r = await manager.call('GET', `/api/v1/reports/time?from=${from}&to=${to}&groupBy=${groupBy}`);
      expect(r.status).toBe(200);
      expect(r.body.totals).toEqual({ minutes: 115, billableMinutes: 100, entries: 4 });
      return r.body.rows.map(
        (row: { id: number | null; minutes: number; billableMinutes: number; entries: number }) => [
          row.id,
          row.minutes,
          row.billableMinutes,
          row.entries,
        ],
      );
    };
    expect(await report('ticket')).toEqual([
      [x, 105, 90, 3],
      [y, 10, 10, 1],
    ]);
    expect(await report('technician')).toEqual([
      [other.userId, 70, 70, 2],
      [tech.userId, 45, 30, 2],
    ]);
    expect(await report('group')).toEqual([
      [group, 105, 90, 3],
      [null, 10, 10, 1],
    ]);
    const byCategory = await manager.call(
      'GET',
      `/api/v1/reports/time?from=${from}&to=${to}&groupBy=category`,
    );
    expect(byCategory.body.rows.map((r: { label: string }) => r.label)).toEqual([
      `Printers ${dialect}`,
      'No category',
    ]);
    // An empty span, a reversed one, a malformed time, and who may not see it.
    const empty = await admin.call(
      'GET',
      `/api/v1/reports/time?from=${to}&to=${new Date(t.clock.now() + minute).toISOString()}`,
    );
    expect(empty.body).toMatchObject({
      totals: { minutes: 0, billableMinutes: 0, entries: 0 },
      rows: [],
      groupBy: 'technician',
    });
    expect((await manager.call('GET', `/api/v1/reports/time?from=${to}&to=${from}`)).status).toBe(400);
    expect((await manager.call('GET', '/api/v1/reports/time?from=soon')).body.code).toBe('validation_failed');
    expect((await manager.call('GET', '/api/v1/reports/time?groupBy=colour')).status).toBe(400);
    expect((await tech.call('GET', '/api/v1/reports/time')).status).toBe(403);
    expect((await requester.call('GET', '/api/v1/reports/time')).status).toBe(403);
  });

  it('with the setting on, resolving needs time logged — through the single and the bulk change', async () => {
    const settings = await tech.call('GET', '/api/v1/settings/time-tracking');
    expect(settings.body).toEqual({ requiredOnResolve: false });
    const free = await ticket({ assigneeId: tech.userId });
    expect((await tech.call('PATCH', `/api/v1/tickets/${free}`, { status: 'resolved' })).body.status).toBe(
      'resolved',
    );

    expect(
      (await manager.call('PUT', '/api/v1/settings/time-tracking', { requiredOnResolve: true })).status,
    ).toBe(403);
    const on = await admin.call('PUT', '/api/v1/settings/time-tracking', { requiredOnResolve: true });
    expect(on.body).toEqual({ requiredOnResolve: true });
    expect((await tech.call('GET', '/api/v1/settings/time-tracking')).body).toEqual({
      requiredOnResolve: true,
    });

    const id = await ticket({ assigneeId: tech.userId });
    const refused = await tech.call('PATCH', `/api/v1/tickets/${id}`, { status: 'resolved' });
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ code: 'time_entry_required', status: 409 });
    expect(refused.body.detail).toContain(`Ticket ${id} has no time logged`);
    // Other changes pass; a running timer is not logged time yet.
    expect((await tech.call('PATCH', `/api/v1/tickets/${id}`, { status: 'in_progress' })).status).toBe(200);
    await tech.call('POST', `/api/v1/tickets/${id}/timer/start`);
    const bulk = await tech.call('POST', '/api/v1/tickets/bulk', {
      ids: [id],
      changes: { status: 'resolved' },
    });
    expect(bulk.body.results[0]).toMatchObject({
      ok: false,
      error: { status: 409, code: 'time_entry_required' },
    });
    t.clock.advance(5 * minute);
    await tech.call('POST', `/api/v1/tickets/${id}/timer/stop`, {});
    const resolved = await tech.call('POST', '/api/v1/tickets/bulk', {
      ids: [id],
      changes: { status: 'resolved' },
    });
    expect(resolved.body.results[0]).toMatchObject({ ok: true, ticket: { status: 'resolved' } });

    await admin.call('PUT', '/api/v1/settings/time-tracking', { requiredOnResolve: false });
    const again = await ticket({ assigneeId: tech.userId });
    expect((await tech.call('PATCH', `/api/v1/tickets/${again}`, { status: 'resolved' })).status).toBe(200);
  });

  it('hostile entries, changes and report queries never fail with 5xx, and what is stored stays in bounds', async () => {
    const id = await ticket();
    const entry = (await tech.call('POST', `/api/v1/tickets/${id}/time-entries`, { minutes: 5 })).body.id;
    const time = fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.string({ maxLength: 30 }),
      fc.constantFrom('2026-13-45T99:00:00Z', '0000-00-00', '+275760-09-13T00:00:00.000Z', ''),
    );
    const value = fc.oneof(
      time,
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.string({ maxLength: 2100 }),
    );
    const body = fc.dictionary(
      fc.constantFrom('minutes', 'startedAt', 'endedAt', 'workedOn', 'billable', 'note', 'extra'),
      value,
      { maxKeys: 4 },
    );
    const route = fc.constantFrom(
      ['POST', `/api/v1/tickets/${id}/time-entries`],
      ['PATCH', `/api/v1/time-entries/${entry}`],
      ['POST', `/api/v1/tickets/${id}/timer/stop`],
    );
    const query = fc
      .record({
        from: time,
        to: time,
        groupBy: fc.oneof(fc.string({ maxLength: 12 }), fc.constant('ticket')),
      })
      .map((q) => new URLSearchParams(q).toString());
    await fc.assert(
      fc.asyncProperty(route, body, query, async ([method, url], payload, q) => {
        for (const res of [
          await tech.call(method as 'POST', url, payload),
          await manager.call('GET', `/api/v1/reports/time?${q}`),
        ]) {
          expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
          if (res.status >= 400) expect(res.body.code in errorCatalogue, res.body.code).toBe(true);
        }
      }),
      { numRuns: dialect === 'sqlite' ? 100 : 40 },
    );
    const stored = (await tech.call('GET', `/api/v1/tickets/${id}/time-entries`)).body.items;
    for (const e of stored) {
      expect(e.minutes).toBeGreaterThanOrEqual(1);
      expect(e.minutes).toBeLessThanOrEqual(1440);
      expect(e.note.length).toBeLessThanOrEqual(2000);
      expect(Date.parse(e.workedOn)).toBeLessThanOrEqual(t.clock.now() + 86_400_000);
    }
  });

  it('requesters neither see nor log time: 403 on their own ticket, 404 on one they may not see', async () => {
    const id = await ticket();
    const entry = (await tech.call('POST', `/api/v1/tickets/${id}/time-entries`, { minutes: 5 })).body.id;
    const calls: [string, string, unknown?][] = [
      ['GET', `/api/v1/tickets/${id}/time-entries`],
      ['POST', `/api/v1/tickets/${id}/time-entries`, { minutes: 5 }],
      ['POST', `/api/v1/tickets/${id}/timer/start`],
      ['POST', `/api/v1/tickets/${id}/timer/stop`, {}],
      ['DELETE', `/api/v1/tickets/${id}/timer`],
      ['PATCH', `/api/v1/time-entries/${entry}`, { minutes: 6 }],
      ['DELETE', `/api/v1/time-entries/${entry}`],
    ];
    for (const [method, url, body] of calls) {
      const own = await requester.call(method as 'GET', url, body);
      expect(own.status, `${method} ${url}`).toBe(403);
      const hidden = await stranger.call(method as 'GET', url, body);
      expect(hidden.status, `${method} ${url}`).toBe(404);
    }
    expect((await requester.call('GET', '/api/v1/settings/time-tracking')).status).toBe(403);
    expect((await tech.call('GET', `/api/v1/tickets/${id}/time-entries`)).body.totals.minutes).toBe(5);
  });
});
