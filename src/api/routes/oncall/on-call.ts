// Who is on call across schedules: in every schedule, in a team's, and who is booked in two at once.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import { doubleBookingsIn, onCallEverywhere, userNames } from '../../../oncall/index.js';
import { requireActor } from '../../authentication.js';
import { IdParams, IsoTime, problemResponses } from '../../schemas.js';
import { OnCallSchema, RangeQuery } from './schedule-schemas.js';
import { onCallView, rangeOf } from './schedules.js';

const AtQuery = Type.Object({ at: Type.Optional(IsoTime) });
const OnCallList = Type.Object({ items: Type.Array(OnCallSchema) });

export function onCallRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/oncall',
      {
        schema: {
          tags: ['oncall'],
          summary: 'Who is on call in every schedule at `at` (now when left out); userId null in a gap',
          querystring: AtQuery,
          response: { 200: OnCallList, ...problemResponses },
        },
      },
      async (request) => {
        const at = request.query.at ? Date.parse(request.query.at) : ctx.clock.now();
        const answers = await onCallEverywhere(ctx, requireActor(request), at);
        const names = await userNames(
          ctx.db,
          answers.flatMap((a) => (a.userId === null ? [] : [a.userId])),
        );
        return { items: answers.map((a) => onCallView(a, names)) };
      },
    );
    app.get(
      '/api/v1/groups/:id/oncall',
      {
        schema: {
          tags: ['oncall'],
          summary: 'Who is on call in each of a team’s schedules at `at` (now when left out)',
          params: IdParams,
          querystring: AtQuery,
          response: { 200: OnCallList, ...problemResponses },
        },
      },
      async (request) => {
        const at = request.query.at ? Date.parse(request.query.at) : ctx.clock.now();
        const answers = await onCallEverywhere(ctx, requireActor(request), at, { teamId: request.params.id });
        const names = await userNames(
          ctx.db,
          answers.flatMap((a) => (a.userId === null ? [] : [a.userId])),
        );
        return { items: answers.map((a) => onCallView(a, names)) };
      },
    );
    app.get(
      '/api/v1/oncall/double-bookings',
      {
        schema: {
          tags: ['oncall'],
          summary:
            'People on call in two schedules at once over [from, to) (default: the next 4 weeks; at most 366 days)',
          querystring: RangeQuery,
          response: {
            200: Type.Object({
              items: Type.Array(
                Type.Object({
                  userId: Type.Integer(),
                  userName: Type.Union([Type.String(), Type.Null()]),
                  start: IsoTime,
                  end: IsoTime,
                  scheduleIds: Type.Array(Type.Integer()),
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const { from, to } = rangeOf(ctx, request.query, 28 * 86_400_000);
        const items = await doubleBookingsIn(ctx, requireActor(request), from, to);
        const names = await userNames(
          ctx.db,
          items.map((d) => d.userId),
        );
        return {
          items: items.map((d) => ({
            userId: d.userId,
            userName: names.get(d.userId) ?? null,
            start: toIso(d.start),
            end: toIso(d.end),
            scheduleIds: d.scheduleIds,
          })),
        };
      },
    );
  };
}
