// Swap and cover requests: a technician asks, a manager approves (the overrides are written at once) or rejects,
// the requester may cancel while it is pending.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  createShiftRequest,
  decideShiftRequest,
  listShiftRequests,
  type ShiftRequest,
} from '../../../oncall/index.js';
import { requireActor } from '../../authentication.js';
import { Id, IdParams, IsoTime, Nullable, problemResponses } from '../../schemas.js';
import { OverrideSchema, overrideView } from './schedule-overrides.js';

const StateSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('approved'),
  Type.Literal('rejected'),
  Type.Literal('cancelled'),
]);

const ShiftRequestSchema = Type.Object({
  id: Type.Integer(),
  scheduleId: Type.Integer(),
  kind: Type.Union([Type.Literal('cover'), Type.Literal('swap')]),
  requesterId: Type.Integer(),
  coveringUserId: Type.Integer({ description: 'who takes the requester’s window' }),
  start: IsoTime,
  end: IsoTime,
  swapStart: Nullable(IsoTime),
  swapEnd: Nullable(IsoTime),
  reason: Type.String(),
  state: StateSchema,
  decidedBy: Nullable(Type.Integer()),
  decidedAt: Nullable(IsoTime),
  decisionNote: Nullable(Type.String()),
  createdAt: IsoTime,
});

function requestView(r: ShiftRequest) {
  return {
    ...r,
    start: toIso(r.start),
    end: toIso(r.end),
    swapStart: toIso(r.swapStart),
    swapEnd: toIso(r.swapEnd),
    decidedAt: toIso(r.decidedAt),
    createdAt: toIso(r.createdAt),
  };
}

const RequestBody = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('cover'),
      coveringUserId: Id,
      start: IsoTime,
      end: IsoTime,
      reason: Type.Optional(Type.String({ maxLength: 500 })),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('swap'),
      withUserId: Id,
      start: IsoTime,
      end: IsoTime,
      swapStart: IsoTime,
      swapEnd: IsoTime,
      reason: Type.Optional(Type.String({ maxLength: 500 })),
    },
    { additionalProperties: false },
  ),
]);

export function shiftRequestRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v1/schedules/:id/requests',
      {
        schema: {
          tags: ['oncall'],
          summary:
            'Ask for a cover (coveringUserId takes [start, end)) or a swap (withUserId takes [start, end), you take [swapStart, swapEnd))',
          params: IdParams,
          body: RequestBody,
          response: { 201: ShiftRequestSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const input =
          b.kind === 'cover'
            ? {
                kind: 'cover' as const,
                coveringUserId: b.coveringUserId,
                start: Date.parse(b.start),
                end: Date.parse(b.end),
                reason: b.reason,
              }
            : {
                kind: 'swap' as const,
                withUserId: b.withUserId,
                start: Date.parse(b.start),
                end: Date.parse(b.end),
                swapStart: Date.parse(b.swapStart),
                swapEnd: Date.parse(b.swapEnd),
                reason: b.reason,
              };
        const r = await createShiftRequest(ctx, requireActor(request), request.params.id, input);
        return reply.code(201).send(requestView(r));
      },
    );
    app.get(
      '/api/v1/schedule-requests',
      {
        schema: {
          tags: ['oncall'],
          summary:
            'Swap and cover requests, newest first: a manager sees all, others those they made or are named in',
          querystring: Type.Object({ state: Type.Optional(StateSchema), scheduleId: Type.Optional(Id) }),
          response: { 200: Type.Object({ items: Type.Array(ShiftRequestSchema) }), ...problemResponses },
        },
      },
      async (request) => ({
        items: (await listShiftRequests(ctx, requireActor(request), request.query)).map(requestView),
      }),
    );
    for (const decision of ['approve', 'reject', 'cancel'] as const) {
      app.post(
        `/api/v1/schedule-requests/:id/${decision}`,
        {
          schema: {
            tags: ['oncall'],
            summary:
              decision === 'approve'
                ? 'Approve a pending request (a manager): its overrides are written at once'
                : decision === 'reject'
                  ? 'Reject a pending request (a manager)'
                  : 'Withdraw a pending request (the requester, or a manager)',
            params: IdParams,
            response: {
              200: Type.Object({ request: ShiftRequestSchema, overrides: Type.Array(OverrideSchema) }),
              ...problemResponses,
            },
          },
        },
        async (request) => {
          const r = await decideShiftRequest(ctx, requireActor(request), request.params.id, decision);
          return { request: requestView(r.request), overrides: r.overrides.map(overrideView) };
        },
      );
    }
  };
}
