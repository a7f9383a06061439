// The occurrence of a maintenance window a status page shows: a one-off window as it is; a recurring one (an
// RRULE whose DTSTART is starts_at's wall time in the window's zone, each occurrence duration_minutes long) as its
// current or next occurrence within a horizon. Wall times are expanded floating and placed in the zone with Luxon,
// so an occurrence keeps its local hour across DST changes, as calendars do.
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { boundedIterator } from '../core/recurrence.js';

export interface WindowTimes {
  starts_at: number;
  ends_at: number | null;
  rrule: string | null;
  time_zone: string;
  duration_minutes: number | null;
}

/** At most this many occurrences are stepped through looking for the current one (a FREQ=DAILY window of 13 years). */
const maxSteps = 5000;

/**
 * The window's occurrence that is current at `now` or starts next before `horizonMs`, or null (over, or none
 * before the horizon); throws on a rule ical.js cannot read. A recurring window's ends_at, when set, is the last moment an occurrence may start.
 */
export function nextOccurrence(
  w: WindowTimes,
  now: number,
  horizonMs: number,
): { startsAt: number; endsAt: number | null } | null {
  if (!w.rrule) {
    if (w.ends_at !== null && w.ends_at <= now) return null;
    return w.starts_at <= horizonMs ? { startsAt: w.starts_at, endsAt: w.ends_at } : null;
  }
  const durationMs = (w.duration_minutes ?? 0) * 60_000;
  if (durationMs <= 0) return null;
  const local = DateTime.fromMillis(w.starts_at, { zone: w.time_zone });
  if (!local.isValid) return null;
  // An unreadable rule throws: the caller logs it and leaves the window off.
  const recur = ICAL.Recur.fromString(w.rrule.replace(/^RRULE:/i, ''));
  const dtstart = new ICAL.Time(
    {
      year: local.year,
      month: local.month,
      day: local.day,
      hour: local.hour,
      minute: local.minute,
      second: local.second,
      isDate: false,
    },
    ICAL.Timezone.localTimezone,
  );
  // A rule that matches nothing throws RecurrenceRefused rather than searching forever: the same as unreadable.
  const it = boundedIterator(recur, dtstart);
  for (let i = 0, t = it.next(); t && i < maxSteps; i++, t = it.next()) {
    const start = DateTime.fromObject(
      { year: t.year, month: t.month, day: t.day, hour: t.hour, minute: t.minute, second: t.second },
      { zone: w.time_zone },
    ).toMillis();
    if (start > horizonMs || (w.ends_at !== null && start > w.ends_at)) return null;
    if (start + durationMs > now) return { startsAt: start, endsAt: start + durationMs };
  }
  return null;
}
