// Technicians' face: profiles (skills with levels, working calendar, time off, capacity), routing rules and
// group policies that assign tickets, and the queue optimiser's explained proposals.
export { canStaffing, requireStaffing, type StaffingAction } from './permissions.js';
export {
  type OptimiseOptions,
  type Proposal,
  proposeAssignments,
  type QueueCandidate,
  type QueueTicket,
} from './queue-optimiser.js';
// -- profiles, time off, routing rules, group policies, proposals --
