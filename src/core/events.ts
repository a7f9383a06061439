// Domain events through a transactional outbox: a change and its event are written in one transaction,
// then a relay hands each stored event to in-process subscribers (webhooks, later notifications and
// automation). An event whose subscriber fails stays undispatched and is retried, so nothing is lost;
// subscribers are therefore idempotent.
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Database, DbCapabilities } from './db/index.js';

export const eventTypes = [
  'ticket.created',
  'ticket.updated',
  'ticket.commented',
  'ticket.assigned',
  'ticket.state_changed',
  // SLA engine (src/sla): payload {ticketId, target?, dueAt?, level?, reason?, toGroupId?, toManager?}
  'ticket.sla_warning',
  'ticket.sla_breached',
  'ticket.escalated',
  // A group's OLA (its internal resolution target): payload {ticketId, target: 'ola', groupId, dueAt}
  'ticket.ola_warning',
  'ticket.ola_breached',
] as const;
export type EventType = (typeof eventTypes)[number];

export interface NewEvent {
  type: EventType;
  subjectType: string;
  subjectId: string | number;
  actorId: number | null;
  payload: Record<string, unknown>;
}

export interface StoredEvent extends NewEvent {
  id: number;
  subjectId: string;
  createdAt: number;
}

/**
 * A subscriber runs inside the relay's transaction and writes through `trx`, so its writes commit with the
 * event's "dispatched" mark. It must not use ctx.db meanwhile: the relay holds the SQLite connection and, on
 * PostgreSQL, a row lock that a foreign key to the event would wait on. Quick writes only; slow work (HTTP)
 * goes to a job the subscriber queues and starts after `idle()`.
 */
export type Subscriber = (event: StoredEvent, trx: Transaction<Database>) => Promise<void> | void;

export interface SubscriberOptions {
  /**
   * A cheap synchronous check, without the database, that this event needs the subscriber at all (say, no
   * webhook is active). False skips the call; when no subscriber is left for an event, the relay does no
   * work for it beyond marking it dispatched.
   */
  wants?: (event: StoredEvent) => boolean;
  /** False for a subscriber that never writes through `trx` (the live stream): it needs no savepoint. */
  writes?: boolean;
  /**
   * Called once at the end of a relay pass in which the subscriber handled events, in the pass's
   * transaction: work per batch instead of per event (recompute many tickets' clocks at once). A failure
   * rolls back the whole pass, whose events are then all retried.
   */
  endOfPass?: (trx: Transaction<Database>) => Promise<void>;
}

interface Registered {
  name: string;
  types: ReadonlySet<EventType> | null;
  handle: Subscriber;
  wants: ((event: StoredEvent) => boolean) | null;
  writes: boolean;
  endOfPass: ((trx: Transaction<Database>) => Promise<void>) | null;
}

type Db = Kysely<Database> | Transaction<Database>;

/** How long a nudge waits for more events before a dispatch pass. */
export const nudgeDelayMs = 20;

export class EventBus {
  private readonly subscribers: Registered[] = [];
  private scheduled = false;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly caps: DbCapabilities,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Register a subscriber for some event types (or all, with null). */
  subscribe(
    name: string,
    types: EventType[] | null,
    handle: Subscriber,
    options: SubscriberOptions = {},
  ): void {
    this.subscribers.push({
      name,
      types: types ? new Set(types) : null,
      handle,
      wants: options.wants ?? null,
      writes: options.writes ?? true,
      endOfPass: options.endOfPass ?? null,
    });
  }

  /** Store events inside the caller's transaction; they are dispatched after it commits (call nudge()). */
  async record(trx: Db, events: NewEvent[]): Promise<void> {
    if (events.length === 0) return;
    const now = this.clock.now();
    await trx
      .insertInto('outbox')
      .values(
        events.map((e) => ({
          type: e.type,
          subject_type: e.subjectType,
          subject_id: String(e.subjectId),
          actor_id: e.actorId,
          payload: JSON.stringify(e.payload),
          created_at: now,
        })),
      )
      .execute();
  }

  /** Ask for a dispatch soon; many nudges in one tick make one pass. */
  nudge(): void {
    if (this.scheduled || this.stopped || this.subscribers.length === 0) return;
    this.scheduled = true;
    // A short delay gathers the events of concurrent requests into one pass (one transaction, and one
    // clock recompute for all their tickets) instead of a pass per request; 20 ms is far below what a
    // person watching a live list notices.
    setTimeout(() => {
      this.scheduled = false;
      void this.dispatchPending().catch((err) => this.log.error({ err }, 'outbox dispatch failed'));
    }, nudgeDelayMs).unref();
  }

  /** Dispatch stored events to subscribers, oldest first; returns how many were dispatched. */
  async dispatchPending(limit = 200): Promise<number> {
    // One pass at a time in this process; a second caller waits for the running pass and then goes.
    while (this.running) await this.running;
    let count = 0;
    const pass = (async () => {
      count = await this.dispatchBatch(limit);
    })();
    this.running = pass;
    try {
      await pass;
    } finally {
      this.running = null;
    }
    return count;
  }

  private async dispatchBatch(limit: number): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      let query = trx
        .selectFrom('outbox')
        .selectAll()
        .where('dispatched_at', 'is', null)
        .orderBy('id')
        .limit(limit);
      // Several instances on PostgreSQL: each takes rows no other instance holds.
      if (this.caps.supportsSkipLocked) query = query.forUpdate().skipLocked();
      const rows = await query.execute();
      const done: number[] = [];
      const handled = new Set<Registered>();
      for (const row of rows) {
        const event: StoredEvent = {
          id: row.id,
          type: row.type as EventType,
          subjectType: row.subject_type,
          subjectId: row.subject_id,
          actorId: row.actor_id,
          payload: JSON.parse(row.payload),
          createdAt: row.created_at,
        };
        const subs = this.subscribers.filter(
          (sub) => (!sub.types || sub.types.has(event.type)) && (!sub.wants || sub.wants(event)),
        );
        // One savepoint per event, not per subscriber: an event's writes commit together or not at all. A
        // failure undoes them and stops the event there; every subscriber runs again on the retry
        // (they are idempotent), and later events wait, so order holds.
        const savepoint = subs.some((sub) => sub.writes);
        if (savepoint) await sql`savepoint outbox_event`.execute(trx);
        let ok = true;
        for (const sub of subs) {
          try {
            await sub.handle(event, trx);
            handled.add(sub);
          } catch (err) {
            ok = false;
            this.log.error(
              { err, eventId: event.id, subscriber: sub.name },
              'event subscriber failed; will retry',
            );
            break;
          }
        }
        if (savepoint)
          await sql`${sql.raw(ok ? 'release' : 'rollback to')} savepoint outbox_event`.execute(trx);
        if (!ok) break; // keep order: later events wait for the failed one
        done.push(row.id);
      }
      for (const sub of this.subscribers) if (sub.endOfPass && handled.has(sub)) await sub.endOfPass(trx);
      if (done.length > 0) {
        await trx
          .updateTable('outbox')
          .set({ dispatched_at: this.clock.now() })
          .where('id', 'in', done)
          .execute();
      }
      return done.length;
    });
  }

  /** Resolves once no dispatch pass is running: what subscribers wrote has committed. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    while (this.running) await this.running;
  }
}
