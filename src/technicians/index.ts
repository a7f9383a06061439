// Technicians' face: profiles (skills with levels, working calendar, time off, capacity), routing rules and
// group policies that assign tickets, and the queue optimiser's explained proposals.

export { proposeLeastLoaded, proposeRoundRobin } from './assignment-baselines.js';
export { type GroupPolicy, groupPolicies } from './assignment-choice.js';
export {
  type AutoAssignment,
  autoAssignTicket,
  registerTechnicians,
  runAssignmentQueue,
  runQueueOptimisation,
  subscribeAssignment,
} from './auto-assignment.js';
export { defaultMaxOpenTickets, type Technician } from './availability.js';
export { type AssignmentPolicy, getAssignmentPolicy, setAssignmentPolicy } from './group-policies.js';
export { canStaffing, requireStaffing, type StaffingAction } from './permissions.js';
export { getTechnician, listTechnicians, type ProfileInput, updateTechnician } from './profiles.js';
export {
  explainAssignment,
  type OptimiseOptions,
  objectiveValue,
  type Proposal,
  proposeAssignments,
  type QueueCandidate,
  type QueueTicket,
} from './queue-optimiser.js';
export {
  type AcceptOutcome,
  acceptProposals,
  type ProposalItem,
  proposeForGroup,
} from './queue-proposals.js';
export {
  type AssignmentRule,
  createRule,
  deleteRule,
  listRules,
  type RuleInput,
  updateRule,
} from './routing-rules.js';
export { createSkill, deleteSkill, listSkills, type Skill, type SkillInput, updateSkill } from './skills.js';
export { addTimeOff, deleteTimeOff, listTimeOff, type TimeOff } from './time-off.js';
