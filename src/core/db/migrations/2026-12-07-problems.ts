// Problem management (issue 14, item 7): problems with their root cause, workaround and state (new →
// investigating → known_error → resolved → closed), the incidents (tickets) they cause — one problem per
// ticket, kept by the key of problem_incidents — and each problem's own history. Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const ms = 'bigint';

  await db.schema
    .createTable('problems')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // 'new' | 'investigating' | 'known_error' | 'resolved' | 'closed'
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('root_cause', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('workaround', 'text', (c) => c.notNull().defaultTo(''))
    // When it was first declared a known error; kept after it is resolved (it was one).
    .addColumn('known_error_at', ms)
    // 1–5, as tickets' levels.
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(3))
    .addColumn('impact', 'integer', (c) => c.notNull().defaultTo(3))
    .addColumn('owner_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('group_id', 'integer', (c) => c.references('groups.id').onDelete('set null'))
    .addColumn('category_id', 'integer', (c) => c.references('categories.id').onDelete('set null'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('resolved_at', ms)
    .addColumn('closed_at', ms)
    .addCheckConstraint(
      'problems_status',
      sql`status IN ('new', 'investigating', 'known_error', 'resolved', 'closed')`,
    )
    .execute();
  await db.schema.createIndex('problems_status').on('problems').columns(['status', 'updated_at']).execute();
  await db.schema.createIndex('problems_updated').on('problems').columns(['updated_at', 'id']).execute();

  await db.schema
    .createTable('problem_incidents')
    // The key is the rule: a ticket is caused by at most one problem.
    .addColumn('ticket_id', 'integer', (c) => c.primaryKey().references('tickets.id').onDelete('cascade'))
    .addColumn('problem_id', 'integer', (c) => c.notNull().references('problems.id').onDelete('cascade'))
    .addColumn('linked_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('linked_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('problem_incidents_problem')
    .on('problem_incidents')
    .columns(['problem_id', 'ticket_id'])
    .execute();

  await db.schema
    .createTable('problem_history')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('problem_id', 'integer', (c) => c.notNull().references('problems.id').onDelete('cascade'))
    .addColumn('actor_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('at', ms, (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('from_value', 'text')
    .addColumn('to_value', 'text')
    .execute();
  await db.schema
    .createIndex('problem_history_problem')
    .on('problem_history')
    .columns(['problem_id', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('problem_history').execute();
  await db.schema.dropTable('problem_incidents').execute();
  await db.schema.dropTable('problems').execute();
}
