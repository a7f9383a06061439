// Anomaly rules (issue 15, item 1): an alert rule of kind 'anomaly' scores each new sample of the series its
// selector (in `expr`) matches with a streaming detector, and fires where the score reaches its threshold. Each
// series' learned state is kept here between rounds, so another instance carries on where one stopped.
// Frozen in time: Kysely<any>.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('monitoring_alert_rules')
    .addColumn('anomaly_threshold', 'double precision')
    .execute();
  await db.schema
    .createTable('monitoring_anomaly_states')
    .addColumn('rule_id', 'integer', (c) =>
      c.notNull().references('monitoring_alert_rules.id').onDelete('cascade'),
    )
    // The series' canonical label set (as the metric store keys it).
    .addColumn('series_key', 'text', (c) => c.notNull())
    // JSON: the detector's snapshot.
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('last_sample_at', 'bigint', (c) => c.notNull())
    .addColumn('last_score', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('monitoring_anomaly_states_pk', ['rule_id', 'series_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('monitoring_anomaly_states').execute();
  await db.schema.alterTable('monitoring_alert_rules').dropColumn('anomaly_threshold').execute();
}
