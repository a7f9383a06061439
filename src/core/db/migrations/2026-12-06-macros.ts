// Macros and templates (issue 14): canned responses (text with placeholders an agent inserts in a reply),
// macros (an ordered list of changes applied to a ticket at once) and ticket templates (the defaults of a
// ticket filed on someone's behalf). Each belongs to one person ('user'), one group or everyone ('global').
// Actions and tags are JSON text (both dialects read them whole). Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type CreateTableBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';
  const ms = 'bigint';
  // The scope columns every kind shares: user → owner_id, group → group_id, global → neither.
  const scoped = <T extends string>(t: CreateTableBuilder<T, any>) =>
    t
      .addColumn('id', idType, id)
      // 'user' | 'group' | 'global'
      .addColumn('scope', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('group_id', 'integer', (c) => c.references('groups.id').onDelete('cascade'))
      .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', ms, (c) => c.notNull())
      .addColumn('updated_at', ms, (c) => c.notNull());

  await scoped(db.schema.createTable('canned_responses'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    // Space-separated words the picker also matches; the shortcut is what an agent types (e.g. "thanks").
    .addColumn('keywords', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('shortcut', 'text')
    .execute();

  await scoped(db.schema.createTable('macros'))
    .addColumn('name', 'text', (c) => c.notNull())
    // JSON: [{ type: 'set_status', status }, { type: 'add_tags', tags }, { type: 'public_reply', body }, …]
    .addColumn('actions', 'text', (c) => c.notNull())
    .execute();

  await scoped(db.schema.createTable('ticket_templates'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('ticket_type', 'text')
    .addColumn('category_id', 'integer', (c) => c.references('categories.id').onDelete('set null'))
    .addColumn('impact', 'integer')
    .addColumn('urgency', 'integer')
    .addColumn('default_group_id', 'integer', (c) => c.references('groups.id').onDelete('set null'))
    // JSON array of tags.
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();

  for (const table of ['canned_responses', 'macros', 'ticket_templates']) {
    await db.schema
      .createIndex(`${table}_scope`)
      .on(table)
      .columns(['scope', 'owner_id', 'group_id'])
      .execute();
  }
}
