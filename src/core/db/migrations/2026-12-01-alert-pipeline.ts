// The alert pipeline (issue 11): alerts by fingerprint with their state changes (for flapping), aggregation
// groups with their flush timer in the row (next_flush_at, a lease for the instance flushing it) and their
// notification log, which alerts each group holds, silences, and the routing document. Frozen in time:
// Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';
  const ms = 'bigint';

  await db.schema
    .createTable('monitoring_alerts')
    // A hash of the label set: the alert's identity, as Alertmanager's fingerprint.
    .addColumn('fingerprint', 'text', (c) => c.primaryKey())
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('annotations', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('starts_at', ms, (c) => c.notNull())
    // As sent: null means firing until told otherwise or until the resolve timeout.
    .addColumn('ends_at', ms)
    // When it resolves (or resolved): ends_at, or the last update plus the resolve timeout.
    .addColumn('resolves_at', ms, (c) => c.notNull())
    .addColumn('generator_url', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('origin', 'text', (c) => c.notNull())
    // The target its `target` label names when it came in. No foreign key: this migration sorts before the
    // targets' (2026-12-01-monitoring-targets), and an alert outlives its target by design.
    .addColumn('target_id', 'integer')
    // The state last recorded as an event ('firing' | 'resolved'): the sweep records timed-out resolutions.
    .addColumn('status', 'text', (c) => c.notNull())
    // JSON [epoch ms, …] of its recent changes of state, newest last: what flapping is judged by.
    .addColumn('transitions', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('monitoring_alerts_status_resolves')
    .on('monitoring_alerts')
    .columns(['status', 'resolves_at'])
    .execute();

  await db.schema
    .createTable('monitoring_alert_groups')
    .addColumn('id', idType, id)
    .addColumn('group_key', 'text', (c) => c.notNull().unique())
    .addColumn('route_key', 'text', (c) => c.notNull())
    .addColumn('receiver', 'text', (c) => c.notNull())
    // JSON: the labels the group is formed by, and the route's settings when it was made (RouteOpts).
    .addColumn('group_labels', 'text', (c) => c.notNull())
    .addColumn('route_opts', 'text', (c) => c.notNull())
    // The timer: group_wait after it forms, group_interval after each flush; a lease while an instance flushes it.
    .addColumn('next_flush_at', ms, (c) => c.notNull())
    .addColumn('lease_until', ms)
    .addColumn('has_flushed', 'integer', (c) => c.notNull().defaultTo(0))
    // The notification log (Alertmanager's nflog entry): when, and which fingerprints were firing and resolved.
    .addColumn('last_notified_at', ms)
    .addColumn('last_firing', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('last_resolved', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('incident_id', 'integer', (c) => c.references('incidents.id').onDelete('set null'))
    .addColumn('last_error', 'text')
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('monitoring_alert_groups_due')
    .on('monitoring_alert_groups')
    .column('next_flush_at')
    .execute();

  await db.schema
    .createTable('monitoring_alert_group_alerts')
    .addColumn('group_id', 'integer', (c) =>
      c.notNull().references('monitoring_alert_groups.id').onDelete('cascade'),
    )
    .addColumn('fingerprint', 'text', (c) =>
      c.notNull().references('monitoring_alerts.fingerprint').onDelete('cascade'),
    )
    .addPrimaryKeyConstraint('monitoring_alert_group_alerts_pk', ['group_id', 'fingerprint'])
    .execute();
  await db.schema
    .createIndex('monitoring_alert_group_alerts_fingerprint')
    .on('monitoring_alert_group_alerts')
    .column('fingerprint')
    .execute();

  await db.schema
    .createTable('monitoring_silences')
    .addColumn('id', idType, id)
    // JSON [{name, op, value}, …]: every one must match.
    .addColumn('matchers', 'text', (c) => c.notNull())
    .addColumn('starts_at', ms, (c) => c.notNull())
    .addColumn('ends_at', ms, (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('comment', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('monitoring_silences_ends')
    .on('monitoring_silences')
    .column('ends_at')
    .execute();

  // One row (id 1) once someone saves a tree; before that the built-in default applies.
  await db.schema
    .createTable('monitoring_alert_routing')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
}
