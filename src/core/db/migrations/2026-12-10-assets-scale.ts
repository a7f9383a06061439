// Assets at scale (issue 16, part 2): an asset filled from a monitored host's node_exporter metrics names the
// monitoring target it came from (agent-less inventory; the link is cleared if the target goes). Frozen in time:
// Kysely<any>.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('assets')
    .addColumn('monitoring_target_id', 'integer', (c) =>
      c.references('monitoring_targets.id').onDelete('set null'),
    )
    .execute();
  await db.schema.alterTable('assets').addColumn('host_facts_at', 'bigint').execute();
  await db.schema
    .createIndex('assets_monitoring_target')
    .on('assets')
    .column('monitoring_target_id')
    .execute();
}
