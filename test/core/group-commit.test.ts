// Group commit on SQLite (src/core/db/group-commit.ts): concurrent transactions share COMMITs, yet each
// caller returns only once its work is on disk, a failing unit takes only itself back, and a failing
// COMMIT fails every unit of its batch and leaves nothing behind. Checked from a second connection.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GroupCommitStats } from '../../src/core/db/group-commit.js';
import { openDatabase } from '../../src/core/db/index.js';

interface Db {
  notes: { id: number; body: string };
  parents: { id: number };
  children: { id: number; parent_id: number };
}

let dir: string;
let db: Kysely<Db>;
let commits: GroupCommitStats;
let close: () => Promise<void>;
let other: SqliteDatabase.Database;

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-gc-'));
  const file = path.join(dir, 'gc.db');
  const handle = await openDatabase({ databaseUrl: null, sqliteFile: file });
  db = handle.db as unknown as Kysely<Db>;
  commits = handle.commits as GroupCommitStats;
  close = handle.close;
  await sql`create table notes (id integer primary key, body text not null unique)`.execute(db);
  await sql`create table parents (id integer primary key)`.execute(db);
  await sql`create table children (id integer primary key, parent_id integer not null
    references parents(id) deferrable initially deferred)`.execute(db);
  other = new SqliteDatabase(file, { readonly: true });
});

afterEach(async () => {
  other.close();
  await close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const count = (table: string) =>
  (other.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
const onDisk = (id: number) => other.prepare('select 1 from notes where id = ?').get(id) !== undefined;

const insertNote = (id: number, body = `note ${id}`) =>
  db.transaction().execute(async (trx) => {
    await trx.insertInto('notes').values({ id, body }).execute();
    return id;
  });

describe('group commit on SQLite', () => {
  it('concurrent transactions share commits, and each returns with its row already on disk', async () => {
    const before = { ...commits };
    const n = 100;
    const visibleOnReturn = await Promise.all(
      Array.from({ length: n }, (_, i) => insertNote(i + 1).then((id) => onDisk(id))),
    );
    expect(visibleOnReturn.every(Boolean)).toBe(true);
    expect(count('notes')).toBe(n);
    expect(commits.units - before.units).toBe(n);
    // They arrived together, so far fewer COMMITs than transactions.
    expect(commits.commits - before.commits).toBeLessThan(n / 4);
  });

  it('a lone transaction commits promptly', async () => {
    await insertNote(1);
    expect(onDisk(1)).toBe(true);
  });

  it('a failing transaction takes back only its own writes', async () => {
    await insertNote(1, 'taken');
    const results = await Promise.allSettled([
      insertNote(2),
      db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ id: 3, body: 'fine so far' }).execute();
        await trx.insertInto('notes').values({ id: 4, body: 'taken' }).execute(); // unique violation
      }),
      db.transaction().execute(async (trx) => {
        await trx.insertInto('notes').values({ id: 5, body: 'then' }).execute();
        throw new Error('the caller changed its mind');
      }),
      insertNote(6),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(
      (other.prepare('select id from notes order by id').all() as Array<{ id: number }>).map((r) => r.id),
    ).toEqual([1, 2, 6]);
  });

  it('a read that ran while a batch was open returns only once the batch has committed', async () => {
    const write = insertNote(1);
    const read = db.selectFrom('notes').select('id').execute();
    const rows = await read;
    expect(rows.map((r) => r.id)).toEqual([1]);
    // What the read saw is on disk by the time the read returns.
    expect(onDisk(1)).toBe(true);
    await write;
  });

  it('a write outside a transaction is on disk when it returns', async () => {
    const [a, b] = await Promise.all([
      db
        .insertInto('notes')
        .values({ id: 1, body: 'one' })
        .execute()
        .then(() => onDisk(1)),
      db
        .insertInto('notes')
        .values({ id: 2, body: 'two' })
        .execute()
        .then(() => onDisk(2)),
    ]);
    expect([a, b]).toEqual([true, true]);
  });

  it('a COMMIT that fails fails every transaction of its batch and leaves none of them', async () => {
    await db.insertInto('parents').values({ id: 1 }).execute();
    const results = await Promise.allSettled([
      insertNote(10),
      // A deferred foreign key is checked only at COMMIT: the batch's COMMIT fails.
      db.transaction().execute(async (trx) => {
        await trx.insertInto('children').values({ id: 1, parent_id: 999 }).execute();
      }),
      insertNote(11),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/FOREIGN KEY/);
    expect(count('notes')).toBe(0);
    expect(count('children')).toBe(0);
    // The connection is usable again.
    await insertNote(12);
    expect(onDisk(12)).toBe(true);
  });

  it("Kysely's own savepoints nest inside a transaction", async () => {
    const trx = await db.startTransaction().execute();
    await trx.insertInto('notes').values({ id: 1, body: 'kept' }).execute();
    const sp = await trx.savepoint('inner').execute();
    await sp.insertInto('notes').values({ id: 2, body: 'undone' }).execute();
    await sp.rollbackToSavepoint('inner').execute();
    await trx.commit().execute();
    expect(
      (other.prepare('select id from notes order by id').all() as Array<{ id: number }>).map((r) => r.id),
    ).toEqual([1]);
  });

  it('whatever mix of transactions succeeds and fails, exactly the ones that returned are on disk', async () => {
    let next = 1;
    const op = fc.record({
      rows: fc.integer({ min: 1, max: 3 }),
      fate: fc.constantFrom('commit', 'throw', 'duplicate', 'read'),
      wait: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        await db.deleteFrom('notes').execute();
        const committed = new Set<number>();
        const lost: number[] = [];
        await Promise.all(
          ops.map(async (o) => {
            if (o.wait) await new Promise((resolve) => setImmediate(resolve));
            if (o.fate === 'read') {
              const rows = await db.selectFrom('notes').select('id').execute();
              // What a read saw is on disk when it returns.
              for (const r of rows) if (!onDisk(r.id)) lost.push(r.id);
              return;
            }
            const ids = Array.from({ length: o.rows }, () => next++);
            try {
              await db.transaction().execute(async (trx) => {
                for (const id of ids)
                  await trx
                    .insertInto('notes')
                    .values({ id, body: `n${id}` })
                    .execute();
                if (o.fate === 'duplicate')
                  await trx.insertInto('notes').values({ id: ids[0], body: 'again' }).execute();
                if (o.fate === 'throw') throw new Error('no');
              });
              for (const id of ids) {
                committed.add(id);
                if (!onDisk(id)) lost.push(id);
              }
            } catch {
              // rolled back: none of its rows may stay
            }
          }),
        );
        expect(lost).toEqual([]);
        const stored = (other.prepare('select id from notes').all() as Array<{ id: number }>).map(
          (r) => r.id,
        );
        expect(new Set(stored)).toEqual(committed);
      }),
      { numRuns: 60 },
    );
  });

  it('closing the database commits what is open', async () => {
    const pending = insertNote(1);
    await pending;
    await close();
    close = async () => {};
    expect(onDisk(1)).toBe(true);
  });
});
