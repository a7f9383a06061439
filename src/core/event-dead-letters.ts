// What the admin sees of the outbox relay: failed deliveries (an event and the subscriber that failed on
// it), retrying or dead-lettered, a retry of one of them, and the relay's health for /metrics.

import { recordAudit } from './audit.js';
import { type Actor, canAccounts } from './auth/index.js';
import type { ServiceContext } from './context.js';
import { Forbidden, NotFound } from './errors.js';

export type EventFailureStatus = 'retrying' | 'dead_lettered';

export interface EventFailure {
  id: number;
  eventId: number;
  eventType: string;
  subjectType: string;
  subjectId: string;
  eventCreatedAt: number;
  subscriber: string;
  status: EventFailureStatus;
  attempts: number;
  lastError: string;
  firstFailedAt: number;
  lastAttemptAt: number;
  nextAttemptAt: number | null;
  deadLetteredAt: number | null;
}

export interface EventFailureQuery {
  limit: number;
  /** Newest first: the page after this id. */
  beforeId?: number;
  status?: EventFailureStatus;
  subscriber?: string;
}

function assertCanManageEvents(actor: Actor): void {
  if (!canAccounts(actor, 'events.manage'))
    throw new Forbidden('forbidden', 'Only an admin may see and retry failed event deliveries.');
}

function failuresQuery(ctx: ServiceContext) {
  return ctx.db
    .selectFrom('outbox_failures as f')
    .innerJoin('outbox as o', 'o.id', 'f.outbox_id')
    .select([
      'f.id',
      'f.outbox_id',
      'f.subscriber',
      'f.attempts',
      'f.last_error',
      'f.first_failed_at',
      'f.last_attempt_at',
      'f.next_attempt_at',
      'f.dead_lettered_at',
      'o.type',
      'o.subject_type',
      'o.subject_id',
      'o.created_at',
    ]);
}

type FailureRow = Awaited<ReturnType<ReturnType<typeof failuresQuery>['executeTakeFirstOrThrow']>>;

function failureFromRow(r: FailureRow): EventFailure {
  return {
    id: r.id,
    eventId: r.outbox_id,
    eventType: r.type,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    eventCreatedAt: Number(r.created_at),
    subscriber: r.subscriber,
    status: r.dead_lettered_at === null ? 'retrying' : 'dead_lettered',
    attempts: r.attempts,
    lastError: r.last_error,
    firstFailedAt: Number(r.first_failed_at),
    lastAttemptAt: Number(r.last_attempt_at),
    nextAttemptAt: r.next_attempt_at === null ? null : Number(r.next_attempt_at),
    deadLetteredAt: r.dead_lettered_at === null ? null : Number(r.dead_lettered_at),
  };
}

/** Failed deliveries, newest first; `limit + 1` rows so the caller knows whether a next page exists. */
export async function listEventFailures(
  ctx: ServiceContext,
  actor: Actor,
  query: EventFailureQuery,
): Promise<EventFailure[]> {
  assertCanManageEvents(actor);
  let q = failuresQuery(ctx)
    .orderBy('f.id', 'desc')
    .limit(query.limit + 1);
  if (query.beforeId !== undefined) q = q.where('f.id', '<', query.beforeId);
  if (query.status === 'dead_lettered') q = q.where('f.dead_lettered_at', 'is not', null);
  if (query.status === 'retrying') q = q.where('f.dead_lettered_at', 'is', null);
  if (query.subscriber !== undefined) q = q.where('f.subscriber', '=', query.subscriber);
  return (await q.execute()).map(failureFromRow);
}

export type RetryOutcome = 'delivered' | 'failed' | 'pending';

/**
 * Try a failed delivery again now, for its subscriber only: one more attempt (a dead-lettered one that fails
 * again goes straight back). The relay pass runs before the answer, so the admin sees the outcome; it stays
 * 'pending' when another instance holds the row or no subscriber of that name runs in this process.
 */
export async function retryEventFailure(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
): Promise<{ outcome: RetryOutcome; failure: EventFailure | null }> {
  assertCanManageEvents(actor);
  const now = ctx.clock.now();
  const before = await ctx.db.transaction().execute(async (trx) => {
    const found = await trx
      .updateTable('outbox_failures')
      .set({ next_attempt_at: now, dead_lettered_at: null })
      .where('id', '=', id)
      .returning(['outbox_id', 'subscriber', 'attempts'])
      .executeTakeFirst();
    if (!found) throw new NotFound('event_failure_not_found', `There is no failed event delivery ${id}.`);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'event.retried',
      subjectType: 'event',
      subjectId: found.outbox_id,
      details: { subscriber: found.subscriber },
    });
    return found;
  });
  ctx.events.wakeRetries();
  await ctx.events.dispatchPending();
  const row = await failuresQuery(ctx).where('f.id', '=', id).executeTakeFirst();
  if (!row) return { outcome: 'delivered', failure: null };
  const failure = failureFromRow(row);
  return { outcome: failure.attempts > before.attempts ? 'failed' : 'pending', failure };
}

export interface RelayStatus {
  /** Age in milliseconds of the oldest event not yet dispatched, 0 when none waits. */
  lagMs: number;
  /** Per subscriber (every registered one, and any other with failures): dead-lettered and retrying. */
  failures: Map<string, { deadLettered: number; retrying: number }>;
}

export async function relayStatus(ctx: ServiceContext): Promise<RelayStatus> {
  const oldest = await ctx.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.min('created_at').as('oldest'))
    .where('dispatched_at', 'is', null)
    .executeTakeFirst();
  const counts = await ctx.db
    .selectFrom('outbox_failures')
    .select((eb) => [
      'subscriber',
      eb.fn.count<string>('id').as('total'),
      eb.fn.count<string>('dead_lettered_at').as('dead'),
    ])
    .groupBy('subscriber')
    .execute();
  const failures = new Map<string, { deadLettered: number; retrying: number }>();
  for (const name of ctx.events.subscriberNames()) failures.set(name, { deadLettered: 0, retrying: 0 });
  for (const c of counts) {
    const dead = Number(c.dead);
    failures.set(c.subscriber, { deadLettered: dead, retrying: Number(c.total) - dead });
  }
  const oldestAt = oldest?.oldest == null ? null : Number(oldest.oldest);
  return { lagMs: oldestAt === null ? 0 : Math.max(0, ctx.clock.now() - oldestAt), failures };
}
