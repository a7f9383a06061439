// Routing rules, in order: category, keywords, requester's group → a group (and a skill the ticket needs).
// Thin: schema → actor → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  type AssignmentRule,
  createRule,
  deleteRule,
  listRules,
  updateRule,
} from '../../../technicians/index.js';
import { requireActor } from '../../authentication.js';
import { Id, IdParams, IsoTime, Nullable, problemResponses } from '../../schemas.js';

const Conditions = Type.Object(
  {
    categoryIds: Type.Optional(Type.Array(Id, { maxItems: 200 })),
    keywords: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
        maxItems: 50,
        description: 'any one of these words or phrases in the title or description',
      }),
    ),
    requesterGroupIds: Type.Optional(Type.Array(Id, { maxItems: 200 })),
  },
  { additionalProperties: false, description: 'every condition given must hold; none: every ticket' },
);
const RuleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    position: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'lower goes first' }),
    ),
    active: Type.Optional(Type.Boolean()),
    conditions: Type.Optional(Conditions),
    groupId: Id,
    skillId: Type.Optional(Nullable(Id)),
    skillLevel: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 5 }))),
  },
  { additionalProperties: false },
);
const RuleSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  position: Type.Integer(),
  active: Type.Boolean(),
  conditions: Type.Object({
    categoryIds: Type.Optional(Type.Array(Type.Integer())),
    keywords: Type.Optional(Type.Array(Type.String())),
    requesterGroupIds: Type.Optional(Type.Array(Type.Integer())),
  }),
  groupId: Type.Integer(),
  skillId: Nullable(Type.Integer()),
  skillLevel: Nullable(Type.Integer()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

function ruleView(r: AssignmentRule) {
  return { ...r, createdAt: toIso(r.createdAt), updatedAt: toIso(r.updatedAt) };
}

export function assignmentRuleRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/assignment-rules',
      {
        schema: {
          tags: ['technicians'],
          summary: 'Routing rules, in the order they are tried (the first that matches routes the ticket)',
          response: { 200: Type.Object({ items: Type.Array(RuleSchema) }), ...problemResponses },
        },
      },
      async (request) => ({ items: (await listRules(ctx, requireActor(request))).map(ruleView) }),
    );
    app.post(
      '/api/v1/assignment-rules',
      {
        schema: {
          tags: ['technicians'],
          summary: 'Add a routing rule (managers)',
          body: RuleBody,
          response: { 201: RuleSchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply.code(201).send(ruleView(await createRule(ctx, requireActor(request), request.body))),
    );
    app.patch(
      '/api/v1/assignment-rules/:id',
      {
        schema: {
          tags: ['technicians'],
          summary: 'Change a routing rule (managers)',
          params: IdParams,
          body: Type.Partial(RuleBody, { minProperties: 1, additionalProperties: false }),
          response: { 200: RuleSchema, ...problemResponses },
        },
      },
      async (request) =>
        ruleView(await updateRule(ctx, requireActor(request), request.params.id, request.body)),
    );
    app.delete(
      '/api/v1/assignment-rules/:id',
      {
        schema: {
          tags: ['technicians'],
          summary: 'Remove a routing rule (managers)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteRule(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
