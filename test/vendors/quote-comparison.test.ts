// The quote comparison, pure: totals of ownership worked by hand (discounts, a term that is not whole years,
// rounding at each step, currencies with different minor units, the largest-remainder split), scores and ranks
// worked by hand with changed weights and a disqualified quote, the budget effect; and properties: any order of
// quotes gives the same comparison, raising the weight of a criterion a quote leads never lowers its rank, and
// no minor unit is ever lost between the parts and the total.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ComparedQuoteInput,
  type ComparisonInput,
  compareQuotes,
  convertMinor,
  itemKinds,
  type QuoteLine,
  quoteTotals,
  type Requirement,
  type VendorPerformance,
} from '../../src/vendors/index.js';
import { divRound, splitExactly } from '../../src/vendors/money.js';

const line = (
  l: Partial<QuoteLine> & Pick<QuoteLine, 'kind' | 'quantity' | 'unitPriceMinor'>,
): QuoteLine => ({
  description: l.kind,
  period: 'once',
  discountBp: 0,
  ...l,
});
const quote = (
  id: number,
  lines: QuoteLine[],
  extra: Partial<ComparedQuoteInput> = {},
): ComparedQuoteInput => ({
  id,
  vendorId: id,
  vendorName: `Vendor ${id}`,
  currency: 'EUR',
  rate: '1',
  lines,
  requirementsMet: [],
  ...extra,
});

describe('total cost of ownership, worked by hand', () => {
  it('adds purchase, support and energy over a 30-month term and takes off a line discount and a discount line', () => {
    const t = quoteTotals(
      quote(1, [
        // 10 × 1,234.56 = 12,345.60; 5 % off = 617.28
        line({ kind: 'purchase', quantity: 10, unitPriceMinor: 123_456, discountBp: 500 }),
        // 1,000.00 a year over 30 months = 2,500.00 (pro rata)
        line({ kind: 'support', quantity: 1, unitPriceMinor: 100_000, period: 'year' }),
        // 3 × 33.33 a month × 30 = 2,999.70
        line({ kind: 'energy', quantity: 3, unitPriceMinor: 3_333, period: 'month' }),
        // 500.00 off once
        line({ kind: 'discount', quantity: 1, unitPriceMinor: 50_000 }),
      ]),
      'EUR',
      30,
    );
    expect(t).toEqual({
      purchaseMinor: 1_234_560,
      recurringMinor: 0,
      supportMinor: 250_000,
      energyMinor: 299_970,
      discountMinor: 61_728 + 50_000,
      totalMinor: 1_672_802,
      quoteCurrency: 'EUR',
      quoteTotalMinor: 1_672_802,
      rate: '1',
    });
  });

  it('rounds half away from zero at each stated step over a 31-month term', () => {
    const t = quoteTotals(
      quote(1, [
        // 3 × 33.33 = 99.99; 12.5 % = 12.49875 → 12.50
        line({ kind: 'purchase', quantity: 3, unitPriceMinor: 3_333, discountBp: 1_250 }),
        // 100.00 a year × 31 / 12 = 258.3333… → 258.33
        line({ kind: 'support', quantity: 1, unitPriceMinor: 10_000, period: 'year' }),
        // 9.99 a month, 3.33 % off = 0.332667 → 0.33 a month: net 9.66; gross over 31 months 309.69, net 299.46
        line({ kind: 'recurring', quantity: 1, unitPriceMinor: 999, period: 'month', discountBp: 333 }),
      ]),
      'EUR',
      31,
    );
    expect(t.purchaseMinor).toBe(9_999);
    expect(t.supportMinor).toBe(25_833);
    expect(t.recurringMinor).toBe(30_969);
    expect(t.discountMinor).toBe(1_250 + 1_023);
    expect(t.totalMinor).toBe(64_528);
  });

  it('converts at the stated rate across minor-unit exponents, gross and discounts each rounded once', () => {
    // 1,000.00 USD at 0.92 = 920.00 EUR; a 0.05 USD discount = 0.046 EUR → 0.05
    const usd = quoteTotals(
      quote(
        1,
        [
          line({ kind: 'purchase', quantity: 1, unitPriceMinor: 100_000 }),
          line({ kind: 'discount', quantity: 1, unitPriceMinor: 5 }),
        ],
        { currency: 'USD', rate: '0.92' },
      ),
      'EUR',
      12,
    );
    expect(usd).toMatchObject({
      purchaseMinor: 92_000,
      discountMinor: 5,
      totalMinor: 91_995,
      quoteTotalMinor: 99_995,
    });
    // 150,000 JPY (no minor unit) at 0.0061 = 915.00 EUR
    const jpy = quoteTotals(
      quote(2, [line({ kind: 'purchase', quantity: 1, unitPriceMinor: 150_000 })], {
        currency: 'JPY',
        rate: '0.0061',
      }),
      'EUR',
      12,
    );
    expect(jpy.totalMinor).toBe(91_500);
    // and back: 915.00 EUR at 163.93 JPY = 149,995.95 → 149,996 JPY
    expect(convertMinor(91_500n, 'EUR', 'JPY', '163.93')).toBe(149_996n);
  });

  it('splits a converted gross into its parts by largest remainder, so they add up to it', () => {
    // 1,000.00 + 333.33 USD = 1,333.33 at 0.92 = 1,226.6636 → 1,226.66 EUR; exact shares 920.0027 and 306.6573
    const t = quoteTotals(
      quote(
        1,
        [
          line({ kind: 'purchase', quantity: 1, unitPriceMinor: 100_000 }),
          line({ kind: 'support', quantity: 1, unitPriceMinor: 33_333, period: 'year' }),
        ],
        { currency: 'USD', rate: '0.92' },
      ),
      'EUR',
      12,
    );
    expect(t).toMatchObject({ purchaseMinor: 92_000, supportMinor: 30_666, totalMinor: 122_666 });
  });

  it('uses rate 1 for a quote already in the comparison currency, whatever rate it states', () => {
    const t = quoteTotals(
      quote(1, [line({ kind: 'purchase', quantity: 2, unitPriceMinor: 500 })], { rate: '3' }),
      'EUR',
      12,
    );
    expect(t).toMatchObject({ totalMinor: 1_000, rate: '1' });
  });
});

describe('scores, ranks and the recommendation, worked by hand', () => {
  const requirements: Requirement[] = [
    { key: 'r1', text: 'Four-hour onsite support', mandatory: true, weight: 3 },
    { key: 'r2', text: 'Rack rails included', mandatory: false, weight: 1 },
  ];
  const performance = new Map<number, VendorPerformance>([
    [2, { scoreBp: 8_000, reasons: ['2 tickets wait on it'] }],
  ]);
  const q1 = quote(1, [line({ kind: 'purchase', quantity: 1, unitPriceMinor: 100_000 })], {
    requirementsMet: ['r1', 'r2'],
  });
  const q2 = quote(2, [line({ kind: 'purchase', quantity: 1, unitPriceMinor: 80_000 })], {
    requirementsMet: ['r1'],
  });
  const q3 = quote(3, [line({ kind: 'purchase', quantity: 1, unitPriceMinor: 50_000 })], {
    requirementsMet: ['r2'],
  });
  const base: ComparisonInput = {
    currency: 'EUR',
    termMonths: 36,
    requirements,
    quotes: [q1, q2],
    performance,
    weights: { price: 60, fit: 30, performance: 10 },
    budget: { lineId: 7, name: 'Servers 2026', fiscalYear: 2026, remainingMinor: 95_000 },
  };

  it('weighs price, fit and performance as shown and says why', () => {
    const c = compareQuotes(base);
    // Q1: price 80000/100000 = 80.00, fit 100, perf 100 → (60×80 + 30×100 + 10×100)/100 = 88.00
    // Q2: price 100, fit 3/4 = 75.00, perf 80 → (6000 + 2250 + 800)/100 = 90.50
    expect(c.ranked.map((r) => [r.quoteId, r.scores])).toEqual([
      [2, { price: 100, fit: 75, performance: 80, weighted: 90.5 }],
      [1, { price: 80, fit: 100, performance: 100, weighted: 88 }],
    ]);
    expect(c.ranked[0]?.budget).toEqual({ remainingAfterMinor: 15_000, fits: true });
    expect(c.ranked[1]?.budget).toEqual({ remainingAfterMinor: -5_000, fits: false });
    expect(c.ranked[1]?.reasons).toContain('exceeds what budget line "Servers 2026" has left by 50.00 EUR');
    expect(c.recommendation?.quoteId).toBe(2);
    expect(c.recommendation?.reasons).toEqual([
      'ranked first with a weighted score of 90.50 (weights: price 60, fit 30, performance 10)',
      'the lowest total cost of ownership: 800.00 EUR over 36 months',
      'meets every mandatory requirement',
      'ahead of Vendor 1 (88.00)',
      'fits the budget line: 150.00 EUR left after it',
    ]);
    expect(c.weights).toEqual({ price: 60, fit: 30, performance: 10 });
    expect(c.rounding.length).toBeGreaterThan(3);
  });

  it('changes the ranking when the weights change', () => {
    const c = compareQuotes({ ...base, weights: { price: 0, fit: 1, performance: 0 } });
    expect(c.ranked.map((r) => r.quoteId)).toEqual([1, 2]);
    expect(c.recommendation?.reasons[1]).toBe(
      'costs 200.00 EUR more than the lowest quote, outweighed by fit or performance',
    );
  });

  it('ranks a quote missing a mandatory requirement last, whatever its score, and the cheapest still sets the price bar', () => {
    const c = compareQuotes({ ...base, quotes: [q1, q2, q3] });
    // lowest 500.00: Q1 price 50, Q2 62.50, Q3 100; Q1 (3000+3000+1000)/100 = 70, Q2 (3750+2250+800)/100 = 68
    expect(c.ranked.map((r) => [r.quoteId, r.scores.weighted, r.qualified])).toEqual([
      [1, 70, true],
      [2, 68, true],
      [3, 77.5, false],
    ]);
    expect(c.ranked[2]?.reasons).toContain('disqualified: misses the mandatory "Four-hour onsite support"');
    expect(c.recommendation?.quoteId).toBe(1);
  });

  it('recommends nothing when no quote qualifies or none came', () => {
    expect(compareQuotes({ ...base, quotes: [q3] })).toMatchObject({
      recommendation: null,
      noRecommendation: 'no quote meets every mandatory requirement',
    });
    expect(compareQuotes({ ...base, quotes: [] })).toMatchObject({
      recommendation: null,
      noRecommendation: 'no quotes yet',
    });
  });

  it('refuses totals it could not carry exactly (beyond 2^53 − 1 minor units)', () => {
    const huge = quote(9, [line({ kind: 'purchase', quantity: 9_999_999, unitPriceMinor: 1e12 })]);
    expect(() => compareQuotes({ ...base, quotes: [huge] })).toThrow(RangeError);
  });

  it('refuses weights that are all zero', () => {
    expect(() => compareQuotes({ ...base, weights: { price: 0, fit: 0, performance: 0 } })).toThrow(
      RangeError,
    );
  });
});

// ---- properties --------------------------------------------------------------------------------------------

const currencies = ['EUR', 'USD', 'JPY', 'BHD'] as const;
const lineArb: fc.Arbitrary<QuoteLine> = fc.record({
  description: fc.constant('x'),
  kind: fc.constantFrom(...itemKinds),
  quantity: fc.integer({ min: 0, max: 500 }),
  unitPriceMinor: fc.integer({ min: 0, max: 100_000 }),
  period: fc.constantFrom('once', 'month', 'quarter', 'year'),
  discountBp: fc.integer({ min: 0, max: 10_000 }),
});
const rateArb = fc
  .tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 9_999 }))
  .filter(([w, f]) => w + f > 0)
  .map(([w, f]) => `${w}.${String(f).padStart(4, '0')}`);
const requirementsArb = fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 4 }).chain((keys) =>
  fc.tuple(
    ...keys.map((key) =>
      fc.record({
        key: fc.constant(key),
        text: fc.constant(`req ${key}`),
        mandatory: fc.boolean(),
        weight: fc.integer({ min: 1, max: 100 }),
      }),
    ),
  ),
);
const inputArb: fc.Arbitrary<ComparisonInput> = fc
  .record({
    currency: fc.constantFrom(...currencies),
    termMonths: fc.integer({ min: 1, max: 84 }),
    requirements: requirementsArb,
    n: fc.integer({ min: 1, max: 7 }),
    weights: fc
      .record({
        price: fc.integer({ min: 0, max: 100 }),
        fit: fc.integer({ min: 0, max: 100 }),
        performance: fc.integer({ min: 0, max: 100 }),
      })
      .filter((w) => w.price + w.fit + w.performance > 0),
    remaining: fc.option(fc.integer({ min: -1_000_000, max: 100_000_000 }), { nil: null }),
  })
  .chain((s) =>
    fc
      .tuple(
        ...Array.from({ length: s.n }, (_, i) =>
          fc.record({
            id: fc.constant(i + 1),
            vendorId: fc.integer({ min: 1, max: 4 }),
            vendorName: fc.constant(`V${i}`),
            currency: fc.constantFrom(...currencies),
            rate: rateArb,
            lines: fc.array(lineArb, { maxLength: 6 }),
            requirementsMet: fc.subarray(s.requirements.map((r) => r.key)),
          }),
        ),
      )
      .chain((quotes) =>
        fc.tuple(...[1, 2, 3, 4].map(() => fc.integer({ min: 0, max: 10_000 }))).map((perf) => ({
          currency: s.currency,
          termMonths: s.termMonths,
          requirements: s.requirements,
          quotes: quotes.map((q) => ({ ...q, vendorName: `V${q.vendorId}` })),
          performance: new Map(perf.map((p, i) => [i + 1, { scoreBp: p, reasons: [`record ${p}`] }])),
          weights: s.weights,
          budget:
            s.remaining === null
              ? null
              : { lineId: 1, name: 'line', fiscalYear: 2026, remainingMinor: s.remaining },
        })),
      ),
  );

describe('comparison properties', () => {
  it('gives the same comparison for any order of the quotes', () => {
    fc.assert(
      fc.property(inputArb, fc.infiniteStream(fc.integer()), (input, noise) => {
        const keys = input.quotes.map(() => noise.next().value as number);
        const shuffled = input.quotes
          .map((q, i) => ({ q, k: keys[i] as number }))
          .sort((a, b) => a.k - b.k)
          .map((x) => x.q);
        expect(compareQuotes({ ...input, quotes: shuffled })).toEqual(compareQuotes(input));
      }),
      { numRuns: 200 },
    );
  });

  it('never lowers the rank of a quote when the weight of a criterion it leads is raised', () => {
    const criteria = ['price', 'fit', 'performance'] as const;
    fc.assert(
      fc.property(
        inputArb,
        fc.constantFrom(...criteria),
        fc.integer({ min: 1, max: 100 }),
        (input, c, raise) => {
          const before = compareQuotes(input);
          const top = Math.max(...before.ranked.map((r) => r.scores[c]));
          const raised = compareQuotes({
            ...input,
            weights: { ...input.weights, [c]: Math.min(100, input.weights[c] + raise) },
          });
          for (const r of before.ranked) {
            if (r.scores[c] !== top) continue;
            const after = raised.ranked.find((x) => x.quoteId === r.quoteId);
            expect(after?.rank).toBeLessThanOrEqual(r.rank);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never loses a minor unit: the parts add up to the total, and conversion of a whole equals its parts within the stated rounding', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        for (const r of compareQuotes(input).ranked) {
          const t = r.totals;
          expect(t.purchaseMinor + t.recurringMinor + t.supportMinor + t.energyMinor - t.discountMinor).toBe(
            t.totalMinor,
          );
          if (r.budget && input.budget)
            expect(r.budget.remainingAfterMinor + t.totalMinor).toBe(input.budget.remainingMinor);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('splits any amount exactly, each part within one unit of its share', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 6 }),
        (total, weights) => {
          const parts = splitExactly(total, weights);
          expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
          const sum = weights.reduce((a, b) => a + b, 0n);
          if (sum > 0n)
            parts.forEach((p, i) => {
              const exact = total * (weights[i] as bigint);
              const diff = p * sum - exact;
              expect(diff < 0n ? -diff : diff).toBeLessThan(sum);
            });
        },
      ),
    );
  });

  it('rounds half away from zero', () => {
    expect([divRound(5n, 2n), divRound(-5n, 2n), divRound(7n, 3n), divRound(-7n, 3n)]).toEqual([
      3n,
      -3n,
      2n,
      -2n,
    ]);
  });
});
