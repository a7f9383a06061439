// The roster checker on its own: a hand-written roster that keeps the rules passes, and each planted break —
// a missing shift, a person on leave, short rest, too many hours, nights or days in a row, a shift outside
// one's zone — is reported under its rule. Without this the generator's property tests could pass vacuously.
import { describe, expect, it } from 'vitest';
import {
  checkRoster,
  type ExplicitShift,
  type RosterRequest,
  validateRosterRequest,
} from '../../src/oncall/index.js';

const req = validateRosterRequest({
  period: { start: '2026-03-23', end: '2026-03-29', timeZone: 'Europe/Berlin' },
  shifts: [
    { name: 'day', start: '08:00', end: '20:00' },
    { name: 'night', start: '20:00', end: '08:00' },
  ],
  people: [
    { userId: 1 },
    { userId: 2 },
    { userId: 3 },
    { userId: 4, timeOff: [{ from: '2026-03-28', to: '2026-03-29' }] },
  ],
  rules: { maxHoursPerWeek: 48, minRestHours: 12, maxConsecutiveNights: 2, maxConsecutiveDays: 4 },
} satisfies RosterRequest);

const day = (d: number) => `2026-03-${String(d).padStart(2, '0')}`;
/** Days 1, 2, 3 rotate on 12-hour shifts with a day off in between: rest is 24 h or more. */
function valid(): ExplicitShift[] {
  const shifts: ExplicitShift[] = [];
  const crew = [1, 2, 3, 4, 1, 2, 3];
  const nights = [3, 4, 1, 2, 3, 1, 2];
  for (let i = 0; i < 7; i++) {
    shifts.push({ userId: crew[i], start: `${day(23 + i)}T08:00`, end: `${day(23 + i)}T20:00` });
    shifts.push({ userId: nights[i], start: `${day(23 + i)}T20:00`, end: `${day(24 + i)}T08:00` });
  }
  return shifts;
}

const rulesOf = (shifts: ExplicitShift[]) => checkRoster(req, shifts).violations.map((v) => v.rule);

describe('checkRoster', () => {
  it('passes a roster that keeps every rule', () => {
    const r = checkRoster(req, valid());
    expect(r.violations).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.rules.every((x) => x.ok)).toBe(true);
  });

  it('reports a shift left uncovered', () => {
    const r = checkRoster(req, valid().slice(1));
    expect(r.violations).toEqual([
      {
        rule: 'coverage',
        slot: { template: 'day', start: '2026-03-23T08:00', end: '2026-03-23T20:00' },
        explanation: 'day on 2026-03-23 needs 1, has 0',
      },
    ]);
  });

  it('reports a shift the coverage does not ask for, and a person who is not on the roster', () => {
    expect(
      rulesOf([...valid(), { userId: 1, start: '2026-03-30T08:00', end: '2026-03-30T20:00' }]),
    ).toContain('coverage');
    const shifts = valid();
    shifts[0] = { ...shifts[0], userId: 99 };
    expect(rulesOf(shifts)).toContain('eligibility');
  });

  it('reports work during time off', () => {
    const shifts = valid();
    shifts[12] = { ...shifts[12], userId: 4 }; // the 29th's day shift
    expect(rulesOf(shifts)).toContain('timeOff');
  });

  it('reports rest under the minimum', () => {
    const shifts = valid();
    shifts[1] = { ...shifts[1], userId: 1 }; // day then night back to back
    const r = checkRoster(req, shifts);
    expect(r.violations.find((v) => v.rule === 'minRestHours')?.explanation).toBe(
      'user 1 rests 0.00 h between 2026-03-23T08:00–2026-03-23T20:00 and 2026-03-23T20:00, under 12 h',
    );
  });

  it('reports more hours in a week than allowed, counting real hours across DST', () => {
    const shifts = valid();
    shifts[2] = { ...shifts[2], userId: 1 }; // the 24th's day shift too
    // User 1 works days on the 23rd and 24th, nights on the 25th and 28th (the spring night: 11 h) and the 27th.
    expect(checkRoster(req, shifts).violations).toEqual([
      {
        rule: 'maxHoursPerWeek',
        userId: 1,
        explanation: 'user 1 works 59.00 h in the week of 2026-03-23, over 48 h',
      },
    ]);
  });

  it('reports too many nights and too many days in a row', () => {
    const nights = valid().map((s) =>
      s.start.endsWith('T20:00') && s.start <= `${day(25)}T20:00` ? { ...s, userId: 1 } : s,
    );
    expect(rulesOf(nights)).toContain('maxConsecutiveNights');
    const days = valid().map((s) =>
      s.start.endsWith('T08:00') && s.start <= `${day(27)}T08:00` ? { ...s, userId: 2 } : s,
    );
    expect(rulesOf(days)).toContain('maxConsecutiveDays');
  });

  it('reports a follow-the-sun shift given to someone of another zone', () => {
    const sun = validateRosterRequest({
      period: { start: '2026-03-23', end: '2026-03-23', timeZone: 'UTC' },
      shifts: [{ name: 'APAC', start: '00:00', end: '08:00', zones: ['APAC'] }],
      people: [{ userId: 1, zone: 'EMEA' }],
      rules: { maxHoursPerWeek: 48, minRestHours: 12, maxConsecutiveNights: 2 },
    });
    const r = checkRoster(sun, [{ userId: 1, start: '2026-03-23T00:00', end: '2026-03-23T08:00' }]);
    expect(r.violations.map((v) => v.rule)).toEqual(['eligibility']);
  });
});
