// Alertmanager-compatible receivers (alert.ingest, an API token as Bearer): the webhook receiver
// (POST /api/v1/alertmanager/webhook, payload version 4) for an existing Alertmanager, and Alertmanager's API v2
// POST /api/v2/alerts under /api/v1/alertmanager, so a Prometheus can name opsdesk as its Alertmanager with
// `path_prefix: /api/v1/alertmanager`. Each alert is checked alone: the bad ones are refused with reasons, the rest kept.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ServiceContext } from '../../../core/context.js';
import { intakeLimits, requireMonitor, takeAlertmanagerAlerts } from '../../../monitoring/index.js';
import { requireActor } from '../../authentication.js';
import { sendProblem } from '../../problems.js';
import { problemResponses } from '../../schemas.js';

const Outcome = Type.Object({
  accepted: Type.Integer({ description: 'alerts handed to the alert pipeline' }),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), reason: Type.String(), detail: Type.String() }), {
    description: 'alerts refused, by their index in the request, with a stable reason',
  }),
});

const Alerts = Type.Array(Type.Unknown(), { maxItems: intakeLimits.alertsPerRequest });
const WebhookBody = Type.Object(
  {
    version: Type.Literal('4'),
    status: Type.Optional(Type.String({ maxLength: 20 })),
    receiver: Type.Optional(Type.String({ maxLength: 1000 })),
    groupKey: Type.Optional(Type.String({ maxLength: 10_000 })),
    truncatedAlerts: Type.Optional(Type.Integer({ minimum: 0 })),
    groupLabels: Type.Optional(Type.Unknown()),
    commonLabels: Type.Optional(Type.Unknown()),
    commonAnnotations: Type.Optional(Type.Unknown()),
    externalURL: Type.Optional(Type.String({ maxLength: 2048 })),
    alerts: Alerts,
  },
  { additionalProperties: true },
);

export function alertmanagerRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v1/alertmanager/webhook',
      {
        bodyLimit: intakeLimits.bodyBytes,
        config: { ingestChannel: 'alerts' },
        schema: {
          tags: ['monitoring'],
          summary:
            "Alertmanager's webhook receiver (payload version 4): each alert into the alert pipeline; refused ones listed with reasons",
          body: WebhookBody,
          response: { 200: Outcome, ...problemResponses },
        },
      },
      async (request) => {
        requireMonitor(requireActor(request), 'alert.ingest');
        return takeAlertmanagerAlerts(ctx, request.body.alerts, 'webhook');
      },
    );
    app.post(
      '/api/v1/alertmanager/api/v2/alerts',
      {
        bodyLimit: intakeLimits.bodyBytes,
        config: { ingestChannel: 'alerts' },
        schema: {
          tags: ['monitoring'],
          summary:
            "Alertmanager's API v2 POST /api/v2/alerts (a Prometheus's alerting target): 200 when every alert is taken; 400 alerts_refused listing the refused ones, the valid rest kept",
          body: Alerts,
          response: { 200: Outcome, ...problemResponses },
        },
      },
      async (request, reply) => {
        requireMonitor(requireActor(request), 'alert.ingest');
        const outcome = await takeAlertmanagerAlerts(ctx, request.body, 'api_v2');
        if (outcome.rejected.length === 0) return outcome;
        // As Alertmanager answers: 400 for a batch with invalid alerts, whose valid ones it kept.
        return sendProblem(
          request,
          reply,
          400,
          'alerts_refused',
          `${outcome.rejected.length} of ${request.body.length} alerts were refused; the other ${outcome.accepted} were kept.`,
          outcome.rejected
            .slice(0, 100)
            .map((r) => ({ field: `/${r.index}`, message: `${r.reason}: ${r.detail}` })),
        );
      },
    );
  };
}
