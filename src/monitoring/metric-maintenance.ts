// The metric store's periodic work, one instance at a time (runExclusively, one lock for all three so they never
// interleave): compaction moves write-ahead rows into per-series chunks; rollup turns each closed 2-hour window's
// chunk into 1-minute and 1-hour buckets (replacing that window's buckets whole, so a window re-rolled after late
// samples is counted once); the retention sweep drops what is past each resolution's retention.
import type { ServiceContext } from '../core/context.js';
import { chunks } from '../core/db/index.js';
import { runExclusively } from '../core/exclusive-work.js';
import type { JobScheduler } from '../core/jobs.js';
import { chunkWindowMs, rollupShape } from './metric-store.js';
import {
  type Buckets,
  bucketize,
  decodeBatch,
  decodeBuckets,
  decodeChunk,
  encodeBuckets,
  encodeChunk,
  replaceBuckets,
} from './sample-codec.js';

const lockName = 'metric-store.maintenance';
/** A window is rolled up once it has been closed this long (samples arriving late, a scrape in flight). */
export const rollupCloseLagMs = 5 * 60_000;
/** Write-ahead rows one compaction transaction takes. */
const walRowsPerPass = 200;
const chunksPerRollupPass = 2_000;

export interface CompactionResult {
  walRows: number;
  samples: number;
  chunks: number;
}

/** Move write-ahead rows into chunks: one transaction per pass, until none are left (or maxPasses). */
export async function compactMetrics(ctx: ServiceContext, maxPasses = 50): Promise<CompactionResult> {
  const total: CompactionResult = { walRows: 0, samples: 0, chunks: 0 };
  for (let pass = 0; pass < maxPasses; pass++) {
    const r = await compactOnce(ctx);
    total.walRows += r.walRows;
    total.samples += r.samples;
    total.chunks += r.chunks;
    if (r.walRows < walRowsPerPass) break;
  }
  return total;
}

async function compactOnce(ctx: ServiceContext): Promise<CompactionResult> {
  return ctx.db.transaction().execute(async (trx) => {
    const batches = await trx
      .selectFrom('metric_wal')
      .select(['id', 'data'])
      .orderBy('id')
      .limit(walRowsPerPass)
      .execute();
    if (batches.length === 0) return { walRows: 0, samples: 0, chunks: 0 };
    // series → window → samples, in append order.
    const grouped = new Map<number, Map<number, { ts: number[]; vals: number[] }>>();
    let samples = 0;
    for (const b of batches) {
      const d = decodeBatch(b.data);
      let at = 0;
      for (let i = 0; i < d.ids.length; i++) {
        const id = d.ids[i] as number;
        const n = d.counts[i] as number;
        let windows = grouped.get(id);
        if (!windows) {
          windows = new Map();
          grouped.set(id, windows);
        }
        for (let j = at; j < at + n; j++) {
          const t = d.timestamps[j] as number;
          const w = Math.floor(t / chunkWindowMs) * chunkWindowMs;
          let acc = windows.get(w);
          if (!acc) {
            acc = { ts: [], vals: [] };
            windows.set(w, acc);
          }
          acc.ts.push(t);
          acc.vals.push(d.values[j] as number);
        }
        samples += n;
        at += n;
      }
    }
    // The chunks these samples join.
    const allWindows = new Set<number>();
    for (const windows of grouped.values()) for (const w of windows.keys()) allWindows.add(w);
    const existing = new Map<string, Uint8Array>();
    for (const part of chunks([...grouped.keys()], 500)) {
      const rows = await trx
        .selectFrom('metric_chunks')
        .select(['series_id', 'window_start', 'data'])
        .where('series_id', 'in', part)
        .where('window_start', 'in', [...allWindows])
        .execute();
      for (const r of rows) existing.set(`${r.series_id}:${r.window_start}`, r.data);
    }
    const rows: {
      series_id: number;
      window_start: number;
      min_ts: number;
      max_ts: number;
      samples: number;
      last_value: number | null;
      rolled_up: number;
      data: Uint8Array;
    }[] = [];
    for (const [id, windows] of grouped)
      for (const [w, acc] of windows) {
        const old = existing.get(`${id}:${w}`);
        const merged = mergeSamples(old ? decodeChunk(old) : null, acc.ts, acc.vals);
        const n = merged.timestamps.length;
        const last = merged.values[n - 1] as number;
        rows.push({
          series_id: id,
          window_start: w,
          min_ts: merged.timestamps[0] as number,
          max_ts: merged.timestamps[n - 1] as number,
          samples: n,
          last_value: Number.isNaN(last) ? null : last,
          rolled_up: 0,
          data: encodeChunk(merged.timestamps, merged.values, n),
        });
      }
    for (const part of chunks(rows, 300))
      await trx
        .insertInto('metric_chunks')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['series_id', 'window_start']).doUpdateSet((eb) => ({
            min_ts: eb.ref('excluded.min_ts'),
            max_ts: eb.ref('excluded.max_ts'),
            samples: eb.ref('excluded.samples'),
            last_value: eb.ref('excluded.last_value'),
            rolled_up: 0,
            data: eb.ref('excluded.data'),
          })),
        )
        .execute();
    await trx
      .deleteFrom('metric_wal')
      .where(
        'id',
        'in',
        batches.map((b) => b.id),
      )
      .execute();
    return { walRows: batches.length, samples, chunks: rows.length };
  });
}

/** A chunk's samples with new ones merged in: ascending, one per timestamp (the one stored first wins). */
function mergeSamples(
  old: { timestamps: Float64Array; values: Float64Array } | null,
  ts: number[],
  vals: number[],
): { timestamps: Float64Array; values: Float64Array } {
  // The usual case: the new samples ascend and follow the chunk's (appends keep a series' order).
  let ascending = true;
  for (let i = 1; i < ts.length && ascending; i++)
    if ((ts[i] as number) <= (ts[i - 1] as number)) ascending = false;
  const oldN = old?.timestamps.length ?? 0;
  if (ascending && (oldN === 0 || (old?.timestamps[oldN - 1] as number) < (ts[0] as number))) {
    const timestamps = new Float64Array(oldN + ts.length);
    const values = new Float64Array(oldN + ts.length);
    if (old) {
      timestamps.set(old.timestamps);
      values.set(old.values);
    }
    timestamps.set(ts, oldN);
    values.set(vals, oldN);
    return { timestamps, values };
  }
  const all: [number, number, number][] = [];
  let seq = 0;
  if (old)
    for (let i = 0; i < old.timestamps.length; i++)
      all.push([old.timestamps[i] as number, old.values[i] as number, seq++]);
  for (let i = 0; i < ts.length; i++) all.push([ts[i] as number, vals[i] as number, seq++]);
  all.sort((a, b) => a[0] - b[0] || a[2] - b[2]);
  const outTs: number[] = [];
  const outVals: number[] = [];
  for (const [t, v] of all) {
    if (outTs.length > 0 && outTs[outTs.length - 1] === t) continue;
    outTs.push(t);
    outVals.push(v);
  }
  return { timestamps: Float64Array.from(outTs), values: Float64Array.from(outVals) };
}

/** Roll closed windows' chunks up into 1-minute and 1-hour buckets; returns the chunks rolled. */
export async function rollupMetrics(ctx: ServiceContext, maxPasses = 20): Promise<number> {
  let total = 0;
  for (let pass = 0; pass < maxPasses; pass++) {
    const n = await rollupOnce(ctx);
    total += n;
    if (n < chunksPerRollupPass) break;
  }
  return total;
}

async function rollupOnce(ctx: ServiceContext): Promise<number> {
  const closedBefore = ctx.clock.now() - rollupCloseLagMs;
  return ctx.db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('metric_chunks')
      .select(['series_id', 'window_start', 'data'])
      .where('rolled_up', '=', 0)
      .where('window_start', '<=', closedBefore - chunkWindowMs)
      .orderBy('window_start')
      .limit(chunksPerRollupPass)
      .execute();
    if (rows.length === 0) return 0;
    const minute = rollupShape['1m'];
    const hour = rollupShape['1h'];
    const minuteRows: {
      series_id: number;
      resolution: '1m' | '1h';
      window_start: number;
      covered_to: number;
      data: Uint8Array;
    }[] = [];
    // The 1-hour rows (a UTC day) take each 2-hour window's buckets in place of what they held for it.
    const hourParts = new Map<string, { seriesId: number; day: number; parts: [Buckets, number][] }>();
    for (const r of rows) {
      const id = Number(r.series_id);
      const w = Number(r.window_start);
      const { timestamps, values } = decodeChunk(r.data);
      minuteRows.push({
        series_id: id,
        resolution: '1m',
        window_start: w,
        covered_to: w + minute.windowMs,
        data: encodeBuckets(bucketize(timestamps, values, minute.bucketMs)),
      });
      const day = Math.floor(w / hour.windowMs) * hour.windowMs;
      const key = `${id}:${day}`;
      let h = hourParts.get(key);
      if (!h) {
        h = { seriesId: id, day, parts: [] };
        hourParts.set(key, h);
      }
      h.parts.push([bucketize(timestamps, values, hour.bucketMs), w]);
    }
    const days = [...new Set([...hourParts.values()].map((h) => h.day))];
    const stored = new Map<string, { covered: number; buckets: Buckets }>();
    for (const part of chunks([...new Set([...hourParts.values()].map((h) => h.seriesId))], 500)) {
      const got = await trx
        .selectFrom('metric_rollups')
        .select(['series_id', 'window_start', 'covered_to', 'data'])
        .where('resolution', '=', '1h')
        .where('series_id', 'in', part)
        .where('window_start', 'in', days)
        .execute();
      for (const g of got)
        stored.set(`${g.series_id}:${g.window_start}`, {
          covered: Number(g.covered_to),
          buckets: decodeBuckets(g.data),
        });
    }
    const empty: Buckets = {
      timestamps: new Float64Array(0),
      min: new Float64Array(0),
      max: new Float64Array(0),
      sum: new Float64Array(0),
      count: new Float64Array(0),
    };
    const hourRows = [...hourParts.entries()].map(([key, h]) => {
      const s = stored.get(key);
      let buckets = s?.buckets ?? empty;
      let covered = s?.covered ?? h.day;
      for (const [b, w] of h.parts) {
        buckets = replaceBuckets(buckets, b, w, w + chunkWindowMs);
        covered = Math.max(covered, w + chunkWindowMs);
      }
      return {
        series_id: h.seriesId,
        resolution: '1h' as const,
        window_start: h.day,
        covered_to: covered,
        data: encodeBuckets(buckets),
      };
    });
    for (const part of chunks([...minuteRows, ...hourRows], 400))
      await trx
        .insertInto('metric_rollups')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['series_id', 'resolution', 'window_start']).doUpdateSet((eb) => ({
            covered_to: eb.ref('excluded.covered_to'),
            data: eb.ref('excluded.data'),
          })),
        )
        .execute();
    // Mark what was read (compaction cannot change a chunk meanwhile: it takes the same lock).
    const byWindow = new Map<number, number[]>();
    for (const r of rows) {
      const w = Number(r.window_start);
      const list = byWindow.get(w);
      if (list) list.push(Number(r.series_id));
      else byWindow.set(w, [Number(r.series_id)]);
    }
    for (const [w, ids] of byWindow)
      for (const part of chunks(ids, 500))
        await trx
          .updateTable('metric_chunks')
          .set({ rolled_up: 1 })
          .where('window_start', '=', w)
          .where('series_id', 'in', part)
          .execute();
    return rows.length;
  });
}

export interface SweepResult {
  walRows: number;
  chunks: number;
  rollups1m: number;
  rollups1h: number;
}

/** Drop raw samples, 1-minute and 1-hour rollups past their retention (a window goes once all of it is past). */
export async function sweepMetricRetention(ctx: ServiceContext): Promise<SweepResult> {
  const now = ctx.clock.now();
  const rawCutoff = now - ctx.config.metricsRetentionRawMs;
  const wal = await ctx.db.deleteFrom('metric_wal').where('max_ts', '<', rawCutoff).executeTakeFirst();
  const chunk = await ctx.db
    .deleteFrom('metric_chunks')
    .where('window_start', '<', rawCutoff - chunkWindowMs)
    .executeTakeFirst();
  const m = await ctx.db
    .deleteFrom('metric_rollups')
    .where('resolution', '=', '1m')
    .where('window_start', '<', now - ctx.config.metricsRetention1mMs - rollupShape['1m'].windowMs)
    .executeTakeFirst();
  const h = await ctx.db
    .deleteFrom('metric_rollups')
    .where('resolution', '=', '1h')
    .where('window_start', '<', now - ctx.config.metricsRetention1hMs - rollupShape['1h'].windowMs)
    .executeTakeFirst();
  return {
    walRows: Number(wal.numDeletedRows),
    chunks: Number(chunk.numDeletedRows),
    rollups1m: Number(m.numDeletedRows),
    rollups1h: Number(h.numDeletedRows),
  };
}

/** Compaction, then rollups, then the sweep: what the jobs do, in one call (tests, the CLI). */
export async function maintainMetricStore(ctx: ServiceContext): Promise<void> {
  await runExclusively(ctx, lockName, async () => {
    await compactMetrics(ctx);
    await rollupMetrics(ctx);
    await sweepMetricRetention(ctx);
  });
}

export const metricJobIntervals = { compactMs: 30_000, rollupMs: 60_000, retentionMs: 3_600_000 } as const;

/** The metric store's periodic jobs; registerMonitoring calls this. */
export function registerMetricStore(ctx: ServiceContext, jobs: JobScheduler): void {
  const exclusive = (name: string, work: () => Promise<unknown>) => async () => {
    const r = await runExclusively(ctx, lockName, work);
    if (!r.ran) ctx.log.debug({ job: name }, 'metric store: another instance holds the maintenance lock');
  };
  jobs.every(
    'metrics.compact',
    metricJobIntervals.compactMs,
    exclusive('metrics.compact', () => compactMetrics(ctx)),
  );
  jobs.every(
    'metrics.rollup',
    metricJobIntervals.rollupMs,
    exclusive('metrics.rollup', () => rollupMetrics(ctx)),
  );
  jobs.every(
    'metrics.retention',
    metricJobIntervals.retentionMs,
    exclusive('metrics.retention', () => sweepMetricRetention(ctx)),
  );
}
