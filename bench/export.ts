// CSV export of a large queue: GET /api/v1/tickets/export.csv of every ticket (the queue's default columns) from a
// server forked into its own process (bench/export-server.ts: the real app over the seeded database), read over a
// real port by this process as it arrives. Reports rows/s and the server's peak RSS — its kernel high-water mark
// (/proc/PID/status VmHWM, reset through /proc/PID/clear_refs before each run) and its own samples every 10 ms,
// with the V8 heap used beside it — and its RSS when idle. The baseline is measured in the same server in the same
// run: the same tickets read in keyset pages of 1,000 straight from the database, without the list's visibility
// rule, the names' joins, the SLA clocks or any formatting. Target: ≥ 50,000 rows/s at ≤ 150 MB RSS.
// Runs from bench/run.ts (BENCH_PARTS=export) or alone: `npx tsx bench/export.ts`.
// Environment: BENCH_EXPORT_ROWS=1000000 (tickets seeded, cached under bench/.cache/ and in PostgreSQL schema
// opsdesk_bench_v1_<rows>), BENCH_DIALECTS=sqlite,postgres, BENCH_EXPORT_QUERY (query string of the export, e.g.
// `sort=-updated&columns=id,title,tags`), BENCH_EXPORT_SERVER_FLAGS (node flags for the server), BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchTokens, openPostgresSeed, openSqliteSeed, sqliteSeedDir } from './seed.js';

const rows = Number(process.env.BENCH_EXPORT_ROWS ?? 1_000_000);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const exportQuery = process.env.BENCH_EXPORT_QUERY ?? '';
/** Node flags for the server, e.g. `--max-old-space-size=128` (V8 otherwise lets garbage grow the heap first). */
const serverFlags = (process.env.BENCH_EXPORT_SERVER_FLAGS ?? '').split(' ').filter(Boolean);

// `npm run bench` runs compiled JavaScript with plain node, so the server's RSS is what `npm start` would use;
// under tsx the server is forked under tsx (its RSS then includes the compiler).
const compiled = import.meta.url.endsWith('.js');
const serverFile = fileURLToPath(new URL(`./export-server.${compiled ? 'js' : 'ts'}`, import.meta.url));

const mb = (bytes: number) => bytes / 1_048_576;

interface Peaks {
  rss: number;
  heapUsed: number;
}

interface Server {
  pid: number;
  port: number;
  request<T>(type: string): Promise<T>;
  stop(): Promise<void>;
}

async function startServer(args: string[]): Promise<Server> {
  const child = fork(serverFile, args, {
    execArgv: [...(compiled ? [] : ['--import', 'tsx']), ...serverFlags],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ port: number }>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m));
    child.once('exit', (code) => reject(new Error(`export server exited with ${code}`)));
  });
  return {
    pid: child.pid as number,
    port: ready.port,
    request: <T>(type: string) =>
      new Promise<T>((resolve) => {
        child.once('message', (m: T) => resolve(m));
        child.send({ type });
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      }),
  };
}

/** A field of /proc/PID/status in bytes (VmRSS, VmHWM), or null off Linux. */
function procStatus(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const m = fs
      .readFileSync(`/proc/${pid}/status`, 'utf8')
      .match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * The server's peak RSS while `work` runs: the kernel's high-water mark, reset first (writing 5 to clear_refs),
 * and the most of VmRSS sampled every 20 ms from here — each a check on the other; the larger is reported.
 */
async function measure<T>(
  server: Server,
  work: () => Promise<T>,
): Promise<{ value: T; seconds: number; peakRss: number; peakHeap: number; cpuSeconds: number }> {
  let hwmReset = true;
  try {
    fs.writeFileSync(`/proc/${server.pid}/clear_refs`, '5');
  } catch {
    hwmReset = false;
  }
  await server.request('reset');
  let sampled = procStatus(server.pid, 'VmRSS') ?? 0;
  const timer = setInterval(() => {
    sampled = Math.max(sampled, procStatus(server.pid, 'VmRSS') ?? 0);
  }, 20);
  const started = performance.now();
  try {
    const value = await work();
    const seconds = (performance.now() - started) / 1000;
    const stats = await server.request<{ peaks: Peaks; cpuUs: number }>('stats');
    const hwm = hwmReset ? (procStatus(server.pid, 'VmHWM') ?? 0) : 0;
    return {
      value,
      seconds,
      peakRss: Math.max(sampled, hwm, stats.peaks.rss),
      peakHeap: stats.peaks.heapUsed,
      cpuSeconds: stats.cpuUs / 1e6,
    };
  } finally {
    clearInterval(timer);
  }
}

interface Run {
  label: string;
  rows: number;
  seconds: number;
  bytes: number;
  peakRss: number;
  peakHeap: number;
  /** The server's CPU time (user + system) during the run. */
  cpuSeconds: number;
}

async function exportOverHttp(server: Server): Promise<Run> {
  const url = `http://127.0.0.1:${server.port}/api/v1/tickets/export.csv${exportQuery ? `?${exportQuery}` : ''}`;
  const m = await measure(server, async () => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${benchTokens.technician}` } });
    if (res.status !== 200) throw new Error(`export: ${res.status} ${await res.text()}`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let bytes = 0;
    let lines = 0;
    for (;;) {
      const { done, value: chunk } = await reader.read();
      if (done) break;
      bytes += chunk.byteLength;
      // One LF per record: the seeded titles hold no line breaks.
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
    }
    return { bytes, rows: lines - 1 };
  });
  return {
    label: `GET /api/v1/tickets/export.csv${exportQuery ? `?${exportQuery}` : ' (default columns)'}, over HTTP`,
    rows: m.value.rows,
    seconds: m.seconds,
    bytes: m.value.bytes,
    peakRss: m.peakRss,
    peakHeap: m.peakHeap,
    cpuSeconds: m.cpuSeconds,
  };
}

async function baseline(server: Server): Promise<Run> {
  const m = await measure(server, () => server.request<{ rows: number; seconds: number }>('baseline'));
  return {
    label: 'baseline: the same tickets in keyset pages of 1,000, unformatted, in the server',
    rows: m.value.rows,
    seconds: m.value.seconds,
    bytes: 0,
    peakRss: m.peakRss,
    peakHeap: m.peakHeap,
    cpuSeconds: m.cpuSeconds,
  };
}

export async function benchExport(): Promise<void> {
  for (const dialect of dialects) {
    // Seed (or find the cache) here, then let the server open the database in its own process.
    let args: string[];
    if (dialect === 'sqlite') {
      await (await openSqliteSeed(rows)).close();
      args = ['sqlite', sqliteSeedDir(rows)];
    } else {
      const { opened, schema } = await openPostgresSeed(rows, pgUrl);
      await opened.close();
      args = ['postgres', pgUrl, schema];
    }
    const server = await startServer(args);
    try {
      // Warm the route (its schemas compile on first use), then let the heap settle.
      await (
        await fetch(`http://127.0.0.1:${server.port}/api/v1/tickets/export.csv?status=new&columns=id`, {
          headers: { authorization: `Bearer ${benchTokens.technician}` },
        })
      ).text();
      await new Promise((r) => setTimeout(r, 500));
      const idle = procStatus(server.pid, 'VmRSS') ?? (await server.request<{ rss: number }>('stats')).rss;
      const [load1] = os.loadavg();
      console.log(
        `\n## CSV export of ${rows.toLocaleString('en')} tickets, ${dialect} (server in its own process${compiled ? ', plain node' : ', under tsx'}${serverFlags.length ? ` ${serverFlags.join(' ')}` : ''}; load average ${load1.toFixed(1)} on ${os.cpus().length} cores)`,
      );
      const runs = [await baseline(server), await exportOverHttp(server)];
      console.log(
        '| run | rows | seconds | rows/s | server CPU s | rows per server CPU-s | MB sent | server peak RSS MB | server peak heap used MB |',
      );
      console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
      for (const r of runs) {
        console.log(
          `| ${r.label} | ${r.rows.toLocaleString('en')} | ${r.seconds.toFixed(1)} | ${Math.round(r.rows / r.seconds).toLocaleString('en')} | ${r.cpuSeconds.toFixed(1)} | ${Math.round(r.rows / r.cpuSeconds).toLocaleString('en')} | ${(r.bytes / 1e6).toFixed(0)} | ${mb(r.peakRss).toFixed(0)} | ${mb(r.peakHeap).toFixed(0)} |`,
        );
      }
      const [base, exp] = runs;
      const rate = exp.rows / exp.seconds;
      console.log(
        `server RSS idle before the runs: ${mb(idle).toFixed(0)} MB; the export added ${mb(exp.peakRss - idle).toFixed(0)} MB`,
      );
      console.log(
        `export / baseline: rows/s ${(rate / (base.rows / base.seconds)).toFixed(2)}, rows per server CPU-s ${(exp.rows / exp.cpuSeconds / (base.rows / base.cpuSeconds)).toFixed(2)}; target ≥ 50,000 rows/s at ≤ 150 MB RSS: ${rate >= 50_000 ? 'met' : 'NOT met'} (rows/s), ${mb(exp.peakRss) <= 150 ? 'met' : 'NOT met'} (RSS)`,
      );
      if (exp.rows !== rows && !exportQuery)
        console.log(`warning: the export held ${exp.rows} rows, not ${rows}`);
    } finally {
      await server.stop();
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchExport();
