// The import plan every converter (Opsgenie, Grafana OnCall, PagerDuty) produces: people matched to opsdesk users
// by email, schedules in our model with people named by email, escalation policies in a neutral shape, what could
// not be carried over, and the original's own final schedule for the side-by-side comparison. Also the small
// JSON reader the converters share, so malformed input becomes Invalid with a path, never a crash.
import { DateTime, IANAZone } from 'luxon';
import { Invalid } from '../../core/errors.js';
import type {
  LocalDateTime,
  Restriction,
  RotationLayer,
  ScheduleDefinition,
  ScheduleLayer,
  TurnLength,
  Weekday,
} from '../schedule-model.js';

export type ImportSource = 'opsgenie' | 'grafana-oncall' | 'pagerduty';

/** Someone the original tool knows; `key` (their email when known) names them everywhere in the plan. */
export interface PlanUser {
  sourceId: string;
  key: string;
  name: string | null;
  email: string | null;
  /** The opsdesk user with the same email; null: unmatched. */
  opsdeskUserId: number | null;
}

export interface PlanRotationLayer extends Omit<RotationLayer, 'participants'> {
  /** Person keys in turn order. */
  participants: string[];
}
export interface PlanShiftsLayer {
  kind: 'shifts';
  name: string;
  shifts: { user: string; start: LocalDateTime; end: LocalDateTime }[];
}
export type PlanLayer = PlanRotationLayer | PlanShiftsLayer;

export interface PlanOverride {
  user: string;
  /** Epoch ms, end exclusive. */
  start: number;
  end: number;
}

export interface PlanSchedule {
  sourceId: string;
  name: string;
  timeZone: string;
  /** Bottom first, as in ScheduleDefinition: a later layer wins. */
  layers: PlanLayer[];
  overrides: PlanOverride[];
}

export type PolicyTargetKind = 'schedule' | 'user' | 'group';
export interface PlanPolicyStep {
  /** Minutes to wait for an acknowledgement after notifying this step before the next (or the repeat). */
  delayMinutes: number;
  /** `ref`: a schedule's sourceId, a person key, or the source's team/group name. */
  targets: { kind: PolicyTargetKind; ref: string }[];
}
export interface PlanPolicy {
  sourceId: string;
  name: string;
  /** How many more times the steps run after the first pass. */
  repeat: number;
  steps: PlanPolicyStep[];
}

export interface NotCarried {
  /** What could not be carried (a rotation, a step, a restriction…). */
  what: string;
  /** Where it is in the source, e.g. `schedule "Ops" / rotation "Nights"`. */
  where: string;
  /** Why, and what was imported instead if anything. */
  why: string;
}

/** An entry of the original's rendered final schedule (instants, end exclusive); `user` a person key, null: nobody. */
export interface OriginalEntry {
  user: string | null;
  start: number;
  end: number;
}

export interface ImportPlan {
  source: ImportSource;
  users: PlanUser[];
  schedules: PlanSchedule[];
  policies: PlanPolicy[];
  notCarried: NotCarried[];
  /** The original's final schedule per schedule sourceId, where the input included it. */
  originals: { scheduleSourceId: string; entries: OriginalEntry[] }[];
}

/** An opsdesk user as matching needs it. */
export interface DirectoryUser {
  id: number;
  email: string;
}

export interface ConvertOptions {
  /** The opsdesk users to match by email. */
  directory: DirectoryUser[];
  /** Now (epoch ms): what lies in the past is not reported as different. */
  now?: number;
}

// ---- limits ---------------------------------------------------------------------------------------------

export const importLimits = {
  users: 5000,
  schedules: 200,
  layersPerSchedule: 50,
  participants: 500,
  restrictions: 200,
  overrides: 5000,
  policies: 500,
  steps: 100,
  targets: 100,
  originalEntries: 20_000,
  string: 500,
} as const;

// ---- the JSON reader ------------------------------------------------------------------------------------

export type Json = unknown;

export function invalidAt(path: string, message: string): Invalid {
  return new Invalid('invalid_import', `${path || '/'}: ${message}`, [{ field: path || '/', message }]);
}

export function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: Json, path: string): Record<string, Json> {
  if (!isObject(v)) throw invalidAt(path, 'must be an object');
  return v;
}

/** An own property only: `__proto__` or `constructor` in an export are just missing keys. */
export function prop(o: Record<string, Json>, key: string): Json {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

export function arr(v: Json, path: string, max: number): Json[] {
  if (!Array.isArray(v)) throw invalidAt(path, 'must be an array');
  if (v.length > max) throw invalidAt(path, `must have at most ${max} items`);
  return v;
}

/** An optional array: missing or null reads as empty. */
export function optArr(v: Json, path: string, max: number): Json[] {
  return v === undefined || v === null ? [] : arr(v, path, max);
}

export function str(v: Json, path: string, max: number = importLimits.string): string {
  if (typeof v !== 'string') throw invalidAt(path, 'must be a string');
  if (v.length > max) throw invalidAt(path, `must be at most ${max} characters`);
  return v;
}

export function optStr(v: Json, path: string, max: number = importLimits.string): string | null {
  return v === undefined || v === null ? null : str(v, path, max);
}

/** An identifier: PagerDuty and Grafana send strings, Opsgenie UUIDs; numbers are accepted and kept as text. */
export function ident(v: Json, path: string): string {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  const s = str(v, path, 200);
  if (s.length === 0) throw invalidAt(path, 'must not be empty');
  return s;
}

export function int(v: Json, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw invalidAt(path, 'must be an integer');
  if (v < min || v > max) throw invalidAt(path, `must be between ${min} and ${max}`);
  return v;
}

export function optInt(v: Json, path: string, min: number, max: number, fallback: number): number {
  return v === undefined || v === null ? fallback : int(v, path, min, max);
}

export function bool(v: Json, path: string, fallback: boolean): boolean {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw invalidAt(path, 'must be true or false');
  return v;
}

export function zone(v: Json, path: string): string {
  const z = str(v, path, 64);
  if (!IANAZone.isValidZone(z)) throw invalidAt(path, 'must be an IANA time zone');
  return z;
}

/** An instant written with an offset or Z (ISO 8601), as every one of the three APIs returns them. */
export function instant(v: Json, path: string): number {
  const s = str(v, path, 64);
  if (!/(Z|[+-]\d\d:?\d\d)$/i.test(s)) throw invalidAt(path, 'must be an ISO 8601 time with an offset');
  const d = DateTime.fromISO(s, { setZone: true });
  if (!d.isValid) throw invalidAt(path, 'must be an ISO 8601 time with an offset');
  return d.toMillis();
}

/** A wall time without offset (Grafana's `start`), read in `timeZone`. */
export function wallTime(v: Json, path: string, timeZone: string): DateTime {
  const s = str(v, path, 64);
  const d = DateTime.fromISO(s, { zone: timeZone });
  if (!d.isValid || /(Z|[+-]\d\d:?\d\d)$/i.test(s))
    throw invalidAt(path, 'must be a local time yyyy-MM-ddTHH:mm:ss');
  return d;
}

export function pathOf(base: string, ...parts: (string | number)[]): string {
  return `${base}/${parts.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

// ---- time helpers ---------------------------------------------------------------------------------------

export function toLocal(ms: number, timeZone: string): LocalDateTime {
  return DateTime.fromMillis(ms, { zone: timeZone }).toFormat("yyyy-MM-dd'T'HH:mm");
}

export function localOf(d: DateTime): LocalDateTime {
  return d.toFormat("yyyy-MM-dd'T'HH:mm");
}

export const minutesPerWeek = 7 * 24 * 60;

/** A weekly window: from `startMinute` of the week (Monday 00:00 = 0, local) for `minutes`. */
export interface WeekSpan {
  startMinute: number;
  minutes: number;
}

function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/**
 * Weekly windows as our restrictions: each span is cut at local midnights into per-day pieces, and pieces with
 * the same hours share one restriction. Exact as a union of wall-time windows (Mon 08:00 → Fri 18:00 becomes
 * Mon 08:00–24:00, Tue–Thu 00:00–24:00, Fri 00:00–18:00). A span of a whole week or more is no restriction:
 * returns null.
 */
export function restrictionsOfSpans(spans: WeekSpan[]): Restriction[] | null {
  const pieces = new Map<string, Set<Weekday>>();
  let covered = 0;
  const perDay: [number, number][][] = Array.from({ length: 7 }, () => []);
  for (const s of spans) {
    if (s.minutes <= 0) continue;
    if (s.minutes >= minutesPerWeek) return null;
    let at = ((s.startMinute % minutesPerWeek) + minutesPerWeek) % minutesPerWeek;
    let left = s.minutes;
    while (left > 0) {
      const day = Math.floor(at / 1440);
      const from = at % 1440;
      const to = Math.min(1440, from + left);
      perDay[day].push([from, to]);
      left -= to - from;
      at = ((day + 1) % 7) * 1440;
    }
  }
  // Merge overlapping pieces within a day, so overlapping source windows do not make duplicate restrictions.
  for (let day = 0; day < 7; day += 1) {
    const merged: [number, number][] = [];
    for (const [a, b] of perDay[day].sort((x, y) => x[0] - y[0])) {
      const last = merged[merged.length - 1];
      if (last && a <= last[1]) last[1] = Math.max(last[1], b);
      else merged.push([a, b]);
    }
    for (const [a, b] of merged) {
      covered += b - a;
      const key = `${hhmm(a)}-${hhmm(b)}`;
      const days = pieces.get(key) ?? new Set<Weekday>();
      days.add((day + 1) as Weekday);
      pieces.set(key, days);
    }
  }
  if (covered >= minutesPerWeek) return null;
  return [...pieces.entries()]
    .map(([key, days]) => {
      const [start, end] = key.split('-');
      return { days: [...days].sort((a, b) => a - b), start, end };
    })
    .sort((a, b) => a.days[0] - b.days[0] || a.start.localeCompare(b.start));
}

/** Seconds as a turn of our model, when they are a whole number of weeks, days or hours. */
export function turnOfSeconds(seconds: number): TurnLength | null {
  if (seconds > 0 && seconds % 604_800 === 0 && seconds / 604_800 <= 52)
    return { unit: 'week', count: seconds / 604_800 };
  if (seconds > 0 && seconds % 86_400 === 0 && seconds / 86_400 <= 365)
    return { unit: 'day', count: seconds / 86_400 };
  if (seconds > 0 && seconds % 3600 === 0 && seconds / 3600 <= 8760)
    return { unit: 'hour', count: seconds / 3600 };
  return null;
}

export const weekdayNames: Record<string, Weekday> = {
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
};

// ---- people ---------------------------------------------------------------------------------------------

/** Normalised for matching: trimmed, lower case. */
export function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

export function matchUsers(
  users: Omit<PlanUser, 'opsdeskUserId' | 'key'>[],
  directory: DirectoryUser[],
  source: ImportSource,
): PlanUser[] {
  const byEmail = new Map(directory.map((u) => [emailKey(u.email), u.id]));
  return users.map((u) => {
    const key = u.email ? emailKey(u.email) : `${source}:${u.sourceId}`;
    return { ...u, key, opsdeskUserId: u.email ? (byEmail.get(key) ?? null) : null };
  });
}

// ---- binding a plan to our model ------------------------------------------------------------------------

/**
 * A plan schedule as our model, people given ids by `idOf` (the matched opsdesk user; the comparison gives
 * unmatched people stand-in ids so their turns still show).
 */
export function bindSchedule(
  plan: PlanSchedule,
  idOf: (key: string) => number,
  scheduleId = 0,
): ScheduleDefinition {
  const layers: ScheduleLayer[] = plan.layers.map((l) =>
    l.kind === 'rotation'
      ? { ...l, participants: l.participants.map(idOf), restrictions: l.restrictions.map((r) => ({ ...r })) }
      : {
          kind: 'shifts',
          name: l.name,
          shifts: l.shifts.map((s) => ({ userId: idOf(s.user), start: s.start, end: s.end })),
        },
  );
  return {
    id: scheduleId,
    timeZone: plan.timeZone,
    layers,
    overrides: plan.overrides.map((o, i) => ({
      id: i + 1,
      userId: idOf(o.user),
      start: o.start,
      end: o.end,
    })),
  };
}

/** Collects what could not be carried, in source order. */
export class NotCarriedLog {
  readonly items: NotCarried[] = [];
  add(what: string, where: string, why: string): void {
    if (this.items.length < 2000) this.items.push({ what, where, why });
  }
}
