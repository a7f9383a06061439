// Problem management's face: problems (root cause, workaround, known error, state), the incidents (tickets)
// they cause linked from either side, resolving a problem together with its incidents, and the incident
// count over time; getProblemSummary for other domains (change management links changes to problems).
// Named, so a new export is a decision.
export {
  type CountBucket,
  getIncidentCounts,
  type IncidentCounts,
  incidentCountLimits,
} from './incident-counts.js';
export { canProblem, type ProblemAction } from './policies.js';
export {
  clearTicketProblem,
  createProblemWithIncidents,
  getTicketProblem,
  linkIncident,
  listProblemIncidentIds,
  setTicketProblem,
  type TicketProblem,
  unlinkIncident,
} from './problem-incidents.js';
export { type ResolvedProblem, type ResolveProblemInput, resolveProblem } from './problem-resolution.js';
export {
  allowedProblemTransitions,
  isOpenProblem,
  openProblemStatuses,
  problemStatuses,
} from './problem-states.js';
export {
  getProblem,
  getProblemSummary,
  listProblemHistory,
  listProblems,
  type Problem,
  type ProblemDetail,
  type ProblemFilter,
  type ProblemHistoryItem,
  type ProblemIncident,
  type ProblemInput,
  type ProblemSummary,
  problemLimits,
  updateProblem,
} from './problems.js';
