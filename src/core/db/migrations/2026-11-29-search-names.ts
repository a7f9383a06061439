// The names a ticket search also looks for — people's display names, category names, tags — split into
// words (search_names: word, kind, ref), so a query's words are resolved against this small table and the
// tickets are then found through their own indexed columns. Filled here from the existing rows; kept current
// by src/core/search-names.ts. The words are compared as bytes (COLLATE "C" on PostgreSQL, SQLite's default),
// so a prefix is one index range. Frozen in time: the word splitting is a copy, not an import.
import { type Kysely, PostgresAdapter, sql } from 'kysely';

function words(text: string): string[] {
  const found =
    text
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(found.map((w) => w.slice(0, 64)))];
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('search_names')
    .addColumn('word', pg ? sql`text COLLATE "C"` : 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('ref', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('search_names_pk', ['word', 'kind', 'ref'])
    .execute();
  await db.schema.createIndex('search_names_ref').on('search_names').columns(['kind', 'ref']).execute();

  const rows: Array<{ word: string; kind: string; ref: string }> = [];
  const add = (kind: string, ref: string, name: string) => {
    for (const word of words(name)) rows.push({ word, kind, ref });
  };
  for (const u of await db.selectFrom('users').select(['id', 'name']).execute())
    add('user', String(u.id), u.name);
  for (const c of await db.selectFrom('categories').select(['id', 'name']).execute())
    add('category', String(c.id), c.name);
  for (const t of await db.selectFrom('ticket_tags').select('tag').distinct().execute())
    add('tag', t.tag, t.tag);
  for (let i = 0; i < rows.length; i += 500) {
    await db
      .insertInto('search_names')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('search_names').execute();
}
