// Who may do what with on-call: staff read schedules, who is on call, escalation policies and incidents, ask
// for swaps and overrides, keep their own contact methods and acknowledge pages; managers and admins build
// schedules, rosters and escalation policies, approve requests, import from other tools and page by hand.
import { type Actor, isStaff } from '../core/auth/index.js';
import { Forbidden } from '../core/errors.js';

export type OncallAction =
  | 'schedule.read'
  | 'schedule.manage'
  | 'schedule.request'
  | 'schedule.approve'
  | 'roster.generate'
  | 'policy.read'
  | 'policy.manage'
  | 'contact.manage_own'
  | 'contact.manage_any'
  | 'readiness.read'
  | 'incident.read'
  | 'incident.create'
  | 'incident.respond'
  | 'import.run';

export function canOncall(actor: Pick<Actor, 'role'>, action: OncallAction): boolean {
  const manager = actor.role === 'admin' || actor.role === 'manager';
  switch (action) {
    case 'schedule.read':
    case 'schedule.request':
    case 'policy.read':
    case 'contact.manage_own':
    case 'incident.read':
    case 'incident.create':
    case 'incident.respond':
      return isStaff(actor);
    case 'schedule.manage':
    case 'schedule.approve':
    case 'roster.generate':
    case 'policy.manage':
    case 'contact.manage_any':
    case 'readiness.read':
    case 'import.run':
      return manager;
  }
}

export function requireOncall(actor: Pick<Actor, 'role'>, action: OncallAction): void {
  if (!canOncall(actor, action)) throw new Forbidden('forbidden', 'You may not do this with on-call.');
}
