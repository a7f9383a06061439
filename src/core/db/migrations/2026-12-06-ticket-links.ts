// Links between tickets and merging (issue 14, item 4): ticket_links holds typed links (parent_of, related,
// duplicate_of, caused_by) — one row per pair and kind, never a ticket to itself, at most one parent per
// ticket (so a parent cycle is found by walking up one chain); tickets.merged_into_id points a merged ticket at
// the one that carries it on. Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());

  await db.schema
    .alterTable('tickets')
    .addColumn('merged_into_id', 'integer', (c) => c.references('tickets.id'))
    .execute();
  await db.schema.createIndex('tickets_merged_into').on('tickets').column('merged_into_id').execute();
  // A comment split off into a ticket of its own keeps a pointer to it (and is split once).
  await db.schema
    .alterTable('comments')
    .addColumn('split_to_ticket_id', 'integer', (c) => c.references('tickets.id'))
    .execute();

  await db.schema
    .createTable('ticket_links')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('from_ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('to_ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    // 'parent_of' (from is the parent of to) | 'related' | 'duplicate_of' | 'caused_by' (from caused by to)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('ticket_links_not_self', sql`from_ticket_id <> to_ticket_id`)
    .addCheckConstraint(
      'ticket_links_kind',
      sql`kind IN ('parent_of', 'related', 'duplicate_of', 'caused_by')`,
    )
    .addUniqueConstraint('ticket_links_unique', ['from_ticket_id', 'to_ticket_id', 'kind'])
    .execute();
  await db.schema
    .createIndex('ticket_links_to')
    .on('ticket_links')
    .columns(['to_ticket_id', 'kind'])
    .execute();
  await db.schema
    .createIndex('ticket_links_one_parent')
    .on('ticket_links')
    .column('to_ticket_id')
    .unique()
    .where(sql.ref('kind'), '=', 'parent_of')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ticket_links').execute();
  await db.schema.alterTable('comments').dropColumn('split_to_ticket_id').execute();
  await db.schema.dropIndex('tickets_merged_into').execute();
  await db.schema.alterTable('tickets').dropColumn('merged_into_id').execute();
}
