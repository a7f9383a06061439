// `npx tsx bench/overload.ts` (or `BENCH_PARTS=overload npm run bench`): paging's pace while ingest is flooded. The
// real HTTP app on a real port takes a flood of `POST /api/v1/logs` (BENCH_OVERLOAD_CLIENTS, default 128, each
// posting 200 lines again and again for BENCH_OVERLOAD_SECONDS, default 10, from a worker thread: their own event
// loop) while escalation ticks run BENCH_OVERLOAD_TICK_GAP_MS (250) apart, each advancing 50 incidents (a page, or
// the end of the policy; the clock moves a minute before each). Runs in the same process, each on a fresh
// database: the ticks with no flood (the baseline); flooded with the default budget (8 in progress, 64 waiting) —
// with paging as foreground work (core/foreground-work.ts, as the service runs) and without (every ingest step
// free to interleave with the tick, as before it) — then with a tighter budget (2 + 16) and with none to speak of
// (10,000 in progress). Printed per run: tick p50 and max and their ratio to the baseline, requests accepted and
// shed per second, lines stored, the process's peak RSS. A refused client waits its Retry-After, as Prometheus and
// log shippers do. The figures compare runs, they are not the server's capacity. Environment:
// BENCH_OVERLOAD_SECONDS=10, BENCH_OVERLOAD_CLIENTS=128, BENCH_OVERLOAD_TICK_GAP_MS=250,
// BENCH_DIALECTS=sqlite,postgres, BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import pino from 'pino';
import { buildApp } from '../src/api/app.js';
import { actorForUser, createApiToken, createUser } from '../src/core/auth/index.js';
import { ManualClock } from '../src/core/clock.js';
import { loadConfig } from '../src/core/config.js';
import { ForegroundWork } from '../src/core/foreground-work.js';
import { openContext } from '../src/core/runtime.js';
import { createIncident, createService, runEscalations } from '../src/incidents/index.js';
import { createEscalationPolicy } from '../src/oncall/index.js';

const seconds = Number(process.env.BENCH_OVERLOAD_SECONDS ?? 10);
const clients = Number(process.env.BENCH_OVERLOAD_CLIENTS ?? 128);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const incidents = 50;
const linesPerRequest = 200;
/** The pause between ticks: the engine runs on an interval (5 s in the service), not back to back. */
const tickGapMs = Number(process.env.BENCH_OVERLOAD_TICK_GAP_MS ?? 250);

// The flood, as plain JavaScript for a worker thread: each client posts again and again until told to stop; a
// refused one waits its Retry-After, as Prometheus, Alertmanager and log shippers do.
const floodWorkerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, token, body, clients } = workerData;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const counts = { accepted: 0, shed: 0, other: 0 };
let stop = false;
parentPort.on('message', () => { stop = true; });
Promise.all(Array.from({ length: clients }, async () => {
  while (!stop) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { authorization: 'Bearer ' + token, 'content-type': 'application/x-ndjson' },
        body,
      });
      await res.arrayBuffer();
      if (res.status === 200) counts.accepted++;
      else if (res.status === 429) {
        counts.shed++;
        await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
      } else counts.other++;
    } catch {
      counts.other++;
    }
  }
})).then(() => { parentPort.postMessage(counts); parentPort.close(); });
`;

interface Run {
  label: string;
  ticks: number[];
  accepted: number;
  shed: number;
  other: number;
  storedLines: number;
  peakRssMb: number;
  seconds: number;
}

/** Foreground work that gives no priority: what the service did before paging ran as foreground work. */
const withoutPriority = Object.assign(new ForegroundWork(), {
  run: <T>(work: () => Promise<T>) => work(),
  yieldTo: async () => {},
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

async function oneRun(
  dialect: 'sqlite' | 'postgres',
  label: string,
  flood: boolean,
  budget: Record<string, string>,
  priority = true,
): Promise<Run> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-bench-overload-'));
  const schema = dialect === 'postgres' ? `bench_overload_${randomBytes(4).toString('hex')}` : undefined;
  const config = loadConfig({
    OPSDESK_DATA_DIR: dataDir,
    OPSDESK_LOG_LEVEL: 'silent',
    OPSDESK_OVERLOAD_EVENT_LOOP_DELAY_MS: '0',
    ...budget,
    ...(dialect === 'postgres' ? { DATABASE_URL: pgUrl } : {}),
  });
  const clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
  const opened = await openContext(config, { clock, log: pino({ level: 'silent' }), pgSchema: schema });
  const ctx = opened.ctx;
  // Without priority: ingest steps never wait, and the tick's database turns interleave with every one of them.
  if (!priority) ctx.foreground = withoutPriority;
  const app = await buildApp(ctx);
  try {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const m = await createUser(ctx, null, { email: 'm@example.com', name: 'Manager', role: 'manager' });
    const manager = actorForUser({ ...m, groupIds: [] });
    const tech = await createUser(ctx, null, { email: 't@example.com', name: 'Tech', role: 'technician' });
    const token = (await createApiToken(ctx, actorForUser({ ...tech, groupIds: [] }), { name: 'agent' }))
      .token;
    // Every tick pages each incident's next step: one-minute steps, repeated.
    const policy = await createEscalationPolicy(ctx, manager, {
      name: 'Everyone',
      steps: [
        { targets: [{ kind: 'user', id: m.id }], delayMinutes: 1 },
        { targets: [{ kind: 'user', id: tech.id }], delayMinutes: 1 },
      ],
      repeatCount: 10,
    });
    const service = await createService(ctx, manager, { name: 'Core', escalationPolicyId: policy.id });
    // A generation of incidents pages 20 times each (2 steps × 10 passes), then is exhausted; the next one is
    // opened (untimed) when it is.
    let generation = 0;
    const openGeneration = async () => {
      for (let i = 0; i < incidents; i++)
        await createIncident(ctx, manager, {
          serviceId: service.id,
          summary: `Down ${generation}.${i}`,
          dedupKey: `g${generation}.${i}`,
        });
      generation++;
      await runEscalations(ctx);
    };
    await openGeneration();

    const body = new Uint8Array(
      Buffer.from(
        Array.from({ length: linesPerRequest }, (_, i) =>
          JSON.stringify({
            app: 'flood',
            host: `h${i % 20}`,
            message: `request took ${i} ms on worker ${i % 7}`,
          }),
        ).join('\n'),
      ),
    );
    // The flood's clients run on a worker thread: their own event loop, so the server's is the one measured.
    const flooder = flood
      ? new Worker(floodWorkerSource, {
          eval: true,
          workerData: { url: `${base}/api/v1/logs`, token, body, clients },
        })
      : null;
    const floodDone = flooder
      ? new Promise<{ accepted: number; shed: number; other: number }>((resolve, reject) => {
          flooder.once('message', resolve);
          flooder.once('error', reject);
        })
      : Promise.resolve({ accepted: 0, shed: 0, other: 0 });
    let peakRss = process.memoryUsage().rss;
    const ticks: number[] = [];
    const started = performance.now();
    while (performance.now() - started < seconds * 1000) {
      clock.advance(60_000);
      const t0 = performance.now();
      const r = await runEscalations(ctx);
      ticks.push(performance.now() - t0);
      if (r.paged + r.exhausted < incidents)
        throw new Error(`a tick advanced ${r.paged + r.exhausted} of ${incidents} incidents`);
      if (r.exhausted > 0) await openGeneration();
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      await sleep(tickGapMs);
    }
    flooder?.postMessage('stop');
    const counts = await floodDone;
    const elapsed = (performance.now() - started) / 1000;
    const stored = await ctx.db
      .selectFrom('log_records')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    return {
      label,
      ticks,
      ...counts,
      storedLines: Number(stored.n),
      peakRssMb: peakRss / 1_048_576,
      seconds: elapsed,
    };
  } finally {
    await app.close();
    await opened.close();
    if (schema) {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchOverload(): Promise<void> {
  for (const dialect of dialects) {
    const runs = [
      await oneRun(dialect, 'no flood (baseline)', false, {}),
      await oneRun(dialect, 'flooded, budget 8 + 64 (default)', true, {}),
      await oneRun(dialect, 'flooded, budget 8 + 64, paging not foreground', true, {}, false),
      await oneRun(dialect, 'flooded, budget 2 + 16', true, {
        OPSDESK_INGEST_MAX_IN_FLIGHT: '2',
        OPSDESK_INGEST_MAX_QUEUED: '16',
      }),
      await oneRun(dialect, 'flooded, no budget (10,000)', true, {
        OPSDESK_INGEST_MAX_IN_FLIGHT: '10000',
        OPSDESK_INGEST_MAX_QUEUED: '0',
      }),
    ];
    const base = runs[0]!;
    const p50 = quantile(base.ticks, 0.5);
    console.log(
      `\n### Overload: escalation ticks (${incidents} pages each) while POST /api/v1/logs is flooded — ${dialect}, ${clients} clients × ${linesPerRequest} lines, ${seconds} s\n`,
    );
    console.log(
      '| run | ticks | tick p50 ms | tick max ms | p50 / baseline | accepted req/s | shed req/s | other | lines stored | peak RSS MB |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of runs) {
      const mid = quantile(r.ticks, 0.5);
      console.log(
        `| ${r.label} | ${r.ticks.length} | ${mid.toFixed(1)} | ${Math.max(...r.ticks).toFixed(1)} | ${(mid / p50).toFixed(2)}× | ${(r.accepted / r.seconds).toFixed(0)} | ${(r.shed / r.seconds).toFixed(0)} | ${r.other} | ${r.storedLines} | ${r.peakRssMb.toFixed(0)} |`,
      );
    }
    const stored = runs.map((r) => r.storedLines === r.accepted * linesPerRequest);
    console.log(
      `\nEvery accepted request's lines stored (accepted × ${linesPerRequest} = stored): ${stored.every(Boolean) ? 'yes' : `NO (${stored})`}.`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchOverload();
