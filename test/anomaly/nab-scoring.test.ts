// The NAB scorer (bench/nab-scoring.ts) on small hand-made files whose scores are worked out by hand from the rules in
// ../shared/benchmarks/nab/README.md: probation, window rewards, false-positive costs, profiles, normalisation and
// the best threshold.
import { describe, expect, it } from 'vitest';
import {
  bestScore,
  nabProfiles,
  normalise,
  probationLength,
  rawScoreAt,
  rowWorth,
  type ScoredFile,
  scaledSigmoid,
  windowRows,
} from '../../bench/nab-scoring.js';

const [standard, lowFp, lowFn] = nabProfiles;

// 20 rows, a minute apart; probation = floor(0.15 × 20) = 3 rows.
const timestamps = Array.from({ length: 20 }, (_, i) => `2014-01-01 00:${String(i).padStart(2, '0')}:00`);
const oneWindow = windowRows(timestamps, [['2014-01-01 00:08:00.000000', '2014-01-01 00:11:00.000000']]);

function file(detections: number[], at = 1): ScoredFile {
  const scores = new Array(timestamps.length).fill(0);
  for (const row of detections) scores[row] = at;
  return {
    name: 'hand.csv',
    scores,
    worth: rowWorth(timestamps.length, oneWindow),
    windowCount: oneWindow.length,
  };
}

describe('NAB scoring', () => {
  it('has the scaled sigmoid and the probation period of the rules', () => {
    expect(scaledSigmoid(0)).toBe(0);
    // 2 / (1 + e^-5) − 1
    expect(scaledSigmoid(-1)).toBeCloseTo(0.9866143, 7);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.9866143, 7);
    expect(scaledSigmoid(3.01)).toBe(-1);
    expect(probationLength(20)).toBe(3);
    expect(probationLength(4032)).toBe(604);
    expect(probationLength(10_000)).toBe(750);
  });

  it('turns window timestamps into rows, merges overlaps and drops windows that reach into probation', () => {
    expect(oneWindow).toEqual([{ start: 8, end: 11 }]);
    const merged = windowRows(timestamps, [
      ['2014-01-01 00:12:00', '2014-01-01 00:15:00'],
      ['2014-01-01 00:05:00', '2014-01-01 00:08:00'],
      ['2014-01-01 00:07:00', '2014-01-01 00:10:00'],
      ['2014-01-01 00:01:00', '2014-01-01 00:04:00'],
    ]);
    expect(merged).toEqual([
      { start: 5, end: 10 },
      { start: 12, end: 15 },
    ]);
  });

  it('rewards the first detection in a window by its place, and charges detections outside', () => {
    const worth = rowWorth(20, oneWindow);
    // Window 8..11, width 4: row 8 is at −(11 − 8 + 1)/4 = −1 → σ(−1)/σ(−1) = 1.
    expect(worth.value[8]).toBeCloseTo(1, 12);
    // Row 10 at −0.5: (2/(1+e^−2.5) − 1)/0.98661 = 0.859793.
    expect(worth.value[10]).toBeCloseTo(0.8597926, 6);
    // Row 11 at −0.25: (2/(1+e^−1.25) − 1)/0.98661 = 0.562124.
    expect(worth.value[11]).toBeCloseTo(0.5621241, 6);
    // Before the first window: the full cost. Row 13: |11 − 13|/(4 − 1) = 2/3 → 2/(1+e^3.333) − 1 = −0.931110.
    expect(worth.value[5]).toBe(-1);
    expect(worth.value[13]).toBeCloseTo(-0.9311096, 6);
    // Probation rows count for nothing.
    expect(Array.from(worth.window.slice(0, 4))).toEqual([-2, -2, -2, -1]);
  });

  it('scores a file under the three profiles and normalises null to 0 and perfect to 100', () => {
    // Detections at 1 (probation: ignored), 10 (window, 0.859793), 11 (same window: not counted again) and 13
    // (−0.931110 × fp weight).
    const f = file([1, 10, 11, 13]);
    const s = rawScoreAt(f, 0.5, standard);
    expect(s).toMatchObject({ truePositives: 1, falseNegatives: 0, falsePositives: 1 });
    // 0.859793 − 0.11 × 0.931110 = 0.757371; (0.757371 + 1) / (1 + 1) × 100 = 87.87.
    expect(s.raw).toBeCloseTo(0.7573705, 6);
    expect(normalise(s.raw, 1, standard)).toBeCloseTo(87.8685, 3);
    // Low FP: 0.859793 − 0.22 × 0.931110 = 0.654949 → 82.75.
    expect(normalise(rawScoreAt(f, 0.5, lowFp).raw, 1, lowFp)).toBeCloseTo(82.7474, 3);
    // Low FN: null is −2, perfect 1: (0.757371 + 2) / 3 × 100 = 91.91.
    expect(normalise(rawScoreAt(f, 0.5, lowFn).raw, 1, lowFn)).toBeCloseTo(91.9124, 3);
    expect(normalise(-1, 1, standard)).toBe(0);
    expect(normalise(1, 1, standard)).toBe(100);
  });

  it('picks the threshold that maximises the corpus score', () => {
    // A false alarm before the window at 0.9, the window's start at 0.6, noise at 0.3 after the window.
    const scores = new Array(20).fill(0);
    scores[5] = 0.9;
    scores[8] = 0.6;
    scores[18] = 0.3;
    const f: ScoredFile = { name: 'x', scores, worth: rowWorth(20, oneWindow), windowCount: 1 };
    // ≥ 0.9: −0.11 − 1 = −1.11 (worse than never firing, −1); ≥ 0.6: −0.11 + 1 = 0.89; ≥ 0.3 adds row 18, at
    // 7/3 widths past the window: 2/(1+e^11.67) − 1 ≈ −1 → 0.89 − 0.11 = 0.78. Best: 0.6, (0.89 + 1)/2 = 94.5.
    const best = bestScore([f], standard);
    expect(best.threshold).toBe(0.6);
    expect(best.raw).toBeCloseTo(0.89, 10);
    expect(best.normalised).toBeCloseTo(94.5, 10);
    // On a file with no anomaly every detection costs: the best is never firing, which scores 0.
    const quiet: ScoredFile = { name: 'y', scores, worth: rowWorth(20, []), windowCount: 0 };
    // With it beside f, 0.6 still wins: f's 0.89 less the quiet file's two alarms (rows 5 and 8) at 0.11 each.
    const both = bestScore([f, quiet], standard);
    expect(both.threshold).toBe(0.6);
    expect(both.raw).toBeCloseTo(0.89 - 2 * 0.11, 10);
    expect(bestScore([quiet], standard)).toMatchObject({ threshold: Number.POSITIVE_INFINITY, raw: 0 });
  });

  it('sums files before normalising, with one threshold for all', () => {
    const a = file([8], 0.7);
    const b = file([13], 0.7);
    // At 0.7: a finds its window (+1), b misses its window (−1) and pays 0.11 × 0.931110.
    const best = bestScore([a, b], standard);
    expect(best.raw).toBeCloseTo(1 - 1 - 0.11 * 0.9311096, 6);
    // (raw + 2) / 4 × 100
    expect(best.normalised).toBeCloseTo(((-0.1024221 + 2) / 4) * 100, 3);
  });
});
