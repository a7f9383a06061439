// Who may do what with suppliers: staff (technicians, managers, admins) read vendors, contracts, budgets,
// requests for quotes and comparisons — a technician checks a support contract's SLA before calling the
// vendor; managers and admins write them, award quotes and commit budget. Requesters see none of it.
import { type Actor, isStaff } from '../core/auth/index.js';
import { Forbidden } from '../core/errors.js';

export type VendorAction =
  /** See vendors, contracts, budget lines, requests for quotes, quotes and their comparison. */
  | 'vendors.read'
  /** Write them, import quotes, award a quote (committing budget). */
  | 'vendors.manage';

export function canVendors(actor: Pick<Actor, 'role'>, action: VendorAction): boolean {
  switch (action) {
    case 'vendors.read':
      return isStaff(actor);
    case 'vendors.manage':
      return actor.role === 'admin' || actor.role === 'manager';
  }
}

export function requireVendorRight(actor: Actor, action: VendorAction): void {
  if (!canVendors(actor, action))
    throw new Forbidden(
      'forbidden',
      action === 'vendors.manage'
        ? 'Only a manager or an admin writes vendors, contracts, budgets and quotes.'
        : 'Vendors, contracts and budgets are for staff.',
    );
}
