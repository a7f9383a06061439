// Business calendars as stored: create, change, list, delete, and import holidays from iCalendar (.ics).
// The rules of time live in business-calendar.ts; this file keeps them in the database and checks input.
import ICAL from 'ical.js';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Conflict, Invalid, NotFound } from '../core/errors.js';
import {
  BusinessCalendar,
  type CalendarSpec,
  CalendarSpecError,
  checkCalendarSpec,
  type Holiday,
  type WorkingHours,
} from './business-calendar.js';
import { requireSla } from './permissions.js';
import { forgetSlaSetup } from './setup-generation.js';

export interface Calendar extends CalendarSpec {
  id: number;
  name: string;
  createdAt: number;
  updatedAt: number;
}

export interface CalendarInput {
  name: string;
  timeZone: string;
  alwaysOpen?: boolean;
  hours?: WorkingHours[];
  holidays?: Holiday[];
}

type Db = Kysely<Database> | Transaction<Database>;
type CalendarRow = Selectable<Database['sla_calendars']>;

export const calendarLimits = { holidays: 2000, hours: 100, name: 100 } as const;

function calendarOf(row: CalendarRow): Calendar {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.time_zone,
    alwaysOpen: row.always_open === 1,
    hours: JSON.parse(row.hours),
    holidays: JSON.parse(row.holidays),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function checkInput(input: CalendarInput): CalendarSpec & { name: string } {
  const name = input.name.trim();
  if (name.length === 0 || name.length > calendarLimits.name) {
    throw new Invalid('invalid_calendar', 'name: must be 1–100 characters', [
      { field: '/name', message: 'must be 1–100 characters' },
    ]);
  }
  const holidays = dedupeHolidays(input.holidays ?? []);
  if (holidays.length > calendarLimits.holidays) {
    throw new Invalid('invalid_calendar', `holidays: at most ${calendarLimits.holidays}`, [
      { field: '/holidays', message: `at most ${calendarLimits.holidays}` },
    ]);
  }
  const spec: CalendarSpec = {
    timeZone: input.timeZone,
    alwaysOpen: input.alwaysOpen === true,
    hours: input.alwaysOpen ? [] : (input.hours ?? []),
    holidays,
  };
  try {
    checkCalendarSpec(spec);
  } catch (err) {
    if (err instanceof CalendarSpecError) {
      throw new Invalid('invalid_calendar', `${err.field.slice(1)}: ${err.message}`, [
        { field: err.field, message: err.message },
      ]);
    }
    throw err;
  }
  return { name, ...spec };
}

function dedupeHolidays(holidays: Holiday[]): Holiday[] {
  const seen = new Map<string, Holiday>();
  for (const h of holidays) {
    const key = h.yearly ? `y:${h.date.slice(5)}` : `d:${h.date}`;
    if (!seen.has(key)) seen.set(key, { date: h.date, name: h.name.slice(0, 200), yearly: h.yearly });
  }
  return [...seen.values()].sort((a, b) => a.date.localeCompare(b.date));
}

async function nameFree(db: Db, name: string, exceptId?: number): Promise<void> {
  let q = db.selectFrom('sla_calendars').select('id').where('name', '=', name);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw new Conflict('sla_name_taken', `A calendar named "${name}" exists.`);
}

export async function listCalendars(ctx: ServiceContext, actor: Actor): Promise<Calendar[]> {
  requireSla(actor, 'sla.read');
  const rows = await ctx.db.selectFrom('sla_calendars').selectAll().orderBy('name').orderBy('id').execute();
  return rows.map(calendarOf);
}

export async function getCalendar(ctx: ServiceContext, actor: Actor, id: number): Promise<Calendar> {
  requireSla(actor, 'sla.read');
  const row = await ctx.db.selectFrom('sla_calendars').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('calendar_not_found', `No calendar ${id}.`);
  return calendarOf(row);
}

export async function createCalendar(
  ctx: ServiceContext,
  actor: Actor,
  input: CalendarInput,
): Promise<Calendar> {
  requireSla(actor, 'sla.manage');
  const c = checkInput(input);
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    await nameFree(trx, c.name);
    const row = await trx
      .insertInto('sla_calendars')
      .values({
        name: c.name,
        time_zone: c.timeZone,
        always_open: c.alwaysOpen ? 1 : 0,
        hours: JSON.stringify(c.hours),
        holidays: JSON.stringify(c.holidays),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'sla.calendar.create',
      subjectType: 'sla_calendar',
      subjectId: row.id,
      details: { name: c.name },
    });
    return row;
  });
  return calendarOf(row);
}

export async function updateCalendar(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: Partial<CalendarInput>,
): Promise<Calendar> {
  requireSla(actor, 'sla.manage');
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom('sla_calendars').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw new NotFound('calendar_not_found', `No calendar ${id}.`);
    const old = calendarOf(before);
    const c = checkInput({
      name: input.name ?? old.name,
      timeZone: input.timeZone ?? old.timeZone,
      alwaysOpen: input.alwaysOpen ?? old.alwaysOpen,
      hours: input.hours ?? old.hours,
      holidays: input.holidays ?? old.holidays,
    });
    await nameFree(trx, c.name, id);
    const row = await trx
      .updateTable('sla_calendars')
      .set({
        name: c.name,
        time_zone: c.timeZone,
        always_open: c.alwaysOpen ? 1 : 0,
        hours: JSON.stringify(c.hours),
        holidays: JSON.stringify(c.holidays),
        updated_at: Math.max(now, before.updated_at + 1),
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'sla.calendar.update',
      subjectType: 'sla_calendar',
      subjectId: id,
      details: { name: c.name },
    });
    await markOpenClocksStale(trx, now);
    return row;
  });
  return calendarOf(row);
}

export async function deleteCalendar(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  requireSla(actor, 'sla.manage');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('sla_calendars').select('id').where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound('calendar_not_found', `No calendar ${id}.`);
    const policies = await trx.selectFrom('sla_policies').select(['name', 'targets']).execute();
    const usedBy = policies.filter((p) =>
      Object.values(JSON.parse(p.targets) as Record<string, { calendarId: number | null }>).some(
        (t) => t.calendarId === id,
      ),
    );
    const olas = await trx.selectFrom('sla_olas').select('id').where('calendar_id', '=', id).execute();
    if (usedBy.length > 0 || olas.length > 0) {
      throw new Conflict(
        'calendar_in_use',
        `Calendar ${id} is used by ${usedBy.map((p) => `policy "${p.name}"`).join(', ') || 'a group OLA'}.`,
      );
    }
    await trx.deleteFrom('sla_calendars').where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'sla.calendar.delete',
      subjectType: 'sla_calendar',
      subjectId: id,
    });
  });
}

/**
 * Holidays from an iCalendar file: each all-day event is a holiday (a multi-day event, each of its days); an
 * event that repeats every year without end is a yearly holiday; other repetitions are expanded for ten years.
 */
export function parseIcsHolidays(text: string): Holiday[] {
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(text));
  } catch (err) {
    throw new Invalid('invalid_ics', `The file is not iCalendar: ${(err as Error).message.slice(0, 200)}`);
  }
  const out: Holiday[] = [];
  const iso = (t: ICAL.Time) =>
    `${String(t.year).padStart(4, '0')}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
  for (const component of root.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(component);
    const start = event.startDate;
    if (!start) continue;
    const name = (event.summary ?? 'Holiday').trim() || 'Holiday';
    const days = event.endDate
      ? Math.max(1, Math.round(event.endDate.subtractDate(start).toSeconds() / 86_400))
      : 1;
    const rrule = component.getFirstPropertyValue('rrule') as ICAL.Recur | null;
    if (
      rrule &&
      rrule.freq === 'YEARLY' &&
      !rrule.count &&
      !rrule.until &&
      (rrule.interval ?? 1) === 1 &&
      days === 1
    ) {
      out.push({ date: iso(start), name, yearly: true });
      continue;
    }
    const starts: ICAL.Time[] = [];
    if (rrule) {
      const it = event.iterator();
      const horizon = start.year + 10;
      for (let next = it.next(); next && next.year <= horizon && starts.length < 500; next = it.next())
        starts.push(next);
    } else {
      starts.push(start);
    }
    for (const s of starts) {
      for (let d = 0; d < Math.min(days, 366); d++) {
        const t = s.clone();
        t.isDate = true;
        t.adjust(d, 0, 0, 0);
        out.push({ date: iso(t), name, yearly: false });
      }
    }
  }
  if (out.length === 0) throw new Invalid('invalid_ics', 'The file holds no events to import as holidays.');
  return out;
}

/** Import an .ics file's holidays into a calendar (merged with those it has). */
export async function importCalendarHolidays(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  icsText: string,
): Promise<{ calendar: Calendar; imported: number }> {
  requireSla(actor, 'sla.manage');
  const holidays = parseIcsHolidays(icsText);
  const current = await getCalendar(ctx, actor, id);
  const calendar = await updateCalendar(ctx, actor, id, { holidays: [...current.holidays, ...holidays] });
  return { calendar, imported: calendar.holidays.length - current.holidays.length };
}

// ---- calendars as the clocks use them -------------------------------------------------------------------

const instances = new Map<string, BusinessCalendar>();

/** Calendars by id, as BusinessCalendar instances reused while the row is unchanged (their day caches). */
export async function loadBusinessCalendars(db: Db): Promise<Map<number, BusinessCalendar>> {
  const rows = await db.selectFrom('sla_calendars').selectAll().execute();
  const out = new Map<number, BusinessCalendar>();
  for (const row of rows) {
    const key = `${row.time_zone}|${row.always_open}|${row.hours}|${row.holidays}`;
    let cal = instances.get(key);
    if (!cal) {
      const c = calendarOf(row);
      cal = new BusinessCalendar({
        timeZone: c.timeZone,
        alwaysOpen: c.alwaysOpen,
        hours: c.hours,
        holidays: c.holidays,
      });
      if (instances.size > 500) instances.clear();
      instances.set(key, cal);
    }
    out.set(row.id, cal);
  }
  return out;
}

/** After a calendar or policy changes, every open ticket's clock is recomputed by the next job cycle. */
export async function markOpenClocksStale(db: Db, now: number): Promise<void> {
  forgetSlaSetup();
  await db.updateTable('sla_ticket_clocks').set({ next_check_at: now }).where('is_open', '=', 1).execute();
}
