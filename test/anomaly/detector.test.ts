// The streaming detector's promises (fast-check): scores are finite and in [0, 1] for any input, NaN/±Inf score 0,
// a snapshot restored elsewhere goes on with identical scores, the state stays small; and what it finds: a spike
// in a noisy daily pattern, a level shift, a broken daily pattern, while a clean repeating pattern stays quiet.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnomalyDetector, type AnomalyDetectorState } from '../../src/anomaly/index.js';

const fiveMinutes = 300_000;
const start = Date.UTC(2024, 0, 1);

/** A seeded series: a daily wave plus noise, every five minutes. */
function dailySeries(days: number, seed: number): number[] {
  let state = seed >>> 0 || 1;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const perDay = 288;
  return Array.from(
    { length: days * perDay },
    (_, i) => 50 + 20 * Math.sin((2 * Math.PI * i) / perDay) + 2 * (random() - 0.5),
  );
}

function scoreAll(values: number[], detector = new AnomalyDetector()): number[] {
  return values.map((v, i) => detector.score(start + i * fiveMinutes, v));
}

const sample = fc.record({
  step: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 3_600_000 })),
  value: fc.oneof(
    fc.double({ noDefaultInfinity: false }),
    fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    fc.constantFrom(0, 1, -1, 1e300, -1e300, Number.NaN, Number.POSITIVE_INFINITY, 5e-324),
  ),
});

describe('AnomalyDetector', () => {
  it('scores any series with finite scores in [0, 1], and NaN/±Inf values score 0', () => {
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 600 }), (samples) => {
        const d = new AnomalyDetector({ warmupSamples: 20 });
        let t = start;
        for (const { step, value } of samples) {
          t += step;
          const s = d.score(t, value);
          expect(Number.isFinite(s)).toBe(true);
          expect(s).toBeGreaterThanOrEqual(0);
          expect(s).toBeLessThanOrEqual(1);
          if (!Number.isFinite(value)) expect(s).toBe(0);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('restores from a JSON snapshot into a detector that scores what follows identically', () => {
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 500 }), fc.nat(), (samples, cutAt) => {
        const cut = cutAt % samples.length;
        const a = new AnomalyDetector({ warmupSamples: 20 });
        let t = start;
        const times = samples.map(({ step }) => {
          t += step;
          return t;
        });
        for (let i = 0; i < cut; i++) a.score(times[i], samples[i].value);
        const state = JSON.parse(JSON.stringify(a.snapshot())) as AnomalyDetectorState;
        const b = AnomalyDetector.restore(state);
        for (let i = cut; i < samples.length; i++) {
          expect(b.score(times[i], samples[i].value)).toBe(a.score(times[i], samples[i].value));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('restores a version-1 state (six surprises judged) by taking the histograms of the four it still judges', () => {
    const values = dailySeries(4, 5);
    const a = new AnomalyDetector();
    for (let i = 0; i < 800; i++) a.score(start + i * fiveMinutes, values[i]);
    const now = a.snapshot();
    const bins = now.histogram.length / 4;
    const slot = (k: number) => now.histogram.slice(k * bins, (k + 1) * bins);
    // Version 1 laid out six: point error, its short average, the seasonal residual, then the last three.
    const noise = Array.from({ length: 2 * bins }, (_, i) => i % 7);
    const old = {
      ...now,
      version: 1 as const,
      histogram: [...slot(0), ...noise, ...slot(1), ...slot(2), ...slot(3)],
    };
    const b = AnomalyDetector.restore(JSON.parse(JSON.stringify(old)) as AnomalyDetectorState);
    for (let i = 800; i < values.length; i++) {
      const t = start + i * fiveMinutes;
      expect(b.score(t, values[i])).toBe(a.score(t, values[i]));
    }
  });

  it('keeps its state to a few KB however long the series', () => {
    const d = new AnomalyDetector();
    scoreAll(dailySeries(30, 7), d);
    const bytes = JSON.stringify(d.snapshot()).length;
    expect(bytes).toBeLessThan(16_000);
  });

  it('scores a spike in a noisy daily pattern above anything on the clean pattern', () => {
    const values = dailySeries(10, 42);
    const quiet = scoreAll(values);
    const spiked = values.slice();
    spiked[2500] += 40;
    const scores = scoreAll(spiked);
    const before = Math.max(...quiet.slice(1000));
    expect(scores[2500]).toBeGreaterThan(0.5);
    expect(scores[2500]).toBeGreaterThan(before);
  });

  it('scores a level shift and a daily pattern that goes flat above anything on the clean pattern', () => {
    const values = dailySeries(10, 3);
    const shifted = values.map((v, i) => (i >= 2400 ? v + 15 : v));
    const shiftScores = scoreAll(shifted);
    const quiet = Math.max(...scoreAll(values).slice(1000));
    expect(Math.max(...shiftScores.slice(2400, 2412))).toBeGreaterThan(quiet);
    const flat = values.map((v, i) => (i >= 2400 && i < 2700 ? 50 : v));
    expect(Math.max(...scoreAll(flat).slice(2400, 2700))).toBeGreaterThan(quiet);
  });

  it('scores a level shift high when it comes, then learns the new level: a day on, it scores as ordinary', () => {
    const values = dailySeries(14, 3);
    const shifted = values.map((v, i) => (i >= 2400 ? v + 15 : v));
    const scores = scoreAll(shifted);
    const atShift = Math.max(...scores.slice(2400, 2412));
    const dayLater = Math.max(...scores.slice(2400 + 288));
    expect(atShift).toBeGreaterThan(0.6);
    // 0.32 is the anomaly rules' default threshold (the corpus-best one on NAB).
    expect(dayLater).toBeLessThan(0.32);
  });

  it('learns a sharp daily pattern (on 08:00–16:00, off otherwise): quiet once learnt, loud when a day skips it', () => {
    let state = 1;
    const random = () => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    const onHours = (i: number) => i % 288 >= 96 && i % 288 < 192;
    const values = Array.from({ length: 14 * 288 }, (_, i) => (onHours(i) ? 80 : 10) + random() - 0.5);
    const learnt = Math.max(...scoreAll(values).slice(3 * 288));
    expect(learnt).toBeLessThan(0.32);
    const skipped = values.map((v, i) => (i >= 10 * 288 && i < 11 * 288 && onHours(i) ? v - 70 : v));
    const skippedScores = scoreAll(skipped).slice(10 * 288 + 96, 10 * 288 + 192);
    expect(Math.max(...skippedScores)).toBeGreaterThan(0.4);
  });
});
