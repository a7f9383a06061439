// What a roster is generated from (the period, coverage as shift templates, the people and the labour rules),
// its validation, and its expansion into the concrete shift slots that the solver fills and the checker verifies.
//
// Definitions, shared by the solver and the checker (and documented for the user):
// - A slot starts on a local date of the period at its template's wall time; one ending at or before its start
//   (or at 24:00) ends the next day. Instants come from Luxon in the roster's zone, so across a DST change a
//   night shift 22:00–06:00 lasts 7 h (spring) or 9 h (autumn) of real time; a wall time inside the spring gap
//   moves forward by the gap, as Luxon does.
// - Hours are real elapsed hours. A shift counts wholly in the ISO week (Monday–Sunday, local) of its start date.
// - A night shift is one whose local wall-time span overlaps 00:00–06:00. Weekend and holiday shifts are those
//   starting on a Saturday/Sunday or on a holiday date. Nights and days "in a row" are consecutive local start
//   dates on which a person starts a night shift / any shift.
// - Rest is the real time from the end of one of a person's shifts to the start of their next one.
import { DateTime, IANAZone } from 'luxon';
import type { FieldError } from '../core/errors.js';
import { Invalid } from '../core/errors.js';
import type { LocalDateTime, Weekday } from './schedule-model.js';

export const rosterLimits = {
  people: 100,
  days: 366,
  templates: 20,
  timeOffPerPerson: 100,
  holidays: 366,
  zonesPerTemplate: 20,
  required: 20,
  /** Slot seats over the period (days × templates × required): bounds the solver's work. */
  seats: 20_000,
} as const;

/** Time off as real instants (ISO 8601 with an offset), end exclusive. */
export interface TimeOffInstants {
  start: string;
  end: string;
}
/** Time off as whole local dates in the roster's zone, both inclusive. */
export interface TimeOffDates {
  from: string;
  to: string;
}
export type TimeOff = TimeOffInstants | TimeOffDates;

export interface ShiftTemplate {
  /** Shown in explanations, e.g. "night". */
  name: string;
  /** Local wall time `HH:MM`. */
  start: string;
  /** Local wall time `HH:MM` (`24:00` allowed); at or before `start`: the next day. */
  end: string;
  /** The weekdays on which the shift starts (default every day). */
  days?: Weekday[];
  /** How many people the shift needs at once (default 1). */
  required?: number;
  /** Follow-the-sun: only people whose `zone` is one of these may work it (default anyone). */
  zones?: string[];
  /** The shift is not staffed on holidays (business hours). Default false. */
  skipHolidays?: boolean;
}

export interface RosterPerson {
  userId: number;
  /** A region or zone tag matched against templates' `zones` (e.g. "EMEA", "Asia/Tokyo"). */
  zone?: string;
  /** A personal cap, tighter or looser than the rule. */
  maxHoursPerWeek?: number;
  timeOff?: TimeOff[];
}

export interface RosterRules {
  maxHoursPerWeek: number;
  minRestHours: number;
  maxConsecutiveNights: number;
  maxConsecutiveDays?: number;
}

export interface RosterRequest {
  name?: string;
  /** Local dates, both inclusive, in `timeZone`. */
  period: { start: string; end: string; timeZone: string };
  shifts: ShiftTemplate[];
  people: RosterPerson[];
  /** Local dates counted as holidays (for fairness, and for templates that skip holidays). */
  holidays?: string[];
  rules: RosterRules;
  /** The search is deterministic for a seed (default 1). */
  seed?: number;
}

/** The rules a roster must meet: each check and each violation names one. */
export type RosterRule =
  | 'coverage'
  | 'eligibility'
  | 'timeOff'
  | 'minRestHours'
  | 'maxHoursPerWeek'
  | 'maxConsecutiveNights'
  | 'maxConsecutiveDays';

export const rosterRules: RosterRule[] = [
  'coverage',
  'eligibility',
  'timeOff',
  'minRestHours',
  'maxHoursPerWeek',
  'maxConsecutiveNights',
  'maxConsecutiveDays',
];

/** One concrete shift to fill. */
export interface Slot {
  index: number;
  template: number;
  templateName: string;
  localStart: LocalDateTime;
  localEnd: LocalDateTime;
  /** Epoch ms, end exclusive. */
  start: number;
  end: number;
  hours: number;
  /** Days since the period's first day (of the local start date). */
  day: number;
  date: string;
  /** Index of the ISO week (Monday-based) counted from the period's first week. */
  week: number;
  night: boolean;
  weekend: boolean;
  holiday: boolean;
  required: number;
}

const dateRe = /^\d{4}-\d{2}-\d{2}$/;
const timeRe = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;

function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** A template's wall-time span overlaps 00:00–06:00 of some day. */
export function isNightTemplate(t: Pick<ShiftTemplate, 'start' | 'end'>): boolean {
  const s = minutesOf(t.start);
  const e = minutesOf(t.end);
  // Past midnight, the part on the next day overlaps 00:00–06:00 unless it ends exactly at 00:00.
  if (e <= s) return e > 0 || s < 360;
  return s < 360;
}

function localDate(date: string, zone: string): DateTime | null {
  if (typeof date !== 'string' || !dateRe.test(date)) return null;
  const d = DateTime.fromISO(date, { zone });
  return d.isValid ? d.startOf('day') : null;
}

/** Check a request and fill its defaults; throws Invalid naming each bad field. */
export function validateRosterRequest(input: RosterRequest): Required<Omit<RosterRequest, 'name'>> & {
  name: string;
} {
  const errors: FieldError[] = [];
  const bad = (field: string, message: string) => {
    if (errors.length < 50) errors.push({ field, message });
  };
  const r = input;
  const zone = r.period?.timeZone;
  const zoneOk = typeof zone === 'string' && IANAZone.isValidZone(zone);
  if (!zoneOk) bad('/period/timeZone', 'must be an IANA time zone, e.g. Europe/Berlin');
  const z = zoneOk ? zone : 'UTC';
  const first = localDate(r.period?.start, z);
  const last = localDate(r.period?.end, z);
  if (!first) bad('/period/start', 'must be a date YYYY-MM-DD');
  if (!last) bad('/period/end', 'must be a date YYYY-MM-DD');
  let days = 0;
  if (first && last) {
    days = Math.round(last.diff(first, 'days').days) + 1;
    if (days < 1) bad('/period/end', 'must be on or after the start');
    else if (days > rosterLimits.days)
      bad('/period/end', `the period may span at most ${rosterLimits.days} days`);
  }
  if (!Array.isArray(r.shifts) || r.shifts.length === 0) bad('/shifts', 'at least one shift template');
  else if (r.shifts.length > rosterLimits.templates)
    bad('/shifts', `at most ${rosterLimits.templates} templates`);
  let seats = 0;
  (Array.isArray(r.shifts) ? r.shifts.slice(0, rosterLimits.templates) : []).forEach((t, i) => {
    const at = `/shifts/${i}`;
    if (typeof t?.name !== 'string' || t.name.length < 1 || t.name.length > 60)
      bad(`${at}/name`, '1–60 characters');
    if (typeof t?.start !== 'string' || !timeRe.test(t.start) || t.start === '24:00')
      bad(`${at}/start`, 'must be HH:MM');
    if (typeof t?.end !== 'string' || !timeRe.test(t.end)) bad(`${at}/end`, 'must be HH:MM (24:00 allowed)');
    if (t?.days !== undefined) {
      if (!Array.isArray(t.days) || t.days.length === 0 || t.days.length > 7)
        bad(`${at}/days`, '1–7 ISO weekdays');
      else if (t.days.some((d) => !Number.isInteger(d) || d < 1 || d > 7))
        bad(`${at}/days`, 'weekdays are 1–7');
    }
    const req = t?.required ?? 1;
    if (!Number.isInteger(req) || req < 1 || req > rosterLimits.required)
      bad(`${at}/required`, `1–${rosterLimits.required} people`);
    if (t?.zones !== undefined) {
      if (!Array.isArray(t.zones) || t.zones.length === 0 || t.zones.length > rosterLimits.zonesPerTemplate)
        bad(`${at}/zones`, `1–${rosterLimits.zonesPerTemplate} zone tags`);
      else if (t.zones.some((s) => typeof s !== 'string' || s.length < 1 || s.length > 64))
        bad(`${at}/zones`, 'zone tags are 1–64 characters');
    }
    seats += (Number.isInteger(req) ? req : 1) * Math.max(days, 0);
  });
  if (seats > rosterLimits.seats)
    bad(
      '/shifts',
      `the period needs ${seats} shift seats; at most ${rosterLimits.seats} are generated at once`,
    );
  if (!Array.isArray(r.people) || r.people.length === 0) bad('/people', 'at least one person');
  else if (r.people.length > rosterLimits.people) bad('/people', `at most ${rosterLimits.people} people`);
  const seen = new Set<number>();
  (Array.isArray(r.people) ? r.people.slice(0, rosterLimits.people) : []).forEach((p, i) => {
    const at = `/people/${i}`;
    if (!Number.isInteger(p?.userId) || p.userId < 1) bad(`${at}/userId`, 'must be a user id');
    else if (seen.has(p.userId)) bad(`${at}/userId`, 'appears twice');
    else seen.add(p.userId);
    if (p?.zone !== undefined && (typeof p.zone !== 'string' || p.zone.length < 1 || p.zone.length > 64))
      bad(`${at}/zone`, '1–64 characters');
    if (
      p?.maxHoursPerWeek !== undefined &&
      !(Number.isFinite(p.maxHoursPerWeek) && p.maxHoursPerWeek >= 0 && p.maxHoursPerWeek <= 168)
    )
      bad(`${at}/maxHoursPerWeek`, '0–168 hours');
    if (p?.timeOff !== undefined) {
      if (!Array.isArray(p.timeOff) || p.timeOff.length > rosterLimits.timeOffPerPerson)
        bad(`${at}/timeOff`, `at most ${rosterLimits.timeOffPerPerson} entries`);
      else
        p.timeOff.forEach((o, j) => {
          if (timeOffSpan(o, z) === null)
            bad(
              `${at}/timeOff/${j}`,
              'either {start, end} instants with an offset (end after start) or {from, to} local dates (to on or after from)',
            );
        });
    }
  });
  if (r.holidays !== undefined) {
    if (!Array.isArray(r.holidays) || r.holidays.length > rosterLimits.holidays)
      bad('/holidays', `at most ${rosterLimits.holidays} dates`);
    else
      r.holidays.forEach((h, i) => {
        if (localDate(h, z) === null) bad(`/holidays/${i}`, 'must be a date YYYY-MM-DD');
      });
  }
  const rules = r.rules;
  const num = (v: unknown, lo: number, hi: number) =>
    typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;
  if (!num(rules?.maxHoursPerWeek, 1, 168)) bad('/rules/maxHoursPerWeek', '1–168 hours');
  if (!num(rules?.minRestHours, 0, 72)) bad('/rules/minRestHours', '0–72 hours');
  if (!Number.isInteger(rules?.maxConsecutiveNights) || !num(rules?.maxConsecutiveNights, 1, 366))
    bad('/rules/maxConsecutiveNights', 'an integer 1–366');
  if (
    rules?.maxConsecutiveDays !== undefined &&
    (!Number.isInteger(rules.maxConsecutiveDays) || !num(rules.maxConsecutiveDays, 1, 366))
  )
    bad('/rules/maxConsecutiveDays', 'an integer 1–366');
  if (r.seed !== undefined && !(Number.isInteger(r.seed) && Math.abs(r.seed) <= 2 ** 31))
    bad('/seed', 'an integer');
  if (r.name !== undefined && (typeof r.name !== 'string' || r.name.length < 1 || r.name.length > 120))
    bad('/name', '1–120 characters');
  if (errors.length > 0) throw new Invalid('validation_failed', 'The roster request is not valid.', errors);
  return {
    name: r.name ?? 'Generated roster',
    period: { ...r.period },
    shifts: r.shifts.map((t) => ({ ...t, required: t.required ?? 1, days: t.days ?? [1, 2, 3, 4, 5, 6, 7] })),
    people: r.people.map((p) => ({ ...p, timeOff: p.timeOff ?? [] })),
    holidays: r.holidays ?? [],
    rules: { ...r.rules },
    seed: r.seed ?? 1,
  };
}

/** A time-off entry as real instants [start, end), or null when it is malformed. */
export function timeOffSpan(o: TimeOff, zone: string): [number, number] | null {
  if (o && typeof o === 'object' && 'from' in o) {
    const a = typeof o.from === 'string' ? localDate(o.from, zone) : null;
    const b = typeof (o as TimeOffDates).to === 'string' ? localDate((o as TimeOffDates).to, zone) : null;
    if (!a || !b || b < a) return null;
    const z = new ZoneOffsets(zone);
    return [localInstant(`${o.from}T00:00`, z), localInstant(`${dateOfDay(dayNumber(o.to) + 1)}T00:00`, z)];
  }
  if (
    o &&
    typeof o === 'object' &&
    'start' in o &&
    typeof o.start === 'string' &&
    typeof o.end === 'string'
  ) {
    // An offset is required: a bare local time would be read in the server's zone.
    const withOffset = /(?:Z|[+-]\d{2}:?\d{2})$/;
    if (!withOffset.test(o.start) || !withOffset.test(o.end)) return null;
    const a = DateTime.fromISO(o.start, { setZone: true });
    const b = DateTime.fromISO(o.end, { setZone: true });
    if (!a.isValid || !b.isValid || b <= a) return null;
    return [a.toMillis(), b.toMillis()];
  }
  return null;
}

/** Days since 1970-01-01 of a calendar date `YYYY-MM-DD` (no zone: a date is a date). */
export function dayNumber(date: string): number {
  return (
    Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000
  );
}

/** The calendar date `YYYY-MM-DD` of a day number. */
export function dateOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday) of a day number. */
export function weekdayOfDay(day: number): Weekday {
  return (((((day + 3) % 7) + 7) % 7) + 1) as Weekday; // 1970-01-01 was a Thursday
}

/**
 * A zone's UTC offsets, remembered per quarter hour: asking Intl for an offset is slow, and a roster asks for
 * tens of thousands. Where a quarter hour's two ends disagree a transition lies inside it, and the zone is
 * asked for the exact instant, so the answers are the zone's own.
 */
export class ZoneOffsets {
  private readonly byQuarter = new Map<number, number>();
  private readonly zone: IANAZone;

  constructor(zone: string) {
    this.zone = IANAZone.create(zone);
  }

  private at(quarter: number): number {
    let o = this.byQuarter.get(quarter);
    if (o === undefined) {
      o = this.zone.offset(quarter * 900_000);
      this.byQuarter.set(quarter, o);
    }
    return o;
  }

  /** Minutes east of UTC at the instant `t` (epoch ms). */
  offset(t: number): number {
    const q = Math.floor(t / 900_000);
    const o = this.at(q);
    return o === this.at(q + 1) ? o : this.zone.offset(t);
  }
}

/**
 * The instant of a local wall time `YYYY-MM-DDTHH:MM` in a zone. Decided here rather than left to Luxon, whose
 * choice between the two instants of an autumn wall time depends on the zone's offset at the moment the code
 * runs: a repeated wall time is its first occurrence (the summer offset); a wall time in the spring gap moves
 * forward by the gap (02:30 becomes 03:30 in Berlin).
 */
export function localInstant(local: string, zone: ZoneOffsets): number {
  const wallTs = Date.UTC(
    Number(local.slice(0, 4)),
    Number(local.slice(5, 7)) - 1,
    Number(local.slice(8, 10)),
    Number(local.slice(11, 13)),
    Number(local.slice(14, 16)),
  );
  const before = zone.offset(wallTs - 86_400_000);
  const after = zone.offset(wallTs + 86_400_000);
  let best = Number.POSITIVE_INFINITY;
  for (const o of before === after ? [before] : [before, after]) {
    const t = wallTs - o * 60_000;
    if (zone.offset(t) === o && t < best) best = t;
  }
  return Number.isFinite(best) ? best : wallTs - Math.min(before, after) * 60_000;
}

/** Every slot of the period, sorted by start (then template order). */
export function expandSlots(req: ReturnType<typeof validateRosterRequest>): Slot[] {
  const zone = new ZoneOffsets(req.period.timeZone);
  const first = dayNumber(req.period.start);
  const last = dayNumber(req.period.end);
  const holidays = new Set(req.holidays);
  const firstWeekday = weekdayOfDay(first);
  const slots: Slot[] = [];
  for (let dn = first; dn <= last; dn++) {
    const day = dn - first;
    const date = dateOfDay(dn);
    const weekday = weekdayOfDay(dn);
    const holiday = holidays.has(date);
    req.shifts.forEach((t, ti) => {
      if (!(t.days ?? []).includes(weekday)) return;
      if (holiday && t.skipHolidays) return;
      const startMinutes = minutesOf(t.start);
      const endMinutes = minutesOf(t.end);
      // An end at or before the start is on the next day; 24:00 is the next day's 00:00.
      const endDay = dn + (endMinutes <= startMinutes || endMinutes === 24 * 60 ? 1 : 0);
      const endWall = endMinutes === 24 * 60 ? '00:00' : t.end;
      const localStart = `${date}T${t.start}`;
      const localEnd = `${dateOfDay(endDay)}T${endWall}`;
      const start = localInstant(localStart, zone);
      const end = localInstant(localEnd, zone);
      if (end <= start) return; // only a wall span swallowed by a DST gap could do this
      slots.push({
        index: 0,
        template: ti,
        templateName: t.name,
        localStart,
        localEnd,
        start,
        end,
        hours: (end - start) / 3_600_000,
        day,
        date,
        week: Math.floor((day + firstWeekday - 1) / 7),
        night: isNightTemplate(t),
        weekend: weekday >= 6,
        holiday,
        required: t.required ?? 1,
      });
    });
  }
  slots.sort((a, b) => a.start - b.start || a.template - b.template);
  slots.forEach((s, i) => {
    s.index = i;
  });
  return slots;
}

export type ValidRosterRequest = ReturnType<typeof validateRosterRequest>;

/** Whether a person may work a template by zone (follow-the-sun). */
export function zoneAllows(t: ShiftTemplate, p: RosterPerson): boolean {
  return !t.zones || (p.zone !== undefined && t.zones.includes(p.zone));
}

/** Monday of a week index, for explanations. */
export function weekLabel(req: ValidRosterRequest, week: number): string {
  const first = dayNumber(req.period.start);
  return dateOfDay(first - (weekdayOfDay(first) - 1) + week * 7);
}
