// Logs (issue 12 item 5): the state of the alerts on error patterns — which new-pattern and spike alerts fire,
// since when, and whether their resolution reached the alert pipeline — so the evaluation continues where it was
// after a restart or on another instance. Named for 12-03 so it runs after every 12-02 logs migration (Kysely
// applies migrations in name order).
// Frozen in time: Kysely<any>.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const ms = 'bigint';

  await db.schema
    .createTable('log_pattern_alerts')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('annotations', 'text', (c) => c.notNull())
    .addColumn('starts_at', ms, (c) => c.notNull())
    .addColumn('resolved_at', ms)
    .addColumn('resolution_sent', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('below_since', ms)
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addPrimaryKeyConstraint('log_pattern_alerts_pk', ['kind', 'template_id'])
    .execute();
  await db.schema
    .createIndex('log_pattern_alerts_status')
    .on('log_pattern_alerts')
    .columns(['status', 'resolution_sent'])
    .execute();
}
