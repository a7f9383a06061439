// The side-by-side comparison: stretches that agree and differ, the agreement share, overlapping originals (two on
// call at once) and gaps, and properties that hold for any inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareFinalSchedules } from '../../../src/oncall/imports/compare.js';

const h = 3600_000;

describe('compareFinalSchedules', () => {
  it('marks matching and differing stretches and the share of agreement', () => {
    const theirs = [
      { user: 'a', start: 0, end: 4 * h },
      { user: 'b', start: 4 * h, end: 8 * h },
    ];
    const ours = [
      { user: 'a', start: 0, end: 5 * h },
      { user: 'b', start: 5 * h, end: 8 * h },
    ];
    const c = compareFinalSchedules(theirs, ours, 0, 8 * h);
    expect(c.stretches).toEqual([
      { start: 0, end: 4 * h, theirs: ['a'], ours: 'a', agree: true },
      { start: 4 * h, end: 5 * h, theirs: ['b'], ours: 'a', agree: false },
      { start: 5 * h, end: 8 * h, theirs: ['b'], ours: 'b', agree: true },
    ]);
    expect(c.matchingMs).toBe(7 * h);
    expect(c.differingMs).toBe(h);
    expect(c.agreementPercent).toBe(87.5);
  });

  it('two people on call at once in the original never agree with our one; gaps agree with gaps', () => {
    const theirs = [
      { user: 'a', start: 0, end: 2 * h },
      { user: 'b', start: h, end: 2 * h },
      { user: null, start: 2 * h, end: 3 * h },
    ];
    const ours = [
      { user: 'a', start: 0, end: 2 * h },
      { user: null, start: 2 * h, end: 4 * h },
    ];
    const c = compareFinalSchedules(theirs, ours, 0, 4 * h);
    expect(c.stretches).toEqual([
      { start: 0, end: h, theirs: ['a'], ours: 'a', agree: true },
      { start: h, end: 2 * h, theirs: ['a', 'b'], ours: 'a', agree: false },
      { start: 2 * h, end: 4 * h, theirs: [], ours: null, agree: true },
    ]);
    expect(c.agreementPercent).toBe(75);
  });

  it('clips both sides to the range', () => {
    const c = compareFinalSchedules(
      [{ user: 'a', start: -h, end: 10 * h }],
      [{ user: 'a', start: -5 * h, end: 20 * h }],
      0,
      2 * h,
    );
    expect(c.stretches).toEqual([{ start: 0, end: 2 * h, theirs: ['a'], ours: 'a', agree: true }]);
    expect(c.agreementPercent).toBe(100);
  });

  const entries = fc.array(
    fc.record({
      user: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null }),
      start: fc.integer({ min: 0, max: 100 }),
      len: fc.integer({ min: 1, max: 40 }),
    }),
    { maxLength: 12 },
  );
  /** Ours as a tiling: cut points and a person per piece. */
  const tiling = fc.array(
    fc.record({
      len: fc.integer({ min: 1, max: 30 }),
      user: fc.option(fc.constantFrom('a', 'b', 'c'), { nil: null }),
    }),
    { minLength: 1, maxLength: 10 },
  );

  it('stretches tile the range; matching and differing add up; identical sides agree fully', () => {
    fc.assert(
      fc.property(entries, tiling, (es, ts) => {
        const theirs = es.map((e) => ({ user: e.user, start: e.start, end: e.start + e.len }));
        let at = 0;
        const ours = ts.map((t) => {
          const s = { user: t.user, start: at, end: at + t.len };
          at += t.len;
          return s;
        });
        const c = compareFinalSchedules(theirs, ours, 0, at);
        let cursor = 0;
        for (const s of c.stretches) {
          expect(s.start).toBe(cursor);
          expect(s.end).toBeGreaterThan(s.start);
          cursor = s.end;
        }
        expect(cursor).toBe(at);
        expect(c.matchingMs + c.differingMs).toBe(at);
        const same = compareFinalSchedules(ours, ours, 0, at);
        expect(same.agreementPercent).toBe(100);
      }),
      { numRuns: 300 },
    );
  });
});
