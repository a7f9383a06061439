// The manager's view in one call: running contracts whose term ends within 90 days with their notice deadlines
// (soonest first), every budget line of the current fiscal year with what is left, and the requests for quotes
// still open. Reads the few columns the terms need for every contract, then whole rows for the window alone.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { ContractType, QuoteRequestStatus, RecurringPeriod } from '../core/db/index.js';
import { viewLines } from './budgets.js';
import { currentTerm, dayMs, fiscalYearOf } from './contract-terms.js';
import { termsOf } from './contracts.js';
import { requireVendorRight } from './policies.js';

export const overviewWindowDays = 90;

export interface Overview {
  asOf: number;
  fiscalYear: number;
  renewals: {
    contractId: number;
    vendorId: number;
    vendorName: string;
    title: string;
    type: ContractType;
    termEnd: number;
    noticeDeadline: number;
    /** Whole days from now to the notice deadline, rounded down; negative once it has passed. */
    daysToNotice: number;
    action: 'renews' | 'expires';
    currency: string;
    recurringMinor: number;
    recurringPeriod: RecurringPeriod | null;
    /** The renewal reminder for this notice deadline has been raised. */
    reminded: boolean;
  }[];
  budgets: {
    budgetLineId: number;
    name: string;
    category: string;
    fiscalYear: number;
    currency: string;
    plannedMinor: number;
    spentMinor: number;
    committedMinor: number;
    remainingMinor: number;
    forecastMinor: number;
  }[];
  openRequests: {
    id: number;
    what: string;
    status: QuoteRequestStatus;
    quoteCount: number;
    budgetLineId: number | null;
    createdAt: number;
  }[];
}

export async function vendorOverview(ctx: ServiceContext, actor: Actor): Promise<Overview> {
  requireVendorRight(actor, 'vendors.read');
  const now = ctx.clock.now();
  const startMonth = ctx.config.fiscalYearStartMonth;
  const fiscalYear = fiscalYearOf(now, startMonth);
  const until = now + overviewWindowDays * dayMs;
  // The parts are independent: on PostgreSQL the budget lines are read beside the renewals.
  const budgetsRead = (async () => {
    const lineRows = await ctx.db
      .selectFrom('budget_lines')
      .selectAll()
      .where('fiscal_year', '=', fiscalYear)
      .orderBy('name')
      .orderBy('id')
      .execute();
    return (await viewLines(ctx.db, lineRows, now, startMonth)).map((l) => ({
      budgetLineId: l.id,
      name: l.name,
      category: l.category,
      fiscalYear: l.fiscalYear,
      currency: l.currency,
      plannedMinor: l.position.plannedMinor,
      spentMinor: l.position.spentMinor,
      committedMinor: l.position.committedMinor,
      remainingMinor: l.position.remainingMinor,
      forecastMinor: l.position.forecastMinor,
    }));
  })();
  const renewalsRead = (async () => {
    const terms = await ctx.db
      .selectFrom('contracts')
      .select([
        'id',
        'status',
        'starts_at',
        'ends_at',
        'auto_renew',
        'renewal_months',
        'notice_days',
        'one_off_minor',
        'recurring_minor',
        'recurring_period',
      ])
      .where('status', '=', 'active')
      .where((eb) =>
        eb.or([eb('auto_renew', '=', 1), eb.and([eb('ends_at', '>', now), eb('ends_at', '<=', until)])]),
      )
      .execute();
    const due = new Map<number, ReturnType<typeof currentTerm>>();
    for (const t of terms) {
      const cur = currentTerm(termsOf(t), now);
      if (cur.termEnd > now && cur.termEnd <= until) due.set(t.id, cur);
    }
    const ids = [...due.keys()];
    const rows =
      ids.length === 0
        ? []
        : await ctx.db
            .selectFrom('contracts')
            .innerJoin('vendors', 'vendors.id', 'contracts.vendor_id')
            .select([
              'contracts.id',
              'contracts.vendor_id',
              'vendors.name as vendor_name',
              'contracts.title',
              'contracts.type',
              'contracts.currency',
              'contracts.recurring_minor',
              'contracts.recurring_period',
              'contracts.reminded_deadline',
            ])
            .where('contracts.id', 'in', ids)
            .execute();
    return rows
      .map((r) => {
        const cur = due.get(r.id) as ReturnType<typeof currentTerm>;
        return {
          contractId: r.id,
          vendorId: r.vendor_id,
          vendorName: r.vendor_name,
          title: r.title,
          type: r.type,
          termEnd: cur.termEnd,
          noticeDeadline: cur.noticeDeadline,
          daysToNotice: Math.floor((cur.noticeDeadline - now) / dayMs),
          action: cur.action,
          currency: r.currency,
          recurringMinor: r.recurring_minor,
          recurringPeriod: r.recurring_period,
          reminded: r.reminded_deadline === cur.noticeDeadline,
        };
      })
      .sort((a, b) => a.termEnd - b.termEnd || a.contractId - b.contractId);
  })();
  const [renewals, budgets] = await Promise.all([renewalsRead, budgetsRead]);
  const requests = await ctx.db
    .selectFrom('quote_requests')
    .select(['id', 'what', 'status', 'budget_line_id', 'created_at'])
    .where('status', 'in', ['open', 'quoted'])
    .orderBy('id', 'desc')
    .limit(200)
    .execute();
  const counts = new Map<number, number>();
  if (requests.length > 0)
    for (const c of await ctx.db
      .selectFrom('quotes')
      .select(['request_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where(
        'request_id',
        'in',
        requests.map((r) => r.id),
      )
      .groupBy('request_id')
      .execute())
      counts.set(c.request_id, Number(c.n));
  return {
    asOf: now,
    fiscalYear,
    renewals,
    budgets,
    openRequests: requests.map((r) => ({
      id: r.id,
      what: r.what,
      status: r.status,
      quoteCount: counts.get(r.id) ?? 0,
      budgetLineId: r.budget_line_id,
      createdAt: r.created_at,
    })),
  };
}
