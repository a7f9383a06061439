// Reading schedules for people: who is on call in one schedule, in a team's or in all of them, the final
// schedule with each layer's own stretches for a calendar, and the coverage report. All from the compiled
// schedules' cache, so nothing here expands a schedule from the database.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Invalid, NotFound } from '../core/errors.js';
import { type CachedSchedule, compiledSchedule, compiledSchedules } from './compiled-schedules.js';
import { requireOncall } from './permissions.js';
import type { Segment } from './schedule-model.js';
import { finalSchedule, layerSegments, onCallAt } from './schedule-resolution.js';

const dayMs = 86_400_000;
/** The longest range a view expands: a year and a day, so "this year" in any zone fits. */
export const maxRangeMs = 366 * dayMs;

/** A range [from, to) a person may ask for: ordered, and at most 366 days. */
export function checkRange(from: number, to: number): void {
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from || to - from > maxRangeMs)
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
  quality: { score: number; gapsPercent: number; overlapsPercent: number; balance: number };
  gaps: { start: number; end: number }[];
  hoursPerPerson: { userId: number; hours: number }[];
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
    quality: qualityOf(final, from, to),
    gaps: final.filter((g) => g.userId === null).map((g) => ({ start: g.start, end: g.end })),
    hoursPerPerson: hoursOf(final),
  };
}

/** People on call in two (or more) schedules at once over [from, to). */
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

function hoursOf(final: Segment[]): { userId: number; hours: number }[] {
  const hours = new Map<number, number>();
  for (const seg of final)
    if (seg.userId !== null)
      hours.set(seg.userId, (hours.get(seg.userId) ?? 0) + (seg.end - seg.start) / 3_600_000);
  return [...hours]
    .map(([userId, h]) => ({ userId, hours: h }))
    .sort((a, b) => b.hours - a.hours || a.userId - b.userId);
}

/**
 * Grafana OnCall's schedule quality: the share of the range without anyone on call, and how evenly the hours
 * fall (the fewest over the most, 1 = even); the score is their mean as a percentage. (A final schedule has no
 * overlaps by construction: an overlap of layers is resolved by the higher one.)
 */
function qualityOf(final: Segment[], from: number, to: number) {
  const gapMs = final.filter((g) => g.userId === null).reduce((sum, g) => sum + g.end - g.start, 0);
  const gapsPercent = (100 * gapMs) / (to - from);
  const hours = hoursOf(final).map((h) => h.hours);
  const balance = hours.length === 0 ? 0 : Math.min(...hours) / Math.max(...hours);
  const score = Math.round(((100 - gapsPercent + 100 * balance) / 2) * 10) / 10;
  return {
    score,
    gapsPercent: Math.round(gapsPercent * 100) / 100,
    overlapsPercent: 0,
    balance: Math.round(balance * 1000) / 1000,
  };
}

export interface DoubleBooking {
  userId: number;
  start: number;
  end: number;
  /** The schedules that have the person on call over the whole of [start, end). */
  scheduleIds: number[];
}

/** Stretches in which one person is on call in two or more schedules: a sweep over each person's segments. */
function doubleBookings(schedules: { scheduleId: number; segments: Segment[] }[]): DoubleBooking[] {
  const byUser = new Map<number, { start: number; end: number; scheduleId: number }[]>();
  for (const { scheduleId, segments } of schedules)
    for (const seg of segments) {
      if (seg.userId === null) continue;
      const list = byUser.get(seg.userId) ?? [];
      list.push({ start: seg.start, end: seg.end, scheduleId });
      byUser.set(seg.userId, list);
    }
  const out: DoubleBooking[] = [];
  for (const [userId, list] of byUser) {
    const points = [...new Set(list.flatMap((l) => [l.start, l.end]))].sort((a, b) => a - b);
    for (let i = 0; i < points.length - 1; i++) {
      const a = points[i];
      const b = points[i + 1];
      const ids = [...new Set(list.filter((l) => l.start <= a && l.end >= b).map((l) => l.scheduleId))].sort(
        (x, y) => x - y,
      );
      if (ids.length < 2) continue;
      const last = out[out.length - 1];
      if (last && last.userId === userId && last.end === a && last.scheduleIds.join() === ids.join())
        last.end = b;
      else out.push({ userId, start: a, end: b, scheduleIds: ids });
    }
  }
  return out.sort((x, y) => x.start - y.start || x.userId - y.userId);
}
