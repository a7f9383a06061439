// The negotiation brief for a renewal (a contract) or a purchase (a request for quotes and the vendor we talk
// to): what we paid before, what other vendors quoted, the price per unit over time, the volume we bring, the
// vendor's record, and a target and a walk-away price with their derivation. `derivePrices` is pure and exact
// (integer minor units, bigint arithmetic, half away from zero): the same inputs give the same brief.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { ContractType, RecurringPeriod } from '../core/db/index.js';
import { Conflict, Invalid } from '../core/errors.js';
import { readBudgetLine } from './budgets.js';
import { chargesBetween, fiscalYearOf, fiscalYearSpan } from './contract-terms.js';
import { readContract, termsOf } from './contracts.js';
import { divRound, formatMinor } from './money.js';
import { requireVendorRight } from './policies.js';
import { readComparison } from './quote-requests.js';
import { readSpend, spendSpan } from './vendor-spend.js';
import { readVendor } from './vendors.js';

const periodMonths: Record<RecurringPeriod, number> = { month: 1, quarter: 3, year: 12 };
/** The trend step asks for at most this much off (basis points): a brief is a starting position, not a fantasy. */
export const maxTrendCutBp = 3_000;

export const briefRounding: readonly string[] = [
  'Every amount is an integer in minor units of the brief currency; every rounding is half away from zero.',
  'A term price is the recurring charge × term months / period months (rounded once), plus any one-off cost.',
  "Another vendor's quote over a different term is scaled to this term: total × this term's months / its months, rounded once.",
  "A price per unit is a term's price / units, rounded; the trend is (last − first) × 10000 / (first × years between), in basis points per year, rounded.",
  'The trend step takes |trend| (at most 30 %) off the current price: basis × (10000 − |trend|) / 10000, rounded.',
];

export interface PriceInputs {
  currency: string;
  /** What the vendor asks now: the next term at today's price (renewal) or its quote's total (purchase). */
  basisMinor: number | null;
  /** Other vendors' prices for the same term, in the brief currency. */
  competingMinor: readonly number[];
  /** Per-year change of the price per unit, basis points; null: fewer than two years known. */
  changeBp: number | null;
  /** What the budget line can still pay for this, or null without a line. */
  budgetCeilingMinor: number | null;
}

export interface DerivedPrice {
  amountMinor: number | null;
  rule: string;
  steps: string[];
}

const rnd = (num: bigint, den: bigint) => Number(divRound(num, den));

/** Target and walk-away, with every step spelled out. Order of the competing prices does not matter. */
export function derivePrices(p: PriceInputs): { target: DerivedPrice; walkAway: DerivedPrice } {
  const f = (m: number) => formatMinor(m, p.currency);
  const lowest = p.competingMinor.length > 0 ? Math.min(...p.competingMinor) : null;
  const tSteps: string[] = [];
  const candidates: number[] = [];
  if (p.basisMinor !== null) {
    const cut = p.changeBp === null ? 0 : Math.min(Math.abs(p.changeBp), maxTrendCutBp);
    const trendTarget = rnd(BigInt(p.basisMinor) * BigInt(10_000 - cut), 10_000n);
    candidates.push(trendTarget);
    tSteps.push(
      p.changeBp === null
        ? `no price trend known: the trend step is the current price, ${f(p.basisMinor)}`
        : `current price ${f(p.basisMinor)} less |trend| ${(cut / 100).toFixed(2)} % = ${f(trendTarget)}`,
    );
  } else tSteps.push('no current price from this vendor');
  if (lowest !== null) {
    candidates.push(lowest);
    tSteps.push(`lowest competing price: ${f(lowest)} (of ${p.competingMinor.length})`);
  } else tSteps.push('no competing quotes');
  const target = candidates.length > 0 ? Math.min(...candidates) : null;
  if (target !== null) tSteps.push(`target = the lower: ${f(target)}`);
  const wSteps: string[] = [];
  const limits: number[] = [];
  if (lowest !== null) {
    limits.push(lowest);
    wSteps.push(`best alternative: ${f(lowest)}`);
  } else wSteps.push('no alternative quoted');
  if (p.budgetCeilingMinor !== null) {
    limits.push(p.budgetCeilingMinor);
    wSteps.push(`budget line can still pay ${f(p.budgetCeilingMinor)}`);
  } else wSteps.push('no budget line');
  let walk: number | null = limits.length > 0 ? Math.min(...limits) : null;
  if (walk === null && p.basisMinor !== null) {
    walk = p.basisMinor;
    wSteps.push(`neither: walk away above the current price, ${f(p.basisMinor)}`);
  } else if (walk !== null) wSteps.push(`walk-away = the lower: ${f(walk)}`);
  if (walk !== null && target !== null && walk < target)
    wSteps.push(`below the target by ${f(target - walk)}: the budget cannot cover even the target`);
  return {
    target: {
      amountMinor: target,
      rule: 'target = min(current price × (1 − |unit-price trend per year|, at most 30 %), lowest competing price)',
      steps: tSteps,
    },
    walkAway: {
      amountMinor: walk,
      rule: "walk-away = min(best alternative's price, what the budget line can still pay); with neither, the current price",
      steps: wSteps,
    },
  };
}

/** Per-year change in basis points from the first to the last point, or null with fewer than two years. */
export function unitPriceChangeBp(
  points: readonly { fiscalYear: number; unitPriceMinor: number }[],
): number | null {
  if (points.length < 2) return null;
  const s = [...points].sort((a, b) => a.fiscalYear - b.fiscalYear || a.unitPriceMinor - b.unitPriceMinor);
  const first = s[0] as (typeof s)[number];
  const last = s[s.length - 1] as (typeof s)[number];
  const years = last.fiscalYear - first.fiscalYear;
  if (years <= 0 || first.unitPriceMinor <= 0) return null;
  return rnd(
    BigInt(last.unitPriceMinor - first.unitPriceMinor) * 10_000n,
    BigInt(first.unitPriceMinor) * BigInt(years),
  );
}

export interface Brief {
  kind: 'renewal' | 'purchase';
  generatedAt: number;
  currency: string;
  subject: {
    contractId: number | null;
    quoteRequestId: number | null;
    title: string;
    vendorId: number;
    vendorName: string;
    category: string | null;
    units: number | null;
  };
  paidBefore: {
    totalMinor: number;
    charges: {
      contractId: number;
      title: string;
      at: number;
      kind: 'one-off' | 'recurring';
      amountMinor: number;
    }[];
    terms: {
      contractId: number;
      title: string;
      type: ContractType;
      startsAt: number;
      termEnd: number;
      oneOffMinor: number;
      recurringMinor: number;
      recurringPeriod: RecurringPeriod | null;
      annualMinor: number;
    }[];
  };
  otherQuotes: {
    quoteId: number;
    quoteRequestId: number;
    what: string;
    vendorId: number;
    vendorName: string;
    at: number;
    totalMinor: number;
    units: number;
    unitPriceMinor: number;
  }[];
  unitPriceTrend: {
    points: { fiscalYear: number; unitPriceMinor: number; source: string }[];
    changeBp: number | null;
    explanation: string;
  };
  volume: { years: { fiscalYear: number; totalMinor: number }[]; totalMinor: number; units: number | null };
  performance: {
    score: number;
    waitingTickets: number | null;
    slaMet: number;
    slaMissed: number;
    /** Asset repairs sent to the vendor and returned, still out, and the median turnaround (vendor-rma.ts). */
    rmaReturned: number;
    rmaOpen: number;
    rmaMedianTurnaroundMs: number | null;
    reasons: string[];
  };
  target: DerivedPrice;
  walkAway: DerivedPrice;
  rounding: string[];
}

const annualOf = (recurring: number, period: RecurringPeriod | null) =>
  period === null ? 0 : (recurring * 12) / periodMonths[period];

/** What we paid this vendor in this currency over the last five fiscal years, and its contracts' terms. */
async function paidBefore(ctx: ServiceContext, vendorId: number, currency: string, now: number) {
  const startMonth = ctx.config.fiscalYearStartMonth;
  const from = fiscalYearSpan(fiscalYearOf(now, startMonth) - 4, startMonth).from;
  const contracts = await ctx.db
    .selectFrom('contracts')
    .selectAll()
    .where('vendor_id', '=', vendorId)
    .where('currency', '=', currency)
    .orderBy('starts_at', 'desc')
    .limit(200)
    .execute();
  const charges: Brief['paidBefore']['charges'] = [];
  const terms: Brief['paidBefore']['terms'] = [];
  let total = 0;
  for (const c of contracts) {
    const t = termsOf(c);
    for (const ch of chargesBetween(t, from, now + 1)) {
      total += ch.amountMinor;
      charges.push({
        contractId: c.id,
        title: c.title,
        at: ch.at,
        kind:
          ch.at === c.starts_at && c.one_off_minor === ch.amountMinor && c.one_off_minor !== 0
            ? 'one-off'
            : 'recurring',
        amountMinor: ch.amountMinor,
      });
    }
    const full = await readContract(ctx.db, c.id, now);
    terms.push({
      contractId: c.id,
      title: c.title,
      type: c.type,
      startsAt: c.starts_at,
      termEnd: full.current.termEnd,
      oneOffMinor: c.one_off_minor,
      recurringMinor: c.recurring_minor,
      recurringPeriod: c.recurring_period,
      annualMinor: Math.round(annualOf(c.recurring_minor, c.recurring_period)),
    });
  }
  charges.sort((a, b) => b.at - a.at || b.contractId - a.contractId);
  return { contracts, paid: { totalMinor: total, charges: charges.slice(0, 50), terms } };
}

async function volumeOf(
  ctx: ServiceContext,
  vendorId: number,
  currency: string,
  now: number,
  units: number | null,
) {
  const startMonth = ctx.config.fiscalYearStartMonth;
  const rows = (await readSpend(ctx.db, now, startMonth, spendSpan(now, startMonth), [vendorId])).filter(
    (r) => r.currency === currency,
  );
  return {
    years: rows.map((r) => ({ fiscalYear: r.fiscalYear, totalMinor: r.totalMinor })),
    totalMinor: rows.reduce((a, r) => a + r.totalMinor, 0),
    units,
  };
}

/** Other vendors' quotes in this currency on requests of the same budget category (or this request). */
async function quotesOfCategory(
  ctx: ServiceContext,
  category: string | null,
  currency: string,
  requestIds: number[],
) {
  let ids = requestIds;
  if (category !== null) {
    const rows = await ctx.db
      .selectFrom('quote_requests')
      .innerJoin('budget_lines', 'budget_lines.id', 'quote_requests.budget_line_id')
      .select('quote_requests.id')
      .where('budget_lines.category', '=', category)
      .where('quote_requests.status', '!=', 'cancelled')
      .orderBy('quote_requests.id', 'desc')
      .limit(20)
      .execute();
    ids = [...new Set([...ids, ...rows.map((r) => r.id)])];
  }
  const out: (Awaited<ReturnType<typeof readComparison>> & { id: number })[] = [];
  for (const id of ids) {
    try {
      const c = await readComparison(ctx, ctx.db, id);
      if (c.currency === currency) out.push({ ...c, id });
    } catch (err) {
      if (!(err instanceof Conflict)) throw err; // a request that cannot be compared adds nothing
    }
  }
  return out;
}

const scale = (total: number, toMonths: number, fromMonths: number) =>
  rnd(BigInt(total) * BigInt(toMonths), BigInt(fromMonths));

export async function contractBrief(ctx: ServiceContext, actor: Actor, contractId: number): Promise<Brief> {
  requireVendorRight(actor, 'vendors.read');
  const now = ctx.clock.now();
  const c = await readContract(ctx.db, contractId, now);
  const vendor = await readVendor(ctx.db, c.vendorId, now);
  const line = c.budgetLineId === null ? null : await readBudgetLine(ctx, ctx.db, c.budgetLineId);
  const category = line?.category ?? null;
  const termMonths = c.renewalMonths;
  const basis =
    c.recurringPeriod === null
      ? null
      : rnd(BigInt(c.recurringMinor) * BigInt(termMonths), BigInt(periodMonths[c.recurringPeriod]));
  const { contracts, paid } = await paidBefore(ctx, c.vendorId, c.currency, now);
  const units = c.units ?? null;
  // Price per unit over time: each of this vendor's contracts of the same type, a year's price at its start.
  const points = contracts
    .filter((k) => k.type === c.type && k.recurring_period !== null && k.status === 'active')
    .map((k) => ({
      fiscalYear: fiscalYearOf(k.starts_at, ctx.config.fiscalYearStartMonth),
      unitPriceMinor: rnd(
        BigInt(k.recurring_minor) * 12n,
        BigInt(periodMonths[k.recurring_period as RecurringPeriod]) * BigInt(k.units ?? 1),
      ),
      source: `contract #${k.id} "${k.title}", a year's price${k.units ? ` / ${k.units} units` : ''}`,
    }))
    .sort((a, b) => a.fiscalYear - b.fiscalYear);
  const comparisons = await quotesOfCategory(ctx, category, c.currency, []);
  const otherQuotes: Brief['otherQuotes'] = [];
  for (const cmp of comparisons)
    for (const r of cmp.ranked)
      if (r.vendorId !== c.vendorId && r.qualified)
        otherQuotes.push({
          quoteId: r.quoteId,
          quoteRequestId: cmp.id,
          what: cmp.what,
          vendorId: r.vendorId,
          vendorName: r.vendorName,
          at: cmp.createdAt,
          totalMinor: scale(r.totals.totalMinor, termMonths, cmp.termMonths),
          units: cmp.quantity,
          unitPriceMinor: rnd(BigInt(scale(r.totals.totalMinor, 12, cmp.termMonths)), BigInt(cmp.quantity)),
        });
  const changeBp = unitPriceChangeBp(points);
  // The line can still pay what it has left plus what this contract already holds committed in it.
  const ceiling =
    line === null
      ? null
      : line.position.remainingMinor +
        chargesBetween(termsOf({ ...rowTerms(c) }), now + 1, line.to).reduce(
          (a, ch) => a + ch.amountMinor,
          0,
        );
  const prices = derivePrices({
    currency: c.currency,
    basisMinor: basis,
    competingMinor: otherQuotes.map((q) => q.totalMinor),
    changeBp,
    budgetCeilingMinor: ceiling,
  });
  return {
    kind: 'renewal',
    generatedAt: now,
    currency: c.currency,
    subject: {
      contractId: c.id,
      quoteRequestId: null,
      title: `${c.title} — next term of ${termMonths} months from ${new Date(c.current.termEnd).toISOString().slice(0, 10)}`,
      vendorId: c.vendorId,
      vendorName: c.vendorName,
      category,
      units,
    },
    paidBefore: paid,
    otherQuotes,
    unitPriceTrend: {
      points,
      changeBp,
      explanation:
        changeBp === null
          ? 'fewer than two years of prices from this vendor for this kind of contract'
          : `a year's price per unit moved ${(changeBp / 100).toFixed(2)} % a year from ${points[0]?.fiscalYear} to ${points[points.length - 1]?.fiscalYear}`,
    },
    volume: await volumeOf(ctx, c.vendorId, c.currency, now, units),
    performance: performanceOf(vendor),
    ...prices,
    rounding: [...briefRounding],
  };
}

function rowTerms(c: Awaited<ReturnType<typeof readContract>>) {
  return {
    status: c.status,
    starts_at: c.startsAt,
    ends_at: c.endsAt,
    auto_renew: c.autoRenew ? 1 : 0,
    renewal_months: c.renewalMonths,
    notice_days: c.noticeDays,
    one_off_minor: c.oneOffMinor,
    recurring_minor: c.recurringMinor,
    recurring_period: c.recurringPeriod,
  };
}

function performanceOf(v: Awaited<ReturnType<typeof readVendor>>): Brief['performance'] {
  const p = v.performance;
  const reasons = [...p.reasons];
  if (p.slaTargetMs !== null)
    reasons.push(
      `response target ${Math.round(p.slaTargetMs / 60_000)} min: met ${p.slaMet}, missed ${p.slaMissed}`,
    );
  return {
    score: p.scoreBp / 100,
    waitingTickets: p.waitingTickets,
    slaMet: p.slaMet,
    slaMissed: p.slaMissed,
    rmaReturned: p.rmaReturned,
    rmaOpen: p.rmaOpen,
    rmaMedianTurnaroundMs: p.rmaMedianTurnaroundMs,
    reasons,
  };
}

export async function purchaseBrief(
  ctx: ServiceContext,
  actor: Actor,
  requestId: number,
  vendorId: number,
): Promise<Brief> {
  requireVendorRight(actor, 'vendors.read');
  const now = ctx.clock.now();
  const vendor = await readVendor(ctx.db, vendorId, now);
  const cmp = await readComparison(ctx, ctx.db, requestId);
  const mine = cmp.ranked.filter((r) => r.vendorId === vendorId);
  if (mine.length === 0)
    throw new Invalid(
      'validation_failed',
      `vendorId: vendor ${vendorId} has not quoted on request ${requestId}`,
      [{ field: 'querystring/vendorId', message: 'this vendor has no quote on the request' }],
    );
  const basis = Math.min(...mine.map((r) => r.totals.totalMinor));
  const line = cmp.budgetLineId === null ? null : await readBudgetLine(ctx, ctx.db, cmp.budgetLineId);
  const category = line?.category ?? null;
  const comparisons = await quotesOfCategory(ctx, category, cmp.currency, [requestId]);
  const otherQuotes: Brief['otherQuotes'] = [];
  const points: Brief['unitPriceTrend']['points'] = [];
  const startMonth = ctx.config.fiscalYearStartMonth;
  for (const k of comparisons)
    for (const r of k.ranked) {
      const total = scale(r.totals.totalMinor, cmp.termMonths, k.termMonths);
      const unit = rnd(BigInt(total), BigInt(k.quantity));
      if (r.vendorId === vendorId)
        points.push({
          fiscalYear: fiscalYearOf(k.createdAt, startMonth),
          unitPriceMinor: unit,
          source: `quote #${r.quoteId} on request #${k.id}, over ${cmp.termMonths} months / ${k.quantity} units`,
        });
      else if (r.qualified && k.id === requestId)
        otherQuotes.push({
          quoteId: r.quoteId,
          quoteRequestId: k.id,
          what: k.what,
          vendorId: r.vendorId,
          vendorName: r.vendorName,
          at: k.createdAt,
          totalMinor: total,
          units: k.quantity,
          unitPriceMinor: unit,
        });
    }
  points.sort((a, b) => a.fiscalYear - b.fiscalYear || a.unitPriceMinor - b.unitPriceMinor);
  const changeBp = unitPriceChangeBp(points);
  const { paid } = await paidBefore(ctx, vendorId, cmp.currency, now);
  const prices = derivePrices({
    currency: cmp.currency,
    basisMinor: basis,
    competingMinor: otherQuotes.map((q) => q.totalMinor),
    changeBp,
    budgetCeilingMinor: cmp.budget?.remainingMinor ?? null,
  });
  return {
    kind: 'purchase',
    generatedAt: now,
    currency: cmp.currency,
    subject: {
      contractId: null,
      quoteRequestId: requestId,
      title: `${cmp.what} × ${cmp.quantity}, over ${cmp.termMonths} months`,
      vendorId,
      vendorName: vendor.name,
      category,
      units: cmp.quantity,
    },
    paidBefore: paid,
    otherQuotes,
    unitPriceTrend: {
      points,
      changeBp,
      explanation:
        changeBp === null
          ? "fewer than two years of this vendor's quotes in this category"
          : `the vendor's price per unit moved ${(changeBp / 100).toFixed(2)} % a year`,
    },
    volume: await volumeOf(ctx, vendorId, cmp.currency, now, cmp.quantity),
    performance: performanceOf(vendor),
    ...prices,
    rounding: [...briefRounding],
  };
}
