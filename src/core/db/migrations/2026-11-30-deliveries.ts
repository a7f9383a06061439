// One delivery log for every channel (mail, webhook, chat): the table `deliveries`, filled from the old
// mail_deliveries and webhook_deliveries, which are dropped and come back as read-only views of the same name
// and shape over the one log, so old readers keep working. Webhooks get a format (signed event or chat text).
// Frozen in time: Kysely<any>, no application imports.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const ms = 'bigint';

  // 'opsdesk': the signed JSON event; 'chat': {text} for a Slack/Mattermost/Teams incoming webhook.
  await db.schema
    .alterTable('webhooks')
    .addColumn('format', 'text', (c) => c.notNull().defaultTo('opsdesk'))
    .execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('endpoint_id', 'integer', (c) => c.references('webhooks.id').onDelete('cascade'))
    .addColumn('event_id', 'integer', (c) => c.references('outbox.id'))
    .addColumn('ticket_id', 'integer', (c) => c.references('tickets.id').onDelete('set null'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', ms)
    .addColumn('lease_until', ms)
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('last_reason', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('delivered_at', ms)
    .addUniqueConstraint('deliveries_once', ['channel', 'idempotency_key'])
    .execute();
  await db.schema
    .createIndex('deliveries_due')
    .on('deliveries')
    .columns(['state', 'next_attempt_at'])
    .execute();
  await db.schema.createIndex('deliveries_channel').on('deliveries').columns(['channel', 'id']).execute();
  await db.schema
    .createIndex('deliveries_endpoint')
    .on('deliveries')
    .columns(['endpoint_id', 'id'])
    .execute();
  await db.schema.createIndex('deliveries_ticket').on('deliveries').columns(['ticket_id', 'id']).execute();

  // Webhook rows keep their ids: receivers may have deduplicated on X-Opsdesk-Delivery, which is the id.
  await sql`INSERT INTO deliveries (id, channel, endpoint_id, event_id, target, kind, payload, state, attempts,
      next_attempt_at, last_status, last_error, idempotency_key, created_at, updated_at, delivered_at)
    SELECT d.id, 'webhook', d.webhook_id, d.event_id, w.url, o.type, '{}', d.status, d.attempts,
      d.next_attempt_at, d.last_status_code, d.last_error,
      CAST(d.webhook_id AS text) || ':' || CAST(d.event_id AS text), d.created_at, d.updated_at,
      CASE WHEN d.status = 'delivered' THEN d.updated_at END
    FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id JOIN outbox o ON o.id = d.event_id`.execute(
    db,
  );
  if (pg) {
    await sql`SELECT setval(pg_get_serial_sequence('deliveries', 'id'),
      COALESCE((SELECT max(id) FROM deliveries), 0) + 1, false)`.execute(db);
  }
  const mailPayload = pg
    ? sql`json_build_object('subject', subject, 'text', text_body, 'html', html_body, 'messageId', message_id,
        'inReplyTo', in_reply_to, 'references', "references")::text`
    : sql`json_object('subject', subject, 'text', text_body, 'html', html_body, 'messageId', message_id,
        'inReplyTo', in_reply_to, 'references', "references")`;
  await sql`INSERT INTO deliveries (channel, event_id, ticket_id, user_id, target, kind, payload, state, attempts,
      next_attempt_at, last_error, idempotency_key, created_at, updated_at, delivered_at)
    SELECT 'mail', event_id, ticket_id, user_id, to_address, template, ${mailPayload},
      CASE status WHEN 'sent' THEN 'delivered' ELSE status END, attempts, next_attempt_at, last_error,
      CASE WHEN event_id IS NULL THEN 'message:' || message_id
        ELSE 'event:' || CAST(event_id AS text) || ':' || template || ':' || to_address END,
      created_at, updated_at, sent_at
    FROM mail_deliveries ORDER BY id`.execute(db);

  await db.schema.dropTable('webhook_deliveries').execute();
  await db.schema.dropTable('mail_deliveries').execute();

  // The old shapes, read-only, over the one log: 'dead' (retries spent) and 'failed' (refused) both read failed.
  const field = (name: string) =>
    pg ? sql.raw(`(payload::jsonb ->> '${name}')`) : sql.raw(`json_extract(payload, '$.${name}')`);
  await sql`CREATE VIEW webhook_deliveries AS
    SELECT id, endpoint_id AS webhook_id, event_id,
      CASE WHEN state = 'dead' THEN 'failed' ELSE state END AS status,
      attempts, next_attempt_at, last_status AS last_status_code, last_error, created_at, updated_at
    FROM deliveries WHERE channel IN ('webhook', 'chat')`.execute(db);
  await sql`CREATE VIEW mail_deliveries AS
    SELECT id, event_id, kind AS template, ticket_id, user_id, target AS to_address,
      ${field('subject')} AS subject, ${field('text')} AS text_body, ${field('html')} AS html_body,
      ${field('messageId')} AS message_id, ${field('inReplyTo')} AS in_reply_to,
      ${field('references')} AS "references",
      CASE state WHEN 'delivered' THEN 'sent' WHEN 'dead' THEN 'failed' ELSE state END AS status,
      attempts, next_attempt_at, last_error, created_at, updated_at, delivered_at AS sent_at
    FROM deliveries WHERE channel = 'mail'`.execute(db);
}

/** Back to the two logs' shape, empty (down exists for the test of `up`: the rows are not copied back). */
export async function down(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';
  await sql`DROP VIEW mail_deliveries`.execute(db);
  await sql`DROP VIEW webhook_deliveries`.execute(db);
  await db.schema.dropTable('deliveries').execute();
  await db.schema.alterTable('webhooks').dropColumn('format').execute();
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', idType, id)
    .addColumn('webhook_id', 'integer', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
    .addColumn('event_id', 'integer', (c) => c.notNull().references('outbox.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('webhook_deliveries_once', ['webhook_id', 'event_id'])
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
    .addColumn('next_attempt_at', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('sent_at', 'bigint')
    .addUniqueConstraint('mail_deliveries_once', ['event_id', 'template', 'to_address'])
    .execute();
}
