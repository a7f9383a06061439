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
  // opsdesk's own (Zabbix's forecast/timeleft): the best of several fits with a band, src/forecast.
  forecast: { args: ['matrix', 'scalar'], returns: 'vector' },
  timeleft: { args: ['matrix', 'scalar'], returns: 'vector' },
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
 * counters. The arithmetic is Prometheus's, step for step (durations in seconds, one factor the change is
 * multiplied by), so that the answers are its own to the last bit.
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
  const sampledInterval = (lastT - firstT) / 1000;
  const averageBetween = sampledInterval / (hi - lo - 1);
  const threshold = averageBetween * 1.1;
  let toStart = (firstT - rangeStartMs) / 1000;
  let toEnd = (rangeEndMs - lastT) / 1000;
  if (toStart >= threshold) toStart = averageBetween / 2;
  if (isCounter && result > 0 && first >= 0) {
    // A counter cannot be negative: never extrapolate back past where it would have been zero.
    const toZero = sampledInterval * (first / result);
    if (toZero < toStart) toStart = toZero;
  }
  if (toEnd >= threshold) toEnd = averageBetween / 2;
  let factor = (sampledInterval + toStart + toEnd) / sampledInterval;
  if (isRate) factor /= (rangeEndMs - rangeStartMs) / 1000;
  return result * factor;
}

/**
 * The windows of rate, increase and delta at every step of a range query (step i's window is (ends[i] − range,
 * ends[i]]) over one array of timestamps — each window's first and last sample and the distances extrapolatedRate
 * measures, all of which depend on the timestamps alone — and the scratch the series of one query share. The series
 * of one scrape target have the same timestamps, so a query over them works the windows out once per target instead
 * of once per series (a day of 1,000 series at 15 s steps is 5.7 M windows). The windows are kept as runs of steps
 * whose windows have one shape and move on by the same number of samples a step: a regular scrape queried at a
 * regular step is one run, so a series' rates are then a tight loop over its values.
 */
export class RateWindows {
  readonly ends: Float64Array;
  readonly rangeMs: number;
  /** The last series' timestamps (a copy) and whether the runs below are worked out for them. */
  private last = new Float64Array(0);
  private lastLength = -1;
  /** The reader's key of the last series' timestamps (SeriesSamples.timestampsKey), when it gave one. */
  private lastKey: object | undefined = undefined;
  private planned = false;
  /** Per step: the window's width in seconds (the divisor of rate). */
  private readonly seconds: Float64Array;
  /**
   * Per run: its steps [from, to), the first and last sample index of its first window and how far both move on a
   * step, its windows' span, distances to their start and end (after extrapolatedRate's 1.1 rule, all in seconds)
   * and width, and the factors of increase and rate when a counter's zero point does not move the start.
   */
  private runs = 0;
  private readonly runFrom: Int32Array;
  private readonly runTo: Int32Array;
  private readonly runFirst: Int32Array;
  private readonly runLast: Int32Array;
  private readonly runStride: Int32Array;
  private readonly runSampled: Float64Array;
  private readonly runToStart: Float64Array;
  private readonly runToEnd: Float64Array;
  private readonly runSeconds: Float64Array;
  private readonly runIncrease: Float64Array;
  private readonly runRate: Float64Array;
  private count = 0;
  private resets = new Float64Array(0);

  constructor(ends: Float64Array, rangeMs: number) {
    const n = ends.length;
    this.ends = ends;
    this.rangeMs = rangeMs;
    this.seconds = new Float64Array(n);
    for (let i = 0; i < n; i++) this.seconds[i] = (ends[i] - (ends[i] - rangeMs)) / 1000;
    this.runFrom = new Int32Array(n);
    this.runTo = new Int32Array(n);
    this.runFirst = new Int32Array(n);
    this.runLast = new Int32Array(n);
    this.runStride = new Int32Array(n);
    this.runSampled = new Float64Array(n);
    this.runToStart = new Float64Array(n);
    this.runToEnd = new Float64Array(n);
    this.runSeconds = new Float64Array(n);
    this.runIncrease = new Float64Array(n);
    this.runRate = new Float64Array(n);
  }

  /**
   * rate (isRate), increase or delta (not isCounter) of one series at every step into values and present (which comes
   * zeroed): the same answer as extrapolatedRate at each window, bit for bit. Returns the number of steps with one.
   */
  rates(
    ts: Float64Array,
    vs: Float64Array,
    isCounter: boolean,
    isRate: boolean,
    values: Float64Array,
    present: Uint8Array,
    timestampsKey?: object,
  ): number {
    const len = ts.length;
    if (len < 2) return 0;
    // Whether these are the last series' timestamps: the reader may say so (its key), else a pass over them does.
    let same = len === this.lastLength;
    if (!same || timestampsKey === undefined || timestampsKey !== this.lastKey) {
      const last = this.last;
      for (let j = 0; j < len && same; j++) if (ts[j] !== last[j]) same = false;
      this.lastKey = timestampsKey;
    }
    // A counter's resets, as prefix sums, when its values ever drop.
    let drops = false;
    if (isCounter)
      for (let j = len - 1; j > 0; j--)
        if (vs[j] < vs[j - 1]) {
          drops = true;
          break;
        }
    const prefix = drops ? this.resetPrefix(vs) : null;
    if (same) {
      if (!this.planned) this.plan(ts);
      return this.fromRuns(vs, prefix, isCounter, isRate, values, present);
    }
    if (this.last.length < len) this.last = new Float64Array(len);
    this.last.set(ts);
    this.lastLength = len;
    this.planned = false;
    return slidingRates(
      ts,
      vs,
      prefix,
      this.ends,
      this.rangeMs,
      this.seconds,
      isCounter,
      isRate,
      values,
      present,
    );
  }

  /** counterResetPrefix of vs, into the scratch the series share. */
  private resetPrefix(vs: Float64Array): Float64Array {
    const len = vs.length;
    if (this.resets.length < len) this.resets = new Float64Array(len);
    const prefix = this.resets;
    let acc = 0;
    prefix[0] = 0;
    for (let k = 1; k < len; k++) {
      if (vs[k] < vs[k - 1]) acc += vs[k - 1];
      prefix[k] = acc;
    }
    return prefix;
  }

  /** Work out each step's window over ts (what extrapolatedRate computes before it looks at a value), as runs. */
  private plan(ts: Float64Array): void {
    const { ends, rangeMs, seconds } = this;
    const n = ends.length;
    const len = ts.length;
    let lo = 0;
    let hi = 0;
    let runs = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const end = ends[i];
      const start = end - rangeMs;
      while (lo < len && ts[lo] <= start) lo++;
      if (hi < lo) hi = lo;
      while (hi < len && ts[hi] <= end) hi++;
      if (hi - lo < 2) continue;
      count++;
      const firstT = ts[lo];
      const lastT = ts[hi - 1];
      const sampledInterval = (lastT - firstT) / 1000;
      const averageBetween = sampledInterval / (hi - lo - 1);
      const threshold = averageBetween * 1.1;
      let toStart = (firstT - start) / 1000;
      let toEnd = (end - lastT) / 1000;
      if (toStart >= threshold) toStart = averageBetween / 2;
      if (toEnd >= threshold) toEnd = averageBetween / 2;
      const r = runs - 1;
      if (
        r >= 0 &&
        this.runTo[r] === i &&
        this.runSampled[r] === sampledInterval &&
        this.runToStart[r] === toStart &&
        this.runToEnd[r] === toEnd &&
        this.runSeconds[r] === seconds[i]
      ) {
        const steps = i - this.runFrom[r];
        const moved = lo - this.runFirst[r];
        if (steps === 1 && hi - 1 - this.runLast[r] === moved) {
          this.runStride[r] = moved;
          this.runTo[r] = i + 1;
          continue;
        }
        const stride = this.runStride[r];
        if (moved === stride * steps && hi - 1 - this.runLast[r] === moved) {
          this.runTo[r] = i + 1;
          continue;
        }
      }
      this.runFrom[runs] = i;
      this.runTo[runs] = i + 1;
      this.runFirst[runs] = lo;
      this.runLast[runs] = hi - 1;
      this.runStride[runs] = 0;
      this.runSampled[runs] = sampledInterval;
      this.runToStart[runs] = toStart;
      this.runToEnd[runs] = toEnd;
      this.runSeconds[runs] = seconds[i];
      const factor = (sampledInterval + toStart + toEnd) / sampledInterval;
      this.runIncrease[runs] = factor;
      this.runRate[runs] = factor / seconds[i];
      runs++;
    }
    this.runs = runs;
    this.count = count;
    this.planned = true;
  }

  private fromRuns(
    vs: Float64Array,
    prefix: Float64Array | null,
    isCounter: boolean,
    isRate: boolean,
    values: Float64Array,
    present: Uint8Array,
  ): number {
    for (let r = 0; r < this.runs; r++) {
      const from = this.runFrom[r];
      const to = this.runTo[r];
      const stride = this.runStride[r];
      const sampledInterval = this.runSampled[r];
      const startDistance = this.runToStart[r];
      const toEnd = this.runToEnd[r];
      const seconds = this.runSeconds[r];
      const runFactor = isRate ? this.runRate[r] : this.runIncrease[r];
      let lo = this.runFirst[r];
      let hi = this.runLast[r];
      for (let i = from; i < to; i++, lo += stride, hi += stride) {
        const first = vs[lo];
        let result = vs[hi] - first;
        // + 0 as extrapolatedRate's prefix difference adds when there is no reset (it makes a -0 result +0).
        if (isCounter) result += prefix === null ? 0 : prefix[hi] - prefix[lo];
        // toStart is under 1.1 spans: a first value of at least twice the increase puts zero two spans back or more.
        if (isCounter && result > 0 && first >= 0 && first < 2 * result) {
          let toStart = startDistance;
          const toZero = sampledInterval * (first / result);
          if (toZero < toStart) toStart = toZero;
          let factor = (sampledInterval + toStart + toEnd) / sampledInterval;
          if (isRate) factor /= seconds;
          values[i] = result * factor;
        } else values[i] = result * runFactor;
      }
      present.fill(1, from, to);
    }
    return this.count;
  }
}

/**
 * RateWindows.rates over timestamps seen for the first time: one pass, the windows sliding with two pointers, the
 * division that depends only on a window's shape (its sample count and span, the same step after step when a target
 * is scraped regularly) done once per shape.
 */
function slidingRates(
  ts: Float64Array,
  vs: Float64Array,
  prefix: Float64Array | null,
  ends: Float64Array,
  rangeMs: number,
  seconds: Float64Array,
  isCounter: boolean,
  isRate: boolean,
  values: Float64Array,
  present: Uint8Array,
): number {
  const n = ends.length;
  const len = ts.length;
  let lo = 0;
  let hi = 0;
  let shapeCount = -1;
  let shapeSpan = -1;
  let sampledInterval = 0;
  let averageBetween = 0;
  let threshold = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const end = ends[i];
    const start = end - rangeMs;
    while (lo < len && ts[lo] <= start) lo++;
    if (hi < lo) hi = lo;
    while (hi < len && ts[hi] <= end) hi++;
    const k = hi - lo;
    if (k < 2) continue;
    const first = vs[lo];
    const firstT = ts[lo];
    const lastT = ts[hi - 1];
    let result = vs[hi - 1] - first;
    if (isCounter) result += prefix === null ? 0 : prefix[hi - 1] - prefix[lo];
    const span = lastT - firstT;
    if (k !== shapeCount || span !== shapeSpan) {
      shapeCount = k;
      shapeSpan = span;
      sampledInterval = span / 1000;
      averageBetween = sampledInterval / (k - 1);
      threshold = averageBetween * 1.1;
    }
    let toStart = (firstT - start) / 1000;
    let toEnd = (end - lastT) / 1000;
    if (toStart >= threshold) toStart = averageBetween / 2;
    if (isCounter && result > 0 && first >= 0 && first < 2 * result) {
      const toZero = sampledInterval * (first / result);
      if (toZero < toStart) toStart = toZero;
    }
    if (toEnd >= threshold) toEnd = averageBetween / 2;
    let factor = (sampledInterval + toStart + toEnd) / sampledInterval;
    if (isRate) factor /= seconds[i];
    values[i] = result * factor;
    present[i] = 1;
    count++;
  }
  return count;
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
