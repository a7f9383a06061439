// Who can take work now: each technician's shift (from their working calendar, an SLA business calendar),
// leave (time off), open tickets against their capacity and skills — loaded for a set of people at once, for
// the profiles page, the group policies and the queue optimiser alike.
import type { Kysely, Transaction } from 'kysely';
import { type Actor, systemActor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, Role } from '../core/db/index.js';
import { workQueueStatuses } from '../helpdesk/index.js';
import { type Calendar, listCalendars, openWindowsOf } from '../sla/index.js';
import type { Available } from './assignment-choice.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Capacity of someone whose profile does not say. */
export const defaultMaxOpenTickets = 10;
/** How far ahead a shift's end or the next shift is looked for (a shift longer than this reads as its horizon). */
const shiftHorizonMs = 8 * 86_400_000;
/** Times in reasons for people without a working calendar. */
const defaultTimeZone = 'UTC';

export interface Technician extends Available {
  email: string;
  role: Role;
  active: boolean;
  groupIds: number[];
  skillLevels: { skillId: number; name: string; level: number }[];
  calendarId: number | null;
  /** Off shift now: when the next shift starts (within the horizon), else null. */
  nextShiftAt: number | null;
  /** On leave now: when that leave ends. */
  leaveUntil: number | null;
  updatedAt: number | null;
}

/** The working calendars, read through the SLA domain before any transaction (they are few). */
export async function loadWorkingCalendars(
  ctx: ServiceContext,
  actor?: Actor,
): Promise<Map<number, Calendar>> {
  const calendars = await listCalendars(ctx, actor ?? systemActor(0));
  return new Map(calendars.map((c) => [c.id, c]));
}

interface Shift {
  until: number | null;
  next: number | null;
}

function shiftOf(calendar: Calendar | undefined, now: number): Shift {
  // No calendar: on shift around the clock.
  if (!calendar) return { until: now + shiftHorizonMs, next: null };
  const windows = openWindowsOf(calendar, now, now + shiftHorizonMs);
  const current = windows.find((w) => w.start <= now && now < w.end);
  if (current) return { until: current.end, next: null };
  return { until: null, next: windows[0]?.start ?? null };
}

/**
 * Staff (active unless asked otherwise) as candidates: by user ids or a group's members, or all staff. Reads
 * through `db` (a transaction's, when the counts must hold for the decision made in it).
 */
export async function loadTechnicians(
  db: Db,
  calendars: Map<number, Calendar>,
  now: number,
  scope: { userIds?: number[]; groupId?: number; includeInactive?: boolean } = {},
): Promise<Technician[]> {
  let q = db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role', 'active'])
    .where('role', '!=', 'requester')
    .orderBy('id');
  if (!scope.includeInactive) q = q.where('active', '=', 1);
  if (scope.userIds) {
    if (scope.userIds.length === 0) return [];
    q = q.where('id', 'in', scope.userIds);
  }
  if (scope.groupId !== undefined) {
    const groupId = scope.groupId;
    q = q.where('id', 'in', (s) =>
      s.selectFrom('group_members').select('user_id').where('group_id', '=', groupId),
    );
  }
  const users = await q.execute();
  if (users.length === 0) return [];
  const ids = users.map((u) => u.id);
  const [profiles, skills, members, leave, load] = await Promise.all([
    db.selectFrom('technician_profiles').selectAll().where('user_id', 'in', ids).execute(),
    db
      .selectFrom('technician_skills as ts')
      .innerJoin('skills as s', 's.id', 'ts.skill_id')
      .select(['ts.user_id', 'ts.skill_id', 'ts.level', 's.name'])
      .where('ts.user_id', 'in', ids)
      .orderBy('s.name')
      .execute(),
    db.selectFrom('group_members').select(['group_id', 'user_id']).where('user_id', 'in', ids).execute(),
    db
      .selectFrom('technician_time_off')
      .select(['user_id', 'starts_at', 'ends_at'])
      .where('user_id', 'in', ids)
      .where('ends_at', '>', now)
      .where('starts_at', '<', now + shiftHorizonMs)
      .execute(),
    db
      .selectFrom('tickets')
      .select(['assignee_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('assignee_id', 'in', ids)
      .where('status', 'in', workQueueStatuses)
      .groupBy('assignee_id')
      .execute(),
  ]);
  const profileOf = new Map(profiles.map((p) => [p.user_id, p]));
  const loadOf = new Map(load.map((l) => [l.assignee_id, Number(l.n)]));
  const shifts = new Map<number | null, Shift>();
  return users.map((u) => {
    const p = profileOf.get(u.id);
    const calendarId = p?.calendar_id ?? null;
    const calendar = calendarId === null ? undefined : calendars.get(calendarId);
    let shift = shifts.get(calendarId);
    if (!shift) {
      shift = shiftOf(calendar, now);
      shifts.set(calendarId, shift);
    }
    const mine = leave.filter((l) => l.user_id === u.id);
    const current = mine.filter((l) => l.starts_at <= now);
    // Chained leave (one ending as the next begins) reads as one.
    let leaveUntil: number | null = null;
    if (current.length > 0) {
      leaveUntil = Math.max(...current.map((l) => l.ends_at));
      for (const l of [...mine].sort((a, b) => a.starts_at - b.starts_at))
        if (l.starts_at <= leaveUntil) leaveUntil = Math.max(leaveUntil, l.ends_at);
    }
    const nextLeave = Math.min(...mine.filter((l) => l.starts_at > now).map((l) => l.starts_at));
    // A shift ends early where leave begins.
    const onShiftUntil = shift.until === null ? null : Math.min(shift.until, nextLeave);
    const skillLevels = skills
      .filter((s) => s.user_id === u.id)
      .map((s) => ({ skillId: s.skill_id, name: s.name, level: s.level }));
    return {
      userId: u.id,
      name: u.name,
      email: u.email,
      role: u.role,
      active: u.active === 1,
      groupIds: members
        .filter((m) => m.user_id === u.id)
        .map((m) => m.group_id)
        .sort((a, b) => a - b),
      skills: Object.fromEntries(skillLevels.map((s) => [s.name, s.level])),
      skillLevels,
      calendarId,
      timeZone: calendar?.timeZone ?? defaultTimeZone,
      maxOpenTickets: p?.max_open_tickets ?? defaultMaxOpenTickets,
      openTickets: loadOf.get(u.id) ?? 0,
      onShiftUntil,
      nextShiftAt: shift.next,
      onLeave: leaveUntil !== null,
      leaveUntil,
      updatedAt: p?.updated_at ?? null,
    };
  });
}
