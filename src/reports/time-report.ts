// The time report (time tracking, issue 14): minutes logged on tickets in a span of time, in total and
// billable, per ticket, technician, group or category (the ticket's group and category as they are now, as
// Zammad's and GLPI's time reports read them). One aggregate query that both dialects run; the span is over
// each entry's worked-on moment, from inclusive, to exclusive.
import { sql } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Forbidden, Invalid } from '../core/errors.js';
import { canTicket } from '../helpdesk/index.js';

export const timeReportGroupings = ['ticket', 'technician', 'group', 'category'] as const;
export type TimeReportGrouping = (typeof timeReportGroupings)[number];

/** The longest span one report covers, and how many rows it lists (largest first). */
export const timeReportLimits = { maxDays: 731, maxRows: 500 } as const;

const dayMs = 86_400_000;

export interface TimeReportRow {
  /** The ticket, user, group or category id; null: tickets with no group or category. */
  id: number | null;
  label: string;
  minutes: number;
  billableMinutes: number;
  entries: number;
}

export interface TimeReport {
  from: number;
  to: number;
  groupBy: TimeReportGrouping;
  totals: { minutes: number; billableMinutes: number; entries: number };
  rows: TimeReportRow[];
  /** More groups than maxRows: the smallest are left out (totals still count them). */
  truncated: boolean;
}

export function canSeeTimeReport(actor: Actor): boolean {
  return canTicket(actor, 'time.report');
}

export async function getTimeReport(
  ctx: ServiceContext,
  actor: Actor,
  options: { from?: number; to?: number; groupBy?: TimeReportGrouping },
): Promise<TimeReport> {
  if (!canSeeTimeReport(actor))
    throw new Forbidden('forbidden', 'The time report is for managers and admins.');
  const to = options.to ?? ctx.clock.now();
  const from = options.from ?? to - 30 * dayMs;
  const groupBy = options.groupBy ?? 'technician';
  if (!(from < to))
    throw new Invalid('validation_failed', 'from: must be before to', [
      { field: 'querystring/from', message: 'must be before to' },
    ]);
  if (to - from > timeReportLimits.maxDays * dayMs)
    throw new Invalid('validation_failed', `to: the span may be at most ${timeReportLimits.maxDays} days`, [
      { field: 'querystring/to', message: `at most ${timeReportLimits.maxDays} days after from` },
    ]);

  const minutes = sql<number>`sum(e.minutes)`;
  const billable = sql<number>`sum(case when e.billable = 1 then e.minutes else 0 end)`;
  const entries = sql<number>`count(*)`;
  const base = ctx.db
    .selectFrom('time_entries as e')
    .innerJoin('tickets as t', 't.id', 'e.ticket_id')
    .where('e.worked_on', '>=', from)
    .where('e.worked_on', '<', to);

  const grouped = await (() => {
    switch (groupBy) {
      case 'ticket':
        return base
          .select(['t.id as id', 't.title as label'])
          .select([minutes.as('minutes'), billable.as('billable'), entries.as('entries')])
          .groupBy(['t.id', 't.title'])
          .execute();
      case 'technician':
        return base
          .innerJoin('users as u', 'u.id', 'e.user_id')
          .select(['u.id as id', 'u.name as label'])
          .select([minutes.as('minutes'), billable.as('billable'), entries.as('entries')])
          .groupBy(['u.id', 'u.name'])
          .execute();
      case 'group':
        return base
          .leftJoin('groups as g', 'g.id', 't.group_id')
          .select(['t.group_id as id', 'g.name as label'])
          .select([minutes.as('minutes'), billable.as('billable'), entries.as('entries')])
          .groupBy(['t.group_id', 'g.name'])
          .execute();
      case 'category':
        return base
          .leftJoin('categories as c', 'c.id', 't.category_id')
          .select(['t.category_id as id', 'c.name as label'])
          .select([minutes.as('minutes'), billable.as('billable'), entries.as('entries')])
          .groupBy(['t.category_id', 'c.name'])
          .execute();
    }
  })();

  const none = groupBy === 'group' ? 'No group' : 'No category';
  const rows: TimeReportRow[] = grouped
    .map((r) => ({
      id: r.id === null ? null : Number(r.id),
      label: groupBy === 'ticket' ? `#${r.id} ${r.label}` : (r.label ?? none),
      minutes: Number(r.minutes),
      billableMinutes: Number(r.billable),
      entries: Number(r.entries),
    }))
    // Largest first; ties by id (no group/category last) so the order is the same on both databases.
    .sort(
      (a, b) =>
        b.minutes - a.minutes || (a.id ?? Number.MAX_SAFE_INTEGER) - (b.id ?? Number.MAX_SAFE_INTEGER),
    );
  const totals = { minutes: 0, billableMinutes: 0, entries: 0 };
  for (const r of rows) {
    totals.minutes += r.minutes;
    totals.billableMinutes += r.billableMinutes;
    totals.entries += r.entries;
  }
  return {
    from,
    to,
    groupBy,
    totals,
    rows: rows.slice(0, timeReportLimits.maxRows),
    truncated: rows.length > timeReportLimits.maxRows,
  };
}
