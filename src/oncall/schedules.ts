// On-call schedules as stored: name, zone, team and layers (the schedule model's shape, as JSON). Managers build
// them; staff read them. Every write validates the layers by compiling them, audits, and bumps the compiled
// schedules' cache in its transaction, so every instance answers who is on call from memory.

import type { Kysely, Selectable, Transaction } from 'kysely';
import { IANAZone } from 'luxon';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Conflict, Invalid, NotFound } from '../core/errors.js';
import { compiledSchedulesCache } from './compiled-schedules.js';
import { requireOncall } from './permissions.js';
import type { ScheduleLayer } from './schedule-model.js';
import { compileSchedule } from './schedule-resolution.js';

export interface Schedule {
  id: number;
  name: string;
  description: string;
  timeZone: string;
  /** The team (a group) whose schedule this is; null: nobody's in particular. */
  teamId: number | null;
  /** Bottom first: a higher layer wins over a lower one. */
  layers: ScheduleLayer[];
  createdAt: number;
  updatedAt: number;
  /** Counts the changes: 1 when created. */
  version: number;
}

export interface ScheduleInput {
  name: string;
  description?: string;
  timeZone: string;
  teamId?: number | null;
  layers: ScheduleLayer[];
}

type Db = Kysely<Database> | Transaction<Database>;
type ScheduleRow = Selectable<Database['oncall_schedules']>;

export function scheduleFromRow(r: ScheduleRow): Schedule {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    timeZone: r.time_zone,
    teamId: r.team_id,
    layers: JSON.parse(r.layers) as ScheduleLayer[],
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    version: Number(r.version),
  };
}

export async function listSchedules(
  ctx: ServiceContext,
  actor: Actor,
  filter: { teamId?: number } = {},
): Promise<Schedule[]> {
  requireOncall(actor, 'schedule.read');
  let q = ctx.db.selectFrom('oncall_schedules').selectAll().orderBy('name').orderBy('id');
  if (filter.teamId !== undefined) q = q.where('team_id', '=', filter.teamId);
  return (await q.execute()).map(scheduleFromRow);
}

export async function getSchedule(ctx: ServiceContext, actor: Actor, id: number): Promise<Schedule> {
  requireOncall(actor, 'schedule.read');
  return loadSchedule(ctx.db, id);
}

/** A schedule by id, without a permission check (the caller checked, or a feed secret stood in). */
export async function loadSchedule(db: Db, id: number): Promise<Schedule> {
  const row = await db.selectFrom('oncall_schedules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('schedule_not_found', `No on-call schedule ${id}.`);
  return scheduleFromRow(row);
}

export async function createSchedule(
  ctx: ServiceContext,
  actor: Actor,
  input: ScheduleInput,
): Promise<Schedule> {
  requireOncall(actor, 'schedule.manage');
  const clean = await validateSchedule(ctx.db, input);
  return ctx.db.transaction().execute((trx) => insertSchedule(ctx, trx, actor, clean));
}

/**
 * In the caller's transaction (an import writes several schedules at once): a validated schedule is stored,
 * audited, and the compiled schedules invalidated.
 */
export async function insertSchedule(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  actor: Actor,
  clean: Required<ScheduleInput>,
): Promise<Schedule> {
  const now = ctx.clock.now();
  await refuseTakenName(trx, clean.name, null);
  const row = await trx
    .insertInto('oncall_schedules')
    .values({
      name: clean.name,
      description: clean.description,
      time_zone: clean.timeZone,
      team_id: clean.teamId,
      layers: JSON.stringify(clean.layers),
      created_at: now,
      updated_at: now,
      version: 1,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, {
    actorId: actor.id,
    at: now,
    action: 'schedule.created',
    subjectType: 'oncall_schedule',
    subjectId: row.id,
    details: { name: clean.name, layers: clean.layers.length },
  });
  await ctx.caches.get(compiledSchedulesCache).invalidate(trx);
  return scheduleFromRow(row);
}

export async function updateSchedule(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  patch: Partial<ScheduleInput>,
): Promise<Schedule> {
  requireOncall(actor, 'schedule.manage');
  const current = await loadSchedule(ctx.db, id);
  const clean = await validateSchedule(ctx.db, {
    name: patch.name ?? current.name,
    description: patch.description ?? current.description,
    timeZone: patch.timeZone ?? current.timeZone,
    teamId: patch.teamId === undefined ? current.teamId : patch.teamId,
    layers: patch.layers ?? current.layers,
  });
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    await refuseTakenName(trx, clean.name, id);
    const row = await trx
      .updateTable('oncall_schedules')
      .set((eb) => ({
        name: clean.name,
        description: clean.description,
        time_zone: clean.timeZone,
        team_id: clean.teamId,
        layers: JSON.stringify(clean.layers),
        updated_at: now,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new NotFound('schedule_not_found', `No on-call schedule ${id}.`);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'schedule.updated',
      subjectType: 'oncall_schedule',
      subjectId: id,
      details: { fields: Object.keys(patch) },
    });
    await ctx.caches.get(compiledSchedulesCache).invalidate(trx);
    return scheduleFromRow(row);
  });
}

/** Deletes the schedule with its overrides, requests and feed secret. */
export async function deleteSchedule(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  requireOncall(actor, 'schedule.manage');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const schedule = await loadSchedule(trx, id);
    // Children first: SQLite enforces the cascades only with foreign keys on, so say it explicitly.
    await trx.deleteFrom('oncall_overrides').where('schedule_id', '=', id).execute();
    await trx.deleteFrom('oncall_shift_requests').where('schedule_id', '=', id).execute();
    await trx.deleteFrom('oncall_feed_tokens').where('schedule_id', '=', id).execute();
    await trx.deleteFrom('oncall_schedules').where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'schedule.deleted',
      subjectType: 'oncall_schedule',
      subjectId: id,
      details: { name: schedule.name },
    });
    await ctx.caches.get(compiledSchedulesCache).invalidate(trx);
  });
}

async function refuseTakenName(trx: Db, name: string, exceptId: number | null): Promise<void> {
  let q = trx.selectFrom('oncall_schedules').select('id').where('name', '=', name);
  if (exceptId !== null) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw new Conflict('name_taken', `Another schedule is named "${name}".`);
}

function invalid(field: string, message: string): Invalid {
  return new Invalid('invalid_schedule', `${field}: ${message}`, [{ field, message }]);
}

/**
 * A schedule's input checked as a whole: the name, a real IANA zone, an existing team, bounded layers whose
 * participants are active staff, and layers the engine can compile (it checks times, turns and restrictions).
 */
export async function validateSchedule(db: Db, input: ScheduleInput): Promise<Required<ScheduleInput>> {
  const name = (input.name ?? '').trim();
  if (name.length === 0 || name.length > 100) throw invalid('/name', 'must be 1–100 characters');
  const description = (input.description ?? '').trim();
  if (description.length > 2000) throw invalid('/description', 'must be at most 2000 characters');
  if (typeof input.timeZone !== 'string' || !IANAZone.isValidZone(input.timeZone))
    throw invalid('/timeZone', 'must be an IANA time zone, e.g. Europe/Berlin');
  const teamId = input.teamId ?? null;
  if (teamId !== null) {
    const group = await db.selectFrom('groups').select('id').where('id', '=', teamId).executeTakeFirst();
    if (!group)
      throw new Invalid('invalid_reference', `No group ${teamId}.`, [
        { field: '/teamId', message: 'no such group' },
      ]);
  }
  const layers = input.layers;
  // The engine checks the layers' shape, times, turns, restrictions and bounds, naming the field (a 400).
  compileSchedule({ id: 0, timeZone: input.timeZone, layers, overrides: [] });
  const userIds = new Set<number>();
  for (const layer of layers) {
    if (layer.kind === 'rotation') for (const u of layer.participants) userIds.add(u);
    else for (const s of layer.shifts) userIds.add(s.userId);
  }
  await requireStaff(db, [...userIds], '/layers');
  return { name, description, timeZone: input.timeZone, teamId, layers };
}

/** Every id is an active staff account (who can be on call); otherwise a 400 naming the first that is not. */
export async function requireStaff(db: Db, userIds: number[], field: string): Promise<void> {
  if (userIds.length === 0) return;
  const rows = await db
    .selectFrom('users')
    .select(['id', 'role', 'active'])
    .where('id', 'in', userIds)
    .execute();
  const ok = new Set(rows.filter((r) => r.role !== 'requester' && Number(r.active) === 1).map((r) => r.id));
  const bad = userIds.find((u) => !ok.has(u));
  if (bad !== undefined)
    throw new Invalid('invalid_reference', `User ${bad} is not an active staff member.`, [
      { field, message: `user ${bad} is not an active staff member` },
    ]);
}

/** Names of users by id (for views). */
export async function userNames(db: Db, ids: Iterable<number>): Promise<Map<number, string>> {
  const list = [...new Set(ids)];
  if (list.length === 0) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'name']).where('id', 'in', list).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}
