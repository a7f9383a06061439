// The stored form of a ticket's clocks: written by hand for speed, so it must equal what JSON.stringify writes.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SlaPolicy } from '../../src/sla/policies.js';
import type { SlaClock } from '../../src/sla/sla-clock.js';
import {
  firedKey,
  firingsOf,
  nextCheckAt,
  storedClocksJson,
  summarise,
  targetKey,
} from '../../src/sla/ticket-clocks.js';

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

describe('next check', () => {
  const policy = {
    levels: [
      { level: 1, target: 'resolution', offsetMinutes: 0, actions: [] },
      { level: 2, target: 'resolution', offsetMinutes: 60, actions: [] },
    ],
  } as unknown as SlaPolicy;
  const time = fc.option(fc.integer({ min: 0, max: 1000 }), { nil: null });
  const th = fc.record({ atElapsedMs: fc.nat(), reachedAt: time, expectedAt: time });
  const owed = fc.record({
    target: fc.constantFrom('first_response', 'next_response', 'resolution', 'ola'),
    phase: fc.constantFrom('inactive', 'running', 'paused', 'achieved'),
    cycle: fc.nat({ max: 2 }),
    groupId: fc.constantFrom(null, 7),
    warning: fc.option(th, { nil: null }),
    breach: th,
    levels: fc.array(th, { maxLength: 2 }),
  });
  it('is the earliest unfired threshold that firingsOf lists', () => {
    fc.assert(
      fc.property(
        fc.array(owed, { maxLength: 4 }),
        fc.array(fc.nat({ max: 20 }), { maxLength: 10 }),
        (raw, firedPicks) => {
          const clocks = raw.map((c) => ({
            ...c,
            levels: c.target === 'resolution' ? c.levels : [],
          })) as unknown as SlaClock[];
          const all = firingsOf(policy, clocks);
          const key = (f: (typeof all)[number]) => firedKey(1, targetKey(f.clock), f.level, f.clock.cycle);
          const fired = new Set(firedPicks.filter((i) => i < all.length).map((i) => key(all[i])));
          const ats = all
            .filter((f) => !fired.has(key(f)))
            .map((f) => f.reachedAt ?? f.expectedAt)
            .filter((at): at is number => at !== null);
          expect(nextCheckAt(1, policy, clocks, fired)).toBe(ats.length > 0 ? Math.min(...ats) : null);
        },
      ),
      { numRuns: 500 },
    );
  });
});
