// On-call schedules (issue 10): schedules with their layers as JSON in the schedule model's shape, overrides,
// swap and cover requests that a manager approves, and calendar-feed secrets (hashed) per schedule and per user.
// Frozen in time: Kysely<any>, no application imports.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const serial = pg ? 'serial' : 'integer';
  const ms = 'bigint';

  await db.schema
    .createTable('oncall_schedules')
    .addColumn('id', serial, id)
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('team_id', 'integer', (c) => c.references('groups.id').onDelete('set null'))
    // ScheduleLayer[] as JSON text, bottom layer first.
    .addColumn('layers', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema.createIndex('oncall_schedules_team').on('oncall_schedules').column('team_id').execute();

  await db.schema
    .createTable('oncall_shift_requests')
    .addColumn('id', serial, id)
    .addColumn('schedule_id', 'integer', (c) =>
      c.notNull().references('oncall_schedules.id').onDelete('cascade'),
    )
    // 'cover': covering_user_id takes the requester's window; 'swap': also the requester takes the other's.
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('requester_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('covering_user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('start_at', ms, (c) => c.notNull())
    .addColumn('end_at', ms, (c) => c.notNull())
    .addColumn('swap_start_at', ms)
    .addColumn('swap_end_at', ms)
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'integer', (c) => c.references('users.id'))
    .addColumn('decided_at', ms)
    .addColumn('decision_note', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('oncall_shift_requests_state')
    .on('oncall_shift_requests')
    .columns(['state', 'id'])
    .execute();
  await db.schema
    .createIndex('oncall_shift_requests_schedule')
    .on('oncall_shift_requests')
    .columns(['schedule_id', 'id'])
    .execute();

  await db.schema
    .createTable('oncall_overrides')
    .addColumn('id', serial, id)
    .addColumn('schedule_id', 'integer', (c) =>
      c.notNull().references('oncall_schedules.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('start_at', ms, (c) => c.notNull())
    .addColumn('end_at', ms, (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    // The approved request this override carries out, if any.
    .addColumn('request_id', 'integer', (c) => c.references('oncall_shift_requests.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('oncall_overrides_schedule')
    .on('oncall_overrides')
    .columns(['schedule_id', 'start_at'])
    .execute();

  // One feed secret per schedule and one per user (rotating replaces it); only its SHA-256 is kept.
  await db.schema
    .createTable('oncall_feed_tokens')
    .addColumn('id', serial, id)
    .addColumn('schedule_id', 'integer', (c) => c.references('oncall_schedules.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('oncall_feed_tokens_schedule')
    .on('oncall_feed_tokens')
    .column('schedule_id')
    .execute();
  await db.schema.createIndex('oncall_feed_tokens_user').on('oncall_feed_tokens').column('user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oncall_feed_tokens').execute();
  await db.schema.dropTable('oncall_overrides').execute();
  await db.schema.dropTable('oncall_shift_requests').execute();
  await db.schema.dropTable('oncall_schedules').execute();
}
