// Who may do what to tickets. Requesters see and act on their own (and watched) tickets and only public
// comments; technicians work the queue; managers and admins see everything.
import type { Actor } from '../core/auth/index.js';

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
  | 'attachment.add'
  | 'category.manage';

export interface TicketSubject {
  requester_id: number;
  watcher?: boolean;
}

export function involves(actor: Actor, ticket: TicketSubject): boolean {
  return ticket.requester_id === actor.id || ticket.watcher === true;
}

export function canTicket(actor: Actor, action: TicketAction, ticket?: TicketSubject): boolean {
  const staff = actor.role !== 'requester';
  switch (action) {
    case 'ticket.read':
    case 'comment.public':
    case 'attachment.add':
      return staff || (ticket !== undefined && involves(actor, ticket));
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
      return staff;
    case 'category.manage':
      return actor.role === 'admin' || actor.role === 'manager';
  }
}
