// Monitoring's face: targets and checks, the metric store and PromQL, scraping and remote-write, alert rules,
// the alert pipeline (routing, grouping, silences, inhibition) into incidents, and status pages.
// -- each part adds its exports in its own block; registerMonitoring wires them --

import type { ServiceContext } from '../core/context.js';
import type { JobScheduler } from '../core/jobs.js';
import { registerAlertPipeline } from './alert-groups.js';
import { registerChecks } from './check-scheduler.js';
import { runCheck } from './checks/run-check.js';
import { registerMetricForward } from './metric-forward.js';
import { registerMetricStore } from './metric-maintenance.js';
import { registerAlertRules } from './rule-evaluation.js';
import { registerScrapes } from './scrapes.js';
import { registerStatusPages } from './status-pages.js';

export type { AlertGroupView } from './alert-groups.js';
export {
  listAlertGroups,
  registerAlertPipeline,
  regroupAlerts,
  replaceAlertRouting,
  runAlertPipeline,
} from './alert-groups.js';
export type { MuteReason, PipelinePorts, TargetPorts } from './alert-model.js';
export { usePipelinePorts } from './alert-model.js';
export type { AlertInput, AlertOrigin, AlertStatus, AlertView, ReceivedAlerts } from './alert-pipeline.js';
export { listAlerts, receiveAlerts } from './alert-pipeline.js';
export type { RoutingDocument } from './alert-routing.js';
export { defaultRoutingDocument } from './alert-routing.js';
export type { StoredRouting } from './alert-routing-store.js';
export { getAlertRouting } from './alert-routing-store.js';
export type { AlertRulePorts } from './alert-rule-ports.js';
export { alertRulePorts, replaceAlertRulePorts } from './alert-rule-ports.js';
export type {
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
export { hostCapacity } from './capacity-report.js';
export type { CheckHistory, UptimeRange } from './check-history.js';
export { checkHistory, targetUptimes, uptimeRanges } from './check-history.js';
export type {
  CheckKind,
  CheckMetric,
  CheckResult,
  CheckRunOptions,
  CheckSpec,
  CheckState,
} from './check-model.js';
export { checkKinds } from './check-model.js';
export type {
  CheckAlertSender,
  CheckMetricSink,
  CheckPorts,
  CheckRunner,
  CheckSchedulerOptions,
} from './check-scheduler.js';
export { CheckScheduler, recordCheckResult, registerChecks, runCheckNow } from './check-scheduler.js';
export type { CheckSpecInput } from './checks/check-specs.js';
export {
  checkSpecLimits,
  checkSpecProblems,
  checkSpecSchema,
  isValidCheckSpec,
  redactCheckSpec,
  restoreCheckSpecSecrets,
  secretPlaceholder,
} from './checks/check-specs.js';
export { runCheck } from './checks/run-check.js';
export type { Check, CheckInput, CreatedCheck, RecentResult } from './checks.js';
export {
  checkLimits,
  createCheck,
  deleteCheck,
  getCheck,
  listChecks,
  rotateHeartbeatToken,
  updateCheck,
} from './checks.js';
export type { ExpositionError, ExpositionFormat, ParsedExposition } from './exposition.js';
export { expositionFormat, parseExposition } from './exposition.js';
export { flappingRule } from './flapping.js';
export { receiveHeartbeat } from './heartbeats.js';
export type { HostFacts, MonitoredHostFacts } from './host-facts.js';
export { hostFactsFromSamples, monitoredHostFacts } from './host-facts.js';
export type { IngestSourceKind, IngestStats } from './ingest-stats.js';
export { countPayloadRefused, ingestStats } from './ingest-stats.js';
export type { MaintenanceWindow, MaintenanceWindowInput } from './maintenance-windows.js';
export {
  createMaintenanceWindow,
  deleteMaintenanceWindow,
  getMaintenanceWindow,
  listMaintenanceWindows,
  maintenanceLimits,
  updateMaintenanceWindow,
} from './maintenance-windows.js';
export type { ForwardDropReason, ForwardPassResult, ForwardStats } from './metric-forward.js';
export {
  forwardMetrics,
  forwardQueueSamples,
  forwardStats,
  metricForwardLimits,
  registerMetricForward,
  trimForwardQueue,
} from './metric-forward.js';
export {
  compactMetrics,
  maintainMetricStore,
  registerMetricStore,
  rollupMetrics,
  sweepMetricRetention,
} from './metric-maintenance.js';
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
export type { MonitorAction } from './permissions.js';
export { canMonitor, requireMonitor } from './permissions.js';
export { promDurationMs } from './prom-duration.js';
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
export type { RelabelAction, RelabelConfig } from './relabel.js';
export { compileRelabels, relabel, relabelActions } from './relabel.js';
export type { RemoteQuery } from './remote-query.js';
export { queryRemote, remoteQueryLimits } from './remote-query.js';
export type { RemoteWriteOutcome } from './remote-write.js';
export {
  decodeWriteRequest,
  receiveRemoteWrite,
  remoteWriteLimits,
  snappyDecompress,
} from './remote-write.js';
export { AlertRuleRunner, evaluateDueRules, previewRule, registerAlertRules } from './rule-evaluation.js';
export type { MetricSink, ScrapeOutcome, ScrapeTarget, ScrapeTargetInput } from './scrapes.js';
export {
  createScrapeTarget,
  deleteScrapeTarget,
  getScrapeTarget,
  listScrapeTargets,
  registerScrapes,
  scrapeLimits,
  scrapeTargetNow,
  updateScrapeTarget,
} from './scrapes.js';
export type { Silence, SilenceInput, SilenceState } from './silences.js';
export { createSilence, expireSilence, listSilences } from './silences.js';
export type { BoardCheck, BoardTarget } from './status-board.js';
export { statusBoard } from './status-board.js';
export type { StatusIncident, StatusIncidentChange, StatusIncidentInput } from './status-incidents.js';
export {
  getStatusIncident,
  listStatusIncidents,
  postStatusIncident,
  updateStatusIncident,
} from './status-incidents.js';
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
export type { Target, TargetFilter, TargetInput, TargetKind } from './targets.js';
export { createTarget, deleteTarget, getTarget, listTargets, targetLimits, updateTarget } from './targets.js';

/**
 * What the serve command calls once: the metric store's compaction, rollups and retention; checks on their
 * schedules with the real probes; scrapes; alert rules; the alert pipeline's group timers; status pages' ticket
 * links. In this order, the relay hands a check's state change to the check rules before the pipeline runs.
 */
export function registerMonitoring(ctx: ServiceContext, jobs: JobScheduler): void {
  registerMetricStore(ctx, jobs); // WAL → chunks every 30 s, rollups every minute, retention hourly (one instance)
  registerMetricForward(ctx, jobs); // the forward queue sent by remote-write every 5 s (one instance), when configured
  registerChecks(ctx, jobs, runCheck); // checks spread over their intervals (a 250 ms tick); CheckNotRunning sweep
  registerScrapes(ctx, jobs); // due scrape targets claimed (leases) and scraped, every second
  registerAlertRules(ctx, jobs); // due rule groups each second; check rules at once on a check's change
  registerAlertPipeline(ctx, jobs); // alert group timers every second, and soon after alerts arrive
  registerStatusPages(ctx, jobs); // a requester's ticket about an announced outage linked to it
}
