// Checks' history of state changes and the uptime computed from it. A target's state at an instant is the worst of
// its checks' (down over up; pending and paused checks say nothing); uptime is the up time over the up-or-down time,
// with down time inside a maintenance window counted as up. Days for the status page's bars are days in an IANA
// zone, so a DST day is 23 or 25 hours long.
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { ServiceContext } from '../core/context.js';
import { chunks, type Database } from '../core/db/index.js';
import { NotFound } from '../core/errors.js';
import type { CheckState } from './check-model.js';
import { type Interval, maintenanceByTarget, windowsIn } from './maintenance-windows.js';

export interface StateChange {
  at: number;
  state: CheckState;
}

export interface UptimeTotals {
  upMs: number;
  downMs: number;
}

export const uptimeRanges = {
  h24: 86_400_000,
  d7: 7 * 86_400_000,
  d30: 30 * 86_400_000,
  d90: 90 * 86_400_000,
};
export type UptimeRange = keyof typeof uptimeRanges;

/**
 * Up and down time in [from, to) of a target whose checks changed state as given (each list ascending; a change at
 * or before `from` gives the state at `from`). Maintenance intervals turn down time into up time.
 */
export function uptimeTotals(
  checks: readonly (readonly StateChange[])[],
  maintenance: readonly Interval[],
  from: number,
  to: number,
): UptimeTotals {
  if (to <= from) return { upMs: 0, downMs: 0 };
  const points = new Set<number>([from, to]);
  for (const changes of checks) for (const c of changes) if (c.at > from && c.at < to) points.add(c.at);
  for (const m of maintenance) {
    if (m.start > from && m.start < to) points.add(m.start);
    if (m.end > from && m.end < to) points.add(m.end);
  }
  const sorted = [...points].sort((a, b) => a - b);
  // One cursor per check and one for maintenance, all walking forward with the elementary intervals.
  const cursors = checks.map(() => -1);
  let mi = 0;
  let upMs = 0;
  let downMs = 0;
  for (let i = 0; i + 1 < sorted.length; i++) {
    const start = sorted[i] as number;
    const end = sorted[i + 1] as number;
    let anyUp = false;
    let anyDown = false;
    checks.forEach((changes, k) => {
      let c = cursors[k] as number;
      while (c + 1 < changes.length && (changes[c + 1] as StateChange).at <= start) c++;
      cursors[k] = c;
      const state = c >= 0 ? (changes[c] as StateChange).state : null;
      if (state === 'down') anyDown = true;
      else if (state === 'up') anyUp = true;
    });
    while (mi < maintenance.length && (maintenance[mi] as Interval).end <= start) mi++;
    const inMaintenance = mi < maintenance.length && (maintenance[mi] as Interval).start <= start;
    if (anyDown && !inMaintenance) downMs += end - start;
    else if (anyDown || anyUp) upMs += end - start;
  }
  return { upMs, downMs };
}

/** Percent (0–100) up, or null when nothing was up or down in the range. */
export function uptimePercent(t: UptimeTotals): number | null {
  const total = t.upMs + t.downMs;
  return total === 0 ? null : (t.upMs / total) * 100;
}

/**
 * The state changes of checks in [from, to), each list starting with the state the check had at `from` (its last
 * change before, if any). `checkIds` 'all' reads every check's changes in the range in one query, and the state
 * before only for the checks that changed in it: a check absent from the answer kept its current state throughout.
 */
export async function stateHistory(
  db: Kysely<Database>,
  checkIds: readonly number[] | 'all',
  from: number,
  to: number,
): Promise<Map<number, StateChange[]>> {
  const out = new Map<number, StateChange[]>();
  const within = new Map<number, StateChange[]>();
  const read = async (ids: number[] | null) => {
    let q = db
      .selectFrom('monitoring_check_states')
      .select(['check_id', 'at', 'state'])
      .where('at', '>', from)
      .where('at', '<', to);
    if (ids) q = q.where('check_id', 'in', ids);
    for (const r of await q.orderBy('check_id').orderBy('at').orderBy('id').execute()) {
      const list = within.get(r.check_id) ?? [];
      list.push({ at: Number(r.at), state: r.state });
      within.set(r.check_id, list);
    }
  };
  if (checkIds === 'all') await read(null);
  else for (const ids of chunks([...checkIds], 500)) await read(ids);
  const needBefore = checkIds === 'all' ? [...within.keys()] : [...checkIds];
  for (const ids of chunks(needBefore, 500)) {
    // The last change at or before `from` of each check (ids grow with time within a check).
    const before = await db
      .selectFrom('monitoring_check_states')
      .select(['check_id', 'at', 'state'])
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('monitoring_check_states')
          .select((e) => e.fn.max('id').as('id'))
          .where('at', '<=', from)
          .where('check_id', 'in', ids)
          .groupBy('check_id'),
      )
      .execute();
    for (const r of before) out.set(r.check_id, [{ at: Number(r.at), state: r.state }]);
  }
  for (const [id, list] of within) out.set(id, [...(out.get(id) ?? []), ...list]);
  return out;
}

/** The checks of each target (every check: a disabled one's history ends in 'paused', which says nothing). */
async function checksOfTargets(
  db: Kysely<Database>,
  targetIds: readonly number[],
): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>(targetIds.map((id) => [id, []]));
  for (const ids of chunks([...targetIds], 500)) {
    if (ids.length === 0) continue;
    const rows = await db
      .selectFrom('monitoring_checks')
      .select(['id', 'target_id'])
      .where('target_id', 'in', ids)
      .execute();
    for (const r of rows) out.get(r.target_id)?.push(r.id);
  }
  return out;
}

/** Uptime percentages of targets over [to - range, to) for each range. */
export async function targetUptimes(
  ctx: ServiceContext,
  targetIds: readonly number[],
  to: number,
  ranges: readonly UptimeRange[] = ['h24', 'd7', 'd30', 'd90'],
): Promise<Map<number, Record<UptimeRange, number | null>>> {
  const longest = Math.max(...ranges.map((r) => uptimeRanges[r]));
  const from = to - longest;
  const byTarget = await checksOfTargets(ctx.db, targetIds);
  const history = await stateHistory(ctx.db, [...byTarget.values()].flat(), from, to);
  const maintenance = maintenanceByTarget(await windowsIn(ctx.db, from, to), targetIds, from, to);
  const out = new Map<number, Record<UptimeRange, number | null>>();
  for (const id of targetIds) {
    const checks = (byTarget.get(id) ?? []).map((c) => history.get(c) ?? []);
    const m = maintenance.get(id) ?? [];
    const rec = {} as Record<UptimeRange, number | null>;
    for (const r of ranges) rec[r] = uptimePercent(uptimeTotals(checks, m, to - uptimeRanges[r], to));
    out.set(id, rec);
  }
  return out;
}

/** The start of each of `days` days in the zone, the last one holding toMs, plus the end of that last day. */
export function dayBoundaries(toMs: number, days: number, zone: string): number[] {
  const lastDay = DateTime.fromMillis(toMs, { zone }).startOf('day');
  const out: number[] = [];
  for (let i = days - 1; i >= 0; i--) out.push(lastDay.minus({ days: i }).toMillis());
  out.push(lastDay.plus({ days: 1 }).toMillis());
  return out;
}

/** See target-status.ts's dailyUptime. */
export async function dailyTargetUptime(
  ctx: ServiceContext,
  targetIds: readonly number[],
  toMs: number,
  days: number,
  zone: string,
): Promise<Map<number, (number | null)[]>> {
  const bounds = dayBoundaries(toMs, days, zone);
  const from = bounds[0] as number;
  const to = bounds[bounds.length - 1] as number;
  const byTarget = await checksOfTargets(ctx.db, targetIds);
  const history = await stateHistory(ctx.db, [...byTarget.values()].flat(), from, to);
  const maintenance = maintenanceByTarget(await windowsIn(ctx.db, from, to), targetIds, from, to);
  const out = new Map<number, (number | null)[]>();
  for (const id of targetIds) {
    const checks = (byTarget.get(id) ?? []).map((c) => history.get(c) ?? []);
    const m = maintenance.get(id) ?? [];
    const fractions: (number | null)[] = [];
    for (let d = 0; d < days; d++) {
      const t = uptimeTotals(checks, m, bounds[d] as number, bounds[d + 1] as number);
      const total = t.upMs + t.downMs;
      fractions.push(total === 0 ? null : t.upMs / total);
    }
    out.set(id, fractions);
  }
  return out;
}

export interface CheckHistory {
  changes: { at: number; state: CheckState; message: string }[];
  uptime: Record<UptimeRange, number | null>;
}

/** A check's state changes in [from, to) (newest first, at most `limit`) and its uptime over the usual ranges. */
export async function checkHistory(
  ctx: ServiceContext,
  checkId: number,
  range: { from: number; to: number; limit: number },
): Promise<CheckHistory> {
  const check = await ctx.db
    .selectFrom('monitoring_checks')
    .select(['id', 'target_id'])
    .where('id', '=', checkId)
    .executeTakeFirst();
  if (!check) throw new NotFound('check_not_found', `No check ${checkId}.`);
  const rows = await ctx.db
    .selectFrom('monitoring_check_states')
    .select(['at', 'state', 'message'])
    .where('check_id', '=', checkId)
    .where('at', '>=', range.from)
    .where('at', '<', range.to)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(range.limit)
    .execute();
  const now = ctx.clock.now();
  const from = now - uptimeRanges.d90;
  const history = (await stateHistory(ctx.db, [checkId], from, now)).get(checkId) ?? [];
  const maintenance =
    maintenanceByTarget(await windowsIn(ctx.db, from, now), [check.target_id], from, now).get(
      check.target_id,
    ) ?? [];
  const uptime = {} as Record<UptimeRange, number | null>;
  for (const r of Object.keys(uptimeRanges) as UptimeRange[])
    uptime[r] = uptimePercent(uptimeTotals([history], maintenance, now - uptimeRanges[r], now));
  return { changes: rows.map((r) => ({ at: Number(r.at), state: r.state, message: r.message })), uptime };
}
