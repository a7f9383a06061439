// On-call's face: schedules (layers, rotations, restrictions, overrides), who is on call, rosters, escalation
// policies, per-user contact methods and paging, and imports from Opsgenie, Grafana OnCall and PagerDuty.
export { type OnCallNow, onCallSegments, whoIsOnCall } from './on-call.js';
export { cancelPages, type PageInput, type PageResult, pageUser } from './paging.js';
export { canOncall, type OncallAction, requireOncall } from './permissions.js';
export {
  type ScheduleCalendarInput,
  scheduleCalendar,
  segmentUid,
  type UserCalendarInput,
  userCalendar,
} from './schedule-ics.js';
export type {
  ExplicitShift,
  LocalDateTime,
  LocalTime,
  Override,
  Restriction,
  RotationLayer,
  ScheduleDefinition,
  ScheduleLayer,
  Segment,
  SegmentSource,
  ShiftsLayer,
  TurnLength,
  Weekday,
} from './schedule-model.js';
export {
  coverageGaps,
  type DoubleBooking,
  doubleBookings,
  hoursPerPerson,
  type Interval,
  type PersonHours,
  type QualityComment,
  type QualityReport,
  qualityScore,
  type ScheduleSegments,
  type TimeOff,
} from './schedule-reports.js';
// -- schedule engine (resolution, reports, iCalendar) --
export {
  type CompiledSchedule,
  compileSchedule,
  finalSchedule,
  layerSegments,
  type OnCallAnswer,
  onCallAt,
  overrideSegments,
  scheduleLimits,
} from './schedule-resolution.js';

// -- schedules (storage, overrides, requests, feeds) --

// -- rosters --

// -- contact methods and notification rules --

// -- escalation policies --

// -- imports --
