// The mail channel (admin): templates per notification, the outbound delivery log with retry, and the
// inbound log (what came in, what it became, or why it was refused) with reprocessing. Thin: schema →
// actor → one domain call.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import {
  type InboundMail,
  listInbound,
  listMailDeliveries,
  listTemplates,
  type MailDelivery,
  type MailTemplate,
  mailTemplateNames,
  placeholders,
  putTemplate,
  resetTemplate,
  retryInbound,
  retryMailDelivery,
} from '../../mail/index.js';
import { requireActor } from '../authentication.js';
import { Cursor, Id, IdParams, IsoTime, Limit, Nullable, problemResponses } from '../schemas.js';
import { decodeIdCursor, idPage } from './paging.js';

const TemplateName = Type.Union(
  mailTemplateNames.map((n) => Type.Literal(n)),
  { description: 'the notification a template is for' },
);
const TemplateSchema = Type.Object({
  event: TemplateName,
  subject: Type.String(),
  text: Type.String(),
  html: Nullable(Type.String()),
  isDefault: Type.Boolean(),
  updatedAt: Nullable(IsoTime),
});
const DeliveryStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('sent'),
  Type.Literal('failed'),
  Type.Literal('disabled'),
  Type.Literal('cancelled'),
]);
const DeliverySchema = Type.Object({
  id: Type.Integer(),
  eventId: Nullable(Type.Integer()),
  template: Type.String(),
  ticketId: Nullable(Type.Integer()),
  userId: Nullable(Type.Integer()),
  to: Type.String(),
  subject: Type.String(),
  messageId: Type.String(),
  inReplyTo: Nullable(Type.String()),
  status: DeliveryStatus,
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(IsoTime),
  lastError: Nullable(Type.String()),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  sentAt: Nullable(IsoTime),
});
const InboundStatus = Type.Union([
  Type.Literal('received'),
  Type.Literal('processed'),
  Type.Literal('rejected'),
]);
const InboundSchema = Type.Object({
  id: Type.Integer(),
  source: Type.Union([Type.Literal('smtp'), Type.Literal('imap')]),
  messageId: Nullable(Type.String()),
  sender: Nullable(Type.String()),
  envelopeFrom: Nullable(Type.String()),
  envelopeTo: Type.Array(Type.String()),
  clientAddress: Nullable(Type.String({ description: 'the SMTP client that delivered it' })),
  smtpRelay: Nullable(Type.String({ description: 'the relay that authenticated with SMTP AUTH' })),
  subject: Nullable(Type.String()),
  sizeBytes: Type.Integer(),
  status: InboundStatus,
  reason: Nullable(
    Type.String({
      description:
        'rejected: the reason (set aside for review: sender_mismatch, unverified_sender, unknown_domain); processed: ticket_created, comment_added or duplicate',
    }),
  ),
  notes: Type.Array(Type.String()),
  ticketId: Nullable(Type.Integer()),
  commentId: Nullable(Type.Integer()),
  attempts: Type.Integer(),
  receivedAt: IsoTime,
  processedAt: Nullable(IsoTime),
});

function templateView(t: MailTemplate) {
  return { ...t, updatedAt: toIso(t.updatedAt) };
}
function deliveryView(d: MailDelivery) {
  return {
    ...d,
    nextAttemptAt: toIso(d.nextAttemptAt),
    createdAt: toIso(d.createdAt),
    updatedAt: toIso(d.updatedAt),
    sentAt: toIso(d.sentAt),
  };
}
function inboundView(m: InboundMail) {
  return { ...m, receivedAt: toIso(m.receivedAt), processedAt: toIso(m.processedAt) };
}

export function mailRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/mail/templates',
      {
        schema: {
          tags: ['mail'],
          summary: 'Mail templates, one per notification (admin)',
          description: `Placeholders: ${placeholders.map((p) => `{{${p}}}`).join(', ')}. Values are HTML-escaped in the html part.`,
          response: { 200: Type.Object({ items: Type.Array(TemplateSchema) }), ...problemResponses },
        },
      },
      async (request) => ({ items: (await listTemplates(ctx, requireActor(request))).map(templateView) }),
    );

    app.put(
      '/api/v1/mail/templates/:event',
      {
        schema: {
          tags: ['mail'],
          summary: "Replace a notification's template (admin)",
          params: Type.Object({ event: Type.String({ maxLength: 60 }) }),
          body: Type.Object({
            subject: Type.String({ minLength: 1, maxLength: 2000 }),
            text: Type.String({ maxLength: 80_000 }),
            html: Type.Optional(Nullable(Type.String({ maxLength: 200_000 }))),
          }),
          response: { 200: TemplateSchema, ...problemResponses },
        },
      },
      async (request) =>
        templateView(await putTemplate(ctx, requireActor(request), request.params.event, request.body)),
    );

    app.delete(
      '/api/v1/mail/templates/:event',
      {
        schema: {
          tags: ['mail'],
          summary: "Reset a notification's template to the default (admin)",
          params: Type.Object({ event: Type.String({ maxLength: 60 }) }),
          response: { 200: TemplateSchema, ...problemResponses },
        },
      },
      async (request) => templateView(await resetTemplate(ctx, requireActor(request), request.params.event)),
    );

    app.get(
      '/api/v1/mail/deliveries',
      {
        schema: {
          tags: ['mail'],
          summary: 'The outbound mail delivery log, newest first (admin)',
          querystring: Type.Object({
            status: Type.Optional(DeliveryStatus),
            ticketId: Type.Optional(Id),
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
        const { limit, cursor, status, ticketId } = request.query;
        const items = await listMailDeliveries(ctx, requireActor(request), {
          limit: limit + 1,
          status,
          ticketId,
          beforeId: cursor ? decodeIdCursor(cursor) : undefined,
        });
        return idPage(items, limit, deliveryView);
      },
    );

    app.post(
      '/api/v1/mail/deliveries/:id/retry',
      {
        schema: {
          tags: ['mail'],
          summary: 'Send a failed (or disabled) delivery again now, with a fresh round of retries (admin)',
          params: IdParams,
          response: { 200: DeliverySchema, ...problemResponses },
        },
      },
      async (request) => deliveryView(await retryMailDelivery(ctx, requireActor(request), request.params.id)),
    );

    app.get(
      '/api/v1/mail/inbound',
      {
        schema: {
          tags: ['mail'],
          summary: 'The inbound mail log, newest first (admin)',
          querystring: Type.Object({
            status: Type.Optional(InboundStatus),
            limit: Limit,
            cursor: Type.Optional(Cursor),
          }),
          response: {
            200: Type.Object({ items: Type.Array(InboundSchema), nextCursor: Nullable(Type.String()) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const { limit, cursor, status } = request.query;
        const items = await listInbound(ctx, requireActor(request), {
          limit: limit + 1,
          status,
          beforeId: cursor ? decodeIdCursor(cursor) : undefined,
        });
        return idPage(items, limit, inboundView);
      },
    );

    app.post(
      '/api/v1/mail/inbound/:id/retry',
      {
        schema: {
          tags: ['mail'],
          summary: 'Process a refused inbound mail again, e.g. after its sender got an account (admin)',
          description:
            'acceptSender=true: the admin, having read a mail set aside for review, vouches for its sender; the sender checks are skipped.',
          params: IdParams,
          querystring: Type.Object({ acceptSender: Type.Optional(Type.Boolean()) }),
          response: { 200: InboundSchema, ...problemResponses },
        },
      },
      async (request) =>
        inboundView(
          await retryInbound(ctx, requireActor(request), request.params.id, {
            acceptSender: request.query.acceptSender === true,
          }),
        ),
    );
  };
}
