// The database: Kysely over better-sqlite3 (one file, WAL) or PostgreSQL. What differs between the two is
// described here as capabilities, so the rest of the code asks "can it?" and never "which is it?".
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, type KyselyConfig, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { Fts5Search, type FullTextSearch, TsvectorSearch } from './full-text.js';
import { GroupCommitSqliteDialect, type GroupCommitStats, type SqliteHandle } from './group-commit.js';
import { type AllocateIds, allocateAfterLargest, allocateFromSequence } from './id-allocation.js';
import { migrations } from './migrations/index.js';
import { type Notifications, pgNotifications } from './notifications.js';
import type { Database } from './schema.js';
import { TransactionGuardDialect } from './transaction-guard.js';

export { chunks } from './chunks.js';
export {
  type AddedWords,
  type DocumentIndex,
  defineIndex,
  defineWordList,
  type FullTextSearch,
  type TextQuery,
  type WordList,
} from './full-text.js';
export type { GroupCommitStats } from './group-commit.js';
export type { AllocateIds } from './id-allocation.js';
export type { Database } from './schema.js';
export * from './schema.js';

/** The names of the migrations this build knows, in order: a database's schema version is the last it applied. */
export const migrationNames: readonly string[] = Object.keys(migrations);
export { detachedFromTransaction, TransactionInFlowError } from './transaction-guard.js';

export interface DbCapabilities {
  /** The full-text search port (full-text.ts): what domains search and index through. */
  search: FullTextSearch;
  /** The full-text engine's name, for the status report only: code asks `search`, never this. */
  fullText: 'fts5' | 'tsvector';
  /** Row locks that skip rows taken by another worker (job queues across instances). */
  supportsSkipLocked: boolean;
  /** Several processes may share this database (PostgreSQL); SQLite is one process. */
  multiInstance: boolean;
  /** `n` new ids of a table, ascending, for rows its caller inserts with them in the same transaction. */
  allocateIds: AllocateIds;
  /** Online, consistent copy of the whole database to a file. */
  backup: ((file: string) => Promise<void>) | null;
  /** Signals to every instance on the database (PostgreSQL's LISTEN/NOTIFY); null where there is one process. */
  notifications: Notifications | null;
  label: string;
}

export interface DbHandle {
  db: Kysely<Database>;
  caps: DbCapabilities;
  /** SQLite: how many COMMITs carried how many transactions (group commit). */
  commits?: GroupCommitStats;
  /** PostgreSQL with a readUrl: the replica's pool, for reads that may lag (ServiceContext.readDb). */
  readDb?: Kysely<Database>;
  close(): Promise<void>;
}

export interface DbOptions {
  /** postgres://… or null for SQLite at sqliteFile. */
  databaseUrl: string | null;
  sqliteFile?: string;
  /** PostgreSQL schema to use (tests isolate themselves in one); created if missing. */
  pgSchema?: string;
  poolSize?: number;
  /** PostgreSQL: a streaming replica of databaseUrl, for reads that may lag a moment. */
  readUrl?: string | null;
  /** PostgreSQL: the server the listening connection goes to, past a pooler in transaction mode; default databaseUrl. */
  listenUrl?: string | null;
  onQuery?: (durationMs: number, failed: boolean) => void;
  /** Where connection failures that no query reports (a pool's broken connection) are logged. */
  log?: { error(details: object, message: string): void };
}

// PostgreSQL returns int8 (bigint) and numeric as strings; our int8 columns are epoch milliseconds and
// counts, all far below 2^53, so numbers are exact.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/** A pool on one PostgreSQL server (the primary, or a replica) in the schema, and its Kysely. */
function pgKysely(
  url: string,
  schema: string | undefined,
  options: DbOptions,
  log: KyselyConfig['log'],
): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    // An unreachable server fails the request (503) instead of queueing it forever.
    connectionTimeoutMillis: 10_000,
  });
  // A connection that breaks (server restart, network) emits 'error' on its client, checked out or idle;
  // unhandled, that crashes the process. Log it: the next query on a fresh connection reports the outage.
  const label = redactUrl(url);
  pool.on('connect', (client) => {
    client.on('error', (err) =>
      options.log?.error({ err, database: label }, 'database pool: a connection failed'),
    );
  });
  // The pool re-emits an idle connection's error; the connection's own listener above has logged it.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new TransactionGuardDialect(new PostgresDialect({ pool })), log });
}

export async function openDatabase(options: DbOptions): Promise<DbHandle> {
  const log: KyselyConfig['log'] = options.onQuery
    ? (event) => options.onQuery?.(event.queryDurationMillis, event.level === 'error')
    : undefined;

  if (options.databaseUrl) {
    const schema = options.pgSchema;
    if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema))
      throw new Error(`invalid PostgreSQL schema name ${schema}`);
    if (schema) {
      const admin = new pg.Client({ connectionString: options.databaseUrl });
      await admin.connect();
      try {
        await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      } finally {
        await admin.end();
      }
    }
    const db = pgKysely(options.databaseUrl, schema, options, log);
    const readDb = options.readUrl ? pgKysely(options.readUrl, schema, options, log) : undefined;
    const notifications = pgNotifications(options.listenUrl ?? options.databaseUrl, schema, options.log);
    return {
      db,
      caps: {
        search: new TsvectorSearch(),
        fullText: 'tsvector',
        supportsSkipLocked: true,
        multiInstance: true,
        allocateIds: allocateFromSequence,
        backup: null,
        notifications,
        label: `PostgreSQL ${redactUrl(options.databaseUrl)}${schema ? ` (schema ${schema})` : ''}`,
      },
      readDb,
      close: async () => {
        await notifications.close();
        await readDb?.destroy();
        await db.destroy();
      },
    };
  }

  const file = options.sqliteFile;
  if (!file) throw new Error('openDatabase: sqliteFile is required without a databaseUrl');
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // 32 MB of page cache: the 1M-ticket lists and searches ran as fast with 64 MB, which cost ~30 MB of RSS
  // under load (the OS caches the file as well).
  sqlite.pragma('cache_size = -32768');
  sqlite.pragma('temp_store = MEMORY');
  // Checkpoint once the WAL holds 64 MB, not SQLite's 4 MB: a log batch writes more than 4 MB of pages, and at the
  // default every such COMMIT copied them all into the database file at once (a third of the log store's write
  // time); a page written by many batches is copied once per checkpoint. The file is cut back to that afterwards.
  sqlite.pragma('wal_autocheckpoint = 16384');
  sqlite.pragma('journal_size_limit = 67108864');
  // The search port keeps its word lists' scratch tokenizer on this connection and fills the lists in each
  // batch just before COMMIT (see full-text.ts).
  const search = new Fts5Search();
  sqlite.exec(Fts5Search.setup);
  const dialect = new GroupCommitSqliteDialect(reusingStatements(sqlite), search.beforeCommit);
  const db = new Kysely<Database>({ dialect: new TransactionGuardDialect(dialect), log });
  return {
    db,
    commits: dialect.stats,
    caps: {
      search,
      fullText: 'fts5',
      supportsSkipLocked: false,
      multiInstance: false,
      allocateIds: allocateAfterLargest,
      backup: async (target: string) => {
        fs.mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
        // SQLite's backup restarts from the first page whenever another process writes between two of its steps:
        // in small steps under a steady write load it might never finish. better-sqlite3's first step copies no
        // page; the next copies every page in one, under one read transaction (WAL: writers go on meanwhile).
        await sqlite.backup(target, { progress: () => 0x7fffffff });
      },
      notifications: null,
      label: `SQLite ${file}`,
    },
    close: () => db.destroy(),
  };
}

// Kysely prepares every query it runs, and better-sqlite3 parses and plans on every prepare(): keep the
// compiled statement per SQL text (bounded) so a hot query is planned once. A statement still being
// iterated (a stream) is busy and cannot be shared: that caller gets a fresh one.
// Long texts (bulk writes and reads of a fixed row count, e.g. the SLA recompute's 1,000-row upserts) are
// the costliest to plan, but most are one-offs: one is kept from its second use on, and only a few of them.
const shortText = 4096;
const longText = 1 << 20;
const maxStatements = 500;
const maxLongStatements = 16;

function reusingStatements(sqlite: SqliteDatabase.Database): SqliteHandle {
  const statements = new Map<string, SqliteDatabase.Statement>();
  const longStatements = new Map<string, SqliteDatabase.Statement>();
  const seenLong = new Set<string>();
  const keep = (
    cache: Map<string, SqliteDatabase.Statement>,
    max: number,
    text: string,
    stmt: SqliteDatabase.Statement,
  ) => {
    if (cache.size >= max) cache.delete(cache.keys().next().value as string);
    cache.set(text, stmt);
  };
  return {
    close: () => sqlite.close(),
    get inTransaction() {
      return sqlite.inTransaction;
    },
    prepare: (text: string) => {
      const long = text.length > shortText;
      const hit = (long ? longStatements : statements).get(text);
      if (hit && !hit.busy) return hit;
      const stmt = sqlite.prepare(text);
      if (hit) return stmt;
      if (!long) keep(statements, maxStatements, text, stmt);
      else if (text.length <= longText) {
        if (seenLong.delete(text)) keep(longStatements, maxLongStatements, text, stmt);
        else {
          if (seenLong.size >= maxLongStatements) seenLong.delete(seenLong.values().next().value as string);
          seenLong.add(text);
        }
      }
      return stmt;
    },
  };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*)(:[^@/]*)?@/, '//$1:***@');
}

export async function migrateToLatest(
  db: Kysely<Database>,
  options: { pgSchema?: string } = {},
): Promise<string[]> {
  // Kysely looks for its migration tables in every PostgreSQL schema unless told which one is ours: name
  // it, or another schema's tables (a parallel test, another instance) are mistaken for ours.
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: options.pgSchema,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

// Errors that mean the database cannot be reached or cannot take the request now, rather than a bad query:
// socket and DNS failures, PostgreSQL's connection-exception class 08, shutdowns (57P01–57P03) and too many
// connections (53300), pg's own messages for a dropped connection, and SQLite busy, locked or I/O errors.
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_CANTOPEN',
  'SQLITE_FULL',
]);
const unavailableMessages = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error/,
  /^Cannot use a pool after calling end/,
  /^The database connection is not open/,
  /^driver has already been destroyed/,
];

/**
 * A write refused by a unique index (PostgreSQL 23505, SQLite's UNIQUE / PRIMARY KEY constraint): two requests
 * raced past a "is the name free?" check, and the index kept the data right. The edge answers 409, not 500.
 */
export function isUniqueViolation(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | null, depth = 0; e && depth < 5; depth++) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
      return true;
    e = e.cause as typeof e;
  }
  return false;
}

/**
 * Run `work` (a whole transaction) again when a unique index refused it: for an upsert that reads first ("is the
 * row there?") and then inserts, where another instance inserted the same key in between. The second run finds the
 * row and updates it. At most `attempts` runs; the last refusal is thrown (a 409 at the edge).
 */
export async function retryOnUniqueViolation<T>(work: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await work();
    } catch (err) {
      if (i >= attempts || !isUniqueViolation(err)) throw err;
    }
  }
}

/** Is this error the database being unavailable (a 503 to retry later), not a fault of the query? */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (
    let e = err as { code?: unknown; message?: unknown; cause?: unknown } | null, depth = 0;
    e && depth < 5;
    depth++
  ) {
    const code = typeof e.code === 'string' ? e.code : '';
    if (unavailableCodes.has(code) || /^08[0-9A-Z]{3}$/.test(code) || code.startsWith('SQLITE_IOERR'))
      return true;
    if (typeof e.message === 'string' && unavailableMessages.some((m) => m.test(e?.message as string)))
      return true;
    e = e.cause as typeof e;
  }
  return false;
}

export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}
