// `npx tsx bench/promql.ts` (or `BENCH_PARTS=promql npm run bench`): PromQL range queries over 1,000 counter series ×
// 24 h scraped every 15 s, evaluated at 15 s steps (5,761 steps) from an in-memory SampleSource: `sum by (job)
// (rate(x[5m]))` and the plain selector `x`. Each is printed beside a baseline measured in the same run: the
// step-by-step evaluation a straightforward engine does (at every step, per series, binary-search the window and
// re-scan it), whose answers are checked against the engine's. Environment: BENCH_PROMQL_SERIES=1000,
// BENCH_PROMQL_RUNS=5.
import { MemorySampleSource } from '../src/monitoring/memory-sample-source.js';
import type { SeriesSamples } from '../src/monitoring/metric-model.js';
import { evaluateRange, matrixJson, queryRange } from '../src/monitoring/promql.js';
import { extrapolatedRate } from '../src/monitoring/promql-functions.js';

const seriesCount = Number(process.env.BENCH_PROMQL_SERIES ?? 1000);
const runs = Number(process.env.BENCH_PROMQL_RUNS ?? 5);
const stepMs = 15_000;
const dayMs = 86_400_000;
const windowMs = 5 * 60_000;
const end = Date.parse('2026-11-30T00:00:00Z');
const start = end - dayMs;

function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Counters scraped every 15 s (with up to 1 s of jitter) from 10 minutes before the range; a few restart. */
function build(): { source: MemorySampleSource; samples: number } {
  const rnd = random(11);
  const source = new MemorySampleSource();
  const first = start - 2 * windowMs;
  const count = Math.floor((end - first) / stepMs) + 1;
  let samples = 0;
  for (let s = 0; s < seriesCount; s++) {
    const ts = new Float64Array(count);
    const vs = new Float64Array(count);
    let v = 0;
    for (let i = 0; i < count; i++) {
      ts[i] = first + i * stepMs + Math.floor(rnd() * 1000);
      v = rnd() < 0.0005 ? 0 : v + Math.floor(rnd() * 100);
      vs[i] = v;
    }
    source.add({ __name__: 'x', job: `job-${s % 10}`, instance: `host-${s}:9100` }, ts, vs);
    samples += count;
  }
  return { source, samples };
}

function lowerBound(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The baseline for sum by (job) (rate(x[5m])): step-major, each step's window found and re-scanned per series. */
async function baselineSumRate(source: MemorySampleSource): Promise<Map<string, Float64Array>> {
  const series = await source.select([{ name: '__name__', op: '=', value: 'x' }], start - windowMs + 1, end);
  const steps = Math.floor((end - start) / stepMs) + 1;
  const out = new Map<string, Float64Array>();
  const resets = new Float64Array(Math.max(...series.map((s) => s.timestamps.length)));
  for (let i = 0; i < steps; i++) {
    const t = start + i * stepMs;
    for (const s of series) {
      const lo = lowerBound(s.timestamps, t - windowMs + 1);
      const hi = lowerBound(s.timestamps, t + 1);
      if (hi - lo < 2) continue;
      // Re-scan the window for counter resets, as an engine without prefix sums must.
      resets[lo] = 0;
      for (let j = lo + 1; j < hi; j++)
        resets[j] = resets[j - 1] + (s.values[j] < s.values[j - 1] ? s.values[j - 1] : 0);
      const rate = extrapolatedRate(s.timestamps, s.values, resets, lo, hi, t - windowMs, t, true, true);
      const job = s.labels.job;
      let sums = out.get(job);
      if (!sums) {
        sums = new Float64Array(steps);
        out.set(job, sums);
      }
      sums[i] += rate;
    }
  }
  return out;
}

/** The baseline for the plain selector: at each step, per series, a binary search for the latest sample. */
async function baselineSelector(source: MemorySampleSource): Promise<number> {
  const series: SeriesSamples[] = await source.select(
    [{ name: '__name__', op: '=', value: 'x' }],
    start - windowMs + 1,
    end,
  );
  const steps = Math.floor((end - start) / stepMs) + 1;
  let points = 0;
  const values = series.map(() => new Float64Array(steps));
  for (let i = 0; i < steps; i++) {
    const t = start + i * stepMs;
    series.forEach((s, k) => {
      const j = lowerBound(s.timestamps, t + 1) - 1;
      if (j >= 0 && s.timestamps[j] > t - windowMs) {
        values[k][i] = s.values[j];
        points++;
      }
    });
  }
  return points;
}

/** Wall-clock and CPU (user + system) milliseconds of each run after a warm-up; CPU says more on a shared machine. */
async function time<T>(
  work: () => Promise<T>,
  times = runs,
): Promise<{ ms: number[]; cpu: number[]; result: T }> {
  const ms: number[] = [];
  const cpu: number[] = [];
  let result = await work(); // warm-up: JIT and allocation
  for (let r = 0; r < times; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    result = await work();
    ms.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { ms: ms.sort((a, b) => a - b), cpu: cpu.sort((a, b) => a - b), result };
}

const median = (xs: number[]) => xs[Math.floor(xs.length / 2)];
const f1 = (x: number) => x.toFixed(1);

export async function benchPromql(): Promise<void> {
  const { source, samples } = build();
  const steps = Math.floor((end - start) / stepMs) + 1;
  console.log(
    `\n## PromQL range queries: ${seriesCount} series × 24 h at 15 s (${(samples / 1e6).toFixed(2)} M samples), ${steps} steps of 15 s, in-memory source, ${runs} runs after a warm-up`,
  );
  const q1 = 'sum by (job) (rate(x[5m]))';
  const engineSum = await time(() => evaluateRange(source, q1, start, end, stepMs));
  const apiSum = await time(() => queryRange(source, q1, start, end, stepMs));
  const baseSum = await time(() => baselineSumRate(source), 2);
  let mismatches = 0;
  for (const s of engineSum.result.series) {
    const base = baseSum.result.get(s.labels.job);
    for (let i = 0; i < steps; i++) {
      const want = base?.[i] ?? 0;
      if (Math.abs(s.values[i] - want) > 1e-9 * Math.max(1, Math.abs(want))) mismatches++;
    }
  }
  const engineSel = await time(() => evaluateRange(source, 'x', start, end, stepMs));
  const apiSel = await time(() => queryRange(source, 'x', start, end, stepMs), 2);
  const streamSel = await time(async () => {
    const { steps: at, series } = await evaluateRange(source, 'x', start, end, stepMs);
    let bytes = 0;
    for (const chunk of matrixJson(at, series)) bytes += chunk.length;
    return bytes;
  }, 2);
  const baseSel = await time(() => baselineSelector(source), 2);

  console.log(
    '| query | what is timed | runs | median ms | min ms | median CPU ms | baseline / this (CPU) |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
  type Timed = { ms: number[]; cpu: number[] };
  const row = (q: string, what: string, t: Timed, base: Timed) =>
    console.log(
      `| \`${q}\` | ${what} | ${t.ms.length} | ${f1(median(t.ms))} | ${f1(t.ms[0])} | ${f1(median(t.cpu))} | ${(median(base.cpu) / median(t.cpu)).toFixed(1)} |`,
    );
  row(q1, 'opsdesk: evaluation', engineSum, baseSum);
  row(q1, 'opsdesk: queryRange (evaluation + Prometheus JSON shape)', apiSum, baseSum);
  row(q1, 'baseline: step-major, window re-scanned per step', baseSum, baseSum);
  row('x', 'opsdesk: evaluation', engineSel, baseSel);
  row(
    'x',
    `opsdesk: queryRange (${((seriesCount * steps) / 1e6).toFixed(2)} M points as [t, "v"])`,
    apiSel,
    baseSel,
  );
  row(
    'x',
    `opsdesk: evaluation + JSON text as the API streams it (${(streamSel.result / 1e6).toFixed(0)} MB)`,
    streamSel,
    baseSel,
  );
  row('x', 'baseline: step-major, binary search per step', baseSel, baseSel);
  console.log(
    `\nrate answers that differ from the baseline's: ${mismatches} of ${engineSum.result.series.length * steps}`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPromql();
