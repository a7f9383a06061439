// What a delivery channel is to the pipeline: it sends one claimed delivery and says how that went —
// delivered, or a failure classified as retry-later or permanent with a short stable reason (a column of the
// delivery log and a metric label). Backoff, leases, attempts and the log are the worker's, the same for all.
import type { DeliveryChannelName, DeliveryState } from '../core/db/index.js';

/** One delivery as a channel receives it: the row's fields it may need, the payload parsed. */
export interface OutgoingDelivery {
  id: number;
  channel: DeliveryChannelName;
  endpointId: number | null;
  eventId: number | null;
  ticketId: number | null;
  target: string;
  kind: string;
  payload: Record<string, unknown>;
  /** The attempt being made, counting from 1. */
  attempt: number;
  /** Unique per channel and the same on every attempt: the receiver's means to drop a second copy. */
  idempotencyKey: string;
}

/** What one attempt came to. */
export type AttemptOutcome =
  | { kind: 'delivered'; statusCode: number | null }
  | {
      /** retry: try again later; give_up: the receiver will never take it (a permanent failure). */
      kind: 'retry' | 'give_up';
      /** Short and stable (http_5xx, timeout, smtp_4xx, …): a label, not a sentence. */
      reason: string;
      statusCode: number | null;
      /** Our own words for the log: never the receiver's body, which is not ours to keep. */
      error: string;
      /** The receiver asked us to wait this long (Retry-After). */
      retryAfterMs?: number;
    };

export interface DeliveryChannel {
  name: DeliveryChannelName;
  /** At most this many of the channel's deliveries are in flight at once in one worker. */
  concurrency: number;
  /** The longest one attempt may take; a claim's lease outlasts it. */
  attemptTimeoutMs: number;
  /** Waits after the 1st, 2nd, … failed attempt; after the last the delivery is dead. */
  retryDelaysMs: readonly number[];
  /** A delivered message may be sent again on request (webhooks: receivers dedupe; mail: people would not). */
  resendsDelivered: boolean;
  /** Whether it can send now (mail without OPSDESK_SMTP_OUT_URL cannot); a disabled channel's rows wait. */
  enabled(): boolean;
  /** Send one delivery. A failure is returned, classified, not thrown; a throw counts as a retry (internal). */
  send(delivery: OutgoingDelivery): Promise<AttemptOutcome>;
  /** Release connections (the SMTP transport) when the worker stops. */
  close?(): void;
}

/** How much earlier than its backoff a retry may come: spreads a burst of failures over time. */
const jitterShare = 0.1;
const lastErrorMaxLength = 300;

export interface NextState {
  state: DeliveryState;
  nextAttemptAt: number | null;
  lastError: string | null;
}

/**
 * The delivery's state after an attempt with this outcome (attempts counts this one). The backoff is the
 * channel's delay for this attempt, made up to jitterShare earlier by `random` (0 ≤ random < 1; 0 = none); a
 * receiver's Retry-After is honoured to the millisecond, never jittered below.
 */
export function nextState(
  retryDelaysMs: readonly number[],
  outcome: AttemptOutcome,
  attempts: number,
  now: number,
  random = 0,
): NextState {
  if (outcome.kind === 'delivered') return { state: 'delivered', nextAttemptAt: null, lastError: null };
  if (outcome.kind === 'give_up')
    return { state: 'failed', nextAttemptAt: null, lastError: clip(outcome.error) };
  if (attempts > retryDelaysMs.length) {
    return {
      state: 'dead',
      nextAttemptAt: null,
      lastError: clip(`${outcome.error} — gave up after ${attempts} attempts`),
    };
  }
  const backoff = retryDelaysMs[attempts - 1];
  const delay = Math.max(Math.round(backoff * (1 - jitterShare * random)), outcome.retryAfterMs ?? 0);
  return { state: 'pending', nextAttemptAt: now + delay, lastError: clip(outcome.error) };
}

export function clip(s: string): string {
  return s.length > lastErrorMaxLength ? `${s.slice(0, lastErrorMaxLength - 1)}…` : s;
}
