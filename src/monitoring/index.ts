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
export {
  checkPromql,
  evaluateInstant,
  evaluateRange,
  matrixJson,
  parseSeriesSelector,
  queryInstant,
  queryRange,
} from './promql.js';
export type { AlertSuppression, TargetRouting } from './target-status.js';
export { alertSuppression, dailyUptime, targetRouting } from './target-status.js';
