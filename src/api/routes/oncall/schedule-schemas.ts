// The HTTP shapes of on-call schedules, defined once for the schedule routes and their siblings: layers as the
// schedule model has them (local wall times with the schedule's zone), segments of the final schedule.
import { Type } from '@sinclair/typebox';
import { toIso } from '../../../core/clock.js';
import type { Schedule, Segment } from '../../../oncall/index.js';
import { Id, IsoTime, Nullable } from '../../schemas.js';

const LocalDateTime = Type.String({
  maxLength: 16,
  description: 'local YYYY-MM-DDTHH:MM in the schedule’s zone',
});
const LocalTime = Type.String({ maxLength: 5, description: 'local HH:MM (24:00 allowed as an end)' });

const RestrictionSchema = Type.Object({
  days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
    minItems: 1,
    maxItems: 7,
    description: '1 = Monday … 7 = Sunday',
  }),
  start: LocalTime,
  end: LocalTime,
});

const RotationLayerSchema = Type.Object({
  kind: Type.Literal('rotation'),
  name: Type.String({ maxLength: 100 }),
  start: LocalDateTime,
  end: Nullable(LocalDateTime),
  turn: Type.Object({
    unit: Type.Union([Type.Literal('hour'), Type.Literal('day'), Type.Literal('week')]),
    count: Type.Integer({ minimum: 1, maximum: 8760 }),
  }),
  participants: Type.Array(Id, { minItems: 1, maxItems: 500, description: 'user ids in turn order' }),
  restrictions: Type.Array(RestrictionSchema, { maxItems: 50 }),
});

const ShiftsLayerSchema = Type.Object({
  kind: Type.Literal('shifts'),
  name: Type.String({ maxLength: 100 }),
  shifts: Type.Array(Type.Object({ userId: Id, start: LocalDateTime, end: LocalDateTime }), {
    maxItems: 20_000,
  }),
});

export const LayerSchema = Type.Union([RotationLayerSchema, ShiftsLayerSchema]);

export const ScheduleBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100 }),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  timeZone: Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Berlin' }),
  teamId: Type.Optional(Nullable(Id)),
  layers: Type.Array(LayerSchema, { maxItems: 20, description: 'bottom first: a higher layer wins' }),
});

export const ScheduleSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Type.String(),
  timeZone: Type.String(),
  teamId: Nullable(Type.Integer()),
  layers: Type.Array(LayerSchema),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  version: Type.Integer(),
});

export function scheduleView(s: Schedule) {
  return { ...s, createdAt: toIso(s.createdAt), updatedAt: toIso(s.updatedAt) };
}

export const SourceSchema = Type.Object({
  kind: Type.Union([Type.Literal('layer'), Type.Literal('override'), Type.Literal('gap')]),
  layer: Type.Optional(Type.Integer({ description: 'the layer’s index, bottom first' })),
  overrideId: Type.Optional(Type.Integer()),
});

export const SegmentSchema = Type.Object({
  start: IsoTime,
  end: IsoTime,
  userId: Nullable(Type.Integer()),
  userName: Nullable(Type.String()),
  source: SourceSchema,
});

export function segmentView(s: Segment, names: Map<number, string>) {
  return {
    start: toIso(s.start),
    end: toIso(s.end),
    userId: s.userId,
    userName: s.userId === null ? null : (names.get(s.userId) ?? null),
    source: s.source,
  };
}

/** Who is on call in one schedule at an instant: userId null in a gap (a 200, so a gap is an answer, not an error). */
export const OnCallSchema = Type.Object({
  scheduleId: Type.Integer(),
  scheduleName: Type.String(),
  at: IsoTime,
  userId: Nullable(Type.Integer()),
  userName: Nullable(Type.String()),
  start: Nullable(IsoTime),
  end: Nullable(IsoTime),
  source: Nullable(SourceSchema),
});

export const RangeQuery = Type.Object({
  from: Type.Optional(IsoTime),
  to: Type.Optional(IsoTime),
});
