// The outbox relay's failed deliveries (admin): list them, retry one for its subscriber. Thin: schema → actor
// → one domain call (src/core/event-dead-letters.ts). The relay's lag and counts go to /metrics from here.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import {
  type EventFailure,
  listEventFailures,
  relayStatus,
  retryEventFailure,
} from '../../core/event-dead-letters.js';
import { requireActor } from '../authentication.js';
import type { ServiceMetrics } from '../metrics.js';
import { Cursor, IdParams, IsoTime, Limit, Nullable, problemResponses } from '../schemas.js';
import { decodeIdCursor, idPage } from './paging.js';

const StatusSchema = Type.Union([Type.Literal('retrying'), Type.Literal('dead_lettered')], {
  description: 'retrying: tried again with backoff; dead_lettered: attempts spent, set aside until retried',
});

const FailureSchema = Type.Object({
  id: Type.Integer(),
  eventId: Type.Integer(),
  eventType: Type.String(),
  subjectType: Type.String(),
  subjectId: Type.String(),
  eventCreatedAt: IsoTime,
  subscriber: Type.String({ description: 'the subscriber that failed; the others got the event' }),
  status: StatusSchema,
  attempts: Type.Integer(),
  lastError: Type.String(),
  firstFailedAt: IsoTime,
  lastAttemptAt: IsoTime,
  nextAttemptAt: Nullable(IsoTime),
  deadLetteredAt: Nullable(IsoTime),
});

function failureView(f: EventFailure) {
  return {
    ...f,
    eventCreatedAt: toIso(f.eventCreatedAt),
    firstFailedAt: toIso(f.firstFailedAt),
    lastAttemptAt: toIso(f.lastAttemptAt),
    nextAttemptAt: toIso(f.nextAttemptAt),
    deadLetteredAt: toIso(f.deadLetteredAt),
  };
}

export function eventRoutes(ctx: ServiceContext, metrics: ServiceMetrics): FastifyPluginAsyncTypebox {
  metrics.watchRelay(() => relayStatus(ctx));
  return async (app) => {
    app.get(
      '/api/v1/event-failures',
      {
        schema: {
          tags: ['events'],
          summary: 'Failed event deliveries, newest first (admin)',
          description:
            'An event whose subscriber (sla-clocks, mail, webhooks) failed is retried for that ' +
            'subscriber alone with backoff, then dead-lettered; the other subscribers got it.',
          querystring: Type.Object({
            limit: Limit,
            cursor: Type.Optional(Cursor),
            status: Type.Optional(StatusSchema),
            subscriber: Type.Optional(Type.String({ maxLength: 100 })),
          }),
          response: {
            200: Type.Object({ items: Type.Array(FailureSchema), nextCursor: Nullable(Type.String()) }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const { limit, cursor, status, subscriber } = request.query;
        const items = await listEventFailures(ctx, requireActor(request), {
          limit,
          beforeId: cursor ? decodeIdCursor(cursor) : undefined,
          status,
          subscriber,
        });
        return idPage(items, limit, failureView);
      },
    );

    app.post(
      '/api/v1/event-failures/:id/retry',
      {
        schema: {
          tags: ['events'],
          summary: 'Deliver a failed event again to its subscriber only, now (admin)',
          description:
            'One more attempt, run before the answer: delivered (the failure is gone), failed (dead-lettered ' +
            'again, with the new error) or pending (another instance holds it, or its subscriber does not run here).',
          params: IdParams,
          response: {
            200: Type.Object({
              outcome: Type.Union([
                Type.Literal('delivered'),
                Type.Literal('failed'),
                Type.Literal('pending'),
              ]),
              failure: Nullable(FailureSchema),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const { outcome, failure } = await retryEventFailure(ctx, requireActor(request), request.params.id);
        return { outcome, failure: failure && failureView(failure) };
      },
    );
  };
}
