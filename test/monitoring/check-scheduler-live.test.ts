// The scheduler on the wall clock, against local HTTP servers the test brings up and down: runs spread over the
// interval at stable offsets, never two of one check at once, on time; a stopped site is down within one interval
// plus the timeout, and its return resolves it. The probe is a minimal stand-in for the checks part's runCheck.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/core/auth/index.js';
import { systemClock } from '../../src/core/clock.js';
import type { ServiceContext } from '../../src/core/context.js';
import { JobScheduler } from '../../src/core/jobs.js';
import {
  type CheckRunner,
  createCheck,
  createTarget,
  getCheck,
  getTarget,
  registerChecks,
} from '../../src/monitoring/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

/** The manager who makes these changes (audited). */
const admin = systemActor(0);

/** Stand-in HTTP probe: a status below 400 is up; a refused connection or the deadline is down. */
const httpProbe: CheckRunner = async (spec, options) => {
  const started = Date.now();
  if (spec.kind !== 'http') throw new Error('http only');
  try {
    const res = await fetch(spec.url, { signal: options.signal });
    await res.arrayBuffer();
    return {
      ok: res.status < 400,
      latencyMs: Date.now() - started,
      message: `HTTP ${res.status}`,
      metrics: [],
    };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    return { ok: false, latencyMs: Date.now() - started, message: String(cause), metrics: [] };
  }
};

async function listen(port = 0, delayMs = 0): Promise<http.Server> {
  const server = http.createServer((_req, res) => {
    setTimeout(() => res.end('ok'), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}

async function close(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(dialects)('the check scheduler on the wall clock, %s', (dialect) => {
  let t: TestContext;
  let ctx: ServiceContext;
  beforeAll(async () => {
    t = await makeContext(dialect);
    ctx = { ...t.ctx, clock: systemClock };
  });
  afterAll(async () => t?.close());

  it('spreads runs over the interval, starts them on time and never overlaps one check', async () => {
    // Half the answers take most of the interval: a run still going at its next slot must not be doubled.
    const server = await listen(0, 0);
    const slow = await listen(0, 1_500);
    const port = (server.address() as AddressInfo).port;
    const slowPort = (slow.address() as AddressInfo).port;
    const target = await createTarget(ctx, admin, { name: `spread-${dialect}`, kind: 'service' });
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) {
      const url = i % 2 === 0 ? `http://127.0.0.1:${port}/${i}` : `http://127.0.0.1:${slowPort}/${i}`;
      ids.push(
        (
          await createCheck(ctx, admin, target.id, {
            name: `c${i}`,
            spec: { kind: 'http', url },
            intervalSeconds: 2,
            timeoutSeconds: 2,
          })
        ).check.id,
      );
    }
    const active = new Map<string, number>();
    let overlaps = 0;
    const counting: CheckRunner = async (spec, options) => {
      const key = spec.kind === 'http' ? spec.url : '';
      active.set(key, (active.get(key) ?? 0) + 1);
      if ((active.get(key) ?? 0) > 1) overlaps++;
      try {
        return await httpProbe(spec, options);
      } finally {
        active.set(key, (active.get(key) ?? 1) - 1);
      }
    };
    const starts: { id: number; slot: number; started: number }[] = [];
    const jobs = new JobScheduler(pino({ level: 'silent' }));
    registerChecks(ctx, jobs, counting, {
      sink: async () => {},
      alerts: async () => {},
      onRunStart: (id, slot, started) => starts.push({ id, slot, started }),
    });
    jobs.start();
    await sleep(5_200);
    await jobs.stop();
    await Promise.all([close(server), close(slow)]);

    expect(overlaps).toBe(0);
    for (const id of ids) {
      const own = starts.filter((s) => s.id === id);
      expect(own.length).toBeGreaterThanOrEqual(2);
      expect(own.length).toBeLessThanOrEqual(4);
      // Every slot is on the check's grid: the previous one plus whole intervals (one, unless a claim came so late
      // that a slot was skipped), whatever a run took — no drift.
      for (let i = 1; i < own.length; i++) {
        const step = (own[i]?.slot as number) - (own[i - 1]?.slot as number);
        expect(step > 0 && step % 2_000 === 0).toBe(true);
      }
    }
    // Stable offsets spread over the interval, not bunched at its start.
    const offsets = new Set(starts.map((s) => Math.floor((s.slot % 2_000) / 100)));
    expect(offsets.size).toBeGreaterThan(5);
    for (const id of ids) expect((await getCheck(ctx, id)).lastRunAt).not.toBeNull();
  });

  it('finds a stopped site down within one interval plus the timeout, and up again when it returns', async () => {
    let server = await listen();
    const port = (server.address() as AddressInfo).port;
    const target = await createTarget(ctx, admin, { name: `site-${dialect}`, kind: 'service' });
    const { check } = await createCheck(ctx, admin, target.id, {
      name: 'home',
      spec: { kind: 'http', url: `http://127.0.0.1:${port}/` },
      intervalSeconds: 2,
      timeoutSeconds: 1,
    });
    // Only this check runs here: the earlier test's checks are paused.
    await ctx.db.updateTable('monitoring_checks').set({ enabled: 0 }).where('id', '!=', check.id).execute();
    const jobs = new JobScheduler(pino({ level: 'silent' }));
    registerChecks(ctx, jobs, httpProbe, { sink: async () => {}, alerts: async () => {} });
    jobs.start();
    const waitFor = async (state: string, withinMs: number) => {
      const since = Date.now();
      while (Date.now() - since < withinMs) {
        if ((await getCheck(ctx, check.id)).state === state) return Date.now() - since;
        await sleep(50);
      }
      throw new Error(`not ${state} within ${withinMs} ms`);
    };
    try {
      // Generous waits: the bound (one interval plus the timeout) holds by construction — a run every interval, each
      // ending within its timeout — and a loaded test machine must not make this test fail; the state history says
      // when the change happened, by the runs' own times.
      await waitFor('up', 15_000);
      await close(server);
      await waitFor('down', 15_000);
      const history = await ctx.db
        .selectFrom('monitoring_check_states')
        .select(['state', 'at'])
        .where('check_id', '=', check.id)
        .orderBy('id')
        .execute();
      const lastUp = history.filter((h) => h.state === 'up').at(-1);
      const down = history.at(-1);
      expect(down?.state).toBe('down');
      expect(Number(down?.at) - Number(lastUp?.at)).toBeGreaterThan(0);
      expect((await getTarget(ctx, target.id)).state).toBe('down');
      server = await listen(port);
      await waitFor('up', 15_000);
      expect((await getTarget(ctx, target.id)).state).toBe('up');
    } finally {
      await jobs.stop();
      await close(server).catch(() => {});
    }
  }, 60_000);
});
