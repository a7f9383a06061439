// The calendar arithmetic of contracts, pure: fiscal years (named by the calendar year they start in, starting on
// the 1st of OPSDESK_FISCAL_YEAR_START_MONTH, UTC), a contract's current term and notice deadline (an automatic
// renewal rolls the term forward by its renewal length), and the charges a contract makes in a span of time
// (its one-off cost at the start; its recurring cost at the start of each period, in advance, until the first
// term ends — or for as long as it keeps renewing). Months are calendar months in UTC; a day of the month that
// the target month lacks becomes its last day (31 January + 1 month = 28/29 February).
import type { ContractStatus, RecurringPeriod } from '../core/db/index.js';

export const dayMs = 86_400_000;
const periodMonths: Record<RecurringPeriod, number> = { month: 1, quarter: 3, year: 12 };

export function addMonthsUtc(at: number, months: number): number {
  const d = new Date(at);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const ty = y + Math.floor(m / 12);
  const tm = ((m % 12) + 12) % 12;
  const last = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  return Date.UTC(
    ty,
    tm,
    Math.min(d.getUTCDate(), last),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  );
}

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
function daysInMonth(year: number, month: number): number {
  if (month !== 1) return monthDays[month] as number;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** Whole calendar months from a to b, ignoring the days (a lower bound to start a search from). */
function monthsBetween(a: number, b: number): number {
  const da = new Date(a);
  const db = new Date(b);
  return (db.getUTCFullYear() - da.getUTCFullYear()) * 12 + (db.getUTCMonth() - da.getUTCMonth());
}

/** The fiscal year `at` falls in, named by the calendar year it starts in. */
export function fiscalYearOf(at: number, startMonth: number): number {
  const d = new Date(at);
  return d.getUTCMonth() + 1 >= startMonth ? d.getUTCFullYear() : d.getUTCFullYear() - 1;
}

/** [start, end) of a fiscal year in epoch ms. */
export function fiscalYearSpan(year: number, startMonth: number): { from: number; to: number } {
  return { from: Date.UTC(year, startMonth - 1, 1), to: Date.UTC(year + 1, startMonth - 1, 1) };
}

/** What the arithmetic needs of a contract. */
export interface ContractTerms {
  status: ContractStatus;
  startsAt: number;
  endsAt: number;
  autoRenew: boolean;
  renewalMonths: number;
  noticeDays: number;
  oneOffMinor: number;
  recurringMinor: number;
  recurringPeriod: RecurringPeriod | null;
}

export interface CurrentTerm {
  /** The end of the term running at `now` (or of the last one, once a contract that does not renew has ended). */
  termEnd: number;
  /** The last moment to give notice before termEnd. */
  noticeDeadline: number;
  /** 'renews': it renews by itself unless notice is given; 'expires': it ends unless renewed by hand. */
  action: 'renews' | 'expires';
  /** False once a contract that does not renew has ended. */
  running: boolean;
}

/** The term running at `now`: a renewing contract's first term end moved forward by whole renewal lengths. */
export function currentTerm(c: ContractTerms, now: number): CurrentTerm {
  let termEnd = c.endsAt;
  if (c.autoRenew && now >= termEnd && c.renewalMonths > 0) {
    // Start near the answer (months elapsed / renewal length), then step: a few iterations at most.
    let k = Math.max(1, Math.floor(monthsBetween(c.endsAt, now) / c.renewalMonths) - 1);
    termEnd = addMonthsUtc(c.endsAt, k * c.renewalMonths);
    while (termEnd <= now) {
      k += 1;
      termEnd = addMonthsUtc(c.endsAt, k * c.renewalMonths);
    }
  }
  return {
    termEnd,
    noticeDeadline: termEnd - c.noticeDays * dayMs,
    action: c.autoRenew ? 'renews' : 'expires',
    running: c.status === 'active' && (c.autoRenew || now < c.endsAt),
  };
}

export interface Charge {
  at: number;
  amountMinor: number;
}

/**
 * The charges a contract makes in [from, to): its one-off cost at its start, and its recurring cost at the start
 * of each period from its start, up to the end of its first term or, while it renews automatically, beyond.
 * A cancelled contract makes none.
 */
export function chargesBetween(c: ContractTerms, from: number, to: number): Charge[] {
  const out: Charge[] = [];
  if (c.status !== 'active') return out;
  if (c.oneOffMinor !== 0 && c.startsAt >= from && c.startsAt < to)
    out.push({ at: c.startsAt, amountMinor: c.oneOffMinor });
  if (c.recurringPeriod === null || c.recurringMinor === 0) return out;
  const p = periodMonths[c.recurringPeriod];
  const last = c.autoRenew ? to : Math.min(to, c.endsAt);
  // The start taken apart once; each charge is then one Date.UTC (the budget view walks thousands of contracts).
  const d = new Date(c.startsAt);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const dom = d.getUTCDate();
  const timeOfDay = c.startsAt - Date.UTC(y, m, dom);
  let k = Math.max(0, Math.floor(monthsBetween(c.startsAt, from) / p) - 1);
  for (;;) {
    const mm = m + k * p;
    const ty = y + Math.floor(mm / 12);
    const tm = mm % 12;
    const at = Date.UTC(ty, tm, Math.min(dom, daysInMonth(ty, tm))) + timeOfDay;
    if (at >= last) break;
    if (at >= from) out.push({ at, amountMinor: c.recurringMinor });
    k += 1;
  }
  return out;
}
