// A proposal's states and the decisions between them: proposed → approved | deferred | rejected. A deferred
// proposal comes back as proposed when its date passes (the proposals job), and may be decided before then;
// approved and rejected are final. One table, checked in one place.
import type { ProposalStatus } from '../core/db/index.js';
import { Conflict } from '../core/errors.js';

export const proposalStatuses: readonly ProposalStatus[] = ['proposed', 'approved', 'deferred', 'rejected'];

export type ProposalDecision = 'approve' | 'defer' | 'reject';
export const proposalDecisions: readonly ProposalDecision[] = ['approve', 'defer', 'reject'];

/** The state each decision leads to. */
export const decisionOutcome: Record<ProposalDecision, ProposalStatus> = {
  approve: 'approved',
  defer: 'deferred',
  reject: 'rejected',
};

const decisions: Record<ProposalStatus, readonly ProposalDecision[]> = {
  proposed: ['approve', 'defer', 'reject'],
  // Deferred again moves the date; approving or rejecting early is the manager's to do.
  deferred: ['approve', 'defer', 'reject'],
  approved: [],
  rejected: [],
};

/** Open: the proposal waits for a decision (or for its deferral to pass) and holds its source's key. */
export function isOpenProposal(status: ProposalStatus): boolean {
  return status === 'proposed' || status === 'deferred';
}

export function allowedDecisions(status: ProposalStatus): readonly ProposalDecision[] {
  return decisions[status];
}

export function checkDecision(id: number, from: ProposalStatus, decision: ProposalDecision): void {
  if (!decisions[from].includes(decision))
    throw new Conflict('proposal_decided', `Upgrade proposal ${id} is ${from}: its decision is final.`);
}
