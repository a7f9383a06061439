// Counters of what the ingest paths (scrapes, remote-write) accepted and refused, by source kind and reason, held
// per context (ctx.caches.local) and read by the service's /metrics (ingestStats) as
// opsdesk_metric_samples_{accepted,rejected}_total and opsdesk_scrapes_total.
import { defineLocalCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import type { RejectReason } from './metric-model.js';

export type IngestSourceKind = 'scrape' | 'remote_write';

export interface IngestStats {
  /** Samples stored, by source kind. */
  accepted: Record<IngestSourceKind, number>;
  /** Samples (or, for a payload refused whole, payloads) refused, by source kind and reason. */
  rejected: { source: IngestSourceKind; reason: RejectReason; count: number }[];
  /** Scrapes by outcome: up (the target answered and its samples were taken) or failed. */
  scrapes: { up: number; failed: number };
  /** Remote-write parts not stored (native histograms, exemplars): the store holds floats. */
  ignored: { histograms: number; exemplars: number };
}

const counters = defineLocalCache('monitoring_ingest_stats', () => ({
  accepted: { scrape: 0, remote_write: 0 } as Record<IngestSourceKind, number>,
  rejected: new Map<string, number>(),
  scrapes: { up: 0, failed: 0 },
  ignored: { histograms: 0, exemplars: 0 },
}));

export function countAccepted(ctx: ServiceContext, source: IngestSourceKind, n: number): void {
  ctx.caches.local(counters).accepted[source] += n;
}

export function countRejected(
  ctx: ServiceContext,
  source: IngestSourceKind,
  rejected: Partial<Record<RejectReason, number>>,
): void {
  const map = ctx.caches.local(counters).rejected;
  for (const [reason, n] of Object.entries(rejected)) {
    if (!n) continue;
    const key = `${source}\u0000${reason}`;
    map.set(key, (map.get(key) ?? 0) + n);
  }
}

/** A remote-write payload refused before it was read (too large, another content type). */
export function countPayloadRefused(ctx: ServiceContext, reason: RejectReason): void {
  countRejected(ctx, 'remote_write', { [reason]: 1 });
}

export function countScrape(ctx: ServiceContext, up: boolean): void {
  const s = ctx.caches.local(counters).scrapes;
  if (up) s.up++;
  else s.failed++;
}

export function countIgnored(ctx: ServiceContext, ignored: { histograms: number; exemplars: number }): void {
  const s = ctx.caches.local(counters).ignored;
  s.histograms += ignored.histograms;
  s.exemplars += ignored.exemplars;
}

/** A snapshot of this process's counters since it started. */
export function ingestStats(ctx: ServiceContext): IngestStats {
  const c = ctx.caches.local(counters);
  return {
    accepted: { ...c.accepted },
    rejected: [...c.rejected].map(([key, count]) => {
      const [source, reason] = key.split('\u0000') as [IngestSourceKind, RejectReason];
      return { source, reason, count };
    }),
    scrapes: { ...c.scrapes },
    ignored: { ...c.ignored },
  };
}
