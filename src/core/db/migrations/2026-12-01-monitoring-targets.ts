// Monitoring targets (hosts and services) with their dependencies and maintenance windows, their checks with the
// scheduler's state (next run, lease) and each check's history of state changes (issue 11). Frozen in time:
// Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';
  const ms = 'bigint';

  await db.schema
    .createTable('monitoring_targets')
    .addColumn('id', idType, id)
    .addColumn('name', 'text', (c) => c.notNull().unique())
    // 'host' (a machine or device, by address) or 'service' (something users use: a site, the VPN).
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('address', 'text')
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // JSON array of "key" or "key:value" strings.
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('group_id', 'integer', (c) => c.references('groups.id').onDelete('set null'))
    .addColumn('escalation_policy_id', 'integer', (c) =>
      c.references('escalation_policies.id').onDelete('set null'),
    )
    // The incidents service its alerts open incidents on (its escalation policy pages).
    .addColumn('service_id', 'integer', (c) => c.references('services.id').onDelete('set null'))
    // Derived from its checks: 'pending' | 'up' | 'down' | 'paused'.
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('state_since', ms, (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  // While a parent is down its children open no new alerts (their checks and resolutions go on).
  await db.schema
    .createTable('monitoring_target_dependencies')
    .addColumn('target_id', 'integer', (c) =>
      c.notNull().references('monitoring_targets.id').onDelete('cascade'),
    )
    .addColumn('parent_id', 'integer', (c) =>
      c.notNull().references('monitoring_targets.id').onDelete('cascade'),
    )
    .addPrimaryKeyConstraint('monitoring_target_dependencies_pk', ['target_id', 'parent_id'])
    .execute();
  await db.schema
    .createIndex('monitoring_target_dependencies_parent')
    .on('monitoring_target_dependencies')
    .column('parent_id')
    .execute();

  // One-off (starts_at..ends_at) or recurring (an RRULE in a time zone, each occurrence duration_minutes long).
  await db.schema
    .createTable('monitoring_maintenance_windows')
    .addColumn('id', idType, id)
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // JSON array of target ids; empty with all_targets = every target.
    .addColumn('target_ids', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('starts_at', ms, (c) => c.notNull())
    .addColumn('ends_at', ms)
    .addColumn('rrule', 'text')
    .addColumn('time_zone', 'text', (c) => c.notNull().defaultTo('UTC'))
    .addColumn('duration_minutes', 'integer')
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('monitoring_checks')
    .addColumn('id', idType, id)
    .addColumn('target_id', 'integer', (c) =>
      c.notNull().references('monitoring_targets.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    // The kind's settings (check-model.ts), JSON; secrets (SNMP keys) included: the API never returns them.
    .addColumn('spec', 'text', (c) => c.notNull())
    .addColumn('interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('timeout_seconds', 'integer', (c) => c.notNull())
    // Failures in a row before the check is down.
    .addColumn('retries', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('state', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('state_since', ms, (c) => c.notNull())
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_run_at', ms)
    .addColumn('last_ok', 'integer')
    .addColumn('last_latency_ms', 'real')
    .addColumn('last_message', 'text', (c) => c.notNull().defaultTo(''))
    // The last runs for the status board's sparkline, JSON [[epoch ms, latency ms, ok 0|1], …], newest last, bounded.
    .addColumn('recent_results', 'text', (c) => c.notNull().defaultTo('[]'))
    // The scheduler's: when the next run is due (spread over the interval) and who holds it until when.
    .addColumn('next_run_at', ms, (c) => c.notNull())
    .addColumn('lease_until', ms)
    // Heartbeat checks: the SHA-256 of the push URL's token, and when the last beat came.
    .addColumn('heartbeat_token_hash', 'text', (c) => c.unique())
    .addColumn('last_beat_at', ms)
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('monitoring_checks_target')
    .on('monitoring_checks')
    .column('target_id')
    .execute();
  await db.schema
    .createIndex('monitoring_checks_due')
    .on('monitoring_checks')
    .columns(['enabled', 'next_run_at'])
    .execute();

  // Each change of a check's state: the history, and what uptime percentages are computed from.
  await db.schema
    .createTable('monitoring_check_states')
    .addColumn('id', idType, id)
    .addColumn('check_id', 'integer', (c) =>
      c.notNull().references('monitoring_checks.id').onDelete('cascade'),
    )
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('at', ms, (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .createIndex('monitoring_check_states_check_at')
    .on('monitoring_check_states')
    .columns(['check_id', 'at'])
    .execute();
}
