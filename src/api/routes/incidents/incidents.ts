// Incidents: open one (staff, or a machine over the PagerDuty-style Events API with a service's integration
// key), page from a ticket, list and read with the timeline, acknowledge and resolve (signed in, or through the
// signed link in a page). Thin: schema → actor (or key, or link) → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  acknowledgeIncident,
  createIncident,
  getIncident,
  type Incident,
  incidentLimits,
  listIncidents,
  pageFromTicket,
  receiveIncidentEvent,
  resolveIncident,
  respondByLink,
  severities,
  type TimelineEntry,
} from '../../../incidents/index.js';
import { requireActor } from '../../authentication.js';
import { Cursor, Id, IdParams, IsoTime, Limit, Nullable, problemResponses } from '../../schemas.js';
import { decodeIdCursor, idPage } from '../paging.js';

const StateSchema = Type.Union([
  Type.Literal('triggered'),
  Type.Literal('acknowledged'),
  Type.Literal('resolved'),
]);
const SeveritySchema = Type.Union(
  severities.map((s) => Type.Literal(s)),
  { description: 'as PagerDuty: critical, error, warning or info' },
);
const Summary = Type.String({ minLength: 1, maxLength: incidentLimits.summary });
const DedupKey = Type.String({ minLength: 1, maxLength: incidentLimits.dedupKey });
const Details = Type.Record(Type.String({ maxLength: 100 }), Type.Unknown(), { maxProperties: 100 });

// The steps of the policy copy an incident follows, as escalation-policies.ts describes them.
const SnapshotStep = Type.Object({
  targets: Type.Array(Type.Object({ kind: Type.String(), id: Type.Integer() })),
  delayMinutes: Type.Integer(),
});

const IncidentSchema = Type.Object({
  id: Type.Integer(),
  serviceId: Nullable(Type.Integer()),
  policy: Type.Object(
    {
      id: Type.Integer(),
      name: Type.String(),
      steps: Type.Array(SnapshotStep),
      repeatCount: Type.Integer(),
    },
    { description: 'the escalation policy as it was when the incident opened: what it follows' },
  ),
  summary: Type.String(),
  severity: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
  source: Type.String({ description: 'api, events_api, ticket or monitoring' }),
  dedupKey: Nullable(Type.String()),
  eventCount: Type.Integer({ description: 'events folded into the incident by its dedup key' }),
  state: StateSchema,
  ticketId: Nullable(Type.Integer()),
  createdBy: Nullable(Type.Integer()),
  ackTimeoutMinutes: Type.Integer(),
  nextStep: Type.Integer({ description: 'the step (1-based) that runs when the timer comes due' }),
  nextPass: Type.Integer({ description: 'the pass through the steps (1-based) it belongs to' }),
  nextEscalationAt: Nullable(IsoTime),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  acknowledgedAt: Nullable(IsoTime),
  acknowledgedBy: Nullable(Type.Integer()),
  resolvedAt: Nullable(IsoTime),
  resolvedBy: Nullable(Type.Integer()),
});
const TimelineSchema = Type.Object({
  id: Type.Integer(),
  at: IsoTime,
  kind: Type.String({
    description:
      'triggered, notified, unreachable, step_skipped, exhausted, acknowledged, ack_timeout, resolved, pages_cancelled, linked_ticket',
  }),
  userId: Nullable(Type.Integer()),
  userName: Nullable(Type.String()),
  step: Nullable(Type.Integer()),
  repeat: Nullable(Type.Integer({ description: 'the pass through the steps (1-based)' })),
  channel: Nullable(
    Type.String({ description: 'notified: the contact method; others: api, link, events_api…' }),
  ),
  deliveryId: Nullable(Type.Integer()),
  detail: Type.String(),
});
const IncidentWithTimeline = Type.Composite([
  IncidentSchema,
  Type.Object({ timeline: Type.Array(TimelineSchema) }),
]);
const Opened = Type.Composite([
  IncidentSchema,
  Type.Object({
    deduplicated: Type.Boolean({ description: 'an open incident with this dedup key took it' }),
  }),
]);

function incidentView(i: Incident) {
  return {
    ...i,
    nextEscalationAt: toIso(i.nextEscalationAt),
    createdAt: toIso(i.createdAt),
    updatedAt: toIso(i.updatedAt),
    acknowledgedAt: toIso(i.acknowledgedAt),
    resolvedAt: toIso(i.resolvedAt),
  };
}
function timelineView(e: TimelineEntry) {
  return { ...e, at: toIso(e.at) };
}

export function incidentRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/incidents',
      {
        schema: {
          tags: ['incidents'],
          summary: 'Incidents, newest first (staff)',
          querystring: Type.Object({
            state: Type.Optional(StateSchema),
            serviceId: Type.Optional(Id),
            ticketId: Type.Optional(Id),
            limit: Limit,
            cursor: Type.Optional(Cursor),
          }),
          response: {
            200: Type.Object({ items: Type.Array(IncidentSchema), nextCursor: Nullable(Type.String()) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const { limit, cursor, ...filter } = request.query;
        const items = await listIncidents(ctx, requireActor(request), {
          ...filter,
          limit,
          beforeId: cursor ? decodeIdCursor(cursor) : undefined,
        });
        return idPage(items, limit, incidentView);
      },
    );
    app.post(
      '/api/v1/incidents',
      {
        schema: {
          tags: ['incidents'],
          summary:
            "Open an incident on a service (staff): its policy pages at once ('page the network on-call')",
          description:
            'An open incident of the service with the same dedupKey is not opened twice: the event is counted on it (200, deduplicated).',
          body: Type.Object({
            serviceId: Id,
            summary: Summary,
            dedupKey: Type.Optional(DedupKey),
            severity: Type.Optional(SeveritySchema),
            details: Type.Optional(Details),
            ticketId: Type.Optional(Id),
          }),
          response: { 200: Opened, 201: Opened, ...problemResponses },
        },
      },
      async (request, reply) => {
        const opened = await createIncident(ctx, requireActor(request), request.body);
        return reply
          .code(opened.created ? 201 : 200)
          .send({ ...incidentView(opened.incident), deduplicated: !opened.created });
      },
    );
    app.post(
      '/api/v1/incidents/events',
      {
        config: { public: true, ingestChannel: 'alerts' },
        schema: {
          tags: ['incidents'],
          summary:
            "Events API (PagerDuty v2 style): trigger, acknowledge or resolve with a service's integration key",
          description:
            'No sign-in: routing_key is the integration key of a service. A trigger with the dedup_key of an open incident is counted on it; acknowledge and resolve name the incident by dedup_key.',
          security: [],
          body: Type.Object({
            routing_key: Type.String({ minLength: 1, maxLength: 200 }),
            event_action: Type.Union([
              Type.Literal('trigger'),
              Type.Literal('acknowledge'),
              Type.Literal('resolve'),
            ]),
            dedup_key: Type.Optional(DedupKey),
            payload: Type.Optional(
              Type.Object({
                summary: Summary,
                severity: SeveritySchema,
                source: Type.String({ minLength: 1, maxLength: 255 }),
                component: Type.Optional(Type.String({ maxLength: 255 })),
                group: Type.Optional(Type.String({ maxLength: 255 })),
                class: Type.Optional(Type.String({ maxLength: 255 })),
                custom_details: Type.Optional(Details),
              }),
            ),
          }),
          response: {
            202: Type.Object({
              status: Type.Literal('success'),
              message: Type.String(),
              dedup_key: Type.String(),
              incident_id: Nullable(Type.Integer()),
            }),
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const outcome = await receiveIncidentEvent(ctx, request.body);
        return reply.code(202).send({
          status: outcome.status,
          message: outcome.message,
          dedup_key: outcome.dedupKey,
          incident_id: outcome.incidentId,
        });
      },
    );
    app.get(
      '/api/v1/incidents/:id',
      {
        schema: {
          tags: ['incidents'],
          summary: 'One incident with its timeline: who was notified when, by which channel (staff)',
          params: IdParams,
          response: { 200: IncidentWithTimeline, ...problemResponses },
        },
      },
      async (request) => {
        const i = await getIncident(ctx, requireActor(request), request.params.id);
        return { ...incidentView(i), timeline: i.timeline.map(timelineView) };
      },
    );
    app.post(
      '/api/v1/incidents/:id/acknowledge',
      {
        schema: {
          tags: ['incidents'],
          summary: 'Acknowledge: escalation stops; pages still waiting are cancelled (staff)',
          params: IdParams,
          response: { 200: IncidentSchema, ...problemResponses },
        },
      },
      async (request) =>
        incidentView(await acknowledgeIncident(ctx, requireActor(request), request.params.id)),
    );
    app.post(
      '/api/v1/incidents/:id/resolve',
      {
        schema: {
          tags: ['incidents'],
          summary: 'Resolve: final; the dedup key is free again (staff)',
          params: IdParams,
          response: { 200: IncidentSchema, ...problemResponses },
        },
      },
      async (request) => incidentView(await resolveIncident(ctx, requireActor(request), request.params.id)),
    );
    app.post(
      '/api/v1/incidents/:id/respond',
      {
        config: { public: true },
        schema: {
          tags: ['incidents'],
          summary:
            'The signed link in a page (its web page posts here): acknowledge or resolve as the paged person, without signing in',
          description:
            'The token is bound to the incident, the person and the action, and expires after a day; a forged or misdirected one is refused (403).',
          security: [],
          params: IdParams,
          body: Type.Object({
            action: Type.Union([Type.Literal('ack'), Type.Literal('resolve')]),
            token: Type.String({ minLength: 1, maxLength: 200 }),
          }),
          response: { 200: IncidentSchema, ...problemResponses },
        },
      },
      async (request) =>
        incidentView(await respondByLink(ctx, request.params.id, request.body.action, request.body.token)),
    );
    app.post(
      '/api/v1/tickets/:id/page',
      {
        schema: {
          tags: ['incidents'],
          summary:
            'Page from a ticket: an incident on a service (or straight to a policy), linked to the ticket (staff)',
          params: IdParams,
          body: Type.Object({
            serviceId: Type.Optional(Id),
            policyId: Type.Optional(Id),
            summary: Type.Optional(Summary),
            severity: Type.Optional(SeveritySchema),
          }),
          response: { 201: IncidentSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const opened = await pageFromTicket(ctx, requireActor(request), request.params.id, request.body);
        return reply.code(201).send(incidentView(opened.incident));
      },
    );
  };
}
