// Log search (staff): GET /api/v1/logs — records newest first, filtered, a page at a time (the cursor is the
// last record's id, so pages stay stable while records arrive) — and GET /api/v1/logs/histogram — the same
// filter's counts over time, by severity, in steps chosen from the range.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import { Invalid } from '../../../core/errors.js';
import { logHistogram, logSearchLimits, requireLogs, searchLogs } from '../../../logs/index.js';
import { requireActor } from '../../authentication.js';
import { Cursor, IsoTime, Nullable, problemResponses } from '../../schemas.js';
import { decodeIdCursor, encodeIdCursor } from '../paging.js';
import { filterFields, filterOf, LogRecordSchema, recordView, tags } from './log-schemas.js';

/** The longest range a histogram covers (a year and a bit). */
const histogramMaxRangeMs = 400 * 86_400_000;

export function logSearchRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/logs',
      {
        schema: {
          tags,
          summary: 'Search log records, newest first (staff)',
          querystring: Type.Object({
            ...filterFields,
            limit: Type.Integer({ minimum: 1, maximum: logSearchLimits.pageSize, default: 100 }),
            cursor: Type.Optional(Cursor),
          }),
          response: {
            200: Type.Object({ items: Type.Array(LogRecordSchema), nextCursor: Nullable(Type.String()) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        requireLogs(requireActor(request), 'logs.read');
        const { limit, cursor, ...query } = request.query;
        const page = await searchLogs(ctx, filterOf(query), {
          limit,
          ...(cursor ? { before: decodeIdCursor(cursor) } : {}),
        });
        return {
          items: page.records.map(recordView),
          nextCursor: page.nextBefore === null ? null : encodeIdCursor(page.nextBefore),
        };
      },
    );

    app.get(
      '/api/v1/logs/histogram',
      {
        schema: {
          tags,
          summary:
            'Counts of the matching log records over time, by severity (staff); from defaults to an hour before to, to to now',
          querystring: Type.Object(filterFields),
          response: {
            200: Type.Object({
              from: IsoTime,
              to: IsoTime,
              stepSeconds: Type.Integer(),
              buckets: Type.Array(
                Type.Object({
                  start: IsoTime,
                  total: Type.Integer(),
                  bySeverity: Type.Array(Type.Integer(), {
                    minItems: 8,
                    maxItems: 8,
                    description: 'counts of severity 0 (emerg) to 7 (debug)',
                  }),
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        requireLogs(requireActor(request), 'logs.read');
        const filter = filterOf(request.query);
        const to = filter.to ?? ctx.clock.now();
        const from = filter.from ?? to - 3_600_000;
        if (from >= to)
          throw new Invalid('validation_failed', 'from: must be before to', [
            { field: 'querystring/from', message: 'must be before to' },
          ]);
        if (to - from > histogramMaxRangeMs)
          throw new Invalid('validation_failed', 'from: the range may span 400 days at most', [
            { field: 'querystring/from', message: 'at most 400 days before to' },
          ]);
        const h = await logHistogram(ctx, { ...filter, from, to });
        return {
          from: toIso(h.from),
          to: toIso(h.to),
          stepSeconds: h.stepMs / 1000,
          buckets: h.buckets.map((b) => ({ start: toIso(b.start), total: b.total, bySeverity: b.counts })),
        };
      },
    );
  };
}
