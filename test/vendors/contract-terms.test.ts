// The calendar arithmetic and the budget position, pure: fiscal years with a configurable start month, a
// renewing contract's term rolled forward, charges at the start of each period (month ends clamped, leap years),
// worked by hand; and properties: a budget line's spent + committed + remaining is its plan to the unit, and the
// charges of a year split at any moment add up to the year's charges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMonthsUtc,
  budgetPosition,
  type ContractTerms,
  chargesBetween,
  currentTerm,
  fiscalYearOf,
  fiscalYearSpan,
} from '../../src/vendors/index.js';

const at = (s: string) => Date.parse(s);
const terms = (over: Partial<ContractTerms>): ContractTerms => ({
  status: 'active',
  startsAt: at('2026-01-31T00:00:00Z'),
  endsAt: at('2027-01-31T00:00:00Z'),
  autoRenew: false,
  renewalMonths: 12,
  noticeDays: 30,
  oneOffMinor: 0,
  recurringMinor: 0,
  recurringPeriod: null,
  ...over,
});

describe('fiscal years and terms, worked by hand', () => {
  it('names a fiscal year by the calendar year it starts in', () => {
    expect(fiscalYearOf(at('2027-03-31T23:59:59Z'), 4)).toBe(2026);
    expect(fiscalYearOf(at('2027-04-01T00:00:00Z'), 4)).toBe(2027);
    expect(fiscalYearOf(at('2026-12-31T23:59:59Z'), 1)).toBe(2026);
    expect(fiscalYearSpan(2026, 10)).toEqual({
      from: at('2026-10-01T00:00:00Z'),
      to: at('2027-10-01T00:00:00Z'),
    });
  });

  it('clamps a day the target month lacks to its last day', () => {
    expect(new Date(addMonthsUtc(at('2026-01-31T10:00:00Z'), 1)).toISOString()).toBe(
      '2026-02-28T10:00:00.000Z',
    );
    expect(new Date(addMonthsUtc(at('2028-01-31T10:00:00Z'), 1)).toISOString()).toBe(
      '2028-02-29T10:00:00.000Z',
    );
    expect(new Date(addMonthsUtc(at('2026-03-31T00:00:00Z'), -1)).toISOString()).toBe(
      '2026-02-28T00:00:00.000Z',
    );
  });

  it('rolls a renewing term forward and keeps an expiring one', () => {
    const c = terms({
      autoRenew: true,
      startsAt: at('2023-05-10T00:00:00Z'),
      endsAt: at('2024-05-10T00:00:00Z'),
    });
    expect(currentTerm(c, at('2026-05-09T23:59:59Z'))).toEqual({
      termEnd: at('2026-05-10T00:00:00Z'),
      noticeDeadline: at('2026-04-10T00:00:00Z'),
      action: 'renews',
      running: true,
    });
    expect(currentTerm(c, at('2026-05-10T00:00:00Z')).termEnd).toBe(at('2027-05-10T00:00:00Z'));
    expect(currentTerm(terms({}), at('2027-06-01T00:00:00Z'))).toMatchObject({
      action: 'expires',
      running: false,
    });
  });

  it('charges at the start of each period, only within the span and the term', () => {
    const monthly = terms({ oneOffMinor: 999, recurringMinor: 100, recurringPeriod: 'month' });
    const charges = chargesBetween(monthly, at('2026-01-01T00:00:00Z'), at('2026-05-01T00:00:00Z'));
    expect(charges.map((c) => [new Date(c.at).toISOString().slice(0, 10), c.amountMinor])).toEqual([
      ['2026-01-31', 999],
      ['2026-01-31', 100],
      ['2026-02-28', 100],
      ['2026-03-31', 100],
      ['2026-04-30', 100],
    ]);
    // Not renewing: its twelfth and last charge is on 31 December 2026, nothing after the term; renewing: the
    // charges go on, 31 January to 30 November 2027 before the span's end (31 December, exclusive).
    const later = [at('2027-01-01T00:00:00Z'), at('2027-12-31T00:00:00Z')] as const;
    expect(chargesBetween(monthly, ...later)).toHaveLength(0);
    expect(chargesBetween({ ...monthly, autoRenew: true }, ...later)).toHaveLength(11);
    expect(chargesBetween({ ...monthly, status: 'cancelled' }, ...later)).toEqual([]);
  });
});

describe('budget arithmetic', () => {
  const amount = fc.integer({ min: 0, max: 1_000_000_000 });
  const when = fc.integer({ min: 0, max: 1_000 });
  const entries = fc.array(fc.record({ at: when, amountMinor: amount }), { maxLength: 30 });

  it('never loses a minor unit: spent + committed + remaining = planned, forecast + its remainder = planned', () => {
    fc.assert(
      fc.property(
        amount,
        entries,
        entries,
        entries,
        when,
        (planned, contractCharges, purchases, spends, now) => {
          const p = budgetPosition({
            plannedMinor: planned,
            from: 0,
            to: 1_000,
            now,
            contractCharges,
            purchases,
            spends,
          });
          expect(p.spentMinor + p.committedMinor + p.remainingMinor).toBe(planned);
          expect(p.contractsSpentMinor + p.contractsCommittedMinor).toBe(
            contractCharges.reduce((a, c) => a + c.amountMinor, 0),
          );
          expect(p.forecastMinor + p.forecastRemainingMinor).toBe(planned);
          expect(p.forecastMinor).toBeGreaterThanOrEqual(p.spentMinor + p.committedMinor);
        },
      ),
    );
  });

  it("splits a year's charges at any moment into parts that add up to the year's", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 * 365 }),
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom('month', 'quarter', 'year'),
        fc.boolean(),
        fc.integer({ min: 0, max: 365 }),
        (startDay, months, period, autoRenew, cut) => {
          const start = at('2024-01-01T00:00:00Z') + startDay * 86_400_000;
          const c = terms({
            startsAt: start,
            endsAt: addMonthsUtc(start, months),
            autoRenew,
            oneOffMinor: 7,
            recurringMinor: 11,
            recurringPeriod: period as 'month',
          });
          const { from, to } = fiscalYearSpan(2026, 4);
          const mid = from + cut * 86_400_000;
          const whole = chargesBetween(c, from, to);
          const parts = [...chargesBetween(c, from, mid), ...chargesBetween(c, mid, to)];
          expect(parts).toEqual(whole);
          // Each charge is a period start: the same as stepping from the contract's start one period at a time.
          const step = { month: 1, quarter: 3, year: 12 }[period as 'month'];
          for (const ch of whole.filter((x) => x.amountMinor === 11)) {
            let k = 0;
            while (addMonthsUtc(start, k * step) < ch.at) k += 1;
            expect(addMonthsUtc(start, k * step)).toBe(ch.at);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
