// History entries carry who may see them (public: the requester too; internal: staff only), set by whoever
// writes the entry; existing rows are classified by kind. Also: cache_versions (name → version, bumped in
// the writing transaction, so every instance on one database drops a stale cache) and attachment_uploads
// (files checked and stored before the ticket or reply they go with exists). Frozen in time.
import { type Kysely, PostgresAdapter } from 'kysely';

// The kinds a requester saw before and may still see: the request's own text and state, replies, files, the
// rating. System-written priority changes (actor null) were SLA escalations raising it: internal.
const publicKinds = [
  'created',
  'status',
  'comment',
  'attachment',
  'title',
  'description',
  'type',
  'category',
  'impact',
  'urgency',
  'satisfaction',
];

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .alterTable('ticket_history')
    .addColumn('visibility', 'text', (c) => c.notNull().defaultTo('internal'))
    .execute();
  await db
    .updateTable('ticket_history')
    .set({ visibility: 'public' })
    .where((eb) =>
      eb.or([
        eb('field', 'in', publicKinds),
        eb.and([eb('field', '=', 'priority'), eb('actor_id', 'is not', null)]),
      ]),
    )
    .execute();
  await db.schema
    .createIndex('ticket_history_ticket_visibility')
    .on('ticket_history')
    .columns(['ticket_id', 'visibility', 'id'])
    .execute();

  await db.schema
    .createTable('cache_versions')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('attachment_uploads')
    .addColumn('id', pg ? 'serial' : 'integer', (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()))
    .addColumn('uploaded_by', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('attachment_uploads').execute();
  await db.schema.dropTable('cache_versions').execute();
  await db.schema.dropIndex('ticket_history_ticket_visibility').execute();
  await db.schema.alterTable('ticket_history').dropColumn('visibility').execute();
}
