// Logs (issue 12): the records' host, app and template filters move from B-tree indexes to postings. An index per
// column took an entry per record at a few hundred scattered places per batch (hosts, templates), which cut the
// store's write rate to a fifth of a plain INSERT's; a posting row holds, per batch and value, the ids of the
// batch's records with that value (delta-coded), a few hundred rows per batch of twenty thousand records. The
// severity and target indexes stay (a handful of values: their entries land together), as does the time index.
// On SQLite the full-text rows are written by the store beside the records instead of by a trigger per row (the
// delete trigger stays: retention deletes by id). Postings for the records already stored are built here.
// Frozen in time: Kysely<any>.
import { type Kysely, PostgresAdapter, sql } from 'kysely';

/** Records read per step while the postings of stored records are built. */
const step = 20_000;

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;

  await db.schema
    .createTable('log_postings')
    // 'h:' host, 'a:' app, 't:' template id, then the value.
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('last_id', 'bigint', (c) => c.notNull())
    .addColumn('first_id', 'bigint', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    // The ids, ascending: the first as a varint, then each one's distance from the one before (LEB128).
    .addColumn('ids', pg ? 'bytea' : 'blob', (c) => c.notNull())
    .addPrimaryKeyConstraint('log_postings_pk', ['key', 'last_id'])
    .execute();
  // Retention drops the postings whose records are all gone: the oldest by last id.
  await db.schema.createIndex('log_postings_last_id').on('log_postings').column('last_id').execute();

  for (const column of ['host', 'app', 'template_id'])
    await db.schema.dropIndex(`log_records_${column}`).execute();
  if (!pg) await sql`DROP TRIGGER log_records_fts_insert`.execute(db);

  // The records stored so far, a step of ids at a time.
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('log_records')
      .select(['id', 'host', 'app', 'template_id'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(step)
      .execute();
    if (rows.length === 0) break;
    const byKey = new Map<string, number[]>();
    const add = (key: string, id: number) => {
      const ids = byKey.get(key);
      if (ids) ids.push(id);
      else byKey.set(key, [id]);
    };
    for (const r of rows) {
      const id = Number(r.id);
      if (r.host) add(`h:${r.host}`, id);
      if (r.app) add(`a:${r.app}`, id);
      add(`t:${r.template_id}`, id);
    }
    const postings = [...byKey].map(([key, ids]) => ({
      key,
      last_id: ids[ids.length - 1] as number,
      first_id: ids[0] as number,
      count: ids.length,
      ids: encode(ids),
    }));
    for (let i = 0; i < postings.length; i += 500)
      await db
        .insertInto('log_postings')
        .values(postings.slice(i, i + 500))
        .execute();
    after = Number((rows[rows.length - 1] as { id: number }).id);
  }
}

/** The ids as the store writes them (src/logs/log-postings.ts), copied here: a migration does not change. */
function encode(ids: number[]): Uint8Array {
  const out: number[] = [];
  let previous = 0;
  for (const id of ids) {
    let d = id - previous;
    previous = id;
    while (d >= 128) {
      out.push((d % 128) + 128);
      d = Math.floor(d / 128);
    }
    out.push(d);
  }
  return Uint8Array.from(out);
}
