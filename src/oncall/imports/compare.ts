// The imported final schedule beside the original's: over a range, the stretches where both name the same person
// (or both nobody) and those where they differ, with the agreement as a share of the time. Pure; people are
// compared by their plan key (email), so it works before anything is applied.
import type { OriginalEntry } from './import-plan.js';

/** Our side: one answer per stretch (the final schedule's segments, people as plan keys). */
export interface OurStretch {
  start: number;
  end: number;
  user: string | null;
}

export interface ComparedStretch {
  start: number;
  end: number;
  /** Who the original has on call (several where its rotations overlap, as Opsgenie's do). */
  theirs: string[];
  ours: string | null;
  agree: boolean;
}

export interface ScheduleComparison {
  from: number;
  to: number;
  stretches: ComparedStretch[];
  matchingMs: number;
  differingMs: number;
  /** 0–100, two decimals. */
  agreementPercent: number;
}

/**
 * Compares over [from, to). The original's entries may overlap (two people at once: ours can only name one, so
 * that stretch differs) and may leave gaps (nobody); ours is expected to tile the range, and anything it leaves
 * out counts as nobody.
 */
export function compareFinalSchedules(
  theirs: OriginalEntry[],
  ours: OurStretch[],
  from: number,
  to: number,
): ScheduleComparison {
  const clip = <T extends { start: number; end: number }>(xs: T[]) =>
    xs
      .map((x) => ({ ...x, start: Math.max(x.start, from), end: Math.min(x.end, to) }))
      .filter((x) => x.start < x.end);
  const t = clip(theirs).filter((e) => e.user !== null);
  const o = clip(ours).sort((a, b) => a.start - b.start);

  const cuts = new Set<number>([from, to]);
  for (const e of t) cuts.add(e.start).add(e.end);
  for (const s of o) cuts.add(s.start).add(s.end);
  const points = [...cuts].sort((a, b) => a - b);

  // Sweep: their entries by start, with the set of people active; ours by pointer (segments do not overlap).
  const byStart = [...t].sort((a, b) => a.start - b.start);
  const active: typeof t = [];
  let next = 0;
  let oi = 0;
  const stretches: ComparedStretch[] = [];
  let matchingMs = 0;
  for (let i = 0; i + 1 < points.length; i += 1) {
    const a = points[i];
    const b = points[i + 1];
    while (next < byStart.length && byStart[next].start <= a) active.push(byStart[next++]);
    for (let k = active.length - 1; k >= 0; k -= 1) if (active[k].end <= a) active.splice(k, 1);
    while (oi < o.length && o[oi].end <= a) oi += 1;
    const ourUser = oi < o.length && o[oi].start <= a ? o[oi].user : null;
    const theirUsers = [...new Set(active.map((e) => e.user as string))].sort();
    const agree =
      theirUsers.length === 0 ? ourUser === null : theirUsers.length === 1 && theirUsers[0] === ourUser;
    if (agree) matchingMs += b - a;
    const last = stretches[stretches.length - 1];
    if (
      last &&
      last.end === a &&
      last.agree === agree &&
      last.ours === ourUser &&
      last.theirs.join('\n') === theirUsers.join('\n')
    ) {
      last.end = b;
    } else {
      stretches.push({ start: a, end: b, theirs: theirUsers, ours: ourUser, agree });
    }
  }
  const total = Math.max(0, to - from);
  return {
    from,
    to,
    stretches,
    matchingMs,
    differingMs: total - matchingMs,
    agreementPercent: total === 0 ? 100 : Math.round((matchingMs / total) * 10_000) / 100,
  };
}
