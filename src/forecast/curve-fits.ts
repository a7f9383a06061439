// The curves a forecast may fit, each a least-squares line in its own space (the fits Zabbix's forecast/timeleft
// offer: linear, polynomial of degree 2–6, exponential, logarithmic, power), plus a seasonal model (a linear trend
// and a profile over the season's phase). All work on a prepared series (times scaled to [-1, 1], values centred and
// scaled) so that sums never overflow, and each answers its mean and the standard error of a new sample at a time.

export type FitKind =
  | 'linear'
  | 'polynomial2'
  | 'polynomial3'
  | 'polynomial4'
  | 'polynomial5'
  | 'polynomial6'
  | 'exponential'
  | 'logarithmic'
  | 'power'
  | 'seasonal';

export const fitKinds: readonly FitKind[] = [
  'linear',
  'polynomial2',
  'polynomial3',
  'polynomial4',
  'polynomial5',
  'polynomial6',
  'exponential',
  'logarithmic',
  'power',
  'seasonal',
];

/**
 * A series ready for fitting, sorted by time. x = (t − tMid) / halfSpan ∈ [-1, 1]; yn = (v − centre) / scale ∈
 * [-1, 1]; ly = ln(v / top) where every value is positive (else null); lu = ln of the time since just before the first
 * sample, in spans (the logarithmic and power fits' variable). A long series is fitted on the means of equal slices of
 * time (at most maxFitPoints); `raw` then keeps its samples (times and values as read — the caller's own arrays, read
 * only while the forecast is made), from which the band's spread is measured.
 */
export interface Prepared {
  n: number;
  t: Float64Array;
  x: Float64Array;
  yn: Float64Array;
  ly: Float64Array | null;
  lu: Float64Array;
  tMid: number;
  halfSpan: number;
  /** The time the logarithmic and power fits count from (a mean step before the first sample). */
  tOrigin: number;
  span: number;
  centre: number;
  scale: number;
  /** The largest value, when every value is positive: ly's unit. */
  top: number;
  /** The mean spacing of the (fitted) points. */
  stepMs: number;
  raw: { t: Float64Array; v: Float64Array } | null;
}

/**
 * A curve that is a straight line in one variable of time — f = x (linear, exponential) or f = lu (logarithmic,
 * power): mean a + b·f and leverage l0 + l1·f + l2·f². timeLeft solves such a curve's crossings in closed form.
 */
export interface CurveLine {
  variable: 'x' | 'lu';
  a: number;
  b: number;
  l0: number;
  l1: number;
  l2: number;
}

/** A curve fitted on some of a prepared series: its mean and the leverage of a new sample at a time. */
export interface FittedCurve {
  kind: FitKind;
  params: number;
  /** The mean in the curve's own space (yn or ly units) and the leverage x₀ᵀ(XᵀX)⁻¹x₀ of a new sample at t. */
  at(t: number): { m: number; lev: number };
  /** As at(t), into out[0] (the mean) and out[1] (the leverage): nothing allocated, for the crossing scans. */
  atInto(t: number, out: Float64Array): void;
  /** The mean alone, as at(t).m (nothing allocated). */
  mean(t: number): number;
  /**
   * Σ (sample − mean at its time)² over samples (ts, vs), each sample in the curve's own space as prepare scales the
   * fitted points (ln(v / top) in log space, else (v − centre) / scale): the band's spread asks this of every raw
   * sample, so each kind of curve answers it in one loop of its own (no call and no stored mean per sample).
   */
  squaredResiduals(ts: Float64Array, vs: Float64Array): number;
  /** The curve as a line in x or lu, where it is one. */
  line?: CurveLine;
  /** Whether the curve's own space is the logarithm of the value (exponential and power). */
  logSpace: boolean;
  /** The residual degrees of freedom (for the band's quantile) and the residuals' spread, in the curve's space. */
  dof: number;
  sigma: number;
  /**
   * Bounds of the mean and the largest leverage over [t0, t1] into out[0] (lowest mean), out[1] (highest) and out[2]
   * (leverage), where the curve can tell them cheaply (seasonal): nothing allocated for each of a year's seasons.
   */
  envelopeInto?(t0: number, t1: number, out: Float64Array): void;
  /** The season, for a seasonal curve. */
  seasonMs?: number;
}

/** Times further than this many spans from the data are answered as at this distance (no overflow, no NaN). */
export const maxSpans = 1e6;
/** A longer series is fitted on the means of this many equal slices of its time (its band still from every sample). */
export const maxFitPoints = 1200;

export function prepare(points: readonly { t: number; v: number }[]): Prepared | null {
  const ts = new Float64Array(points.length);
  const vs = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    ts[i] = points[i].t;
    vs[i] = points[i].v;
  }
  return prepareTyped(ts, vs);
}

/** As prepare, from parallel arrays (what PromQL and the capacity report hold): no object per sample. */
export function prepareSamples(ts: ArrayLike<number>, vs: ArrayLike<number>): Prepared | null {
  const len = Math.min(ts.length, vs.length);
  return prepareTyped(asFloat64(ts, len), asFloat64(vs, len));
}

/** The first len numbers as a Float64Array: a view of a Float64Array, else a copy. */
function asFloat64(a: ArrayLike<number>, len: number): Float64Array {
  if (a instanceof Float64Array) return a.subarray(0, len);
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) out[i] = a[i];
  return out;
}

/** Typed arrays only, so that the loops see one kind of array. */
function prepareTyped(ts: Float64Array, vs: Float64Array): Prepared | null {
  const len = ts.length;
  // A long series is most often sorted and finite throughout (what the store and PromQL hand over): its slice means
  // are taken in the pass that finds it so, and it is read once before the fit (else it is checked and sliced apart).
  if (len > maxFitPoints) {
    const sliced = sliceMeans(ts, vs);
    if (sliced) return prepareSorted(ts, vs, sliced.min, sliced.max, sliced);
  }
  let keep = 0;
  let sorted = true;
  let prev = Number.NEGATIVE_INFINITY;
  // The values' range in the same pass (a long series is read as few times as can be).
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < len; i++) {
    const t = ts[i];
    const v = vs[i];
    if (!Number.isFinite(t) || !Number.isFinite(v)) continue;
    if (t < prev) sorted = false;
    prev = t;
    if (v < min) min = v;
    if (v > max) max = v;
    keep++;
  }
  if (keep < 3) return null;
  // Sorted and every sample finite (what the store and PromQL hand over): read in place, no copy.
  if (sorted && keep === len) return prepareSorted(ts, vs, min, max);
  let kt = new Float64Array(keep);
  let kv = new Float64Array(keep);
  for (let i = 0, j = 0; i < len; i++) {
    if (!Number.isFinite(ts[i]) || !Number.isFinite(vs[i])) continue;
    kt[j] = ts[i];
    kv[j] = vs[i];
    j++;
  }
  if (!sorted) {
    const order = Array.from({ length: keep }, (_, i) => i).sort((a, b) => kt[a] - kt[b]);
    kt = Float64Array.from(order, (i) => kt[i]);
    kv = Float64Array.from(order, (i) => kv[i]);
  }
  return prepareSorted(kt, kv, min, max);
}

/** From sorted finite samples and their values' least and greatest (and their slice means, when already taken). */
function prepareSorted(
  sortedT: Float64Array,
  sortedV: Float64Array,
  min: number,
  max: number,
  sliced: SliceMeans | null = null,
): Prepared | null {
  let kt = sortedT;
  let kv = sortedV;
  const t0 = kt[0];
  const t1 = kt[kt.length - 1];
  // Halves first: t1 − t0 overflows for times near ±1.8e308.
  const halfSpan = t1 / 2 - t0 / 2;
  if (!(halfSpan > 0) || !Number.isFinite(halfSpan)) return null;
  const tMid = t0 / 2 + t1 / 2;
  const centre = min / 2 + max / 2;
  let scale = max / 2 - min / 2;
  if (!(scale > 0)) scale = Math.abs(centre) > 0 ? Math.abs(centre) : 1;
  const positive = min > 0;
  let raw: Prepared['raw'] = null;
  if (kt.length > maxFitPoints) {
    // The samples as read: the band's spread transforms them as it measures (most curves need no logarithms).
    raw = { t: kt, v: kv };
    // Sorted, finite and spanning some time, so sliceMeans answers.
    const means = sliced ?? sliceMeans(kt, kv);
    if (!means) return null;
    kt = means.t;
    kv = means.v;
  }
  const n = kt.length;
  // One buffer for the five columns: a typed array's own store costs far more to allocate than a view of one.
  const columns = new Float64Array((positive ? 5 : 4) * n);
  const t = columns.subarray(0, n);
  const x = columns.subarray(n, 2 * n);
  const yn = columns.subarray(2 * n, 3 * n);
  const lu = columns.subarray(3 * n, 4 * n);
  const ly = positive ? columns.subarray(4 * n, 5 * n) : null;
  const span = 2 * halfSpan;
  const stepMs = span / (n - 1);
  const tOrigin = t0 - stepMs;
  for (let i = 0; i < n; i++) {
    t[i] = kt[i];
    x[i] = (kt[i] - tMid) / halfSpan;
    yn[i] = (kv[i] - centre) / scale;
    lu[i] = Math.log((kt[i] - tOrigin) / span);
    if (ly) ly[i] = Math.log(kv[i] / max);
  }
  return { n, t, x, yn, ly, lu, tMid, halfSpan, tOrigin, span, centre, scale, top: max, stepMs, raw };
}

/** The mean time and value of the samples in each slice of time, and the values' least and greatest. */
interface SliceMeans {
  t: Float64Array;
  v: Float64Array;
  min: number;
  max: number;
}

/**
 * The mean time and value of the samples in each of maxFitPoints equal slices of their time, from the first to the
 * last (empty slices left out), with the values' range; null, having read no further, at the first sample out of order
 * or not finite, or when the times span none.
 */
function sliceMeans(kt: Float64Array, kv: Float64Array): SliceMeans | null {
  const t0 = kt[0];
  // Halves first, as prepareSorted: t1 − t0 overflows for times near ±1.8e308.
  const halfSpan = kt[kt.length - 1] / 2 - t0 / 2;
  if (!(halfSpan > 0) || !Number.isFinite(halfSpan)) return null;
  const both = new Float64Array(2 * maxFitPoints);
  const ot = both.subarray(0, maxFitPoints);
  const ov = both.subarray(maxFitPoints);
  const width = (2 * halfSpan) / maxFitPoints;
  const last = maxFitPoints - 1;
  // A sample whose offset is below `below` is in the current slice without a division: the times are sorted and a
  // rounded quotient never decreases as its dividend grows, so the slice is at least the current one, and below
  // (k + 1)·width less a relative 1e-12 (far more than rounding) the quotient is under k + 1. Only samples near a
  // slice's end are divided, with the same answer. Where the width is not a comfortably normal number, all are.
  const bounded = width > 1e-290 && width < 1e290;
  let below = Number.NEGATIVE_INFINITY;
  let prev = Number.NEGATIVE_INFINITY;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let n = 0;
  let slice = 0;
  let st = 0;
  let sv = 0;
  let count = 0;
  for (let i = 0; i < kt.length; i++) {
    const t = kt[i];
    const v = kv[i];
    if (!(t >= prev) || !Number.isFinite(t) || !Number.isFinite(v)) return null;
    prev = t;
    if (v < min) min = v;
    if (v > max) max = v;
    const d = t - t0;
    let k = slice;
    if (!(d < below)) {
      k = Math.min(last, Math.floor(d / width));
      below =
        k === last
          ? Number.POSITIVE_INFINITY
          : bounded
            ? (k + 1) * width * (1 - 1e-12)
            : Number.NEGATIVE_INFINITY;
    }
    if (k !== slice && count > 0) {
      ot[n] = t0 + st / count;
      ov[n++] = sv / count;
      st = 0;
      sv = 0;
      count = 0;
    }
    slice = k;
    st += d;
    sv += v;
    count++;
  }
  if (count > 0) {
    ot[n] = t0 + st / count;
    ov[n++] = sv / count;
  }
  return { t: ot.subarray(0, n), v: ov.subarray(0, n), min, max };
}

export function xOf(p: Prepared, t: number): number {
  const x = (t - p.tMid) / p.halfSpan;
  return x > maxSpans ? maxSpans : x < -maxSpans ? -maxSpans : Number.isNaN(x) ? 0 : x;
}

export function luOf(p: Prepared, t: number): number {
  // Before the origin the logarithm has no value: answer as at the first sample's distance, halved.
  const u = (t - p.tOrigin) / p.span;
  const floor = p.stepMs / p.span / 2;
  return Math.log(u > maxSpans ? maxSpans : u > floor ? u : floor);
}

/**
 * Solves the symmetric system A·c = b (A given row-major, size k) by Gauss–Jordan elimination with partial pivoting,
 * and answers A⁻¹ too (for the band's leverage; empty without it); null when A is singular or the answer is not finite.
 */
export function solveSymmetric(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  k: number,
  withInverse = true,
): { c: number[]; inv: number[] } | null {
  const w = 2 * k + 1;
  // Plain arrays: small typed arrays each get a store of their own, which costs more than the elimination.
  const m: number[] = new Array(k * w).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) m[i * w + j] = a[i * k + j];
    m[i * w + k + i] = 1;
    m[i * w + 2 * k] = b[i];
  }
  // Without the inverse, only the matrix's own columns and the right-hand side are eliminated.
  const last = withInverse ? w : k;
  let norm = 0;
  for (let i = 0; i < k * k; i++) norm = Math.max(norm, Math.abs(a[i]));
  if (!(norm > 0) || !Number.isFinite(norm)) return null;
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(m[r * w + col]) > Math.abs(m[pivot * w + col])) pivot = r;
    const pv = m[pivot * w + col];
    if (!(Math.abs(pv) > norm * 1e-14)) return null;
    if (pivot !== col) {
      for (let j = 0; j < w; j++) {
        const tmp = m[col * w + j];
        m[col * w + j] = m[pivot * w + j];
        m[pivot * w + j] = tmp;
      }
    }
    for (let j = 0; j < last; j++) m[col * w + j] /= pv;
    if (!withInverse) m[col * w + 2 * k] /= pv;
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = m[r * w + col];
      if (f === 0) continue;
      for (let j = 0; j < last; j++) m[r * w + j] -= f * m[col * w + j];
      if (!withInverse) m[r * w + 2 * k] -= f * m[col * w + 2 * k];
    }
  }
  const c: number[] = new Array(k);
  const inv: number[] = withInverse ? new Array(k * k) : [];
  for (let i = 0; i < k; i++) {
    c[i] = m[i * w + 2 * k];
    if (!Number.isFinite(c[i])) return null;
    if (withInverse) for (let j = 0; j < k; j++) inv[i * k + j] = m[i * w + k + j];
  }
  return { c, inv };
}

/** Where the hold-out folds cut a series: samples [0, a) train the first, [0, b) the second; [0, n) is all. */
export interface Segments {
  a: number;
  b: number;
  n: number;
}

/**
 * The polynomial fits' sums per segment ([0, a), [a, b), [b, n)): Σxᵉ for e ≤ 12, Σy·xᵉ for e ≤ 6, Σy². Every degree
 * and every fold is solved from them, and its error on any segment is Σy² − 2c·Σyφ + cᵀ(Σφφᵀ)c: one pass in all.
 */
export interface MomentSums {
  s: number[];
  ty: number[];
  y2: number;
  n: number;
}

export class PolynomialSums {
  readonly s: number[][];
  readonly ty: number[][];
  readonly y2: number[];
  readonly count: number[];
  constructor(p: Prepared, seg: Segments) {
    this.s = [0, 1, 2].map(() => new Array(13).fill(0));
    this.ty = [0, 1, 2].map(() => new Array(7).fill(0));
    this.y2 = [0, 0, 0];
    this.count = [seg.a, seg.b - seg.a, seg.n - seg.b];
    const { x, yn } = p;
    const bounds = [0, seg.a, seg.b, seg.n];
    for (let g = 0; g < 3; g++) {
      const s = this.s[g];
      const ty = this.ty[g];
      // Scalars, not the arrays: the sums stay in registers (the same additions in the same order).
      let y2 = 0;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0,
        s4 = 0,
        s5 = 0,
        s6 = 0,
        s7 = 0,
        s8 = 0,
        s9 = 0,
        s10 = 0,
        s11 = 0,
        s12 = 0;
      let t0 = 0,
        t1 = 0,
        t2 = 0,
        t3 = 0,
        t4 = 0,
        t5 = 0,
        t6 = 0;
      for (let i = bounds[g]; i < bounds[g + 1]; i++) {
        const xi = x[i];
        const yi = yn[i];
        y2 += yi * yi;
        s0 += 1;
        t0 += yi;
        let pw = xi;
        s1 += pw;
        t1 += pw * yi;
        pw *= xi;
        s2 += pw;
        t2 += pw * yi;
        pw *= xi;
        s3 += pw;
        t3 += pw * yi;
        pw *= xi;
        s4 += pw;
        t4 += pw * yi;
        pw *= xi;
        s5 += pw;
        t5 += pw * yi;
        pw *= xi;
        s6 += pw;
        t6 += pw * yi;
        pw *= xi;
        s7 += pw;
        pw *= xi;
        s8 += pw;
        pw *= xi;
        s9 += pw;
        pw *= xi;
        s10 += pw;
        pw *= xi;
        s11 += pw;
        pw *= xi;
        s12 += pw;
      }
      const sums = [s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, s12];
      for (let e = 0; e < 13; e++) s[e] = sums[e];
      const tys = [t0, t1, t2, t3, t4, t5, t6];
      for (let e = 0; e < 7; e++) ty[e] = tys[e];
      this.y2[g] = y2;
    }
  }

  /** The sums over the segments from..to-1 (0, 1, 2). */
  over(from: number, to: number): MomentSums {
    const s: number[] = new Array(13).fill(0);
    const ty: number[] = new Array(7).fill(0);
    let y2 = 0;
    let n = 0;
    for (let g = from; g < to; g++) {
      for (let e = 0; e < 13; e++) s[e] += this.s[g][e];
      for (let e = 0; e < 7; e++) ty[e] += this.ty[g][e];
      y2 += this.y2[g];
      n += this.count[g];
    }
    return { s, ty, y2, n };
  }
}

/** Σ(y − c·φ)² over a segment from its sums (never below zero: the identity loses a little to rounding). */
export function polynomialSse(c: ArrayLike<number>, k: number, sums: Omit<MomentSums, 'n'>): number {
  let cross = 0;
  let quad = 0;
  for (let i = 0; i < k; i++) {
    cross += c[i] * sums.ty[i];
    for (let j = 0; j < k; j++) quad += c[i] * c[j] * sums.s[i + j];
  }
  return Math.max(0, sums.y2 - 2 * cross + quad);
}

/** The normal equations' matrix (row-major) of a polynomial with k coefficients, from the power sums. */
function normalMatrix(sums: MomentSums, k: number): number[] {
  const a: number[] = new Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) a[i * k + j] = sums.s[i + j];
  return a;
}

/**
 * The coefficients alone of a polynomial of `degree` fitted on the sums (null where polynomialFromSums is null): what a
 * hold-out fold needs, its error being polynomialSse on the test segment's sums. No curve is built for the 12 folds.
 */
export function polynomialCoefficients(sums: MomentSums, degree: number): number[] | null {
  const k = degree + 1;
  if (sums.n < k + 3) return null;
  return solveSymmetric(normalMatrix(sums, k), sums.ty, k, false)?.c ?? null;
}

/** A polynomial of `degree` in x from the sums of its segments, with its band's leverage. */
export function polynomialFromSums(p: Prepared, sums: MomentSums, degree: number): FittedCurve | null {
  const k = degree + 1;
  if (sums.n < k + 3) return null;
  const solved = solveSymmetric(normalMatrix(sums, k), sums.ty, k);
  if (!solved) return null;
  const { c, inv } = solved;
  const dof = sums.n - k;
  const sigma = Math.sqrt(polynomialSse(c, k, sums) / dof);
  const basis: number[] = new Array(k).fill(0);
  const mean = (t: number) => {
    const xv = xOf(p, t);
    let m = c[k - 1];
    for (let e = k - 2; e >= 0; e--) m = m * xv + c[e];
    return m;
  };
  return {
    kind: degree === 1 ? 'linear' : (`polynomial${degree}` as FitKind),
    params: k,
    logSpace: false,
    dof,
    sigma,
    mean,
    squaredResiduals(ts, vs) {
      const { centre, scale } = p;
      let ss = 0;
      for (let i = 0; i < ts.length; i++) {
        const xv = xOf(p, ts[i]);
        let m = c[k - 1];
        for (let e = k - 2; e >= 0; e--) m = m * xv + c[e];
        ss += ((vs[i] - centre) / scale - m) ** 2;
      }
      return ss;
    },
    line:
      degree === 1
        ? { variable: 'x', a: c[0], b: c[1], l0: inv[0], l1: inv[1] + inv[2], l2: inv[3] }
        : undefined,
    at(t) {
      const out = new Float64Array(2);
      this.atInto(t, out);
      return { m: out[0], lev: out[1] };
    },
    atInto(t, out) {
      const xv = xOf(p, t);
      let pw = 1;
      for (let e = 0; e < k; e++) {
        basis[e] = pw;
        pw *= xv;
      }
      let m = c[k - 1];
      for (let e = k - 2; e >= 0; e--) m = m * xv + c[e];
      let lev = 0;
      for (let i = 0; i < k; i++) {
        let row = 0;
        for (let j = 0; j < k; j++) row += inv[i * k + j] * basis[j];
        lev += basis[i] * row;
      }
      out[0] = m;
      out[1] = lev;
    },
  };
}

/** Sums of a straight line r = a + b·f per segment: n, Σf, Σr, Σf², Σfr, Σr². */
export class LineSums {
  readonly sums: Float64Array[];
  constructor(f: Float64Array, r: Float64Array, seg: Segments) {
    const bounds = [0, seg.a, seg.b, seg.n];
    this.sums = [];
    for (let g = 0; g < 3; g++) {
      let n = 0;
      let sf = 0;
      let sr = 0;
      let sff = 0;
      let sfr = 0;
      let srr = 0;
      for (let i = bounds[g]; i < bounds[g + 1]; i++) {
        const fi = f[i];
        const ri = r[i];
        n++;
        sf += fi;
        sr += ri;
        sff += fi * fi;
        sfr += fi * ri;
        srr += ri * ri;
      }
      this.sums.push(Float64Array.of(n, sf, sr, sff, sfr, srr));
    }
  }
  over(from: number, to: number): Float64Array {
    const out = new Float64Array(6);
    for (let g = from; g < to; g++) for (let e = 0; e < 6; e++) out[e] += this.sums[g][e];
    return out;
  }
}

/** Σ(r − a − b·f)² over a segment from its sums. */
export function lineSse(a: number, b: number, s: Float64Array): number {
  // Indexed, not destructured: destructuring a typed array walks its iterator.
  const n = s[0];
  const sf = s[1];
  const sr = s[2];
  const sff = s[3];
  const sfr = s[4];
  const srr = s[5];
  return Math.max(0, srr - 2 * a * sr - 2 * b * sfr + a * a * n + 2 * a * b * sf + b * b * sff);
}

/**
 * The least-squares line r = a + b·f from its sums, with f's mean and Σ(f − mf)²: null with fewer than 5 samples, no
 * spread in f or no finite answer (where lineFromSums is null). A hold-out fold needs a and b alone.
 */
export function lineCoefficients(s: Float64Array): { a: number; b: number; mf: number; cff: number } | null {
  const n = s[0];
  const sf = s[1];
  const sr = s[2];
  const sff = s[3];
  const sfr = s[4];
  if (n < 5) return null;
  const mf = sf / n;
  const cff = sff - sf * mf;
  if (!(cff > 1e-12 * Math.max(1, sff))) return null;
  const b = (sfr - sf * (sr / n)) / cff;
  const a = sr / n - b * mf;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return null;
  return { a, b, mf, cff };
}

/**
 * exponential (ln v linear in t), logarithmic (v linear in ln t) and power (ln v linear in ln t), from the sums of
 * their training segments; a and b answered too, for the hold-out error.
 */
export function lineFromSums(
  p: Prepared,
  s: Float64Array,
  kind: 'exponential' | 'logarithmic' | 'power',
): (FittedCurve & { a: number; b: number }) | null {
  const line = lineCoefficients(s);
  if (!line) return null;
  const { a, b, mf, cff } = line;
  const n = s[0];
  const sigma = Math.sqrt(lineSse(a, b, s) / (n - 2));
  const variable = kind === 'exponential' ? 'x' : 'lu';
  const fOf = variable === 'x' ? (t: number) => xOf(p, t) : (t: number) => luOf(p, t);
  return {
    kind,
    params: 2,
    logSpace: kind !== 'logarithmic',
    dof: n - 2,
    sigma,
    a,
    b,
    mean: (t) => a + b * fOf(t),
    squaredResiduals(ts, vs) {
      const { centre, scale, top } = p;
      let ss = 0;
      if (kind === 'exponential')
        for (let i = 0; i < ts.length; i++) ss += (Math.log(vs[i] / top) - (a + b * xOf(p, ts[i]))) ** 2;
      else if (kind === 'power')
        for (let i = 0; i < ts.length; i++) ss += (Math.log(vs[i] / top) - (a + b * luOf(p, ts[i]))) ** 2;
      else
        for (let i = 0; i < ts.length; i++) ss += ((vs[i] - centre) / scale - (a + b * luOf(p, ts[i]))) ** 2;
      return ss;
    },
    // (f − mf)²/cff + 1/n, expanded.
    line: { variable, a, b, l0: 1 / n + (mf * mf) / cff, l1: (-2 * mf) / cff, l2: 1 / cff },
    at(t) {
      const fv = fOf(t);
      const d = fv - mf;
      return { m: a + b * fv, lev: 1 / n + (d * d) / cff };
    },
    atInto(t, out) {
      const fv = fOf(t);
      const d = fv - mf;
      out[0] = a + b * fv;
      out[1] = 1 / n + (d * d) / cff;
    },
  };
}

/** How many bins a season's phase has: one per sample spacing, 4 to 168. */
export function seasonBinCount(p: Prepared, seasonMs: number): number {
  return Math.max(4, Math.min(168, Math.round(seasonMs / p.stepMs)));
}

/** The time phases are counted from: a whole number of seasons before the first sample. */
export function seasonBase(p: Prepared, seasonMs: number): number {
  return Math.floor(p.t[0] / seasonMs) * seasonMs;
}

/** The bin of time t's phase: a division and a floor, not a remainder of 1e12 (seasonBins' and the F-test's). */
export function phaseBin(t: number, base: number, seasonMs: number, bins: number): number {
  const turns = (t - base) / seasonMs;
  const k = Math.floor((turns - Math.floor(turns)) * bins);
  return k >= 0 && k < bins ? k : 0;
}

/** Each sample's bin of the season's phase, and how many bins. */
export function seasonBins(p: Prepared, seasonMs: number): { bin: Int32Array; bins: number } {
  const bins = seasonBinCount(p, seasonMs);
  const bin = new Int32Array(p.n);
  const base = seasonBase(p, seasonMs);
  for (let i = 0; i < p.n; i++) bin[i] = phaseBin(p.t[i], base, seasonMs, bins);
  return { bin, bins };
}

/**
 * A linear trend plus a profile over the season's phase (one mean per bin; the trend refitted on the deseasonalised
 * values): the classical decomposition, cheap and stable, for series with a daily or weekly rhythm. On [0, hi).
 */
export function fitSeasonal(
  p: Prepared,
  hi: number,
  seasonMs: number,
  season: { bin: Int32Array; bins: number },
): (FittedCurve & { sseFrom(lo: number): number; fitted(): Float64Array }) | null {
  const { bin, bins } = season;
  if (!(seasonMs > 0) || p.t[hi - 1] - p.t[0] < 1.5 * seasonMs || hi < 2 * bins) return null;
  const { x, yn } = p;
  const profile: number[] = new Array(bins).fill(0);
  const count: number[] = new Array(bins).fill(0);
  let a = 0;
  let b = 0;
  let sx = 0;
  let sx2 = 0;
  for (let i = 0; i < hi; i++) {
    count[bin[i]]++;
    sx += x[i];
    sx2 += x[i] * x[i];
  }
  const mx = sx / hi;
  const sxx = sx2 - sx * mx;
  if (!(sxx > 1e-12 * sx2)) return null;
  const sums: number[] = new Array(bins).fill(0);
  for (let round = 0; round < 2; round++) {
    // The trend on the values less the profile (the profile is zero on the first round).
    let my = 0;
    let sxy = 0;
    for (let i = 0; i < hi; i++) {
      const r = yn[i] - profile[bin[i]];
      my += r;
      sxy += (x[i] - mx) * r;
    }
    my /= hi;
    b = sxy / sxx;
    a = my - b * mx;
    sums.fill(0);
    for (let i = 0; i < hi; i++) sums[bin[i]] += yn[i] - a - b * x[i];
    let total = 0;
    for (let k = 0; k < bins; k++) {
      profile[k] = count[k] > 0 ? sums[k] / count[k] : 0;
      total += profile[k] * count[k];
    }
    // Centred, so that the trend carries the level.
    for (let k = 0; k < bins; k++) if (count[k] > 0) profile[k] -= total / hi;
  }
  let sse = 0;
  let used = 0;
  let lo = Number.POSITIVE_INFINITY;
  let top = Number.NEGATIVE_INFINITY;
  let sparse = 0;
  for (let k = 0; k < bins; k++) {
    if (count[k] === 0) continue;
    used++;
    lo = Math.min(lo, profile[k]);
    top = Math.max(top, profile[k]);
    sparse = Math.max(sparse, 1 / count[k]);
  }
  for (let i = 0; i < hi; i++) {
    const e = yn[i] - a - b * x[i] - profile[bin[i]];
    sse += e * e;
  }
  const dof = hi - 2 - used;
  if (dof < 2 || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  const binOf = (tv: number) => {
    // tv mod seasonMs by a floor (a remainder is a slow library call; the band's spread asks this of every sample),
    // the remainder where rounding puts the floor's answer outside [0, seasonMs).
    let phase = tv - Math.floor(tv / seasonMs) * seasonMs;
    if (!(phase >= 0 && phase < seasonMs)) phase = ((tv % seasonMs) + seasonMs) % seasonMs;
    const k = Math.floor((phase / seasonMs) * bins);
    return k >= 0 && k < bins ? k : 0;
  };
  const leverage = (xv: number, k: number) => {
    const d = xv - mx;
    return 1 / hi + (d * d) / sxx + (count[k] > 0 ? 1 / count[k] : 1);
  };
  return {
    kind: 'seasonal',
    params: 2 + used,
    logSpace: false,
    dof,
    sigma: Math.sqrt(sse / dof),
    seasonMs,
    sseFrom(lo) {
      let ss = 0;
      for (let i = lo; i < p.n; i++) ss += (yn[i] - (a + b * x[i] + profile[bin[i]])) ** 2;
      return ss;
    },
    fitted() {
      const out = new Float64Array(p.n);
      for (let i = 0; i < p.n; i++) out[i] = a + b * x[i] + profile[bin[i]];
      return out;
    },
    mean: (tv) => a + b * xOf(p, tv) + profile[binOf(tv)],
    squaredResiduals(ts, vs) {
      const { centre, scale } = p;
      let ss = 0;
      for (let i = 0; i < ts.length; i++) {
        const tv = ts[i];
        ss += ((vs[i] - centre) / scale - (a + b * xOf(p, tv) + profile[binOf(tv)])) ** 2;
      }
      return ss;
    },
    at(tv) {
      const xv = xOf(p, tv);
      const k = binOf(tv);
      return { m: a + b * xv + profile[k], lev: leverage(xv, k) };
    },
    atInto(tv, out) {
      const xv = xOf(p, tv);
      const k = binOf(tv);
      out[0] = a + b * xv + profile[k];
      out[1] = leverage(xv, k);
    },
    envelopeInto(t0, t1, out) {
      const x0 = xOf(p, t0);
      const x1 = xOf(p, t1);
      const far = Math.max(Math.abs(x0 - mx), Math.abs(x1 - mx));
      const trendLo = a + b * Math.min(x0, x1);
      const trendHi = a + b * Math.max(x0, x1);
      out[0] = Math.min(trendLo, trendHi) + Math.min(0, lo);
      out[1] = Math.max(trendLo, trendHi) + Math.max(0, top);
      out[2] = 1 / hi + (far * far) / sxx + Math.max(1, sparse);
    },
  };
}

/** The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9). */
export function normalQuantile(q: number): number {
  if (q <= 0) return Number.NEGATIVE_INFINITY;
  if (q >= 1) return Number.POSITIVE_INFINITY;
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (q < low) {
    const r = Math.sqrt(-2 * Math.log(q));
    return (
      (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) /
      ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1)
    );
  }
  if (q > 1 - low) return -normalQuantile(1 - q);
  const r = q - 0.5;
  const s = r * r;
  return (
    ((((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r) /
    (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1)
  );
}

/** Student's t quantile for ν degrees of freedom (Cornish–Fisher expansion about the normal; exact enough for ν ≥ 3). */
export function studentQuantile(q: number, dof: number): number {
  const z = normalQuantile(q);
  if (!Number.isFinite(z) || dof > 1e6) return z;
  const v = Math.max(1, dof);
  const z3 = z * z * z;
  const z5 = z3 * z * z;
  return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v);
}
