// Property tests of schedule resolution over generated schedules (zones with and without DST, both hemispheres,
// rotations with restrictions, shifts layers, overrides), checked against a naive per-instant resolver written
// with Luxon: the final schedule tiles its range, a schedule with an unrestricted bottom layer has no gap,
// overrides win, and onCallAt agrees with finalSchedule.
import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import {
  compileSchedule,
  finalSchedule,
  type Override,
  onCallAt,
  type Restriction,
  type RotationLayer,
  type ScheduleDefinition,
  type ScheduleLayer,
  type ShiftsLayer,
  type Weekday,
} from '../../src/oncall/index.js';
import { zoneOffsets } from '../../src/oncall/schedule-resolution.js';

const zones = [
  'Europe/Berlin',
  'America/New_York',
  'Australia/Sydney',
  'Asia/Kolkata',
  'America/St_Johns',
  'UTC',
];
const hourMs = 3_600_000;
const dayMs = 86_400_000;
const pad = (n: number) => String(n).padStart(2, '0');
/** Local wall times are generated outside 01:00–03:59, where these zones change offset, so the naive resolver
 * below needs no rule for gaps and repeated hours (the hand-written tests cover those). */
const clockMinutes = fc
  .integer({ min: 0, max: 24 * 4 - 1 })
  .map((q) => q * 15)
  .filter((m) => m < 60 || m >= 240);
const localTime = (m: number) => `${pad(Math.floor(m / 60))}:${pad(m % 60)}`;
const localDate = (dayOffset: number, minutes: number) => {
  const d = new Date(Date.UTC(2026, 0, 1) + dayOffset * dayMs);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${localTime(minutes)}`;
};

/** Generated schedules with local wall times drawn from `clock` (minutes after midnight). */
function makeScheduleArb(clock: fc.Arbitrary<number>) {
  const restrictionArb: fc.Arbitrary<Restriction> = fc.record({
    days: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }) as fc.Arbitrary<
      Weekday[]
    >,
    start: clock.map(localTime),
    end: fc.oneof(clock.map(localTime), fc.constant('24:00')),
  });
  const turnArb = fc.oneof(
    fc.record({ unit: fc.constant('hour' as const), count: fc.integer({ min: 4, max: 48 }) }),
    fc.record({ unit: fc.constant('day' as const), count: fc.integer({ min: 1, max: 7 }) }),
    fc.record({ unit: fc.constant('week' as const), count: fc.integer({ min: 1, max: 2 }) }),
  );
  const participantsArb = fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 });

  const bottomArb: fc.Arbitrary<RotationLayer> = fc.record({
    kind: fc.constant('rotation' as const),
    name: fc.constant('bottom'),
    start: fc.tuple(fc.integer({ min: 0, max: 58 }), clock).map(([d, m]) => localDate(d, m)),
    end: fc.constant(null),
    turn: turnArb,
    participants: participantsArb,
    restrictions: fc.constant([]),
  });
  const upperRotationArb: fc.Arbitrary<RotationLayer> = fc
    .record({
      startDay: fc.integer({ min: 0, max: 300 }),
      startMin: clock,
      length: fc.option(fc.integer({ min: 1, max: 120 }), { nil: null }),
      turn: turnArb,
      participants: participantsArb,
      restrictions: fc.array(restrictionArb, { maxLength: 3 }),
    })
    .map((r) => ({
      kind: 'rotation',
      name: 'upper',
      start: localDate(r.startDay, r.startMin),
      end: r.length === null ? null : localDate(r.startDay + r.length, r.startMin),
      turn: r.turn,
      participants: r.participants,
      restrictions: r.restrictions,
    }));
  const shiftsArb: fc.Arbitrary<ShiftsLayer> = fc
    .array(
      fc.record({
        userId: fc.integer({ min: 1, max: 9 }),
        day: fc.integer({ min: 55, max: 320 }),
        startMin: clock,
        days: fc.integer({ min: 0, max: 2 }),
        endMin: clock,
      }),
      { maxLength: 12 },
    )
    .map((shifts) => ({
      kind: 'shifts',
      name: 'roster',
      shifts: shifts
        .filter((s) => s.days > 0 || s.endMin > s.startMin)
        .map((s) => ({
          userId: s.userId,
          start: localDate(s.day, s.startMin),
          end: localDate(s.day + s.days, s.endMin),
        })),
    }));

  const rangeArb = fc.record({
    from: fc.integer({ min: 60 * 24, max: 300 * 24 }).map((h) => Date.UTC(2026, 0, 1) + h * hourMs),
    length: fc.integer({ min: 1, max: 21 * 24 }).map((h) => h * hourMs + 17 * 60_000),
  });
  const overridesArb = (from: number, length: number): fc.Arbitrary<Override[]> =>
    fc
      .array(
        fc.record({
          userId: fc.integer({ min: 100, max: 103 }),
          start: fc.integer({ min: -length / 4, max: length }),
          minutes: fc.integer({ min: 1, max: 3 * 24 * 60 }),
        }),
        { maxLength: 5 },
      )
      .map((os) =>
        os.map((o, i) => ({
          id: 1 + ((i * 7) % 11),
          userId: o.userId,
          start: from + Math.round(o.start / 60_000) * 60_000,
          end: from + Math.round(o.start / 60_000) * 60_000 + o.minutes * 60_000,
        })),
      )
      .map((os) => os.filter((o, i) => os.findIndex((p) => p.id === o.id) === i));

  return rangeArb.chain(({ from, length }) =>
    fc.record({
      from: fc.constant(from),
      to: fc.constant(from + length),
      def: fc.record({
        id: fc.constant(1),
        timeZone: fc.constantFrom(...zones),
        layers: fc
          .tuple(bottomArb, fc.array(fc.oneof(upperRotationArb, shiftsArb), { maxLength: 3 }))
          .map(([b, rest]) => [b, ...rest] as ScheduleLayer[]),
        overrides: overridesArb(from, length),
      }) as fc.Arbitrary<ScheduleDefinition>,
      samples: fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), {
        minLength: 1,
        maxLength: 8,
      }),
    }),
  );
}
const scheduleArb = makeScheduleArb(clockMinutes);
/** Any quarter hour, the DST gaps and repeated hours included. */
const anyScheduleArb = makeScheduleArb(fc.integer({ min: 0, max: 24 * 4 - 1 }).map((q) => q * 15));

// ---- The naive resolver: one instant at a time, turns expanded from the layer's start with Luxon. ----

const local = (value: string, zone: string) => DateTime.fromISO(value, { zone });
function rotationAt(layer: RotationLayer, zone: string, t: number): number | null {
  const start = local(layer.start, zone);
  if (t < start.toMillis()) return null;
  if (layer.end !== null && t >= local(layer.end, zone).toMillis()) return null;
  const step = (k: number) =>
    layer.turn.unit === 'hour'
      ? start.toMillis() + k * layer.turn.count * hourMs
      : start.plus({ days: k * layer.turn.count * (layer.turn.unit === 'week' ? 7 : 1) }).toMillis();
  let k = 0;
  while (step(k + 1) <= t) k++;
  if (layer.restrictions.length > 0) {
    const today = DateTime.fromMillis(t, { zone }).startOf('day');
    const inside = [today, today.minus({ days: 1 })].some((day) =>
      layer.restrictions.some((r) => {
        if (!r.days.includes(day.weekday as Weekday)) return false;
        const [sh, sm] = r.start.split(':').map(Number);
        const [eh, em] = r.end.split(':').map(Number);
        const a = day.set({ hour: sh, minute: sm });
        const endDay = eh * 60 + em <= sh * 60 + sm ? day.plus({ days: 1 }) : day;
        const b = eh === 24 ? endDay.plus({ days: 1 }) : endDay.set({ hour: eh, minute: em });
        return a.toMillis() <= t && t < b.toMillis();
      }),
    );
    if (!inside) return null;
  }
  return layer.participants[k % layer.participants.length];
}
function naiveAt(def: ScheduleDefinition, t: number): { userId: number | null; kind: string; ref?: number } {
  const overrides = def.overrides.filter((o) => o.start <= t && t < o.end).sort((a, b) => b.id - a.id);
  if (overrides.length > 0) return { userId: overrides[0].userId, kind: 'override', ref: overrides[0].id };
  for (let i = def.layers.length - 1; i >= 0; i--) {
    const layer = def.layers[i];
    if (layer.kind === 'rotation') {
      const u = rotationAt(layer, def.timeZone, t);
      if (u !== null) return { userId: u, kind: 'layer', ref: i };
    } else {
      for (let j = layer.shifts.length - 1; j >= 0; j--) {
        const s = layer.shifts[j];
        if (local(s.start, def.timeZone).toMillis() <= t && t < local(s.end, def.timeZone).toMillis())
          return { userId: s.userId, kind: 'layer', ref: i };
      }
    }
  }
  return { userId: null, kind: 'gap' };
}
const refOf = (s: { source: { kind: string; layer?: number; overrideId?: number } }) =>
  s.source.kind === 'layer' ? s.source.layer : s.source.kind === 'override' ? s.source.overrideId : undefined;

describe('zone offset tables', () => {
  const anyZone = fc.constantFrom(
    ...zones,
    'Pacific/Chatham',
    'America/Santiago',
    'Africa/Casablanca',
    'Europe/London',
  );
  it('agree with Luxon at every instant from 1970 to 2199, transitions to the minute', () => {
    fc.assert(
      fc.property(anyZone, fc.integer({ min: 0, max: Date.UTC(2199, 11, 31) / 60_000 }), (zone, minute) => {
        const t = minute * 60_000;
        expect(zoneOffsets(zone).offsetAt(t)).toBe(IANAZone.create(zone).offset(t));
        expect(zoneOffsets(zone).toLocal(t)).toBe(t + IANAZone.create(zone).offset(t) * 60_000);
      }),
      { numRuns: 200 },
    );
  });
  it('change offset at the exact minute of known 2026 transitions', () => {
    const transitions: [string, string, number, number][] = [
      ['Europe/Berlin', '2026-03-29T01:00:00Z', 60, 120],
      ['Europe/Berlin', '2026-10-25T01:00:00Z', 120, 60],
      ['America/New_York', '2026-03-08T07:00:00Z', -300, -240],
      ['America/New_York', '2026-11-01T06:00:00Z', -240, -300],
      ['Australia/Sydney', '2026-04-04T16:00:00Z', 660, 600],
      ['America/St_Johns', '2026-03-08T05:30:00Z', -210, -150],
      ['Pacific/Chatham', '2026-04-04T14:00:00Z', 825, 765],
    ];
    for (const [zone, iso, before, after] of transitions) {
      const t = Date.parse(iso);
      expect([zone, zoneOffsets(zone).offsetAt(t - 1), zoneOffsets(zone).offsetAt(t)]).toEqual([
        zone,
        before,
        after,
      ]);
    }
  });
  it('turn a local time back into the instant Luxon gives, where the time happens exactly once', () => {
    fc.assert(
      fc.property(anyZone, fc.integer({ min: 0, max: Date.UTC(2199, 11, 31) / 60_000 }), (zone, minute) => {
        const t = minute * 60_000;
        const wall = zoneOffsets(zone).toLocal(t);
        const once =
          DateTime.fromMillis(t, { zone }).toMillis() === t &&
          IANAZone.create(zone).offset(t - 3 * 3_600_000) === IANAZone.create(zone).offset(t + 3 * 3_600_000);
        if (once) expect(zoneOffsets(zone).toInstant(wall)).toBe(t);
      }),
      { numRuns: 200 },
    );
  });
});

describe('schedule resolution properties', () => {
  it('the final schedule tiles the range: contiguous, no overlap, from to to, neighbours differ', () => {
    fc.assert(
      fc.property(scheduleArb, ({ def, from, to }) => {
        const segs = finalSchedule(compileSchedule(def), from, to);
        expect(segs[0].start).toBe(from);
        expect(segs[segs.length - 1].end).toBe(to);
        for (let i = 0; i < segs.length; i++) {
          expect(segs[i].end).toBeGreaterThan(segs[i].start);
          if (i > 0) {
            expect(segs[i].start).toBe(segs[i - 1].end);
            const same = segs[i].userId === segs[i - 1].userId && refOf(segs[i]) === refOf(segs[i - 1]);
            expect(same && segs[i].source.kind === segs[i - 1].source.kind).toBe(false);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('with an unrestricted bottom rotation every instant has exactly one person, who agrees with a naive resolver', () => {
    fc.assert(
      fc.property(scheduleArb, ({ def, from, to, samples }) => {
        const compiled = compileSchedule(def);
        const segs = finalSchedule(compiled, from, to);
        expect(segs.filter((s) => s.userId === null)).toEqual([]);
        // Each boundary and a few instants inside: the segment's answer is the naive resolver's.
        const instants = [
          ...segs.map((s) => s.start),
          ...segs.map((s) => s.end - 1),
          ...samples.map((x) => from + Math.floor(x * (to - from))),
        ];
        for (const t of instants.slice(0, 40)) {
          const seg = segs.find((s) => s.start <= t && t < s.end);
          const naive = naiveAt(def, t);
          expect({
            t: new Date(t).toISOString(),
            userId: seg?.userId,
            kind: seg?.source.kind,
            ref: seg && refOf(seg),
          }).toEqual({
            t: new Date(t).toISOString(),
            ...naive,
          });
        }
      }),
      { numRuns: 60 },
    );
  });

  it('onCallAt(t) is the final schedule segment containing t', () => {
    fc.assert(
      fc.property(scheduleArb, ({ def, from, to, samples }) => {
        const compiled = compileSchedule(def);
        const segs = finalSchedule(compiled, from, to);
        for (const x of samples) {
          const t = from + Math.floor(x * (to - from));
          const seg = segs.find((s) => s.start <= t && t < s.end);
          const answer = onCallAt(compiled, t);
          if (!seg || seg.userId === null) {
            expect(answer).toBeNull();
            continue;
          }
          expect(answer?.userId).toBe(seg.userId);
          expect(answer?.source).toEqual(seg.source);
          // The range may cut the segment; onCallAt's reaches further, never less.
          if (seg.start > from) expect(answer?.start).toBe(seg.start);
          else expect(answer?.start).toBeLessThanOrEqual(seg.start);
          if (seg.end < to) expect(answer?.end).toBe(seg.end);
          else expect(answer?.end).toBeGreaterThanOrEqual(seg.end);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('with local times in the DST gaps and repeated hours too, the final schedule tiles its range with nobody missing, and onCallAt agrees', () => {
    fc.assert(
      fc.property(anyScheduleArb, ({ def, from, to, samples }) => {
        const compiled = compileSchedule(def);
        const segs = finalSchedule(compiled, from, to);
        expect(segs[0].start).toBe(from);
        expect(segs[segs.length - 1].end).toBe(to);
        for (let i = 1; i < segs.length; i++) expect(segs[i].start).toBe(segs[i - 1].end);
        expect(segs.filter((s) => s.userId === null || s.end <= s.start)).toEqual([]);
        for (const x of samples) {
          const t = from + Math.floor(x * (to - from));
          const seg = segs.find((s) => s.start <= t && t < s.end);
          const answer = onCallAt(compiled, t);
          expect(answer?.userId).toBe(seg?.userId);
          expect(answer?.source).toEqual(seg?.source);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('an override always wins over its window (the highest id where overrides overlap)', () => {
    fc.assert(
      fc.property(scheduleArb, ({ def, from, to }) => {
        const compiled = compileSchedule(def);
        for (const o of def.overrides) {
          const segs = finalSchedule(compiled, o.start, o.end);
          for (const s of segs) {
            expect(s.source.kind).toBe('override');
            const winner = def.overrides
              .filter((p) => p.start <= s.start && s.start < p.end)
              .sort((a, b) => b.id - a.id)[0];
            expect(s.userId).toBe(winner.userId);
            expect(s.source).toEqual({ kind: 'override', overrideId: winner.id });
          }
        }
        expect(to).toBeGreaterThan(from);
      }),
      { numRuns: 150 },
    );
  });
});
