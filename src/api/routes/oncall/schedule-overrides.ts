// Overrides of an on-call schedule: someone covers a window, winning over every layer. Managers add and remove
// them; staff list them over a range.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  checkRange,
  createOverride,
  deleteOverride,
  listOverrides,
  type ScheduleOverride,
} from '../../../oncall/index.js';
import { requireActor } from '../../authentication.js';
import { Id, IdParams, IsoTime, Nullable, problemResponses } from '../../schemas.js';
import { RangeQuery } from './schedule-schemas.js';
import { rangeOf } from './schedules.js';

export const OverrideSchema = Type.Object({
  id: Type.Integer(),
  scheduleId: Type.Integer(),
  userId: Type.Integer(),
  start: IsoTime,
  end: IsoTime,
  reason: Type.String(),
  createdBy: Nullable(Type.Integer()),
  requestId: Nullable(Type.Integer({ description: 'the approved swap or cover request it carries out' })),
  createdAt: IsoTime,
});

export function overrideView(o: ScheduleOverride) {
  return { ...o, start: toIso(o.start), end: toIso(o.end), createdAt: toIso(o.createdAt) };
}

export function scheduleOverrideRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/schedules/:id/overrides',
      {
        schema: {
          tags: ['oncall'],
          summary: 'Overrides touching [from, to) (default: the next 30 days; at most 366 days), by start',
          params: IdParams,
          querystring: RangeQuery,
          response: { 200: Type.Object({ items: Type.Array(OverrideSchema) }), ...problemResponses },
        },
      },
      async (request) => {
        const range = rangeOf(ctx, request.query, 30 * 86_400_000);
        checkRange(range.from, range.to);
        const items = await listOverrides(ctx, requireActor(request), request.params.id, range);
        return { items: items.map(overrideView) };
      },
    );
    app.post(
      '/api/v1/schedules/:id/overrides',
      {
        schema: {
          tags: ['oncall'],
          summary: 'Someone covers [start, end): wins over every layer (at most 366 days)',
          params: IdParams,
          body: Type.Object({
            userId: Id,
            start: IsoTime,
            end: IsoTime,
            reason: Type.Optional(Type.String({ maxLength: 500 })),
          }),
          response: { 201: OverrideSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const o = await createOverride(ctx, requireActor(request), request.params.id, {
          userId: b.userId,
          start: Date.parse(b.start),
          end: Date.parse(b.end),
          reason: b.reason,
        });
        return reply.code(201).send(overrideView(o));
      },
    );
    app.delete(
      '/api/v1/schedules/:id/overrides/:overrideId',
      {
        schema: {
          tags: ['oncall'],
          summary: 'Remove an override',
          params: Type.Object({ id: Id, overrideId: Id }),
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteOverride(ctx, requireActor(request), request.params.id, request.params.overrideId);
        return reply.code(204).send(null);
      },
    );
  };
}
