// On-call's face: schedules (layers, rotations, restrictions, overrides), who is on call, rosters, escalation
// policies, per-user contact methods and paging, and imports from Opsgenie, Grafana OnCall and PagerDuty.
export { type OnCallNow, onCallSegments, whoIsOnCall } from './on-call.js';
export { cancelPages, type PageInput, type PageResult, pageUser } from './paging.js';
export { canOncall, type OncallAction, requireOncall } from './permissions.js';
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

export type { ImportPlan, ImportSource, NotCarried } from './imports/import-plan.js';
// -- imports --
export {
  compareWithOriginals,
  type ImportInput,
  type ImportPreview,
  importConverters,
  previewImport,
  resolveFinalSchedule,
} from './imports/import-preview.js';
