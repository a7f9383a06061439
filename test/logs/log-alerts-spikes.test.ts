// Spike detection's invariants (fast-check), on the pure verdict over minute counts: a constant rate never alerts,
// noise within the baseline never alerts, a quiet pattern going from 0 to 2 a minute is no spike, a 10× step alerts
// within the evaluation window, and a daily peak is its own normal once the seasonal baseline has the days.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { detectSpike, judgeSpike, median, scaledMad, spikeSettings } from '../../src/logs/spike-detection.js';

const minute = 60_000;
const day = 1440 * minute;
/** A minute start to measure from (2026-03-02T00:00Z). */
const origin = Date.parse('2026-03-02T00:00:00Z');

/** Counts by minute start: `count(i)` for minute i from `first`, for `minutes` minutes. */
function series(first: number, minutes: number, count: (i: number) => number): Map<number, number> {
  const out = new Map<number, number>();
  for (let i = 0; i < minutes; i++) {
    const n = count(i);
    if (n > 0) out.set(first + i * minute, n);
  }
  return out;
}

/** A deterministic noise in [-1, 1] per minute from a seed (no Math.random: a failure replays). */
function noise(seed: number, i: number): number {
  const x = Math.sin(seed * 12.9898 + i * 78.233) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

describe('median and MAD', () => {
  it('are the middle value and the scaled middle deviation', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(scaledMad([1, 1, 2, 2, 4, 6, 9])).toBeCloseTo(1.4826);
  });
});

describe('spike verdicts', () => {
  it('a constant rate never alerts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 30 + spikeSettings.windowMinutes, max: 10 * 1440 }),
        (rate, minutes) => {
          const counts = series(origin, minutes, () => rate);
          const v = detectSpike({ counts, firstMinute: origin, now: origin + minutes * minute });
          expect(v).not.toBeNull();
          expect(v?.spiking).toBe(false);
        },
      ),
    );
  });

  it('noise within the baseline (±50% around a level) never alerts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 40, max: 4 * 1440 }),
        (level, seed, minutes) => {
          const counts = series(origin, minutes, (i) => Math.round(level * (1 + 0.5 * noise(seed, i))));
          const v = detectSpike({ counts, firstMinute: origin, now: origin + minutes * minute });
          expect(v?.spiking).toBe(false);
        },
      ),
    );
  });

  it('a rate at or under the floor never alerts, whatever its baseline (0 → 2 a minute is no spike)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: spikeSettings.minRate }), {
          minLength: spikeSettings.windowMinutes,
          maxLength: spikeSettings.windowMinutes,
        }),
        fc.integer({ min: 30, max: 600 }),
        (window, quiet) => {
          const counts = series(origin, quiet + window.length, (i) => (i < quiet ? 0 : window[i - quiet]));
          const v = detectSpike({
            counts,
            firstMinute: origin,
            now: origin + (quiet + window.length) * minute,
          });
          expect(v?.spiking).toBe(false);
        },
      ),
    );
    expect(judgeSpike(new Array(120).fill(0), [2, 2, 2, 2, 2]).spiking).toBe(false);
  });

  it('a step of 10× alerts within the evaluation window', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 30 + spikeSettings.windowMinutes, max: 3 * 1440 }),
        (level, seed, before) => {
          // ±20% noise before and after the step; the step multiplies the level by 10.
          const count = (i: number) =>
            Math.round((i < before ? level : 10 * level) * (1 + 0.2 * noise(seed, i)));
          const counts = series(origin, before + spikeSettings.windowMinutes, count);
          const verdicts = [];
          for (let j = 1; j <= spikeSettings.windowMinutes; j++)
            verdicts.push(detectSpike({ counts, firstMinute: origin, now: origin + (before + j) * minute }));
          // Certain once the window is all after the step; usually sooner.
          expect(verdicts.at(-1)?.spiking).toBe(true);
          // And never before the step.
          expect(detectSpike({ counts, firstMinute: origin, now: origin + before * minute })?.spiking).toBe(
            false,
          );
        },
      ),
    );
  });

  it('has no verdict on a pattern with less than half an hour of history', () => {
    const counts = series(origin, 20, () => 3);
    expect(detectSpike({ counts, firstMinute: origin, now: origin + 20 * minute })).toBeNull();
  });

  it('takes the same time of day on past days as the baseline once it has three days of them', () => {
    // A nightly backup logs 200 a minute from 02:00 to 02:30 each night, 5 a minute otherwise.
    const nightly = (i: number) => (i % 1440 >= 120 && i % 1440 < 150 ? 200 : 5);
    const at0220 = (days: number) => origin + days * day + 140 * minute;
    const long = series(origin, 8 * 1440, nightly);
    const seasonal = detectSpike({ counts: long, firstMinute: origin, now: at0220(7) });
    expect(seasonal).toMatchObject({ kind: 'seasonal', spiking: false });
    // With one night of history the recent hours are the baseline, and the backup is a spike.
    const short = series(origin, 2 * 1440, nightly);
    expect(detectSpike({ counts: short, firstMinute: origin, now: at0220(1) })).toMatchObject({
      kind: 'recent',
      spiking: true,
    });
  });
});
