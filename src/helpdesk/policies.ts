// Who may do what to tickets. Requesters see and act on their own (and watched) tickets and only public
// comments; technicians work the queue; managers and admins see everything.
import { type Actor, isStaff } from '../core/auth/index.js';
import type { HistoryVisibility } from '../core/db/index.js';

export type TicketAction =
  | 'ticket.read'
  | 'ticket.create_for_other'
  | 'ticket.update_fields'
  | 'ticket.assign'
  | 'ticket.set_status'
  | 'ticket.close_or_reopen'
  | 'ticket.rate'
  | 'comment.public'
  | 'comment.internal'
  | 'comment.read_internal'
  | 'history.read_internal'
  | 'attachment.add'
  | 'category.manage';

export interface TicketSubject {
  requester_id: number;
  watcher?: boolean;
}

export function involves(actor: Pick<Actor, 'id'>, ticket: TicketSubject): boolean {
  return ticket.requester_id === actor.id || ticket.watcher === true;
}

/**
 * Who may see a ticket: staff see every ticket, a requester the ones they filed or watch. The one rule: the
 * reads, the mail channel (who may reply into a ticket) and the live stream all ask it.
 */
export function canSeeTicket(actor: Pick<Actor, 'id' | 'role'>, ticket: TicketSubject): boolean {
  return isStaff(actor) || involves(actor, ticket);
}

export function canTicket(actor: Actor, action: TicketAction, ticket?: TicketSubject): boolean {
  const staff = isStaff(actor);
  switch (action) {
    case 'ticket.read':
    case 'comment.public':
    case 'attachment.add':
      return ticket === undefined ? staff : canSeeTicket(actor, ticket);
    case 'ticket.close_or_reopen':
      return staff || (ticket !== undefined && ticket.requester_id === actor.id);
    case 'ticket.rate':
      return ticket !== undefined && ticket.requester_id === actor.id;
    case 'ticket.create_for_other':
    case 'ticket.update_fields':
    case 'ticket.assign':
    case 'ticket.set_status':
    case 'comment.internal':
    case 'comment.read_internal':
    case 'history.read_internal':
      return staff;
    case 'category.manage':
      return actor.role === 'admin' || actor.role === 'manager';
  }
}

// What a requester may read of a ticket's history, by kind, as the help desks they know show it (Zendesk,
// Freshdesk, Jira Service Management): the request's own text and state, public replies, files, the rating.
// Never who works on it (assignee, group), the staff's labels (tags, watchers, links), the SLA's clocks and
// escalations (reasons and managers' notes), internal notes. A writer may choose stricter: an SLA escalation
// raising the priority marks that change internal.
const publicHistoryKinds: ReadonlySet<string> = new Set([
  'created',
  'status',
  'comment',
  'attachment',
  'title',
  'description',
  'type',
  'category',
  'impact',
  'urgency',
  'priority',
  'satisfaction',
]);

/** The visibility an entry of this kind gets unless its writer says otherwise. */
export function historyVisibility(field: string): HistoryVisibility {
  return publicHistoryKinds.has(field) ? 'public' : 'internal';
}

// -- the service catalogue --

export type CatalogAction =
  /** Custom fields and request types: create, change, deactivate; see inactive and staff-only ones. */
  'catalog.manage';

export function canCatalog(actor: Pick<Actor, 'role'>, action: CatalogAction): boolean {
  switch (action) {
    case 'catalog.manage':
      return actor.role === 'admin' || actor.role === 'manager';
  }
}

/** Who may file through a request type: everyone, or staff only (forms for technicians' own requests). */
export function mayUseRequestType(actor: Pick<Actor, 'role'>, audience: 'everyone' | 'staff'): boolean {
  return audience === 'everyone' || isStaff(actor);
}
