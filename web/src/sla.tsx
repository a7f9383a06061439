// SLA clocks in the browser: one shared second ticker on the server's time, the queue's countdown badge of
// a ticket's nearest due target, and the business time a clock has used since the server computed it (the
// overlap with the open windows the server gives for its calendar), so countdowns tick without refetching
// and a paused clock, or one outside business hours, stands still.
import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { serverNow } from './api/client';
import { useOpenWindows } from './api/sla';
import type { Calendar, ClockTarget, SlaClock, TicketSla } from './api/types';
import { t as translate } from './i18n';
import { dateTimeFormat } from './locale';

/** A clock's target as people read it, in the current language. */
export const targetLabel = (target: ClockTarget): string => translate(`sla:target.${target}`);

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

/** "2d 4h", "3h 05m", "12m 09s", "42s" in English ("2 Tg. 4 h" in German) — the sign is the caller's business. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.floor(Math.abs(totalSeconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  // Minutes and seconds after a larger unit keep two digits, as a clock does; given as text so ICU leaves them.
  const two = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return translate('sla:duration.days', { d, h });
  if (h > 0) return translate('sla:duration.hours', { h, m: two(m) });
  if (m > 0) return translate('sla:duration.minutes', { m, s: two(sec) });
  return translate('sla:duration.seconds', { s: sec });
}

/** Minutes as a target reads: "30 min", "4 h", "2 d 4 h". */
export function formatMinutes(minutes: number): string {
  const a = Math.abs(minutes);
  if (a < 60) return translate('sla:minutes.m', { n: a });
  const d = Math.floor(a / 1440);
  const h = Math.floor((a % 1440) / 60);
  const m = a % 60;
  return [
    d ? translate('sla:minutes.d', { n: d }) : '',
    h ? translate('sla:minutes.h', { n: h }) : '',
    m ? translate('sla:minutes.m', { n: m }) : '',
  ]
    .filter(Boolean)
    .join(' ');
}

const localFormat = dateTimeFormat({
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const wallClock = { weekday: 'short', hour: '2-digit', minute: '2-digit' } as const;

/** A due time in the viewer's time. */
export function localTime(iso: string): string {
  return localFormat.format(new Date(iso));
}

/** The same instant on the calendar's wall clock, e.g. "Tue 17:00" (a zone the browser does not know: the viewer's). */
export function zoneTime(iso: string, zone: string): string {
  try {
    return dateTimeFormat({ timeZone: zone, ...wallClock }).format(new Date(iso));
  } catch {
    return dateTimeFormat(wallClock).format(new Date(iso));
  }
}

// ---- business time on a calendar -------------------------------------------------------------------------

const dayMs = 86_400_000;

/** The range of open windows asked for a clock: from the start of the UTC month it was computed in (so the
 * clocks on a page share a few requests) to two days after today, at most the server's 366 days (a clock
 * computed longer ago than that counts only the last 366 days, long past any due time anyway). */
function windowRange(computedAt: number, at: number): { from: string; to: string } {
  const to = Math.floor(at / dayMs) * dayMs + 2 * dayMs;
  const d = new Date(Math.min(computedAt, at));
  const from = Math.max(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1), to - 366 * dayMs);
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
}

/** Milliseconds of [from, to) inside the open windows the server gave (null: no calendar, open 24/7). */
export function openMsBetween(
  windows: { start: string; end: string }[] | null,
  from: number,
  to: number,
): number {
  if (to <= from) return 0;
  if (windows === null) return to - from;
  let sum = 0;
  for (const w of windows) {
    const s = Math.max(from, Date.parse(w.start));
    const e = Math.min(to, Date.parse(w.end));
    if (e > s) sum += e - s;
  }
  return sum;
}

/**
 * A clock's business time left at `at`: what the server computed, less the business time that has run
 * since (paused: none). The calendar's open windows come from the server (its zone, hours and holidays);
 * here they are only overlapped. Undefined while the calendars or the windows load.
 */
export function useBusinessRemaining(
  clock: SlaClock | null,
  computedAt: string | undefined,
  calendar: Calendar | null | undefined,
  at: number,
): number | undefined {
  const running = clock?.phase === 'running' && computedAt !== undefined;
  const since = computedAt ? Date.parse(computedAt) : at;
  const range = windowRange(since, at);
  const windows = useOpenWindows(running && calendar ? calendar.id : null, range.from, range.to);
  if (!clock) return undefined;
  if (!running) return clock.remainingSeconds;
  if (calendar === undefined) return undefined;
  const open = calendar === null ? null : windows.data?.windows;
  if (open === undefined) return undefined;
  return clock.remainingSeconds - Math.floor(openMsBetween(open, since, at) / 1000);
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
  const { t } = useTranslation('sla');
  const at = useServerNow();
  const clock = nearestClock(sla, at);
  const calendar = clock ? calendarOf(clock) : undefined;
  const left = useBusinessRemaining(clock, sla?.computedAt, calendar, at);
  if (!clock || !sla) return <span className="muted small">—</span>;
  if (calendar === undefined || left === undefined) return <span className="muted small">…</span>;
  const u = urgencyOf(clock, at);
  const label = targetLabel(clock.target);
  const text =
    clock.phase === 'paused'
      ? t('badge.paused', { left: formatDuration(clock.remainingSeconds) })
      : left >= 0
        ? t('badge.left', { left: formatDuration(left) })
        : t('badge.over', { over: formatDuration(left) });
  const title = clock.dueAt
    ? calendar
      ? t('badge.titleOn', { target: label, calendar: calendar.name, due: localTime(clock.dueAt) })
      : t('badge.title', { target: label, due: localTime(clock.dueAt) })
    : t('badge.titlePaused', { target: label });
  return (
    <span className={`badge sla-badge sla-${u}`} title={title}>
      <span className="visually-hidden">{t('badge.target', { target: label })} </span>
      {u === 'breached' && <span aria-hidden="true">! </span>}
      {text}
      {u === 'breached' && clock.phase !== 'running' && (
        <span className="visually-hidden"> {t('badge.breached')}</span>
      )}
      {u === 'warning' && <span className="visually-hidden"> {t('badge.warning')}</span>}
    </span>
  );
}
