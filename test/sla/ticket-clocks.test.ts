// The stored form of a ticket's clocks: written by hand for speed, so it must equal what JSON.stringify writes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SlaClock } from '../../src/sla/sla-clock.js';
import { storedClocksJson, summarise } from '../../src/sla/ticket-clocks.js';

const num = fc.oneof(fc.integer(), fc.double(), fc.constant(0));
const maybe = fc.option(num, { nil: null });
const threshold = fc.record({ atElapsedMs: num, reachedAt: maybe, expectedAt: maybe });
const clock = fc.record({
  target: fc.constantFrom('first_response', 'next_response', 'resolution', 'ola'),
  phase: fc.constantFrom('inactive', 'running', 'paused', 'achieved'),
  cycle: fc.nat(),
  groupId: fc.option(fc.nat(), { nil: null }),
  startedAt: maybe,
  targetMs: num,
  dueAt: maybe,
  elapsedMs: num,
  remainingMs: num,
  pausedMs: num,
  warned: fc.boolean(),
  breached: fc.boolean(),
  achievedAt: maybe,
  achievedMs: maybe,
  marginMs: maybe,
  warning: fc.option(threshold, { nil: null }),
  breach: threshold,
  levels: fc.array(threshold, { maxLength: 2 }),
}) as fc.Arbitrary<SlaClock>;

describe('stored clocks', () => {
  it('are written exactly as JSON.stringify writes their summaries', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string(), { nil: null }),
        fc.array(clock, { maxLength: 5 }),
        (name, clocks) => {
          expect(storedClocksJson(name, clocks)).toBe(
            JSON.stringify({ policyName: name, clocks: clocks.map(summarise) }),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});
