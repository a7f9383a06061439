// Backups that restore, on both databases, through the real `opsdesk` process and the documented PostgreSQL procedure:
// the demo organisation plus attachments is backed up while tickets with attachments keep being written, restored
// into a fresh data folder (a fresh database), and every table — listed from the database — is compared row by row
// with the source, with every attachment's bytes. Every bad input is refused with its message and exit code, and a
// property corrupts and truncates archives at random: restore refuses and leaves nothing behind, or (a change no
// check can see) restores exactly what was backed up.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import zlib from 'node:zlib';
import SqliteDatabase from 'better-sqlite3';
import fc from 'fast-check';
import { Migrator } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  archiveFormat,
  archiveFormatVersion,
  attachmentSources,
  writeArchive,
} from '../../src/cli/backup-archive.js';
import { restoreBackup } from '../../src/cli/backup-commands.js';
import { CommandFailed, UsageError } from '../../src/cli/exit-codes.js';
import { type Actor, actorForUser, hashPassword } from '../../src/core/auth/index.js';
import { migrationNames, openDatabase } from '../../src/core/db/index.js';
import { sqliteFileOf } from '../../src/core/runtime.js';
import { demoAccounts, demoPassword, loadDemoOrganisation } from '../../src/demo/index.js';
import { addAttachment, createTicket } from '../../src/helpdesk/index.js';
import { type Dialect, makeContext, postgresUrl, type TestContext } from '../support/context.js';

const root = path.resolve(import.meta.dirname, '../..');
const main = path.join(root, 'src/cli/main.ts');
const now = Date.parse('2026-11-24T15:30:00Z');

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function opsdesk(args: string[], env: Record<string, string>): Promise<Outcome> {
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
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
const scratch = (name: string) => fs.mkdtempSync(path.join(tmpRoot, `${name}-`));

// -- what the data holds --

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A file a ticket can carry: text, or a PNG (its signature, then random bytes). */
function someFile(i: number): { filename: string; contentType: string; bytes: Buffer } {
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

async function fileTicket(
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

async function requesterActor(t: TestContext): Promise<Actor> {
  const email = demoAccounts.find((a) => a.role === 'requester')?.email ?? '';
  const user = await t.ctx.db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role'])
    .where('email', '=', email)
    .executeTakeFirstOrThrow();
  return actorForUser({ ...user, groupIds: [] });
}

/** Tickets with attachments, written one after another until stopped: the service's load during a backup. */
async function keepWriting(t: TestContext, actor: Actor, from: number) {
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
function attachmentFiles(dataDir: string): Map<string, string> {
  return new Map(attachmentSources(dataDir).map((s) => [s.name, sha256(fs.readFileSync(s.file))]));
}

// -- every table, row by row --

type Tables = Map<string, { rows: number; digest: string; sorted: string[] }>;

function serialise(row: Record<string, unknown>): string {
  return JSON.stringify(row, (_k, v) =>
    Buffer.isBuffer(v) ? `bytes:${v.toString('hex')}` : v instanceof Date ? `date:${v.toISOString()}` : v,
  );
}

function tableSummary(rows: Record<string, unknown>[]): { rows: number; digest: string; sorted: string[] } {
  const sorted = rows.map(serialise).sort();
  return { rows: sorted.length, digest: sha256(Buffer.from(sorted.join('\n'))), sorted };
}

function sqliteTables(file: string): Tables {
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

async function postgresTables(url: string, schema: string): Promise<Tables> {
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
function expectSameTables(restored: Tables, source: Tables): void {
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

/** The acknowledged tickets of `ids`' rows in the restored database are the source's, and every named file is there. */
function expectConsistent(
  restoredDir: string,
  sourceTickets: Map<number, string>,
  before: { ticketId: number }[],
) {
  const db = new SqliteDatabase(path.join(restoredDir, 'opsdesk.db'), { readonly: true });
  try {
    const tickets = db.prepare('SELECT * FROM tickets').all() as { id: number }[];
    const ids = new Set(tickets.map((r) => r.id));
    for (const { ticketId } of before) expect(ids.has(ticketId)).toBe(true);
    for (const row of tickets) expect(serialise(row)).toBe(sourceTickets.get(row.id));
    const files = attachmentFiles(restoredDir);
    const named = db.prepare('SELECT sha256 FROM attachments').all() as { sha256: string }[];
    for (const { sha256: sum } of named) expect(files.get(`attachments/${sum.slice(0, 2)}/${sum}`)).toBe(sum);
    return { tickets: tickets.length, attachments: named.length };
  } finally {
    db.close();
  }
}

let passwordHash: string;
beforeAll(async () => {
  passwordHash = await hashPassword(demoPassword);
});

// -- SQLite: opsdesk backup and opsdesk restore --

describe('opsdesk backup and restore on SQLite', () => {
  let t: TestContext;
  let actor: Actor;
  let quiet: string;

  beforeAll(async () => {
    t = await makeContext('sqlite');
    await loadDemoOrganisation(t.ctx, { now, passwordHash });
    actor = await requesterActor(t);
    for (let i = 0; i < 12; i++) await fileTicket(t, actor, i);
  }, 120_000);
  afterAll(async () => t?.close());

  it('backs up while tickets with attachments are written: the copy holds every earlier write and every file its rows name', async () => {
    const file = path.join(scratch('online'), 'opsdesk.tar.gz');
    const writer = await keepWriting(t, actor, 100);
    const before = [...writer.acknowledged];
    const backup = await opsdesk(['backup', file], { OPSDESK_DATA_DIR: t.dataDir });
    await writer.stop();
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/^Backed up SQLite .* and \d+ attachments to /);
    expect(writer.acknowledged.length).toBeGreaterThan(before.length);

    const restored = path.join(scratch('online-restored'), 'data');
    const restore = await opsdesk(['restore', file], { OPSDESK_DATA_DIR: restored });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    const source = new Map(
      (await t.ctx.db.selectFrom('tickets').selectAll().execute()).map((r) => [r.id, serialise(r)]),
    );
    const counts = expectConsistent(restored, source, before);
    expect(counts.attachments).toBeGreaterThanOrEqual(12);
  }, 60_000);

  it('restores into a fresh data folder: every table row by row and every attachment byte for byte', async () => {
    quiet = path.join(scratch('quiet'), 'opsdesk.tar.gz');
    const backup = await opsdesk(['backup', quiet], { OPSDESK_DATA_DIR: t.dataDir });
    expect(backup.code).toBe(0);
    const restored = path.join(scratch('restored'), 'data');
    const restore = await opsdesk(['restore', quiet], { OPSDESK_DATA_DIR: restored });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain(`schema ${migrationNames.at(-1)}`);

    expectSameTables(sqliteTables(path.join(restored, 'opsdesk.db')), sqliteTables(sqliteFileOf(t.config)));
    const files = attachmentFiles(restored);
    expect(files).toEqual(attachmentFiles(t.dataDir));
    for (const [name, sum] of files) expect(name.endsWith(sum)).toBe(true);
    // A fresh instance starts on it: the migrations find nothing to do.
    const again = await opsdesk(['migrate'], { OPSDESK_DATA_DIR: restored });
    expect(again.stdout).toContain('up to date');
  }, 60_000);

  it('refuses a data folder that is not empty unless --force, and then replaces it whole', async () => {
    const dataDir = path.join(scratch('occupied'), 'data');
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(dataDir, 'opsdesk.db'), 'the old database');
    fs.writeFileSync(path.join(dataDir, 'secret.key'), 'ab'.repeat(32));
    const refused = await opsdesk(['restore', quiet], { OPSDESK_DATA_DIR: dataDir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/data folder .* is not empty .*--force/);
    expect(fs.readFileSync(path.join(dataDir, 'opsdesk.db'), 'utf8')).toBe('the old database');

    const forced = await opsdesk(['restore', quiet, '--force'], { OPSDESK_DATA_DIR: dataDir });
    expect(forced.code).toBe(0);
    expect(sqliteTables(path.join(dataDir, 'opsdesk.db')).get('tickets')?.rows).toBe(
      sqliteTables(sqliteFileOf(t.config)).get('tickets')?.rows,
    );
    // The instance's own key is kept: the backup holds none.
    expect(fs.readFileSync(path.join(dataDir, 'secret.key'), 'utf8')).toBe('ab'.repeat(32));
    expect(fs.readdirSync(path.dirname(dataDir))).toEqual(['data']);
  }, 60_000);

  it('restores a backup from an older opsdesk and migrates it', async () => {
    const dir = scratch('older');
    const database = path.join(dir, 'opsdesk.db');
    const handle = await openDatabase({ databaseUrl: null, sqliteFile: database });
    const previous = migrationNames.at(-2) as string;
    try {
      const { migrations } = await import('../../src/core/db/migrations/index.js');
      const migrator = new Migrator({ db: handle.db, provider: { getMigrations: async () => migrations } });
      const { error } = await migrator.migrateTo(previous);
      expect(error).toBeUndefined();
    } finally {
      await handle.close();
    }
    const file = path.join(dir, 'older.tar.gz');
    await writeArchive(file, [{ name: 'opsdesk.db', file: database }], () => manifestFields(previous));
    const restored = path.join(dir, 'data');
    const out = await opsdesk(['restore', file], { OPSDESK_DATA_DIR: restored });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain(`Brought its schema up to date: 1 migrations, to ${migrationNames.at(-1)}`);
    const db = new SqliteDatabase(path.join(restored, 'opsdesk.db'), { readonly: true });
    const applied = db.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as { name: string }[];
    db.close();
    expect(applied.map((r) => r.name)).toEqual([...migrationNames].sort());
  }, 60_000);

  it('refuses every bad input with a clear message and exit code, and leaves no data folder behind', async () => {
    const dir = scratch('bad');
    const archive = fs.readFileSync(quiet);
    const tar = zlib.gunzipSync(archive);

    const truncated = path.join(dir, 'truncated.tar.gz');
    fs.writeFileSync(truncated, archive.subarray(0, Math.floor(archive.length / 2)));

    // A byte inside the database member (its content starts after the first 512-byte header), recompressed:
    // gzip's and tar's checks pass, the member's SHA-256 does not.
    const corrupted = path.join(dir, 'corrupted.tar.gz');
    const flipped = Buffer.from(tar);
    flipped[512 + 5_000] ^= 0x40;
    fs.writeFileSync(corrupted, zlib.gzipSync(flipped));

    const text = path.join(dir, 'notes.tar.gz');
    fs.writeFileSync(text, 'not an archive at all\n');

    const foreign = path.join(dir, 'foreign.tar.gz');
    fs.mkdirSync(path.join(dir, 'stuff'));
    fs.writeFileSync(path.join(dir, 'stuff', 'photo.jpg'), 'holiday');
    execFileSync('tar', ['-czf', foreign, '-C', dir, 'stuff']);

    const newer = path.join(dir, 'newer.tar.gz');
    const futureDb = path.join(dir, 'future.db');
    fs.copyFileSync(sqliteFileOf(t.config), futureDb);
    const future = new SqliteDatabase(futureDb);
    future.pragma('journal_mode = DELETE');
    future
      .prepare('INSERT INTO kysely_migration (name, timestamp) VALUES (?, ?)')
      .run('2099-12-31-from-the-future', new Date().toISOString());
    future.close();
    await writeArchive(newer, [{ name: 'opsdesk.db', file: futureDb }], () =>
      manifestFields('2099-12-31-from-the-future'),
    );

    const cases: [string, string, number, RegExp][] = [
      ['missing', path.join(dir, 'no-such.tar.gz'), 2, /there is no backup at .*no-such\.tar\.gz/],
      ['truncated', truncated, 1, /is damaged: the archive cannot be read to its end .*truncated/],
      [
        'corrupted member',
        corrupted,
        1,
        /is damaged: opsdesk\.db does not match its SHA-256 in the manifest/,
      ],
      ['not an archive', text, 1, /is not an opsdesk backup \(not a gzip'd tar archive/],
      ['another archive', foreign, 1, /is not an opsdesk backup \(it holds stuff\//],
      [
        'newer schema',
        newer,
        1,
        /backup of schema 2099-12-31-from-the-future .*newer than this opsdesk .*restore it with a newer opsdesk/,
      ],
    ];
    const outcomes = await Promise.all(
      cases.map(([name, file]) =>
        opsdesk(['restore', file], { OPSDESK_DATA_DIR: path.join(dir, name, 'data') }),
      ),
    );
    cases.forEach(([name, , code, message], i) => {
      expect({ name, code: outcomes[i].code, stdout: outcomes[i].stdout }).toEqual({
        name,
        code,
        stdout: '',
      });
      expect(outcomes[i].stderr).toMatch(message);
      expect(outcomes[i].stderr).not.toMatch(/\n\s+at /);
      // Neither the data folder nor the staging folder beside it.
      expect(fs.existsSync(path.join(dir, name))).toBe(false);
    });

    const exists = await opsdesk(['backup', quiet], { OPSDESK_DATA_DIR: t.dataDir });
    expect(exists.code).toBe(2);
    expect(exists.stderr).toContain('--force');
  }, 60_000);
});

function manifestFields(schemaVersion: string) {
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

// -- a damaged archive never leaves a partial data folder --

describe('restoring a damaged archive', () => {
  let dir: string;
  let archive: Buffer;
  let files: Map<string, string>;

  beforeAll(async () => {
    const t = await makeContext('sqlite');
    try {
      dir = scratch('damaged');
      const data = path.join(dir, 'source');
      fs.mkdirSync(path.join(data, 'attachments', 'ab'), { recursive: true });
      for (let i = 0; i < 3; i++) {
        const bytes = Buffer.from(`file ${i} `.repeat(300 + i * 700));
        const sum = sha256(bytes);
        fs.mkdirSync(path.join(data, 'attachments', sum.slice(0, 2)), { recursive: true });
        fs.writeFileSync(path.join(data, 'attachments', sum.slice(0, 2), sum), bytes);
      }
      const file = path.join(dir, 'small.tar.gz');
      await writeArchive(
        file,
        [{ name: 'opsdesk.db', file: sqliteFileOf(t.config) }, ...attachmentSources(data)],
        () => manifestFields(migrationNames.at(-1) as string),
      );
      archive = fs.readFileSync(file);
      files = attachmentFiles(data);
    } finally {
      await t.close();
    }
  }, 60_000);

  it('refuses it with a message and leaves nothing behind, or restores exactly what was backed up', async () => {
    const tar = zlib.gunzipSync(archive);
    const damage = fc.oneof(
      fc.nat({ max: archive.length - 1 }).map((n) => ({ kind: 'truncated', bytes: archive.subarray(0, n) })),
      fc
        .array(fc.tuple(fc.nat({ max: archive.length - 1 }), fc.integer({ min: 1, max: 255 })), {
          minLength: 1,
          maxLength: 3,
        })
        .map((flips) => {
          const bytes = Buffer.from(archive);
          for (const [at, bits] of flips) bytes[at] ^= bits;
          return { kind: 'flipped', bytes };
        }),
      fc.tuple(fc.nat({ max: tar.length - 1 }), fc.integer({ min: 1, max: 255 })).map(([at, bits]) => {
        const bytes = Buffer.from(tar);
        bytes[at] ^= bits;
        return { kind: 'tar flipped', bytes: zlib.gzipSync(bytes) };
      }),
      fc
        .nat({ max: tar.length - 1 })
        .map((n) => ({ kind: 'tar truncated', bytes: zlib.gzipSync(tar.subarray(0, n)) })),
    );
    let run = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(damage, async ({ kind, bytes }) => {
        const place = path.join(dir, `run-${run++}`);
        fs.mkdirSync(place);
        const file = path.join(place, 'damaged.tar.gz');
        fs.writeFileSync(file, bytes);
        const dataDir = path.join(place, 'data');
        try {
          await restoreBackup({ file, dataDir });
        } catch (err) {
          refused++;
          expect(err, kind).toBeInstanceOf(CommandFailed);
          expect(err).not.toBeInstanceOf(UsageError);
          expect((err as Error).message).toMatch(/is damaged|is not an opsdesk backup|nothing was restored/);
          expect(fs.readdirSync(place)).toEqual(['damaged.tar.gz']);
          return;
        }
        // No check saw the change (a gzip header's timestamp, a tar block's padding): what was backed up is back.
        expect(kind).not.toMatch(/truncated/);
        expect(attachmentFiles(dataDir)).toEqual(files);
        expect(fs.readdirSync(place).sort()).toEqual(['damaged.tar.gz', 'data']);
      }),
      { numRuns: 80, seed: 20_261_203 },
    );
    expect(refused).toBeGreaterThan(40);
  }, 60_000);
});

// -- PostgreSQL: the documented procedure --

/** The shell blocks docs/backups.md marks as the PostgreSQL procedure, as they are written there. */
function documentedProcedure(name: 'postgres-backup' | 'postgres-restore'): string {
  const doc = fs.readFileSync(path.join(root, 'docs/backups.md'), 'utf8');
  const block = new RegExp(`<!-- procedure: ${name} -->\\n\`\`\`sh\\n([\\s\\S]*?)\`\`\``).exec(doc);
  if (!block) throw new Error(`docs/backups.md has no ${name} block`);
  return block[1];
}

/** `opsdesk` on the PATH, as an installed package puts it: this checkout's command line. */
function opsdeskOnPath(): string {
  const bin = scratch('bin');
  const loader = import.meta.resolve('tsx');
  fs.writeFileSync(
    path.join(bin, 'opsdesk'),
    `#!/bin/sh\nexec "${process.execPath}" --import "${loader}" "${main}" "$@"\n`,
    { mode: 0o755 },
  );
  return bin;
}

function shell(script: string, cwd: string, env: Record<string, string>): Promise<Outcome> {
  const child = spawn('bash', ['-euo', 'pipefail', '-c', script], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, OPSDESK_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('the documented pg_dump and pg_restore procedure on PostgreSQL', () => {
  const dialect: Dialect = 'postgres';
  let t: TestContext;
  let actor: Actor;
  let schema: string;
  const databases: string[] = [];
  let admin: pg.Client;

  beforeAll(async () => {
    t = await makeContext(dialect);
    schema = (
      await t.ctx.db
        .selectNoFrom((eb) => eb.fn<string>('current_schema', []).as('s'))
        .executeTakeFirstOrThrow()
    ).s;
    await loadDemoOrganisation(t.ctx, { now, passwordHash, days: 7, ticketCount: 40, requesterCount: 10 });
    actor = await requesterActor(t);
    for (let i = 0; i < 6; i++) await fileTicket(t, actor, i);
    admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
  }, 120_000);
  afterAll(async () => {
    for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin?.end();
    await t?.close();
  });

  /** Backs up by the documented procedure (then `afterBackup`), restores into a fresh database and folder. */
  async function backUpAndRestore(afterBackup: () => Promise<void> = async () => {}) {
    const work = scratch('pg');
    const env = { DATABASE_URL: postgresUrl, DATABASE_SCHEMA: schema, OPSDESK_DATA_DIR: t.dataDir };
    const backup = await shell(documentedProcedure('postgres-backup'), work, env);
    await afterBackup();
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);

    const database = `opsdesk_restore_${randomBytes(4).toString('hex')}`;
    databases.push(database);
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(postgresUrl);
    url.pathname = `/${database}`;
    const restoredDir = path.join(work, 'restored-data');
    const restore = await shell(documentedProcedure('postgres-restore'), work, {
      DATABASE_URL: url.toString(),
      DATABASE_SCHEMA: schema,
      OPSDESK_DATA_DIR: restoredDir,
      PATH: `${opsdeskOnPath()}:${process.env.PATH}`,
    });
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain('the schema is up to date');
    return { url: url.toString(), restoredDir };
  }

  it('backs up while tickets with attachments are written: the dump holds every earlier write and every file it names', async () => {
    const writer = await keepWriting(t, actor, 100);
    const before = [...writer.acknowledged];
    const { url, restoredDir } = await backUpAndRestore(() => writer.stop());
    expect(writer.acknowledged.length).toBeGreaterThan(before.length);
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      const tickets = await c.query(`SELECT id FROM ${schema}.tickets`);
      const ids = new Set(tickets.rows.map((r) => Number(r.id)));
      for (const { ticketId } of before) expect(ids.has(ticketId)).toBe(true);
      const files = attachmentFiles(restoredDir);
      const named = await c.query<{ sha256: string }>(`SELECT sha256 FROM ${schema}.attachments`);
      expect(named.rows.length).toBeGreaterThanOrEqual(6);
      for (const { sha256: sum } of named.rows)
        expect(files.get(`attachments/${sum.slice(0, 2)}/${sum}`)).toBe(sum);
    } finally {
      await c.end();
    }
  }, 60_000);

  it('restores into a fresh database: every table row by row, the sequences, and every attachment byte for byte', async () => {
    const { url, restoredDir } = await backUpAndRestore();
    expectSameTables(await postgresTables(url, schema), await postgresTables(postgresUrl, schema));
    expect(attachmentFiles(restoredDir)).toEqual(attachmentFiles(t.dataDir));
  }, 60_000);
});
