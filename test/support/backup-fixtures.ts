// What the backup tests share: the `opsdesk` command as a process, the data a backup must carry (tickets with
// attachments, written one after another as the service's load), and every table of a database, row by row, to
// compare a restored instance with its source on SQLite and PostgreSQL.
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { expect } from 'vitest';
import { archiveFormat, archiveFormatVersion, attachmentSources } from '../../src/cli/backup-archive.js';
import { type Actor, actorForUser } from '../../src/core/auth/index.js';
import { demoAccounts } from '../../src/demo/index.js';
import { addAttachment, createTicket } from '../../src/helpdesk/index.js';
import type { TestContext } from './context.js';

export const root = path.resolve(import.meta.dirname, '../..');
export const main = path.join(root, 'src/cli/main.ts');
export const now = Date.parse('2026-11-24T15:30:00Z');

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function opsdesk(args: string[], env: Record<string, string>): Promise<Outcome> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, OPSDESK_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-backups-'));
/**
 * A fresh folder under this worker's temporary folder (removed by `removeScratch`). Test files share their worker's
 * modules (vitest's isolate: false), so a file after one that removed the folder makes it again.
 */
export const scratch = (name: string) => {
  fs.mkdirSync(tmpRoot, { recursive: true });
  return fs.mkdtempSync(path.join(tmpRoot, `${name}-`));
};
export const removeScratch = () => fs.rmSync(tmpRoot, { recursive: true, force: true });

// -- what the data holds --

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A file a ticket can carry: text, or a PNG (its signature, then random bytes). */
export function someFile(i: number): { filename: string; contentType: string; bytes: Buffer } {
  if (i % 2 === 0)
    return {
      filename: `note-${i}.txt`,
      contentType: 'text/plain',
      bytes: Buffer.from(`note ${i}\n`.repeat(1 + i * 37)),
    };
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return {
    filename: `screen-${i}.png`,
    contentType: 'image/png',
    bytes: Buffer.concat([png, randomBytes(i === 1 ? 1_048_576 : 2_000 + i * 500)]),
  };
}

export async function fileTicket(
  t: TestContext,
  actor: Actor,
  i: number,
): Promise<{ ticketId: number; sha256: string }> {
  const ticket = await createTicket(t.ctx, actor, {
    title: `Printer ${i} jams`,
    description: `Ticket ${i} for the backup`,
  });
  const file = someFile(i);
  const attachment = await addAttachment(t.ctx, actor, ticket.id, {
    filename: file.filename,
    contentType: file.contentType,
    stream: Readable.from([file.bytes]),
  });
  return { ticketId: ticket.id, sha256: attachment.sha256 };
}

export async function requesterActor(t: TestContext): Promise<Actor> {
  const email = demoAccounts.find((a) => a.role === 'requester')?.email ?? '';
  const user = await t.ctx.db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return actorForUser({ ...user, groupIds: [] });
}

/** Tickets with attachments, written one after another until stopped: the service's load during a backup. */
export async function keepWriting(t: TestContext, actor: Actor, from: number) {
  const acknowledged: { ticketId: number; sha256: string }[] = [];
  let stop = false;
  const done = (async () => {
    for (let i = from; !stop; i++) acknowledged.push(await fileTicket(t, actor, i));
  })();
  // Under way before the backup starts: these writes were acknowledged before it, so the backup must hold them.
  while (acknowledged.length < 3) await new Promise((r) => setTimeout(r, 5));
  return {
    acknowledged,
    stop: async () => {
      stop = true;
      await done;
    },
  };
}

/** Every stored file of a data folder, by member name, with its bytes' SHA-256. */
export function attachmentFiles(dataDir: string): Map<string, string> {
  return new Map(attachmentSources(dataDir).map((s) => [s.name, sha256(fs.readFileSync(s.file))]));
}

// -- every table, row by row --

export type Tables = Map<string, { rows: number; digest: string; sorted: string[] }>;

export function serialise(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_k, v) =>
    Buffer.isBuffer(v) ? `bytes:${v.toString('hex')}` : v instanceof Date ? `date:${v.toISOString()}` : v,
  );
}

export function tableSummary(rows: Record<string, unknown>[]): {
  rows: number;
  digest: string;
  sorted: string[];
} {
  const sorted = rows.map(serialise).sort();
  return { rows: sorted.length, digest: sha256(Buffer.from(sorted.join('\n'))), sorted };
}

export function sqliteTables(file: string): Tables {
  const db = new SqliteDatabase(file, { readonly: true });
  try {
    const names = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
      name: string;
    }[];
    return new Map(
      names.map(({ name }) => [
        name,
        tableSummary(
          db.prepare(`SELECT * FROM "${name.replace(/"/g, '""')}"`).all() as Record<string, unknown>[],
        ),
      ]),
    );
  } finally {
    db.close();
  }
}

export async function postgresTables(url: string, schema: string): Promise<Tables> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows: names } = await c.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY 1`,
      [schema],
    );
    const tables: Tables = new Map();
    for (const { table_name } of names)
      tables.set(table_name, tableSummary((await c.query(`SELECT * FROM ${schema}."${table_name}"`)).rows));
    // The sequences too: a restored instance must not hand out an id again.
    const { rows: sequences } = await c.query(
      'SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = $1',
      [schema],
    );
    tables.set('(sequences)', tableSummary(sequences));
    return tables;
  } finally {
    await c.end();
  }
}

/** Equal table by table; a difference names the table and its first differing rows. */
export function expectSameTables(restored: Tables, source: Tables): void {
  expect([...restored.keys()]).toEqual([...source.keys()]);
  for (const [name, want] of source) {
    const got = restored.get(name);
    if (got?.digest === want.digest) continue;
    const missing = want.sorted.filter((r) => !got?.sorted.includes(r)).slice(0, 2);
    const extra = (got?.sorted ?? []).filter((r) => !want.sorted.includes(r)).slice(0, 2);
    expect({ table: name, rows: got?.rows, missing, extra }).toEqual({
      table: name,
      rows: want.rows,
      missing: [],
      extra: [],
    });
  }
  expect(source.size).toBeGreaterThan(100);
}

export function manifestFields(schemaVersion: string) {
  return {
    format: archiveFormat,
    formatVersion: archiveFormatVersion,
    opsdeskVersion: '0.0.1',
    schemaVersion,
    dialect: 'sqlite' as const,
    createdAt: new Date().toISOString(),
    secretKey: { included: false, fingerprint: null },
  };
}
