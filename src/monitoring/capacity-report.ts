// The capacity report over this service's own metric store (src/forecast does the forecasting; it reads through
// the range query handed to it): every monitoring target's node_exporter series, named by the target its scrape job
// belongs to. What GET /api/v1/capacity answers, and what the upgrade proposals job turns into proposals.
import type { ServiceContext } from '../core/context.js';
import {
  type CapacityItem,
  type CapacityThresholds,
  capacityHosts,
  capacityReport,
  defaultThresholds,
} from '../forecast/index.js';
import { metricStore } from './metric-store.js';
import { evaluateRange } from './promql.js';

/** Every target (id, name, address) and every scrape job (its URL, labels and target), read whole. */
async function hostsOf(ctx: ServiceContext) {
  const targets = await ctx.db.selectFrom('monitoring_targets').select(['id', 'name', 'address']).execute();
  const scrapes = await ctx.db
    .selectFrom('monitoring_scrape_targets')
    .select(['url', 'labels', 'target_id'])
    .execute();
  return capacityHosts(
    targets.map((t) => ({ id: t.id, name: t.name, address: t.address })),
    scrapes.map((s) => ({
      url: s.url,
      labels: JSON.parse(s.labels) as Record<string, string>,
      targetId: s.target_id,
    })),
  );
}

/** The report at the clock's now: each host's resources, those crossing their threshold within the horizon first. */
export async function hostCapacity(
  ctx: ServiceContext,
  options: { horizonMs: number; thresholds?: Partial<CapacityThresholds> },
): Promise<{ items: CapacityItem[]; thresholds: CapacityThresholds; now: number }> {
  const now = ctx.clock.now();
  const thresholds = { ...defaultThresholds, ...options.thresholds };
  const store = metricStore(ctx);
  const report = await capacityReport(
    (query, start, end, step) => evaluateRange(store, query, start, end, step),
    await hostsOf(ctx),
    { now, horizonMs: options.horizonMs, thresholds },
  );
  return { items: report.items, thresholds, now };
}
