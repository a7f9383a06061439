// The metric store (issue 11 item 4): series (a metric name and label set), a write-ahead log of appended batches
// (one row per append, a columnar blob), per-series chunks of compacted samples (one row per series and 2-hour
// window) and rollups at 1 minute and 1 hour. Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const idType = pg ? 'serial' : 'integer';
  const ms = 'bigint';
  const blob = pg ? 'bytea' : 'blob';
  const double = pg ? 'double precision' : 'real';

  await db.schema
    .createTable('metric_series')
    .addColumn('id', idType, id)
    // SHA-256 (hex) of the canonical label set: a label set can be longer than a B-tree entry may be.
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    // JSON object, names sorted.
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    // The ingest source that made the series ('scrape:<id>', …): its series count against the source's limit.
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .execute();

  // One row per append: the write-ahead log that compaction moves into chunks.
  await db.schema
    .createTable('metric_wal')
    .addColumn('id', idType, id)
    .addColumn('min_ts', ms, (c) => c.notNull())
    .addColumn('max_ts', ms, (c) => c.notNull())
    .addColumn('samples', 'integer', (c) => c.notNull())
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('data', blob, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('metric_chunks')
    .addColumn('series_id', 'integer', (c) => c.notNull())
    // Start of the chunk's 2-hour window (epoch ms, aligned to 2 h).
    .addColumn('window_start', ms, (c) => c.notNull())
    .addColumn('min_ts', ms, (c) => c.notNull())
    .addColumn('max_ts', ms, (c) => c.notNull())
    .addColumn('samples', 'integer', (c) => c.notNull())
    // The value at max_ts (null for NaN on SQLite): the series' newest, for out-of-order checks after a restart.
    .addColumn('last_value', double)
    // 0 once compaction changed the chunk, 1 once its window's rollups are computed from it.
    .addColumn('rolled_up', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('data', blob, (c) => c.notNull())
    .addPrimaryKeyConstraint('metric_chunks_pk', ['series_id', 'window_start'])
    .execute();
  await db.schema
    .createIndex('metric_chunks_rollup')
    .on('metric_chunks')
    .columns(['rolled_up', 'window_start'])
    .execute();
  await db.schema.createIndex('metric_chunks_window').on('metric_chunks').column('window_start').execute();

  // Rollup buckets of one series at one resolution over one window ('1m': the chunk's 2 h; '1h': a UTC day).
  await db.schema
    .createTable('metric_rollups')
    .addColumn('series_id', 'integer', (c) => c.notNull())
    .addColumn('resolution', 'text', (c) => c.notNull())
    .addColumn('window_start', ms, (c) => c.notNull())
    // Raw samples before this instant are rolled up into this row (selectRollup computes the rest from raw).
    .addColumn('covered_to', ms, (c) => c.notNull())
    .addColumn('data', blob, (c) => c.notNull())
    .addPrimaryKeyConstraint('metric_rollups_pk', ['series_id', 'resolution', 'window_start'])
    .execute();
  await db.schema
    .createIndex('metric_rollups_window')
    .on('metric_rollups')
    .columns(['resolution', 'window_start'])
    .execute();
}
