// The logs domain's face: records from syslog and HTTP, their store and search, template mining into error
// patterns, and alerts on new or spiking patterns. Each part adds its exports in its own block; registerLogs wires
// the periodic work.
import type { ServiceContext } from '../core/context.js';
import type { JobScheduler } from '../core/jobs.js';
import { evaluateLogAlerts, logAlertSettings } from './log-alerts.js';

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
export type { LogAction } from './permissions.js';
export { canLogs, requireLogs } from './permissions.js';
// -- logs: syslog --
export type { SyslogParse, SyslogRejectReason } from './syslog-parse.js';
export { parseSyslogMessage } from './syslog-parse.js';
// -- logs: mining --
export type { StoredTemplate, TemplateAssignment } from './template-miner.js';
export { TemplateMiner } from './template-miner.js';

// -- logs: store --

export type { LogAlertRound } from './log-alerts.js';
export { evaluateLogAlerts, logAlertSettings } from './log-alerts.js';
// -- logs: intelligence --
export type { LogContext, LogContextHost, LogContextPattern } from './log-context.js';
export { logContextForIncident, logContextForTicket, logContextSettings } from './log-context.js';
export type { PatternRate, PatternRateQuery } from './pattern-rates.js';
export { patternRateLimits, patternRates } from './pattern-rates.js';
export type { SpikeVerdict } from './spike-detection.js';
export { detectSpike, judgeSpike, spikeSettings } from './spike-detection.js';

/** Every periodic job of the logs domain (retention, pattern rates, alerts); called from serve's registerDomains. */
export function registerLogs(ctx: ServiceContext, jobs: JobScheduler): void {
  // -- logs: store (register) --
  // -- logs: intelligence (register) --
  // New-pattern and spike alerts each minute, on one instance at a time (the round takes its own lock).
  jobs.every('logs.pattern-alerts', logAlertSettings.intervalMs, () => evaluateLogAlerts(ctx));
  void ctx;
  void jobs;
}
