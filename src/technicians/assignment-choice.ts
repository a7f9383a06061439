// Inside a group, who gets an arriving ticket (pure): round-robin, least-loaded or best skill match, among the
// people on shift, not on leave and under their capacity — and the words that say why.
import { DateTime } from 'luxon';
import type { QueueCandidate } from './queue-optimiser.js';

/** How a group hands out its tickets: by hand, one of three rules, or the queue optimiser. */
export const groupPolicies = ['manual', 'round_robin', 'least_loaded', 'best_skill', 'optimise'] as const;
export type GroupPolicy = (typeof groupPolicies)[number];
/** The policies that pick one person per ticket. */
export type PickingPolicy = 'round_robin' | 'least_loaded' | 'best_skill';

/** A candidate with the zone their working hours are kept in (for "on shift until 18:00"). */
export interface Available extends QueueCandidate {
  timeZone: string;
}

export type Choice = { userId: number; reason: string } | { userId: null; reason: string };

/** Why someone cannot take a ticket now, or null when they can. */
export function unavailability(c: QueueCandidate): string | null {
  if (c.onLeave) return 'on leave';
  if (c.onShiftUntil === null) return 'off shift';
  if (c.openTickets >= c.maxOpenTickets) return `full (${c.openTickets}/${c.maxOpenTickets} open tickets)`;
  return null;
}

/** A person's level in the skills a ticket needs, summed (each capped at what is asked: more is not better). */
export function skillMatch(c: Pick<QueueCandidate, 'skills'>, needs: Record<string, number>): number {
  let sum = 0;
  for (const [name, level] of Object.entries(needs)) sum += Math.min(c.skills[name] ?? 0, level);
  return sum;
}

/** Their levels in every needed skill, summed uncapped: among equal matches, the deeper expert. */
function skillDepth(c: Pick<QueueCandidate, 'skills'>, needs: Record<string, number>): number {
  let sum = 0;
  for (const name of Object.keys(needs)) sum += c.skills[name] ?? 0;
  return sum;
}

/** "skill VPN 4/5, 2 open tickets, on shift until 18:00" */
export function describeCandidate(c: Available, needs: Record<string, number>, now: number): string {
  const parts = Object.keys(needs)
    .sort()
    .map((name) => `skill ${name} ${c.skills[name] ?? 0}/5`);
  parts.push(`${c.openTickets} open ticket${c.openTickets === 1 ? '' : 's'}`);
  // A shift that outlasts the week ahead (no working calendar, or 24/7) has no end worth saying.
  if (c.onShiftUntil !== null && c.onShiftUntil - now > 7 * 86_400_000) parts.push('on shift');
  else if (c.onShiftUntil !== null) {
    const until = DateTime.fromMillis(c.onShiftUntil, { zone: c.timeZone });
    const sameDay = until.hasSame(DateTime.fromMillis(now, { zone: c.timeZone }), 'day');
    parts.push(`on shift until ${until.toFormat(sameDay ? 'HH:mm' : 'ccc HH:mm')}`);
  }
  return parts.join(', ');
}

const byUser = (a: QueueCandidate, b: QueueCandidate) => a.userId - b.userId;
const byLoad = (a: QueueCandidate, b: QueueCandidate) =>
  a.openTickets - b.openTickets ||
  a.openTickets / a.maxOpenTickets - b.openTickets / b.maxOpenTickets ||
  a.userId - b.userId;

/**
 * The person a policy gives a ticket to. Round-robin takes the next available member after the one who got
 * the group's last ticket (by user id, wrapping round); least-loaded the fewest open tickets; best skill the
 * highest match on the needed skills, then the fewest open tickets. Nobody available: null, with the reasons.
 */
export function chooseAssignee(
  policy: PickingPolicy,
  candidates: Available[],
  needs: Record<string, number>,
  lastUserId: number | null,
  now: number,
): Choice {
  const available = candidates.filter((c) => unavailability(c) === null);
  if (available.length === 0) {
    const why =
      candidates.length === 0
        ? 'the group has no members'
        : [...candidates]
            .sort(byUser)
            .map((c) => `${c.name}: ${unavailability(c)}`)
            .join('; ');
    return { userId: null, reason: `nobody can take it now (${why})` };
  }
  let chosen: Available;
  let how: string;
  if (policy === 'round_robin') {
    const ordered = [...available].sort(byUser);
    chosen = ordered.find((c) => lastUserId === null || c.userId > lastUserId) ?? ordered[0];
    how = 'round-robin';
  } else if (policy === 'least_loaded' || Object.keys(needs).length === 0) {
    chosen = [...available].sort(byLoad)[0];
    how = policy === 'least_loaded' ? 'least loaded' : 'best skill (no skill needed: least loaded)';
  } else {
    chosen = [...available].sort(
      (a, b) =>
        skillMatch(b, needs) - skillMatch(a, needs) ||
        skillDepth(b, needs) - skillDepth(a, needs) ||
        byLoad(a, b),
    )[0];
    how = 'best skill match';
  }
  return {
    userId: chosen.userId,
    reason: `${how}: ${chosen.name} (${describeCandidate(chosen, needs, now)})`,
  };
}
