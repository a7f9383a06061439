// Escalation policies: ordered steps (the on-call of a schedule, a user, a group; minutes to wait for an
// acknowledgement), run through repeatCount times. Thin: schema → actor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  createEscalationPolicy,
  deleteEscalationPolicy,
  type EscalationPolicy,
  getEscalationPolicy,
  escalationPolicyLimits as limits,
  listEscalationPolicies,
  updateEscalationPolicy,
} from '../../../oncall/index.js';
import { requireActor } from '../../authentication.js';
import { Id, IdParams, IsoTime, problemResponses } from '../../schemas.js';

export const EscalationTargetSchema = Type.Object({
  kind: Type.Union([Type.Literal('schedule'), Type.Literal('user'), Type.Literal('group')], {
    description: 'schedule: whoever is on call then; user: that person; group: every active member',
  }),
  id: Id,
});
export const EscalationStepSchema = Type.Object({
  targets: Type.Array(EscalationTargetSchema, { minItems: 1, maxItems: limits.targetsPerStep }),
  delayMinutes: Type.Integer({
    minimum: limits.minDelayMinutes,
    maximum: limits.maxDelayMinutes,
    description: 'minutes to wait for an acknowledgement before the next step',
  }),
});
const PolicyBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: limits.name }),
  description: Type.Optional(Type.String({ maxLength: limits.description })),
  steps: Type.Array(EscalationStepSchema, { minItems: 1, maxItems: limits.steps }),
  repeatCount: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: limits.maxRepeatCount,
      description: 'how many times the steps are run through before the policy is exhausted (1: once)',
    }),
  ),
});
const PolicySchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  steps: Type.Array(EscalationStepSchema),
  repeatCount: Type.Integer(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

function policyView(p: EscalationPolicy) {
  return { ...p, createdAt: toIso(p.createdAt), updatedAt: toIso(p.updatedAt) };
}

export function escalationPolicyRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/escalation-policies',
      {
        schema: {
          tags: ['on-call'],
          summary: 'Escalation policies, by name (staff)',
          response: { 200: Type.Object({ items: Type.Array(PolicySchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listEscalationPolicies(ctx, requireActor(request))).map(policyView),
      }),
    );
    app.post(
      '/api/v1/escalation-policies',
      {
        schema: {
          tags: ['on-call'],
          summary: 'Define an escalation policy (managers)',
          body: PolicyBody,
          response: { 201: PolicySchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(policyView(await createEscalationPolicy(ctx, requireActor(request), request.body))),
    );
    app.get(
      '/api/v1/escalation-policies/:id',
      {
        schema: {
          tags: ['on-call'],
          summary: 'One escalation policy (staff)',
          params: IdParams,
          response: { 200: PolicySchema, ...problemResponses },
        },
      },
      async (request) => policyView(await getEscalationPolicy(ctx, requireActor(request), request.params.id)),
    );
    app.patch(
      '/api/v1/escalation-policies/:id',
      {
        schema: {
          tags: ['on-call'],
          summary: 'Change an escalation policy (managers); open incidents keep the policy they opened with',
          params: IdParams,
          body: Type.Partial(PolicyBody, { minProperties: 1 }),
          response: { 200: PolicySchema, ...problemResponses },
        },
      },
      async (request) =>
        policyView(await updateEscalationPolicy(ctx, requireActor(request), request.params.id, request.body)),
    );
    app.delete(
      '/api/v1/escalation-policies/:id',
      {
        schema: {
          tags: ['on-call'],
          summary: 'Delete an escalation policy no service uses (managers)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteEscalationPolicy(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
