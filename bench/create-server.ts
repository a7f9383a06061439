// The server side of the ticket-creation benchmark, run in its own process so that its RSS is the
// service's alone and the load generator does not share its event loop. Modes:
//   app          the real service: buildApp over SQLite or PostgreSQL, POST /api/v1/tickets
//   bare         a bare Fastify route returning {ok:true} (the HTTP ceiling)
//   bare-inserts a bare Fastify route doing one ticket's inserts in one transaction straight on the driver
// It reports {port, token} to the parent over IPC, then answers 'stats' with its peak and current RSS.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import pg from 'pg';
import pino from 'pino';
import { buildApp } from '../src/api/app.js';
import { registerDomains } from '../src/cli/serve.js';
import { createUser } from '../src/core/auth/index.js';
import { loadConfig } from '../src/core/config.js';
import { JobScheduler } from '../src/core/jobs.js';
import { openContext, sqliteFileOf } from '../src/core/runtime.js';
import { startMailChannel } from '../src/ingest/mail-channel.js';

type Mode = 'app' | 'bare' | 'bare-inserts';
const mode = process.argv[2] as Mode;
const dialect = process.argv[3] as 'sqlite' | 'postgres';
const pgUrl = process.argv[4] ?? '';
const pgSchema = process.argv[5] ?? '';

let peakRss = process.memoryUsage().rss;
// Server CPU time (user + system) since the last reset: per request, it is steadier than req/s on a
// shared machine, where other work takes the cores in turns.
let cpuFrom = process.cpuUsage();
let atPeak = process.memoryUsage();
setInterval(() => {
  const m = process.memoryUsage();
  if (m.rss > peakRss) {
    peakRss = m.rss;
    atPeak = m;
  }
}, 100).unref();
// Where the peak went (V8 heap against the rest: code, SQLite's page cache, buffers), on stderr at exit.
process.on('exit', () => {
  const mb = (n: number) => (n / 1048576).toFixed(0);
  console.error(
    `  [${mode}] at peak RSS ${mb(atPeak.rss)} MB: V8 heap ${mb(atPeak.heapTotal)} MB (${mb(atPeak.heapUsed)} used), external ${mb(atPeak.external)} MB`,
  );
});

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-bench-'));
const config = loadConfig({
  OPSDESK_DATA_DIR: dataDir,
  OPSDESK_LOG_LEVEL: 'silent',
  OPSDESK_SMTP_ENABLED: '0',
  ...(dialect === 'postgres' ? { DATABASE_URL: pgUrl } : {}),
});

async function start(): Promise<{ port: number; token: string; close: () => Promise<void> }> {
  if (mode === 'bare') {
    const app = Fastify({ logger: false });
    app.post('/api/v1/tickets', async () => ({ ok: true }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    return { port: portOf(app.server.address()), token: 'none', close: () => app.close() };
  }
  const opened = await openContext(config, {
    log: pino({ level: 'silent' }),
    pgSchema: pgSchema || undefined,
  });
  if (mode === 'app') {
    await createUser(opened.ctx, null, {
      email: 'bench@example.test',
      name: 'Bench Requester',
      role: 'requester',
      password: 'bench-password-1',
    });
    // What `opsdesk serve` subscribes to the outbox (src/cli/serve.ts): webhooks, SLA clocks, mail out
    // (outbound SMTP not configured, as on a fresh install), besides the live stream buildApp adds.
    const app = await buildApp(opened.ctx);
    const jobs = new JobScheduler(opened.ctx.log);
    registerDomains(opened.ctx, jobs);
    const stopMail = await startMailChannel(opened.ctx, jobs);
    jobs.start();
    await app.listen({ host: '127.0.0.1', port: 0 });
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'bench@example.test', password: 'bench-password-1' },
    });
    if (res.statusCode !== 200) throw new Error(`login failed: ${res.body}`);
    return {
      port: portOf(app.server.address()),
      token: res.json().token,
      close: async () => {
        await stopMail();
        await app.close();
        await jobs.stop();
        await opened.close();
      },
    };
  }
  // bare-inserts: the schema comes from the migrations; the work is raw driver calls.
  const user = await createUser(opened.ctx, null, {
    email: 'bench@example.test',
    name: 'Bench Requester',
    role: 'requester',
  });
  await opened.close();
  const app = Fastify({ logger: false });
  let closeDb: () => Promise<void>;
  if (dialect === 'sqlite') {
    const { default: Sqlite } = await import('better-sqlite3');
    const db = new Sqlite(sqliteFileOf(config));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    const insTicket = db.prepare(
      `INSERT INTO tickets (title, description, type, status, impact, urgency, priority, requester_id, created_by, created_at, updated_at)
       VALUES (?, ?, 'incident', 'new', ?, ?, 3, ?, ?, ?, ?) RETURNING *`,
    );
    const insHistory = db.prepare(
      `INSERT INTO ticket_history (ticket_id, actor_id, at, field, from_value, to_value) VALUES (?, ?, ?, 'created', NULL, 'new')`,
    );
    const insOutbox = db.prepare(
      `INSERT INTO outbox (type, subject_type, subject_id, actor_id, payload, created_at) VALUES ('ticket.created', 'ticket', ?, ?, ?, ?)`,
    );
    const insFts = db.prepare('INSERT INTO ticket_fts (rowid, title, description) VALUES (?, ?, ?)');
    const create = db.transaction(
      (b: { title: string; description: string; impact: number; urgency: number }) => {
        const now = Date.now();
        const row = insTicket.get(
          b.title,
          b.description,
          b.impact,
          b.urgency,
          user.id,
          user.id,
          now,
          now,
        ) as { id: number };
        insFts.run(row.id, b.title, b.description);
        insHistory.run(row.id, user.id, now);
        insOutbox.run(
          String(row.id),
          user.id,
          JSON.stringify({ ticket: { id: row.id, title: b.title } }),
          now,
        );
        return row;
      },
    );
    app.post('/api/v1/tickets', async (request, reply) =>
      reply.code(201).send(create(request.body as never)),
    );
    closeDb = async () => void db.close();
  } else {
    const pool = new pg.Pool({ connectionString: pgUrl, max: 10, options: `-c search_path=${pgSchema}` });
    app.post('/api/v1/tickets', async (request, reply) => {
      const b = request.body as { title: string; description: string; impact: number; urgency: number };
      const c = await pool.connect();
      try {
        const now = Date.now();
        await c.query('BEGIN');
        const { rows } = await c.query({
          name: 'ins_ticket',
          text: `INSERT INTO tickets (title, description, type, status, impact, urgency, priority, requester_id, created_by, created_at, updated_at)
                 VALUES ($1, $2, 'incident', 'new', $3, $4, 3, $5, $5, $6, $6) RETURNING *`,
          values: [b.title, b.description, b.impact, b.urgency, user.id, now],
        });
        const id = rows[0].id;
        await c.query({
          name: 'ins_hist',
          text: `INSERT INTO ticket_history (ticket_id, actor_id, at, field, from_value, to_value) VALUES ($1, $2, $3, 'created', NULL, 'new')`,
          values: [id, user.id, now],
        });
        await c.query({
          name: 'ins_outbox',
          text: `INSERT INTO outbox (type, subject_type, subject_id, actor_id, payload, created_at) VALUES ('ticket.created', 'ticket', $1, $2, $3, $4)`,
          values: [String(id), user.id, JSON.stringify({ ticket: { id, title: b.title } }), now],
        });
        await c.query('COMMIT');
        return reply.code(201).send(rows[0]);
      } catch (err) {
        await c.query('ROLLBACK');
        throw err;
      } finally {
        c.release();
      }
    });
    closeDb = () => pool.end();
  }
  await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    port: portOf(app.server.address()),
    token: 'none',
    close: async () => {
      await app.close();
      await closeDb();
    },
  };
}

function portOf(address: ReturnType<import('node:net').Server['address']>): number {
  if (address && typeof address === 'object') return address.port;
  throw new Error('not listening');
}

const server = await start();
const send = (m: unknown) => process.send?.(m);
send({ type: 'ready', port: server.port, token: server.token });
process.on('message', async (m: { type: string }) => {
  if (m.type === 'reset-peak') {
    peakRss = process.memoryUsage().rss;
    cpuFrom = process.cpuUsage();
  } else if (m.type === 'stats') {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const cpu = process.cpuUsage(cpuFrom);
    send({ type: 'stats', peakRss, rss: process.memoryUsage().rss, cpuUs: cpu.user + cpu.system });
  } else if (m.type === 'stop') {
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  }
});
