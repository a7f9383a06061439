// Reading schedules for people: who is on call in one schedule, in a team's or in all of them, the final
// schedule with each layer's own stretches for a calendar, and the coverage report. All from the compiled
// schedules' cache, so nothing here expands a schedule from the database.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Invalid, NotFound } from '../core/errors.js';
import { type CachedSchedule, compiledSchedule, compiledSchedules } from './compiled-schedules.js';
import { requireOncall } from './permissions.js';
import type { Segment } from './schedule-model.js';
import {
  coverageGaps,
  type DoubleBooking,
  doubleBookings,
  hoursPerPerson,
  type Interval,
  type PersonHours,
  type QualityReport,
  qualityScore,
} from './schedule-reports.js';
import { finalSchedule, layerSegments, onCallAt } from './schedule-resolution.js';

const dayMs = 86_400_000;
/** The longest range a view expands: a year and a day, so "this year" in any zone fits. */
export const maxRangeMs = 366 * dayMs;

/** Instants a person may ask about: the years the engine expands schedules in (scheduleLimits). */
const earliest = Date.UTC(1970, 0, 1);
const latest = Date.UTC(2199, 0, 1);

export function checkInstant(at: number, field = 'querystring/at'): void {
  if (!Number.isFinite(at) || at < earliest || at >= latest)
    throw new Invalid('validation_failed', `${field}: must be a time between 1970 and 2198.`, [
      { field, message: 'must be between 1970 and 2198' },
    ]);
}

/** A range [from, to) a person may ask for: ordered, and at most 366 days, within the years of checkInstant. */
export function checkRange(from: number, to: number): void {
  checkInstant(from, 'querystring/from');
  checkInstant(to, 'querystring/to');
  if (to <= from || to - from > maxRangeMs)
    throw new Invalid(
      'schedule_range_too_long',
      'The range must end after it starts and span at most 366 days.',
      [{ field: 'querystring/to', message: 'must be after from and at most 366 days later' }],
    );
}

export interface ScheduleOnCall {
  scheduleId: number;
  scheduleName: string;
  teamId: number | null;
  at: number;
  /** null in a gap. */
  userId: number | null;
  start: number | null;
  end: number | null;
  source: Segment['source'] | null;
}

function answer(s: CachedSchedule, at: number): ScheduleOnCall {
  const hit = onCallAt(s.compiled, at);
  return {
    scheduleId: s.id,
    scheduleName: s.name,
    teamId: s.teamId,
    at,
    userId: hit?.userId ?? null,
    start: hit?.start ?? null,
    end: hit?.end ?? null,
    source: hit?.source ?? null,
  };
}

export async function scheduleOnCall(
  ctx: ServiceContext,
  actor: Actor,
  scheduleId: number,
  at: number,
): Promise<ScheduleOnCall> {
  requireOncall(actor, 'schedule.read');
  checkInstant(at);
  return answer(await compiledSchedule(ctx, scheduleId), at);
}

/** Who is on call at `at` in every schedule (or a team's), ordered by schedule name. */
export async function onCallEverywhere(
  ctx: ServiceContext,
  actor: Actor,
  at: number,
  filter: { teamId?: number } = {},
): Promise<ScheduleOnCall[]> {
  requireOncall(actor, 'schedule.read');
  checkInstant(at);
  const all = [...(await compiledSchedules(ctx)).values()];
  const mine = all.filter((s) => filter.teamId === undefined || s.teamId === filter.teamId);
  if (filter.teamId !== undefined && mine.length === 0) {
    const group = await ctx.db
      .selectFrom('groups')
      .select('id')
      .where('id', '=', filter.teamId)
      .executeTakeFirst();
    if (!group) throw new NotFound('group_not_found', `No group ${filter.teamId}.`);
  }
  return mine.sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id).map((s) => answer(s, at));
}

export interface FinalScheduleView {
  scheduleId: number;
  from: number;
  to: number;
  /** Tiles [from, to): gaps included. */
  final: Segment[];
  /** Each layer's own stretches (restrictions applied), bottom first: the rows of a calendar view. */
  layers: { index: number; name: string; segments: Segment[] }[];
}

export async function finalScheduleView(
  ctx: ServiceContext,
  actor: Actor,
  scheduleId: number,
  from: number,
  to: number,
): Promise<FinalScheduleView> {
  requireOncall(actor, 'schedule.read');
  checkRange(from, to);
  const s = await compiledSchedule(ctx, scheduleId);
  return {
    scheduleId,
    from,
    to,
    final: finalSchedule(s.compiled, from, to),
    layers: s.definition.layers.map((layer, index) => ({
      index,
      name: layer.name,
      segments: layerSegments(s.compiled, index, from, to),
    })),
  };
}

export interface ScheduleReport {
  scheduleId: number;
  from: number;
  to: number;
  quality: QualityReport;
  gaps: Interval[];
  hoursPerPerson: PersonHours[];
}

/** Coverage over [from, to): the gaps, each person's hours and the quality score (gaps, overlaps, balance). */
export async function scheduleReport(
  ctx: ServiceContext,
  actor: Actor,
  scheduleId: number,
  from: number,
  to: number,
): Promise<ScheduleReport> {
  requireOncall(actor, 'schedule.read');
  checkRange(from, to);
  const s = await compiledSchedule(ctx, scheduleId);
  const final = finalSchedule(s.compiled, from, to);
  return {
    scheduleId,
    from,
    to,
    quality: qualityScore(s.compiled, from, to),
    gaps: coverageGaps(final),
    hoursPerPerson: hoursPerPerson(final),
  };
}

/** People on call in two (or more) schedules at once over [from, to), every schedule involved named. */
export async function doubleBookingsIn(
  ctx: ServiceContext,
  actor: Actor,
  from: number,
  to: number,
): Promise<DoubleBooking[]> {
  requireOncall(actor, 'schedule.read');
  checkRange(from, to);
  const all = [...(await compiledSchedules(ctx)).values()];
  return doubleBookings(
    all.map((s) => ({ scheduleId: s.id, segments: finalSchedule(s.compiled, from, to) })),
  );
}
