// Business calendars as stored: create, change, list, delete, and import holidays from iCalendar (.ics).
// The rules of time live in business-calendar.ts; this file keeps them in the database and checks input.
import ICAL from 'ical.js';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Conflict, Invalid, NotFound } from '../core/errors.js';
import { recurrenceProblem } from '../core/recurrence.js';
import {
  BusinessCalendar,
  type CalendarSpec,
  CalendarSpecError,
  checkCalendarSpec,
  type Holiday,
  type WorkingHours,
} from './business-calendar.js';
import { requireSla } from './permissions.js';
import { slaSetupCacheName } from './setup-generation.js';

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
    await markOpenClocksStale(ctx, trx, now);
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

/** Bounds on what one import may expand to: occurrences per repeating event, years after its start, holidays. */
export const icsLimits = { occurrencesPerEvent: 500, years: 10, eventDays: 366, holidays: 2000 } as const;
const icsYears = { min: 1900, max: 2200 } as const;

/** Where a property of the n-th top-level VEVENT sits in the raw text, to name the line at fault. */
interface IcsLine {
  line: number;
  text: string;
}

function indexEventLines(text: string): Map<string, IcsLine>[] {
  const events: Map<string, IcsLine>[] = [];
  let current: Map<string, IcsLine> | null = null;
  let depth = 0;
  let last: IcsLine | null = null;
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    // RFC 5545 §3.1: a line that starts with a space or tab continues the previous one.
    if ((raw.startsWith(' ') || raw.startsWith('\t')) && last) {
      last.text += raw.slice(1);
      return;
    }
    const name = /^[A-Za-z0-9-]+/.exec(raw)?.[0].toUpperCase() ?? '';
    const value = raw
      .slice(raw.indexOf(':') + 1)
      .trim()
      .toUpperCase();
    if (name === 'BEGIN') {
      depth += 1;
      if (depth === 2 && value === 'VEVENT') {
        current = new Map();
        events.push(current);
      }
    } else if (name === 'END') {
      if (depth === 2) current = null;
      depth = Math.max(0, depth - 1);
    } else if (current && depth === 2 && name && !current.has(name)) {
      last = { line: i + 1, text: raw };
      current.set(name, last);
      return;
    }
    last = null;
  });
  return events;
}

/**
 * Holidays from an iCalendar file: each all-day event is a holiday (a multi-day event, each of its days); an
 * event that repeats every year without end is a yearly holiday; other repetitions are expanded for ten years
 * (at most 500 occurrences each). Anything it cannot read is a 400 naming the event's line at fault.
 */
export function parseIcsHolidays(text: string): Holiday[] {
  let root: ICAL.Component;
  let events: ICAL.Component[];
  try {
    root = new ICAL.Component(ICAL.parse(text));
    events = root.getAllSubcomponents('vevent');
  } catch (err) {
    const why = String((err as Error)?.message ?? err).slice(0, 200);
    // ical.js quotes the value it choked on: name the first line that holds it.
    const quoted = /"([^"]{1,200})"/.exec(why)?.[1];
    const line = quoted ? text.split(/\r\n|\n|\r/).findIndex((l) => l.includes(quoted)) + 1 : 0;
    if (line === 0) throw new Invalid('invalid_ics', `The file is not iCalendar: ${why}`);
    const message = `line ${line}: ${why}`;
    throw new Invalid('invalid_ics', `The file is not iCalendar: ${message}.`, [
      { field: `ics/line/${line}`, message },
    ]);
  }
  const lines = indexEventLines(text);
  const out: Holiday[] = [];
  events.forEach((component, n) => {
    let property = 'VEVENT';
    const fail = (why: string): never => {
      const at = lines[n]?.get(property);
      const where = at ? `line ${at.line} (${at.text.slice(0, 80)})` : `event ${n + 1}, ${property}`;
      const message = `${where}: ${why.slice(0, 200)}`;
      throw new Invalid('invalid_ics', `The .ics file cannot be imported: ${message}.`, [
        { field: at ? `ics/line/${at.line}` : `ics/event/${n + 1}`, message },
      ]);
    };
    // ical.js throws plain Errors (invalid dates, rules) from its getters and iterators: each step names the
    // property it reads, so the error points at the line.
    const step = <T>(name: string, read: () => T): T => {
      property = name;
      try {
        return read();
      } catch (err) {
        if (err instanceof Invalid) throw err;
        return fail((err as Error)?.message ?? String(err));
      }
    };
    const event = step('VEVENT', () => new ICAL.Event(component));
    const start = step('DTSTART', () => event.startDate as ICAL.Time | null);
    if (!start) return;
    step('DTSTART', () => {
      if (!Number.isInteger(start.year) || start.year < icsYears.min || start.year > icsYears.max)
        fail(`the year must be from ${icsYears.min} to ${icsYears.max}`);
    });
    const name = step('SUMMARY', () =>
      (String(event.summary ?? 'Holiday').trim() || 'Holiday').slice(0, 200),
    );
    const days = step('DTEND', () => {
      const end = event.endDate as ICAL.Time | null;
      const d = end ? Math.round(end.subtractDate(start).toSeconds() / 86_400) : 1;
      return Number.isFinite(d) ? Math.min(Math.max(1, d), icsLimits.eventDays) : 1;
    });
    const rrule = step('RRULE', () => component.getFirstPropertyValue('rrule') as ICAL.Recur | null);
    if (rrule && ['SECONDLY', 'MINUTELY', 'HOURLY'].includes(rrule.freq)) {
      property = 'RRULE';
      fail(`a holiday repeats by the day or longer, not ${rrule.freq}`);
    }
    if (
      rrule &&
      rrule.freq === 'YEARLY' &&
      !rrule.count &&
      !rrule.until &&
      (rrule.interval ?? 1) === 1 &&
      days === 1
    ) {
      out.push({ date: isoDay(start), name, yearly: true });
      return;
    }
    const starts: ICAL.Time[] = [];
    if (rrule) {
      // ical.js searches for a rule's next day without end: a rule no day satisfies would never come back.
      step('RRULE', () => {
        for (const property of component.getAllProperties('rrule')) {
          const problem = recurrenceProblem(property.getFirstValue() as ICAL.Recur, start);
          if (problem) fail(problem);
        }
      });
      step('RRULE', () => {
        const it = event.iterator();
        const horizon = start.year + icsLimits.years;
        for (
          let next = it.next();
          next && next.year <= horizon && starts.length < icsLimits.occurrencesPerEvent;
          next = it.next()
        )
          starts.push(next);
      });
    } else {
      starts.push(start);
    }
    step('DTSTART', () => {
      for (const s of starts) {
        for (let d = 0; d < days; d++) {
          const t = s.clone();
          t.isDate = true;
          t.adjust(d, 0, 0, 0);
          out.push({ date: isoDay(t), name, yearly: false });
          if (out.length > icsLimits.holidays)
            fail(`the file expands to more than ${icsLimits.holidays} holidays`);
        }
      }
    });
  });
  if (out.length === 0) throw new Invalid('invalid_ics', 'The file holds no events to import as holidays.');
  return out;
}

function isoDay(t: ICAL.Time): string {
  return `${String(t.year).padStart(4, '0')}-${String(t.month).padStart(2, '0')}-${String(t.day).padStart(2, '0')}`;
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

/**
 * In the transaction that changes a calendar, policy or OLA: every open ticket's clock is recomputed by the
 * next job cycle, and every instance loads the SLA setup anew (its cache's one invalidation rule).
 */
export async function markOpenClocksStale(
  ctx: Pick<ServiceContext, 'caches'>,
  trx: Transaction<Database>,
  now: number,
): Promise<void> {
  await ctx.caches.invalidate(trx, slaSetupCacheName);
  await trx.updateTable('sla_ticket_clocks').set({ next_check_at: now }).where('is_open', '=', 1).execute();
}
