// `npx tsx bench/import.ts` (or `BENCH_PARTS=import npm run bench`): `opsdesk import zammad`'s work — runImport with
// the Zammad source — moving BENCH_IMPORT_TICKETS (default 100,000) tickets with BENCH_IMPORT_COMMENTS (default 5)
// replies each (500,000 comments) from a fake Zammad in another process (generated on the fly, never stored) into
// SQLite; target ≥ 2,000 tickets/s with bounded memory. Baseline in the same run: a bare batched INSERT of the same
// tickets and comments (no HTTP, no search index, no history, no links) into another fresh database. Reported:
// tickets/s, comments/s, peak RSS of this process (sampled) and the heap after.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { actorForUser, createUser } from '../src/core/auth/index.js';
import { loadConfig } from '../src/core/config.js';
import { openContext } from '../src/core/runtime.js';
import { runImport, ZammadSource } from '../src/import/index.js';
import { generatedZammad } from '../test/support/zammad-server.js';

const tickets = Number(process.env.BENCH_IMPORT_TICKETS ?? 100_000);
const commentsPerTicket = Number(process.env.BENCH_IMPORT_COMMENTS ?? 5);

async function openSqlite() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-bench-import-'));
  const opened = await openContext(loadConfig({ OPSDESK_DATA_DIR: dataDir, OPSDESK_LOG_LEVEL: 'silent' }), {
    log: pino({ level: 'silent' }),
  });
  return {
    ctx: opened.ctx,
    close: async () => {
      await opened.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sample the process's RSS while work runs: the peak of this phase alone. */
async function withPeakRss<T>(
  work: () => Promise<T>,
): Promise<{ value: T; peakMb: number; seconds: number; cpuSeconds: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 100);
  const started = performance.now();
  const cpu = process.cpuUsage();
  try {
    const value = await work();
    const used = process.cpuUsage(cpu);
    return {
      value,
      peakMb: peak / 2 ** 20,
      seconds: (performance.now() - started) / 1000,
      // This process's CPU (the fake Zammad's is its own): on a shared machine, what the work itself cost.
      cpuSeconds: (used.user + used.system) / 1e6,
    };
  } finally {
    clearInterval(timer);
  }
}

async function startServer(): Promise<{ url: string; stop(): void }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'zammad-serve.ts')],
    {
      env: {
        ...process.env,
        BENCH_IMPORT_TICKETS: String(tickets),
        BENCH_IMPORT_COMMENTS: String(commentsPerTicket),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('exit', (code) => reject(new Error(`fake Zammad exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

async function benchImportRun(url: string) {
  const db = await openSqlite();
  try {
    const admin = await createUser(db.ctx, null, {
      email: 'admin@bench.example',
      name: 'Admin',
      role: 'admin',
    });
    const source = new ZammadSource({ url, token: 'bench-token' });
    const run = await withPeakRss(() => runImport(db.ctx, source, actorForUser(admin)));
    return { ...run, report: run.value };
  } finally {
    await db.close();
  }
}

/** The same tickets and comments as bare multi-row INSERTs, 100 tickets a transaction. */
async function benchBareInsert() {
  const db = await openSqlite();
  const data = generatedZammad(tickets, commentsPerTicket);
  try {
    const admin = await createUser(db.ctx, null, {
      email: 'admin@bench.example',
      name: 'Admin',
      role: 'admin',
    });
    return await withPeakRss(async () => {
      for (let start = 0; start < tickets; start += 100) {
        await db.ctx.db.transaction().execute(async (trx) => {
          const rows = [];
          for (let i = start; i < Math.min(tickets, start + 100); i++) {
            const t = data.ticket(i);
            rows.push({
              title: t.title,
              description: data.articles(t.id)[0]?.body ?? '',
              type: 'incident' as const,
              status: 'new' as const,
              impact: 3,
              urgency: 3,
              priority: 3,
              requester_id: admin.id,
              category_id: null,
              assignee_id: null,
              group_id: null,
              related_ticket_id: null,
              created_by: admin.id,
              created_at: Date.parse(t.created_at),
              updated_at: Date.parse(t.updated_at),
              resolved_at: null,
              closed_at: null,
              satisfaction: null,
              satisfaction_comment: null,
            });
          }
          const ids = await trx.insertInto('tickets').values(rows).returning('id').execute();
          const comments = ids.flatMap(({ id }, k) =>
            data
              .articles(start + k + 1)
              .slice(1)
              .map((a) => ({
                ticket_id: id,
                author_id: admin.id,
                body: a.body,
                internal: a.internal ? 1 : 0,
                created_at: Date.parse(a.created_at),
              })),
          );
          for (let c = 0; c < comments.length; c += 200)
            await trx
              .insertInto('comments')
              .values(comments.slice(c, c + 200))
              .execute();
        });
      }
    });
  } finally {
    await db.close();
  }
}

export async function benchImport(): Promise<void> {
  console.log(
    `\n## Import from Zammad into SQLite: ${tickets} tickets × ${commentsPerTicket} comments (fake Zammad in another process)`,
  );
  const server = await startServer();
  try {
    const imported = await benchImportRun(server.url);
    const bare = await benchBareInsert();
    const rate = (s: number) => tickets / s;
    console.log('| run | seconds | CPU s | tickets/s | comments/s | peak RSS MB | bare / this (tickets/s) |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    const row = (label: string, r: { seconds: number; cpuSeconds: number; peakMb: number }) =>
      console.log(
        `| ${label} | ${r.seconds.toFixed(1)} | ${r.cpuSeconds.toFixed(1)} | ${rate(r.seconds).toFixed(0)} | ${((tickets * commentsPerTicket) / r.seconds).toFixed(0)} | ${r.peakMb.toFixed(0)} | ${(rate(bare.seconds) / rate(r.seconds)).toFixed(2)} |`,
      );
    row('runImport (HTTP, links, history, search index, checkpoints)', imported);
    row('bare batched INSERT (baseline)', bare);
    const r = imported.report;
    console.log(
      `imported: ${r.tickets.created} tickets, ${r.comments} comments, ${r.people.created} people, ${r.groups.created} groups; ` +
        `target ≥ 2,000 tickets/s: ${rate(imported.seconds) >= 2000 ? 'met' : 'NOT met'}`,
    );
  } finally {
    server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchImport();
