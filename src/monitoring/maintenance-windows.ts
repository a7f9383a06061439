// Maintenance windows: one-off (start..end) or recurring (an RFC 5545 RRULE expanded by ical.js from a start in
// an IANA zone, each occurrence `durationMinutes` of elapsed time long). While a window covers a target its new
// alerts are held back and its downtime counts as up; its checks go on. Local wall times become instants here,
// DST exact: a time in the spring gap moves forward by the gap, a repeated autumn time is its first occurrence.
import ICAL from 'ical.js';
import type { Kysely, Selectable } from 'kysely';
import { DateTime } from 'luxon';
import { recordAudit } from '../core/audit.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Invalid, NotFound } from '../core/errors.js';
import { boundedIterator, RecurrenceRefused, recurrenceProblem } from '../core/recurrence.js';

export const maintenanceLimits = {
  name: 200,
  description: 4000,
  targets: 1000,
  rrule: 500,
  maxDurationMinutes: 31 * 24 * 60,
  /** Occurrences one expansion walks at most (a daily rule walks 365 a year). */
  expansionSteps: 100_000,
} as const;

export interface MaintenanceWindow {
  id: number;
  name: string;
  description: string;
  /** Empty: every target. */
  targetIds: number[];
  startsAt: number;
  /** One-off windows only. */
  endsAt: number | null;
  rrule: string | null;
  timeZone: string;
  durationMinutes: number | null;
  createdBy: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface MaintenanceWindowInput {
  name: string;
  description?: string;
  targetIds?: number[];
  startsAt: number;
  endsAt?: number | null;
  rrule?: string | null;
  timeZone?: string;
  durationMinutes?: number | null;
}

/** A half-open interval of epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

type Row = Selectable<Database['monitoring_maintenance_windows']>;

function windowOf(r: Row): MaintenanceWindow {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    targetIds: JSON.parse(r.target_ids) as number[],
    startsAt: Number(r.starts_at),
    endsAt: r.ends_at === null ? null : Number(r.ends_at),
    rrule: r.rrule,
    timeZone: r.time_zone,
    durationMinutes: r.duration_minutes,
    createdBy: r.created_by,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function offsetMs(zone: string, at: number): number {
  return DateTime.fromMillis(at, { zone }).offset * 60_000;
}

/**
 * The instant of a local wall time in a zone. Of the two candidate offsets around it, the earliest instant that
 * shows this wall time wins (the first of a repeated autumn hour); a wall time that does not exist (the spring
 * gap) takes the offset before the gap, so it lands as far after the gap's start as it was into it.
 */
export function zonedInstant(
  zone: string,
  t: { year: number; month: number; day: number; hour: number; minute: number; second: number },
): number {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second);
  const before = offsetMs(zone, wall - 86_400_000);
  const after = offsetMs(zone, wall + 86_400_000);
  const fits = [wall - before, wall - after]
    .filter((c) => c + offsetMs(zone, c) === wall)
    .sort((a, b) => a - b);
  return fits[0] ?? wall - before;
}

function parseRrule(text: string): ICAL.Recur {
  const body = text.trim().replace(/^RRULE:/i, '');
  let recur: ICAL.Recur;
  try {
    recur = ICAL.Recur.fromString(body);
  } catch (err) {
    throw badWindow('/rrule', `not an RRULE: ${String((err as Error)?.message ?? err).slice(0, 200)}`);
  }
  if (!recur.freq) throw badWindow('/rrule', 'an RRULE needs FREQ');
  if (recur.freq === 'SECONDLY' || recur.freq === 'MINUTELY')
    throw badWindow('/rrule', `a maintenance window repeats hourly or less often, not ${recur.freq}`);
  return recur;
}

function badWindow(field: string, message: string): Invalid {
  return new Invalid('invalid_maintenance_window', `The maintenance window is not valid: ${message}.`, [
    { field, message },
  ]);
}

export function isTimeZone(zone: string): boolean {
  return zone.length <= 64 && DateTime.now().setZone(zone).isValid;
}

/** The occurrences of a window that overlap [fromMs, toMs), ascending. */
export function windowOccurrences(w: MaintenanceWindow, fromMs: number, toMs: number): Interval[] {
  if (!w.rrule) {
    const end = w.endsAt ?? w.startsAt;
    return w.startsAt < toMs && end > fromMs && end > w.startsAt ? [{ start: w.startsAt, end }] : [];
  }
  const durationMs = (w.durationMinutes ?? 0) * 60_000;
  if (durationMs <= 0 || w.startsAt >= toMs) return [];
  const out: Interval[] = [];
  try {
    const it = boundedIterator(parseRrule(w.rrule), localStart(w.startsAt, w.timeZone));
    for (let step = 0; step < maintenanceLimits.expansionSteps; step++) {
      const next = it.next();
      if (!next) break;
      const at = zonedInstant(w.timeZone, next);
      if (at >= toMs) break;
      if (at + durationMs > fromMs) out.push({ start: at, end: at + durationMs });
    }
  } catch (err) {
    // A rule ical.js cannot expand (kept before rules were checked for it) has no occurrences past where it stopped.
    if (!(err instanceof RecurrenceRefused)) throw err;
  }
  return out;
}

/** A window's start as the floating wall time its RRULE is expanded from. */
function localStart(startsAt: number, zone: string): ICAL.Time {
  const local = DateTime.fromMillis(startsAt, { zone });
  return ICAL.Time.fromData({
    year: local.year,
    month: local.month,
    day: local.day,
    hour: local.hour,
    minute: local.minute,
    second: local.second,
    isDate: false,
  });
}

/** Does the window apply to the target (an empty list: every target)? */
export function windowCovers(w: MaintenanceWindow, targetId: number): boolean {
  return w.targetIds.length === 0 || w.targetIds.includes(targetId);
}

/** The checks a window gets before it is kept (pure): its name, zone, rule (one that recurs), duration or end, targets. */
export function checkMaintenanceWindowInput(input: MaintenanceWindowInput): void {
  if (!input.name.trim()) throw badWindow('/name', 'a name is needed');
  const zone = input.timeZone ?? 'UTC';
  if (!isTimeZone(zone))
    throw badWindow('/timeZone', `${JSON.stringify(zone.slice(0, 64))} is not an IANA zone`);
  if (input.rrule) {
    if (input.rrule.length > maintenanceLimits.rrule) throw badWindow('/rrule', 'too long');
    const problem = recurrenceProblem(parseRrule(input.rrule), localStart(input.startsAt, zone));
    if (problem) throw badWindow('/rrule', problem);
    const d = input.durationMinutes;
    if (!d || !Number.isInteger(d) || d < 1 || d > maintenanceLimits.maxDurationMinutes)
      throw badWindow(
        '/durationMinutes',
        `a recurring window needs a duration of 1–${maintenanceLimits.maxDurationMinutes} minutes`,
      );
    if (input.endsAt !== undefined && input.endsAt !== null)
      throw badWindow('/endsAt', 'a recurring window has a duration, not an end');
  } else {
    if (input.endsAt === undefined || input.endsAt === null)
      throw badWindow('/endsAt', 'a one-off window needs an end');
    if (input.endsAt <= input.startsAt) throw badWindow('/endsAt', 'the end must come after the start');
    if (input.durationMinutes !== undefined && input.durationMinutes !== null)
      throw badWindow('/durationMinutes', 'a one-off window has an end, not a duration');
  }
  if ((input.targetIds ?? []).length > maintenanceLimits.targets)
    throw badWindow('/targetIds', `at most ${maintenanceLimits.targets} targets`);
}

async function checkTargets(db: Kysely<Database>, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  const found = await db.selectFrom('monitoring_targets').select('id').where('id', 'in', ids).execute();
  const missing = ids.find((id) => !found.some((f) => f.id === id));
  if (missing !== undefined)
    throw new Invalid('invalid_reference', `No such target ${missing}.`, [
      { field: '/targetIds', message: `target ${missing} does not exist` },
    ]);
}

export async function createMaintenanceWindow(
  ctx: ServiceContext,
  createdBy: number | null,
  input: MaintenanceWindowInput,
): Promise<MaintenanceWindow> {
  checkMaintenanceWindowInput(input);
  const targetIds = [...new Set(input.targetIds ?? [])].sort((a, b) => a - b);
  await checkTargets(ctx.db, targetIds);
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const created = await trx
      .insertInto('monitoring_maintenance_windows')
      .values({
        name: input.name.trim(),
        description: input.description ?? '',
        target_ids: JSON.stringify(targetIds),
        starts_at: input.startsAt,
        ends_at: input.rrule ? null : (input.endsAt ?? null),
        rrule: input.rrule ? input.rrule.trim().replace(/^RRULE:/i, '') : null,
        time_zone: input.timeZone ?? 'UTC',
        duration_minutes: input.rrule ? (input.durationMinutes ?? null) : null,
        created_by: createdBy,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: createdBy,
      at: now,
      action: 'monitoring.maintenance_window.created',
      subjectType: 'monitoring_maintenance_window',
      subjectId: created.id,
      details: definedFields(input),
    });
    return created;
  });
  return windowOf(row);
}

export async function getMaintenanceWindow(ctx: ServiceContext, id: number): Promise<MaintenanceWindow> {
  const row = await ctx.db
    .selectFrom('monitoring_maintenance_windows')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFound('maintenance_window_not_found', `No maintenance window ${id}.`);
  return windowOf(row);
}

export async function updateMaintenanceWindow(
  ctx: ServiceContext,
  actorId: number | null,
  id: number,
  change: Partial<MaintenanceWindowInput>,
): Promise<MaintenanceWindow> {
  const old = await getMaintenanceWindow(ctx, id);
  const merged: MaintenanceWindowInput = {
    name: change.name ?? old.name,
    description: change.description ?? old.description,
    targetIds: change.targetIds ?? old.targetIds,
    startsAt: change.startsAt ?? old.startsAt,
    endsAt: change.endsAt !== undefined ? change.endsAt : old.endsAt,
    rrule: change.rrule !== undefined ? change.rrule : old.rrule,
    timeZone: change.timeZone ?? old.timeZone,
    durationMinutes: change.durationMinutes !== undefined ? change.durationMinutes : old.durationMinutes,
  };
  // Switching kind drops the other kind's field unless it was given.
  if (change.rrule && change.endsAt === undefined) merged.endsAt = null;
  if (change.rrule === null && change.durationMinutes === undefined) merged.durationMinutes = null;
  checkMaintenanceWindowInput(merged);
  const targetIds = [...new Set(merged.targetIds ?? [])].sort((a, b) => a - b);
  await checkTargets(ctx.db, targetIds);
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('monitoring_maintenance_windows')
      .set({
        name: merged.name.trim(),
        description: merged.description ?? '',
        target_ids: JSON.stringify(targetIds),
        starts_at: merged.startsAt,
        ends_at: merged.rrule ? null : (merged.endsAt ?? null),
        rrule: merged.rrule ? merged.rrule.trim().replace(/^RRULE:/i, '') : null,
        time_zone: merged.timeZone ?? 'UTC',
        duration_minutes: merged.rrule ? (merged.durationMinutes ?? null) : null,
        updated_at: now,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId,
      at: now,
      action: 'monitoring.maintenance_window.updated',
      subjectType: 'monitoring_maintenance_window',
      subjectId: id,
      details: definedFields(change),
    });
    return updated;
  });
  return windowOf(row);
}

export async function deleteMaintenanceWindow(
  ctx: ServiceContext,
  actorId: number | null,
  id: number,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .deleteFrom('monitoring_maintenance_windows')
      .where('id', '=', id)
      .returning(['id', 'name'])
      .executeTakeFirst();
    if (!row) throw new NotFound('maintenance_window_not_found', `No maintenance window ${id}.`);
    await recordAudit(trx, {
      actorId,
      at: ctx.clock.now(),
      action: 'monitoring.maintenance_window.deleted',
      subjectType: 'monitoring_maintenance_window',
      subjectId: id,
      details: { name: row.name },
    });
  });
}

/** The fields given in an input, for the audit log. */
function definedFields(input: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
}

/** Windows by start, newest first; `limit + 1` items for the edge's paging. */
export async function listMaintenanceWindows(
  ctx: ServiceContext,
  filter: { targetId?: number; beforeId?: number; limit: number },
): Promise<MaintenanceWindow[]> {
  let q = ctx.db.selectFrom('monitoring_maintenance_windows').selectAll();
  if (filter.beforeId !== undefined) q = q.where('id', '<', filter.beforeId);
  if (filter.targetId !== undefined) {
    // target_ids is a sorted JSON array of integers ("[3,12,40]"): these four patterns match the id as a whole element.
    const id = String(filter.targetId);
    q = q.where((eb) =>
      eb.or([
        eb('target_ids', '=', '[]'),
        eb('target_ids', '=', `[${id}]`),
        eb('target_ids', 'like', `[${id},%`),
        eb('target_ids', 'like', `%,${id},%`),
        eb('target_ids', 'like', `%,${id}]`),
      ]),
    );
  }
  const rows = await q
    .orderBy('id', 'desc')
    .limit(filter.limit + 1)
    .execute();
  return rows.map(windowOf);
}

/** Every window that could cover something in [fromMs, toMs): one-offs overlapping it, recurring ones begun. */
export async function windowsIn(
  db: Kysely<Database>,
  fromMs: number,
  toMs: number,
): Promise<MaintenanceWindow[]> {
  const rows = await db
    .selectFrom('monitoring_maintenance_windows')
    .selectAll()
    .where('starts_at', '<', toMs)
    .where((eb) => eb.or([eb('rrule', 'is not', null), eb('ends_at', '>', fromMs)]))
    .execute();
  return rows.map(windowOf);
}

/** Per target, the maintenance intervals overlapping [fromMs, toMs), merged and ascending. */
export function maintenanceByTarget(
  windows: readonly MaintenanceWindow[],
  targetIds: readonly number[],
  fromMs: number,
  toMs: number,
): Map<number, Interval[]> {
  const expanded = windows.map((w) => ({ w, occ: windowOccurrences(w, fromMs, toMs) }));
  const out = new Map<number, Interval[]>();
  for (const id of targetIds) {
    const all = expanded.filter((e) => windowCovers(e.w, id)).flatMap((e) => e.occ);
    out.set(id, mergeIntervals(all));
  }
  return out;
}

export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ ...i });
  }
  return out;
}
