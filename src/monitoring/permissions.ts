// Who may do what with monitoring: staff read metrics, targets, checks, rules and alerts, and silence alerts
// (as on-call engineers do in Alertmanager); managers and admins change targets, checks, rules, routing and
// status pages. Machines push metrics and alerts with a staff member's API token. Status pages are read by
// their audience: anyone for a public page, any signed-in user for an internal one.
import { type Actor, isStaff } from '../core/auth/index.js';
import { Forbidden } from '../core/errors.js';

export type MonitorAction =
  | 'metrics.read'
  | 'metrics.write'
  | 'target.read'
  | 'target.manage'
  | 'rule.read'
  | 'rule.manage'
  | 'alert.read'
  | 'alert.ingest'
  | 'silence.manage'
  | 'routing.manage'
  | 'statuspage.manage';

export function canMonitor(actor: Pick<Actor, 'role'>, action: MonitorAction): boolean {
  const manager = actor.role === 'admin' || actor.role === 'manager';
  switch (action) {
    case 'metrics.read':
    case 'metrics.write':
    case 'target.read':
    case 'rule.read':
    case 'alert.read':
    case 'alert.ingest':
    case 'silence.manage':
      return isStaff(actor);
    case 'target.manage':
    case 'rule.manage':
    case 'routing.manage':
    case 'statuspage.manage':
      return manager;
  }
}

export function requireMonitor(actor: Pick<Actor, 'role'>, action: MonitorAction): void {
  if (!canMonitor(actor, action)) throw new Forbidden('forbidden', 'You may not do this with monitoring.');
}
