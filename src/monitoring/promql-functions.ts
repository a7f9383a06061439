// The PromQL functions opsdesk supports: their signatures (the parser checks calls against them) and the pure
// arithmetic of each, following Prometheus's promql/functions.go (extrapolated rates, linear regression, quantiles,
// classic-histogram quantiles). The evaluator (promql-eval.ts) feeds them samples.
import type { ValueType } from './promql-ast.js';

export interface FunctionSignature {
  args: ValueType[];
  /** How many trailing arguments may be left out. */
  optional?: number;
  returns: ValueType;
}

const onMatrix: FunctionSignature = { args: ['matrix'], returns: 'vector' };
const onVector: FunctionSignature = { args: ['vector'], returns: 'vector' };

export const functionSignatures: Record<string, FunctionSignature> = {
  rate: onMatrix,
  irate: onMatrix,
  increase: onMatrix,
  delta: onMatrix,
  idelta: onMatrix,
  deriv: onMatrix,
  changes: onMatrix,
  resets: onMatrix,
  predict_linear: { args: ['matrix', 'scalar'], returns: 'vector' },
  avg_over_time: onMatrix,
  min_over_time: onMatrix,
  max_over_time: onMatrix,
  sum_over_time: onMatrix,
  count_over_time: onMatrix,
  last_over_time: onMatrix,
  stddev_over_time: onMatrix,
  stdvar_over_time: onMatrix,
  present_over_time: onMatrix,
  absent_over_time: onMatrix,
  quantile_over_time: { args: ['scalar', 'matrix'], returns: 'vector' },
  abs: onVector,
  ceil: onVector,
  floor: onVector,
  exp: onVector,
  ln: onVector,
  log2: onVector,
  log10: onVector,
  sqrt: onVector,
  sgn: onVector,
  round: { args: ['vector', 'scalar'], optional: 1, returns: 'vector' },
  clamp: { args: ['vector', 'scalar', 'scalar'], returns: 'vector' },
  clamp_min: { args: ['vector', 'scalar'], returns: 'vector' },
  clamp_max: { args: ['vector', 'scalar'], returns: 'vector' },
  time: { args: [], returns: 'scalar' },
  vector: { args: ['scalar'], returns: 'vector' },
  scalar: { args: ['vector'], returns: 'scalar' },
  absent: onVector,
  sort: onVector,
  sort_desc: onVector,
  histogram_quantile: { args: ['scalar', 'vector'], returns: 'vector' },
  label_replace: { args: ['vector', 'string', 'string', 'string', 'string'], returns: 'vector' },
};

/** Functions whose result keeps the input's metric name (Prometheus drops it for every other). */
export const keepsMetricName = new Set(['last_over_time', 'sort', 'sort_desc', 'label_replace']);

/** Element-wise functions of a vector: value in, value out. */
export const elementwise: Record<string, (v: number) => number> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sqrt: Math.sqrt,
  sgn: (v) => (Number.isNaN(v) ? v : Math.sign(v)),
};

/**
 * rate, increase and delta over the samples [lo, hi) of a series, hi − lo ≥ 2 (Prometheus's extrapolatedRate): the
 * change between the first and last sample (plus counter resets, given as their prefix sums), extrapolated to the
 * edges of the window [rangeStart, rangeEnd] when the samples come close enough to them, never below zero for
 * counters. Durations stay in milliseconds (only their ratios matter), and the call is kept small and monomorphic
 * because it runs once per series and step.
 */
export function extrapolatedRate(
  ts: Float64Array,
  vs: Float64Array,
  resetPrefix: Float64Array | null,
  lo: number,
  hi: number,
  rangeStartMs: number,
  rangeEndMs: number,
  isCounter: boolean,
  isRate: boolean,
): number {
  const first = vs[lo];
  const firstT = ts[lo];
  const lastT = ts[hi - 1];
  let result = vs[hi - 1] - first;
  // resetPrefix[j] sums the values before each drop at or before j: a drop at lo itself is outside the window.
  if (resetPrefix !== null) result += resetPrefix[hi - 1] - resetPrefix[lo];
  const sampledInterval = lastT - firstT;
  const averageBetween = sampledInterval / (hi - lo - 1);
  const threshold = averageBetween * 1.1;
  let toStart = firstT - rangeStartMs;
  let toEnd = rangeEndMs - lastT;
  if (toStart >= threshold) toStart = averageBetween / 2;
  if (isCounter && result > 0 && first >= 0) {
    // A counter cannot be negative: never extrapolate back past where it would have been zero.
    const toZero = sampledInterval * (first / result);
    if (toZero < toStart) toStart = toZero;
  }
  if (toEnd >= threshold) toEnd = averageBetween / 2;
  const extrapolated = (result * (sampledInterval + toStart + toEnd)) / sampledInterval;
  return isRate ? extrapolated / ((rangeEndMs - rangeStartMs) / 1000) : extrapolated;
}

/**
 * rate, increase or delta of one series at every step, into values/present (step i's window is (ends[i] − range,
 * ends[i]]); whether any step has one. The same answer as extrapolatedRate at each window, bit for bit, fused for the
 * hot path of dashboards and rules (a day of 1,000 series at 15 s steps is 5.7 M windows): the window slides with two
 * pointers; the counter resets are summed as the pointers move, in the order the prefix sums take them; the division
 * that depends only on the window's shape (its sample count and span, the same step after step when a target is
 * scraped regularly) is done once per shape; and the zero point of a counter is only divided out when it could be
 * nearer than the window's start.
 */
export function extrapolatedRates(
  ts: Float64Array,
  vs: Float64Array,
  ends: Float64Array,
  rangeMs: number,
  isCounter: boolean,
  isRate: boolean,
  values: Float64Array,
  present: Uint8Array,
): boolean {
  const n = ends.length;
  const len = ts.length;
  let lo = 0;
  let hi = 0;
  // counterResetPrefix(vs)[lo] and [hi − 1], kept up as the pointers move.
  let resetsLo = 0;
  let resetsHi = 0;
  let shapeCount = -1;
  let shapeSpan = -1;
  let averageBetween = 0;
  let threshold = 0;
  let width = -1;
  let rangeSeconds = 0;
  let any = false;
  for (let i = 0; i < n; i++) {
    const end = ends[i];
    const start = end - rangeMs;
    while (lo < len && ts[lo] <= start) {
      lo++;
      if (isCounter && lo < len && vs[lo] < vs[lo - 1]) resetsLo += vs[lo - 1];
    }
    while (hi < lo || (hi < len && ts[hi] <= end)) {
      if (isCounter && hi > 0 && vs[hi] < vs[hi - 1]) resetsHi += vs[hi - 1];
      hi++;
    }
    const count = hi - lo;
    if (count < 2) continue;
    const first = vs[lo];
    const firstT = ts[lo];
    const lastT = ts[hi - 1];
    let result = vs[hi - 1] - first;
    if (isCounter) result += resetsHi - resetsLo;
    const sampledInterval = lastT - firstT;
    if (count !== shapeCount || sampledInterval !== shapeSpan) {
      shapeCount = count;
      shapeSpan = sampledInterval;
      averageBetween = sampledInterval / (count - 1);
      threshold = averageBetween * 1.1;
    }
    let toStart = firstT - start;
    let toEnd = end - lastT;
    if (toStart >= threshold) toStart = averageBetween / 2;
    // toStart is under 1.1 spans: a first value of at least twice the increase puts zero two spans back or more.
    if (isCounter && result > 0 && first >= 0 && first < 2 * result) {
      const toZero = sampledInterval * (first / result);
      if (toZero < toStart) toStart = toZero;
    }
    if (toEnd >= threshold) toEnd = averageBetween / 2;
    const extrapolated = (result * (sampledInterval + toStart + toEnd)) / sampledInterval;
    if (isRate) {
      if (end - start !== width) {
        width = end - start;
        rangeSeconds = width / 1000;
      }
      values[i] = extrapolated / rangeSeconds;
    } else values[i] = extrapolated;
    present[i] = 1;
    any = true;
  }
  return any;
}

/** The prefix sums of counter resets: out[j] = Σ over k ≤ j with v[k] < v[k-1] of v[k-1] (extrapolatedRate's). */
export function counterResetPrefix(vs: Float64Array): Float64Array {
  const out = new Float64Array(vs.length);
  let acc = 0;
  for (let j = 1; j < vs.length; j++) {
    if (vs[j] < vs[j - 1]) acc += vs[j - 1];
    out[j] = acc;
  }
  return out;
}

/** Least-squares slope (per second) and intercept at interceptMs, as Prometheus's linearRegression. */
export function linearRegression(
  ts: Float64Array,
  vs: Float64Array,
  lo: number,
  hi: number,
  interceptMs: number,
): [number, number] {
  const initY = vs[lo];
  let constY = true;
  let n = 0;
  let sumX = 0;
  let sumY = 0;
  let sumXY = 0;
  let sumX2 = 0;
  for (let j = lo; j < hi; j++) {
    const y = vs[j];
    if (constY && j > lo && y !== initY) constY = false;
    const x = (ts[j] - interceptMs) / 1000;
    n++;
    sumX += x;
    sumY += y;
    sumXY += x * y;
    sumX2 += x * x;
  }
  if (constY) return Number.isFinite(initY) ? [0, initY] : [Number.NaN, Number.NaN];
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  return [slope, sumY / n - (slope * sumX) / n];
}

/** The φ-quantile of values (sorted in place), interpolating between ranks as Prometheus does. */
export function quantileOf(q: number, values: number[]): number {
  if (values.length === 0 || Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  values.sort((a, b) => a - b);
  const n = values.length;
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower] * (1 - weight) + values[upper] * weight;
}

export interface Bucket {
  upperBound: number;
  count: number;
}

/** The φ-quantile from classic histogram buckets (Prometheus's BucketQuantile, without the small-delta rule). */
export function bucketQuantile(q: number, input: Bucket[]): number {
  if (Number.isNaN(q)) return Number.NaN;
  if (q < 0) return Number.NEGATIVE_INFINITY;
  if (q > 1) return Number.POSITIVE_INFINITY;
  const sorted = [...input].sort((a, b) => a.upperBound - b.upperBound);
  if (sorted.length === 0 || sorted[sorted.length - 1].upperBound !== Number.POSITIVE_INFINITY) {
    return Number.NaN;
  }
  // Buckets with the same bound (e.g. "1" and "1.0") are one bucket.
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last && last.upperBound === b.upperBound) last.count += b.count;
    else buckets.push({ ...b });
  }
  // Scrapes are not atomic: a bucket may read lower than the one below it; counts are cumulative, so lift it.
  for (let i = 1; i < buckets.length; i++) {
    if (buckets[i].count < buckets[i - 1].count) buckets[i].count = buckets[i - 1].count;
  }
  if (buckets.length < 2) return Number.NaN;
  const observations = buckets[buckets.length - 1].count;
  if (observations === 0) return Number.NaN;
  let rank = q * observations;
  let b = 0;
  while (b < buckets.length - 1 && buckets[b].count < rank) b++;
  if (b === buckets.length - 1) return buckets[buckets.length - 2].upperBound;
  if (b === 0 && buckets[0].upperBound <= 0) return buckets[0].upperBound;
  let bucketStart = 0;
  const bucketEnd = buckets[b].upperBound;
  let count = buckets[b].count;
  if (b > 0) {
    bucketStart = buckets[b - 1].upperBound;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}
