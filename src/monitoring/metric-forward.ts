// Forwarding metrics to an external Prometheus-compatible store (issue 19 item 4). Every batch the metric store
// appends is queued in the same transaction (metric_forward_queue, the same columnar blob as metric_wal's), and a
// job drains the queue by remote-write 1.0: claimed batches (FOR UPDATE SKIP LOCKED where the database has it, and
// a lease) are sent in id order, deleted once the store took them, retried with backoff on 5xx, 429 and network
// errors (a batch waiting for its retry holds back the newer ones, so no series' samples go out of order), and dropped — counted and logged — when the store refuses them for good (another 4xx). The queue is
// bounded: past OPSDESK_METRICS_FORWARD_MAX_QUEUE samples the oldest batches are dropped and counted, so a dead
// store cannot fill the disk. A batch may be sent twice only when a sender dies between the store's answer and the
// delete; the same samples again are accepted silently by Prometheus (same timestamp, same value).
import { defineLocalCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import { chunks } from '../core/db/index.js';
import { runExclusively } from '../core/exclusive-work.js';
import type { JobScheduler } from '../core/jobs.js';
import type { IngestSeries, Labels } from './metric-model.js';
import { encodeWriteRequest, snappyCompress } from './remote-write.js';
import { decodeBatch } from './sample-codec.js';

export const metricForwardLimits = {
  /** Samples per remote-write request (Prometheus's own sender sends up to 2,000 per shard request). */
  samplesPerRequest: 5000,
  /** Queue rows one claim takes at most. */
  rowsPerClaim: 100,
  /** How long one request may take before it counts as a network failure. */
  requestTimeoutMs: 30_000,
  /** Retry backoff: doubles from the first to the largest. */
  firstRetryMs: 5_000,
  maxRetryMs: 5 * 60_000,
  /** How often the job drains the queue. */
  intervalMs: 5_000,
} as const;

export type ForwardDropReason = 'refused' | 'queue_full';

export interface ForwardStats {
  /** Samples the external store took (this instance's sends). */
  sentSamples: number;
  /** Samples dropped, by reason: refused for good by the store, or the oldest past the queue's bound. */
  droppedSamples: Record<ForwardDropReason, number>;
  /** Sends that failed and will be retried. */
  failedSends: number;
}

class ForwardState {
  readonly labels = new Map<number, Labels>();
  readonly stats: ForwardStats = {
    sentSamples: 0,
    droppedSamples: { refused: 0, queue_full: 0 },
    failedSends: 0,
  };
}

const forwardState = defineLocalCache('metric_forward', () => new ForwardState());

export function forwardStats(ctx: ServiceContext): ForwardStats {
  const s = ctx.caches.local(forwardState).stats;
  return { ...s, droppedSamples: { ...s.droppedSamples } };
}

/** Samples waiting in the forward queue (all instances'). */
export async function forwardQueueSamples(ctx: ServiceContext): Promise<number> {
  const row = await ctx.db
    .selectFrom('metric_forward_queue')
    .select((s) => s.fn.coalesce(s.fn.sum<number>('samples'), s.val(0)).as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Drop the oldest batches past the queue's bound; the samples dropped (counted as queue_full). */
export async function trimForwardQueue(ctx: ServiceContext): Promise<number> {
  const max = ctx.config.metricsForwardMaxQueueSamples;
  const rows = await ctx.db
    .selectFrom('metric_forward_queue')
    .select(['id', 'samples'])
    .orderBy('id', 'desc')
    .execute();
  let kept = 0;
  let cut: number | null = null;
  for (const r of rows) {
    kept += Number(r.samples);
    if (kept > max) {
      cut = Number(r.id);
      break;
    }
  }
  if (cut === null) return 0;
  const gone = await ctx.db
    .deleteFrom('metric_forward_queue')
    .where('id', '<=', cut)
    .returning('samples')
    .execute();
  const dropped = gone.reduce((a, r) => a + Number(r.samples), 0);
  ctx.caches.local(forwardState).stats.droppedSamples.queue_full += dropped;
  if (dropped > 0)
    ctx.log.warn(
      { samples: dropped, maxQueueSamples: max },
      'metrics forward: queue full, the oldest samples were dropped',
    );
  return dropped;
}

interface Claimed {
  ids: number[];
  attempts: number;
  samples: number;
  data: Uint8Array[];
  leaseUntil: number;
}

/** The next due batches, leased: SKIP LOCKED keeps two instances off the same rows while they claim. */
async function claim(ctx: ServiceContext): Promise<Claimed | null> {
  const now = ctx.clock.now();
  const leaseUntil = now + metricForwardLimits.requestTimeoutMs * 2 + 60_000;
  return ctx.db.transaction().execute(async (trx) => {
    let query = trx
      .selectFrom('metric_forward_queue')
      .select(['id', 'samples', 'attempts', 'next_attempt_at', 'data'])
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .orderBy('id')
      .limit(metricForwardLimits.rowsPerClaim);
    if (ctx.caps.supportsSkipLocked) query = query.forUpdate().skipLocked();
    const rows = await query.execute();
    // Whole rows up to the request size (at least one): a row's samples go out together. A row waiting for its
    // retry holds back the newer ones: the store would refuse a series' older samples once it has newer ones.
    const taken: typeof rows = [];
    let samples = 0;
    for (const r of rows) {
      if (Number(r.next_attempt_at) > now) break;
      if (taken.length > 0 && samples + Number(r.samples) > metricForwardLimits.samplesPerRequest) break;
      taken.push(r);
      samples += Number(r.samples);
    }
    if (taken.length === 0) return null;
    const ids = taken.map((r) => Number(r.id));
    await trx
      .updateTable('metric_forward_queue')
      .set({ lease_until: leaseUntil })
      .where('id', 'in', ids)
      .execute();
    return {
      ids,
      attempts: Math.max(...taken.map((r) => Number(r.attempts))),
      samples,
      data: taken.map((r) => r.data),
      leaseUntil,
    };
  });
}

/** Label sets of series ids (series rows never change, so they are cached for the context's life). */
async function labelsOf(ctx: ServiceContext, ids: Iterable<number>): Promise<Map<number, Labels>> {
  const cache = ctx.caches.local(forwardState).labels;
  const missing = [...new Set(ids)].filter((id) => !cache.has(id));
  for (const part of chunks(missing, 500)) {
    const rows = await ctx.db
      .selectFrom('metric_series')
      .select(['id', 'labels'])
      .where('id', 'in', part)
      .execute();
    for (const r of rows) cache.set(Number(r.id), JSON.parse(r.labels) as Labels);
  }
  return cache;
}

/** The claimed batches as remote-write series: one entry per batch and series, samples in append order. */
async function seriesOf(ctx: ServiceContext, data: Uint8Array[]): Promise<IngestSeries[]> {
  const decoded = data.map((d) => decodeBatch(d));
  const labels = await labelsOf(
    ctx,
    decoded.flatMap((d) => Array.from(d.ids)),
  );
  const out: IngestSeries[] = [];
  for (const d of decoded) {
    let at = 0;
    for (let i = 0; i < d.ids.length; i++) {
      const n = d.counts[i] as number;
      const l = labels.get(d.ids[i] as number);
      if (l)
        out.push({
          labels: l,
          timestamps: Array.from(d.timestamps.subarray(at, at + n)),
          values: Array.from(d.values.subarray(at, at + n)),
        });
      at += n;
    }
  }
  return out;
}

type SendOutcome = { kind: 'sent' } | { kind: 'retry'; reason: string } | { kind: 'refused'; reason: string };

/** One remote-write 1.0 request (snappy-compressed protobuf WriteRequest). */
async function send(ctx: ServiceContext, series: IngestSeries[]): Promise<SendOutcome> {
  const target = new URL(ctx.config.metricsForwardUrl as string);
  const headers: Record<string, string> = {
    'Content-Encoding': 'snappy',
    'Content-Type': 'application/x-protobuf',
    'User-Agent': 'opsdesk',
    'X-Prometheus-Remote-Write-Version': '0.1.0',
  };
  // Basic auth from the URL's user:password goes in a header: fetch refuses credentials in the URL.
  if (target.username || target.password) {
    const user = decodeURIComponent(target.username);
    const password = decodeURIComponent(target.password);
    headers.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  if (ctx.config.metricsForwardBearerToken)
    headers.Authorization = `Bearer ${ctx.config.metricsForwardBearerToken}`;
  let res: Response;
  try {
    res = await fetch(target, {
      method: 'POST',
      headers,
      body: new Uint8Array(snappyCompress(encodeWriteRequest(series))),
      signal: AbortSignal.timeout(metricForwardLimits.requestTimeoutMs),
    });
  } catch (err) {
    const name = (err as Error).name;
    return { kind: 'retry', reason: name === 'TimeoutError' ? 'timeout' : 'network' };
  }
  const text = await res.text().catch(() => '');
  if (res.ok) return { kind: 'sent' };
  const reason = `http_${res.status}${text ? `: ${text.slice(0, 200).trim()}` : ''}`;
  if (res.status === 429 || res.status >= 500) return { kind: 'retry', reason };
  return { kind: 'refused', reason };
}

export interface ForwardPassResult {
  sentSamples: number;
  droppedSamples: number;
  /** The pass stopped at a batch to retry later (the store is down or busy). */
  retrying: boolean;
}

/**
 * Send every due batch, oldest first, until the queue is empty or a send fails (the rest waits for the store to
 * come back). Without a forward URL it does nothing.
 */
export async function forwardMetrics(ctx: ServiceContext): Promise<ForwardPassResult> {
  const result: ForwardPassResult = { sentSamples: 0, droppedSamples: 0, retrying: false };
  if (ctx.config.metricsForwardUrl === null) return result;
  const stats = ctx.caches.local(forwardState).stats;
  result.droppedSamples += await trimForwardQueue(ctx);
  for (;;) {
    const batch = await claim(ctx);
    if (!batch) break;
    const series = await seriesOf(ctx, batch.data);
    let outcome: SendOutcome = { kind: 'sent' };
    // Large batches go out in parts; a part failing sends the whole claim again later (a part resent is harmless).
    for (const part of splitSeries(series, metricForwardLimits.samplesPerRequest)) {
      outcome = await send(ctx, part);
      if (outcome.kind !== 'sent') break;
    }
    const mine = (q: ReturnType<typeof ctx.db.deleteFrom<'metric_forward_queue'>>) =>
      q.where('id', 'in', batch.ids).where('lease_until', '=', batch.leaseUntil);
    if (outcome.kind === 'sent') {
      await mine(ctx.db.deleteFrom('metric_forward_queue')).execute();
      stats.sentSamples += batch.samples;
      result.sentSamples += batch.samples;
      continue;
    }
    if (outcome.kind === 'refused') {
      await mine(ctx.db.deleteFrom('metric_forward_queue')).execute();
      stats.droppedSamples.refused += batch.samples;
      result.droppedSamples += batch.samples;
      ctx.log.warn(
        { samples: batch.samples, reason: outcome.reason },
        'metrics forward: the store refused a batch for good; dropped',
      );
      continue;
    }
    const attempts = batch.attempts + 1;
    const delay = Math.min(
      metricForwardLimits.maxRetryMs,
      metricForwardLimits.firstRetryMs * 2 ** (attempts - 1),
    );
    await ctx.db
      .updateTable('metric_forward_queue')
      .set({ attempts, next_attempt_at: ctx.clock.now() + delay, lease_until: null })
      .where('id', 'in', batch.ids)
      .where('lease_until', '=', batch.leaseUntil)
      .execute();
    stats.failedSends += 1;
    result.retrying = true;
    ctx.log.warn(
      { samples: batch.samples, attempts, retryInMs: delay, reason: outcome.reason },
      'metrics forward: send failed; will retry',
    );
    break;
  }
  return result;
}

/** Series in groups of about `max` samples (a series longer than that alone in its group). */
function splitSeries(series: IngestSeries[], max: number): IngestSeries[][] {
  const out: IngestSeries[][] = [];
  let group: IngestSeries[] = [];
  let n = 0;
  for (const s of series) {
    if (group.length > 0 && n + s.timestamps.length > max) {
      out.push(group);
      group = [];
      n = 0;
    }
    group.push(s);
    n += s.timestamps.length;
  }
  if (group.length > 0) out.push(group);
  return out;
}

/**
 * The forward job, when a forward URL is configured. One instance drains at a time (an advisory lock): remote-write
 * stores refuse a series' samples older than its newest, so batches go out in order, not side by side.
 */
export function registerMetricForward(ctx: ServiceContext, jobs: JobScheduler): void {
  if (ctx.config.metricsForwardUrl === null) return;
  jobs.every('metrics.forward', metricForwardLimits.intervalMs, async () => {
    const r = await runExclusively(ctx, 'metric-store.forward', () => forwardMetrics(ctx));
    if (!r.ran) ctx.log.debug({ job: 'metrics.forward' }, 'metrics forward: another instance is draining');
  });
}
