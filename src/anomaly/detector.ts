// A streaming anomaly detector for one metric series: each sample is scored in [0, 1] from the series' own history
// before it, then learnt. Pure and O(1) per sample; its state is a few hundred numbers (snapshot/restore).
//
// How: three predictors give a surprise each, in units of their own typical error — the point surprise against a
// fast level (spikes, jumps), the residual against a slow level plus a learnt daily or weekly profile (a broken
// daily pattern, level shifts), and the gap between a short and a long mean of the deseasonalised series (drifts,
// sustained shifts). Each surprise, and its short average, is judged against its own history, as Numenta's anomaly
// likelihood judges its raw scores: a decaying histogram gives the chance of a surprise at least that large, with
// Chebyshev's bound as a prior so that a surprise beyond anything seen still ranks by its size. The score is the
// smallest chance on a log scale (10⁻⁸ → 1), so one threshold means the same on every series. After an alert the
// detector stays quiet for a while (scores damped), as alert deduplication does, so one episode alerts once.

export interface AnomalyDetectorOptions {
  /** Samples learnt before any score above 0. */
  warmupSamples: number;
  /** How many samples the surprises' histograms remember (their decay's time constant). */
  memorySamples: number;
  /** A score at or above this is an alert; the following `quietSamples` scores are damped. */
  alertLevel: number;
  quietSamples: number;
}

export const defaultAnomalyDetectorOptions: AnomalyDetectorOptions = {
  warmupSamples: 150,
  memorySamples: 2000,
  alertLevel: 0.5,
  quietSamples: 150,
};
for (const [k, v] of Object.entries(process.env)) {
  if (k.startsWith('ADO_')) (defaultAnomalyDetectorOptions as unknown as Record<string, number>)[k.slice(4)] = Number(v);
}

const stateKeys = [
  'n',
  'firstT',
  'lastT',
  'fast',
  'fastErr',
  'seasonLevel',
  'dayErr',
  'weekErr',
  'flatErr',
  'absMean',
  'quietLeft',
  'spread',
  'shift',
  'weight',
  'total',
] as const;
type StateKey = (typeof stateKeys)[number];

/** The learnt state: JSON-serialisable, a few KB. */
export interface AnomalyDetectorState {
  version: 1;
  options: AnomalyDetectorOptions;
  numbers: Record<StateKey, number>;
  daily: number[];
  weekly: number[];
  histogram: number[];
}

const dailyBuckets = 48; // 30 minutes each
const weeklyBuckets = 168; // one hour each
const dayMs = 86_400_000;
const weekMs = 7 * dayMs;
const settleSamples = Number(process.env.AD_SETTLE ?? 30); // the error scales need a few samples before their surprises mean anything

// Learning rates per sample (fixed; the options above are the only knobs).
const fastAlpha = 0.3; // the level a spike is measured against
const scaleAlpha = 0.01; // mean absolute errors
const seasonAlpha = 0.05; // a profile bucket, per sample that falls in it
const seasonLevelAlpha = 0.02; // the deseasonalised level
const shiftAlpha = 0.1; // the short mean of the signed seasonal residual (level shifts)
const averageAlpha = 0.2; // the short average of each surprise (Numenta averages the last 10)
// The spread of that average of independent surprises, relative to one surprise's: it is judged in those units.
const averageSpread = Math.sqrt(averageAlpha / (2 - averageAlpha));
const shiftSpread = Math.sqrt(shiftAlpha / (2 - shiftAlpha));

const histogramBins = 48;
const histogramLow = -8; // log2 of the smallest surprise told apart
const histogramWidth = 0.5;
const statistics = 4;
const scoreDecades = Number(process.env.AD_DEC ?? 8); // a chance of 10^-8 scores 1
const quietFactor = Number(process.env.AD_QF ?? 0.5);

function freshNumbers(): Record<StateKey, number> {
  const numbers = {} as Record<StateKey, number>;
  for (const key of stateKeys) numbers[key] = 0;
  return numbers;
}

export class AnomalyDetector {
  readonly options: AnomalyDetectorOptions;
  private s = freshNumbers();
  private daily = new Float64Array(dailyBuckets);
  private weekly = new Float64Array(weeklyBuckets);
  private histogram = new Float64Array(statistics * histogramBins);
  debug: number[] = [];

  constructor(options: Partial<AnomalyDetectorOptions> = {}) {
    this.options = { ...defaultAnomalyDetectorOptions, ...options };
  }

  score(timestampMs: number, value: number): number {
    if (!Number.isFinite(value) || !Number.isFinite(timestampMs)) return 0;
    const s = this.s;
    const x = value;
    if (s.n === 0) {
      this.start(timestampMs, x);
      return 0;
    }
    const n = s.n;
    const span = timestampMs - s.firstT;
    const dayBucket = Math.floor((((timestampMs % dayMs) + dayMs) % dayMs) / (dayMs / dailyBuckets));
    // Weeks start on Monday 00:00 UTC (the epoch was a Thursday).
    const weekBucket = Math.floor(
      ((((timestampMs + 3 * dayMs) % weekMs) + weekMs) % weekMs) / (weekMs / weeklyBuckets),
    );
    // A profile is used once it has seen enough of its period, and only while it predicts clearly better than none.
    const dayReady = span > 2 * dayMs;
    const weekReady = span > 9 * dayMs;
    const season0 = this.daily[dayBucket];
    const season1 = this.weekly[weekBucket];
    const dayResidual = x - (s.seasonLevel + season0);
    const weekResidual = x - (s.seasonLevel + season1);
    const flatResidual = x - s.seasonLevel;
    let season = 0;
    let seasonResidual = flatResidual;
    let seasonScale = s.flatErr;
    if (dayReady && s.dayErr < 0.9 * s.flatErr && (!weekReady || s.dayErr <= s.weekErr)) {
      season = season0;
      seasonResidual = dayResidual;
      seasonScale = s.dayErr;
    } else if (weekReady && s.weekErr < 0.9 * s.flatErr) {
      season = season1;
      seasonResidual = weekResidual;
      seasonScale = s.weekErr;
    }
    const floor = 1e-9 * s.absMean + 1e-12;

    // The surprises, in units of their own typical error.
    const deseasoned = x - season;
    const pointError = deseasoned - s.fast;
    const r0 = Math.abs(pointError) / (s.fastErr + floor);
    const r1 = Math.abs(seasonResidual) / (seasonScale + floor);
    const shift = s.shift + shiftAlpha * (seasonResidual / (seasonScale + floor) - s.shift);

    let logP = 0;
    if (n >= settleSamples) {
      s.spread += averageAlpha * (r0 - s.spread);
      s.weight *= 1 + 1 / this.options.memorySamples;
      if (s.weight > 1e100) this.rescale();
      logP = Math.min(
        this.judge(0, r0),
        this.judge(1, s.spread / averageSpread),
        this.judge(2, r1),
        this.judge(3, Math.abs(shift) / shiftSpread),
      );
      s.total += s.weight;
    }
    s.shift = shift;
    this.debug = [r0, r1, shift, logP];

    // Learn; an error counts as at most 6 typical errors, so that an anomaly does not teach the scale at once.
    const settled = n >= settleSamples;
    const clip = (e: number, scale: number) => (settled ? Math.min(Math.abs(e), 6 * scale + floor) : Math.abs(e));
    const a = Math.max(scaleAlpha, 1 / n);
    s.fastErr += a * (clip(pointError, s.fastErr) - s.fastErr);
    s.fast += fastAlpha * (deseasoned - s.fast);
    s.dayErr += a * (clip(dayResidual, s.dayErr) - s.dayErr);
    s.weekErr += a * (clip(weekResidual, s.weekErr) - s.weekErr);
    s.flatErr += a * (clip(flatResidual, s.flatErr) - s.flatErr);
    this.daily[dayBucket] += seasonAlpha * (x - s.seasonLevel - season0);
    this.weekly[weekBucket] += seasonAlpha * (x - s.seasonLevel - season1);
    s.seasonLevel += Math.max(seasonLevelAlpha, 1 / n) * (deseasoned - s.seasonLevel);
    s.absMean += Math.max(0.001, 1 / n) * (Math.abs(x) - s.absMean);
    s.n = n + 1;
    s.lastT = timestampMs;

    if (n < this.options.warmupSamples) return 0;
    let out = Math.min(1, -logP / scoreDecades);
    if (s.quietLeft > 0) {
      s.quietLeft--;
      out *= quietFactor;
    } else if (out >= this.options.alertLevel) {
      s.quietLeft = this.options.quietSamples;
    }
    return out;
  }

  /**
   * log10 of the chance of a surprise at least r under statistic k's history (a histogram over log2 r, recent
   * samples weighted more), with one pseudo-sample from Chebyshev's bound P(R ≥ r) ≤ 1/r²; then counts r.
   */
  private judge(k: number, r: number): number {
    const h = this.histogram;
    const s = this.s;
    const base = k * histogramBins;
    const position = (Math.log2(r + 1e-300) - histogramLow) / histogramWidth;
    const bin = position < 0 ? 0 : position >= histogramBins ? histogramBins - 1 : Math.floor(position);
    const within = Math.min(1, Math.max(0, position - bin));
    let tail = h[base + bin] * (1 - within);
    for (let j = bin + 1; j < histogramBins; j++) tail += h[base + j];
    const prior = r > 1 ? 1 / (r * r) : 1;
    const p = (tail / s.weight + prior) / (s.total / s.weight + 1);
    h[base + bin] += s.weight;
    return Math.log10(Math.min(1, p));
  }

  private rescale(): void {
    const s = this.s;
    for (let i = 0; i < this.histogram.length; i++) this.histogram[i] /= s.weight;
    s.total /= s.weight;
    s.weight = 1;
  }

  private start(t: number, x: number): void {
    const s = this.s;
    s.n = 1;
    s.firstT = t;
    s.lastT = t;
    s.fast = x;
    s.seasonLevel = x;
    s.absMean = Math.abs(x);
    s.weight = 1;
  }

  snapshot(): AnomalyDetectorState {
    return {
      version: 1,
      options: { ...this.options },
      numbers: { ...this.s },
      daily: Array.from(this.daily),
      weekly: Array.from(this.weekly),
      histogram: Array.from(this.histogram),
    };
  }

  static restore(state: AnomalyDetectorState): AnomalyDetector {
    const d = new AnomalyDetector(state.options);
    for (const key of stateKeys) d.s[key] = Number(state.numbers[key] ?? 0);
    d.daily.set(state.daily.slice(0, dailyBuckets));
    d.weekly.set(state.weekly.slice(0, weeklyBuckets));
    d.histogram.set(state.histogram.slice(0, statistics * histogramBins));
    return d;
  }
}
