// The queue optimiser: for a group's unassigned tickets and its technicians, the assignment that maximises skill
// match and SLA urgency while balancing load — an assignment problem solved exactly (min-cost flow), not a greedy
// loop — with each proposal explained in words. Pure: the caller loads tickets and candidates.
// CONTRACT (issue 10): the types and `proposeAssignments` signature are shared; the body is the optimiser's.

export interface QueueTicket {
  id: number;
  /** Skills the ticket needs, by name, with the level it needs (1–5). */
  skills: Record<string, number>;
  /** When its SLA falls due (epoch ms), or null without a clock. */
  dueAt: number | null;
  /** 1 (very low) … 5 (very high). */
  priority: number;
  createdAt: number;
}

export interface QueueCandidate {
  userId: number;
  name: string;
  /** Skill name → level 1–5. */
  skills: Record<string, number>;
  /** Tickets they hold now (open, assigned to them). */
  openTickets: number;
  /** The most they should hold at once. */
  maxOpenTickets: number;
  /** On shift now, until this instant (epoch ms); null: off shift now. */
  onShiftUntil: number | null;
  /** On leave now. */
  onLeave: boolean;
}

export interface Proposal {
  ticketId: number;
  /** null: nobody can take it now (everyone off shift, on leave or full) — said in `reason`. */
  userId: number | null;
  /** The objective's terms for this pair, for the page and the tests. */
  score: { skill: number; urgency: number; load: number; total: number };
  /** "skill VPN 4/5, 2 open tickets, on shift until 18:00" */
  reason: string;
}

export interface OptimiseOptions {
  now: number;
  /** IANA zone for times in reasons. */
  timeZone: string;
}

export function proposeAssignments(
  _tickets: QueueTicket[],
  _candidates: QueueCandidate[],
  _options: OptimiseOptions,
): Proposal[] {
  throw new Error('not built yet: the optimiser helper fills this in');
}
