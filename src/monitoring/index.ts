// Monitoring's face: targets and checks, the metric store and PromQL, scraping and remote-write, alert rules,
// the alert pipeline (routing, grouping, silences, inhibition) into incidents, and status pages.
// -- each part adds its exports in its own block; registerMonitoring wires them --
export type { AlertGroupView } from './alert-groups.js';
export { listAlertGroups, registerAlertPipeline, runAlertPipeline } from './alert-groups.js';
export type { MuteReason, PipelinePorts, TargetPorts } from './alert-model.js';
export { usePipelinePorts } from './alert-model.js';
export type { AlertInput, AlertOrigin, AlertStatus, AlertView, ReceivedAlerts } from './alert-pipeline.js';
export { listAlerts, receiveAlerts } from './alert-pipeline.js';
export type { RoutingDocument } from './alert-routing.js';
export { defaultRoutingDocument } from './alert-routing.js';
export type { StoredRouting } from './alert-routing-store.js';
export { getAlertRouting, putAlertRouting } from './alert-routing-store.js';
export type { CheckKind, CheckResult, CheckSpec, CheckState } from './check-model.js';
export { checkKinds } from './check-model.js';
export { flappingRule } from './flapping.js';
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
export type { Silence, SilenceInput, SilenceState } from './silences.js';
export { createSilence, expireSilence, listSilences } from './silences.js';
export type { AlertSuppression, TargetRouting } from './target-status.js';
export { alertSuppression, dailyUptime, targetRouting } from './target-status.js';
