// Who may do what with upgrade proposals: staff read them and propose (a technician who sees a host struggling
// writes one up); the people who manage changes — managers and admins, as change management's own rule says —
// approve, defer or reject, since an approval raises a change and a request for quotes. Requesters see none.
import { canChanges } from '../changes/index.js';
import { type Actor, isStaff } from '../core/auth/index.js';
import { Forbidden } from '../core/errors.js';

export type ProposalAction =
  /** See proposals, their evidence and decisions. */
  | 'proposal.read'
  /** Write one up by hand, and edit one still proposed. */
  | 'proposal.propose'
  /** Approve (raising its change and request for quotes), defer or reject. */
  | 'proposal.decide';

export function canProposal(actor: Pick<Actor, 'role'>, action: ProposalAction): boolean {
  switch (action) {
    case 'proposal.read':
    case 'proposal.propose':
      return isStaff(actor);
    case 'proposal.decide':
      return canChanges(actor, 'changes.manage');
  }
}

export function requireProposalRight(actor: Actor, action: ProposalAction): void {
  if (!canProposal(actor, action))
    throw new Forbidden(
      'forbidden',
      action === 'proposal.decide'
        ? 'Only a manager or an admin decides an upgrade proposal.'
        : 'Upgrade proposals are for staff.',
    );
}
