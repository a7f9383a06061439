// Suppliers over HTTP (src/vendors/): vendors, contracts and the renewals calendar (?renewingWithinDays=N),
// budget lines with their positions and entries, requests for quotes with their quotes (JSON or a CSV import),
// the comparison (weights as query parameters) and the award. Staff read; managers and admins write. Thin:
// schema → actor → one domain call → response schema. Money in integer minor units with its currency; times
// ISO 8601.
import '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type TSchema, Type } from '@sinclair/typebox';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import { Invalid } from '../../core/errors.js';
import { decodeCursor, encodeCursor } from '../../helpdesk/index.js';
import {
  addBudgetEntry,
  addQuote,
  addVendorDocument,
  awardQuote,
  type Brief,
  type BudgetEntry,
  type BudgetLine,
  briefHtml,
  budgetLimits,
  type Comparison,
  type Contract,
  chargePeriods,
  compareRequest,
  contractBrief,
  contractLimits,
  contractStatuses,
  contractTypes,
  createBudgetLine,
  createContract,
  createQuoteRequest,
  createVendor,
  getBudgetLine,
  getContract,
  getQuoteRequest,
  getVendor,
  importQuotesCsv,
  importQuoteText,
  itemKinds,
  listBudgetLines,
  listContracts,
  listQuoteRequests,
  listVendorDocuments,
  listVendors,
  openVendorDocument,
  overviewWindowDays,
  purchaseBrief,
  type Quote,
  type QuoteRequestView,
  quoteLimits,
  quoteRequestStatuses,
  recurringPeriods,
  spendLimits,
  updateBudgetLine,
  updateContract,
  updateQuoteRequest,
  updateVendor,
  type Vendor,
  type VendorDocument,
  vendorLimits,
  vendorOverview,
  vendorSpend,
} from '../../vendors/index.js';
import { requireActor } from '../authentication.js';
import { Cursor, Id, IdParams, IsoTime, Limit, Nullable, problemResponses } from '../schemas.js';

const tags = ['vendors'];
const lit = <T extends string>(values: readonly T[]) => Type.Union(values.map((v) => Type.Literal(v)));
const Time = Type.String({ format: 'date-time', maxLength: 40 });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217, such as EUR' });
const Rate = Type.String({
  pattern: '^\\d{1,9}(\\.\\d{1,9})?$',
  description: 'one major unit of the quote currency in the request currency, e.g. "0.92"',
});
const Minor = (max: number, description?: string) =>
  Type.Integer({ minimum: 0, maximum: max, ...(description ? { description } : {}) });
const Text = (max: number) => Type.String({ maxLength: max });
const Name = (max: number) => Type.String({ minLength: 1, maxLength: max });
const page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Nullable(Type.String()) });

function ms(field: string, v: string): number {
  const at = Date.parse(v);
  if (!Number.isFinite(at))
    throw new Invalid('validation_failed', `${field.slice(1)}: must be an ISO 8601 time`, [
      { field, message: 'must be an ISO 8601 time' },
    ]);
  return at;
}
const msOpt = (field: string, v: string | undefined) => (v === undefined ? undefined : ms(field, v));
const msOrNull = (field: string, v: string | null | undefined) =>
  v === undefined ? undefined : v === null ? null : ms(field, v);

/** A keyset cursor of this list, or the error a foreign one deserves. */
function keyOf(cursor: string | undefined): [number, number] | undefined {
  if (!cursor) return undefined;
  const k = decodeCursor(cursor).k;
  if (!k)
    throw new Invalid('invalid_cursor', 'The cursor belongs to another list.', [
      { field: 'querystring/cursor', message: 'unknown cursor' },
    ]);
  return k;
}
function offsetOf(cursor: string | undefined): number {
  if (!cursor) return 0;
  const o = decodeCursor(cursor).o;
  if (o === undefined)
    throw new Invalid('invalid_cursor', 'The cursor belongs to another list.', [
      { field: 'querystring/cursor', message: 'unknown cursor' },
    ]);
  return o;
}

// ---- schemas -----------------------------------------------------------------------------------------------

const ContactSchema = Type.Object(
  {
    name: Name(200),
    role: Type.String({ maxLength: 200, default: '' }),
    email: Type.String({ maxLength: 320, default: '' }),
    phone: Type.String({ maxLength: 50, default: '' }),
  },
  { additionalProperties: false },
);
const StringList = Type.Array(Name(vendorLimits.listItem), { maxItems: vendorLimits.listItems });

const VendorSchema = Type.Object(
  {
    id: Type.Integer(),
    name: Type.String(),
    categories: Type.Array(Type.String()),
    supplies: Type.Array(Type.String({ description: 'products and services they supply' })),
    contacts: Type.Array(
      Type.Object({ name: Type.String(), role: Type.String(), email: Type.String(), phone: Type.String() }),
    ),
    notes: Type.String(),
    ticketTag: Nullable(Type.String({ description: 'pending tickets with this tag wait on the vendor' })),
    active: Type.Boolean(),
    performance: Type.Object({
      score: Type.Number({ description: '0–100: 100 less 10 per ticket waiting on the vendor' }),
      waitingTickets: Nullable(Type.Integer({ description: 'null: no ticket tag, no record' })),
      slaMet: Type.Integer({
        description: "tickets that waited on the vendor no longer than its contracts' response target",
      }),
      slaMissed: Type.Integer({ description: 'tickets that waited longer' }),
      slaTargetMs: Nullable(
        Type.Integer({ description: "the shortest response target of the vendor's active contracts" }),
      ),
      rmaReturned: Type.Integer({ description: 'asset repairs sent to the vendor (RMA) and returned' }),
      rmaOpen: Type.Integer({ description: 'asset repairs still at the vendor' }),
      rmaMedianTurnaroundMs: Nullable(
        Type.Integer({ description: 'median days out of the returned repairs, in ms (the lower middle)' }),
      ),
      reasons: Type.Array(Type.String()),
    }),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { $id: 'Vendor' },
);
const SpendFields = {
  fiscalYear: Type.Integer(),
  currency: Type.String(),
  contractsMinor: Type.Integer({ description: 'contract charges due in the year' }),
  purchasesMinor: Type.Integer({ description: 'awarded quotes and purchases naming the vendor' }),
  spendMinor: Type.Integer({ description: 'spending entries naming the vendor' }),
  totalMinor: Type.Integer(),
};
const VendorEditable = {
  name: Type.Optional(Name(vendorLimits.name)),
  categories: Type.Optional(StringList),
  supplies: Type.Optional(StringList),
  contacts: Type.Optional(Type.Array(ContactSchema, { maxItems: vendorLimits.contacts })),
  notes: Type.Optional(Text(vendorLimits.notes)),
  ticketTag: Type.Optional(Nullable(Type.String({ maxLength: vendorLimits.tag }))),
  active: Type.Optional(Type.Boolean()),
};

const SlaTargetSchema = Type.Object({ name: Name(100), target: Name(200) }, { additionalProperties: false });
const ContractSchema = Type.Object(
  {
    id: Type.Integer(),
    vendorId: Type.Integer(),
    vendorName: Type.String(),
    title: Type.String(),
    type: lit(contractTypes),
    status: lit(contractStatuses),
    startsAt: IsoTime,
    endsAt: IsoTime,
    autoRenew: Type.Boolean(),
    renewalMonths: Type.Integer(),
    noticeDays: Type.Integer(),
    remindDays: Type.Integer(),
    currency: Type.String(),
    oneOffMinor: Type.Integer(),
    recurringMinor: Type.Integer(),
    recurringPeriod: Nullable(lit(recurringPeriods)),
    budgetLineId: Nullable(Type.Integer()),
    services: Type.Array(Type.String()),
    assetIds: Type.Array(
      Type.Integer({ description: 'covered assets, linked once the assets domain exists' }),
    ),
    slaText: Type.String(),
    slaTargets: Type.Array(Type.Object({ name: Type.String(), target: Type.String() })),
    notes: Type.String(),
    units: Nullable(Type.Integer({ description: 'units or seats covered; null: not stated' })),
    current: Type.Object({
      termEnd: IsoTime,
      noticeDeadline: IsoTime,
      action: lit(['renews', 'expires'] as const),
      running: Type.Boolean(),
    }),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { $id: 'Contract' },
);
const ContractEditable = {
  vendorId: Type.Optional(Id),
  title: Type.Optional(Name(contractLimits.title)),
  type: Type.Optional(lit(contractTypes)),
  status: Type.Optional(lit(contractStatuses)),
  startsAt: Type.Optional(Time),
  endsAt: Type.Optional(Time),
  termMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: contractLimits.months })),
  autoRenew: Type.Optional(Type.Boolean()),
  renewalMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: contractLimits.months })),
  noticeDays: Type.Optional(Type.Integer({ minimum: 0, maximum: contractLimits.days })),
  remindDays: Type.Optional(Type.Integer({ minimum: 0, maximum: contractLimits.days })),
  currency: Type.Optional(Currency),
  oneOffMinor: Type.Optional(Minor(contractLimits.amountMinor)),
  recurringMinor: Type.Optional(Minor(contractLimits.amountMinor, 'charged at the start of each period')),
  recurringPeriod: Type.Optional(Nullable(lit(recurringPeriods))),
  budgetLineId: Type.Optional(Nullable(Id)),
  services: Type.Optional(Type.Array(Name(contractLimits.listItem), { maxItems: contractLimits.listItems })),
  assetIds: Type.Optional(Type.Array(Id, { maxItems: contractLimits.listItems })),
  slaText: Type.Optional(Text(contractLimits.text)),
  slaTargets: Type.Optional(Type.Array(SlaTargetSchema, { maxItems: 50 })),
  notes: Type.Optional(Text(contractLimits.text)),
  units: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 10_000_000 }))),
};

const PositionSchema = Type.Object({
  plannedMinor: Type.Integer(),
  spentMinor: Type.Integer({ description: 'contract charges due so far and spending recorded by hand' }),
  committedMinor: Type.Integer({ description: 'contract charges still to come this year and purchases' }),
  remainingMinor: Type.Integer({ description: 'planned − spent − committed' }),
  contractsSpentMinor: Type.Integer(),
  contractsCommittedMinor: Type.Integer(),
  purchasesMinor: Type.Integer(),
  otherSpentMinor: Type.Integer(),
  forecastMinor: Type.Integer({
    description: "the year's end: contracts and purchases, other spending at its rate",
  }),
  forecastRemainingMinor: Type.Integer(),
});
const EntrySchema = Type.Object({
  id: Type.Integer(),
  budgetLineId: Type.Integer(),
  kind: lit(['purchase', 'spend'] as const),
  amountMinor: Type.Integer(),
  at: IsoTime,
  description: Type.String(),
  quoteId: Nullable(Type.Integer()),
  quoteRequestId: Nullable(Type.Integer()),
  createdBy: Nullable(Type.Integer()),
  createdAt: IsoTime,
});
const budgetLineFields = {
  id: Type.Integer(),
  name: Type.String(),
  category: Type.String(),
  fiscalYear: Type.Integer({ description: 'named by the calendar year it starts in' }),
  from: IsoTime,
  to: IsoTime,
  currency: Type.String(),
  notes: Type.String(),
  position: PositionSchema,
  contracts: Type.Integer(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
};
const BudgetLineSchema = Type.Object(budgetLineFields, { $id: 'BudgetLine' });

const RequirementSchema = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: quoteLimits.requirementKey, pattern: '^[A-Za-z0-9_.-]+$' }),
    text: Name(quoteLimits.requirementText),
    mandatory: Type.Boolean({ default: false }),
    weight: Type.Integer({ minimum: 1, maximum: 100, default: 1 }),
  },
  { additionalProperties: false },
);
const quoteRequestFields = {
  id: Type.Integer(),
  proposalId: Nullable(
    Type.Integer({ description: 'the upgrade proposal it came from; null when written by hand' }),
  ),
  what: Type.String(),
  quantity: Type.Integer(),
  spec: Type.String(),
  status: lit(quoteRequestStatuses),
  requirements: Type.Array(
    Type.Object({
      key: Type.String(),
      text: Type.String(),
      mandatory: Type.Boolean(),
      weight: Type.Integer(),
    }),
  ),
  budgetLineId: Nullable(Type.Integer()),
  currency: Nullable(Type.String({ description: "the comparison's currency; null: the budget line's" })),
  termMonths: Type.Integer(),
  awardedQuoteId: Nullable(Type.Integer()),
  awardedAt: Nullable(IsoTime),
  awardedBy: Nullable(Type.Integer()),
  cancelReason: Nullable(Type.String()),
  assetId: Nullable(
    Type.Integer({ description: 'the asset this request replaces (from a ticket), or null' }),
  ),
  ticketId: Nullable(Type.Integer({ description: 'the ticket the replacement was asked from, or null' })),
  quoteCount: Type.Integer(),
  createdBy: Nullable(Type.Integer()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
};
const QuoteRequestSchema = Type.Object(quoteRequestFields, { $id: 'QuoteRequest' });

const LineSchema = Type.Object({
  description: Type.String(),
  kind: lit(itemKinds),
  quantity: Type.Integer(),
  unitPriceMinor: Type.Integer(),
  period: lit(chargePeriods),
  discountBp: Type.Integer(),
});
const LineInput = Type.Object(
  {
    description: Name(500),
    kind: lit(itemKinds),
    quantity: Type.Integer({ minimum: 0, maximum: quoteLimits.lineQuantity }),
    unitPriceMinor: Minor(
      quoteLimits.unitPriceMinor,
      "per unit and charge, in the quote currency's minor units",
    ),
    period: Type.Optional(lit(chargePeriods)),
    discountBp: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: '500 = 5 %' })),
  },
  { additionalProperties: false },
);
const QuoteSchema = Type.Object(
  {
    id: Type.Integer(),
    requestId: Type.Integer(),
    vendorId: Type.Integer(),
    vendorName: Type.String(),
    reference: Type.String(),
    currency: Type.String(),
    rate: Type.String(),
    requirementsMet: Type.Array(Type.String()),
    notes: Type.String(),
    validUntil: Nullable(IsoTime),
    source: lit(['api', 'csv', 'pdf-text'] as const),
    lines: Type.Array(LineSchema),
    createdAt: IsoTime,
  },
  { $id: 'Quote' },
);
const QuoteRequestInput = {
  what: Name(quoteLimits.what),
  quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: quoteLimits.quantity })),
  spec: Type.Optional(Text(quoteLimits.spec)),
  requirements: Type.Optional(Type.Array(RequirementSchema, { maxItems: quoteLimits.requirements })),
  budgetLineId: Type.Optional(Nullable(Id)),
  currency: Type.Optional(Nullable(Currency)),
  termMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: quoteLimits.termMonths })),
};
const Weight = Type.Integer({ minimum: 0, maximum: 100 });
const WeightsInput = Type.Object(
  { price: Type.Optional(Weight), fit: Type.Optional(Weight), performance: Type.Optional(Weight) },
  { additionalProperties: false },
);

const ComparisonSchema = Type.Object(
  {
    requestId: Type.Integer(),
    status: lit(quoteRequestStatuses),
    currency: Type.String(),
    termMonths: Type.Integer(),
    weights: Type.Object({ price: Type.Integer(), fit: Type.Integer(), performance: Type.Integer() }),
    rounding: Type.Array(Type.String(), { description: 'how each step rounds' }),
    ranked: Type.Array(
      Type.Object({
        rank: Type.Integer(),
        quoteId: Type.Integer(),
        vendorId: Type.Integer(),
        vendorName: Type.String(),
        qualified: Type.Boolean({ description: 'false: misses a mandatory requirement' }),
        totals: Type.Object({
          purchaseMinor: Type.Integer(),
          recurringMinor: Type.Integer(),
          supportMinor: Type.Integer(),
          energyMinor: Type.Integer(),
          discountMinor: Type.Integer(),
          totalMinor: Type.Integer({ description: 'total cost of ownership over the term' }),
          quoteCurrency: Type.String(),
          quoteTotalMinor: Type.Integer(),
          rate: Type.String(),
        }),
        scores: Type.Object({
          price: Type.Number(),
          fit: Type.Number(),
          performance: Type.Number(),
          weighted: Type.Number(),
        }),
        missingRequirements: Type.Array(Type.String()),
        budget: Nullable(Type.Object({ remainingAfterMinor: Type.Integer(), fits: Type.Boolean() })),
        reasons: Type.Array(Type.String()),
      }),
    ),
    budget: Nullable(
      Type.Object({
        lineId: Type.Integer(),
        name: Type.String(),
        fiscalYear: Type.Integer(),
        remainingMinor: Type.Integer({ description: 'before any of these quotes' }),
      }),
    ),
    recommendation: Nullable(
      Type.Object({
        quoteId: Type.Integer(),
        vendorName: Type.String(),
        totalMinor: Type.Integer(),
        reasons: Type.Array(Type.String()),
      }),
    ),
    noRecommendation: Nullable(Type.String()),
  },
  { $id: 'QuoteComparison' },
);

const Derived = Type.Object({
  amountMinor: Nullable(Type.Integer()),
  rule: Type.String(),
  steps: Type.Array(Type.String()),
});
const BriefSchema = Type.Object(
  {
    kind: lit(['renewal', 'purchase'] as const),
    generatedAt: IsoTime,
    currency: Type.String(),
    subject: Type.Object({
      contractId: Nullable(Type.Integer()),
      quoteRequestId: Nullable(Type.Integer()),
      title: Type.String(),
      vendorId: Type.Integer(),
      vendorName: Type.String(),
      category: Nullable(Type.String()),
      units: Nullable(Type.Integer()),
    }),
    paidBefore: Type.Object({
      totalMinor: Type.Integer(),
      charges: Type.Array(
        Type.Object({
          contractId: Type.Integer(),
          title: Type.String(),
          at: IsoTime,
          kind: lit(['one-off', 'recurring'] as const),
          amountMinor: Type.Integer(),
        }),
      ),
      terms: Type.Array(
        Type.Object({
          contractId: Type.Integer(),
          title: Type.String(),
          type: lit(contractTypes),
          startsAt: IsoTime,
          termEnd: IsoTime,
          oneOffMinor: Type.Integer(),
          recurringMinor: Type.Integer(),
          recurringPeriod: Nullable(lit(recurringPeriods)),
          annualMinor: Type.Integer(),
        }),
      ),
    }),
    otherQuotes: Type.Array(
      Type.Object({
        quoteId: Type.Integer(),
        quoteRequestId: Type.Integer(),
        what: Type.String(),
        vendorId: Type.Integer(),
        vendorName: Type.String(),
        at: IsoTime,
        totalMinor: Type.Integer(),
        units: Type.Integer(),
        unitPriceMinor: Type.Integer(),
      }),
    ),
    unitPriceTrend: Type.Object({
      points: Type.Array(
        Type.Object({ fiscalYear: Type.Integer(), unitPriceMinor: Type.Integer(), source: Type.String() }),
      ),
      changeBp: Nullable(Type.Integer({ description: 'per-year change in basis points; + is rising' })),
      explanation: Type.String(),
    }),
    volume: Type.Object({
      years: Type.Array(Type.Object({ fiscalYear: Type.Integer(), totalMinor: Type.Integer() })),
      totalMinor: Type.Integer(),
      units: Nullable(Type.Integer()),
    }),
    performance: Type.Object({
      score: Type.Number(),
      waitingTickets: Nullable(Type.Integer()),
      slaMet: Type.Integer(),
      slaMissed: Type.Integer(),
      rmaReturned: Type.Integer(),
      rmaOpen: Type.Integer(),
      rmaMedianTurnaroundMs: Nullable(Type.Integer()),
      reasons: Type.Array(Type.String()),
    }),
    target: Derived,
    walkAway: Derived,
    rounding: Type.Array(Type.String()),
  },
  { $id: 'NegotiationBrief' },
);
function briefView(b: Brief) {
  return {
    ...b,
    generatedAt: toIso(b.generatedAt),
    paidBefore: {
      ...b.paidBefore,
      charges: b.paidBefore.charges.map((c) => ({ ...c, at: toIso(c.at) })),
      terms: b.paidBefore.terms.map((t) => ({
        ...t,
        startsAt: toIso(t.startsAt),
        termEnd: toIso(t.termEnd),
      })),
    },
    otherQuotes: b.otherQuotes.map((q) => ({ ...q, at: toIso(q.at) })),
  };
}
const briefCsp =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const DocumentSchema = Type.Object(
  {
    id: Type.Integer(),
    vendorId: Type.Integer(),
    title: Type.String(),
    filename: Type.String(),
    contentType: Type.String(),
    sizeBytes: Type.Integer(),
    sha256: Type.String(),
    uploadedBy: Nullable(Type.Integer()),
    createdAt: IsoTime,
  },
  { $id: 'VendorDocument' },
);
const documentView = (d: VendorDocument) => ({ ...d, createdAt: toIso(d.createdAt) });
const PurchaseBriefQuery = Type.Object({ vendorId: Id }, { additionalProperties: false });

// ---- views -------------------------------------------------------------------------------------------------

function vendorView(v: Vendor) {
  return {
    ...v,
    performance: {
      score: v.performance.scoreBp / 100,
      waitingTickets: v.performance.waitingTickets,
      slaMet: v.performance.slaMet,
      slaMissed: v.performance.slaMissed,
      slaTargetMs: v.performance.slaTargetMs,
      rmaReturned: v.performance.rmaReturned,
      rmaOpen: v.performance.rmaOpen,
      rmaMedianTurnaroundMs: v.performance.rmaMedianTurnaroundMs,
      reasons: v.performance.reasons,
    },
    createdAt: toIso(v.createdAt),
    updatedAt: toIso(v.updatedAt),
  };
}
function contractView(c: Contract) {
  return {
    ...c,
    startsAt: toIso(c.startsAt),
    endsAt: toIso(c.endsAt),
    current: {
      ...c.current,
      termEnd: toIso(c.current.termEnd),
      noticeDeadline: toIso(c.current.noticeDeadline),
    },
    createdAt: toIso(c.createdAt),
    updatedAt: toIso(c.updatedAt),
  };
}
function lineView(l: BudgetLine) {
  return {
    ...l,
    from: toIso(l.from),
    to: toIso(l.to),
    createdAt: toIso(l.createdAt),
    updatedAt: toIso(l.updatedAt),
  };
}
const entryView = (e: BudgetEntry) => ({ ...e, at: toIso(e.at), createdAt: toIso(e.createdAt) });
function requestView(r: QuoteRequestView) {
  return {
    ...r,
    awardedAt: toIso(r.awardedAt),
    createdAt: toIso(r.createdAt),
    updatedAt: toIso(r.updatedAt),
  };
}
const quoteView = (q: Quote) => ({ ...q, validUntil: toIso(q.validUntil), createdAt: toIso(q.createdAt) });
const comparisonView = (c: Comparison & { requestId: number }) => c;

function statusesFrom(value: string | undefined) {
  if (value === undefined || value === '') return undefined;
  const list = value.split(',').map((s) => s.trim());
  for (const s of list)
    if (!(quoteRequestStatuses as readonly string[]).includes(s))
      throw new Invalid('validation_failed', `status: unknown state "${s.slice(0, 40)}"`, [
        {
          field: 'querystring/status',
          message: `must be a comma-separated list of ${quoteRequestStatuses.join(', ')}`,
        },
      ]);
  return list as (typeof quoteRequestStatuses)[number][];
}

function linesFrom(lines: { period?: (typeof chargePeriods)[number]; discountBp?: number }[]) {
  return lines.map((l) => ({
    ...l,
    period: l.period ?? 'once',
    discountBp: l.discountBp ?? 0,
  })) as Parameters<typeof addQuote>[3]['lines'];
}

export function vendorRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    for (const s of [
      VendorSchema,
      ContractSchema,
      BudgetLineSchema,
      QuoteRequestSchema,
      QuoteSchema,
      ComparisonSchema,
      BriefSchema,
      DocumentSchema,
    ])
      app.addSchema(s);

    // -- vendors --
    app.get(
      '/api/v1/vendors',
      {
        schema: {
          tags,
          summary: 'Vendors by name, with their performance (staff)',
          querystring: Type.Object({
            q: Type.Optional(Type.String({ maxLength: 200, description: 'part of the name' })),
            category: Type.Optional(Type.String({ maxLength: 200 })),
            active: Type.Optional(Type.Boolean()),
            limit: Limit,
            cursor: Type.Optional(Cursor),
          }),
          response: { 200: page(Type.Ref('Vendor')), ...problemResponses },
        },
      },
      async (request) => {
        const { limit, cursor, ...f } = request.query;
        const offset = offsetOf(cursor);
        const items = await listVendors(ctx, requireActor(request), { ...f, limit, offset });
        return {
          items: items.slice(0, limit).map(vendorView),
          nextCursor: items.length > limit ? encodeCursor({ o: offset + limit }) : null,
        };
      },
    );
    app.post(
      '/api/v1/vendors',
      {
        schema: {
          tags,
          summary: 'Add a vendor (managers, admins)',
          body: Type.Object(
            { ...VendorEditable, name: Name(vendorLimits.name) },
            { additionalProperties: false },
          ),
          response: { 201: Type.Ref('Vendor'), ...problemResponses },
        },
      },
      async (request, reply) => {
        const v = await createVendor(ctx, requireActor(request), request.body);
        return reply.code(201).header('location', `/api/v1/vendors/${v.id}`).send(vendorView(v));
      },
    );
    app.get(
      '/api/v1/vendors/:id',
      {
        schema: {
          tags,
          summary:
            'A vendor with its contacts, performance (each ticket that waited on it against the response target) and spend per fiscal year (staff)',
          params: IdParams,
          response: {
            200: Type.Intersect([
              Type.Ref('Vendor'),
              Type.Object({
                spend: Type.Array(Type.Object(SpendFields)),
                responses: Type.Array(
                  Type.Object({
                    ticketId: Type.Integer(),
                    waitedMs: Type.Integer(),
                    outcome: lit(['met', 'missed', 'open', 'no_target'] as const),
                  }),
                ),
                rmas: Type.Array(
                  Type.Object({
                    repairId: Type.Integer(),
                    assetId: Type.Integer(),
                    ticketId: Nullable(Type.Integer()),
                    rmaNumber: Type.String(),
                    openedAt: IsoTime,
                    closedAt: Nullable(IsoTime),
                    turnaroundMs: Type.Integer({
                      description: 'opened to closed; still open: opened to now',
                    }),
                    outcome: Nullable(lit(['repaired', 'unrepairable'] as const)),
                  }),
                ),
              }),
            ]),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const v = await getVendor(ctx, requireActor(request), request.params.id);
        return {
          ...vendorView(v),
          spend: v.spend,
          responses: v.responses,
          rmas: v.rmas.map((r) => ({
            ...r,
            openedAt: toIso(r.openedAt),
            closedAt: r.closedAt === null ? null : toIso(r.closedAt),
          })),
        };
      },
    );
    app.patch(
      '/api/v1/vendors/:id',
      {
        schema: {
          tags,
          summary: 'Edit a vendor (managers, admins)',
          params: IdParams,
          body: Type.Object(VendorEditable, { additionalProperties: false, minProperties: 1 }),
          response: { 200: Type.Ref('Vendor'), ...problemResponses },
        },
      },
      async (request) =>
        vendorView(await updateVendor(ctx, requireActor(request), request.params.id, request.body)),
    );

    // -- contracts --
    app.get(
      '/api/v1/contracts',
      {
        schema: {
          tags,
          summary:
            'Contracts by the end of their running term, soonest first; renewingWithinDays=N is the renewals calendar: running contracts whose term ends within N days (staff)',
          querystring: Type.Object({
            vendorId: Type.Optional(Id),
            type: Type.Optional(lit(contractTypes)),
            status: Type.Optional(lit(contractStatuses)),
            budgetLineId: Type.Optional(Id),
            renewingWithinDays: Type.Optional(
              Type.Integer({ minimum: 0, maximum: contractLimits.withinDays }),
            ),
            limit: Limit,
            cursor: Type.Optional(Cursor),
          }),
          response: { 200: page(Type.Ref('Contract')), ...problemResponses },
        },
      },
      async (request) => {
        const { limit, cursor, ...f } = request.query;
        const items = await listContracts(ctx, requireActor(request), { ...f, limit, after: keyOf(cursor) });
        const pageItems = items.slice(0, limit);
        const last = pageItems[pageItems.length - 1];
        return {
          items: pageItems.map(contractView),
          nextCursor:
            items.length > limit && last ? encodeCursor({ k: [last.current.termEnd, last.id] }) : null,
        };
      },
    );
    app.post(
      '/api/v1/contracts',
      {
        schema: {
          tags,
          summary: 'Add a contract: give endsAt or termMonths (managers, admins)',
          body: Type.Object(
            {
              ...ContractEditable,
              vendorId: Id,
              title: Name(contractLimits.title),
              type: lit(contractTypes),
              startsAt: Time,
              currency: Currency,
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Ref('Contract'), ...problemResponses },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const c = await createContract(ctx, requireActor(request), {
          ...b,
          startsAt: ms('/startsAt', b.startsAt),
          endsAt: msOpt('/endsAt', b.endsAt),
        });
        return reply.code(201).header('location', `/api/v1/contracts/${c.id}`).send(contractView(c));
      },
    );
    app.get(
      '/api/v1/contracts/:id',
      {
        schema: {
          tags,
          summary: 'A contract with its running term and notice deadline (staff)',
          params: IdParams,
          response: { 200: Type.Ref('Contract'), ...problemResponses },
        },
      },
      async (request) => contractView(await getContract(ctx, requireActor(request), request.params.id)),
    );
    app.patch(
      '/api/v1/contracts/:id',
      {
        schema: {
          tags,
          summary: 'Edit a contract, or cancel it (status cancelled) (managers, admins)',
          params: IdParams,
          body: Type.Object(ContractEditable, { additionalProperties: false, minProperties: 1 }),
          response: { 200: Type.Ref('Contract'), ...problemResponses },
        },
      },
      async (request) => {
        const b = request.body;
        return contractView(
          await updateContract(ctx, requireActor(request), request.params.id, {
            ...b,
            startsAt: msOpt('/startsAt', b.startsAt),
            endsAt: msOpt('/endsAt', b.endsAt),
          }),
        );
      },
    );

    // -- budget lines --
    app.get(
      '/api/v1/budget-lines',
      {
        schema: {
          tags,
          summary:
            'Budget lines by fiscal year, with planned, spent, committed, remaining and the forecast (staff)',
          querystring: Type.Object({
            fiscalYear: Type.Optional(Type.Integer({ minimum: 1900, maximum: 3000 })),
            category: Type.Optional(Type.String({ maxLength: budgetLimits.category })),
            limit: Limit,
            cursor: Type.Optional(Cursor),
          }),
          response: { 200: page(Type.Ref('BudgetLine')), ...problemResponses },
        },
      },
      async (request) => {
        const { limit, cursor, ...f } = request.query;
        const items = await listBudgetLines(ctx, requireActor(request), {
          ...f,
          limit,
          after: keyOf(cursor),
        });
        const pageItems = items.slice(0, limit);
        const last = pageItems[pageItems.length - 1];
        return {
          items: pageItems.map(lineView),
          nextCursor: items.length > limit && last ? encodeCursor({ k: [last.fiscalYear, last.id] }) : null,
        };
      },
    );
    app.post(
      '/api/v1/budget-lines',
      {
        schema: {
          tags,
          summary: 'Add a budget line for a category and fiscal year (managers, admins)',
          body: Type.Object(
            {
              name: Name(budgetLimits.name),
              category: Name(budgetLimits.category),
              fiscalYear: Type.Integer({ minimum: 1900, maximum: 3000 }),
              currency: Currency,
              plannedMinor: Minor(budgetLimits.amountMinor),
              notes: Type.Optional(Text(budgetLimits.notes)),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Ref('BudgetLine'), ...problemResponses },
        },
      },
      async (request, reply) => {
        const l = await createBudgetLine(ctx, requireActor(request), request.body);
        return reply.code(201).header('location', `/api/v1/budget-lines/${l.id}`).send(lineView(l));
      },
    );
    app.get(
      '/api/v1/budget-lines/:id',
      {
        schema: {
          tags,
          summary: 'A budget line with its position and its purchases and spending (staff)',
          params: IdParams,
          response: {
            200: Type.Object({ ...budgetLineFields, entries: Type.Array(EntrySchema) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const l = await getBudgetLine(ctx, requireActor(request), request.params.id);
        return { ...lineView(l), entries: l.entries.map(entryView) };
      },
    );
    app.patch(
      '/api/v1/budget-lines/:id',
      {
        schema: {
          tags,
          summary:
            'Rename, recategorise or replan a budget line; its currency and year stay (managers, admins)',
          params: IdParams,
          body: Type.Object(
            {
              name: Type.Optional(Name(budgetLimits.name)),
              category: Type.Optional(Name(budgetLimits.category)),
              plannedMinor: Type.Optional(Minor(budgetLimits.amountMinor)),
              notes: Type.Optional(Text(budgetLimits.notes)),
            },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: Type.Ref('BudgetLine'), ...problemResponses },
        },
      },
      async (request) =>
        lineView(await updateBudgetLine(ctx, requireActor(request), request.params.id, request.body)),
    );
    app.post(
      '/api/v1/budget-lines/:id/entries',
      {
        schema: {
          tags,
          summary:
            'Record a purchase (committed) or spending (paid outside contracts and purchases) on a line (managers, admins)',
          params: IdParams,
          body: Type.Object(
            {
              kind: lit(['purchase', 'spend'] as const),
              amountMinor: Minor(budgetLimits.amountMinor),
              at: Type.Optional(Time),
              description: Type.Optional(Text(budgetLimits.description)),
              vendorId: Type.Optional(Nullable(Id)),
            },
            { additionalProperties: false },
          ),
          response: { 201: EntrySchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const e = await addBudgetEntry(ctx, requireActor(request), request.params.id, {
          ...b,
          at: msOpt('/at', b.at),
        });
        return reply.code(201).send(entryView(e));
      },
    );

    // -- requests for quotes --
    app.get(
      '/api/v1/quote-requests',
      {
        schema: {
          tags,
          summary: 'Requests for quotes, newest first (staff)',
          querystring: Type.Object({
            status: Type.Optional(
              Type.String({
                maxLength: 100,
                description: `comma-separated: ${quoteRequestStatuses.join(', ')}`,
              }),
            ),
            proposalId: Type.Optional(Id),
            limit: Limit,
            cursor: Type.Optional(Cursor),
          }),
          response: { 200: page(Type.Ref('QuoteRequest')), ...problemResponses },
        },
      },
      async (request) => {
        const { limit, cursor, status, proposalId } = request.query;
        const before = keyOf(cursor)?.[1];
        const items = await listQuoteRequests(ctx, requireActor(request), {
          status: statusesFrom(status),
          proposalId,
          limit,
          before,
        });
        const pageItems = items.slice(0, limit);
        const last = pageItems[pageItems.length - 1];
        return {
          items: pageItems.map(requestView),
          nextCursor: items.length > limit && last ? encodeCursor({ k: [last.id, last.id] }) : null,
        };
      },
    );
    app.post(
      '/api/v1/quote-requests',
      {
        schema: {
          tags,
          summary: 'Write a request for quotes by hand (managers, admins)',
          body: Type.Object(QuoteRequestInput, { additionalProperties: false }),
          response: { 201: Type.Ref('QuoteRequest'), ...problemResponses },
        },
      },
      async (request, reply) => {
        const r = await createQuoteRequest(ctx, requireActor(request), request.body);
        return reply.code(201).header('location', `/api/v1/quote-requests/${r.id}`).send(requestView(r));
      },
    );
    app.get(
      '/api/v1/quote-requests/:id',
      {
        schema: {
          tags,
          summary: 'A request for quotes with its quotes and their lines (staff)',
          params: IdParams,
          response: {
            200: Type.Object({ ...quoteRequestFields, quotes: Type.Array(Type.Ref('Quote')) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const r = await getQuoteRequest(ctx, requireActor(request), request.params.id);
        return { ...requestView(r), quotes: r.quotes.map(quoteView) };
      },
    );
    app.patch(
      '/api/v1/quote-requests/:id',
      {
        schema: {
          tags,
          summary:
            'Edit an open request for quotes (requirements, budget line, currency, term), or cancel it (status cancelled) (managers, admins)',
          params: IdParams,
          body: Type.Object(
            {
              ...QuoteRequestInput,
              what: Type.Optional(Name(quoteLimits.what)),
              status: Type.Optional(Type.Literal('cancelled')),
              cancelReason: Type.Optional(Text(2_000)),
            },
            { additionalProperties: false, minProperties: 1 },
          ),
          response: { 200: Type.Ref('QuoteRequest'), ...problemResponses },
        },
      },
      async (request) =>
        requestView(await updateQuoteRequest(ctx, requireActor(request), request.params.id, request.body)),
    );
    app.post(
      '/api/v1/quote-requests/:id/quotes',
      {
        schema: {
          tags,
          summary: "Enter a vendor's quote with its line items (managers, admins)",
          params: IdParams,
          body: Type.Object(
            {
              vendorId: Id,
              reference: Type.Optional(Text(quoteLimits.reference)),
              currency: Currency,
              rate: Type.Optional(Rate),
              requirementsMet: Type.Optional(
                Type.Array(Type.String({ maxLength: quoteLimits.requirementKey }), {
                  maxItems: quoteLimits.requirements,
                }),
              ),
              notes: Type.Optional(Text(quoteLimits.notes)),
              validUntil: Type.Optional(Nullable(Time)),
              lines: Type.Array(LineInput, { minItems: 1, maxItems: quoteLimits.lines }),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Ref('Quote'), ...problemResponses },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const q = await addQuote(ctx, requireActor(request), request.params.id, {
          ...b,
          validUntil: msOrNull('/validUntil', b.validUntil),
          lines: linesFrom(b.lines),
        });
        return reply.code(201).send(quoteView(q));
      },
    );
    app.post(
      '/api/v1/quote-requests/:id/quotes/import',
      {
        schema: {
          tags,
          summary:
            "Import quotes from CSV ({csv}), one line item per row, or one vendor's quote from a PDF's text ({text, vendorId, currency}) (docs/vendors.md); rows that cannot be read are reported by number, the others kept (managers, admins)",
          params: IdParams,
          body: Type.Union([
            Type.Object(
              { csv: Type.String({ minLength: 1, maxLength: 1_000_000 }) },
              { additionalProperties: false },
            ),
            Type.Object(
              {
                text: Type.String({
                  minLength: 1,
                  maxLength: 1_000_000,
                  description: "a PDF's text: a table with description, qty, unit price (and total) columns",
                }),
                vendorId: Id,
                currency: Currency,
                rate: Type.Optional(Rate),
                reference: Type.Optional(Text(quoteLimits.reference)),
                requirementsMet: Type.Optional(
                  Type.Array(Type.String({ maxLength: quoteLimits.requirementKey }), {
                    maxItems: quoteLimits.requirements,
                  }),
                ),
              },
              { additionalProperties: false },
            ),
          ]),
          response: {
            200: Type.Object({
              quotes: Type.Array(Type.Ref('Quote')),
              rejected: Type.Array(Type.Object({ row: Type.Integer(), errors: Type.Array(Type.String()) })),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const b = request.body;
        const r =
          'csv' in b
            ? await importQuotesCsv(ctx, requireActor(request), request.params.id, b.csv)
            : await importQuoteText(ctx, requireActor(request), request.params.id, b);
        return { quotes: r.quotes.map(quoteView), rejected: r.rejected };
      },
    );
    app.get(
      '/api/v1/quote-requests/:id/comparison',
      {
        schema: {
          tags,
          summary:
            'The quotes ranked: total cost of ownership over the term in minor units, fit, vendor performance, the weighted score (weights 0–100 as query parameters; default price 60, fit 30, performance 10), the budget effect and a recommendation with reasons (staff)',
          params: IdParams,
          querystring: WeightsInput,
          response: { 200: Type.Ref('QuoteComparison'), ...problemResponses },
        },
      },
      async (request) =>
        comparisonView(await compareRequest(ctx, requireActor(request), request.params.id, request.query)),
    );
    app.post(
      '/api/v1/quote-requests/:id/award',
      {
        schema: {
          tags,
          summary:
            "Award a quote: its total over the term is committed to the request's budget line as a purchase, and the request is awarded (managers, admins)",
          params: IdParams,
          body: Type.Object(
            { quoteId: Id, weights: Type.Optional(WeightsInput) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              request: Type.Ref('QuoteRequest'),
              quoteId: Type.Integer(),
              amountMinor: Type.Integer(),
              currency: Type.String(),
              budgetEntryId: Nullable(Type.Integer()),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const a = await awardQuote(ctx, requireActor(request), request.params.id, request.body);
        return { ...a, request: requestView(a.request) };
      },
    );
    // -- the manager's view, spend, briefs, documents --
    app.get(
      '/api/v1/vendors/overview',
      {
        schema: {
          tags,
          summary: `The manager's view: running contracts whose term ends within ${overviewWindowDays} days with their notice deadlines, budget left per line this fiscal year, open requests for quotes (staff)`,
          response: {
            200: Type.Object({
              asOf: IsoTime,
              fiscalYear: Type.Integer(),
              renewals: Type.Array(
                Type.Object({
                  contractId: Type.Integer(),
                  vendorId: Type.Integer(),
                  vendorName: Type.String(),
                  title: Type.String(),
                  type: lit(contractTypes),
                  termEnd: IsoTime,
                  noticeDeadline: IsoTime,
                  daysToNotice: Type.Integer(),
                  action: lit(['renews', 'expires'] as const),
                  currency: Type.String(),
                  recurringMinor: Type.Integer(),
                  recurringPeriod: Nullable(lit(recurringPeriods)),
                  reminded: Type.Boolean(),
                }),
              ),
              budgets: Type.Array(
                Type.Object({
                  budgetLineId: Type.Integer(),
                  name: Type.String(),
                  category: Type.String(),
                  fiscalYear: Type.Integer(),
                  currency: Type.String(),
                  plannedMinor: Type.Integer(),
                  spentMinor: Type.Integer(),
                  committedMinor: Type.Integer(),
                  remainingMinor: Type.Integer(),
                  forecastMinor: Type.Integer(),
                }),
              ),
              openRequests: Type.Array(
                Type.Object({
                  id: Type.Integer(),
                  what: Type.String(),
                  status: lit(quoteRequestStatuses),
                  quoteCount: Type.Integer(),
                  budgetLineId: Nullable(Type.Integer()),
                  createdAt: IsoTime,
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const o = await vendorOverview(ctx, requireActor(request));
        return {
          ...o,
          asOf: toIso(o.asOf),
          renewals: o.renewals.map((r) => ({
            ...r,
            termEnd: toIso(r.termEnd),
            noticeDeadline: toIso(r.noticeDeadline),
          })),
          openRequests: o.openRequests.map((r) => ({ ...r, createdAt: toIso(r.createdAt) })),
        };
      },
    );
    app.get(
      '/api/v1/vendors/spend',
      {
        schema: {
          tags,
          summary: `Spend per vendor, fiscal year and currency in minor units: contract charges due, purchases (awarded quotes) and spending naming the vendor; default the current fiscal year and the four before, at most ${spendLimits.years} years (staff)`,
          querystring: Type.Object(
            {
              fromYear: Type.Optional(Type.Integer({ minimum: 1900, maximum: 3000 })),
              toYear: Type.Optional(Type.Integer({ minimum: 1900, maximum: 3000 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              fromYear: Type.Integer(),
              toYear: Type.Integer(),
              items: Type.Array(
                Type.Object({ vendorId: Type.Integer(), vendorName: Type.String(), ...SpendFields }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => vendorSpend(ctx, requireActor(request), request.query),
    );
    app.get(
      '/api/v1/contracts/:id/brief',
      {
        schema: {
          tags,
          summary:
            'Negotiation brief for the renewal: what we paid, other quotes, price per unit over time, our volume, the record, a target and a walk-away price with their derivation (staff)',
          params: IdParams,
          response: { 200: Type.Ref('NegotiationBrief'), ...problemResponses },
        },
      },
      async (request) => briefView(await contractBrief(ctx, requireActor(request), request.params.id)),
    );
    app.get(
      '/api/v1/contracts/:id/brief.html',
      {
        schema: {
          tags,
          summary: 'The renewal brief as one printable A4 page (self-contained HTML, no scripts) (staff)',
          params: IdParams,
          produces: ['text/html'],
          response: { ...problemResponses },
        },
      },
      async (request, reply) => {
        const b = await contractBrief(ctx, requireActor(request), request.params.id);
        return reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', briefCsp)
          .header('x-content-type-options', 'nosniff')
          .send(briefHtml(b));
      },
    );
    app.get(
      '/api/v1/quote-requests/:id/brief',
      {
        schema: {
          tags,
          summary:
            "Negotiation brief for a purchase from one vendor that quoted on the request (vendorId): its quote, the others', price per unit over time, our volume, its record, a target and a walk-away price (staff)",
          params: IdParams,
          querystring: PurchaseBriefQuery,
          response: { 200: Type.Ref('NegotiationBrief'), ...problemResponses },
        },
      },
      async (request) =>
        briefView(await purchaseBrief(ctx, requireActor(request), request.params.id, request.query.vendorId)),
    );
    app.get(
      '/api/v1/quote-requests/:id/brief.html',
      {
        schema: {
          tags,
          summary: 'The purchase brief as one printable A4 page (self-contained HTML, no scripts) (staff)',
          params: IdParams,
          querystring: PurchaseBriefQuery,
          produces: ['text/html'],
          response: { ...problemResponses },
        },
      },
      async (request, reply) => {
        const b = await purchaseBrief(ctx, requireActor(request), request.params.id, request.query.vendorId);
        return reply
          .type('text/html; charset=utf-8')
          .header('content-security-policy', briefCsp)
          .header('x-content-type-options', 'nosniff')
          .send(briefHtml(b));
      },
    );
    app.post(
      '/api/v1/vendors/:id/documents',
      {
        schema: {
          tags,
          summary:
            'Keep a document for a vendor (multipart/form-data, field "file", optional field "title"; types and size as attachments) (managers, admins)',
          params: IdParams,
          consumes: ['multipart/form-data'],
          response: { 201: Type.Ref('VendorDocument'), ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const file = request.isMultipart() ? await request.file() : undefined;
        if (!file)
          throw new Invalid(
            'validation_failed',
            'Send the file as multipart/form-data in a field named "file".',
            [{ field: '/file', message: 'required' }],
          );
        const titleField = file.fields.title as { value?: unknown } | undefined;
        const title = typeof titleField?.value === 'string' ? titleField.value : undefined;
        const d = await addVendorDocument(
          ctx,
          actor,
          request.params.id,
          { filename: file.filename, contentType: file.mimetype, stream: file.file },
          title,
        );
        return reply.code(201).send(documentView(d));
      },
    );
    app.get(
      '/api/v1/vendors/:id/documents',
      {
        schema: {
          tags,
          summary: "A vendor's documents, newest first (staff)",
          params: IdParams,
          response: {
            200: Type.Object({ items: Type.Array(Type.Ref('VendorDocument')) }),
            ...problemResponses,
          },
        },
      },
      async (request) => ({
        items: (await listVendorDocuments(ctx, requireActor(request), request.params.id)).map(documentView),
      }),
    );
    app.get(
      '/api/v1/vendors/:id/documents/:documentId',
      {
        schema: {
          tags,
          summary: "Download a vendor's document (always as an attachment) (staff)",
          params: Type.Object({ id: Id, documentId: Id }),
          response: { ...problemResponses },
        },
      },
      async (request, reply) => {
        const { document, file } = await openVendorDocument(
          ctx,
          requireActor(request),
          request.params.id,
          request.params.documentId,
        );
        return reply
          .type(document.contentType)
          .header('content-length', String(document.sizeBytes))
          .header('x-content-type-options', 'nosniff')
          .header('content-security-policy', "default-src 'none'; sandbox")
          .header(
            'content-disposition',
            `attachment; filename*=UTF-8''${encodeURIComponent(document.filename)}`,
          )
          .send(file.createReadStream({ start: 0 }));
      },
    );
  };
}
