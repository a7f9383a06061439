// Suppliers (issue 17): vendors, their contracts (terms, renewal, notice, costs, covered services, their SLA),
// budget lines per category and fiscal year with their purchases and spending, and quotes with line items for
// the requests for quotes. quote_requests (made by upgrade proposals) gains requirements, a budget line, a
// currency, a term, the award and its states, and may now be written by hand: proposal_id becomes nullable —
// PostgreSQL drops the NOT NULL, SQLite (which cannot) rebuilds the table and copies its rows.
// Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const serial = pg ? 'serial' : 'integer';
  const big = 'bigint';

  await db.schema
    .createTable('vendors')
    .addColumn('id', serial, id)
    .addColumn('name', 'text', (c) => c.notNull().unique())
    // JSON string lists: categories (hardware, licences…) and the products and services they supply.
    .addColumn('categories', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('supplies', 'text', (c) => c.notNull().defaultTo('[]'))
    // JSON: [{ name, role, email, phone }].
    .addColumn('contacts', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    // Tickets tagged with this while pending are waiting on the vendor (their performance figure).
    .addColumn('ticket_tag', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('budget_lines')
    .addColumn('id', serial, id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    // The calendar year the fiscal year starts in (OPSDESK_FISCAL_YEAR_START_MONTH).
    .addColumn('fiscal_year', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('planned_minor', big, (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addUniqueConstraint('budget_lines_category_year', ['category', 'fiscal_year'])
    .execute();

  await db.schema
    .createTable('contracts')
    .addColumn('id', serial, id)
    .addColumn('vendor_id', 'integer', (c) => c.notNull().references('vendors.id').onDelete('restrict'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('starts_at', big, (c) => c.notNull())
    // The end of the first term (exclusive).
    .addColumn('ends_at', big, (c) => c.notNull())
    .addColumn('auto_renew', 'integer', (c) => c.notNull().defaultTo(0))
    // Each automatic renewal's length.
    .addColumn('renewal_months', 'integer', (c) => c.notNull().defaultTo(12))
    .addColumn('notice_days', 'integer', (c) => c.notNull().defaultTo(0))
    // How long before the notice deadline the reminder goes out.
    .addColumn('remind_days', 'integer', (c) => c.notNull().defaultTo(30))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('one_off_minor', big, (c) => c.notNull().defaultTo(0))
    .addColumn('recurring_minor', big, (c) => c.notNull().defaultTo(0))
    // 'month' | 'quarter' | 'year'; null: no recurring cost.
    .addColumn('recurring_period', 'text')
    .addColumn('budget_line_id', 'integer', (c) => c.references('budget_lines.id').onDelete('set null'))
    // JSON: the covered services (names), and the covered assets' ids (wired when assets exist).
    .addColumn('services', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('asset_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('sla_text', 'text', (c) => c.notNull().defaultTo(''))
    // JSON: [{ name, target }], e.g. { name: 'response', target: 'PT4H' }.
    .addColumn('sla_targets', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    // The notice deadline a reminder was last raised for: claimed by a conditional update, so once per deadline.
    .addColumn('reminded_deadline', big)
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .addCheckConstraint(
      'contracts_type',
      sql`type IN ('support', 'maintenance', 'licence', 'lease', 'service')`,
    )
    .addCheckConstraint('contracts_status', sql`status IN ('active', 'cancelled')`)
    .addCheckConstraint(
      'contracts_period',
      sql`recurring_period IS NULL OR recurring_period IN ('month', 'quarter', 'year')`,
    )
    .execute();
  await db.schema
    .createIndex('contracts_status_end')
    .on('contracts')
    .columns(['status', 'ends_at', 'id'])
    .execute();
  await db.schema.createIndex('contracts_vendor').on('contracts').columns(['vendor_id', 'id']).execute();
  await db.schema.createIndex('contracts_budget_line').on('contracts').columns(['budget_line_id']).execute();

  // quote_requests: proposal_id nullable, and the columns of the request as the vendors domain keeps it.
  if (pg) {
    await sql`ALTER TABLE quote_requests ALTER COLUMN proposal_id DROP NOT NULL`.execute(db);
  } else {
    await db.schema
      .createTable('quote_requests_next')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('proposal_id', 'integer', (c) =>
        c.unique().references('upgrade_proposals.id').onDelete('cascade'),
      )
      .addColumn('what', 'text', (c) => c.notNull())
      .addColumn('quantity', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('spec', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
      .addColumn('created_at', big, (c) => c.notNull())
      .addColumn('updated_at', big, (c) => c.notNull())
      .execute();
    await sql`INSERT INTO quote_requests_next (id, proposal_id, what, quantity, spec, status, created_by, created_at, updated_at)
      SELECT id, proposal_id, what, quantity, spec, status, created_by, created_at, updated_at FROM quote_requests`.execute(
      db,
    );
    await db.schema.dropTable('quote_requests').execute();
    await db.schema.alterTable('quote_requests_next').renameTo('quote_requests').execute();
  }
  await db.schema
    .alterTable('quote_requests')
    // JSON: [{ key, text, mandatory, weight }].
    .addColumn('requirements', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  await db.schema
    .alterTable('quote_requests')
    .addColumn('budget_line_id', 'integer', (c) => c.references('budget_lines.id').onDelete('set null'))
    .execute();
  // The comparison's currency (null: the budget line's).
  await db.schema.alterTable('quote_requests').addColumn('currency', 'text').execute();
  await db.schema
    .alterTable('quote_requests')
    .addColumn('term_months', 'integer', (c) => c.notNull().defaultTo(36))
    .execute();
  await db.schema.alterTable('quote_requests').addColumn('awarded_quote_id', 'integer').execute();
  await db.schema.alterTable('quote_requests').addColumn('awarded_at', big).execute();
  await db.schema
    .alterTable('quote_requests')
    .addColumn('awarded_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema.alterTable('quote_requests').addColumn('cancel_reason', 'text').execute();
  await db.schema
    .createIndex('quote_requests_status')
    .on('quote_requests')
    .columns(['status', 'id'])
    .execute();

  await db.schema
    .createTable('quotes')
    .addColumn('id', serial, id)
    .addColumn('request_id', 'integer', (c) =>
      c.notNull().references('quote_requests.id').onDelete('cascade'),
    )
    .addColumn('vendor_id', 'integer', (c) => c.notNull().references('vendors.id').onDelete('restrict'))
    .addColumn('reference', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('currency', 'text', (c) => c.notNull())
    // The stated rate, a decimal string: one major unit of the quote's currency in the request's currency.
    .addColumn('rate', 'text', (c) => c.notNull().defaultTo('1'))
    // JSON: the keys of the request's requirements it meets.
    .addColumn('requirements_met', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('valid_until', big)
    // 'api' | 'csv'
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', big, (c) => c.notNull())
    .addColumn('updated_at', big, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('quotes_request').on('quotes').columns(['request_id', 'id']).execute();

  await db.schema
    .createTable('quote_items')
    .addColumn('id', serial, id)
    .addColumn('quote_id', 'integer', (c) => c.notNull().references('quotes.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('unit_price_minor', big, (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('discount_bp', 'integer', (c) => c.notNull().defaultTo(0))
    .addCheckConstraint(
      'quote_items_kind',
      sql`kind IN ('purchase', 'recurring', 'support', 'energy', 'discount')`,
    )
    .addCheckConstraint('quote_items_period', sql`period IN ('once', 'month', 'quarter', 'year')`)
    .execute();
  await db.schema
    .createIndex('quote_items_quote')
    .on('quote_items')
    .columns(['quote_id', 'position'])
    .execute();

  await db.schema
    .createTable('budget_entries')
    .addColumn('id', serial, id)
    .addColumn('budget_line_id', 'integer', (c) =>
      c.notNull().references('budget_lines.id').onDelete('cascade'),
    )
    // 'purchase': committed (an awarded quote, a purchase order); 'spend': paid outside any contract or purchase.
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('amount_minor', big, (c) => c.notNull())
    .addColumn('at', big, (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('quote_id', 'integer', (c) => c.references('quotes.id').onDelete('set null'))
    .addColumn('quote_request_id', 'integer', (c) => c.references('quote_requests.id').onDelete('set null'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', big, (c) => c.notNull())
    .addCheckConstraint('budget_entries_kind', sql`kind IN ('purchase', 'spend')`)
    .execute();
  await db.schema
    .createIndex('budget_entries_line')
    .on('budget_entries')
    .columns(['budget_line_id', 'at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('budget_entries').execute();
  await db.schema.dropTable('quote_items').execute();
  await db.schema.dropTable('quotes').execute();
  await db.schema.dropTable('contracts').execute();
  await db.schema.dropTable('budget_lines').execute();
  await db.schema.dropTable('vendors').execute();
}
