// The one delivery log of every channel: queueing deliveries (in the caller's transaction), reading the log a
// page at a time, and the one retry — pending now, with a fresh round of attempts. Admin work: the log shows
// where other people's mail and the events went.
import type { Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, DeliveriesTable, DeliveryChannelName, DeliveryState } from '../core/db/index.js';
import { Forbidden, NotFound } from '../core/errors.js';
import { deliveryWorker } from './delivery-pipeline.js';

export interface Delivery {
  id: number;
  channel: DeliveryChannelName;
  endpointId: number | null;
  eventId: number | null;
  ticketId: number | null;
  userId: number | null;
  target: string;
  kind: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  lastReason: string | null;
  idempotencyKey: string;
  createdAt: number;
  updatedAt: number;
  deliveredAt: number | null;
}

/** One delivery to queue. */
export interface NewDelivery {
  channel: DeliveryChannelName;
  endpointId?: number | null;
  eventId: number | null;
  ticketId?: number | null;
  userId?: number | null;
  target: string;
  kind: string;
  /** What the channel needs to send it (never shown by the log: a mail's body may hold a sign-in link). */
  payload: Record<string, unknown>;
  /** Unique per channel: a second delivery with the same key is not written. */
  idempotencyKey: string;
  /** Set when the channel cannot send now: the row is written as disabled, saying why. */
  disabledBecause?: string | null;
}

export interface DeliveryLogQuery {
  limit: number;
  /** Newest first: the page continues below this id. */
  beforeId?: number;
  channel?: DeliveryChannelName;
  state?: DeliveryState;
}

/** Reading and retrying the log is admin work, as the mail and webhook logs were. */
export function canManageDeliveries(actor: Actor): boolean {
  return actor.role === 'admin';
}

function assertCanManageDeliveries(actor: Actor): void {
  if (!canManageDeliveries(actor))
    throw new Forbidden('forbidden', 'Only an admin may read or retry deliveries.');
}

/** Write deliveries in the caller's transaction; returns the idempotency keys of those written (not dupes). */
export async function queueDeliveries(
  trx: Transaction<Database>,
  now: number,
  deliveries: readonly NewDelivery[],
): Promise<string[]> {
  if (deliveries.length === 0) return [];
  const rows = await trx
    .insertInto('deliveries')
    .values(
      deliveries.map((d) => ({
        channel: d.channel,
        endpoint_id: d.endpointId ?? null,
        event_id: d.eventId,
        ticket_id: d.ticketId ?? null,
        user_id: d.userId ?? null,
        target: d.target,
        kind: d.kind,
        payload: JSON.stringify(d.payload),
        state: d.disabledBecause ? ('disabled' as const) : ('pending' as const),
        attempts: 0,
        next_attempt_at: d.disabledBecause ? null : now,
        last_error: d.disabledBecause ?? null,
        last_reason: d.disabledBecause ? 'disabled' : null,
        idempotency_key: d.idempotencyKey,
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(['channel', 'idempotency_key']).doNothing())
    .returning('idempotency_key')
    .execute();
  return rows.map((r) => r.idempotency_key);
}

function deliveryFromRow(r: Selectable<DeliveriesTable>): Delivery {
  return {
    id: r.id,
    channel: r.channel,
    endpointId: r.endpoint_id,
    eventId: r.event_id,
    ticketId: r.ticket_id,
    userId: r.user_id,
    target: r.target,
    kind: r.kind,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastStatus: r.last_status,
    lastError: r.last_error,
    lastReason: r.last_reason,
    idempotencyKey: r.idempotency_key,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deliveredAt: r.delivered_at,
  };
}

export async function listDeliveryLog(
  ctx: ServiceContext,
  actor: Actor,
  query: DeliveryLogQuery,
): Promise<Delivery[]> {
  assertCanManageDeliveries(actor);
  let q = ctx.db.selectFrom('deliveries').selectAll().orderBy('id', 'desc').limit(query.limit);
  if (query.channel !== undefined) q = q.where('channel', '=', query.channel);
  if (query.state !== undefined) q = q.where('state', '=', query.state);
  if (query.beforeId !== undefined) q = q.where('id', '<', query.beforeId);
  return (await q.execute()).map(deliveryFromRow);
}

/** Where a retry may reach: the unified route reaches every delivery; an old route only its own. */
export interface RetryScope {
  channels?: readonly DeliveryChannelName[];
  endpointId?: number;
  /** The error when the delivery is not in scope (each old route kept its own code). */
  notFound?: () => NotFound;
}

/**
 * Send a delivery again now, with a fresh round of attempts: a failed, dead, disabled or pending one, and a
 * delivered one where its channel sends again on request (webhooks; not mail, which a person would read
 * twice). Audited; the worker is nudged once the change has committed.
 */
export async function retryDelivery(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  scope: RetryScope = {},
): Promise<Delivery> {
  assertCanManageDeliveries(actor);
  const worker = deliveryWorker(ctx);
  const now = ctx.clock.now();
  const delivery = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    const inScope =
      row !== undefined &&
      (scope.channels === undefined || scope.channels.includes(row.channel)) &&
      (scope.endpointId === undefined || row.endpoint_id === scope.endpointId);
    if (!row || !inScope)
      throw scope.notFound?.() ?? new NotFound('delivery_not_found', `No delivery ${id}.`);
    const resends = worker.channel(row.channel)?.resendsDelivered ?? false;
    if (row.state === 'delivered' && !resends) return deliveryFromRow(row);
    const updated = await trx
      .updateTable('deliveries')
      .set({ state: 'pending', attempts: 0, next_attempt_at: now, lease_until: null, updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: row.endpoint_id !== null ? 'webhook.redelivered' : 'delivery.retried',
      subjectType: row.endpoint_id !== null ? 'webhook' : 'delivery',
      subjectId: row.endpoint_id ?? id,
      details: { deliveryId: id, channel: row.channel },
    });
    return deliveryFromRow(updated);
  });
  worker.nudge();
  return delivery;
}
