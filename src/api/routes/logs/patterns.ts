// Log patterns (the mined templates): list and read (staff), rename and merge (pattern.manage; audited).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  getPattern,
  listPatterns,
  mergePattern,
  type PatternView,
  parseSeverityFilter,
  renamePattern,
} from '../../../logs/index.js';
import { requireActor } from '../../authentication.js';
import { Cursor, IsoTime, Limit, Nullable, problemResponses } from '../../schemas.js';
import { tags } from './log-schemas.js';

const PatternId = Type.String({ minLength: 1, maxLength: 200 });
const PatternParams = Type.Object({ id: PatternId });

const PatternSchema = Type.Object({
  id: Type.String(),
  template: Type.String({ description: 'constant words, variables as <*>' }),
  name: Nullable(Type.String()),
  mergedInto: Nullable(Type.String()),
  count: Type.Integer({ description: 'records, all time (with the patterns merged into it)' }),
  firstSeen: IsoTime,
  lastSeen: IsoTime,
  worstSeverity: Type.Integer({ minimum: 0, maximum: 7 }),
  severities: Type.Array(Type.Integer({ minimum: 0, maximum: 7 })),
  topHosts: Type.Array(Type.Object({ host: Type.String(), count: Type.Integer() })),
  example: Type.String(),
  ratePerMinute: Type.Number({ description: 'records per minute over the last hour' }),
  errorsLastHour: Type.Integer({ description: 'records at severity error or worse in the last hour' }),
});

function patternView(p: PatternView) {
  return { ...p, firstSeen: toIso(p.firstSeen), lastSeen: toIso(p.lastSeen) };
}

export function logPatternRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/logs/patterns',
      {
        schema: {
          tags,
          summary: 'Log patterns, most recently seen (or most frequent) first (staff)',
          querystring: Type.Object({
            host: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
            severity: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 80,
                description: 'patterns that have seen this severity or worse; =a,b: those',
              }),
            ),
            q: Type.Optional(
              Type.String({ minLength: 1, maxLength: 200, description: 'part of the template or name' }),
            ),
            since: Type.Optional(IsoTime),
            sort: Type.Union([Type.Literal('last_seen'), Type.Literal('count')], { default: 'last_seen' }),
            merged: Type.Boolean({ default: false, description: 'include patterns merged into others' }),
            limit: Limit,
            cursor: Type.Optional(Cursor),
          }),
          response: {
            200: Type.Object({ items: Type.Array(PatternSchema), nextCursor: Nullable(Type.String()) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const q = request.query;
        const page = await listPatterns(
          ctx,
          requireActor(request),
          {
            ...(q.host !== undefined ? { host: q.host } : {}),
            ...(q.severity !== undefined ? { severities: parseSeverityFilter(q.severity) } : {}),
            ...(q.q !== undefined ? { q: q.q } : {}),
            ...(q.since !== undefined ? { since: Date.parse(q.since) } : {}),
            sort: q.sort,
            includeMerged: q.merged,
          },
          { limit: q.limit, ...(q.cursor ? { cursor: q.cursor } : {}) },
        );
        return { items: page.patterns.map(patternView), nextCursor: page.nextCursor };
      },
    );

    app.get(
      '/api/v1/logs/patterns/:id',
      {
        schema: {
          tags,
          summary: 'One log pattern (staff)',
          params: PatternParams,
          response: { 200: PatternSchema, ...problemResponses },
        },
      },
      async (request) => patternView(await getPattern(ctx, requireActor(request), request.params.id)),
    );

    app.patch(
      '/api/v1/logs/patterns/:id',
      {
        schema: {
          tags,
          summary: 'Name a log pattern (null clears the name; staff; audited)',
          params: PatternParams,
          body: Type.Object(
            { name: Nullable(Type.String({ maxLength: 200 })) },
            { additionalProperties: false },
          ),
          response: { 200: PatternSchema, ...problemResponses },
        },
      },
      async (request) =>
        patternView(await renamePattern(ctx, requireActor(request), request.params.id, request.body.name)),
    );

    app.post(
      '/api/v1/logs/patterns/:id/merge',
      {
        schema: {
          tags,
          summary:
            'Merge this log pattern into another (staff; audited): the survivor takes its counts and hosts, and its records are read as the survivor’s. Answers the survivor.',
          params: PatternParams,
          body: Type.Object({ into: PatternId }, { additionalProperties: false }),
          response: { 200: PatternSchema, ...problemResponses },
        },
      },
      async (request) =>
        patternView(await mergePattern(ctx, requireActor(request), request.params.id, request.body.into)),
    );
  };
}
