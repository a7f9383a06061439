// Health, the Prometheus endpoint, settings (the priority matrix, the organisation's default language and time
// zone) and the OpenAPI document.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { canAccounts, digest, sameSecret } from '../../core/auth/index.js';
import type { ServiceContext } from '../../core/context.js';
import { pingDatabase } from '../../core/db/index.js';
import { Forbidden, Unauthenticated } from '../../core/errors.js';
import {
  getOrganisationLocale,
  setOrganisationLocale,
  supportedLanguages,
} from '../../core/organisation-locale.js';
import { getPriorityMatrix, setPriorityMatrix } from '../../helpdesk/index.js';
import { requireActor } from '../authentication.js';
import type { ServiceMetrics } from '../metrics.js';
import { databaseRetryAfterSeconds, sendProblem } from '../problems.js';
import { problemResponses } from '../schemas.js';

const Matrix = Type.Array(
  Type.Array(Type.Integer({ minimum: 1, maximum: 5 }), { minItems: 5, maxItems: 5 }),
  { minItems: 5, maxItems: 5 },
);

const OrganisationLocale = Type.Object({
  language: Type.Union(supportedLanguages.map((l) => Type.Literal(l))),
  timeZone: Type.String(),
});

export function systemRoutes(
  ctx: ServiceContext,
  metrics: ServiceMetrics,
  version: string,
): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/health',
      {
        config: { public: true, overloadExempt: true },
        schema: {
          tags: ['system'],
          summary: 'Liveness and database reachability (no sign-in needed)',
          response: {
            200: Type.Object({
              status: Type.Literal('ok'),
              version: Type.String(),
              database: Type.String(),
              time: Type.String(),
            }),
            503: Type.Ref('Problem'),
          },
        },
      },
      async (request, reply) => {
        try {
          await pingDatabase(ctx.db);
        } catch (err) {
          request.log.error({ err }, 'health: database unreachable');
          reply.header('retry-after', String(databaseRetryAfterSeconds));
          return sendProblem(request, reply, 503, 'database_unavailable', 'The database cannot be reached.');
        }
        return {
          status: 'ok' as const,
          version,
          database: ctx.caps.fullText === 'fts5' ? 'sqlite' : 'postgresql',
          time: new Date(ctx.clock.now()).toISOString(),
        };
      },
    );

    // Public unless OPSDESK_METRICS_SCRAPE_TOKEN is set (README, Machine channels and their exposure).
    app.get(
      '/metrics',
      { schema: { hide: true }, config: { overloadExempt: true } },
      async (request, reply) => {
        const expected = ctx.config.metricsScrapeToken;
        if (expected !== null) {
          const m = /^Bearer\s+(\S{1,200})\s*$/i.exec(request.headers.authorization ?? '');
          // Digests of equal length, compared in constant time: the answer's time says nothing about the token.
          if (!m || !sameSecret(digest(m[1]), digest(expected))) {
            reply.header('www-authenticate', 'Bearer realm="opsdesk metrics"');
            throw new Unauthenticated(
              'not_signed_in',
              'Send the metrics scrape token: Authorization: Bearer <token>.',
            );
          }
        }
        reply.type(metrics.registry.contentType);
        return metrics.scrape();
      },
    );

    app.get(
      '/api/v1/settings/priority-matrix',
      {
        schema: {
          tags: ['settings'],
          summary: 'The impact × urgency → priority matrix (rows urgency 1–5, columns impact 1–5)',
          response: { 200: Type.Object({ matrix: Matrix }), ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        if (!canAccounts(actor, 'settings.read'))
          throw new Forbidden('forbidden', 'Requesters may not read settings.');
        return { matrix: await getPriorityMatrix(ctx) };
      },
    );

    app.put(
      '/api/v1/settings/priority-matrix',
      {
        schema: {
          tags: ['settings'],
          summary: 'Replace the priority matrix (admin)',
          body: Type.Object({ matrix: Matrix }),
          response: { 200: Type.Object({ matrix: Matrix }), ...problemResponses },
        },
      },
      async (request) => ({
        matrix: await setPriorityMatrix(ctx, requireActor(request), request.body.matrix),
      }),
    );

    app.get(
      '/api/v1/settings/organisation-locale',
      {
        schema: {
          tags: ['settings'],
          summary:
            "The organisation's default language and time zone: for people who chose none and for external recipients",
          response: { 200: OrganisationLocale, ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        if (!canAccounts(actor, 'settings.read'))
          throw new Forbidden('forbidden', 'Requesters may not read settings.');
        return getOrganisationLocale(ctx.db);
      },
    );

    app.put(
      '/api/v1/settings/organisation-locale',
      {
        schema: {
          tags: ['settings'],
          summary: "Change the organisation's default language and time zone (admin)",
          // The language is checked by the domain, so a bad one is answered with the languages there are.
          body: Type.Object({
            language: Type.String({ maxLength: 35 }),
            timeZone: Type.String({ maxLength: 64 }),
          }),
          response: { 200: OrganisationLocale, ...problemResponses },
        },
      },
      async (request) => setOrganisationLocale(ctx, requireActor(request), request.body),
    );
  };
}
