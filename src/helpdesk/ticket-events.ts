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

/**
 * The automation rule whose action caused a change or comment (absent for people, mail and the SLA engine):
 * rules never fire on such an event, so a rule cannot trigger itself and a chain stops after one pass.
 */
export interface AutomationOrigin {
  ruleId: number;
  rule: string;
}

declare module '../core/events.js' {
  interface DomainEvents {
    /** A new ticket, as webhooks receive it. */
    'ticket.created': { ticket: TicketEventView };
    /** Fields changed (the description's text is left out: it can be long). */
    'ticket.updated': { changes: TicketChange[]; origin?: AutomationOrigin };
    'ticket.commented': { commentId: number; internal: boolean; authorId: number; origin?: AutomationOrigin };
    /** The previous holder is given when an existing ticket changes hands. */
    'ticket.assigned': {
      assigneeId: number | null;
      groupId: number | null;
      previousAssigneeId?: number | null;
      previousGroupId?: number | null;
    };
    'ticket.state_changed': { from: TicketStatus; to: TicketStatus };
    /** An automation rule fired on the ticket (src/helpdesk/automation-engine.ts): what it did, in words. */
    'ticket.rule_fired': { ruleId: number; rule: string; trigger: string; summary: string };
  }
}
