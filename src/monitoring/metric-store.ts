// The metric store: series and samples in the service's database, rollups at 1 minute and 1 hour, retention per
// resolution. (Stub: the metric store's part fills this in.)
import type { ServiceContext } from '../core/context.js';
import type { MetricStore } from './metric-model.js';

/** The context's store (its in-memory series index is held per context, in ctx.caches). */
export function metricStore(_ctx: ServiceContext): MetricStore {
  throw new Error('metricStore: not built yet');
}
