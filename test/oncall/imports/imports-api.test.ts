// POST /api/v1/oncall/imports over HTTP on both databases: a manager's dry run of each tool's export returns the
// plan (people matched to opsdesk accounts), what was not carried over and the 4-week comparison; technicians and
// requesters are refused; malformed, oversized and not-yet-supported requests get problem+json.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../../src/core/auth/index.js';
import { dialects, makeApp, type TestApp } from '../../support/context.js';
import { type Session, signIn, userSession } from '../../support/http.js';
import { grafanaExport, now, opsgenieExport, pagerDutyExport, windowEnd } from './fixtures.js';

const url = '/api/v1/oncall/imports';

describe.each(dialects)('on-call imports on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let technician: Session;
  let requester: Session;
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    t = await makeApp(dialect);
    t.clock.set(now);
    for (const who of ['alice', 'bob', 'carol'])
      ids[who] = (
        await createUser(t.ctx, null, {
          email: `${who}@example.test`,
          name: who,
          role: 'technician',
          password: 'correct horse battery',
        })
      ).id;
    manager = await userSession(t.app, t.ctx, 'manager');
    technician = await signIn(t.app, 'alice@example.test', 'correct horse battery');
    requester = await userSession(t.app, t.ctx, 'requester');
  });
  afterAll(async () => t?.close());

  const exports = {
    opsgenie: opsgenieExport,
    pagerduty: pagerDutyExport,
    'grafana-oncall': grafanaExport,
  } as const;

  for (const [source, data] of Object.entries(exports)) {
    it(`a manager's dry run of a ${source} export: plan, not carried, and 100% agreement over 4 weeks`, async () => {
      const res = await manager.call('POST', url, { source, data: data(), dryRun: true });
      expect(res.status).toBe(200);
      const body = res.body;
      expect(body.source).toBe(source);
      expect(body.dryRun).toBe(true);
      expect(body.unmatchedUsers).toEqual(['eve@elsewhere.test']);
      expect(body.applied).toBeNull();
      expect(
        Object.fromEntries(
          body.users.map((u: { key: string; opsdeskUserId: number | null }) => [u.key, u.opsdeskUserId]),
        ),
      ).toEqual({
        'alice@example.test': ids.alice,
        'bob@example.test': ids.bob,
        'carol@example.test': ids.carol,
        'eve@elsewhere.test': null,
      });
      const infra = body.schedules.find((s: { name: string }) => s.name === 'Infrastructure');
      expect(infra.timeZone).toBe('Europe/Berlin');
      expect(infra.layers.map((l: { name: string }) => l.name).at(-1)).toBe('Business hours');
      expect(infra.overrides).toEqual([
        { user: 'bob@example.test', start: '2027-03-30T10:00:00.000Z', end: '2027-03-30T18:00:00.000Z' },
      ]);
      expect(body.policies[0].steps.map((s: { delayMinutes: number }) => s.delayMinutes)).toEqual([10, 15]);
      expect(body.policies[0].repeatCount).toBe(source === 'grafana-oncall' ? 6 : 3);
      expect(body.notCarried.length).toBeGreaterThan(0);
      for (const n of body.notCarried) expect(Object.keys(n).sort()).toEqual(['what', 'where', 'why']);
      expect(body.comparisons).toHaveLength(1);
      const [c] = body.comparisons;
      expect(c.from).toBe(new Date(now).toISOString());
      expect(c.to).toBe(new Date(windowEnd).toISOString());
      expect(c.agreementPercent).toBe(100);
      expect(c.differingMinutes).toBe(0);
      expect(c.matchingMinutes).toBe(28 * 24 * 60);
      expect(c.stretches[0]).toEqual({
        start: '2027-03-15T08:00:00.000Z',
        end: '2027-03-15T16:00:00.000Z',
        theirs: ['carol@example.test'],
        ours: 'carol@example.test',
        agree: true,
      });
    });
  }

  it('without the original final schedule there is nothing to compare', async () => {
    const res = await manager.call('POST', url, {
      source: 'pagerduty',
      data: pagerDutyExport({ withFinal: false }),
      dryRun: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.comparisons).toEqual([]);
    expect(res.body.schedules).toHaveLength(1);
  });

  it('technicians and requesters may not import', async () => {
    for (const who of [technician, requester]) {
      const res = await who.call('POST', url, { source: 'opsgenie', data: opsgenieExport(), dryRun: true });
      expect(res.status).toBe(403);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('anonymous callers are asked to sign in', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url,
      payload: { source: 'opsgenie', data: {}, dryRun: true },
    });
    expect(res.statusCode).toBe(401);
  });

  it('applying while someone it needs has no account is refused, naming them, and writes nothing', async () => {
    const res = await manager.call('POST', url, {
      source: 'pagerduty',
      data: pagerDutyExport(),
      dryRun: false,
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_import');
    expect(res.body.errors).toEqual([
      { field: '/data/users', message: 'no opsdesk user with the email eve@elsewhere.test' },
    ]);
    const schedules = await manager.call('GET', '/api/v1/schedules');
    expect(schedules.body.items).toEqual([]);
    const policies = await manager.call('GET', '/api/v1/escalation-policies');
    expect(policies.body.items).toEqual([]);
  });

  it('applying creates the schedule, its coming override and the policy; who is on call follows the original', async () => {
    ids.eve = (
      await createUser(t.ctx, null, {
        email: 'eve@elsewhere.test',
        name: 'eve',
        role: 'technician',
        password: 'correct horse battery',
      })
    ).id;
    const res = await manager.call('POST', url, {
      source: 'pagerduty',
      data: pagerDutyExport(),
      dryRun: false,
    });
    expect(res.status).toBe(201);
    expect(res.body.dryRun).toBe(false);
    expect(res.body.unmatchedUsers).toEqual([]);
    const { applied } = res.body;
    expect(applied.schedules).toEqual([
      { sourceId: 'PINFRA', id: expect.any(Number), name: 'Infrastructure' },
    ]);
    expect(applied.policies).toEqual([{ sourceId: 'PEP1', id: expect.any(Number), name: 'Infrastructure' }]);
    expect(applied.overrides).toBe(1);
    const scheduleId = applied.schedules[0].id;

    const who = async (at: string) =>
      (await manager.call('GET', `/api/v1/schedules/${scheduleId}/oncall?at=${at}`)).body.userId;
    // Tuesday 30 March 13:00 CEST: Bob's cover; Wednesday 10:00 CEST: Carol's business hours; Saturday 27 March
    // (before the change to summer time): Bob's out-of-hours week.
    expect(await who('2027-03-30T11:00:00Z')).toBe(ids.bob);
    expect(await who('2027-03-31T08:00:00Z')).toBe(ids.carol);
    expect(await who('2027-03-27T12:00:00Z')).toBe(ids.bob);
    expect(await who('2027-03-29T06:59:00Z')).toBe(ids.bob);
    expect(await who('2027-03-29T07:00:00Z')).toBe(ids.carol);

    const policy = await manager.call('GET', `/api/v1/escalation-policies/${applied.policies[0].id}`);
    expect(policy.body.repeatCount).toBe(3);
    expect(policy.body.steps).toEqual([
      { delayMinutes: 10, targets: [{ kind: 'schedule', id: scheduleId }] },
      {
        delayMinutes: 15,
        targets: [
          { kind: 'user', id: ids.bob },
          { kind: 'user', id: ids.eve },
        ],
      },
    ]);
  });

  it('applying again fails on the taken schedule name and leaves nothing half-imported', async () => {
    const before = (await manager.call('GET', '/api/v1/escalation-policies')).body.items.length;
    const res = await manager.call('POST', url, {
      source: 'pagerduty',
      data: pagerDutyExport(),
      dryRun: false,
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('name_taken');
    expect((await manager.call('GET', '/api/v1/escalation-policies')).body.items.length).toBe(before);
    expect((await manager.call('GET', '/api/v1/schedules')).body.items).toHaveLength(1);
  });

  it('a technician may not apply either', async () => {
    const res = await technician.call('POST', url, {
      source: 'pagerduty',
      data: pagerDutyExport(),
      dryRun: false,
    });
    expect(res.status).toBe(403);
  });

  it('a malformed export is refused with the path of the bad field under /data', async () => {
    const data = grafanaExport() as { on_call_shifts: Record<string, unknown>[] };
    data.on_call_shifts[1].frequency = 'fortnightly';
    const res = await manager.call('POST', url, { source: 'grafana-oncall', data, dryRun: true });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('invalid_import');
    expect(res.body.errors).toEqual([
      { field: '/data/on_call_shifts/1/frequency', message: 'must be hourly, daily, weekly or monthly' },
    ]);
  });

  it('an unknown source, or data that is not an object, fails validation', async () => {
    for (const body of [
      { source: 'victorops', data: {}, dryRun: true },
      { source: 'opsgenie', data: [], dryRun: true },
      { source: 'opsgenie', dryRun: true },
    ]) {
      const res = await manager.call('POST', url, body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('validation_failed');
    }
  });

  it('takes an export larger than the default body limit, and refuses one past 8 MiB', async () => {
    const big = pagerDutyExport({ withFinal: false }) as { users: unknown[] };
    for (let i = 0; i < 4900; i += 1)
      big.users.push({
        id: `PX${i}`,
        type: 'user',
        name: `Person ${i} ${'x'.repeat(200)}`,
        email: `p${i}@example.test`,
      });
    const ok = await manager.call('POST', url, { source: 'pagerduty', data: big, dryRun: true });
    expect(JSON.stringify(big).length).toBeGreaterThan(1_048_576);
    expect(ok.status).toBe(200);
    const huge = await manager.call('POST', url, {
      source: 'pagerduty',
      data: { users: [], schedules: [], pad: 'x'.repeat(9 * 1024 * 1024) },
      dryRun: true,
    });
    expect(huge.status).toBe(413);
  });
});
