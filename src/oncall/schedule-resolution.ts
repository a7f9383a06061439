// Schedule resolution, pure: compile a ScheduleDefinition once (validated, local times parsed, the zone's offsets
// tabulated), then answer "who is on call at T" and "the final schedule over [from, to)" by arithmetic.
//
// Which layer wins (PagerDuty / Grafana OnCall semantics):
//   1. An override wins over every layer. Where overrides overlap, the later-created one (higher id) wins.
//   2. Otherwise the highest layer on duty wins: `layers[i + 1]` over `layers[i]`. A layer is on duty inside its
//      span [start, end) and, if it has restrictions, only inside their windows; outside, the instant falls
//      through to the layers below. Within a shifts layer, a later shift in the list wins where shifts overlap.
//   3. Where no layer is on duty and no override applies: a gap (userId null).
// Local wall time, exactly as the zone decides it:
//   - Turn k of a rotation starts at start + k × turn in the zone's local calendar. Day and week turns add
//     calendar days, so a 09:00 handoff stays 09:00 across DST (a turn is 23 or 25 hours that day); hour turns
//     add real elapsed hours (an 8-hour shift stays 8 hours long, and its local times move by an hour).
//   - A local time that does not exist (the spring-forward gap) maps forward by the gap's length, as Luxon does:
//     02:30 on 2026-03-29 in Berlin is 03:30 CEST. A local time that happens twice (fall-back) takes the earlier
//     instant (the offset before the change): 02:30 on 2026-10-25 in Berlin is 02:30 CEST = 00:30Z.
//   - Restriction windows are local wall time per local day; an end at or before the start runs past midnight.
// Lookups never expand from the start of time: the turn index is computed, then a few turns around it are
// resolved, so a query does bounded work whatever the schedule's age.
import { IANAZone } from 'luxon';
import type { FieldError } from '../core/errors.js';
import { Invalid } from '../core/errors.js';
import type { Override, ScheduleDefinition, Segment, SegmentSource } from './schedule-model.js';

const minuteMs = 60_000;
const hourMs = 3_600_000;
const dayMs = 86_400_000;

/** Bounds on what a definition may hold, so a compile and a lookup do bounded work. */
export const scheduleLimits = {
  layers: 20,
  participants: 500,
  restrictions: 50,
  shifts: 20_000,
  overrides: 20_000,
  /** Local datetimes and override instants must fall in these years. */
  firstYear: 1970,
  lastYear: 2199,
  /** onCallAt widens its window up to this far either side to find where the answer's segment ends. */
  lookaroundMs: 400 * dayMs,
  /** The longest range a final schedule, a layer's segments or a report covers in one call. */
  rangeMs: 10 * 366 * dayMs,
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Zone offsets: Luxon's IANAZone.offset costs ~9 µs (Intl), so each zone's offsets are tabulated once per block
// of time (sampled daily, transitions bisected to the minute) and looked up in a small array afterwards.

const blockMs = 400 * dayMs; // whole minutes, so bisection lands on the minute a transition happens

interface OffsetBlock {
  /** Instants at which the offset (minutes) takes the value at the same index; at[0] = the block's start. */
  at: number[];
  offset: number[];
}

export class ZoneOffsets {
  private readonly zone: IANAZone;
  private readonly blocks = new Map<number, OffsetBlock>();

  constructor(readonly name: string) {
    this.zone = IANAZone.create(name);
  }

  private block(index: number): OffsetBlock {
    let b = this.blocks.get(index);
    if (b) return b;
    const start = index * blockMs;
    const end = start + blockMs;
    const at = [start];
    const offset = [this.zone.offset(start)];
    let prevT = start;
    let prevO = offset[0];
    for (let t = start + dayMs; ; t += dayMs) {
      const tt = Math.min(t, end);
      const o = this.zone.offset(tt);
      if (o !== prevO) {
        // Bisect to the minute: transitions fall on whole minutes.
        let lo = prevT; // offset prevO
        let hi = tt; // offset o
        while (hi - lo > minuteMs) {
          const mid = lo + Math.max(1, Math.floor((hi - lo) / 2 / minuteMs)) * minuteMs;
          if (this.zone.offset(mid) === prevO) lo = mid;
          else hi = mid;
        }
        const oh = this.zone.offset(hi);
        if (hi < end) {
          at.push(hi);
          offset.push(oh);
        }
        prevO = oh;
        if (oh !== o && tt < end) {
          // Two changes inside one day: record the second at the sample (rare; good to the day).
          at.push(tt);
          offset.push(o);
          prevO = o;
        }
      }
      prevT = tt;
      if (tt >= end) break;
    }
    b = { at, offset };
    this.blocks.set(index, b);
    return b;
  }

  /** The zone's UTC offset in minutes at an instant. */
  offsetAt(t: number): number {
    const b = this.block(Math.floor(t / blockMs));
    const { at, offset } = b;
    let i = at.length - 1;
    while (i > 0 && at[i] > t) i--;
    return offset[i];
  }

  /** The local wall time of an instant, as if it were UTC (naive ms). */
  toLocal(t: number): number {
    return t + this.offsetAt(t) * minuteMs;
  }

  /**
   * The instant of a local wall time (naive ms). Ambiguous (fall-back): the earlier instant. Nonexistent
   * (spring-forward gap): shifted forward by the gap, using the offset before the change, as Luxon does.
   */
  toInstant(local: number): number {
    const before = this.offsetAt(local - dayMs);
    const after = this.offsetAt(local + dayMs);
    const t1 = local - before * minuteMs;
    const ok1 = this.offsetAt(t1) === before;
    if (before === after) return ok1 ? t1 : local - this.offsetAt(t1) * minuteMs;
    const t2 = local - after * minuteMs;
    const ok2 = this.offsetAt(t2) === after;
    if (ok1 && ok2) return Math.min(t1, t2);
    if (ok1) return t1;
    if (ok2) return t2;
    return local - Math.min(before, after) * minuteMs;
  }
}

const zoneCache = new Map<string, ZoneOffsets>();
/** The shared offset table of a zone (tables only grow, a block at a time). */
export function zoneOffsets(name: string): ZoneOffsets {
  let z = zoneCache.get(name);
  if (!z) {
    z = new ZoneOffsets(name);
    zoneCache.set(name, z);
  }
  return z;
}

// ---------------------------------------------------------------------------------------------------------------
// Parsing and validation.

const localDateTimeRe = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?$/;
const localTimeRe = /^(\d\d):(\d\d)$/;

/** A local datetime as naive ms (wall time as if UTC), or null when it is not a real calendar datetime. */
export function parseLocalDateTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = localDateTimeRe.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number);
  if (y < scheduleLimits.firstYear || y > scheduleLimits.lastYear) return null;
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(t).getUTCDate() !== d) return null; // 2026-02-30
  return t;
}

/** Minutes since local midnight of `HH:MM`; `24:00` only where `allowEnd`. Null when malformed. */
export function parseLocalTime(value: unknown, allowEnd: boolean): number | null {
  if (typeof value !== 'string') return null;
  const m = localTimeRe.exec(value);
  if (!m) return null;
  const h = Number(m[1]);
  const mi = Number(m[2]);
  if (mi > 59) return null;
  if (h === 24 && mi === 0 && allowEnd) return 24 * 60;
  if (h > 23) return null;
  return h * 60 + mi;
}

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
const minInstant = Date.UTC(scheduleLimits.firstYear, 0, 1);
const maxInstant = Date.UTC(scheduleLimits.lastYear + 1, 0, 1);
const turnBounds = { hour: 8760, day: 365, week: 52 } as const;

// ---------------------------------------------------------------------------------------------------------------
// The compiled form.

interface Piece {
  start: number;
  end: number;
  userId: number;
}

interface CompiledRestriction {
  /** Weekday mask: bit d for ISO weekday d. */
  days: number;
  startMin: number;
  /** Minutes after the start day's midnight; > startMin (crossing midnight adds a day). */
  endMin: number;
}

interface CompiledRotation {
  kind: 'rotation';
  /** Naive local ms of the first handoff, and its instant. */
  startLocal: number;
  startAt: number;
  /** The layer's end instant (exclusive); Infinity when it runs on. */
  endAt: number;
  unit: 'hour' | 'calendar';
  /** Real ms per turn (hour unit) or naive local ms per turn (day and week units). */
  turnMs: number;
  participants: number[];
  restrictions: CompiledRestriction[];
}

interface CompiledShifts {
  kind: 'shifts';
  /** Sorted, non-overlapping, the later shift winning where the definition's overlap. */
  pieces: Piece[];
}

type CompiledLayer = CompiledRotation | CompiledShifts;

export interface CompiledSchedule {
  readonly id: number;
  readonly timeZone: string;
  readonly zone: ZoneOffsets;
  readonly layers: readonly CompiledLayer[];
  /** Overrides flattened: sorted, non-overlapping, higher id winning; `userId` with the override's id. */
  readonly overrides: readonly (Piece & { overrideId: number })[];
}

/** What onCallAt answers: the final-schedule segment containing the instant. */
export interface OnCallAnswer {
  userId: number;
  start: number;
  end: number;
  source: SegmentSource;
}

/**
 * Flatten prioritised intervals into sorted, non-overlapping pieces: where they overlap, the one with the
 * higher `rank` wins (the later in the list on a tie). A sweep over the boundaries with a max-heap of the
 * active items (expired ones dropped when they reach the top): O(n log n) however much they overlap.
 */
function flatten<T extends { start: number; end: number; rank: number }>(items: T[]): T[] {
  const live = items.map((item, order) => ({ item, order })).filter(({ item }) => item.end > item.start);
  if (live.length === 0) return [];
  const points = [...new Set(live.flatMap(({ item }) => [item.start, item.end]))].sort((x, y) => x - y);
  const byStart = [...live].sort((x, y) => x.item.start - y.item.start);
  type Entry = (typeof live)[number];
  const above = (x: Entry, y: Entry) =>
    x.item.rank > y.item.rank || (x.item.rank === y.item.rank && x.order > y.order);
  const heap: Entry[] = [];
  const push = (e: Entry) => {
    heap.push(e);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!above(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  };
  const pop = () => {
    const last = heap.pop() as Entry;
    if (heap.length === 0) return;
    heap[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < heap.length && above(heap[l], heap[top])) top = l;
      if (r < heap.length && above(heap[r], heap[top])) top = r;
      if (top === i) break;
      [heap[i], heap[top]] = [heap[top], heap[i]];
      i = top;
    }
  };
  const out: T[] = [];
  let lastWinner: Entry | undefined;
  let next = 0;
  for (let p = 0; p < points.length - 1; p++) {
    const a = points[p];
    const b = points[p + 1];
    while (next < byStart.length && byStart[next].item.start <= a) push(byStart[next++]);
    while (heap.length > 0 && heap[0].item.end <= a) pop();
    const best = heap[0];
    if (!best) continue;
    const last = out[out.length - 1];
    if (last && last.end === a && lastWinner === best) last.end = b;
    else out.push({ ...best.item, start: a, end: b });
    lastWinner = best;
  }
  return out;
}

/** Validate a definition and precompute what lookups need. Throws Invalid (`invalid_schedule`) naming fields. */
export function compileSchedule(def: ScheduleDefinition): CompiledSchedule {
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => {
    if (errors.length < 50) errors.push({ field, message });
  };
  if (def === null || typeof def !== 'object') {
    throw new Invalid('invalid_schedule', 'A schedule definition must be an object', [
      { field: '/', message: 'must be an object' },
    ]);
  }
  if (!Number.isSafeInteger(def.id)) fail('/id', 'must be an integer');
  const zoneOk = typeof def.timeZone === 'string' && IANAZone.isValidZone(def.timeZone);
  if (!zoneOk) fail('/timeZone', `"${String(def.timeZone)}" is not an IANA time zone`);
  if (!Array.isArray(def.layers)) fail('/layers', 'must be a list');
  else if (def.layers.length > scheduleLimits.layers)
    fail('/layers', `at most ${scheduleLimits.layers} layers`);
  if (!Array.isArray(def.overrides)) fail('/overrides', 'must be a list');
  else if (def.overrides.length > scheduleLimits.overrides)
    fail('/overrides', `at most ${scheduleLimits.overrides} overrides`);
  if (errors.length > 0 || !zoneOk) throw invalid(errors);

  const zone = zoneOffsets(def.timeZone);
  const layers: CompiledLayer[] = [];
  def.layers.forEach((layer, li) => {
    const path = `/layers/${li}`;
    if (layer === null || typeof layer !== 'object') {
      fail(path, 'must be a layer');
      return;
    }
    if (layer.kind === 'rotation') {
      const startLocal = parseLocalDateTime(layer.start);
      if (startLocal === null) fail(`${path}/start`, 'must be a local datetime YYYY-MM-DDTHH:MM');
      let endLocal: number | null = null;
      if (layer.end !== null && layer.end !== undefined) {
        endLocal = parseLocalDateTime(layer.end);
        if (endLocal === null) fail(`${path}/end`, 'must be a local datetime YYYY-MM-DDTHH:MM or null');
        else if (startLocal !== null && endLocal <= startLocal)
          fail(`${path}/end`, 'must be after the start');
      }
      const turn = layer.turn;
      const unit = turn?.unit;
      if (unit !== 'hour' && unit !== 'day' && unit !== 'week') {
        fail(`${path}/turn/unit`, 'must be hour, day or week');
      } else if (!Number.isInteger(turn.count) || turn.count < 1 || turn.count > turnBounds[unit]) {
        fail(`${path}/turn/count`, `must be a whole number of ${unit}s from 1 to ${turnBounds[unit]}`);
      }
      const participants = layer.participants;
      if (!Array.isArray(participants) || participants.length < 1) {
        fail(`${path}/participants`, 'needs at least one participant');
      } else if (participants.length > scheduleLimits.participants) {
        fail(`${path}/participants`, `at most ${scheduleLimits.participants} participants`);
      } else {
        participants.forEach((p, pi) => {
          if (!isId(p)) fail(`${path}/participants/${pi}`, 'must be a user id');
        });
      }
      const restrictions: CompiledRestriction[] = [];
      if (!Array.isArray(layer.restrictions)) fail(`${path}/restrictions`, 'must be a list');
      else if (layer.restrictions.length > scheduleLimits.restrictions)
        fail(`${path}/restrictions`, `at most ${scheduleLimits.restrictions} restrictions`);
      else {
        layer.restrictions.forEach((r, ri) => {
          const rp = `${path}/restrictions/${ri}`;
          let mask = 0;
          if (!Array.isArray(r?.days) || r.days.length === 0)
            fail(`${rp}/days`, 'needs at least one weekday');
          else
            r.days.forEach((d, di) => {
              if (!Number.isInteger(d) || d < 1 || d > 7) fail(`${rp}/days/${di}`, 'must be a weekday 1–7');
              else mask |= 1 << d;
            });
          const s = parseLocalTime(r?.start, false);
          const e = parseLocalTime(r?.end, true);
          if (s === null) fail(`${rp}/start`, 'must be HH:MM');
          if (e === null) fail(`${rp}/end`, 'must be HH:MM or 24:00');
          if (s !== null && e !== null && mask !== 0)
            restrictions.push({ days: mask, startMin: s, endMin: e <= s ? e + 24 * 60 : e });
        });
      }
      if (startLocal === null || errors.length > 0 || unit === undefined) return;
      const startAt = zone.toInstant(startLocal);
      const calendarDays = unit === 'week' ? turn.count * 7 : turn.count;
      layers.push({
        kind: 'rotation',
        startLocal,
        startAt,
        endAt: endLocal === null ? Number.POSITIVE_INFINITY : zone.toInstant(endLocal),
        unit: unit === 'hour' ? 'hour' : 'calendar',
        turnMs: unit === 'hour' ? turn.count * hourMs : calendarDays * dayMs,
        participants: [...participants],
        restrictions,
      });
    } else if (layer.kind === 'shifts') {
      if (!Array.isArray(layer.shifts)) {
        fail(`${path}/shifts`, 'must be a list');
        return;
      }
      if (layer.shifts.length > scheduleLimits.shifts) {
        fail(`${path}/shifts`, `at most ${scheduleLimits.shifts} shifts`);
        return;
      }
      const items: (Piece & { rank: number })[] = [];
      layer.shifts.forEach((s, si) => {
        const sp = `${path}/shifts/${si}`;
        const a = parseLocalDateTime(s?.start);
        const b = parseLocalDateTime(s?.end);
        if (!isId(s?.userId)) fail(`${sp}/userId`, 'must be a user id');
        if (a === null) fail(`${sp}/start`, 'must be a local datetime YYYY-MM-DDTHH:MM');
        if (b === null) fail(`${sp}/end`, 'must be a local datetime YYYY-MM-DDTHH:MM');
        else if (a !== null && b <= a) fail(`${sp}/end`, 'must be after the start');
        if (a !== null && b !== null && b > a && isId(s.userId))
          items.push({ start: zone.toInstant(a), end: zone.toInstant(b), userId: s.userId, rank: si });
      });
      layers.push({
        kind: 'shifts',
        pieces: flatten(items).map(({ start, end, userId }) => ({ start, end, userId })),
      });
    } else {
      fail(`${path}/kind`, 'must be rotation or shifts');
    }
  });

  const overrideItems: (Piece & { overrideId: number; rank: number })[] = [];
  (def.overrides as Override[]).forEach((o, oi) => {
    const op = `/overrides/${oi}`;
    if (!Number.isSafeInteger(o?.id)) fail(`${op}/id`, 'must be an integer');
    if (!isId(o?.userId)) fail(`${op}/userId`, 'must be a user id');
    const okStart = Number.isSafeInteger(o?.start) && o.start >= minInstant && o.start < maxInstant;
    const okEnd = Number.isSafeInteger(o?.end) && o.end >= minInstant && o.end <= maxInstant;
    if (!okStart) fail(`${op}/start`, 'must be an instant (epoch ms)');
    if (!okEnd) fail(`${op}/end`, 'must be an instant (epoch ms)');
    else if (okStart && o.end <= o.start) fail(`${op}/end`, 'must be after the start');
    if (okStart && okEnd && o.end > o.start)
      overrideItems.push({ start: o.start, end: o.end, userId: o.userId, overrideId: o.id, rank: o.id });
  });
  if (errors.length > 0) throw invalid(errors);

  return {
    id: def.id,
    timeZone: def.timeZone,
    zone,
    layers,
    overrides: flatten(overrideItems).map(({ start, end, userId, overrideId }) => ({
      start,
      end,
      userId,
      overrideId,
    })),
  };
}

function invalid(errors: FieldError[]): Invalid {
  const first = errors[0] ?? { field: '/', message: 'is not valid' };
  return new Invalid('invalid_schedule', `${first.field.slice(1) || 'schedule'}: ${first.message}`, errors);
}

// ---------------------------------------------------------------------------------------------------------------
// A layer's on-duty pieces over a range.

/** Start instant of turn k of a rotation. */
function turnStart(layer: CompiledRotation, zone: ZoneOffsets, k: number): number {
  if (layer.unit === 'hour') return layer.startAt + k * layer.turnMs;
  return zone.toInstant(layer.startLocal + k * layer.turnMs);
}

/** The index of the turn containing instant t (t at or after the layer's start). Bounded steps. */
function turnIndexAt(layer: CompiledRotation, zone: ZoneOffsets, t: number): number {
  if (layer.unit === 'hour') return Math.floor((t - layer.startAt) / layer.turnMs);
  let k = Math.max(0, Math.floor((zone.toLocal(t) - layer.startLocal) / layer.turnMs));
  while (k > 0 && turnStart(layer, zone, k) > t) k--;
  while (turnStart(layer, zone, k + 1) <= t) k++;
  return k;
}

/** The restriction windows (instants, sorted and merged) overlapping [from, to). */
function restrictionWindows(
  restrictions: CompiledRestriction[],
  zone: ZoneOffsets,
  from: number,
  to: number,
) {
  const windows: [number, number][] = [];
  // A window that starts the previous local day can reach into `from` (crossing midnight, up to 24 h long).
  const firstDay = Math.floor(zone.toLocal(from) / dayMs) - 1;
  const lastDay = Math.floor(zone.toLocal(to) / dayMs);
  for (let day = firstDay; day <= lastDay; day++) {
    const weekday = ((((day + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday
    const midnight = day * dayMs;
    for (const r of restrictions) {
      if ((r.days & (1 << weekday)) === 0) continue;
      const a = zone.toInstant(midnight + r.startMin * minuteMs);
      const b = zone.toInstant(midnight + r.endMin * minuteMs);
      if (b > a && b > from && a < to) windows.push([a, b]);
    }
  }
  windows.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const w of windows) {
    const last = merged[merged.length - 1];
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else merged.push([w[0], w[1]]);
  }
  return merged;
}

function rotationPieces(layer: CompiledRotation, zone: ZoneOffsets, from: number, to: number): Piece[] {
  const a = Math.max(from, layer.startAt);
  const b = Math.min(to, layer.endAt);
  if (a >= b) return [];
  const turns: Piece[] = [];
  const n = layer.participants.length;
  let k = turnIndexAt(layer, zone, a);
  let s = turnStart(layer, zone, k);
  while (s < b) {
    const e = turnStart(layer, zone, k + 1);
    const userId = layer.participants[k % n];
    const piece = { start: Math.max(s, a), end: Math.min(e, b), userId };
    const last = turns[turns.length - 1];
    if (last && last.userId === userId && last.end === piece.start) last.end = piece.end;
    else if (piece.end > piece.start) turns.push(piece);
    k++;
    s = e;
  }
  if (layer.restrictions.length === 0) return turns;
  const windows = restrictionWindows(layer.restrictions, zone, a, b);
  const out: Piece[] = [];
  let w = 0;
  for (const turn of turns) {
    while (w < windows.length && windows[w][1] <= turn.start) w++;
    for (let j = w; j < windows.length && windows[j][0] < turn.end; j++) {
      const ps = Math.max(turn.start, windows[j][0]);
      const pe = Math.min(turn.end, windows[j][1]);
      if (pe > ps) out.push({ start: ps, end: pe, userId: turn.userId });
    }
  }
  return out;
}

/** Pieces of a sorted, non-overlapping list that overlap [from, to), clipped. Binary search to the first. */
function clipSorted<T extends Piece>(pieces: readonly T[], from: number, to: number): T[] {
  let lo = 0;
  let hi = pieces.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pieces[mid].end <= from) lo = mid + 1;
    else hi = mid;
  }
  const out: T[] = [];
  for (let i = lo; i < pieces.length && pieces[i].start < to; i++) {
    const p = pieces[i];
    out.push({ ...p, start: Math.max(p.start, from), end: Math.min(p.end, to) });
  }
  return out;
}

function layerPieces(compiled: CompiledSchedule, index: number, from: number, to: number): Piece[] {
  const layer = compiled.layers[index];
  if (layer.kind === 'rotation') return rotationPieces(layer, compiled.zone, from, to);
  return clipSorted(layer.pieces, from, to);
}

function checkRange(from: number, to: number): void {
  if (!Number.isFinite(from) || !Number.isFinite(to) || to < from) {
    throw new Invalid('invalid_schedule', 'The range must be two instants, from ≤ to', [
      { field: '/to', message: 'must be at or after from' },
    ]);
  }
  if (to - from > scheduleLimits.rangeMs) {
    throw new Invalid('invalid_schedule', 'The range is longer than ten years', [
      { field: '/to', message: 'at most ten years after from' },
    ]);
  }
}

/** One layer's own on-duty stretches over [from, to) (restrictions applied; no gaps): the calendar's rows. */
export function layerSegments(
  compiled: CompiledSchedule,
  layerIndex: number,
  from: number,
  to: number,
): Segment[] {
  checkRange(from, to);
  if (!Number.isInteger(layerIndex) || layerIndex < 0 || layerIndex >= compiled.layers.length) {
    throw new Invalid('invalid_schedule', `No layer ${layerIndex} in this schedule`, [
      { field: '/layer', message: 'no such layer' },
    ]);
  }
  return layerPieces(compiled, layerIndex, from, to).map((p) => ({
    start: p.start,
    end: p.end,
    userId: p.userId,
    source: { kind: 'layer', layer: layerIndex },
  }));
}

/** The overrides in force over [from, to) (flattened: the later-created wins where they overlap). */
export function overrideSegments(compiled: CompiledSchedule, from: number, to: number): Segment[] {
  checkRange(from, to);
  return clipSorted(compiled.overrides, from, to).map((p) => ({
    start: p.start,
    end: p.end,
    userId: p.userId,
    source: { kind: 'override', overrideId: p.overrideId },
  }));
}

const sameSource = (a: SegmentSource, b: SegmentSource) =>
  a.kind === b.kind &&
  (a.kind !== 'layer' || a.layer === (b as typeof a).layer) &&
  (a.kind !== 'override' || a.overrideId === (b as typeof a).overrideId);

/**
 * The final schedule over [from, to): segments tiling the range exactly (gaps as userId null, source gap),
 * adjacent segments with the same person and source merged. Empty when from = to.
 */
export function finalSchedule(compiled: CompiledSchedule, from: number, to: number): Segment[] {
  checkRange(from, to);
  if (from === to) return [];
  // Levels bottom to top: the layers, then the overrides.
  const levels: { pieces: Piece[]; source: (p: Piece) => SegmentSource }[] = compiled.layers.map((_, i) => {
    const source: SegmentSource = { kind: 'layer', layer: i };
    return { pieces: layerPieces(compiled, i, from, to), source: () => source };
  });
  levels.push({
    pieces: clipSorted(compiled.overrides, from, to),
    source: (p) => ({ kind: 'override', overrideId: (p as Piece & { overrideId: number }).overrideId }),
  });
  const points: number[] = [from, to];
  for (const level of levels) for (const p of level.pieces) points.push(p.start, p.end);
  points.sort((a, b) => a - b);
  const cursor = levels.map(() => 0);
  const out: Segment[] = [];
  const gap: SegmentSource = { kind: 'gap' };
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i];
    const b = points[i + 1];
    if (b === a) continue;
    let userId: number | null = null;
    let source: SegmentSource = gap;
    for (let l = levels.length - 1; l >= 0; l--) {
      const pieces = levels[l].pieces;
      let c = cursor[l];
      while (c < pieces.length && pieces[c].end <= a) c++;
      cursor[l] = c;
      if (c < pieces.length && pieces[c].start <= a) {
        userId = pieces[c].userId;
        source = levels[l].source(pieces[c]);
        break;
      }
    }
    const last = out[out.length - 1];
    if (last && last.userId === userId && sameSource(last.source, source)) last.end = b;
    else out.push({ start: a, end: b, userId, source });
  }
  return out;
}

/**
 * The final-schedule segment containing `at` (its start and end as far as they reach, up to
 * `scheduleLimits.lookaroundMs` either side), or null in a gap. Bounded work: a window around `at` widened
 * only while the answer's segment reaches the window's edge.
 */
export function onCallAt(compiled: CompiledSchedule, at: number): OnCallAnswer | null {
  if (!Number.isFinite(at)) {
    throw new Invalid('invalid_schedule', 'The instant must be a number of epoch ms', [
      { field: '/at', message: 'must be an instant' },
    ]);
  }
  let reach = dayMs;
  for (;;) {
    const from = at - reach;
    const to = at + reach + 1;
    const segments = finalSchedule(compiled, from, to);
    const seg = segments.find((s) => s.start <= at && at < s.end);
    if (!seg) return null; // unreachable: the segments tile [from, to)
    if (seg.userId === null) return null;
    const open = (seg.start === from || seg.end === to) && reach < scheduleLimits.lookaroundMs;
    if (!open) return { userId: seg.userId, start: seg.start, end: seg.end, source: seg.source };
    reach = Math.min(reach * 4, scheduleLimits.lookaroundMs);
  }
}
