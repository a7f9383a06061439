// `npx tsx bench/oncall-lookup.ts`: who is on call through the stored schedules (the compiled-schedules cache),
// over 200 schedules of two layers (a weekly 24/7 rotation, a business-hours layer over it) with overrides.
// Baseline measured in the same run: the uncached path — read the schedule and its overrides from the database
// and compile them on every call. Also the final schedule of one schedule for a year (onCallSegments).
// Environment: BENCH_ONCALL_SCHEDULES=200, BENCH_ONCALL_LOOKUPS=20000, BENCH_DIALECTS=sqlite,postgres,
// BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { createUser, systemActor } from '../src/core/auth/index.js';
import { ManualClock } from '../src/core/clock.js';
import { loadConfig } from '../src/core/config.js';
import { openContext } from '../src/core/runtime.js';
import {
  compileSchedule,
  createOverride,
  createSchedule,
  onCallAt,
  onCallSegments,
  type ScheduleLayer,
  whoIsOnCall,
} from '../src/oncall/index.js';

const scheduleCount = Number(process.env.BENCH_ONCALL_SCHEDULES ?? 200);
const lookups = Number(process.env.BENCH_ONCALL_LOOKUPS ?? 20_000);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const start = Date.parse('2026-03-02T00:00:00Z');
const yearMs = 365 * 86_400_000;

function quantiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: q(0.5), p99: q(0.99), max: s[s.length - 1] };
}
const us = (v: number) => `${(v * 1000).toFixed(1)} µs`;

// A seeded random, so every run measures the same lookups.
function random(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

export async function benchOnCallLookup(dialect: 'sqlite' | 'postgres'): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-bench-oncall-'));
  const schema = dialect === 'postgres' ? `bench_oncall_${randomBytes(4).toString('hex')}` : undefined;
  const config = loadConfig({
    OPSDESK_DATA_DIR: dataDir,
    OPSDESK_LOG_LEVEL: 'silent',
    ...(dialect === 'postgres' ? { DATABASE_URL: pgUrl } : {}),
  });
  const clock = new ManualClock(start);
  const opened = await openContext(config, { clock, log: pino({ level: 'silent' }), pgSchema: schema });
  const ctx = opened.ctx;
  try {
    const admin = systemActor(0);
    const people: number[] = [];
    for (let i = 0; i < 24; i++) {
      const u = await createUser(ctx, null, {
        email: `tech${i}@bench.test`,
        name: `Tech ${i}`,
        role: 'technician',
        password: 'bench-password-long',
      });
      people.push(u.id);
    }
    admin.id = people[0];
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney'];
    const ids: number[] = [];
    for (let i = 0; i < scheduleCount; i++) {
      const team = Array.from({ length: 6 }, (_, k) => people[(i + k) % people.length]);
      const layers: ScheduleLayer[] = [
        {
          kind: 'rotation',
          name: '24/7',
          start: '2026-03-02T09:00',
          end: null,
          turn: { unit: 'week', count: 1 },
          participants: team,
          restrictions: [],
        },
        {
          kind: 'rotation',
          name: 'Business hours',
          start: '2026-03-02T08:00',
          end: null,
          turn: { unit: 'day', count: 1 },
          participants: team.slice(0, 3),
          restrictions: [{ days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' }],
        },
      ];
      const s = await createSchedule(ctx, admin, {
        name: `Schedule ${i}`,
        timeZone: zones[i % zones.length],
        layers,
      });
      for (let k = 0; k < 5; k++) {
        const from = start + (k * 7 + (i % 7)) * 86_400_000;
        await createOverride(ctx, admin, s.id, { userId: team[5], start: from, end: from + 8 * 3_600_000 });
      }
      ids.push(s.id);
    }

    const rnd = random(42);
    const asks = Array.from({ length: lookups }, () => ({
      id: ids[Math.floor(rnd() * ids.length)],
      at: start + Math.floor(rnd() * yearMs),
    }));
    await whoIsOnCall(ctx, ids[0], start); // load the cache once
    const cached: number[] = [];
    for (const a of asks) {
      const t0 = performance.now();
      await whoIsOnCall(ctx, a.id, a.at);
      cached.push(performance.now() - t0);
    }
    // The baseline: what an implementation without the cache does on every call.
    const uncached: number[] = [];
    for (const a of asks.slice(0, Math.min(asks.length, 2000))) {
      const t0 = performance.now();
      const row = await ctx.db
        .selectFrom('oncall_schedules')
        .selectAll()
        .where('id', '=', a.id)
        .executeTakeFirstOrThrow();
      const overrides = await ctx.db
        .selectFrom('oncall_overrides')
        .select(['id', 'user_id', 'start_at', 'end_at'])
        .where('schedule_id', '=', a.id)
        .execute();
      const compiled = compileSchedule({
        id: row.id,
        timeZone: row.time_zone,
        layers: JSON.parse(row.layers),
        overrides: overrides.map((o) => ({
          id: o.id,
          userId: o.user_id,
          start: Number(o.start_at),
          end: Number(o.end_at),
        })),
      });
      onCallAt(compiled, a.at);
      uncached.push(performance.now() - t0);
    }
    const year: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      await onCallSegments(ctx, ids[i % ids.length], start, start + yearMs);
      year.push(performance.now() - t0);
    }
    const c = quantiles(cached);
    const u = quantiles(uncached);
    const y = quantiles(year);
    console.log(`\n## Who is on call, ${dialect}: ${scheduleCount} schedules × 2 layers + 5 overrides each`);
    console.log('| path | calls | p50 | p99 | max |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    console.log(
      `| whoIsOnCall (compiled-schedules cache) | ${cached.length} | ${us(c.p50)} | ${us(c.p99)} | ${us(c.max)} |`,
    );
    console.log(
      `| baseline: read + compile per call | ${uncached.length} | ${us(u.p50)} | ${us(u.p99)} | ${us(u.max)} |`,
    );
    console.log(
      `| onCallSegments, one year | ${year.length} | ${y.p50.toFixed(2)} ms | ${y.p99.toFixed(2)} ms | ${y.max.toFixed(2)} ms |`,
    );
  } finally {
    await opened.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (schema) {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const dialect of dialects) await benchOnCallLookup(dialect);
}
