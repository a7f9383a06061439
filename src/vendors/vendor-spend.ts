// Spend per vendor and fiscal year, per currency, exact to the minor unit: contract charges already due (the
// one-off cost and each recurring charge of the contract's terms, src/vendors/contract-terms.ts), purchases (the
// entries an award writes, attributed to the awarded quote's vendor, or a purchase that names its vendor) and
// spending entries that name their vendor. Amounts in different currencies are never added together.
import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Invalid } from '../core/errors.js';
import { chargesBetween, fiscalYearOf, fiscalYearSpan } from './contract-terms.js';
import { termsOf } from './contracts.js';
import { requireVendorRight } from './policies.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface SpendRow {
  vendorId: number;
  vendorName: string;
  fiscalYear: number;
  currency: string;
  contractsMinor: number;
  purchasesMinor: number;
  spendMinor: number;
  totalMinor: number;
}

export const spendLimits = { years: 20, defaultYears: 5 };

/** The span asked for, or the current fiscal year and the four before it. */
export function spendSpan(
  now: number,
  startMonth: number,
  fromYear?: number,
  toYear?: number,
): { fromYear: number; toYear: number } {
  const current = fiscalYearOf(now, startMonth);
  const to = toYear ?? (fromYear !== undefined ? Math.max(fromYear, current) : current);
  const from = fromYear ?? to - (spendLimits.defaultYears - 1);
  if (from > to || to - from + 1 > spendLimits.years)
    throw new Invalid('validation_failed', `fromYear..toYear: at most ${spendLimits.years} years, in order`, [
      { field: 'querystring/fromYear', message: `at most ${spendLimits.years} years, fromYear ≤ toYear` },
    ]);
  return { fromYear: from, toYear: to };
}

/** Spend rows of some vendors (all when `vendorIds` is undefined), sorted by vendor name, year, currency. */
export async function readSpend(
  db: Db,
  now: number,
  startMonth: number,
  span: { fromYear: number; toYear: number },
  vendorIds?: number[],
): Promise<SpendRow[]> {
  const from = fiscalYearSpan(span.fromYear, startMonth).from;
  const to = Math.min(fiscalYearSpan(span.toYear, startMonth).to, now + 1);
  const rows = new Map<string, SpendRow>();
  const names = new Map<number, string>();
  let vq = db.selectFrom('vendors').select(['id', 'name']);
  if (vendorIds) vq = vq.where('id', 'in', vendorIds.length > 0 ? vendorIds : [0]);
  for (const v of await vq.execute()) names.set(v.id, v.name);
  const add = (
    vendorId: number,
    at: number,
    currency: string,
    field: 'contractsMinor' | 'purchasesMinor' | 'spendMinor',
    amount: number,
  ) => {
    const name = names.get(vendorId);
    if (name === undefined || at < from || at >= to) return;
    const year = fiscalYearOf(at, startMonth);
    const key = `${vendorId}\u0000${year}\u0000${currency}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        vendorId,
        vendorName: name,
        fiscalYear: year,
        currency,
        contractsMinor: 0,
        purchasesMinor: 0,
        spendMinor: 0,
        totalMinor: 0,
      };
      rows.set(key, row);
    }
    row[field] += amount;
    row.totalMinor += amount;
  };
  if (to <= from) return [];
  let cq = db
    .selectFrom('contracts')
    .select([
      'vendor_id',
      'currency',
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
    .where('starts_at', '<', to);
  if (vendorIds) cq = cq.where('vendor_id', 'in', vendorIds.length > 0 ? vendorIds : [0]);
  for (const c of await cq.execute())
    for (const ch of chargesBetween(termsOf(c), from, to))
      add(c.vendor_id, ch.at, c.currency, 'contractsMinor', ch.amountMinor);
  const entries = await db
    .selectFrom('budget_entries')
    .innerJoin('budget_lines', 'budget_lines.id', 'budget_entries.budget_line_id')
    .leftJoin('quotes', 'quotes.id', 'budget_entries.quote_id')
    .select([
      'budget_entries.kind',
      'budget_entries.amount_minor',
      'budget_entries.at',
      'budget_entries.vendor_id',
      'quotes.vendor_id as quote_vendor_id',
      'budget_lines.currency',
    ])
    .where('budget_entries.at', '>=', from)
    .where('budget_entries.at', '<', to)
    .execute();
  for (const e of entries) {
    const vendorId = e.vendor_id ?? e.quote_vendor_id;
    if (vendorId === null) continue;
    add(vendorId, e.at, e.currency, e.kind === 'purchase' ? 'purchasesMinor' : 'spendMinor', e.amount_minor);
  }
  return [...rows.values()].sort(
    (a, b) =>
      a.vendorName.localeCompare(b.vendorName) ||
      a.vendorId - b.vendorId ||
      a.fiscalYear - b.fiscalYear ||
      a.currency.localeCompare(b.currency),
  );
}

export async function vendorSpend(
  ctx: ServiceContext,
  actor: Actor,
  q: { fromYear?: number; toYear?: number },
): Promise<{ fromYear: number; toYear: number; items: SpendRow[] }> {
  requireVendorRight(actor, 'vendors.read');
  const now = ctx.clock.now();
  const span = spendSpan(now, ctx.config.fiscalYearStartMonth, q.fromYear, q.toYear);
  return { ...span, items: await readSpend(ctx.db, now, ctx.config.fiscalYearStartMonth, span) };
}
