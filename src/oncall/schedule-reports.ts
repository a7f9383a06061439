// Reports over final schedules, pure: coverage gaps, hours per person, double bookings (one person on call in
// two schedules at once, or during their time off), and the schedule quality score as Grafana OnCall computes it.

import type { Segment } from './schedule-model.js';
import { type CompiledSchedule, finalSchedule, layerSegments } from './schedule-resolution.js';

const weekMs = 7 * 86_400_000;

export interface Interval {
  start: number;
  end: number;
}

/** The stretches nobody is on call (segments with userId null), adjacent ones joined. */
export function coverageGaps(segments: readonly Segment[]): Interval[] {
  const out: Interval[] = [];
  for (const s of segments) {
    if (s.userId !== null || s.end <= s.start) continue;
    const last = out[out.length - 1];
    if (last && last.end === s.start) last.end = s.end;
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

export interface PersonHours {
  userId: number;
  /** Milliseconds on call within the segments given. */
  ms: number;
}

/** Time on call per person, most first (ties by user id). */
export function hoursPerPerson(segments: readonly Segment[]): PersonHours[] {
  const byUser = new Map<number, number>();
  for (const s of segments) {
    if (s.userId === null || s.end <= s.start) continue;
    byUser.set(s.userId, (byUser.get(s.userId) ?? 0) + (s.end - s.start));
  }
  return [...byUser]
    .map(([userId, ms]) => ({ userId, ms }))
    .sort((a, b) => b.ms - a.ms || a.userId - b.userId);
}

export interface ScheduleSegments {
  scheduleId: number;
  segments: readonly Segment[];
}

export interface TimeOff extends Interval {
  userId: number;
}

export type DoubleBooking =
  | { kind: 'schedules'; userId: number; start: number; end: number; scheduleIds: number[] }
  | { kind: 'time_off'; userId: number; start: number; end: number; scheduleIds: number[] };

/** A person's on-call stretches in one schedule, sorted and joined. */
function stretchesByUser(segments: readonly Segment[]): Map<number, Interval[]> {
  const out = new Map<number, Interval[]>();
  const sorted = [...segments]
    .filter((s) => s.userId !== null && s.end > s.start)
    .sort((a, b) => a.start - b.start);
  for (const s of sorted) {
    const list = out.get(s.userId as number) ?? [];
    const last = list[list.length - 1];
    if (last && s.start <= last.end) last.end = Math.max(last.end, s.end);
    else list.push({ start: s.start, end: s.end });
    out.set(s.userId as number, list);
  }
  return out;
}

/**
 * Where a person is on call in two or more schedules at once (`schedules`, with every schedule involved), and
 * where a person is on call during their time off (`time_off`, with the schedules that have them on call).
 * Sorted by start, then user.
 */
export function doubleBookings(
  schedules: readonly ScheduleSegments[],
  timeOff: readonly TimeOff[] = [],
): DoubleBooking[] {
  // userId → [scheduleId, stretches][]
  const perUser = new Map<number, { scheduleId: number; stretches: Interval[] }[]>();
  for (const sch of schedules) {
    for (const [userId, stretches] of stretchesByUser(sch.segments)) {
      const list = perUser.get(userId) ?? [];
      list.push({ scheduleId: sch.scheduleId, stretches });
      perUser.set(userId, list);
    }
  }
  const out: DoubleBooking[] = [];
  for (const [userId, list] of perUser) {
    // Sweep the boundaries: which schedules have this person on call in each elementary stretch.
    const events: { at: number; scheduleId: number; delta: 1 | -1 }[] = [];
    for (const { scheduleId, stretches } of list) {
      for (const s of stretches)
        events.push({ at: s.start, scheduleId, delta: 1 }, { at: s.end, scheduleId, delta: -1 });
    }
    events.sort((a, b) => a.at - b.at || a.delta - b.delta);
    const active = new Map<number, number>();
    let prev: DoubleBooking | undefined;
    for (let i = 0; i < events.length; ) {
      const at = events[i].at;
      for (; i < events.length && events[i].at === at; i++) {
        const e = events[i];
        const n = (active.get(e.scheduleId) ?? 0) + e.delta;
        if (n === 0) active.delete(e.scheduleId);
        else active.set(e.scheduleId, n);
      }
      const next = i < events.length ? events[i].at : at;
      if (active.size >= 2 && next > at) {
        const ids = [...active.keys()].sort((a, b) => a - b);
        if (prev && prev.end === at && prev.scheduleIds.join() === ids.join()) prev.end = next;
        else {
          prev = { kind: 'schedules', userId, start: at, end: next, scheduleIds: ids };
          out.push(prev);
        }
      }
    }
  }
  for (const off of timeOff) {
    if (off.end <= off.start) continue;
    const list = perUser.get(off.userId) ?? [];
    // Pieces of the time off during which the person is on call somewhere, with the schedules involved.
    const points = new Set<number>([off.start, off.end]);
    for (const { stretches } of list)
      for (const s of stretches) {
        if (s.start > off.start && s.start < off.end) points.add(s.start);
        if (s.end > off.start && s.end < off.end) points.add(s.end);
      }
    const sorted = [...points].sort((a, b) => a - b);
    let prev: DoubleBooking | undefined;
    for (let i = 0; i < sorted.length - 1; i++) {
      const a = sorted[i];
      const b = sorted[i + 1];
      const ids = list
        .filter(({ stretches }) => stretches.some((s) => s.start <= a && a < s.end))
        .map((x) => x.scheduleId)
        .sort((x, y) => x - y);
      if (ids.length === 0) continue;
      if (prev && prev.end === a && prev.scheduleIds.join() === ids.join()) prev.end = b;
      else {
        prev = { kind: 'time_off', userId: off.userId, start: a, end: b, scheduleIds: ids };
        out.push(prev);
      }
    }
  }
  return out.sort((a, b) => a.start - b.start || a.userId - b.userId || a.kind.localeCompare(b.kind));
}

export interface QualityComment {
  type: 'info' | 'warning';
  text: string;
}

export interface QualityReport {
  /** 0–100: the mean of coverage and balance, as Grafana OnCall computes it. */
  total: number;
  /** Percent of the range someone is on call. */
  coverage: number;
  /** 0–100: mean over pairs of people of shorter/longer time on call (95 and above count as 100). */
  balance: number;
  /** Percent of the covered time where two or more layers are on duty (the lower ones' shifts are hidden). */
  overlap: number;
  comments: QualityComment[];
  /** People above the average time on call, most first; `score` is percent above the average. */
  overloaded: { userId: number; score: number }[];
  from: number;
  to: number;
}

/**
 * The schedule quality score, following Grafana OnCall's `quality_report`: over [from, to) (52 weeks by
 * default), coverage = time someone is on call / the range; balance = the mean over every pair of people of
 * min/max of their time on call (one person alone is balanced; 95% and above is rounded to 100); total = their
 * mean. We add the overlap of layers' shifts as a part with its comment (it does not change the total, so the
 * score stays comparable with Grafana's for people moving over): a higher layer hiding a lower one is often
 * intended (a business-hours layer over a 24/7 one), but a large overlap is worth a look.
 */
export function qualityScore(
  compiled: CompiledSchedule,
  from: number,
  to: number = from + 52 * weekMs,
): QualityReport {
  const segments = finalSchedule(compiled, from, to);
  const range = to - from;
  const people = hoursPerPerson(segments);
  const covered = people.reduce((n, p) => n + p.ms, 0);
  if (range <= 0 || covered === 0) {
    return {
      total: 0,
      coverage: 0,
      balance: 0,
      overlap: 0,
      comments: [{ type: 'warning', text: 'Schedule is empty' }],
      overloaded: [],
      from,
      to,
    };
  }
  const coverage = Math.round(Math.min(covered / range, 1) * 100);
  let balance = 100;
  if (people.length > 1) {
    let sum = 0;
    for (let i = 0; i < people.length; i++)
      for (let j = i + 1; j < people.length; j++)
        sum += Math.min(people[i].ms, people[j].ms) / Math.max(people[i].ms, people[j].ms);
    balance = Math.round((sum / ((people.length * (people.length - 1)) / 2)) * 100);
  }
  let overloaded: QualityReport['overloaded'] = [];
  if (balance >= 95) balance = 100;
  else {
    const average = covered / people.length;
    overloaded = people
      .filter((p) => p.ms > average)
      .map((p) => ({ userId: p.userId, score: Math.round((p.ms / average) * 100) - 100 }));
  }
  const overlapMs = layerOverlapMs(compiled, from, to);
  const overlap = Math.round((Math.min(overlapMs, covered) / covered) * 100);
  const comments: QualityComment[] = [
    coverage === 100
      ? { type: 'info', text: 'Schedule has no gaps' }
      : { type: 'warning', text: `Schedule has gaps (${100 - coverage}% not covered)` },
    balance === 100
      ? { type: 'info', text: 'Schedule is perfectly balanced' }
      : { type: 'warning', text: 'Schedule has balance issues (see overloaded users)' },
    overlap === 0
      ? { type: 'info', text: 'No layers overlap' }
      : {
          type: overlap >= 50 ? 'warning' : 'info',
          text: `Layers overlap for ${overlap}% of the covered time (the higher layer wins there)`,
        },
  ];
  return {
    total: Math.round((coverage + balance) / 2),
    coverage,
    balance,
    overlap,
    comments,
    overloaded,
    from,
    to,
  };
}

/** Time in [from, to) during which two or more layers are on duty. */
function layerOverlapMs(compiled: CompiledSchedule, from: number, to: number): number {
  const events: [number, number][] = [];
  compiled.layers.forEach((_, i) => {
    for (const s of layerSegments(compiled, i, from, to)) events.push([s.start, 1], [s.end, -1]);
  });
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let depth = 0;
  let total = 0;
  for (let i = 0; i < events.length; i++) {
    depth += events[i][1];
    const next = events[i + 1];
    if (depth >= 2 && next) total += next[0] - events[i][0];
  }
  return total;
}
