// Forecasts of one series: every applicable curve (curve-fits.ts) is fitted on the older part of the history and
// judged by its error on the newer part (two rolling origins, at 70 % and 85 % of the samples); the best — the
// simplest within 5 % of the best error — is refitted on all of it. Its band is the regression's prediction interval
// (residual spread × √(1 + leverage)), which widens as the horizon leaves the data. Pure and allocation-light: the
// capacity report and PromQL's forecast()/timeleft() call it per series.
import {
  type FitKind,
  type FittedCurve,
  fitKinds,
  fitPolynomial,
  fitSeasonal,
  fitTwoParameter,
  type Prepared,
  prepare,
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
}

export const dayMs = 86_400_000;
export const weekMs = 7 * dayMs;
export const defaultMaxHorizonMs = 365 * dayMs;
/** Fewer samples than this: no hold-out, a line (or a level) fitted on all of them. */
const minForSelection = 12;
/** A fit must beat a simpler one by this much to be chosen over it. */
const parsimony = 0.05;

interface Candidate {
  kind: FitKind;
  seasonMs?: number;
}

function fitOne(p: Prepared, hi: number, c: Candidate): FittedCurve | null {
  switch (c.kind) {
    case 'linear':
      return fitPolynomial(p, hi, 1);
    case 'polynomial2':
    case 'polynomial3':
    case 'polynomial4':
    case 'polynomial5':
    case 'polynomial6':
      return fitPolynomial(p, hi, Number(c.kind.slice(10)));
    case 'exponential':
    case 'logarithmic':
    case 'power':
      return fitTwoParameter(p, hi, c.kind);
    case 'seasonal':
      return fitSeasonal(p, hi, c.seasonMs ?? dayMs);
  }
}

/** A level (the mean) with the samples' spread: what a forecast is when nothing else fits. */
function flat(p: Prepared): FittedCurve {
  let mean = 0;
  for (let i = 0; i < p.n; i++) mean += p.yn[i];
  mean /= p.n;
  let ss = 0;
  for (let i = 0; i < p.n; i++) ss += (p.yn[i] - mean) ** 2;
  const se = Math.sqrt((ss / (p.n - 1)) * (1 + 1 / p.n));
  return {
    kind: 'linear',
    params: 1,
    logSpace: false,
    dof: p.n - 1,
    meanN: () => mean,
    at: () => ({ m: mean, se }),
  };
}

/** Root-mean-square error (yn units) of a curve on the samples [lo, n). */
function holdoutError(p: Prepared, curve: FittedCurve, lo: number): number {
  let ss = 0;
  for (let i = lo; i < p.n; i++) {
    const e = p.yn[i] - curve.meanN(p.t[i]);
    ss += e * e;
  }
  const rmse = Math.sqrt(ss / (p.n - lo));
  return Number.isNaN(rmse) ? Number.POSITIVE_INFINITY : rmse;
}

function inSampleError(p: Prepared, curve: FittedCurve): number {
  return holdoutError(p, curve, 0);
}

export function forecastSeries(
  points: readonly { t: number; v: number }[],
  options?: ForecastOptions,
): Forecast | null {
  const p = prepare(points);
  if (!p) return null;
  const wanted = options?.fits ?? fitKinds;
  const candidates: Candidate[] = [];
  for (const kind of wanted) {
    if (kind !== 'seasonal') candidates.push({ kind });
    else if (options?.seasonMs !== undefined) candidates.push({ kind, seasonMs: options.seasonMs });
    else candidates.push({ kind, seasonMs: dayMs }, { kind, seasonMs: weekMs });
  }
  let chosen: { curve: FittedCurve; error: number } | null = null;
  if (p.n >= minForSelection) {
    const origins = [Math.round(p.n * 0.7), Math.round(p.n * 0.85)];
    const scored: { c: Candidate; error: number; params: number }[] = [];
    for (const c of candidates) {
      // The seasonal model is for histories of two seasons or more.
      if (c.kind === 'seasonal' && p.t[p.n - 1] - p.t[0] < 2 * (c.seasonMs ?? dayMs)) continue;
      let error = 0;
      let params = 0;
      let ok = true;
      for (const origin of origins) {
        const curve = fitOne(p, origin, c);
        if (!curve) {
          ok = false;
          break;
        }
        params = curve.params;
        error += holdoutError(p, curve, origin) / origins.length;
      }
      if (ok && Number.isFinite(error)) scored.push({ c, error, params });
    }
    if (scored.length > 0) {
      let best = Number.POSITIVE_INFINITY;
      for (const s of scored) best = Math.min(best, s.error);
      const near = scored.filter((s) => s.error <= best * (1 + parsimony) + 1e-12);
      near.sort((a, b) => a.params - b.params || a.error - b.error);
      for (const s of near) {
        const curve = fitOne(p, p.n, s.c);
        if (curve) {
          chosen = { curve, error: s.error };
          break;
        }
      }
    }
  }
  if (!chosen) {
    // Too few samples to hold any out, or none of the requested fits applies.
    if (options?.fits && !options.fits.includes('linear')) return null;
    const curve = fitPolynomial(p, p.n, 1) ?? flat(p);
    chosen = { curve, error: inSampleError(p, curve) };
  }
  return makeForecast(p, chosen.curve, chosen.error * p.scale, options);
}

function makeForecast(p: Prepared, curve: FittedCurve, error: number, options?: ForecastOptions): Forecast {
  const level = Math.min(0.9999, Math.max(0.5, options?.level ?? 0.95));
  const q = studentQuantile(1 - (1 - level) / 2, curve.dof);
  const { centre, scale, top } = p;
  const predict = (t: number) => {
    const { m, se } = curve.at(t);
    if (curve.logSpace)
      return {
        value: top * Math.exp(m),
        lower: top * Math.exp(m - q * se),
        upper: top * Math.exp(m + q * se),
      };
    return {
      value: centre + scale * m,
      lower: centre + scale * (m - q * se),
      upper: centre + scale * (m + q * se),
    };
  };
  const seasonal = curve.kind === 'seasonal';
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
      // A seasonal forecast may cross at a daily peak: scan finely enough to see each (48 looks a day).
      const coarse = horizon / 1000;
      const step = seasonal ? Math.max(horizon / 20_000, Math.min(coarse, p.stepMs, dayMs / 48)) : coarse;
      const steps = step > 0 ? Math.ceil(horizon / step) : 0;
      const over = (v: number) => (up ? v >= threshold : v <= threshold);
      const lead = (r: { value: number; lower: number; upper: number }) => (up ? r.upper : r.lower);
      const trail = (r: { value: number; lower: number; upper: number }) => (up ? r.lower : r.upper);
      const pick = [(r: { value: number }) => r.value, lead, trail];
      const found: number[] = [-1, -1, -1];
      let remaining = 3;
      for (let i = 0; i <= steps && remaining > 0; i++) {
        const t = i === steps ? from + horizon : from + i * step;
        const r = predict(t);
        for (let k = 0; k < 3; k++) {
          if (found[k] < 0 && over(pick[k](r))) {
            found[k] = i;
            remaining--;
          }
        }
      }
      if (found[0] < 0) return null;
      const refine = (k: number): number => {
        const i = found[k];
        if (i < 0) return Number.POSITIVE_INFINITY;
        if (i === 0) return from;
        // The crossing lies after the previous step and at or before this one: bisect to the millisecond.
        let lo = from + (i - 1) * step;
        let hi = i === steps ? from + horizon : from + i * step;
        for (let n = 0; n < 60 && hi - lo > 1; n++) {
          const mid = lo / 2 + hi / 2;
          if (over(pick[k](predict(mid)))) hi = mid;
          else lo = mid;
        }
        return hi;
      };
      const at = refine(0);
      const earliest = Math.min(at, refine(1));
      const latest = Math.max(at, refine(2));
      return { at, earliest, latest };
    },
  };
}
