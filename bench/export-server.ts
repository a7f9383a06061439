// The server side of the CSV export benchmark, in its own process so that its memory is the service's alone:
// the real app (buildApp over the seeded SQLite file or PostgreSQL schema, as `opsdesk serve` builds it, without
// the background jobs, which would measure other work) listening on a loopback port. It reports {port} over IPC,
// samples its own memory every 10 ms (RSS and V8 heap used), and answers:
//   reset   forget the peaks and the CPU time (answers at once)   stats   the peaks, current figures, CPU µs
//   baseline  read the same tickets in keyset pages of 1,000 straight from the database, unformatted, and
//             answer {rows, seconds}: the floor the export is compared with, in the same process
//   stop    close and exit
// Arguments: sqlite DATA_DIR | postgres URL SCHEMA
import pino from 'pino';
import { buildApp } from '../src/api/app.js';
import { loadConfig } from '../src/core/config.js';
import { openContext } from '../src/core/runtime.js';

const [dialect, where, pgSchema] = process.argv.slice(2) as ['sqlite' | 'postgres', string, string?];

interface Peaks {
  rss: number;
  heapUsed: number;
}
let peaks: Peaks = { rss: 0, heapUsed: 0 };
// CPU time (user + system) since the last reset: on a shared machine, rows per CPU-second are steadier than rows/s.
let cpuFrom = process.cpuUsage();
const sample = () => {
  const m = process.memoryUsage();
  peaks = { rss: Math.max(peaks.rss, m.rss), heapUsed: Math.max(peaks.heapUsed, m.heapUsed) };
};
setInterval(sample, 10).unref();

const config = loadConfig(
  dialect === 'sqlite'
    ? { OPSDESK_DATA_DIR: where, OPSDESK_LOG_LEVEL: 'silent', OPSDESK_SMTP_ENABLED: '0' }
    : {
        OPSDESK_DATA_DIR: '/tmp',
        OPSDESK_LOG_LEVEL: 'silent',
        OPSDESK_SMTP_ENABLED: '0',
        DATABASE_URL: where,
      },
);
const opened = await openContext(config, { log: pino({ level: 'silent' }), pgSchema });
const app = await buildApp(opened.ctx);
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (!address || typeof address !== 'object') throw new Error('not listening');

/** The rows a default export lists (every ticket, newest first), read in keyset pages with no joins or text. */
async function baseline(): Promise<{ rows: number; seconds: number }> {
  const db = opened.ctx.db;
  const started = performance.now();
  let rows = 0;
  let before: number | null = null;
  for (;;) {
    let q = db
      .selectFrom('tickets')
      .select(['id', 'title', 'status', 'priority', 'assignee_id', 'group_id', 'updated_at'])
      .orderBy('id', 'desc')
      .limit(1000);
    if (before !== null) q = q.where('id', '<', before);
    const page = await q.execute();
    rows += page.length;
    if (page.length < 1000) break;
    before = page[page.length - 1].id;
  }
  return { rows, seconds: (performance.now() - started) / 1000 };
}

const send = (m: unknown) => process.send?.(m);
send({ type: 'ready', port: address.port });
process.on('message', async (m: { type: string }) => {
  if (m.type === 'reset') {
    peaks = { rss: 0, heapUsed: 0 };
    cpuFrom = process.cpuUsage();
    sample();
    send({ type: 'reset' });
  } else if (m.type === 'stats') {
    sample();
    const now = process.memoryUsage();
    const cpu = process.cpuUsage(cpuFrom);
    send({ type: 'stats', peaks, rss: now.rss, heapUsed: now.heapUsed, cpuUs: cpu.user + cpu.system });
  } else if (m.type === 'baseline') {
    send({ type: 'baseline', ...(await baseline()) });
  } else if (m.type === 'stop') {
    await app.close();
    await opened.close();
    process.exit(0);
  }
});
