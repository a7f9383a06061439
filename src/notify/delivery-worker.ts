// The one delivery worker of every channel: claims due deliveries with a lease (FOR UPDATE SKIP LOCKED where
// the database has it), sends at most a channel's concurrency at a time, and records each outcome — delivered,
// pending again after backoff with jitter, failed (refused for good) or dead (attempts spent). An object made
// by a domain's register function and carried in the context (ctx.deliveries), not module-level state.
import type { ServiceContext } from '../core/context.js';
import type { DeliveryChannelName, DeliveryState } from '../core/db/index.js';
import type { DeliveryQueue } from '../core/jobs.js';
import { type AttemptOutcome, type DeliveryChannel, nextState, type OutgoingDelivery } from './channel.js';

export interface DeliveryPassResult {
  attempted: number;
  delivered: number;
  retrying: number;
  /** Failed for good or dead. */
  failed: number;
}

export interface DeliverOptions {
  /** Only this channel's deliveries. */
  channel?: DeliveryChannelName;
  /** Rows claimed (and sent concurrently) at a time; at most the channel's concurrency. */
  batchSize?: number;
  /** Upper bound on attempts per channel in one pass, so a pass ends. */
  maxPerPass?: number;
}

/** One attempt as an observer sees it: the channel, the state it left the delivery in, and why it failed. */
export interface DeliveryAttempt {
  channel: DeliveryChannelName;
  state: DeliveryState;
  /** The channel's stable failure reason (http_5xx, timeout, smtp_4xx, …); null when delivered. */
  reason: string | null;
}

export interface DeliveryWorkerOptions {
  /** 0 ≤ random < 1, spreading retries (channel.ts nextState); without it retries come exactly on time. */
  jitter?: () => number;
  /** Told of every attempt once its outcome is written (the entry point counts them as a metric). */
  onAttempt?: (attempt: DeliveryAttempt) => void;
}

interface Claim {
  delivery: OutgoingDelivery;
  leaseUntil: number;
}

const emptyResult = (): DeliveryPassResult => ({ attempted: 0, delivered: 0, retrying: 0, failed: 0 });

export class DeliveryWorker implements DeliveryQueue {
  private readonly channels = new Map<DeliveryChannelName, DeliveryChannel>();
  private running: Promise<DeliveryPassResult> | null = null;
  private nudged = false;
  private closed = false;
  private jitter: () => number = () => 0;
  private onAttempt: (attempt: DeliveryAttempt) => void = () => {};

  constructor(
    private readonly ctx: ServiceContext,
    channels: readonly DeliveryChannel[],
    options: DeliveryWorkerOptions = {},
  ) {
    for (const c of channels) this.channels.set(c.name, c);
    this.configure(options);
  }

  /** Set what the options give (whoever made the worker first, the entry point's jitter and observer apply). */
  configure(options: DeliveryWorkerOptions): void {
    if (options.jitter) this.jitter = options.jitter;
    if (options.onAttempt) this.onAttempt = options.onAttempt;
  }

  channel(name: DeliveryChannelName): DeliveryChannel | undefined {
    return this.channels.get(name);
  }

  /** Deliver soon, once what the caller wrote has committed; many nudges in one tick make one pass. */
  nudge(): void {
    if (this.nudged || this.closed) return;
    this.nudged = true;
    setImmediate(() => {
      this.nudged = false;
      // A fan-out writes inside the relay's pass: wait for it to commit, or the rows are not visible yet.
      void this.ctx.events
        .idle()
        .then(() => this.runDue())
        .catch((err) => this.ctx.log.error({ err }, 'delivery pass failed'));
    });
  }

  /**
   * Attempt every due delivery. Passes of one worker run one at a time (a caller waits for the running pass,
   * then makes its own); across instances rows are claimed with SKIP LOCKED where the database has it, and
   * leased, so no two instances send one.
   */
  async runDue(options: DeliverOptions = {}): Promise<DeliveryPassResult> {
    // Only waiting for the turn: the pass's own caller receives and reports its failure.
    while (this.running) await this.running.catch(() => undefined);
    const pass = this.pass(options);
    this.running = pass;
    try {
      return await pass;
    } finally {
      if (this.running === pass) this.running = null;
    }
  }

  close(): void {
    this.closed = true;
    for (const c of this.channels.values()) c.close?.();
  }

  private async pass(options: DeliverOptions): Promise<DeliveryPassResult> {
    const channels = [...this.channels.values()].filter(
      (c) => (options.channel === undefined || c.name === options.channel) && c.enabled(),
    );
    // Channels run side by side: a slow SMTP relay does not hold back webhooks.
    const results = await Promise.all(channels.map((c) => this.passOf(c, options)));
    const total = emptyResult();
    for (const r of results) {
      total.attempted += r.attempted;
      total.delivered += r.delivered;
      total.retrying += r.retrying;
      total.failed += r.failed;
    }
    return total;
  }

  private async passOf(channel: DeliveryChannel, options: DeliverOptions): Promise<DeliveryPassResult> {
    const batchSize = Math.max(1, Math.min(options.batchSize ?? channel.concurrency, channel.concurrency));
    const maxPerPass = options.maxPerPass ?? 256;
    const result = emptyResult();
    while (result.attempted < maxPerPass) {
      // Claiming is paging's database work: foreground, so a flooded ingest waits (core/foreground-work.ts). The
      // sends are not: they wait on the network, not on the event loop.
      const claimed = await this.ctx.foreground.run(() =>
        this.claimDue(channel, Math.min(batchSize, maxPerPass - result.attempted)),
      );
      if (claimed.length === 0) break;
      const states = await Promise.all(claimed.map((c) => this.attempt(channel, c)));
      for (const state of states) {
        result.attempted += 1;
        if (state === 'delivered') result.delivered += 1;
        else if (state === 'pending') result.retrying += 1;
        else result.failed += 1;
      }
      if (claimed.length < batchSize) break;
    }
    return result;
  }

  private async claimDue(channel: DeliveryChannel, limit: number): Promise<Claim[]> {
    const { ctx } = this;
    const now = ctx.clock.now();
    // Long enough for the attempt to time out and its outcome to be written; a crash mid-attempt only delays.
    const leaseUntil = now + channel.attemptTimeoutMs + 60_000;
    return ctx.db.transaction().execute(async (trx) => {
      let query = trx
        .selectFrom('deliveries')
        .select([
          'id',
          'channel',
          'endpoint_id',
          'event_id',
          'ticket_id',
          'target',
          'kind',
          'payload',
          'attempts',
          'idempotency_key',
        ])
        .where('channel', '=', channel.name)
        .where('state', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
        // An inactive endpoint's deliveries wait, pending, until it is active again.
        .where((eb) =>
          eb.or([
            eb('endpoint_id', 'is', null),
            eb('endpoint_id', 'in', eb.selectFrom('webhooks').select('id').where('active', '=', 1)),
          ]),
        )
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit);
      if (ctx.caps.supportsSkipLocked) query = query.forUpdate().skipLocked();
      const rows = await query.execute();
      if (rows.length === 0) return [];
      await trx
        .updateTable('deliveries')
        .set({ lease_until: leaseUntil }) // updated_at stays: a lease is not a change anyone made
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      return rows.map((r) => ({
        leaseUntil,
        delivery: {
          id: r.id,
          channel: r.channel,
          endpointId: r.endpoint_id,
          eventId: r.event_id,
          ticketId: r.ticket_id,
          target: r.target,
          kind: r.kind,
          payload: JSON.parse(r.payload) as Record<string, unknown>,
          attempt: r.attempts + 1,
          idempotencyKey: r.idempotency_key,
        },
      }));
    });
  }

  private async attempt(channel: DeliveryChannel, claim: Claim) {
    const { ctx } = this;
    const d = claim.delivery;
    let outcome: AttemptOutcome;
    try {
      outcome = await channel.send(d);
    } catch (err) {
      ctx.log.error({ err, deliveryId: d.id, channel: channel.name }, 'delivery channel threw');
      outcome = {
        kind: 'retry',
        reason: 'internal',
        statusCode: null,
        error: 'internal error while sending',
      };
    }
    const now = ctx.clock.now();
    const next = nextState(channel.retryDelaysMs, outcome, d.attempt, now, this.jitter());
    // Only while the lease is ours: a retry requested meanwhile wins over this attempt's outcome.
    await ctx.db
      .updateTable('deliveries')
      .set({
        state: next.state,
        attempts: d.attempt,
        next_attempt_at: next.nextAttemptAt,
        lease_until: null,
        last_status: outcome.statusCode,
        last_error: next.lastError,
        last_reason: outcome.kind === 'delivered' ? null : outcome.reason,
        updated_at: now,
        ...(outcome.kind === 'delivered' ? { delivered_at: now } : {}),
      })
      .where('id', '=', d.id)
      .where('lease_until', '=', claim.leaseUntil)
      .execute();
    this.onAttempt({
      channel: channel.name,
      state: next.state,
      reason: outcome.kind === 'delivered' ? null : outcome.reason,
    });
    const log = { deliveryId: d.id, channel: channel.name, attempts: d.attempt };
    if (outcome.kind === 'delivered') ctx.log.debug({ ...log, statusCode: outcome.statusCode }, 'delivered');
    else
      ctx.log.warn(
        { ...log, reason: outcome.reason, state: next.state, error: outcome.error },
        'delivery attempt failed',
      );
    return next.state;
  }
}
