// Logs (issue 12): the log records themselves — one row per syslog or HTTP record, in insertion order (the id is
// the live tail's cursor) — with full text on the message, and the store's running totals (the bytes that size
// retention compares with OPSDESK_LOGS_MAX_MB, kept as a sum so the sweep does not scan ten million rows).
// Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  // SQLite: AUTOINCREMENT, so an id is never reused even when retention deletes every row (the tail's cursor).
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const ms = 'bigint';

  await db.schema
    .createTable('log_records')
    .addColumn('id', pg ? 'bigserial' : 'integer', id)
    .addColumn('time', ms, (c) => c.notNull())
    .addColumn('received_at', ms, (c) => c.notNull())
    .addColumn('host', 'text')
    .addColumn('app', 'text')
    .addColumn('proc_id', 'text')
    .addColumn('msg_id', 'text')
    .addColumn('severity', 'integer', (c) => c.notNull())
    .addColumn('facility', 'integer', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    // JSON (RFC 5424 structured data), null when the record had none.
    .addColumn('structured_data', 'text')
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('target_id', 'integer')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('peer', 'text')
    .addColumn('truncated', 'integer', (c) => c.notNull())
    // What the record costs, roughly (its text plus a fixed overhead): what size retention counts.
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .execute();
  // Every filter pairs with id so that a filtered page, newest first, walks one index backwards.
  for (const column of ['host', 'app', 'template_id', 'target_id', 'severity'])
    await db.schema.createIndex(`log_records_${column}`).on('log_records').columns([column, 'id']).execute();
  await db.schema.createIndex('log_records_time').on('log_records').column('time').execute();

  if (pg) {
    // 'simple': no stemming and no stop words, so error codes, host names and "not" stay searchable words.
    await sql`CREATE INDEX log_records_message_fts ON log_records USING gin (to_tsvector('simple'::regconfig, message))`.execute(
      db,
    );
  } else {
    // Contentless (the text is in log_records), detail=none and columnsize=0: the smallest index that answers
    // "which rows hold these words", newest first by rowid; phrases are checked against the message itself.
    await sql`CREATE VIRTUAL TABLE log_records_fts USING fts5(message, content='', contentless_delete=1, detail=none, tokenize='unicode61')`.execute(
      db,
    );
    await sql`CREATE TRIGGER log_records_fts_insert AFTER INSERT ON log_records BEGIN
      INSERT INTO log_records_fts (rowid, message) VALUES (new.id, new.message); END`.execute(db);
    await sql`CREATE TRIGGER log_records_fts_delete AFTER DELETE ON log_records BEGIN
      DELETE FROM log_records_fts WHERE rowid = old.id; END`.execute(db);
  }

  // One row (id 1): records and bytes stored now.
  await db.schema
    .createTable('log_store_totals')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('records', 'bigint', (c) => c.notNull())
    .addColumn('bytes', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('log_store_totals').values({ id: 1, records: 0, bytes: 0 }).execute();
}
