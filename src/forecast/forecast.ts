// Forecasts of one series: every applicable curve (curve-fits.ts) is fitted on the older part of the history and
// judged by its error on the newer part (two rolling origins, at 70 % and 85 % of the samples); the best — the
// simplest within 5 % of the best error — is refitted on all of it. Its band is the regression's prediction interval
// (residual spread × √(1 + leverage)), which widens as the horizon leaves the data. Pure and allocation-light: the
// capacity report and PromQL's forecast()/timeleft() call it per series.
import {
  type CurveLine,
  type FitKind,
  type FittedCurve,
  fitKinds,
  fitSeasonal,
  LineSums,
  lineCoefficients,
  lineFromSums,
  lineSse,
  maxSpans,
  PolynomialSums,
  type Prepared,
  phaseBin,
  polynomialCoefficients,
  polynomialFromSums,
  polynomialSse,
  prepare,
  prepareSamples,
  seasonBase,
  seasonBinCount,
  seasonBins,
  studentQuantile,
} from './curve-fits.js';

export type { FitKind } from './curve-fits.js';
export { fitKinds } from './curve-fits.js';

export interface Forecast {
  fit: FitKind;
  predict(t: number): { value: number; lower: number; upper: number };
  /**
   * The first time ≥ from the forecast reaches threshold from the side it is on at `from` (below it: reaches or
   * exceeds it, so in the direction of a trend towards it; above it: reaches or drops below it), with the band's
   * crossings: earliest where the band's leading edge does (`from` when it already has), latest where its trailing
   * edge does (+Infinity when that edge never does within the horizon). Null when the forecast does not reach it
   * within maxHorizonMs (default 365 days). As Zabbix's timeleft, a forecast already past the threshold looks for its
   * next crossing: whether a value is over a limit now is for the value itself to say.
   */
  timeLeft(
    threshold: number,
    from: number,
    maxHorizonMs?: number,
  ): { at: number; earliest: number; latest: number } | null;
  /** The chosen fit's out-of-sample root-mean-square error, in the series' unit (in-sample when too few samples). */
  error: number;
}

export interface ForecastOptions {
  /** The fits to consider (default all that apply). */
  fits?: FitKind[];
  /** The seasonal fit's season (default: a day, and a week, whichever fits better; each needs 2 seasons of history). */
  seasonMs?: number;
  /** The band's coverage, e.g. 0.95 (default), clamped to [0.5, 0.9999]. */
  level?: number;
  /**
   * How timeLeft finds the crossings of a curve that is a line in one variable (linear, exponential, logarithmic,
   * power): 'solve' (default) from the roots of its equation, 'scan' by the grid scan every other curve takes. The
   * two agree to the millisecond; the scan is kept as the reference the tests compare against.
   */
  crossings?: 'solve' | 'scan';
}

export const dayMs = 86_400_000;
export const weekMs = 7 * dayMs;
export const defaultMaxHorizonMs = 365 * dayMs;
/** Fewer samples than this: no hold-out, a line (or a level) fitted on all of them. */
const minForSelection = 12;
/** A fit must beat a simpler one by this much (and by a millionth of the range: rounding) to be chosen over it. */
const parsimony = 0.05;

/** A level (the mean) with the samples' spread: what a forecast is when nothing else fits. */
function flat(p: Prepared): FittedCurve {
  let mean = 0;
  for (let i = 0; i < p.n; i++) mean += p.yn[i];
  mean /= p.n;
  let ss = 0;
  for (let i = 0; i < p.n; i++) ss += (p.yn[i] - mean) ** 2;
  return {
    kind: 'linear',
    params: 1,
    logSpace: false,
    dof: p.n - 1,
    sigma: Math.sqrt(ss / (p.n - 1)),
    at: () => ({ m: mean, lev: 1 / p.n }),
    atInto: (_t, out) => {
      out[0] = mean;
      out[1] = 1 / p.n;
    },
    mean: () => mean,
    squaredResiduals(ts, vs) {
      let ss = 0;
      for (let i = 0; i < ts.length; i++) ss += ((vs[i] - p.centre) / p.scale - mean) ** 2;
      return ss;
    },
  };
}

/**
 * Whether the means of a fit's residuals per phase bin explain enough of them to matter: F = (between-bin sum of
 * squares / (bins − 1)) / (what is left / its degrees of freedom), against a bound near the 1 % point of F. The fit is
 * the line c0 + c1·x, or the values `fitted` when given. Each sample's bin is found as the pass reads it: most series
 * fail the test, and are spared the array of bins (and the line's values) that a seasonal fit needs.
 */
function seasonalProfileMatters(
  p: Prepared,
  seasonMs: number,
  c0: number,
  c1: number,
  fitted: Float64Array | null,
): boolean {
  const bins = seasonBinCount(p, seasonMs);
  const base = seasonBase(p, seasonMs);
  const sums: number[] = new Array(bins).fill(0);
  const counts: number[] = new Array(bins).fill(0);
  let sse = 0;
  for (let i = 0; i < p.n; i++) {
    const r = p.yn[i] - (fitted ? fitted[i] : c0 + c1 * p.x[i]);
    const k = phaseBin(p.t[i], base, seasonMs, bins);
    sums[k] += r;
    counts[k]++;
    sse += r * r;
  }
  let between = 0;
  let used = 0;
  for (let k = 0; k < bins; k++) {
    if (counts[k] === 0) continue;
    used++;
    between += (sums[k] * sums[k]) / counts[k];
  }
  const dof = p.n - 2 - used;
  if (used < 2 || dof < 2) return false;
  const left = sse - between;
  if (!(left > 0)) return between > 0;
  const f = between / (used - 1) / (left / dof);
  return f > 1 + 5 / Math.sqrt(used - 1);
}

/** A fit tried: its mean error over the folds (yn units, RMSE), its size, and how to refit it on everything. */
interface Scored {
  error: number;
  params: number;
  refit(): FittedCurve | null;
}

/** Hold-out RMSE of a curve in log space (exponential, power) over [lo, n), measured on the value. */
function logLineError(p: Prepared, f: Float64Array, a: number, b: number, lo: number): number {
  const topN = p.top / p.scale;
  const centreN = p.centre / p.scale;
  let ss = 0;
  for (let i = lo; i < p.n; i++) {
    const e = p.yn[i] - (topN * Math.exp(a + b * f[i]) - centreN);
    ss += e * e;
  }
  return Math.sqrt(ss / (p.n - lo));
}

function scoreAll(p: Prepared, wanted: readonly FitKind[], seasons: number[]): Scored[] {
  const seg = { a: Math.round(p.n * 0.7), b: Math.round(p.n * 0.85), n: p.n };
  const folds = [
    { train: [0, 1], test: [1, 3], lo: seg.a },
    { train: [0, 2], test: [2, 3], lo: seg.b },
  ] as const;
  const out: Scored[] = [];
  const rmse = (sse: number, count: number) => Math.sqrt(sse / count);
  const degrees = wanted
    .filter((k) => k === 'linear' || k.startsWith('polynomial'))
    .map((k) => (k === 'linear' ? 1 : Number(k.slice(10))));
  const sums = new PolynomialSums(p, seg);
  const all = sums.over(0, 3);
  // Each fold's training and test sums, added up once for every degree.
  const foldSums = folds.map((f) => ({
    train: sums.over(f.train[0], f.train[1]),
    test: sums.over(f.test[0], f.test[1]),
  }));
  for (const degree of degrees) {
    let error = 0;
    let ok = true;
    for (let i = 0; i < folds.length; i++) {
      const c = polynomialCoefficients(foldSums[i].train, degree);
      if (!c) {
        ok = false;
        break;
      }
      error += rmse(polynomialSse(c, degree + 1, foldSums[i].test), p.n - folds[i].lo) / folds.length;
    }
    if (ok) out.push({ error, params: degree + 1, refit: () => polynomialFromSums(p, all, degree) });
  }
  for (const kind of ['exponential', 'logarithmic', 'power'] as const) {
    if (!wanted.includes(kind)) continue;
    const r = kind === 'logarithmic' ? p.yn : p.ly;
    if (!r) continue;
    const f = kind === 'exponential' ? p.x : p.lu;
    const sums = new LineSums(f, r, seg);
    let error = 0;
    let ok = true;
    for (const fold of folds) {
      const curve = lineCoefficients(sums.over(fold.train[0], fold.train[1]));
      if (!curve) {
        ok = false;
        break;
      }
      error +=
        (kind === 'logarithmic'
          ? rmse(lineSse(curve.a, curve.b, sums.over(fold.test[0], fold.test[1])), p.n - fold.lo)
          : logLineError(p, f, curve.a, curve.b, fold.lo)) / folds.length;
    }
    const all = sums.over(0, 3);
    if (ok) out.push({ error, params: 2, refit: () => lineFromSums(p, all, kind) });
  }
  if (wanted.includes('seasonal')) {
    const line = polynomialCoefficients(all, 1);
    let before: Float64Array | null = null;
    for (const seasonMs of seasons) {
      // The seasonal model is for histories of two seasons or more, whose profile explains significantly more than
      // the trend alone (an F-test on the line's residuals) — and a second season more than the first (a weekly
      // profile holds the daily one): most series have none, and are spared the folds.
      if (!line || p.t[p.n - 1] - p.t[0] < 2 * seasonMs) continue;
      const [c0, c1] = line;
      if (!seasonalProfileMatters(p, seasonMs, c0, c1, before)) continue;
      const bins = seasonBins(p, seasonMs);
      const full = fitSeasonal(p, p.n, seasonMs, bins);
      if (!full) continue;
      before = full.fitted();
      let error = 0;
      let params = 0;
      let ok = true;
      for (const fold of folds) {
        const curve = fitSeasonal(p, fold.lo, seasonMs, bins);
        if (!curve) {
          ok = false;
          break;
        }
        params = curve.params;
        error += rmse(curve.sseFrom(fold.lo), p.n - fold.lo) / folds.length;
      }
      if (ok) out.push({ error, params, refit: () => full });
    }
  }
  return out.filter((s) => Number.isFinite(s.error));
}

export function forecastSeries(
  points: readonly { t: number; v: number }[],
  options?: ForecastOptions,
): Forecast | null {
  const p = prepare(points);
  return p ? forecastPrepared(p, options) : null;
}

/** forecastSeries from parallel arrays of times and values (PromQL's windows, the capacity report's series). */
export function forecastSamples(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  options?: ForecastOptions,
): Forecast | null {
  const p = prepareSamples(timestamps, values);
  return p ? forecastPrepared(p, options) : null;
}

function forecastPrepared(p: Prepared, options?: ForecastOptions): Forecast | null {
  const wanted = options?.fits ?? fitKinds;
  const seasons = options?.seasonMs !== undefined ? [options.seasonMs] : [dayMs, weekMs];
  let chosen: { curve: FittedCurve; error: number } | null = null;
  if (p.n >= minForSelection) {
    const scored = scoreAll(p, wanted, seasons);
    let best = Number.POSITIVE_INFINITY;
    for (const s of scored) best = Math.min(best, s.error);
    const near = scored.filter((s) => s.error <= best * (1 + parsimony) + 1e-6);
    near.sort((a, b) => a.params - b.params || a.error - b.error);
    for (const s of near) {
      const curve = s.refit();
      if (curve) {
        chosen = { curve, error: s.error };
        break;
      }
    }
  }
  if (!chosen) {
    // Too few samples to hold any out, or none of the requested fits applies.
    if (options?.fits && !options.fits.includes('linear')) return null;
    const all =
      p.n >= 5 ? polynomialFromSums(p, new PolynomialSums(p, { a: 0, b: 0, n: p.n }).over(0, 3), 1) : null;
    const curve = all ?? flat(p);
    chosen = { curve, error: curve.sigma };
  }
  return makeForecast(p, chosen.curve, chosen.error * p.scale, options);
}

/** The spread of new samples about the curve: of the raw samples when the fit saw slice means, else the fit's own. */
function sampleSpread(p: Prepared, curve: FittedCurve): number {
  if (!p.raw) return curve.sigma;
  // Each sample in the curve's own space (as prepare scales the fitted points), against the curve's mean there.
  if (curve.logSpace && !p.ly) return curve.sigma;
  const ss = curve.squaredResiduals(p.raw.t, p.raw.v);
  const spread = Math.sqrt(ss / Math.max(1, p.raw.t.length - curve.params));
  return Number.isFinite(spread) ? spread : curve.sigma;
}

function makeForecast(p: Prepared, curve: FittedCurve, error: number, options?: ForecastOptions): Forecast {
  const level = Math.min(0.9999, Math.max(0.5, options?.level ?? 0.95));
  const q = studentQuantile(1 - (1 - level) / 2, curve.dof);
  const { centre, scale, top } = p;
  const spread = sampleSpread(p, curve);
  const fitSpread = curve.sigma;
  /** The standard error of a new sample: its own spread and the fit's uncertainty there (never NaN). */
  const seOf = (lev: number) => {
    const v = Math.sqrt(spread * spread + fitSpread * fitSpread * Math.max(0, lev));
    return Number.isNaN(v) ? Number.POSITIVE_INFINITY : v;
  };
  const band = (m: number, se: number) => {
    if (curve.logSpace)
      return {
        value: top * Math.exp(m),
        lower: top * Math.exp(m - q * se),
        upper: top * Math.exp(m + q * se),
      };
    const w = se === 0 ? 0 : q * se;
    return { value: centre + scale * m, lower: centre + scale * (m - w), upper: centre + scale * (m + w) };
  };
  const predict = (t: number) => {
    const { m, lev } = curve.at(t);
    return band(m, seOf(lev));
  };
  return {
    fit: curve.kind,
    error: Number.isFinite(error) ? error : Number.MAX_VALUE,
    predict,
    timeLeft(threshold, from, maxHorizonMs = defaultMaxHorizonMs) {
      if (!Number.isFinite(threshold) || !Number.isFinite(from) || !(maxHorizonMs >= 0)) return null;
      const start = predict(from).value;
      if (start === threshold) return { at: from, earliest: from, latest: from };
      // Reached from the side the forecast is on now, as Zabbix's timeleft: past it, the next crossing counts.
      const up = start < threshold;
      const horizon = Math.min(maxHorizonMs, Number.MAX_VALUE / 4);
      const over = (v: number) => (up ? v >= threshold : v <= threshold);
      const found = [Number.NaN, Number.NaN, Number.NaN];
      const sign = up ? 1 : -1;
      /**
       * Whether the mean (k = 0), the leading (1: the upper edge going up, else the lower) or the trailing edge (2) is
       * over where the curve's mean is m and a new sample's standard error se: the operations of band(m, se), unboxed.
       */
      const overWith = (k: number, m: number, se: number) => {
        if (k === 0) return over(curve.logSpace ? top * Math.exp(m) : centre + scale * m);
        const e = k === 1 ? sign : -sign;
        if (curve.logSpace) return over(top * Math.exp(m + e * q * se));
        const w = se === 0 ? 0 : q * se;
        return over(centre + scale * (m + e * w));
      };
      const ml = new Float64Array(2);
      /** Whether edge k is over at t (what predict(t) answers, unboxed). */
      const overAt = (k: number, t: number) => {
        curve.atInto(t, ml);
        return overWith(k, ml[0], seOf(ml[1]));
      };
      /** The first time in [lo, hi] edge k is over, by halves to the millisecond, where lo is not and hi is. */
      const bisect = (k: number, lo: number, hi: number) => {
        for (let n = 0; n < 60 && hi - lo > 1; n++) {
          const mid = lo / 2 + hi / 2;
          if (overAt(k, mid)) hi = mid;
          else lo = mid;
        }
        return hi;
      };
      /**
       * A line's crossings: where the mean (a + b·f) or an edge (the mean ± q·se, se² = spread² + fitSpread²·lev,
       * lev quadratic in f) meets the threshold is a root of a quadratic in f. Between consecutive roots each stays
       * on one side, so one value per stretch tells where it first is over, and halving that stretch finds the time
       * to the millisecond as the scan does. False (scan instead) where the variable is clamped or the threshold has
       * no value in the curve's space.
       */
      const solveLine = (l: CurveLine, t0: number, t1: number): boolean => {
        const byX = l.variable === 'x';
        const fOf = (t: number) => (byX ? (t - p.tMid) / p.halfSpan : Math.log((t - p.tOrigin) / p.span));
        const tOf = (f: number) => (byX ? p.tMid + f * p.halfSpan : p.tOrigin + p.span * Math.exp(f));
        if (byX) {
          if (!(Math.abs(fOf(t0)) < maxSpans && Math.abs(fOf(t1)) < maxSpans)) return false;
        } else {
          const u0 = (t0 - p.tOrigin) / p.span;
          const u1 = (t1 - p.tOrigin) / p.span;
          if (!(u0 > p.stepMs / p.span / 2 && u1 < maxSpans)) return false;
        }
        if (curve.logSpace && !(threshold > 0)) return false;
        const mT = curve.logSpace ? Math.log(threshold / top) : (threshold - centre) / scale;
        const f0 = fOf(t0);
        const f1 = fOf(t1);
        if (!Number.isFinite(mT) || !Number.isFinite(f0) || !Number.isFinite(f1)) return false;
        // D(f) = s·(a + b·f − mT), s the direction: ≥ 0 where the mean is over; the edges are D ± q·se.
        const s = up ? 1 : -1;
        const d0 = s * (l.a - mT);
        const d1 = s * l.b;
        const qq = q * q;
        const qf = qq * fitSpread * fitSpread;
        // D² = q²·se²: (d1² − qf·l2)·f² + (2·d0·d1 − qf·l1)·f + d0² − q²·spread² − qf·l0 = 0.
        const edgeRoots = quadraticRoots(
          d1 * d1 - qf * l.l2,
          2 * d0 * d1 - qf * l.l1,
          d0 * d0 - qq * spread * spread - qf * l.l0,
        );
        const meanRoots = d1 !== 0 ? [-d0 / d1] : [];
        for (let k = 0; k < 3; k++) {
          const cuts = (k === 0 ? meanRoots : edgeRoots)
            .filter((f) => f > f0 && f < f1)
            .map(tOf)
            .filter((t) => t > t0 && t < t1)
            .sort((a, b) => a - b);
          // Probes: the start, the middle of each stretch between roots, the end.
          const bounds = [t0, ...cuts, t1];
          let prev = t0;
          if (overAt(k, t0)) {
            found[k] = t0;
            continue;
          }
          for (let i = 1; i < bounds.length && Number.isNaN(found[k]); i++) {
            const probes =
              i === bounds.length - 1
                ? [bounds[i - 1] / 2 + bounds[i] / 2, t1]
                : [bounds[i - 1] / 2 + bounds[i] / 2];
            for (const t of probes) {
              if (overAt(k, t)) {
                found[k] = bisect(k, prev, t);
                break;
              }
              prev = t;
            }
          }
          if (k === 0 && Number.isNaN(found[0])) return true;
        }
        return true;
      };
      /** Scans [t0, t1] in `count` steps for the crossings not found yet, bisecting each to the millisecond. */
      const scan = (t0: number, t1: number, count: number) => {
        let prev = t0;
        for (let i = 0; i <= count; i++) {
          const t = i === count ? t1 : t0 + ((t1 - t0) * i) / count;
          // The curve once per probe for all three (a bisection below overwrites ml: hence the copies).
          curve.atInto(t, ml);
          const m = ml[0];
          const se = seOf(ml[1]);
          let pending = false;
          for (let k = 0; k < 3; k++) {
            if (!Number.isNaN(found[k])) continue;
            if (overWith(k, m, se)) found[k] = i === 0 ? t0 : bisect(k, prev, t);
            else pending = true;
          }
          if (!pending) return;
          prev = t;
        }
      };
      const line = options?.crossings === 'scan' ? undefined : curve.line;
      const envelopeInto = curve.envelopeInto;
      if (line && solveLine(line, from, from + horizon)) {
        // Solved: found holds each crossing (or NaN).
      } else if (envelopeInto && curve.seasonMs) {
        // A seasonal forecast may cross at a daily peak: season by season, scan finely only where the bounds of
        // its trend, profile and band allow a crossing (a year of a daily season is 365 cheap checks).
        const season = curve.seasonMs;
        const fine = Math.max(48, Math.ceil(season / Math.min(p.stepMs, season / 48)));
        const e = new Float64Array(3);
        const narrowest = seOf(0);
        for (let t0 = from; t0 < from + horizon && Number.isNaN(found[2]); t0 += season) {
          const t1 = Math.min(from + horizon, t0 + season);
          envelopeInto(t0, t1, e);
          const m = up ? e[1] : e[0];
          // The bound of each: the mean's extreme; the leading edge's at the widest band, the trailing at the narrowest.
          // (Each found crossing skips its bound; nothing is allocated per season.)
          if (
            (Number.isNaN(found[0]) && overWith(0, m, 0)) ||
            (Number.isNaN(found[1]) && overWith(1, m, seOf(e[2]))) ||
            (Number.isNaN(found[2]) && overWith(2, m, narrowest))
          )
            scan(t0, t1, fine);
        }
      } else scan(from, from + horizon, 1000);
      if (Number.isNaN(found[0])) return null;
      const at = found[0];
      return {
        at,
        earliest: Number.isNaN(found[1]) ? at : Math.min(at, found[1]),
        latest: Number.isNaN(found[2]) ? Number.POSITIVE_INFINITY : Math.max(at, found[2]),
      };
    },
  };
}

/** The real roots of a·f² + b·f + c = 0 (of b·f + c = 0 when a vanishes beside b), by the stable formula. */
function quadraticRoots(a: number, b: number, c: number): number[] {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return [];
  if (Math.abs(a) <= 1e-12 * Math.abs(b)) return b !== 0 ? [-c / b] : [];
  const disc = b * b - 4 * a * c;
  if (disc < 0) return [];
  const h = -(b + Math.sign(b || 1) * Math.sqrt(disc)) / 2;
  const roots = [h / a];
  if (h !== 0) roots.push(c / h);
  return roots;
}
