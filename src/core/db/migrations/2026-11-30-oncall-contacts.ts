// Per-person contact methods (email, webhook, chat, sms) and notification rules for paging, and the two columns
// that tie a delivery to them: the incident a page belongs to (to cancel it) and the contact method it goes to.
// Frozen in time: Kysely<any>, no application imports.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const ms = 'bigint';

  await db.schema
    .createTable('contact_methods')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('secret', 'text')
    .addColumn('verified_at', ms)
    .addColumn('verify_code_hash', 'text')
    .addColumn('verify_code_expires_at', ms)
    .addColumn('verify_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_test_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('contact_methods_user')
    .on('contact_methods')
    .columns(['user_id', 'id'])
    .execute();

  await db.schema
    .createTable('notification_rules')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('contact_method_id', 'integer', (c) =>
      c.notNull().references('contact_methods.id').onDelete('cascade'),
    )
    .addColumn('delay_minutes', 'integer', (c) => c.notNull())
    .addUniqueConstraint('notification_rules_place', ['user_id', 'position'])
    .execute();

  // No foreign key to incidents: that table belongs to a later migration; a page outlives nothing it names.
  await db.schema.alterTable('deliveries').addColumn('incident_id', 'integer').execute();
  await db.schema
    .alterTable('deliveries')
    .addColumn('contact_method_id', 'integer', (c) => c.references('contact_methods.id').onDelete('set null'))
    .execute();
  await db.schema
    .createIndex('deliveries_incident')
    .on('deliveries')
    .columns(['incident_id', 'state'])
    .execute();
  await db.schema
    .createIndex('deliveries_contact_method')
    .on('deliveries')
    .columns(['contact_method_id', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('deliveries_contact_method').execute();
  await db.schema.dropIndex('deliveries_incident').execute();
  await db.schema.alterTable('deliveries').dropColumn('contact_method_id').execute();
  await db.schema.alterTable('deliveries').dropColumn('incident_id').execute();
  await db.schema.dropTable('notification_rules').execute();
  await db.schema.dropTable('contact_methods').execute();
}
