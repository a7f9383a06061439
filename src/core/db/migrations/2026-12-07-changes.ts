// Change management (issue 14 item 8): change requests with their assessment, plans and window, the services
// they touch (the incidents domain's services), their links to tickets and problems, templates for standard
// (pre-approved) changes and blackout periods. Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const ms = 'bigint';

  await db.schema
    .createTable('change_templates')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // 'low' | 'medium' | 'high': a standard change is low risk by definition; the template says so.
    .addColumn('risk', 'text', (c) => c.notNull())
    .addColumn('impact', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('backout_plan', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('test_plan', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('changes')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // 'standard' | 'normal' | 'emergency'
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('risk', 'text', (c) => c.notNull())
    .addColumn('impact', 'text', (c) => c.notNull())
    .addColumn('plan', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('backout_plan', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('test_plan', 'text', (c) => c.notNull().defaultTo(''))
    // The window, half-open [start, end): a change ending at 10:00 and one starting at 10:00 do not overlap.
    .addColumn('window_start', ms)
    .addColumn('window_end', ms)
    .addColumn('template_id', 'integer', (c) => c.references('change_templates.id'))
    .addColumn('requester_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('owner_id', 'integer', (c) => c.references('users.id'))
    .addColumn('implementer_id', 'integer', (c) => c.references('users.id'))
    .addColumn('group_id', 'integer', (c) => c.references('groups.id'))
    // The CAB's approval (the approvals engine's id), while and after it is asked.
    .addColumn('approval_id', 'integer')
    .addColumn('cab_reason', 'text')
    // Post-implementation review: 'successful' | 'partially_successful' | 'failed' | 'backed_out'.
    .addColumn('review_outcome', 'text')
    .addColumn('review_notes', 'text')
    .addColumn('reviewed_by', 'integer', (c) => c.references('users.id'))
    .addColumn('reviewed_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('changes_window').on('changes').columns(['window_start', 'id']).execute();
  await db.schema.createIndex('changes_state').on('changes').columns(['state', 'id']).execute();

  await db.schema
    .createTable('change_services')
    .addColumn('change_id', 'integer', (c) => c.notNull().references('changes.id').onDelete('cascade'))
    .addColumn('service_id', 'integer', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('change_services_pk', ['change_id', 'service_id'])
    .execute();
  await db.schema
    .createIndex('change_services_service')
    .on('change_services')
    .columns(['service_id', 'change_id'])
    .execute();

  // Links to tickets and problems. No foreign key on target_id: it points into one of two tables.
  await db.schema
    .createTable('change_links')
    .addColumn('change_id', 'integer', (c) => c.notNull().references('changes.id').onDelete('cascade'))
    // 'ticket' | 'problem'
    .addColumn('target_type', 'text', (c) => c.notNull())
    .addColumn('target_id', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('change_links_pk', ['change_id', 'target_type', 'target_id'])
    .execute();
  await db.schema
    .createIndex('change_links_target')
    .on('change_links')
    .columns(['target_type', 'target_id'])
    .execute();

  await db.schema
    .createTable('change_blackouts')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('starts_at', ms, (c) => c.notNull())
    .addColumn('ends_at', ms, (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('change_blackouts_start').on('change_blackouts').column('starts_at').execute();
  // A blackout with no rows here covers every service.
  await db.schema
    .createTable('change_blackout_services')
    .addColumn('blackout_id', 'integer', (c) =>
      c.notNull().references('change_blackouts.id').onDelete('cascade'),
    )
    .addColumn('service_id', 'integer', (c) => c.notNull().references('services.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('change_blackout_services_pk', ['blackout_id', 'service_id'])
    .execute();
}
