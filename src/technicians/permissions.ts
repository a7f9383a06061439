// Who may do what with technicians and assignment: staff read profiles and the routing rules and keep their
// own time off; managers and admins set skills, capacity, calendars, rules and group policies, and run and
// accept the queue optimiser's proposals.
import { type Actor, isStaff } from '../core/auth/index.js';
import { Forbidden } from '../core/errors.js';

export type StaffingAction =
  | 'profile.read'
  | 'profile.manage'
  | 'timeoff.manage_own'
  | 'timeoff.manage_any'
  | 'rules.read'
  | 'rules.manage'
  | 'assignment.propose'
  | 'assignment.accept';

export function canStaffing(actor: Pick<Actor, 'role'>, action: StaffingAction): boolean {
  switch (action) {
    case 'profile.read':
    case 'timeoff.manage_own':
    case 'rules.read':
      return isStaff(actor);
    case 'profile.manage':
    case 'timeoff.manage_any':
    case 'rules.manage':
    case 'assignment.propose':
    case 'assignment.accept':
      return actor.role === 'admin' || actor.role === 'manager';
  }
}

export function requireStaffing(actor: Pick<Actor, 'role'>, action: StaffingAction): void {
  if (!canStaffing(actor, action)) throw new Forbidden('forbidden', 'You may not do this with technicians.');
}
