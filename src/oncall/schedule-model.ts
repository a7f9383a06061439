// The shape of an on-call schedule, as PagerDuty and Grafana OnCall model it: layers of rotations (or of explicit
// shifts, as a generated roster makes them) in one IANA time zone, with restrictions; a higher layer wins over a
// lower one, and an override wins over every layer. Wall times are stored local with the schedule's zone and
// expanded occurrence by occurrence, so nothing moves by an hour at a DST change (grafana/oncall#3261).

/** A local date and time in the schedule's zone, `YYYY-MM-DDTHH:MM` (no offset: the zone decides it). */
export type LocalDateTime = string;
/** A local time of day, `HH:MM` (`24:00` allowed as an end). */
export type LocalTime = string;
/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** How long one participant's turn lasts before the next takes over. */
export interface TurnLength {
  unit: 'hour' | 'day' | 'week';
  /** 1–8760 hours, 1–365 days, 1–52 weeks. */
  count: number;
}

/**
 * A window in which a layer is on duty (PagerDuty's daily/weekly restrictions): on each of `days`, from `start`
 * to `end` local time; an `end` at or before `start` runs past midnight into the next day. A layer with no
 * restrictions is on duty all the time; outside its windows it leaves the instant to the layers below.
 */
export interface Restriction {
  days: Weekday[];
  start: LocalTime;
  end: LocalTime;
}

/** A rotation: participants take turns of `turn` length in order, the first turn starting at `start`. */
export interface RotationLayer {
  kind: 'rotation';
  name: string;
  /** The first handoff: its time of day is the handoff time of every turn. */
  start: LocalDateTime;
  /** The layer stops at this local time (exclusive); null: runs on. */
  end: LocalDateTime | null;
  turn: TurnLength;
  /** User ids in turn order; a user may appear more than once. At least one. */
  participants: number[];
  restrictions: Restriction[];
}

/** One shift of an explicit layer: who is on duty from `start` to `end` (local, end exclusive). */
export interface ExplicitShift {
  userId: number;
  start: LocalDateTime;
  end: LocalDateTime;
}

/** A layer of explicit shifts (a generated roster, or an imported one that is not a rotation). */
export interface ShiftsLayer {
  kind: 'shifts';
  name: string;
  shifts: ExplicitShift[];
}

export type ScheduleLayer = RotationLayer | ShiftsLayer;

/** Someone covers a window: wins over every layer. Instants, since a cover is booked for a real span. */
export interface Override {
  id: number;
  userId: number;
  /** Epoch milliseconds; end exclusive. */
  start: number;
  end: number;
}

/** A schedule as resolution needs it. */
export interface ScheduleDefinition {
  id: number;
  timeZone: string;
  /** Bottom first: `layers[i + 1]` wins over `layers[i]` where both are on duty. */
  layers: ScheduleLayer[];
  overrides: Override[];
}

/** Where a stretch of the final schedule comes from. */
export type SegmentSource =
  | { kind: 'layer'; layer: number }
  | { kind: 'override'; overrideId: number }
  | { kind: 'gap' };

/** A stretch of time with one answer: `userId` on call (null in a gap). Epoch ms, end exclusive. */
export interface Segment {
  start: number;
  end: number;
  userId: number | null;
  source: SegmentSource;
}
