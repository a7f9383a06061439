// The HTTP application, built by a factory so tests call app.inject() without a port and the CLI's serve
// listens on one. Plugins: cookies, multipart, OpenAPI; then authentication, problem+json errors, metrics
// and the routes of each domain.
import fastifyCookie from '@fastify/cookie';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { ServiceContext } from '../core/context.js';
import { Invalid } from '../core/errors.js';
import { registerAuthentication } from './authentication.js';
import { ServiceMetrics } from './metrics.js';
import { registerProblemHandlers, sendProblem } from './problems.js';
import { accountRoutes } from './routes/accounts.js';
import { authRoutes } from './routes/auth.js';
import { eventRoutes } from './routes/events.js';
import { liveRoutes } from './routes/live.js';
import { mailRoutes } from './routes/mail.js';
import { reportRoutes } from './routes/reports.js';
import { savedViewRoutes } from './routes/saved-views.js';
import { slaRoutes } from './routes/sla.js';
import { systemRoutes } from './routes/system.js';
import { ticketRoutes } from './routes/tickets.js';
import { webhookRoutes } from './routes/webhooks.js';
import { sharedSchemas } from './schemas.js';
import { registerWebApp } from './web-app.js';

export const version = '0.1.0';

function findNul(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value)) {
    const hit = findNul(v, `${path}/${k}`, depth + 1);
    if (hit !== null) return hit;
  }
  return null;
}

export interface AppOptions {
  metrics?: ServiceMetrics;
  /** Log requests (the server does; tests usually do not). */
  logger?: boolean | object;
  trustProxy?: boolean;
}

export async function buildApp(ctx: ServiceContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const metrics = options.metrics ?? new ServiceMetrics();
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: ctx.config.bodyLimitBytes,
    trustProxy: options.trustProxy ?? false,
    requestIdHeader: 'x-request-id',
    genReqId: (() => {
      let n = 0;
      const prefix = Date.now().toString(36);
      return () => `${prefix}-${(++n).toString(36)}`;
    })(),
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
    routerOptions: { maxParamLength: 200 },
    // Errors the router raises before any route runs (a malformed or over-long URL) get problem+json too.
    frameworkErrors: (error, request, reply) => {
      const tooLong = (error as { code?: string }).code === 'FST_ERR_MAX_PARAM_LENGTH';
      sendProblem(
        request,
        reply,
        tooLong ? 414 : 400,
        tooLong ? 'uri_too_long' : 'validation_failed',
        tooLong ? 'A path segment is too long.' : 'The URL is malformed.',
      );
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  for (const s of sharedSchemas) app.addSchema(s);
  registerProblemHandlers(app);

  await app.register(fastifyCookie);
  await app.register(fastifyMultipart, {
    limits: {
      fileSize: ctx.config.attachmentMaxBytes,
      files: 1,
      fields: 10,
      fieldSize: 10_000,
      parts: 12,
      headerPairs: 100,
    },
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'opsdesk API',
        version,
        description: 'The opsdesk REST API. Errors are RFC 9457 problem+json.',
      },
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            description: 'A session token from /api/v1/auth/login, or a personal API token',
          },
          cookie: { type: 'apiKey', in: 'cookie', name: 'opsdesk_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true } });

  registerAuthentication(app, ctx);

  // No text column (on PostgreSQL) can hold U+0000, and no person types it: refuse it in any JSON string
  // with a 400 naming the field, rather than fail deep in the database.
  app.addHook('preValidation', async (request) => {
    if (request.body !== null && typeof request.body === 'object' && !request.isMultipart()) {
      const field = findNul(request.body, '');
      if (field !== null) {
        throw new Invalid('validation_failed', `${field || '/'}: must not contain NUL characters`, [
          { field: field || '/', message: 'must not contain NUL (U+0000) characters' },
        ]);
      }
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(systemRoutes(ctx, metrics, version));
  await app.register(authRoutes(ctx));
  await app.register(accountRoutes(ctx));
  await app.register(ticketRoutes(ctx));
  await app.register(webhookRoutes(ctx));
  await app.register(mailRoutes(ctx));
  await app.register(liveRoutes(ctx));
  await app.register(reportRoutes(ctx));
  await app.register(savedViewRoutes(ctx));
  await app.register(slaRoutes(ctx));
  await app.register(eventRoutes(ctx, metrics));
  await registerWebApp(app);
  return app;
}
