// The assignment solver alone: on random small problems (costs of any sign, forbidden pairs, capacities, convex
// load costs, a price for leaving a ticket unassigned) its total equals the best found by trying every choice.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AssignmentProblem, solveAssignment } from '../../src/technicians/min-cost-flow.js';

function totalCost(problem: AssignmentProblem, choice: ArrayLike<number>): number {
  const held = new Array(problem.people).fill(0);
  let total = 0;
  for (let i = 0; i < problem.tickets; i++) {
    const p = choice[i];
    if (p < 0) {
      total += problem.unassignedCost[i];
      continue;
    }
    if (held[p] >= problem.capacity[p]) return Number.POSITIVE_INFINITY;
    total += problem.cost[i * problem.people + p] + problem.marginal[problem.marginalStart[p] + held[p]];
    held[p]++;
  }
  return total;
}

function bruteForce(problem: AssignmentProblem): number {
  let best = Number.POSITIVE_INFINITY;
  const choice = new Array(problem.tickets).fill(-1);
  const walk = (i: number) => {
    if (i === problem.tickets) {
      best = Math.min(best, totalCost(problem, choice));
      return;
    }
    for (let p = -1; p < problem.people; p++) {
      choice[i] = p;
      walk(i + 1);
    }
  };
  walk(0);
  return best;
}

const problemArb = fc
  .record({ tickets: fc.integer({ min: 0, max: 6 }), people: fc.integer({ min: 0, max: 4 }) })
  .chain(({ tickets, people }) =>
    fc.record({
      tickets: fc.constant(tickets),
      people: fc.constant(people),
      cost: fc.array(fc.oneof(fc.integer({ min: -50, max: 50 }), fc.constant(Number.POSITIVE_INFINITY)), {
        minLength: tickets * people,
        maxLength: tickets * people,
      }),
      unassigned: fc.array(fc.integer({ min: -10, max: 80 }), { minLength: tickets, maxLength: tickets }),
      capacity: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: people, maxLength: people }),
      steps: fc.array(fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 3, maxLength: 3 }), {
        minLength: people,
        maxLength: people,
      }),
      order: fc.shuffledSubarray([...Array(tickets).keys()], { minLength: tickets, maxLength: tickets }),
    }),
  )
  .map((r): AssignmentProblem => {
    // Convex: each person's marginal costs are a running sum of non-negative steps from any start.
    const marginal: number[] = [];
    const marginalStart = r.capacity.map((cap, p) => {
      const start = marginal.length;
      let m = r.steps[p][0] - 5;
      for (let j = 0; j < cap; j++) {
        marginal.push(m);
        m += r.steps[p][(j + 1) % 3];
      }
      return start;
    });
    return {
      tickets: r.tickets,
      people: r.people,
      cost: Float64Array.from(r.cost),
      unassignedCost: Float64Array.from(r.unassigned),
      capacity: Int32Array.from(r.capacity),
      marginal: Float64Array.from(marginal),
      marginalStart: Int32Array.from(marginalStart),
      order: r.order,
    };
  });

describe('solveAssignment', () => {
  it('finds the minimum total cost, within capacity and never on a forbidden pair', () => {
    fc.assert(
      fc.property(problemArb, (problem) => {
        const choice = solveAssignment(problem);
        expect(choice).toHaveLength(problem.tickets);
        expect(totalCost(problem, choice)).toBe(bruteForce(problem));
      }),
      { numRuns: 400 },
    );
  });

  it('solves a textbook 3 × 3 assignment', () => {
    // Rows: tickets; columns: people with one slot each; the optimum is 1→B, 2→A, 3→C (cost 5 + 2 + 2 = 9).
    const cost = [4, 5, 8, 2, 6, 7, 6, 9, 2];
    const choice = solveAssignment({
      tickets: 3,
      people: 3,
      cost: Float64Array.from(cost),
      unassignedCost: new Float64Array(3).fill(100),
      capacity: Int32Array.from([1, 1, 1]),
      marginal: new Float64Array(3),
      marginalStart: Int32Array.from([0, 1, 2]),
    });
    expect(Array.from(choice)).toEqual([1, 0, 2]);
  });
});
