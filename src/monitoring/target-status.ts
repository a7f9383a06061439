// What other parts of monitoring ask about targets: whether a target's alerts are held back (maintenance, a parent
// down), their states and daily uptime. (Stub: the targets-and-checks part fills this in.)
import type { ServiceContext } from '../core/context.js';

/** Why a target's new alerts are held back at a time, or null: in a maintenance window, or a parent is down. */
export type AlertSuppression = 'maintenance' | 'parent_down' | null;

export async function alertSuppression(
  _ctx: ServiceContext,
  _targetId: number,
  _atMs: number,
): Promise<AlertSuppression> {
  throw new Error('alertSuppression: not built yet');
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
  _ctx: ServiceContext,
  _targetIds: readonly number[],
): Promise<Map<number, TargetRouting>> {
  throw new Error('targetRouting: not built yet');
}

/**
 * Per target, the fraction of each day it was up (0–1), for `days` days ending with the day that holds toMs, in
 * the zone; null for a day it was not monitored (before its first check, or paused all day). Maintenance counts as up.
 */
export async function dailyUptime(
  _ctx: ServiceContext,
  _targetIds: readonly number[],
  _toMs: number,
  _days: number,
  _zone: string,
): Promise<Map<number, (number | null)[]>> {
  throw new Error('dailyUptime: not built yet');
}
