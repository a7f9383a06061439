// Technician profiles: per staff user, skill levels, a working calendar and the most tickets they should hold
// at once — read by staff with their load, shift and leave now; set by managers.
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { NotFound } from '../core/errors.js';
import {
  defaultMaxOpenTickets,
  loadTechnicians,
  loadWorkingCalendars,
  type Technician,
} from './availability.js';
import { requireStaffing } from './permissions.js';
import { checkLevel, findStaff, invalid, technicianLimits } from './technician-input.js';

export interface ProfileInput {
  /** Replaces the person's skills: every skill they have, with its level 1–5. */
  skills?: { skillId: number; level: number }[];
  /** Their working calendar (an SLA business calendar); null: on shift around the clock. */
  calendarId?: number | null;
  maxOpenTickets?: number;
}

/** Every active staff member (or a group's), with skills, groups, load, shift and leave now. */
export async function listTechnicians(
  ctx: ServiceContext,
  actor: Actor,
  filter: { groupId?: number } = {},
): Promise<Technician[]> {
  requireStaffing(actor, 'profile.read');
  const calendars = await loadWorkingCalendars(ctx, actor);
  return loadTechnicians(ctx.db, calendars, ctx.clock.now(), { groupId: filter.groupId });
}

export async function getTechnician(ctx: ServiceContext, actor: Actor, userId: number): Promise<Technician> {
  requireStaffing(actor, 'profile.read');
  const calendars = await loadWorkingCalendars(ctx, actor);
  const [t] = await loadTechnicians(ctx.db, calendars, ctx.clock.now(), {
    userIds: [userId],
    includeInactive: true,
  });
  if (!t) throw new NotFound('user_not_found', `No staff user ${userId}.`);
  return t;
}

export async function updateTechnician(
  ctx: ServiceContext,
  actor: Actor,
  userId: number,
  input: ProfileInput,
): Promise<Technician> {
  requireStaffing(actor, 'profile.manage');
  const skills = input.skills;
  if (skills) {
    if (skills.length > technicianLimits.skillsPerPerson)
      throw invalid('/skills', `at most ${technicianLimits.skillsPerPerson}`);
    for (const [i, s] of skills.entries()) checkLevel(s.level, `/skills/${i}/level`);
    if (new Set(skills.map((s) => s.skillId)).size !== skills.length)
      throw invalid('/skills', 'a skill may appear once');
  }
  const max = input.maxOpenTickets;
  if (max !== undefined && (!Number.isInteger(max) || max < 0 || max > technicianLimits.maxOpenTickets))
    throw invalid('/maxOpenTickets', `must be an integer 0–${technicianLimits.maxOpenTickets}`);
  if (input.calendarId !== undefined && input.calendarId !== null) {
    const calendars = await loadWorkingCalendars(ctx, actor);
    if (!calendars.has(input.calendarId))
      throw invalid('/calendarId', 'unknown calendar', 'invalid_reference');
  }
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    if (!(await findStaff(trx, userId))) throw new NotFound('user_not_found', `No staff user ${userId}.`);
    if (skills && skills.length > 0) {
      const found = await trx
        .selectFrom('skills')
        .select('id')
        .where(
          'id',
          'in',
          skills.map((s) => s.skillId),
        )
        .execute();
      if (found.length !== skills.length) throw invalid('/skills', 'unknown skill', 'invalid_reference');
    }
    const existing = await trx
      .selectFrom('technician_profiles')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirst();
    const row = {
      calendar_id: input.calendarId !== undefined ? input.calendarId : (existing?.calendar_id ?? null),
      max_open_tickets: max ?? existing?.max_open_tickets ?? defaultMaxOpenTickets,
      updated_by: actor.id,
      updated_at: now,
    };
    if (existing)
      await trx.updateTable('technician_profiles').set(row).where('user_id', '=', userId).execute();
    else
      await trx
        .insertInto('technician_profiles')
        .values({ user_id: userId, ...row })
        .execute();
    if (skills) {
      await trx.deleteFrom('technician_skills').where('user_id', '=', userId).execute();
      if (skills.length > 0)
        await trx
          .insertInto('technician_skills')
          .values(skills.map((s) => ({ user_id: userId, skill_id: s.skillId, level: s.level })))
          .execute();
    }
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'technician.updated',
      subjectType: 'user',
      subjectId: userId,
      details: { ...input },
    });
  });
  return getTechnician(ctx, actor, userId);
}
