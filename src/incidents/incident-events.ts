// The incidents domain's events and their payloads, declared into core's DomainEvents (core knows no domain):
// recorded in the writing transaction when an incident opens (or re-triggers), is acknowledged or resolved.
export interface IncidentEvent {
  incidentId: number;
  serviceId: number | null;
  summary: string;
  severity: string;
  state: 'triggered' | 'acknowledged' | 'resolved';
  /** Who acknowledged or resolved it (null: a machine, or the engine). */
  userId: number | null;
  /** Why it triggered: opened, or re-triggered after an acknowledgement timed out. */
  reason?: 'opened' | 'ack_timeout';
  ticketId: number | null;
}

declare module '../core/events.js' {
  interface DomainEvents {
    'incident.triggered': IncidentEvent;
    'incident.acknowledged': IncidentEvent;
    'incident.resolved': IncidentEvent;
  }
}
