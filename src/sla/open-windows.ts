// The open intervals of a business calendar between two instants, computed by the one business calendar
// (zone, DST, weekly hours, holidays), so clients count business time by overlap alone and never re-derive it.
import { Invalid } from '../core/errors.js';
import { BusinessCalendar, type CalendarSpec } from './business-calendar.js';

/** The longest range asked at once: a year of windows is about 750 intervals, a stale clock's worth. */
export const openWindowsMaxRangeMs = 366 * 86_400_000;

export interface OpenWindow {
  /** Epoch milliseconds, inclusive. */
  start: number;
  /** Epoch milliseconds, exclusive; after start. */
  end: number;
}

/** The calendar's open intervals within [from, to), in order, clipped to the range; throws Invalid on a bad range. */
export function openWindowsOf(spec: CalendarSpec, from: number, to: number): OpenWindow[] {
  if (!(to > from)) {
    throw new Invalid('validation_failed', 'to: must be after from', [
      { field: 'querystring/to', message: 'must be after from' },
    ]);
  }
  if (to - from > openWindowsMaxRangeMs) {
    throw new Invalid('validation_failed', 'to: the range may span at most 366 days', [
      { field: 'querystring/to', message: 'must be at most 366 days after from' },
    ]);
  }
  const windows = new BusinessCalendar(spec).openWindows(from, to);
  // Windows of consecutive days that touch (24/7, or hours to midnight and from midnight) are one interval.
  const out: OpenWindow[] = [];
  for (const [start, end] of windows) {
    const last = out[out.length - 1];
    if (last && last.end === start) last.end = end;
    else out.push({ start, end });
  }
  return out;
}
