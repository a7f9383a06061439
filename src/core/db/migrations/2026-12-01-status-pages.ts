// Status pages (issue 11 item 9): pages per audience listing monitoring targets as components in sections,
// the announcements posted on them (status incidents) with their updates and linked tickets, and the mail and
// webhook subscriptions of their readers. Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';
  const ms = 'bigint';

  await db.schema
    .createTable('status_pages')
    .addColumn('id', idType, id)
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // 'public' (anyone) or 'signed_in' (any signed-in user).
    .addColumn('audience', 'text', (c) => c.notNull())
    // The zone the page's daily uptime bars are cut in.
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('status_page_components')
    .addColumn('id', idType, id)
    .addColumn('page_id', 'integer', (c) => c.notNull().references('status_pages.id').onDelete('cascade'))
    .addColumn('target_id', 'integer', (c) =>
      c.notNull().references('monitoring_targets.id').onDelete('cascade'),
    )
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('section', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('position', 'integer', (c) => c.notNull())
    // A help desk category whose new tickets are about this component (linked to its active incidents).
    .addColumn('category_id', 'integer', (c) => c.references('categories.id').onDelete('set null'))
    .execute();
  await db.schema
    .createIndex('status_page_components_page')
    .on('status_page_components')
    .columns(['page_id', 'position'])
    .execute();
  await db.schema
    .createIndex('status_page_components_category')
    .on('status_page_components')
    .column('category_id')
    .execute();

  await db.schema
    .createTable('status_incidents')
    .addColumn('id', idType, id)
    .addColumn('page_id', 'integer', (c) => c.notNull().references('status_pages.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    // 'none' | 'minor' | 'major' | 'critical'
    .addColumn('impact', 'text', (c) => c.notNull())
    // 'investigating' | 'identified' | 'monitoring' | 'resolved'
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('incident_id', 'integer', (c) => c.references('incidents.id').onDelete('set null'))
    .addColumn('started_at', ms, (c) => c.notNull())
    .addColumn('resolved_at', ms)
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('status_incidents_page_state')
    .on('status_incidents')
    .columns(['page_id', 'resolved_at'])
    .execute();

  await db.schema
    .createTable('status_incident_components')
    .addColumn('status_incident_id', 'integer', (c) =>
      c.notNull().references('status_incidents.id').onDelete('cascade'),
    )
    .addColumn('component_id', 'integer', (c) =>
      c.notNull().references('status_page_components.id').onDelete('cascade'),
    )
    .addPrimaryKeyConstraint('status_incident_components_pk', ['status_incident_id', 'component_id'])
    .execute();

  await db.schema
    .createTable('status_incident_updates')
    .addColumn('id', idType, id)
    .addColumn('status_incident_id', 'integer', (c) =>
      c.notNull().references('status_incidents.id').onDelete('cascade'),
    )
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('at', ms, (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .execute();
  await db.schema
    .createIndex('status_incident_updates_incident')
    .on('status_incident_updates')
    .columns(['status_incident_id', 'at'])
    .execute();

  // Tickets filed about an affected component while the announcement was active.
  await db.schema
    .createTable('status_incident_tickets')
    .addColumn('status_incident_id', 'integer', (c) =>
      c.notNull().references('status_incidents.id').onDelete('cascade'),
    )
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('status_incident_tickets_pk', ['status_incident_id', 'ticket_id'])
    .execute();

  // Readers' subscriptions: mail (double opt-in: confirmed_at set by the link) or a signed webhook.
  await db.schema
    .createTable('status_subscriptions')
    .addColumn('id', idType, id)
    .addColumn('page_id', 'integer', (c) => c.notNull().references('status_pages.id').onDelete('cascade'))
    // 'mail' | 'webhook'
    .addColumn('kind', 'text', (c) => c.notNull())
    // The address or URL.
    .addColumn('target', 'text', (c) => c.notNull())
    // Webhooks: the signing secret (shown once, when subscribing).
    .addColumn('secret', 'text')
    // SHA-256 of the confirmation link's token; null once confirmed.
    .addColumn('confirm_token_hash', 'text', (c) => c.unique())
    // The unsubscribe token, put in every mail's link (a capability to unsubscribe, nothing more).
    .addColumn('unsubscribe_token', 'text', (c) => c.notNull().unique())
    .addColumn('confirmed_at', ms)
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('status_subscriptions_page_target')
    .on('status_subscriptions')
    .columns(['page_id', 'kind', 'target'])
    .unique()
    .execute();
}
