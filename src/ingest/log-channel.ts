// Starts the logs' listener for `opsdesk serve`: the syslog listener (UDP, TCP and, with a certificate, TLS)
// writing into the context's log writer, which the HTTP endpoint POST /api/v1/logs shares. Lives in ingest/
// because it opens network listeners; the store, mining and alerts are the logs domain's (registerLogs).
import type { ServiceContext } from '../core/context.js';
import { logIngest } from '../logs/index.js';
import { type SyslogListener, startSyslogListener } from './syslog.js';

/** Stops the listener and writes what is queued; carries the listener (its ports and counters). */
export type LogStop = (() => Promise<void>) & { syslog: SyslogListener | null };

/** Start the syslog listener unless OPSDESK_SYSLOG_ENABLED=0. Returns the function that stops it. */
export async function startLogChannel(ctx: ServiceContext): Promise<LogStop> {
  const ingest = logIngest(ctx);
  const syslog = ctx.config.syslogEnabled ? await startSyslogListener(ctx, ingest) : null;
  const stop = async () => {
    await syslog?.close(); // waits for its records to reach the writer
    await ingest.close(); // and the writer for its last batch
  };
  return Object.assign(stop, { syslog });
}
