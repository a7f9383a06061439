// `npx tsx bench/check-scheduler.ts` (or `BENCH_PARTS=check-scheduler npm run bench`): the check scheduler and the
// status board, each beside a baseline measured in the same run.
// 1. 5,000 HTTP checks at a 60 s interval against a local HTTP server, on one instance (SQLite), for
//    BENCH_CHECK_SECONDS (default 60): start-time jitter (actual start − slot) p50/p99/max, runs done. Baseline: one
//    setTimeout chain per check at the same slots, calling the same probe — the floor of any in-process timer design.
// 2. The status board of 10,000 targets (one HTTP check each with a 30-run sparkline and state changes in the last
//    day), on SQLite and PostgreSQL: the domain call and GET /api/v1/monitoring/board through the app. Baseline: the
//    raw rows of the checks table read and serialised as JSON, the floor of any board.
// Environment: BENCH_CHECKS=5000, BENCH_CHECK_SECONDS=60, BENCH_BOARD_TARGETS=10000, BENCH_DIALECTS=sqlite,postgres.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { buildApp } from '../src/api/app.js';
import { createUser } from '../src/core/auth/index.js';
import { loadConfig } from '../src/core/config.js';
import { chunks } from '../src/core/db/index.js';
import { JobScheduler } from '../src/core/jobs.js';
import { openContext } from '../src/core/runtime.js';
import { firstSlot } from '../src/monitoring/checks.js';
import { type CheckRunner, registerChecks, statusBoard } from '../src/monitoring/index.js';

const checkCount = Number(process.env.BENCH_CHECKS ?? 5_000);
const seconds = Number(process.env.BENCH_CHECK_SECONDS ?? 60);
const boardTargets = Number(process.env.BENCH_BOARD_TARGETS ?? 10_000);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const intervalMs = 60_000;

function quantiles(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN;
  return { n: s.length, p50: q(0.5), p99: q(0.99), max: s[s.length - 1] ?? Number.NaN };
}

/** The probe both designs call: a GET against the local server, as the checks part's HTTP runner does. */
const probe: CheckRunner = async (spec, options) => {
  const started = performance.now();
  if (spec.kind !== 'http') throw new Error('http only');
  try {
    const res = await fetch(spec.url, { signal: options.signal });
    await res.arrayBuffer();
    return {
      ok: res.status < 400,
      latencyMs: performance.now() - started,
      message: `HTTP ${res.status}`,
      metrics: [],
    };
  } catch (err) {
    return { ok: false, latencyMs: performance.now() - started, message: String(err), metrics: [] };
  }
};

async function open(dialect: 'sqlite' | 'postgres') {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-bench-checks-'));
  const schema = dialect === 'postgres' ? `bench_checks_${randomBytes(4).toString('hex')}` : undefined;
  const config = loadConfig({
    OPSDESK_DATA_DIR: dataDir,
    OPSDESK_LOG_LEVEL: 'silent',
    ...(dialect === 'postgres' ? { DATABASE_URL: pgUrl } : {}),
  });
  const opened = await openContext(config, { log: pino({ level: 'silent' }), pgSchema: schema });
  return {
    ctx: opened.ctx,
    close: async () => {
      await opened.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
      if (schema) {
        const c = new pg.Client({ connectionString: pgUrl });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
    },
  };
}

/** Targets inserted in bulk (seeding only). */
async function seedTargets(
  ctx: Awaited<ReturnType<typeof open>>['ctx'],
  n: number,
  now: number,
): Promise<number[]> {
  const targetIds: number[] = [];
  for (const part of chunks(
    Array.from({ length: n }, (_, i) => i),
    500,
  )) {
    const rows = await ctx.db
      .insertInto('monitoring_targets')
      .values(
        part.map((i) => ({
          name: `target ${String(i).padStart(5, '0')}`,
          kind: i % 3 === 0 ? ('service' as const) : ('host' as const),
          description: '',
          address: null,
          group_id: null,
          escalation_policy_id: null,
          service_id: null,
          tags: JSON.stringify([`site:s${i % 20}`]),
          state: 'up' as const,
          state_since: now - 3 * 86_400_000,
          created_at: now,
          updated_at: now,
        })),
      )
      .returning('id')
      .execute();
    targetIds.push(...rows.map((r) => r.id));
  }
  return targetIds;
}

/** Checks inserted in bulk (seeding only), each on its grid slot as createCheck places it. */
async function seedChecks(
  ctx: Awaited<ReturnType<typeof open>>['ctx'],
  targetIds: number[],
  url: (i: number) => string,
  extra: (i: number) => { recent_results?: string; state?: 'up' | 'down'; last_run_at?: number } = () => ({}),
): Promise<number[]> {
  const now = Date.now();
  const ids: number[] = [];
  for (const part of chunks(
    targetIds.map((t, i) => [t, i] as const),
    500,
  )) {
    const rows = await ctx.db
      .insertInto('monitoring_checks')
      .values(
        part.map(([targetId, i]) => ({
          target_id: targetId,
          name: `check ${i}`,
          kind: 'http',
          spec: JSON.stringify({ kind: 'http', url: url(i) }),
          interval_seconds: intervalMs / 1000,
          timeout_seconds: 10,
          retries: 0,
          enabled: 1,
          state: 'pending' as const,
          state_since: now,
          consecutive_failures: 0,
          last_message: '',
          next_run_at: now,
          created_at: now,
          updated_at: now,
          ...extra(i),
        })),
      )
      .returning('id')
      .execute();
    ids.push(...rows.map((r) => r.id));
  }
  // The grid: a stable offset per check within the interval (the same FNV-1a hash createCheck uses).
  for (const part of chunks(ids, 500))
    await Promise.all(
      part.map((id) =>
        ctx.db
          .updateTable('monitoring_checks')
          .set({ next_run_at: firstSlot(id, intervalMs, now + 2_000) })
          .where('id', '=', id)
          .execute(),
      ),
    );
  return ids;
}

async function benchScheduler(): Promise<void> {
  const server = http.createServer((_req, res) => res.end('ok'));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = (i: number) => `http://127.0.0.1:${port}/c/${i}`;
  console.log(
    `\n## Check scheduler: ${checkCount} HTTP checks at a ${intervalMs / 1000} s interval, ${seconds} s each design, one instance (SQLite)`,
  );
  console.log('| design | runs | expected runs | jitter p50 ms | jitter p99 ms | jitter max ms |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');

  // opsdesk: the scheduler with its database claims, leases and result transactions.
  const { ctx, close } = await open('sqlite');
  // One target per check, as a fleet of sites would be.
  await seedChecks(ctx, await seedTargets(ctx, checkCount, Date.now()), url);
  const jitter: number[] = [];
  const jobs = new JobScheduler(pino({ level: 'silent' }));
  const runStart = Date.now();
  const scheduler = registerChecks(ctx, jobs, probe, {
    sink: async () => {},
    alerts: async () => {},
    onRunStart: (_id, slot, started) => {
      // A slot that passed before the scheduler started is run at once: not a measure of its pace.
      if (slot < runStart) return;
      jitter.push(started - slot);
    },
  });
  jobs.start();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const ranFor = Date.now() - runStart;
  const stopping = Date.now();
  await jobs.stop();
  const drainMs = Date.now() - stopping;
  const ours = quantiles(jitter);
  const expected = Math.round((checkCount * ranFor) / intervalMs);
  console.log(
    `| opsdesk scheduler | ${ours.n} | ~${expected} | ${ours.p50.toFixed(1)} | ${ours.p99.toFixed(1)} | ${ours.max.toFixed(1)} |`,
  );
  console.log(`(runs recorded: ${scheduler.stats.runs}; stopping waited ${drainMs} ms for runs under way)`);
  await close();

  // Baseline: one setTimeout chain per check at the same grid, the same probe, nothing recorded.
  const base: number[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const t0 = Date.now();
  const until = t0 + seconds * 1000;
  for (let i = 1; i <= checkCount; i++) {
    const arm = (slot: number) => {
      if (slot >= until) return;
      const timer = setTimeout(
        () => {
          timers.delete(timer);
          base.push(Date.now() - slot);
          void probe(
            { kind: 'http', url: url(i) },
            { timeoutMs: 10_000, signal: AbortSignal.timeout(10_000), now: Date.now },
          );
          arm(slot + intervalMs);
        },
        Math.max(0, slot - Date.now()),
      );
      timers.add(timer);
    };
    arm(firstSlot(i, intervalMs, t0 + 2_000));
  }
  await new Promise((r) => setTimeout(r, seconds * 1000 + 200));
  for (const t of timers) clearTimeout(t);
  const b = quantiles(base);
  console.log(
    `| baseline: a setTimeout per check | ${b.n} | ~${Math.round((checkCount * seconds * 1000) / intervalMs)} | ${b.p50.toFixed(1)} | ${b.p99.toFixed(1)} | ${b.max.toFixed(1)} |`,
  );
  server.closeAllConnections();
  server.close();
}

async function benchBoard(dialect: 'sqlite' | 'postgres'): Promise<void> {
  const { ctx, close } = await open(dialect);
  try {
    const now = Date.now();
    const targetIds = await seedTargets(ctx, boardTargets, now);
    const recent = (i: number) =>
      JSON.stringify(Array.from({ length: 30 }, (_, k) => [now - (30 - k) * 60_000, 20 + ((i + k) % 50), 1]));
    const checkIds = await seedChecks(
      ctx,
      targetIds,
      (i) => `http://127.0.0.1:9/${i}`,
      (i) => ({
        recent_results: recent(i),
        state: 'up',
        last_run_at: now - 30_000,
      }),
    );
    // History: every check up three days ago; one in ten went down for ten minutes in the last day.
    for (const part of chunks(checkIds, 500)) {
      await ctx.db
        .insertInto('monitoring_check_states')
        .values(
          part.map((id) => ({ check_id: id, state: 'up' as const, at: now - 3 * 86_400_000, message: '' })),
        )
        .execute();
      const flapped = part.filter((id) => id % 10 === 0);
      if (flapped.length)
        await ctx.db
          .insertInto('monitoring_check_states')
          .values(
            flapped.flatMap((id) => [
              { check_id: id, state: 'down' as const, at: now - 3_600_000, message: 'HTTP 503' },
              { check_id: id, state: 'up' as const, at: now - 3_000_000, message: 'HTTP 200' },
            ]),
          )
          .execute();
    }
    await createUser(ctx, null, {
      email: 'board@bench.test',
      name: 'Board',
      role: 'technician',
      password: 'bench-password-long',
    });
    const app = await buildApp(ctx);
    await app.ready();
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'board@bench.test', password: 'bench-password-long' },
    });
    const token = login.json().token as string;
    const time = async (f: () => Promise<unknown>, runs = 7) => {
      await f();
      const xs: number[] = [];
      for (let i = 0; i < runs; i++) {
        const s = performance.now();
        await f();
        xs.push(performance.now() - s);
      }
      return quantiles(xs);
    };
    let bytes = 0;
    const domain = await time(() => statusBoard(ctx));
    const overHttp = await time(async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/api/v1/monitoring/board',
        headers: { authorization: `Bearer ${token}` },
      });
      if (res.statusCode !== 200) throw new Error(`board: ${res.statusCode}`);
      bytes = res.body.length;
    });
    const floor = await time(async () => {
      const rows = await ctx.db.selectFrom('monitoring_checks').selectAll().execute();
      JSON.stringify(rows);
    });
    console.log(`\n## Status board, ${boardTargets} targets × 1 check (30-run sparklines), ${dialect}`);
    console.log('| what | p50 ms | max ms |');
    console.log('| --- | ---: | ---: |');
    console.log(
      `| statusBoard (domain: 5 queries + uptime 24 h) | ${domain.p50.toFixed(0)} | ${domain.max.toFixed(0)} |`,
    );
    console.log(
      `| GET /api/v1/monitoring/board (app.inject, ${(bytes / 1_048_576).toFixed(1)} MB JSON) | ${overHttp.p50.toFixed(0)} | ${overHttp.max.toFixed(0)} |`,
    );
    console.log(
      `| baseline: SELECT * FROM monitoring_checks + JSON.stringify | ${floor.p50.toFixed(0)} | ${floor.max.toFixed(0)} |`,
    );
    await app.close();
  } finally {
    await close();
  }
}

export async function benchCheckScheduler(): Promise<void> {
  for (const dialect of dialects) await benchBoard(dialect);
  await benchScheduler();
}

if (import.meta.url === `file://${process.argv[1]}`) await benchCheckScheduler();
