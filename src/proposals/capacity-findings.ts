// The capacity report's findings as the proposals take them: the service's own capacity report (monitoring's
// hostCapacity, over every host's node_exporter series) — each resource of a known target whose forecast crosses
// its threshold within the horizon. What the proposals job reads every round (wired in serve).
import type { ServiceContext } from '../core/context.js';
import { hostCapacity } from '../monitoring/index.js';
import type { CapacityFinding } from './capacity-proposals.js';

/** How far ahead a crossing makes a proposal: a month, time enough to buy and fit the upgrade. */
export const capacityHorizonMs = 30 * 86_400_000;

export async function capacityFindings(
  ctx: ServiceContext,
  horizonMs = capacityHorizonMs,
): Promise<CapacityFinding[]> {
  const { items } = await hostCapacity(ctx, { horizonMs });
  const findings: CapacityFinding[] = [];
  for (const i of items) {
    if (!i.needsAction || i.target.id === null || i.crossesAt === null) continue;
    findings.push({
      targetId: i.target.id,
      resource: i.resource,
      detail: i.detail,
      // The forecast's times are fractional milliseconds; the proposals keep whole ones.
      crossesAt: Math.round(i.crossesAt),
      earliest: i.earliest === null ? null : Math.round(i.earliest),
      latest: i.latest === null ? null : Math.round(i.latest),
      headroom: Math.max(0, Math.min(1, i.headroom)),
      threshold: i.threshold,
      query: i.query,
    });
  }
  return findings;
}
