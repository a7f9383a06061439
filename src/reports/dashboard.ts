// The manager's dashboard: open tickets by priority, state and group, the age of the backlog, created vs
// resolved per day, each technician's open load and satisfaction. Plain aggregate SQL that both SQLite and
// PostgreSQL run (integer arithmetic on epoch milliseconds, no date functions), so one query per figure.
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { TicketStatus } from '../core/db/index.js';
import { Forbidden, Invalid } from '../core/errors.js';
import { openStatuses } from '../helpdesk/index.js';

const dayMs = 86_400_000;

/** Backlog age buckets: upper bounds in days (the last is open-ended). */
export const backlogBuckets = [
  { label: '< 1 day', maxDays: 1 },
  { label: '1–3 days', maxDays: 3 },
  { label: '3–7 days', maxDays: 7 },
  { label: '7–30 days', maxDays: 30 },
  { label: '> 30 days', maxDays: null },
] as const;

export interface Dashboard {
  generatedAt: number;
  openTotal: number;
  byPriority: { priority: number; count: number }[];
  byStatus: { status: TicketStatus; count: number }[];
  byGroup: { groupId: number | null; name: string; count: number }[];
  backlogAge: { label: string; count: number }[];
  /** The zone whose days `daily` counts (IANA). */
  timeZone: string;
  /** One entry per day of `timeZone` (23 or 25 hours across a DST change), oldest first, ending today. */
  daily: { day: string; created: number; resolved: number }[];
  technicians: { userId: number; name: string; open: number }[];
  satisfaction: { average: number | null; count: number; distribution: { score: number; count: number }[] };
}

export function canSeeDashboard(actor: Actor): boolean {
  return actor.role === 'admin' || actor.role === 'manager';
}

export async function getDashboard(
  ctx: ServiceContext,
  actor: Actor,
  options: { days?: number; timeZone?: string } = {},
): Promise<Dashboard> {
  if (!canSeeDashboard(actor)) throw new Forbidden('forbidden', 'The dashboard is for managers and admins.');
  const days = options.days ?? 30;
  const timeZone = options.timeZone ?? 'UTC';
  const now = ctx.clock.now();
  const today = DateTime.fromMillis(now, { zone: timeZone });
  if (!today.isValid)
    throw new Invalid('validation_failed', `timeZone: unknown time zone "${timeZone.slice(0, 60)}"`, [
      { field: 'querystring/timeZone', message: 'must be an IANA time zone such as Europe/Berlin' },
    ]);
  // Where each local day starts, oldest first, and where tomorrow starts.
  const dayStarts = Array.from({ length: days + 1 }, (_, i) =>
    today.startOf('day').minus({ days: days - 1 - i }),
  );
  const since = dayStarts[0].toMillis();
  const until = dayStarts[days].toMillis();
  const dayOf = (column: 'created_at' | 'resolved_at') =>
    sql<number>`case ${sql.join(
      dayStarts
        .slice(1, days)
        .map((d, i) => sql`when tickets.${sql.raw(column)} < ${sql.lit(d.toMillis())} then ${sql.lit(i)}`),
      sql` `,
    )} else ${sql.lit(days - 1)} end`;
  const db = ctx.db;
  const open = () => db.selectFrom('tickets').where('tickets.status', 'in', openStatuses);

  const ageExpr = sql<number>`(${sql.lit(now)} - tickets.created_at) / ${sql.lit(dayMs)}`;
  const bucketCases = backlogBuckets.map((b, i) =>
    b.maxDays === null
      ? sql`else ${sql.lit(i)}`
      : sql`when ${ageExpr} < ${sql.lit(b.maxDays)} then ${sql.lit(i)}`,
  );
  const bucketExpr = sql<number>`case ${sql.join(bucketCases, sql` `)} end`;

  const [byPriority, byStatus, byGroup, ages, created, resolved, techs, ratings] = await Promise.all([
    open()
      .select(['priority', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('priority')
      .orderBy('priority', 'desc')
      .execute(),
    open()
      .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('status')
      .execute(),
    open()
      .leftJoin('groups', 'groups.id', 'tickets.group_id')
      .select([
        'tickets.group_id as groupId',
        'groups.name as name',
        (eb) => eb.fn.countAll<number>().as('count'),
      ])
      .groupBy(['tickets.group_id', 'groups.name'])
      .orderBy('count', 'desc')
      .execute(),
    open()
      .select([bucketExpr.as('bucket'), (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy(sql`1`)
      .execute(),
    db
      .selectFrom('tickets')
      .select([dayOf('created_at').as('day'), (eb) => eb.fn.countAll<number>().as('count')])
      .where('created_at', '>=', since)
      .where('created_at', '<', until)
      .groupBy(sql`1`)
      .execute(),
    db
      .selectFrom('tickets')
      .select([dayOf('resolved_at').as('day'), (eb) => eb.fn.countAll<number>().as('count')])
      .where('resolved_at', '>=', since)
      .where('resolved_at', '<', until)
      .groupBy(sql`1`)
      .execute(),
    db
      .selectFrom('users')
      .leftJoin('tickets', (join) =>
        join.onRef('tickets.assignee_id', '=', 'users.id').on('tickets.status', 'in', openStatuses),
      )
      .select([
        'users.id as userId',
        'users.name as name',
        (eb) => eb.fn.count<number>('tickets.id').as('open'),
      ])
      .where('users.role', '!=', 'requester')
      .where('users.active', '=', 1)
      .groupBy(['users.id', 'users.name'])
      .orderBy('open', 'desc')
      .orderBy('users.name')
      .execute(),
    db
      .selectFrom('tickets')
      .select(['satisfaction', (eb) => eb.fn.countAll<number>().as('count')])
      .where('satisfaction', 'is not', null)
      .groupBy('satisfaction')
      .execute(),
  ]);

  const daily = dayStarts.slice(0, days).map((d) => ({
    day: d.toISODate() as string,
    created: 0,
    resolved: 0,
  }));
  for (const r of created) if (daily[Number(r.day)]) daily[Number(r.day)].created += Number(r.count);
  for (const r of resolved) if (daily[Number(r.day)]) daily[Number(r.day)].resolved += Number(r.count);

  const ageCounts = backlogBuckets.map((b) => ({ label: b.label, count: 0 }));
  for (const r of ages) ageCounts[Number(r.bucket)].count += Number(r.count);

  const distribution = [1, 2, 3, 4, 5].map((score) => ({
    score,
    count: Number(ratings.find((r) => Number(r.satisfaction) === score)?.count ?? 0),
  }));
  const ratedCount = distribution.reduce((n, d) => n + d.count, 0);
  const ratedSum = distribution.reduce((n, d) => n + d.score * d.count, 0);

  const statusCounts = byStatus.map((r) => ({ status: r.status, count: Number(r.count) }));
  return {
    generatedAt: now,
    timeZone,
    openTotal: statusCounts.reduce((n, s) => n + s.count, 0),
    byPriority: byPriority.map((r) => ({ priority: Number(r.priority), count: Number(r.count) })),
    byStatus: openStatuses.map((status) => ({
      status,
      count: statusCounts.find((s) => s.status === status)?.count ?? 0,
    })),
    byGroup: byGroup.map((r) => ({ groupId: r.groupId, name: r.name ?? 'No group', count: Number(r.count) })),
    backlogAge: ageCounts,
    daily,
    technicians: techs.map((r) => ({ userId: r.userId, name: r.name, open: Number(r.open) })),
    satisfaction: {
      average: ratedCount > 0 ? Math.round((ratedSum / ratedCount) * 100) / 100 : null,
      count: ratedCount,
      distribution,
    },
  };
}
