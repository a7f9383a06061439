// The audit log: every write a person makes to accounts, groups and settings, in the same transaction, and
// every sign-in; kept for OPSDESK_AUDIT_RETENTION. (Read back by admins and managers: auth/audit-log-reads.ts.)
// (Ticket changes are audited in their own history table, which users see on the ticket.)
import type { Kysely, Transaction } from 'kysely';
import type { ServiceContext } from './context.js';
import type { Database } from './db/index.js';
import { runExclusively } from './exclusive-work.js';
import type { JobScheduler } from './jobs.js';

export interface AuditEntry {
  actorId: number | null;
  at: number;
  action: string;
  subjectType: string;
  subjectId: string | number;
  details?: Record<string, unknown>;
}

export async function recordAudit(
  trx: Kysely<Database> | Transaction<Database>,
  entry: AuditEntry,
): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({
      actor_id: entry.actorId,
      at: entry.at,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: String(entry.subjectId),
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}

// ---- Retention -----------------------------------------------------------------------------------------
// Rows older than OPSDESK_AUDIT_RETENTION go, the oldest first, in batches that are each one short statement.
// Instance-safe twice over: one instance sweeps at a time (runExclusively), and a batch deletes by a
// sub-select of ids, so two sweeps that did overlap would only find fewer rows to delete.

export const auditRetentionLimits = {
  /** Rows deleted per statement. */
  batchRows: 5_000,
  /** Batches per sweep at most (the next sweep goes on). */
  batchesPerSweep: 100,
  /** How often the sweep runs. */
  intervalMs: 10 * 60_000,
} as const;

/** One sweep: delete every row older than the retention (up to the per-sweep bound); returns how many. */
export async function sweepAuditRetention(
  ctx: ServiceContext,
  retentionMs: number = ctx.config.auditRetentionMs,
): Promise<number> {
  const cutoff = ctx.clock.now() - retentionMs;
  let deleted = 0;
  for (let i = 0; i < auditRetentionLimits.batchesPerSweep; i++) {
    const result = await ctx.db
      .deleteFrom('audit_log')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('audit_log')
          .select('id')
          .where('at', '<', cutoff)
          .orderBy('at')
          .limit(auditRetentionLimits.batchRows),
      )
      .executeTakeFirst();
    const n = Number(result.numDeletedRows);
    deleted += n;
    if (n < auditRetentionLimits.batchRows) break;
  }
  return deleted;
}

/** The periodic job's body: one sweep on one instance at a time. */
export async function runAuditRetention(ctx: ServiceContext): Promise<void> {
  const done = await runExclusively(ctx, 'audit.retention', () => sweepAuditRetention(ctx));
  if (done.ran && done.value > 0) ctx.log.info({ deleted: done.value }, 'audit log retention');
}

/** Core's audit job: the retention sweep every ten minutes (serve's registerDomains calls it). */
export function registerAuditRetention(ctx: ServiceContext, jobs: JobScheduler): void {
  jobs.every('audit.retention', auditRetentionLimits.intervalMs, () => runAuditRetention(ctx));
}
