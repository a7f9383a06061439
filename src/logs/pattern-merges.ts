// Merging one error pattern into another: the merged template points at its survivor (merged_into) and its counts,
// hosts and minutes are added to the survivor's rows. A technician's merge (log-patterns.ts, audited) and the
// miner's own (a generalised template swallowing the ones it covers, applied by the store's writer) share it.
import { type Kysely, type OnConflictBuilder, sql, type Transaction } from 'kysely';
import type { Database } from '../core/db/index.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The merged template's row as the merge reads it. */
export interface AbsorbedTemplate {
  id: string;
  count: number | string;
  worst_severity: number;
  severity_mask: number;
  first_seen: number | string;
  last_seen: number | string;
}

/** A host count meeting the row it would add to: the counts add up, the later last_seen stays. */
export const addToHostCount = (oc: OnConflictBuilder<Database, 'log_template_hosts'>) =>
  oc.columns(['template_id', 'host']).doUpdateSet({
    count: sql`log_template_hosts.count + excluded.count`,
    last_seen: sql`CASE WHEN excluded.last_seen > log_template_hosts.last_seen THEN excluded.last_seen ELSE log_template_hosts.last_seen END`,
  });

/** A pattern's minute meeting the row it would add to: records and errors add up. */
export const addToTemplateMinute = (oc: OnConflictBuilder<Database, 'log_template_minutes'>) =>
  oc.columns(['template_id', 'minute']).doUpdateSet({
    count: sql`log_template_minutes.count + excluded.count`,
    errors: sql`log_template_minutes.errors + excluded.errors`,
  });

/** A host's minute of a pattern meeting the row it would add to: records and errors add up. */
export const addToHostMinute = (oc: OnConflictBuilder<Database, 'log_host_minutes'>) =>
  oc.columns(['host', 'minute', 'template_id']).doUpdateSet({
    count: sql`log_host_minutes.count + excluded.count`,
    errors: sql`log_host_minutes.errors + excluded.errors`,
  });

/** Merge `source` into `into` within the caller's transaction (both rows exist; neither is merged already). */
export async function absorbPattern(
  trx: Db,
  source: AbsorbedTemplate,
  into: string,
  now: number,
): Promise<void> {
  const id = source.id;
  const target = await trx
    .selectFrom('log_templates')
    .select(['worst_severity', 'severity_mask', 'first_seen', 'last_seen'])
    .where('id', '=', into)
    .executeTakeFirstOrThrow();
  await trx
    .updateTable('log_templates')
    .set({
      count: sql`count + ${Number(source.count)}`,
      worst_severity: Math.min(source.worst_severity, target.worst_severity),
      severity_mask: source.severity_mask | target.severity_mask,
      first_seen: Math.min(Number(source.first_seen), Number(target.first_seen)),
      last_seen: Math.max(Number(source.last_seen), Number(target.last_seen)),
      updated_at: now,
    })
    .where('id', '=', into)
    .execute();
  await trx
    .updateTable('log_templates')
    .set({ merged_into: into, updated_at: now })
    .where('id', '=', id)
    .execute();
  await trx
    .updateTable('log_templates')
    .set({ merged_into: into, updated_at: now })
    .where('merged_into', '=', id)
    .execute();

  // Hosts, minutes and host minutes move onto the survivor (adding where it has a row already): one INSERT … SELECT
  // each, however many rows the merged pattern has.
  const survivor = sql<string>`${into}`.as('template_id');
  await trx
    .insertInto('log_template_hosts')
    .columns(['template_id', 'host', 'count', 'last_seen'])
    .expression(
      trx
        .selectFrom('log_template_hosts')
        .select([survivor, 'host', 'count', 'last_seen'])
        .where('template_id', '=', id),
    )
    .onConflict(addToHostCount)
    .execute();
  await trx.deleteFrom('log_template_hosts').where('template_id', '=', id).execute();
  await trx
    .insertInto('log_template_minutes')
    .columns(['template_id', 'minute', 'count', 'errors'])
    .expression(
      trx
        .selectFrom('log_template_minutes')
        .select([survivor, 'minute', 'count', 'errors'])
        .where('template_id', '=', id),
    )
    .onConflict(addToTemplateMinute)
    .execute();
  await trx.deleteFrom('log_template_minutes').where('template_id', '=', id).execute();
  await trx
    .insertInto('log_host_minutes')
    .columns(['host', 'minute', 'template_id', 'count', 'errors'])
    .expression(
      trx
        .selectFrom('log_host_minutes')
        .select(['host', 'minute', survivor, 'count', 'errors'])
        .where('template_id', '=', id),
    )
    .onConflict(addToHostMinute)
    .execute();
  await trx.deleteFrom('log_host_minutes').where('template_id', '=', id).execute();
}
