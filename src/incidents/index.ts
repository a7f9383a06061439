// Incidents' face: services, incidents raised by hand, from a ticket or over the Events API, run through their
// service's escalation policy; acknowledgement, resolution and the timeline.
// -- services, incidents, escalation engine --
import type { ServiceContext } from '../core/context.js';
import type { JobScheduler } from '../core/jobs.js';
import {
  type EscalationPorts,
  EscalationRunner,
  escalationIntervalMs,
  oncallPorts,
} from './escalation-engine.js';

export {
  type AlertIncident,
  type AlertIncidentInput,
  openIncidentFromAlerts,
  recordAlertActivity,
  resolveIncidentFromAlerts,
} from './alert-incidents.js';
export {
  type AdvanceOutcome,
  advanceIncident,
  type EscalationPassResult,
  type EscalationPorts,
  EscalationRunner,
  escalationIntervalMs,
  type OnCallLookup,
  oncallPorts,
  type Pager,
  type PolicySnapshot,
  type ResolvedTarget,
  resolveStep,
  runEscalations,
  type TimelineKind,
  writeTimeline,
} from './escalation-engine.js';
export type { IncidentEvent } from './incident-events.js';
export { type LinkAction, linkPath, linkSecret, linkTtlMs, signLink, verifyLink } from './incident-links.js';
export { canMoveIncident, type IncidentState, incidentStates } from './incident-states.js';
export {
  acknowledgeIncident,
  createIncident,
  type EventOutcome,
  getIncident,
  type Incident,
  type IncidentEventInput,
  type IncidentFilter,
  type IncidentInput,
  type IncidentSource,
  incidentLimits,
  listIncidents,
  type Opened,
  type PageFromTicketInput,
  pageFromTicket,
  receiveIncidentEvent,
  resolveIncident,
  respondByLink,
  type Severity,
  severities,
  type TimelineEntry,
} from './incidents.js';
export {
  createService,
  defaultAckTimeoutMinutes,
  deleteService,
  getService,
  listServices,
  type Service,
  type ServiceChanges,
  type ServiceInput,
  type ServiceOnCall,
  serviceLimits,
  serviceOnCall,
  updateService,
} from './services.js';

/**
 * What the serve command calls once: the escalation engine every few seconds, and at once when an incident
 * opens (the relay hands it incident.triggered). Returns the runner, so a caller can wait for a pass.
 */
export function registerIncidents(
  ctx: ServiceContext,
  jobs: JobScheduler,
  ports: EscalationPorts = oncallPorts,
): EscalationRunner {
  const runner = new EscalationRunner(ctx, ports);
  jobs.onStop(() => runner.close());
  runner.cleanups.push(
    ctx.events.subscribe('incident-escalations', ['incident.triggered'], () => runner.nudge(), {
      writes: false,
    }),
  );
  jobs.every('incidents.escalations', escalationIntervalMs, () => runner.pass());
  return runner;
}
