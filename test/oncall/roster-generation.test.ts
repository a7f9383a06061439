// The roster generator: feasible requests give full coverage that the independent checker passes, with nights,
// weekends and holidays spread evenly; infeasible ones name the rule that cannot be met and return no roster;
// DST days last 23 or 25 hours. Property tests over generated people, rules, time off and coverage.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Invalid } from '../../src/core/errors.js';
import {
  checkRoster,
  expandSlots,
  type RosterRequest,
  type RosterResult,
  type ShiftTemplate,
  solveRoster,
  validateRosterRequest,
  type Weekday,
} from '../../src/oncall/index.js';

const people = (n: number, extra: (i: number) => object = () => ({})) =>
  Array.from({ length: n }, (_, i) => ({ userId: i + 1, ...extra(i) }));
const threeShifts = [
  { name: 'early', start: '06:00', end: '14:00' },
  { name: 'late', start: '14:00', end: '22:00' },
  { name: 'night', start: '22:00', end: '06:00' },
];
const twoShifts = [
  { name: 'day', start: '08:00', end: '20:00' },
  { name: 'night', start: '20:00', end: '08:00' },
];
const typical = { maxHoursPerWeek: 48, minRestHours: 11, maxConsecutiveNights: 3 };

function feasible(r: RosterResult) {
  if (!r.feasible) throw new Error(`expected a roster, got ${JSON.stringify(r.violations.slice(0, 3))}`);
  return r;
}
function infeasible(r: RosterResult) {
  if (r.feasible) throw new Error('expected feasible: false');
  return r;
}
const seatsOf = (req: RosterRequest) =>
  expandSlots(validateRosterRequest(req)).reduce((n, s) => n + s.required, 0);

describe('a feasible request', () => {
  const req: RosterRequest = {
    period: { start: '2026-01-05', end: '2026-02-01', timeZone: 'Europe/Berlin' },
    shifts: threeShifts,
    people: people(12),
    holidays: ['2026-01-06'],
    rules: typical,
  };

  it('covers every shift with a roster that the checker passes on every rule', () => {
    const r = feasible(solveRoster(req));
    expect(r.layer.kind).toBe('shifts');
    expect(r.layer.shifts).toHaveLength(28 * 3);
    const check = checkRoster(validateRosterRequest(req), r.layer.shifts);
    expect(check.violations).toEqual([]);
    expect(r.checks.ok).toBe(true);
    expect(r.checks.rules.map((x) => x.rule)).toEqual([
      'coverage',
      'eligibility',
      'timeOff',
      'minRestHours',
      'maxHoursPerWeek',
      'maxConsecutiveNights',
    ]);
    expect(r.layer.shifts[0]).toMatchObject({ start: '2026-01-05T06:00', end: '2026-01-05T14:00' });
    expect(r.layer.shifts.find((s) => s.start === '2026-01-05T22:00')?.end).toBe('2026-01-06T06:00');
    expect(r.stats.reduce((n, s) => n + s.hours, 0)).toBe(28 * 24);
    expect(r.stats.reduce((n, s) => n + s.holidays, 0)).toBe(3);
  });

  it('is the same roster for the same seed', () => {
    expect(solveRoster({ ...req, seed: 7 })).toEqual(solveRoster({ ...req, seed: 7 }));
  });

  it('spreads nights, weekends and hours within one shift between people in a symmetric case', () => {
    // 7 people, 3 shifts a day for 4 weeks: 28 nights (4 each), 24 weekend shifts, 84 shifts.
    const r = feasible(
      solveRoster({
        period: { start: '2026-06-01', end: '2026-06-28', timeZone: 'UTC' },
        shifts: threeShifts,
        people: people(7),
        rules: { maxHoursPerWeek: 40, minRestHours: 8, maxConsecutiveNights: 3 },
      }),
    );
    expect(r.fairness.nights.spread).toBeLessThanOrEqual(1);
    expect(r.fairness.weekends.spread).toBeLessThanOrEqual(1);
    expect(r.fairness.hours.spread).toBeLessThanOrEqual(8);
    expect(r.stats.map((s) => s.nights).sort()).toEqual([4, 4, 4, 4, 4, 4, 4]);
  });

  it('spreads holiday shifts', () => {
    const r = feasible(
      solveRoster({
        period: { start: '2026-12-01', end: '2026-12-31', timeZone: 'Europe/Berlin' },
        shifts: twoShifts,
        people: people(6),
        holidays: ['2026-12-24', '2026-12-25', '2026-12-26', '2026-12-31'],
        rules: { maxHoursPerWeek: 60, minRestHours: 12, maxConsecutiveNights: 2 },
      }),
    );
    // 8 holiday shifts over 6 people.
    expect(r.fairness.holidays.max).toBeLessThanOrEqual(2);
    expect(r.fairness.holidays.spread).toBeLessThanOrEqual(1);
  });

  it('staffs business hours on weekdays only, and not on a holiday that the template skips', () => {
    const r = feasible(
      solveRoster({
        period: { start: '2026-05-04', end: '2026-05-17', timeZone: 'America/New_York' },
        shifts: [
          {
            name: 'office',
            start: '09:00',
            end: '17:00',
            days: [1, 2, 3, 4, 5],
            required: 2,
            skipHolidays: true,
          },
        ],
        people: people(3),
        holidays: ['2026-05-08'],
        rules: { maxHoursPerWeek: 40, minRestHours: 12, maxConsecutiveNights: 1, maxConsecutiveDays: 5 },
      }),
    );
    expect(r.layer.shifts).toHaveLength(9 * 2);
    expect(r.layer.shifts.some((s) => s.start.startsWith('2026-05-08'))).toBe(false);
    expect(r.layer.shifts.some((s) => s.start.startsWith('2026-05-09'))).toBe(false);
    expect(r.fairness.nights.max).toBe(0);
  });

  it('follows the sun: each zone’s shift goes to people of that zone', () => {
    const req2: RosterRequest = {
      period: { start: '2026-04-06', end: '2026-04-19', timeZone: 'UTC' },
      shifts: [
        { name: 'APAC', start: '00:00', end: '08:00', zones: ['APAC'] },
        { name: 'EMEA', start: '08:00', end: '16:00', zones: ['EMEA'] },
        { name: 'AMER', start: '16:00', end: '24:00', zones: ['AMER'] },
      ],
      people: people(9, (i) => ({ zone: ['APAC', 'EMEA', 'AMER'][i % 3] })),
      rules: { maxHoursPerWeek: 40, minRestHours: 12, maxConsecutiveNights: 5 },
    };
    const r = feasible(solveRoster(req2));
    const zoneOf = (userId: number) => ['APAC', 'EMEA', 'AMER'][(userId - 1) % 3];
    for (const s of r.layer.shifts) {
      const template = { '00:00': 'APAC', '08:00': 'EMEA', '16:00': 'AMER' }[s.start.slice(11)];
      expect(zoneOf(s.userId)).toBe(template);
    }
    expect(r.layer.shifts.find((s) => s.start === '2026-04-06T16:00')?.end).toBe('2026-04-07T00:00');
    // APAC's 00:00–08:00 is the night; only APAC people have nights.
    for (const s of r.stats) expect(s.nights > 0).toBe(zoneOf(s.userId) === 'APAC');
  });

  it('keeps people off shifts during their time off, given as dates or as instants', () => {
    const req2: RosterRequest = {
      period: { start: '2026-02-02', end: '2026-02-15', timeZone: 'Europe/Berlin' },
      shifts: threeShifts,
      people: people(6, (i) =>
        i === 0
          ? { timeOff: [{ from: '2026-02-02', to: '2026-02-08' }] }
          : i === 1
            ? { timeOff: [{ start: '2026-02-10T12:00:00Z', end: '2026-02-12T00:00:00+01:00' }] }
            : {},
      ),
      rules: typical,
    };
    const r = feasible(solveRoster(req2));
    const first = r.layer.shifts.filter((s) => s.userId === 1);
    expect(first.every((s) => s.start >= '2026-02-09')).toBe(true);
    const second = r.layer.shifts.filter((s) => s.userId === 2);
    // Berlin is UTC+1: time off from 13:00 on the 10th to midnight on the 12th, local.
    expect(second.some((s) => s.end > '2026-02-10T13:00' && s.start < '2026-02-12T00:00')).toBe(false);
  });
});

describe('across DST in Europe/Berlin', () => {
  it('counts the spring night as 7 h and the autumn night as 9 h, in wall times that do not move', () => {
    for (const [start, end, hours] of [
      ['2026-03-23', '2026-03-29', 7], // clocks go forward at 02:00 on Sunday 29 March
      ['2026-10-19', '2026-10-25', 9], // and back at 03:00 on Sunday 25 October
    ] as const) {
      const req: RosterRequest = {
        period: { start, end, timeZone: 'Europe/Berlin' },
        shifts: threeShifts,
        people: people(6),
        rules: typical,
      };
      const r = feasible(solveRoster(req));
      const v = validateRosterRequest(req);
      const slots = expandSlots(v);
      const saturdayNight = slots.find(
        (s) => s.localStart === `${end.slice(0, 8)}${Number(end.slice(8)) - 1}T22:00`,
      )!;
      expect(saturdayNight.localEnd).toBe(`${end}T06:00`);
      expect(saturdayNight.hours).toBe(hours);
      expect(slots.filter((s) => s.hours !== 8)).toHaveLength(1);
      const total = r.stats.reduce((n, s) => n + s.hours, 0);
      expect(total).toBe(7 * 24 + hours - 8);
      expect(checkRoster(v, r.layer.shifts).ok).toBe(true);
      // Wall times are the template's, before and after the change.
      expect(r.layer.shifts.filter((s) => s.start.endsWith('T22:00'))).toHaveLength(7);
    }
  });

  it('takes a repeated autumn wall time at its first occurrence and moves a spring-gap time forward', () => {
    const r = validateRosterRequest({
      period: { start: '2026-03-29', end: '2026-03-29', timeZone: 'Europe/Berlin' },
      shifts: [{ name: 'odd', start: '02:30', end: '10:00' }],
      people: people(1),
      rules: typical,
    });
    const [spring] = expandSlots(r);
    expect(new Date(spring.start).toISOString()).toBe('2026-03-29T01:30:00.000Z'); // 03:30 CEST
    const a = validateRosterRequest({
      ...r,
      period: { ...r.period, start: '2026-10-25', end: '2026-10-25' },
    });
    const [autumn] = expandSlots(a);
    expect(new Date(autumn.start).toISOString()).toBe('2026-10-25T00:30:00.000Z'); // 02:30 CEST, the first
  });
});

describe('an infeasible request', () => {
  const base: RosterRequest = {
    period: { start: '2026-03-02', end: '2026-03-15', timeZone: 'Europe/Berlin' },
    shifts: threeShifts,
    people: people(6),
    rules: typical,
  };

  it('names maxHoursPerWeek when the people cannot cover the week’s hours', () => {
    const r = infeasible(
      solveRoster({ ...base, people: people(3), rules: { ...typical, maxHoursPerWeek: 40 } }),
    );
    expect(r.violations[0]).toMatchObject({ rule: 'maxHoursPerWeek', basis: 'proof' });
    expect(r.violations[0].explanation).toBe(
      'in the week of 2026-03-02 the coverage needs 168 h but 3 people × 40 h can give at most 120 h',
    );
  });

  it('counts whole shifts: 8-hour shifts fill only 24 h of a 28-hour week', () => {
    const r = infeasible(solveRoster({ ...base, rules: { ...typical, maxHoursPerWeek: 28 } }));
    expect(r.violations[0]).toMatchObject({
      rule: 'maxHoursPerWeek',
      basis: 'proof',
      explanation:
        'in the week of 2026-03-02 the coverage needs 168 h but 6 people × 28 h can give at most 144 h in whole shifts',
    });
  });

  it('names timeOff and the shift when everyone is away on a day', () => {
    const r = infeasible(
      solveRoster({
        ...base,
        people: people(6, () => ({ timeOff: [{ from: '2026-03-10', to: '2026-03-10' }] })),
      }),
    );
    expect(r.violations.every((v) => v.rule === 'timeOff')).toBe(true);
    expect(r.violations.map((v) => v.slot?.start)).toEqual([
      '2026-03-09T22:00', // the night before runs into the 10th
      '2026-03-10T06:00',
      '2026-03-10T14:00',
      '2026-03-10T22:00',
    ]);
  });

  it('names minRestHours when two people cannot rest 13 h between 12-hour shifts', () => {
    const r = infeasible(
      solveRoster({
        ...base,
        shifts: twoShifts,
        people: people(2),
        rules: { maxHoursPerWeek: 168, minRestHours: 13, maxConsecutiveNights: 14 },
      }),
    );
    expect(r.violations[0].rule).toBe('minRestHours');
    expect(r.violations[0].explanation).toContain('need 3 different people, but only 2 may work them');
  });

  it('names maxConsecutiveNights when one person holds every night', () => {
    const r = infeasible(
      solveRoster({
        ...base,
        shifts: [
          { name: 'day', start: '08:00', end: '20:00', zones: ['day'] },
          { name: 'night', start: '20:00', end: '08:00', zones: ['night'] },
        ],
        people: [
          { userId: 1, zone: 'night' },
          { userId: 2, zone: 'day' },
          { userId: 3, zone: 'day' },
        ],
        rules: { maxHoursPerWeek: 168, minRestHours: 8, maxConsecutiveNights: 4 },
      }),
    );
    expect(r.violations.map((v) => v.rule)).toEqual(['maxConsecutiveNights']);
  });

  it('names eligibility when no one of a zone exists', () => {
    const r = infeasible(
      solveRoster({ ...base, shifts: [{ name: 'APAC', start: '00:00', end: '08:00', zones: ['APAC'] }] }),
    );
    expect(r.violations[0]).toMatchObject({ rule: 'eligibility', slot: { template: 'APAC' } });
  });

  it('names the rule that ruled each person out when the search cannot fill a slot', () => {
    // Every count passes, but with one night in a row and 8 h of rest the two people left on 3 and 4 March
    // cannot cover both nights and the day between them: the search tries every way and names who was stopped.
    const r = infeasible(
      solveRoster({
        period: { start: '2026-03-02', end: '2026-03-08', timeZone: 'UTC' },
        shifts: [
          { name: 'day', start: '09:00', end: '17:00' },
          { name: 'night', start: '21:00', end: '05:00' },
        ],
        people: [
          { userId: 1 },
          { userId: 2, timeOff: [{ from: '2026-03-03', to: '2026-03-04' }] },
          { userId: 3 },
        ],
        rules: { maxHoursPerWeek: 40, minRestHours: 8, maxConsecutiveNights: 1, maxConsecutiveDays: 3 },
      }),
    );
    expect(r.violations).toHaveLength(1);
    const [v] = r.violations;
    expect(v.basis).toBe('proof');
    expect(['maxConsecutiveNights', 'minRestHours']).toContain(v.rule);
    expect(v.slot?.start.slice(0, 10)).toBe('2026-03-03');
    expect(v.exclusions?.find((e) => e.userId === 2)).toMatchObject({ rule: 'timeOff' });
    expect(
      v.exclusions?.filter((e) => e.rule === 'minRestHours' || e.rule === 'maxConsecutiveNights'),
    ).toHaveLength(2);
  });
});

describe('validation', () => {
  it('names each bad field', () => {
    let error: unknown;
    try {
      validateRosterRequest({
        period: { start: '2026-02-30', end: '2026-01-01', timeZone: 'Mars/Olympus' },
        shifts: [{ name: '', start: '25:00', end: '8' }],
        people: [
          { userId: 1 },
          { userId: 1, timeOff: [{ start: '2026-01-01T00:00', end: '2026-01-02T00:00' }] },
        ],
        rules: { maxHoursPerWeek: 0, minRestHours: -1, maxConsecutiveNights: 1.5 },
      } as RosterRequest);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Invalid);
    expect((error as Invalid).fields.map((f) => f.field)).toEqual([
      '/period/timeZone',
      '/period/start',
      '/shifts/0/name',
      '/shifts/0/start',
      '/shifts/0/end',
      '/people/1/userId',
      '/people/1/timeOff/0',
      '/rules/maxHoursPerWeek',
      '/rules/minRestHours',
      '/rules/maxConsecutiveNights',
    ]);
  });

  it('bounds the size of a request', () => {
    const tooBig = (r: Partial<RosterRequest>) => () =>
      validateRosterRequest({
        period: { start: '2026-01-01', end: '2026-01-07', timeZone: 'UTC' },
        shifts: threeShifts,
        people: people(3),
        rules: typical,
        ...r,
      });
    expect(tooBig({ people: people(101) })).toThrow(Invalid);
    expect(tooBig({ period: { start: '2026-01-01', end: '2027-01-02', timeZone: 'UTC' } })).toThrow(Invalid);
    expect(tooBig({ shifts: Array.from({ length: 21 }, () => threeShifts[0]) })).toThrow(Invalid);
    try {
      tooBig({
        period: { start: '2026-01-01', end: '2026-12-31', timeZone: 'UTC' },
        shifts: Array.from({ length: 20 }, () => ({ ...threeShifts[0], required: 3 })),
      })();
      expect.unreachable();
    } catch (e) {
      expect((e as Invalid).fields).toEqual([
        {
          field: '/shifts',
          message: 'the period needs 21900 shift seats; at most 20000 are generated at once',
        },
      ]);
    }
  });
});

// ---- properties -------------------------------------------------------------------------------------------

const coverages = {
  '24/7 three shifts': threeShifts,
  '24/7 two shifts': twoShifts,
  'business hours': [{ name: 'office', start: '09:00', end: '17:00', days: [1, 2, 3, 4, 5] as Weekday[] }],
  'follow the sun': [
    { name: 'APAC', start: '00:00', end: '08:00', zones: ['APAC'] },
    { name: 'EMEA', start: '08:00', end: '16:00', zones: ['EMEA'] },
    { name: 'AMER', start: '16:00', end: '00:00', zones: ['AMER'] },
  ],
  'two on days': [
    { name: 'day', start: '07:00', end: '19:00', required: 2 },
    { name: 'night', start: '19:00', end: '07:00' },
  ],
};

const requestArb = fc
  .record({
    coverage: fc.constantFrom(...(Object.keys(coverages) as (keyof typeof coverages)[])),
    zone: fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Australia/Sydney'),
    start: fc.integer({ min: 0, max: 364 }),
    days: fc.integer({ min: 1, max: 21 }),
    count: fc.integer({ min: 1, max: 10 }),
    maxHoursPerWeek: fc.constantFrom(24, 40, 48, 60, 168),
    minRestHours: fc.constantFrom(0, 8, 11, 12, 16),
    maxConsecutiveNights: fc.integer({ min: 1, max: 7 }),
    maxConsecutiveDays: fc.option(fc.integer({ min: 2, max: 7 }), { nil: undefined }),
    leave: fc.array(
      fc.record({ who: fc.nat(), from: fc.nat({ max: 25 }), length: fc.integer({ min: 0, max: 5 }) }),
      {
        maxLength: 6,
      },
    ),
    seed: fc.integer({ min: 1, max: 1000 }),
  })
  .map((g): RosterRequest => {
    const day = (n: number) => new Date(Date.UTC(2026, 0, 1 + n)).toISOString().slice(0, 10);
    return {
      period: { start: day(g.start), end: day(g.start + g.days - 1), timeZone: g.zone },
      shifts: coverages[g.coverage].map((t): ShiftTemplate => ({ ...t })),
      people: people(g.count, (i) => ({
        zone: ['APAC', 'EMEA', 'AMER'][i % 3],
        timeOff: g.leave
          .filter((l) => l.who % g.count === i)
          .map((l) => ({ from: day(g.start + l.from), to: day(g.start + l.from + l.length) })),
      })),
      rules: {
        maxHoursPerWeek: g.maxHoursPerWeek,
        minRestHours: g.minRestHours,
        maxConsecutiveNights: g.maxConsecutiveNights,
        maxConsecutiveDays: g.maxConsecutiveDays,
      },
      seed: g.seed,
    };
  });

describe('properties', () => {
  it('a roster is returned only when it covers every shift and breaks no rule; otherwise a rule is named', () => {
    let feasibleCount = 0;
    let infeasibleCount = 0;
    fc.assert(
      fc.property(requestArb, (req) => {
        const r = solveRoster(req);
        if (r.feasible) {
          feasibleCount++;
          const check = checkRoster(validateRosterRequest(req), r.layer.shifts);
          expect(check.violations).toEqual([]);
          expect(r.layer.shifts).toHaveLength(seatsOf(req));
        } else {
          infeasibleCount++;
          expect(r.violations.length).toBeGreaterThan(0);
          for (const v of r.violations) expect(v.explanation.length).toBeGreaterThan(10);
        }
      }),
      { numRuns: 150, seed: 20261130 },
    );
    // The generator reaches both outcomes.
    expect(feasibleCount).toBeGreaterThan(20);
    expect(infeasibleCount).toBeGreaterThan(10);
  });

  it('a request made infeasible on purpose names the rule that was made impossible', () => {
    const kinds = ['hours', 'leave', 'rest'] as const;
    fc.assert(
      fc.property(requestArb, fc.constantFrom(...kinds), fc.nat(), (req, kind, pick) => {
        const v = validateRosterRequest(req);
        const slots = expandSlots(v);
        // Break a request that can be met, so that the broken rule is the reason it cannot.
        if (slots.length === 0 || !solveRoster(req).feasible) return;
        let broken: RosterRequest;
        let rule: string;
        if (kind === 'hours') {
          // Everyone may work less than a share of the busiest week.
          const weeks = new Map<number, number>();
          for (const s of slots) weeks.set(s.week, (weeks.get(s.week) ?? 0) + s.hours * s.required);
          const busiest = Math.max(...weeks.values());
          const cap = Math.max(1, Math.floor((busiest - 1) / req.people.length));
          if (cap * req.people.length >= busiest) return;
          broken = { ...req, rules: { ...req.rules, maxHoursPerWeek: cap } };
          rule = 'maxHoursPerWeek';
        } else if (kind === 'leave') {
          const day = slots[pick % slots.length].date;
          broken = { ...req, people: req.people.map((p) => ({ ...p, timeOff: [{ from: day, to: day }] })) };
          rule = 'timeOff';
        } else {
          // Rest longer than the whole period between two shifts of one person, with fewer people than shifts.
          const everyone = slots.reduce((n, s) => n + s.required, 0);
          if (everyone <= req.people.length) return;
          broken = {
            ...req,
            shifts: req.shifts.map((t) => ({ ...t, zones: undefined })),
            rules: { ...req.rules, minRestHours: 72 },
          };
          if (
            req.people.length >=
            expandSlots(validateRosterRequest(broken)).reduce((n, s) => n + s.required, 0)
          )
            return;
          const span = (slots[slots.length - 1].end - slots[0].start) / 3_600_000;
          if (span > 72) return;
          rule = 'minRestHours';
        }
        const r = solveRoster(broken);
        expect(r.feasible).toBe(false);
        if (!r.feasible) expect(r.violations.map((x) => x.rule)).toContain(rule);
      }),
      { numRuns: 120, seed: 7 },
    );
  });
});

describe('hostile input', () => {
  const valid: RosterRequest = {
    period: { start: '2026-03-02', end: '2026-03-08', timeZone: 'Europe/Berlin' },
    shifts: [
      { name: 'day', start: '08:00', end: '20:00', days: [1, 2, 3, 4, 5], required: 1, zones: ['EMEA'] },
    ],
    people: [
      { userId: 1, zone: 'EMEA', maxHoursPerWeek: 40, timeOff: [{ from: '2026-03-03', to: '2026-03-03' }] },
      { userId: 2, zone: 'EMEA' },
    ],
    holidays: ['2026-03-04'],
    rules: { maxHoursPerWeek: 48, minRestHours: 11, maxConsecutiveNights: 3, maxConsecutiveDays: 5 },
    seed: 3,
  };
  /** Every path to a value in the request, so that one of them can be replaced. */
  function paths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
    if (value === null || typeof value !== 'object') return [at];
    return [
      at,
      ...Object.entries(value).flatMap(([k, v]) => paths(v, [...at, Array.isArray(value) ? Number(k) : k])),
    ];
  }
  const all = paths(valid).filter((p) => p.length > 0);

  it('throws Invalid or answers, never anything else, whatever one field holds', () => {
    fc.assert(
      fc.property(fc.nat(), fc.anything({ withNullPrototype: true, maxDepth: 2 }), (pick, junk) => {
        const req = structuredClone(valid) as unknown as Record<string | number, unknown>;
        const path = all[pick % all.length];
        let o = req;
        for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
        o[path[path.length - 1]] = junk;
        let r: RosterResult;
        try {
          r = solveRoster(req as unknown as RosterRequest);
        } catch (e) {
          expect(e).toBeInstanceOf(Invalid);
          expect((e as Invalid).fields.length).toBeGreaterThan(0);
          return;
        }
        if (r.feasible)
          expect(checkRoster(validateRosterRequest(req as unknown as RosterRequest), r.layer.shifts).ok).toBe(
            true,
          );
        else expect(r.violations.length).toBeGreaterThan(0);
      }),
      { numRuns: 400, seed: 42 },
    );
  });
});
