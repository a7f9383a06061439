// A streaming anomaly detector for one metric series: each sample is scored in [0, 1] from the series' own history
// before it, then learnt. Pure and O(1) per sample; its state is about 430 numbers, 6 KB of JSON (snapshot/restore).
//
// How: four surprises, each in units of its own typical size — the point error against a fast level of the
// deseasonalised series (spikes, jumps, a point wrong for its time of day), the short mean of the signed residual
// against a slow level plus a learnt daily or hour-of-week profile (a level shift or drift, a broken pattern), a
// two-sided CUSUM of the same residual (a sustained shift too small for the short mean), and how far the value
// leaves the range seen (a new extreme, as Numenta's "spatial anomaly"). Two more — the short average of the point
// error (a burst of volatility) and the seasonal residual of one sample — were dropped in December 2026: on NAB they
// added false alarms and found no window the others missed (README, "Anomaly detection (NAB)"). Each is judged
// against its own history, as Numenta's anomaly likelihood judges its raw scores: a decaying histogram gives the
// chance of a surprise at least that large, with one pseudo-sample from the fourth-moment bound P(R ≥ r) ≤ 1/r⁴ so that a
// surprise beyond anything seen still ranks by its size. The score is the smallest chance on a log scale
// (10⁻⁸ → 1), so one threshold means the same on every series. A score counts only by how far it rises above the
// recent peak of scores (which decays over `quietSamples`), as alert deduplication does: one episode, one alert.

export interface AnomalyDetectorOptions {
  /** Samples learnt before any score above 0 (the histograms start counting then). */
  warmupSamples: number;
  /** How many samples the surprises' histograms remember (their decay's time constant). */
  memorySamples: number;
  /** How many samples a high score keeps the next ones down (the decay of the recent peak). */
  quietSamples: number;
}

export const defaultAnomalyDetectorOptions: AnomalyDetectorOptions = {
  warmupSamples: 100,
  memorySamples: 500,
  quietSamples: 50,
};

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
  'peak',
  'shift',
  'weight',
  'total',
  'hi',
  'lo',
  'riseSum',
  'fallSum',
] as const;
type StateKey = (typeof stateKeys)[number];

/** The learnt state: JSON-serialisable, a few KB. */
export interface AnomalyDetectorState {
  /** 2 since four surprises are judged; a version-1 state (six) is restored by taking their four histograms. */
  version: 1 | 2;
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

// Learning rates per sample (fixed; the options above are the only knobs).
const fastAlpha = 0.3; // the level a spike is measured against
const scaleAlpha = 0.01; // mean absolute errors
const seasonAlpha = 0.05; // a profile bucket, per sample that falls in it
const seasonLevelAlpha = 0.02; // the deseasonalised level
const shiftAlpha = 0.1; // the short mean of the signed seasonal residual (level shifts)
// The spread of that mean of independent standardised residuals, relative to one residual's: it is judged in those units.
const shiftSpread = Math.sqrt(shiftAlpha / (2 - shiftAlpha));

const histogramBins = 48;
const histogramLow = -8; // log2 of the smallest surprise told apart
const histogramWidth = 0.5;
// The surprises judged, in this order: point error, short mean of the seasonal residual, new extreme, CUSUM.
const statistics = 4;
// Version 1 states judged six (point error, its short average, seasonal residual, then these three): on restore
// their histograms are taken from these slots.
const version1Slots = [0, 3, 4, 5];
const excessScale = 10; // a value 10% of the range beyond it is one unit of surprise
const rangeForgetting = 4; // the range forgets over 4 × memorySamples
const scoreDecades = 8; // a chance of 10⁻⁸ scores 1
const realertShare = 0.75; // a score counts by how far it rises above 75% of the recent peak
// The two-sided CUSUM (Page's test) of the seasonal residual, in its own typical units: each sample adds its
// standardised residual less this slack (clipped at 6 so that one spike is not a shift), floored at 0.
const cusumSlack = 2;
const cusumClip = 6;

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
    const shift = s.shift + shiftAlpha * (seasonResidual / (seasonScale + floor) - s.shift);

    let logP = 0;
    if (n >= this.options.warmupSamples) {
      s.weight *= 1 + 1 / this.options.memorySamples;
      if (s.weight > 1e100) this.rescale();
      const excess = Math.max(0, x - s.hi, s.lo - x) / (s.hi - s.lo + floor);
      logP = Math.min(
        this.judge(0, r0),
        this.judge(1, Math.abs(shift) / shiftSpread),
        this.judge(2, excess * excessScale),
        this.judge(3, Math.max(s.riseSum, s.fallSum)),
      );
      s.total += s.weight;
    }
    s.shift = shift;
    const z = Math.max(-cusumClip, Math.min(cusumClip, seasonResidual / (seasonScale + floor)));
    s.riseSum = Math.max(0, s.riseSum + z - cusumSlack);
    s.fallSum = Math.max(0, s.fallSum - z - cusumSlack);

    // Learn. Before warm-up an error counts whole (the scales are still forming); after, as at most 6 typical
    // errors, so that an anomaly does not teach the scale at once.
    const settled = n >= this.options.warmupSamples;
    const clip = (e: number, scale: number) =>
      settled ? Math.min(Math.abs(e), 6 * scale + floor) : Math.abs(e);
    const a = Math.max(scaleAlpha, 1 / n);
    s.fastErr += a * (clip(pointError, s.fastErr) - s.fastErr);
    s.fast += fastAlpha * (deseasoned - s.fast);
    s.dayErr += a * (clip(dayResidual, s.dayErr) - s.dayErr);
    s.weekErr += a * (clip(weekResidual, s.weekErr) - s.weekErr);
    s.flatErr += a * (clip(flatResidual, s.flatErr) - s.flatErr);
    this.daily[dayBucket] += seasonAlpha * (x - s.seasonLevel - season0);
    this.weekly[weekBucket] += seasonAlpha * (x - s.seasonLevel - season1);
    s.seasonLevel += Math.max(seasonLevelAlpha, 1 / n) * (deseasoned - s.seasonLevel);
    // The range seen, forgetting slowly (towards the level) so that an old extreme does not hide a new one forever.
    const forget = 1 / (rangeForgetting * this.options.memorySamples);
    s.hi = Math.max(x, s.hi - forget * (s.hi - s.seasonLevel));
    s.lo = Math.min(x, s.lo - forget * (s.lo - s.seasonLevel));
    s.absMean += Math.max(0.001, 1 / n) * (Math.abs(x) - s.absMean);
    s.n = n + 1;
    s.lastT = timestampMs;

    if (n < this.options.warmupSamples) return 0;
    const score = Math.min(1, -logP / scoreDecades);
    const peak = s.peak;
    s.peak = Math.max(peak * (1 - 1 / this.options.quietSamples), score);
    return Math.max(0, score - realertShare * peak);
  }

  /**
   * log10 of the chance of a surprise at least r under statistic k's history (a histogram over log2 r, recent
   * samples weighted more), with one pseudo-sample from the fourth-moment (Markov) bound P(R ≥ r) ≤ E[R⁴]/r⁴, taking E[R⁴] as 1 in
   * units of the typical surprise (1/r² let a new extreme of ordinary noise score almost as high as a 20-fold
   * one); then counts r.
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
    const prior = r > 1 ? 1 / (r * r * r * r) : 1;
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
    s.hi = x;
    s.lo = x;
  }

  snapshot(): AnomalyDetectorState {
    return {
      version: 2,
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
    if (state.version === 1) {
      for (const [k, slot] of version1Slots.entries()) {
        d.histogram.set(
          state.histogram.slice(slot * histogramBins, (slot + 1) * histogramBins),
          k * histogramBins,
        );
      }
    } else d.histogram.set(state.histogram.slice(0, statistics * histogramBins));
    return d;
  }
}
