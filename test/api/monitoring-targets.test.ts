// Monitoring targets, checks, maintenance windows, heartbeats and the board over HTTP, on both databases: what a
// manager sets up and a technician reads, the heartbeat token shown once and never again, and bad input answered
// precisely as problem+json (fuzzed where it is text from outside).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('monitoring targets over HTTP on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let tech: Session;
  beforeAll(async () => {
    t = await makeApp(dialect);
    manager = await userSession(t.app, t.ctx, 'manager');
    tech = await userSession(t.app, t.ctx, 'technician');
  });
  afterAll(async () => t?.close());

  it('sets up targets with checks, pages and filters them, and shows each on the board', async () => {
    const core = await manager.call('POST', '/api/v1/monitoring/targets', {
      name: 'core-switch',
      kind: 'host',
      address: '10.0.0.1',
      tags: ['site:hq', 'network'],
    });
    expect(core.status).toBe(201);
    expect(core.body).toMatchObject({ name: 'core-switch', state: 'pending', tags: ['network', 'site:hq'] });
    const web = await manager.call('POST', '/api/v1/monitoring/targets', {
      name: 'intranet',
      kind: 'service',
      parentIds: [core.body.id],
    });
    expect(web.body.parentIds).toEqual([core.body.id]);
    const cycle = await manager.call('PATCH', `/api/v1/monitoring/targets/${core.body.id}`, {
      parentIds: [web.body.id],
    });
    expect(cycle.status).toBe(400);
    expect(cycle.body).toMatchObject({ code: 'dependency_cycle', errors: [{ field: '/parentIds' }] });
    expect(
      (await manager.call('POST', '/api/v1/monitoring/targets', { name: 'intranet', kind: 'host' })).body
        .code,
    ).toBe('target_name_taken');

    const check = await manager.call('POST', `/api/v1/monitoring/targets/${web.body.id}/checks`, {
      name: 'home page',
      spec: { kind: 'http', url: 'http://127.0.0.1:9/', keyword: 'Welcome' },
      intervalSeconds: 60,
      timeoutSeconds: 10,
      retries: 2,
    });
    expect(check.status).toBe(201);
    expect(check.body).toMatchObject({
      kind: 'http',
      state: 'pending',
      lastRunAt: null,
      heartbeatToken: null,
    });

    const page1 = await tech.call('GET', '/api/v1/monitoring/targets?limit=1');
    expect(page1.body.items).toHaveLength(1);
    const page2 = await tech.call(
      'GET',
      `/api/v1/monitoring/targets?limit=1&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.items[0].id).toBe(web.body.id);
    expect(
      (await tech.call('GET', '/api/v1/monitoring/targets?tag=site:hq')).body.items.map((x: any) => x.id),
    ).toEqual([core.body.id]);
    expect((await tech.call('GET', '/api/v1/monitoring/targets?search=INTRA')).body.items).toHaveLength(1);
    expect((await tech.call('GET', '/api/v1/monitoring/targets?cursor=bogus')).body.code).toBe(
      'invalid_cursor',
    );

    const win = await manager.call('POST', '/api/v1/monitoring/maintenance-windows', {
      name: 'switch firmware',
      targetIds: [core.body.id],
      startsAt: '2026-04-01T22:00:00Z',
      endsAt: '2026-04-01T23:00:00Z',
    });
    expect(win.status).toBe(201);
    const forCore = await tech.call('GET', `/api/v1/monitoring/maintenance-windows?targetId=${core.body.id}`);
    expect(forCore.body.items.map((w: any) => w.id)).toEqual([win.body.id]);
    const forWeb = await tech.call('GET', `/api/v1/monitoring/maintenance-windows?targetId=${web.body.id}`);
    expect(forWeb.body.items).toEqual([]);
    const moved = await manager.call('PATCH', `/api/v1/monitoring/maintenance-windows/${win.body.id}`, {
      rrule: 'FREQ=MONTHLY;BYMONTHDAY=1',
      timeZone: 'Europe/Berlin',
      durationMinutes: 60,
    });
    expect(moved.body).toMatchObject({
      rrule: 'FREQ=MONTHLY;BYMONTHDAY=1',
      endsAt: null,
      durationMinutes: 60,
    });
    const detail = await tech.call('GET', `/api/v1/monitoring/targets/${web.body.id}`);
    expect(detail.body.uptime).toEqual({ h24: null, d7: null, d30: null, d90: null });
    const board = await tech.call('GET', '/api/v1/monitoring/board');
    expect(board.status).toBe(200);
    const row = board.body.targets.find((x: any) => x.id === web.body.id);
    expect(row.checks).toEqual([
      expect.objectContaining({ name: 'home page', lastRunAt: null, recentResults: [], state: 'pending' }),
    ]);
    const history = await tech.call('GET', `/api/v1/monitoring/checks/${check.body.id}/history`);
    expect(history.body.changes).toEqual([expect.objectContaining({ state: 'pending', message: 'created' })]);
    // Run now: without the checks part's probes in this build the run fails with a reason, and says when it ran.
    const run = await manager.call('POST', `/api/v1/monitoring/checks/${check.body.id}/run`);
    expect(run.status).toBe(200);
    expect(run.body.check.lastRunAt).toBe(new Date(t.clock.now()).toISOString());
    expect(typeof run.body.result.message).toBe('string');
  });

  it('refuses bad checks and windows field by field', async () => {
    const target = await manager.call('POST', '/api/v1/monitoring/targets', {
      name: 'bad-input',
      kind: 'host',
    });
    const url = `/api/v1/monitoring/targets/${target.body.id}/checks`;
    const cases: [unknown, string, string][] = [
      [
        { name: 'x', spec: { kind: 'http', url: 'ftp://x' }, intervalSeconds: 60, timeoutSeconds: 5 },
        'invalid_check',
        '/spec/url',
      ],
      [
        { name: 'x', spec: { kind: 'tcp', host: 'h', port: 70000 }, intervalSeconds: 60, timeoutSeconds: 5 },
        'invalid_check',
        '/spec/port',
      ],
      [
        { name: 'x', spec: { kind: 'tcp', host: 'h', port: 1 }, intervalSeconds: 10, timeoutSeconds: 30 },
        'invalid_check',
        '/timeoutSeconds',
      ],
      [
        { name: 'x', spec: { kind: 'gopher' }, intervalSeconds: 10, timeoutSeconds: 3 },
        'validation_failed',
        '',
      ],
    ];
    for (const [body, code, field] of cases) {
      const res = await manager.call('POST', url, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(code);
      if (field) expect(res.body.errors.map((e: any) => e.field)).toContain(field);
    }
    const windows = '/api/v1/monitoring/maintenance-windows';
    const bad: [unknown, string][] = [
      [{ name: 'w', startsAt: '2026-04-01T00:00:00Z', endsAt: '2026-03-01T00:00:00Z' }, '/endsAt'],
      [
        { name: 'w', startsAt: '2026-04-01T00:00:00Z', rrule: 'FREQ=SOMETIMES', durationMinutes: 60 },
        '/rrule',
      ],
      [
        {
          name: 'w',
          startsAt: '2026-04-01T00:00:00Z',
          rrule: 'FREQ=DAILY',
          timeZone: 'Mars/Olympus',
          durationMinutes: 60,
        },
        '/timeZone',
      ],
      [
        { name: 'w', startsAt: '2026-04-01T00:00:00Z', rrule: 'FREQ=MINUTELY', durationMinutes: 60 },
        '/rrule',
      ],
      [{ name: 'w', startsAt: '2026-04-01T00:00:00Z', rrule: 'FREQ=DAILY' }, '/durationMinutes'],
    ];
    for (const [body, field] of bad) {
      const res = await manager.call('POST', windows, body);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 'invalid_maintenance_window', errors: [{ field }] });
    }
    // Any RRULE text is a window or a precise 400, never a crash.
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 80 }),
          fc
            .tuple(
              fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY', 'HOURLY', 'X'),
              fc.constantFrom('', ';COUNT=3', ';BYDAY=MO,XX', ';INTERVAL=0', ';UNTIL=2026', ';BYMONTHDAY=31'),
            )
            .map(([f, rest]) => `FREQ=${f}${rest}`),
        ),
        async (rrule) => {
          const res = await manager.call('POST', windows, {
            name: 'fuzz',
            startsAt: '2026-04-01T00:00:00Z',
            rrule,
            durationMinutes: 30,
          });
          expect([201, 400]).toContain(res.status);
          if (res.status === 400)
            expect(res.body.code).toMatch(/^(invalid_maintenance_window|validation_failed)$/);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('takes heartbeats by token without sign-in; the token is shown once and an unknown one is a plain 404', async () => {
    const target = await manager.call('POST', '/api/v1/monitoring/targets', {
      name: 'backup',
      kind: 'service',
    });
    const created = await manager.call('POST', `/api/v1/monitoring/targets/${target.body.id}/checks`, {
      name: 'nightly backup',
      spec: { kind: 'heartbeat', graceSeconds: 600 },
      intervalSeconds: 86_400,
      timeoutSeconds: 1,
    });
    const token = created.body.heartbeatToken as string;
    expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const again = await manager.call('GET', `/api/v1/monitoring/checks/${created.body.id}`);
    expect(JSON.stringify(again.body)).not.toContain(token);
    for (const method of ['GET', 'POST'] as const) {
      const beat = await t.app.inject({ method, url: `/api/v1/heartbeats/${token}` });
      expect(beat.statusCode).toBe(200);
      expect(beat.json()).toEqual({ ok: true, at: new Date(t.clock.now()).toISOString() });
    }
    const after = await manager.call('GET', `/api/v1/monitoring/checks/${created.body.id}`);
    expect(after.body).toMatchObject({ state: 'up', lastBeatAt: new Date(t.clock.now()).toISOString() });
    await fc.assert(
      // "." and ".." are path segments a URL resolves away (to another route), not tokens.
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 100 }).filter((g) => g !== '.' && g !== '..'),
        async (guess) => {
          const res = await t.app.inject({
            method: 'GET',
            url: `/api/v1/heartbeats/${encodeURIComponent(guess)}`,
          });
          expect(res.statusCode).toBe(guess === token ? 200 : 404);
          if (res.statusCode === 404) expect(res.json().code).toMatch(/^(heartbeat_not_found|not_found)$/);
        },
      ),
      { numRuns: 50 },
    );
    const big = await t.app.inject({
      method: 'POST',
      url: `/api/v1/heartbeats/${token}`,
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ log: 'x'.repeat(10_000) }),
    });
    expect(big.statusCode).toBe(413);
  });

  it("makes a heartbeat check's push URL anew: the old token is refused at once, history and state kept", async () => {
    const target = await manager.call('POST', '/api/v1/monitoring/targets', { name: 'etl', kind: 'service' });
    const created = await manager.call('POST', `/api/v1/monitoring/targets/${target.body.id}/checks`, {
      name: 'hourly import',
      spec: { kind: 'heartbeat' },
      intervalSeconds: 3600,
      timeoutSeconds: 1,
    });
    const old = created.body.heartbeatToken as string;
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/heartbeats/${old}` })).statusCode).toBe(200);
    const rotated = await manager.call(
      'POST',
      `/api/v1/monitoring/checks/${created.body.id}/heartbeat-token`,
    );
    expect(rotated.status).toBe(200);
    const fresh = rotated.body.heartbeatToken as string;
    expect(fresh).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(fresh).not.toBe(old);
    expect(rotated.body.check).toMatchObject({ id: created.body.id, state: 'up' });
    const refused = await t.app.inject({ method: 'POST', url: `/api/v1/heartbeats/${old}` });
    expect(refused.statusCode).toBe(404);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/heartbeats/${fresh}` })).statusCode).toBe(200);
    const read = await manager.call('GET', `/api/v1/monitoring/checks/${created.body.id}`);
    expect(JSON.stringify(read.body)).not.toContain(fresh);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'details'])
      .where('subject_type', '=', 'monitoring_check')
      .where('subject_id', '=', String(created.body.id))
      .execute();
    expect(audit.map((a) => a.action)).toContain('monitoring.check.heartbeat_token_rotated');
    expect(JSON.stringify(audit)).not.toContain(fresh);
    // Only heartbeat checks have a push URL; an unknown check is a 404.
    const http = await manager.call('POST', `/api/v1/monitoring/targets/${target.body.id}/checks`, {
      name: 'web',
      spec: { kind: 'tcp', host: '127.0.0.1', port: 9 },
      intervalSeconds: 60,
      timeoutSeconds: 5,
    });
    const notBeat = await manager.call('POST', `/api/v1/monitoring/checks/${http.body.id}/heartbeat-token`);
    expect(notBeat.status).toBe(400);
    expect(notBeat.body.code).toBe('invalid_check');
    const missing = await manager.call('POST', '/api/v1/monitoring/checks/999999/heartbeat-token');
    expect(missing.status).toBe(404);
  });
});
