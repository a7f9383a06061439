// Automation rules (issue 14 item 6): rules that fire on ticket events or after a quiet period, with their
// conditions and actions as JSON text (both dialects read them whole), ordered by position; one firing row per
// (rule, event) — the unique key that makes a redelivered event fire a rule once; and the requester attributes
// the rules condition on (users.department, users.vip). Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';
  const ms = 'bigint';

  await db.schema.alterTable('users').addColumn('department', 'text').execute();
  await db.schema
    .alterTable('users')
    .addColumn('vip', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();

  await db.schema
    .createTable('automation_rules')
    .addColumn('id', idType, id)
    .addColumn('name', 'text', (c) => c.notNull())
    // 'created' | 'updated' | 'commented' | 'sla_warning' | 'idle'
    .addColumn('trigger', 'text', (c) => c.notNull())
    // The quiet period of an 'idle' rule, minutes; null for the event triggers.
    .addColumn('idle_minutes', 'integer')
    // JSON: { all: [{ field, op, value? }], any: [...] }
    .addColumn('conditions', 'text', (c) => c.notNull())
    // JSON: [{ type: 'set_priority', priority }, { type: 'notify', to, body }, ...]
    .addColumn('actions', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('stop_processing', 'integer', (c) => c.notNull().defaultTo(0))
    // Whose name the rule's replies and changes carry: whoever saved it last.
    .addColumn('actor_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('automation_rules_position')
    .on('automation_rules')
    .column('position')
    .execute();

  await db.schema
    .createTable('automation_firings')
    .addColumn('id', idType, id)
    .addColumn('rule_id', 'integer', (c) => c.notNull().references('automation_rules.id').onDelete('cascade'))
    // The rule's name when it fired (the log keeps it after a rename).
    .addColumn('rule_name', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
    // 'event:<outbox id>' or 'idle:<ticket id>:<updated_at>': what it fired on, once.
    .addColumn('event_key', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    // What it did, in words ("set priority high; added tags vip").
    .addColumn('summary', 'text', (c) => c.notNull())
    // null when every action was taken; else why one was refused (the others stand).
    .addColumn('error', 'text')
    .addColumn('at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('automation_firings_once')
    .on('automation_firings')
    .columns(['rule_id', 'event_key'])
    .unique()
    .execute();
  await db.schema
    .createIndex('automation_firings_at')
    .on('automation_firings')
    .columns(['at', 'id'])
    .execute();
  await db.schema
    .createIndex('automation_firings_ticket')
    .on('automation_firings')
    .column('ticket_id')
    .execute();
}
