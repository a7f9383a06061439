// Upgrade proposals' face: proposals (what to upgrade on a monitoring target, by when, why, what it may cost)
// written by hand or by a source — the capacity report's findings (proposeFromCapacity) and problems recurring on
// a host — and the manager's decision, an approval raising a change and a request for quotes. Named, so a new
// export is a decision.
import './proposal-events.js';

export { capacityFindings, capacityHorizonMs } from './capacity-findings.js';
export {
  type CapacityFinding,
  type CapacityOptions,
  type CapacityOutcome,
  type CapacityResult,
  capacityKey,
  proposeFromCapacity,
} from './capacity-proposals.js';
export { canProposal, type ProposalAction } from './policies.js';
export {
  findRecurringProblems,
  type ProblemSourceOptions,
  type ProblemSourceResult,
  problemKey,
  proposeFromProblems,
} from './problem-proposals.js';
export {
  capacityRefreshMs,
  type ProposalCycle,
  proposalIntervalMs,
  registerProposals,
  runProposalCycle,
} from './proposal-cycle.js';
export {
  type EvidenceKind,
  evidenceKinds,
  type Proposal,
  type ProposalCost,
  type ProposalEvidence,
  type ProposalForecast,
  proposalLimits,
  proposalResources,
  proposalSources,
  type QuoteRequest,
  type ShownEvidence,
} from './proposal-model.js';
export {
  allowedDecisions,
  isOpenProposal,
  type ProposalDecision,
  proposalDecisions,
  proposalStatuses,
} from './proposal-states.js';
export {
  createManualProposal,
  type DecisionInput,
  decideProposal,
  dueKey,
  getProposal,
  listProposals,
  type ManualProposalInput,
  type ProposalFilter,
  type ProposalInput,
  returnDeferredProposals,
  updateProposal,
} from './proposals.js';
