// Where a budget line stands, pure and exact (integer minor units, one currency): what was planned; what is
// spent (contract charges already due, and spending recorded outside contracts and purchases); what is
// committed (contract charges still to come in the fiscal year, and purchases such as awarded quotes); what
// remains (planned − spent − committed, to the unit); and a forecast of the year's end, which runs the
// recorded spending on at its rate so far (rounded half away from zero, once) and adds everything contracted
// and purchased.
import { divRound } from './money.js';

export interface BudgetFacts {
  plannedMinor: number;
  /** The fiscal year's [from, to) and the moment of the view. */
  from: number;
  to: number;
  now: number;
  /** Every charge of the line's contracts within [from, to). */
  contractCharges: readonly { at: number; amountMinor: number }[];
  purchases: readonly { at: number; amountMinor: number }[];
  spends: readonly { at: number; amountMinor: number }[];
}

export interface BudgetPosition {
  plannedMinor: number;
  /** spent + committed + remaining = planned, exactly. */
  spentMinor: number;
  committedMinor: number;
  remainingMinor: number;
  contractsSpentMinor: number;
  contractsCommittedMinor: number;
  purchasesMinor: number;
  otherSpentMinor: number;
  /** Contracts and purchases in full, and other spending run on to the year's end at its rate so far. */
  forecastMinor: number;
  forecastRemainingMinor: number;
}

export function budgetPosition(f: BudgetFacts): BudgetPosition {
  let contractsSpent = 0;
  let contractsCommitted = 0;
  for (const c of f.contractCharges) {
    if (c.at <= f.now) contractsSpent += c.amountMinor;
    else contractsCommitted += c.amountMinor;
  }
  const purchases = f.purchases.reduce((a, p) => a + p.amountMinor, 0);
  const otherSpent = f.spends.reduce((a, s) => a + s.amountMinor, 0);
  const spent = contractsSpent + otherSpent;
  const committed = contractsCommitted + purchases;
  // The run rate: spending so far over the part of the year gone, stretched to the whole year. Before the year
  // starts nothing is projected beyond what is recorded; after it ends the record is the outcome.
  const length = f.to - f.from;
  const elapsed = Math.min(Math.max(f.now - f.from, 0), length);
  const projectedOther =
    elapsed <= 0 || elapsed >= length
      ? otherSpent
      : Number(divRound(BigInt(otherSpent) * BigInt(length), BigInt(elapsed)));
  const forecast = contractsSpent + contractsCommitted + purchases + projectedOther;
  return {
    plannedMinor: f.plannedMinor,
    spentMinor: spent,
    committedMinor: committed,
    remainingMinor: f.plannedMinor - spent - committed,
    contractsSpentMinor: contractsSpent,
    contractsCommittedMinor: contractsCommitted,
    purchasesMinor: purchases,
    otherSpentMinor: otherSpent,
    forecastMinor: forecast,
    forecastRemainingMinor: f.plannedMinor - forecast,
  };
}
