// The group policies' choice of a person (pure), by example and by property: nobody unavailable is ever
// picked, nobody is picked only when nobody is available, round-robin visits every available member once per
// cycle, least-loaded takes the fewest open tickets and best skill the highest match.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Available,
  chooseAssignee,
  describeCandidate,
  type PickingPolicy,
  skillMatch,
  unavailability,
} from '../../src/technicians/assignment-choice.js';

const now = Date.parse('2026-03-02T09:00:00Z');
const person = (userId: number, over: Partial<Available> = {}): Available => ({
  userId,
  name: `P${userId}`,
  skills: {},
  openTickets: 0,
  maxOpenTickets: 10,
  onShiftUntil: Date.parse('2026-03-02T17:00:00Z'),
  onLeave: false,
  timeZone: 'Europe/Berlin',
  ...over,
});

const arbPerson = fc.record({
  userId: fc.integer({ min: 1, max: 40 }),
  openTickets: fc.integer({ min: 0, max: 6 }),
  maxOpenTickets: fc.integer({ min: 0, max: 6 }),
  onShift: fc.boolean(),
  onLeave: fc.boolean(),
  vpn: fc.integer({ min: 0, max: 5 }),
  dns: fc.integer({ min: 0, max: 5 }),
});
const arbPeople = fc.uniqueArray(arbPerson, { selector: (p) => p.userId, maxLength: 8 }).map((ps) =>
  ps.map((p) =>
    person(p.userId, {
      openTickets: p.openTickets,
      maxOpenTickets: p.maxOpenTickets,
      onShiftUntil: p.onShift ? now + 3_600_000 : null,
      onLeave: p.onLeave,
      skills: { ...(p.vpn ? { VPN: p.vpn } : {}), ...(p.dns ? { DNS: p.dns } : {}) },
    }),
  ),
);
const arbNeeds = fc.record({ VPN: fc.integer({ min: 1, max: 5 }) }, { requiredKeys: [] });
const arbPolicy = fc.constantFrom<PickingPolicy>('round_robin', 'least_loaded', 'best_skill');

describe('chooseAssignee', () => {
  it('explains a choice as the issue asks: skill, open tickets, shift end in local time', () => {
    const p = person(1, { skills: { VPN: 4 }, openTickets: 2 });
    expect(describeCandidate(p, { VPN: 3 }, now)).toBe('skill VPN 4/5, 2 open tickets, on shift until 18:00');
    const r = chooseAssignee('best_skill', [p], { VPN: 3 }, null, now);
    expect(r).toEqual({
      userId: 1,
      reason: 'best skill match: P1 (skill VPN 4/5, 2 open tickets, on shift until 18:00)',
    });
  });

  it('says why nobody can take it', () => {
    const r = chooseAssignee(
      'round_robin',
      [
        person(1, { onLeave: true }),
        person(2, { onShiftUntil: null }),
        person(3, { openTickets: 4, maxOpenTickets: 4 }),
      ],
      {},
      null,
      now,
    );
    expect(r.userId).toBeNull();
    expect(r.reason).toBe(
      'nobody can take it now (P1: on leave; P2: off shift; P3: full (4/4 open tickets))',
    );
  });

  it('never picks someone unavailable, and picks nobody only when nobody is available', () => {
    fc.assert(
      fc.property(
        arbPolicy,
        arbPeople,
        arbNeeds,
        fc.option(fc.integer({ min: 1, max: 40 })),
        (policy, people, needs, last) => {
          const r = chooseAssignee(policy, people, needs, last, now);
          const available = people.filter((p) => unavailability(p) === null);
          if (available.length === 0) expect(r.userId).toBeNull();
          else expect(available.map((p) => p.userId)).toContain(r.userId);
        },
      ),
    );
  });

  it('least-loaded takes the fewest open tickets; best skill the highest match', () => {
    fc.assert(
      fc.property(arbPeople, arbNeeds, (people, needs) => {
        const available = people.filter((p) => unavailability(p) === null);
        fc.pre(available.length > 0);
        const least = chooseAssignee('least_loaded', people, needs, null, now);
        const fewest = Math.min(...available.map((p) => p.openTickets));
        expect(people.find((p) => p.userId === least.userId)?.openTickets).toBe(fewest);
        const best = chooseAssignee('best_skill', people, needs, null, now);
        const top = Math.max(...available.map((p) => skillMatch(p, needs)));
        expect(skillMatch(people.find((p) => p.userId === best.userId) as Available, needs)).toBe(top);
      }),
    );
  });

  it('round-robin visits every available member exactly once per cycle, in id order', () => {
    fc.assert(
      fc.property(arbPeople, fc.option(fc.integer({ min: 0, max: 41 })), (people, start) => {
        const available = people.filter((p) => unavailability(p) === null);
        fc.pre(available.length > 0);
        let last = start;
        const seen: number[] = [];
        for (let i = 0; i < available.length; i++) {
          const r = chooseAssignee('round_robin', people, {}, last, now);
          seen.push(r.userId as number);
          last = r.userId;
        }
        expect([...seen].sort((a, b) => a - b)).toEqual(available.map((p) => p.userId).sort((a, b) => a - b));
        // And the cycle starts again where it began.
        expect(chooseAssignee('round_robin', people, {}, last, now).userId).toBe(seen[0]);
      }),
    );
  });
});
