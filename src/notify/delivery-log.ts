// The one delivery log of every channel: queueing deliveries (in the caller's transaction), reading the log a
// page at a time, and the one retry — pending now, with a fresh round of attempts. Admin work: the log shows
// where other people's mail and the events went.
import type { Kysely, Selectable, Transaction } from 'kysely';
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
  /** The incident a page belongs to. */
  incidentId: number | null;
  /** The person's contact method it goes to (pages, test messages). */
  contactMethodId: number | null;
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
  /** Not before this instant (a page's notification-rule delay); now when absent. */
  notBefore?: number;
  /** The incident a page belongs to: cancelPendingDeliveries finds it by this. */
  incidentId?: number | null;
  /** The person's contact method it goes to. */
  contactMethodId?: number | null;
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
        next_attempt_at: d.disabledBecause ? null : (d.notBefore ?? now),
        last_error: d.disabledBecause ?? null,
        last_reason: d.disabledBecause ? 'disabled' : null,
        idempotency_key: d.idempotencyKey,
        created_at: now,
        updated_at: now,
        incident_id: d.incidentId ?? null,
        contact_method_id: d.contactMethodId ?? null,
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
    incidentId: r.incident_id,
    contactMethodId: r.contact_method_id,
  };
}

/** Which deliveries to cancel: an incident's pages, or everything queued to a contact method. */
export type CancelScope = { incidentId: number } | { contactMethodId: number };

/**
 * Cancel the scope's deliveries still waiting (pending, and not held by a worker this moment: one being sent
 * finishes and records its outcome). A cancelled delivery is never claimed and never retried. Returns how many.
 */
export async function cancelPendingDeliveries(
  trx: Transaction<Database>,
  now: number,
  scope: CancelScope,
): Promise<number> {
  let q = trx
    .updateTable('deliveries')
    .set({ state: 'cancelled', next_attempt_at: null, updated_at: now })
    .where('state', '=', 'pending')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]));
  q =
    'incidentId' in scope
      ? q.where('incident_id', '=', scope.incidentId)
      : q.where('contact_method_id', '=', scope.contactMethodId);
  const result = await q.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** How a contact method's last finished delivery went (delivered, failed or dead), per method. */
export interface LastOutcome {
  contactMethodId: number;
  state: DeliveryState;
  target: string;
  reason: string | null;
  at: number;
}

/** Each method's last finished delivery, and every target that ever took one (a proof it works). */
export async function contactMethodOutcomes(
  db: Kysely<Database>,
  contactMethodIds: readonly number[],
): Promise<{
  last: Map<number, LastOutcome>;
  /** Every target of a method that took a delivery, and when it first did. */
  delivered: { contactMethodId: number; target: string; deliveredAt: number }[];
}> {
  const last = new Map<number, LastOutcome>();
  if (contactMethodIds.length === 0) return { last, delivered: [] };
  const finished = ['delivered', 'failed', 'dead'] as const;
  const rows = await db
    .selectFrom('deliveries')
    .select(['contact_method_id', 'state', 'target', 'last_reason', 'updated_at'])
    .where(
      'id',
      'in',
      db
        .selectFrom('deliveries')
        .select((eb) => eb.fn.max('id').as('id'))
        .where('contact_method_id', 'in', contactMethodIds)
        .where('state', 'in', finished)
        .groupBy('contact_method_id'),
    )
    .execute();
  for (const r of rows)
    if (r.contact_method_id !== null)
      last.set(r.contact_method_id, {
        contactMethodId: r.contact_method_id,
        state: r.state,
        target: r.target,
        reason: r.last_reason,
        at: r.updated_at,
      });
  const delivered = await db
    .selectFrom('deliveries')
    .select((eb) => ['contact_method_id', 'target', eb.fn.min('delivered_at').as('first')])
    .where('contact_method_id', 'in', contactMethodIds)
    .where('state', '=', 'delivered')
    .groupBy(['contact_method_id', 'target'])
    .execute();
  return {
    last,
    delivered: delivered.flatMap((d) =>
      d.contact_method_id === null || d.first === null
        ? []
        : [{ contactMethodId: d.contact_method_id, target: d.target, deliveredAt: Number(d.first) }],
    ),
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
  /** Leave the nudge to the caller, who reads the delivery first (the worker may send it at once). */
  noNudge?: boolean;
}

/**
 * Send a delivery again now, with a fresh round of attempts: a failed, dead, disabled or pending one, and a
 * delivered one where its channel sends again on request (webhooks; not mail, which a person would read
 * twice). A cancelled page stays cancelled. Audited; the worker is nudged once the change has committed.
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
    // A cancelled page belongs to an incident someone answered: sending it now would page them for nothing.
    if (row.state === 'cancelled') return deliveryFromRow(row);
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
  if (!scope.noNudge) worker.nudge();
  return delivery;
}
