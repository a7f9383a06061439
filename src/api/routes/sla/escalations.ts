// SLA routes for escalations: a ticket's (by hand, or its list) and the manager's queue, resolved or handed on.
// Thin: schema → actor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import { closeEscalation, type Escalation, escalateTicket, listEscalations } from '../../../sla/index.js';
import { requireActor } from '../../authentication.js';
import { Id, IdParams, IsoTime, Nullable, problemResponses } from '../../schemas.js';

const EscalationSchema = Type.Object({
  id: Type.Integer(),
  ticketId: Type.Integer(),
  kind: Type.Union([Type.Literal('manual'), Type.Literal('automatic')]),
  level: Type.Integer(),
  target: Nullable(Type.String()),
  reason: Type.String(),
  fromGroupId: Nullable(Type.Integer()),
  toGroupId: Nullable(Type.Integer()),
  toManager: Type.Boolean(),
  actorId: Nullable(Type.Integer()),
  status: Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('handed_on')]),
  createdAt: IsoTime,
  closedAt: Nullable(IsoTime),
  closedBy: Nullable(Type.Integer()),
  note: Nullable(Type.String()),
});
function escalationView(e: Escalation) {
  return { ...e, createdAt: toIso(e.createdAt), closedAt: toIso(e.closedAt) };
}

export function slaEscalationRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v1/tickets/:id/escalations',
      {
        schema: {
          tags: ['sla'],
          summary:
            'Escalate a ticket by hand, with a reason: to the next group on the path (or a given one), or to the manager',
          params: IdParams,
          body: Type.Object({
            reason: Type.String({ minLength: 1, maxLength: 1000 }),
            to: Type.Union([Type.Literal('group'), Type.Literal('manager')]),
            groupId: Type.Optional(Id),
          }),
          response: { 201: EscalationSchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(
            escalationView(await escalateTicket(ctx, requireActor(request), request.params.id, request.body)),
          ),
    );
    app.get(
      '/api/v1/tickets/:id/escalations',
      {
        schema: {
          tags: ['sla'],
          summary: 'A ticket’s escalations, manual and automatic',
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(EscalationSchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listEscalations(ctx, requireActor(request), { ticketId: request.params.id })).map(
          escalationView,
        ),
      }),
    );

    // -- the escalation queue
    app.get(
      '/api/v1/sla/escalations',
      {
        schema: {
          tags: ['sla'],
          summary: 'The escalation queue (toManager=true: the manager’s), oldest first',
          querystring: Type.Object({
            status: Type.Optional(
              Type.Union([Type.Literal('open'), Type.Literal('resolved'), Type.Literal('handed_on')]),
            ),
            toManager: Type.Optional(Type.Boolean()),
            groupId: Type.Optional(Id),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 200 }),
          }),
          response: { 200: Type.Object({ items: Type.Array(EscalationSchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listEscalations(ctx, requireActor(request), request.query)).map(escalationView),
      }),
    );
    app.post(
      '/api/v1/sla/escalations/:id/resolve',
      {
        schema: {
          tags: ['sla'],
          summary: 'The manager resolves an escalation, with a note',
          params: IdParams,
          body: Type.Object({ note: Type.String({ minLength: 1, maxLength: 1000 }) }),
          response: { 200: EscalationSchema, ...problemResponses },
        },
      },
      async (request) =>
        escalationView(
          await closeEscalation(ctx, requireActor(request), request.params.id, {
            outcome: 'resolved',
            note: request.body.note,
          }),
        ),
    );
    app.post(
      '/api/v1/sla/escalations/:id/hand-on',
      {
        schema: {
          tags: ['sla'],
          summary: 'The manager hands an escalated ticket on to a group, with a note',
          params: IdParams,
          body: Type.Object({ groupId: Id, note: Type.String({ minLength: 1, maxLength: 1000 }) }),
          response: { 200: EscalationSchema, ...problemResponses },
        },
      },
      async (request) =>
        escalationView(
          await closeEscalation(ctx, requireActor(request), request.params.id, {
            outcome: 'handed_on',
            note: request.body.note,
            groupId: request.body.groupId,
          }),
        ),
    );
  };
}
