// The mail channel: inbound messages stored before they are processed (nothing acknowledged is lost), the
// Message-ID ↔ ticket map that makes a mail arriving twice (or by SMTP and IMAP) count once, admin-edited
// templates and the outbound delivery log. Frozen in time: Kysely<any>, no application imports.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idType = pg ? 'serial' : 'integer';
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const ms = 'bigint';

  await db.schema
    .createTable('mail_inbound')
    .addColumn('id', idType, id)
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('sender', 'text')
    .addColumn('envelope_from', 'text')
    .addColumn('envelope_to', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('subject', 'text')
    .addColumn('raw', pg ? 'bytea' : 'blob')
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    // received → processed | rejected; a received row older than a minute is retried by a job.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('ticket_id', 'integer', (c) => c.references('tickets.id').onDelete('set null'))
    .addColumn('comment_id', 'integer', (c) => c.references('comments.id').onDelete('set null'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('received_at', ms, (c) => c.notNull())
    .addColumn('processed_at', ms)
    .execute();
  await db.schema.createIndex('mail_inbound_status').on('mail_inbound').columns(['status', 'id']).execute();
  await db.schema
    .createIndex('mail_inbound_sender')
    .on('mail_inbound')
    .columns(['sender', 'received_at'])
    .execute();

  await db.schema
    .createTable('mail_messages')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'integer', (c) => c.references('tickets.id').onDelete('cascade'))
    .addColumn('comment_id', 'integer', (c) => c.references('comments.id').onDelete('set null'))
    .addColumn('inbound_id', 'integer', (c) => c.references('mail_inbound.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('mail_messages_ticket')
    .on('mail_messages')
    .columns(['ticket_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('mail_templates')
    .addColumn('event', 'text', (c) => c.primaryKey())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text')
    .addColumn('updated_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('mail_deliveries')
    .addColumn('id', idType, id)
    .addColumn('event_id', 'integer', (c) => c.references('outbox.id'))
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'integer', (c) => c.references('tickets.id').onDelete('set null'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().unique())
    .addColumn('in_reply_to', 'text')
    .addColumn('references', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', ms)
    .addColumn('last_error', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('sent_at', ms)
    .addUniqueConstraint('mail_deliveries_once', ['event_id', 'template', 'to_address'])
    .execute();
  await db.schema
    .createIndex('mail_deliveries_due')
    .on('mail_deliveries')
    .columns(['status', 'next_attempt_at'])
    .execute();
}
