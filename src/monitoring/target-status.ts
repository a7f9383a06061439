// What other parts of monitoring ask about targets: whether a target's alerts are held back (maintenance, a parent
// down), where its alerts go, and its daily uptime for the status pages' bars.
import type { ServiceContext } from '../core/context.js';
import { dailyTargetUptime } from './check-history.js';
import { maintenanceByTarget, windowsIn } from './maintenance-windows.js';

/** Why a target's new alerts are held back at a time, or null: in a maintenance window, or a parent is down. */
export type AlertSuppression = 'maintenance' | 'parent_down' | null;

/**
 * A maintenance window covers the target at `atMs`, or one of its parents (transitively) is down now. Checks and
 * resolutions are not held back: only new alerts.
 */
export async function alertSuppression(
  ctx: ServiceContext,
  targetId: number,
  atMs: number,
): Promise<AlertSuppression> {
  const windows = await windowsIn(ctx.db, atMs, atMs + 1);
  if ((maintenanceByTarget(windows, [targetId], atMs, atMs + 1).get(targetId) ?? []).length > 0)
    return 'maintenance';
  const seen = new Set<number>([targetId]);
  let frontier = [targetId];
  while (frontier.length > 0) {
    const parents = await ctx.db
      .selectFrom('monitoring_target_dependencies as d')
      .innerJoin('monitoring_targets as t', 't.id', 'd.parent_id')
      .select(['t.id', 't.state'])
      .where('d.target_id', 'in', frontier)
      .execute();
    if (parents.some((p) => p.state === 'down')) return 'parent_down';
    frontier = parents.map((p) => p.id).filter((id) => !seen.has(id));
    for (const id of frontier) seen.add(id);
  }
  return null;
}

/** Where a target's alerts go: its owning group, escalation policy and incidents service. */
export interface TargetRouting {
  id: number;
  name: string;
  kind: 'host' | 'service';
  groupId: number | null;
  escalationPolicyId: number | null;
  serviceId: number | null;
  state: 'pending' | 'up' | 'down' | 'paused';
  stateSince: number;
  tags: string[];
}

export async function targetRouting(
  ctx: ServiceContext,
  targetIds: readonly number[],
): Promise<Map<number, TargetRouting>> {
  const out = new Map<number, TargetRouting>();
  if (targetIds.length === 0) return out;
  const rows = await ctx.db
    .selectFrom('monitoring_targets')
    .selectAll()
    .where('id', 'in', [...new Set(targetIds)])
    .execute();
  for (const r of rows)
    out.set(r.id, {
      id: r.id,
      name: r.name,
      kind: r.kind,
      groupId: r.group_id,
      escalationPolicyId: r.escalation_policy_id,
      serviceId: r.service_id,
      state: r.state,
      stateSince: Number(r.state_since),
      tags: JSON.parse(r.tags) as string[],
    });
  return out;
}

/**
 * Per target, the fraction of each day it was up (0–1), for `days` days ending with the day that holds toMs, in
 * the zone; null for a day it was not monitored (before its first check, or paused all day). Maintenance counts as up.
 */
export async function dailyUptime(
  ctx: ServiceContext,
  targetIds: readonly number[],
  toMs: number,
  days: number,
  zone: string,
): Promise<Map<number, (number | null)[]>> {
  return dailyTargetUptime(ctx, targetIds, toMs, days, zone);
}
