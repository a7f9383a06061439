// The readiness report (managers): people on call in the next N days without a working contact method, with
// the reasons. Thin: schema → actor → one domain call.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import { readinessDaysMax, readinessReport, upcomingOnCall } from '../../../oncall/index.js';
import { requireActor } from '../../authentication.js';
import { IsoTime, problemResponses } from '../../schemas.js';

const ReasonSchema = Type.Object({
  code: Type.Union([
    Type.Literal('no_contact_methods'),
    Type.Literal('not_verified'),
    Type.Literal('channel_disabled'),
    Type.Literal('last_delivery_failed'),
  ]),
  contactMethodIds: Type.Array(Type.Integer()),
  message: Type.String(),
});

export function readinessRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/oncall/readiness',
      {
        schema: {
          tags: ['on-call'],
          summary: 'On-call people in the next days who could not be reached (managers)',
          querystring: Type.Object({
            days: Type.Integer({ minimum: 1, maximum: readinessDaysMax, default: 7 }),
          }),
          response: {
            200: Type.Object({
              from: IsoTime,
              to: IsoTime,
              onCallPeople: Type.Integer(),
              items: Type.Array(
                Type.Object({
                  userId: Type.Integer(),
                  name: Type.String(),
                  email: Type.String(),
                  firstOnCallAt: IsoTime,
                  scheduleIds: Type.Array(Type.Integer()),
                  reasons: Type.Array(ReasonSchema),
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const r = await readinessReport(ctx, requireActor(request), request.query, upcomingOnCall);
        return {
          from: toIso(r.from),
          to: toIso(r.to),
          onCallPeople: r.onCallPeople,
          items: r.unreachable.map((e) => ({ ...e, firstOnCallAt: toIso(e.firstOnCallAt) })),
        };
      },
    );
  };
}
