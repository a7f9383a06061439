// The service catalogue (issue 14, item 1): custom field definitions, request types with their ordered forms
// (per-form required and show-conditions) and defaults, the custom field values of tickets (one row per value,
// typed columns, indexed by field and value so a queue filters on them on both dialects), and the request
// type a ticket was filed through. Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';
  const ms = 'bigint';
  const real = pg ? 'double precision' : 'real';

  await db.schema
    .createTable('custom_fields')
    .addColumn('id', idType, id)
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('label', 'text', (c) => c.notNull())
    // 'text' | 'number' | 'date' | 'choice' | 'multi_choice' | 'user' | 'attachment'
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('help_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('required', 'integer', (c) => c.notNull().defaultTo(0))
    // The choices of choice and multi_choice, a JSON array of strings.
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('[]'))
    // number: the value's range; date: none (ISO dates compare as text); text: min/max length.
    .addColumn('min_value', real)
    .addColumn('max_value', real)
    // text: a regular expression checked at save time (length, syntax, no nested quantifiers).
    .addColumn('pattern', 'text')
    .addColumn('max_length', 'integer')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    // Bumped by every change: compiled form validators are cached by it.
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('request_types')
    .addColumn('id', idType, id)
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // The catalogue's own grouping ("Hardware", "Access"), not the ticket category.
    .addColumn('catalog_category', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('icon', 'text', (c) => c.notNull().defaultTo(''))
    // Words the catalogue search also matches, space-separated.
    .addColumn('keywords', 'text', (c) => c.notNull().defaultTo(''))
    // 'everyone' (requesters too) | 'staff'
    .addColumn('audience', 'text', (c) => c.notNull().defaultTo('everyone'))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('position', 'integer', (c) => c.notNull().defaultTo(0))
    // Defaults the filed ticket gets.
    .addColumn('ticket_type', 'text', (c) => c.notNull().defaultTo('request'))
    .addColumn('category_id', 'integer', (c) => c.references('categories.id').onDelete('set null'))
    .addColumn('group_id', 'integer', (c) => c.references('groups.id').onDelete('set null'))
    .addColumn('impact', 'integer')
    .addColumn('urgency', 'integer')
    .addColumn('sla_policy_id', 'integer', (c) => c.references('sla_policies.id').onDelete('set null'))
    // Bumped by every change of the form: compiled validators are cached by it.
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('request_type_fields')
    .addColumn('request_type_id', 'integer', (c) =>
      c.notNull().references('request_types.id').onDelete('cascade'),
    )
    .addColumn('field_id', 'integer', (c) => c.notNull().references('custom_fields.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    // Per form: null takes the field's own.
    .addColumn('required', 'integer')
    // Show the field only when {field, op: equals|in|set, value|values} holds (JSON), or always (null).
    .addColumn('condition', 'text')
    .addPrimaryKeyConstraint('request_type_fields_pk', ['request_type_id', 'field_id'])
    .execute();

  // One row per value (a multi-choice or attachment field has several): text, date and choices in
  // value_text, numbers, people and attachments in value_number — each indexed with the field for filters.
  await db.schema
    .createTable('ticket_field_values')
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('field_id', 'integer', (c) => c.notNull().references('custom_fields.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('value_text', 'text')
    .addColumn('value_number', real)
    .addPrimaryKeyConstraint('ticket_field_values_pk', ['ticket_id', 'field_id', 'seq'])
    .execute();
  await db.schema
    .createIndex('ticket_field_values_text')
    .on('ticket_field_values')
    .columns(['field_id', 'value_text', 'ticket_id'])
    .execute();
  await db.schema
    .createIndex('ticket_field_values_number')
    .on('ticket_field_values')
    .columns(['field_id', 'value_number', 'ticket_id'])
    .execute();

  await db.schema
    .alterTable('tickets')
    .addColumn('request_type_id', 'integer', (c) => c.references('request_types.id').onDelete('set null'))
    .execute();
  await db.schema.createIndex('tickets_request_type').on('tickets').column('request_type_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('tickets_request_type').execute();
  await db.schema.alterTable('tickets').dropColumn('request_type_id').execute();
  for (const table of ['ticket_field_values', 'request_type_fields', 'request_types', 'custom_fields'])
    await db.schema.dropTable(table).execute();
}
