// The negotiation brief's pure parts, with cases worked by hand: the target and walk-away prices, the per-year
// unit-price trend, SLA durations and pending time, and quotes read from a PDF's text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  derivePrices,
  parseQuoteText,
  parseSlaDuration,
  pendingMs,
  unitPriceChangeBp,
} from '../../src/vendors/index.js';

describe('the negotiation brief', () => {
  it('a renewal: rising prices are taken off the current price, the lower of that and the best alternative', () => {
    // Per unit 100.00 in 2023, 110.00 in 2025: (11000 − 10000) × 10000 / (10000 × 2) = 500 bp a year.
    const changeBp = unitPriceChangeBp([
      { fiscalYear: 2023, unitPriceMinor: 10_000 },
      { fiscalYear: 2025, unitPriceMinor: 11_000 },
    ]);
    expect(changeBp).toBe(500);
    // Next term 12,345.67 EUR: × 9500 / 10000 = 11,728.3865 → 11,728.39. Competing 12,000.00: target 11,728.39.
    const p = derivePrices({
      currency: 'EUR',
      basisMinor: 1_234_567,
      competingMinor: [1_300_000, 1_200_000],
      changeBp,
      budgetCeilingMinor: 1_250_000,
    });
    expect(p.target.amountMinor).toBe(1_172_839);
    // Walk away: min(best alternative 12,000.00, budget 12,500.00) = 12,000.00.
    expect(p.walkAway.amountMinor).toBe(1_200_000);
    expect(p.target.steps.join(' ')).toContain('11,728.39 EUR');
  });

  it('a purchase without trend or budget: target is the lowest competitor, walk-away the same', () => {
    const p = derivePrices({
      currency: 'JPY',
      basisMinor: 500_000,
      competingMinor: [450_001],
      changeBp: null,
      budgetCeilingMinor: null,
    });
    expect(p.target.amountMinor).toBe(450_001);
    expect(p.walkAway.amountMinor).toBe(450_001);
  });

  it('caps the trend step at 30 % and, with nothing else known, walks away above the current price', () => {
    const p = derivePrices({
      currency: 'EUR',
      basisMinor: 1_000,
      competingMinor: [],
      changeBp: -9_000,
      budgetCeilingMinor: null,
    });
    expect(p.target.amountMinor).toBe(700);
    expect(p.walkAway.amountMinor).toBe(1_000);
  });

  it('is reproducible from its inputs, whatever the order of the competing quotes, and never above them', () => {
    fc.assert(
      fc.property(
        fc.option(fc.integer({ min: 0, max: 1e12 }), { nil: null }),
        fc.array(fc.integer({ min: 0, max: 1e12 }), { maxLength: 8 }),
        fc.option(fc.integer({ min: -20_000, max: 20_000 }), { nil: null }),
        fc.option(fc.integer({ min: -1e12, max: 1e12 }), { nil: null }),
        (basis, competing, changeBp, ceiling) => {
          const input = {
            currency: 'EUR',
            basisMinor: basis,
            competingMinor: competing,
            changeBp,
            budgetCeilingMinor: ceiling,
          };
          const a = derivePrices(input);
          const b = derivePrices({ ...input, competingMinor: [...competing].reverse() });
          expect(b).toEqual(a);
          if (a.target.amountMinor !== null) {
            expect(Number.isSafeInteger(a.target.amountMinor)).toBe(true);
            for (const c of competing) expect(a.target.amountMinor).toBeLessThanOrEqual(c);
            if (basis !== null) expect(a.target.amountMinor).toBeLessThanOrEqual(basis);
          }
        },
      ),
    );
  });
});

describe("a vendor's SLA record", () => {
  it('reads response targets and sums the time a ticket was pending', () => {
    expect(parseSlaDuration('4h')).toBe(4 * 3_600_000);
    expect(parseSlaDuration('1d 4h')).toBe(28 * 3_600_000);
    expect(parseSlaDuration('30 min')).toBe(1_800_000);
    expect(parseSlaDuration('best effort')).toBeNull();
    const changes = [
      { at: 1_000, from: 'open', to: 'pending' },
      { at: 4_000, from: 'pending', to: 'open' },
      { at: 10_000, from: 'open', to: 'pending' },
    ];
    expect(pendingMs(changes, 'pending', 12_000)).toBe(3_000 + 2_000);
    expect(pendingMs(changes.slice(0, 2), 'open', 12_000)).toBe(3_000);
  });
});

describe("quotes from a PDF's text", () => {
  it('reads the table by aligned whitespace, checks totals and reports bad rows by line', () => {
    const text = [
      'ACME Storage — Quotation Q-118',
      '',
      'Description                 Qty    Unit price      Total',
      'SSD 3.84 TB                   4      1,234.50   4,938.00',
      'Support per year              4        120.00     480.00',
      'Rack rails                    x         10.00      10.00',
      'Cables                        2          5.00      11.00',
      'Total                                          5,418.00',
    ].join('\n');
    const r = parseQuoteText(text, 'EUR');
    expect(r.fileError).toBeNull();
    expect(r.lines.map((l) => [l.description, l.kind, l.period, l.quantity, l.unitPriceMinor])).toEqual([
      ['SSD 3.84 TB', 'purchase', 'once', 4, 123_450],
      ['Support per year', 'support', 'year', 4, 12_000],
    ]);
    expect(r.rejected.map((x) => x.row)).toEqual([6, 7]);
  });

  it('refuses text without a table header', () => {
    expect(parseQuoteText('Dear customer, thank you.', 'EUR').fileError).toMatch(/header/);
  });
});
