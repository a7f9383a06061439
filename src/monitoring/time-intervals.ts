// Alertmanager's time intervals (configuration docs, "time_interval"): named lists of intervals, each an AND of
// times of day, weekdays, days of the month (negative: from the month's end), months and years, read as wall
// time in an IANA zone (UTC by default). A route's mute_time_intervals and active_time_intervals name them.
import { DateTime, IANAZone } from 'luxon';
import { Invalid } from '../core/errors.js';

/** One interval as Alertmanager writes it. An absent field matches every value. */
export interface TimeIntervalSpec {
  times?: { start_time: string; end_time: string }[];
  weekdays?: string[];
  days_of_month?: string[];
  months?: string[];
  years?: string[];
  location?: string;
}

/** A named list: active when any of its intervals is. */
export interface NamedTimeInterval {
  name: string;
  time_intervals: TimeIntervalSpec[];
}

type Range = [number, number];

/** An interval parsed once: minutes of the day [start, end), and inclusive ranges for the rest. */
export interface CompiledInterval {
  times: Range[] | null;
  weekdays: Range[] | null;
  daysOfMonth: Range[] | null;
  months: Range[] | null;
  years: Range[] | null;
  zone: string;
}

const weekdayNames = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const monthNames = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function bad(field: string, message: string): Invalid {
  return new Invalid('validation_failed', `${field}: ${message}`, [{ field, message }]);
}

function minutesOf(text: string, field: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m) throw bad(field, 'a time is HH:MM');
  const h = Number(m[1]);
  const min = Number(m[2]);
  // 24:00 is allowed as an end, as Alertmanager allows it.
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) throw bad(field, 'a time is 00:00–24:00');
  return h * 60 + min;
}

function rangesOf(
  items: string[],
  field: string,
  value: (part: string, at: string) => number,
  check: (r: Range, at: string) => void,
): Range[] {
  return items.map((item, i) => {
    const at = `${field}/${i}`;
    const parts = item.toLowerCase().split(':');
    if (parts.length > 2 || parts.some((p) => p.trim() === '')) throw bad(at, 'a value or a range a:b');
    const start = value(parts[0]!.trim(), at);
    const end = parts.length === 2 ? value(parts[1]!.trim(), at) : start;
    const r: Range = [start, end];
    check(r, at);
    return r;
  });
}

function integer(text: string, at: string): number {
  if (!/^-?\d+$/.test(text)) throw bad(at, `"${text}" is not a number`);
  return Number(text);
}

function named(names: string[], base: number) {
  return (text: string, at: string): number => {
    const i = names.indexOf(text);
    if (i >= 0) return i + base;
    if (/^\d+$/.test(text) && base === 1) {
      const n = Number(text);
      if (n >= 1 && n <= names.length) return n;
    }
    throw bad(at, `"${text}" is not one of ${names.join(', ')}`);
  };
}

function ascending(r: Range, at: string): void {
  if (r[0] > r[1]) throw bad(at, 'the start of a range comes after its end');
}

/** Parse and check an interval; throws Invalid naming the field under `field`. */
export function compileInterval(spec: TimeIntervalSpec, field: string): CompiledInterval {
  const zone = spec.location ?? 'UTC';
  if (zone !== 'Local' && !IANAZone.isValidZone(zone))
    throw bad(`${field}/location`, `unknown time zone "${zone}"`);
  const times = spec.times
    ? spec.times.map((t, i): Range => {
        const start = minutesOf(t.start_time, `${field}/times/${i}/start_time`);
        const end = minutesOf(t.end_time, `${field}/times/${i}/end_time`);
        if (start >= end) throw bad(`${field}/times/${i}`, 'start_time must come before end_time');
        return [start, end];
      })
    : null;
  const weekdays = spec.weekdays
    ? rangesOf(spec.weekdays, `${field}/weekdays`, named(weekdayNames, 0), ascending)
    : null;
  const daysOfMonth = spec.days_of_month
    ? rangesOf(spec.days_of_month, `${field}/days_of_month`, integer, (r, at) => {
        for (const d of r)
          if (d === 0 || d < -31 || d > 31) throw bad(at, 'days of the month are 1–31 or -31–-1');
        // Alertmanager refuses a range that mixes a positive start with a negative end only when it is empty
        // for every month; a start after its end with the same sign is always empty.
        if (Math.sign(r[0]) === Math.sign(r[1])) ascending(r, at);
      })
    : null;
  const months = spec.months
    ? rangesOf(spec.months, `${field}/months`, named(monthNames, 1), ascending)
    : null;
  const years = spec.years
    ? rangesOf(spec.years, `${field}/years`, integer, (r, at) => {
        if (r[0] < 0 || r[1] < 0) throw bad(at, 'years are positive');
        ascending(r, at);
      })
    : null;
  return { times, weekdays, daysOfMonth, months, years, zone: zone === 'Local' ? 'UTC' : zone };
}

const inAny = (ranges: Range[], v: number) => ranges.some(([a, b]) => v >= a && v <= b);

/** Whether the instant falls in the interval, read as wall time in the interval's zone. */
export function intervalContains(interval: CompiledInterval, atMs: number): boolean {
  const t = DateTime.fromMillis(atMs, { zone: interval.zone });
  if (interval.times) {
    const minute = t.hour * 60 + t.minute;
    // start inclusive, end exclusive (Alertmanager: "09:00" to "17:00" covers 09:00:00–16:59:59).
    if (!interval.times.some(([a, b]) => minute >= a && minute < b)) return false;
  }
  if (interval.weekdays && !inAny(interval.weekdays, t.weekday % 7)) return false;
  if (interval.daysOfMonth) {
    const days = t.daysInMonth ?? 31;
    const ok = interval.daysOfMonth.some(([a, b]) => {
      // Negative days count from the month's end (-1: its last day); clamped to the month, as Alertmanager does.
      const start = Math.max(1, a < 0 ? days + a + 1 : a);
      const end = Math.min(days, b < 0 ? days + b + 1 : b);
      return t.day >= start && t.day <= end;
    });
    if (!ok) return false;
  }
  if (interval.months && !inAny(interval.months, t.month)) return false;
  if (interval.years && !inAny(interval.years, t.year)) return false;
  return true;
}

/** Named intervals parsed once, for the routing document's check and for each flush. */
export function compileTimeIntervals(
  defs: readonly NamedTimeInterval[],
  field: string,
): Map<string, CompiledInterval[]> {
  const out = new Map<string, CompiledInterval[]>();
  defs.forEach((d, i) => {
    if (out.has(d.name)) throw bad(`${field}/${i}/name`, `"${d.name}" is defined twice`);
    out.set(
      d.name,
      d.time_intervals.map((ti, j) => compileInterval(ti, `${field}/${i}/time_intervals/${j}`)),
    );
  });
  return out;
}

/** Whether any interval of a named list holds the instant. */
export function isActiveAt(intervals: readonly CompiledInterval[], atMs: number): boolean {
  return intervals.some((i) => intervalContains(i, atMs));
}
