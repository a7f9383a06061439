// Upgrade proposals (issue 15, item 5): what to upgrade on a monitoring target, by when, why (typed evidence as
// JSON), an estimated cost, and the manager's decision; and the requests for quotes an approval opens (vendors
// attach quotes to them in a later issue). open_key holds a source's key while the proposal is open (proposed or
// deferred) and is unique, so one open proposal per (target, resource, detail) even with several instances
// racing; it is cleared when the proposal is approved or rejected. Frozen in time: Kysely<any>.
import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const id = (c: ColumnDefinitionBuilder) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement());
  const ms = 'bigint';

  await db.schema
    .createTable('upgrade_proposals')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    .addColumn('title', 'text', (c) => c.notNull())
    // 'capacity' | 'problem' | 'warranty' | 'manual'
    .addColumn('source', 'text', (c) => c.notNull())
    // The subject: a monitoring target now (an asset column joins it in the assets issue). The name is kept so a
    // proposal still reads right after its target is deleted.
    .addColumn('target_id', 'integer', (c) => c.references('monitoring_targets.id').onDelete('set null'))
    .addColumn('subject_name', 'text', (c) => c.notNull())
    // 'disk' | 'memory' | 'cpu' | 'network' | 'hardware' | 'other'
    .addColumn('resource', 'text', (c) => c.notNull())
    // Which one of the resource (a mount point, an interface); '' when the resource is the whole host's.
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('what', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
    // JSON: the typed evidence links (src/proposals/proposal-model.ts).
    .addColumn('evidence', 'text', (c) => c.notNull().defaultTo('[]'))
    // JSON: the forecast behind a capacity proposal (crossing, band, headroom, threshold, query); null otherwise.
    .addColumn('forecast', 'text')
    .addColumn('due_at', ms)
    // 1: a person set the due date; a forecast that moves no longer changes it.
    .addColumn('due_by_hand', 'integer', (c) => c.notNull().defaultTo(0))
    // The estimate in minor units with its currency, and where it came from ('manual' until quotes exist).
    .addColumn('cost_minor', ms)
    .addColumn('cost_currency', 'text')
    .addColumn('cost_source', 'text')
    // 'proposed' | 'approved' | 'deferred' | 'rejected'
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('deferred_until', ms)
    .addColumn('decision_reason', 'text')
    .addColumn('decided_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decided_at', ms)
    .addColumn('problem_id', 'integer', (c) => c.references('problems.id').onDelete('set null'))
    .addColumn('change_id', 'integer', (c) => c.references('changes.id').onDelete('set null'))
    // The source's key (always kept, to find earlier decisions on it) and the same while open (unique).
    .addColumn('source_key', 'text')
    .addColumn('open_key', 'text')
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .addCheckConstraint(
      'upgrade_proposals_status',
      sql`status IN ('proposed', 'approved', 'deferred', 'rejected')`,
    )
    .addCheckConstraint(
      'upgrade_proposals_source',
      sql`source IN ('capacity', 'problem', 'warranty', 'manual')`,
    )
    .execute();
  await db.schema
    .createIndex('upgrade_proposals_open_key')
    .unique()
    .on('upgrade_proposals')
    .column('open_key')
    .execute();
  await db.schema
    .createIndex('upgrade_proposals_source_key')
    .on('upgrade_proposals')
    .columns(['source_key', 'decided_at'])
    .execute();
  await db.schema
    .createIndex('upgrade_proposals_status')
    .on('upgrade_proposals')
    .columns(['status', 'due_at', 'id'])
    .execute();
  await db.schema
    .createIndex('upgrade_proposals_deferred')
    .on('upgrade_proposals')
    .columns(['deferred_until'])
    .execute();
  await db.schema
    .createIndex('upgrade_proposals_target')
    .on('upgrade_proposals')
    .columns(['target_id', 'id'])
    .execute();

  await db.schema
    .createTable('quote_requests')
    .addColumn('id', pg ? 'serial' : 'integer', id)
    // One request for quotes per approved proposal.
    .addColumn('proposal_id', 'integer', (c) =>
      c.notNull().unique().references('upgrade_proposals.id').onDelete('cascade'),
    )
    .addColumn('what', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('spec', 'text', (c) => c.notNull().defaultTo(''))
    // 'open' now; the vendors issue adds its states as quotes arrive.
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', ms, (c) => c.notNull())
    .addColumn('updated_at', ms, (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('quote_requests').execute();
  await db.schema.dropTable('upgrade_proposals').execute();
}
