// The HTTP application, built by a factory so tests call app.inject() without a port and the CLI's serve
// listens on one. Plugins: the overload threshold (503), security headers, cookies, multipart, OpenAPI; then
// authentication (401 before validation unless a route says config.public), the ingest channels' budgets (429),
// problem+json errors, metrics and the routes of each domain.
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Value } from '@sinclair/typebox/value';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { inventoryStats } from '../assets/index.js';
import type { ServiceContext } from '../core/context.js';
import { Invalid, Unauthenticated } from '../core/errors.js';
import { registerAuthentication } from './authentication.js';
import { lazySchemaCompilers } from './lazy-schemas.js';
import { ServiceMetrics } from './metrics.js';
import { monitoringIngestStatus } from './monitoring-status.js';
import { httpIngestBudgets, registerServicePressure } from './overload.js';
import { registerProblemHandlers, sendProblem } from './problems.js';
import { accountRoutes } from './routes/accounts.js';
import { authRoutes } from './routes/auth.js';
import { deliveryRoutes } from './routes/deliveries.js';
import { directoryRoutes } from './routes/directories.js';
import { eventRoutes } from './routes/events.js';
import { incidentRoutes } from './routes/incidents/incidents.js';
import { serviceRoutes } from './routes/incidents/services.js';
import { articleRoutes } from './routes/knowledge/articles.js';
import { articleAttachmentRoutes } from './routes/knowledge/attachments.js';
import { policyRoutes } from './routes/knowledge/policies.js';
import { ticketArticleRoutes } from './routes/knowledge/ticket-articles.js';
import { knowledgeTransferRoutes } from './routes/knowledge/transfer.js';
import { liveRoutes } from './routes/live.js';
import { mailRoutes } from './routes/mail.js';
import { alertRuleRoutes } from './routes/monitoring/alert-rules.js';
import { alertmanagerRoutes } from './routes/monitoring/alertmanager.js';
import { alertRoutes } from './routes/monitoring/alerts.js';
import { heartbeatRoutes } from './routes/monitoring/heartbeats.js';
import { maintenanceWindowRoutes } from './routes/monitoring/maintenance-windows.js';
import { monitoringTargetRoutes } from './routes/monitoring/targets.js';
import { calendarFeedRoutes } from './routes/oncall/calendar-feeds.js';
import { contactMethodRoutes } from './routes/oncall/contact-methods.js';
import { escalationPolicyRoutes } from './routes/oncall/escalation-policies.js';
import { oncallImportRoutes } from './routes/oncall/imports.js';
import { onCallRoutes } from './routes/oncall/on-call.js';
import { readinessRoutes } from './routes/oncall/readiness.js';
import { scheduleOverrideRoutes } from './routes/oncall/schedule-overrides.js';
import { scheduleRoutes } from './routes/oncall/schedules.js';
import { shiftRequestRoutes } from './routes/oncall/shift-requests.js';
import { reportRoutes } from './routes/reports.js';
import { savedViewRoutes } from './routes/saved-views.js';
import { scimRoutes, scimTokenRoutes } from './routes/scim.js';
import { calendarWindowRoutes } from './routes/sla/calendar-windows.js';
import { slaCalendarRoutes } from './routes/sla/calendars.js';
import { slaReportRoutes } from './routes/sla/compliance-report.js';
import { slaEscalationRoutes } from './routes/sla/escalations.js';
import { slaOlaRoutes } from './routes/sla/olas.js';
import { slaPolicyRoutes } from './routes/sla/policies.js';
import { ticketSlaRoutes } from './routes/sla/ticket-sla.js';
import { ssoRoutes } from './routes/sso.js';
import { systemRoutes } from './routes/system.js';
import { assignmentRuleRoutes } from './routes/technicians/assignment-rules.js';
import { groupAssignmentRoutes } from './routes/technicians/group-assignment.js';
import { skillRoutes } from './routes/technicians/skills.js';
import { technicianRoutes } from './routes/technicians/technicians.js';
import { ticketRoutes } from './routes/tickets.js';
import { webhookRoutes } from './routes/webhooks.js';
import { sharedSchemas } from './schemas.js';
import { registerWebApp } from './web-app.js';

export const version = '0.1.0';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Anyone may call this route (sign-in, health): no 401 before its own validation. */
    public?: boolean;
  }
}

/** A client's x-request-id is kept for tracing only when it cannot forge or garble a log line. */
const clientRequestId = /^[A-Za-z0-9._-]{1,64}$/;

function newRequestIds(): (req: { headers: Record<string, string | string[] | undefined> }) => string {
  let n = 0;
  const prefix = Date.now().toString(36);
  return (req) => {
    const sent = req.headers['x-request-id'];
    if (typeof sent === 'string' && clientRequestId.test(sent)) return sent;
    n += 1;
    return `${prefix}-${n.toString(36)}`;
  };
}

/**
 * Query strings and path parameters are text by nature: read them as the numbers and booleans their schema
 * says (the validator itself coerces nothing, so a JSON body's 0, false or "" is never turned into null).
 */
function convertUrlParts(request: FastifyRequest): void {
  const schema = request.routeOptions.schema;
  if (schema?.querystring && request.query && typeof request.query === 'object')
    request.query = convertOrKeep(schema.querystring, request.query);
  if (schema?.params && request.params && typeof request.params === 'object')
    request.params = convertOrKeep(schema.params, request.params);
}

function convertOrKeep(schema: unknown, value: unknown): unknown {
  try {
    return Value.Convert(schema as never, value);
  } catch {
    // A schema TypeBox cannot walk on its own (a $ref to a shared schema): the validator judges the text.
    return value;
  }
}

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
  /**
   * Fastify's schema compilers (request validators, response serialisers). Unset, as the server leaves it, each
   * app compiles each route's own on its first request. A test seam: compiling the schemas is most of the cost of building an app, so tests
   * hand every app they build the same compilers, which keep what they compiled.
   */
  schemaController?: FastifyServerOptions['schemaController'];
}

export async function buildApp(ctx: ServiceContext, options: AppOptions = {}): Promise<FastifyInstance> {
  const metrics = options.metrics ?? new ServiceMetrics();
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: ctx.config.bodyLimitBytes,
    // Behind a load balancer (OPSDESK_TRUSTED_PROXIES) the client's address is the one it forwards.
    trustProxy:
      options.trustProxy ?? (ctx.config.trustedProxies.length > 0 ? ctx.config.trustedProxies : false),
    // Each route's validators and serialisers are compiled on its first request (lazy-schemas.ts), unless the
    // caller brings its own compilers (the tests share eager ones across apps).
    schemaController: options.schemaController ?? lazySchemaCompilers(),
    // genReqId reads x-request-id itself, so that a long or malformed one is replaced, not trusted.
    requestIdHeader: false,
    genReqId: newRequestIds(),
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: false },
    },
    routerOptions: { maxParamLength: 200 },
    // Grafana and other Prometheus clients take a base URL and append /api/v1/query, /api/v1/rules…: pointed at
    // http://opsdesk/prometheus they reach the Prometheus-shaped API under /api/v1/prom/.
    rewriteUrl: (req) => prometheusAlias(req.url ?? '/'),
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
  // First of the hooks: a request shed because the whole service is overloaded costs the least.
  await registerServicePressure(app, ctx, metrics);
  // Then a request to a full ingest channel, before any token is looked up (overload.ts).
  const ingestBudgets = httpIngestBudgets(ctx, metrics);
  app.addHook('onRequest', ingestBudgets.shedWhenFull);

  // Pages (the web app and /docs) run only our own scripts and cannot be framed; no Referer leaves the site.
  // upgrade-insecure-requests is left out: the service is often reached over plain http on a LAN.
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS only where the service is known to be served over https.
    strictTransportSecurity: ctx.config.publicUrl?.startsWith('https://') ? undefined : false,
  });
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
  // Authentication comes before validation: an anonymous caller gets 401 from every route that is not public,
  // and learns nothing about its schema. (Unknown paths stay 404.)
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/') || request.actor || request.is404) return;
    if (request.routeOptions.config?.public === true) return;
    throw new Unauthenticated('not_signed_in', 'Sign in first: send a bearer token or the session cookie.');
  });
  // After authentication (an anonymous flood takes no slot), before the body is read: a shed request costs no parsing.
  app.addHook('onRequest', ingestBudgets.take);
  app.addHook('preValidation', async (request) => convertUrlParts(request));

  // No text column (on PostgreSQL) can hold U+0000, and no person types it: refuse it in any JSON string
  // or query parameter with a 400 naming the field, rather than fail deep in the database.
  app.addHook('preValidation', async (request) => {
    const inQuery = findNul(request.query, 'querystring');
    if (inQuery !== null)
      throw new Invalid('validation_failed', `${inQuery}: must not contain NUL characters`, [
        { field: inQuery, message: 'must not contain NUL (U+0000) characters' },
      ]);
    // (A raw body — remote-write, an inventory — is a Buffer: its bytes are not JSON strings, and walking
    // them as an object's keys would take seconds.)
    if (
      request.body !== null &&
      typeof request.body === 'object' &&
      !Buffer.isBuffer(request.body) &&
      !request.isMultipart()
    ) {
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

  app.get('/api/v1/openapi.json', { schema: { hide: true }, config: { public: true } }, async () =>
    app.swagger(),
  );

  await app.register(systemRoutes(ctx, metrics, version));
  await app.register(authRoutes(ctx));
  await app.register(ssoRoutes(ctx));
  await app.register(directoryRoutes(ctx));
  await app.register(scimRoutes(ctx));
  await app.register(scimTokenRoutes(ctx));
  await app.register(accountRoutes(ctx));
  await app.register(ticketRoutes(ctx));
  await app.register(webhookRoutes(ctx));
  await app.register(mailRoutes(ctx));
  await app.register(deliveryRoutes(ctx));
  await app.register(liveRoutes(ctx));
  await app.register(reportRoutes(ctx));
  await app.register(savedViewRoutes(ctx));
  await app.register(articleRoutes(ctx));
  await app.register(ticketArticleRoutes(ctx));
  await app.register(policyRoutes(ctx));
  await app.register(articleAttachmentRoutes(ctx));
  await app.register(knowledgeTransferRoutes(ctx));
  await app.register(slaCalendarRoutes(ctx));
  await app.register(calendarWindowRoutes(ctx));
  await app.register(slaPolicyRoutes(ctx));
  await app.register(slaOlaRoutes(ctx));
  await app.register(ticketSlaRoutes(ctx));
  await app.register(slaEscalationRoutes(ctx));
  await app.register(slaReportRoutes(ctx));
  // -- technicians and assignment --
  await app.register(technicianRoutes(ctx));
  await app.register(skillRoutes(ctx));
  await app.register(assignmentRuleRoutes(ctx));
  await app.register(groupAssignmentRoutes(ctx));

  // -- on-call schedules --
  await app.register(scheduleRoutes(ctx));
  await app.register(scheduleOverrideRoutes(ctx));
  await app.register(shiftRequestRoutes(ctx));
  await app.register(calendarFeedRoutes(ctx));
  await app.register(onCallRoutes(ctx));

  // -- rosters --
  await app.register((await import('./routes/oncall/rosters.js')).rosterRoutes(ctx));

  // -- monitoring: metric store and PromQL queries --
  await app.register((await import('./routes/monitoring/prom-api.js')).promApiRoutes(ctx));

  // -- forecasts and the capacity report --
  await app.register((await import('./routes/forecast.js')).forecastRoutes(ctx));

  // -- monitoring: scrapes and remote-write --
  await app.register((await import('./routes/monitoring/scrapes.js')).scrapeTargetRoutes(ctx));
  await app.register((await import('./routes/monitoring/remote-write.js')).remoteWriteRoutes(ctx));
  metrics.watchMonitoring(() => monitoringIngestStatus(ctx));
  metrics.watchInventory(() => inventoryStats(ctx));

  // -- monitoring: targets, checks, maintenance, heartbeats --
  await app.register(monitoringTargetRoutes(ctx));
  await app.register(maintenanceWindowRoutes(ctx));
  await app.register(heartbeatRoutes(ctx));

  // -- monitoring: alert rules and the Alertmanager receiver --
  await app.register(alertRuleRoutes(ctx));
  await app.register(alertmanagerRoutes(ctx));

  // -- monitoring: alerts, routing, silences --
  await app.register(alertRoutes(ctx));

  // -- monitoring: status pages --
  await app.register((await import('./routes/monitoring/status-pages.js')).statusPageRoutes(ctx));

  // -- logs: store routes --
  await app.register((await import('./routes/logs/ingest.js')).logIngestRoutes(ctx));
  await app.register((await import('./routes/logs/search.js')).logSearchRoutes(ctx));
  await app.register((await import('./routes/logs/tail.js')).logTailRoutes(ctx));
  await app.register((await import('./routes/logs/patterns.js')).logPatternRoutes(ctx));

  // -- logs: intelligence routes --
  await app.register((await import('./routes/logs/log-context.js')).logContextRoutes(ctx));
  await app.register((await import('./routes/logs/pattern-rates.js')).patternRateRoutes(ctx));

  // -- contact methods and readiness --
  await app.register(contactMethodRoutes(ctx));
  await app.register(readinessRoutes(ctx));

  // -- escalation policies and incidents --
  await app.register(escalationPolicyRoutes(ctx));
  await app.register(serviceRoutes(ctx));
  await app.register(incidentRoutes(ctx));

  // -- imports --
  await app.register(oncallImportRoutes(ctx));

  // -- macros and templates --
  await app.register((await import('./routes/macros.js')).macroRoutes(ctx));
  // -- time tracking --
  await app.register((await import('./routes/time-tracking.js')).timeTrackingRoutes(ctx));
  // -- service catalogue and custom fields --
  await app.register((await import('./routes/catalog.js')).catalogRoutes(ctx));
  // -- approvals --
  await app.register((await import('./routes/approvals.js')).approvalRoutes(ctx));
  // -- automation rules --
  await app.register((await import('./routes/automation.js')).automationRoutes(ctx));

  await app.register(eventRoutes(ctx, metrics));
  // -- notification preferences --
  await app.register(
    (await import('./routes/notification-preferences.js')).notificationPreferenceRoutes(ctx),
  );

  // -- help desk: merge, split and links --
  await app.register((await import('./routes/ticket-links.js')).ticketLinkRoutes(ctx));

  // -- exports and the audit log --
  await app.register((await import('./routes/exports.js')).exportRoutes(ctx));
  await app.register((await import('./routes/audit-log.js')).auditLogRoutes(ctx));
  // -- problem management --
  await app.register((await import('./routes/problems.js')).problemRoutes(ctx));

  // -- change management --
  await app.register((await import('./routes/changes.js')).changeRoutes(ctx));
  // -- upgrade proposals --
  await app.register((await import('./routes/proposals.js')).proposalRoutes(ctx));
  // -- suppliers: vendors, contracts, budgets, quotes --
  await app.register((await import('./routes/vendors.js')).vendorRoutes(ctx));
  // -- assets and inventory agents --
  await app.register((await import('./routes/assets.js')).assetRoutes(ctx));
  await app.register((await import('./routes/inventory.js')).inventoryRoutes(ctx));
  await registerWebApp(app);
  return app;
}

/** `/prometheus/api/v1/<x>` → `/api/v1/prom/<x>`: the Prometheus-shaped API at the base URL Grafana expects. */
export function prometheusAlias(url: string): string {
  return url.startsWith('/prometheus/api/v1/')
    ? `/api/v1/prom/${url.slice('/prometheus/api/v1/'.length)}`
    : url;
}
