// (Named to sort after 2026-12-01-monitoring-targets: the migrator runs migrations in name order.)
// Monitoring checks, beside the groundwork's table: when the sweep found a check that had not run for two
// intervals (and raised CheckNotRunning for it), so the alert is raised once and resolved when it runs again.
// Frozen in time: Kysely<any>.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('monitoring_checks').addColumn('not_running_since', 'bigint').execute();
}
