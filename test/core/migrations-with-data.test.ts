// Upgrades with data, on both dialects. Every migration is a schema version a database may be at (an instance
// upgraded from any earlier build stops at one), so the walk starts empty and, at every version, fills every table
// the schema has with rows made from its description (test/support/table-filler.ts), then takes the next
// migration and checks that each row of every table is still there with the same values (in the columns the
// migration kept). A migration that rebuilds a table (SQLite's way to change a column) and loses or rewrites rows,
// cascades a delete through a foreign key, or fails on rows it did not expect, fails here.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DbHandle, openDatabase } from '../../src/core/db/index.js';
import { migrations } from '../../src/core/db/migrations/index.js';
import { dialects, postgresUrl, withSchemaLock } from '../support/context.js';
import { describeTables, fillTables, readTables } from '../support/table-filler.js';

/**
 * Changes a migration makes to rows on purpose: the table, and the columns whose values it rewrites (or '*' for
 * rows it may remove). Each entry says why.
 */
const meant: Record<string, Record<string, string[]>> = {};

const versions = Object.keys(migrations).sort();

describe.each(dialects)('migrations with data on %s', (dialect) => {
  let handle: DbHandle;
  let dir: string;
  let schema: string | undefined;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-upgrade-'));
    if (dialect === 'postgres') schema = `t_${randomBytes(6).toString('hex')}`;
    handle = await openDatabase(
      dialect === 'sqlite'
        ? { databaseUrl: null, sqliteFile: path.join(dir, 'opsdesk.db') }
        : { databaseUrl: postgresUrl, pgSchema: schema },
    );
  });
  afterAll(async () => {
    await handle?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    if (schema)
      await withSchemaLock(dialect, async () => {
        const c = new pg.Client({ connectionString: postgresUrl });
        await c.connect();
        await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => c.end());
      });
  });

  it(`keeps every row through each of the ${versions.length} migrations, filled at every version`, async () => {
    const counter = { n: 0 };
    let before = new Map<string, Record<string, unknown>[]>();
    const figures = { versions: 0, rowsChecked: 0, tablesFilled: new Set<string>() };
    /** After a migration, in its transaction: every row from before it is there; then this version is filled. */
    const checkAndFill = async (version: string, trx: Kysely<any>) => {
      figures.versions++;
      const after = await describeTables(trx, dialect);
      const now = await readTables(trx, after);
      const allowed = meant[version] ?? {};
      for (const [table, rows] of before) {
        const kept = now.get(table);
        if (!kept || allowed[table]?.includes('*')) continue; // dropped, or emptied on purpose
        const columns = (after.find((t) => t.name === table)?.columns ?? [])
          .map((c) => c.name)
          .filter((c) => !allowed[table]?.includes(c) && rows.length > 0 && c in rows[0]);
        const key = (r: Record<string, unknown>) => JSON.stringify(columns.map((c) => r[c]));
        const present = new Map<string, number>();
        for (const r of kept) present.set(key(r), (present.get(key(r)) ?? 0) + 1);
        const missing = rows.filter((r) => {
          const left = present.get(key(r)) ?? 0;
          present.set(key(r), left - 1);
          return left <= 0;
        });
        expect(missing, `${version}: rows of ${table} lost or changed`).toEqual([]);
        figures.rowsChecked += rows.length;
      }
      // Fill this version's tables (the new ones, and more rows in the old) before the next migration.
      const empty = await fillTables(trx, dialect, after, 3, counter);
      expect(empty, `${version}: tables the filler could not fill`).toEqual([]);
      for (const t of after) figures.tablesFilled.add(t.name);
      before = await readTables(trx, after);
    };
    // Each migration as it ships, followed (in its transaction) by the check and the filling: one migrator run,
    // so the migrator's look at every schema of the database is taken once.
    const walked: Record<string, Migration> = Object.fromEntries(
      versions.map((v) => [
        v,
        {
          up: async (trx: Kysely<any>) => {
            await migrations[v]!.up(trx);
            await checkAndFill(v, trx);
          },
        },
      ]),
    );
    const migrator = new Migrator({
      db: handle.db,
      provider: { getMigrations: async () => walked },
      migrationTableSchema: schema,
    });
    const { error } = await withSchemaLock(dialect, () => migrator.migrateToLatest());
    if (error) throw error;
    console.log(
      `migrations with data (${dialect}): ${figures.versions} versions, ${figures.tablesFilled.size} tables filled, ` +
        `${figures.rowsChecked} row checks, ${counter.n} rows written`,
    );
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(
      handle.db,
    );
    expect(rows.map((r) => r.name)).toEqual(versions);
  }, 300_000);
});
