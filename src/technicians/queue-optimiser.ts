// The queue optimiser: for a group's unassigned tickets and its technicians, the assignment that maximises skill
// match and SLA urgency while balancing load — an assignment problem solved exactly (min-cost flow), not a greedy
// loop — with each proposal explained in words. Pure: the caller loads tickets and candidates.
// CONTRACT (issue 10): the types and `proposeAssignments` signature are shared; the body is the optimiser's.
//
// The objective (docs/assignment.md), maximised, in whole points so the solver is exact:
//   Σ over assigned (ticket t, person p):  urgency(t) + round(fit(t, p) × (1 + (urgency(t) − 700) / 250))
//   − Σ over people: load(p), the sum of the marginal costs of the new tickets p takes.
//   fit(t, p), 0–100: per needed skill, the level held vs needed — 100 at exactly the level, 5 less per level
//     above (over-qualification, mild), 60 / 45 / 30 / 15 when 1 / 2 / 3 / 4 levels short, 0 when missing
//     (strong); averaged over the ticket's skills (100 when it needs none).
//   urgency(t), 750–1200: 700 + 50 × priority + up to 250 as the SLA nears (250 × 2^(−hours to due / 4); 250
//     once due or breached; 0 without a due time). Above its base it weights the fit (×1.2 … ×3: urgent tickets
//     get the best matches first); in full it is earned per assigned ticket (the price of leaving the ticket
//     waiting: when slots are short, the urgent tickets take them).
//   load: a person's k-th held ticket (counting the open ones) costs round(340 × (2k − 1) / max); the sum is
//     about 340 × held² / max, convex, so spreading work by utilisation is optimal; one more ticket ahead in a
//     queue of max 8 costs 85, about one level of skill short on an urgent ticket. It stays below 680, under
//     the least urgency, so every pair is worth assigning: capacity never goes unused while a ticket waits.
// Only eligible people take tickets: on shift now, not on leave, below their maximum — each at most
// max − open new tickets. What is left unassigned says why.
import { DateTime, IANAZone } from 'luxon';
import { Invalid } from '../core/errors.js';
import { solveAssignment } from './min-cost-flow.js';

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

/** The objective's constants, for docs/assignment.md and the tests. */
export const OBJECTIVE = {
  /** Urgency: base + per priority step + SLA term (max), half-life of the SLA term. */
  urgencyBase: 700,
  urgencyPerPriority: 50,
  urgencyDueMax: 250,
  urgencyHalfLifeHours: 4,
  /** fit × (1 + (urgency − urgencyBase) / fitWeightDivisor). */
  fitWeightDivisor: 250,
  /** Fit of one skill: at the level; per level above; 1…4 levels short; missing. */
  fitExact: 100,
  fitPerLevelOver: 5,
  fitShort: [60, 45, 30, 15] as readonly number[],
  fitMissing: 0,
  /** A person's k-th held ticket costs round(loadScale × (2k − 1) / max). */
  loadScale: 340,
} as const;

const hour = 3_600_000;
const unassignedScore = { skill: 0, urgency: 0, load: 0, total: 0 };

const clampInt = (v: unknown, lo: number, hi: number, fallback: number): number =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.round(v))) : fallback;

/** A ticket's urgency points (750–1200). */
export function ticketUrgency(ticket: QueueTicket, now: number): number {
  const priority = clampInt(ticket.priority, 1, 5, 3);
  let due = 0;
  if (typeof ticket.dueAt === 'number' && Number.isFinite(ticket.dueAt)) {
    const hoursLeft = Math.max(0, (ticket.dueAt - now) / hour);
    due = Math.round(OBJECTIVE.urgencyDueMax * 2 ** (-hoursLeft / OBJECTIVE.urgencyHalfLifeHours));
  }
  return OBJECTIVE.urgencyBase + OBJECTIVE.urgencyPerPriority * priority + due;
}

/** The weighted skill term of a pair: fit × (1 + the urgency above its base / 50), rounded. */
const skillTerm = (fit: number, urgency: number) =>
  Math.round(fit * (1 + (urgency - OBJECTIVE.urgencyBase) / OBJECTIVE.fitWeightDivisor));

interface Need {
  name: string;
  key: string;
  level: number;
}

const needsOf = (ticket: QueueTicket): Need[] =>
  Object.entries(ticket.skills ?? {}).map(([name, level]) => ({
    name,
    key: name.toLowerCase(),
    level: clampInt(level, 1, 5, 1),
  }));

/** Skill levels by lower-cased name (names match case-insensitively), 0–5. */
function levelsOf(candidate: QueueCandidate): Map<string, number> {
  const levels = new Map<string, number>();
  for (const [name, level] of Object.entries(candidate.skills ?? {})) {
    const key = name.toLowerCase();
    levels.set(key, Math.max(levels.get(key) ?? 0, clampInt(level, 0, 5, 0)));
  }
  return levels;
}

/** The fit of one skill held at `held` (0: missing) where `need` is needed. */
function levelFit(held: number, need: number): number {
  if (held === 0) return OBJECTIVE.fitMissing;
  if (held >= need) return OBJECTIVE.fitExact - OBJECTIVE.fitPerLevelOver * (held - need);
  return OBJECTIVE.fitShort[need - held - 1];
}

function skillFit(needs: Need[], levels: Map<string, number>): number {
  if (needs.length === 0) return OBJECTIVE.fitExact;
  let sum = 0;
  for (const need of needs) sum += levelFit(levels.get(need.key) ?? 0, need.level);
  return sum / needs.length;
}

/** The cost of a person's k-th held ticket (k ≥ 1), given the most they should hold. */
export function marginalLoad(k: number, maxOpen: number): number {
  return Math.round((OBJECTIVE.loadScale * (2 * k - 1)) / Math.max(1, maxOpen));
}

/** Who may take tickets now, and how many more; the first of duplicate user ids counts. */
interface Person {
  candidate: QueueCandidate;
  levels: Map<string, number>;
  open: number;
  max: number;
  free: number;
  why: 'ok' | 'leave' | 'off_shift' | 'full' | 'duplicate';
}

function peopleOf(candidates: QueueCandidate[], now: number): Person[] {
  const seen = new Set<number>();
  return candidates.map((candidate) => {
    const open = clampInt(candidate.openTickets, 0, 1_000_000, 0);
    const max = clampInt(candidate.maxOpenTickets, 0, 1_000_000, 0);
    const person: Person = { candidate, levels: levelsOf(candidate), open, max, free: 0, why: 'ok' };
    if (seen.has(candidate.userId)) person.why = 'duplicate';
    else if (candidate.onLeave) person.why = 'leave';
    else if (candidate.onShiftUntil == null || !(candidate.onShiftUntil > now)) person.why = 'off_shift';
    else if (open >= max) person.why = 'full';
    else person.free = max - open;
    seen.add(candidate.userId);
    return person;
  });
}

/** How many more tickets each candidate may take now (0: on leave, off shift, full, or a repeated user id). */
export function freeSlots(candidates: QueueCandidate[], now: number): number[] {
  return peopleOf(candidates, now).map((p) => p.free);
}

function checkOptions(options: OptimiseOptions): void {
  if (!Number.isFinite(options.now))
    throw new Invalid('validation_failed', 'now must be an instant.', [
      { field: '/now', message: 'not finite' },
    ]);
  if (!IANAZone.isValidZone(options.timeZone))
    throw new Invalid('validation_failed', `Unknown time zone ${options.timeZone}.`, [
      { field: '/timeZone', message: 'not an IANA zone' },
    ]);
}

/** The largest queue one call solves: the work grows as tickets × people², about a second at these bounds. */
export const QUEUE_LIMITS = { tickets: 5_000, candidates: 200 } as const;

/** For each ticket, the optimiser's proposal: the assignment that maximises the objective, explained. */
export function proposeAssignments(
  tickets: QueueTicket[],
  candidates: QueueCandidate[],
  options: OptimiseOptions,
): Proposal[] {
  checkOptions(options);
  if (tickets.length > QUEUE_LIMITS.tickets || candidates.length > QUEUE_LIMITS.candidates)
    throw new Invalid(
      'validation_failed',
      `The optimiser takes at most ${QUEUE_LIMITS.tickets} tickets and ${QUEUE_LIMITS.candidates} people at once.`,
      [
        ...(tickets.length > QUEUE_LIMITS.tickets ? [{ field: '/tickets', message: 'too many' }] : []),
        ...(candidates.length > QUEUE_LIMITS.candidates
          ? [{ field: '/candidates', message: 'too many' }]
          : []),
      ],
    );
  const people = peopleOf(candidates, options.now);
  const eligible = people.filter((p) => p.free > 0);
  const n = tickets.length;
  const P = eligible.length;
  const urgency = tickets.map((t) => ticketUrgency(t, options.now));
  // Skills by index and people's levels in one table: the 50,000 pairs of a large queue read arrays, not maps
  // (the same sums as skillFit, in the same order).
  const skillIndex = new Map<string, number>();
  const needs = tickets.map((t) =>
    needsOf(t).map((need) => {
      let k = skillIndex.get(need.key);
      if (k === undefined) {
        k = skillIndex.size;
        skillIndex.set(need.key, k);
      }
      return { k, level: need.level };
    }),
  );
  const K = skillIndex.size;
  const levels = new Uint8Array(P * K);
  eligible.forEach((person, p) => {
    for (const [key, k] of skillIndex) levels[p * K + k] = person.levels.get(key) ?? 0;
  });
  const cost = new Float64Array(n * P);
  for (let i = 0; i < n; i++) {
    const ticketNeeds = needs[i];
    for (let p = 0; p < P; p++) {
      let fit = OBJECTIVE.fitExact;
      if (ticketNeeds.length > 0) {
        let sum = 0;
        for (const need of ticketNeeds) sum += levelFit(levels[p * K + need.k], need.level);
        fit = sum / ticketNeeds.length;
      }
      cost[i * P + p] = -urgency[i] - skillTerm(fit, urgency[i]);
    }
  }
  const capacity = new Int32Array(P);
  const marginalStart = new Int32Array(P);
  let slots = 0;
  for (let p = 0; p < P; p++) {
    capacity[p] = Math.min(eligible[p].free, n);
    marginalStart[p] = slots;
    slots += capacity[p];
  }
  const marginal = new Float64Array(slots);
  for (let p = 0; p < P; p++)
    for (let j = 0; j < capacity[p]; j++)
      marginal[marginalStart[p] + j] = marginalLoad(eligible[p].open + j + 1, eligible[p].max);
  // Most urgent first: only ties depend on the order, and they then favour the urgent.
  const order = Int32Array.from(tickets.keys()).sort((a, b) => urgency[b] - urgency[a] || a - b);
  const solved = solveAssignment({
    tickets: n,
    people: P,
    cost,
    unassignedCost: new Float64Array(n),
    capacity,
    marginal,
    marginalStart,
    order,
  });
  return explainAssignment(
    tickets,
    candidates,
    Array.from(solved, (p) => (p < 0 ? null : eligible[p].candidate.userId)),
    options,
  );
}

/**
 * Proposals for a given choice of user per ticket (the optimiser's or a baseline's): the objective's terms per
 * pair — a person's load cost shared out over their new tickets, the cheapest slots to the most urgent — and
 * the reasons. Assumes the choice is feasible (see `objectiveValue`).
 */
export function explainAssignment(
  tickets: QueueTicket[],
  candidates: QueueCandidate[],
  userIds: (number | null)[],
  options: OptimiseOptions,
): Proposal[] {
  checkOptions(options);
  const people = peopleOf(candidates, options.now);
  const byUser = new Map<number, Person>();
  for (const p of people) if (p.why !== 'duplicate') byUser.set(p.candidate.userId, p);
  const urgency = tickets.map((t) => ticketUrgency(t, options.now));
  const taken = new Map<number, number[]>();
  tickets.forEach((_, i) => {
    const user = userIds[i];
    if (user == null) return;
    const list = taken.get(user) ?? [];
    list.push(i);
    taken.set(user, list);
  });
  const load = new Float64Array(tickets.length);
  for (const [user, list] of taken) {
    const person = byUser.get(user);
    if (!person) continue;
    list.sort((a, b) => urgency[b] - urgency[a] || a - b);
    list.forEach((i, j) => {
      load[i] = marginalLoad(person.open + j + 1, person.max);
    });
  }
  const slotsFree = people.reduce((s, p) => s + p.free, 0);
  // Luxon is the slow part of a reason: each person's shift end is formatted once.
  const nowLocal = DateTime.fromMillis(options.now, { zone: options.timeZone });
  const untilText = new Map<Person, string>();
  const shiftOf = (person: Person) => {
    let text = untilText.get(person);
    if (text === undefined) {
      text = formatUntil(person.candidate.onShiftUntil as number, nowLocal);
      untilText.set(person, text);
    }
    return text;
  };
  return tickets.map((ticket, i) => {
    const user = userIds[i];
    const person = user == null ? undefined : byUser.get(user);
    if (!person) {
      return {
        ticketId: ticket.id,
        userId: null,
        score: unassignedScore,
        reason: unassignedReason(people, slotsFree),
      };
    }
    const needs = needsOf(ticket);
    const skill = skillTerm(skillFit(needs, person.levels), urgency[i]);
    return {
      ticketId: ticket.id,
      userId: person.candidate.userId,
      score: { skill, urgency: urgency[i], load: load[i], total: urgency[i] + skill - load[i] },
      reason: assignedReason(ticket, needs, person, shiftOf(person), options.now),
    };
  });
}

function assignedReason(
  ticket: QueueTicket,
  needs: Need[],
  person: Person,
  until: string,
  now: number,
): string {
  const skills = needs.map((need) => {
    const held = person.levels.get(need.key) ?? 0;
    if (held === 0) return `no ${need.name} (needs ${need.level})`;
    return held < need.level ? `${need.name} ${held}/5 (needs ${need.level})` : `${need.name} ${held}/5`;
  });
  const parts = [
    skills.length === 0
      ? 'no skills needed'
      : `${skills.length === 1 ? 'skill' : 'skills'} ${skills.join(', ')}`,
    `${person.open} open ${person.open === 1 ? 'ticket' : 'tickets'}`,
    `on shift until ${until}`,
  ];
  let reason = parts.join(', ');
  if (typeof ticket.dueAt === 'number' && Number.isFinite(ticket.dueAt)) {
    const left = ticket.dueAt - now;
    reason += left > 0 ? `; SLA due in ${formatSpan(left)}` : `; SLA breached ${formatSpan(-left)} ago`;
  }
  return reason;
}

/** "18:00" today (in the zone), "Tue 02:00" within a week, "3 Dec 18:00" beyond. */
function formatUntil(at: number, now: DateTime): string {
  const until = DateTime.fromMillis(at, { zone: now.zone });
  if (until.hasSame(now, 'day')) return until.toFormat('HH:mm');
  if (at - now.toMillis() < 6 * 24 * hour) return until.toFormat('ccc HH:mm', { locale: 'en-GB' });
  return until.toFormat('d LLL HH:mm', { locale: 'en-GB' });
}

function formatSpan(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours >= 48) return `${Math.round(hours / 24)} days`;
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

function unassignedReason(people: Person[], freeSlots: number): string {
  const present = people.filter((p) => p.why !== 'duplicate');
  if (present.length === 0) return 'nobody in the group to assign to';
  if (freeSlots > 0)
    return `everyone on shift is at capacity: their ${freeSlots} free ${freeSlots === 1 ? 'slot went' : 'slots went'} to more urgent tickets`;
  const tally = (why: Person['why']) => present.filter((p) => p.why === why).length;
  const leave = tally('leave');
  const off = tally('off_shift');
  const full = tally('full');
  if (off === present.length) return 'nobody on shift';
  if (leave === present.length) return 'everyone is on leave';
  if (full === present.length) return 'everyone is at capacity';
  const parts = [
    off > 0 ? `${off} off shift` : '',
    leave > 0 ? `${leave} on leave` : '',
    full > 0 ? `${full} at capacity` : '',
  ].filter(Boolean);
  return `nobody available: ${parts.join(', ')}`;
}

/**
 * The stated objective of any assignment (proposals with the user chosen per ticket): Σ over assigned pairs of
 * urgency + weighted skill fit, minus each person's convex load cost. −Infinity when the assignment is not
 * feasible (an unknown, ineligible or over-capacity person, or a ticket given twice), so it never compares better.
 */
export function objectiveValue(
  tickets: QueueTicket[],
  candidates: QueueCandidate[],
  proposals: Pick<Proposal, 'ticketId' | 'userId'>[],
  options: OptimiseOptions,
): number {
  checkOptions(options);
  const people = peopleOf(candidates, options.now);
  const byUser = new Map<number, Person>();
  for (const p of people) if (p.why !== 'duplicate') byUser.set(p.candidate.userId, p);
  const indexOf = new Map<number, number[]>();
  tickets.forEach((t, i) => {
    const list = indexOf.get(t.id) ?? [];
    list.push(i);
    indexOf.set(t.id, list);
  });
  const taken = new Map<number, number>();
  let total = 0;
  for (const proposal of proposals) {
    const i = indexOf.get(proposal.ticketId)?.shift();
    if (i === undefined) return Number.NEGATIVE_INFINITY;
    if (proposal.userId == null) continue;
    const person = byUser.get(proposal.userId);
    if (!person || person.free <= 0) return Number.NEGATIVE_INFINITY;
    const k = (taken.get(proposal.userId) ?? 0) + 1;
    if (k > person.free) return Number.NEGATIVE_INFINITY;
    taken.set(proposal.userId, k);
    const urgency = ticketUrgency(tickets[i], options.now);
    total += urgency + skillTerm(skillFit(needsOf(tickets[i]), person.levels), urgency);
    total -= marginalLoad(person.open + k, person.max);
  }
  return total;
}
