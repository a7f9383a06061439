// The SLA engine's domain events and their payloads, declared into core's DomainEvents (core knows no domain):
// what escalations.ts records on warnings, breaches and escalations, and mail and webhooks read.
import type { EscalationAction } from './policies.js';
import type { SlaTarget } from './sla-clock.js';

/** When a target was due, ISO 8601 (null: the clock has no due time). */
export type DueAt = string | null;

/** A warning or breach of one of the ticket's SLA targets. */
export interface SlaTargetEvent {
  ticketId: number;
  target: SlaTarget;
  dueAt: DueAt;
}

/** A warning or breach of the OLA of the group holding the ticket. */
export interface OlaEvent {
  ticketId: number;
  target: 'ola';
  groupId: number | null;
  dueAt: DueAt;
}

/** An escalation: by hand (level, reason, where to) or by a policy level (also its target, due time, whom to notify). */
export interface EscalationEvent {
  ticketId: number;
  level: number;
  reason: string;
  toGroupId: number | null;
  toManager: boolean;
  target?: SlaTarget | 'ola';
  dueAt?: DueAt;
  notify?: Extract<EscalationAction, { type: 'notify' }>['who'][];
}

declare module '../core/events.js' {
  interface DomainEvents {
    'ticket.sla_warning': SlaTargetEvent;
    'ticket.sla_breached': SlaTargetEvent;
    'ticket.escalated': EscalationEvent;
    'ticket.ola_warning': OlaEvent;
    'ticket.ola_breached': OlaEvent;
  }
}
