// The same migrations on both dialects: a fresh database migrates, a second run is a no-op, and the
// capabilities describe the dialect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/core/db/index.js';
import { migrations } from '../../src/core/db/migrations/index.js';
import { dialects, makeContext, type TestContext, withSchemaLock } from '../support/context.js';

describe.each(dialects)('database on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    // Every migration run here, on an empty database: the other tests copy a database migrated once.
    t = await makeContext(dialect, {}, { fresh: true });
  });
  afterAll(async () => t?.close());

  it('is migrated to the latest, and migrating again changes nothing', async () => {
    const rows = await t.ctx.db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute();
    // Kysely applies migrations in name order, whatever the order of the registry.
    expect((rows as { name: string }[]).map((r) => r.name).sort()).toEqual(Object.keys(migrations).sort());
    // The migrator introspects every schema: under the lock that schema drops take, as makeContext's run was.
    expect(await withSchemaLock(dialect, () => migrateToLatest(t.ctx.db))).toEqual([]);
  });

  it('stores epoch milliseconds exactly, beyond 32 bits', async () => {
    const at = Date.parse('2099-12-31T23:59:59.999Z');
    await t.ctx.db.insertInto('settings').values({ key: 'probe', value: '1', updated_at: at }).execute();
    const row = await t.ctx.db
      .selectFrom('settings')
      .select('updated_at')
      .where('key', '=', 'probe')
      .executeTakeFirstOrThrow();
    expect(row.updated_at).toBe(at);
    expect(typeof row.updated_at).toBe('number');
  });

  it('describes its capabilities', () => {
    expect(t.ctx.caps.fullText).toBe(dialect === 'sqlite' ? 'fts5' : 'tsvector');
    expect(t.ctx.caps.supportsSkipLocked).toBe(dialect === 'postgres');
    expect(t.ctx.caps.backup !== null).toBe(dialect === 'sqlite');
  });
});
