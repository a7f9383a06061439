// A problem's incident count over time: how many of its incidents were reported and how many resolved per
// day (or per ISO week, Monday first) of a time zone, oldest first, ending today — the shape of the
// dashboard's daily chart, so the web app draws both with one component. A problem has tens or hundreds of
// incidents, so their two times are read and bucketed here rather than in SQL.
import { DateTime } from 'luxon';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Invalid } from '../core/errors.js';
import { loadProblem, requireProblemRight } from './problems.js';

export type CountBucket = 'day' | 'week';

export const incidentCountLimits = { maxDays: 366, defaultDays: 30 } as const;

export interface IncidentCounts {
  timeZone: string;
  bucket: CountBucket;
  /** One entry per day (or week) — `day` is its first day, YYYY-MM-DD — oldest first. */
  items: { day: string; created: number; resolved: number }[];
  /** Every incident of the problem, whenever reported (the chart's window may show fewer). */
  total: number;
}

export async function getIncidentCounts(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  options: { days?: number; bucket?: CountBucket; timeZone?: string } = {},
): Promise<IncidentCounts> {
  requireProblemRight(actor, 'problem.read');
  const days = options.days ?? incidentCountLimits.defaultDays;
  if (!Number.isInteger(days) || days < 1 || days > incidentCountLimits.maxDays)
    throw new Invalid('validation_failed', `days: must be 1–${incidentCountLimits.maxDays}`, [
      { field: 'querystring/days', message: `must be 1–${incidentCountLimits.maxDays}` },
    ]);
  const bucket = options.bucket ?? 'day';
  const timeZone = options.timeZone ?? 'UTC';
  const today = DateTime.fromMillis(ctx.clock.now(), { zone: timeZone });
  if (!today.isValid)
    throw new Invalid('validation_failed', `timeZone: unknown time zone "${timeZone.slice(0, 60)}"`, [
      { field: 'querystring/timeZone', message: 'must be an IANA time zone such as Europe/Berlin' },
    ]);
  await loadProblem(ctx.db, id);
  const first = today.startOf('day').minus({ days: days - 1 });
  const starts: DateTime[] = [];
  for (
    let d = bucket === 'week' ? first.startOf('week') : first;
    d <= today;
    d = d.plus(bucket === 'week' ? { weeks: 1 } : { days: 1 })
  )
    starts.push(d);
  const since = starts[0].toMillis();
  const items = starts.map((d) => ({ day: d.toISODate() as string, created: 0, resolved: 0 }));
  /** The bucket a moment falls in, or -1 before the first (the end is now: nothing is later). */
  const bucketOf = (at: number) => {
    let lo = -1;
    for (let i = 0; i < starts.length && starts[i].toMillis() <= at; i++) lo = i;
    return lo;
  };
  const rows = await ctx.db
    .selectFrom('problem_incidents as pi')
    .innerJoin('tickets as t', 't.id', 'pi.ticket_id')
    .select(['t.created_at', 't.resolved_at'])
    .where('pi.problem_id', '=', id)
    .execute();
  for (const r of rows) {
    if (r.created_at >= since) {
      const i = bucketOf(r.created_at);
      if (i >= 0) items[i].created++;
    }
    if (r.resolved_at !== null && r.resolved_at >= since) {
      const i = bucketOf(r.resolved_at);
      if (i >= 0) items[i].resolved++;
    }
  }
  return { timeZone, bucket, items, total: rows.length };
}
