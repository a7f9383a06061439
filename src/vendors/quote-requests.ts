// Requests for quotes and their quotes: a request comes from an approved upgrade proposal (src/proposals) or is
// written by hand, with requirements, a budget line, a currency and a term; vendors' quotes arrive through the
// API or a CSV import (rows that cannot be read are reported, the others kept); the comparison reads them into
// the pure quote-comparison; an award commits the winning quote's total to the budget line as a purchase and
// closes the request, in one transaction. States: open → quoted (a first quote) → awarded; open or quoted →
// cancelled. Every write is audited; creation and award record their events.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, QuoteRequestStatus, QuoteRequestsTable } from '../core/db/index.js';
import { Conflict, type FieldError, Invalid, NotFound } from '../core/errors.js';
import { commitPurchase, readBudgetLine } from './budgets.js';
import { isCurrency, parseDecimal, ratePattern } from './money.js';
import { requireVendorRight } from './policies.js';
import {
  type ComparedQuoteInput,
  type Comparison,
  compareQuotes,
  defaultWeights,
  type QuoteLine,
  quoteTotals,
  type Requirement,
  type Weights,
} from './quote-comparison.js';
import { type CsvRowError, parseQuoteCsv } from './quote-csv.js';
import { parseQuoteText } from './quote-text.js';
import { vendorPerformance } from './vendors.js';

type Db = Kysely<Database> | Transaction<Database>;
type Trx = Transaction<Database>;

export const quoteRequestStatuses = ['open', 'quoted', 'awarded', 'cancelled'] as const;

export const quoteLimits = {
  what: 500,
  spec: 20_000,
  requirements: 100,
  requirementText: 500,
  requirementKey: 64,
  quantity: 100_000,
  termMonths: 600,
  lines: 1_000,
  lineQuantity: 9_999_999,
  unitPriceMinor: 1e12,
  reference: 200,
  notes: 20_000,
};

export interface QuoteRequestView {
  id: number;
  proposalId: number | null;
  what: string;
  quantity: number;
  spec: string;
  status: QuoteRequestStatus;
  requirements: Requirement[];
  budgetLineId: number | null;
  currency: string | null;
  termMonths: number;
  awardedQuoteId: number | null;
  awardedAt: number | null;
  awardedBy: number | null;
  cancelReason: string | null;
  /** The asset this request replaces and the ticket it came from (assets' replacement), or null. */
  assetId: number | null;
  ticketId: number | null;
  quoteCount: number;
  createdBy: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface Quote {
  id: number;
  requestId: number;
  vendorId: number;
  vendorName: string;
  reference: string;
  currency: string;
  rate: string;
  requirementsMet: string[];
  notes: string;
  validUntil: number | null;
  source: 'api' | 'csv' | 'pdf-text';
  lines: QuoteLine[];
  createdAt: number;
}

export interface QuoteRequestInput {
  what?: string;
  quantity?: number;
  spec?: string;
  requirements?: Requirement[];
  budgetLineId?: number | null;
  currency?: string | null;
  termMonths?: number;
}

export interface QuoteInput {
  vendorId: number;
  reference?: string;
  currency: string;
  rate?: string;
  requirementsMet?: string[];
  notes?: string;
  validUntil?: number | null;
  lines: QuoteLine[];
}

const open = (s: QuoteRequestStatus) => s === 'open' || s === 'quoted';

function toView(r: Selectable<QuoteRequestsTable>, quoteCount: number): QuoteRequestView {
  return {
    id: r.id,
    proposalId: r.proposal_id,
    what: r.what,
    quantity: r.quantity,
    spec: r.spec,
    status: r.status,
    requirements: JSON.parse(r.requirements) as Requirement[],
    budgetLineId: r.budget_line_id,
    currency: r.currency,
    termMonths: r.term_months,
    awardedQuoteId: r.awarded_quote_id,
    awardedAt: r.awarded_at,
    awardedBy: r.awarded_by,
    cancelReason: r.cancel_reason,
    assetId: r.asset_id,
    ticketId: r.ticket_id,
    quoteCount,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

async function quoteCounts(db: Db, ids: number[]): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('quotes')
    .select(['request_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('request_id', 'in', ids)
    .groupBy('request_id')
    .execute();
  return new Map(rows.map((r) => [r.request_id, Number(r.n)]));
}

async function loadRequest(db: Db, id: number): Promise<Selectable<QuoteRequestsTable>> {
  const row = await db.selectFrom('quote_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('quote_request_not_found', `Request for quotes ${id} does not exist.`);
  return row;
}

export async function readQuoteRequest(db: Db, id: number): Promise<QuoteRequestView> {
  const row = await loadRequest(db, id);
  return toView(row, (await quoteCounts(db, [id])).get(id) ?? 0);
}

async function readQuotes(db: Db, requestId: number): Promise<Quote[]> {
  const quotes = await db
    .selectFrom('quotes')
    .innerJoin('vendors', 'vendors.id', 'quotes.vendor_id')
    .selectAll('quotes')
    .select('vendors.name as vendor_name')
    .where('quotes.request_id', '=', requestId)
    .orderBy('quotes.id')
    .execute();
  if (quotes.length === 0) return [];
  const items = await db
    .selectFrom('quote_items')
    .selectAll()
    .where(
      'quote_id',
      'in',
      quotes.map((q) => q.id),
    )
    .orderBy('quote_id')
    .orderBy('position')
    .execute();
  const linesOf = new Map<number, QuoteLine[]>();
  for (const it of items) {
    const list = linesOf.get(it.quote_id) ?? [];
    list.push({
      description: it.description,
      kind: it.kind,
      quantity: it.quantity,
      unitPriceMinor: it.unit_price_minor,
      period: it.period,
      discountBp: it.discount_bp,
    });
    linesOf.set(it.quote_id, list);
  }
  return quotes.map((q) => ({
    id: q.id,
    requestId: q.request_id,
    vendorId: q.vendor_id,
    vendorName: q.vendor_name,
    reference: q.reference,
    currency: q.currency,
    rate: q.rate,
    requirementsMet: JSON.parse(q.requirements_met) as string[],
    notes: q.notes,
    validUntil: q.valid_until,
    source: q.source,
    lines: linesOf.get(q.id) ?? [],
    createdAt: q.created_at,
  }));
}

export async function getQuoteRequest(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
): Promise<QuoteRequestView & { quotes: Quote[] }> {
  requireVendorRight(actor, 'vendors.read');
  const view = await readQuoteRequest(ctx.db, id);
  return { ...view, quotes: await readQuotes(ctx.db, id) };
}

export interface QuoteRequestFilter {
  status?: QuoteRequestStatus[];
  proposalId?: number;
  limit: number;
  /** Keyset: the id of the last item of the previous page (newest first). */
  before?: number;
}

/** Requests for quotes, newest first; one more than the limit tells a next page. */
export async function listQuoteRequests(
  ctx: ServiceContext,
  actor: Actor,
  f: QuoteRequestFilter,
): Promise<QuoteRequestView[]> {
  requireVendorRight(actor, 'vendors.read');
  let q = ctx.db.selectFrom('quote_requests').selectAll();
  if (f.status && f.status.length > 0) q = q.where('status', 'in', f.status);
  if (f.proposalId !== undefined) q = q.where('proposal_id', '=', f.proposalId);
  if (f.before !== undefined) q = q.where('id', '<', f.before);
  const rows = await q
    .orderBy('id', 'desc')
    .limit(f.limit + 1)
    .execute();
  const counts = await quoteCounts(
    ctx.db,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toView(r, counts.get(r.id) ?? 0));
}

function checkRequirements(fields: FieldError[], list: Requirement[] | undefined): void {
  if (!list) return;
  const keys = new Set<string>();
  list.forEach((r, i) => {
    if (keys.has(r.key))
      fields.push({ field: `/requirements/${i}/key`, message: `"${r.key}" appears twice` });
    keys.add(r.key);
  });
}

async function checkRequestRefs(db: Db, fields: FieldError[], input: QuoteRequestInput): Promise<void> {
  if (input.currency != null && !isCurrency(input.currency))
    fields.push({ field: '/currency', message: 'must be an ISO 4217 code such as EUR' });
  if (input.budgetLineId != null) {
    const line = await db
      .selectFrom('budget_lines')
      .select('id')
      .where('id', '=', input.budgetLineId)
      .executeTakeFirst();
    if (!line) fields.push({ field: '/budgetLineId', message: 'no such budget line' });
  }
}

function invalid(fields: FieldError[]): Invalid {
  return new Invalid('validation_failed', `${fields[0]?.field.slice(1)}: ${fields[0]?.message}`, fields);
}

export async function createQuoteRequest(
  ctx: ServiceContext,
  actor: Actor,
  input: QuoteRequestInput & { what: string },
): Promise<QuoteRequestView> {
  requireVendorRight(actor, 'vendors.manage');
  const id = await ctx.db
    .transaction()
    .execute((trx) => openQuoteRequestIn(ctx, trx, actor.id, ctx.clock.now(), input));
  ctx.events.nudge();
  return readQuoteRequest(ctx.db, id);
}

/**
 * A request for quotes written in the caller's transaction, with its audit entry and event — for another domain
 * that has authorised its own actor (assets: a technician asks to replace an asset from a ticket). Returns its id.
 */
export async function openQuoteRequestIn(
  ctx: ServiceContext,
  trx: Trx,
  actorId: number,
  now: number,
  input: QuoteRequestInput & { what: string; assetId?: number | null; ticketId?: number | null },
): Promise<number> {
  const fields: FieldError[] = [];
  checkRequirements(fields, input.requirements);
  await checkRequestRefs(trx, fields, input);
  if (fields.length > 0) throw invalid(fields);
  const what = input.what.trim();
  const row = await trx
    .insertInto('quote_requests')
    .values({
      proposal_id: null,
      what,
      quantity: input.quantity ?? 1,
      spec: input.spec ?? '',
      status: 'open',
      requirements: JSON.stringify(input.requirements ?? []),
      budget_line_id: input.budgetLineId ?? null,
      currency: input.currency ?? null,
      term_months: input.termMonths ?? 36,
      asset_id: input.assetId ?? null,
      ticket_id: input.ticketId ?? null,
      created_by: actorId,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    actorId,
    at: now,
    action: 'quote_request.create',
    subjectType: 'quote_request',
    subjectId: row.id,
    details: { what, ...(input.assetId ? { assetId: input.assetId, ticketId: input.ticketId } : {}) },
  });
  await ctx.events.record(trx, [
    {
      type: 'quote_request.created',
      subjectType: 'quote_request',
      subjectId: row.id,
      actorId,
      payload: { quoteRequestId: row.id, proposalId: null, what },
    },
  ]);
  return row.id;
}

/**
 * What the latest quotes for these assets' replacements say one costs: the newest awarded request's winning quote,
 * else the newest quote of any of their requests — its total over the request's term, in the quote's currency.
 */
export async function latestReplacementQuote(
  db: Db,
  assetIds: number[],
): Promise<{ quoteRequestId: number; amountMinor: number; currency: string; awarded: boolean } | null> {
  if (assetIds.length === 0) return null;
  const requests = await db
    .selectFrom('quote_requests')
    .select(['id', 'status', 'awarded_quote_id', 'term_months'])
    .where('asset_id', 'in', assetIds)
    .where('status', '!=', 'cancelled')
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
  const awarded = requests.find((r) => r.status === 'awarded' && r.awarded_quote_id !== null);
  for (const r of awarded ? [awarded] : requests) {
    const quotes = await readQuotes(db, r.id);
    const q = awarded ? quotes.find((x) => x.id === r.awarded_quote_id) : quotes.at(-1);
    if (!q) continue;
    const totals = quoteTotals(
      {
        id: q.id,
        vendorId: q.vendorId,
        vendorName: q.vendorName,
        currency: q.currency,
        rate: '1',
        lines: q.lines,
        requirementsMet: [],
      },
      q.currency,
      r.term_months,
    );
    return {
      quoteRequestId: r.id,
      amountMinor: totals.totalMinor,
      currency: q.currency,
      awarded: awarded !== undefined,
    };
  }
  return null;
}

/** Edit an open request, or cancel it (status 'cancelled' with a reason). */
export async function updateQuoteRequest(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: QuoteRequestInput & { status?: 'cancelled'; cancelReason?: string },
): Promise<QuoteRequestView> {
  requireVendorRight(actor, 'vendors.manage');
  const now = ctx.clock.now();
  const fields: FieldError[] = [];
  checkRequirements(fields, input.requirements);
  await ctx.db.transaction().execute(async (trx) => {
    const row = await loadRequest(trx, id);
    if (!open(row.status))
      throw new Conflict(
        'quote_request_closed',
        `Request for quotes ${id} is ${row.status}: it no longer changes.`,
      );
    await checkRequestRefs(trx, fields, input);
    if (input.status !== 'cancelled' && input.cancelReason !== undefined)
      fields.push({ field: '/cancelReason', message: 'only a cancellation has a reason' });
    if (fields.length > 0) throw invalid(fields);
    const updated = await trx
      .updateTable('quote_requests')
      .set({
        ...(input.what !== undefined ? { what: input.what.trim() } : {}),
        ...(input.quantity !== undefined ? { quantity: input.quantity } : {}),
        ...(input.spec !== undefined ? { spec: input.spec } : {}),
        ...(input.requirements !== undefined ? { requirements: JSON.stringify(input.requirements) } : {}),
        ...(input.budgetLineId !== undefined ? { budget_line_id: input.budgetLineId } : {}),
        ...(input.currency !== undefined ? { currency: input.currency } : {}),
        ...(input.termMonths !== undefined ? { term_months: input.termMonths } : {}),
        ...(input.status === 'cancelled'
          ? { status: 'cancelled' as const, cancel_reason: input.cancelReason ?? '' }
          : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', row.status)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      throw new Conflict('quote_request_closed', `Request for quotes ${id} changed meanwhile.`);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: input.status === 'cancelled' ? 'quote_request.cancel' : 'quote_request.update',
      subjectType: 'quote_request',
      subjectId: id,
      details: { fields: Object.keys(input), ...(input.cancelReason ? { reason: input.cancelReason } : {}) },
    });
  });
  return readQuoteRequest(ctx.db, id);
}

function checkQuote(
  fields: FieldError[],
  at: string,
  q: QuoteInput,
  requirementKeys: Set<string>,
  requestCurrency: string | null,
): void {
  if (!isCurrency(q.currency))
    fields.push({ field: `${at}/currency`, message: 'must be an ISO 4217 code such as EUR' });
  if (q.rate !== undefined && (!ratePattern.test(q.rate) || (parseDecimal(q.rate)?.num ?? 0n) === 0n))
    fields.push({ field: `${at}/rate`, message: 'must be a positive decimal such as 0.92' });
  if (requestCurrency !== null && q.currency !== requestCurrency && q.rate === undefined)
    fields.push({
      field: `${at}/rate`,
      message: `a quote in ${q.currency} states its rate to ${requestCurrency}`,
    });
  for (const k of q.requirementsMet ?? [])
    if (!requirementKeys.has(k))
      fields.push({ field: `${at}/requirementsMet`, message: `no requirement "${k}"` });
}

async function insertQuote(
  trx: Trx,
  actor: Actor,
  requestId: number,
  q: QuoteInput,
  source: 'api' | 'csv' | 'pdf-text',
  now: number,
): Promise<number> {
  const row = await trx
    .insertInto('quotes')
    .values({
      request_id: requestId,
      vendor_id: q.vendorId,
      reference: q.reference ?? '',
      currency: q.currency,
      rate: q.rate ?? '1',
      requirements_met: JSON.stringify([...new Set(q.requirementsMet ?? [])]),
      notes: q.notes ?? '',
      valid_until: q.validUntil ?? null,
      source,
      created_by: actor.id,
      created_at: now,
      updated_at: now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // In chunks: a 1,000-line quote stays under SQLite's bound-parameter limit.
  for (let i = 0; i < q.lines.length; i += 100)
    await trx
      .insertInto('quote_items')
      .values(
        q.lines.slice(i, i + 100).map((l, j) => ({
          quote_id: row.id,
          position: i + j,
          description: l.description,
          kind: l.kind,
          quantity: l.quantity,
          unit_price_minor: l.unitPriceMinor,
          period: l.period,
          discount_bp: l.discountBp,
        })),
      )
      .execute();
  return row.id;
}

/** Quotes in, in one transaction; a request still open becomes quoted. */
async function addQuotesIn(
  trx: Trx,
  actor: Actor,
  row: Selectable<QuoteRequestsTable>,
  quotes: QuoteInput[],
  source: 'api' | 'csv' | 'pdf-text',
  now: number,
): Promise<number[]> {
  const ids: number[] = [];
  for (const q of quotes) ids.push(await insertQuote(trx, actor, row.id, q, source, now));
  if (ids.length > 0) {
    const moved = await trx
      .updateTable('quote_requests')
      .set({ status: 'quoted', updated_at: now })
      .where('id', '=', row.id)
      .where('status', 'in', ['open', 'quoted'])
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1)
      throw new Conflict('quote_request_closed', `Request for quotes ${row.id} was closed meanwhile.`);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'quote_request.quotes_added',
      subjectType: 'quote_request',
      subjectId: row.id,
      details: { quoteIds: ids, source },
    });
  }
  return ids;
}

async function openRequestFor(trx: Db, id: number): Promise<Selectable<QuoteRequestsTable>> {
  const row = await loadRequest(trx, id);
  if (!open(row.status))
    throw new Conflict(
      'quote_request_closed',
      `Request for quotes ${id} is ${row.status}: it takes no more quotes.`,
    );
  return row;
}

export async function addQuote(
  ctx: ServiceContext,
  actor: Actor,
  requestId: number,
  input: QuoteInput,
): Promise<Quote> {
  requireVendorRight(actor, 'vendors.manage');
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const row = await openRequestFor(trx, requestId);
    const fields: FieldError[] = [];
    const keys = new Set((JSON.parse(row.requirements) as Requirement[]).map((r) => r.key));
    checkQuote(fields, '', input, keys, row.currency);
    if (!(await trx.selectFrom('vendors').select('id').where('id', '=', input.vendorId).executeTakeFirst()))
      fields.push({ field: '/vendorId', message: 'no such vendor' });
    if (fields.length > 0) throw invalid(fields);
    const [id] = await addQuotesIn(trx, actor, row, [input], 'api', now);
    return id as number;
  });
  const quote = (await readQuotes(ctx.db, requestId)).find((q) => q.id === id);
  return quote as Quote;
}

export interface QuoteImport {
  quotes: Quote[];
  rejected: CsvRowError[];
}

/**
 * Quotes from CSV (src/vendors/quote-csv.ts): rows grouped by vendor and reference into quotes. A row that
 * cannot be read, names an unknown vendor or requirement, or disagrees with its quote's currency or rate is
 * reported by its row number; the other rows make their quotes. A file without a usable header is refused.
 */
export async function importQuotesCsv(
  ctx: ServiceContext,
  actor: Actor,
  requestId: number,
  csv: string,
): Promise<QuoteImport> {
  requireVendorRight(actor, 'vendors.manage');
  const parsed = parseQuoteCsv(csv);
  if (parsed.fileError !== null)
    throw new Invalid('validation_failed', `csv: ${parsed.fileError}`, [
      { field: '/csv', message: parsed.fileError },
    ]);
  const now = ctx.clock.now();
  const rejected = [...parsed.rejected];
  const ids = await ctx.db.transaction().execute(async (trx) => {
    const row = await openRequestFor(trx, requestId);
    const keys = new Set((JSON.parse(row.requirements) as Requirement[]).map((r) => r.key));
    const vendors = await trx.selectFrom('vendors').select(['id', 'name']).execute();
    const byName = new Map(vendors.map((v) => [v.name.toLowerCase(), v.id]));
    const byId = new Set(vendors.map((v) => v.id));
    const groups = new Map<string, QuoteInput>();
    for (const r of parsed.rows) {
      const errors: string[] = [];
      const idMatch = /^#(\d+)$/.exec(r.vendor);
      const vendorId = idMatch ? Number(idMatch[1]) : byName.get(r.vendor.toLowerCase());
      if (vendorId === undefined || !byId.has(vendorId))
        errors.push(`vendor: no vendor "${r.vendor.slice(0, 100)}"`);
      for (const k of r.requirementsMet)
        if (!keys.has(k)) errors.push(`requirements_met: no requirement "${k.slice(0, 64)}"`);
      if (row.currency !== null && r.currency !== row.currency && r.rate === '1')
        errors.push(`rate: a quote in ${r.currency} states its rate to ${row.currency}`);
      const key = `${vendorId}\u0000${r.reference}`;
      const group = groups.get(key);
      if (group && (group.currency !== r.currency || group.rate !== r.rate))
        errors.push(
          `currency and rate: ${r.currency} at ${r.rate}, while the quote's first row has ${group.currency} at ${group.rate}`,
        );
      if (group && group.lines.length >= quoteLimits.lines)
        errors.push(`the quote has more than ${quoteLimits.lines} lines`);
      if (errors.length > 0) {
        rejected.push({ row: r.row, errors });
        continue;
      }
      if (group) {
        group.lines.push(r.line);
        group.requirementsMet = [...new Set([...(group.requirementsMet ?? []), ...r.requirementsMet])];
      } else
        groups.set(key, {
          vendorId: vendorId as number,
          reference: r.reference,
          currency: r.currency,
          rate: r.rate,
          requirementsMet: r.requirementsMet,
          lines: [r.line],
        });
    }
    return addQuotesIn(trx, actor, row, [...groups.values()], 'csv', now);
  });
  const quotes = (await readQuotes(ctx.db, requestId)).filter((q) => ids.includes(q.id));
  rejected.sort((a, b) => a.row - b.row);
  return { quotes, rejected };
}

export interface QuoteTextInput {
  text: string;
  vendorId: number;
  currency: string;
  rate?: string;
  reference?: string;
  requirementsMet?: string[];
}

/**
 * One vendor's quote from the text of its PDF (src/vendors/quote-text.ts): the table's rows become line items,
 * rows that cannot be read are reported by line number, the others kept. The answer is the CSV import's.
 */
export async function importQuoteText(
  ctx: ServiceContext,
  actor: Actor,
  requestId: number,
  input: QuoteTextInput,
): Promise<QuoteImport> {
  requireVendorRight(actor, 'vendors.manage');
  const parsed = parseQuoteText(input.text, input.currency);
  if (parsed.fileError !== null)
    throw new Invalid('validation_failed', `text: ${parsed.fileError}`, [
      { field: '/text', message: parsed.fileError },
    ]);
  const now = ctx.clock.now();
  const ids = await ctx.db.transaction().execute(async (trx) => {
    const row = await openRequestFor(trx, requestId);
    const fields: FieldError[] = [];
    const keys = new Set((JSON.parse(row.requirements) as Requirement[]).map((r) => r.key));
    const q: QuoteInput = {
      vendorId: input.vendorId,
      reference: input.reference,
      currency: input.currency,
      rate: input.rate,
      requirementsMet: input.requirementsMet,
      lines: parsed.lines.map(({ row: _r, ...l }) => l),
    };
    checkQuote(fields, '', q, keys, row.currency);
    if (!(await trx.selectFrom('vendors').select('id').where('id', '=', input.vendorId).executeTakeFirst()))
      fields.push({ field: '/vendorId', message: 'no such vendor' });
    if (fields.length > 0) throw invalid(fields);
    if (q.lines.length === 0) return [] as number[];
    return addQuotesIn(trx, actor, row, [q], 'pdf-text', now);
  });
  const quotes = (await readQuotes(ctx.db, requestId)).filter((q) => ids.includes(q.id));
  return { quotes, rejected: parsed.rejected };
}

/** The comparison's inputs as the database holds them now. */
async function comparisonInput(
  ctx: ServiceContext,
  db: Db,
  row: Selectable<QuoteRequestsTable>,
  weights: Weights,
): Promise<Parameters<typeof compareQuotes>[0]> {
  const line = row.budget_line_id === null ? null : await readBudgetLine(ctx, db, row.budget_line_id);
  const currency = row.currency ?? line?.currency ?? null;
  if (currency === null)
    throw new Conflict(
      'quote_not_comparable',
      `Request for quotes ${row.id} has neither a currency nor a budget line to compare in.`,
    );
  if (line && line.currency !== currency)
    throw new Conflict(
      'quote_not_comparable',
      `Request for quotes ${row.id} compares in ${currency}, its budget line is in ${line.currency}.`,
    );
  const quotes = await readQuotes(db, row.id);
  const vendors = await db
    .selectFrom('vendors')
    .select(['id', 'ticket_tag'])
    .where('id', 'in', quotes.length > 0 ? quotes.map((q) => q.vendorId) : [0])
    .execute();
  const performance = await vendorPerformance(db, vendors, ctx.clock.now());
  const compared: ComparedQuoteInput[] = quotes.map((q) => ({
    id: q.id,
    vendorId: q.vendorId,
    vendorName: q.vendorName,
    currency: q.currency,
    rate: q.rate,
    lines: q.lines,
    requirementsMet: q.requirementsMet,
  }));
  return {
    currency,
    termMonths: row.term_months,
    requirements: JSON.parse(row.requirements) as Requirement[],
    quotes: compared,
    performance,
    weights,
    budget: line
      ? {
          lineId: line.id,
          name: line.name,
          fiscalYear: line.fiscalYear,
          remainingMinor: line.position.remainingMinor,
        }
      : null,
  };
}

/** The comparison, its one refusal (an amount too large to carry exactly) as the edge's Invalid. */
function compareExactly(input: Parameters<typeof compareQuotes>[0]): Comparison {
  try {
    return compareQuotes(input);
  } catch (err) {
    if (err instanceof RangeError)
      throw new Invalid('validation_failed', err.message, [{ field: 'quotes', message: err.message }]);
    throw err;
  }
}

function checkWeights(w: Weights): void {
  if (w.price + w.fit + w.performance <= 0)
    throw new Invalid('validation_failed', 'weights: at least one must be above zero', [
      { field: 'weights', message: 'at least one must be above zero' },
    ]);
}

export async function compareRequest(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  weights: Partial<Weights> = {},
): Promise<Comparison & { requestId: number; status: QuoteRequestStatus }> {
  requireVendorRight(actor, 'vendors.read');
  const w = { ...defaultWeights, ...weights };
  checkWeights(w);
  const row = await loadRequest(ctx.db, id);
  const comparison = compareExactly(await comparisonInput(ctx, ctx.db, row, w));
  return { requestId: id, status: row.status, ...comparison };
}

/** A request's comparison at the default weights, without an actor (the negotiation brief reads it). */
export async function readComparison(
  ctx: ServiceContext,
  db: Db,
  id: number,
): Promise<Comparison & { what: string; quantity: number; budgetLineId: number | null; createdAt: number }> {
  const row = await loadRequest(db, id);
  const comparison = compareExactly(await comparisonInput(ctx, db, row, defaultWeights));
  return {
    ...comparison,
    what: row.what,
    quantity: row.quantity,
    budgetLineId: row.budget_line_id,
    createdAt: row.created_at,
  };
}

export interface Award {
  request: QuoteRequestView;
  quoteId: number;
  amountMinor: number;
  currency: string;
  budgetEntryId: number | null;
}

/**
 * Award a quote: its total over the term (as the comparison with these weights works it out) is committed to
 * the request's budget line as a purchase, and the request is awarded — one transaction, conditional on the
 * request still being open, so two managers awarding at once cannot commit twice.
 */
export async function awardQuote(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: { quoteId: number; weights?: Partial<Weights> },
): Promise<Award> {
  requireVendorRight(actor, 'vendors.manage');
  const w = { ...defaultWeights, ...(input.weights ?? {}) };
  checkWeights(w);
  const now = ctx.clock.now();
  const result = await ctx.db.transaction().execute(async (trx) => {
    const row = await openRequestFor(trx, id);
    const comparison = compareExactly(await comparisonInput(ctx, trx, row, w));
    const ranked = comparison.ranked.find((r) => r.quoteId === input.quoteId);
    if (!ranked)
      throw new NotFound('quote_not_found', `Quote ${input.quoteId} is not one of request ${id}'s.`);
    const moved = await trx
      .updateTable('quote_requests')
      .set({
        status: 'awarded',
        awarded_quote_id: ranked.quoteId,
        awarded_at: now,
        awarded_by: actor.id,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('status', '=', row.status)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) !== 1)
      throw new Conflict(
        'quote_request_closed',
        `Request for quotes ${id} was awarded or cancelled meanwhile.`,
      );
    const entryId =
      row.budget_line_id === null
        ? null
        : await commitPurchase(trx, actor.id, row.budget_line_id, now, {
            kind: 'purchase',
            amountMinor: ranked.totals.totalMinor,
            description: `${row.what} from ${ranked.vendorName} (request for quotes #${id}, quote #${ranked.quoteId})`,
            quoteId: ranked.quoteId,
            quoteRequestId: id,
          });
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'quote_request.award',
      subjectType: 'quote_request',
      subjectId: id,
      details: {
        quoteId: ranked.quoteId,
        amountMinor: ranked.totals.totalMinor,
        currency: comparison.currency,
        rank: ranked.rank,
        weights: w,
        budgetEntryId: entryId,
      },
    });
    await ctx.events.record(trx, [
      {
        type: 'quote_request.awarded',
        subjectType: 'quote_request',
        subjectId: id,
        actorId: actor.id,
        payload: {
          quoteRequestId: id,
          quoteId: ranked.quoteId,
          vendorId: ranked.vendorId,
          amountMinor: ranked.totals.totalMinor,
          currency: comparison.currency,
          budgetLineId: row.budget_line_id,
          budgetEntryId: entryId,
        },
      },
    ]);
    return {
      quoteId: ranked.quoteId,
      amountMinor: ranked.totals.totalMinor,
      currency: comparison.currency,
      entryId,
    };
  });
  ctx.events.nudge();
  return {
    request: await readQuoteRequest(ctx.db, id),
    quoteId: result.quoteId,
    amountMinor: result.amountMinor,
    currency: result.currency,
    budgetEntryId: result.entryId,
  };
}
