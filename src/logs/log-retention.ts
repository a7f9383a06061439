// Retention of the log store: records older than OPSDESK_LOGS_RETENTION go, and while the stored bytes exceed
// OPSDESK_LOGS_MAX_MB the oldest go until they fit; the per-host minute counts go with the records, and the
// per-template minute counts are kept longer (templateMinutesMs, 35 days) so that a pattern's baseline can be
// seasonal by week. Deletes run in bounded batches, each its own transaction, so ingest is never held up for
// long; one instance sweeps at a time (runExclusively).

import { sql } from 'kysely';
import type { ServiceContext } from '../core/context.js';
import { runExclusively } from '../core/exclusive-work.js';

export const logRetentionLimits = {
  /** Records deleted per transaction. */
  batchRecords: 5_000,
  /** Batches per sweep at most (the next minute's sweep goes on). */
  batchesPerSweep: 200,
  /** Per-template minute counts are kept this long at least (five weeks: a weekly seasonal baseline). */
  templateMinutesMs: 35 * 86_400_000,
} as const;

export interface RetentionSweep {
  /** Records deleted for their age, and to bring the bytes under the limit. */
  byAge: number;
  bySize: number;
  minuteRows: number;
}

/** One sweep: by age, then by size, then the minute tables. */
export async function sweepLogRetention(
  ctx: ServiceContext,
  limits: { retentionMs: number; maxBytes: number } = {
    retentionMs: ctx.config.logsRetentionMs,
    maxBytes: ctx.config.logsMaxBytes,
  },
): Promise<RetentionSweep> {
  const cutoff = ctx.clock.now() - limits.retentionMs;
  const out: RetentionSweep = { byAge: 0, bySize: 0, minuteRows: 0 };
  for (let i = 0; i < logRetentionLimits.batchesPerSweep; i++) {
    const n = await deleteBatch(ctx, cutoff, null);
    out.byAge += n;
    if (n < logRetentionLimits.batchRecords) break;
  }
  for (let i = 0; i < logRetentionLimits.batchesPerSweep; i++) {
    const totals = await ctx.db
      .selectFrom('log_store_totals')
      .select('bytes')
      .where('id', '=', 1)
      .executeTakeFirst();
    const over = Number(totals?.bytes ?? 0) - limits.maxBytes;
    if (over <= 0) break;
    const n = await deleteBatch(ctx, null, over);
    out.bySize += n;
    if (n === 0) break;
  }
  const hostMinutes = await ctx.db
    .deleteFrom('log_host_minutes')
    .where('minute', '<', cutoff - 60_000)
    .executeTakeFirst();
  const templateMinutes = await ctx.db
    .deleteFrom('log_template_minutes')
    .where(
      'minute',
      '<',
      ctx.clock.now() - Math.max(limits.retentionMs, logRetentionLimits.templateMinutesMs),
    )
    .executeTakeFirst();
  out.minuteRows = Number(hostMinutes.numDeletedRows) + Number(templateMinutes.numDeletedRows);
  return out;
}

/**
 * Delete one batch of the oldest records: those older than `cutoff`, or (by size) the oldest by id until `bytes`
 * are freed — and take them off the totals in the same transaction.
 */
async function deleteBatch(
  ctx: ServiceContext,
  cutoff: number | null,
  bytes: number | null,
): Promise<number> {
  return ctx.db.transaction().execute(async (trx) => {
    let ids: { id: number; bytes: number }[];
    if (cutoff !== null) {
      ids = await trx
        .selectFrom('log_records')
        .select(['id', 'bytes'])
        .where('time', '<', cutoff)
        .limit(logRetentionLimits.batchRecords)
        .execute();
    } else {
      const oldest = await trx
        .selectFrom('log_records')
        .select(['id', 'bytes'])
        .orderBy('id')
        .limit(logRetentionLimits.batchRecords)
        .execute();
      ids = [];
      let freed = 0;
      for (const r of oldest) {
        if (freed >= (bytes as number)) break;
        ids.push(r);
        freed += Number(r.bytes);
      }
    }
    if (ids.length === 0) return 0;
    let freed = 0;
    for (const r of ids) freed += Number(r.bytes);
    const lo = ids.map((r) => Number(r.id));
    // Deleted by id list in pieces (the parameter limit); the FTS rows go with them (SQLite: a trigger).
    for (let i = 0; i < lo.length; i += 1_000)
      await trx
        .deleteFrom('log_records')
        .where('id', 'in', lo.slice(i, i + 1_000))
        .execute();
    // The postings whose records are all gone (the oldest are deleted first, so those end below the oldest left).
    const oldest = await trx
      .selectFrom('log_records')
      .select((eb) => eb.fn.min('id').as('id'))
      .executeTakeFirst();
    await trx
      .deleteFrom('log_postings')
      .where('last_id', '<', oldest?.id == null ? Number.MAX_SAFE_INTEGER : Number(oldest.id))
      .execute();
    await trx
      .updateTable('log_store_totals')
      .set({ records: sql`records - ${ids.length}`, bytes: sql`bytes - ${freed}` })
      .where('id', '=', 1)
      .execute();
    return ids.length;
  });
}

/** The minute's sweep, on one instance at a time. */
export async function runLogRetention(ctx: ServiceContext): Promise<RetentionSweep | null> {
  const done = await runExclusively(ctx, 'logs.retention', () => sweepLogRetention(ctx));
  return done.ran ? done.value : null;
}
