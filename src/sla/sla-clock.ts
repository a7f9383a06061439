// SLA clocks, derived: given a ticket's own timeline (its state changes, public replies and group changes),
// the targets of its policy and their calendars, and "now", compute each target's clock. Pure, so a clock
// is exact after any change — a new policy, priority or calendar is applied to the same timeline, and the
// pauses already served are kept (GLPI loses them: glpi#6902, #15605); a paused clock accrues nothing, so it
// cannot breach while paused (glpi#24481).
import type { TicketStatus } from '../core/db/index.js';
import type { BusinessCalendar } from './business-calendar.js';

export const slaTargets = ['first_response', 'next_response', 'resolution'] as const;
export type SlaTarget = (typeof slaTargets)[number];
/** The external targets plus the internal one of the ticket's current group (an OLA). */
export type ClockTarget = SlaTarget | 'ola';

/**
 * The phases of a clock. inactive: nothing is owed (no unanswered requester reply); running: time accrues;
 * paused: the ticket is in a state that pauses this target; achieved: the target's event happened.
 * running ⇄ paused → achieved; next_response also achieved → running (a new cycle) and inactive → running.
 */
export type ClockPhase = 'inactive' | 'running' | 'paused' | 'achieved';

/** One step of a ticket's life that moves a clock. */
export type TimelineEntry =
  | { at: number; kind: 'status'; to: TicketStatus }
  | { at: number; kind: 'staff_reply' }
  | { at: number; kind: 'requester_reply' }
  | { at: number; kind: 'group'; groupId: number | null };

export interface TicketTimeline {
  createdAt: number;
  initialStatus: TicketStatus;
  initialGroupId: number | null;
  /** In the order they happened (ties keep their recorded order). */
  entries: TimelineEntry[];
}

export interface TargetSpec {
  durationMs: number;
  /** Percentage of the target at which a warning is due (e.g. 75, as iTop); null: no warning. */
  warnPercent: number | null;
  calendar: BusinessCalendar;
  pauseStatuses: readonly TicketStatus[];
  /** Further thresholds (escalation levels), as business ms relative to the target (negative = before). */
  levelOffsetsMs?: readonly number[];
}

export interface Threshold {
  /** Business milliseconds of elapsed time at which the threshold is reached. */
  atElapsedMs: number;
  /** When it was reached, if it was. */
  reachedAt: number | null;
  /** When it will be reached if the clock keeps running (null when not running or already reached). */
  expectedAt: number | null;
}

export interface SlaClock {
  target: ClockTarget;
  phase: ClockPhase;
  /** next_response: the requester reply that started the cycle, counting from 1; 0 for the other targets. */
  cycle: number;
  /** ola: the group whose internal target this is. */
  groupId: number | null;
  startedAt: number | null;
  targetMs: number;
  /** The instant the target is due: exact while running; the breach instant once overdue; null while paused. */
  dueAt: number | null;
  elapsedMs: number;
  remainingMs: number;
  /** Business time spent in pausing states. */
  pausedMs: number;
  warned: boolean;
  breached: boolean;
  achievedAt: number | null;
  /** Business time to achievement, and its margin against the target (negative: late), as Zammad stores. */
  achievedMs: number | null;
  marginMs: number | null;
  warning: Threshold | null;
  breach: Threshold;
  levels: Threshold[];
}

const finalStatuses: ReadonlySet<TicketStatus> = new Set(['resolved', 'closed']);

export interface StatusRun {
  times: number[];
  statuses: TicketStatus[];
}

export function statusRun(t: TicketTimeline): StatusRun {
  const times = [t.createdAt];
  const statuses: TicketStatus[] = [t.initialStatus];
  for (const e of t.entries) {
    if (e.kind !== 'status' || e.to === statuses[statuses.length - 1]) continue;
    if (e.at <= times[times.length - 1]) statuses[statuses.length - 1] = e.to;
    else {
      times.push(e.at);
      statuses.push(e.to);
    }
  }
  return { times, statuses };
}

/** The start of the ticket's final resolved/closed stretch, if it is resolved or closed now (≤ now). */
function finalResolution(run: StatusRun, now: number): number | null {
  let at: number | null = null;
  for (let i = 0; i < run.times.length && run.times[i] <= now; i++) {
    if (finalStatuses.has(run.statuses[i])) at ??= run.times[i];
    else at = null;
  }
  return at;
}

function emptyThreshold(atElapsedMs: number): Threshold {
  return { atElapsedMs, reachedAt: null, expectedAt: null };
}

/**
 * Run one clock from `start` to `stop` (or now), accruing business time outside the pausing states.
 * Thresholds record the instant they were crossed, or the instant they will be if the clock keeps running.
 */
export function runClock(
  target: ClockTarget,
  spec: TargetSpec,
  run: StatusRun,
  start: number,
  stop: number | null,
  now: number,
  extra: { cycle?: number; groupId?: number | null } = {},
): SlaClock {
  const cal = spec.calendar;
  const end = stop !== null && stop <= now ? stop : now;
  // Waiting for approval pauses every target, whatever the policy lists (as GLPI): nobody may work the ticket
  // yet, and policies written before approvals existed do not name the state.
  const pause = spec.pauseStatuses.includes('awaiting_approval')
    ? spec.pauseStatuses
    : [...spec.pauseStatuses, 'awaiting_approval' as const];
  const thresholds: Threshold[] = [];
  const warning =
    spec.warnPercent !== null ? emptyThreshold(Math.floor((spec.durationMs * spec.warnPercent) / 100)) : null;
  if (warning) thresholds.push(warning);
  // Breached means strictly more than the target: achieving at the due instant is on time.
  const breach = emptyThreshold(spec.durationMs + 1);
  thresholds.push(breach);
  const levels = (spec.levelOffsetsMs ?? []).map((o) => emptyThreshold(Math.max(0, spec.durationMs + o)));
  thresholds.push(...levels);

  // The due instant itself: elapsed reaches the target.
  const due = emptyThreshold(spec.durationMs);
  thresholds.push(due);

  const achieved = stop !== null && stop <= now;
  let elapsed = 0;
  let paused = 0;
  let current = 0;
  for (let i = 0; i < run.times.length; i++) {
    if (run.times[i] <= end) current = i;
    const a = Math.max(run.times[i], start);
    const b = Math.min(i + 1 < run.times.length ? run.times[i + 1] : Number.POSITIVE_INFINITY, end);
    if (b <= a) continue;
    const span = cal.businessMsBetween(a, b);
    if (pause.includes(run.statuses[i])) {
      paused += span;
      continue;
    }
    for (const th of thresholds) {
      if (th.reachedAt === null && elapsed + span >= th.atElapsedMs) {
        th.reachedAt = cal.addBusinessMs(a, Math.max(0, th.atElapsedMs - elapsed));
      }
    }
    elapsed += span;
  }
  const runningNow = !achieved && !pause.includes(run.statuses[current]);
  if (runningNow) {
    for (const th of thresholds) {
      if (th.reachedAt === null) th.expectedAt = cal.addBusinessMs(now, th.atElapsedMs - elapsed);
    }
  }
  const phase: ClockPhase = achieved ? 'achieved' : runningNow ? 'running' : 'paused';
  const dueAt = due.reachedAt ?? due.expectedAt;
  return {
    target,
    phase,
    cycle: extra.cycle ?? 0,
    groupId: extra.groupId ?? null,
    startedAt: start,
    targetMs: spec.durationMs,
    dueAt,
    elapsedMs: elapsed,
    remainingMs: spec.durationMs - elapsed,
    pausedMs: paused,
    warned: warning !== null && warning.reachedAt !== null,
    breached: elapsed > spec.durationMs,
    achievedAt: achieved ? stop : null,
    achievedMs: achieved ? elapsed : null,
    marginMs: achieved ? spec.durationMs - elapsed : null,
    warning,
    breach,
    levels,
  };
}

function inactiveClock(target: ClockTarget, spec: TargetSpec, cycle: number): SlaClock {
  return {
    target,
    phase: 'inactive',
    cycle,
    groupId: null,
    startedAt: null,
    targetMs: spec.durationMs,
    dueAt: null,
    elapsedMs: 0,
    remainingMs: spec.durationMs,
    pausedMs: 0,
    warned: false,
    breached: false,
    achievedAt: null,
    achievedMs: null,
    marginMs: null,
    warning: null,
    breach: emptyThreshold(spec.durationMs + 1),
    levels: [],
  };
}

export interface ClockSpecs {
  first_response?: TargetSpec;
  next_response?: TargetSpec;
  resolution?: TargetSpec;
  /** The OLA of a group, if that group has one. */
  olaOf?: (groupId: number) => TargetSpec | undefined;
}

/** Derive every clock of a ticket as of `now`. Targets the policy does not set are absent. */
export function computeClocks(timeline: TicketTimeline, specs: ClockSpecs, now: number): SlaClock[] {
  const run = statusRun(timeline);
  const resolvedAt = finalResolution(run, now);
  const clocks: SlaClock[] = [];
  const entries = timeline.entries.filter((e) => e.at <= now);

  // First response: the first public reply by staff, or the resolution, whichever comes first.
  let firstResponseAt: number | null = null;
  for (const e of entries) {
    if (e.kind === 'staff_reply' || (e.kind === 'status' && finalStatuses.has(e.to))) {
      firstResponseAt = e.at;
      break;
    }
  }
  if (specs.first_response) {
    clocks.push(
      runClock('first_response', specs.first_response, run, timeline.createdAt, firstResponseAt, now),
    );
  }

  // Next response: each requester reply after the first response owes a staff reply (or the resolution).
  if (specs.next_response) {
    let cycle = 0;
    let openedAt: number | null = null;
    let closedAt: number | null = null;
    if (firstResponseAt !== null) {
      for (const e of entries) {
        if (e.at < firstResponseAt) continue;
        if (e.kind === 'requester_reply' && (openedAt === null || closedAt !== null)) {
          cycle += 1;
          openedAt = e.at;
          closedAt = null;
        } else if (
          openedAt !== null &&
          closedAt === null &&
          e.at >= openedAt &&
          (e.kind === 'staff_reply' || (e.kind === 'status' && finalStatuses.has(e.to)))
        ) {
          closedAt = e.at;
        }
      }
    }
    clocks.push(
      openedAt === null
        ? inactiveClock('next_response', specs.next_response, 0)
        : runClock('next_response', specs.next_response, run, openedAt, closedAt, now, { cycle }),
    );
  }

  if (specs.resolution) {
    clocks.push(runClock('resolution', specs.resolution, run, timeline.createdAt, resolvedAt, now));
  }

  // The OLA of the group that holds the ticket, counted from that group's (last) assignment.
  if (specs.olaOf) {
    let groupId = timeline.initialGroupId;
    let since = timeline.createdAt;
    for (const e of entries) {
      if (e.kind === 'group' && e.groupId !== groupId) {
        groupId = e.groupId;
        since = e.at;
      }
    }
    const spec = groupId !== null ? specs.olaOf(groupId) : undefined;
    if (spec && groupId !== null) {
      const stop = resolvedAt !== null && resolvedAt >= since ? resolvedAt : null;
      clocks.push(runClock('ola', spec, run, since, stop, now, { groupId }));
    }
  }
  return clocks;
}
