// iCalendar feeds of on-call schedules, per schedule and per person, for Google Calendar or Outlook to subscribe
// to. The feeds are public routes: a calendar app cannot sign in, so it sends the feed's secret as `?token=`
// (the domain checks it; a signed-in staff member needs none). Rotating a secret returns the new link once.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../../core/context.js';
import {
  type FeedAccess,
  rotateScheduleFeedToken,
  rotateUserFeedToken,
  scheduleFeed,
  userFeed,
} from '../../../oncall/index.js';
import { requireActor } from '../../authentication.js';
import { IdParams, Nullable, problemResponses } from '../../schemas.js';

const FeedQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 200 })) });
const FeedTokenSchema = Type.Object({
  token: Type.String({ description: 'the secret, shown this once' }),
  path: Type.String({ description: 'the feed’s path with the secret' }),
  url: Nullable(Type.String({ description: 'the whole link, when OPSDESK_PUBLIC_URL is set' })),
});
const IcsResponse = Type.String({ description: 'text/calendar (RFC 5545)' });

function access(request: FastifyRequest, token: string | undefined): FeedAccess {
  return request.actor ? { actor: request.actor } : { token };
}

export function calendarFeedRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/schedules/:id/calendar.ics',
      {
        config: { public: true },
        // The URL carries the feed's secret: keep it out of the request log (info), which logs URLs.
        logLevel: 'warn',
        schema: {
          tags: ['oncall'],
          summary:
            'The final schedule as iCalendar (the last 4 weeks and the next 26): signed in as staff, or with ?token= the schedule’s feed secret',
          params: IdParams,
          querystring: FeedQuery,
          produces: ['text/calendar'],
          response: { 200: IcsResponse, ...problemResponses },
        },
      },
      async (request, reply) => {
        const ics = await scheduleFeed(ctx, access(request, request.query.token), request.params.id);
        return reply
          .type('text/calendar; charset=utf-8')
          .header('cache-control', 'private, max-age=300')
          .send(ics);
      },
    );
    app.get(
      '/api/v1/users/:id/oncall.ics',
      {
        config: { public: true },
        // The URL carries the feed's secret: keep it out of the request log (info), which logs URLs.
        logLevel: 'warn',
        schema: {
          tags: ['oncall'],
          summary:
            'One person’s on-call stretches in every schedule as iCalendar: signed in as staff, or with ?token= their feed secret',
          params: IdParams,
          querystring: FeedQuery,
          produces: ['text/calendar'],
          response: { 200: IcsResponse, ...problemResponses },
        },
      },
      async (request, reply) => {
        const ics = await userFeed(ctx, access(request, request.query.token), request.params.id);
        return reply
          .type('text/calendar; charset=utf-8')
          .header('cache-control', 'private, max-age=300')
          .send(ics);
      },
    );
    app.post(
      '/api/v1/schedules/:id/feed-token',
      {
        schema: {
          tags: ['oncall'],
          summary: 'Make a new feed secret for the schedule (a manager); the old link stops working',
          params: IdParams,
          response: { 201: FeedTokenSchema, ...problemResponses },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await rotateScheduleFeedToken(ctx, requireActor(request), request.params.id)),
    );
    app.post(
      '/api/v1/me/oncall-feed-token',
      {
        schema: {
          tags: ['oncall'],
          summary: 'Make a new secret for your own on-call feed; the old link stops working',
          response: { 201: FeedTokenSchema, ...problemResponses },
        },
      },
      async (request, reply) => reply.code(201).send(await rotateUserFeedToken(ctx, requireActor(request))),
    );
  };
}
