// What /metrics reports of monitoring's ingest: the store's series, and samples stored and refused by source kind and
// reason. Scrapes and remote-write count their own (payload-level refusals included); the store counts the rest
// (checks, the service itself), so no refusal is counted twice.
import type { ServiceContext } from '../core/context.js';
import { forwardQueueSamples, forwardStats, ingestStats, storeStats } from '../monitoring/index.js';
import type { MonitoringIngestStatus } from './metrics.js';

export async function monitoringIngestStatus(ctx: ServiceContext): Promise<MonitoringIngestStatus> {
  const store = await storeStats(ctx);
  const ingest = ingestStats(ctx);
  const counted = new Set<string>(Object.keys(ingest.accepted));
  const rejected: MonitoringIngestStatus['rejected'] = [...ingest.rejected];
  for (const [source, reasons] of Object.entries(store.rejectedBySource)) {
    if (counted.has(source)) continue;
    for (const [reason, count] of Object.entries(reasons))
      rejected.push({ source, reason, count: count ?? 0 });
  }
  const forward = ctx.config.metricsForwardUrl
    ? { ...forwardStats(ctx), queuedSamples: await forwardQueueSamples(ctx) }
    : null;
  return { series: store.series, stored: { ...ingest.accepted }, rejected, forward };
}
