// Schedule reports against expectations computed by hand: gaps, hours per person (a 23-hour turn over the
// Berlin spring change), double bookings across schedules and during time off, and the quality score.
import { describe, expect, it } from 'vitest';
import {
  compileSchedule,
  coverageGaps,
  doubleBookings,
  finalSchedule,
  hoursPerPerson,
  qualityScore,
  type RotationLayer,
  type Segment,
} from '../../src/oncall/index.js';

const at = (iso: string) => Date.parse(iso);
const h = 3_600_000;
const rotation = (partial: Partial<RotationLayer>): RotationLayer => ({
  kind: 'rotation',
  name: 'layer',
  start: '2026-01-05T09:00',
  end: null,
  turn: { unit: 'day', count: 1 },
  participants: [1],
  restrictions: [],
  ...partial,
});
const seg = (start: string, end: string, userId: number | null): Segment => ({
  start: at(start),
  end: at(end),
  userId,
  source: userId === null ? { kind: 'gap' } : { kind: 'layer', layer: 0 },
});

describe('coverage gaps and hours per person', () => {
  it('counts a 23-hour turn over the spring change as 23 hours, and lists the gap before the first turn', () => {
    const s = compileSchedule({
      id: 1,
      timeZone: 'Europe/Berlin',
      layers: [rotation({ start: '2026-03-27T09:00', participants: [1, 2, 3] })],
      overrides: [],
    });
    const segs = finalSchedule(s, at('2026-03-27T00:00:00Z'), at('2026-03-30T07:00:00Z'));
    expect(coverageGaps(segs)).toEqual([
      { start: at('2026-03-27T00:00:00Z'), end: at('2026-03-27T08:00:00Z') },
    ]);
    expect(hoursPerPerson(segs)).toEqual([
      { userId: 1, ms: 24 * h },
      { userId: 3, ms: 24 * h },
      { userId: 2, ms: 23 * h },
    ]);
  });
});

describe('double bookings', () => {
  it('finds a person on call in two schedules at once, and on call during their time off', () => {
    const a = [
      seg('2026-05-04T00:00:00Z', '2026-05-04T10:00:00Z', 5),
      seg('2026-05-04T10:00:00Z', '2026-05-04T20:00:00Z', 6),
    ];
    const b = [
      seg('2026-05-04T05:00:00Z', '2026-05-04T15:00:00Z', 5),
      seg('2026-05-04T15:00:00Z', '2026-05-04T20:00:00Z', null),
    ];
    const c = [seg('2026-05-04T08:00:00Z', '2026-05-04T09:00:00Z', 5)];
    const found = doubleBookings(
      [
        { scheduleId: 1, segments: a },
        { scheduleId: 2, segments: b },
        { scheduleId: 3, segments: c },
      ],
      [
        { userId: 6, start: at('2026-05-04T12:00:00Z'), end: at('2026-05-05T00:00:00Z') },
        { userId: 7, start: at('2026-05-04T00:00:00Z'), end: at('2026-05-05T00:00:00Z') },
      ],
    );
    expect(found).toEqual([
      {
        kind: 'schedules',
        userId: 5,
        start: at('2026-05-04T05:00:00Z'),
        end: at('2026-05-04T08:00:00Z'),
        scheduleIds: [1, 2],
      },
      {
        kind: 'schedules',
        userId: 5,
        start: at('2026-05-04T08:00:00Z'),
        end: at('2026-05-04T09:00:00Z'),
        scheduleIds: [1, 2, 3],
      },
      {
        kind: 'schedules',
        userId: 5,
        start: at('2026-05-04T09:00:00Z'),
        end: at('2026-05-04T10:00:00Z'),
        scheduleIds: [1, 2],
      },
      {
        kind: 'time_off',
        userId: 6,
        start: at('2026-05-04T12:00:00Z'),
        end: at('2026-05-04T20:00:00Z'),
        scheduleIds: [1],
      },
    ]);
  });

  it('finds nothing when each person is on call in one schedule at a time', () => {
    const a = [seg('2026-05-04T00:00:00Z', '2026-05-04T10:00:00Z', 5)];
    const b = [seg('2026-05-04T10:00:00Z', '2026-05-04T20:00:00Z', 5)];
    expect(
      doubleBookings([
        { scheduleId: 1, segments: a },
        { scheduleId: 2, segments: b },
      ]),
    ).toEqual([]);
  });
});

describe('quality score (as Grafana OnCall computes it)', () => {
  const monday = at('2026-01-05T00:00:00Z');

  it('a 24/7 rotation of two people scores 100: no gaps, perfectly balanced', () => {
    const s = compileSchedule({
      id: 1,
      timeZone: 'UTC',
      layers: [rotation({ start: '2026-01-05T00:00', participants: [1, 2] })],
      overrides: [],
    });
    const q = qualityScore(s, monday);
    expect(q).toMatchObject({ total: 100, coverage: 100, balance: 100, overlap: 0, overloaded: [] });
    expect(q.to - q.from).toBe(52 * 7 * 24 * h);
    expect(q.comments.map((c) => c.text)).toEqual([
      'Schedule has no gaps',
      'Schedule is perfectly balanced',
      'No layers overlap',
    ]);
  });

  it('business hours only in New York cover 24% of the year (8 real hours a weekday across both changes)', () => {
    const s = compileSchedule({
      id: 1,
      timeZone: 'America/New_York',
      layers: [
        rotation({
          participants: [1],
          restrictions: [{ days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }],
        }),
      ],
      overrides: [],
    });
    // 260 weekdays × 8 h = 2080 h of 8736 h = 23.8%.
    const q = qualityScore(s, at('2026-01-05T05:00:00Z'));
    expect(q).toMatchObject({ total: 62, coverage: 24, balance: 100 });
    expect(q.comments[0]).toEqual({ type: 'warning', text: 'Schedule has gaps (76% not covered)' });
  });

  it('an unfair rotation names the overloaded person; a layer over a 24/7 one shows as overlap', () => {
    const s = compileSchedule({
      id: 1,
      timeZone: 'UTC',
      layers: [
        rotation({ start: '2026-01-05T00:00', participants: [1, 1, 1, 2] }),
        rotation({
          start: '2026-01-05T00:00',
          participants: [1, 1, 1, 2],
          restrictions: [{ days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }],
        }),
      ],
      overrides: [],
    });
    // 364 days = 91 cycles of 4: user 1 has 3/4 of the time. Balance = (1/4)/(3/4) = 33; 1 is 50% above average.
    const q = qualityScore(s, monday);
    expect(q).toMatchObject({
      coverage: 100,
      balance: 33,
      total: 67,
      overloaded: [{ userId: 1, score: 50 }],
      overlap: 24,
    });
    expect(q.comments[1]).toEqual({
      type: 'warning',
      text: 'Schedule has balance issues (see overloaded users)',
    });
  });

  it('an empty schedule scores 0', () => {
    const s = compileSchedule({ id: 1, timeZone: 'UTC', layers: [], overrides: [] });
    expect(qualityScore(s, monday)).toMatchObject({
      total: 0,
      comments: [{ type: 'warning', text: 'Schedule is empty' }],
    });
  });
});
