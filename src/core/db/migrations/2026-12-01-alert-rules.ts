// Alert rules (Prometheus alerting-rule semantics, and "down for N checks" rules over monitoring checks) and each
// rule's active alerts with their state, so a restarted service continues where it was (issue 11). Frozen in time:
// Kysely<any>. No foreign key to monitoring_targets: this file sorts before the targets' migration.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';
  const ms = 'bigint';

  await db.schema
    .createTable('monitoring_alert_rules')
    .addColumn('id', idType, id)
    // The alertname.
    .addColumn('name', 'text', (c) => c.notNull())
    // 'promql' (expr) or 'check' (check_selector, down_after).
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('expr', 'text', (c) => c.notNull().defaultTo(''))
    // JSON {targetId?, tags?}: the checks of a target, or of every target carrying all the tags.
    .addColumn('check_selector', 'text')
    // Failures in a row (monitoring_checks.consecutive_failures) that make a check down for the rule.
    .addColumn('down_after', 'integer')
    .addColumn('for_seconds', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('keep_firing_for_seconds', 'integer', (c) => c.notNull().defaultTo(0))
    // JSON objects of templates; severity is the label `severity`.
    .addColumn('labels', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('annotations', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('group_name', 'text', (c) => c.notNull())
    .addColumn('interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('next_evaluation_at', ms, (c) => c.notNull())
    // 'unknown' | 'ok' | 'err', the last error and when and how long the last evaluation was.
    .addColumn('health', 'text', (c) => c.notNull().defaultTo('unknown'))
    .addColumn('last_error', 'text')
    .addColumn('last_evaluated_at', ms)
    .addColumn('last_evaluation_ms', 'real')
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addUniqueConstraint('monitoring_alert_rules_name', ['group_name', 'name'])
    .execute();
  await db.schema
    .createIndex('monitoring_alert_rules_due')
    .on('monitoring_alert_rules')
    .columns(['enabled', 'next_evaluation_at'])
    .execute();

  // A rule's alerts that are pending, firing, or resolved and still being sent (15 minutes, as Prometheus).
  await db.schema
    .createTable('monitoring_rule_alerts')
    .addColumn('rule_id', 'integer', (c) =>
      c.notNull().references('monitoring_alert_rules.id').onDelete('cascade'),
    )
    // A hash of the alert's label set.
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('annotations', 'text', (c) => c.notNull())
    // 'pending' | 'firing' | 'inactive' (resolved).
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('active_at', ms, (c) => c.notNull())
    .addColumn('fired_at', ms)
    .addColumn('resolved_at', ms)
    // Null for NaN (SQLite stores no NaN).
    .addColumn('last_value', 'double precision')
    .addColumn('keep_firing_since', ms)
    .addColumn('last_sent_at', ms)
    .addColumn('valid_until', ms)
    .addPrimaryKeyConstraint('monitoring_rule_alerts_pk', ['rule_id', 'fingerprint'])
    .execute();
}
