// Services: what incidents are about, the escalation policy they run, and the integration key machines use
// (shown in the answer that creates or rotates it, never again). Thin: schema → actor → one domain call.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  createService,
  deleteService,
  getService,
  listServices,
  type Service,
  type ServiceOnCall,
  serviceLimits,
  serviceOnCall,
  updateService,
} from '../../../incidents/index.js';
import { requireActor } from '../../authentication.js';
import { Id, IdParams, IsoTime, Nullable, problemResponses } from '../../schemas.js';

const ServiceBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: serviceLimits.name }),
  description: Type.Optional(Type.String({ maxLength: serviceLimits.description })),
  escalationPolicyId: Id,
  groupId: Type.Optional(Nullable(Id)),
  categoryId: Type.Optional(Nullable(Id)),
  ackTimeoutMinutes: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: serviceLimits.maxAckTimeoutMinutes,
      description:
        'an acknowledged incident not resolved this long after triggers again (0: never; default 30)',
    }),
  ),
});
const ServiceSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  escalationPolicyId: Type.Integer(),
  groupId: Nullable(Type.Integer()),
  categoryId: Nullable(Type.Integer()),
  ackTimeoutMinutes: Type.Integer(),
  integrationKeyPrefix: Type.String({ description: 'the first characters of the integration key' }),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const ServiceWithKey = Type.Composite([
  ServiceSchema,
  Type.Object({
    integrationKey: Type.Optional(
      Type.String({ description: 'the routing_key for POST /api/v1/incidents/events; shown only now' }),
    ),
  }),
]);
const OnCallSchema = Type.Object({
  serviceId: Type.Integer(),
  escalationPolicyId: Type.Integer(),
  at: IsoTime,
  userIds: Type.Array(Type.Integer(), { description: 'who the first step pages now, each once' }),
  targets: Type.Array(
    Type.Object({
      kind: Type.String(),
      id: Type.Integer(),
      userIds: Type.Array(Type.Integer()),
      note: Type.Optional(Type.String()),
    }),
  ),
});

function serviceView(s: Service & { integrationKey?: string }) {
  return { ...s, createdAt: toIso(s.createdAt), updatedAt: toIso(s.updatedAt) };
}
function onCallView(o: ServiceOnCall) {
  return { ...o, at: toIso(o.at) };
}

export function serviceRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/services',
      {
        schema: {
          tags: ['incidents'],
          summary: 'Services, by name (staff)',
          response: { 200: Type.Object({ items: Type.Array(ServiceSchema) }), ...problemResponses },
        },
      },
      async (request) => ({ items: (await listServices(ctx, requireActor(request))).map(serviceView) }),
    );
    app.post(
      '/api/v1/services',
      {
        schema: {
          tags: ['incidents'],
          summary: 'Define a service (managers); the answer holds its integration key, shown only now',
          body: ServiceBody,
          response: { 201: ServiceWithKey, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply.code(201).send(serviceView(await createService(ctx, requireActor(request), request.body))),
    );
    app.get(
      '/api/v1/services/:id',
      {
        schema: {
          tags: ['incidents'],
          summary: 'One service (staff)',
          params: IdParams,
          response: { 200: ServiceSchema, ...problemResponses },
        },
      },
      async (request) => serviceView(await getService(ctx, requireActor(request), request.params.id)),
    );
    app.patch(
      '/api/v1/services/:id',
      {
        schema: {
          tags: ['incidents'],
          summary:
            'Change a service (managers); rotateIntegrationKey returns a new key and retires the old one',
          params: IdParams,
          body: Type.Composite(
            [Type.Partial(ServiceBody), Type.Object({ rotateIntegrationKey: Type.Optional(Type.Boolean()) })],
            { minProperties: 1, additionalProperties: false },
          ),
          response: { 200: ServiceWithKey, ...problemResponses },
        },
      },
      async (request) =>
        serviceView(await updateService(ctx, requireActor(request), request.params.id, request.body)),
    );
    app.delete(
      '/api/v1/services/:id',
      {
        schema: {
          tags: ['incidents'],
          summary: 'Delete a service that has no incidents (managers)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteService(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
    app.get(
      '/api/v1/services/:id/oncall',
      {
        schema: {
          tags: ['incidents'],
          summary: "Who is on call for the service now: who its policy's first step pages (staff)",
          params: IdParams,
          response: { 200: OnCallSchema, ...problemResponses },
        },
      },
      async (request) => onCallView(await serviceOnCall(ctx, requireActor(request), request.params.id)),
    );
  };
}
