// Forwarding metrics to an external Prometheus-compatible store (issue 19 item 4): a queue of appended batches, one
// row per append holding the same columnar blob as metric_wal's (series ids, timestamps, values), drained by a job
// that sends them by remote-write. Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';
  const ms = 'bigint';
  const blob = pg ? 'bytea' : 'blob';

  await db.schema
    .createTable('metric_forward_queue')
    .addColumn('id', idType, id)
    .addColumn('samples', 'integer', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    // Not before this instant (a retry's backoff); a claim leases the row until lease_until.
    .addColumn('next_attempt_at', ms, (c) => c.notNull())
    .addColumn('lease_until', ms)
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('data', blob, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('metric_forward_queue_due')
    .on('metric_forward_queue')
    .columns(['next_attempt_at', 'id'])
    .execute();
}
