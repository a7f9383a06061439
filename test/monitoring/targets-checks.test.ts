// Targets, checks and the scheduler's state logic on both databases, on a manual clock: dependencies without
// cycles, retries before down, history and events on each change, the target's worst state, two instances sharing
// the checks, heartbeats, CheckNotRunning, maintenance and parents holding alerts back, uptime from the history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/core/auth/index.js';
import { ManualClock } from '../../src/core/clock.js';
import type { ServiceContext } from '../../src/core/context.js';
import {
  type AlertInput,
  alertSuppression,
  type CheckResult,
  type CheckRunner,
  CheckScheduler,
  type CheckSpec,
  createCheck,
  createMaintenanceWindow,
  createTarget,
  dailyUptime,
  getCheck,
  getTarget,
  type IngestSeries,
  listTargets,
  receiveHeartbeat,
  statusBoard,
  targetRouting,
  targetUptimes,
  updateCheck,
  updateTarget,
} from '../../src/monitoring/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

/** The manager who makes these changes (audited). */
const admin = systemActor(0);

const http = (url: string): CheckSpec => ({ kind: 'http', url });

/** A runner whose answer per URL the test sets; it counts its calls. */
function scriptedRunner() {
  const answers = new Map<string, boolean>();
  const calls: string[] = [];
  const runner: CheckRunner = async (spec) => {
    const url = spec.kind === 'http' ? spec.url : spec.kind;
    calls.push(url);
    const ok = answers.get(url) ?? true;
    return { ok, latencyMs: 12, message: ok ? 'HTTP 200' : 'HTTP 503', metrics: [] } satisfies CheckResult;
  };
  return { runner, answers, calls };
}

function ports(runner: CheckRunner) {
  const samples: IngestSeries[] = [];
  const alerts: AlertInput[] = [];
  return {
    samples,
    alerts,
    ports: {
      runner,
      sink: async (s: IngestSeries[]) => {
        samples.push(...s);
      },
      alerts: async (a: AlertInput[]) => {
        alerts.push(...a);
      },
    },
  };
}

let n = 0;
const name = (p: string) => `${p}-${++n}`;

describe.each(dialects)('monitoring targets and checks on %s', (dialect) => {
  let t: TestContext;
  let ctx: ServiceContext;
  beforeAll(async () => {
    t = await makeContext(dialect);
    ctx = t.ctx;
  });
  afterAll(async () => t?.close());

  it('refuses a dependency that would make a cycle, directly or through others', async () => {
    const a = await createTarget(ctx, admin, { name: name('core'), kind: 'host' });
    const b = await createTarget(ctx, admin, { name: name('switch'), kind: 'host', parentIds: [a.id] });
    const c = await createTarget(ctx, admin, { name: name('site'), kind: 'service', parentIds: [b.id] });
    expect(c.parentIds).toEqual([b.id]);
    await expect(updateTarget(ctx, admin, a.id, { parentIds: [c.id] })).rejects.toMatchObject({
      code: 'dependency_cycle',
    });
    await expect(updateTarget(ctx, admin, a.id, { parentIds: [a.id] })).rejects.toMatchObject({
      code: 'dependency_cycle',
    });
    await expect(updateTarget(ctx, admin, a.id, { parentIds: [999_999] })).rejects.toMatchObject({
      code: 'invalid_reference',
    });
    // Re-pointing c at a directly is no cycle.
    expect((await updateTarget(ctx, admin, c.id, { parentIds: [a.id, b.id] })).parentIds).toEqual([
      a.id,
      b.id,
    ]);
    await expect(createTarget(ctx, admin, { name: a.name, kind: 'host' })).rejects.toMatchObject({
      code: 'target_name_taken',
    });
  });

  it('lists targets by tag, search and state, a page at a time', async () => {
    const tag = name('team:net').replace('-', '');
    const made = [];
    for (let i = 0; i < 3; i++)
      made.push(
        await createTarget(ctx, admin, {
          name: name(`Router ${i}`),
          kind: 'host',
          tags: [tag],
          address: `10.0.0.${i}`,
        }),
      );
    const page1 = await listTargets(ctx, { tag, limit: 2 });
    expect(page1.map((x) => x.id)).toEqual(made.map((m) => m.id).slice(0, 3));
    const page2 = await listTargets(ctx, { tag, limit: 2, afterId: made[1]?.id });
    expect(page2.map((x) => x.id)).toEqual([made[2]?.id]);
    expect((await listTargets(ctx, { search: '10.0.0.2', limit: 10 })).map((x) => x.id)).toEqual([
      made[2]?.id,
    ]);
    expect((await listTargets(ctx, { search: 'ROUTER 1', limit: 10 })).map((x) => x.id)).toContain(
      made[1]?.id,
    );
    expect((await listTargets(ctx, { tag: 'nope', limit: 10 })).length).toBe(0);
  });

  it('is down after `retries` failures in a row, with history, an event and the target at its worst check', async () => {
    const s = scriptedRunner();
    const p = ports(s.runner);
    const scheduler = new CheckScheduler(ctx, p.ports, { concurrency: 4 });
    const target = await createTarget(ctx, admin, { name: name('web'), kind: 'service' });
    const url = `http://site-${n}.test/`;
    const { check } = await createCheck(ctx, admin, target.id, {
      name: 'home',
      spec: http(url),
      intervalSeconds: 60,
      timeoutSeconds: 10,
      retries: 2,
    });
    const other = await createCheck(ctx, admin, target.id, {
      name: 'api',
      spec: http(`${url}api`),
      intervalSeconds: 60,
      timeoutSeconds: 10,
    });
    // The first slot lies within one interval, at the check's stable offset.
    expect(check.nextRunAt).toBeGreaterThanOrEqual(t.clock.now());
    expect(check.nextRunAt).toBeLessThan(t.clock.now() + 60_000);

    const step = async () => {
      t.clock.advance(60_000);
      await scheduler.runDue();
    };
    await step();
    expect((await getCheck(ctx, check.id)).state).toBe('up');
    expect((await getTarget(ctx, target.id)).state).toBe('up');
    expect(p.samples.find((x) => x.labels.__name__ === 'up' && x.labels.check === 'home')?.labels).toEqual({
      __name__: 'up',
      target: target.name,
      check: 'home',
      kind: 'http',
    });

    s.answers.set(url, false);
    await step();
    await step();
    const tolerated = await getCheck(ctx, check.id);
    expect(tolerated).toMatchObject({
      state: 'up',
      consecutiveFailures: 2,
      lastOk: false,
      lastMessage: 'HTTP 503',
    });
    await step();
    expect((await getCheck(ctx, check.id)).state).toBe('down');
    const downTarget = await getTarget(ctx, target.id);
    expect(downTarget.state).toBe('down');

    s.answers.set(url, true);
    await step();
    expect((await getCheck(ctx, check.id)).state).toBe('up');
    expect((await getTarget(ctx, target.id)).state).toBe('up');

    const history = await ctx.db
      .selectFrom('monitoring_check_states')
      .select(['state'])
      .where('check_id', '=', check.id)
      .orderBy('id')
      .execute();
    expect(history.map((h) => h.state)).toEqual(['pending', 'up', 'down', 'up']);
    const events = await ctx.db
      .selectFrom('outbox')
      .select(['payload'])
      .where('type', '=', 'check.state_changed')
      .where('subject_id', '=', String(check.id))
      .orderBy('id')
      .execute();
    expect(events.map((e) => JSON.parse(e.payload).to)).toEqual(['up', 'down', 'up']);
    const recent = (await getCheck(ctx, check.id)).recentResults;
    expect(recent.length).toBe(5);
    expect(recent.map((r) => r[2])).toEqual([1, 0, 0, 0, 1]);
    // Pausing the other check leaves the target at its remaining check's state.
    await updateCheck(ctx, admin, other.check.id, { enabled: false });
    expect((await getCheck(ctx, other.check.id)).state).toBe('paused');
    expect((await getTarget(ctx, target.id)).state).toBe('up');
  });

  it('keeps its grid: a late run is not followed by a drifted one, missed slots are skipped', async () => {
    const s = scriptedRunner();
    const scheduler = new CheckScheduler(ctx, ports(s.runner).ports);
    const target = await createTarget(ctx, admin, { name: name('grid'), kind: 'service' });
    const { check } = await createCheck(ctx, admin, target.id, {
      name: 'g',
      spec: http(`http://grid-${n}.test/`),
      intervalSeconds: 30,
      timeoutSeconds: 5,
    });
    const slot = check.nextRunAt;
    t.clock.set(slot + 7_000); // late by 7 s
    await scheduler.runDue();
    expect((await getCheck(ctx, check.id)).nextRunAt).toBe(slot + 30_000);
    t.clock.set(slot + 30_000 * 5 + 1_000); // four slots missed
    await scheduler.runDue();
    expect((await getCheck(ctx, check.id)).nextRunAt).toBe(slot + 30_000 * 6);
    expect(s.calls.filter((c) => c.startsWith('http://grid')).length).toBe(2);
  });

  it('two instances share the checks and never run one twice', async () => {
    const target = await createTarget(ctx, admin, { name: name('shared'), kind: 'service' });
    const ids: number[] = [];
    for (let i = 0; i < 20; i++)
      ids.push(
        (
          await createCheck(ctx, admin, target.id, {
            name: `c${i}`,
            spec: http(`http://shared-${n}-${i}.test/`),
            intervalSeconds: 60,
            timeoutSeconds: 5,
          })
        ).check.id,
      );
    // SQLite is one process: there the second scheduler shares the context; PostgreSQL gets a second instance.
    const clock2 = dialect === 'postgres' ? new ManualClock(t.clock.now()) : t.clock;
    const other = dialect === 'postgres' ? await t.openAnother(clock2) : { ctx, close: async () => {} };
    try {
      const runs = new Map<string, number>();
      const slow: CheckRunner = async (spec) => {
        const url = spec.kind === 'http' ? spec.url : '';
        runs.set(url, (runs.get(url) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, 5));
        return { ok: true, latencyMs: 5, message: 'ok', metrics: [] };
      };
      const a = new CheckScheduler(ctx, ports(slow).ports);
      const b = new CheckScheduler(other.ctx, ports(slow).ports);
      for (let round = 0; round < 3; round++) {
        t.clock.advance(60_000);
        clock2.set(t.clock.now());
        await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()]);
      }
      const mine = [...runs.entries()].filter(([u]) => u.startsWith(`http://shared-${n}-`));
      expect(mine.length).toBe(20);
      for (const [, count] of mine) expect(count).toBe(3);
    } finally {
      await other.close();
    }
  });

  it('a heartbeat marks the check up; a missing beat past interval + grace is a failure', async () => {
    const s = scriptedRunner();
    const scheduler = new CheckScheduler(ctx, ports(s.runner).ports);
    const target = await createTarget(ctx, admin, { name: name('backup-job'), kind: 'service' });
    const { check, heartbeatToken } = await createCheck(ctx, admin, target.id, {
      name: 'nightly',
      spec: { kind: 'heartbeat', graceSeconds: 30 },
      intervalSeconds: 300,
      timeoutSeconds: 1,
    });
    expect(heartbeatToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const stored = await ctx.db
      .selectFrom('monitoring_checks')
      .select('heartbeat_token_hash')
      .where('id', '=', check.id)
      .executeTakeFirstOrThrow();
    expect(stored.heartbeat_token_hash).not.toContain(heartbeatToken);
    await receiveHeartbeat(ctx, heartbeatToken as string);
    expect((await getCheck(ctx, check.id)).state).toBe('up');
    await expect(receiveHeartbeat(ctx, 'x'.repeat(32))).rejects.toMatchObject({
      code: 'heartbeat_not_found',
    });
    await expect(receiveHeartbeat(ctx, '../../etc')).rejects.toMatchObject({ code: 'heartbeat_not_found' });
    t.clock.advance(300_000);
    await scheduler.runDue(); // beat 300 s ago: within 300 + 30
    expect((await getCheck(ctx, check.id)).state).toBe('up');
    t.clock.advance(300_000);
    await scheduler.runDue();
    const late = await getCheck(ctx, check.id);
    expect(late.state).toBe('down');
    expect(late.lastMessage).toMatch(/no beat for 600 s/);
    expect(s.calls).not.toContain('heartbeat'); // heartbeats need no runner
  });

  it('a check that has not run for two intervals raises CheckNotRunning once, resolved when it runs', async () => {
    const s = scriptedRunner();
    const p = ports(s.runner);
    const scheduler = new CheckScheduler(ctx, p.ports);
    const target = await createTarget(ctx, admin, { name: name('tls-host'), kind: 'host' });
    const { check } = await createCheck(ctx, admin, target.id, {
      name: 'cert',
      spec: http(`http://stuck-${n}.test/`),
      intervalSeconds: 60,
      timeoutSeconds: 5,
    });
    // Every other check is up to date; only this one never ran.
    await ctx.db
      .updateTable('monitoring_checks')
      .set({ last_run_at: t.clock.now() + 150_000 })
      .where('id', '!=', check.id)
      .execute();
    t.clock.advance(150_000);
    expect(await scheduler.sweep()).toBe(1);
    expect(await scheduler.sweep()).toBe(0);
    expect(p.alerts).toHaveLength(1);
    expect(p.alerts[0]?.labels).toMatchObject({ alertname: 'CheckNotRunning', target: target.name });
    expect(p.alerts[0]?.endsAt).toBeNull();
    expect((await getCheck(ctx, check.id)).lastMessage).toBe('never run');
    // A failed send is retried by the next sweep: nothing is flagged without the alert out.
    const failing = new CheckScheduler(ctx, {
      ...p.ports,
      alerts: async () => {
        throw new Error('pipeline down');
      },
    });
    await ctx.db
      .updateTable('monitoring_checks')
      .set({ not_running_since: null })
      .where('id', '=', check.id)
      .execute();
    expect(await failing.sweep()).toBe(0);
    expect(failing.stats.alertFailures).toBe(1);
    expect(await scheduler.sweep()).toBe(1);
    // It runs again: the alert is resolved (endsAt set) and the check no longer flagged.
    t.clock.set(Math.max(t.clock.now(), (await getCheck(ctx, check.id)).nextRunAt));
    await scheduler.runDue();
    const resolved = p.alerts.filter((a) => a.labels.check === 'cert' && a.endsAt !== null);
    expect(resolved).toHaveLength(1);
    expect((await getCheck(ctx, check.id)).notRunningSince).toBeNull();
  });

  it('holds alerts back in maintenance (recurring across DST) and while a parent is down', async () => {
    const core = await createTarget(ctx, admin, { name: name('core-sw'), kind: 'host' });
    const leaf = await createTarget(ctx, admin, {
      name: name('printer'),
      kind: 'host',
      parentIds: [core.id],
    });
    const deep = await createTarget(ctx, admin, { name: name('ups'), kind: 'host', parentIds: [leaf.id] });
    const now = t.clock.now();
    expect(await alertSuppression(ctx, deep.id, now)).toBeNull();
    await ctx.db.updateTable('monitoring_targets').set({ state: 'down' }).where('id', '=', core.id).execute();
    expect(await alertSuppression(ctx, deep.id, now)).toBe('parent_down');
    expect(await alertSuppression(ctx, core.id, now)).toBeNull();
    // Sundays 02:00–04:00 in Berlin, from before the change to summer time (2026-03-29).
    await createMaintenanceWindow(ctx, null, {
      name: 'Sunday patching',
      targetIds: [core.id],
      startsAt: Date.parse('2026-03-22T01:00:00Z'), // 02:00 CET
      rrule: 'FREQ=WEEKLY;BYDAY=SU',
      timeZone: 'Europe/Berlin',
      durationMinutes: 120,
    });
    expect(await alertSuppression(ctx, core.id, Date.parse('2026-03-22T02:30:00Z'))).toBe('maintenance');
    // 29 March: 02:00 does not exist; the window starts at 03:00 CEST (01:00Z) and lasts two hours.
    expect(await alertSuppression(ctx, core.id, Date.parse('2026-03-29T00:59:00Z'))).toBeNull();
    expect(await alertSuppression(ctx, core.id, Date.parse('2026-03-29T02:59:00Z'))).toBe('maintenance');
    // 5 April, summer time: 02:00 CEST is 00:00Z.
    expect(await alertSuppression(ctx, core.id, Date.parse('2026-04-05T00:30:00Z'))).toBe('maintenance');
    expect(await alertSuppression(ctx, core.id, Date.parse('2026-04-05T02:00:00Z'))).toBeNull();
    expect(await alertSuppression(ctx, core.id, Date.parse('2026-04-07T00:30:00Z'))).toBeNull(); // a Tuesday
    const routing = await targetRouting(ctx, [core.id, leaf.id]);
    expect(routing.get(core.id)).toMatchObject({ name: core.name, state: 'down', tags: [] });
  });

  it('computes uptime from the history: pending not counted, maintenance counted as up, days in a zone', async () => {
    const s = scriptedRunner();
    const scheduler = new CheckScheduler(ctx, ports(s.runner).ports);
    const target = await createTarget(ctx, admin, { name: name('uptime'), kind: 'service' });
    const url = `http://uptime-${n}.test/`;
    const { check } = await createCheck(ctx, admin, target.id, {
      name: 'u',
      spec: http(url),
      intervalSeconds: 3600,
      timeoutSeconds: 10,
    });
    const start = check.nextRunAt;
    // Pending until the first slot (not counted), then 6 h up, 2 h down, 16 h up.
    t.clock.set(start);
    await scheduler.runDue();
    s.answers.set(url, false);
    t.clock.set(start + 6 * 3_600_000);
    await scheduler.runDue();
    s.answers.set(url, true);
    t.clock.set(start + 8 * 3_600_000);
    await scheduler.runDue();
    t.clock.set(start + 24 * 3_600_000);
    const up = (await targetUptimes(ctx, [target.id], t.clock.now())).get(target.id);
    expect(up?.h24).toBeCloseTo((22 / 24) * 100, 6);
    expect(up?.d90).toBeCloseTo((22 / 24) * 100, 6);
    // A maintenance window over the outage turns it into up time.
    await createMaintenanceWindow(ctx, null, {
      name: 'planned',
      targetIds: [target.id],
      startsAt: start + 6 * 3_600_000,
      endsAt: start + 7 * 3_600_000,
    });
    expect((await targetUptimes(ctx, [target.id], t.clock.now())).get(target.id)?.h24).toBeCloseTo(
      (23 / 24) * 100,
      6,
    );
    const days =
      (await dailyUptime(ctx, [target.id], t.clock.now(), 5, 'Europe/Berlin')).get(target.id) ?? [];
    expect(days).toHaveLength(5);
    expect(days.slice(0, 2)).toEqual([null, null]);
    for (const d of days.slice(2)) if (d !== null) expect(d).toBeGreaterThan(0.8);
    const board = await statusBoard(ctx);
    const row = board.targets.find((x) => x.id === target.id);
    expect(row?.uptime24h).toBeCloseTo((23 / 24) * 100, 6);
    expect(row?.checks[0]).toMatchObject({ id: check.id, lastOk: true });
    expect(row?.checks[0]?.lastRunAt).toBe(start + 8 * 3_600_000);
  });
});
