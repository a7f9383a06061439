// Who a mail is from: the SMTP client's address and the relay that authenticated with SMTP AUTH, kept with the
// stored mail so that a retry judges it as it arrived; the admin who vouched for a set-aside mail's sender;
// and a lease so that one instance takes up a stuck mail at a time. Frozen in time: Kysely<any>, no
// application imports.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('mail_inbound').addColumn('client_address', 'text').execute();
  await db.schema.alterTable('mail_inbound').addColumn('smtp_relay', 'text').execute();
  await db.schema.alterTable('mail_inbound').addColumn('leased_until', 'bigint').execute();
  await db.schema
    .alterTable('mail_inbound')
    .addColumn('accepted_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('mail_inbound').dropColumn('accepted_by').execute();
  await db.schema.alterTable('mail_inbound').dropColumn('leased_until').execute();
  await db.schema.alterTable('mail_inbound').dropColumn('smtp_relay').execute();
  await db.schema.alterTable('mail_inbound').dropColumn('client_address').execute();
}
