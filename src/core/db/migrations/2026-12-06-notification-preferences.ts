// Notification preferences (issue 14, item 10): per person and kind of mail, off / immediate / digest; the
// person's digest time of day and time zone (users had no time zone of their own) with the next digest's
// instant, the claim that makes one instance send it; and the digest's pending items, kept until the digest
// mail that lists them is queued in the same transaction. Frozen in time: Kysely<any>, no application imports.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const ms = 'bigint';

  // A missing row is the kind's default (what the mail stage did before preferences existed).
  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    // 'off' | 'immediate' | 'digest'
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_preferences_pk', ['user_id', 'kind'])
    .execute();

  await db.schema
    .createTable('notification_settings')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    // Minutes after local midnight (0…1439) in time_zone (IANA).
    .addColumn('digest_minute', 'integer', (c) => c.notNull())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    // When the next digest is due; null: no kind is in the digest and none is pending. The digest job claims
    // a person's digest by moving this on with a conditional UPDATE (WHERE next_digest_at = the value read).
    .addColumn('next_digest_at', ms)
    // The local date (YYYY-MM-DD) of the last digest: at most one a day, even when the time is changed.
    .addColumn('last_digest_date', 'text')
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notification_settings_due')
    .on('notification_settings')
    .columns(['next_digest_at'])
    .execute();

  await db.schema
    .createTable('notification_digest_items')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    // Plain integers: the digest lists what happened, as the delivery log keeps its rows.
    .addColumn('ticket_id', 'integer')
    .addColumn('event_id', 'integer')
    .addColumn('ticket_title', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('detail', 'text')
    // event:<id>:<template>:<user>: a redispatched event adds no second item.
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('notification_digest_items_user')
    .on('notification_digest_items')
    .columns(['user_id', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('notification_digest_items').execute();
  await db.schema.dropTable('notification_settings').execute();
  await db.schema.dropTable('notification_preferences').execute();
}
