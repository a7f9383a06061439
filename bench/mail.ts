// Inbound mail → ticket latency: a real SMTP client (nodemailer, one kept-open connection) sends new mails to
// the listener; the time to the listener's 250 is the time to a stored, processed mail and a created ticket
// (the listener answers only after both). Beside it, a baseline measured in the same run: the bare
// createTicket call the pipeline ends in. `npx tsx bench/mail.ts` — BENCH_MAILS=300, BENCH_DIALECTS=sqlite,postgres
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import pg from 'pg';
import pino from 'pino';
import { createUser, systemActor } from '../src/core/auth/index.js';
import { loadConfig } from '../src/core/config.js';
import { openContext } from '../src/core/runtime.js';
import { createTicket } from '../src/helpdesk/index.js';
import { startSmtpListener } from '../src/ingest/smtp.js';

const count = Number(process.env.BENCH_MAILS ?? 300);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',');
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

interface Row {
  label: string;
  p50: number;
  p99: number;
  mean: number;
}

function summarise(label: string, ms: number[]): Row {
  const s = [...ms].sort((a, b) => a - b);
  return {
    label,
    p50: quantile(s, 0.5),
    p99: quantile(s, 0.99),
    mean: ms.reduce((a, b) => a + b, 0) / ms.length,
  };
}

async function benchDialect(dialect: string): Promise<Row[]> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-bench-mail-'));
  const schema = dialect === 'postgres' ? `bench_mail_${randomBytes(4).toString('hex')}` : undefined;
  const config = loadConfig({
    OPSDESK_DATA_DIR: dataDir,
    OPSDESK_LOG_LEVEL: 'silent',
    OPSDESK_SMTP_PORT: '0',
    OPSDESK_MAIL_SENDER_MAX_PER_HOUR: '100000',
    OPSDESK_MAIL_ALLOWED_DOMAINS: 'example.test',
    ...(dialect === 'postgres' ? { DATABASE_URL: pgUrl } : {}),
  });
  const opened = await openContext(config, { log: pino({ level: 'silent' }), pgSchema: schema });
  const { ctx } = opened;
  const listener = await startSmtpListener(ctx);
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: listener.port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: 1,
  });
  const requester = await createUser(ctx, null, {
    email: 'bench-requester@example.test',
    name: 'Bench',
    role: 'requester',
  });
  const actor = {
    ...systemActor(requester.id),
    role: 'requester' as const,
    email: requester.email,
    name: 'Bench',
  };
  try {
    const send = (i: number) =>
      transport.sendMail({
        from: `Sender ${((i % 50) + 50) % 50} <sender${((i % 50) + 50) % 50}@example.test>`,
        to: 'helpdesk@opsdesk.local',
        subject: `Printer ${i} on floor ${i % 7} jams`,
        text: `The printer jams on every second page since the update. Case ${i}.\n\nRegards`,
      });
    for (let i = 0; i < 30; i++) await send(-1 - i); // warm-up: JIT, statement cache, new senders' accounts
    const mailMs: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const info = await send(i);
      mailMs.push(performance.now() - t0);
      if (!/ticket_created/.test(info.response)) throw new Error(`unexpected answer: ${info.response}`);
    }
    for (let i = 0; i < 30; i++) await createTicket(ctx, actor, { title: `warm ${i}`, description: 'x' });
    const baseMs: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await createTicket(ctx, actor, {
        title: `Printer ${i} jams`,
        description: `The printer jams. Case ${i}.`,
      });
      baseMs.push(performance.now() - t0);
    }
    return [
      summarise(`SMTP mail → ticket (${dialect})`, mailMs),
      summarise(`createTicket alone (${dialect})`, baseMs),
    ];
  } finally {
    transport.close();
    await listener.close();
    await opened.close();
    if (schema) {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(
  `opsdesk mail bench — ${new Date().toISOString()} — node ${process.version}, ${os.cpus().length} cores; ${count} mails per dialect, sequential`,
);
console.log('| run | p50 ms | p99 ms | mean ms | mail / createTicket (p50) |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const dialect of dialects) {
  const [mail, base] = await benchDialect(dialect);
  for (const r of [mail, base]) {
    console.log(
      `| ${r.label} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.mean.toFixed(2)} | ${(mail.p50 / r.p50).toFixed(2)} |`,
    );
  }
}
