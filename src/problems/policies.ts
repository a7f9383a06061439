// Who may do what to problems. Problems are the staff's (as in Freshservice and Jira Service Management,
// requesters never see them): technicians read, create, edit, link incidents and resolve — with the
// incidents and a message to their requesters; closing a problem for good is a manager's or an admin's.
import { type Actor, isStaff } from '../core/auth/index.js';

export type ProblemAction =
  /** See problems, their incidents, history and incident counts; a ticket's problem. */
  | 'problem.read'
  /** Create, edit, change state (short of closing), link and unlink incidents, resolve with incidents. */
  | 'problem.write'
  /** Close a resolved problem (final). */
  | 'problem.close';

export function canProblem(actor: Pick<Actor, 'role'>, action: ProblemAction): boolean {
  switch (action) {
    case 'problem.read':
    case 'problem.write':
      return isStaff(actor);
    case 'problem.close':
      return actor.role === 'admin' || actor.role === 'manager';
  }
}
