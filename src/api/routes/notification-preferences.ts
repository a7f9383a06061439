// Notification preferences: which kinds of mail reach me at once, in the daily digest or not at all, and my
// digest time and zone; an admin may read and set anyone's. Thin: schema → actor → one domain call.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import {
  getNotificationPreferences,
  type NotificationPreferences,
  notificationModes,
  type PreferencesInput,
  preferenceEntriesMax,
  setNotificationPreferences,
} from '../../mail/index.js';
import { requireActor } from '../authentication.js';
import { IdParams, IsoTime, Nullable, problemResponses } from '../schemas.js';

const tags = ['notifications'];
const ModeSchema = Type.Union(
  notificationModes.map((m) => Type.Literal(m)),
  { description: 'off: no mail; immediate: a mail at once; digest: a line in the daily digest' },
);
const PreferencesSchema = Type.Object({
  userId: Type.Integer(),
  kinds: Type.Array(
    Type.Object({
      kind: Type.String(),
      label: Type.String(),
      mode: ModeSchema,
      defaultMode: ModeSchema,
      note: Nullable(Type.String()),
    }),
    { description: "the kinds this person may receive, in the account page's order" },
  ),
  digest: Type.Object({
    time: Type.String({ description: 'local time of the daily digest, HH:MM' }),
    timeZone: Type.String({ description: 'IANA time zone of the digest time' }),
    timeZoneSaved: Type.Boolean({ description: 'false: never saved, the default zone (UTC) applies' }),
    nextAt: Nullable(IsoTime),
    pending: Type.Integer({ description: 'items waiting for the next digest' }),
  }),
});
const PreferencesBody = Type.Object(
  {
    preferences: Type.Optional(
      Type.Array(
        Type.Object(
          { kind: Type.String({ minLength: 1, maxLength: 60 }), mode: ModeSchema },
          { additionalProperties: false },
        ),
        { maxItems: preferenceEntriesMax },
      ),
    ),
    digest: Type.Optional(
      Type.Object(
        {
          time: Type.String({ minLength: 1, maxLength: 10, description: 'HH:MM, 00:00–23:59' }),
          timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA, e.g. Europe/Berlin' }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'kinds not named keep their mode' },
);

function view(p: NotificationPreferences) {
  return { ...p, digest: { ...p.digest, nextAt: toIso(p.digest.nextAt) } };
}

export function notificationPreferenceRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/me/notification-preferences',
      {
        schema: {
          tags,
          summary: 'My notification preferences: each kind of mail off, immediate or in the daily digest',
          response: { 200: PreferencesSchema, ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        return view(await getNotificationPreferences(ctx, actor, actor.id));
      },
    );

    app.put(
      '/api/v1/me/notification-preferences',
      {
        schema: {
          tags,
          summary: 'Change my notification preferences (kinds not named keep theirs) and digest time',
          body: PreferencesBody,
          response: { 200: PreferencesSchema, ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        return view(await setNotificationPreferences(ctx, actor, actor.id, request.body as PreferencesInput));
      },
    );

    app.get(
      '/api/v1/users/:id/notification-preferences',
      {
        schema: {
          tags,
          summary: "A person's notification preferences (their own; anyone's: admins)",
          params: IdParams,
          response: { 200: PreferencesSchema, ...problemResponses },
        },
      },
      async (request) =>
        view(await getNotificationPreferences(ctx, requireActor(request), request.params.id)),
    );

    app.put(
      '/api/v1/users/:id/notification-preferences',
      {
        schema: {
          tags,
          summary: "Change a person's notification preferences (their own; anyone's: admins)",
          params: IdParams,
          body: PreferencesBody,
          response: { 200: PreferencesSchema, ...problemResponses },
        },
      },
      async (request) =>
        view(
          await setNotificationPreferences(
            ctx,
            requireActor(request),
            request.params.id,
            request.body as PreferencesInput,
          ),
        ),
    );
  };
}
