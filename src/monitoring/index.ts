// Monitoring's face: targets and checks, the metric store and PromQL, scraping and remote-write, alert rules,
// the alert pipeline (routing, grouping, silences, inhibition) into incidents, and status pages.
// -- each part adds its exports in its own block; registerMonitoring wires them --
// alert rules and the Alertmanager receivers

export type { AlertInput, AlertOrigin, ReceivedAlerts } from './alert-pipeline.js';
export { receiveAlerts } from './alert-pipeline.js';
export type {
  CheckKind,
  CheckMetric,
  CheckResult,
  CheckRunOptions,
  CheckSpec,
  CheckState,
} from './check-model.js';
export type { CheckHistory, UptimeRange } from './check-history.js';
export { checkHistory, targetUptimes, uptimeRanges } from './check-history.js';
export type { AlertRulePorts } from './alert-rule-ports.js';
export { alertRulePorts, replaceAlertRulePorts } from './alert-rule-ports.js';
  AlertRule,
  AlertRuleInput,
  AlertRuleKind,
  CheckSelector,
  PromAlert,
  PromRuleGroup,
  RuleAlert,
} from './alert-rules.js';
export {
  alertRuleLimits,
  createAlertRule,
  deleteAlertRule,
  getAlertRule,
  listAlertRules,
  promAlerts,
  promRuleGroups,
  updateAlertRule,
} from './alert-rules.js';
export type { IntakeRejection, IntakeResult } from './alertmanager-intake.js';
export { intakeLimits, takeAlertmanagerAlerts } from './alertmanager-intake.js';
export type { CheckKind, CheckResult, CheckSpec, CheckState } from './check-model.js';
export { checkKinds } from './check-model.js';
  compactMetrics,
  maintainMetricStore,
  registerMetricStore,
  rollupMetrics,
  sweepMetricRetention,
} from './metric-maintenance.js';
export type { CheckSpecInput } from './checks/check-specs.js';
  checkSpecLimits,
  checkSpecProblems,
  checkSpecSchema,
  isValidCheckSpec,
  redactCheckSpec,
  restoreCheckSpecSecrets,
  secretPlaceholder,
} from './checks/check-specs.js';
export { runCheck } from './checks/run-check.js';
  CheckAlertSender,
  CheckMetricSink,
  CheckPorts,
  CheckRunner,
  CheckSchedulerOptions,
} from './check-scheduler.js';
export { CheckScheduler, recordCheckResult, registerChecks, runCheckNow } from './check-scheduler.js';
export type { Check, CheckInput, CreatedCheck, RecentResult } from './checks.js';
export { checkLimits, createCheck, deleteCheck, getCheck, listChecks, updateCheck } from './checks.js';
export { receiveHeartbeat } from './heartbeats.js';
export type { MaintenanceWindow, MaintenanceWindowInput } from './maintenance-windows.js';
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  getMaintenanceWindow,
  listMaintenanceWindows,
  maintenanceLimits,
  updateMaintenanceWindow,
} from './maintenance-windows.js';
// -- metrics in: exposition parsing, relabelling, scrapes, remote-write --
export type { ExpositionError, ExpositionFormat, ParsedExposition } from './exposition.js';
export { expositionFormat, parseExposition } from './exposition.js';
export type { IngestSourceKind, IngestStats } from './ingest-stats.js';
export { countPayloadRefused, ingestStats } from './ingest-stats.js';
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
export { flappingRule } from './flapping.js';
export type {
  IngestResult,
  IngestSeries,
  IngestSource,
  LabelMatcher,
  Labels,
  MetricStore,
  RejectReason,
  Resolution,
  RollupSeries,
  SampleSource,
  SeriesSamples,
} from './metric-model.js';
export { labelsKey, labelsProblem, metricLimits, rejectReasons } from './metric-model.js';
export type { MetricStoreStats } from './metric-store.js';
export { metricStore, storeStats } from './metric-store.js';
export type { AlertEvent, CheckStateChanged } from './monitoring-events.js';
export { canMonitor, type MonitorAction, requireMonitor } from './permissions.js';
export type { PromQueryData, QueryOptions } from './promql.js';
export { checkPromql, evaluateInstant, queryInstant, queryRange } from './promql.js';
export type { BoardCheck, BoardTarget } from './status-board.js';
export { statusBoard } from './status-board.js';
export type { RelabelAction, RelabelConfig } from './relabel.js';
export { compileRelabels, relabel, relabelActions } from './relabel.js';
export type { RemoteWriteOutcome } from './remote-write.js';
export {
  decodeWriteRequest,
  receiveRemoteWrite,
  remoteWriteLimits,
  snappyDecompress,
} from './remote-write.js';
export type { MetricSink, ScrapeOutcome, ScrapeTarget, ScrapeTargetInput } from './scrapes.js';
  createScrapeTarget,
  deleteScrapeTarget,
  getScrapeTarget,
  listScrapeTargets,
  registerScrapes,
  scrapeLimits,
  scrapeTargetNow,
  updateScrapeTarget,
} from './scrapes.js';
export { AlertRuleRunner, evaluateDueRules, previewRule, registerAlertRules } from './rule-evaluation.js';
export type { Silence, SilenceInput, SilenceState } from './silences.js';
export { createSilence, expireSilence, listSilences } from './silences.js';
export type { AlertSuppression, TargetRouting } from './target-status.js';
export { alertSuppression, dailyUptime, targetRouting } from './target-status.js';
export type { Target, TargetFilter, TargetInput, TargetKind } from './targets.js';
export { createTarget, deleteTarget, getTarget, listTargets, targetLimits, updateTarget } from './targets.js';
