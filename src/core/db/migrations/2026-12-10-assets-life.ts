// Assets' lifecycle (issue 16, parts 3 and 4): repairs of an asset (in house or a vendor's RMA, with a loaner and
// what it cost), the reminders already raised (one row per asset, kind and date: the unique claim that makes
// racing instances raise one), the request for quotes that replaces an asset (quote_requests gains the asset and
// ticket it came from; the asset names the request whose award retires it). Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const serial = pg ? 'serial' : 'integer';
  const ms = 'bigint';

  await db.schema
    .createTable('asset_repairs')
    .addColumn('id', serial, id)
    .addColumn('asset_id', 'integer', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('ticket_id', 'integer', (c) => c.references('tickets.id').onDelete('set null'))
    // 'in_house' | 'vendor_rma'
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('vendor_id', 'integer', (c) => c.references('vendors.id').onDelete('set null'))
    .addColumn('rma_number', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('loaner_asset_id', 'integer', (c) => c.references('assets.id').onDelete('set null'))
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('cost_minor', ms)
    .addColumn('cost_currency', 'text')
    .addColumn('opened_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('opened_at', ms, (c) => c.notNull())
    .addColumn('closed_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('closed_at', ms)
    // null while open; 'repaired' (back in use) | 'unrepairable' (retired)
    .addColumn('outcome', 'text')
    .addCheckConstraint('asset_repairs_kind', sql`kind IN ('in_house', 'vendor_rma')`)
    .addCheckConstraint(
      'asset_repairs_outcome',
      sql`outcome IS NULL OR outcome IN ('repaired', 'unrepairable')`,
    )
    .addCheckConstraint(
      'asset_repairs_cost',
      sql`(cost_minor IS NULL AND cost_currency IS NULL) OR (cost_minor IS NOT NULL AND cost_currency IS NOT NULL)`,
    )
    .execute();
  await db.schema
    .createIndex('asset_repairs_asset')
    .on('asset_repairs')
    .columns(['asset_id', 'id'])
    .execute();
  await db.schema.createIndex('asset_repairs_opened').on('asset_repairs').columns(['opened_at']).execute();
  // One open repair per asset: two technicians starting one at once cannot both succeed.
  await sql`CREATE UNIQUE INDEX asset_repairs_open ON asset_repairs (asset_id) WHERE closed_at IS NULL`.execute(
    db,
  );
  await db.schema.createIndex('asset_repairs_ticket').on('asset_repairs').columns(['ticket_id']).execute();

  // A reminder raised: its kind and the day it is about (a warranty's end, an expiry; for an over-assigned
  // licence, the seats it had) — inserted in the transaction of its event, so each is raised once.
  await db.schema
    .createTable('asset_reminders')
    .addColumn('asset_id', 'integer', (c) => c.notNull().references('assets.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('about', ms, (c) => c.notNull())
    .addColumn('raised_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('asset_reminders_pk', ['asset_id', 'kind', 'about'])
    .execute();

  await db.schema
    .alterTable('quote_requests')
    .addColumn('asset_id', 'integer', (c) => c.references('assets.id').onDelete('set null'))
    .execute();
  await db.schema
    .alterTable('quote_requests')
    .addColumn('ticket_id', 'integer', (c) => c.references('tickets.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('quote_requests_asset').on('quote_requests').columns(['asset_id']).execute();
  // The request whose award retires this asset (its replacement bought).
  await db.schema
    .alterTable('assets')
    .addColumn('replacement_request_id', 'integer', (c) =>
      c.references('quote_requests.id').onDelete('set null'),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('assets').dropColumn('replacement_request_id').execute();
  await db.schema.dropIndex('quote_requests_asset').execute();
  await db.schema.alterTable('quote_requests').dropColumn('ticket_id').execute();
  await db.schema.alterTable('quote_requests').dropColumn('asset_id').execute();
  await db.schema.dropTable('asset_reminders').execute();
  await db.schema.dropTable('asset_repairs').execute();
}
