// Time tracking on tickets (issue 14): the time a technician logged (a stopped timer or a manual entry,
// billable or not) and the timers still running — one per person and ticket, kept in the database so a
// reload, another tab or another instance sees the same timer. Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const ms = 'bigint';

  await db.schema
    .createTable('time_entries')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    // Who did the work (the entry's owner, who may change it besides managers and admins).
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    // Whole minutes, 1–1440: what reports add up. A timer's are its elapsed time, rounded up.
    .addColumn('minutes', 'integer', (c) => c.notNull())
    // When the work ran, when known (a timer, or a manual entry given as a span); else null.
    .addColumn('started_at', ms)
    .addColumn('ended_at', ms)
    // The moment the work counts for in reports (its start, or what the person said; default: when logged).
    .addColumn('worked_on', ms, (c) => c.notNull())
    .addColumn('billable', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    // 'timer' | 'manual'
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('time_entries_ticket')
    .on('time_entries')
    .columns(['ticket_id', 'id'])
    .execute();
  await db.schema.createIndex('time_entries_worked_on').on('time_entries').column('worked_on').execute();
  await db.schema
    .createIndex('time_entries_user')
    .on('time_entries')
    .columns(['user_id', 'worked_on'])
    .execute();

  await db.schema
    .createTable('time_timers')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('started_at', ms, (c) => c.notNull())
    // The key is the rule: one running timer per person and ticket, whichever instance starts it.
    .addPrimaryKeyConstraint('time_timers_pk', ['user_id', 'ticket_id'])
    .execute();
  await db.schema.createIndex('time_timers_ticket').on('time_timers').column('ticket_id').execute();
}
