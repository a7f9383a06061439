// The logs domain's face: records from syslog and HTTP, their store and search, template mining into error
// patterns, and alerts on new or spiking patterns. Each part adds its exports in its own block; registerLogs wires
// the periodic work.
import type { ServiceContext } from '../core/context.js';
import type { JobScheduler } from '../core/jobs.js';
import { evaluateLogAlerts, logAlertSettings } from './log-alerts.js';
import { runLogRetention } from './log-retention.js';

// -- logs: store --
export type { HttpLineRejectReason, HttpLogResult } from './http-records.js';
export { countHttpLogRefusal, httpLogIngestStats, httpLogLimits, receiveHttpLogs } from './http-records.js';
// -- logs: mining --
export type { LineMiningOptions, LineTemplate } from './line-templates.js';
export { LineTemplateMining, maxLineLength } from './line-templates.js';
export type { LogAlertRound } from './log-alerts.js';
export { evaluateLogAlerts, logAlertSettings } from './log-alerts.js';
// -- logs: intelligence --
export type { LogContext, LogContextHost, LogContextPattern } from './log-context.js';
export { logContextForIncident, logContextForTicket, logContextSettings } from './log-context.js';
export type { LogFormat } from './log-format.js';
export { compileLogFormat } from './log-format.js';
// -- logs: model --
export type {
  LogRecordInput,
  LogSink,
  LogSource,
  Severity,
  SeverityName,
  StructuredData,
} from './log-model.js';
export { errorSeverity, facilityNames, logFieldLimits, severityNames } from './log-model.js';
export type { PatternFilter, PatternPage, PatternView } from './log-patterns.js';
export { getPattern, listPatterns, mergePattern, renamePattern } from './log-patterns.js';
export type { RetentionSweep } from './log-retention.js';
export { logRetentionLimits, runLogRetention, sweepLogRetention } from './log-retention.js';
export type { LogFilter, LogHistogram, LogPage, LogRecordView } from './log-search.js';
export {
  histogramStep,
  logHistogram,
  logSearchLimits,
  parseLogQuery,
  parseSeverityFilter,
  searchLogs,
} from './log-search.js';
export type { LogIngest, LogIngestStats } from './log-store.js';
export { logIngest, logStoreLimits, openLogIngest } from './log-store.js';
export type { TailOptions, TailSubscriber } from './log-tail.js';
export { LogTail } from './log-tail.js';
export type { PatternRate, PatternRateQuery } from './pattern-rates.js';
export { patternRateLimits, patternRates } from './pattern-rates.js';
export type { LogAction } from './permissions.js';
export { canLogs, requireLogs } from './permissions.js';
export type { SpikeVerdict } from './spike-detection.js';
export { detectSpike, judgeSpike, spikeSettings } from './spike-detection.js';
// -- logs: syslog --
export type { Rfc5424Fields, SyslogParse, SyslogParseOptions, SyslogRejectReason } from './syslog-parse.js';
export {
  defaultSyslogMaxMessageBytes,
  formatRfc5424,
  isSyslogZone,
  parseSyslogFrame,
  parseSyslogMessage,
} from './syslog-parse.js';
// -- logs: mining --
export type { StoredTemplate, TemplateAssignment, TemplateMerge } from './template-miner.js';
export { TemplateMiner } from './template-miner.js';

/** Every periodic job of the logs domain (retention, pattern rates, alerts); called from serve's registerDomains. */
export function registerLogs(ctx: ServiceContext, jobs: JobScheduler): void {
  // -- logs: store (register) --
  // Every minute, on one instance: records past their age or over the size limit, and old minute counts.
  jobs.every('logs.retention', 60_000, () => runLogRetention(ctx));
  // -- logs: intelligence (register) --
  // New-pattern and spike alerts each minute, on one instance at a time (the round takes its own lock).
  jobs.every('logs.pattern-alerts', logAlertSettings.intervalMs, () => evaluateLogAlerts(ctx));
}
