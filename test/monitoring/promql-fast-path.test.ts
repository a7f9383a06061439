// PromQL's fast path — range functions run series by series off SampleSource.selectEach, rate's windows shared by the
// series that have the same timestamps, aggregations folding each series as it comes — against a plain evaluation
// written here step by step (each window found by filtering the samples, the formulas applied to it), on random series
// read from memory (with and without selectEach) and through the metric store on SQLite and PostgreSQL (from chunks
// and from write-ahead rows).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compactMetrics, metricStore } from '../../src/monitoring/index.js';
import { MemorySampleSource } from '../../src/monitoring/memory-sample-source.js';
import type { Labels, SampleSource } from '../../src/monitoring/metric-model.js';
import { evaluateRange } from '../../src/monitoring/promql.js';
import { counterResetPrefix, extrapolatedRate } from '../../src/monitoring/promql-functions.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

const second = 1000;
const rangeFunctions = [
  'rate',
  'irate',
  'increase',
  'delta',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'sum_over_time',
  'count_over_time',
  'last_over_time',
] as const;
type RangeFunction = (typeof rangeFunctions)[number];
const aggregations = [null, 'sum', 'avg', 'min', 'max', 'count'] as const;
type Aggregation = (typeof aggregations)[number];

interface RawSeries {
  labels: Labels;
  timestamps: number[];
  values: number[];
}

interface Case {
  series: RawSeries[];
  fn: RangeFunction;
  agg: Aggregation;
  rangeMs: number;
  startMs: number;
  stepMs: number;
  steps: number;
}

/**
 * Up to six series of two jobs, scraped every 10, 15 or 30 s from `origin` for an hour or so: each job's series share
 * their timestamps (one scrape) or each has its own, with jitter and missed scrapes; counters that sometimes reset
 * (whole or decimal increments, as the store's decimal chunks hold them) or gauges of any finite value.
 */
function caseOf(origin: number): fc.Arbitrary<Case> {
  const timestamps = fc
    .record({
      interval: fc.constantFrom(10, 15, 30),
      count: fc.integer({ min: 0, max: 300 }),
      jitter: fc.constantFrom(0, 0, 2000),
      missed: fc.constantFrom(0, 0, 0.1),
      seed: fc.integer({ min: 1, max: 2 ** 30 }),
    })
    .map(({ interval, count, jitter, missed, seed }) => {
      const next = random(seed);
      const out: number[] = [];
      for (let i = 0; i < count; i++) {
        if (next() < missed) continue;
        const t = origin + i * interval * second + Math.floor(next() * jitter);
        if (out.length === 0 || t > (out[out.length - 1] as number)) out.push(t);
      }
      return out;
    });
  const valuesFor = (n: number) =>
    fc
      .record({
        counter: fc.boolean(),
        decimal: fc.boolean(),
        resets: fc.constantFrom(0, 0.02),
        seed: fc.integer({ min: 1, max: 2 ** 30 }),
        gauge: fc.array(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), { minLength: n, maxLength: n }),
      })
      .map(({ counter, decimal, resets, seed, gauge }) => {
        if (!counter) return gauge;
        const next = random(seed);
        const out: number[] = [];
        let v = Math.floor(next() * 1000);
        for (let i = 0; i < n; i++) {
          if (next() < resets) v = Math.floor(next() * 10);
          else v += decimal ? Math.floor(next() * 1000) / 10 : Math.floor(next() * 100);
          out.push(v);
        }
        return out;
      });
  const seriesOf = (job: string, index: number, shared: number[] | null) =>
    (shared ? fc.constant(shared) : timestamps).chain((ts) =>
      valuesFor(ts.length).map(
        (values): RawSeries => ({
          labels: { __name__: 'x', job, instance: `host-${index}` },
          timestamps: ts,
          values,
        }),
      ),
    );
  const job = (name: string) =>
    fc
      .record({
        size: fc.integer({ min: 0, max: 3 }),
        shared: fc.constantFrom(true, true, false),
        ts: timestamps,
      })
      .chain(({ size, shared, ts }) =>
        fc.tuple(...Array.from({ length: size }, (_, i) => seriesOf(name, i, shared ? ts : null))),
      );
  return fc.record({
    series: fc.tuple(job('a'), job('b')).map(([a, b]) => [...a, ...b]),
    // The rate family twice as often: its windows are the ones shared between series.
    fn: fc.constantFrom(...rangeFunctions, 'rate', 'increase', 'delta'),
    agg: fc.constantFrom(...aggregations),
    rangeMs: fc.constantFrom(30, 60, 300).map((s) => s * second),
    // On whole 5 s, so that windows often start or end exactly on a sample (the left-open edge).
    startMs: fc.integer({ min: -120, max: 1080 }).map((s) => origin + s * 5 * second),
    stepMs: fc.constantFrom(5, 15, 30, 60, 90).map((s) => s * second),
    steps: fc.integer({ min: 1, max: 80 }),
  });
}

/** A small seeded generator (mulberry32), so one fast-check value stands for a whole series. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function queryOf(c: Case, name = 'x'): string {
  const call = `${c.fn}(${name}[${c.rangeMs / second}s])`;
  return c.agg ? `${c.agg} by (job) (${call})` : call;
}

/** One result series as compared: labels' key, then the value at each step (null: none). */
type Answer = Map<string, (number | null)[]>;

function keyOf(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The plain evaluation: every step, every series, the window (t − range, t] found by filtering its samples. */
function plainAnswer(c: Case): Answer {
  const perSeries: { labels: Labels; values: (number | null)[] }[] = c.series.map((s) => {
    const ts = Float64Array.from(s.timestamps);
    const vs = Float64Array.from(s.values);
    const resets = counterResetPrefix(vs);
    const values: (number | null)[] = [];
    for (let i = 0; i < c.steps; i++) {
      const end = c.startMs + i * c.stepMs;
      const start = end - c.rangeMs;
      const inWindow: number[] = [];
      for (let j = 0; j < ts.length; j++) if (ts[j]! > start && ts[j]! <= end) inWindow.push(j);
      values.push(windowValue(c.fn, ts, vs, resets, inWindow, start, end));
    }
    const { __name__: _, ...rest } = s.labels;
    return { labels: c.fn === 'last_over_time' ? s.labels : rest, values };
  });
  const answer: Answer = new Map();
  if (!c.agg) {
    for (const s of perSeries) if (s.values.some((v) => v !== null)) answer.set(keyOf(s.labels), s.values);
    return answer;
  }
  const groups = new Map<string, (number | null)[][]>();
  for (const s of perSeries) {
    const k = keyOf({ job: s.labels.job as string });
    groups.set(k, [...(groups.get(k) ?? []), s.values]);
  }
  for (const [k, members] of groups) {
    const values: (number | null)[] = [];
    for (let i = 0; i < c.steps; i++) {
      const xs = members.map((m) => m[i]).filter((v): v is number => v !== null && v !== undefined);
      values.push(xs.length === 0 ? null : aggregate(c.agg, xs));
    }
    if (values.some((v) => v !== null)) answer.set(k, values);
  }
  return answer;
}

function windowValue(
  fn: RangeFunction,
  ts: Float64Array,
  vs: Float64Array,
  resets: Float64Array,
  idx: number[],
  start: number,
  end: number,
): number | null {
  const n = idx.length;
  if (n === 0) return null;
  const lo = idx[0] as number;
  const hi = (idx[n - 1] as number) + 1;
  const vals = idx.map((j) => vs[j] as number);
  switch (fn) {
    case 'rate':
    case 'increase':
    case 'delta': {
      if (n < 2) return null;
      const counter = fn !== 'delta';
      return extrapolatedRate(ts, vs, counter ? resets : null, lo, hi, start, end, counter, fn === 'rate');
    }
    case 'irate': {
      if (n < 2) return null;
      const last = vs[hi - 1] as number;
      const prev = vs[hi - 2] as number;
      const interval = ((ts[hi - 1] as number) - (ts[hi - 2] as number)) / 1000;
      return (last < prev ? last : last - prev) / interval;
    }
    case 'avg_over_time':
      return vals.reduce((a, b) => a + b, 0) / n;
    case 'sum_over_time':
      return vals.reduce((a, b) => a + b, 0);
    case 'min_over_time':
      return Math.min(...vals);
    case 'max_over_time':
      return Math.max(...vals);
    case 'count_over_time':
      return n;
    case 'last_over_time':
      return vals[n - 1] as number;
  }
}

function aggregate(op: Exclude<Aggregation, null>, xs: number[]): number {
  switch (op) {
    case 'sum':
      return xs.reduce((a, b) => a + b, 0);
    case 'avg':
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    case 'min':
      return Math.min(...xs);
    case 'max':
      return Math.max(...xs);
    case 'count':
      return xs.length;
  }
}

async function fastAnswer(source: SampleSource, c: Case, name = 'x'): Promise<Answer> {
  const end = c.startMs + (c.steps - 1) * c.stepMs;
  const { series } = await evaluateRange(source, queryOf(c, name), c.startMs, end, c.stepMs);
  const answer: Answer = new Map();
  for (const s of series) {
    const labels = { ...s.labels };
    if (labels.__name__ !== undefined) labels.__name__ = 'x';
    answer.set(
      keyOf(labels),
      Array.from(s.values, (v, i) => (s.present[i] ? v : null)),
    );
  }
  return answer;
}

/**
 * Equal series, steps and presence; values within float tolerance: sums may add in another order (sum_over_time
 * compensates, Kahan's way), and what cancels out is only as exact as the largest value was.
 */
function expectSame(fast: Answer, plain: Answer, c: Case): void {
  const what = `${queryOf(c)} from ${c.startMs} every ${c.stepMs} ms × ${c.steps}`;
  let largest = 1;
  for (const s of c.series) for (const v of s.values) largest = Math.max(largest, Math.abs(v));
  expect([...fast.keys()].sort(), what).toEqual([...plain.keys()].sort());
  for (const [k, expected] of plain) {
    const got = fast.get(k) as (number | null)[];
    for (let i = 0; i < expected.length; i++) {
      const e = expected[i];
      const g = got[i];
      if (e === null || g === null) {
        expect(g, `${what}: ${k} at step ${i}`).toBe(e);
        continue;
      }
      const tolerance = 1e-9 * Math.max(largest, Math.abs(e), Math.abs(g as number));
      expect(Math.abs((g as number) - e), `${what}: ${k} at step ${i}: ${g} vs ${e}`).toBeLessThanOrEqual(
        tolerance,
      );
    }
  }
}

/** The memory source without selectEach: the evaluator falls back to select. */
function selectOnly(source: MemorySampleSource): SampleSource {
  return {
    select: (m, s, e) => source.select(m, s, e),
    series: (m, s, e) => source.series(m, s, e),
    labelNames: (m, s, e) => source.labelNames(m, s, e),
    labelValues: (n, m, s, e) => source.labelValues(n, m, s, e),
  };
}

describe('PromQL fast path against a plain step-by-step evaluation', () => {
  const origin = Date.parse('2026-03-02T06:00:00Z');

  it('rate, irate, increase, delta, *_over_time and sum/avg/min/max/count by, from memory (property)', async () => {
    await fc.assert(
      fc.asyncProperty(caseOf(origin), async (c) => {
        const source = new MemorySampleSource();
        for (const s of c.series) source.add(s.labels, s.timestamps, s.values);
        const plain = plainAnswer(c);
        expectSame(await fastAnswer(source, c), plain, c);
        expectSame(await fastAnswer(selectOnly(source), c), plain, c);
      }),
      { numRuns: 400 },
    );
  });

  it('series with the same timestamps share their windows, and one with its own does not take them', async () => {
    const ts = Array.from({ length: 200 }, (_, i) => origin + i * 15 * second);
    const own = ts.map((t, i) => (i === 100 ? t + 7 * second : t));
    const c: Case = {
      series: [
        {
          labels: { __name__: 'x', job: 'a', instance: '1' },
          timestamps: ts,
          values: ts.map((_, i) => i * 3),
        },
        {
          labels: { __name__: 'x', job: 'a', instance: '2' },
          timestamps: ts,
          values: ts.map((_, i) => i * 5),
        },
        {
          labels: { __name__: 'x', job: 'a', instance: '3' },
          timestamps: own,
          values: own.map((_, i) => i * 7),
        },
        {
          labels: { __name__: 'x', job: 'a', instance: '4' },
          timestamps: ts,
          values: ts.map((_, i) => i % 50),
        },
      ],
      fn: 'rate',
      agg: null,
      rangeMs: 60 * second,
      startMs: origin + 60 * second,
      stepMs: 15 * second,
      steps: 180,
    };
    const source = new MemorySampleSource();
    for (const s of c.series) source.add(s.labels, s.timestamps, s.values);
    expectSame(await fastAnswer(source, c), plainAnswer(c), c);
  });
});

describe.each(dialects)('PromQL fast path through the metric store (%s)', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeContext(dialect);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers as the plain evaluation of the same samples, compacted or not (property)', async () => {
    const origin = t.clock.now() - 3 * 3_600_000;
    let run = 0;
    await fc.assert(
      fc.asyncProperty(caseOf(origin), fc.boolean(), async (c, compact) => {
        // Series are never deleted: each run has a metric name of its own.
        const name = `fast_path_${run++}`;
        const store = metricStore(t.ctx);
        const batch = c.series
          .filter((s) => s.timestamps.length > 0)
          .map((s) => ({
            labels: { ...s.labels, __name__: name },
            timestamps: s.timestamps,
            values: s.values,
          }));
        const appended = await store.append(batch, { key: 'test', maxSeries: 1_000_000 });
        expect(appended.rejected).toEqual({});
        if (compact) await compactMetrics(t.ctx);
        expectSame(await fastAnswer(store, c, name), plainAnswer(c), c);
      }),
      { numRuns: 25 },
    );
  });

  it('tells which series share their timestamps and which hold no NaN, from chunks and write-ahead rows', async () => {
    const store = metricStore(t.ctx);
    const from = t.clock.now() - 3_600_000;
    const ts = Array.from({ length: 100 }, (_, i) => from + i * 15 * second);
    const staleMarker = new Float64Array(new Uint32Array([0x00000002, 0x7ff00000]).buffer)[0] as number;
    const series = (name: string, timestamps: number[], values: number[]) => ({
      labels: { __name__: 'hints_total', job: 'hints', name },
      timestamps,
      values,
    });
    await store.append(
      [
        series(
          'a',
          ts,
          ts.map((_, i) => i * 1.5),
        ),
        series(
          'b',
          ts,
          ts.map((_, i) => i * 2),
        ),
        series(
          'c',
          ts.map((t, i) => (i === 50 ? t + 1 : t)),
          ts.map((_, i) => i),
        ),
        series(
          'd',
          ts,
          ts.map((_, i) => (i === 70 ? staleMarker : i)),
        ),
      ],
      { key: 'test', maxSeries: 1_000_000 },
    );
    for (const compacted of [false, true]) {
      if (compacted) await compactMetrics(t.ctx);
      const seen: { name: string; key: object | undefined; withoutNaN: boolean | undefined; ts: number[] }[] =
        [];
      await store.selectEach?.([{ name: 'job', op: '=', value: 'hints' }], from, from + 3_600_000, (s) => {
        seen.push({
          name: s.labels.name as string,
          key: s.timestampsKey,
          withoutNaN: s.withoutNaN,
          ts: [...s.timestamps],
        });
      });
      const by = Object.fromEntries(seen.map((s) => [s.name, s]));
      expect(Object.keys(by).sort()).toEqual(['a', 'b', 'c', 'd']);
      // A shared key means the same timestamps; series come in the order they were created.
      for (let i = 1; i < seen.length; i++)
        if (seen[i]!.key === seen[i - 1]!.key) expect(seen[i]!.ts).toEqual(seen[i - 1]!.ts);
      expect(seen.map((s) => s.name)).toEqual(['a', 'b', 'c', 'd']);
      expect(by.b!.key).toBe(by.a!.key);
      expect(by.c!.key).not.toBe(by.a!.key);
      expect(by.a!.ts).toEqual(ts);
      expect(by.c!.ts[50]).toBe(ts[50]! + 1);
      expect(by.a!.withoutNaN).toBe(true);
      expect(by.d!.withoutNaN).toBe(false);
    }
  });
});
