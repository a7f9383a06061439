// Who may manage accounts, groups, settings and tokens. Plain functions the routes and the route × role
// test table both read.
import { type Actor, isStaff } from './actor.js';

export type AccountAction =
  | 'user.create'
  | 'user.update'
  | 'user.list'
  | 'user.read'
  | 'group.manage'
  | 'group.list'
  | 'settings.manage'
  | 'settings.read'
  | 'webhook.manage'
  | 'audit.read'
  | 'events.manage'
  | 'scim.manage';

export function canAccounts(actor: Actor, action: AccountAction, subjectUserId?: number): boolean {
  switch (action) {
    case 'user.create':
    case 'user.update':
    case 'group.manage':
    case 'settings.manage':
    case 'webhook.manage':
    case 'events.manage':
    case 'scim.manage':
      return actor.role === 'admin';
    case 'audit.read':
      return actor.role === 'admin' || actor.role === 'manager';
    case 'user.list':
    case 'group.list':
    case 'settings.read':
      // Staff need the directory and the matrix to assign and triage; requesters do not.
      return isStaff(actor);
    case 'user.read':
      return isStaff(actor) || actor.id === subjectUserId;
  }
}
