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

// -- schedules (storage, overrides, requests, feeds) --

// -- rosters --

// -- contact methods and notification rules --
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
  getNotificationRules,
  type NotificationRule,
  type NotificationRules,
  notificationRulesMax,
  ruleDelayMaxMinutes,
  setNotificationRules,
} from './notification-rules.js';
export { listPageDeliveries, type PageDelivery } from './paging.js';
export {
  type ReadinessEntry,
  type ReadinessReason,
  type ReadinessReport,
  readinessDaysMax,
  readinessReport,
  type UpcomingOnCall,
  upcomingOnCall,
} from './readiness.js';

// -- escalation policies --

// -- imports --
