// Schedule resolution against expectations computed by hand, written as instants: the DST changes of
// Europe/Berlin (2026-03-29, 2026-10-25) and America/New_York (2026-03-08, 2026-11-01), day, week and hour turns,
// restrictions crossing midnight, shifts layers, overrides, and which layer wins.
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors.js';
import {
  compileSchedule,
  finalSchedule,
  layerSegments,
  onCallAt,
  type RotationLayer,
  type ScheduleDefinition,
} from '../../src/oncall/index.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

function rotation(partial: Partial<RotationLayer>): RotationLayer {
  return {
    kind: 'rotation',
    name: 'layer',
    start: '2026-01-05T09:00',
    end: null,
    turn: { unit: 'day', count: 1 },
    participants: [1],
    restrictions: [],
    ...partial,
  };
}
function schedule(
  timeZone: string,
  layers: ScheduleDefinition['layers'],
  overrides: ScheduleDefinition['overrides'] = [],
) {
  return compileSchedule({ id: 1, timeZone, layers, overrides });
}
/** Who is on call at an ISO instant, with the segment's bounds as ISO strings. */
function who(s: ReturnType<typeof schedule>, instant: string) {
  const a = onCallAt(s, at(instant));
  return a && { userId: a.userId, start: iso(a.start), end: iso(a.end) };
}

describe('rotation turns across DST', () => {
  const berlinDaily = schedule('Europe/Berlin', [
    rotation({ start: '2026-03-27T09:00', participants: [1, 2, 3] }),
  ]);

  it('a daily 09:00 handoff in Berlin stays 09:00 local: 08:00Z before the spring change, 07:00Z after', () => {
    expect(who(berlinDaily, '2026-03-27T08:00:00Z')).toEqual({
      userId: 1,
      start: '2026-03-27T08:00:00.000Z',
      end: '2026-03-28T08:00:00.000Z',
    });
    // The turn over the change is 23 hours long.
    expect(who(berlinDaily, '2026-03-29T06:59:00Z')).toEqual({
      userId: 2,
      start: '2026-03-28T08:00:00.000Z',
      end: '2026-03-29T07:00:00.000Z',
    });
    expect(who(berlinDaily, '2026-03-29T07:00:00Z')).toEqual({
      userId: 3,
      start: '2026-03-29T07:00:00.000Z',
      end: '2026-03-30T07:00:00.000Z',
    });
    expect(onCallAt(berlinDaily, at('2026-03-27T07:59:59Z'))).toBeNull(); // before the layer starts
  });

  it('the Berlin daily rotation has a 25-hour turn over the autumn change, turn 211 = participant 2', () => {
    // 211 days from 2026-03-27 to 2026-10-24; 211 mod 3 = 1.
    expect(who(berlinDaily, '2026-10-25T03:00:00Z')).toEqual({
      userId: 2,
      start: '2026-10-24T07:00:00.000Z',
      end: '2026-10-25T08:00:00.000Z',
    });
    expect(who(berlinDaily, '2026-10-25T08:00:00Z')?.userId).toBe(3);
  });

  it('a weekly Monday 10:00 handoff in New York: 15:00Z in EST, 14:00Z in EDT, both changes', () => {
    const ny = schedule('America/New_York', [
      rotation({ start: '2026-03-02T10:00', turn: { unit: 'week', count: 1 }, participants: [10, 20] }),
    ]);
    expect(who(ny, '2026-03-08T12:00:00Z')).toEqual({
      userId: 10,
      start: '2026-03-02T15:00:00.000Z',
      end: '2026-03-09T14:00:00.000Z',
    });
    expect(who(ny, '2026-03-09T14:00:00Z')).toEqual({
      userId: 20,
      start: '2026-03-09T14:00:00.000Z',
      end: '2026-03-16T14:00:00.000Z',
    });
    // 238 days = 34 weeks from 2026-03-02 to 2026-10-26: participant 10 again, over the November change.
    expect(who(ny, '2026-11-01T12:00:00Z')).toEqual({
      userId: 10,
      start: '2026-10-26T14:00:00.000Z',
      end: '2026-11-02T15:00:00.000Z',
    });
  });

  it('hour turns add real hours across the change: 8-hour turns in Berlin, 12-hour turns in New York', () => {
    const berlin = schedule('Europe/Berlin', [
      rotation({ start: '2026-03-28T22:00', turn: { unit: 'hour', count: 8 }, participants: [1, 2, 3] }),
    ]);
    // 22:00 CET = 21:00Z; 8 real hours later is 05:00Z = 07:00 CEST.
    expect(who(berlin, '2026-03-29T04:59:00Z')).toEqual({
      userId: 1,
      start: '2026-03-28T21:00:00.000Z',
      end: '2026-03-29T05:00:00.000Z',
    });
    expect(who(berlin, '2026-03-29T05:00:00Z')?.userId).toBe(2);
    const ny = schedule('America/New_York', [
      rotation({ start: '2026-10-31T20:00', turn: { unit: 'hour', count: 12 }, participants: [5, 6] }),
    ]);
    // 20:00 EDT = 00:00Z; 12 h later is 12:00Z = 07:00 EST.
    expect(who(ny, '2026-11-01T06:30:00Z')).toEqual({
      userId: 5,
      start: '2026-11-01T00:00:00.000Z',
      end: '2026-11-01T12:00:00.000Z',
    });
    expect(who(ny, '2026-11-01T12:00:00Z')).toEqual({
      userId: 6,
      start: '2026-11-01T12:00:00.000Z',
      end: '2026-11-02T00:00:00.000Z',
    });
  });

  it('a handoff in the spring gap moves forward; one in the repeated autumn hour takes the earlier instant', () => {
    const berlin = schedule('Europe/Berlin', [rotation({ start: '2026-03-27T02:30', participants: [1, 2] })]);
    // 2026-03-29 02:30 does not exist: 03:30 CEST = 01:30Z. 2026-03-30 02:30 CEST = 00:30Z.
    expect(
      layerSegments(berlin, 0, at('2026-03-29T00:00:00Z'), at('2026-03-30T12:00:00Z')).map((s) => [
        iso(s.start),
        s.userId,
      ]),
    ).toEqual([
      ['2026-03-29T00:00:00.000Z', 2],
      ['2026-03-29T01:30:00.000Z', 1],
      ['2026-03-30T00:30:00.000Z', 2],
    ]);
    // 2026-10-25 02:30 happens twice: the first (CEST) = 00:30Z.
    const turns = layerSegments(berlin, 0, at('2026-10-24T12:00:00Z'), at('2026-10-25T12:00:00Z'));
    expect(turns.map((s) => iso(s.start))).toEqual(['2026-10-24T12:00:00.000Z', '2026-10-25T00:30:00.000Z']);
    const ny = schedule('America/New_York', [rotation({ start: '2026-10-30T01:30', participants: [1, 2] })]);
    // 2026-11-01 01:30 happens twice: the first (EDT) = 05:30Z.
    expect(who(ny, '2026-11-01T05:30:00Z')?.start).toBe('2026-11-01T05:30:00.000Z');
  });
});

describe('restrictions and layers', () => {
  const berlin = schedule('Europe/Berlin', [
    rotation({ start: '2026-03-23T09:00', participants: [1, 2] }),
    rotation({
      start: '2026-03-23T09:00',
      turn: { unit: 'week', count: 1 },
      participants: [7],
      restrictions: [{ days: [1, 2, 3, 4, 5], start: '22:00', end: '06:00' }],
    }),
  ]);

  it('a higher restricted layer wins inside its night window, which crosses midnight, and yields outside it', () => {
    // Fri 2026-03-27 22:00 CET = 21:00Z to Sat 06:00 CET = 05:00Z.
    expect(who(berlin, '2026-03-27T21:00:00Z')).toEqual({
      userId: 7,
      start: '2026-03-27T21:00:00.000Z',
      end: '2026-03-28T05:00:00.000Z',
    });
    // Saturday 05:00Z: back to the bottom layer (turn of 2026-03-27, participant 1 after 4 turns: 1,2,1,2,[1]).
    expect(who(berlin, '2026-03-28T05:00:00Z')).toEqual({
      userId: 1,
      start: '2026-03-28T05:00:00.000Z',
      end: '2026-03-28T08:00:00.000Z',
    });
    // Saturday night is not in the window; Monday 2026-03-30 22:00 CEST = 20:00Z to Tue 06:00 CEST = 04:00Z.
    expect(who(berlin, '2026-03-28T21:30:00Z')?.userId).toBe(2);
    expect(who(berlin, '2026-03-30T20:00:00Z')).toEqual({
      userId: 7,
      start: '2026-03-30T20:00:00.000Z',
      end: '2026-03-31T04:00:00.000Z',
    });
  });

  it('a window over the autumn night is nine hours long (Sat 22:00 CEST to Sun 06:00 CET)', () => {
    const s = schedule('Europe/Berlin', [
      rotation({
        start: '2026-10-01T00:00',
        participants: [3],
        restrictions: [{ days: [6], start: '22:00', end: '06:00' }],
      }),
    ]);
    expect(
      layerSegments(s, 0, at('2026-10-24T00:00:00Z'), at('2026-10-26T00:00:00Z')).map((x) => [
        iso(x.start),
        iso(x.end),
      ]),
    ).toEqual([['2026-10-24T20:00:00.000Z', '2026-10-25T05:00:00.000Z']]);
  });

  it('the final schedule shows gaps where no layer is on duty, and tiles the range', () => {
    const ny = schedule('America/New_York', [
      rotation({
        start: '2026-03-02T09:00',
        participants: [4],
        restrictions: [{ days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }],
      }),
    ]);
    // Fri 2026-03-06 09:00–17:00 EST = 14:00Z–22:00Z; Mon 2026-03-09 09:00–17:00 EDT = 13:00Z–21:00Z.
    const segs = finalSchedule(ny, at('2026-03-06T00:00:00Z'), at('2026-03-10T00:00:00Z'));
    expect(segs.map((s) => [iso(s.start), iso(s.end), s.userId, s.source.kind])).toEqual([
      ['2026-03-06T00:00:00.000Z', '2026-03-06T14:00:00.000Z', null, 'gap'],
      ['2026-03-06T14:00:00.000Z', '2026-03-06T22:00:00.000Z', 4, 'layer'],
      ['2026-03-06T22:00:00.000Z', '2026-03-09T13:00:00.000Z', null, 'gap'],
      ['2026-03-09T13:00:00.000Z', '2026-03-09T21:00:00.000Z', 4, 'layer'],
      ['2026-03-09T21:00:00.000Z', '2026-03-10T00:00:00.000Z', null, 'gap'],
    ]);
    expect(onCallAt(ny, at('2026-03-07T12:00:00Z'))).toBeNull();
  });

  it('a shifts layer takes local intervals; one starting in the spring gap starts at the gap end', () => {
    const ny = schedule('America/New_York', [
      {
        kind: 'shifts',
        name: 'roster',
        shifts: [
          { userId: 9, start: '2026-03-08T01:00', end: '2026-03-08T02:30' },
          { userId: 8, start: '2026-03-08T02:30', end: '2026-03-08T06:00' },
        ],
      },
    ]);
    // 01:00 EST = 06:00Z; 02:30 does not exist → 03:30 EDT = 07:30Z; 06:00 EDT = 10:00Z.
    expect(
      finalSchedule(ny, at('2026-03-08T06:00:00Z'), at('2026-03-08T10:00:00Z')).map((s) => [
        iso(s.start),
        s.userId,
      ]),
    ).toEqual([
      ['2026-03-08T06:00:00.000Z', 9],
      ['2026-03-08T07:30:00.000Z', 8],
    ]);
  });
});

describe('overrides', () => {
  const s = schedule(
    'Europe/Berlin',
    [rotation({ start: '2026-03-27T09:00', participants: [1, 2, 3] })],
    [
      { id: 2, userId: 98, start: at('2026-03-29T07:00:00Z'), end: at('2026-03-29T09:00:00Z') },
      { id: 1, userId: 99, start: at('2026-03-29T06:00:00Z'), end: at('2026-03-29T08:00:00Z') },
    ],
  );

  it('an override wins over every layer, and the later-created one wins where two overlap', () => {
    expect(finalSchedule(s, at('2026-03-29T05:00:00Z'), at('2026-03-29T10:00:00Z'))).toEqual([
      {
        start: at('2026-03-29T05:00:00Z'),
        end: at('2026-03-29T06:00:00Z'),
        userId: 2,
        source: { kind: 'layer', layer: 0 },
      },
      {
        start: at('2026-03-29T06:00:00Z'),
        end: at('2026-03-29T07:00:00Z'),
        userId: 99,
        source: { kind: 'override', overrideId: 1 },
      },
      {
        start: at('2026-03-29T07:00:00Z'),
        end: at('2026-03-29T09:00:00Z'),
        userId: 98,
        source: { kind: 'override', overrideId: 2 },
      },
      {
        start: at('2026-03-29T09:00:00Z'),
        end: at('2026-03-29T10:00:00Z'),
        userId: 3,
        source: { kind: 'layer', layer: 0 },
      },
    ]);
  });
});

describe('many overrides', () => {
  it('20,000 overrides, nested, resolve to the highest id covering each instant; a tie on id goes to the later one', () => {
    const base = at('2026-06-01T00:00:00Z');
    const m = 60_000;
    const overrides = Array.from({ length: 19_999 }, (_, i) => ({
      id: i + 1,
      userId: 1000 + (i % 7),
      start: base + i * m,
      end: base + (40_000 - i) * m,
    }));
    overrides.push({ id: 19_999, userId: 5, start: base + 19_998 * m, end: base + 20_002 * m });
    const s = schedule('UTC', [rotation({ participants: [1] })], overrides);
    // At minute k < 19,998 the innermost override covering it is the one starting then: id k + 1.
    expect(onCallAt(s, base + 123 * m)).toMatchObject({
      userId: 1000 + (123 % 7),
      source: { kind: 'override', overrideId: 124 },
    });
    expect(onCallAt(s, base + 40_000 * m - 1)).toMatchObject({
      userId: 1000,
      source: { kind: 'override', overrideId: 1 },
    });
    // Two overrides with id 19,999 over the same minutes: the one listed later wins.
    expect(onCallAt(s, base + 20_000 * m)?.userId).toBe(5);
    expect(onCallAt(s, base + 40_000 * m)?.source).toEqual({ kind: 'layer', layer: 0 });
  });
});

describe('validation', () => {
  const fields = (def: unknown) => {
    try {
      compileSchedule(def as ScheduleDefinition);
    } catch (err) {
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('invalid_schedule');
      return (err as DomainError).fields.map((f) => f.field);
    }
    return [];
  };

  it('names every bad field', () => {
    expect(fields({ id: 1, timeZone: 'Mars/Olympus', layers: [], overrides: [] })).toEqual(['/timeZone']);
    expect(
      fields({
        id: 1,
        timeZone: 'Europe/Berlin',
        layers: [
          rotation({ start: '2026-02-30T09:00', turn: { unit: 'day', count: 0 }, participants: [] }),
          rotation({
            start: '2026-03-01T9:00',
            restrictions: [{ days: [8 as 1], start: '25:00', end: '24:01' }],
          }),
          {
            kind: 'shifts',
            name: 's',
            shifts: [{ userId: 1, start: '2026-03-01T10:00', end: '2026-03-01T09:00' }],
          },
        ],
        overrides: [{ id: 1, userId: 0, start: 10, end: 5 }],
      }),
    ).toEqual([
      '/layers/0/start',
      '/layers/0/turn/count',
      '/layers/0/participants',
      '/layers/1/start',
      '/layers/1/restrictions/0/days/0',
      '/layers/1/restrictions/0/start',
      '/layers/1/restrictions/0/end',
      '/layers/2/shifts/0/end',
      '/overrides/0/userId',
      '/overrides/0/end',
    ]);
    expect(fields(null)).toEqual(['/']);
    expect(fields({ id: 1, timeZone: 'UTC', layers: [{ kind: 'other' }], overrides: [] })).toEqual([
      '/layers/0/kind',
    ]);
  });
});

describe('bounds', () => {
  const one = schedule('Europe/Berlin', [rotation({ start: '2020-01-06T09:00', participants: [4] })]);

  it('a lone participant is on call for a stretch that reaches as far as onCallAt looks (400 days each way)', () => {
    const t = at('2026-06-01T12:00:00Z');
    const a = onCallAt(one, t);
    expect(a?.userId).toBe(4);
    expect(a?.source).toEqual({ kind: 'layer', layer: 0 });
    expect(t - (a?.start ?? 0)).toBeGreaterThanOrEqual(400 * 86_400_000);
    expect((a?.end ?? 0) - t).toBeGreaterThanOrEqual(400 * 86_400_000);
  });

  it('refuses a reversed range, one longer than ten years, a layer that does not exist, and a non-instant', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return (err as DomainError).code;
      }
      return 'no error';
    };
    expect(code(() => finalSchedule(one, at('2026-02-01T00:00:00Z'), at('2026-01-01T00:00:00Z')))).toBe(
      'invalid_schedule',
    );
    expect(code(() => finalSchedule(one, 0, at('2026-01-01T00:00:00Z')))).toBe('invalid_schedule');
    expect(code(() => layerSegments(one, 1, 0, 1))).toBe('invalid_schedule');
    expect(code(() => onCallAt(one, Number.NaN))).toBe('invalid_schedule');
    expect(finalSchedule(one, 5, 5)).toEqual([]);
  });

  it('a restriction whose end equals its start is a whole day; 24:00 ends at the next midnight', () => {
    const s = schedule('America/New_York', [
      rotation({
        start: '2026-03-02T00:00',
        participants: [1],
        restrictions: [
          { days: [7], start: '00:00', end: '00:00' },
          { days: [1], start: '12:00', end: '24:00' },
        ],
      }),
    ]);
    // Sun 2026-03-08 00:00 EST (05:00Z) to Mon 00:00 EDT (04:00Z): 23 hours; then Mon 12:00 EDT (16:00Z) to
    // Tue 00:00 EDT (04:00Z).
    expect(
      layerSegments(s, 0, at('2026-03-07T00:00:00Z'), at('2026-03-11T00:00:00Z')).map((x) => [
        iso(x.start),
        iso(x.end),
      ]),
    ).toEqual([
      ['2026-03-08T05:00:00.000Z', '2026-03-09T04:00:00.000Z'],
      ['2026-03-09T16:00:00.000Z', '2026-03-10T04:00:00.000Z'],
    ]);
  });
});
