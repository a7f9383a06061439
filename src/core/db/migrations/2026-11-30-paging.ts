// Escalation policies, services and incidents with their escalation timers and timeline (issue 10, paging).
// Timers live in the incident row (next_escalation_at), so a restart continues where it was; an open incident's
// dedup key is unique per service (open_dedup_key, cleared on resolve). Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';
  const ms = 'bigint';

  // steps: JSON [{targets: [{kind, id}], delayMinutes}]; schedule ids are not foreign keys (schedules are
  // another migration's, and a step may outlive its schedule: the engine skips what it cannot resolve).
  await db.schema
    .createTable('escalation_policies')
    .addColumn('id', idType, id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('repeat_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('services')
    .addColumn('id', idType, id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('escalation_policy_id', 'integer', (c) =>
      c.notNull().references('escalation_policies.id').onDelete('restrict'),
    )
    .addColumn('group_id', 'integer', (c) => c.references('groups.id').onDelete('set null'))
    .addColumn('category_id', 'integer', (c) => c.references('categories.id').onDelete('set null'))
    .addColumn('ack_timeout_minutes', 'integer', (c) => c.notNull())
    // Only the key's SHA-256: a machine caller holds the key, the database cannot give it away.
    .addColumn('integration_key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('integration_key_prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('services_policy').on('services').column('escalation_policy_id').execute();

  await db.schema
    .createTable('incidents')
    .addColumn('id', idType, id)
    // Null when paged from a ticket straight to a policy, without a service.
    .addColumn('service_id', 'integer', (c) => c.references('services.id').onDelete('restrict'))
    .addColumn('policy_id', 'integer', (c) => c.references('escalation_policies.id').onDelete('set null'))
    // The policy as it was when the incident opened: the incident follows it, whatever is edited later.
    .addColumn('policy_snapshot', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('details', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('dedup_key', 'text')
    // The dedup key while the incident is open, null once resolved: unique per service among open incidents.
    .addColumn('open_dedup_key', 'text')
    .addColumn('event_count', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('ticket_id', 'integer', (c) => c.references('tickets.id').onDelete('set null'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('ack_timeout_minutes', 'integer', (c) => c.notNull())
    .addColumn('current_step', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('current_repeat', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_escalation_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addColumn('acknowledged_at', ms)
    .addColumn('acknowledged_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('resolved_at', ms)
    .addColumn('resolved_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addUniqueConstraint('incidents_open_dedup', ['service_id', 'open_dedup_key'])
    .execute();
  // The engine's look-up of due timers: only incidents with one.
  await db.schema
    .createIndex('incidents_due')
    .on('incidents')
    .column('next_escalation_at')
    .where(sql.ref('next_escalation_at'), 'is not', null)
    .execute();
  await db.schema.createIndex('incidents_state').on('incidents').columns(['state', 'id']).execute();
  await db.schema.createIndex('incidents_service').on('incidents').columns(['service_id', 'id']).execute();
  await db.schema.createIndex('incidents_ticket').on('incidents').column('ticket_id').execute();

  await db.schema
    .createTable('incident_timeline')
    .addColumn('id', idType, id)
    .addColumn('incident_id', 'integer', (c) => c.notNull().references('incidents.id').onDelete('cascade'))
    .addColumn('at', ms, (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('step', 'integer')
    .addColumn('repeat', 'integer')
    .addColumn('channel', 'text')
    .addColumn('delivery_id', 'integer')
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .createIndex('incident_timeline_incident')
    .on('incident_timeline')
    .columns(['incident_id', 'id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('incident_timeline').execute();
  await db.schema.dropTable('incidents').execute();
  await db.schema.dropTable('services').execute();
  await db.schema.dropTable('escalation_policies').execute();
}
