// LDAP and Active Directory sign-in and sync (issue 18, item 3): the directories an admin connects (where they are,
// how to bind and search, how groups map to opsdesk groups and roles) and the accounts each directory's people are
// linked to, by the directory's own id for them (entryUUID, objectGUID) and their DN. Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  await db.schema
    .createTable('ldap_directories')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('name', 'text', (c) => c.notNull().unique())
    // ldap://host:389 (with start_tls, or plain on loopback) or ldaps://host:636.
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('start_tls', 'integer', (c) => c.notNull())
    // PEM certificates to trust beyond the system's (a company CA); null: the system's only.
    .addColumn('tls_ca', 'text')
    // 'search': bind as the service account, find the person, bind as them; 'direct': bind with user_dn_template.
    .addColumn('bind_mode', 'text', (c) => c.notNull())
    .addColumn('bind_dn', 'text')
    // The service account's password: sent to the directory, never shown again by the API.
    .addColumn('bind_password', 'text')
    .addColumn('user_dn_template', 'text')
    .addColumn('user_base', 'text', (c) => c.notNull())
    .addColumn('user_filter', 'text', (c) => c.notNull())
    .addColumn('login_attribute', 'text', (c) => c.notNull())
    .addColumn('email_attribute', 'text', (c) => c.notNull())
    .addColumn('name_attribute', 'text', (c) => c.notNull())
    .addColumn('id_attribute', 'text', (c) => c.notNull())
    // A filter finding the people who may not sign in (AD: userAccountControl's bit 2); null: none are disabled.
    .addColumn('disabled_filter', 'text')
    .addColumn('group_base', 'text')
    .addColumn('group_filter', 'text', (c) => c.notNull())
    .addColumn('member_attribute', 'text', (c) => c.notNull())
    .addColumn('group_name_attribute', 'text', (c) => c.notNull())
    // 'auto' | 'matching-rule' (AD's 1.2.840.113556.1.4.1941) | 'walk' (member attributes, in memory) | 'off'.
    .addColumn('nested_groups', 'text', (c) => c.notNull())
    // JSON: { roleMap: {group: role}, defaultRole, groupMap: {group: [groupId]} }, groups by name or DN.
    .addColumn('mapping', 'text', (c) => c.notNull())
    .addColumn('create_accounts', 'integer', (c) => c.notNull())
    .addColumn('sync_enabled', 'integer', (c) => c.notNull())
    .addColumn('sync_interval_minutes', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('last_sync_at', 'bigint')
    // JSON: the last sync's report (counts and the first items).
    .addColumn('last_sync_report', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('ldap_accounts')
    .addColumn('directory_id', 'integer', (c) =>
      c.notNull().references('ldap_directories.id').onDelete('cascade'),
    )
    // The directory's stable id for the person (survives a rename or a move, unlike the DN).
    .addColumn('unique_id', 'text', (c) => c.notNull())
    // An account belongs to one directory at most.
    .addColumn('user_id', 'integer', (c) => c.notNull().unique().references('users.id').onDelete('cascade'))
    .addColumn('dn', 'text', (c) => c.notNull())
    // 1: a sync deactivated the account (gone or disabled in the directory), so a sync may activate it again.
    .addColumn('deactivated_by_sync', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint')
    .addColumn('last_sign_in_at', 'bigint')
    .addPrimaryKeyConstraint('ldap_accounts_pk', ['directory_id', 'unique_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('ldap_accounts').execute();
  await db.schema.dropTable('ldap_directories').execute();
}
