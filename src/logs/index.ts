// The logs domain's face: records from syslog and HTTP, their store and search, template mining into error
// patterns, and alerts on new or spiking patterns. Each part adds its exports in its own block; registerLogs wires
// the periodic work.
import type { ServiceContext } from '../core/context.js';
import type { JobScheduler } from '../core/jobs.js';

// -- logs: mining --
export type { LineMiningOptions, LineTemplate } from './line-templates.js';
export { LineTemplateMining, maxLineLength } from './line-templates.js';
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
export type { LogAction } from './permissions.js';
export { canLogs, requireLogs } from './permissions.js';
// -- logs: syslog --
export type { SyslogParse, SyslogRejectReason } from './syslog-parse.js';
export { parseSyslogMessage } from './syslog-parse.js';
export type { StoredTemplate, TemplateAssignment, TemplateMerge } from './template-miner.js';
export { TemplateMiner } from './template-miner.js';

// -- logs: store --

// -- logs: intelligence --

/** Every periodic job of the logs domain (retention, pattern rates, alerts); called from serve's registerDomains. */
export function registerLogs(ctx: ServiceContext, jobs: JobScheduler): void {
  // -- logs: store (register) --
  // -- logs: intelligence (register) --
  void ctx;
  void jobs;
}
