// Single sign-on with OpenID Connect (issue 18, item 1): the identity providers an admin connects, the sign-ins
// in flight (state, nonce and PKCE verifier, kept here so that any instance can finish what another started), the
// accounts each provider's subjects are linked to, and which provider a session came from (for single logout).
// Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  await db.schema
    .createTable('identity_providers')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    // 'oidc' now; SAML and LDAP add theirs.
    .addColumn('kind', 'text', (c) => c.notNull())
    // The name in URLs (/api/v1/auth/oidc/{slug}/start): lower-case letters, digits and dashes.
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    // Sent to the provider's token endpoint, never shown again by the API.
    .addColumn('client_secret', 'text')
    .addColumn('scopes', 'text', (c) => c.notNull())
    // JSON: { rolesClaim, roleMap: {value: role}, defaultRole, groupsClaim, groupMap: {value: [groupId]} }.
    .addColumn('mapping', 'text', (c) => c.notNull())
    // JSON array of e-mail domains this provider vouches for (empty: any).
    .addColumn('domains', 'text', (c) => c.notNull())
    // 1: accounts in those domains must sign in here (no password sign-in, admins excepted).
    .addColumn('sso_only', 'integer', (c) => c.notNull())
    // 1: a first sign-in creates the account.
    .addColumn('create_accounts', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('sso_sign_ins')
    // sha256 of the state sent to the provider.
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('provider_id', 'integer', (c) =>
      c.notNull().references('identity_providers.id').onDelete('cascade'),
    )
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('return_to', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('user_identities')
    .addColumn('provider_id', 'integer', (c) =>
      c.notNull().references('identity_providers.id').onDelete('cascade'),
    )
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_sign_in_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('user_identities_pk', ['provider_id', 'subject'])
    .execute();
  await db.schema.createIndex('user_identities_user').on('user_identities').column('user_id').execute();
  await db.schema
    .alterTable('sessions')
    .addColumn('provider_id', 'integer', (c) => c.references('identity_providers.id').onDelete('set null'))
    .execute();
  // The ID token, as the id_token_hint of the provider's end-session request.
  await db.schema.alterTable('sessions').addColumn('id_token', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('id_token').execute();
  await db.schema.alterTable('sessions').dropColumn('provider_id').execute();
  await db.schema.dropTable('user_identities').execute();
  await db.schema.dropTable('sso_sign_ins').execute();
  await db.schema.dropTable('identity_providers').execute();
}
