// `npx tsx bench/metric-store.ts` (or `BENCH_PARTS=metric-store npm run bench`): the metric store on SQLite.
//   1. Append rate, as a scrape hands batches (1,000 series × 1 sample) and as remote-write does (500 series × 20
//      samples), beside two baselines measured in the same run: only turning the same batches into the stored blob
//      (label keys, checks, encoding — no database), and a row-per-sample insert of the same samples (multi-row
//      INSERTs into a (series_id, ts) table, the straightforward design).
//   2. A read of 1,000 series × 24 h of 15 s samples (5.76 M samples) after compaction, median of several: whole
//      (select: every series' arrays at once) and streamed (selectEach: one series at a time, as PromQL reads), and
//      the range query over them (read + evaluation), beside the floor of filling that many samples in memory.
//   3. RSS at 100,000 active series (a child process: the store's index after 100 scrapes of 1,000 new series).
// Environment: BENCH_METRICS_PARTS=append,read,rss, BENCH_METRICS_BATCHES=300 (batches per append shape), BENCH_METRICS_SERIES_RSS=100000.
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pino from 'pino';
import { ManualClock } from '../src/core/clock.js';
import { loadConfig } from '../src/core/config.js';
import { openContext } from '../src/core/runtime.js';
import { compactMetrics } from '../src/monitoring/metric-maintenance.js';
import { type IngestSeries, type Labels, labelsKey, labelsProblem } from '../src/monitoring/metric-model.js';
import { metricStore } from '../src/monitoring/metric-store.js';
import { evaluateRange } from '../src/monitoring/promql.js';
import { encodeBatch } from '../src/monitoring/sample-codec.js';

const batchCount = Number(process.env.BENCH_METRICS_BATCHES ?? 300);
const rssSeries = Number(process.env.BENCH_METRICS_SERIES_RSS ?? 100_000);
const end = Date.parse('2026-03-16T10:00:00Z');
const step = 15_000;
const day = 86_400_000;

/** node_exporter-like label sets: `count` series of one instance, over 50 metric names. */
function labelSets(instance: string, count: number): Labels[] {
  return Array.from({ length: count }, (_, i) => ({
    __name__: `node_bench_metric_${i % 50}_total`,
    instance,
    job: 'node',
    cpu: String(Math.floor(i / 50) % 8),
    mode: ['user', 'system', 'idle', 'iowait', 'irq'][Math.floor(i / 400) % 5] as string,
    series: String(i),
  }));
}

/** Batches of `perBatch` series × `samples` samples each, timestamps moving on by `samples` steps per batch. */
function batches(
  labels: Labels[],
  perBatch: number,
  samples: number,
  count: number,
  from: number,
): IngestSeries[][] {
  const out: IngestSeries[][] = [];
  for (let b = 0; b < count; b++) {
    const at = from + b * samples * step;
    const offset = (b * perBatch) % labels.length;
    out.push(
      Array.from({ length: perBatch }, (_, i) => ({
        labels: labels[(offset + i) % labels.length] as Labels,
        timestamps: Array.from({ length: samples }, (_, k) => at + k * step),
        values: Array.from({ length: samples }, (_, k) => (b * samples + k) * 1.5 + i),
      })),
    );
  }
  return out;
}

/** Baseline 1: what an append does without the database — key, label check, encode. */
function encodeOnly(all: IngestSeries[][]): number {
  const ids = new Map<string, number>();
  let n = 0;
  for (const batch of all) {
    let total = 0;
    for (const s of batch) total += s.timestamps.length;
    const idArr = new Uint32Array(batch.length);
    const counts = new Uint32Array(batch.length);
    const ts = new Float64Array(total);
    const vals = new Float64Array(total);
    let k = 0;
    batch.forEach((s, i) => {
      const key = labelsKey(s.labels);
      let id = ids.get(key);
      if (id === undefined) {
        if (labelsProblem(s.labels)) return;
        id = ids.size + 1;
        ids.set(key, id);
      }
      idArr[i] = id;
      counts[i] = s.timestamps.length;
      for (let j = 0; j < s.timestamps.length; j++) {
        ts[k] = s.timestamps[j] as number;
        vals[k] = s.values[j] as number;
        k++;
      }
    });
    n += encodeBatch(idArr, counts, batch.length, ts, vals, k).length;
  }
  return n;
}

async function openBenchContext(dir: string, clock: ManualClock) {
  const config = loadConfig({ OPSDESK_DATA_DIR: dir, OPSDESK_LOG_LEVEL: 'silent' });
  return openContext(config, { clock, log: pino({ level: 'silent' }) });
}

function rate(samples: number, ms: number): string {
  return `${Math.round((samples / ms) * 1000).toLocaleString('en')}`;
}

/**
 * Wall and CPU milliseconds of `work`. The machine may be shared: the CPU time (this process, every thread) is what
 * "on one core" means when other processes take turns on it; both are printed.
 */
async function timed<T>(work: () => Promise<T> | T): Promise<{ value: T; wallMs: number; cpuMs: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await work();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

function both(samples: number, t: { wallMs: number; cpuMs: number }): string {
  return `${rate(samples, t.cpuMs)} (wall ${rate(samples, t.wallMs)})`;
}

async function benchAppend(): Promise<void> {
  console.log('\n## Metric store, SQLite: append rate (samples/s, one core)');
  console.log(
    '| batch shape | samples | opsdesk store | encode only (no DB) | row per sample (SQLite) | store / row-per-sample |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [label, perBatch, samples] of [
    ['scrape: 1,000 series × 1 sample', 1000, 1],
    ['remote-write: 500 series × 20 samples', 500, 20],
  ] as const) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-bench-metrics-'));
    const clock = new ManualClock(end);
    const opened = await openBenchContext(dir, clock);
    try {
      const store = metricStore(opened.ctx);
      const labels = labelSets('host-1:9100', 1000);
      const from = end - batchCount * samples * step;
      const all = batches(labels, perBatch, samples, batchCount, from);
      const total = batchCount * perBatch * samples;
      // Warm-up: the series made (as after the first scrape), statements prepared.
      await store.append(batches(labels, 1000, 1, 1, from - step)[0] as IngestSeries[], {
        key: 'bench',
        maxSeries: 1e6,
      });
      const appended = await timed(async () => {
        let accepted = 0;
        for (const batch of all)
          accepted += (await store.append(batch, { key: 'bench', maxSeries: 1e6 })).accepted;
        return accepted;
      });
      if (appended.value !== total) throw new Error(`accepted ${appended.value} of ${total}`);
      const encoded = await timed(() => encodeOnly(all));
      // Row per sample, over a tenth of the samples (it is slow), in 500-row INSERTs of one transaction per batch.
      await sql`CREATE TABLE bench_samples (series_id integer, ts integer, value real, PRIMARY KEY (series_id, ts))`.execute(
        opened.ctx.db,
      );
      const rowBatches = all.slice(0, Math.max(1, Math.floor(batchCount / 10)));
      const ids = new Map(labels.map((l, i) => [labelsKey(l), i + 1]));
      const rowWise = await timed(async () => {
        let rowSamples = 0;
        for (const batch of rowBatches) {
          const rows: { series_id: number; ts: number; value: number }[] = [];
          for (const s of batch)
            for (let j = 0; j < s.timestamps.length; j++)
              rows.push({
                series_id: ids.get(labelsKey(s.labels)) as number,
                ts: s.timestamps[j] as number,
                value: s.values[j] as number,
              });
          await opened.ctx.db.transaction().execute(async (trx) => {
            for (let i = 0; i < rows.length; i += 500)
              await (trx as any)
                .insertInto('bench_samples')
                .values(rows.slice(i, i + 500))
                .execute();
          });
          rowSamples += rows.length;
        }
        return rowSamples;
      });
      const ratio = total / appended.cpuMs / (rowWise.value / rowWise.cpuMs);
      console.log(
        `| ${label} | ${total.toLocaleString('en')} | ${both(total, appended)} | ${both(total, encoded)} | ${both(rowWise.value, rowWise)} | ${ratio.toFixed(1)}× |`,
      );
    } finally {
      await opened.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function benchRead(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-bench-metrics-'));
  const clock = new ManualClock(end);
  const opened = await openBenchContext(dir, clock);
  try {
    const store = metricStore(opened.ctx);
    const labels = labelSets('host-1:9100', 1000);
    // 24 h of 15 s samples: 24 appends of 1,000 series × 240 samples (an hour each), then compacted.
    const perHour = 240;
    const t0 = performance.now();
    for (let h = 0; h < 24; h++) {
      const from = end - day + h * perHour * step;
      const [batch] = batches(labels, 1000, perHour, 1, from);
      await store.append(batch as IngestSeries[], { key: 'bench', maxSeries: 1e6 });
    }
    const loadMs = performance.now() - t0;
    const t1 = performance.now();
    const compacted = await compactMetrics(opened.ctx);
    const compactMs = performance.now() - t1;
    const matchers = [{ name: 'job', op: '=', value: 'node' }] as const;
    const times: { wallMs: number; cpuMs: number }[] = [];
    let samples = 0;
    for (let i = 0; i < 7; i++) {
      const r = await timed(() => store.select(matchers, end - day, end));
      times.push(r);
      samples = r.value.reduce((n, s) => n + s.timestamps.length, 0);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
    const readWall = median(times.map((t) => t.wallMs));
    const readCpu = median(times.map((t) => t.cpuMs));
    const streamTimes: { wallMs: number; cpuMs: number }[] = [];
    for (let i = 0; i < 7; i++)
      streamTimes.push(
        await timed(async () => {
          let n = 0;
          await store.selectEach?.(matchers, end - day, end, (s) => {
            n += s.timestamps.length;
          });
          if (n !== samples) throw new Error(`streamed ${n} of ${samples} samples`);
        }),
      );
    // The same read with the last hour still in the write-ahead table (as between compactions).
    const [lastHour] = batches(labels, 1000, 4, 1, end + step);
    clock.set(end + 5 * step);
    await store.append(lastHour as IngestSeries[], { key: 'bench', maxSeries: 1e6 });
    const walTimes: { wallMs: number; cpuMs: number }[] = [];
    for (let i = 0; i < 5; i++)
      walTimes.push(await timed(() => store.select(matchers, end - day, end + 5 * step)));
    // The query target: a range query over these 1,000 series × 24 h at 15 s steps, through the store
    // (read + PromQL evaluation), beside the store's read alone.
    const rangeQuery = 'sum by (mode) (rate({job="node"}[5m]))';
    const queryTimes: { wallMs: number; cpuMs: number }[] = [];
    // Two untimed runs first: a service answers its dashboards warm (compiled code, the SQLite page cache).
    for (let i = 0; i < 2; i++) await evaluateRange(store, rangeQuery, end - day + 10 * 60_000, end, step);
    for (let i = 0; i < 9; i++)
      queryTimes.push(
        await timed(() => evaluateRange(store, rangeQuery, end - day + 10 * 60_000, end, step)),
      );
    const base = await timed(() => baselineCopy(samples));
    const stored = await sql<{
      bytes: number;
      n: number;
    }>`SELECT sum(length(data)) AS bytes, sum(samples) AS n FROM metric_chunks`.execute(opened.ctx.db);
    const chunkBytes = Number(stored.rows[0]?.bytes ?? 0);
    const chunkSamples = Number(stored.rows[0]?.n ?? 1);
    console.log('\n## Metric store, SQLite: read of 1,000 series × 24 h of 15 s samples');
    console.log('| what | figure |');
    console.log('| --- | ---: |');
    console.log(`| samples read | ${samples.toLocaleString('en')} |`);
    console.log(`| read, median of 7: CPU / wall | ${readCpu.toFixed(0)} ms / ${readWall.toFixed(0)} ms |`);
    console.log(
      `| read streamed (selectEach, one series at a time), median of 7: CPU / wall | ${median(streamTimes.map((t) => t.cpuMs)).toFixed(0)} ms / ${median(streamTimes.map((t) => t.wallMs)).toFixed(0)} ms |`,
    );
    console.log(
      `| read with 4,000 samples not yet compacted, median of 5: CPU / wall | ${median(walTimes.map((t) => t.cpuMs)).toFixed(0)} ms / ${median(walTimes.map((t) => t.wallMs)).toFixed(0)} ms |`,
    );
    console.log(
      `| baseline: as many samples written into Float64Arrays in memory (no DB): CPU / wall | ${base.cpuMs.toFixed(0)} ms / ${base.wallMs.toFixed(0)} ms |`,
    );
    console.log(
      `| range query \`${rangeQuery}\` over them, 15 s steps (read + evaluation), median of 9 after 2 warm-up runs (fastest): CPU / wall | ${median(queryTimes.map((t) => t.cpuMs)).toFixed(0)} ms (${Math.min(...queryTimes.map((t) => t.cpuMs)).toFixed(0)}) / ${median(queryTimes.map((t) => t.wallMs)).toFixed(0)} ms (target ≤ 200 ms) |`,
    );
    console.log(`| loading them (24 appends of 240,000 samples) | ${loadMs.toFixed(0)} ms |`);
    console.log(
      `| compacting them into ${compacted.chunks.toLocaleString('en')} chunks | ${compactMs.toFixed(0)} ms |`,
    );
    console.log(
      `| chunk blobs | ${(chunkBytes / 1048576).toFixed(1)} MB (${(chunkBytes / chunkSamples).toFixed(2)} bytes/sample; 16 raw) |`,
    );
  } finally {
    await opened.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The floor under any read: filling typed arrays with that many samples. */
function baselineCopy(samples: number): void {
  const per = Math.ceil(samples / 1000);
  let sum = 0;
  for (let s = 0; s < 1000; s++) {
    const ts = new Float64Array(per);
    const vs = new Float64Array(per);
    for (let i = 0; i < per; i++) {
      ts[i] = end + i * step;
      vs[i] = i;
    }
    sum += (ts[per - 1] as number) + (vs[0] as number);
  }
  if (sum < 0) console.log(sum);
}

/** In a child: RSS with an empty store, then after 100 scrapes of 1,000 new series each (all active). */
async function measureRss(): Promise<{ before: number; after: number; series: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-bench-metrics-'));
  const clock = new ManualClock(end);
  const opened = await openBenchContext(dir, clock);
  try {
    const store = metricStore(opened.ctx);
    await store.select([{ name: '__name__', op: '=', value: 'none' }], 0, 1);
    globalThis.gc?.();
    const before = process.memoryUsage().rss;
    const targets = Math.ceil(rssSeries / 1000);
    for (let h = 0; h < targets; h++) {
      const labels = labelSets(`host-${h}:9100`, 1000);
      for (let round = 0; round < 2; round++) {
        const [batch] = batches(labels, 1000, 1, 1, end - (2 - round) * step);
        await store.append(batch as IngestSeries[], { key: `scrape:${h}`, maxSeries: 50_000 });
      }
    }
    await compactMetrics(opened.ctx);
    globalThis.gc?.();
    const after = process.memoryUsage().rss;
    const series = (await store.series([{ name: 'job', op: '=', value: 'node' }], end - 60_000, end)).length;
    return { before, after, series };
  } finally {
    await opened.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function benchRss(): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  const result = await new Promise<{ before: number; after: number; series: number }>((resolve, reject) => {
    const child = fork(self, ['--rss-child'], { execArgv: [...process.execArgv, '--expose-gc'] });
    child.on('message', (m) => resolve(m as { before: number; after: number; series: number }));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`RSS child exited with ${code}`));
    });
  });
  const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
  console.log(`\n## Metric store, SQLite: RSS at ${result.series.toLocaleString('en')} active series`);
  console.log('| what | RSS |');
  console.log('| --- | ---: |');
  console.log(`| the process with an empty store (baseline) | ${mb(result.before)} |`);
  console.log(
    `| after ${result.series.toLocaleString('en')} series appended and compacted | ${mb(result.after)} |`,
  );
  console.log(`| per series | ${((result.after - result.before) / result.series).toFixed(0)} bytes |`);
}

export async function benchMetricStore(): Promise<void> {
  const parts = (process.env.BENCH_METRICS_PARTS ?? 'append,read,rss').split(',');
  console.log(
    `\n(metric store bench: load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${os.cpus().length} cores)`,
  );
  if (parts.includes('append')) await benchAppend();
  if (parts.includes('read')) await benchRead();
  if (parts.includes('rss')) await benchRss();
}

if (process.argv.includes('--rss-child')) {
  const r = await measureRss();
  process.send?.(r);
  process.exit(0);
} else if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await benchMetricStore();
}
