// SLA routes for policies: their conditions, targets and escalation levels, and the order they are tried in.
// Thin: schema → actor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  createPolicy,
  deletePolicy,
  getPolicy,
  listPolicies,
  orderPolicies,
  type SlaPolicy,
  updatePolicy,
} from '../../../sla/index.js';
import { requireActor } from '../../authentication.js';
import { Id, IdParams, IsoTime, problemResponses } from '../../schemas.js';
import { TargetBody, TargetSchema } from './targets.js';

const TargetName = Type.Union([
  Type.Literal('first_response'),
  Type.Literal('next_response'),
  Type.Literal('resolution'),
]);
const ActionSchema = Type.Union([
  Type.Object({
    type: Type.Literal('notify'),
    who: Type.Union([Type.Literal('assignee'), Type.Literal('group'), Type.Literal('manager')]),
  }),
  Type.Object({ type: Type.Literal('reassign'), groupId: Id }),
  Type.Object({ type: Type.Literal('raise_priority') }),
]);
const LevelSchema = Type.Object({
  level: Type.Integer({ minimum: 1, maximum: 20 }),
  target: TargetName,
  offsetMinutes: Type.Integer({
    minimum: -525_600,
    maximum: 525_600,
    description: 'business minutes relative to the due time: negative before the breach, positive after',
  }),
  actions: Type.Array(ActionSchema, { maxItems: 10 }),
});
const ConditionsSchema = Type.Object({
  priorities: Type.Optional(Type.Array(Type.Integer({ minimum: 1, maximum: 5 }), { maxItems: 5 })),
  categoryIds: Type.Optional(Type.Array(Id, { maxItems: 200 })),
  types: Type.Optional(
    Type.Array(Type.Union([Type.Literal('incident'), Type.Literal('request')]), { maxItems: 2 }),
  ),
  requesterGroupIds: Type.Optional(Type.Array(Id, { maxItems: 200 })),
});
const PolicyBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  active: Type.Optional(Type.Boolean()),
  conditions: Type.Optional(ConditionsSchema),
  targets: Type.Object({
    first_response: Type.Optional(TargetBody),
    next_response: Type.Optional(TargetBody),
    resolution: Type.Optional(TargetBody),
  }),
  levels: Type.Optional(Type.Array(LevelSchema, { maxItems: 30 })),
});
const PolicySchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  position: Type.Integer(),
  active: Type.Boolean(),
  conditions: ConditionsSchema,
  targets: Type.Object({
    first_response: Type.Optional(TargetSchema),
    next_response: Type.Optional(TargetSchema),
    resolution: Type.Optional(TargetSchema),
  }),
  levels: Type.Array(LevelSchema),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
function policyView(p: SlaPolicy) {
  return { ...p, createdAt: toIso(p.createdAt), updatedAt: toIso(p.updatedAt) };
}

export function slaPolicyRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/sla/policies',
      {
        schema: {
          tags: ['sla'],
          summary: 'SLA policies, in the order they are tried',
          response: { 200: Type.Object({ items: Type.Array(PolicySchema) }), ...problemResponses },
        },
      },
      async (request) => ({ items: (await listPolicies(ctx, requireActor(request))).map(policyView) }),
    );
    app.post(
      '/api/v1/sla/policies',
      {
        schema: {
          tags: ['sla'],
          summary: 'Define an SLA policy (appended last in the order)',
          body: PolicyBody,
          response: { 201: PolicySchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply.code(201).send(policyView(await createPolicy(ctx, requireActor(request), request.body))),
    );
    app.put(
      '/api/v1/sla/policies/order',
      {
        schema: {
          tags: ['sla'],
          summary: 'Set the order in which policies are tried (every policy id, first to last)',
          body: Type.Object({ ids: Type.Array(Id, { maxItems: 1000 }) }),
          response: { 200: Type.Object({ items: Type.Array(PolicySchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await orderPolicies(ctx, requireActor(request), request.body.ids)).map(policyView),
      }),
    );
    app.get(
      '/api/v1/sla/policies/:id',
      {
        schema: {
          tags: ['sla'],
          summary: 'One SLA policy',
          params: IdParams,
          response: { 200: PolicySchema, ...problemResponses },
        },
      },
      async (request) => policyView(await getPolicy(ctx, requireActor(request), request.params.id)),
    );
    app.patch(
      '/api/v1/sla/policies/:id',
      {
        schema: {
          tags: ['sla'],
          summary: 'Change an SLA policy (open clocks are recomputed; pauses already served are kept)',
          params: IdParams,
          body: Type.Partial(PolicyBody, { minProperties: 1 }),
          response: { 200: PolicySchema, ...problemResponses },
        },
      },
      async (request) =>
        policyView(await updatePolicy(ctx, requireActor(request), request.params.id, request.body)),
    );
    app.delete(
      '/api/v1/sla/policies/:id',
      {
        schema: {
          tags: ['sla'],
          summary: 'Delete an SLA policy',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deletePolicy(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
