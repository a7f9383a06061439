// The one delivery log of every channel (admin): mail, webhooks and chat, newest first, filterable by channel
// and state, and the one retry. Thin: schema → actor → one domain call. Payloads are never shown: a mail's body
// may hold a sign-in link.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import { type Delivery, listDeliveryLog, retryDelivery } from '../../notify/index.js';
import { requireActor } from '../authentication.js';
import { Cursor, IdParams, IsoTime, Limit, Nullable, problemResponses } from '../schemas.js';
import { decodeIdCursor, idPage } from './paging.js';

const ChannelSchema = Type.Union(
  [
    Type.Literal('mail'),
    Type.Literal('webhook'),
    Type.Literal('chat'),
    Type.Literal('sms'),
    Type.Literal('page'),
  ],
  {
    description:
      "the channel a delivery goes out on (sms: the SMS gateway; page: a person's own webhook or chat URL)",
  },
);
const StateSchema = Type.Union(
  [
    Type.Literal('pending'),
    Type.Literal('delivered'),
    Type.Literal('failed'),
    Type.Literal('dead'),
    Type.Literal('disabled'),
    Type.Literal('cancelled'),
  ],
  {
    description:
      'pending: due at nextAttemptAt; failed: the receiver refused it for good; dead: every attempt failed; disabled: the channel is not configured; cancelled: a page whose incident was answered before it went',
  },
);
const DeliverySchema = Type.Object({
  id: Type.Integer(),
  channel: ChannelSchema,
  endpointId: Nullable(Type.Integer({ description: 'the webhook (or chat target) it goes to' })),
  eventId: Nullable(Type.Integer()),
  ticketId: Nullable(Type.Integer()),
  userId: Nullable(Type.Integer()),
  target: Type.String({ description: 'the mail address or the URL, as queued' }),
  kind: Type.String({ description: 'the mail template or the event type' }),
  state: StateSchema,
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(IsoTime),
  lastStatus: Nullable(Type.Integer({ description: "the receiver's HTTP status or SMTP reply code" })),
  lastError: Nullable(Type.String()),
  lastReason: Nullable(Type.String({ description: 'a short stable label: http_5xx, timeout, smtp_4xx, …' })),
  idempotencyKey: Type.String({
    description: 'the same on every attempt; receivers drop a second copy by it',
  }),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  deliveredAt: Nullable(IsoTime),
  incidentId: Nullable(Type.Integer({ description: 'the incident a page belongs to' })),
});

function deliveryView(d: Delivery) {
  return {
    ...d,
    nextAttemptAt: toIso(d.nextAttemptAt),
    createdAt: toIso(d.createdAt),
    updatedAt: toIso(d.updatedAt),
    deliveredAt: toIso(d.deliveredAt),
  };
}

export function deliveryRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/deliveries',
      {
        schema: {
          tags: ['deliveries'],
          summary: 'The delivery log of every channel, newest first (admin)',
          querystring: Type.Object({
            channel: Type.Optional(ChannelSchema),
            state: Type.Optional(StateSchema),
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
        const { limit, cursor, channel, state } = request.query;
        const items = await listDeliveryLog(ctx, requireActor(request), {
          limit: limit + 1,
          beforeId: cursor ? decodeIdCursor(cursor) : undefined,
          channel,
          state,
        });
        return idPage(items, limit, deliveryView);
      },
    );

    app.post(
      '/api/v1/deliveries/:id/retry',
      {
        schema: {
          tags: ['deliveries'],
          summary: 'Send a delivery again now, with a fresh round of attempts (admin)',
          description:
            'A delivered mail is not sent again (a person would read it twice); a delivered webhook or chat message is.',
          params: IdParams,
          response: { 200: DeliverySchema, ...problemResponses },
        },
      },
      async (request) => deliveryView(await retryDelivery(ctx, requireActor(request), request.params.id)),
    );
  };
}
