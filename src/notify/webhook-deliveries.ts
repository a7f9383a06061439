// A webhook's delivery log as the webhook routes have always shown it: a filtered view (webhook_deliveries,
// a SQL view over the one log, migration 2026-11-30-deliveries) and redelivery through the one retry.
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, DeliveryStatus, WebhookDeliveriesTable } from '../core/db/index.js';
import { NotFound } from '../core/errors.js';
import { retryDelivery } from './delivery-log.js';
import { deliveryWorker } from './delivery-pipeline.js';
import type { DeliverOptions, DeliveryPassResult } from './delivery-worker.js';
import { assertCanManageWebhooks } from './webhooks.js';

export interface WebhookDelivery {
  id: number;
  webhookId: number;
  eventId: number;
  /** As stored with the event (a type later retired from the catalogue still shows in the log). */
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface DeliveryPageQuery {
  limit: number;
  /** Newest first: the page continues below this id. */
  beforeId?: number;
  status?: DeliveryStatus;
}

/** One pass of the webhook and chat channels now, on the context's worker (tests and the CLI drive it). */
export async function deliverDue(
  ctx: ServiceContext,
  options: Omit<DeliverOptions, 'channel'> = {},
): Promise<DeliveryPassResult> {
  const worker = deliveryWorker(ctx);
  const webhook = await worker.runDue({ ...options, channel: 'webhook' });
  const chat = await worker.runDue({ ...options, channel: 'chat' });
  return {
    attempted: webhook.attempted + chat.attempted,
    delivered: webhook.delivered + chat.delivered,
    retrying: webhook.retrying + chat.retrying,
    failed: webhook.failed + chat.failed,
  };
}

function deliveryFromRow(r: Selectable<WebhookDeliveriesTable> & { type: string }): WebhookDelivery {
  return {
    id: r.id,
    webhookId: r.webhook_id,
    eventId: r.event_id,
    eventType: r.type,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastStatusCode: r.last_status_code,
    lastError: r.last_error,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

async function requireWebhook(db: Kysely<Database> | Transaction<Database>, id: number): Promise<void> {
  const hook = await db.selectFrom('webhooks').select('id').where('id', '=', id).executeTakeFirst();
  if (!hook) throw new NotFound('webhook_not_found', `No webhook ${id}.`);
}

async function readDelivery(db: Kysely<Database>, id: number): Promise<WebhookDelivery> {
  const row = await db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('outbox as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type')
    .where('d.id', '=', id)
    .executeTakeFirstOrThrow();
  return deliveryFromRow(row);
}

export async function listDeliveries(
  ctx: ServiceContext,
  actor: Actor,
  webhookId: number,
  query: DeliveryPageQuery,
): Promise<WebhookDelivery[]> {
  assertCanManageWebhooks(actor);
  await requireWebhook(ctx.db, webhookId);
  let q = ctx.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('outbox as e', 'e.id', 'd.event_id')
    .selectAll('d')
    .select('e.type')
    .where('d.webhook_id', '=', webhookId)
    .orderBy('d.id', 'desc')
    .limit(query.limit);
  if (query.beforeId !== undefined) q = q.where('d.id', '<', query.beforeId);
  if (query.status !== undefined) q = q.where('d.status', '=', query.status);
  return (await q.execute()).map(deliveryFromRow);
}

/** Send a delivery again: pending now, with a fresh round of attempts (the one retry, scoped to the webhook). */
export async function redeliver(
  ctx: ServiceContext,
  actor: Actor,
  webhookId: number,
  deliveryId: number,
): Promise<WebhookDelivery> {
  assertCanManageWebhooks(actor);
  await requireWebhook(ctx.db, webhookId);
  await retryDelivery(ctx, actor, deliveryId, {
    channels: ['webhook', 'chat'],
    endpointId: webhookId,
    notFound: () => new NotFound('webhook_not_found', `Webhook ${webhookId} has no delivery ${deliveryId}.`),
    noNudge: true,
  });
  // Read as retried, then nudge the worker: nudged first, it could send it before this read (seen on PostgreSQL).
  const delivery = await readDelivery(ctx.db, deliveryId);
  deliveryWorker(ctx).nudge();
  return delivery;
}
