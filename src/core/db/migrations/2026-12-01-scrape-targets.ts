// Prometheus scrape targets (issue 11, metrics in): what to scrape and how (URL, job, interval, timeout, static
// labels, relabel configs, honor_labels/honor_timestamps, limits), the scheduler's state (next scrape, lease) and the
// last scrape's outcome. Named to sort after monitoring-targets, whose table it references. Frozen: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const ms = 'bigint';

  await db.schema
    .createTable('monitoring_scrape_targets')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('interval_seconds', 'integer', (c) => c.notNull())
    .addColumn('timeout_seconds', 'integer', (c) => c.notNull())
    // JSON object of label name → value, added to every sample (Prometheus's static_configs labels).
    .addColumn('labels', 'text', (c) => c.notNull().defaultTo('{}'))
    // JSON arrays of Prometheus relabel_config objects (snake_case, as in prometheus.yml).
    .addColumn('relabel_configs', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('metric_relabel_configs', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('honor_labels', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('honor_timestamps', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('sample_limit', 'integer', (c) => c.notNull())
    .addColumn('series_limit', 'integer', (c) => c.notNull())
    .addColumn('target_id', 'integer', (c) => c.references('monitoring_targets.id').onDelete('set null'))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('next_scrape_at', ms, (c) => c.notNull())
    .addColumn('lease_until', ms)
    .addColumn('last_scrape_at', ms)
    .addColumn('last_duration_ms', 'integer')
    .addColumn('last_up', 'integer')
    .addColumn('last_error', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('last_samples', 'integer')
    // JSON object of reject reason → count, of the last scrape.
    .addColumn('last_rejected', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
  // One target per job and URL: its instance label would collide otherwise.
  await db.schema
    .createIndex('monitoring_scrape_targets_job_url')
    .on('monitoring_scrape_targets')
    .columns(['job', 'url'])
    .unique()
    .execute();
  await db.schema
    .createIndex('monitoring_scrape_targets_due')
    .on('monitoring_scrape_targets')
    .columns(['enabled', 'next_scrape_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('monitoring_scrape_targets').execute();
}
