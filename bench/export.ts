// CSV export of a large queue: GET /api/v1/tickets/export.csv of every ticket (the queue's default columns)
// through a real port, consumed as it arrives, reporting rows/s and the process's peak RSS; beside a baseline
// measured in the same run: the same rows read in the same keyset batches straight from the database, without
// the list's visibility rule, the names' joins or any formatting. Target: ≥ 50,000 rows/s at ≤ 150 MB RSS.
// Runs from bench/run.ts (BENCH_PARTS=export) or alone: `npx tsx bench/export.ts`.
// Environment: BENCH_EXPORT_ROWS=1000000 (tickets seeded, cached under bench/.cache/), BENCH_DIALECTS=sqlite,postgres,
// BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
import type { AddressInfo } from 'node:net';
import { buildApp } from '../src/api/app.js';
import type { OpenedContext } from '../src/core/runtime.js';
import { benchTokens, openPostgresSeed, openSqliteSeed } from './seed.js';

const rows = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Run {
  label: string;
  rows: number;
  seconds: number;
  bytes: number;
  peakRssMb: number;
}

/** Peak RSS while `work` runs, sampled every 20 ms. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; peakRssMb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, peakRssMb: peak / 1_048_576 };
  } finally {
    clearInterval(timer);
  }
}

async function baseline(opened: OpenedContext): Promise<Run> {
  const db = opened.ctx.db;
  const started = performance.now();
  const { value, peakRssMb } = await withPeakRss(async () => {
    let n = 0;
    let before: number | null = null;
    for (;;) {
      let q = db
        .selectFrom('tickets')
        .select(['id', 'title', 'status', 'priority', 'assignee_id', 'group_id', 'updated_at'])
        .orderBy('id', 'desc')
        .limit(1000);
      if (before !== null) q = q.where('id', '<', before);
      const batch = await q.execute();
      n += batch.length;
      if (batch.length < 1000) return n;
      before = batch[batch.length - 1].id;
    }
  });
  return {
    label: 'baseline: the rows in keyset batches, unformatted',
    rows: value,
    seconds: (performance.now() - started) / 1000,
    bytes: 0,
    peakRssMb,
  };
}

async function exportOverHttp(opened: OpenedContext): Promise<Run> {
  const app = await buildApp(opened.ctx);
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/v1/tickets/export.csv`;
    const started = performance.now();
    const { value, peakRssMb } = await withPeakRss(async () => {
      const res = await fetch(url, { headers: { authorization: `Bearer ${benchTokens.technician}` } });
      if (res.status !== 200) throw new Error(`export: ${res.status} ${await res.text()}`);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      let bytes = 0;
      let lines = 0;
      for (;;) {
        const { done, value: chunk } = await reader.read();
        if (done) break;
        bytes += chunk.byteLength;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
      }
      return { bytes, rows: lines - 1 };
    });
    return {
      label: 'GET /api/v1/tickets/export.csv (default columns), streamed over HTTP',
      rows: value.rows,
      seconds: (performance.now() - started) / 1000,
      bytes: value.bytes,
      peakRssMb,
    };
  } finally {
    await app.close();
  }
}

export async function benchExport(): Promise<void> {
  for (const dialect of dialects) {
    const opened =
      dialect === 'sqlite' ? await openSqliteSeed(rows) : (await openPostgresSeed(rows, pgUrl)).opened;
    try {
      console.log(`\n## CSV export of ${rows.toLocaleString('en')} tickets, ${dialect}`);
      const runs = [await baseline(opened), await exportOverHttp(opened)];
      console.log('| run | rows | seconds | rows/s | MB sent | peak RSS MB (whole process) |');
      console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
      for (const r of runs) {
        console.log(
          `| ${r.label} | ${r.rows.toLocaleString('en')} | ${r.seconds.toFixed(1)} | ${Math.round(r.rows / r.seconds).toLocaleString('en')} | ${(r.bytes / 1e6).toFixed(0)} | ${r.peakRssMb.toFixed(0)} |`,
        );
      }
      const [base, exp] = runs;
      console.log(
        `export / baseline rows/s: ${(exp.rows / exp.seconds / (base.rows / base.seconds)).toFixed(2)} (target ≥ 50,000 rows/s at ≤ 150 MB RSS)`,
      );
    } finally {
      await opened.close();
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchExport();
