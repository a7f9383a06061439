// The pure rules of change management: half-open windows (touching is not overlapping), the conflict sweep
// against the definition on every pair, and the state table (standard changes skip the CAB, only the CAB leaves
// awaiting_cab, final states are final).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canMoveChange,
  changeStates,
  changeTypes,
  findConflicts,
  nextChangeStates,
  type ScheduledChange,
  windowsOverlap,
} from '../../src/changes/index.js';

describe('change windows', () => {
  it('touching windows do not overlap; one millisecond more does', () => {
    expect(windowsOverlap({ start: 0, end: 10 }, { start: 10, end: 20 })).toBe(false);
    expect(windowsOverlap({ start: 10, end: 20 }, { start: 0, end: 10 })).toBe(false);
    expect(windowsOverlap({ start: 0, end: 11 }, { start: 10, end: 20 })).toBe(true);
    expect(windowsOverlap({ start: 0, end: 30 }, { start: 10, end: 20 })).toBe(true);
  });

  it('the sweep finds exactly the pairs on a shared service with overlapping windows', () => {
    const change = fc
      .record({
        start: fc.integer({ min: 0, max: 100 }),
        length: fc.integer({ min: 1, max: 30 }),
        serviceIds: fc.uniqueArray(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }),
      })
      .map((c) => ({ start: c.start, end: c.start + c.length, serviceIds: c.serviceIds }));
    fc.assert(
      fc.property(fc.array(change, { maxLength: 25 }), (raw) => {
        const changes: ScheduledChange[] = raw.map((c, i) => ({ ...c, id: i + 1 }));
        const got = findConflicts(changes);
        for (const a of changes) {
          const expected = changes
            .filter(
              (b) =>
                b.id !== a.id &&
                a.start < b.end &&
                b.start < a.end &&
                a.serviceIds.some((s) => b.serviceIds.includes(s)),
            )
            .map((b) => b.id);
          expect(got.get(a.id)).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('change states', () => {
  it('a standard change is scheduled without a CAB; normal and emergency ones are not', () => {
    expect(canMoveChange('draft', 'scheduled', 'standard', 'person')).toBe(true);
    expect(canMoveChange('assessment', 'scheduled', 'standard', 'person')).toBe(true);
    for (const type of ['normal', 'emergency'] as const) {
      expect(canMoveChange('draft', 'scheduled', type, 'person')).toBe(false);
      expect(canMoveChange('assessment', 'scheduled', type, 'person')).toBe(false);
      expect(canMoveChange('assessment', 'awaiting_cab', type, 'person')).toBe(true);
    }
    expect(canMoveChange('assessment', 'awaiting_cab', 'standard', 'person')).toBe(false);
  });

  it('only the CAB moves a change out of awaiting_cab, except a cancellation', () => {
    expect(nextChangeStates('awaiting_cab', 'normal')).toEqual(['cancelled']);
    expect(canMoveChange('awaiting_cab', 'scheduled', 'normal', 'cab')).toBe(true);
    expect(canMoveChange('awaiting_cab', 'rejected', 'emergency', 'cab')).toBe(true);
    expect(canMoveChange('scheduled', 'implementing', 'normal', 'cab')).toBe(false);
  });

  it('closed, rejected and cancelled are final; review is left only by the review', () => {
    for (const type of changeTypes)
      for (const from of ['closed', 'rejected', 'cancelled', 'review'] as const)
        for (const to of changeStates) {
          expect(canMoveChange(from, to, type, 'person')).toBe(false);
          expect(canMoveChange(from, to, type, 'cab')).toBe(false);
        }
  });
});
