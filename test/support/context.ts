// Test contexts on real databases: a fresh SQLite file in a temp folder, or a fresh schema in the
// PostgreSQL server at 127.0.0.1:5432 (database test). Every database test loops over `dialects`.
// PostgreSQL is required: when it cannot be reached the tests fail, they never skip.
// A fresh database is a copy of one migrated once (see migratedTemplate), not a new migration: running every
// migration cost seconds per PostgreSQL schema, under a lock every test file waited on.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AjvCompiler, type RouteDefinition } from '@fastify/ajv-compiler';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import pg from 'pg';
import pino, { type Logger } from 'pino';
import { buildApp } from '../../src/api/app.js';
import { ManualClock } from '../../src/core/clock.js';
import { type Config, loadConfig } from '../../src/core/config.js';
import type { ServiceContext } from '../../src/core/context.js';
import { migrateToLatest, openDatabase } from '../../src/core/db/index.js';
import { openContext, sqliteFileOf } from '../../src/core/runtime.js';

export const postgresUrl = process.env.OPSDESK_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type Dialect = 'sqlite' | 'postgres';
export const dialects: Dialect[] = ['sqlite', 'postgres'];

const schemaLockKey = 727_274_001;

/** Runs work that introspects or drops PostgreSQL schemas (migrations, DROP SCHEMA) in turn with every other test file. */
export async function withSchemaLock<T>(dialect: Dialect, work: () => Promise<T>): Promise<T> {
  if (dialect !== 'postgres') return work();
  const lock = new pg.Client({ connectionString: postgresUrl });
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [schemaLockKey]);
    return await work();
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [schemaLockKey]).catch(() => {});
    await lock.end();
  }
}

const migrationsDir = path.resolve(import.meta.dirname, '../../src/core/db/migrations');

/** The migrations' sources, hashed: a template made from other migrations is never used. */
function migrationsHash(): string {
  const hash = createHash('sha256');
  for (const name of fs.readdirSync(migrationsDir).sort()) {
    hash
      .update(name)
      .update('\0')
      .update(fs.readFileSync(path.join(migrationsDir, name)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

const templateDir = path.join(os.tmpdir(), 'opsdesk-test-templates');
const pgPlaceholder = 'opsdesk_template_schema';

interface Template {
  key: string;
  sqliteFile: string;
  /** SQL that makes a migrated schema named pgPlaceholder: tables, indexes, sequences and rows. */
  pgSchema: string;
  /** SQL that puts the template's rows and sequence values back into emptied tables of such a schema. */
  pgRows: string;
}
let templates: Promise<Template> | undefined;

/** Writes a file whole or not at all: a file running beside this one reads the old or the new, never half. */
function writeAtomically(file: string, text: string | Buffer): void {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

function pgDump(schema: string, only: string[]): Promise<string> {
  return new Promise<string>((resolve, reject) =>
    execFile(
      'pg_dump',
      [
        `--dbname=${postgresUrl}`,
        `--schema=${schema}`,
        '--inserts',
        '--no-owner',
        '--no-privileges',
        ...only,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => (err ? reject(new Error(`pg_dump failed: ${stderr}`)) : resolve(stdout)),
    ),
  );
}

/**
 * A database migrated to the latest, made once per set of migrations and kept in the temp folder for every test
 * file (and run) after: a SQLite file to copy, and SQL that recreates a migrated PostgreSQL schema (its tables,
 * indexes, sequences and rows, kysely_migration's included) under any name. The PostgreSQL one is a pg_dump of a
 * schema the migrations ran on, so it is the schema the migrator makes, not a description of it.
 */
function migratedTemplate(): Promise<Template> {
  templates ??= (async () => {
    const key = migrationsHash();
    fs.mkdirSync(templateDir, { recursive: true });
    const sqliteFile = path.join(templateDir, `${key}.db`);
    const pgFile = path.join(templateDir, `${key}.pg.json`);
    if (!fs.existsSync(sqliteFile)) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-template-'));
      try {
        const file = path.join(dir, 'opsdesk.db');
        const handle = await openDatabase({ databaseUrl: null, sqliteFile: file });
        try {
          await migrateToLatest(handle.db);
        } finally {
          await handle.close();
        }
        // Closing the last connection checkpoints the WAL into the file: the file alone is the database.
        writeAtomically(sqliteFile, fs.readFileSync(file));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    if (!fs.existsSync(pgFile)) {
      const schema = `tpl_${key}_${randomBytes(3).toString('hex')}`;
      const dumps = await withSchemaLock('postgres', async () => {
        const handle = await openDatabase({ databaseUrl: postgresUrl, pgSchema: schema });
        try {
          await migrateToLatest(handle.db, { pgSchema: schema });
        } finally {
          await handle.close();
        }
        try {
          return [await pgDump(schema, []), await pgDump(schema, ['--data-only'])];
        } finally {
          await dropSchema(schema);
          await dropIdleSchemasOfOtherMigrations(key);
        }
      });
      // Kept as SQL a client runs in one query: without psql's meta-commands (\restrict) and comments. The
      // schema's name is unique (a hash and random letters): replacing it names nothing else.
      const [pgSchema, pgRows] = dumps.map((dump) =>
        dump
          .split('\n')
          .filter((line) => !line.startsWith('\\') && !line.startsWith('--'))
          .join('\n')
          .replaceAll(schema, pgPlaceholder),
      );
      writeAtomically(pgFile, JSON.stringify({ pgSchema, pgRows }));
    }
    const pg = JSON.parse(fs.readFileSync(pgFile, 'utf8')) as { pgSchema: string; pgRows: string };
    return { key, sqliteFile, ...pg };
  })();
  const made = templates;
  made.catch(() => {
    if (templates === made) templates = undefined;
  });
  return made;
}

async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: postgresUrl });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

// PostgreSQL schemas are kept for reuse: a test file's schema, emptied and refilled with the template's rows, serves
// the next one. Making a schema (150 tables, their indexes and sequences) and dropping it cost seconds each; emptying
// one is a DELETE per table. A schema is in use while a session holds its advisory lock, so a test process that
// dies frees it, and it is emptied when taken, not when given back, so one left half-written is emptied too.
const poolPrefix = 'p_';
const poolLock = (schema: string) =>
  `SELECT pg_try_advisory_lock(hashtext('opsdesk-test-pool'), hashtext('${schema}')) AS got`;

const poolUnlock = (schema: string) =>
  `SELECT pg_advisory_unlock(hashtext('opsdesk-test-pool'), hashtext('${schema}'))`;
/**
 * What a schema is made of, as one string (for the pg_namespace row n): its relations, functions, triggers,
 * constraints and columns (with their types). A kept schema is written its shape when made.
 */
const shapeOf = `concat_ws('/',
  (SELECT count(*) FROM pg_class c WHERE c.relnamespace = n.oid),
  (SELECT count(*) FROM pg_proc p WHERE p.pronamespace = n.oid),
  (SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = n.oid),
  (SELECT count(*) FROM pg_constraint k WHERE k.connamespace = n.oid),
  (SELECT count(*) || ':' || coalesce(sum(a.atttypid::int8), 0) || ':' || count(*) FILTER (WHERE a.attnotnull)
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
     WHERE c.relnamespace = n.oid AND a.attnum > 0 AND NOT a.attisdropped))`;

/** Drops the kept schemas of other migrations (an older checkout's) that no test holds. Under the schema lock. */
async function dropIdleSchemasOfOtherMigrations(key: string): Promise<void> {
  const c = new pg.Client({ connectionString: postgresUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ nspname: string }>(
      'SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 AND nspname NOT LIKE $2',
      [`${poolPrefix}%`, `${poolPrefix}${key}\\_%`],
    );
    for (const { nspname } of rows) {
      if (!/^p_[0-9a-f]{16}_[0-9a-f]{8}$/.test(nspname)) continue;
      if ((await c.query<{ got: boolean }>(poolLock(nspname))).rows[0].got)
        await c.query(`DROP SCHEMA IF EXISTS ${nspname} CASCADE`);
    }
  } finally {
    await c.end();
  }
}

/** Takes a kept schema no test holds, emptied to the template's rows, or makes a new one; release gives it back. */
async function claimSchema(template: Template): Promise<{ schema: string; release(): Promise<void> }> {
  const holder = new pg.Client({ connectionString: postgresUrl });
  await holder.connect();
  const release = () => holder.end();
  try {
    const { rows } = await holder.query<{ nspname: string }>(
      'SELECT nspname FROM pg_namespace WHERE nspname LIKE $1 ORDER BY nspname',
      [`${poolPrefix}${template.key}\\_%`],
    );
    for (const { nspname: schema } of rows) {
      if (!(await holder.query<{ got: boolean }>(poolLock(schema))).rows[0].got) continue;
      const tables = await holder.query<{ tablename: string }>(
        'SELECT tablename FROM pg_tables WHERE schemaname = $1',
        [schema],
      );
      // Another checkout's cleanup may have dropped it between the listing and the lock.
      if (tables.rows.length === 0) continue;
      // A test that changed the schema itself (a trigger, a function, a column) left it unlike the template: emptying
      // its rows would not undo that, so it is dropped and another taken.
      const shape = await holder.query<{ now: string; made: string | null }>(
        `SELECT ${shapeOf} AS now, obj_description(n.oid, 'pg_namespace') AS made FROM pg_namespace n WHERE n.nspname = $1`,
        [schema],
      );
      if (shape.rows[0]?.now !== shape.rows[0]?.made) {
        await holder.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await holder.query(poolUnlock(schema));
        continue;
      }
      // A context its test left open (its jobs still running) must not write into the next test's rows.
      await holder.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
        [schema],
      );
      // One query, one transaction. Foreign keys are not checked while every table is emptied and refilled.
      await holder.query(
        [
          'SET session_replication_role = replica',
          ...tables.rows.map((t) => `DELETE FROM ${schema}."${t.tablename}"`),
          template.pgRows.replaceAll(pgPlaceholder, schema),
          'RESET session_replication_role',
        ].join(';\n'),
      );
      return { schema, release };
    }
    const schema = `${poolPrefix}${template.key}_${randomBytes(4).toString('hex')}`;
    await holder.query(poolLock(schema));
    // One simple query is one transaction: a migrator introspecting meanwhile sees the whole schema or none of it.
    await holder.query(template.pgSchema.replaceAll(pgPlaceholder, schema));
    const { rows: made } = await holder.query<{ shape: string }>(
      `SELECT ${shapeOf} AS shape FROM pg_namespace n WHERE n.nspname = $1`,
      [schema],
    );
    await holder.query(`COMMENT ON SCHEMA ${schema} IS '${made[0].shape}'`);
    return { schema, release };
  } catch (err) {
    await release();
    throw err;
  }
}

export interface TestContext {
  ctx: ServiceContext;
  clock: ManualClock;
  config: Config;
  dataDir: string;
  /** A second context on the same database (SQLite file, PostgreSQL schema), as another instance would be. */
  openAnother(clock: ManualClock): Promise<{ ctx: ServiceContext; close(): Promise<void> }>;
  close(): Promise<void>;
}

export async function makeContext(
  dialect: Dialect,
  env: Record<string, string> = {},
  options: {
    log?: Logger;
    /** Run every migration on an empty database, for the tests of the migrations themselves. */
    fresh?: boolean;
  } = {},
): Promise<TestContext> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-test-'));
  const clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
  const log = options.log ?? pino({ level: 'silent' });
  // A copy of the migrated template by default; OPSDESK_TEST_DB_TEMPLATES=0 migrates every database afresh, as the
  // suite did before templates (to rule them out when a test fails only in a whole run).
  const fresh = options.fresh || process.env.OPSDESK_TEST_DB_TEMPLATES === '0';
  let schema: string | undefined;
  let giveBack: () => Promise<void> = async () => {};
  let databaseUrl = postgresUrl;
  if (dialect === 'postgres' && fresh) schema = `t_${randomBytes(6).toString('hex')}`;
  else if (dialect === 'postgres') {
    const claimed = await claimSchema(await migratedTemplate());
    schema = claimed.schema;
    giveBack = claimed.release;
    // Its connections carry the schema's name, so the next test to take the schema can end any left open.
    const url = new URL(postgresUrl);
    url.searchParams.set('application_name', schema);
    databaseUrl = url.toString();
  }
  const config = loadConfig({
    OPSDESK_DATA_DIR: dataDir,
    OPSDESK_LOG_LEVEL: 'silent',
    // A test machine's stalls (a long synchronous step, two cores shared by several workers) are not the service's
    // overload: the event-loop threshold is off unless a test sets it (test/reliability/overload.test.ts).
    OPSDESK_OVERLOAD_EVENT_LOOP_DELAY_MS: '0',
    ...(dialect === 'postgres' ? { DATABASE_URL: databaseUrl } : {}),
    ...env,
  });
  let opened: Awaited<ReturnType<typeof openContext>>;
  if (fresh) {
    // Kysely's migrator introspects every schema's tables; a schema another test file drops at that moment
    // fails it ("schema … does not exist"). Migrations and drops take turns under one advisory lock.
    opened = await withSchemaLock(dialect, () => openContext(config, { clock, log, pgSchema: schema }));
    const dropped = schema;
    giveBack = async () => {
      if (dropped) await withSchemaLock(dialect, () => dropSchema(dropped));
    };
  } else {
    if (dialect === 'sqlite') fs.copyFileSync((await migratedTemplate()).sqliteFile, sqliteFileOf(config));
    try {
      opened = await openContext(config, { clock, log, pgSchema: schema, migrate: false });
    } catch (err) {
      await giveBack();
      throw err;
    }
  }
  return {
    ctx: opened.ctx,
    clock,
    config,
    dataDir,
    openAnother: async (otherClock) => {
      const other = await openContext(config, {
        clock: otherClock,
        log: pino({ level: 'silent' }),
        pgSchema: schema,
        migrate: false,
      });
      return { ctx: other.ctx, close: other.close };
    },
    close: async () => {
      await opened.close();
      await giveBack();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestApp extends TestContext {
  app: FastifyInstance;
}

/**
 * Schema compilers shared by every app this test file builds. Building an app compiled each route's request
 * validators (Ajv) and response serialisers (fast-json-stringify) anew, seconds per app, the same code each
 * time; here each is compiled once and kept by its schema (as JSON: a route's schema is a new object in every
 * app), with the shared schemas and the options it was compiled for. They are Fastify's own default
 * compilers, so what is validated and sent is the same as in the server.
 */
function sharedSchemaCompilers(): NonNullable<FastifyServerOptions['schemaController']> {
  const keep = <F>(compiled: Map<string, F>, key: string, compile: () => F): F => {
    let f = compiled.get(key);
    if (!f) {
      f = compile();
      compiled.set(key, f);
    }
    return f;
  };
  const buildValidator = AjvCompiler();
  const buildSerializer = SerializerSelector();
  const validators = new Map<string, ReturnType<ReturnType<typeof buildValidator>>>();
  const serializers = new Map<string, ReturnType<ReturnType<typeof buildSerializer>>>();
  // Fastify hands a compiler the route's definition ({ schema, method, url, httpPart }); the validator's
  // published type names it a schema.
  const schemaOf = (route: unknown) => JSON.stringify((route as RouteDefinition).schema);
  const sharedValidators: typeof buildValidator = (externalSchemas, options) => {
    const compile = buildValidator(externalSchemas, options);
    const context = JSON.stringify([externalSchemas, options]);
    return (route) => keep(validators, `${context}${schemaOf(route)}`, () => compile(route));
  };
  const sharedSerializers: typeof buildSerializer = (externalSchemas, options) => {
    const compile = buildSerializer(externalSchemas, options);
    const context = JSON.stringify([externalSchemas, options]);
    return (route) => keep(serializers, `${context}${schemaOf(route)}`, () => compile(route));
  };
  return { compilersFactory: { buildValidator: sharedValidators, buildSerializer: sharedSerializers } };
}

/** For a test that builds its own app (with a logger, its own metrics): pass it to buildApp as `schemaController`. */
export const schemaController = sharedSchemaCompilers();

export async function makeApp(dialect: Dialect, env: Record<string, string> = {}): Promise<TestApp> {
  const t = await makeContext(dialect, env);
  const app = await buildApp(t.ctx, { schemaController });
  await app.ready();
  return {
    ...t,
    app,
    close: async () => {
      await app.close();
      await t.close();
    },
  };
}
