// The webhook delivery pipeline: fan-out (one delivery row per event and matching active webhook, written in
// the outbox relay's transaction), then a worker that claims due rows, POSTs the signed event and records the
// outcome — delivered, retry later with exponential backoff, or failed — with the reason in the delivery log.
// The log keeps a status and a short reason of our own words: never the receiver's body, status text or
// redirect target, which an internal service reached by mistake would otherwise hand to whoever reads it.
import http from 'node:http';
import https from 'node:https';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import { toIso } from '../core/clock.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, DeliveryStatus, WebhookDeliveriesTable } from '../core/db/index.js';
import { NotFound } from '../core/errors.js';
import type { EventType, StoredEvent } from '../core/events.js';
import { activeWebhooksGeneration, rememberActiveWebhooks } from './active-webhooks.js';
import { signatureHeader, signWebhookBody, timestampHeader } from './webhook-signature.js';
import { checkedLookup, TargetRefused, webhookTargetProblem } from './webhook-targets.js';
import { assertCanManageWebhooks, webhookWants } from './webhooks.js';

export const userAgent = 'opsdesk-webhooks/0.1';

/** Waits after the 1st, 2nd, … failed attempt; after the last one the delivery is failed (8 attempts, ~43 h). */
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
/** The longest Retry-After we honour: a receiver cannot park a delivery for days. */
const maxRetryAfterMs = 86_400_000;
const lastErrorMaxLength = 300;

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

/** What one attempt came to. A failure says whether to retry and why; the reason is a short stable label. */
export type AttemptOutcome =
  | { kind: 'delivered'; statusCode: number }
  | {
      kind: 'retry' | 'give_up';
      reason: 'http_3xx' | 'http_4xx' | 'http_5xx' | 'timeout' | 'network' | 'address_refused';
      statusCode: number | null;
      error: string;
      retryAfterMs?: number;
    };

export interface DeliveryPassResult {
  attempted: number;
  delivered: number;
  retrying: number;
  failed: number;
}

// ---- fan-out ------------------------------------------------------------------------------------------

/**
 * One pending delivery per active webhook that wants the event. Runs in the relay's transaction; the unique
 * (webhook_id, event_id) makes a second dispatch of the same event a no-op. Returns how many webhooks match.
 */
export async function fanOutEvent(
  trx: Transaction<Database>,
  now: number,
  event: StoredEvent,
  ctx?: ServiceContext,
): Promise<number> {
  const at = ctx ? activeWebhooksGeneration(ctx) : 0;
  const hooks = (
    await trx.selectFrom('webhooks').select(['id', 'events']).where('active', '=', 1).orderBy('id').execute()
  ).map((h) => ({ id: h.id, events: JSON.parse(h.events) as EventType[] }));
  if (ctx) rememberActiveWebhooks(ctx, at, hooks);
  const matching = hooks.filter((h) => webhookWants(h.events, event.type));
  if (matching.length === 0) return 0;
  await trx
    .insertInto('webhook_deliveries')
    .values(
      matching.map((h) => ({
        webhook_id: h.id,
        event_id: event.id,
        status: 'pending' as const,
        attempts: 0,
        next_attempt_at: now,
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((oc) => oc.columns(['webhook_id', 'event_id']).doNothing())
    .execute();
  return matching.length;
}

// ---- the fast path --------------------------------------------------------------------------------------

const workers = new WeakSet<object>();
const nudged = new WeakSet<object>();
const passes = new WeakMap<object, Promise<DeliveryPassResult>>();

/** Deliveries for this context are made in this process (registerNotify); the CLI only queues them. */
export function enableDeliveryWorker(ctx: ServiceContext): boolean {
  if (workers.has(ctx)) return false;
  workers.add(ctx);
  return true;
}

/** Deliver soon, once what the caller wrote has committed; many nudges in one tick make one pass. */
export function nudgeDelivery(ctx: ServiceContext): void {
  if (!workers.has(ctx) || nudged.has(ctx)) return;
  nudged.add(ctx);
  setImmediate(() => {
    nudged.delete(ctx);
    // A fan-out writes inside the relay's pass: wait for it to commit, or the rows are not visible yet.
    void ctx.events
      .idle()
      .then(() => deliverDue(ctx))
      .catch((err) => ctx.log.error({ err }, 'webhook delivery pass failed'));
  });
}

// ---- the worker -----------------------------------------------------------------------------------------

export interface DeliverOptions {
  /** Rows claimed and sent concurrently at a time. */
  batchSize?: number;
  /** Upper bound on attempts in one pass, so a pass ends. */
  maxPerPass?: number;
}

/**
 * Attempt every due delivery of an active webhook. Passes in one process run one at a time (a caller waits
 * for the running pass, then makes its own); across instances on PostgreSQL, rows are claimed with
 * FOR UPDATE SKIP LOCKED and leased (next_attempt_at moves past the timeout) so no two instances send one.
 */
export async function deliverDue(
  ctx: ServiceContext,
  options: DeliverOptions = {},
): Promise<DeliveryPassResult> {
  for (let running = passes.get(ctx); running; running = passes.get(ctx)) {
    // Only waiting for the turn: the pass's own caller receives and reports its failure.
    await running.catch(() => undefined);
  }
  const pass = runDeliveryPass(ctx, options.batchSize ?? 16, options.maxPerPass ?? 256);
  passes.set(ctx, pass);
  try {
    return await pass;
  } finally {
    passes.delete(ctx);
  }
}

interface ClaimedDelivery {
  id: number;
  attempts: number;
  leaseUntil: number;
}

async function runDeliveryPass(
  ctx: ServiceContext,
  batchSize: number,
  maxPerPass: number,
): Promise<DeliveryPassResult> {
  const result: DeliveryPassResult = { attempted: 0, delivered: 0, retrying: 0, failed: 0 };
  while (result.attempted < maxPerPass) {
    const claimed = await claimDue(ctx, Math.min(batchSize, maxPerPass - result.attempted));
    if (claimed.length === 0) break;
    const outcomes = await Promise.all(claimed.map((c) => attemptDelivery(ctx, c)));
    for (const status of outcomes) {
      result.attempted += 1;
      if (status === 'delivered') result.delivered += 1;
      else if (status === 'failed') result.failed += 1;
      else if (status === 'pending') result.retrying += 1;
    }
    if (claimed.length < batchSize) break;
  }
  return result;
}

async function claimDue(ctx: ServiceContext, limit: number): Promise<ClaimedDelivery[]> {
  const now = ctx.clock.now();
  // Long enough for the request to time out and its outcome to be written; a crash mid-attempt only delays.
  const leaseUntil = now + ctx.config.webhookTimeoutMs + 60_000;
  return ctx.db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('webhook_deliveries as d')
      .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
      .select(['d.id', 'd.attempts'])
      .where('d.status', '=', 'pending')
      .where('d.next_attempt_at', '<=', now)
      .where('w.active', '=', 1)
      .orderBy('d.next_attempt_at')
      .orderBy('d.id')
      .limit(limit);
    if (ctx.caps.supportsSkipLocked) query = query.forUpdate(['d']).skipLocked();
    const rows = await query.execute();
    if (rows.length === 0) return [];
    await trx
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: leaseUntil }) // updated_at stays: a lease is not a change anyone made
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((r) => ({ id: r.id, attempts: r.attempts, leaseUntil }));
  });
}

/** One attempt: build and sign the request, send it, record the outcome. Returns the delivery's new status. */
async function attemptDelivery(
  ctx: ServiceContext,
  claim: ClaimedDelivery,
): Promise<DeliveryStatus | 'gone'> {
  const row = await ctx.db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhooks as w', 'w.id', 'd.webhook_id')
    .innerJoin('outbox as e', 'e.id', 'd.event_id')
    .select([
      'd.id',
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
    .where('d.id', '=', claim.id)
    .executeTakeFirst();
  if (!row) return 'gone'; // the webhook was deleted meanwhile

  const body = JSON.stringify({
    id: row.eventId,
    type: row.type,
    occurredAt: toIso(row.created_at),
    subject: { type: row.subject_type, id: row.subject_id },
    actorId: row.actor_id,
    data: JSON.parse(row.payload),
  });
  const timestamp = Math.floor(ctx.clock.now() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': userAgent,
    'x-opsdesk-event': row.type,
    'x-opsdesk-delivery': String(row.id),
    [timestampHeader]: String(timestamp),
    [signatureHeader]: signWebhookBody(row.secret, timestamp, body),
  };
  const outcome = await postDelivery(row.url, headers, body, {
    timeoutMs: ctx.config.webhookTimeoutMs,
    allowPrivate: ctx.config.webhookAllowPrivate,
  });
  const attempts = claim.attempts + 1;
  const next = nextState(outcome, attempts, ctx.clock.now());
  // Only while the lease is ours: a redelivery requested meanwhile wins over this attempt's outcome.
  await ctx.db
    .updateTable('webhook_deliveries')
    .set({
      status: next.status,
      attempts,
      next_attempt_at: next.nextAttemptAt,
      last_status_code: outcome.statusCode,
      last_error: next.lastError,
      updated_at: ctx.clock.now(),
    })
    .where('id', '=', claim.id)
    .where('next_attempt_at', '=', claim.leaseUntil)
    .execute();
  const log = { deliveryId: row.id, eventId: row.eventId, url: redactUrlCredentials(row.url), attempts };
  if (outcome.kind === 'delivered')
    ctx.log.debug({ ...log, statusCode: outcome.statusCode }, 'webhook delivered');
  else
    ctx.log.warn(
      { ...log, reason: outcome.reason, status: next.status, error: outcome.error },
      'webhook delivery failed',
    );
  return next.status;
}

/**
 * POST the signed body. Redirects are not followed (the signed request goes only where an admin pointed it);
 * the host is resolved by checkedLookup, so the socket connects only to an address that passed the check.
 */
export async function postDelivery(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<AttemptOutcome> {
  const target = new URL(url);
  // A URL saved while private targets were allowed, or an IP literal (which skips the lookup), is checked here.
  const problem = webhookTargetProblem(target, options.allowPrivate);
  if (problem !== null) return refusedOutcome(`the URL ${problem}`);
  const client = target.protocol === 'https:' ? https : http;
  return new Promise<AttemptOutcome>((resolve) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: checkedLookup(options.allowPrivate),
        // A fresh connection each time: a kept-alive socket would skip the lookup's check.
        agent: false,
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response) => {
        // Only the status matters; the body is not ours to download.
        response.destroy();
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve({ kind: 'delivered', statusCode: status });
        else resolve(classifyResponse(status, headerText(response.headers['retry-after'])));
      },
    );
    request.on('error', (err) => resolve(classifyError(err, options.timeoutMs)));
    request.end(body);
  });
}

function headerText(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

function refusedOutcome(why: string): AttemptOutcome {
  return { kind: 'give_up', reason: 'address_refused', statusCode: null, error: clip(`refused: ${why}`) };
}

/** A non-2xx answer: 4xx other than 408 (timeout) and 429 (rate limit) mean the receiver will not take it. */
export function classifyResponse(status: number, retryAfter: string | null): AttemptOutcome {
  // Our own reason phrase, not the receiver's: its text is not ours to keep.
  const phrase = http.STATUS_CODES[status];
  const head = `HTTP ${status}${phrase ? ` ${phrase}` : ''}`;
  if (status >= 300 && status < 400) {
    return { kind: 'retry', reason: 'http_3xx', statusCode: status, error: `${head}: redirect not followed` };
  }
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return {
      kind: 'give_up',
      reason: 'http_4xx',
      statusCode: status,
      error: `${head} — not retried: the receiver refused the delivery (4xx other than 408 and 429)`,
    };
  }
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(retryAfter) : undefined;
  return {
    kind: 'retry',
    reason: status >= 500 ? 'http_5xx' : 'http_4xx',
    statusCode: status,
    error: head,
    retryAfterMs,
  };
}

export function classifyError(err: unknown, timeoutMs: number): AttemptOutcome {
  if (err instanceof TargetRefused) return refusedOutcome(err.reason);
  const e = err as { name?: string; code?: unknown; message?: string; cause?: { code?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
    return { kind: 'retry', reason: 'timeout', statusCode: null, error: `no answer within ${timeoutMs} ms` };
  }
  // The error's code (ECONNREFUSED, ENOTFOUND, a TLS code) says enough; its message may name internal hosts.
  const code = typeof e?.code === 'string' ? e.code : (e?.cause?.code ?? 'unknown error');
  return {
    kind: 'retry',
    reason: 'network',
    statusCode: null,
    error: `request failed: ${code.slice(0, 60)}`,
  };
}

/** Retry-After in seconds or as an HTTP date, relative to now; capped. */
function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const ms = /^\d+$/.test(value.trim()) ? Number(value.trim()) * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) && ms > 0 ? Math.min(ms, maxRetryAfterMs) : undefined;
}

/** The delivery's state after an attempt with this outcome (attempts counts this one). */
export function nextState(
  outcome: AttemptOutcome,
  attempts: number,
  now: number,
): { status: DeliveryStatus; nextAttemptAt: number | null; lastError: string | null } {
  if (outcome.kind === 'delivered') return { status: 'delivered', nextAttemptAt: null, lastError: null };
  if (outcome.kind === 'give_up')
    return { status: 'failed', nextAttemptAt: null, lastError: clip(outcome.error) };
  if (attempts >= maxAttempts) {
    return {
      status: 'failed',
      nextAttemptAt: null,
      lastError: clip(`${outcome.error} — gave up after ${attempts} attempts`),
    };
  }
  const delay = Math.max(retryDelaysMs[attempts - 1], outcome.retryAfterMs ?? 0);
  return { status: 'pending', nextAttemptAt: now + delay, lastError: clip(outcome.error) };
}

function clip(s: string): string {
  return s.length > lastErrorMaxLength ? `${s.slice(0, lastErrorMaxLength - 1)}…` : s;
}

function redactUrlCredentials(url: string): string {
  return url.replace(/\/\/([^:@/]*)(:[^@/]*)?@/, '//$1:***@');
}

// ---- the delivery log -------------------------------------------------------------------------------------

export interface DeliveryPageQuery {
  limit: number;
  /** Newest first: the page continues below this id. */
  beforeId?: number;
  status?: DeliveryStatus;
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

/** Send a delivery again: pending now, with a fresh round of attempts. */
export async function redeliver(
  ctx: ServiceContext,
  actor: Actor,
  webhookId: number,
  deliveryId: number,
): Promise<WebhookDelivery> {
  assertCanManageWebhooks(actor);
  const now = ctx.clock.now();
  const delivery = await ctx.db.transaction().execute(async (trx) => {
    await requireWebhook(trx, webhookId);
    const found = await trx
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('id', '=', deliveryId)
      .where('webhook_id', '=', webhookId)
      .executeTakeFirst();
    if (!found)
      throw new NotFound('webhook_not_found', `Webhook ${webhookId} has no delivery ${deliveryId}.`);
    await trx
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', attempts: 0, next_attempt_at: now, updated_at: now })
      .where('id', '=', deliveryId)
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'webhook.redelivered',
      subjectType: 'webhook',
      subjectId: webhookId,
      details: { deliveryId },
    });
    const row = await trx
      .selectFrom('webhook_deliveries as d')
      .innerJoin('outbox as e', 'e.id', 'd.event_id')
      .selectAll('d')
      .select('e.type')
      .where('d.id', '=', deliveryId)
      .executeTakeFirstOrThrow();
    return deliveryFromRow(row);
  });
  nudgeDelivery(ctx);
  return delivery;
}
