// `BENCH_PARTS=log-store npm run bench` (or `npx tsx bench/log-store.ts`): the log store on SQLite (and PostgreSQL
// with BENCH_LOG_DIALECTS=sqlite,postgres).
//   1. Append rate through the real writer (mining, records, full text, templates, hosts, minute counts, totals),
//      in appends of 5,000, four at once (a busy listener hands appends of up to 20,000); beside a baseline in the
//      same run: the same rows as plain multi-row INSERTs into a table without full text, indexes or mining.
//   2. Search latency (p50/p99 over many queries) over BENCH_LOG_RECORDS stored records (default 10,000,000; the
//      store is filled once per size and kept under bench/.cache/) for a rare word, a common word, a phrase,
//      host + severity, a time range and a word with a host; beside the baseline `ORDER BY id DESC LIMIT 100`.
// Messages are syslog-like, from a few hundred templates with variables, by a seeded random.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pino from 'pino';
import { ManualClock } from '../src/core/clock.js';
import { loadConfig } from '../src/core/config.js';
import type { ServiceContext } from '../src/core/context.js';
import { openContext } from '../src/core/runtime.js';
import { type LogRecordInput, openLogIngest, searchLogs } from '../src/logs/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const storedRecords = Number(process.env.BENCH_LOG_RECORDS ?? 10_000_000);
const appendRecords = Number(process.env.BENCH_LOG_APPEND ?? 200_000);
/** Records per append: a busy syslog listener hands the store appends of up to 20,000 (here four of 5,000 at once). */
const appendRecordsEach = 5_000;
const dialects = (process.env.BENCH_LOG_DIALECTS ?? 'sqlite').split(',') as Array<'sqlite' | 'postgres'>;
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const end = Date.parse('2026-03-16T10:00:00Z');
const span = 7 * 86_400_000;

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const subjects = [
  'connection',
  'session',
  'request',
  'job',
  'disk',
  'backup',
  'user',
  'worker',
  'query',
  'certificate',
];
const verbs = [
  'failed',
  'closed',
  'opened',
  'timed out',
  'retried',
  'completed',
  'refused',
  'started',
  'stopped',
  'rejected',
];
const tails = [
  'from {ip} port {n}',
  'after {ms}ms',
  'for user {user}',
  'on /var/lib/{word}/{n}',
  'with status {n}',
  'id={hex}',
  'in {ms} ms (attempt {n})',
];
const apps = ['sshd', 'nginx', 'postgres', 'cron', 'kernel', 'systemd', 'haproxy', 'dockerd'];
const users = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
const words = ['cache', 'data', 'spool', 'mail', 'db', 'logs'];

/** A few hundred templates: subject × verb × tail (700), each with a rare word of its own for some. */
function makeGenerator(seed: number) {
  const rnd = mulberry32(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
  // A skewed choice of template: a few are very common, most are rare (as real logs are).
  const templateIndex = () => Math.floor(700 * rnd() ** 3);
  return (i: number): LogRecordInput => {
    const k = templateIndex();
    const subject = subjects[k % 10] as string;
    const verb = verbs[Math.floor(k / 10) % 10] as string;
    const tail = (tails[Math.floor(k / 100) % 7] as string)
      .replace('{ip}', `10.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}`)
      .replace('{n}', String(Math.floor(rnd() * 65535)))
      .replace('{n}', String(Math.floor(rnd() * 9)))
      .replace('{ms}', String(Math.floor(rnd() * 5000)))
      .replace('{user}', pick(users))
      .replace('{word}', pick(words))
      .replace('{hex}', Math.floor(rnd() * 2 ** 32).toString(16));
    const severity = (
      verb === 'failed' || verb === 'refused' ? 3 : verb === 'timed out' ? 4 : 6
    ) as LogRecordInput['severity'];
    // One template in a thousand records carries the rare word "zebracorn".
    const rare = k === 699 ? ' zebracorn' : '';
    const time = end - span + Math.floor((i / storedRecords) * span);
    return {
      time,
      receivedAt: time,
      host: `host-${String(Math.floor(rnd() * 200)).padStart(3, '0')}`,
      app: pick(apps),
      procId: String(1000 + Math.floor(rnd() * 30000)),
      msgId: null,
      severity,
      facility: 3,
      message: `${subject} ${verb} ${tail}${rare}`,
      structuredData: null,
      source: 'syslog-tcp',
      peer: '127.0.0.1',
      truncated: false,
    };
  };
}

async function openStore(dialect: 'sqlite' | 'postgres', name: string, clock: ManualClock) {
  const dataDir = path.join(here, '.cache', name);
  fs.mkdirSync(dataDir, { recursive: true });
  const config = loadConfig({
    OPSDESK_DATA_DIR: dataDir,
    OPSDESK_LOG_LEVEL: 'silent',
    ...(dialect === 'postgres' ? { DATABASE_URL: pgUrl } : {}),
  });
  return openContext(config, {
    clock,
    log: pino({ level: 'silent' }),
    ...(dialect === 'postgres' ? { pgSchema: name.replace(/[^a-z0-9_]/g, '_') } : {}),
  });
}

async function fill(ctx: ServiceContext, count: number, from: number, seed: number): Promise<number> {
  const gen = makeGenerator(seed);
  const ingest = openLogIngest(ctx);
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  for (let i = 0; i < count; i += appendRecordsEach) {
    const batch = Array.from({ length: Math.min(appendRecordsEach, count - i) }, (_, k) => gen(from + i + k));
    const p = ingest.append(batch).then(() => {
      inFlight.delete(p);
    });
    inFlight.add(p);
    // Four connections' worth of batches at once, as the listener would hand them.
    if (inFlight.size >= 4) await Promise.race(inFlight);
    if (count >= 1_000_000 && i % 500_000 === 0 && i > 0)
      process.stdout.write(
        `  … ${i.toLocaleString()} records, ${((i / (performance.now() - started)) * 1000).toFixed(0)}/s\r`,
      );
  }
  await Promise.all(inFlight);
  await ingest.close();
  return (count / (performance.now() - started)) * 1000;
}

async function plainBaseline(ctx: ServiceContext, count: number, seed: number): Promise<number> {
  await sql`DROP TABLE IF EXISTS bench_plain_logs`.execute(ctx.db);
  await sql`CREATE TABLE bench_plain_logs (id ${sql.raw(ctx.caps.multiInstance ? 'bigserial primary key' : 'integer primary key')}, time bigint, received_at bigint, host text, app text, proc_id text, msg_id text, severity integer, facility integer, message text, structured_data text, template_id text, target_id integer, source text, peer text, truncated integer, bytes integer)`.execute(
    ctx.db,
  );
  const gen = makeGenerator(seed);
  const started = performance.now();
  for (let i = 0; i < count; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - i) }, (_, k) => {
      const r = gen(i + k);
      return {
        time: r.time,
        received_at: r.receivedAt,
        host: r.host,
        app: r.app,
        proc_id: r.procId,
        msg_id: r.msgId,
        severity: r.severity,
        facility: r.facility,
        message: r.message,
        structured_data: null,
        template_id: 't',
        target_id: null,
        source: r.source,
        peer: r.peer,
        truncated: 0,
        bytes: r.message.length,
      };
    });
    await ctx.db.transaction().execute((trx) =>
      (trx as never as typeof ctx.db)
        .insertInto('bench_plain_logs' as never)
        .values(rows as never)
        .execute(),
    );
  }
  const rate = (count / (performance.now() - started)) * 1000;
  await sql`DROP TABLE bench_plain_logs`.execute(ctx.db);
  return rate;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

async function timeQueries(
  runs: number,
  query: (i: number) => Promise<unknown>,
): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await query(i);
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

export async function benchLogStore(): Promise<void> {
  for (const dialect of dialects) {
    console.log(`\n## Log store (${dialect})\n`);
    // 1. Append rate, on a fresh store.
    const clock = new ManualClock(end);
    const freshName = `logs-append-${dialect}-${process.pid}`;
    const fresh = await openStore(dialect, freshName, clock);
    const baseline = await plainBaseline(fresh.ctx, appendRecords, 1);
    const rate = await fill(fresh.ctx, appendRecords, 0, 1);
    // The fresh store goes with the run: its PostgreSQL schema too (the SQLite file just below).
    if (dialect === 'postgres')
      await sql.raw(`DROP SCHEMA "${freshName.replace(/[^a-z0-9_]/g, '_')}" CASCADE`).execute(fresh.ctx.db);
    await fresh.close();
    fs.rmSync(path.join(here, '.cache', freshName), { recursive: true, force: true });
    console.log(
      '| append (5,000-record appends, 4 at once) | records/s | baseline records/s (plain INSERT) | store / baseline |',
    );
    console.log('| --- | ---: | ---: | ---: |');
    console.log(
      `| ${appendRecords.toLocaleString()} records | ${rate.toFixed(0)} | ${baseline.toFixed(0)} | ${(rate / baseline).toFixed(2)} |`,
    );

    // 2. Search over the stored size (filled once, then kept).
    const name = `logs-${dialect}-${storedRecords}`;
    const store = await openStore(dialect, name, clock);
    const ctx = store.ctx;
    const have = Number(
      (await ctx.db.selectFrom('log_store_totals').select('records').executeTakeFirst())?.records ?? 0,
    );
    if (have < storedRecords) {
      console.log(`\nfilling ${(storedRecords - have).toLocaleString()} records…`);
      const fillRate = await fill(ctx, storedRecords - have, have, 2 + have);
      console.log(`\nfilled at ${fillRate.toFixed(0)} records/s`);
    }
    // The planner's statistics, as autovacuum would gather them after a fill (it may be off on a test server).
    if (dialect === 'postgres') await sql`ANALYZE log_records`.execute(ctx.db);
    const rnd = mulberry32(3);
    const hostOf = () => `host-${String(Math.floor(rnd() * 200)).padStart(3, '0')}`;
    const runs = Number(process.env.BENCH_LOG_QUERIES ?? 200);
    const shapes: [string, (i: number) => Promise<unknown>][] = [
      [
        'baseline: SELECT … ORDER BY id DESC LIMIT 100',
        () => ctx.db.selectFrom('log_records').selectAll().orderBy('id', 'desc').limit(100).execute(),
      ],
      ['newest 100, no filter (searchLogs)', () => searchLogs(ctx, {}, { limit: 100 })],
      ['rare word (zebracorn)', () => searchLogs(ctx, { q: 'zebracorn' }, { limit: 100 })],
      ['common word (connection)', () => searchLogs(ctx, { q: 'connection' }, { limit: 100 })],
      ['phrase ("timed out")', () => searchLogs(ctx, { q: '"timed out"' }, { limit: 100 })],
      [
        'host + severity ≤ err',
        () => searchLogs(ctx, { hosts: [hostOf()], severities: [0, 1, 2, 3] }, { limit: 100 }),
      ],
      [
        'word + host (backup, one host)',
        () => searchLogs(ctx, { q: 'backup', hosts: [hostOf()] }, { limit: 100 }),
      ],
      [
        'time range (10 min, random point of the week)',
        () => {
          const from = end - span + Math.floor(rnd() * (span - 600_000));
          return searchLogs(ctx, { from, to: from + 600_000 }, { limit: 100 });
        },
      ],
      [
        'word + time range (failed, 1 h)',
        () => {
          const from = end - span + Math.floor(rnd() * (span - 3_600_000));
          return searchLogs(ctx, { q: 'failed', from, to: from + 3_600_000 }, { limit: 100 });
        },
      ],
    ];
    console.log(
      `\n| search over ${storedRecords.toLocaleString()} records (${runs} runs) | p50 ms | p99 ms | p99 / baseline p99 |`,
    );
    console.log('| --- | ---: | ---: | ---: |');
    let base = 1;
    for (const [label, q] of shapes) {
      await q(0);
      const r = await timeQueries(runs, q);
      if (label.startsWith('baseline')) base = r.p99;
      console.log(`| ${label} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(r.p99 / base).toFixed(1)} |`);
    }
    await store.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchLogStore();
