// Single sign-on with SAML 2.0 (issue 18, item 2): a SAML identity provider's own settings beside the OpenID
// Connect ones (its single sign-on URL, the certificates it signs with, the attributes holding the e-mail address
// and the name), and the assertions already used, kept until they expire so that none signs anyone in twice — a
// unique key, so that several instances on one database refuse a replay alike. Frozen in time: Kysely<any>.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // JSON: { ssoUrl, certificates: [PEM], emailAttribute, nameAttribute }; null for an OpenID Connect provider.
  await db.schema.alterTable('identity_providers').addColumn('saml', 'text').execute();
  await db.schema
    .createTable('saml_assertions')
    .addColumn('provider_id', 'integer', (c) =>
      c.notNull().references('identity_providers.id').onDelete('cascade'),
    )
    // The assertion's ID attribute, as the provider wrote it.
    .addColumn('assertion_id', 'text', (c) => c.notNull())
    .addColumn('used_at', 'bigint', (c) => c.notNull())
    // When the assertion stops being valid anyway (its NotOnOrAfter, plus the clock skew allowed): then it goes.
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('saml_assertions_pk', ['provider_id', 'assertion_id'])
    .execute();
  await db.schema.createIndex('saml_assertions_expiry').on('saml_assertions').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('saml_assertions').execute();
  await db.schema.alterTable('identity_providers').dropColumn('saml').execute();
}
