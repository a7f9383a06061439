// The metric store: series and samples in the service's database (issue 11 item 4). An append writes one row — a
// columnar blob of the batch — to the write-ahead table metric_wal and is durable when it resolves; compaction
// (metric-maintenance.ts) moves those rows into per-series chunks of a 2-hour window, rolls closed windows up to
// 1-minute and 1-hour buckets, and sweeps what is past its retention. Reads take chunks plus the batches not yet
// compacted. Series are found through an in-memory index held per context (series-index.ts).
//
// Ordering follows Prometheus's head: a sample older than its series' newest is out of order, one at the newest's
// timestamp with another value a duplicate, the same value at the same timestamp is accepted silently (and not
// stored twice). Instances appending to one PostgreSQL each check against what they know of a series; a series is
// normally written by one source, and reads merge and de-duplicate by timestamp whatever the order of the rows.
import { defineLocalCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import { chunks } from '../core/db/index.js';
import {
  type IngestResult,
  type IngestSeries,
  type IngestSource,
  type LabelMatcher,
  type Labels,
  labelsKey,
  labelsProblem,
  type MetricStore,
  metricLimits,
  type RejectReason,
  type Resolution,
  type RollupSeries,
  type SeriesSamples,
} from './metric-model.js';
import {
  bucketize,
  chunkCount,
  chunkMayHoldNaN,
  decodeBatch,
  decodeBuckets,
  decodeChunkInto,
  encodeBatch,
  sameChunkTimestamps,
} from './sample-codec.js';
import { canonicalLabels, labelsHash, type SeriesEntry, SeriesIndex } from './series-index.js';

/** A chunk holds one series' samples of one window of this length, aligned to it. */
export const chunkWindowMs = 2 * 3_600_000;
/** Rollup buckets and the window of one rollup row, per resolution. */
export const rollupShape = {
  '1m': { bucketMs: 60_000, windowMs: chunkWindowMs },
  '1h': { bucketMs: 3_600_000, windowMs: 86_400_000 },
} as const;
/** A series that took a sample (or was made) within this long counts against its source's series limit. */
export const activeSeriesMs = 3_600_000;
/** New series appear to reads on other instances within this long (the index re-reads newer series rows). */
const refreshEveryMs = 1_000;
/** Series ids are taken from a sequence and may commit out of order: re-read this many below the highest known. */
const refreshOverlap = 1_000;
/** Series ids per statement of a read (bounded parameter lists). */
const idsPerStatement = 500;

export interface MetricStoreStats {
  /** Series this instance knows. */
  series: number;
  /** Samples accepted by appends on this instance. */
  samplesAppended: number;
  /** Samples refused, by reason. */
  rejected: Partial<Record<RejectReason, number>>;
  /** Samples refused, by the source's kind ('scrape', 'remote_write', 'check', 'self') and reason. */
  rejectedBySource: Record<string, Partial<Record<RejectReason, number>>>;
}

class StoreState {
  readonly index = new SeriesIndex();
  loaded: Promise<void> | null = null;
  refreshedAt = Number.NEGATIVE_INFINITY;
  refreshing: Promise<void> | null = null;
  samplesAppended = 0;
  readonly rejected: Partial<Record<RejectReason, number>> = {};
  readonly rejectedBySource: Record<string, Partial<Record<RejectReason, number>>> = {};
  /** Label sets being created by an append now: a concurrent append of the same set waits for it. */
  readonly creating = new Map<string, Promise<void>>();
}

// Per context: the index mirrors rows any instance may add, so it refreshes from the database (refreshEveryMs);
// nothing an instance caches can be made wrong by another, since series rows are never changed, only added.
const storeState = defineLocalCache('metric_store', () => new StoreState());

function stateOf(ctx: ServiceContext): StoreState {
  return ctx.caches.local(storeState);
}

interface SeriesRow {
  id: number;
  labels: string;
  source: string;
}

function entryOf(row: SeriesRow, headKnown: boolean, now: number): SeriesEntry {
  return {
    id: Number(row.id),
    labels: JSON.parse(row.labels) as Labels,
    source: row.source,
    lastTs: Number.NEGATIVE_INFINITY,
    lastValue: Number.NaN,
    headKnown,
    activeAt: headKnown ? now : Number.NEGATIVE_INFINITY,
  };
}

/** Load the series index and, from the write-ahead rows, the newest sample of each series in them. */
async function ensureLoaded(ctx: ServiceContext): Promise<StoreState> {
  const state = stateOf(ctx);
  state.loaded ??= (async () => {
    const rows = await ctx.db.selectFrom('metric_series').select(['id', 'labels', 'source']).execute();
    for (const r of rows) {
      const entry = entryOf(r, false, 0);
      state.index.add(labelsKey(entry.labels), entry);
    }
    await noteWalHeads(ctx, state, 0);
    state.refreshedAt = ctx.clock.now();
  })().catch((err) => {
    state.loaded = null;
    throw err;
  });
  await state.loaded;
  return state;
}

/** Take the newest sample per series from the write-ahead rows after `afterId` into the index's heads. */
async function noteWalHeads(ctx: ServiceContext, state: StoreState, afterId: number): Promise<void> {
  const batches = await ctx.db.selectFrom('metric_wal').select(['data']).where('id', '>', afterId).execute();
  for (const b of batches) {
    const d = decodeBatch(b.data);
    let at = 0;
    for (let i = 0; i < d.ids.length; i++) {
      const n = d.counts[i] as number;
      const e = state.index.byId.get(d.ids[i] as number);
      const t = d.timestamps[at + n - 1] as number;
      if (e && n > 0 && t >= e.lastTs) {
        e.lastTs = t;
        e.lastValue = d.values[at + n - 1] as number;
      }
      at += n;
    }
  }
}

/** Series made by other instances since the last look become visible to reads (at most once a second). */
async function refreshIndex(ctx: ServiceContext, state: StoreState): Promise<void> {
  if (ctx.clock.now() - state.refreshedAt < refreshEveryMs) return;
  state.refreshing ??= (async () => {
    try {
      const rows = await ctx.db
        .selectFrom('metric_series')
        .select(['id', 'labels', 'source'])
        .where('id', '>', state.index.maxId - refreshOverlap)
        .execute();
      for (const r of rows)
        if (!state.index.byId.has(Number(r.id))) {
          const entry = entryOf(r, false, 0);
          state.index.add(labelsKey(entry.labels), entry);
        }
      state.refreshedAt = ctx.clock.now();
    } finally {
      state.refreshing = null;
    }
  })();
  await state.refreshing;
}

/** For series loaded from the database, their newest stored sample (from their latest chunk). */
async function loadHeads(ctx: ServiceContext, entries: SeriesEntry[]): Promise<void> {
  for (const part of chunks(entries, idsPerStatement)) {
    const rows = await ctx.db
      .selectFrom('metric_chunks as c')
      .select(['c.series_id', 'c.max_ts', 'c.last_value'])
      .where(
        'c.series_id',
        'in',
        part.map((e) => e.id),
      )
      .where(({ eb, selectFrom }) =>
        eb(
          'c.window_start',
          '=',
          selectFrom('metric_chunks as l')
            .select((s) => s.fn.max('l.window_start').as('w'))
            .whereRef('l.series_id', '=', 'c.series_id'),
        ),
      )
      .execute();
    const byId = new Map(part.map((e) => [e.id, e]));
    for (const r of rows) {
      const e = byId.get(Number(r.series_id));
      const t = Number(r.max_ts);
      if (e && t > e.lastTs) {
        e.lastTs = t;
        e.lastValue = r.last_value === null ? Number.NaN : Number(r.last_value);
      }
    }
    for (const e of part) e.headKnown = true;
  }
}

/** The label set without its empty-valued labels (the same object when it has none). */
function withoutEmptyValues(labels: Labels): Labels {
  let out: Labels | null = null;
  for (const [n, v] of Object.entries(labels))
    if (v === '') {
      if (!out) out = { ...labels };
      delete out[n];
    }
  return out ?? labels;
}

function count(result: IngestResult, reason: RejectReason, n: number): void {
  if (n > 0) result.rejected[reason] = (result.rejected[reason] ?? 0) + n;
}

function sourceKind(key: string): string {
  const i = key.indexOf(':');
  return i < 0 ? key : key.slice(0, i);
}

/** Make the series of these label sets (or find them, if another append or instance made them first). */
async function createSeries(
  ctx: ServiceContext,
  state: StoreState,
  wanted: { key: string; labels: Labels }[],
  source: IngestSource,
): Promise<void> {
  const now = ctx.clock.now();
  const rows = wanted.map((w) => {
    const labels = canonicalLabels(w.labels);
    return {
      key_hash: labelsHash(labels),
      labels,
      name: w.labels.__name__ as string,
      source: source.key,
      created_at: now,
    };
  });
  for (const part of chunks(rows, 200)) {
    // Both dialects return only the rows this statement inserted: the others existed already.
    const inserted = await ctx.db
      .insertInto('metric_series')
      .values(part)
      .onConflict((oc) => oc.column('key_hash').doNothing())
      .returning('id')
      .execute();
    const mine = new Set(inserted.map((r) => Number(r.id)));
    const made = await ctx.db
      .selectFrom('metric_series')
      .select(['id', 'labels', 'source'])
      .where(
        'key_hash',
        'in',
        part.map((p) => p.key_hash),
      )
      .execute();
    for (const r of made) {
      // A series another append or instance made first may hold samples already: check its head on first use.
      const entry = entryOf(r, mine.has(Number(r.id)), now);
      state.index.add(labelsKey(entry.labels), entry);
    }
  }
}

/**
 * A series as an append of this store found or made it, handed back so that a caller appending to it again (a scrape
 * target's cache) skips the label checks and the lookup of its label set. Opaque; series are never removed from the
 * index, so a ref stays good for the life of the context.
 */
export interface SeriesRef {
  readonly id: number;
}

/**
 * append, with `refs` parallel to `series`: a series given a ref of this store is that series (its labels are not
 * looked at); on return refs[i] is series i's ref, or undefined where it was refused (labels, series limit).
 */
export function appendResolved(
  ctx: ServiceContext,
  series: readonly IngestSeries[],
  source: IngestSource,
  refs: (SeriesRef | undefined)[],
): Promise<IngestResult> {
  return append(ctx, series, source, refs);
}

async function append(
  ctx: ServiceContext,
  series: readonly IngestSeries[],
  source: IngestSource,
  refs?: (SeriesRef | undefined)[],
): Promise<IngestResult> {
  const state = await ensureLoaded(ctx);
  const result: IngestResult = { accepted: 0, rejected: {} };
  const now = ctx.clock.now();
  const index = state.index;

  // 1. Find each series; validate and make the new ones, within the source's limit.
  const entries: (SeriesEntry | undefined)[] = new Array(series.length);
  const keys: (string | undefined)[] = new Array(series.length);
  let missing: { key: string; labels: Labels }[] | null = null;
  const missingKeys = new Set<string>();
  for (let i = 0; i < series.length; i++) {
    const ref = refs?.[i];
    if (ref !== undefined) {
      // Another store's ref (a context's sink changed) is not this store's series: looked up by labels instead.
      const known = index.byId.get(ref.id);
      if (known === ref) {
        entries[i] = known;
        continue;
      }
    }
    const s = series[i] as IngestSeries;
    const key = labelsKey(s.labels);
    const e = index.byKey.get(key);
    if (e) {
      entries[i] = e;
      continue;
    }
    const problem = labelsProblem(s.labels);
    if (problem) {
      count(result, problem, s.timestamps.length);
      continue;
    }
    // An empty value means the label is absent (Prometheus's data model): {a=""} is the series without a.
    const labels = withoutEmptyValues(s.labels);
    const canonicalKey = labels === s.labels ? key : labelsKey(labels);
    const known = index.byKey.get(canonicalKey);
    if (known) {
      entries[i] = known;
      continue;
    }
    keys[i] = canonicalKey;
    if (!missingKeys.has(canonicalKey)) {
      missingKeys.add(canonicalKey);
      if (!missing) missing = [];
      missing.push({ key: canonicalKey, labels });
    }
  }
  if (missing) {
    // Concurrent appends of the same new label sets: the second waits for the first's rows.
    const waits = missing.map((m) => state.creating.get(m.key)).filter((p) => p !== undefined);
    if (waits.length) await Promise.allSettled(waits);
    missing = missing.filter((m) => !index.byKey.has(m.key));
    const own = index.bySource.get(source.key) ?? [];
    let active = 0;
    for (const e of own) if (e.activeAt >= now - activeSeriesMs || e.lastTs >= now - activeSeriesMs) active++;
    const room = Math.max(0, source.maxSeries - active);
    const make = missing.slice(0, room);
    if (make.length) {
      const work = createSeries(ctx, state, make, source);
      for (const m of make) state.creating.set(m.key, work);
      try {
        await work;
      } finally {
        for (const m of make) if (state.creating.get(m.key) === work) state.creating.delete(m.key);
      }
    }
    for (let i = 0; i < series.length; i++) {
      const key = keys[i];
      if (key === undefined) continue;
      const e = index.byKey.get(key);
      if (e) entries[i] = e;
      else count(result, 'series_limit', (series[i] as IngestSeries).timestamps.length);
    }
  }

  // 2. Series loaded from the database: their newest stored sample, once.
  let unknown: SeriesEntry[] | null = null;
  for (const e of entries)
    if (e && !e.headKnown) {
      if (!unknown) unknown = [];
      unknown.push(e);
    }
  if (unknown) await loadHeads(ctx, [...new Set(unknown)]);

  // 3. Check each sample against its series' head (synchronously: concurrent appends see each other's samples).
  const minTs = now - ctx.config.metricsRetentionRawMs;
  const maxTs = now + metricLimits.futureMs;
  let total = 0;
  for (let i = 0; i < series.length; i++)
    if (entries[i]) total += (series[i] as IngestSeries).timestamps.length;
  const ids = new Uint32Array(series.length);
  const counts = new Uint32Array(series.length);
  const ts = new Float64Array(total);
  const vals = new Float64Array(total);
  // What each run's series held before, to give back if the write fails (columns: no object per series).
  const undoEntries: SeriesEntry[] = [];
  const undoTs = new Float64Array(series.length);
  const undoValue = new Float64Array(series.length);
  const undoActive = new Float64Array(series.length);
  let runs = 0;
  let n = 0;
  /** Samples equal to their series' newest: accepted, and not stored twice. */
  let repeated = 0;
  /** Writes still under way that store the heads this append's repeated samples matched. */
  let headWrites: Set<Promise<void>> | null = null;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < series.length; i++) {
    const e = entries[i];
    if (!e) continue;
    const s = series[i] as IngestSeries;
    const len = Math.min(s.timestamps.length, s.values.length);
    count(result, 'invalid_timestamp', Math.abs(s.timestamps.length - s.values.length));
    const before = n;
    let lastTs = e.lastTs;
    let lastValue = e.lastValue;
    for (let j = 0; j < len; j++) {
      const t = s.timestamps[j] as number;
      const v = s.values[j] as number;
      if (typeof t !== 'number' || !Number.isSafeInteger(t) || typeof v !== 'number') {
        count(result, 'invalid_timestamp', 1);
        continue;
      }
      if (t > maxTs) count(result, 'too_far_in_future', 1);
      else if (t < minTs) count(result, 'too_old', 1);
      else if (t < lastTs) count(result, 'out_of_order', 1);
      else if (t === lastTs) {
        // Prometheus compares the bits: NaN equals NaN (a repeated stale marker), -0 differs from 0.
        if (!Object.is(v, lastValue)) count(result, 'duplicate_sample', 1);
        else {
          repeated++;
          // The head may be another append's sample that is not committed yet (a sender's retry of a request still
          // under way): acknowledging the repeat before that commit would acknowledge what a crash can lose.
          if (e.headWrite && n === before) {
            headWrites ??= new Set();
            headWrites.add(e.headWrite);
          }
        }
      } else {
        ts[n] = t;
        vals[n] = v;
        n++;
        lastTs = t;
        lastValue = v;
      }
    }
    if (n > before) {
      undoEntries.push(e);
      undoTs[runs] = e.lastTs;
      undoValue[runs] = e.lastValue;
      undoActive[runs] = e.activeAt;
      ids[runs] = e.id;
      counts[runs] = n - before;
      runs++;
      e.lastTs = lastTs;
      e.lastValue = lastValue;
      e.activeAt = now;
      if ((ts[before] as number) < lo) lo = ts[before] as number;
      if (lastTs > hi) hi = lastTs;
    }
  }

  // 4. One row: durable when the insert resolves (group commit returns after COMMIT).
  if (n > 0) {
    const row = {
      min_ts: lo,
      max_ts: hi,
      samples: n,
      created_at: now,
      data: encodeBatch(ids, counts, runs, ts, vals, n),
    };
    const write = (async () => {
      if (ctx.config.metricsForwardUrl === null) await ctx.db.insertInto('metric_wal').values(row).execute();
      // Forwarded too: the same blob queued in the same transaction, so a sample stored is a sample queued.
      else
        await ctx.db.transaction().execute(async (trx) => {
          await trx.insertInto('metric_wal').values(row).execute();
          await trx
            .insertInto('metric_forward_queue')
            .values({ samples: n, created_at: now, next_attempt_at: now, lease_until: null, data: row.data })
            .execute();
        });
    })();
    // Set before the first await: a concurrent append that repeats a new head waits for this write.
    for (let r = 0; r < runs; r++) (undoEntries[r] as SeriesEntry).headWrite = write;
    try {
      await write;
    } catch (err) {
      // Nothing was stored: give the heads back, unless a later append moved them on.
      for (let r = runs - 1; r >= 0; r--) {
        const e = undoEntries[r] as SeriesEntry;
        if (e.activeAt === now) {
          e.lastTs = undoTs[r] as number;
          e.lastValue = undoValue[r] as number;
          e.activeAt = undoActive[r] as number;
        }
      }
      throw err;
    } finally {
      for (let r = 0; r < runs; r++) {
        const e = undoEntries[r] as SeriesEntry;
        if (e.headWrite === write) e.headWrite = undefined;
      }
    }
  }
  // Repeats of heads other appends were writing: stored when those writes commit, refused (thrown) if they fail.
  if (headWrites) await Promise.all(headWrites);
  if (refs) for (let i = 0; i < series.length; i++) refs[i] = entries[i];
  result.accepted = n + repeated;
  state.samplesAppended += n + repeated;
  const kind = sourceKind(source.key);
  for (const [reason, k] of Object.entries(result.rejected) as [RejectReason, number][]) {
    state.rejected[reason] = (state.rejected[reason] ?? 0) + k;
    const bySource = state.rejectedBySource[kind] ?? {};
    state.rejectedBySource[kind] = bySource;
    bySource[reason] = (bySource[reason] ?? 0) + k;
  }
  if (Object.keys(result.rejected).length > 0)
    ctx.log.debug({ source: source.key, rejected: result.rejected }, 'metric samples refused');
  return result;
}

// ---- reads ------------------------------------------------------------------------------------------------

async function resolveSeries(
  ctx: ServiceContext,
  matchers: readonly LabelMatcher[],
  everyWhenEmpty = false,
): Promise<SeriesEntry[]> {
  const state = await ensureLoaded(ctx);
  await refreshIndex(ctx, state);
  return state.index.resolve(matchers, everyWhenEmpty);
}

interface Gathered {
  /** Chunk blobs per series (in window order). */
  chunks: Map<number, Uint8Array[]>;
  /** Samples from the write-ahead rows per series, in append order. */
  wal: Map<number, { ts: number[]; vals: number[] }>;
}

/**
 * The stored samples of these series that may fall in [startMs, endMs]. The write-ahead rows are read before the
 * chunks: a compaction committing in between then shows a sample twice (merged away), never not at all.
 */
async function gather(ctx: ServiceContext, ids: number[], startMs: number, endMs: number): Promise<Gathered> {
  const wanted = new Set(ids);
  const wal = new Map<number, { ts: number[]; vals: number[] }>();
  const batches = await ctx.db
    .selectFrom('metric_wal')
    .select(['data'])
    .where('max_ts', '>=', startMs)
    .where('min_ts', '<=', endMs)
    .orderBy('id')
    .execute();
  for (const b of batches) {
    const d = decodeBatch(b.data);
    let at = 0;
    for (let i = 0; i < d.ids.length; i++) {
      const id = d.ids[i] as number;
      const n = d.counts[i] as number;
      if (wanted.has(id)) {
        let acc = wal.get(id);
        for (let j = at; j < at + n; j++) {
          const t = d.timestamps[j] as number;
          if (t < startMs || t > endMs) continue;
          if (!acc) {
            acc = { ts: [], vals: [] };
            wal.set(id, acc);
          }
          acc.ts.push(t);
          acc.vals.push(d.values[j] as number);
        }
      }
      at += n;
    }
  }
  const byId = new Map<number, Uint8Array[]>();
  const firstWindow = Math.floor(startMs / chunkWindowMs) * chunkWindowMs;
  for (const part of chunks(ids, idsPerStatement)) {
    const rows = await ctx.db
      .selectFrom('metric_chunks')
      .select(['series_id', 'data'])
      .where('series_id', 'in', part)
      .where('window_start', '>=', firstWindow)
      .where('window_start', '<=', endMs)
      .orderBy('series_id')
      .orderBy('window_start')
      .execute();
    for (const r of rows) {
      const id = Number(r.series_id);
      const list = byId.get(id);
      if (list) list.push(r.data);
      else byId.set(id, [r.data]);
    }
  }
  return { chunks: byId, wal };
}

/** Arrays a streaming read decodes every series into, grown to the largest: one pair per read, not per series. */
interface Scratch {
  ts: Float64Array;
  vals: Float64Array;
}

/**
 * One series' samples in [startMs, endMs], ascending, one per timestamp (the first stored wins). Decoded into
 * `scratch` when given (the answer is then a view of it, valid until the next series), else into arrays of its own.
 */
function assemble(
  blobs: Uint8Array[] | undefined,
  extra: { ts: number[]; vals: number[] } | undefined,
  startMs: number,
  endMs: number,
  scratch?: Scratch,
  timestampsInScratch = false,
): { timestamps: Float64Array; values: Float64Array } {
  let size = 0;
  for (const b of blobs ?? []) size += chunkCount(b);
  const more = extra?.ts.length ?? 0;
  let ts: Float64Array;
  let vals: Float64Array;
  // The timestamps the last series decoded into the scratch are this one's too (its chunks have the same ones).
  let skipTimestamps = false;
  if (scratch) {
    if (scratch.ts.length < size + more) {
      scratch.ts = new Float64Array(size + more);
      scratch.vals = new Float64Array(size + more);
    } else skipTimestamps = timestampsInScratch;
    ts = scratch.ts;
    vals = scratch.vals;
  } else {
    ts = new Float64Array(size + more);
    vals = new Float64Array(size + more);
  }
  let n = 0;
  for (const b of blobs ?? []) n += decodeChunkInto(b, ts, vals, n, skipTimestamps);
  // Chunks are disjoint windows in order, each sorted: trim to the range.
  let from = 0;
  while (from < n && (ts[from] as number) < startMs) from++;
  let to = n;
  while (to > from && (ts[to - 1] as number) > endMs) to--;
  if (!extra || more === 0) return { timestamps: ts.subarray(from, to), values: vals.subarray(from, to) };
  // The usual case: the write-ahead samples ascend after the chunks' (one writer per series).
  let ascending = to === from || (extra.ts[0] as number) > (ts[to - 1] as number);
  for (let k = 1; k < more && ascending; k++)
    if ((extra.ts[k] as number) <= (extra.ts[k - 1] as number)) ascending = false;
  if (ascending) {
    ts.set(extra.ts, to);
    vals.set(extra.vals, to);
    return { timestamps: ts.subarray(from, to + more), values: vals.subarray(from, to + more) };
  }
  ts = ts.subarray(from, to);
  vals = vals.subarray(from, to);
  // Merge the write-ahead samples in: sort them (appends from several instances may interleave), then merge.
  const order = extra.ts.map((_, i) => i);
  order.sort((a, b) => (extra.ts[a] as number) - (extra.ts[b] as number) || a - b);
  const outTs = new Float64Array(ts.length + order.length);
  const outVals = new Float64Array(ts.length + order.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < ts.length || j < order.length) {
    const fromChunk =
      j >= order.length || (i < ts.length && (ts[i] as number) <= (extra.ts[order[j] as number] as number));
    const t = fromChunk ? (ts[i] as number) : (extra.ts[order[j] as number] as number);
    const v = fromChunk ? (vals[i] as number) : (extra.vals[order[j] as number] as number);
    if (fromChunk) i++;
    else j++;
    if (k > 0 && outTs[k - 1] === t) continue;
    outTs[k] = t;
    outVals[k] = v;
    k++;
  }
  return { timestamps: outTs.subarray(0, k), values: outVals.subarray(0, k) };
}

async function select(
  ctx: ServiceContext,
  matchers: readonly LabelMatcher[],
  startMs: number,
  endMs: number,
): Promise<SeriesSamples[]> {
  const entries = await resolveSeries(ctx, matchers);
  if (entries.length === 0 || endMs < startMs) return [];
  return selectEntries(ctx, entries, startMs, endMs);
}

async function selectEntries(
  ctx: ServiceContext,
  entries: SeriesEntry[],
  startMs: number,
  endMs: number,
  /** The stored samples only, without the rollups' points past the raw retention. */
  rawOnly = false,
): Promise<SeriesSamples[]> {
  const got = await gather(
    ctx,
    entries.map((e) => e.id),
    startMs,
    endMs,
  );
  const older = rawOnly ? new Map() : await rolledUpPoints(ctx, entries, startMs, endMs);
  const out: SeriesSamples[] = [];
  for (const e of entries) {
    const raw = assemble(got.chunks.get(e.id), got.wal.get(e.id), startMs, endMs);
    const { timestamps, values } = withRolledUp(older.get(e.id), raw.timestamps, raw.values);
    if (timestamps.length > 0) out.push({ labels: e.labels, timestamps, values });
  }
  return out;
}

/** select's series one at a time, decoded into one scratch pair (SampleSource.selectEach). */
async function selectEach(
  ctx: ServiceContext,
  matchers: readonly LabelMatcher[],
  startMs: number,
  endMs: number,
  visit: (series: SeriesSamples) => void,
): Promise<void> {
  const entries = await resolveSeries(ctx, matchers);
  if (entries.length === 0 || endMs < startMs) return;
  const got = await gather(
    ctx,
    entries.map((e) => e.id),
    startMs,
    endMs,
  );
  const older = await rolledUpPoints(ctx, entries, startMs, endMs);
  const scratch: Scratch = { ts: new Float64Array(0), vals: new Float64Array(0) };
  // Series whose chunks and write-ahead samples have the timestamps of the series before them share its key, and
  // their timestamps are not decoded again (they are in the scratch already).
  let key: object = {};
  let before: { blobs: Uint8Array[] | undefined; extra: number[] | undefined } | null = null;
  for (const e of entries) {
    const blobs = got.chunks.get(e.id);
    const extra = got.wal.get(e.id);
    const same = before !== null && sameTimestamps(before.blobs, before.extra, blobs, extra?.ts);
    if (!same) key = {};
    before = { blobs, extra: extra?.ts };
    const raw = assemble(blobs, extra, startMs, endMs, scratch, same);
    const rolled = older.get(e.id);
    if (rolled && rolled.ts.length > 0) {
      // Rolled-up points first: a series of its own (a fresh key; its averages are not NaN, its raw part may be).
      const { timestamps, values } = withRolledUp(rolled, raw.timestamps, raw.values);
      visit({ labels: e.labels, timestamps, values });
      before = null;
      key = {};
    } else if (raw.timestamps.length > 0)
      visit({
        labels: e.labels,
        timestamps: raw.timestamps,
        values: raw.values,
        timestampsKey: key,
        withoutNaN: withoutNaN(blobs, extra?.vals),
      });
  }
}

/** Whether a series' stored samples hold no NaN, from its chunks' modes and its few write-ahead values. */
function withoutNaN(blobs: Uint8Array[] | undefined, extra: number[] | undefined): boolean {
  for (const b of blobs ?? []) if (chunkMayHoldNaN(b)) return false;
  for (const v of extra ?? []) if (Number.isNaN(v)) return false;
  return true;
}

/** Whether two series' stored samples have the same timestamps: their chunks' and write-ahead timestamps alike. */
function sameTimestamps(
  blobsA: Uint8Array[] | undefined,
  extraA: number[] | undefined,
  blobsB: Uint8Array[] | undefined,
  extraB: number[] | undefined,
): boolean {
  const a = blobsA ?? [];
  const b = blobsB ?? [];
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++)
    if (!sameChunkTimestamps(a[i] as Uint8Array, b[i] as Uint8Array)) return false;
  const x = extraA ?? [];
  const y = extraB ?? [];
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

/** The matching series that have a sample in the range (chunk bounds and write-ahead rows; no samples decoded). */
async function seriesWithSamples(
  ctx: ServiceContext,
  matchers: readonly LabelMatcher[],
  startMs: number,
  endMs: number,
): Promise<SeriesEntry[]> {
  const entries = await resolveSeries(ctx, matchers, true);
  if (entries.length === 0 || endMs < startMs) return [];
  const found = new Set<number>();
  const wanted = new Set(entries.map((e) => e.id));
  const batches = await ctx.db
    .selectFrom('metric_wal')
    .select(['data'])
    .where('max_ts', '>=', startMs)
    .where('min_ts', '<=', endMs)
    .execute();
  for (const b of batches) {
    const d = decodeBatch(b.data);
    let at = 0;
    for (let i = 0; i < d.ids.length; i++) {
      const id = d.ids[i] as number;
      const n = d.counts[i] as number;
      if (wanted.has(id) && !found.has(id))
        for (let j = at; j < at + n; j++) {
          const t = d.timestamps[j] as number;
          if (t >= startMs && t <= endMs) {
            found.add(id);
            break;
          }
        }
      at += n;
    }
  }
  const rest = entries.map((e) => e.id).filter((id) => !found.has(id));
  const firstWindow = Math.floor(startMs / chunkWindowMs) * chunkWindowMs;
  for (const part of chunks(rest, idsPerStatement)) {
    const rows = await ctx.db
      .selectFrom('metric_chunks')
      .select(['series_id'])
      .distinct()
      .where('series_id', 'in', part)
      .where('window_start', '>=', firstWindow)
      .where('window_start', '<=', endMs)
      .where('min_ts', '<=', endMs)
      .where('max_ts', '>=', startMs)
      .execute();
    for (const r of rows) found.add(Number(r.series_id));
  }
  // As Prometheus's series API: a chunk whose bounds overlap the range counts, even with a gap across it.
  return entries.filter((e) => found.has(e.id));
}

/** The stored rollup rows of these series at one resolution whose windows reach [from, endMs], decoded. */
async function rollupRows(
  ctx: ServiceContext,
  entries: readonly SeriesEntry[],
  from: number,
  endMs: number,
  resolution: Exclude<Resolution, 'raw'>,
): Promise<Map<number, { covered: number; rows: ReturnType<typeof decodeBuckets>[] }>> {
  const { windowMs } = rollupShape[resolution];
  const stored = new Map<number, { covered: number; rows: ReturnType<typeof decodeBuckets>[] }>();
  for (const part of chunks(
    entries.map((e) => e.id),
    idsPerStatement,
  )) {
    const rows = await ctx.db
      .selectFrom('metric_rollups')
      .select(['series_id', 'covered_to', 'data'])
      .where('series_id', 'in', part)
      .where('resolution', '=', resolution)
      .where('window_start', '>', from - windowMs)
      .where('window_start', '<=', endMs)
      .orderBy('series_id')
      .orderBy('window_start')
      .execute();
    for (const r of rows) {
      const id = Number(r.series_id);
      let s = stored.get(id);
      if (!s) {
        s = { covered: from, rows: [] };
        stored.set(id, s);
      }
      s.covered = Math.max(s.covered, Number(r.covered_to));
      s.rows.push(decodeBuckets(r.data));
    }
  }
  return stored;
}

/** Where the raw samples and the 1-minute rollups begin now (older ones may be swept). */
function retentionStarts(ctx: ServiceContext): { rawFrom: number; minuteFrom: number } {
  const now = ctx.clock.now();
  return {
    rawFrom: now - ctx.config.metricsRetentionRawMs,
    minuteFrom: now - ctx.config.metricsRetention1mMs,
  };
}

/**
 * Past the raw samples' retention a read goes on in the rollups, so that a chart or a query over months still has
 * points: each 1-minute bucket's average at the bucket's start, and past the 1-minute rollups' retention each
 * 1-hour bucket's. The points of [startMs, endMs] older than the raw retention's start, per series id (empty when
 * the range is all within it). Averages, not samples: docs/promql.md says what that means for each function.
 */
async function rolledUpPoints(
  ctx: ServiceContext,
  entries: readonly SeriesEntry[],
  startMs: number,
  endMs: number,
): Promise<Map<number, { ts: number[]; vals: number[] }>> {
  const out = new Map<number, { ts: number[]; vals: number[] }>();
  const { rawFrom, minuteFrom } = retentionStarts(ctx);
  if (startMs >= rawFrom || entries.length === 0) return out;
  const tiers: [Exclude<Resolution, 'raw'>, number, number][] = [
    ['1h', startMs, Math.min(endMs, minuteFrom - 1, rawFrom - 1)],
    ['1m', Math.max(startMs, minuteFrom), Math.min(endMs, rawFrom - 1)],
  ];
  for (const [resolution, from, to] of tiers) {
    if (to < from) continue;
    const bucketFrom = Math.floor(from / rollupShape[resolution].bucketMs) * rollupShape[resolution].bucketMs;
    for (const [id, stored] of await rollupRows(ctx, entries, bucketFrom, to, resolution)) {
      let points = out.get(id);
      if (!points) {
        points = { ts: [], vals: [] };
        out.set(id, points);
      }
      // The 1-minute points begin where the 1-hour ones end (tiers are read oldest first).
      const after =
        points.ts.length > 0 ? (points.ts[points.ts.length - 1] as number) : Number.NEGATIVE_INFINITY;
      for (const b of stored.rows)
        for (let i = 0; i < b.timestamps.length; i++) {
          const t = b.timestamps[i] as number;
          const n = b.count[i] as number;
          if (t < from || t > to || t >= stored.covered || t <= after || !(n > 0)) continue;
          points.ts.push(t);
          points.vals.push((b.sum[i] as number) / n);
        }
    }
  }
  return out;
}

/** A series' rolled-up points (older) before its raw ones: only those older than its first raw sample. */
function withRolledUp(
  older: { ts: number[]; vals: number[] } | undefined,
  timestamps: Float64Array,
  values: Float64Array,
): { timestamps: Float64Array; values: Float64Array } {
  if (!older || older.ts.length === 0) return { timestamps, values };
  const firstRaw = timestamps.length > 0 ? (timestamps[0] as number) : Number.POSITIVE_INFINITY;
  let n = 0;
  while (n < older.ts.length && (older.ts[n] as number) < firstRaw) n++;
  const ts = new Float64Array(n + timestamps.length);
  const vs = new Float64Array(n + values.length);
  ts.set(older.ts.slice(0, n));
  vs.set(older.vals.slice(0, n));
  ts.set(timestamps, n);
  vs.set(values, n);
  return { timestamps: ts, values: vs };
}

async function selectRollup(
  ctx: ServiceContext,
  matchers: readonly LabelMatcher[],
  startMs: number,
  endMs: number,
  resolution: Exclude<Resolution, 'raw'>,
): Promise<RollupSeries[]> {
  const entries = await resolveSeries(ctx, matchers);
  if (entries.length === 0 || endMs < startMs) return [];
  const { bucketMs } = rollupShape[resolution];
  const from = Math.floor(startMs / bucketMs) * bucketMs;
  const stored = await rollupRows(ctx, entries, from, endMs, resolution);
  // What is not rolled up yet (open windows, late samples) comes from the raw samples.
  let rawFrom = Number.POSITIVE_INFINITY;
  for (const e of entries) rawFrom = Math.min(rawFrom, stored.get(e.id)?.covered ?? from);
  const raw = rawFrom <= endMs ? await selectEntries(ctx, entries, rawFrom, endMs, true) : [];
  const rawBy = new Map(raw.map((r) => [r.labels, r]));
  const out: RollupSeries[] = [];
  for (const e of entries) {
    const s = stored.get(e.id);
    const covered = s?.covered ?? from;
    const cols: number[][] = [[], [], [], [], []];
    for (const b of s?.rows ?? [])
      for (let i = 0; i < b.timestamps.length; i++) {
        const t = b.timestamps[i] as number;
        if (t < from || t > endMs || t >= covered) continue;
        cols[0]?.push(t);
        cols[1]?.push(b.min[i] as number);
        cols[2]?.push(b.max[i] as number);
        cols[3]?.push(b.sum[i] as number);
        cols[4]?.push(b.count[i] as number);
      }
    const r = rawBy.get(e.labels);
    if (r) {
      let k = 0;
      while (k < r.timestamps.length && (r.timestamps[k] as number) < covered) k++;
      const b = bucketize(r.timestamps.subarray(k), r.values.subarray(k), bucketMs);
      for (let i = 0; i < b.timestamps.length; i++) {
        cols[0]?.push(b.timestamps[i] as number);
        cols[1]?.push(b.min[i] as number);
        cols[2]?.push(b.max[i] as number);
        cols[3]?.push(b.sum[i] as number);
        cols[4]?.push(b.count[i] as number);
      }
    }
    if ((cols[0] as number[]).length === 0) continue;
    const [t, mn, mx, sm, ct] = cols.map((c) => Float64Array.from(c)) as Float64Array[];
    out.push({
      labels: e.labels,
      timestamps: t as Float64Array,
      min: mn as Float64Array,
      max: mx as Float64Array,
      sum: sm as Float64Array,
      count: ct as Float64Array,
    });
  }
  return out;
}

/** The context's store (its in-memory series index is held per context, in ctx.caches). */
export function metricStore(ctx: ServiceContext): MetricStore {
  return {
    append: (series, source) => append(ctx, series, source),
    select: (matchers, startMs, endMs) => select(ctx, matchers, startMs, endMs),
    selectEach: (matchers, startMs, endMs, visit) => selectEach(ctx, matchers, startMs, endMs, visit),
    bucketSpacingFrom: (fromMs) => {
      const { rawFrom, minuteFrom } = retentionStarts(ctx);
      if (fromMs >= rawFrom) return 0;
      return fromMs < minuteFrom ? rollupShape['1h'].bucketMs : rollupShape['1m'].bucketMs;
    },
    series: async (matchers, startMs, endMs) =>
      (await seriesWithSamples(ctx, matchers, startMs, endMs)).map((e) => e.labels),
    labelNames: async (matchers, startMs, endMs) => {
      const names = new Set<string>();
      for (const e of await seriesWithSamples(ctx, matchers, startMs, endMs))
        for (const n of Object.keys(e.labels)) names.add(n);
      return [...names].sort();
    },
    labelValues: async (name, matchers, startMs, endMs) => {
      const values = new Set<string>();
      for (const e of await seriesWithSamples(ctx, matchers, startMs, endMs)) {
        const v = e.labels[name];
        if (v !== undefined) values.add(v);
      }
      return [...values].sort();
    },
    selectRollup: (matchers, startMs, endMs, resolution) =>
      selectRollup(ctx, matchers, startMs, endMs, resolution),
  };
}

/** Counters for the service's /metrics (this instance's appends; series this instance knows). */
export async function storeStats(ctx: ServiceContext): Promise<MetricStoreStats> {
  const state = await ensureLoaded(ctx);
  return {
    series: state.index.size,
    samplesAppended: state.samplesAppended,
    rejected: { ...state.rejected },
    rejectedBySource: Object.fromEntries(
      Object.entries(state.rejectedBySource).map(([k, v]) => [k, { ...v }]),
    ),
  };
}

/** The write-ahead rows waiting for compaction (a gauge for /metrics and the tests). */
export async function pendingWalRows(ctx: ServiceContext): Promise<number> {
  const row = await ctx.db
    .selectFrom('metric_wal')
    .select((s) => s.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
