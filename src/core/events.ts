// Domain events through a transactional outbox: a change and its event are written in one transaction,
// then a relay hands each stored event to in-process subscribers (SLA clocks, mail, webhooks, live updates).
// A subscriber that fails on an event does not hold up the others: that event is retried for that subscriber
// alone, with backoff, and after a few attempts set aside (dead-lettered) for an admin to retry; nothing is
// lost, and subscribers are idempotent.
import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { Database, DbCapabilities, OutboxTable } from './db/index.js';

/**
 * Every domain event and its payload. Core knows none of them: each domain declares its own by declaration
 * merging, in its own file (src/helpdesk/ticket-events.ts, src/sla/sla-events.ts), e.g.
 * `declare module '../core/events.js' { interface DomainEvents { 'ticket.created': {…} } }`.
 * `record` then refuses a payload that does not fit its type, and a subscriber gets the typed payload.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by each domain through declaration merging
export interface DomainEvents {}

export type EventType = keyof DomainEvents;

/**
 * The event types as a list, for what must enumerate them at run time (webhook subscriptions, the mail
 * fan-out). Declaration merging carries types only, so the list is kept here; the check below fails the
 * typecheck when it and the domains' declarations disagree.
 */
export const eventTypes = [
  'ticket.created',
  'ticket.updated',
  'ticket.commented',
  'ticket.assigned',
  'ticket.state_changed',
  'ticket.sla_warning',
  'ticket.sla_breached',
  'ticket.escalated',
  'ticket.ola_warning',
  'ticket.ola_breached',
  'ticket.rule_fired',
  'incident.triggered',
  'incident.acknowledged',
  'incident.resolved',
  'check.state_changed',
  'alert.firing',
  'alert.resolved',
  'approval.requested',
  'approval.decided',
  'proposal.created',
  'proposal.updated',
  'proposal.decided',
  'proposal.returned',
  'contract.renewal_due',
  'quote_request.created',
  'quote_request.awarded',
  'asset.warranty_ending',
  'asset.end_of_life',
  'licence.over_assigned',
  'licence.expiring',
  'asset.repair_started',
  'asset.repair_closed',
  'asset.replacement_requested',
] as const satisfies readonly EventType[];
// An event type a domain declares but the list lacks makes this `true` fail to be assignable to `never`.
const everyTypeListed: Exclude<EventType, (typeof eventTypes)[number]> extends never ? true : never = true;
void everyTypeListed;

interface Envelope {
  subjectType: string;
  subjectId: string | number;
  actorId: number | null;
}

/** An event to record: one of the declared types, with that type's payload. */
export type NewEvent<T extends EventType = EventType> = {
  [K in T]: Envelope & { type: K; payload: DomainEvents[K] };
}[T];

/** An event as stored in the outbox and handed to subscribers. */
export type StoredEvent<T extends EventType = EventType> = {
  [K in T]: Envelope & {
    id: number;
    type: K;
    subjectId: string;
    createdAt: number;
    payload: DomainEvents[K];
  };
}[T];

/**
 * A subscriber runs inside the relay's transaction and writes through `trx`, so its writes commit with the
 * event's "dispatched" mark. It must not use ctx.db meanwhile: the relay holds the SQLite connection and, on
 * PostgreSQL, a row lock that a foreign key to the event would wait on. Quick writes only; slow work (HTTP)
 * goes to a job the subscriber queues and starts after `idle()`.
 */
export type Subscriber<T extends EventType = EventType> = (
  event: StoredEvent<T>,
  trx: Transaction<Database>,
) => Promise<void> | void;

export interface SubscriberOptions<T extends EventType = EventType> {
  /**
   * A cheap synchronous check, without the database, that this event needs the subscriber at all (say, no
   * webhook is active). False skips the call; when no subscriber is left for an event, the relay does no
   * work for it beyond marking it dispatched.
   */
  wants?: (event: StoredEvent<T>) => boolean;
  /**
   * False for a subscriber whose handler never touches `trx` (the live stream, or one that only gathers
   * events for endOfPass): it needs no savepoint. (On PostgreSQL even a failed read aborts the transaction
   * until a savepoint is rolled back to, so "never touches" means no reads either.)
   */
  writes?: boolean;
  /**
   * Called once at the end of a relay pass in which the subscriber handled events, in the pass's
   * transaction and its own savepoint: work per batch instead of per event (recompute many tickets' clocks at
   * once). A failure undoes the batch's writes and counts as a failed attempt of each of its events for this
   * subscriber only; each is then retried on its own (handler, then endOfPass, for that one event).
   */
  endOfPass?: (trx: Transaction<Database>) => Promise<void>;
}

export interface RetryPolicy {
  /** Attempts (the first delivery included) before an event is dead-lettered for a subscriber. */
  maxAttempts: number;
  /** Wait before the second attempt; doubled before each further one, up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
}

/**
 * Five attempts over about a minute and a quarter (5 s, 10 s, 20 s, 40 s): long enough to ride out a deploy
 * of a fixed subscriber or a lock timeout, short enough that an admin sees a real fault the same hour. An
 * outage of the database itself fails the whole pass, which records nothing, so it never dead-letters.
 */
export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 5, backoffMs: 5_000, maxBackoffMs: 300_000 };

/** The longest last_error kept per failure: enough for a message and the top of a stack. */
const errorMaxLength = 2_000;

interface Registered {
  name: string;
  types: ReadonlySet<EventType> | null;
  handle: Subscriber;
  wants: ((event: StoredEvent) => boolean) | null;
  writes: boolean;
  endOfPass: ((trx: Transaction<Database>) => Promise<void>) | null;
}

/** A handler of every instance (onEveryInstance). */
interface EveryInstance {
  name: string;
  types: ReadonlySet<EventType> | null;
  handle: (event: StoredEvent) => void;
  gap: (() => void) | null;
}

/** The notification topic on which a pass names the events it dispatched, for every instance's handlers. */
const dispatchedTopic = 'outbox';
/** Ids per notification: well under PostgreSQL's 8,000-byte payload with ids of up to 15 digits. */
const idsPerNotification = 400;

/** One failed delivery in a pass, written to outbox_failures before the pass commits. */
interface Failure {
  event: StoredEvent;
  subscriber: string;
  err: unknown;
}

type Db = Kysely<Database> | Transaction<Database>;

type OutboxRow = Selectable<OutboxTable>;

function storedEvent(row: OutboxRow): StoredEvent {
  // The outbox holds what record() accepted: a declared type with its payload.
  return {
    id: row.id,
    type: row.type as EventType,
    subjectType: row.subject_type,
    subjectId: row.subject_id,
    actorId: row.actor_id,
    payload: JSON.parse(row.payload),
    createdAt: row.created_at,
  } as StoredEvent;
}

export function describeError(err: unknown): string {
  const text = err instanceof Error ? err.stack || `${err.name}: ${err.message}` : String(err);
  return text.length > errorMaxLength ? `${text.slice(0, errorMaxLength - 1)}…` : text;
}

/** How long to wait after the given number of failed attempts. */
export function retryDelayMs(policy: RetryPolicy, attempts: number): number {
  return Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, attempts - 1));
}

/** How often passes look for due retries, at most (a look-up per pass would tax the happy path). */
export const retryLookIntervalMs = 1_000;

/** How long a nudge waits for more events before a dispatch pass. */
export const nudgeDelayMs = 20;

export class EventBus {
  private subscribers: Registered[] = [];
  private everyInstance: EveryInstance[] = [];
  /** Listening for other instances' passes (PostgreSQL): in force once this resolves. */
  private listening: Promise<(() => void) | null> | null = null;
  /** Events heard of, handed on in order. */
  private heard: Promise<void> = Promise.resolve();
  private scheduled = false;
  private running: Promise<void> | null = null;
  private stopped = false;
  /** When the next pass looks for due retries (clock ms); 0: the next pass does. */
  private nextRetryLookAt = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly caps: DbCapabilities,
    private readonly clock: Clock,
    private readonly log: Logger,
    readonly retryPolicy: RetryPolicy = defaultRetryPolicy,
  ) {}

  /**
   * Register a subscriber for some event types (or all, with null). Its name is stored with its failed
   * deliveries and shown to admins, so it must be stable across releases and unique. Returns the way to
   * unsubscribe (an app that closes stops listening).
   */
  subscribe<T extends EventType = EventType>(
    name: string,
    types: readonly T[] | null,
    handle: Subscriber<T>,
    options: SubscriberOptions<T> = {},
  ): () => void {
    this.assertNameFree(name);
    // The relay hands a subscriber only the types it named (or all, with null): the narrowing is sound.
    const subscriber: Registered = {
      name,
      types: types ? new Set<EventType>(types) : null,
      handle: handle as Subscriber,
      wants: (options.wants as Registered['wants']) ?? null,
      writes: options.writes ?? true,
      endOfPass: options.endOfPass ?? null,
    };
    this.subscribers.push(subscriber);
    return () => {
      this.subscribers = this.subscribers.filter((sub) => sub !== subscriber);
    };
  }

  /**
   * Hand events to a handler in every instance on the database, after the pass that dispatched them (in whichever
   * instance) has committed: for what each process holds in memory, such as its open live streams. The handler
   * runs outside any transaction, must not write (every instance runs it), should only queue work, and is not
   * retried. `gap` is called when events may have been missed (the connection that hears other instances broke
   * and is back): a holder of live state should resynchronise. On SQLite (one process) the events are handed on
   * after this process's own pass. Returns the way to unsubscribe.
   */
  onEveryInstance<T extends EventType = EventType>(
    name: string,
    types: readonly T[] | null,
    handle: (event: StoredEvent<T>) => void,
    options: { gap?: () => void } = {},
  ): () => void {
    this.assertNameFree(name);
    const registered: EveryInstance = {
      name,
      types: types ? new Set<EventType>(types) : null,
      handle: handle as EveryInstance['handle'],
      gap: options.gap ?? null,
    };
    this.everyInstance.push(registered);
    const notifications = this.caps.notifications;
    if (notifications && !this.listening && !this.stopped) {
      this.listening = notifications
        .listen(dispatchedTopic, {
          message: (payload) => this.heardOf(payload),
          reconnected: () => {
            for (const h of this.everyInstance) h.gap?.();
          },
        })
        .catch((err) => {
          // Not listened again here: the notifications keep trying, and say (gap) when they hold.
          this.log.error(
            { err },
            'events: listening for other instances failed; trying again in the background',
          );
          return null;
        });
    }
    return () => {
      this.everyInstance = this.everyInstance.filter((h) => h !== registered);
    };
  }

  /** Names are stored with failed deliveries and shown to admins: one per subscriber, of either kind. */
  private assertNameFree(name: string): void {
    if (this.subscribers.some((sub) => sub.name === name) || this.everyInstance.some((h) => h.name === name))
      throw new Error(`an event subscriber named "${name}" is already registered`);
  }

  /** Resolves once this instance hears every instance's passes (at once on SQLite). */
  async everyInstanceReady(): Promise<void> {
    await this.listening;
  }

  /** A pass (this instance's or another's) named the events it dispatched: read them and hand them on, in order. */
  private heardOf(payload: string): void {
    if (!/^\d{1,15}(,\d{1,15})*$/.test(payload)) {
      this.log.warn(
        { payload: payload.slice(0, 100) },
        'events: a notification that names no events, ignored',
      );
      return;
    }
    const ids = payload.split(',').map(Number);
    this.heard = this.heard
      .then(async () => {
        if (this.everyInstance.length === 0) return;
        // Only the types some handler takes (the live stream wants a few of the many).
        const wanted = this.everyInstance.some((h) => !h.types)
          ? null
          : [...new Set(this.everyInstance.flatMap((h) => [...(h.types ?? [])]))];
        if (wanted?.length === 0) return;
        const rows = await this.db
          .selectFrom('outbox')
          .selectAll()
          .where('id', 'in', ids)
          .$if(wanted !== null, (q) => q.where('type', 'in', wanted as EventType[]))
          .orderBy('id')
          .execute();
        this.handEveryInstance(rows.map(storedEvent));
      })
      .catch((err) => this.log.error({ err }, 'events: handing on what other instances dispatched failed'));
  }

  private handEveryInstance(events: readonly StoredEvent[]): void {
    for (const event of events) {
      for (const h of this.everyInstance) {
        if (h.types && !h.types.has(event.type)) continue;
        try {
          h.handle(event);
        } catch (err) {
          this.log.error(
            { err, eventId: event.id, subscriber: h.name },
            'event handler of every instance failed',
          );
        }
      }
    }
  }

  /** Make the next pass look for due retries at once (an admin asked for one). */
  wakeRetries(): void {
    this.nextRetryLookAt = 0;
  }

  /** The names of the registered subscribers, in registration order. */
  subscriberNames(): string[] {
    return this.subscribers.map((sub) => sub.name);
  }

  /**
   * Store events inside the caller's transaction; they are dispatched after it commits (call nudge()).
   * Returns their outbox ids, in order (a delivery may name the event it carries).
   */
  async record(trx: Db, events: NewEvent[]): Promise<number[]> {
    if (events.length === 0) return [];
    const now = this.clock.now();
    const rows = await trx
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
      .returning('id')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Ask for a dispatch soon; many nudges in one tick make one pass. */
  nudge(): void {
    if (this.scheduled || this.stopped || (this.subscribers.length === 0 && this.everyInstance.length === 0))
      return;
    this.scheduled = true;
    // A short delay gathers the events of concurrent requests into one pass (one transaction, and one
    // clock recompute for all their tickets) instead of a pass per request; 20 ms is far below what a
    // person watching a live list notices.
    setTimeout(() => {
      this.scheduled = false;
      void this.dispatchPending().catch((err) => this.log.error({ err }, 'outbox dispatch failed'));
    }, nudgeDelayMs).unref();
  }

  /**
   * Dispatch stored events to subscribers, oldest first, then retry the failed deliveries that are due;
   * returns how many new events were dispatched (each to every subscriber that wanted it, or set aside for
   * retry for the ones that failed).
   */
  async dispatchPending(limit = 200): Promise<number> {
    // One pass at a time in this process; a second caller waits for the running pass and then goes.
    while (this.running) await this.running;
    let count = 0;
    const pass = (async () => {
      const dispatched = await this.dispatchBatch(limit);
      count = dispatched.length;
      // One process (SQLite): its handlers of every instance get the events once the pass has committed. On
      // PostgreSQL the pass's notification brings them to every instance, this one included.
      if (!this.caps.notifications && this.everyInstance.length > 0) this.handEveryInstance(dispatched);
    })();
    this.running = pass;
    try {
      await pass;
    } finally {
      this.running = null;
    }
    return count;
  }

  /**
   * One pass, one transaction. Each subscriber's handling of an event is its own unit: a writing subscriber
   * runs in a savepoint, so a failure undoes only its own writes while the other subscribers' commit with
   * the pass. A failure does not stop the pass: the event is still marked dispatched (every other subscriber
   * has it) and the failed (event, subscriber) is written to outbox_failures, from where later passes retry
   * it for that subscriber alone. So a subscriber may see a retried event after later ones: subscribers work
   * from current state, not from the order of events. On the happy path this costs what it did before, plus
   * a savepoint per writing subscriber beyond the first on an event, and one per endOfPass batch; due retries
   * are looked up at most once a second.
   */
  private async dispatchBatch(limit: number): Promise<StoredEvent[]> {
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
      const failures: Failure[] = [];
      const handled = new Map<Registered, StoredEvent[]>();
      const events = rows.map(storedEvent);
      for (const event of events) {
        for (const sub of this.subscribers) {
          if ((sub.types && !sub.types.has(event.type)) || (sub.wants && !sub.wants(event))) continue;
          const err = await this.runUnit(trx, sub.writes, () => sub.handle(event, trx));
          if (err) failures.push({ event, subscriber: sub.name, err: err.cause });
          else {
            const seen = handled.get(sub);
            if (seen) seen.push(event);
            else handled.set(sub, [event]);
          }
        }
      }
      for (const [sub, events] of handled) {
        const endOfPass = sub.endOfPass;
        if (!endOfPass) continue;
        const err = await this.runUnit(trx, true, () => endOfPass(trx));
        if (err) for (const event of events) failures.push({ event, subscriber: sub.name, err: err.cause });
      }
      const now = this.clock.now();
      if (rows.length > 0) {
        await trx
          .updateTable('outbox')
          .set({ dispatched_at: now })
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
        // Every instance hears which events this pass dispatched, when it commits.
        const notifications = this.caps.notifications;
        if (notifications)
          for (let i = 0; i < rows.length; i += idsPerNotification)
            await notifications.notify(
              trx,
              dispatchedTopic,
              rows
                .slice(i, i + idsPerNotification)
                .map((r) => r.id)
                .join(','),
            );
      }
      if (failures.length > 0) await this.recordFirstFailures(trx, failures, now);
      // Due retries are looked for once a second, not on every pass: none can be due sooner after this
      // process recorded them (the first wait is longer), and another instance's rows wait for it.
      if (now >= this.nextRetryLookAt) {
        const tried = await this.retryDue(trx, limit, now);
        this.nextRetryLookAt = tried >= limit ? 0 : now + retryLookIntervalMs;
      }
      return events;
    });
  }

  /**
   * Run one subscriber's work; with a savepoint when it may write, so that a failure undoes only its writes.
   * Returns the failure (wrapped, since anything may be thrown), or null.
   */
  private async runUnit(
    trx: Transaction<Database>,
    savepoint: boolean,
    work: () => Promise<void> | void,
  ): Promise<{ cause: unknown } | null> {
    if (savepoint) await sql`savepoint outbox_unit`.execute(trx);
    try {
      await work();
    } catch (cause) {
      if (savepoint) await sql`rollback to savepoint outbox_unit`.execute(trx);
      return { cause };
    }
    if (savepoint) await sql`release savepoint outbox_unit`.execute(trx);
    return null;
  }

  private async recordFirstFailures(trx: Transaction<Database>, failures: Failure[], now: number) {
    const policy = this.retryPolicy;
    const dead = policy.maxAttempts <= 1;
    for (const f of failures) {
      this.log.error(
        { err: f.err, eventId: f.event.id, subscriber: f.subscriber, attempts: 1 },
        dead ? 'event subscriber failed; event dead-lettered for it' : 'event subscriber failed; will retry',
      );
    }
    await trx
      .insertInto('outbox_failures')
      .values(
        failures.map((f) => ({
          outbox_id: f.event.id,
          subscriber: f.subscriber,
          attempts: 1,
          last_error: describeError(f.err),
          first_failed_at: now,
          last_attempt_at: now,
          next_attempt_at: dead ? null : now + retryDelayMs(policy, 1),
          dead_lettered_at: dead ? now : null,
        })),
      )
      .execute();
  }

  /**
   * Retry the failed deliveries that are due, each alone: the subscriber's handler and then its endOfPass
   * for that one event, in one savepoint. Only this process's subscribers are tried (another instance may
   * run a different set); on PostgreSQL the rows are claimed with SKIP LOCKED like the outbox.
   */
  private async retryDue(trx: Transaction<Database>, limit: number, now: number): Promise<number> {
    const names = this.subscriberNames();
    if (names.length === 0) return 0;
    let query = trx
      .selectFrom('outbox_failures as f')
      .innerJoin('outbox as o', 'o.id', 'f.outbox_id')
      .select(['f.id as failureId', 'f.subscriber', 'f.attempts'])
      .selectAll('o')
      .where('f.dead_lettered_at', 'is', null)
      .where('f.next_attempt_at', '<=', now)
      .where('f.subscriber', 'in', names)
      .orderBy('f.next_attempt_at')
      .orderBy('f.id')
      .limit(limit);
    if (this.caps.supportsSkipLocked) query = query.forUpdate(['f']).skipLocked();
    const due = await query.execute();
    for (const row of due) {
      const sub = this.subscribers.find((s) => s.name === row.subscriber);
      if (!sub) continue;
      const event = storedEvent(row);
      const err = await this.runUnit(trx, true, async () => {
        await sub.handle(event, trx);
        if (sub.endOfPass) await sub.endOfPass(trx);
      });
      if (!err) {
        this.log.info(
          { eventId: event.id, subscriber: sub.name, attempts: row.attempts + 1 },
          'event retry delivered',
        );
        await trx.deleteFrom('outbox_failures').where('id', '=', row.failureId).execute();
        continue;
      }
      const attempts = row.attempts + 1;
      const dead = attempts >= this.retryPolicy.maxAttempts;
      this.log.error(
        { err: err.cause, eventId: event.id, subscriber: sub.name, attempts },
        dead ? 'event subscriber failed; event dead-lettered for it' : 'event subscriber failed; will retry',
      );
      await trx
        .updateTable('outbox_failures')
        .set({
          attempts,
          last_error: describeError(err.cause),
          last_attempt_at: now,
          next_attempt_at: dead ? null : now + retryDelayMs(this.retryPolicy, attempts),
          dead_lettered_at: dead ? now : null,
        })
        .where('id', '=', row.failureId)
        .execute();
    }
    return due.length;
  }

  /** Resolves once no dispatch pass is running: what subscribers wrote has committed. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    while (this.running) await this.running;
    const listening = this.listening;
    this.listening = null;
    (await listening)?.();
    await this.heard;
  }
}
