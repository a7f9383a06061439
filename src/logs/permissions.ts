// Who may do what with logs: staff search, tail and read patterns, and a technician may name and merge patterns
// (as issue 12 asks); machines push logs over HTTP with a staff member's API token. Requesters see no logs.
import { type Actor, isStaff } from '../core/auth/index.js';
import { Forbidden } from '../core/errors.js';

export type LogAction = 'logs.read' | 'logs.write' | 'pattern.manage';

export function canLogs(actor: Pick<Actor, 'role'>, action: LogAction): boolean {
  switch (action) {
    case 'logs.read':
    case 'logs.write':
    case 'pattern.manage':
      return isStaff(actor);
  }
}

export function requireLogs(actor: Pick<Actor, 'role'>, action: LogAction): void {
  if (!canLogs(actor, action)) throw new Forbidden('forbidden', 'You may not do this with logs.');
}
