// The status board: every target with its state and since when, its uptime over the last 24 hours and each of its
// checks' last run, latency and sparkline. A fixed handful of queries whatever the number of targets (targets,
// checks, the state history of the last day, maintenance windows): 10,000 targets load in well under a second.
import type { ServiceContext } from '../core/context.js';
import { stateHistory, uptimePercent, uptimeTotals } from './check-history.js';
import type { CheckKind, CheckState } from './check-model.js';
import type { RecentResult } from './checks.js';
import { maintenanceByTarget, windowsIn } from './maintenance-windows.js';

export interface BoardCheck {
  id: number;
  name: string;
  kind: CheckKind;
  enabled: boolean;
  state: CheckState;
  lastRunAt: number | null;
  lastOk: boolean | null;
  lastLatencyMs: number | null;
  lastMessage: string;
  notRunningSince: number | null;
  recentResults: RecentResult[];
}

export interface BoardTarget {
  id: number;
  name: string;
  kind: 'host' | 'service';
  tags: string[];
  groupId: number | null;
  state: CheckState;
  stateSince: number;
  /** Percent up over the last 24 hours; null when nothing was up or down. */
  uptime24h: number | null;
  checks: BoardCheck[];
}

const dayMs = 86_400_000;

export async function statusBoard(ctx: ServiceContext): Promise<{ at: number; targets: BoardTarget[] }> {
  const now = ctx.clock.now();
  const from = now - dayMs;
  const [targets, checks, history, windows] = await Promise.all([
    ctx.db
      .selectFrom('monitoring_targets')
      .select(['id', 'name', 'kind', 'tags', 'group_id', 'state', 'state_since'])
      .orderBy('name')
      .execute(),
    ctx.db
      .selectFrom('monitoring_checks')
      .select([
        'id',
        'target_id',
        'name',
        'kind',
        'enabled',
        'state',
        'last_run_at',
        'last_ok',
        'last_latency_ms',
        'last_message',
        'not_running_since',
        'recent_results',
      ])
      .orderBy('id')
      .execute(),
    stateHistory(ctx.db, 'all', from, now),
    windowsIn(ctx.db, from, now),
  ]);
  const byTarget = new Map<number, typeof checks>();
  for (const c of checks) {
    const list = byTarget.get(c.target_id) ?? [];
    list.push(c);
    byTarget.set(c.target_id, list);
  }
  const maintenance = windows.length
    ? maintenanceByTarget(
        windows,
        targets.map((t) => t.id),
        from,
        now,
      )
    : new Map();
  return {
    at: now,
    targets: targets.map((t) => {
      const own = byTarget.get(t.id) ?? [];
      const totals = uptimeTotals(
        // A check without a change in the day kept its current state all day.
        own.map((c) => history.get(c.id) ?? [{ at: from, state: c.state }]),
        maintenance.get(t.id) ?? [],
        from,
        now,
      );
      return {
        id: t.id,
        name: t.name,
        kind: t.kind,
        tags: JSON.parse(t.tags) as string[],
        groupId: t.group_id,
        state: t.state,
        stateSince: Number(t.state_since),
        uptime24h: uptimePercent(totals),
        checks: own.map((c) => ({
          id: c.id,
          name: c.name,
          kind: c.kind as CheckKind,
          enabled: c.enabled === 1,
          state: c.state,
          lastRunAt: c.last_run_at === null ? null : Number(c.last_run_at),
          lastOk: c.last_ok === null ? null : c.last_ok === 1,
          lastLatencyMs: c.last_latency_ms,
          lastMessage: c.last_message,
          notRunningSince: c.not_running_since === null ? null : Number(c.not_running_since),
          recentResults: JSON.parse(c.recent_results) as RecentResult[],
        })),
      };
    }),
  };
}
