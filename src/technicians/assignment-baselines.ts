// The assignment policies the optimiser is measured against (tests and bench/assignment.ts), and that groups may
// choose: round-robin in member order and least-loaded, both skipping whoever is on leave, off shift or full.
// Pure, on the optimiser's types; each proposal carries the same objective terms and reasons as the optimiser's.
import {
  explainAssignment,
  freeSlots,
  type OptimiseOptions,
  type Proposal,
  type QueueCandidate,
  type QueueTicket,
} from './queue-optimiser.js';

/**
 * Round-robin: tickets in the order given, each to the next eligible member with a free slot after the previous
 * pick, wrapping around. `start` is the member index to begin at; `next` is where the following call resumes.
 */
export function proposeRoundRobin(
  tickets: QueueTicket[],
  candidates: QueueCandidate[],
  options: OptimiseOptions,
  start = 0,
): { proposals: Proposal[]; next: number } {
  const free = freeSlots(candidates, options.now);
  const m = candidates.length;
  let next = m === 0 ? 0 : ((Math.trunc(start) % m) + m) % m;
  const chosen = tickets.map(() => {
    for (let step = 0; step < m; step++) {
      const p = (next + step) % m;
      if (free[p] > 0) {
        free[p]--;
        next = (p + 1) % m;
        return candidates[p].userId;
      }
    }
    return null;
  });
  return { proposals: explainAssignment(tickets, candidates, chosen, options), next };
}

/** Least-loaded: tickets in the order given, each to the eligible member holding fewest tickets (then in order). */
export function proposeLeastLoaded(
  tickets: QueueTicket[],
  candidates: QueueCandidate[],
  options: OptimiseOptions,
): Proposal[] {
  const free = freeSlots(candidates, options.now);
  const held = candidates.map((c) => (Number.isFinite(c.openTickets) ? Math.max(0, c.openTickets) : 0));
  const chosen = tickets.map(() => {
    let best = -1;
    for (let p = 0; p < candidates.length; p++)
      if (free[p] > 0 && (best < 0 || held[p] < held[best])) best = p;
    if (best < 0) return null;
    free[best]--;
    held[best]++;
    return candidates[best].userId;
  });
  return explainAssignment(tickets, candidates, chosen, options);
}
