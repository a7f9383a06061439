// Per-subscriber delivery failures of outbox events: one row per event and subscriber whose handling failed,
// with its attempts, last error and next try; a row whose tries are spent is dead-lettered (set aside until an
// admin retries it). Events that every subscriber handled leave no row. Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  await db.schema
    .createTable('outbox_failures')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('outbox_id', 'integer', (c) => c.notNull())
    .addColumn('subscriber', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text', (c) => c.notNull())
    .addColumn('first_failed_at', 'bigint', (c) => c.notNull())
    .addColumn('last_attempt_at', 'bigint', (c) => c.notNull())
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('dead_lettered_at', 'bigint')
    .addUniqueConstraint('outbox_failures_event_subscriber', ['outbox_id', 'subscriber'])
    .execute();
  // The relay's look-up of due retries, once per pass: only rows still being retried.
  await db.schema
    .createIndex('outbox_failures_due')
    .on('outbox_failures')
    .column('next_attempt_at')
    .where(sql.ref('dead_lettered_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outbox_failures').execute();
}
