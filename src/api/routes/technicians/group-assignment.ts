// A group's assignment: its policy (manual, round-robin, least-loaded, best skill, optimiser; auto on
// arrival), the queue optimiser's explained proposals, and accepting them. Thin: schema → actor → one domain
// call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import { Invalid } from '../../../core/errors.js';
import {
  type AssignmentPolicy,
  acceptProposals,
  getAssignmentPolicy,
  groupPolicies,
  proposeForGroup,
  setAssignmentPolicy,
} from '../../../technicians/index.js';
import { requireActor } from '../../authentication.js';
import { Id, IdParams, IsoTime, Nullable, problemResponses } from '../../schemas.js';

const PolicyName = Type.Union(groupPolicies.map((p) => Type.Literal(p)));
const PolicySchema = Type.Object({
  groupId: Type.Integer(),
  policy: PolicyName,
  auto: Type.Boolean({ description: 'assign on arrival (and, for the optimiser, every few minutes)' }),
  lastUserId: Nullable(Type.Integer({ description: 'who got the last automatic assignment (round-robin)' })),
  updatedAt: Nullable(IsoTime),
});
const ScoreSchema = Type.Object({
  skill: Type.Number(),
  urgency: Type.Number(),
  load: Type.Number(),
  total: Type.Number(),
});
const ProposalSchema = Type.Object({
  ticketId: Type.Integer(),
  ticketTitle: Type.String(),
  userId: Nullable(Type.Integer()),
  userName: Nullable(Type.String()),
  reason: Type.String(),
  score: ScoreSchema,
});
const OutcomeSchema = Type.Object({
  ticketId: Type.Integer(),
  outcome: Type.Union([Type.Literal('assigned'), Type.Literal('skipped')]),
  userId: Nullable(Type.Integer()),
  reason: Type.String(),
});

function policyView(p: AssignmentPolicy) {
  return { ...p, updatedAt: toIso(p.updatedAt) };
}

export function groupAssignmentRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/groups/:id/assignment-policy',
      {
        schema: {
          tags: ['technicians'],
          summary: 'How the group hands out its tickets (a group without one assigns by hand)',
          params: IdParams,
          response: { 200: PolicySchema, ...problemResponses },
        },
      },
      async (request) => policyView(await getAssignmentPolicy(ctx, requireActor(request), request.params.id)),
    );
    app.put(
      '/api/v1/groups/:id/assignment-policy',
      {
        schema: {
          tags: ['technicians'],
          summary: 'Set the group’s assignment policy (managers)',
          params: IdParams,
          body: Type.Object(
            { policy: PolicyName, auto: Type.Optional(Type.Boolean()) },
            { additionalProperties: false },
          ),
          response: { 200: PolicySchema, ...problemResponses },
        },
      },
      async (request) =>
        policyView(await setAssignmentPolicy(ctx, requireActor(request), request.params.id, request.body)),
    );
    app.get(
      '/api/v1/groups/:id/assignment-proposals',
      {
        schema: {
          tags: ['technicians'],
          summary:
            'The queue optimiser’s proposal for each unassigned ticket of the group, explained (managers)',
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(ProposalSchema) }), ...problemResponses },
        },
      },
      async (request) => ({ items: await proposeForGroup(ctx, requireActor(request), request.params.id) }),
    );
    app.post(
      '/api/v1/groups/:id/assignment-proposals/accept',
      {
        schema: {
          tags: ['technicians'],
          summary:
            'Accept proposals for some tickets ({ticketIds}) or all ({all: true}): recomputed now, tickets taken meanwhile skipped (managers)',
          params: IdParams,
          body: Type.Object(
            {
              ticketIds: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 1000 })),
              all: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ items: Type.Array(OutcomeSchema) }), ...problemResponses },
        },
      },
      async (request) => {
        const { ticketIds, all } = request.body;
        if (all !== true && ticketIds === undefined)
          throw new Invalid('validation_failed', 'Give ticketIds or all: true.', [
            { field: '/ticketIds', message: 'required unless all is true' },
          ]);
        return {
          items: await acceptProposals(ctx, requireActor(request), request.params.id, {
            ticketIds,
            all: all === true,
          }),
        };
      },
    );
  };
}
