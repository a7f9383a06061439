// SCIM 2.0 provisioning (issue 18, item 4): the bearer tokens an identity provider (Entra ID, Okta) provisions
// with, and what a directory says about a person beyond the account: its own id for them (externalId), the
// userName it knows them by, phone, language, time zone and office. A person the directory deletes is kept
// (their tickets need them) but deactivated and hidden from SCIM (scim_deleted_at). Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  await db.schema
    .createTable('scim_tokens')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('name', 'text', (c) => c.notNull())
    // sha256 of the token; the token itself is shown once.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('prefix', 'text', (c) => c.notNull())
    // The role a provisioned person gets when the directory sends none.
    .addColumn('default_role', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  for (const col of ['external_id', 'user_name', 'phone', 'language', 'time_zone', 'location'])
    await db.schema.alterTable('users').addColumn(col, 'text').execute();
  await db.schema.alterTable('users').addColumn('scim_deleted_at', 'bigint').execute();
  await db.schema.createIndex('users_external_id').on('users').column('external_id').execute();
  await db.schema.createIndex('users_user_name').on('users').column('user_name').execute();
  await db.schema.alterTable('groups').addColumn('external_id', 'text').execute();
  await db.schema.alterTable('groups').addColumn('scim_deleted_at', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('groups').dropColumn('scim_deleted_at').execute();
  await db.schema.alterTable('groups').dropColumn('external_id').execute();
  await db.schema.dropIndex('users_user_name').execute();
  await db.schema.dropIndex('users_external_id').execute();
  for (const col of [
    'scim_deleted_at',
    'location',
    'time_zone',
    'language',
    'phone',
    'user_name',
    'external_id',
  ])
    await db.schema.alterTable('users').dropColumn(col).execute();
  await db.schema.dropTable('scim_tokens').execute();
}
