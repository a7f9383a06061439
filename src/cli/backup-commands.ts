// `opsdesk backup FILE` and `opsdesk restore FILE`: a SQLite instance's database, attachments and (when asked) secret
// key in one archive (backup-archive.ts), taken while the service runs, and put back into OPSDESK_DATA_DIR only once
// every member is verified and the database is checked and brought up to this build's schema. PostgreSQL is backed
// up with its own tools: docs/backups.md.
//
// What a backup taken under load holds: the database as of one moment (SQLite's backup API copies every page under one
// read transaction), then the attachments. A stored file is written whole, then renamed into place, before the row
// that names it commits, and is never changed or deleted after: so every file a row in the copy names is in the
// archive. A file stored after that moment may be in it too, named by no row (harmless: as a refused upload's).
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { loadConfig } from '../core/config.js';
import { migrateToLatest, migrationNames, openDatabase } from '../core/db/index.js';
import { sqliteFileOf } from '../core/runtime.js';
import {
  type ArchiveSource,
  archiveFormat,
  archiveFormatVersion,
  attachmentSources,
  databaseMember,
  keyFingerprint,
  type Manifest,
  manifestMember,
  secretKeyMember,
  syncFolder,
  unpackArchive,
  writeArchive,
} from './backup-archive.js';
import { note, say, withContext } from './command-context.js';
import { CommandFailed, UsageError } from './exit-codes.js';
import { packageVersion } from './package-version.js';

const secretKeyFile = 'secret.key';

export function postgresProcedure(target: string): string {
  return (
    'PostgreSQL is backed up with its own tools, not by opsdesk (see docs/backups.md). Run:\n' +
    `  pg_dump --format=custom --schema="\${DATABASE_SCHEMA:-public}" --file=${shellQuote(target)} "$DATABASE_URL"\n` +
    `  then the attachments folder (the stored files under $OPSDESK_DATA_DIR/attachments, not attachments/tmp) with tar\n` +
    `and restore with: pg_restore --exit-on-error --no-owner --dbname="$DATABASE_URL" ${shellQuote(target)}\n` +
    '  (into an empty database), untar the attachments into OPSDESK_DATA_DIR, then opsdesk migrate'
  );
}

export async function backupCommand(
  file: string,
  options: { force?: boolean; withSecretKey?: boolean },
): Promise<void> {
  const target = path.resolve(file);
  if (fs.existsSync(target) && !options.force)
    throw new UsageError(`${target} exists; choose another file or add --force to replace it`);
  const config = loadConfig();
  if (config.databaseUrl) throw new CommandFailed(postgresProcedure(target));
  const database = sqliteFileOf(config);
  if (!fs.existsSync(database)) {
    throw new CommandFailed(`there is no database at ${database} to back up (check OPSDESK_DATA_DIR)`);
  }
  const started = performance.now();
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const work = fs.mkdtempSync(path.join(path.dirname(target), `.${path.basename(target)}.work-`));
  try {
    const copy = path.join(work, databaseMember);
    // No migration: a backup must not change the database it copies.
    await withContext(
      async ({ caps }) => {
        if (!caps.backup) throw new CommandFailed(postgresProcedure(target));
        await caps.backup(copy);
      },
      { migrate: false },
    );
    const schemaVersion = schemaVersionOf(copy);
    // The attachments are listed after the copy: every file a copied row names is already in place (see the top).
    const sources: ArchiveSource[] = [
      { name: databaseMember, file: copy },
      ...attachmentSources(config.dataDir),
    ];
    const keyFile = path.join(config.dataDir, secretKeyFile);
    const key =
      config.secretKey ??
      (fs.existsSync(keyFile) ? Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'hex') : null);
    const includeKey = Boolean(options.withSecretKey && !config.secretKey && fs.existsSync(keyFile));
    if (includeKey) sources.push({ name: secretKeyMember, file: keyFile });
    const manifest = await writeArchive(target, sources, () => ({
      format: archiveFormat,
      formatVersion: archiveFormatVersion,
      opsdeskVersion: packageVersion(),
      schemaVersion,
      dialect: 'sqlite',
      createdAt: new Date().toISOString(),
      secretKey: { included: includeKey, fingerprint: key ? keyFingerprint(key) : null },
    }));
    const attachments = manifest.members.filter((m) => m.name.startsWith('attachments/')).length;
    say(
      `Backed up SQLite ${database} (schema ${schemaVersion}) and ${attachments} attachment${attachments === 1 ? '' : 's'} to ${target} (${formatBytes(fs.statSync(target).size)}, ${Math.round(performance.now() - started)} ms).`,
    );
    if (options.withSecretKey && config.secretKey)
      note('The secret key is OPSDESK_SECRET_KEY, not a file: keep it with your other secrets.');
    else if (!includeKey && key)
      note(
        `The secret key (${keyFile}) is not in the backup: keep a copy apart, or add --with-secret-key. Without it, stored secrets (directory and sign-in provider credentials) must be entered again after a restore.`,
      );
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The last migration the database copy has applied. The copy is made self-contained first (rollback journal, not
 * WAL: one file, which opens read-only anywhere); a restore turns WAL on again.
 */
function schemaVersionOf(file: string): string {
  const db = new SqliteDatabase(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
    const rows = db.prepare('SELECT name FROM kysely_migration ORDER BY name').all() as { name: string }[];
    const last = rows.at(-1)?.name;
    if (!last) throw new CommandFailed(`${file} has no migrations applied`);
    return last;
  } finally {
    db.close();
  }
}

export interface RestoreOptions {
  file: string;
  dataDir: string;
  force?: boolean;
}

export interface RestoreReport {
  manifest: Manifest;
  /** Migrations applied to the restored database (it came from an older opsdesk). */
  migrated: string[];
  attachments: number;
  /** Where the secret key came from: the archive, the data folder it replaced, or nowhere. */
  secretKey: 'archive' | 'kept' | 'none';
}

/**
 * Restores the archive into `dataDir`: refused when the folder holds anything (unless `force`), else unpacked into a
 * staging folder beside it, verified (members, checksums, integrity_check, a schema this build knows), migrated when
 * older, and only then swapped in by renames. Any refusal or failure removes the staging folder and leaves `dataDir`
 * as it was.
 */
export async function restoreBackup(options: RestoreOptions): Promise<RestoreReport> {
  const file = path.resolve(options.file);
  const dataDir = path.resolve(options.dataDir);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new UsageError(`there is no backup at ${file}`);
  }
  if (!stat.isFile()) throw new UsageError(`${file} is not a file`);
  if (fs.existsSync(dataDir) && !fs.statSync(dataDir).isDirectory())
    throw new UsageError(`the data folder ${dataDir} is a file, not a folder`);
  const present = fs.existsSync(dataDir) ? fs.readdirSync(dataDir) : [];
  if (present.length > 0 && !options.force) {
    throw new UsageError(
      `the data folder ${dataDir} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', …' : ''}); stop the service and add --force to replace its contents`,
    );
  }
  const parent = path.dirname(dataDir);
  // A parent folder made here is removed again on failure: a refused restore leaves the disk as it found it.
  const madeParent = fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(dataDir)}.restore-`));
  try {
    const manifest = await unpackArchive(file, staging);
    const database = path.join(staging, databaseMember);
    checkDatabase(file, database, manifest);
    const migrated = await migrate(database);
    let secretKey: RestoreReport['secretKey'] = manifest.secretKey.included ? 'archive' : 'none';
    const oldKey = path.join(dataDir, secretKeyFile);
    if (secretKey === 'archive') fs.chmodSync(path.join(staging, secretKeyFile), 0o600);
    else if (fs.existsSync(oldKey)) {
      fs.copyFileSync(oldKey, path.join(staging, secretKeyFile));
      fs.chmodSync(path.join(staging, secretKeyFile), 0o600);
      secretKey = 'kept';
    }
    // The manifest describes the archive, not the data folder: the folder holds what the service made, no more.
    fs.rmSync(path.join(staging, manifestMember));
    swapIn(staging, dataDir);
    return {
      manifest,
      migrated,
      attachments: manifest.members.filter((m) => m.name.startsWith('attachments/')).length,
      secretKey,
    };
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    if (madeParent && !fs.existsSync(dataDir)) fs.rmSync(madeParent, { recursive: true, force: true });
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
      throw new CommandFailed(
        `cannot restore into ${dataDir}: ${(err as Error).message}; nothing was restored`,
      );
    throw err;
  }
}

/** integrity_check, and a schema this build knows: a newer one is refused, an older one migrated after. */
function checkDatabase(file: string, database: string, manifest: Manifest): void {
  let db: SqliteDatabase.Database | undefined;
  let problems: string[];
  let applied: string[];
  try {
    // The staging copy is ours: opened for writing, so a copy left in WAL mode opens too.
    db = new SqliteDatabase(database, { fileMustExist: true });
    db.pragma('journal_mode = DELETE');
    problems = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    applied = (db.prepare('SELECT name FROM kysely_migration').all() as { name: string }[]).map(
      (r) => r.name,
    );
  } catch (err) {
    throw new CommandFailed(
      `${file} does not hold an opsdesk database SQLite can read (${(err as Error).message}); nothing was restored`,
    );
  } finally {
    db?.close();
  }
  if (problems.join() !== 'ok')
    throw new CommandFailed(
      `${file} holds a damaged database (integrity_check: ${problems.slice(0, 3).join('; ')}); nothing was restored`,
    );
  const known = new Set(migrationNames);
  const unknown = applied.filter((name) => !known.has(name)).sort();
  if (unknown.length > 0 || !known.has(manifest.schemaVersion)) {
    throw new CommandFailed(
      `${file} is a backup of schema ${unknown.at(-1) ?? manifest.schemaVersion} (opsdesk ${manifest.opsdeskVersion}), newer than this opsdesk ${packageVersion()} knows (latest ${migrationNames.at(-1)}); restore it with a newer opsdesk. Nothing was restored`,
    );
  }
}

/** Brings a restored database from an older opsdesk up to this build's schema, in the staging folder. */
async function migrate(database: string): Promise<string[]> {
  const handle = await openDatabase({ databaseUrl: null, sqliteFile: database });
  try {
    return await migrateToLatest(handle.db);
  } finally {
    // Closing the last connection checkpoints the WAL into the file.
    await handle.close();
  }
}

/**
 * Puts the staging folder in the data folder's place: the old folder is renamed aside, the new one renamed in, the old
 * one removed. Each step is a rename in one parent folder; were the process killed between the two, both folders
 * would be beside the data folder's name, whole.
 */
function swapIn(staging: string, dataDir: string): void {
  const aside = `${staging}-replaced`;
  const existed = fs.existsSync(dataDir);
  if (existed) fs.renameSync(dataDir, aside);
  try {
    fs.renameSync(staging, dataDir);
  } catch (err) {
    if (existed) fs.renameSync(aside, dataDir);
    throw err;
  }
  syncFolder(path.dirname(dataDir));
  if (existed) fs.rmSync(aside, { recursive: true, force: true });
}

export async function restoreCommand(file: string, options: { force?: boolean }): Promise<void> {
  const config = loadConfig();
  if (config.databaseUrl) {
    throw new UsageError(
      `opsdesk restore restores a SQLite backup into OPSDESK_DATA_DIR; DATABASE_URL names PostgreSQL, which is restored with pg_restore (see docs/backups.md)`,
    );
  }
  const started = performance.now();
  const report = await restoreBackup({ file, dataDir: config.dataDir, force: options.force });
  const m = report.manifest;
  say(
    `Restored ${path.resolve(file)} (opsdesk ${m.opsdeskVersion}, schema ${m.schemaVersion}, made ${m.createdAt}) into ${config.dataDir}: the database and ${report.attachments} attachment${report.attachments === 1 ? '' : 's'} (${Math.round(performance.now() - started)} ms).`,
  );
  if (report.migrated.length > 0)
    say(`Brought its schema up to date: ${report.migrated.length} migrations, to ${report.migrated.at(-1)}.`);
  const fingerprint = m.secretKey.fingerprint;
  const current =
    config.secretKey ??
    (report.secretKey === 'none'
      ? null
      : Buffer.from(fs.readFileSync(path.join(config.dataDir, secretKeyFile), 'utf8').trim(), 'hex'));
  if (fingerprint && (!current || keyFingerprint(current) !== fingerprint)) {
    note(
      `The backup's stored secrets were sealed with key ${fingerprint}, which ${current ? 'is not the key in effect' : 'is not here'}: put that secret.key in ${config.dataDir} or set OPSDESK_SECRET_KEY to it, or enter those secrets again.`,
    );
  }
}

function shellQuote(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}
