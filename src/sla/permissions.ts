// Who may do what with SLAs: admins define calendars, policies and OLAs; staff see clocks and escalate by
// hand; managers (and admins) work the escalation queue and read the compliance reports.
import { type Actor, isStaff } from '../core/auth/index.js';
import { Forbidden } from '../core/errors.js';

export type SlaAction = 'sla.read' | 'sla.manage' | 'escalation.create' | 'escalation.queue' | 'report.read';

export function canSla(actor: Pick<Actor, 'role'>, action: SlaAction): boolean {
  switch (action) {
    case 'sla.manage':
      return actor.role === 'admin';
    case 'sla.read':
    case 'escalation.create':
      return isStaff(actor);
    case 'escalation.queue':
    case 'report.read':
      return actor.role === 'admin' || actor.role === 'manager';
  }
}

export function requireSla(actor: Pick<Actor, 'role'>, action: SlaAction): void {
  if (!canSla(actor, action)) throw new Forbidden('forbidden', 'You may not do this with SLAs.');
}
