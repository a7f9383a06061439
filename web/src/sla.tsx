// SLA clocks in the browser: one shared second ticker on the server's time, the queue's countdown badge of
// a ticket's nearest due target, and the business time a clock has used since the server computed it (from
// its calendar's hours and holidays in the calendar's zone), so countdowns tick without refetching and a
// paused clock, or one outside business hours, stands still.
import { useSyncExternalStore } from 'react';
import { serverNow } from './api/client';
import type { Calendar, ClockTarget, SlaClock, TicketSla } from './api/types';
import { uiLocale } from './locale';

export const targetLabel: Record<ClockTarget, string> = {
  first_response: 'First response',
  next_response: 'Next response',
  resolution: 'Resolution',
  ola: 'OLA',
};

// ---- one ticker for every countdown on the page ----------------------------------------------------------

const listeners = new Set<() => void>();
let now = 0;
let timer: number | undefined;

function subscribe(listener: () => void): () => void {
  if (listeners.size === 0) {
    now = serverNow();
    timer = window.setInterval(() => {
      now = serverNow();
      for (const l of listeners) l();
    }, 1000);
  }
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.clearInterval(timer);
  };
}

/** The server's time, updated every second while a component shows a countdown. */
export function useServerNow(): number {
  return useSyncExternalStore(subscribe, snapshot);
}

function snapshot(): number {
  // Stable between ticks, as useSyncExternalStore requires.
  if (now === 0) now = serverNow();
  return now;
}

// ---- durations and times ---------------------------------------------------------------------------------

/** "2d 4h", "3h 05m", "12m 09s", "42s" — the sign is the caller's business. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.floor(Math.abs(totalSeconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${two(m)}m`;
  if (m > 0) return `${m}m ${two(sec)}s`;
  return `${sec}s`;
}

/** Minutes as a target reads: "30 min", "4 h", "2 d 4 h". */
export function formatMinutes(minutes: number): string {
  const a = Math.abs(minutes);
  if (a < 60) return `${a} min`;
  const d = Math.floor(a / 1440);
  const h = Math.floor((a % 1440) / 60);
  const m = a % 60;
  return [d ? `${d} d` : '', h ? `${h} h` : '', m ? `${m} min` : ''].filter(Boolean).join(' ');
}

const localFormat = new Intl.DateTimeFormat(uiLocale, {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** A due time in the viewer's time. */
export function localTime(iso: string): string {
  return localFormat.format(new Date(iso));
}

/** The same instant on the calendar's wall clock, e.g. "Tue 17:00". */
export function zoneTime(iso: string, zone: string): string {
  let f = zoneFormats.get(zone);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat(uiLocale, {
        timeZone: zone,
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
      });
    } catch {
      f = new Intl.DateTimeFormat(uiLocale, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
    }
    zoneFormats.set(zone, f);
  }
  return f.format(new Date(iso));
}

// ---- business time on a calendar -------------------------------------------------------------------------

const partFormats = new Map<string, Intl.DateTimeFormat>();
const openCache = new Map<string, boolean>();

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h * 60 + m;
}

/** Whether a calendar is open during the minute starting at `ms` (no calendar: 24/7). */
export function isOpenAt(cal: Calendar | null | undefined, ms: number): boolean {
  if (!cal) return true;
  const minute = Math.floor(ms / 60_000);
  const key = `${cal.id}:${cal.updatedAt}:${minute}`;
  const cached = openCache.get(key);
  if (cached !== undefined) return cached;
  let f = partFormats.get(cal.timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: cal.timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
      hourCycle: 'h23',
    });
    partFormats.set(cal.timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(minute * 60_000)).map((x) => [x.type, x.value]));
  const date = `${p.year}-${p.month}-${p.day}`;
  const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(p.weekday) + 1;
  const at = Number(p.hour) * 60 + Number(p.minute);
  const holiday = cal.holidays.some((h) => (h.yearly ? h.date.slice(5) === date.slice(5) : h.date === date));
  const open =
    !holiday &&
    (cal.alwaysOpen ||
      cal.hours.some((h) => h.day === weekday && at >= minutesOf(h.start) && at < minutesOf(h.end)));
  if (openCache.size > 50_000) openCache.clear();
  openCache.set(key, open);
  return open;
}

/** Business milliseconds on a calendar between two instants. */
export function businessMsBetween(cal: Calendar | null | undefined, from: number, to: number): number {
  if (to <= from) return 0;
  if (!cal || (cal.alwaysOpen && cal.holidays.length === 0)) return to - from;
  let sum = 0;
  for (let m = Math.floor(from / 60_000) * 60_000; m < to; m += 60_000) {
    if (isOpenAt(cal, m)) sum += Math.min(to, m + 60_000) - Math.max(from, m);
  }
  return sum;
}

/** A clock's business time left now: what the server computed, less what has run since (paused: none). */
export function businessRemainingSeconds(
  clock: SlaClock,
  computedAt: string,
  cal: Calendar | null | undefined,
  at: number,
): number {
  if (clock.phase !== 'running') return clock.remainingSeconds;
  return clock.remainingSeconds - Math.floor(businessMsBetween(cal, Date.parse(computedAt), at) / 1000);
}

// ---- the queue's badge -----------------------------------------------------------------------------------

/** When a clock falls due at the earliest: its due time, or (paused: none is set) now plus what is left. */
function earliestDue(c: SlaClock, at: number): number {
  if (c.phase === 'paused' || !c.dueAt) return at + c.remainingSeconds * 1000;
  return Date.parse(c.dueAt);
}

/** The clock that falls due first among those still counting (running, or paused with time left). */
export function nearestClock(sla: TicketSla | undefined, at: number): SlaClock | null {
  let best: SlaClock | null = null;
  for (const c of sla?.clocks ?? []) {
    if (c.phase !== 'running' && c.phase !== 'paused') continue;
    if (c.phase === 'running' && !c.dueAt) continue;
    if (!best || earliestDue(c, at) < earliestDue(best, at)) best = c;
  }
  return best;
}

export type Urgency = 'ok' | 'warning' | 'breached' | 'paused';

export function urgencyOf(clock: SlaClock, at: number): Urgency {
  const due = clock.dueAt ? Date.parse(clock.dueAt) : Number.POSITIVE_INFINITY;
  if (clock.breached || (clock.phase === 'running' && at >= due)) return 'breached';
  if (clock.phase === 'paused') return 'paused';
  if (clock.warned || (clock.warnAt && at >= Date.parse(clock.warnAt))) return 'warning';
  return 'ok';
}

/** The queue's countdown of a ticket's nearest due target: business time left on its calendar, as the
 * ticket page shows it (the same clock, counted the same way). */
export function SlaCountdown({
  sla,
  calendarOf,
}: {
  sla: TicketSla | undefined;
  /** The clock's calendar; undefined while the calendars load. */
  calendarOf: (clock: SlaClock) => Calendar | null | undefined;
}) {
  const at = useServerNow();
  const clock = nearestClock(sla, at);
  if (!clock || !sla) return <span className="muted small">—</span>;
  const calendar = calendarOf(clock);
  if (calendar === undefined) return <span className="muted small">…</span>;
  const u = urgencyOf(clock, at);
  const label = targetLabel[clock.target];
  const left = businessRemainingSeconds(clock, sla.computedAt, calendar, at);
  const text =
    clock.phase === 'paused'
      ? `Paused · ${formatDuration(clock.remainingSeconds)} left`
      : left >= 0
        ? `${formatDuration(left)} left`
        : `${formatDuration(left)} over`;
  const title = clock.dueAt
    ? `${label}: business time left${calendar ? ` on ${calendar.name}` : ''}; due ${localTime(clock.dueAt)}`
    : `${label} paused`;
  return (
    <span className={`badge sla-badge sla-${u}`} title={title}>
      <span className="visually-hidden">{label}: </span>
      {u === 'breached' && <span aria-hidden="true">! </span>}
      {text}
      {u === 'breached' && clock.phase !== 'running' && <span className="visually-hidden"> (breached)</span>}
      {u === 'warning' && <span className="visually-hidden"> (warning)</span>}
    </span>
  );
}
