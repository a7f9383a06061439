// Outgoing webhooks (admin): configured endpoints receive signed domain events; each has a delivery log with
// retries and redelivery. Thin: schema → actor → one domain call. The secret is in the creation answer only.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import { eventTypes } from '../../core/events.js';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  redeliver,
  updateWebhook,
  type Webhook,
  type WebhookDelivery,
  webhookFormats,
  webhookSecretMaxLength,
  webhookSecretMinLength,
  webhookUrlMaxLength,
} from '../../notify/index.js';
import { requireActor } from '../authentication.js';
import { Cursor, Id, IdParams, IsoTime, Limit, Nullable, problemResponses } from '../schemas.js';
import { decodeIdCursor, idPage } from './paging.js';

const EventTypeSchema = Type.Union(
  eventTypes.map((t) => Type.Literal(t)),
  { description: 'a domain event type' },
);
const EventList = Type.Array(EventTypeSchema, {
  maxItems: eventTypes.length * 2,
  description: 'event types to deliver; empty means all',
});
// The URL's rules (absolute http(s), at most 2000 characters) are the domain's, so every caller gets the same
// error code, invalid_webhook_url; the schema only bounds the input.
const Url = Type.String({
  maxLength: webhookUrlMaxLength * 4,
  description: `absolute http(s) URL, at most ${webhookUrlMaxLength} characters`,
});

const FormatSchema = Type.Union(
  webhookFormats.map((f) => Type.Literal(f)),
  {
    description:
      'opsdesk (default): the signed JSON event; chat: {"text": …}, one line per event, for a Slack, Mattermost or Teams incoming webhook',
  },
);
const WebhookSchema = Type.Object({
  id: Type.Integer(),
  url: Type.String(),
  events: Type.Array(EventTypeSchema),
  active: Type.Boolean(),
  format: FormatSchema,
  createdBy: Type.Integer(),
  createdAt: IsoTime,
});
const CreatedWebhookSchema = Type.Object({
  ...WebhookSchema.properties,
  secret: Type.String({ description: 'the signing secret; shown only now' }),
});
const DeliveryStatusSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('delivered'),
  Type.Literal('failed'),
]);
const DeliverySchema = Type.Object({
  id: Type.Integer(),
  webhookId: Type.Integer(),
  eventId: Type.Integer(),
  eventType: Type.String(),
  status: DeliveryStatusSchema,
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(IsoTime),
  lastStatusCode: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});

function webhookView(w: Webhook) {
  return { ...w, createdAt: toIso(w.createdAt) };
}

function deliveryView(d: WebhookDelivery) {
  return {
    ...d,
    nextAttemptAt: toIso(d.nextAttemptAt),
    createdAt: toIso(d.createdAt),
    updatedAt: toIso(d.updatedAt),
  };
}

export function webhookRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v1/webhooks',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Create a webhook (admin)',
          description:
            'Deliveries are POSTs of {id, type, occurredAt, subject, actorId, data} signed with x-opsdesk-signature: ' +
            'sha256=HMAC-SHA256(secret, "<x-opsdesk-timestamp>.<body>"). Without a secret one is generated; either way it is returned only here. ' +
            'With format "chat" the URL is a chat incoming webhook (Slack, Mattermost, Teams) and each event is POSTed as {"text": …}.',
          body: Type.Object({
            url: Url,
            events: Type.Optional(EventList),
            secret: Type.Optional(
              Type.String({ minLength: webhookSecretMinLength, maxLength: webhookSecretMaxLength }),
            ),
            active: Type.Optional(Type.Boolean()),
            format: Type.Optional(FormatSchema),
          }),
          response: { 201: CreatedWebhookSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const hook = await createWebhook(ctx, requireActor(request), request.body);
        return reply
          .code(201)
          .header('location', `/api/v1/webhooks/${hook.id}`)
          .send({ ...webhookView(hook), secret: hook.secret });
      },
    );

    app.get(
      '/api/v1/webhooks',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'List webhooks (admin), oldest first',
          querystring: Type.Object({ limit: Limit, cursor: Type.Optional(Cursor) }),
          response: {
            200: Type.Object({ items: Type.Array(WebhookSchema), nextCursor: Nullable(Type.String()) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const { limit, cursor } = request.query;
        const items = await listWebhooks(ctx, requireActor(request), {
          limit: limit + 1,
          afterId: cursor ? decodeIdCursor(cursor) : undefined,
        });
        return idPage(items, limit, webhookView);
      },
    );

    app.get(
      '/api/v1/webhooks/:id',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'One webhook (admin)',
          params: IdParams,
          response: { 200: WebhookSchema, ...problemResponses },
        },
      },
      async (request) => webhookView(await getWebhook(ctx, requireActor(request), request.params.id)),
    );

    app.patch(
      '/api/v1/webhooks/:id',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Change a webhook: url, events, active, format (admin)',
          description:
            'Deliveries of an inactive webhook wait, pending, until it is active again. A new format applies to events from then on.',
          params: IdParams,
          body: Type.Object(
            {
              url: Type.Optional(Url),
              events: Type.Optional(EventList),
              active: Type.Optional(Type.Boolean()),
              format: Type.Optional(FormatSchema),
            },
            { minProperties: 1 },
          ),
          response: { 200: WebhookSchema, ...problemResponses },
        },
      },
      async (request) =>
        webhookView(await updateWebhook(ctx, requireActor(request), request.params.id, request.body)),
    );

    app.delete(
      '/api/v1/webhooks/:id',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Delete a webhook and its delivery log (admin)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteWebhook(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/webhooks/:id/deliveries',
      {
        schema: {
          tags: ['webhooks'],
          summary: "A webhook's delivery log, newest first (admin)",
          params: IdParams,
          querystring: Type.Object({
            status: Type.Optional(DeliveryStatusSchema),
            limit: Limit,
            cursor: Type.Optional(Cursor),
          }),
          response: {
            200: Type.Object({ items: Type.Array(DeliverySchema), nextCursor: Nullable(Type.String()) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const { limit, cursor, status } = request.query;
        const items = await listDeliveries(ctx, requireActor(request), request.params.id, {
          limit: limit + 1,
          beforeId: cursor ? decodeIdCursor(cursor) : undefined,
          status,
        });
        return idPage(items, limit, deliveryView);
      },
    );

    app.post(
      '/api/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
      {
        schema: {
          tags: ['webhooks'],
          summary: 'Send a delivery again, now, with a fresh round of retries (admin)',
          params: Type.Object({ id: Id, deliveryId: Id }),
          response: { 200: DeliverySchema, ...problemResponses },
        },
      },
      async (request) =>
        deliveryView(
          await redeliver(ctx, requireActor(request), request.params.id, request.params.deliveryId),
        ),
    );
  };
}
