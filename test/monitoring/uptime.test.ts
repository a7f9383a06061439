// Uptime arithmetic (pure): percentages stay within 0–100, up and down time add up over adjacent ranges, pending
// and paused say nothing, maintenance turns down time into up time, and a zone's days are 23 or 25 hours at DST.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dayBoundaries,
  type StateChange,
  uptimePercent,
  uptimeTotals,
} from '../../src/monitoring/check-history.js';
import type { Interval } from '../../src/monitoring/maintenance-windows.js';

const state = fc.constantFrom('pending', 'up', 'down', 'paused') as fc.Arbitrary<StateChange['state']>;
const changes = fc
  .array(fc.record({ at: fc.integer({ min: 0, max: 10_000 }), state }), { maxLength: 12 })
  .map((list) => list.sort((a, b) => a.at - b.at));
const maintenance = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 2_000 })), { maxLength: 3 })
  .map((list) => {
    const sorted = list.map(([s, d]) => ({ start: s, end: s + d })).sort((a, b) => a.start - b.start);
    const merged: Interval[] = [];
    for (const i of sorted) {
      const last = merged[merged.length - 1];
      if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
      else merged.push(i);
    }
    return merged;
  });

describe('uptime arithmetic', () => {
  it('is a percentage, and up and down time add up over adjacent ranges', () => {
    fc.assert(
      fc.property(
        fc.array(changes, { minLength: 1, maxLength: 3 }),
        maintenance,
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        (checks, m, x, y, z) => {
          const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
          const whole = uptimeTotals(checks, m, a, c);
          const left = uptimeTotals(checks, m, a, b);
          const right = uptimeTotals(checks, m, b, c);
          expect(left.upMs + right.upMs).toBe(whole.upMs);
          expect(left.downMs + right.downMs).toBe(whole.downMs);
          expect(whole.upMs + whole.downMs).toBeLessThanOrEqual(c - a);
          const pct = uptimePercent(whole);
          if (pct !== null) {
            expect(pct).toBeGreaterThanOrEqual(0);
            expect(pct).toBeLessThanOrEqual(100);
          } else expect(whole.upMs + whole.downMs).toBe(0);
          // Maintenance never lowers uptime.
          const without = uptimePercent(uptimeTotals(checks, [], a, c));
          if (pct !== null && without !== null) expect(pct).toBeGreaterThanOrEqual(without - 1e-9);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('takes the worst of a target’s checks and ignores pending and paused ones', () => {
    const a: StateChange[] = [
      { at: 0, state: 'up' },
      { at: 50, state: 'down' },
      { at: 60, state: 'up' },
    ];
    const b: StateChange[] = [
      { at: 0, state: 'pending' },
      { at: 70, state: 'down' },
      { at: 80, state: 'paused' },
    ];
    expect(uptimeTotals([a, b], [], 0, 100)).toEqual({ upMs: 80, downMs: 20 });
    expect(uptimeTotals([b], [], 0, 70)).toEqual({ upMs: 0, downMs: 0 });
    expect(uptimePercent(uptimeTotals([b], [], 0, 70))).toBeNull();
    expect(uptimeTotals([a], [{ start: 55, end: 100 }], 0, 100)).toEqual({ upMs: 95, downMs: 5 });
  });

  it('cuts days in the zone: 23 hours on the spring change, 25 on the autumn one', () => {
    const spring = dayBoundaries(Date.parse('2026-03-29T12:00:00Z'), 2, 'Europe/Berlin');
    expect(spring.map((t) => new Date(t).toISOString())).toEqual([
      '2026-03-27T23:00:00.000Z',
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ]);
    const autumn = dayBoundaries(Date.parse('2026-10-25T12:00:00Z'), 1, 'Europe/Berlin');
    expect((autumn[1] as number) - (autumn[0] as number)).toBe(25 * 3_600_000);
  });
});
