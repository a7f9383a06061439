// The Numenta Anomaly Benchmark's scoring, as ../shared/benchmarks/nab/README.md states it (and NAB's sweeper.py
// does it): probation, windows, the scaled sigmoid, three profiles, normalisation, and the one threshold per
// detector and profile that maximises the corpus score, found by an exact sweep over the scores given.

export interface NabProfile {
  name: string;
  tp: number;
  fn: number;
  fp: number;
}

export const nabProfiles: readonly NabProfile[] = [
  { name: 'standard', tp: 1, fn: 1, fp: 0.11 },
  { name: 'reward_low_FP_rate', tp: 1, fn: 1, fp: 0.22 },
  { name: 'reward_low_FN_rate', tp: 1, fn: 2, fp: 0.11 },
];

/** NAB's scaled sigmoid: +0.987 at -1, 0 at 0, -0.987 at 1, and -1 beyond 3. */
export function scaledSigmoid(x: number): number {
  if (x > 3) return -1;
  return 2 / (1 + Math.exp(5 * x)) - 1;
}

const maxTp = scaledSigmoid(-1);

/** The probation period: the first min(floor(0.15 n), 750) rows count for nothing. */
export function probationLength(rows: number): number {
  return Math.min(Math.floor(0.15 * rows), 750);
}

/** A window as row indices, both ends inside. */
export interface RowWindow {
  start: number;
  end: number;
}

/**
 * Windows given as timestamps → row indices (the first row at each end's timestamp, as NAB's `list.index`),
 * merged where they overlap, dropped where they reach into the probation period.
 */
export function windowRows(timestamps: readonly string[], windows: ReadonlyArray<readonly [string, string]>) {
  const first = new Map<string, number>();
  timestamps.forEach((t, i) => {
    const key = t.slice(0, 19);
    if (!first.has(key)) first.set(key, i);
  });
  const rows: RowWindow[] = [];
  for (const [a, b] of windows) {
    const start = first.get(a.slice(0, 19));
    const end = first.get(b.slice(0, 19));
    if (start === undefined || end === undefined)
      throw new Error(`window ${a}–${b} is not on rows of the file`);
    rows.push({ start, end });
  }
  rows.sort((x, y) => x.start - y.start);
  const merged: RowWindow[] = [];
  for (const w of rows) {
    const last = merged.at(-1);
    if (last && w.start <= last.end) last.end = Math.max(last.end, w.end);
    else merged.push({ ...w });
  }
  const probation = probationLength(timestamps.length);
  return merged.filter((w) => w.start >= probation);
}

/**
 * What a detection at each row would be worth, before profile weights: for a row in window k, `window` = k and
 * `value` = its true-positive reward in (0, 1]; for a row outside, `window` = -1 and `value` = its unweighted
 * false-positive cost in [-1, 0]; probation rows have `window` = -2.
 */
export interface RowWorth {
  window: Int32Array;
  value: Float64Array;
}

export function rowWorth(rows: number, windows: readonly RowWindow[]): RowWorth {
  const window = new Int32Array(rows).fill(-1);
  const value = new Float64Array(rows);
  const probation = probationLength(rows);
  let prevEnd = -1;
  let prevWidth = 0;
  let k = 0;
  for (let i = 0; i < rows; i++) {
    const w = windows[k];
    if (w && i >= w.start && i <= w.end) {
      const width = w.end - w.start + 1;
      window[i] = k;
      value[i] = scaledSigmoid(-(w.end - i + 1) / width) / maxTp;
      if (i === w.end) {
        prevEnd = i;
        prevWidth = width;
        k++;
      }
    } else if (prevEnd < 0) {
      value[i] = -1;
    } else {
      // NAB divides by (width − 1); a one-row window would divide by zero: count it as full weight.
      value[i] = prevWidth > 1 ? scaledSigmoid(Math.abs(prevEnd - i) / (prevWidth - 1)) : -1;
    }
    if (i < probation) window[i] = -2;
  }
  return { window, value };
}

export interface ScoredFile {
  name: string;
  scores: ArrayLike<number>;
  worth: RowWorth;
  windowCount: number;
}

export interface ProfileResult {
  profile: string;
  normalised: number;
  threshold: number;
  raw: number;
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
}

/** The raw score of a file at one threshold (detections are scores ≥ threshold), under a profile. */
export function rawScoreAt(file: ScoredFile, threshold: number, profile: NabProfile) {
  const seen = new Set<number>();
  let total = 0;
  let fps = 0;
  for (let i = 0; i < file.scores.length; i++) {
    if (!(file.scores[i] >= threshold)) continue;
    const w = file.worth.window[i];
    if (w === -2) continue;
    if (w === -1) {
      total += profile.fp * file.worth.value[i];
      fps++;
    } else if (!seen.has(w)) {
      seen.add(w);
      total += profile.tp * file.worth.value[i];
    }
  }
  total -= profile.fn * (file.windowCount - seen.size);
  return {
    raw: total,
    truePositives: seen.size,
    falseNegatives: file.windowCount - seen.size,
    falsePositives: fps,
  };
}

/** 100 × (raw − null) / (perfect − null), where null never fires and perfect fires at each window's start. */
export function normalise(raw: number, windows: number, profile: NabProfile): number {
  const nullScore = -profile.fn * windows;
  const perfect = profile.tp * windows;
  return perfect === nullScore ? 0 : (100 * (raw - nullScore)) / (perfect - nullScore);
}

/**
 * The corpus score under a profile at the best threshold: lower the threshold through every distinct score,
 * tracking each window's earliest detection, and keep the best total (never firing, threshold > 1, is a candidate).
 */
export function bestScore(files: readonly ScoredFile[], profile: NabProfile): ProfileResult {
  type Point = { score: number; file: number; row: number };
  const points: Point[] = [];
  let windows = 0;
  const windowBase: number[] = [];
  for (let f = 0; f < files.length; f++) {
    windowBase.push(windows);
    windows += files[f].windowCount;
    const { scores, worth } = files[f];
    for (let i = 0; i < scores.length; i++) {
      if (worth.window[i] !== -2 && Number.isFinite(scores[i]))
        points.push({ score: scores[i], file: f, row: i });
    }
  }
  points.sort((a, b) => b.score - a.score);
  const earliest = new Int32Array(windows).fill(-1);
  let tpSum = 0;
  let fpSum = 0;
  let fpCount = 0;
  let detected = 0;
  let best = {
    raw: windows === 0 ? 0 : -profile.fn * windows,
    threshold: Number.POSITIVE_INFINITY,
    tp: 0,
    fp: 0,
  };
  for (let p = 0; p < points.length; ) {
    const level = points[p].score;
    for (; p < points.length && points[p].score === level; p++) {
      const { file, row } = points[p];
      const worth = files[file].worth;
      const w = worth.window[row];
      if (w === -1) {
        fpSum += worth.value[row];
        fpCount++;
        continue;
      }
      const slot = windowBase[file] + w;
      const was = earliest[slot];
      if (was === -1) {
        detected++;
        earliest[slot] = row;
        tpSum += worth.value[row];
      } else if (row < was) {
        earliest[slot] = row;
        tpSum += worth.value[row] - worth.value[was];
      }
    }
    const raw = profile.tp * tpSum + profile.fp * fpSum - profile.fn * (windows - detected);
    if (raw > best.raw + 1e-12) best = { raw, threshold: level, tp: detected, fp: fpCount };
  }
  return {
    profile: profile.name,
    normalised: normalise(best.raw, windows, profile),
    threshold: best.threshold,
    raw: best.raw,
    truePositives: best.tp,
    falseNegatives: windows - best.tp,
    falsePositives: best.fp,
  };
}
