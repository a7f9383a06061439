// `opsdesk backup` and `opsdesk restore` on SQLite, through the real process: the demo organisation plus attachments
// is backed up while tickets with attachments keep being written, restored into a fresh data folder, and every table —
// listed from the database — is compared row by row with the source, with every attachment's bytes. A backup from an
// older opsdesk is migrated; every bad input (no file, a truncated, corrupted, foreign or newer archive, a data folder
// in use) is refused with its message and exit code and leaves nothing behind.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import SqliteDatabase from 'better-sqlite3';
import { Migrator } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeArchive } from '../../src/cli/backup-archive.js';
import { type Actor, hashPassword } from '../../src/core/auth/index.js';
import { loadConfig } from '../../src/core/config.js';
import { migrationNames, openDatabase } from '../../src/core/db/index.js';
import { openContext, sqliteFileOf } from '../../src/core/runtime.js';
import { demoPassword, loadDemoOrganisation } from '../../src/demo/index.js';
import {
  attachmentFiles,
  expectSameTables,
  fileTicket,
  keepWriting,
  manifestFields,
  now,
  opsdesk,
  removeScratch,
  requesterActor,
  scratch,
  serialise,
  sqliteTables,
} from '../support/backup-fixtures.js';
import { makeContext, type TestContext } from '../support/context.js';

afterAll(removeScratch);

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
  }, 120_000);

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
    const instance = await openContext(
      loadConfig({ OPSDESK_DATA_DIR: restored, OPSDESK_LOG_LEVEL: 'silent' }),
    );
    try {
      expect(instance.applied).toEqual([]);
      const [restored, source] = await Promise.all(
        [instance.ctx, t.ctx].map((c) => c.db.selectFrom('tickets').select('id').orderBy('id').execute()),
      );
      expect(restored).toEqual(source);
    } finally {
      await instance.close();
    }
  }, 120_000);

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
    // What the service made, no more (the manifest stays in the archive).
    expect(fs.readdirSync(dataDir).sort()).toEqual(['attachments', 'opsdesk.db', 'secret.key']);
    const restored = new SqliteDatabase(path.join(dataDir, 'opsdesk.db'), { readonly: true });
    const tickets = restored.prepare('SELECT count(*) AS n FROM tickets').get();
    restored.close();
    expect(tickets).toEqual(
      await t.ctx.db
        .selectFrom('tickets')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirst(),
    );
    // The instance's own key is kept: the backup holds none.
    expect(fs.readFileSync(path.join(dataDir, 'secret.key'), 'utf8')).toBe('ab'.repeat(32));
    expect(fs.readdirSync(path.dirname(dataDir))).toEqual(['data']);
  }, 120_000);

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
  }, 120_000);

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
    await t.ctx.caps.backup?.(futureDb);
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
  }, 120_000);
});
