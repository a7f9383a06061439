// Spike detection on a pattern's per-minute counts, pure: the last few minutes' rate against the pattern's own
// baseline, by median and MAD (robust: a burst in the baseline moves neither much), with a floor on the rate and on
// the ratio to the median so that a quiet pattern going from 0 to 2 a minute is no spike. The baseline is seasonal
// (the same time of day on past days) once the pattern has days of history, else its recent hours. The method and
// its figures are documented in docs/log-patterns-alerts.md.
import { minuteMs } from './pattern-rates.js';

export const spikeSettings = {
  /** Minutes whose mean rate is compared (the last complete minutes before now). */
  windowMinutes: 5,
  /** The recent baseline: this many minutes before the window. */
  recentMinutes: 120,
  /** Too little history to judge: fewer baseline minutes than this (since the pattern's first minute). */
  minBaselineMinutes: 30,
  /** Seasonal baseline: the same time of day on up to this many past days… */
  seasonalDays: 7,
  /** …when at least this many of them are within the pattern's history… */
  seasonalMinDays: 3,
  /** …taking the window shifted by up to this many minutes either way on each day (clocks and jobs drift). */
  seasonalHalfWidthMinutes: 10,
  /** MADs above the median (the MAD scaled by 1.4826 to a normal's standard deviation). */
  k: 5,
  /** The rate must also be this many times the baseline median… */
  minRatio: 3,
  /** …and above this many records per minute. */
  minRate: 5,
  /** A firing spike resolves after this long under the threshold. */
  resolveAfterMs: 5 * minuteMs,
} as const;

export type SpikeSettings = { -readonly [K in keyof typeof spikeSettings]: number };

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median absolute deviation, scaled (× 1.4826) to estimate a standard deviation. */
export function scaledMad(values: readonly number[], centre = median(values)): number {
  return 1.4826 * median(values.map((v) => Math.abs(v - centre)));
}

export interface SpikeVerdict {
  /** Mean records per minute over the window. */
  rate: number;
  median: number;
  mad: number;
  threshold: number;
  spiking: boolean;
}

/** The window's mean rate against the baseline's minutes: spiking when it is above every floor. */
export function judgeSpike(
  /** Baseline samples: window-wide mean rates at past positions. */
  baseline: readonly number[],
  window: readonly number[],
  settings: SpikeSettings = spikeSettings,
): SpikeVerdict {
  const rate = window.length === 0 ? 0 : window.reduce((s, v) => s + v, 0) / window.length;
  const m = median(baseline);
  const mad = scaledMad(baseline, m);
  const threshold = Math.max(m + settings.k * mad, m * settings.minRatio, settings.minRate);
  return { rate, median: m, mad, threshold, spiking: rate > threshold };
}

export interface SpikeInput {
  /** The pattern's counts by minute start (minutes without records absent: they count as zeros). */
  counts: ReadonlyMap<number, number>;
  /** The pattern's first minute: earlier minutes are not its history, so not zeros of its baseline. */
  firstMinute: number;
  /** Epoch ms of the evaluation: the window is the complete minutes before it. */
  now: number;
}

export interface SpikePlan {
  window: { from: number; to: number };
  /** The minute ranges the baseline reads ([from, to) each). */
  baseline: { from: number; to: number }[];
  kind: 'seasonal' | 'recent';
}

/** Which minutes a pattern's verdict reads at `now`: the window, and a seasonal or a recent baseline. */
export function spikePlan(
  firstMinute: number,
  now: number,
  settings: SpikeSettings = spikeSettings,
): SpikePlan {
  const to = Math.floor(now / minuteMs) * minuteMs;
  const from = to - settings.windowMinutes * minuteMs;
  const day = 1440 * minuteMs;
  const half = settings.seasonalHalfWidthMinutes * minuteMs;
  const seasonal: { from: number; to: number }[] = [];
  for (let d = 1; d <= settings.seasonalDays; d++) {
    const r = { from: from - d * day - half, to: to - d * day + half };
    if (r.from >= firstMinute) seasonal.push(r);
  }
  if (seasonal.length >= settings.seasonalMinDays)
    return { window: { from, to }, baseline: seasonal, kind: 'seasonal' };
  return {
    window: { from, to },
    baseline: [{ from: Math.max(from - settings.recentMinutes * minuteMs, firstMinute), to: from }],
    kind: 'recent',
  };
}

function minutesOf(counts: ReadonlyMap<number, number>, from: number, to: number): number[] {
  const out: number[] = [];
  for (let m = from; m < to; m += minuteMs) out.push(counts.get(m) ?? 0);
  return out;
}

/** The means of every run of `width` consecutive minutes in the span (a baseline sample is shaped as the window). */
function rollingMeans(minutes: readonly number[], width: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < minutes.length; i++) {
    sum += minutes[i];
    if (i >= width) sum -= minutes[i - width];
    if (i >= width - 1) out.push(sum / width);
  }
  return out;
}

/** The verdict at `now`, or null when the pattern has too little history to have a baseline. */
export function detectSpike(
  input: SpikeInput,
  settings: SpikeSettings = spikeSettings,
): (SpikeVerdict & { kind: 'seasonal' | 'recent' }) | null {
  const firstMinute = Math.floor(input.firstMinute / minuteMs) * minuteMs;
  const plan = spikePlan(firstMinute, input.now, settings);
  const spans = plan.baseline.map((r) => minutesOf(input.counts, Math.max(r.from, firstMinute), r.to));
  if (spans.reduce((n, s) => n + s.length, 0) < settings.minBaselineMinutes) return null;
  // Samples are the window's mean at every position in the baseline, so that a peak's rising edge on past days
  // lines up with today's (a per-minute baseline would call the first minutes of a nightly job a spike).
  const baseline = spans.flatMap((s) => rollingMeans(s, settings.windowMinutes));
  const window = minutesOf(input.counts, plan.window.from, plan.window.to);
  return { ...judgeSpike(baseline, window, settings), kind: plan.kind };
}
