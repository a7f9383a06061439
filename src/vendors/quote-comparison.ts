// The side-by-side comparison of the quotes for one request: total cost of ownership over the request's term,
// fit to its requirements, the vendor's performance, a weighted score with the weights shown, the effect on the
// budget line and a recommendation with its reasons. Pure and exact: integer minor units (BigInt inside), integer
// weights and basis-point scores, one stated rounding rule, and a ranking that is a total order on the inputs —
// so the same inputs in any order give the same comparison (test/vendors/quote-comparison.test.ts).
import { currencyExponent, divRound, formatMinor, parseDecimal, splitExactly } from './money.js';

export const itemKinds = ['purchase', 'recurring', 'support', 'energy', 'discount'] as const;
export type ItemKind = (typeof itemKinds)[number];
export const chargePeriods = ['once', 'month', 'quarter', 'year'] as const;
export type ChargePeriod = (typeof chargePeriods)[number];
export const periodMonths: Record<Exclude<ChargePeriod, 'once'>, number> = { month: 1, quarter: 3, year: 12 };

/** One line of a quote, in the quote's currency. A 'discount' line's price is an amount taken off. */
export interface QuoteLine {
  description: string;
  kind: ItemKind;
  /** Whole units (devices, licences, kWh-blocks); 0 allowed (an option not taken). */
  quantity: number;
  /** Per unit and per charge, in the quote currency's minor units, ≥ 0. */
  unitPriceMinor: number;
  /** How often it is charged: once, or each month, quarter or year of the term. */
  period: ChargePeriod;
  /** A discount on this line in basis points (500 = 5 %), 0–10000. */
  discountBp: number;
}

export interface ComparedQuoteInput {
  id: number;
  vendorId: number;
  vendorName: string;
  currency: string;
  /** The stated conversion rate: one major unit of the quote's currency is this many of the comparison's ("0.92"). */
  rate: string;
  lines: readonly QuoteLine[];
  /** Keys of the request's requirements this quote meets. */
  requirementsMet: readonly string[];
}

export interface Requirement {
  key: string;
  text: string;
  /** A quote that misses a mandatory requirement is ranked after every quote that meets them all. */
  mandatory: boolean;
  /** Its share of the fit score, 1–100. */
  weight: number;
}

/** A vendor's performance as a score in basis points (10000 best) with the reasons behind it. */
export interface VendorPerformance {
  scoreBp: number;
  reasons: string[];
}

/** Integer weights 0–100 each, not all zero; shown with the comparison and changeable per call. */
export interface Weights {
  price: number;
  fit: number;
  performance: number;
}
export const defaultWeights: Weights = { price: 60, fit: 30, performance: 10 };

export interface BudgetPosition {
  lineId: number;
  name: string;
  fiscalYear: number;
  /** What the line has left before this purchase, in the comparison's currency. */
  remainingMinor: number;
}

export interface ComparisonInput {
  currency: string;
  termMonths: number;
  requirements: readonly Requirement[];
  quotes: readonly ComparedQuoteInput[];
  /** By vendor id; a vendor without a record scores 10000 ("no record"). */
  performance: ReadonlyMap<number, VendorPerformance>;
  weights: Weights;
  budget: BudgetPosition | null;
}

export interface QuoteTotals {
  /** Each over the term, in the comparison's currency, before discounts; they add up to grossMinor. */
  purchaseMinor: number;
  recurringMinor: number;
  supportMinor: number;
  energyMinor: number;
  /** Every discount over the term (line discounts and discount lines), as a positive amount. */
  discountMinor: number;
  /** purchase + recurring + support + energy − discount: the total cost of ownership over the term. */
  totalMinor: number;
  /** The same in the quote's own currency, before conversion. */
  quoteCurrency: string;
  quoteTotalMinor: number;
  rate: string;
}

/** Scores 0–100 with two decimals (basis points / 100); weighted is the weights' average of the three. */
export interface QuoteScores {
  price: number;
  fit: number;
  performance: number;
  weighted: number;
}

export interface RankedQuote {
  rank: number;
  quoteId: number;
  vendorId: number;
  vendorName: string;
  /** False: it misses a mandatory requirement (ranked after all that qualify). */
  qualified: boolean;
  totals: QuoteTotals;
  scores: QuoteScores;
  missingRequirements: string[];
  budget: { remainingAfterMinor: number; fits: boolean } | null;
  reasons: string[];
}

export interface Comparison {
  currency: string;
  termMonths: number;
  weights: Weights;
  rounding: string[];
  ranked: RankedQuote[];
  budget: BudgetPosition | null;
  recommendation: { quoteId: number; vendorName: string; totalMinor: number; reasons: string[] } | null;
  /** Why there is no recommendation (no quotes, none qualified). */
  noRecommendation: string | null;
}

/** How each step rounds, shown with every comparison. */
export const roundingRules: readonly string[] = [
  'Every amount is an integer in minor units; every rounding is half away from zero, to the minor unit.',
  'A line charge is quantity × unit price (exact); its discount is charge × basis points / 10000, rounded.',
  'A recurring line over the term is its net charge × term months / period months, rounded once per line: a term that is not a whole number of periods is charged pro rata by month.',
  "A quote's gross and its discounts are each converted once, at the stated rate and the two currencies' minor-unit exponents, rounded; the total is gross − discounts.",
  'The converted gross is split into purchase, recurring, support and energy by largest remainder, so the parts add up to it exactly.',
  'Scores are basis points (shown /100): price = lowest total / this total; fit = weight of requirements met / all; the weighted score is compared as an exact integer sum, ties broken by the lower total, then the lower quote id.',
];

const bp = 10_000n;
/** Totals stay exact as JSON numbers: at most 2^53 − 1 minor units. */
const maxMinor = BigInt(Number.MAX_SAFE_INTEGER);

interface LineTerm {
  grossTerm: bigint;
  discountTerm: bigint;
}

/** num / den rounded half away from zero, for non-negative safe integers whose quotient and product stay exact. */
function divRoundSafe(num: number, den: number): number {
  const q = Math.floor(num / den);
  const r = num - q * den;
  return r * 2 >= den ? q + 1 : q;
}

/** One line over the term, in the quote's currency (the rules 2 and 3 above). */
export function lineOverTerm(line: QuoteLine, termMonths: number): LineTerm {
  const charge = line.quantity * line.unitPriceMinor;
  // Plain numbers while every intermediate product stays below 2^53 (the common case, and much faster);
  // BigInt otherwise. Both compute the same rounded integers.
  if (charge * Math.max(termMonths, 10_000) <= Number.MAX_SAFE_INTEGER) {
    const scale = (v: number) =>
      line.period === 'once' ? v : divRoundSafe(v * termMonths, periodMonths[line.period]);
    if (line.kind === 'discount') return { grossTerm: 0n, discountTerm: BigInt(scale(charge)) };
    const net = charge - divRoundSafe(charge * line.discountBp, 10_000);
    const grossTerm = scale(charge);
    return { grossTerm: BigInt(grossTerm), discountTerm: BigInt(grossTerm - scale(net)) };
  }
  const big = BigInt(line.quantity) * BigInt(line.unitPriceMinor);
  const scale = (v: bigint) =>
    line.period === 'once' ? v : divRound(v * BigInt(termMonths), BigInt(periodMonths[line.period]));
  if (line.kind === 'discount') return { grossTerm: 0n, discountTerm: scale(big) };
  const net = big - divRound(big * BigInt(line.discountBp), bp);
  const grossTerm = scale(big);
  return { grossTerm, discountTerm: grossTerm - scale(net) };
}

/** An amount in `from`'s minor units to `to`'s, at a decimal rate (major to major), rounded once. */
export function convertMinor(amount: bigint, from: string, to: string, rate: string): bigint {
  const r = parseDecimal(rate);
  if (!r) throw new RangeError(`not a rate: ${rate}`);
  const shift = currencyExponent(to) - currencyExponent(from);
  const num = amount * r.num * (shift > 0 ? 10n ** BigInt(shift) : 1n);
  const den = r.den * (shift < 0 ? 10n ** BigInt(-shift) : 1n);
  return divRound(num, den);
}

/** A quote's totals over the term in the comparison's currency. */
export function quoteTotals(quote: ComparedQuoteInput, currency: string, termMonths: number): QuoteTotals {
  const gross = { purchase: 0n, recurring: 0n, support: 0n, energy: 0n };
  let discount = 0n;
  for (const line of quote.lines) {
    const t = lineOverTerm(line, termMonths);
    if (line.kind !== 'discount') gross[line.kind] += t.grossTerm;
    discount += t.discountTerm;
  }
  const grossQuote = gross.purchase + gross.recurring + gross.support + gross.energy;
  const rate = quote.currency === currency ? '1' : quote.rate;
  const grossBase = convertMinor(grossQuote, quote.currency, currency, rate);
  const discountBase = convertMinor(discount, quote.currency, currency, rate);
  const [purchase, recurring, support, energy] = splitExactly(grossBase, [
    gross.purchase,
    gross.recurring,
    gross.support,
    gross.energy,
  ]) as [bigint, bigint, bigint, bigint];
  for (const v of [grossQuote, discount, grossBase, discountBase])
    if (v > maxMinor || v < -maxMinor)
      throw new RangeError(
        `quote ${quote.id}: an amount beyond ${maxMinor} minor units cannot be compared exactly`,
      );
  return {
    purchaseMinor: Number(purchase),
    recurringMinor: Number(recurring),
    supportMinor: Number(support),
    energyMinor: Number(energy),
    discountMinor: Number(discountBase),
    totalMinor: Number(grossBase - discountBase),
    quoteCurrency: quote.currency,
    quoteTotalMinor: Number(grossQuote - discount),
    rate,
  };
}

const points = (scoreBp: number) => scoreBp / 100;

/** Compare the quotes. Throws RangeError on inputs the edges should have refused (bad weights, rates). */
export function compareQuotes(input: ComparisonInput): Comparison {
  const { weights, currency, termMonths } = input;
  const weightSum = weights.price + weights.fit + weights.performance;
  if (weightSum <= 0) throw new RangeError('the weights must not all be zero');
  const fmt = (m: number | bigint) => formatMinor(m, currency);
  const requirementWeight = input.requirements.reduce((a, r) => a + r.weight, 0);

  const rows = input.quotes.map((q) => {
    const totals = quoteTotals(q, currency, termMonths);
    const met = new Set(q.requirementsMet);
    const missing = input.requirements.filter((r) => !met.has(r.key));
    const metWeight = input.requirements.filter((r) => met.has(r.key)).reduce((a, r) => a + r.weight, 0);
    const fitBp =
      requirementWeight === 0 ? 10_000 : Number(divRound(BigInt(metWeight) * bp, BigInt(requirementWeight)));
    const perf = input.performance.get(q.vendorId) ?? { scoreBp: 10_000, reasons: ['no performance record'] };
    return { q, totals, missing, fitBp, perf, qualified: !missing.some((r) => r.mandatory) };
  });
  // The lowest total over every quote (a disqualified quote's price still sets the bar it would have set).
  const lowest = rows.reduce<number | null>(
    (m, r) => (m === null || r.totals.totalMinor < m ? r.totals.totalMinor : m),
    null,
  );
  const scored = rows.map((r) => {
    const total = BigInt(r.totals.totalMinor);
    const priceBp = total <= 0n ? 10_000 : Number(divRound(BigInt(Math.max(lowest ?? 0, 0)) * bp, total));
    const numerator =
      BigInt(weights.price) * BigInt(priceBp) +
      BigInt(weights.fit) * BigInt(r.fitBp) +
      BigInt(weights.performance) * BigInt(r.perf.scoreBp);
    return { ...r, priceBp, numerator };
  });
  scored.sort((a, b) => {
    if (a.qualified !== b.qualified) return a.qualified ? -1 : 1;
    if (a.numerator !== b.numerator) return a.numerator > b.numerator ? -1 : 1;
    if (a.totals.totalMinor !== b.totals.totalMinor) return a.totals.totalMinor - b.totals.totalMinor;
    return a.q.id - b.q.id;
  });

  const ranked: RankedQuote[] = scored.map((s, i) => {
    const t = s.totals;
    const reasons: string[] = [
      `total cost of ownership ${fmt(t.totalMinor)} over ${termMonths} months: purchase ${fmt(t.purchaseMinor)}, recurring ${fmt(t.recurringMinor)}, support ${fmt(t.supportMinor)}, energy ${fmt(t.energyMinor)}, discounts −${fmt(t.discountMinor)}`,
    ];
    if (t.quoteCurrency !== currency)
      reasons.push(
        `quoted ${formatMinor(t.quoteTotalMinor, t.quoteCurrency)}, converted at the stated rate 1 ${t.quoteCurrency} = ${t.rate} ${currency}`,
      );
    reasons.push(
      t.totalMinor === lowest
        ? `price ${points(s.priceBp).toFixed(2)}: the lowest total`
        : `price ${points(s.priceBp).toFixed(2)}: lowest total ${fmt(lowest ?? 0)} against ${fmt(t.totalMinor)}`,
    );
    reasons.push(
      input.requirements.length === 0
        ? 'fit 100.00: the request names no requirements'
        : `fit ${points(s.fitBp).toFixed(2)}: meets ${input.requirements.length - s.missing.length} of ${input.requirements.length} requirements${
            s.missing.length > 0 ? ` (misses ${s.missing.map((r) => `"${r.text}"`).join(', ')})` : ''
          }`,
    );
    if (!s.qualified)
      reasons.push(
        `disqualified: misses the mandatory ${s.missing
          .filter((r) => r.mandatory)
          .map((r) => `"${r.text}"`)
          .join(', ')}`,
      );
    reasons.push(`performance ${points(s.perf.scoreBp).toFixed(2)}: ${s.perf.reasons.join('; ')}`);
    const weightedBp = Number(divRound(s.numerator, BigInt(weightSum)));
    reasons.push(
      `weighted ${points(weightedBp).toFixed(2)} = (${weights.price} × price + ${weights.fit} × fit + ${weights.performance} × performance) / ${weightSum}`,
    );
    let budget: RankedQuote['budget'] = null;
    if (input.budget) {
      const after = input.budget.remainingMinor - t.totalMinor;
      budget = { remainingAfterMinor: after, fits: after >= 0 };
      reasons.push(
        after >= 0
          ? `budget line "${input.budget.name}" keeps ${fmt(after)} of ${fmt(input.budget.remainingMinor)}`
          : `exceeds what budget line "${input.budget.name}" has left by ${fmt(-after)}`,
      );
    }
    return {
      rank: i + 1,
      quoteId: s.q.id,
      vendorId: s.q.vendorId,
      vendorName: s.q.vendorName,
      qualified: s.qualified,
      totals: t,
      scores: {
        price: points(s.priceBp),
        fit: points(s.fitBp),
        performance: points(s.perf.scoreBp),
        weighted: points(weightedBp),
      },
      missingRequirements: s.missing.map((r) => r.key),
      budget,
      reasons,
    };
  });

  const first = ranked[0];
  let recommendation: Comparison['recommendation'] = null;
  let noRecommendation: string | null = null;
  if (!first) noRecommendation = 'no quotes yet';
  else if (!first.qualified) noRecommendation = 'no quote meets every mandatory requirement';
  else {
    const second = ranked[1];
    const reasons = [
      `ranked first with a weighted score of ${first.scores.weighted.toFixed(2)} (weights: price ${weights.price}, fit ${weights.fit}, performance ${weights.performance})`,
      first.totals.totalMinor === lowest
        ? `the lowest total cost of ownership: ${fmt(first.totals.totalMinor)} over ${termMonths} months`
        : `costs ${fmt(first.totals.totalMinor - (lowest ?? 0))} more than the lowest quote, outweighed by fit or performance`,
      input.requirements.some((r) => r.mandatory)
        ? 'meets every mandatory requirement'
        : `fit ${first.scores.fit.toFixed(2)}`,
    ];
    if (second)
      reasons.push(
        `ahead of ${second.vendorName} (${second.scores.weighted.toFixed(2)}${second.qualified ? '' : ', disqualified'})`,
      );
    if (first.budget && input.budget)
      reasons.push(
        first.budget.fits
          ? `fits the budget line: ${fmt(first.budget.remainingAfterMinor)} left after it`
          : `exceeds the budget line by ${fmt(-first.budget.remainingAfterMinor)}: it needs more budget before it is awarded`,
      );
    recommendation = {
      quoteId: first.quoteId,
      vendorName: first.vendorName,
      totalMinor: first.totals.totalMinor,
      reasons,
    };
  }
  return {
    currency,
    termMonths,
    weights: { ...weights },
    rounding: [...roundingRules],
    ranked,
    budget: input.budget,
    recommendation,
    noRecommendation,
  };
}
