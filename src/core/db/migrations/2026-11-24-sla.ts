// SLA engine: business calendars, policies (ordered), group OLAs, each ticket's derived clocks (with an
// indexed next-check instant for the escalation job), fired warnings/breaches/levels (unique, so nothing
// fires twice), and escalations (manual and automatic) for the manager's queue. Frozen in time.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const idType = pg ? 'serial' : 'integer';
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const ms = 'bigint';

  await db.schema
    .createTable('sla_calendars')
    .addColumn('id', idType, id)
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('time_zone', 'text', (c) => c.notNull())
    .addColumn('always_open', 'integer', (c) => c.notNull().defaultTo(0))
    // JSON: [{day, start, end}] and [{date, name, yearly}]
    .addColumn('hours', 'text', (c) => c.notNull())
    .addColumn('holidays', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sla_policies')
    .addColumn('id', idType, id)
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    // JSON: conditions {priorities?, categoryIds?, types?, requesterGroupIds?}; targets per target name;
    // escalation levels [{target, offsetMinutes, actions}].
    .addColumn('conditions', 'text', (c) => c.notNull())
    .addColumn('targets', 'text', (c) => c.notNull())
    .addColumn('levels', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('sla_policies_position')
    .on('sla_policies')
    .columns(['position', 'id'])
    .execute();

  await db.schema
    .createTable('sla_olas')
    .addColumn('id', idType, id)
    .addColumn('group_id', 'integer', (c) => c.notNull().unique().references('groups.id').onDelete('cascade'))
    .addColumn('minutes', 'integer', (c) => c.notNull())
    .addColumn('calendar_id', 'integer', (c) => c.references('sla_calendars.id'))
    .addColumn('warn_percent', 'integer')
    .addColumn('pause_statuses', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sla_ticket_clocks')
    .addColumn('ticket_id', 'integer', (c) => c.primaryKey().references('tickets.id').onDelete('cascade'))
    .addColumn('policy_id', 'integer')
    // Set by hand: this policy, whatever the conditions say.
    .addColumn('pinned_policy_id', 'integer')
    .addColumn('is_open', 'integer', (c) => c.notNull())
    .addColumn('ticket_created_at', ms, (c) => c.notNull())
    .addColumn('group_id', 'integer')
    .addColumn('assignee_id', 'integer')
    .addColumn('computed_at', ms, (c) => c.notNull())
    // JSON: the clocks as the API shows them.
    .addColumn('clocks', 'text', (c) => c.notNull())
    .addColumn('first_response_due_at', ms)
    .addColumn('first_response_achieved_at', ms)
    .addColumn('first_response_margin_ms', ms)
    .addColumn('first_response_breached', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('resolution_due_at', ms)
    .addColumn('resolution_achieved_at', ms)
    .addColumn('resolution_margin_ms', ms)
    .addColumn('resolution_breached', 'integer', (c) => c.notNull().defaultTo(0))
    // The next instant a warning, breach or escalation level may be due: what the job looks up.
    .addColumn('next_check_at', ms)
    .execute();
  await db.schema
    .createIndex('sla_ticket_clocks_next_check')
    .on('sla_ticket_clocks')
    .columns(['next_check_at'])
    .execute();
  await db.schema
    .createIndex('sla_ticket_clocks_created')
    .on('sla_ticket_clocks')
    .columns(['ticket_created_at', 'ticket_id'])
    .execute();

  await db.schema
    .createTable('sla_fired')
    .addColumn('id', idType, id)
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('target', 'text', (c) => c.notNull())
    // 'warning', 'breach' or 'level-N'
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('cycle', 'integer', (c) => c.notNull())
    .addColumn('due_at', ms)
    .addColumn('fired_at', ms, (c) => c.notNull())
    .addUniqueConstraint('sla_fired_once', ['ticket_id', 'target', 'level', 'cycle'])
    .execute();

  await db.schema
    .createTable('sla_escalations')
    .addColumn('id', idType, id)
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('target', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('from_group_id', 'integer')
    .addColumn('to_group_id', 'integer')
    .addColumn('to_manager', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('actor_id', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('closed_at', ms)
    .addColumn('closed_by', 'integer')
    .addColumn('note', 'text')
    .execute();
  await db.schema
    .createIndex('sla_escalations_queue')
    .on('sla_escalations')
    .columns(['status', 'to_manager', 'id'])
    .execute();
  await db.schema
    .createIndex('sla_escalations_ticket')
    .on('sla_escalations')
    .columns(['ticket_id', 'id'])
    .execute();
}
