// Pattern rates for the web's sparklines: records per minute of each pattern in buckets (src/logs/pattern-rates.ts),
// a merged pattern read as its survivor. Staff. Thin: schema → actor → policy → one domain call → response schema.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import { patternRateLimits, patternRates, requireLogs } from '../../../logs/index.js';
import { requireActor } from '../../authentication.js';
import { IsoTime, Nullable, problemResponses } from '../../schemas.js';

const hourMs = 3_600_000;

export function patternRateRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/logs/pattern-rates',
      {
        schema: {
          tags: ['logs'],
          summary: 'Records per minute of log patterns, in buckets (staff)',
          querystring: Type.Object({
            ids: Type.Optional(
              Type.String({
                maxLength: 4000,
                description: `pattern ids, comma-separated (at most ${patternRateLimits.patterns}); absent: the busiest`,
              }),
            ),
            from: Type.Optional(IsoTime),
            to: Type.Optional(IsoTime),
            stepSeconds: Type.Optional(
              Type.Integer({ minimum: 60, maximum: 86_400, multipleOf: 60, default: 60 }),
            ),
          }),
          response: {
            200: Type.Object({
              from: IsoTime,
              to: IsoTime,
              stepSeconds: Type.Integer(),
              patterns: Type.Array(
                Type.Object({
                  patternId: Type.String(),
                  template: Type.String(),
                  name: Nullable(Type.String()),
                  total: Type.Integer(),
                  points: Type.Array(
                    Type.Object({
                      t: IsoTime,
                      count: Type.Integer(),
                      errors: Type.Integer(),
                      perMinute: Type.Number(),
                    }),
                  ),
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        requireLogs(requireActor(request), 'logs.read');
        const q = request.query;
        const now = ctx.clock.now();
        const to = q.to ? Date.parse(q.to) : now;
        const from = q.from ? Date.parse(q.from) : to - hourMs;
        const ids = q.ids
          ?.split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
        const rates = await patternRates(ctx, { ids, from, to, stepMs: (q.stepSeconds ?? 60) * 1000 });
        return {
          from: toIso(rates.from),
          to: toIso(rates.to),
          stepSeconds: rates.stepMs / 1000,
          patterns: rates.patterns.map((p) => ({
            ...p,
            points: p.points.map((pt) => ({ ...pt, t: toIso(pt.t) })),
          })),
        };
      },
    );
  };
}
