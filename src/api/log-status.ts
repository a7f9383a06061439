// What /metrics reports of the logs' ingest: records in by source, refusals by source and reason (the syslog
// listener's and the HTTP endpoint's counted reasons), and what the store committed or failed to.
import type { ServiceContext } from '../core/context.js';
import type { SyslogListener } from '../ingest/syslog.js';
import { httpLogIngestStats, logIngest } from '../logs/index.js';
import type { LogIngestStatus } from './metrics.js';

export function logIngestStatus(ctx: ServiceContext, syslog: SyslogListener | null): LogIngestStatus {
  const http = httpLogIngestStats(ctx);
  const store = logIngest(ctx).stats();
  const received: Record<string, number> = { http: http.accepted };
  const rejected: LogIngestStatus['rejected'] = Object.entries(http.rejected).map(([reason, count]) => ({
    source: 'http',
    reason,
    count,
  }));
  if (syslog) {
    const s = syslog.stats();
    received.syslog = s.accepted;
    for (const [reason, count] of Object.entries(s.rejected))
      rejected.push({ source: 'syslog', reason, count });
    rejected.push(
      { source: 'syslog', reason: 'truncated', count: s.truncated },
      { source: 'syslog', reason: 'framing_error', count: s.framingErrors },
      { source: 'syslog', reason: 'connection_refused', count: s.connectionsRefused },
      { source: 'syslog', reason: 'idle_timeout', count: s.idleTimeouts },
      { source: 'syslog', reason: 'tls_error', count: s.tlsErrors },
      { source: 'syslog', reason: 'tls_client_refused', count: s.tlsClientRefused },
      { source: 'syslog', reason: 'udp_dropped', count: s.udpDropped },
    );
  }
  return {
    received,
    rejected,
    stored: store.appended,
    storeFailed: store.failedRecords,
    syslogConnectionsOpen: syslog?.stats().connectionsOpen ?? 0,
  };
}
