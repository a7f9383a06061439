// Prometheus-style scraping: scrape targets (CRUD), one scrape (fetch with a timeout and a body cap, parse by the
// negotiated format, relabel, limits, append, report series) and the scrape job that claims due targets with leases
// (FOR UPDATE SKIP LOCKED on PostgreSQL, so instances never scrape one target twice), each target at a fixed offset
// in its interval (spread, as Prometheus spreads them by a hash of the target), with bounded concurrency. Each target
// keeps a cache of the series it exposes (scrape-series-cache.ts), so a repeated scrape skips the work it did before.
import type { Selectable } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import { defineLocalCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Conflict, Invalid, NotFound } from '../core/errors.js';
import { lockKey } from '../core/exclusive-work.js';
import type { JobScheduler } from '../core/jobs.js';
import {
  type ExpositionError,
  type ExpositionFormat,
  expositionFormat,
  parseExposition,
  scrapeAcceptHeader,
} from './exposition.js';
import { countAccepted, countRejected, countScrape } from './ingest-stats.js';
import {
  type IngestResult,
  type IngestSeries,
  type IngestSource,
  type Labels,
  labelsProblem,
  type MetricStore,
  metricLimits,
  type RejectReason,
} from './metric-model.js';
import { appendResolved, metricStore, type SeriesRef } from './metric-store.js';
import { requireMonitor } from './permissions.js';
import {
  type CompiledRelabels,
  compileRelabels,
  type RelabelConfig,
  relabel,
  relabelsMayWrite,
} from './relabel.js';
import { type CachedSeries, labellingOf, ScrapeSeriesCache } from './scrape-series-cache.js';

/**
 * Where scraped samples go: the metric store, or a test's sink. A sink that takes refs (the store's) is handed the
 * series refs the target's cache holds, and gives back those of new series.
 */
export type MetricSink = Pick<MetricStore, 'append'> & {
  appendResolved?(
    series: readonly IngestSeries[],
    source: IngestSource,
    refs: (SeriesRef | undefined)[],
  ): Promise<IngestResult>;
};

export const scrapeLimits = {
  minIntervalSeconds: 5,
  maxIntervalSeconds: 3600,
  /** Scrapes in flight per instance. */
  concurrency: 16,
  /** How often the job looks for due targets. */
  tickMs: 1000,
  labels: 32,
  relabelConfigs: 64,
} as const;

export interface ScrapeTargetInput {
  url: string;
  job: string;
  intervalSeconds?: number;
  timeoutSeconds?: number;
  labels?: Labels;
  relabelConfigs?: RelabelConfig[];
  metricRelabelConfigs?: RelabelConfig[];
  honorLabels?: boolean;
  honorTimestamps?: boolean;
  sampleLimit?: number;
  seriesLimit?: number;
  targetId?: number | null;
  enabled?: boolean;
}

export interface ScrapeTarget {
  id: number;
  url: string;
  job: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  labels: Labels;
  relabelConfigs: RelabelConfig[];
  metricRelabelConfigs: RelabelConfig[];
  honorLabels: boolean;
  honorTimestamps: boolean;
  sampleLimit: number;
  seriesLimit: number;
  targetId: number | null;
  enabled: boolean;
  nextScrapeAt: number;
  lastScrapeAt: number | null;
  lastDurationMs: number | null;
  lastUp: boolean | null;
  lastError: string;
  lastSamples: number | null;
  lastRejected: Partial<Record<RejectReason, number>>;
  createdAt: number;
  updatedAt: number;
}

/** What one scrape did: the answer of POST …/scrape-targets/:id/scrape and the row's last_* columns. */
export interface ScrapeOutcome {
  up: boolean;
  at: number;
  durationMs: number;
  /** Samples the target exposed (Prometheus's scrape_samples_scraped). */
  samplesScraped: number;
  samplesPostMetricRelabeling: number;
  seriesAdded: number;
  accepted: number;
  rejected: Partial<Record<RejectReason, number>>;
  /** Why the scrape failed (up = false), or a note on refused lines; "" when clean. */
  error: string;
  lineErrors: ExpositionError[];
  format: 'text' | 'openmetrics' | null;
}

type Row = Selectable<Database['monitoring_scrape_targets']>;

function toTarget(r: Row): ScrapeTarget {
  return {
    id: r.id,
    url: r.url,
    job: r.job,
    intervalSeconds: r.interval_seconds,
    timeoutSeconds: r.timeout_seconds,
    labels: JSON.parse(r.labels) as Labels,
    relabelConfigs: JSON.parse(r.relabel_configs) as RelabelConfig[],
    metricRelabelConfigs: JSON.parse(r.metric_relabel_configs) as RelabelConfig[],
    honorLabels: r.honor_labels === 1,
    honorTimestamps: r.honor_timestamps === 1,
    sampleLimit: r.sample_limit,
    seriesLimit: r.series_limit,
    targetId: r.target_id,
    enabled: r.enabled === 1,
    nextScrapeAt: Number(r.next_scrape_at),
    lastScrapeAt: r.last_scrape_at === null ? null : Number(r.last_scrape_at),
    lastDurationMs: r.last_duration_ms,
    lastUp: r.last_up === null ? null : r.last_up === 1,
    lastError: r.last_error,
    lastSamples: r.last_samples,
    lastRejected: JSON.parse(r.last_rejected) as Partial<Record<RejectReason, number>>,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

/**
 * The first due time at or after `from` for a target: a fixed offset in its interval, from a hash of its job and URL,
 * so targets with the same interval spread over it instead of all firing at once (Prometheus's scrape offset).
 */
export function nextScrapeSlot(job: string, url: string, intervalSeconds: number, from: number): number {
  const interval = intervalSeconds * 1000;
  const offset = (lockKey(`${job}\u0000${url}`) >>> 0) % interval;
  let at = Math.floor(from / interval) * interval + offset;
  if (at < from) at += interval;
  return at;
}

const labelNamePattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

interface Validated {
  url: string;
  job: string;
  intervalSeconds: number;
  timeoutSeconds: number;
  labels: Labels;
  relabelConfigs: RelabelConfig[];
  metricRelabelConfigs: RelabelConfig[];
}

function validate(input: Required<Pick<ScrapeTargetInput, 'url' | 'job'>> & ScrapeTargetInput): Validated {
  const fields: { field: string; message: string }[] = [];
  let url: URL | null = null;
  try {
    url = new URL(input.url);
  } catch {
    fields.push({ field: '/url', message: 'an absolute http(s) URL' });
  }
  if (url && url.protocol !== 'http:' && url.protocol !== 'https:')
    fields.push({ field: '/url', message: 'http or https' });
  if (url && (url.username || url.password))
    fields.push({ field: '/url', message: 'no credentials in the URL' });
  if (url?.hash) fields.push({ field: '/url', message: 'no fragment' });
  const intervalSeconds = input.intervalSeconds ?? 60;
  const timeoutSeconds = input.timeoutSeconds ?? Math.min(10, intervalSeconds);
  if (
    !Number.isInteger(intervalSeconds) ||
    intervalSeconds < scrapeLimits.minIntervalSeconds ||
    intervalSeconds > scrapeLimits.maxIntervalSeconds
  )
    fields.push({
      field: '/intervalSeconds',
      message: `${scrapeLimits.minIntervalSeconds}–${scrapeLimits.maxIntervalSeconds}`,
    });
  if (!(timeoutSeconds >= 1 && timeoutSeconds <= intervalSeconds))
    fields.push({ field: '/timeoutSeconds', message: 'at least 1 and no longer than the interval' });
  const labels = input.labels ?? {};
  for (const [name, value] of Object.entries(labels)) {
    if (!labelNamePattern.test(name) || name.startsWith('__'))
      fields.push({ field: `/labels/${name}`, message: 'a label name (not starting with __)' });
    else if (typeof value !== 'string' || value.length > metricLimits.labelValueLength)
      fields.push({ field: `/labels/${name}`, message: 'a string value' });
  }
  if (Object.keys(labels).length > scrapeLimits.labels)
    fields.push({ field: '/labels', message: `at most ${scrapeLimits.labels}` });
  if (fields.length > 0)
    throw new Invalid('invalid_scrape_target', 'The scrape target is not valid.', fields);
  const relabelConfigs = input.relabelConfigs ?? [];
  const metricRelabelConfigs = input.metricRelabelConfigs ?? [];
  compileRelabels(relabelConfigs, '/relabelConfigs');
  compileRelabels(metricRelabelConfigs, '/metricRelabelConfigs');
  return {
    url: (url as URL).toString(),
    job: input.job,
    intervalSeconds,
    timeoutSeconds,
    labels,
    relabelConfigs,
    metricRelabelConfigs,
  };
}

async function assertTarget(ctx: ServiceContext, targetId: number | null | undefined): Promise<void> {
  if (targetId === null || targetId === undefined) return;
  const t = await ctx.db
    .selectFrom('monitoring_targets')
    .select('id')
    .where('id', '=', targetId)
    .executeTakeFirst();
  if (!t)
    throw new Invalid('invalid_reference', 'No such monitoring target.', [
      { field: '/targetId', message: 'an existing monitoring target' },
    ]);
}

async function assertFree(ctx: ServiceContext, job: string, url: string, exceptId?: number): Promise<void> {
  let q = ctx.db
    .selectFrom('monitoring_scrape_targets')
    .select('id')
    .where('job', '=', job)
    .where('url', '=', url);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst())
    throw new Conflict('scrape_target_exists', 'This job already scrapes this URL.');
}

/**
 * Add a scrape target. Internal addresses (the LAN, loopback) are allowed on purpose — scraping the hosts beside
 * opsdesk is the point — which is why only managers and admins (target.manage) may add or change targets.
 */
export async function createScrapeTarget(
  ctx: ServiceContext,
  actor: Actor,
  input: ScrapeTargetInput,
): Promise<ScrapeTarget> {
  requireMonitor(actor, 'target.manage');
  const v = validate(input);
  await assertTarget(ctx, input.targetId);
  await assertFree(ctx, v.job, v.url);
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const created = await trx
      .insertInto('monitoring_scrape_targets')
      .values({
        url: v.url,
        job: v.job,
        interval_seconds: v.intervalSeconds,
        timeout_seconds: v.timeoutSeconds,
        labels: JSON.stringify(v.labels),
        relabel_configs: JSON.stringify(v.relabelConfigs),
        metric_relabel_configs: JSON.stringify(v.metricRelabelConfigs),
        honor_labels: input.honorLabels ? 1 : 0,
        honor_timestamps: input.honorTimestamps === false ? 0 : 1,
        sample_limit: input.sampleLimit ?? metricLimits.samplesPerScrape,
        series_limit: input.seriesLimit ?? metricLimits.seriesPerSource,
        target_id: input.targetId ?? null,
        enabled: input.enabled === false ? 0 : 1,
        next_scrape_at: nextScrapeSlot(v.job, v.url, v.intervalSeconds, now),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'monitoring.scrape_target.created',
      subjectType: 'monitoring_scrape_target',
      subjectId: created.id,
      details: scrapeDetails(input),
    });
    return created;
  });
  return toTarget(row);
}

export async function listScrapeTargets(ctx: ServiceContext, actor: Actor): Promise<ScrapeTarget[]> {
  requireMonitor(actor, 'target.read');
  const rows = await ctx.db
    .selectFrom('monitoring_scrape_targets')
    .selectAll()
    .orderBy('job')
    .orderBy('url')
    .execute();
  return rows.map(toTarget);
}

async function findRow(ctx: ServiceContext, id: number): Promise<Row> {
  const row = await ctx.db
    .selectFrom('monitoring_scrape_targets')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFound('scrape_target_not_found', 'No such scrape target.');
  return row;
}

export async function getScrapeTarget(ctx: ServiceContext, actor: Actor, id: number): Promise<ScrapeTarget> {
  requireMonitor(actor, 'target.read');
  return toTarget(await findRow(ctx, id));
}

export async function updateScrapeTarget(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  patch: Partial<ScrapeTargetInput>,
): Promise<ScrapeTarget> {
  requireMonitor(actor, 'target.manage');
  const current = toTarget(await findRow(ctx, id));
  const merged: ScrapeTargetInput = {
    ...current,
    ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
  };
  const v = validate(merged as Required<Pick<ScrapeTargetInput, 'url' | 'job'>> & ScrapeTargetInput);
  if (patch.targetId !== undefined) await assertTarget(ctx, patch.targetId);
  await assertFree(ctx, v.job, v.url, id);
  const now = ctx.clock.now();
  const timing =
    v.intervalSeconds !== current.intervalSeconds || v.url !== current.url || v.job !== current.job;
  const row = await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('monitoring_scrape_targets')
      .set({
        url: v.url,
        job: v.job,
        interval_seconds: v.intervalSeconds,
        timeout_seconds: v.timeoutSeconds,
        labels: JSON.stringify(v.labels),
        relabel_configs: JSON.stringify(v.relabelConfigs),
        metric_relabel_configs: JSON.stringify(v.metricRelabelConfigs),
        honor_labels: merged.honorLabels ? 1 : 0,
        honor_timestamps: merged.honorTimestamps === false ? 0 : 1,
        sample_limit: merged.sampleLimit ?? current.sampleLimit,
        series_limit: merged.seriesLimit ?? current.seriesLimit,
        target_id: merged.targetId ?? null,
        enabled: merged.enabled === false ? 0 : 1,
        ...(timing ? { next_scrape_at: nextScrapeSlot(v.job, v.url, v.intervalSeconds, now) } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw new NotFound('scrape_target_not_found', 'No such scrape target.');
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'monitoring.scrape_target.updated',
      subjectType: 'monitoring_scrape_target',
      subjectId: id,
      details: scrapeDetails(patch),
    });
    return updated;
  });
  forgetCompiled(ctx, id);
  return toTarget(row);
}

export async function deleteScrapeTarget(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  requireMonitor(actor, 'target.manage');
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom('monitoring_scrape_targets')
      .where('id', '=', id)
      .returning(['id', 'job', 'url'])
      .executeTakeFirst();
    if (!row) throw new NotFound('scrape_target_not_found', 'No such scrape target.');
    await recordAudit(trx, {
      actorId: actor.id,
      at: ctx.clock.now(),
      action: 'monitoring.scrape_target.deleted',
      subjectType: 'monitoring_scrape_target',
      subjectId: id,
      details: { job: row.job, url: row.url },
    });
  });
  forgetCompiled(ctx, id);
}

/** The given fields of a scrape target's input, for the audit log (a URL holds no credentials: they are refused). */
function scrapeDetails(input: Partial<ScrapeTargetInput>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

/** Scrape one target now (outside its schedule) and say what happened. */
export async function scrapeTargetNow(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  sink?: MetricSink,
): Promise<ScrapeOutcome> {
  requireMonitor(actor, 'target.manage');
  const row = await findRow(ctx, id);
  return runScrape(ctx, toTarget(row), sink ?? storeSink(ctx));
}

/** The context's metric store, reached at append time: a store that cannot take a batch fails that scrape only. */
export function storeSink(ctx: ServiceContext): MetricSink {
  return {
    append: (series, source) => metricStore(ctx).append(series, source),
    appendResolved: (series, source, refs) => appendResolved(ctx, series, source, refs),
  };
}

// -- one scrape ----------------------------------------------------------------------------------------------------

interface Compiled {
  updatedAt: number;
  relabel: CompiledRelabels;
  metricRelabel: CompiledRelabels;
}

/**
 * Per context: compiled relabel configs per target, the series keys of each target's last scrape and each target's
 * series cache. Local: each is checked against the target's row on every scrape (updatedAt, the labelling), so a
 * change made through another instance is seen at this one's next scrape.
 */
const scrapeState = defineLocalCache('monitoring_scrapes', () => ({
  compiled: new Map<number, Compiled>(),
  lastSeries: new Map<number, readonly string[]>(),
  seriesCaches: new Map<number, ScrapeSeriesCache>(),
  inFlight: new Map<number, Promise<unknown>>(),
}));

function forgetCompiled(ctx: ServiceContext, id: number): void {
  const s = ctx.caches.local(scrapeState);
  s.compiled.delete(id);
  s.lastSeries.delete(id);
  s.seriesCaches.delete(id);
}

function compiledFor(ctx: ServiceContext, t: ScrapeTarget): Compiled {
  const s = ctx.caches.local(scrapeState);
  const hit = s.compiled.get(t.id);
  if (hit && hit.updatedAt === t.updatedAt) return hit;
  if (hit) s.lastSeries.delete(t.id); // changed (perhaps by another instance): series keys may mean others now
  const c = {
    updatedAt: t.updatedAt,
    relabel: compileRelabels(t.relabelConfigs, '/relabelConfigs'),
    metricRelabel: compileRelabels(t.metricRelabelConfigs, '/metricRelabelConfigs'),
  };
  s.compiled.set(t.id, c);
  return c;
}

/**
 * The target's labels and URL after relabel_configs, as Prometheus's target relabelling: __address__, __scheme__,
 * __metrics_path__ and __param_<name> shape the URL; instance defaults to __address__; labels starting with "__"
 * are dropped afterwards. Null when a keep/drop dropped the target.
 */
export function targetLabels(
  t: Pick<ScrapeTarget, 'url' | 'job' | 'labels' | 'intervalSeconds' | 'timeoutSeconds'>,
  configs: CompiledRelabels,
): { labels: Labels; url: string } | null {
  const u = new URL(t.url);
  const initial: Labels = {
    ...t.labels,
    job: t.job,
    __address__: u.host,
    __scheme__: u.protocol.slice(0, -1),
    __metrics_path__: u.pathname,
    __scrape_interval__: `${t.intervalSeconds}s`,
    __scrape_timeout__: `${t.timeoutSeconds}s`,
  };
  for (const [k, v] of u.searchParams) initial[`__param_${k}`] = v;
  const out = relabel(initial, configs);
  if (!out) return null;
  const address = out.__address__ ?? u.host;
  const url = new URL(`${out.__scheme__ ?? 'http'}://${address}`);
  url.pathname = out.__metrics_path__ ?? u.pathname;
  for (const [k, v] of Object.entries(out)) if (k.startsWith('__param_')) url.searchParams.set(k.slice(8), v);
  const labels: Labels = {};
  for (const [k, v] of Object.entries(out)) if (!k.startsWith('__') && v !== '') labels[k] = v;
  if (!labels.instance) labels.instance = address;
  return { labels, url: url.toString() };
}

class ScrapeFailure extends Error {}

/** GET the target with a timeout and a cap on the (decoded) body; the negotiated format from Content-Type. */
async function fetchExposition(
  url: string,
  timeoutSeconds: number,
): Promise<{ body: string; contentType: string | undefined }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutSeconds * 1000);
  try {
    const res = await fetch(url, {
      signal: controller.signal,
      redirect: 'follow',
      headers: {
        accept: scrapeAcceptHeader,
        'accept-encoding': 'gzip',
        'user-agent': 'opsdesk-scraper',
        'x-prometheus-scrape-timeout-seconds': String(timeoutSeconds),
      },
    });
    if (res.status !== 200) {
      await res.body?.cancel();
      throw new ScrapeFailure(`server returned HTTP status ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > metricLimits.payloadBytes)
      throw new ScrapeFailure(`body of ${declared} bytes exceeds the limit of ${metricLimits.payloadBytes}`);
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (res.body) {
      const reader = res.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.byteLength;
        if (size > metricLimits.payloadBytes) {
          await reader.cancel();
          throw new ScrapeFailure(`body exceeds the limit of ${metricLimits.payloadBytes} bytes`);
        }
        chunks.push(value);
      }
    }
    return {
      body: Buffer.concat(chunks).toString('utf8'),
      contentType: res.headers.get('content-type') ?? undefined,
    };
  } catch (err) {
    if (err instanceof ScrapeFailure) throw err;
    if (controller.signal.aborted)
      throw new ScrapeFailure(`context deadline exceeded (timeout ${timeoutSeconds}s)`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new ScrapeFailure(cause?.code ?? cause?.message ?? (err as Error).message);
  } finally {
    clearTimeout(timer);
  }
}

function addCounts(
  into: Partial<Record<RejectReason, number>>,
  from: Partial<Record<RejectReason, number>>,
): void {
  for (const [k, n] of Object.entries(from)) {
    if (n) into[k as RejectReason] = (into[k as RejectReason] ?? 0) + n;
  }
}

/** Merge target labels into a scraped sample's, as Prometheus's honor_labels says. */
function withTargetLabels(scraped: Labels, target: Labels, honor: boolean): Labels {
  for (const name in target) {
    const value = target[name] as string;
    const existing = scraped[name];
    if (existing === undefined) scraped[name] = value;
    else if (!honor) {
      // A clash: the scraped value moves to exported_<name> (exported_exported_… if taken), the target's wins.
      let exported = `exported_${name}`;
      while (scraped[exported] !== undefined) exported = `exported_${exported}`;
      scraped[exported] = existing;
      scraped[name] = value;
    }
  }
  return scraped;
}

/** Scrape one target, append its samples and report series, record the outcome on its row. */
export async function runScrape(
  ctx: ServiceContext,
  t: ScrapeTarget,
  sink: MetricSink,
): Promise<ScrapeOutcome> {
  const started = ctx.clock.now();
  const wallStart = performance.now();
  const compiled = compiledFor(ctx, t);
  const outcome: ScrapeOutcome = {
    up: false,
    at: started,
    durationMs: 0,
    samplesScraped: 0,
    samplesPostMetricRelabeling: 0,
    seriesAdded: 0,
    accepted: 0,
    rejected: {},
    error: '',
    lineErrors: [],
    format: null,
  };
  const target = targetLabels(t, compiled.relabel);
  if (!target) {
    outcome.error = 'dropped by relabel_configs';
    await recordOutcome(ctx, t.id, outcome);
    return outcome;
  }
  const plan: ScrapePlan = {
    id: t.id,
    labels: target.labels,
    honorLabels: t.honorLabels,
    honorTimestamps: t.honorTimestamps,
    metricRelabel: compiled.metricRelabel,
    metricRelabelConfigs: t.metricRelabelConfigs,
    sampleLimit: t.sampleLimit,
    seriesLimit: t.seriesLimit,
  };
  let batch: ScrapedBatch | null = null;
  try {
    const { body, contentType } = await fetchExposition(target.url, t.timeoutSeconds);
    const format = expositionFormat(contentType);
    outcome.format = format;
    batch = scrapedSeries(ctx, plan, body, format, started, outcome);
    outcome.up = true;
  } catch (err) {
    if (!(err instanceof ScrapeFailure)) throw err;
    outcome.error = err.message;
  }
  const source = { key: `scrape:${t.id}`, maxSeries: t.seriesLimit };
  let storeError = '';
  try {
    if (batch) await appendScraped(ctx, plan, batch, sink, outcome);
  } catch (err) {
    // The store refused the batch (unavailable, full): the scrape worked, its samples are lost; said on the row.
    ctx.log.error({ err, scrapeTarget: t.id }, 'storing scraped samples failed');
    storeError = `storing samples failed: ${(err as Error).message}`;
  }
  outcome.durationMs = Math.max(0, performance.now() - wallStart);
  if (outcome.up && outcome.lineErrors.length > 0) {
    const e = outcome.lineErrors[0] as ExpositionError;
    const refused = Object.values(outcome.rejected).reduce((a, b) => a + (b ?? 0), 0);
    outcome.error = `refused ${refused} sample(s); line ${e.line}: ${e.message}`;
  }
  try {
    const report = reportSeries(target.labels, outcome, started);
    await sink.append(report, { ...source, maxSeries: t.seriesLimit + report.length });
  } catch (err) {
    if (!storeError) {
      ctx.log.error({ err, scrapeTarget: t.id }, 'storing scrape report series failed');
      storeError = `storing samples failed: ${(err as Error).message}`;
    }
  }
  if (storeError) outcome.error = outcome.error ? `${outcome.error}; ${storeError}` : storeError;
  countScrape(ctx, outcome.up);
  countAccepted(ctx, 'scrape', outcome.accepted);
  countRejected(ctx, 'scrape', outcome.rejected);
  if (!outcome.up)
    ctx.log.info({ scrapeTarget: t.id, url: target.url, error: outcome.error }, 'scrape failed');
  await recordOutcome(ctx, t.id, outcome);
  return outcome;
}

/** What the part of a scrape after the fetch needs of its target (the bench makes one as a scrape does). */
export interface ScrapePlan {
  /** The scrape target's id: its cache, its last series, its source key. */
  id: number;
  /** The target's labels after relabel_configs (targetLabels). */
  labels: Labels;
  honorLabels: boolean;
  honorTimestamps: boolean;
  metricRelabel: CompiledRelabels;
  /** The configs as written: part of the labelling the target's series cache is valid for. */
  metricRelabelConfigs: readonly RelabelConfig[];
  sampleLimit: number;
  seriesLimit: number;
}

/** A scrape's samples ready to append, each with its text, its store ref (when known) and its cache entry. */
export interface ScrapedBatch {
  series: IngestSeries[];
  keys: string[];
  refs: (SeriesRef | undefined)[];
  entries: CachedSeries[];
}

/** A scrape target's series cache in this context, if it has one (for tests and diagnostics). */
export function scrapeSeriesCache(ctx: ServiceContext, id: number): ScrapeSeriesCache | undefined {
  return ctx.caches.local(scrapeState).seriesCaches.get(id);
}

function seriesCacheFor(ctx: ServiceContext, plan: ScrapePlan, format: ExpositionFormat): ScrapeSeriesCache {
  const caches = ctx.caches.local(scrapeState).seriesCaches;
  const labelling = labellingOf(plan.labels, plan.honorLabels, plan.metricRelabelConfigs, format);
  let cache = caches.get(plan.id);
  if (!cache || cache.labelling !== labelling || cache.capacity !== plan.seriesLimit) {
    cache = new ScrapeSeriesCache(labelling, plan.seriesLimit);
    caches.set(plan.id, cache);
  }
  return cache;
}

/**
 * Parse a scraped body, give its samples the target's labels, metric-relabel them and apply the sample limit,
 * through the target's series cache: a series text seen before takes the labels it was given then. Fills the
 * outcome's counts; throws ScrapeFailure when the scrape fails whole (invalid OpenMetrics, sample_limit).
 */
export function scrapedSeries(
  ctx: ServiceContext,
  plan: ScrapePlan,
  body: string,
  format: ExpositionFormat,
  at: number,
  outcome: ScrapeOutcome,
): ScrapedBatch {
  const cache = seriesCacheFor(ctx, plan, format);
  const parsed = parseExposition(body, format, {
    defaultTimestampMs: at,
    honorTimestamps: plan.honorTimestamps,
    known: cache.series,
  });
  outcome.samplesScraped = parsed.samples;
  outcome.lineErrors = parsed.errors;
  addCounts(outcome.rejected, parsed.rejected);
  if (parsed.invalid) {
    const e = parsed.errors[0];
    throw new ScrapeFailure(`invalid OpenMetrics exposition${e ? ` (line ${e.line}: ${e.message})` : ''}`);
  }
  const { series, keys, cached } = parsed;
  const refs: (SeriesRef | undefined)[] = [];
  const entries: CachedSeries[] = [];
  const recheck = relabelsMayWrite(plan.metricRelabel);
  const targetCount = countLabels(plan.labels);
  cache.beginScrape();
  let k = 0;
  for (let i = 0; i < series.length; i++) {
    const s = series[i] as IngestSeries;
    let c = cached[i];
    if (c === undefined) {
      const labelled = labelSeries(
        s.labels,
        plan.labels,
        plan.honorLabels,
        plan.metricRelabel,
        recheck,
        targetCount,
      );
      c =
        typeof labelled === 'string'
          ? cache.learn(keys[i] as string, null, labelled)
          : cache.learn(keys[i] as string, labelled, null);
    }
    cache.saw(c);
    if (c.labels === null) {
      // Dropped on purpose is not a refusal; a refused label set is counted on every scrape.
      if (c.problem) outcome.rejected[c.problem] = (outcome.rejected[c.problem] ?? 0) + 1;
      continue;
    }
    s.labels = c.labels as Labels;
    series[k] = s;
    keys[k] = keys[i] as string;
    refs.push(c.ref);
    entries.push(c);
    k++;
  }
  series.length = k;
  keys.length = k;
  cache.endScrape();
  outcome.samplesPostMetricRelabeling = k;
  if (k > plan.sampleLimit) {
    outcome.rejected.sample_limit = (outcome.rejected.sample_limit ?? 0) + k;
    throw new ScrapeFailure(`sample_limit exceeded: ${k} > ${plan.sampleLimit}`);
  }
  return { series, keys, refs, entries };
}

/** Append a scrape's samples, note the store's refs in the target's cache, and count the series it added. */
export async function appendScraped(
  ctx: ServiceContext,
  plan: ScrapePlan,
  batch: ScrapedBatch,
  sink: MetricSink,
  outcome: ScrapeOutcome,
): Promise<void> {
  if (batch.series.length === 0) return;
  outcome.seriesAdded = countNewSeries(ctx, plan.id, batch.keys);
  const source = { key: `scrape:${plan.id}`, maxSeries: plan.seriesLimit };
  const result: IngestResult = sink.appendResolved
    ? await sink.appendResolved(batch.series, source, batch.refs)
    : await sink.append(batch.series, source);
  for (let i = 0; i < batch.entries.length; i++) (batch.entries[i] as CachedSeries).ref = batch.refs[i];
  outcome.accepted = result.accepted;
  addCounts(outcome.rejected, result.rejected);
}

/**
 * One scraped series' labels with the target's merged in and metric_relabel_configs applied: the label set, null when
 * a config dropped it, or why it is refused. `recheck`: the configs may write names or values (relabelsMayWrite).
 */
function labelSeries(
  scraped: Labels,
  target: Labels,
  honorLabels: boolean,
  metricRelabel: CompiledRelabels,
  recheck: boolean,
  targetCount: number,
): Labels | RejectReason | null {
  let labels: Labels | null = withTargetLabels(scraped, target, honorLabels);
  if (metricRelabel.length > 0) {
    labels = relabel(labels, metricRelabel);
    if (!labels) return null;
  }
  // The parser checked the scraped names and values and the target's were checked when it was saved, so the
  // label checks run again only where a relabel config may have written a name or value.
  const problem = recheck
    ? labelsProblem(labels)
    : targetCount > 0 && countLabels(labels) > metricLimits.labelsPerSeries
      ? 'too_many_labels'
      : null;
  return problem ?? labels;
}

/** Target labels merged, metric_relabel_configs applied; refusals counted by reason (the path without a cache). */
export function relabelSamples(
  parsed: IngestSeries[],
  target: Labels,
  honorLabels: boolean,
  metricRelabel: CompiledRelabels,
  rejected: Partial<Record<RejectReason, number>>,
  /** The parser's keys, parallel to `parsed`: kept in step (compacted in place) with what is returned. */
  keys?: string[],
): IngestSeries[] {
  const out: IngestSeries[] = [];
  let k = 0;
  const recheck = relabelsMayWrite(metricRelabel);
  const targetCount = countLabels(target);
  for (let i = 0; i < parsed.length; i++) {
    const s = parsed[i] as IngestSeries;
    const labelled = labelSeries(s.labels, target, honorLabels, metricRelabel, recheck, targetCount);
    if (labelled === null) continue; // dropped on purpose: not a refusal
    if (typeof labelled === 'string') {
      rejected[labelled] = (rejected[labelled] ?? 0) + 1;
      continue;
    }
    s.labels = labelled;
    out.push(s);
    if (keys) keys[k++] = keys[i] as string;
  }
  if (keys) keys.length = k;
  return out;
}

function countLabels(labels: Labels): number {
  let n = 0;
  for (const _ in labels) n++;
  return n;
}

/**
 * Series of this scrape that the last one of the target did not have (Prometheus's scrape_series_added), by the
 * series' text as exposed: for one target and its relabel configs that text names one stored series, and it costs
 * no sorting. (A change of the target's configs forgets the last scrape's keys.) A scrape's keys are distinct.
 */
function countNewSeries(ctx: ServiceContext, id: number, keys: readonly string[]): number {
  const state = ctx.caches.local(scrapeState);
  const previous = state.lastSeries.get(id);
  state.lastSeries.set(id, keys);
  if (!previous) return keys.length;
  // A target mostly exposes the series of its last scrape in the same order: that prefix is compared in step, and
  // only the rest is looked up (none of it can equal a key of the prefix: the keys of a scrape are distinct).
  const n = Math.min(previous.length, keys.length);
  let i = 0;
  while (i < n && previous[i] === keys[i]) i++;
  if (i === keys.length) return 0;
  const before = new Set<string>();
  for (let k = i; k < previous.length; k++) before.add(previous[k] as string);
  let added = 0;
  for (let k = i; k < keys.length; k++) if (!before.has(keys[k] as string)) added++;
  return added;
}

/** The series Prometheus adds for every scrape, with the target's labels. */
export function reportSeries(target: Labels, o: ScrapeOutcome, at: number): IngestSeries[] {
  const one = (name: string, value: number): IngestSeries => ({
    labels: { ...target, __name__: name },
    timestamps: [at],
    values: [value],
  });
  return [
    one('up', o.up ? 1 : 0),
    one('scrape_duration_seconds', o.durationMs / 1000),
    one('scrape_samples_scraped', o.samplesScraped),
    one('scrape_samples_post_metric_relabeling', o.samplesPostMetricRelabeling),
    one('scrape_series_added', o.seriesAdded),
  ];
}

async function recordOutcome(ctx: ServiceContext, id: number, o: ScrapeOutcome): Promise<void> {
  await ctx.db
    .updateTable('monitoring_scrape_targets')
    .set({
      last_scrape_at: o.at,
      last_duration_ms: Math.round(o.durationMs),
      last_up: o.up ? 1 : 0,
      last_error: o.error.slice(0, 1000),
      last_samples: o.samplesScraped,
      last_rejected: JSON.stringify(o.rejected),
      lease_until: null,
    })
    .where('id', '=', id)
    .execute();
}

// -- the scrape job --------------------------------------------------------------------------------------------------

/**
 * Claim the targets that are due, up to `limit`: on PostgreSQL with FOR UPDATE SKIP LOCKED, so two instances never
 * claim one target; the claim moves next_scrape_at to the next slot and sets a lease past the timeout, so a target
 * whose instance died is scraped again once the lease runs out.
 */
export async function claimDueScrapes(ctx: ServiceContext, limit: number): Promise<ScrapeTarget[]> {
  if (limit <= 0) return [];
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('monitoring_scrape_targets')
      .selectAll()
      .where('enabled', '=', 1)
      .where('next_scrape_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .orderBy('next_scrape_at')
      .orderBy('id')
      .limit(limit);
    if (ctx.caps.supportsSkipLocked) q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    for (const r of rows) {
      // A target far behind (the service was down) skips the missed slots rather than scraping in a burst.
      const next = nextScrapeSlot(r.job, r.url, r.interval_seconds, now + 1);
      await trx
        .updateTable('monitoring_scrape_targets')
        // The lease outlasts the timeout but not the next slot: a dead instance's target is scraped on time.
        .set({ next_scrape_at: next, lease_until: Math.min(now + r.timeout_seconds * 1000 + 5000, next) })
        .where('id', '=', r.id)
        .execute();
    }
    return rows.map(toTarget);
  });
}

/** One pass of the job: claim what is due within the free concurrency and start those scrapes. */
export async function startDueScrapes(
  ctx: ServiceContext,
  sink: MetricSink,
  concurrency: number = scrapeLimits.concurrency,
): Promise<number> {
  const state = ctx.caches.local(scrapeState);
  const due = await claimDueScrapes(ctx, concurrency - state.inFlight.size);
  for (const t of due) {
    const run = runScrape(ctx, t, sink)
      .catch((err) => ctx.log.error({ err, scrapeTarget: t.id }, 'scrape failed to record'))
      .finally(() => state.inFlight.delete(t.id));
    state.inFlight.set(t.id, run);
  }
  return due.length;
}

/** Scrapes in flight in this context (the job's stop hook and tests wait for them). */
export async function scrapesSettled(ctx: ServiceContext): Promise<void> {
  await Promise.all([...ctx.caches.local(scrapeState).inFlight.values()]);
}

/** The scrape job: every second, due targets are claimed and scraped (at most scrapeLimits.concurrency at once). */
export function registerScrapes(ctx: ServiceContext, jobs: JobScheduler): void {
  jobs.every('monitoring.scrapes', scrapeLimits.tickMs, () => startDueScrapes(ctx, storeSink(ctx)));
  jobs.onStop(() => scrapesSettled(ctx));
}
