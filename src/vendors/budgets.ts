// Budget lines per category and fiscal year, in one currency each, with what they hold: the charges of the
// contracts that draw on them, purchases (an awarded quote, a purchase order) and other spending recorded by
// hand. A line's view is its position (src/vendors/budget-position.ts) at the clock's now. Every write is
// audited; a purchase from an award is written inside the award's transaction (commitPurchase).
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { BudgetEntriesTable, BudgetEntryKind, BudgetLinesTable, Database } from '../core/db/index.js';
import { Conflict, Invalid, NotFound } from '../core/errors.js';
import { type BudgetPosition, budgetPosition } from './budget-position.js';
import { chargesBetween, fiscalYearSpan } from './contract-terms.js';
import { termsOf } from './contracts.js';
import { isCurrency } from './money.js';
import { requireVendorRight } from './policies.js';

type Db = Kysely<Database> | Transaction<Database>;

export const budgetLimits = {
  name: 200,
  category: 100,
  notes: 20_000,
  amountMinor: 1e13,
  description: 2_000,
};

export interface BudgetLine {
  id: number;
  name: string;
  category: string;
  fiscalYear: number;
  /** The fiscal year's first moment and the next one's (UTC). */
  from: number;
  to: number;
  currency: string;
  notes: string;
  position: BudgetPosition;
  /** How many active contracts draw on it within its fiscal year (one that ended before it charges nothing). */
  contracts: number;
  createdAt: number;
  updatedAt: number;
}

export interface BudgetEntry {
  id: number;
  budgetLineId: number;
  kind: BudgetEntryKind;
  amountMinor: number;
  at: number;
  description: string;
  quoteId: number | null;
  quoteRequestId: number | null;
  createdBy: number | null;
  createdAt: number;
}

export interface BudgetLineInput {
  name?: string;
  category?: string;
  fiscalYear?: number;
  currency?: string;
  plannedMinor?: number;
  notes?: string;
}

function toEntry(r: Selectable<BudgetEntriesTable>): BudgetEntry {
  return {
    id: r.id,
    budgetLineId: r.budget_line_id,
    kind: r.kind,
    amountMinor: r.amount_minor,
    at: r.at,
    description: r.description,
    quoteId: r.quote_id,
    quoteRequestId: r.quote_request_id,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

/** The lines' views: their contracts and entries read in two queries, whatever the number of lines. */
export async function viewLines(
  db: Db,
  lines: readonly Selectable<BudgetLinesTable>[],
  now: number,
  startMonth: number,
): Promise<BudgetLine[]> {
  if (lines.length === 0) return [];
  const ids = lines.map((l) => l.id);
  // Only what the charges need, and only contracts that can charge within the lines' years: started before the
  // last year ends, and renewing or with a first term ending after the first year starts (an ended term charges
  // nothing later).
  const spans = lines.map((l) => fiscalYearSpan(l.fiscal_year, startMonth));
  const from = Math.min(...spans.map((s) => s.from));
  const to = Math.max(...spans.map((s) => s.to));
  const contracts = await db
    .selectFrom('contracts')
    .select([
      'budget_line_id',
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
    .where('budget_line_id', 'in', ids)
    .where('status', '=', 'active')
    .where('starts_at', '<', to)
    .where((eb) => eb.or([eb('auto_renew', '=', 1), eb('ends_at', '>', from)]))
    .execute();
  const entries = await db
    .selectFrom('budget_entries')
    .select(['budget_line_id', 'kind', 'amount_minor', 'at'])
    .where('budget_line_id', 'in', ids)
    .execute();
  const contractsOf = new Map<number, typeof contracts>();
  for (const c of contracts) {
    const list = contractsOf.get(c.budget_line_id as number) ?? [];
    list.push(c);
    contractsOf.set(c.budget_line_id as number, list);
  }
  const entriesOf = new Map<number, typeof entries>();
  for (const e of entries) {
    const list = entriesOf.get(e.budget_line_id) ?? [];
    list.push(e);
    entriesOf.set(e.budget_line_id, list);
  }
  return lines.map((l) => {
    const span = fiscalYearSpan(l.fiscal_year, startMonth);
    const mine = contractsOf.get(l.id) ?? [];
    const own = entriesOf.get(l.id) ?? [];
    const position = budgetPosition({
      plannedMinor: l.planned_minor,
      from: span.from,
      to: span.to,
      now,
      // Contracts in another currency cannot be linked (contracts.ts refuses it).
      contractCharges: mine.flatMap((c) => chargesBetween(termsOf(c), span.from, span.to)),
      purchases: own
        .filter((e) => e.kind === 'purchase')
        .map((e) => ({ at: e.at, amountMinor: e.amount_minor })),
      spends: own.filter((e) => e.kind === 'spend').map((e) => ({ at: e.at, amountMinor: e.amount_minor })),
    });
    return {
      id: l.id,
      name: l.name,
      category: l.category,
      fiscalYear: l.fiscal_year,
      from: span.from,
      to: span.to,
      currency: l.currency,
      notes: l.notes,
      position,
      contracts: mine.length,
      createdAt: l.created_at,
      updatedAt: l.updated_at,
    };
  });
}

export async function readBudgetLine(ctx: ServiceContext, db: Db, id: number): Promise<BudgetLine> {
  const row = await db.selectFrom('budget_lines').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('budget_line_not_found', `Budget line ${id} does not exist.`);
  return (await viewLines(db, [row], ctx.clock.now(), ctx.config.fiscalYearStartMonth))[0] as BudgetLine;
}

export async function getBudgetLine(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
): Promise<BudgetLine & { entries: BudgetEntry[] }> {
  requireVendorRight(actor, 'vendors.read');
  const line = await readBudgetLine(ctx, ctx.db, id);
  const entries = await ctx.db
    .selectFrom('budget_entries')
    .selectAll()
    .where('budget_line_id', '=', id)
    .orderBy('at')
    .orderBy('id')
    .execute();
  return { ...line, entries: entries.map(toEntry) };
}

export interface BudgetLineFilter {
  fiscalYear?: number;
  category?: string;
  limit: number;
  /** Keyset: [fiscal year, id] of the last item of the previous page. */
  after?: [number, number];
}

/** Budget lines by fiscal year, then id, with their positions; one more than the limit tells a next page. */
export async function listBudgetLines(
  ctx: ServiceContext,
  actor: Actor,
  f: BudgetLineFilter,
): Promise<BudgetLine[]> {
  requireVendorRight(actor, 'vendors.read');
  let q = ctx.db.selectFrom('budget_lines').selectAll();
  if (f.fiscalYear !== undefined) q = q.where('fiscal_year', '=', f.fiscalYear);
  if (f.category !== undefined) q = q.where('category', '=', f.category);
  if (f.after) {
    const [year, id] = f.after;
    q = q.where((eb) =>
      eb.or([eb('fiscal_year', '>', year), eb.and([eb('fiscal_year', '=', year), eb('id', '>', id)])]),
    );
  }
  const rows = await q
    .orderBy('fiscal_year')
    .orderBy('id')
    .limit(f.limit + 1)
    .execute();
  return viewLines(ctx.db, rows, ctx.clock.now(), ctx.config.fiscalYearStartMonth);
}

async function checkLineFree(db: Db, category: string, fiscalYear: number, except?: number): Promise<void> {
  let q = db
    .selectFrom('budget_lines')
    .select('id')
    .where('category', '=', category)
    .where('fiscal_year', '=', fiscalYear);
  if (except !== undefined) q = q.where('id', '!=', except);
  if (await q.executeTakeFirst())
    throw new Conflict(
      'budget_line_taken',
      `A budget line for "${category}" in fiscal year ${fiscalYear} exists already.`,
    );
}

export async function createBudgetLine(
  ctx: ServiceContext,
  actor: Actor,
  input: Required<Pick<BudgetLineInput, 'name' | 'category' | 'fiscalYear' | 'currency' | 'plannedMinor'>> &
    BudgetLineInput,
): Promise<BudgetLine> {
  requireVendorRight(actor, 'vendors.manage');
  if (!isCurrency(input.currency))
    throw new Invalid('validation_failed', 'currency: must be an ISO 4217 code such as EUR', [
      { field: '/currency', message: 'must be an ISO 4217 code such as EUR' },
    ]);
  const now = ctx.clock.now();
  const category = input.category.trim();
  const id = await ctx.db.transaction().execute(async (trx) => {
    await checkLineFree(trx, category, input.fiscalYear);
    const row = await trx
      .insertInto('budget_lines')
      .values({
        name: input.name.trim(),
        category,
        fiscal_year: input.fiscalYear,
        currency: input.currency,
        planned_minor: input.plannedMinor,
        notes: input.notes ?? '',
        created_by: actor.id,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'budget_line.create',
      subjectType: 'budget_line',
      subjectId: row.id,
      details: {
        category,
        fiscalYear: input.fiscalYear,
        plannedMinor: input.plannedMinor,
        currency: input.currency,
      },
    });
    return row.id;
  });
  return readBudgetLine(ctx, ctx.db, id);
}

/** Rename, recategorise, replan. The currency stays: contracts and entries are in it. */
export async function updateBudgetLine(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: Omit<BudgetLineInput, 'currency' | 'fiscalYear'>,
): Promise<BudgetLine> {
  requireVendorRight(actor, 'vendors.manage');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('budget_lines').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound('budget_line_not_found', `Budget line ${id} does not exist.`);
    const category = input.category?.trim();
    if (category !== undefined) await checkLineFree(trx, category, row.fiscal_year, id);
    await trx
      .updateTable('budget_lines')
      .set({
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(category !== undefined ? { category } : {}),
        ...(input.plannedMinor !== undefined ? { planned_minor: input.plannedMinor } : {}),
        ...(input.notes !== undefined ? { notes: input.notes } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'budget_line.update',
      subjectType: 'budget_line',
      subjectId: id,
      details: {
        ...input,
        ...(input.plannedMinor !== undefined ? { plannedBeforeMinor: row.planned_minor } : {}),
      },
    });
  });
  return readBudgetLine(ctx, ctx.db, id);
}

export interface EntryInput {
  kind: BudgetEntryKind;
  amountMinor: number;
  at?: number;
  description?: string;
  quoteId?: number | null;
  quoteRequestId?: number | null;
  /** The vendor paid (spend per vendor and year). */
  vendorId?: number | null;
}

/** Write a purchase or a spending on a line inside the caller's transaction (an award, or by hand). */
export async function commitPurchase(
  trx: Transaction<Database>,
  actorId: number,
  lineId: number,
  now: number,
  input: EntryInput,
): Promise<number> {
  const row = await trx
    .insertInto('budget_entries')
    .values({
      budget_line_id: lineId,
      kind: input.kind,
      amount_minor: input.amountMinor,
      at: input.at ?? now,
      description: input.description ?? '',
      quote_id: input.quoteId ?? null,
      quote_request_id: input.quoteRequestId ?? null,
      vendor_id: input.vendorId ?? null,
      created_by: actorId,
      created_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    actorId,
    at: now,
    action: `budget_line.${input.kind}`,
    subjectType: 'budget_line',
    subjectId: lineId,
    details: {
      entryId: row.id,
      amountMinor: input.amountMinor,
      ...(input.quoteId ? { quoteId: input.quoteId } : {}),
    },
  });
  return row.id;
}

export async function addBudgetEntry(
  ctx: ServiceContext,
  actor: Actor,
  lineId: number,
  input: EntryInput,
): Promise<BudgetEntry> {
  requireVendorRight(actor, 'vendors.manage');
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const line = await trx
      .selectFrom('budget_lines')
      .select('id')
      .where('id', '=', lineId)
      .executeTakeFirst();
    if (!line) throw new NotFound('budget_line_not_found', `Budget line ${lineId} does not exist.`);
    if (
      input.vendorId != null &&
      !(await trx.selectFrom('vendors').select('id').where('id', '=', input.vendorId).executeTakeFirst())
    )
      throw new Invalid('validation_failed', 'vendorId: no such vendor', [
        { field: '/vendorId', message: 'no such vendor' },
      ]);
    return commitPurchase(trx, actor.id, lineId, now, { ...input, quoteId: null, quoteRequestId: null });
  });
  const row = await ctx.db
    .selectFrom('budget_entries')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return toEntry(row);
}
