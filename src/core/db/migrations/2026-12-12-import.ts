// Moving in from another help desk (issue 18, item 7): which local row each imported record became, keyed by
// (source, kind, original id), so that a second run updates instead of duplicating; where each import stopped
// (a checkpoint per source and resource), so that a killed import continues; and the ticket's number in the
// system it came from, searchable. Frozen in time: Kysely<any>.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('import_links')
    // The source as the operator named it: kind and address (zammad:https://desk.example.com).
    .addColumn('source', 'text', (c) => c.notNull())
    // person, group, ticket, comment, attachment.
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('original_id', 'text', (c) => c.notNull())
    .addColumn('local_id', 'integer', (c) => c.notNull())
    .addColumn('imported_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_links_pk', ['source', 'kind', 'original_id'])
    .execute();
  await db.schema
    .createTable('import_checkpoints')
    .addColumn('source', 'text', (c) => c.notNull())
    // users, organizations, groups, tickets, …: what the cursor pages through.
    .addColumn('resource', 'text', (c) => c.notNull())
    // The last page written whole (a number, or the source's own cursor).
    .addColumn('cursor', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_checkpoints_pk', ['source', 'resource'])
    .execute();
  // The ticket's number where it came from (zammad 31004), null for a ticket filed here.
  await db.schema.alterTable('tickets').addColumn('external_ref', 'text').execute();
  await db.schema.createIndex('tickets_external_ref').on('tickets').column('external_ref').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tickets_external_ref').execute();
  await db.schema.alterTable('tickets').dropColumn('external_ref').execute();
  await db.schema.dropTable('import_checkpoints').execute();
  await db.schema.dropTable('import_links').execute();
}
