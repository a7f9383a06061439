// Every schedule compiled once per change, shared by who-is-on-call, the final schedule, feeds and paging.
// Invalidation rule: any transaction that writes a schedule or one of its overrides invalidates this cache
// (schedules.ts, schedule-overrides.ts, shift-requests.ts); every instance reloads it within a second.
import type { Kysely, Transaction } from 'kysely';
import { defineCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { NotFound } from '../core/errors.js';
import type { ScheduleDefinition, ScheduleLayer } from './schedule-model.js';
import { compileSchedule } from './schedule-resolution.js';

export type CompiledSchedule = ReturnType<typeof compileSchedule>;

export interface CachedSchedule {
  id: number;
  name: string;
  teamId: number | null;
  timeZone: string;
  definition: ScheduleDefinition;
  compiled: CompiledSchedule;
}

type Db = Kysely<Database> | Transaction<Database>;

export const compiledSchedulesCache = defineCache('oncall.schedules', async (db: Db) => {
  const schedules = await db.selectFrom('oncall_schedules').selectAll().orderBy('id').execute();
  const overrides = await db
    .selectFrom('oncall_overrides')
    .select(['id', 'schedule_id', 'user_id', 'start_at', 'end_at'])
    .orderBy('start_at')
    .orderBy('id')
    .execute();
  const byId = new Map<number, CachedSchedule>();
  for (const s of schedules) {
    const definition: ScheduleDefinition = {
      id: s.id,
      timeZone: s.time_zone,
      layers: JSON.parse(s.layers) as ScheduleLayer[],
      overrides: [],
    };
    byId.set(s.id, {
      id: s.id,
      name: s.name,
      teamId: s.team_id,
      timeZone: s.time_zone,
      definition,
      compiled: null as never,
    });
  }
  for (const o of overrides) {
    byId.get(o.schedule_id)?.definition.overrides.push({
      id: o.id,
      userId: o.user_id,
      start: Number(o.start_at),
      end: Number(o.end_at),
    });
  }
  // Stored layers were compiled when written: a failure here is a bug, and it is not hidden.
  for (const s of byId.values()) s.compiled = compileSchedule(s.definition);
  return byId;
});

/** Every compiled schedule of this instance's cache (reloaded when any instance changed one). */
export async function compiledSchedules(ctx: ServiceContext): Promise<Map<number, CachedSchedule>> {
  return ctx.caches.get(compiledSchedulesCache).get(ctx.db);
}

export async function compiledSchedule(ctx: ServiceContext, scheduleId: number): Promise<CachedSchedule> {
  const s = (await compiledSchedules(ctx)).get(scheduleId);
  if (!s) throw new NotFound('schedule_not_found', `No on-call schedule ${scheduleId}.`);
  return s;
}
