// Who may do what with changes: staff read, raise, plan, implement and review changes; managers and admins
// keep the templates of standard changes, the blackout periods and the CAB setting. Requesters see none.
import { type Actor, isStaff } from '../core/auth/index.js';
import { Forbidden } from '../core/errors.js';

export type ChangeAction =
  /** Read changes and the calendar, raise and plan one, move it, link it, review it. */
  | 'changes.work'
  /** Templates, blackout periods, the CAB group. */
  | 'changes.manage';

export function canChanges(actor: Pick<Actor, 'role'>, action: ChangeAction): boolean {
  switch (action) {
    case 'changes.work':
      return isStaff(actor);
    case 'changes.manage':
      return actor.role === 'admin' || actor.role === 'manager';
  }
}

export function requireChanges(actor: Actor, action: ChangeAction): void {
  if (!canChanges(actor, action))
    throw new Forbidden(
      'forbidden',
      action === 'changes.work'
        ? 'Changes are for staff.'
        : 'Only managers and admins keep change templates, blackout periods and the CAB setting.',
    );
}
