// The help desk's domain events and their payloads, declared into core's DomainEvents (core knows no domain):
// what tickets.ts, comments.ts and attachments.ts record, and what mail, webhooks and live updates read.
import type { TicketStatus } from '../core/db/index.js';

/** One changed field, as the ticket's history has it (values as text; null: none). */
export interface TicketChange {
  field: string;
  from: string | null;
  to: string | null;
}

declare module '../core/events.js' {
  interface DomainEvents {
    /**
     * A new ticket, as webhooks receive it: id, title, type, status, priority (its name), requesterId,
     * assigneeId, groupId, categoryId, createdAt (ISO 8601). Kept open (a record, optional) while tickets.ts
     * builds it untyped and test/notify/webhooks.test.ts stores a created event with an empty payload.
     */
    'ticket.created': { ticket?: Record<string, unknown> };
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
