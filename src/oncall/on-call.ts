// Who is on call, read from stored schedules: what paging, readiness and the routes ask. Compiled schedules are
// cached across instances (core/cache-versions) and resolved in memory.
// CONTRACT (issue 10): these signatures are shared; the schedules helper fills in the bodies.
import type { ServiceContext } from '../core/context.js';
import { compiledSchedule } from './compiled-schedules.js';
import type { Segment } from './schedule-model.js';
import { finalSchedule, onCallAt } from './schedule-resolution.js';

export interface OnCallNow {
  scheduleId: number;
  userId: number;
  /** The stretch this answer holds for (epoch ms, end exclusive). */
  start: number;
  end: number;
  source: Segment['source'];
}

/** The person on call for a schedule at `at` (epoch ms); null in a gap. NotFound for an unknown schedule. */
export async function whoIsOnCall(
  ctx: ServiceContext,
  scheduleId: number,
  at: number,
): Promise<OnCallNow | null> {
  const s = await compiledSchedule(ctx, scheduleId);
  const hit = onCallAt(s.compiled, at);
  if (!hit || hit.userId === null) return null;
  return { scheduleId, userId: hit.userId, start: hit.start, end: hit.end, source: hit.source };
}

/** The final schedule's segments over [from, to), tiling the range (gaps included). */
export async function onCallSegments(
  ctx: ServiceContext,
  scheduleId: number,
  from: number,
  to: number,
): Promise<Segment[]> {
  const s = await compiledSchedule(ctx, scheduleId);
  return finalSchedule(s.compiled, from, to);
}
