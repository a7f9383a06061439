// Monitoring's face: targets and checks, the metric store and PromQL, scraping and remote-write, alert rules,
// the alert pipeline (routing, grouping, silences, inhibition) into incidents, and status pages.
// -- each part adds its exports in its own block; registerMonitoring wires them --
export type { AlertInput, AlertOrigin, ReceivedAlerts } from './alert-pipeline.js';
export { receiveAlerts } from './alert-pipeline.js';
export type { CheckKind, CheckResult, CheckSpec, CheckState } from './check-model.js';
export { checkKinds } from './check-model.js';
export type {
  IngestResult,
  IngestSeries,
  IngestSource,
  LabelMatcher,
  Labels,
  MetricStore,
  RejectReason,
  SampleSource,
  SeriesSamples,
} from './metric-model.js';
export { labelsKey, labelsProblem, metricLimits, rejectReasons } from './metric-model.js';
export { metricStore } from './metric-store.js';
export type { AlertEvent, CheckStateChanged } from './monitoring-events.js';
export { canMonitor, type MonitorAction, requireMonitor } from './permissions.js';
export type { PromQueryData, QueryOptions } from './promql.js';
export { checkPromql, evaluateInstant, queryInstant, queryRange } from './promql.js';
export type { StatusIncident, StatusIncidentChange, StatusIncidentInput } from './status-incidents.js';
export {
  getStatusIncident,
  listStatusIncidents,
  postStatusIncident,
  updateStatusIncident,
} from './status-incidents.js';
// -- status pages --
export type {
  ComponentState,
  StatusAudience,
  StatusImpact,
  StatusIncidentState,
} from './status-page-model.js';
export {
  componentStates,
  slugPattern,
  statusAudiences,
  statusImpacts,
  statusIncidentStates,
  statusPageLimits,
} from './status-page-model.js';
export type {
  BannerItem,
  StatusPage,
  StatusPageChanges,
  StatusPageInput,
  StatusPagePorts,
  StatusPageView,
} from './status-pages.js';
export {
  announceMaintenance,
  createStatusPage,
  deleteStatusPage,
  getStatusPage,
  listStatusPages,
  portalBanner,
  registerStatusPages,
  setStatusPagePorts,
  updateStatusPage,
  viewStatusPage,
} from './status-pages.js';
export type { Subscribed, SubscriptionInput } from './status-subscriptions.js';
export { confirmSubscription, subscribe, unsubscribe } from './status-subscriptions.js';
export type { AlertSuppression, TargetRouting } from './target-status.js';
export { alertSuppression, dailyUptime, targetRouting } from './target-status.js';
