// The roster checker: verifies a list of shifts against every rule of a roster request, on its own — it reads
// the shifts' local wall times and works out instants, weeks, nights and runs itself, sharing with the solver
// only the request's definitions (roster-request.ts). The route returns its verdict as evidence; tests hold
// every generated roster to it.
import {
  dateOfDay,
  dayNumber,
  expandSlots,
  localInstant,
  type RosterRule,
  rosterRules,
  type ShiftTemplate,
  type Slot,
  timeOffSpan,
  type ValidRosterRequest,
  weekdayOfDay,
  ZoneOffsets,
  zoneAllows,
} from './roster-request.js';
import type { ExplicitShift, LocalDateTime } from './schedule-model.js';

/** The slot a violation is about, in local wall time. */
export interface SlotRef {
  template: string;
  start: LocalDateTime;
  end: LocalDateTime;
}

/** Why one person could not take a slot. */
export interface Exclusion {
  userId: number;
  rule: RosterRule;
  explanation: string;
}

export interface RosterViolation {
  rule: RosterRule;
  explanation: string;
  /**
   * For an infeasible request: `proof` when a counting argument (or an exhausted search) shows no roster can
   * meet the rule; `search` when the search stopped at this slot within its budget.
   */
  basis?: 'proof' | 'search';
  userId?: number;
  slot?: SlotRef;
  /** For a slot the search could not fill: which rule ruled out each person. */
  exclusions?: Exclusion[];
}

export interface RosterCheck {
  ok: boolean;
  rules: { rule: RosterRule; ok: boolean; violations: number }[];
  violations: RosterViolation[];
}

const hourMs = 3_600_000;
const eps = 1e-6;

export function slotRef(s: Pick<Slot, 'templateName' | 'localStart' | 'localEnd'>): SlotRef {
  return { template: s.templateName, start: s.localStart, end: s.localEnd };
}

interface Parsed {
  shift: ExplicitShift;
  start: number;
  end: number;
  /** Day number of the local start date. */
  startDay: number;
  night: boolean;
}

function parseLocal(local: string, zone: ZoneOffsets): number | null {
  if (typeof local !== 'string' || !/^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d$/.test(local)) return null;
  const date = local.slice(0, 10);
  if (Number.isNaN(dayNumber(date)) || dateOfDay(dayNumber(date)) !== date) return null;
  return localInstant(local, zone);
}

/** Night: the local wall-time span overlaps 00:00–06:00 of some day. */
function isNight(startLocal: string, endLocal: string): boolean {
  const startMinutes = Number(startLocal.slice(11, 13)) * 60 + Number(startLocal.slice(14, 16));
  if (startMinutes < 360) return true;
  const endDate = endLocal.slice(0, 10);
  const startDate = startLocal.slice(0, 10);
  if (endDate === startDate) return false;
  // Ends on a later date: it overlaps the next day's early hours unless it ends at exactly 00:00 the next day.
  const endMinutes = Number(endLocal.slice(11, 13)) * 60 + Number(endLocal.slice(14, 16));
  return dayNumber(endDate) - dayNumber(startDate) > 1 || endMinutes > 0;
}

export function checkRoster(req: ValidRosterRequest, shifts: ExplicitShift[]): RosterCheck {
  const zoneName = req.period.timeZone;
  const zone = new ZoneOffsets(zoneName);
  const violations: RosterViolation[] = [];
  const add = (v: RosterViolation) => violations.push(v);
  const people = new Map(req.people.map((p) => [p.userId, p]));
  const templates = req.shifts as ShiftTemplate[];

  // Coverage and eligibility: match each shift to a slot of the same local start and end.
  const slots = expandSlots(req);
  const byKey = new Map<string, Slot[]>();
  for (const s of slots) {
    const key = `${s.localStart}|${s.localEnd}`;
    const list = byKey.get(key);
    if (list) list.push(s);
    else byKey.set(key, [s]);
  }
  const filled = new Map<Slot, number[]>();
  const shiftsByKey = new Map<string, ExplicitShift[]>();
  for (const sh of shifts) {
    const key = `${sh.start}|${sh.end}`;
    const list = shiftsByKey.get(key);
    if (list) list.push(sh);
    else shiftsByKey.set(key, [sh]);
  }
  for (const [key, group] of shiftsByKey) {
    const candidates = byKey.get(key) ?? [];
    // Where templates share times, place people who fit fewer of them first.
    const fits = (sh: ExplicitShift, s: Slot) => {
      const p = people.get(sh.userId);
      return p !== undefined && zoneAllows(templates[s.template], p);
    };
    const order = [...group].sort(
      (a, b) => candidates.filter((s) => fits(a, s)).length - candidates.filter((s) => fits(b, s)).length,
    );
    for (const sh of order) {
      const ref = { template: candidates[0]?.templateName ?? '?', start: sh.start, end: sh.end };
      if (candidates.length === 0) {
        add({
          rule: 'coverage',
          userId: sh.userId,
          slot: ref,
          explanation: 'not a shift the coverage asks for',
        });
        continue;
      }
      if (!people.has(sh.userId)) {
        add({
          rule: 'eligibility',
          userId: sh.userId,
          slot: ref,
          explanation: `user ${sh.userId} is not one of the people`,
        });
        continue;
      }
      const slot =
        candidates.find((s) => fits(sh, s) && (filled.get(s)?.length ?? 0) < s.required) ??
        candidates.find((s) => (filled.get(s)?.length ?? 0) < s.required);
      if (!slot) {
        add({
          rule: 'coverage',
          userId: sh.userId,
          slot: ref,
          explanation: 'more people than the shift needs',
        });
        continue;
      }
      if (!fits(sh, slot))
        add({
          rule: 'eligibility',
          userId: sh.userId,
          slot: slotRef(slot),
          explanation: `user ${sh.userId} (zone ${people.get(sh.userId)?.zone ?? 'none'}) may not work ${slot.templateName}, which is for ${templates[slot.template].zones?.join(', ')}`,
        });
      const list = filled.get(slot) ?? [];
      if (list.includes(sh.userId))
        add({
          rule: 'coverage',
          userId: sh.userId,
          slot: slotRef(slot),
          explanation: `user ${sh.userId} holds the shift twice`,
        });
      list.push(sh.userId);
      filled.set(slot, list);
    }
  }
  for (const s of slots) {
    const n = filled.get(s)?.length ?? 0;
    if (n < s.required)
      add({
        rule: 'coverage',
        slot: slotRef(s),
        explanation: `${s.templateName} on ${s.date} needs ${s.required}, has ${n}`,
      });
  }

  // Per person: time off, rest, weekly hours, nights and days in a row.
  const byUser = new Map<number, Parsed[]>();
  for (const sh of shifts) {
    const a = parseLocal(sh.start, zone);
    const b = parseLocal(sh.end, zone);
    if (a === null || b === null || b <= a) {
      add({
        rule: 'coverage',
        userId: sh.userId,
        explanation: `shift ${sh.start}–${sh.end} is not a valid span`,
      });
      continue;
    }
    const list = byUser.get(sh.userId) ?? [];
    list.push({
      shift: sh,
      start: a,
      end: b,
      startDay: dayNumber(sh.start.slice(0, 10)),
      night: isNight(sh.start, sh.end),
    });
    byUser.set(sh.userId, list);
  }
  for (const [userId, list] of byUser) {
    const person = people.get(userId);
    if (!person) continue;
    list.sort((x, y) => x.start - y.start);
    const off = (person.timeOff ?? []).map((o) => timeOffSpan(o, zoneName)!).filter(Boolean);
    for (const x of list)
      for (const [a, b] of off)
        if (x.start < b && a < x.end) {
          add({
            rule: 'timeOff',
            userId,
            explanation: `user ${userId} works ${x.shift.start}–${x.shift.end} during time off`,
          });
          break;
        }
    let lastEnd = Number.NEGATIVE_INFINITY;
    let lastShift: Parsed | null = null;
    for (const x of list) {
      const rest = (x.start - lastEnd) / hourMs;
      if (lastShift && rest + eps < req.rules.minRestHours)
        add({
          rule: 'minRestHours',
          userId,
          explanation: `user ${userId} rests ${rest.toFixed(2)} h between ${lastShift.shift.start}–${lastShift.shift.end} and ${x.shift.start}, under ${req.rules.minRestHours} h`,
        });
      if (x.end > lastEnd) {
        lastEnd = x.end;
        lastShift = x;
      }
    }
    const cap = person.maxHoursPerWeek ?? req.rules.maxHoursPerWeek;
    const weeks = new Map<string, number>();
    for (const x of list) {
      const monday = dateOfDay(x.startDay - (weekdayOfDay(x.startDay) - 1));
      weeks.set(monday, (weeks.get(monday) ?? 0) + (x.end - x.start) / hourMs);
    }
    for (const [monday, hours] of weeks)
      if (hours > cap + eps)
        add({
          rule: 'maxHoursPerWeek',
          userId,
          explanation: `user ${userId} works ${hours.toFixed(2)} h in the week of ${monday}, over ${cap} h`,
        });
    const runs = (days: number[], max: number, rule: RosterRule, what: string) => {
      const unique = [...new Set(days)].sort((a, b) => a - b);
      let run = 0;
      let prev = Number.NaN;
      for (const d of unique) {
        run = d === prev + 1 ? run + 1 : 1;
        if (run === max + 1)
          add({
            rule,
            userId,
            explanation: `user ${userId} works ${max + 1} ${what} in a row up to ${dateOfDay(d)}, over ${max}`,
          });
        prev = d;
      }
    };
    runs(
      list.filter((x) => x.night).map((x) => x.startDay),
      req.rules.maxConsecutiveNights,
      'maxConsecutiveNights',
      'nights',
    );
    if (req.rules.maxConsecutiveDays !== undefined)
      runs(
        list.map((x) => x.startDay),
        req.rules.maxConsecutiveDays,
        'maxConsecutiveDays',
        'days',
      );
  }

  const rules = rosterRules
    .filter((rule) => rule !== 'maxConsecutiveDays' || req.rules.maxConsecutiveDays !== undefined)
    .map((rule) => {
      const n = violations.filter((v) => v.rule === rule).length;
      return { rule, ok: n === 0, violations: n };
    });
  return { ok: violations.length === 0, rules, violations };
}
