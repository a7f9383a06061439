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
 * sample, in spans (the logarithmic and power fits' variable).
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
  /** The mean spacing of the samples. */
  stepMs: number;
}

/** A curve fitted on some of a prepared series: its mean (in yn units) and what a band needs, at a time. */
export interface FittedCurve {
  kind: FitKind;
  params: number;
  /** The mean in yn units (centred and scaled), for comparing fits by their error. */
  meanN(t: number): number;
  /** The mean and the standard error of a new sample, in the curve's own space (yn or ly units). */
  at(t: number): { m: number; se: number };
  /** Whether the curve's own space is the logarithm of the value (exponential and power). */
  logSpace: boolean;
  /** The residual degrees of freedom (for the band's quantile). */
  dof: number;
}

/** Times further than this many spans from the data are answered as at this distance (no overflow, no NaN). */
const maxSpans = 1e6;

export function prepare(points: readonly { t: number; v: number }[]): Prepared | null {
  const kept: { t: number; v: number }[] = [];
  for (const p of points) if (Number.isFinite(p.t) && Number.isFinite(p.v)) kept.push(p);
  let sorted = true;
  for (let i = 1; i < kept.length; i++)
    if (kept[i].t < kept[i - 1].t) {
      sorted = false;
      break;
    }
  if (!sorted) kept.sort((a, b) => a.t - b.t);
  const n = kept.length;
  if (n < 3) return null;
  const t0 = kept[0].t;
  const t1 = kept[n - 1].t;
  // Halves first: t1 − t0 overflows for times near ±1.8e308.
  const halfSpan = t1 / 2 - t0 / 2;
  if (!(halfSpan > 0) || !Number.isFinite(halfSpan)) return null;
  const tMid = t0 / 2 + t1 / 2;
  let min = kept[0].v;
  let max = kept[0].v;
  for (const p of kept) {
    if (p.v < min) min = p.v;
    if (p.v > max) max = p.v;
  }
  const centre = min / 2 + max / 2;
  let scale = max / 2 - min / 2;
  if (!(scale > 0)) scale = Math.abs(centre) > 0 ? Math.abs(centre) : 1;
  const t = new Float64Array(n);
  const x = new Float64Array(n);
  const yn = new Float64Array(n);
  const lu = new Float64Array(n);
  const positive = min > 0;
  const ly = positive ? new Float64Array(n) : null;
  const span = 2 * halfSpan;
  const stepMs = span / (n - 1);
  const tOrigin = t0 - stepMs;
  for (let i = 0; i < n; i++) {
    const p = kept[i];
    t[i] = p.t;
    x[i] = (p.t - tMid) / halfSpan;
    yn[i] = (p.v - centre) / scale;
    lu[i] = Math.log((p.t - tOrigin) / span);
    if (ly) ly[i] = Math.log(p.v / max);
  }
  return { n, t, x, yn, ly, lu, tMid, halfSpan, tOrigin, span, centre, scale, top: max, stepMs };
}

function xOf(p: Prepared, t: number): number {
  const x = (t - p.tMid) / p.halfSpan;
  return x > maxSpans ? maxSpans : x < -maxSpans ? -maxSpans : Number.isNaN(x) ? 0 : x;
}

function luOf(p: Prepared, t: number): number {
  // Before the origin the logarithm has no value: answer as at the first sample's distance, halved.
  const u = (t - p.tOrigin) / p.span;
  const floor = p.stepMs / p.span / 2;
  return Math.log(u > maxSpans ? maxSpans : u > floor ? u : floor);
}

/**
 * Solves the symmetric system A·c = b (A given row-major, size k) by Gaussian elimination with partial pivoting, and
 * answers A⁻¹ too (for the band's leverage); null when A is singular or the answer is not finite.
 */
export function solveSymmetric(
  a: Float64Array,
  b: Float64Array,
  k: number,
): { c: Float64Array; inv: Float64Array } | null {
  const m = new Float64Array(k * 2 * k + k);
  const w = 2 * k + 1;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) m[i * w + j] = a[i * k + j];
    m[i * w + k + i] = 1;
    m[i * w + 2 * k] = b[i];
  }
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
    for (let j = 0; j < w; j++) m[col * w + j] /= pv;
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = m[r * w + col];
      if (f === 0) continue;
      for (let j = 0; j < w; j++) m[r * w + j] -= f * m[col * w + j];
    }
  }
  const c = new Float64Array(k);
  const inv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    c[i] = m[i * w + 2 * k];
    if (!Number.isFinite(c[i])) return null;
    for (let j = 0; j < k; j++) inv[i * k + j] = m[i * w + k + j];
  }
  return { c, inv };
}

function quadratic(inv: Float64Array, v: Float64Array, k: number): number {
  let s = 0;
  for (let i = 0; i < k; i++) {
    let row = 0;
    for (let j = 0; j < k; j++) row += inv[i * k + j] * v[j];
    s += v[i] * row;
  }
  return s;
}

/** A standard error that is never NaN: an overflow (Infinity − Infinity) reads as an unbounded band. */
function seOf(sigma: number, leverage: number): number {
  if (sigma === 0) return 0;
  const v = sigma * Math.sqrt(1 + Math.max(0, leverage));
  return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
}

/** A polynomial of `degree` in x over the samples [0, hi): normal equations from the power sums. */
export function fitPolynomial(p: Prepared, hi: number, degree: number): FittedCurve | null {
  const k = degree + 1;
  if (hi < k + 3) return null;
  const { x, yn } = p;
  const s = new Float64Array(2 * k - 1);
  const ty = new Float64Array(k);
  for (let i = 0; i < hi; i++) {
    const xi = x[i];
    const yi = yn[i];
    let pw = 1;
    for (let e = 0; e < 2 * k - 1; e++) {
      s[e] += pw;
      if (e < k) ty[e] += pw * yi;
      pw *= xi;
    }
  }
  const a = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) a[i * k + j] = s[i + j];
  const solved = solveSymmetric(a, ty, k);
  if (!solved) return null;
  const { c, inv } = solved;
  const horner = (xv: number) => {
    let v = c[k - 1];
    for (let e = k - 2; e >= 0; e--) v = v * xv + c[e];
    return v;
  };
  let sse = 0;
  for (let i = 0; i < hi; i++) {
    const r = yn[i] - horner(x[i]);
    sse += r * r;
  }
  const dof = hi - k;
  const sigma = Math.sqrt(sse / dof);
  const basis = new Float64Array(k);
  return {
    kind: degree === 1 ? 'linear' : (`polynomial${degree}` as FitKind),
    params: k,
    logSpace: false,
    dof,
    meanN: (t) => horner(xOf(p, t)),
    at(t) {
      const xv = xOf(p, t);
      let pw = 1;
      for (let e = 0; e < k; e++) {
        basis[e] = pw;
        pw *= xv;
      }
      return { m: horner(xv), se: seOf(sigma, quadratic(inv, basis, k)) };
    },
  };
}

/** A straight line r = a + b·f over the samples [0, hi), in the fit's own space. */
function fitLine(
  f: Float64Array,
  r: Float64Array,
  hi: number,
): { a: number; b: number; inv: Float64Array; sigma: number } | null {
  if (hi < 5) return null;
  let sf = 0;
  let sr = 0;
  for (let i = 0; i < hi; i++) {
    sf += f[i];
    sr += r[i];
  }
  const mf = sf / hi;
  const mr = sr / hi;
  let sff = 0;
  let sfr = 0;
  for (let i = 0; i < hi; i++) {
    const df = f[i] - mf;
    sff += df * df;
    sfr += df * (r[i] - mr);
  }
  if (!(sff > 0)) return null;
  const b = sfr / sff;
  const a = mr - b * mf;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return null;
  let sse = 0;
  for (let i = 0; i < hi; i++) {
    const e = r[i] - a - b * f[i];
    sse += e * e;
  }
  // The inverse of [[n, Σf], [Σf, Σf²]] expressed through the centred sums: leverage = 1/n + (f − f̄)²/Sff.
  const inv = Float64Array.of(1 / hi, mf, sff);
  return { a, b, inv, sigma: Math.sqrt(sse / (hi - 2)) };
}

/** exponential (ln v linear in t), logarithmic (v linear in ln t) and power (ln v linear in ln t) over [0, hi). */
export function fitTwoParameter(
  p: Prepared,
  hi: number,
  kind: 'exponential' | 'logarithmic' | 'power',
): FittedCurve | null {
  const logSpace = kind !== 'logarithmic';
  const r = logSpace ? p.ly : p.yn;
  if (!r) return null;
  const f = kind === 'exponential' ? p.x : p.lu;
  const line = fitLine(f, r, hi);
  if (!line) return null;
  const { a, b, inv, sigma } = line;
  const fOf = kind === 'exponential' ? (t: number) => xOf(p, t) : (t: number) => luOf(p, t);
  const topN = p.top / p.scale;
  const centreN = p.centre / p.scale;
  return {
    kind,
    params: 2,
    logSpace,
    dof: hi - 2,
    meanN(t) {
      const m = a + b * fOf(t);
      return logSpace ? topN * Math.exp(m) - centreN : m;
    },
    at(t) {
      const fv = fOf(t);
      const d = fv - inv[1];
      return { m: a + b * fv, se: seOf(sigma, inv[0] + (d * d) / inv[2]) };
    },
  };
}

/**
 * A linear trend plus a profile over the season's phase (one mean per bin, the trend refitted on the deseasonalised
 * values twice): the classical decomposition, cheap and stable, for series with a daily or weekly rhythm.
 */
export function fitSeasonal(p: Prepared, hi: number, seasonMs: number): FittedCurve | null {
  const bins = Math.max(4, Math.min(168, Math.round(seasonMs / p.stepMs)));
  if (!(seasonMs > 0) || p.t[hi - 1] - p.t[0] < 1.5 * seasonMs || hi < 2 * bins) return null;
  const { x, yn, t } = p;
  const bin = new Int32Array(hi);
  for (let i = 0; i < hi; i++) {
    const phase = ((t[i] % seasonMs) + seasonMs) % seasonMs;
    bin[i] = Math.min(bins - 1, Math.floor((phase / seasonMs) * bins));
  }
  const profile = new Float64Array(bins);
  const count = new Float64Array(bins);
  for (let i = 0; i < hi; i++) count[bin[i]]++;
  let a = 0;
  let b = 0;
  let mx = 0;
  let sxx = 0;
  for (let i = 0; i < hi; i++) mx += x[i];
  mx /= hi;
  for (let i = 0; i < hi; i++) sxx += (x[i] - mx) * (x[i] - mx);
  if (!(sxx > 0)) return null;
  const sums = new Float64Array(bins);
  for (let round = 0; round < 3; round++) {
    // The trend on the values less the profile (the profile is zero on the first round).
    let my = 0;
    for (let i = 0; i < hi; i++) my += yn[i] - profile[bin[i]];
    my /= hi;
    let sxy = 0;
    for (let i = 0; i < hi; i++) sxy += (x[i] - mx) * (yn[i] - profile[bin[i]] - my);
    b = sxy / sxx;
    a = my - b * mx;
    if (round === 2) break;
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
  for (let k = 0; k < bins; k++) if (count[k] > 0) used++;
  for (let i = 0; i < hi; i++) {
    const e = yn[i] - a - b * x[i] - profile[bin[i]];
    sse += e * e;
  }
  const dof = hi - 2 - used;
  if (dof < 2 || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  const sigma = Math.sqrt(sse / dof);
  const binOf = (tv: number) => {
    const phase = ((tv % seasonMs) + seasonMs) % seasonMs;
    const k = Math.floor((phase / seasonMs) * bins);
    return k >= 0 && k < bins ? k : 0;
  };
  return {
    kind: 'seasonal',
    params: 2 + used,
    logSpace: false,
    dof,
    meanN: (tv) => a + b * xOf(p, tv) + profile[binOf(tv)],
    at(tv) {
      const xv = xOf(p, tv);
      const k = binOf(tv);
      const d = xv - mx;
      const lev = 1 / hi + (d * d) / sxx + (count[k] > 0 ? 1 / count[k] : 1);
      return { m: a + b * xv + profile[k], se: seOf(sigma, lev) };
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
