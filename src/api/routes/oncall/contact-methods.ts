// A person's contact methods (email, webhook, chat, sms), their test messages and verification, and their
// notification rules: staff keep their own, managers anyone's. Thin: schema → actor → one domain call.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { ServiceContext } from '../../../core/context.js';
import {
  type ContactMethod,
  contactMethodKinds,
  createContactMethod,
  deleteContactMethod,
  getNotificationRules,
  listContactMethods,
  notificationRulesMax,
  ruleDelayMaxMinutes,
  sendTestMessage,
  setNotificationRules,
  updateContactMethod,
  verifyContactMethod,
} from '../../../oncall/index.js';
import { requireActor } from '../../authentication.js';
import { Id, IdParams, IsoTime, Nullable, problemResponses } from '../../schemas.js';

const tags = ['on-call'];
const KindSchema = Type.Union(
  contactMethodKinds.map((k) => Type.Literal(k)),
  {
    description:
      'email: an address; webhook: signed JSON POSTs (x-opsdesk-signature, as webhooks); chat: {"text": …} to a Slack-compatible incoming webhook; sms: an E.164 number, through the SMS gateway',
  },
);
const Target = Type.String({
  minLength: 1,
  maxLength: 2000,
  description:
    'an email address, a URL (webhook, chat; the webhook SSRF rules apply) or an E.164 number (sms)',
});
const Label = Type.String({ maxLength: 100 });
const MethodParams = Type.Object({ id: Id, methodId: Id });
const DeliveryStateSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('delivered'),
  Type.Literal('failed'),
  Type.Literal('dead'),
  Type.Literal('disabled'),
  Type.Literal('cancelled'),
]);
const ContactMethodSchema = Type.Object({
  id: Type.Integer(),
  userId: Type.Integer(),
  kind: KindSchema,
  target: Type.String(),
  label: Type.String(),
  verified: Type.Boolean(),
  verifiedAt: Nullable(IsoTime),
  channelEnabled: Type.Boolean({
    description: 'false when its channel cannot send now (sms without a gateway, email without SMTP)',
  }),
  lastDelivery: Nullable(
    Type.Object({ state: DeliveryStateSchema, reason: Nullable(Type.String()), at: IsoTime }),
  ),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const CreatedSchema = Type.Object({
  ...ContactMethodSchema.properties,
  secret: Nullable(
    Type.String({ description: "a webhook method's signing secret, shown only now (null for other kinds)" }),
  ),
});
const RulesSchema = Type.Object({
  rules: Type.Array(
    Type.Object({
      contactMethodId: Id,
      delayMinutes: Type.Integer({ minimum: 0, maximum: ruleDelayMaxMinutes }),
    }),
    { maxItems: notificationRulesMax },
  ),
  isDefault: Type.Boolean({
    description: 'no rules are stored: every verified method at once (every method when none is verified)',
  }),
});

function methodView(m: ContactMethod) {
  return {
    ...m,
    verifiedAt: toIso(m.verifiedAt),
    lastDelivery: m.lastDelivery ? { ...m.lastDelivery, at: toIso(m.lastDelivery.at) } : null,
    createdAt: toIso(m.createdAt),
    updatedAt: toIso(m.updatedAt),
  };
}

export function contactMethodRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/users/:id/contact-methods',
      {
        schema: {
          tags,
          summary: "A person's contact methods (their own: staff; anyone's: managers)",
          params: IdParams,
          response: { 200: Type.Object({ items: Type.Array(ContactMethodSchema) }), ...problemResponses },
        },
      },
      async (request) => {
        const items = await listContactMethods(ctx, requireActor(request), request.params.id);
        return { items: items.map(methodView) };
      },
    );

    app.post(
      '/api/v1/users/:id/contact-methods',
      {
        schema: {
          tags,
          summary: 'Add a contact method; it is unverified until a test message reaches it',
          params: IdParams,
          body: Type.Object({ kind: KindSchema, target: Target, label: Type.Optional(Label) }),
          response: { 201: CreatedSchema, ...problemResponses },
        },
      },
      async (request, reply) => {
        const m = await createContactMethod(ctx, requireActor(request), request.params.id, request.body);
        return reply
          .code(201)
          .header('location', `/api/v1/users/${m.userId}/contact-methods/${m.id}`)
          .send({ ...methodView(m), secret: m.secret });
      },
    );

    app.patch(
      '/api/v1/users/:id/contact-methods/:methodId',
      {
        schema: {
          tags,
          summary: 'Change a contact method; a new target is unverified again',
          params: MethodParams,
          body: Type.Object({ target: Type.Optional(Target), label: Type.Optional(Label) }),
          response: { 200: ContactMethodSchema, ...problemResponses },
        },
      },
      async (request) => {
        const { id, methodId } = request.params;
        return methodView(await updateContactMethod(ctx, requireActor(request), id, methodId, request.body));
      },
    );

    app.delete(
      '/api/v1/users/:id/contact-methods/:methodId',
      {
        schema: {
          tags,
          summary: 'Remove a contact method, its rules and what is still queued to it',
          params: MethodParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        const { id, methodId } = request.params;
        await deleteContactMethod(ctx, requireActor(request), id, methodId);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/api/v1/users/:id/contact-methods/:methodId/test',
      {
        schema: {
          tags,
          summary: 'Queue a test message (at most one a minute)',
          description:
            'A webhook or chat method is verified once its receiver accepts the test (2xx); an email or sms test carries a 6-digit code to send back to …/verify within 30 minutes.',
          params: MethodParams,
          response: {
            202: Type.Object({
              deliveryId: Type.Integer({ description: 'the test in the delivery log' }),
              channel: Type.String(),
              channelEnabled: Type.Boolean({
                description: 'false: it waits until the channel is configured',
              }),
            }),
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const { id, methodId } = request.params;
        return reply.code(202).send(await sendTestMessage(ctx, requireActor(request), id, methodId));
      },
    );

    app.post(
      '/api/v1/users/:id/contact-methods/:methodId/verify',
      {
        schema: {
          tags,
          summary: 'Verify an email or sms method with the code of its last test message',
          params: MethodParams,
          body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 20 }) }),
          response: { 200: ContactMethodSchema, ...problemResponses },
        },
      },
      async (request) => {
        const { id, methodId } = request.params;
        return methodView(
          await verifyContactMethod(ctx, requireActor(request), id, methodId, request.body.code),
        );
      },
    );

    app.get(
      '/api/v1/users/:id/notification-rules',
      {
        schema: {
          tags,
          summary: "A person's notification rules: which method, how many minutes into a page",
          params: IdParams,
          response: { 200: RulesSchema, ...problemResponses },
        },
      },
      async (request) => getNotificationRules(ctx, requireActor(request), request.params.id),
    );

    app.put(
      '/api/v1/users/:id/notification-rules',
      {
        schema: {
          tags,
          summary: "Replace a person's notification rules (an empty list: the default)",
          params: IdParams,
          body: Type.Object({
            rules: Type.Array(
              Type.Object({
                contactMethodId: Id,
                delayMinutes: Type.Integer({ minimum: 0, maximum: ruleDelayMaxMinutes }),
              }),
              { maxItems: notificationRulesMax },
            ),
          }),
          response: { 200: RulesSchema, ...problemResponses },
        },
      },
      async (request) =>
        setNotificationRules(ctx, requireActor(request), request.params.id, request.body.rules),
    );
  };
}
