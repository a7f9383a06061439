// Logs (issue 12): the error patterns that template mining finds — one row per template, the hosts it came from,
// and its count per minute, in all and per host (the series that new-pattern and spike alerts read, and what a
// ticket's hosts logged around it). The records themselves are the
// log store's migration. Frozen in time: Kysely<any>.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const ms = 'bigint';

  await db.schema
    .createTable('log_templates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('merged_into', 'text')
    .addColumn('count', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('worst_severity', 'integer', (c) => c.notNull())
    .addColumn('severity_mask', 'integer', (c) => c.notNull())
    .addColumn('first_seen', ms, (c) => c.notNull())
    .addColumn('last_seen', ms, (c) => c.notNull())
    .addColumn('example', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('log_templates_last_seen').on('log_templates').column('last_seen').execute();
  await db.schema
    .createIndex('log_templates_merged_into')
    .on('log_templates')
    .column('merged_into')
    .execute();

  await db.schema
    .createTable('log_template_hosts')
    .addColumn('template_id', 'text', (c) => c.notNull().references('log_templates.id').onDelete('cascade'))
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('count', 'bigint', (c) => c.notNull())
    .addColumn('last_seen', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('log_template_hosts_pk', ['template_id', 'host'])
    .execute();
  await db.schema
    .createIndex('log_template_hosts_host')
    .on('log_template_hosts')
    .columns(['host', 'last_seen'])
    .execute();

  await db.schema
    .createTable('log_template_minutes')
    .addColumn('template_id', 'text', (c) => c.notNull().references('log_templates.id').onDelete('cascade'))
    .addColumn('minute', ms, (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('errors', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('log_template_minutes_pk', ['template_id', 'minute'])
    .execute();
  await db.schema
    .createIndex('log_template_minutes_minute')
    .on('log_template_minutes')
    .column('minute')
    .execute();
  // The same per host (host '' when a record has none): what a ticket's or incident's hosts logged around it.
  // Host first: what a ticket's hosts logged in a window is a range of this key.
  await db.schema
    .createTable('log_host_minutes')
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('minute', ms, (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull().references('log_templates.id').onDelete('cascade'))
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('errors', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('log_host_minutes_pk', ['host', 'minute', 'template_id'])
    .execute();
  await db.schema.createIndex('log_host_minutes_minute').on('log_host_minutes').column('minute').execute();
}
