// Technicians and assignment: profiles (working calendar, capacity), a skills catalogue and each person's
// levels, time off, ordered routing rules, each group's assignment policy with its round-robin cursor, and the
// queue of arrived tickets waiting for automatic assignment. Frozen in time: Kysely<any>, no application imports.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idType = pg ? 'serial' : 'integer';
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const ms = 'bigint';

  await db.schema
    .createTable('technician_profiles')
    .addColumn('user_id', 'integer', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    // A deleted calendar leaves the person on shift around the clock rather than blocking the delete.
    .addColumn('calendar_id', 'integer', (c) => c.references('sla_calendars.id').onDelete('set null'))
    .addColumn('max_open_tickets', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'integer')
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('skills')
    .addColumn('id', idType, id)
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('description', 'text', (c) => c.notNull())
    // JSON arrays: words that, found in a ticket's title or description, say it needs the skill; and the
    // categories whose tickets need it.
    .addColumn('keywords', 'text', (c) => c.notNull())
    .addColumn('category_ids', 'text', (c) => c.notNull())
    .addColumn('needed_level', 'integer', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('technician_skills')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('skill_id', 'integer', (c) => c.notNull().references('skills.id').onDelete('cascade'))
    .addColumn('level', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('technician_skills_pk', ['user_id', 'skill_id'])
    .execute();
  await db.schema.createIndex('technician_skills_skill').on('technician_skills').column('skill_id').execute();

  await db.schema
    .createTable('technician_time_off')
    .addColumn('id', idType, id)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('starts_at', ms, (c) => c.notNull())
    .addColumn('ends_at', ms, (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer')
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('technician_time_off_user')
    .on('technician_time_off')
    .columns(['user_id', 'ends_at'])
    .execute();

  await db.schema
    .createTable('assignment_rules')
    .addColumn('id', idType, id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    // JSON {categoryIds?, keywords?, requesterGroupIds?}: every condition given must hold.
    .addColumn('conditions', 'text', (c) => c.notNull())
    .addColumn('group_id', 'integer', (c) => c.notNull().references('groups.id').onDelete('cascade'))
    .addColumn('skill_id', 'integer', (c) => c.references('skills.id').onDelete('set null'))
    .addColumn('skill_level', 'integer')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('assignment_rules_position')
    .on('assignment_rules')
    .columns(['position', 'id'])
    .execute();

  await db.schema
    .createTable('assignment_policies')
    .addColumn('group_id', 'integer', (c) => c.primaryKey().references('groups.id').onDelete('cascade'))
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('auto', 'integer', (c) => c.notNull().defaultTo(0))
    // The round-robin cursor: who got the group's last ticket. `turns` is bumped by every automatic
    // assignment in the group: the UPDATE takes the row's lock, so assignments in one group take turns.
    .addColumn('last_user_id', 'integer')
    .addColumn('turns', 'integer', (c) => c.notNull().defaultTo(0))
    // When the periodic optimiser last ran for the group (claimed by a conditional UPDATE across instances).
    .addColumn('optimised_at', ms)
    .addColumn('updated_by', 'integer')
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('assignment_queue')
    .addColumn('ticket_id', 'integer', (c) => c.primaryKey().references('tickets.id').onDelete('cascade'))
    .addColumn('queued_at', ms, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('assignment_queue_due')
    .on('assignment_queue')
    .column('next_attempt_at')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'assignment_queue',
    'assignment_policies',
    'assignment_rules',
    'technician_time_off',
    'technician_skills',
    'skills',
    'technician_profiles',
  ])
    await db.schema.dropTable(table).execute();
}
