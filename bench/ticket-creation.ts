// Ticket creation over HTTP: 50 concurrent clients against a real listening server, beside two ceilings
// measured in the same run — a bare Fastify route, and a bare route doing a ticket's inserts straight on
// the driver. The server runs in a child process; its RSS is sampled there.
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { makeCorpus, prng, ticketText } from './corpus.js';

export interface CreationResult {
  label: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
  peakRssMb: number;
  /** Server CPU (user + system) per request, µs. */
  cpuUsPerRequest: number;
}

interface Child {
  port: number;
  token: string;
  stats(): Promise<{ peakRss: number; rss: number; cpuUs: number }>;
  resetPeak(): void;
  stop(): Promise<void>;
}

// `npm run bench` runs the compiled JavaScript with plain node (dist-bench/, tsconfig.bench.json), so the
// server's RSS is what `npm start` would use; `tsx bench/run.ts` still works and forks the server under tsx.
const compiled = import.meta.url.endsWith('.js');
const serverFile = fileURLToPath(new URL(`./create-server.${compiled ? 'js' : 'ts'}`, import.meta.url));

async function startServer(args: string[]): Promise<Child> {
  const child = fork(serverFile, args, {
    execArgv: [
      ...(compiled ? [] : ['--import', 'tsx']),
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<{ port: number; token: string }>((resolve, reject) => {
    child.once('message', (m: { type: string; port: number; token: string }) => resolve(m));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return {
    ...ready,
    resetPeak: () => child.send({ type: 'reset-peak' }),
    stats: () =>
      new Promise((resolve) => {
        child.once('message', (m: { peakRss: number; rss: number; cpuUs: number }) => resolve(m));
        child.send({ type: 'stats' });
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      }),
  };
}

function bodies(n: number): string[] {
  const corpus = makeCorpus(7);
  const rand = prng(99);
  return Array.from({ length: n }, () => {
    const { title, description } = ticketText(corpus, rand);
    return JSON.stringify({
      title,
      description,
      type: 'incident',
      impact: 1 + Math.floor(rand() * 5),
      urgency: 1 + Math.floor(rand() * 5),
    });
  });
}

async function load(label: string, child: Child, seconds: number): Promise<CreationResult> {
  const payloads = bodies(512);
  let i = 0;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (child.token !== 'none') headers.authorization = `Bearer ${child.token}`;
  // A short warm-up (JIT, caches, connection pool), then the measured run.
  const opts = {
    url: `http://127.0.0.1:${child.port}`,
    connections: 50,
    requests: [
      {
        method: 'POST' as const,
        path: '/api/v1/tickets',
        headers,
        setupRequest: (r: autocannon.Request) => ({ ...r, body: payloads[i++ % payloads.length] }),
      },
    ],
  };
  await autocannon({ ...opts, duration: Math.min(2, seconds) });
  child.resetPeak();
  const r = await autocannon({ ...opts, duration: seconds });
  const s = await child.stats();
  return {
    label,
    requestsPerSecond: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    total: r.requests.total,
    peakRssMb: s.peakRss / 1024 / 1024,
    cpuUsPerRequest: s.cpuUs / Math.max(1, r.requests.total),
  };
}

export async function benchTicketCreation(
  dialect: 'sqlite' | 'postgres',
  pgUrl: string,
  seconds: number,
): Promise<CreationResult[]> {
  const out: CreationResult[] = [];
  const run = async (mode: string, label: string) => {
    const schema = dialect === 'postgres' && mode !== 'bare' ? `bench_${randomBytes(5).toString('hex')}` : '';
    const child = await startServer([mode, dialect, pgUrl, schema]);
    try {
      out.push(await load(label, child, seconds));
    } finally {
      await child.stop();
      if (schema) {
        const c = new pg.Client({ connectionString: pgUrl });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await c.end();
      }
    }
  };
  await run('app', `opsdesk POST /api/v1/tickets (${dialect})`);
  await run('bare', 'ceiling a: bare Fastify {ok:true}');
  await run('bare-inserts', `ceiling b: bare route + ticket inserts (${dialect})`);
  return out;
}
