// The help desk's domain events and their payloads, declared into core's DomainEvents (core knows no domain):
// what tickets.ts, comments.ts and attachments.ts record, and what mail, webhooks and live updates read.
import type { TicketStatus, TicketType } from '../core/db/index.js';
import type { LevelName } from './levels.js';

/** One changed field, as the ticket's history has it (values as text; null: none). */
export interface TicketChange {
  field: string;
  from: string | null;
  to: string | null;
}

/** A ticket as its events carry it (webhook receivers read this shape): the priority by name, times ISO 8601. */
export interface TicketEventView {
  id: number;
  title: string;
  type: TicketType;
  status: TicketStatus;
  priority: LevelName;
  requesterId: number;
  assigneeId: number | null;
  groupId: number | null;
  categoryId: number | null;
  createdAt: string;
}

declare module '../core/events.js' {
  interface DomainEvents {
    /** A new ticket, as webhooks receive it. */
    'ticket.created': { ticket: TicketEventView };
    /** Fields changed (the description's text is left out: it can be long). */
    'ticket.updated': { changes: TicketChange[] };
    'ticket.commented': { commentId: number; internal: boolean; authorId: number };
    /** The previous holder is given when an existing ticket changes hands. */
    'ticket.assigned': {
      assigneeId: number | null;
      groupId: number | null;
      previousAssigneeId?: number | null;
      previousGroupId?: number | null;
    };
    'ticket.state_changed': { from: TicketStatus; to: TicketStatus };
  }
}
