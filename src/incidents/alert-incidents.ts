// Incidents opened by monitoring's alert pipeline: a firing alert group opens one incident (deduplicated by the
// group's key among open monitoring incidents), runs its service's escalation policy (or the alerting target's
// policy) and opens a help desk ticket with its SLA; later alerts of the group and their resolutions are timeline
// entries; when the group's alerts have all resolved the pipeline may resolve it. Reuses incidents.ts's open and
// resolve, so paging, dedup and cancelled pages behave as for every other incident.
import { systemActor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Invalid, NotFound } from '../core/errors.js';
import { addComment, createTicket, type Level } from '../helpdesk/index.js';
import { type EscalationPorts, oncallPorts, writeTimeline } from './escalation-engine.js';
import {
  type Incident,
  incidentLimits,
  openIncident,
  readIncident,
  respond,
  type Severity,
  severities,
} from './incidents.js';
import { readService, type Service } from './services.js';

export interface AlertIncidentInput {
  /** The alert group's key: one open incident per key. */
  dedupKey: string;
  /** The service to open it on (its policy pages); else the policy alone. */
  serviceId: number | null;
  escalationPolicyId: number | null;
  summary: string;
  /** The alert's severity label, if it is one of ours; critical otherwise. */
  severity: string | null;
  details: Record<string, unknown>;
  /** Also open a ticket (with its SLA) for the incident, in this group if given. */
  openTicket: boolean;
  ticketGroupId: number | null;
  /** One line per alert that fired, for the timeline. */
  alertLines: string[];
}

export interface AlertIncident {
  incident: Incident;
  created: boolean;
  ticketId: number | null;
}

/** Impact and urgency of the ticket by the alert's severity: a critical alert is a very high priority. */
const levels: Record<Severity, Level> = { critical: 5, error: 4, warning: 3, info: 2 };

async function findOpenAlertIncident(ctx: ServiceContext, dedupKey: string): Promise<number | null> {
  const row = await ctx.db
    .selectFrom('incidents')
    .select('id')
    .where('source', '=', 'monitoring')
    .where('dedup_key', '=', dedupKey)
    .where('state', '!=', 'resolved')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.id ?? null;
}

/** The person tickets from monitoring are filed as: the first active admin (the service's own account). */
async function ticketRequester(ctx: ServiceContext): Promise<number> {
  const admin = await ctx.db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('active', '=', 1)
    .orderBy('id')
    .executeTakeFirst();
  if (!admin)
    throw new Invalid('validation_failed', 'There is no active admin to file monitoring tickets as.');
  return admin.id;
}

/** Open the incident for a firing alert group, or record the alerts on the one already open for its key. */
export async function openIncidentFromAlerts(
  ctx: ServiceContext,
  input: AlertIncidentInput,
): Promise<AlertIncident> {
  const existing = await findOpenAlertIncident(ctx, input.dedupKey);
  if (existing !== null) {
    const incident = await recordAlertActivity(ctx, existing, 'alert_firing', input.alertLines);
    return { incident, created: false, ticketId: incident.ticketId };
  }
  let service: Service | null = null;
  if (input.serviceId !== null) {
    service = await readService(ctx.db, input.serviceId).catch((err) => {
      if (err instanceof NotFound) return null;
      throw err;
    });
  }
  const policyId = service?.escalationPolicyId ?? input.escalationPolicyId;
  if (policyId === null)
    throw new Invalid(
      'validation_failed',
      'The alert names no service or escalation policy to page: give the route an incident service, or the target one.',
    );
  const severity: Severity = severities.includes(input.severity as Severity)
    ? (input.severity as Severity)
    : 'critical';
  const summary = input.summary.slice(0, incidentLimits.summary);
  let ticketId: number | null = null;
  if (input.openTicket) {
    const requesterId = await ticketRequester(ctx);
    const ticket = await createTicket(ctx, systemActor(requesterId), {
      title: summary.slice(0, 200),
      description: [`Opened by monitoring for alert group ${input.dedupKey}.`, '', ...input.alertLines].join(
        '\n',
      ),
      type: 'incident',
      impact: levels[severity],
      urgency: levels[severity],
      groupId: input.ticketGroupId ?? service?.groupId ?? null,
      tags: ['monitoring'],
    });
    ticketId = ticket.id;
  }
  const opened = await openIncident(ctx, {
    service,
    policyId,
    summary,
    severity,
    details: input.details,
    dedupKey: input.dedupKey,
    ticketId,
    source: 'monitoring',
    createdBy: null,
  });
  const incident = await recordAlertActivity(ctx, opened.incident.id, 'alert_firing', input.alertLines);
  return { incident, created: opened.created, ticketId: incident.ticketId };
}

/** Alerts of the incident's group fired or resolved: one timeline entry per alert. */
export async function recordAlertActivity(
  ctx: ServiceContext,
  incidentId: number,
  kind: 'alert_firing' | 'alert_resolved',
  alertLines: string[],
): Promise<Incident> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await writeTimeline(
      trx,
      incidentId,
      now,
      alertLines.map((detail) => ({ kind, channel: 'monitoring', detail: detail.slice(0, 1000) })),
    );
    await trx.updateTable('incidents').set({ updated_at: now }).where('id', '=', incidentId).execute();
  });
  return readIncident(ctx.db, incidentId);
}

/** Every alert of the group resolved: resolve the incident (unless a person already did). */
export async function resolveIncidentFromAlerts(
  ctx: ServiceContext,
  incidentId: number,
  alertLines: string[],
  ports: EscalationPorts = oncallPorts,
): Promise<Incident> {
  const current = await recordAlertActivity(ctx, incidentId, 'alert_resolved', alertLines);
  if (current.state === 'resolved') return current;
  const resolved = await respond(ctx, incidentId, 'resolved', { userId: null, channel: 'monitoring' }, ports);
  await noteResolutionOnTicket(ctx, resolved, alertLines);
  return resolved;
}

/**
 * The incident's ticket stays open — a person confirms the service works and closes it, as the ticket may carry
 * a requester's report too — but its workers learn that monitoring sees the problem gone: an internal note.
 */
async function noteResolutionOnTicket(
  ctx: ServiceContext,
  incident: Incident,
  alertLines: string[],
): Promise<void> {
  if (incident.ticketId === null) return;
  const ticket = await ctx.db
    .selectFrom('tickets')
    .select(['requester_id', 'status'])
    .where('id', '=', incident.ticketId)
    .executeTakeFirst();
  if (!ticket || ticket.status === 'closed' || ticket.status === 'resolved') return;
  const at = new Date(incident.resolvedAt ?? ctx.clock.now()).toISOString();
  const body = [
    `Monitoring: every alert of incident #${incident.id} has resolved; the incident resolved at ${at}.`,
    ...alertLines.slice(0, 20).map((line) => `- ${line}`),
    '',
    'Close this ticket once the service is confirmed working.',
  ].join('\n');
  await addComment(ctx, systemActor(ticket.requester_id), incident.ticketId, { body, internal: true });
}
