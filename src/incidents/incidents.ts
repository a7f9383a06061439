// Incidents: opened by staff, by a machine with a service's integration key (PagerDuty Events API v2 style) or
// from a ticket; each takes a copy of its policy and starts the escalation engine's timer at once. An open
// incident with the same dedup key on a service is not opened twice (a unique index among open ones): the event
// is counted on it. Acknowledge and resolve through the API or a signed link; both cancel pages still waiting.
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../core/errors.js';
import { findVisibleTicket, recordTicketChange } from '../helpdesk/index.js';
import { canOncall, readEscalationPolicy, requireOncall } from '../oncall/index.js';
import {
  type EscalationPorts,
  incidentEvent,
  oncallPorts,
  type PolicySnapshot,
  policySnapshotOf,
  type TimelineKind,
  writeTimeline,
} from './escalation-engine.js';
import { type LinkAction, linkSecret, verifyLink } from './incident-links.js';
import { canMoveIncident, type IncidentState } from './incident-states.js';
import { defaultAckTimeoutMinutes, readService, type Service, serviceByIntegrationKey } from './services.js';

type Db = Kysely<Database> | Transaction<Database>;
type IncidentRow = Selectable<Database['incidents']>;

export const severities = ['critical', 'error', 'warning', 'info'] as const;
export type Severity = (typeof severities)[number];

export type IncidentSource = 'api' | 'events_api' | 'ticket' | 'monitoring';

export const incidentLimits = { summary: 1024, dedupKey: 255, detailsBytes: 16_384, listMax: 200 } as const;

export interface Incident {
  id: number;
  serviceId: number | null;
  policy: PolicySnapshot;
  summary: string;
  severity: string;
  details: Record<string, unknown>;
  source: string;
  dedupKey: string | null;
  /** Events folded into this incident by its dedup key (1: the one that opened it). */
  eventCount: number;
  state: IncidentState;
  ticketId: number | null;
  createdBy: number | null;
  ackTimeoutMinutes: number;
  /** The step and pass (1-based) that run when the timer comes due; null timer: nothing scheduled. */
  nextStep: number;
  nextPass: number;
  nextEscalationAt: number | null;
  createdAt: number;
  updatedAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: number | null;
  resolvedAt: number | null;
  resolvedBy: number | null;
}

export interface TimelineEntry {
  id: number;
  at: number;
  kind: TimelineKind;
  userId: number | null;
  userName: string | null;
  step: number | null;
  repeat: number | null;
  channel: string | null;
  deliveryId: number | null;
  detail: string;
}

function incidentOf(row: IncidentRow): Incident {
  return {
    id: row.id,
    serviceId: row.service_id,
    policy: policySnapshotOf(row),
    summary: row.summary,
    severity: row.severity,
    details: JSON.parse(row.details) as Record<string, unknown>,
    source: row.source,
    dedupKey: row.dedup_key,
    eventCount: row.event_count,
    state: row.state,
    ticketId: row.ticket_id,
    createdBy: row.created_by,
    ackTimeoutMinutes: row.ack_timeout_minutes,
    nextStep: row.current_step + 1,
    nextPass: row.current_repeat + 1,
    nextEscalationAt: row.next_escalation_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
  };
}

function fieldError(field: string, message: string): Invalid {
  return new Invalid('validation_failed', `${field}: ${message}`, [{ field, message }]);
}

export interface OpenInput {
  service: Service | null;
  policyId: number;
  summary: string;
  severity?: string;
  details?: Record<string, unknown>;
  dedupKey?: string | null;
  ticketId?: number | null;
  source: IncidentSource;
  createdBy: number | null;
}

function checkOpenInput(input: OpenInput): { summary: string; severity: Severity; details: string } {
  const summary = input.summary.trim();
  if (summary.length === 0 || summary.length > incidentLimits.summary)
    throw fieldError('/summary', `must be 1–${incidentLimits.summary} characters`);
  const severity = (input.severity ?? 'critical') as Severity;
  if (!severities.includes(severity))
    throw fieldError('/severity', `must be one of ${severities.join(', ')}`);
  const details = JSON.stringify(input.details ?? {});
  if (Buffer.byteLength(details) > incidentLimits.detailsBytes)
    throw fieldError('/details', `at most ${incidentLimits.detailsBytes} bytes of JSON`);
  if (input.dedupKey !== undefined && input.dedupKey !== null) {
    if (input.dedupKey.length === 0 || input.dedupKey.length > incidentLimits.dedupKey)
      throw fieldError('/dedupKey', `must be 1–${incidentLimits.dedupKey} characters`);
  }
  return { summary, severity, details };
}

export interface Opened {
  incident: Incident;
  /** False: an open incident with the same dedup key took the event (counted on it). */
  created: boolean;
}

/** Open an incident (or fold the event into the open one with its dedup key); the engine pages at once. */
export async function openIncident(ctx: ServiceContext, input: OpenInput): Promise<Opened> {
  const checked = checkOpenInput(input);
  const policy = await readEscalationPolicy(ctx.db, input.policyId);
  const snapshot: PolicySnapshot = {
    id: policy.id,
    name: policy.name,
    steps: policy.steps,
    repeatCount: policy.repeatCount,
  };
  const now = ctx.clock.now();
  const dedupKey = input.dedupKey ?? null;
  const opened = await ctx.db.transaction().execute(async (trx): Promise<Opened> => {
    // A dedup key is unique among a service's open incidents: the second of two racing events inserts nothing.
    const inserted = await trx
      .insertInto('incidents')
      .values({
        service_id: input.service?.id ?? null,
        policy_id: policy.id,
        policy_snapshot: JSON.stringify(snapshot),
        summary: checked.summary,
        severity: checked.severity,
        details: checked.details,
        source: input.source,
        dedup_key: dedupKey,
        open_dedup_key: input.service ? dedupKey : null,
        state: 'triggered',
        ticket_id: input.ticketId ?? null,
        created_by: input.createdBy,
        ack_timeout_minutes: input.service?.ackTimeoutMinutes ?? defaultAckTimeoutMinutes,
        next_escalation_at: now,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.columns(['service_id', 'open_dedup_key']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) {
      const existing = await trx
        .updateTable('incidents')
        .set((eb) => ({ event_count: eb('event_count', '+', 1), updated_at: now }))
        .where('service_id', '=', input.service!.id)
        .where('open_dedup_key', '=', dedupKey)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { incident: incidentOf(existing), created: false };
    }
    const entries: Parameters<typeof writeTimeline>[3] = [
      {
        kind: 'triggered',
        userId: input.createdBy,
        channel: input.source,
        detail: `${snapshot.name}: ${snapshot.steps.length} step${snapshot.steps.length === 1 ? '' : 's'}, ${snapshot.repeatCount} pass${snapshot.repeatCount === 1 ? '' : 'es'}`,
      },
    ];
    if (input.ticketId) entries.push({ kind: 'linked_ticket', detail: `ticket #${input.ticketId}` });
    await writeTimeline(trx, inserted.id, now, entries);
    if (input.ticketId) {
      await recordTicketChange(trx, input.ticketId, input.createdBy, now, [
        {
          field: 'incident',
          from: null,
          to: `#${inserted.id} paged${input.service ? ` (${input.service.name})` : ` (${snapshot.name})`}`,
          visibility: 'internal',
        },
      ]);
    }
    await ctx.events.record(trx, [
      incidentEvent('incident.triggered', inserted, 'triggered', input.createdBy, 'opened'),
    ]);
    return { incident: incidentOf(inserted), created: true };
  });
  if (opened.created) ctx.events.nudge();
  return opened;
}

export interface IncidentInput {
  serviceId: number;
  summary: string;
  dedupKey?: string | null;
  severity?: string;
  details?: Record<string, unknown>;
  ticketId?: number | null;
}

/** Staff open an incident on a service ("page the network on-call"). */
export async function createIncident(
  ctx: ServiceContext,
  actor: Actor,
  input: IncidentInput,
): Promise<Opened> {
  requireOncall(actor, 'incident.create');
  const service = await readService(ctx.db, input.serviceId).catch((err) => {
    if (err instanceof NotFound)
      throw new Invalid('invalid_reference', '/serviceId: no such service', [
        { field: '/serviceId', message: 'no such service' },
      ]);
    throw err;
  });
  if (input.ticketId != null && !(await findVisibleTicket(ctx.db, actor, input.ticketId)))
    throw new Invalid('invalid_reference', '/ticketId: no such ticket', [
      { field: '/ticketId', message: 'no such ticket' },
    ]);
  return openIncident(ctx, {
    service,
    policyId: service.escalationPolicyId,
    summary: input.summary,
    severity: input.severity,
    details: input.details,
    dedupKey: input.dedupKey,
    ticketId: input.ticketId ?? null,
    source: 'api',
    createdBy: actor.id,
  });
}

export interface PageFromTicketInput {
  serviceId?: number;
  policyId?: number;
  summary?: string;
  severity?: string;
}

/** Page from a ticket: an incident on a service (or straight to a policy), linked to the ticket. */
export async function pageFromTicket(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  input: PageFromTicketInput,
): Promise<Opened> {
  const ticket = await findVisibleTicket(ctx.db, actor, ticketId);
  if (!ticket) throw new NotFound('ticket_not_found', `No ticket ${ticketId}.`);
  requireOncall(actor, 'incident.create');
  if ((input.serviceId === undefined) === (input.policyId === undefined))
    throw fieldError('/serviceId', 'give a service or a policy, not both');
  const service =
    input.serviceId === undefined
      ? null
      : await readService(ctx.db, input.serviceId).catch(refTo('/serviceId'));
  const policyId = service ? service.escalationPolicyId : input.policyId!;
  if (!service) await readEscalationPolicy(ctx.db, policyId).catch(refTo('/policyId'));
  return openIncident(ctx, {
    service,
    policyId,
    summary: input.summary ?? `#${ticket.id} ${ticket.title}`.slice(0, incidentLimits.summary),
    severity: input.severity,
    details: { ticketId: ticket.id },
    ticketId: ticket.id,
    source: 'ticket',
    createdBy: actor.id,
  });
}

function refTo(field: string) {
  return (err: unknown): never => {
    if (err instanceof NotFound)
      throw new Invalid('invalid_reference', `${field}: not found`, [{ field, message: 'not found' }]);
    throw err;
  };
}

/** A PagerDuty Events API v2 event, as machines send it. */
export interface IncidentEventInput {
  routing_key: string;
  event_action: 'trigger' | 'acknowledge' | 'resolve';
  dedup_key?: string;
  payload?: {
    summary: string;
    severity: string;
    source: string;
    component?: string;
    group?: string;
    class?: string;
    custom_details?: Record<string, unknown>;
  };
}

export interface EventOutcome {
  status: 'success';
  message: string;
  dedupKey: string;
  incidentId: number | null;
}

/** An event from a machine holding a service's integration key: trigger, acknowledge or resolve by dedup key. */
export async function receiveIncidentEvent(
  ctx: ServiceContext,
  event: IncidentEventInput,
  ports: EscalationPorts = oncallPorts,
): Promise<EventOutcome> {
  const service = await serviceByIntegrationKey(ctx.db, event.routing_key);
  if (!service)
    throw new Invalid('invalid_integration_key', "The routing_key is not a service's integration key.");
  if (event.event_action === 'trigger') {
    if (!event.payload) throw fieldError('/payload', 'a trigger needs a payload (summary, severity, source)');
    const { summary, severity, source, custom_details, component, group } = event.payload;
    const dedupKey = event.dedup_key ?? randomUUID();
    const opened = await openIncident(ctx, {
      service,
      policyId: service.escalationPolicyId,
      summary,
      severity,
      details: {
        source,
        ...(component ? { component } : {}),
        ...(group ? { group } : {}),
        ...(custom_details ? { custom_details } : {}),
      },
      dedupKey,
      source: 'events_api',
      createdBy: null,
    });
    return {
      status: 'success',
      message: opened.created ? 'Event processed: incident opened' : 'Event processed: deduplicated',
      dedupKey,
      incidentId: opened.incident.id,
    };
  }
  if (!event.dedup_key)
    throw fieldError('/dedup_key', `${event.event_action} needs the dedup_key of the incident`);
  const open = await ctx.db
    .selectFrom('incidents')
    .select(['id', 'state'])
    .where('service_id', '=', service.id)
    .where('open_dedup_key', '=', event.dedup_key)
    .executeTakeFirst();
  const to: IncidentState = event.event_action === 'acknowledge' ? 'acknowledged' : 'resolved';
  // As PagerDuty does: an event for no open incident, or one that changes nothing, is accepted and ignored.
  if (!open || !canMoveIncident(open.state, to, 'person'))
    return {
      status: 'success',
      message: 'Event ignored: no open incident to change',
      dedupKey: event.dedup_key,
      incidentId: open?.id ?? null,
    };
  await respond(ctx, open.id, to, { userId: null, channel: 'events_api' }, ports);
  return { status: 'success', message: 'Event processed', dedupKey: event.dedup_key, incidentId: open.id };
}

/** Acknowledge or resolve: the move, the timer, the pages still waiting, the timeline and the event. */
export async function respond(
  ctx: ServiceContext,
  id: number,
  to: 'acknowledged' | 'resolved',
  by: { userId: number | null; channel: string },
  ports: EscalationPorts,
): Promise<Incident> {
  const now = ctx.clock.now();
  const result = await ctx.db.transaction().execute(async (trx) => {
    let q = trx.selectFrom('incidents').selectAll().where('id', '=', id);
    if (ctx.caps.supportsSkipLocked) q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row) throw new NotFound('incident_not_found', `No incident ${id}.`);
    if (!canMoveIncident(row.state, to, 'person'))
      throw new Conflict('incident_transition_not_allowed', `A ${row.state} incident cannot become ${to}.`);
    const changes =
      to === 'acknowledged'
        ? {
            state: to,
            acknowledged_at: now,
            acknowledged_by: by.userId,
            // The acknowledgement timeout: unresolved this long after, the incident triggers again.
            next_escalation_at: row.ack_timeout_minutes > 0 ? now + row.ack_timeout_minutes * 60_000 : null,
          }
        : {
            state: to,
            resolved_at: now,
            resolved_by: by.userId,
            next_escalation_at: null,
            open_dedup_key: null,
          };
    const updated = await trx
      .updateTable('incidents')
      .set({ ...changes, updated_at: now })
      .where('id', '=', id)
      .where('state', '=', row.state)
      .returningAll()
      .executeTakeFirst();
    // SQLite has one writer, PostgreSQL the row lock: a lost race here means the state moved under us.
    if (!updated)
      throw new Conflict(
        'incident_transition_not_allowed',
        `The incident changed meanwhile; it is no longer ${row.state}.`,
      );
    const cancelled = await ports.pager.cancelPages(ctx, trx, id);
    await writeTimeline(trx, id, now, [
      { kind: to === 'acknowledged' ? 'acknowledged' : 'resolved', userId: by.userId, channel: by.channel },
      ...(cancelled > 0
        ? [
            {
              kind: 'pages_cancelled' as const,
              detail: `${cancelled} page${cancelled === 1 ? '' : 's'} not sent`,
            },
          ]
        : []),
    ]);
    await ctx.events.record(trx, [
      incidentEvent(
        to === 'acknowledged' ? 'incident.acknowledged' : 'incident.resolved',
        updated,
        to,
        by.userId,
      ),
    ]);
    return incidentOf(updated);
  });
  ctx.events.nudge();
  return result;
}

export async function acknowledgeIncident(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  ports: EscalationPorts = oncallPorts,
): Promise<Incident> {
  requireOncall(actor, 'incident.respond');
  return respond(ctx, id, 'acknowledged', { userId: actor.id, channel: 'api' }, ports);
}

export async function resolveIncident(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  ports: EscalationPorts = oncallPorts,
): Promise<Incident> {
  requireOncall(actor, 'incident.respond');
  return respond(ctx, id, 'resolved', { userId: actor.id, channel: 'api' }, ports);
}

/** A signed link from a page: acknowledges or resolves as the user it was sent to, without signing in. */
export async function respondByLink(
  ctx: ServiceContext,
  id: number,
  action: LinkAction,
  token: string,
  ports: EscalationPorts = oncallPorts,
): Promise<Incident> {
  const now = ctx.clock.now();
  const userId = verifyLink(await linkSecret(ctx.db, now), id, action, token, now);
  const user = await ctx.db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'active'])
    .where('id', '=', userId)
    .executeTakeFirst();
  // A deactivated account, or one no longer staff, loses what its links could do.
  const allowed = user !== undefined && user.active === 1 && canOncall(user, 'incident.respond');
  if (!allowed) throw new Forbidden('respond_link_invalid', 'This link is not valid for this incident.');
  return respond(ctx, id, action === 'ack' ? 'acknowledged' : 'resolved', { userId, channel: 'link' }, ports);
}

export interface IncidentFilter {
  state?: IncidentState;
  serviceId?: number;
  ticketId?: number;
  /** Newest first: ids below this one. */
  beforeId?: number;
  limit?: number;
}

/** Incidents, newest first; `limit + 1` rows so the caller knows whether there is a next page. */
export async function listIncidents(
  ctx: ServiceContext,
  actor: Actor,
  filter: IncidentFilter,
): Promise<Incident[]> {
  requireOncall(actor, 'incident.read');
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), incidentLimits.listMax);
  const rows = await ctx.db
    .selectFrom('incidents')
    .selectAll()
    .$if(filter.state !== undefined, (q) => q.where('state', '=', filter.state!))
    .$if(filter.serviceId !== undefined, (q) => q.where('service_id', '=', filter.serviceId!))
    .$if(filter.ticketId !== undefined, (q) => q.where('ticket_id', '=', filter.ticketId!))
    .$if(filter.beforeId !== undefined, (q) => q.where('id', '<', filter.beforeId!))
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return rows.map(incidentOf);
}

export async function readTimeline(db: Db, id: number): Promise<TimelineEntry[]> {
  const rows = await db
    .selectFrom('incident_timeline as t')
    .leftJoin('users as u', 'u.id', 't.user_id')
    .select([
      't.id',
      't.at',
      't.kind',
      't.user_id',
      'u.name as user_name',
      't.step',
      't.repeat',
      't.channel',
      't.delivery_id',
      't.detail',
    ])
    .where('t.incident_id', '=', id)
    .orderBy('t.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    kind: r.kind as TimelineKind,
    userId: r.user_id,
    userName: r.user_name ?? null,
    step: r.step,
    repeat: r.repeat,
    channel: r.channel,
    deliveryId: r.delivery_id,
    detail: r.detail,
  }));
}

export async function getIncident(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
): Promise<Incident & { timeline: TimelineEntry[] }> {
  requireOncall(actor, 'incident.read');
  const row = await ctx.db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('incident_not_found', `No incident ${id}.`);
  return { ...incidentOf(row), timeline: await readTimeline(ctx.db, id) };
}

/** One incident without a policy check, for other domains' commands (monitoring's alert incidents). */
export async function readIncident(db: Db, id: number): Promise<Incident> {
  const row = await db.selectFrom('incidents').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('incident_not_found', `No incident ${id}.`);
  return incidentOf(row);
}
