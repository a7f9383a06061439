// The queue optimiser against assignments worked out by hand, against brute force on small queues (it must find
// the optimum of the objective it states), and as properties: never worse than round-robin or least-loaded,
// within capacity and eligibility, every free slot used while tickets wait, deterministic, explained.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { proposeLeastLoaded, proposeRoundRobin } from '../../src/technicians/assignment-baselines.js';
import {
  freeSlots,
  objectiveValue,
  type Proposal,
  proposeAssignments,
  type QueueCandidate,
  type QueueTicket,
} from '../../src/technicians/queue-optimiser.js';

const h = 3_600_000;
const now = Date.parse('2026-03-16T10:00:00Z'); // a Monday, 11:00 in Berlin
const options = { now, timeZone: 'Europe/Berlin' };

const ticket = (id: number, over: Partial<QueueTicket> = {}): QueueTicket => ({
  id,
  skills: {},
  dueAt: null,
  priority: 3,
  createdAt: now - h,
  ...over,
});
const person = (userId: number, over: Partial<QueueCandidate> = {}): QueueCandidate => ({
  userId,
  name: `user ${userId}`,
  skills: {},
  openTickets: 0,
  maxOpenTickets: 5,
  onShiftUntil: Date.parse('2026-03-16T17:00:00Z'), // 18:00 in Berlin
  onLeave: false,
  ...over,
});
const users = (proposals: Proposal[]) => proposals.map((p) => p.userId);

describe('proposals worked out by hand', () => {
  it('gives a ticket to the technician with the skill, and says why in words', () => {
    const [p] = proposeAssignments(
      [ticket(1, { skills: { VPN: 4 }, priority: 4 })],
      [
        person(10, { name: 'Ana', skills: { VPN: 4 }, openTickets: 1, maxOpenTickets: 8 }),
        person(11, { name: 'Ben', skills: { VPN: 2 }, maxOpenTickets: 8 }),
      ],
      options,
    );
    expect(p.userId).toBe(10);
    expect(p.reason).toBe('skill VPN 4/5, 1 open ticket, on shift until 18:00');
    // urgency 700 + 50 × 4 = 900; fit 100 × (1 + 200/250) = 180; Ana's 2nd ticket of 8 costs round(340 × 3 / 8)
    // = 128: 952. Ben, 2 levels short: 900 + round(45 × 1.8) = 81, his 1st ticket round(340 / 8) = 43: 938.
    expect(p.score).toEqual({ skill: 180, urgency: 900, load: 128, total: 952 });
  });

  it('prefers an idle near-match to an expert with a queue: a ticket ahead weighs about a skill level', () => {
    const proposals = proposeAssignments(
      [ticket(1, { skills: { VPN: 4 }, priority: 4 })],
      [
        person(10, { name: 'Ana', skills: { VPN: 4 }, openTickets: 3, maxOpenTickets: 8 }),
        person(11, { name: 'Ben', skills: { VPN: 3 }, maxOpenTickets: 8 }),
      ],
      options,
    );
    // Ana: 900 + 180 − round(340 × 7 / 8) = 782; Ben: 900 + round(60 × 1.8) − 43 = 965.
    expect(proposals[0]).toMatchObject({
      userId: 11,
      reason: 'skill VPN 3/5 (needs 4), 0 open tickets, on shift until 18:00',
    });
  });

  it('spreads tickets over equally skilled people', () => {
    const proposals = proposeAssignments(
      [1, 2, 3, 4, 5, 6].map((id) => ticket(id)),
      [person(10, { openTickets: 1 }), person(11, { openTickets: 3 }), person(12, { openTickets: 0 })],
      { ...options },
    );
    const held = new Map<number | null, number>();
    for (const p of proposals) held.set(p.userId, (held.get(p.userId) ?? 0) + 1);
    // 1 + 3 + 0 open and 6 new: 10 over three people, at most one apart → 3/3/4 in total
    expect([1 + (held.get(10) ?? 0), 3 + (held.get(11) ?? 0), held.get(12) ?? 0].sort()).toEqual([3, 3, 4]);
  });

  it('gives the urgent ticket the best match and the other the next best', () => {
    const proposals = proposeAssignments(
      [
        ticket(1, { skills: { VPN: 3 }, priority: 1 }),
        ticket(2, { skills: { VPN: 3 }, priority: 5, dueAt: now + h / 2 }),
      ],
      [
        person(10, { skills: { VPN: 2 }, maxOpenTickets: 1 }),
        person(11, { skills: { VPN: 3 }, maxOpenTickets: 1 }),
      ],
      options,
    );
    expect(users(proposals)).toEqual([10, 11]);
    expect(proposals[1].reason).toBe(
      'skill VPN 3/5, 0 open tickets, on shift until 18:00; SLA due in 30 min',
    );
    expect(proposals[0].reason).toBe('skill VPN 2/5 (needs 3), 0 open tickets, on shift until 18:00');
  });

  it('is not a greedy loop: the first pick gives way when that is better overall', () => {
    // Ana fits both tickets; Ben only the urgent one. Greedy gives the urgent ticket to Ana and strands the other
    // with Ben, who lacks Linux; the optimum sends the urgent ticket to Ben (a near match) and Linux to Ana.
    const proposals = proposeAssignments(
      [
        ticket(1, { skills: { VPN: 3 }, priority: 5, dueAt: now + h }),
        ticket(2, { skills: { Linux: 3 }, priority: 4, dueAt: now + h }),
      ],
      [
        person(10, { name: 'Ana', skills: { VPN: 3, Linux: 3 }, maxOpenTickets: 1 }),
        person(11, { name: 'Ben', skills: { VPN: 4 }, maxOpenTickets: 1 }),
      ],
      options,
    );
    expect(users(proposals)).toEqual([11, 10]);
    expect(proposals[1].reason).toContain('skill Linux 3/5');
    expect(proposals[0].reason).toContain('skill VPN 4/5');
  });

  it('when slots are short, the most urgent tickets take them and the rest say why', () => {
    const proposals = proposeAssignments(
      [ticket(1, { priority: 2 }), ticket(2, { priority: 5, dueAt: now - h }), ticket(3, { priority: 3 })],
      [person(10, { openTickets: 4, maxOpenTickets: 5 }), person(11, { onLeave: true })],
      options,
    );
    expect(users(proposals)).toEqual([null, 10, null]);
    expect(proposals[1].reason).toBe(
      'no skills needed, 4 open tickets, on shift until 18:00; SLA breached 1 h ago',
    );
    expect(proposals[0].reason).toBe(
      'everyone on shift is at capacity: their 1 free slot went to more urgent tickets',
    );
    expect(proposals[0].score).toEqual({ skill: 0, urgency: 0, load: 0, total: 0 });
  });

  it('says why nobody can take a ticket', () => {
    const reason = (candidates: QueueCandidate[]) => proposeAssignments([ticket(1)], candidates, options)[0];
    expect(reason([])).toMatchObject({ userId: null, reason: 'nobody in the group to assign to' });
    expect(reason([person(1, { onShiftUntil: null }), person(2, { onShiftUntil: now })]).reason).toBe(
      'nobody on shift',
    );
    expect(reason([person(1, { onLeave: true })]).reason).toBe('everyone is on leave');
    expect(reason([person(1, { openTickets: 5 })]).reason).toBe('everyone is at capacity');
    expect(
      reason([
        person(1, { onLeave: true }),
        person(2, { onShiftUntil: null }),
        person(3, { maxOpenTickets: 0 }),
      ]).reason,
    ).toBe('nobody available: 1 off shift, 1 on leave, 1 at capacity');
  });

  it('names missing and short skills, and shifts that end on another day, in the zone given', () => {
    const [p] = proposeAssignments(
      [ticket(1, { skills: { VPN: 3, Linux: 2 } })],
      [person(10, { skills: { vpn: 1 }, openTickets: 1, onShiftUntil: Date.parse('2026-03-17T01:00:00Z') })],
      options,
    );
    expect(p.reason).toBe(
      'skills VPN 1/5 (needs 3), no Linux (needs 2), 1 open ticket, on shift until Tue 02:00',
    );
    const [q] = proposeAssignments(
      [ticket(1)],
      [person(10, { onShiftUntil: Date.parse('2026-03-16T22:00:00Z') })],
      { now, timeZone: 'America/New_York' },
    );
    expect(q.reason).toBe('no skills needed, 0 open tickets, on shift until 18:00');
  });

  it('tells shift ends in local time across a DST change, and far ends with their date', () => {
    // 29 March 2026: Berlin moves from 02:00 CET to 03:00 CEST; 10:00 UTC is 12:00 local, not 11:00.
    const dstNow = Date.parse('2026-03-29T00:30:00Z');
    const [p] = proposeAssignments(
      [ticket(1, { dueAt: dstNow - 50 * h })],
      [person(10, { onShiftUntil: Date.parse('2026-03-29T10:00:00Z') })],
      { now: dstNow, timeZone: 'Europe/Berlin' },
    );
    expect(p.reason).toBe('no skills needed, 0 open tickets, on shift until 12:00; SLA breached 2 days ago');
    const [q] = proposeAssignments(
      [ticket(1, { dueAt: now + 90 * 60_000 })],
      [person(10, { onShiftUntil: Date.parse('2026-03-26T17:00:00Z') })],
      options,
    );
    expect(q.reason).toBe(
      'no skills needed, 0 open tickets, on shift until 26 Mar 18:00; SLA due in 1 h 30 min',
    );
  });

  it('scores any assignment on the objective, and an infeasible one as −Infinity', () => {
    const tickets = [ticket(1), ticket(2)];
    const people = [person(10, { maxOpenTickets: 1 }), person(11, { onLeave: true }), person(12)];
    const value = (userIds: (number | null)[]) =>
      objectiveValue(
        tickets,
        people,
        userIds.map((userId, i) => ({ ticketId: i + 1, userId })),
        options,
      );
    // Each: urgency 850 + fit 100 × 1.6 = 160; person 10's 1st of 1 costs 340, person 12's 1st and 2nd of 5 cost
    // 68 and 204.
    expect(value([10, 12])).toBe(850 + 160 - 340 + 850 + 160 - 68);
    expect(value([12, 12])).toBe(2 * (850 + 160) - 68 - 204);
    expect(value([null, null])).toBe(0);
    expect(value([10, 10])).toBe(Number.NEGATIVE_INFINITY); // over capacity
    expect(value([11, null])).toBe(Number.NEGATIVE_INFINITY); // on leave
    expect(value([99, null])).toBe(Number.NEGATIVE_INFINITY); // not a candidate
    expect(
      objectiveValue(
        tickets,
        people,
        [
          { ticketId: 1, userId: 12 },
          { ticketId: 1, userId: 12 },
        ],
        options,
      ),
    ).toBe(Number.NEGATIVE_INFINITY); // the same ticket twice
    expect(users(proposeAssignments(tickets, people, options))).toEqual([12, 12]);
  });

  it('handles empty queues and refuses an unknown zone', () => {
    expect(proposeAssignments([], [person(1)], options)).toEqual([]);
    expect(proposeAssignments([], [], options)).toEqual([]);
    expect(() => proposeAssignments([ticket(1)], [person(1)], { now, timeZone: 'Mars/Olympus' })).toThrow(
      /time zone/,
    );
    const many = Array.from({ length: 201 }, (_, i) => person(i + 1));
    expect(() => proposeAssignments([ticket(1)], many, options)).toThrow(
      /at most 5000 tickets and 200 people/,
    );
  });

  it('reads bad numbers safely: nothing crashes, nobody takes more than their capacity', () => {
    const proposals = proposeAssignments(
      [
        ticket(1, { priority: Number.NaN, skills: { VPN: 99 }, dueAt: Number.NaN }),
        ticket(2, { priority: -4 }),
      ],
      [
        person(1, { openTickets: Number.NaN, maxOpenTickets: Number.POSITIVE_INFINITY }),
        person(1, { maxOpenTickets: 9 }), // the same user twice counts once
        person(2, { openTickets: -3, maxOpenTickets: 1, skills: { VPN: -2 } }),
      ],
      options,
    );
    expect(proposals.every((p) => Number.isFinite(p.score.total))).toBe(true);
    expect(proposals.filter((p) => p.userId === 1)).toHaveLength(0); // max NaN-like → 0 capacity
    expect(users(proposals).filter((u) => u === 2).length).toBeLessThanOrEqual(1);
  });
});

// Generated queues: a few skills, tickets with needs and deadlines, people with skills, load, shifts and leave.
const skillNames = ['VPN', 'Linux', 'Windows', 'Network'];
const skillsArb = fc
  .subarray(skillNames, { maxLength: 3 })
  .chain((names) =>
    fc
      .tuple(...names.map(() => fc.integer({ min: 1, max: 5 })))
      .map((ls) => Object.fromEntries(names.map((n, i) => [n, ls[i]]))),
  );
const ticketsArb = (max: number) =>
  fc
    .array(
      fc.record({
        skills: skillsArb,
        dueAt: fc.option(
          fc.integer({ min: -6 * 60, max: 48 * 60 }).map((m) => now + m * 60_000),
          { nil: null },
        ),
        priority: fc.integer({ min: 1, max: 5 }),
      }),
      { maxLength: max },
    )
    .map((ts) => ts.map((t, i) => ticket(100 + i, t)));
const peopleArb = (max: number) =>
  fc
    .array(
      fc.record({
        skills: skillsArb,
        openTickets: fc.integer({ min: 0, max: 6 }),
        maxOpenTickets: fc.integer({ min: 0, max: 8 }),
        onShiftUntil: fc.option(
          fc.integer({ min: -2 * 60, max: 12 * 60 }).map((m) => now + m * 60_000),
          {
            nil: null,
            freq: 5,
          },
        ),
        onLeave: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      }),
      { maxLength: max },
    )
    .map((ps) => ps.map((p, i) => person(i + 1, p)));

/** The best objective over every feasible choice (each ticket: nobody or one of the people with a slot left). */
function bruteForce(tickets: QueueTicket[], candidates: QueueCandidate[]): number {
  const free = freeSlots(candidates, now);
  let best = Number.NEGATIVE_INFINITY;
  const pick: (number | null)[] = tickets.map(() => null);
  const walk = (i: number) => {
    if (i === tickets.length) {
      const value = objectiveValue(
        tickets,
        candidates,
        tickets.map((t, j) => ({ ticketId: t.id, userId: pick[j] })),
        options,
      );
      if (value > best) best = value;
      return;
    }
    pick[i] = null;
    walk(i + 1);
    candidates.forEach((c, p) => {
      if (free[p] === 0) return;
      free[p]--;
      pick[i] = c.userId;
      walk(i + 1);
      free[p]++;
    });
  };
  walk(0);
  return best;
}

describe('the optimum of the stated objective', () => {
  it('equals brute force on queues of up to 6 tickets and 4 people', () => {
    fc.assert(
      fc.property(ticketsArb(6), peopleArb(4), (tickets, candidates) => {
        const proposals = proposeAssignments(tickets, candidates, options);
        expect(objectiveValue(tickets, candidates, proposals, options)).toBe(bruteForce(tickets, candidates));
      }),
      { numRuns: 150 },
    );
  });

  it('is never worse than round-robin or least-loaded, and the proposal terms add up to the objective', () => {
    fc.assert(
      fc.property(ticketsArb(40), peopleArb(8), fc.nat(20), (tickets, candidates, start) => {
        const proposals = proposeAssignments(tickets, candidates, options);
        const value = objectiveValue(tickets, candidates, proposals, options);
        const rr = proposeRoundRobin(tickets, candidates, options, start).proposals;
        const ll = proposeLeastLoaded(tickets, candidates, options);
        expect(objectiveValue(tickets, candidates, rr, options)).toBeGreaterThan(Number.NEGATIVE_INFINITY);
        expect(objectiveValue(tickets, candidates, ll, options)).toBeGreaterThan(Number.NEGATIVE_INFINITY);
        expect(value).toBeGreaterThanOrEqual(objectiveValue(tickets, candidates, rr, options));
        expect(value).toBeGreaterThanOrEqual(objectiveValue(tickets, candidates, ll, options));
        expect(proposals.reduce((s, p) => s + p.score.total, 0)).toBe(value);
        for (const p of [...rr, ...ll]) expect(p.score.total).toBeGreaterThan(p.userId === null ? -1 : 0);
      }),
      { numRuns: 150 },
    );
  });

  it('cannot be improved by moving one ticket or swapping two (larger queues)', () => {
    fc.assert(
      fc.property(ticketsArb(25), peopleArb(6), (tickets, candidates) => {
        const proposals = proposeAssignments(tickets, candidates, options);
        const value = objectiveValue(tickets, candidates, proposals, options);
        const choice = proposals.map((p) => p.userId);
        const scoreOf = (c: (number | null)[]) =>
          objectiveValue(
            tickets,
            candidates,
            tickets.map((t, i) => ({ ticketId: t.id, userId: c[i] })),
            options,
          );
        for (let i = 0; i < tickets.length; i++) {
          for (const u of [null, ...candidates.map((c) => c.userId)]) {
            const moved = [...choice];
            moved[i] = u;
            expect(scoreOf(moved)).toBeLessThanOrEqual(value);
          }
          for (let j = i + 1; j < tickets.length; j++) {
            const swapped = [...choice];
            [swapped[i], swapped[j]] = [swapped[j], swapped[i]];
            expect(scoreOf(swapped)).toBeLessThanOrEqual(value);
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('invariants of every proposal', () => {
  it('keeps within capacity and eligibility, fills every free slot while tickets wait, and is deterministic', () => {
    fc.assert(
      fc.property(
        ticketsArb(30),
        peopleArb(8).chain((ps) =>
          fc.tuple(fc.constant(ps), fc.array(fc.boolean(), { minLength: ps.length, maxLength: ps.length })),
        ),
        (tickets, [people, leave]) => {
          const candidates = people.map((p, i) => ({ ...p, onLeave: leave[i] && i % 3 === 0 }));
          const proposals = proposeAssignments(tickets, candidates, options);
          expect(proposals.map((p) => p.ticketId)).toEqual(tickets.map((t) => t.id));
          const free = freeSlots(candidates, now);
          const taken = new Map<number, number>();
          for (const p of proposals)
            if (p.userId !== null) taken.set(p.userId, (taken.get(p.userId) ?? 0) + 1);
          candidates.forEach((c, i) => {
            const n = taken.get(c.userId) ?? 0;
            expect(n).toBeLessThanOrEqual(free[i]);
            if (n > 0) {
              expect(c.onLeave).toBe(false);
              expect(c.onShiftUntil).toBeGreaterThan(now);
            }
          });
          const total = free.reduce((s, f) => s + f, 0);
          expect(proposals.filter((p) => p.userId !== null)).toHaveLength(Math.min(tickets.length, total));
          for (const p of proposals) expect(p.reason.length).toBeGreaterThan(0);
          expect(proposeAssignments(tickets, candidates, options)).toEqual(proposals);
          // The order people are listed in changes no value, only which of equals is picked.
          const reversed = proposeAssignments(tickets, [...candidates].reverse(), options);
          expect(objectiveValue(tickets, candidates, reversed, options)).toBe(
            objectiveValue(tickets, candidates, proposals, options),
          );
        },
      ),
      { numRuns: 120 },
    );
  });
});
