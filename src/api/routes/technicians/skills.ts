// The skills catalogue: what a ticket needs (by category or keyword) and at which level. Thin: schema → actor
// → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import { createSkill, deleteSkill, listSkills, type Skill, updateSkill } from '../../../technicians/index.js';
import { requireActor } from '../../authentication.js';
import { Id, IdParams, IsoTime, problemResponses } from '../../schemas.js';

const SkillBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    keywords: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 })),
    categoryIds: Type.Optional(Type.Array(Id, { maxItems: 200 })),
    neededLevel: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 5, description: 'the level a ticket needing the skill asks for' }),
    ),
  },
  { additionalProperties: false },
);
const SkillSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  keywords: Type.Array(Type.String()),
  categoryIds: Type.Array(Type.Integer()),
  neededLevel: Type.Integer(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

function skillView(s: Skill) {
  return { ...s, createdAt: toIso(s.createdAt), updatedAt: toIso(s.updatedAt) };
}

export function skillRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/skills',
      {
        schema: {
          tags: ['technicians'],
          summary: 'The skills catalogue',
          response: { 200: Type.Object({ items: Type.Array(SkillSchema) }), ...problemResponses },
        },
      },
      async (request) => ({ items: (await listSkills(ctx, requireActor(request))).map(skillView) }),
    );
    app.post(
      '/api/v1/skills',
      {
        schema: {
          tags: ['technicians'],
          summary: 'Add a skill: the categories and keywords that say a ticket needs it (managers)',
          body: SkillBody,
          response: { 201: SkillSchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply.code(201).send(skillView(await createSkill(ctx, requireActor(request), request.body))),
    );
    app.patch(
      '/api/v1/skills/:id',
      {
        schema: {
          tags: ['technicians'],
          summary: 'Change a skill (managers)',
          params: IdParams,
          body: Type.Partial(SkillBody, { minProperties: 1, additionalProperties: false }),
          response: { 200: SkillSchema, ...problemResponses },
        },
      },
      async (request) =>
        skillView(await updateSkill(ctx, requireActor(request), request.params.id, request.body)),
    );
    app.delete(
      '/api/v1/skills/:id',
      {
        schema: {
          tags: ['technicians'],
          summary: 'Remove a skill (people’s levels in it go too; rules keep routing without it)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteSkill(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
