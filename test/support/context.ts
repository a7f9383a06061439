// Test contexts on real databases: a fresh SQLite file in a temp folder, or a fresh schema in the
// PostgreSQL server at 127.0.0.1:5432 (database test). Every database test loops over `dialects`.
// PostgreSQL is required: when it cannot be reached the tests fail, they never skip.
import { randomBytes } from 'node:crypto';
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
import { openContext } from '../../src/core/runtime.js';

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
  options: { log?: Logger } = {},
): Promise<TestContext> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-test-'));
  const config = loadConfig({
    OPSDESK_DATA_DIR: dataDir,
    OPSDESK_LOG_LEVEL: 'silent',
    ...(dialect === 'postgres' ? { DATABASE_URL: postgresUrl } : {}),
    ...env,
  });
  const schema = dialect === 'postgres' ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
  // Kysely's migrator introspects every schema's tables; a schema another test file drops at that moment
  // fails it ("schema … does not exist"). Migrations and drops take turns under one advisory lock.
  const opened = await withSchemaLock(dialect, () =>
    openContext(config, { clock, log: options.log ?? pino({ level: 'silent' }), pgSchema: schema }),
  );
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
      if (schema) {
        await withSchemaLock(dialect, async () => {
          const c = new pg.Client({ connectionString: postgresUrl });
          await c.connect();
          try {
            await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
          } finally {
            await c.end();
          }
        });
      }
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
