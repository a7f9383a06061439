// The SLA domain's face (named exports only): business calendars, policies and OLAs, ticket clocks, escalations, reports, and
// registerSla — the one call the serve command makes to keep clocks current and run the escalation engine.
import type { ServiceContext } from '../core/context.js';
import type { EventType } from '../core/events.js';
import type { JobScheduler } from '../core/jobs.js';
import { runEscalationCycle } from './escalations.js';
import { cachedSlaSetup, refreshTicketClocks } from './ticket-clocks.js';

export type { BusinessCalendar } from './business-calendar.js';
export {
  type Calendar,
  createCalendar,
  deleteCalendar,
  getCalendar,
  importCalendarHolidays,
  listCalendars,
  updateCalendar,
} from './calendars.js';
export { easterSunday, germanPublicHolidays, installDemoSla, replaySla, type SlaReplay } from './demo.js';
export {
  closeEscalation,
  type Escalation,
  type EscalationFiring,
  escalateTicket,
  listEscalationFirings,
  listEscalations,
  runEscalationCycle,
} from './escalations.js';
export { type OpenWindow, openWindowsMaxRangeMs, openWindowsOf } from './open-windows.js';
export { canSla, requireSla, type SlaAction } from './permissions.js';
export {
  createPolicy,
  deletePolicy,
  getEscalationPath,
  getPolicy,
  listOlas,
  listPolicies,
  orderPolicies,
  type SlaPolicy,
  setEscalationPath,
  setGroupOla,
  updatePolicy,
} from './policies.js';
export { getSlaReport } from './reports.js';
export { type ClockPhase, type ClockTarget, type SlaClock, type SlaTarget, slaTargets } from './sla-clock.js';
export {
  type ClockSummary,
  getTicketSla,
  pinPolicyOnFiling,
  refreshTicketClocks,
  setTicketPolicy,
  storedTicketSlas,
  type TicketSla,
  ticketSlaFor,
} from './ticket-clocks.js';

/** The ticket events after which a ticket's clocks are recomputed. */
export const slaClockEvents: EventType[] = [
  'ticket.created',
  'ticket.updated',
  'ticket.commented',
  'ticket.assigned',
  'ticket.state_changed',
];

/** How often the escalation engine looks for due warnings, breaches and levels. */
export const escalationIntervalMs = 30_000;

/**
 * Keep each ticket's stored clocks current: the tickets a relay pass touched are recomputed together at the
 * end of the pass, in its transaction (one load and one upsert per batch, not per event).
 */
export function subscribeSla(ctx: ServiceContext): void {
  const touched = new Set<number>();
  ctx.events.subscribe(
    'sla-clocks',
    slaClockEvents,
    (event) => {
      if (event.subjectType === 'ticket') touched.add(Number(event.subjectId));
    },
    {
      writes: false,
      endOfPass: async (trx) => {
        const ids = [...touched];
        touched.clear();
        await refreshTicketClocks(trx, ids, ctx.clock.now(), await cachedSlaSetup(ctx, trx));
      },
    },
  );
}

/** What the serve command calls once: the clock subscriber and the escalation job. */
export function registerSla(ctx: ServiceContext, jobs: JobScheduler): void {
  subscribeSla(ctx);
  jobs.every('sla-escalations', escalationIntervalMs, () => runEscalationCycle(ctx));
}
