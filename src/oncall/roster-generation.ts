// Roster generation: fill every slot of a request's coverage with people so that every rule holds, spreading
// hours, nights, weekend and holiday shifts evenly. Stages: counting prechecks that prove a request infeasible
// (and name the rule); a chronological depth-first search ordered by fairness with bounded backtracking and
// seeded restarts; a local search of moves and swaps that keep every rule and lower the unfairness; and the
// independent checker (roster-rules.ts) over the result, so a rule is never broken silently.

import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Invalid } from '../core/errors.js';
import { requireOncall } from './permissions.js';
import {
  expandSlots,
  type RosterRequest,
  type RosterRule,
  type Slot,
  timeOffSpan,
  type ValidRosterRequest,
  validateRosterRequest,
  weekLabel,
  zoneAllows,
} from './roster-request.js';
import {
  checkRoster,
  type Exclusion,
  type RosterCheck,
  type RosterViolation,
  slotRef,
} from './roster-rules.js';
import type { ExplicitShift, ShiftsLayer } from './schedule-model.js';

export interface PersonStats {
  userId: number;
  shifts: number;
  /** Real elapsed hours (a DST night counts 7 or 9 h). */
  hours: number;
  nights: number;
  weekends: number;
  holidays: number;
}

export interface FairnessSummary {
  /** Per category, over the people who can work at least one slot: the least, the most and their difference. */
  hours: { min: number; max: number; spread: number };
  nights: { min: number; max: number; spread: number };
  weekends: { min: number; max: number; spread: number };
  holidays: { min: number; max: number; spread: number };
}

export interface SearchStats {
  slots: number;
  seats: number;
  /** Assignments tried by the search (backtracking included). */
  nodes: number;
  restarts: number;
  /** Moves and swaps the improvement phase applied. */
  improvements: number;
}

export type RosterResult =
  | {
      feasible: true;
      layer: ShiftsLayer;
      stats: PersonStats[];
      fairness: FairnessSummary;
      checks: RosterCheck;
      search: SearchStats;
    }
  | { feasible: false; violations: RosterViolation[]; search: SearchStats };

const hourMs = 3_600_000;
const eps = 1e-6;
const maxReported = 20;

/** mulberry32: a small seeded generator, so a seed gives the same roster every time. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Who may work which slot at all (zone and time off), as a matrix slot × person. */
function eligibility(req: ValidRosterRequest, slots: Slot[]): { allowed: Uint8Array; onLeave: Uint8Array } {
  const n = req.people.length;
  const allowed = new Uint8Array(slots.length * n);
  const onLeave = new Uint8Array(slots.length * n);
  req.people.forEach((p, pi) => {
    const spans = (p.timeOff ?? [])
      .map((o) => timeOffSpan(o, req.period.timeZone)!)
      .sort((a, b) => a[0] - b[0]);
    // Merge, so one binary search finds the only span that can overlap a slot.
    const merged: [number, number][] = [];
    for (const s of spans) {
      const last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else merged.push([s[0], s[1]]);
    }
    for (const s of slots) {
      if (!zoneAllows(req.shifts[s.template], p)) continue;
      let lo = 0;
      let hi = merged.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (merged[mid][0] < s.end) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      if (found >= 0 && merged[found][1] > s.start) onLeave[s.index * n + pi] = 1;
      else allowed[s.index * n + pi] = 1;
    }
  });
  return { allowed, onLeave };
}

/** The assignments so far, with the counters every rule check needs, kept in step by add and remove. */
class RosterState {
  readonly n: number;
  readonly lists: number[][];
  readonly weekHours: Float64Array[];
  readonly nightCount: Uint16Array[];
  readonly dayCount: Uint16Array[];
  readonly caps: number[];
  readonly rest: number;
  /** Per person: hours / mean slot hours, nights, weekend and holiday shifts (the fairness categories). */
  readonly value: Float64Array;

  constructor(
    readonly req: ValidRosterRequest,
    readonly slots: Slot[],
    readonly allowed: Uint8Array,
    readonly hoursUnit: number,
  ) {
    this.n = req.people.length;
    const weeks = slots.length ? slots[slots.length - 1].week + 1 : 1;
    const days = slots.length ? slots[slots.length - 1].day + 1 : 1;
    this.lists = req.people.map(() => []);
    this.weekHours = req.people.map(() => new Float64Array(weeks));
    this.nightCount = req.people.map(() => new Uint16Array(days));
    this.dayCount = req.people.map(() => new Uint16Array(days));
    this.caps = req.people.map((p) => p.maxHoursPerWeek ?? req.rules.maxHoursPerWeek);
    this.rest = req.rules.minRestHours * hourMs;
    this.value = new Float64Array(this.n * 4);
    this.vectors = new Float64Array(slots.length * 4);
    for (const s of slots) {
      this.vectors.set(
        [s.hours / hoursUnit, s.night ? 1 : 0, s.weekend ? 1 : 0, s.holiday ? 1 : 0],
        s.index * 4,
      );
    }
  }

  /** Per slot, what it adds to each fairness category: hours / mean slot hours, night, weekend, holiday. */
  readonly vectors: Float64Array;

  vector(si: number, c: number): number {
    return this.vectors[si * 4 + c];
  }

  /** Position of the first slot in p's list starting after `start` (lists are kept sorted by start). */
  private upper(list: number[], start: number): number {
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.slots[list[mid]].start <= start) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  add(p: number, si: number): void {
    const s = this.slots[si];
    const list = this.lists[p];
    const at = this.upper(list, s.start);
    if (at === list.length) list.push(si);
    else list.splice(at, 0, si);
    this.count(p, s, 1);
  }

  remove(p: number, si: number): void {
    const list = this.lists[p];
    const at = list.lastIndexOf(si);
    if (at === list.length - 1) list.pop();
    else list.splice(at, 1);
    this.count(p, this.slots[si], -1);
  }

  private count(p: number, s: Slot, sign: 1 | -1): void {
    this.weekHours[p][s.week] += sign * s.hours;
    if (s.night) this.nightCount[p][s.day] += sign;
    this.dayCount[p][s.day] += sign;
    for (let c = 0; c < 4; c++) this.value[p * 4 + c] += sign * this.vectors[s.index * 4 + c];
  }

  /** The rule that stops p from also working slot si (treating slot `without` as not theirs), or null. */
  blocker(p: number, si: number, without = -1): RosterRule | null {
    const s = this.slots[si];
    if (!this.allowed[si * this.n + p]) return 'eligibility';
    const list = this.lists[p];
    const at = this.upper(list, s.start);
    // Shifts of one person never overlap, so ends follow starts: the neighbours decide the rest.
    for (let k = at - 1; k >= 0; k--) {
      if (list[k] === without) continue;
      const prev = this.slots[list[k]];
      if (prev.index === si || s.start - prev.end < this.rest) return 'minRestHours';
      break;
    }
    for (let k = at; k < list.length; k++) {
      if (list[k] === without) continue;
      const next = this.slots[list[k]];
      if (next.index === si || next.start - s.end < this.rest) return 'minRestHours';
      break;
    }
    const w = without >= 0 ? this.slots[without] : null;
    const weekHours = this.weekHours[p][s.week] - (w && w.week === s.week ? w.hours : 0) + s.hours;
    if (weekHours > this.caps[p] + eps) return 'maxHoursPerWeek';
    if (
      s.night &&
      this.run(this.nightCount[p], s.day, w?.night ? w.day : -1) > this.req.rules.maxConsecutiveNights
    )
      return 'maxConsecutiveNights';
    const maxDays = this.req.rules.maxConsecutiveDays;
    if (maxDays !== undefined && this.run(this.dayCount[p], s.day, w ? w.day : -1) > maxDays)
      return 'maxConsecutiveDays';
    return null;
  }

  /** Length of the run of worked days through `day` once it is worked (one shift on `minusDay` taken away). */
  private run(counts: Uint16Array, day: number, minusDay: number): number {
    const worked = (d: number) => counts[d] - (d === minusDay ? 1 : 0) > 0;
    let run = 1;
    for (let d = day - 1; d >= 0 && worked(d); d--) run++;
    for (let d = day + 1; d < counts.length && worked(d); d++) run++;
    return run;
  }

  /** A sentence for why p cannot take si, for the report of a slot that could not be filled. */
  explain(p: number, si: number, onLeave: Uint8Array): Exclusion {
    const person = this.req.people[p];
    const s = this.slots[si];
    const userId = person.userId;
    if (this.lists[p].includes(si)) return { userId, rule: 'coverage', explanation: 'already on this shift' };
    const rule = onLeave[si * this.n + p] ? 'timeOff' : (this.blocker(p, si) ?? 'coverage');
    const text: Record<RosterRule, () => string> = {
      eligibility: () => `zone ${person.zone ?? 'none'} may not work ${s.templateName}`,
      timeOff: () => 'on time off',
      minRestHours: () => `would rest under ${this.req.rules.minRestHours} h next to another of their shifts`,
      maxHoursPerWeek: () =>
        `has ${round(this.weekHours[p][s.week])} h in the week of ${weekLabel(this.req, s.week)}; ${round(s.hours)} h more passes ${this.caps[p]} h`,
      maxConsecutiveNights: () =>
        `would work more than ${this.req.rules.maxConsecutiveNights} nights in a row`,
      maxConsecutiveDays: () => `would work more than ${this.req.rules.maxConsecutiveDays} days in a row`,
      coverage: () => 'free, but every way of filling the earlier slots left this one short',
    };
    return { userId, rule, explanation: text[rule]() };
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

// ---- prechecks: counting arguments that prove a request cannot be met ----------------------------------

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * The most hours a person can work out of these slots within a weekly cap: shifts are whole, so with 8-hour
 * shifts and 28 h a week it is 24 h, not 28 (a subset sum over minutes, remembered by the slots' durations).
 * Where the table would be large it falls back to the cap, which is still an upper bound.
 */
function mostHoursUnder(slots: Slot[], capHours: number, memo: Map<string, number>): number {
  const minutes = slots.map((s) => Math.round((s.end - s.start) / 60_000)).sort((a, b) => a - b);
  const all = minutes.reduce((a, b) => a + b, 0);
  const cap = Math.floor(capHours * 60 + eps);
  if (all <= cap) return all / 60;
  const key = `${cap}:${minutes.join(',')}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  const g = minutes.reduce(gcd, 0) || 1;
  const limit = Math.floor(cap / g);
  let best = cap / 60;
  if (limit * minutes.length <= 200_000) {
    const reach = new Uint8Array(limit + 1);
    reach[0] = 1;
    for (const m of minutes) {
      const step = m / g;
      for (let j = limit; j >= step; j--) if (reach[j - step]) reach[j] = 1;
    }
    let j = limit;
    while (j > 0 && !reach[j]) j--;
    best = (j * g) / 60;
  }
  memo.set(key, best);
  return best;
}

function prechecks(
  req: ValidRosterRequest,
  slots: Slot[],
  allowed: Uint8Array,
  onLeave: Uint8Array,
): RosterViolation[] {
  const n = req.people.length;
  const out: RosterViolation[] = [];
  const caps = req.people.map((p) => p.maxHoursPerWeek ?? req.rules.maxHoursPerWeek);
  const free = (si: number) => {
    const list: number[] = [];
    for (let p = 0; p < n; p++) if (allowed[si * n + p]) list.push(p);
    return list;
  };

  // Each slot needs enough people who may work it and are not away.
  for (const s of slots) {
    const available = free(s.index).length;
    if (available >= s.required) continue;
    let byZone = 0;
    const away: number[] = [];
    for (let p = 0; p < n; p++) {
      if (zoneAllows(req.shifts[s.template], req.people[p])) byZone++;
      if (onLeave[s.index * n + p]) away.push(req.people[p].userId);
    }
    const rule: RosterRule = byZone >= s.required ? 'timeOff' : 'eligibility';
    out.push({
      rule,
      basis: 'proof',
      slot: slotRef(s),
      explanation:
        rule === 'timeOff'
          ? `${s.templateName} on ${s.date} needs ${s.required} but only ${available} of the ${byZone} people who may work it are not on time off (away: ${away.join(', ')})`
          : `${s.templateName} on ${s.date} needs ${s.required} but only ${byZone} people may work it (zones ${req.shifts[s.template].zones?.join(', ')})`,
    });
    if (out.length >= maxReported) return out;
  }
  // A slot no one can take is the root cause: the counts below would only repeat it.
  if (out.length > 0) return out;

  // Weekly hours: the coverage of a week against what the people may work in it, for all templates and for
  // each follow-the-sun group of templates on its own.
  const weeks = slots.length ? slots[slots.length - 1].week + 1 : 0;
  const groups = new Map<string, Set<number>>();
  groups.set('', new Set(req.shifts.map((_, i) => i)));
  req.shifts.forEach((t, i) => {
    if (!t.zones) return;
    const key = [...t.zones].sort().join(',');
    const g = groups.get(key) ?? new Set<number>();
    g.add(i);
    groups.set(key, g);
  });
  const subsetSums = new Map<string, number>();
  const byWeek: Slot[][] = Array.from({ length: weeks }, () => []);
  for (const s of slots) byWeek[s.week].push(s);
  for (const [key, templates] of groups) {
    for (let w = 0; w < weeks; w++) {
      const inWeek = (byWeek[w] ?? []).filter((s) => templates.has(s.template));
      const demand = inWeek.reduce((sum, s) => sum + s.hours * s.required, 0);
      let capacity = 0;
      let plain = 0;
      let contributors = 0;
      for (let p = 0; p < n; p++) {
        const mine = inWeek.filter((s) => allowed[s.index * n + p]);
        if (mine.length > 0) contributors++;
        capacity += mostHoursUnder(mine, caps[p], subsetSums);
        plain += Math.min(
          caps[p],
          mine.reduce((sum, s) => sum + s.hours, 0),
        );
      }
      if (demand > capacity + eps) {
        const uniform = caps.every((c) => c === caps[0]);
        const what = key
          ? `${[...templates].map((i) => req.shifts[i].name).join(', ')} (zones ${key})`
          : 'the coverage';
        out.push({
          rule: 'maxHoursPerWeek',
          basis: 'proof',
          explanation: `in the week of ${weekLabel(req, w)} ${what} needs ${round(demand)} h but ${contributors} ${contributors === 1 ? 'person' : 'people'}${uniform ? ` × ${caps[0]} h` : ''} can give at most ${round(capacity)} h${capacity < plain - eps ? ' in whole shifts' : ''}`,
        });
        if (out.length >= maxReported) return out;
      }
    }
  }

  // Slots that overlap (or lie within the rest time of each other) need different people: in an interval
  // graph the largest such sets are those around each slot's start.
  const maxHours = slots.reduce((m, s) => Math.max(m, s.end - s.start), 0);
  const seen = new Int32Array(n);
  let stamp = 0;
  for (const [rule, restMs] of [
    ['coverage', 0],
    ['minRestHours', req.rules.minRestHours * hourMs],
  ] as [RosterRule, number][]) {
    if (rule === 'minRestHours' && restMs === 0) continue;
    let reported = 0;
    for (const s of slots) {
      let need = 0;
      stamp++;
      let people = 0;
      const take = (si: number) => {
        for (let p = 0; p < n; p++)
          if (allowed[si * n + p] && seen[p] !== stamp) {
            seen[p] = stamp;
            people++;
          }
      };
      const members: Slot[] = [];
      for (let j = s.index; j >= 0 && slots[j].start > s.start - maxHours - restMs; j--) {
        const o = slots[j];
        if (o.start <= s.start && o.end + restMs > s.start) {
          need += o.required;
          members.push(o);
          take(o.index);
        }
      }
      // Later slots starting at the same instant belong to the same set.
      for (let j = s.index + 1; j < slots.length && slots[j].start === s.start; j++) {
        need += slots[j].required;
        members.push(slots[j]);
        take(j);
      }
      if (need > people && members.length > 1) {
        const list = members
          .sort((a, b) => a.start - b.start)
          .map((m) => `${m.templateName} ${m.localStart}–${m.localEnd.slice(11)}`)
          .join(', ');
        out.push({
          rule,
          basis: 'proof',
          slot: slotRef(s),
          explanation:
            rule === 'coverage'
              ? `overlapping shifts ${list} need ${need} different people but only ${people} may work them`
              : `shifts ${list} lie within ${req.rules.minRestHours} h of rest of each other, so they need ${need} different people, but only ${people} may work them`,
        });
        if (++reported >= 3 || out.length >= maxReported) break;
      }
    }
    if (out.some((v) => v.rule === 'coverage')) break;
  }

  // Runs: within any maxConsecutive + 1 consecutive days a person works on at most maxConsecutive of them.
  const days = slots.length ? slots[slots.length - 1].day + 1 : 0;
  const runCheck = (rule: RosterRule, max: number | undefined, pick: (s: Slot) => boolean, what: string) => {
    if (max === undefined || max + 1 > days) return;
    // Per day, the most picked slots one person could work (non-conflicting, by earliest end).
    const byDay: Slot[][] = Array.from({ length: days }, () => []);
    for (const s of slots) if (pick(s)) byDay[s.day].push(s);
    const perDay = (p: number, d: number) => {
      const mine = byDay[d].filter((s) => allowed[s.index * n + p]).sort((a, b) => a.end - b.end);
      let count = 0;
      let lastEnd = Number.NEGATIVE_INFINITY;
      for (const s of mine)
        if (s.start - lastEnd >= req.rules.minRestHours * hourMs) {
          count++;
          lastEnd = s.end;
        }
      return count;
    };
    const table = Array.from({ length: n }, (_, p) => Array.from({ length: days }, (_, d) => perDay(p, d)));
    for (let d0 = 0; d0 + max + 1 <= days; d0++) {
      let demand = 0;
      for (let d = d0; d <= d0 + max; d++) for (const s of byDay[d]) demand += s.required;
      if (demand === 0) continue;
      let capacity = 0;
      for (let p = 0; p < n; p++) {
        const best = table[p].slice(d0, d0 + max + 1).sort((a, b) => b - a);
        for (let k = 0; k < max; k++) capacity += best[k];
      }
      if (demand > capacity) {
        const from = byDay[d0][0]?.date ?? `day ${d0}`;
        out.push({
          rule,
          basis: 'proof',
          explanation: `the ${max + 1} days from ${from} have ${demand} ${what} to staff, but with at most ${max} in a row the people can take at most ${capacity}`,
        });
        return;
      }
    }
  };
  runCheck('maxConsecutiveNights', req.rules.maxConsecutiveNights, (s) => s.night, 'night shifts');
  runCheck('maxConsecutiveDays', req.rules.maxConsecutiveDays, () => true, 'shifts');
  return out.slice(0, maxReported);
}

// ---- the search ------------------------------------------------------------------------------------------

interface SearchOutcome {
  assignment: Int32Array | null;
  nodes: number;
  /** The deepest seat that could not be filled, with the state's reasons at that moment. */
  failure: RosterViolation | null;
  exhausted: boolean;
}

function search(
  state: RosterState,
  seats: Int32Array,
  onLeave: Uint8Array,
  random: () => number,
  budget: number,
): SearchOutcome {
  const { n, slots } = state;
  const assignment = new Int32Array(seats.length).fill(-1);
  const candidates: (Int32Array | null)[] = new Array(seats.length).fill(null);
  const choice = new Int32Array(seats.length).fill(-1);
  const noise = new Float64Array(n);
  let nodes = 0;
  let deepest = -1;
  let failure: RosterViolation | null = null;
  let i = 0;
  const ruleMax = state.req.rules.maxHoursPerWeek;

  const order = (si: number): Int32Array => {
    const s = slots[si];
    const list: number[] = [];
    for (let p = 0; p < n; p++) if (state.allowed[si * n + p]) list.push(p);
    for (const p of list) noise[p] = random() * 0.01;
    // Fairness first: the person with the least of what this slot adds (hours scaled to their cap, and its
    // night, weekend and holiday counts) goes first.
    const score = (p: number) => {
      const v = state.value;
      return (
        (v[p * 4] * ruleMax) / Math.max(state.caps[p], 1) +
        (state.weekHours[p][s.week] / Math.max(state.caps[p], 1)) * 2 +
        (s.night ? 2 * v[p * 4 + 1] : 0) +
        (s.weekend ? 2 * v[p * 4 + 2] : 0) +
        (s.holiday ? 3 * v[p * 4 + 3] : 0) +
        noise[p]
      );
    };
    const scored = list.map((p) => [score(p), p] as const).sort((a, b) => a[0] - b[0]);
    return Int32Array.from(scored.map((x) => x[1]));
  };

  while (i < seats.length) {
    if (i < 0) return { assignment: null, nodes, failure, exhausted: true };
    const si = seats[i];
    if (candidates[i] === null) {
      candidates[i] = order(si);
      choice[i] = -1;
    }
    if (assignment[i] >= 0) {
      state.remove(assignment[i], si);
      assignment[i] = -1;
    }
    const list = candidates[i]!;
    let c = choice[i] + 1;
    while (c < list.length && state.blocker(list[c], si) !== null) c++;
    choice[i] = c;
    if (c < list.length) {
      state.add(list[c], si);
      assignment[i] = list[c];
      i++;
      if (++nodes > budget) {
        for (let k = i - 1; k >= 0; k--) if (assignment[k] >= 0) state.remove(assignment[k], seats[k]);
        return { assignment: null, nodes, failure, exhausted: false };
      }
    } else {
      if (i > deepest) {
        deepest = i;
        const s = slots[si];
        const exclusions: Exclusion[] = [];
        for (let p = 0; p < n; p++) exclusions.push(state.explain(p, si, onLeave));
        const counts = new Map<RosterRule, number>();
        for (const e of exclusions)
          if (e.rule !== 'eligibility' && e.rule !== 'timeOff' && e.rule !== 'coverage')
            counts.set(e.rule, (counts.get(e.rule) ?? 0) + 1);
        const top = [...counts].sort((a, b) => b[1] - a[1])[0];
        const rule: RosterRule = top?.[0] ?? 'coverage';
        const summary = [...counts].map(([r, k]) => `${k} by ${r}`).join(', ');
        failure = {
          rule,
          basis: 'search',
          slot: slotRef(s),
          explanation: `no one can work ${s.templateName} ${s.localStart}–${s.localEnd.slice(11)} once the earlier shifts are staffed${summary ? `: ruled out ${summary}` : ''}`,
          exclusions,
        };
      }
      candidates[i] = null;
      choice[i] = -1;
      i--;
    }
  }
  return { assignment, nodes, failure, exhausted: false };
}

// ---- improvement: moves and swaps that keep every rule and lower the unfairness -------------------------

function improve(state: RosterState, owner: Int32Array[], random: () => number, budget: number): number {
  const { n, slots } = state;
  const v = state.value;
  let improvements = 0;
  let evaluations = 0;
  // The unfairness is the sum over categories of the squares of each person's count; the totals are fixed,
  // so this is the variance up to a constant. A move's change in it is computed from the counts alone.
  const x = state.vectors;
  const deltaMove = (si: number, a: number, b: number) => {
    let d = 0;
    for (let c = 0; c < 4; c++) d += 2 * x[si * 4 + c] * (v[b * 4 + c] - v[a * 4 + c] + x[si * 4 + c]);
    return d;
  };
  const deltaSwap = (si: number, a: number, ti: number, b: number) => {
    let d = 0;
    for (let c = 0; c < 4; c++) {
      const dc = x[ti * 4 + c] - x[si * 4 + c];
      d += 2 * dc * (v[a * 4 + c] - v[b * 4 + c] + dc);
    }
    return d;
  };
  const holds = (si: number, p: number) => owner[si].includes(p);
  // Balanced: in every category the counts of the people who work differ by at most one slot's worth, the
  // least variance the totals allow; no move can do better, so stop looking.
  const working = Array.from({ length: n }, (_, p) => p).filter((p) =>
    slots.some((s) => state.allowed[s.index * n + p]),
  );
  const unit = [0, 1, 2, 3].map((c) => slots.reduce((m, s) => Math.max(m, x[s.index * 4 + c]), 0));
  const balanced = () =>
    unit.every((u, c) => {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const p of working) {
        lo = Math.min(lo, v[p * 4 + c]);
        hi = Math.max(hi, v[p * 4 + c]);
      }
      return hi - lo <= u + eps;
    });
  let progress = true;
  while (progress && evaluations < budget && !balanced()) {
    progress = false;
    const order = Array.from({ length: slots.length }, (_, k) => k);
    for (let k = order.length - 1; k > 0; k--) {
      const j = Math.floor(random() * (k + 1));
      [order[k], order[j]] = [order[j], order[k]];
    }
    for (const si of order) {
      if (evaluations >= budget) break;
      for (let seat = 0; seat < owner[si].length; seat++) {
        const a = owner[si][seat];
        let done = false;
        for (let b = 0; b < n && !done; b++) {
          evaluations++;
          if (b === a || holds(si, b) || deltaMove(si, a, b) >= -eps) continue;
          if (state.blocker(b, si) !== null) continue;
          state.remove(a, si);
          state.add(b, si);
          owner[si][seat] = b;
          improvements++;
          done = true;
        }
        if (done) {
          progress = true;
          continue;
        }
        for (let b = 0; b < n && !done; b++) {
          if (b === a || holds(si, b)) continue;
          const theirs = state.lists[b];
          for (let k = 0; k < theirs.length; k++) {
            const ti = theirs[k];
            evaluations++;
            if (ti === si || holds(ti, a)) continue;
            if (deltaSwap(si, a, ti, b) >= -eps) continue;
            if (state.blocker(a, ti, si) !== null || state.blocker(b, si, ti) !== null) continue;
            state.remove(a, si);
            state.remove(b, ti);
            state.add(a, ti);
            state.add(b, si);
            owner[si][seat] = b;
            owner[ti][owner[ti].indexOf(b)] = a;
            improvements++;
            done = true;
            break;
          }
        }
        if (done) progress = true;
      }
    }
  }
  return improvements;
}

// ---- the solver --------------------------------------------------------------------------------------------

function spread(values: number[]): { min: number; max: number; spread: number } {
  if (values.length === 0) return { min: 0, max: 0, spread: 0 };
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { min: round(min), max: round(max), spread: round(max - min) };
}

/** Generate a roster for a request (pure: no database, no clock). Deterministic for the request's seed. */
export function solveRoster(input: RosterRequest): RosterResult {
  const req = validateRosterRequest(input);
  const slots = expandSlots(req);
  const n = req.people.length;
  const seatList: number[] = [];
  for (const s of slots) for (let k = 0; k < s.required; k++) seatList.push(s.index);
  const seats = Int32Array.from(seatList);
  const stats: SearchStats = {
    slots: slots.length,
    seats: seats.length,
    nodes: 0,
    restarts: 0,
    improvements: 0,
  };
  const { allowed, onLeave } = eligibility(req, slots);

  const proven = prechecks(req, slots, allowed, onLeave);
  if (proven.length > 0) return { feasible: false, violations: proven, search: stats };

  const hoursUnit = slots.length ? slots.reduce((sum, s) => sum + s.hours, 0) / slots.length : 1;
  // Bounded work whatever the request: chronological backtracking that has not found a way within a few
  // times the seats rarely finds one later; a fresh order (another seed) does better.
  const budget = Math.max(20_000, seats.length * 4);
  let found: { state: RosterState; assignment: Int32Array } | null = null;
  let failure: RosterViolation | null = null;
  for (let attempt = 0; attempt < 3 && !found; attempt++) {
    const state = new RosterState(req, slots, allowed, hoursUnit);
    const outcome = search(state, seats, onLeave, seeded(req.seed * 7919 + attempt), budget);
    stats.nodes += outcome.nodes;
    stats.restarts = attempt;
    if (outcome.assignment) found = { state, assignment: outcome.assignment };
    else {
      failure ??= outcome.failure;
      if (outcome.exhausted) {
        if (failure) failure.basis = 'proof';
        break;
      }
    }
  }
  if (!found) {
    const violation: RosterViolation = failure ?? {
      rule: 'coverage',
      basis: 'search',
      explanation: 'the search ran out of steps before it staffed every shift',
    };
    return { feasible: false, violations: [violation], search: stats };
  }

  const { state, assignment } = found;
  const owner: Int32Array[] = slots.map((s) => new Int32Array(s.required));
  const fillCount = new Int32Array(slots.length);
  assignment.forEach((p, i) => {
    const si = seats[i];
    owner[si][fillCount[si]++] = p;
  });
  stats.improvements = improve(
    state,
    owner,
    seeded(req.seed * 104729 + 1),
    Math.min(3_000_000, Math.max(300_000, seats.length * 200)),
  );

  const shifts: ExplicitShift[] = [];
  for (const s of slots)
    for (const p of owner[s.index])
      shifts.push({ userId: req.people[p].userId, start: s.localStart, end: s.localEnd });
  const checks = checkRoster(req, shifts);
  if (!checks.ok) {
    // The checker disagrees with the solver: report it rather than hand out a roster that breaks a rule.
    return {
      feasible: false,
      violations: checks.violations.slice(0, maxReported).map((v) => ({
        ...v,
        basis: 'search' as const,
        explanation: `the generated roster failed its check: ${v.explanation}`,
      })),
      search: stats,
    };
  }
  const personStats: PersonStats[] = req.people.map((p) => ({
    userId: p.userId,
    shifts: 0,
    hours: 0,
    nights: 0,
    weekends: 0,
    holidays: 0,
  }));
  for (const s of slots)
    for (const p of owner[s.index]) {
      const st = personStats[p];
      st.shifts++;
      st.hours += s.hours;
      if (s.night) st.nights++;
      if (s.weekend) st.weekends++;
      if (s.holiday) st.holidays++;
    }
  for (const st of personStats) st.hours = round(st.hours);
  const working = personStats.filter((_, p) => slots.some((s) => allowed[s.index * n + p]));
  return {
    feasible: true,
    layer: { kind: 'shifts', name: req.name, shifts },
    stats: personStats,
    fairness: {
      hours: spread(working.map((s) => s.hours)),
      nights: spread(working.map((s) => s.nights)),
      weekends: spread(working.map((s) => s.weekends)),
      holidays: spread(working.map((s) => s.holidays)),
    },
    checks,
    search: stats,
  };
}

// ---- the command ---------------------------------------------------------------------------------------------

/**
 * A manager generates a roster: the people must be active staff accounts. Nothing is stored — the manager
 * applies the layer to a schedule through the schedules API — so there is nothing to audit.
 */
export async function generateRoster(
  ctx: ServiceContext,
  actor: Actor,
  input: RosterRequest,
): Promise<RosterResult> {
  requireOncall(actor, 'roster.generate');
  const req = validateRosterRequest(input);
  const ids = [...new Set(req.people.map((p) => p.userId))];
  const found = await ctx.db
    .selectFrom('users')
    .select(['id', 'role', 'active'])
    .where('id', 'in', ids)
    .execute();
  const usable = new Set(
    found.filter((u) => u.role !== 'requester' && Number(u.active) === 1).map((u) => Number(u.id)),
  );
  const fields = req.people
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !usable.has(p.userId))
    .map(({ i }) => ({ field: `/people/${i}/userId`, message: 'not an active staff user' }));
  if (fields.length > 0)
    throw new Invalid('invalid_reference', 'Every person on a roster must be an active staff user.', fields);
  return solveRoster(req);
}
