// On-call's face: schedules (layers, rotations, restrictions, overrides), who is on call, rosters, escalation
// policies, per-user contact methods and paging, and imports from Opsgenie, Grafana OnCall and PagerDuty.

export {
  type FeedAccess,
  type FeedToken,
  rotateScheduleFeedToken,
  rotateUserFeedToken,
  scheduleFeed,
  userFeed,
} from './calendar-feeds.js';
export { type CachedSchedule, compiledSchedules } from './compiled-schedules.js';
export {
  type ContactMethod,
  type ContactMethodChanges,
  type ContactMethodInput,
  channelOfKind,
  contactMethodKinds,
  contactMethodsPerUserMax,
  createContactMethod,
  deleteContactMethod,
  getContactMethod,
  listContactMethods,
  sendTestMessage,
  updateContactMethod,
  verifyContactMethod,
} from './contact-methods.js';
export {
  checkPolicyShape,
  createEscalationPolicy,
  deleteEscalationPolicy,
  type EscalationPolicy,
  type EscalationPolicyInput,
  type EscalationStep,
  type EscalationTarget,
  type EscalationTargetKind,
  escalationPolicyLimits,
  getEscalationPolicy,
  listEscalationPolicies,
  type PolicyOptions,
  readEscalationPolicy,
  type ScheduleExists,
  scheduleExistsByOnCall,
  updateEscalationPolicy,
} from './escalation-policies.js';
export type { AppliedImport, PolicyDraft } from './imports/import-apply.js';
export type { ImportPlan, ImportSource, NotCarried } from './imports/import-plan.js';
export {
  compareWithOriginals,
  type ImportInput,
  type ImportResult,
  importConverters,
  resolveFinalSchedule,
  runImport,
} from './imports/import-run.js';
export {
  getNotificationRules,
  type NotificationRule,
  type NotificationRules,
  notificationRulesMax,
  ruleDelayMaxMinutes,
  setNotificationRules,
} from './notification-rules.js';
export { type OnCallNow, onCallSegments, whoIsOnCall } from './on-call.js';
export {
  cancelPages,
  listPageDeliveries,
  type PageDelivery,
  type PagedIncident,
  type PageInput,
  type PageResult,
  pageUser,
} from './paging.js';
export { canOncall, type OncallAction, requireOncall } from './permissions.js';
export {
  type ReadinessEntry,
  type ReadinessReason,
  type ReadinessReport,
  readinessDaysMax,
  readinessReport,
  type UpcomingOnCall,
  upcomingOnCall,
} from './readiness.js';
export {
  type FairnessSummary,
  generateRoster,
  type PersonStats,
  type RosterResult,
  type SearchStats,
  solveRoster,
} from './roster-generation.js';
export {
  expandSlots,
  type RosterPerson,
  type RosterRequest,
  type RosterRule,
  type RosterRules,
  rosterLimits,
  rosterRules,
  type ShiftTemplate,
  type TimeOff,
  validateRosterRequest,
} from './roster-request.js';
export {
  checkRoster,
  type Exclusion,
  type RosterCheck,
  type RosterViolation,
  type SlotRef,
} from './roster-rules.js';
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
  createOverride,
  deleteOverride,
  listOverrides,
  type OverrideInput,
  type ScheduleOverride,
} from './schedule-overrides.js';
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
  type TimeOff as ScheduleTimeOff,
} from './schedule-reports.js';
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
export {
  checkRange,
  doubleBookingsIn,
  finalScheduleView,
  onCallEverywhere,
  type ScheduleOnCall,
  scheduleOnCall,
  scheduleReport,
} from './schedule-views.js';
export {
  createSchedule,
  deleteSchedule,
  getSchedule,
  listSchedules,
  type Schedule,
  type ScheduleInput,
  updateSchedule,
  userNames,
} from './schedules.js';
export {
  createShiftRequest,
  decideShiftRequest,
  listShiftRequests,
  type ShiftRequest,
  type ShiftRequestInput,
  type ShiftRequestState,
} from './shift-requests.js';
