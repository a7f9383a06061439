// Who is on call, read from stored schedules: what paging, readiness and the routes ask. Compiled schedules are
// cached across instances (core/cache-versions) and resolved in memory.
// CONTRACT (issue 10): these signatures are shared; the schedules helper fills in the bodies.
import type { ServiceContext } from '../core/context.js';
import type { Segment } from './schedule-model.js';

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
  _ctx: ServiceContext,
  _scheduleId: number,
  _at: number,
): Promise<OnCallNow | null> {
  throw new Error('not built yet');
}

/** The final schedule's segments over [from, to), tiling the range (gaps included). */
export async function onCallSegments(
  _ctx: ServiceContext,
  _scheduleId: number,
  _from: number,
  _to: number,
): Promise<Segment[]> {
  throw new Error('not built yet');
}
