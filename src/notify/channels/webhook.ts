// The webhook channel: fan-out (one delivery per event and active endpoint that wants it, written in the
// outbox relay's transaction — a chat endpoint's on the chat channel) and the send: the event as signed JSON,
// POSTed with the SSRF guard (http-delivery.ts). Retries, leases and the log are the delivery worker's.
import type { Transaction } from 'kysely';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import type { Database } from '../../core/db/index.js';
import type { EventType, StoredEvent } from '../../core/events.js';
import { activeWebhooksGeneration, rememberActiveWebhooks } from '../active-webhooks.js';
import { type AttemptOutcome, type DeliveryChannel, nextState as scheduleNext } from '../channel.js';
import { postDelivery } from '../http-delivery.js';
import { signatureHeader, signWebhookBody, timestampHeader } from '../webhook-signature.js';
import { webhookWants } from '../webhooks.js';

export const userAgent = 'opsdesk-webhooks/0.1';

/** Waits after the 1st, 2nd, … failed attempt; after the last one the delivery is dead (8 attempts, ~43 h). */
export const retryDelaysMs: readonly number[] = [
  30_000, // 30 s
  120_000, // 2 min
  600_000, // 10 min
  3_600_000, // 1 h
  21_600_000, // 6 h
  43_200_000, // 12 h
  86_400_000, // 24 h
];
export const maxAttempts = retryDelaysMs.length + 1;

/**
 * The webhook schedule in the webhook log's words (status: failed for both refused and dead), without jitter.
 */
export function nextState(
  outcome: AttemptOutcome,
  attempts: number,
  now: number,
): { status: 'pending' | 'delivered' | 'failed'; nextAttemptAt: number | null; lastError: string | null } {
  const next = scheduleNext(retryDelaysMs, outcome, attempts, now);
  const status = next.state === 'pending' || next.state === 'delivered' ? next.state : 'failed';
  return { status, nextAttemptAt: next.nextAttemptAt, lastError: next.lastError };
}

/** The idempotency key of an event's delivery to an endpoint: a second fan-out of the event writes nothing. */
export function endpointDeliveryKey(endpointId: number, eventId: number): string {
  return `${endpointId}:${eventId}`;
}

/**
 * One pending delivery per active webhook that wants the event. Runs in the relay's transaction; the unique
 * (channel, idempotency key) makes a second dispatch of the same event a no-op. Returns how many webhooks match.
 */
export async function fanOutEvent(
  trx: Transaction<Database>,
  now: number,
  event: StoredEvent,
  ctx?: ServiceContext,
): Promise<number> {
  const at = ctx ? activeWebhooksGeneration(ctx) : 0;
  const hooks = (
    await trx
      .selectFrom('webhooks')
      .select(['id', 'url', 'events', 'format'])
      .where('active', '=', 1)
      .orderBy('id')
      .execute()
  ).map((h) => ({ id: h.id, url: h.url, format: h.format, events: JSON.parse(h.events) as EventType[] }));
  if (ctx)
    rememberActiveWebhooks(
      ctx,
      at,
      hooks.map((h) => ({ id: h.id, events: h.events })),
    );
  const matching = hooks.filter((h) => webhookWants(h.events, event.type));
  if (matching.length === 0) return 0;
  await trx
    .insertInto('deliveries')
    .values(
      matching.map((h) => ({
        channel: h.format === 'chat' ? ('chat' as const) : ('webhook' as const),
        endpoint_id: h.id,
        event_id: event.id,
        target: h.url,
        kind: event.type,
        payload: '{}',
        state: 'pending' as const,
        attempts: 0,
        next_attempt_at: now,
        idempotency_key: endpointDeliveryKey(h.id, event.id),
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(['channel', 'idempotency_key']).doNothing())
    .execute();
  return matching.length;
}

/** The endpoint's URL and secret and the event, as they are now; null when the endpoint was deleted. */
export async function loadEndpointEvent(
  ctx: ServiceContext,
  endpointId: number | null,
  eventId: number | null,
) {
  if (endpointId === null || eventId === null) return null;
  const row = await ctx.db
    .selectFrom('webhooks as w')
    .innerJoin('outbox as e', (join) => join.onTrue())
    .select([
      'w.url',
      'w.secret',
      'e.id as eventId',
      'e.type',
      'e.subject_type',
      'e.subject_id',
      'e.actor_id',
      'e.payload',
      'e.created_at',
    ])
    .where('w.id', '=', endpointId)
    .where('e.id', '=', eventId)
    .executeTakeFirst();
  return row ?? null;
}

const gone: AttemptOutcome = {
  kind: 'give_up',
  reason: 'endpoint_gone',
  statusCode: null,
  error: 'the webhook or its event no longer exists',
};

export function webhookChannel(ctx: ServiceContext): DeliveryChannel {
  return {
    name: 'webhook',
    concurrency: 16,
    attemptTimeoutMs: ctx.config.webhookTimeoutMs,
    retryDelaysMs,
    resendsDelivered: true,
    enabled: () => true,
    async send(d) {
      const row = await loadEndpointEvent(ctx, d.endpointId, d.eventId);
      if (!row) return gone;
      const body = JSON.stringify({
        id: row.eventId,
        type: row.type,
        occurredAt: toIso(row.created_at),
        subject: { type: row.subject_type, id: row.subject_id },
        actorId: row.actor_id,
        data: JSON.parse(row.payload),
      });
      const timestamp = Math.floor(ctx.clock.now() / 1000);
      return postDelivery(
        row.url,
        {
          'content-type': 'application/json',
          'user-agent': userAgent,
          'x-opsdesk-event': row.type,
          'x-opsdesk-delivery': String(d.id),
          'idempotency-key': d.idempotencyKey,
          [timestampHeader]: String(timestamp),
          [signatureHeader]: signWebhookBody(row.secret, timestamp, body),
        },
        body,
        { timeoutMs: ctx.config.webhookTimeoutMs, allowPrivate: ctx.config.webhookAllowPrivate },
      );
    },
  };
}
