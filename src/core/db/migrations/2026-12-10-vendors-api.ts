// Suppliers, second part (issue 17): documents kept for a vendor (stored like ticket attachments, under their
// SHA-256 in the data folder), the vendor a spending entry paid (spend per vendor and year), and the units or
// seats a contract covers (the negotiation brief's price per unit). Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  await db.schema
    .createTable('vendor_documents')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('vendor_id', 'integer', (c) => c.notNull().references('vendors.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('vendor_documents_vendor').on('vendor_documents').column('vendor_id').execute();
  await db.schema
    .alterTable('budget_entries')
    .addColumn('vendor_id', 'integer', (c) => c.references('vendors.id').onDelete('set null'))
    .execute();
  await db.schema.alterTable('contracts').addColumn('units', 'integer').execute();
}
