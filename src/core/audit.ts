// The audit log: every write a person makes to accounts, groups and settings, in the same transaction, and
// every sign-in; read back with filters by admins and managers, exported, and kept for OPSDESK_AUDIT_RETENTION.
// (Ticket changes are audited in their own history table, which users see on the ticket.)
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Actor } from './auth/actor.js';
import { canAccounts } from './auth/policies.js';
import type { ServiceContext } from './context.js';
import type { Database } from './db/index.js';
import { Forbidden } from './errors.js';
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

// ---- Reading the audit log -----------------------------------------------------------------------------
// Who reads it is canAccounts(actor, 'audit.read'): admins and managers (managers answer for what their desk
// configured; they change nothing here). Newest first, by id; every filter is optional.

export interface AuditFilter {
  actorId?: number;
  /** Actions starting with this (`user.` finds user.created, user.updated…), or one action exactly. */
  action?: string;
  subjectType?: string;
  subjectId?: string;
  /** From (inclusive) and to (exclusive), epoch ms. */
  from?: number;
  to?: number;
  /** Only rows with a smaller id (the keyset of the next page). */
  beforeId?: number;
  limit: number;
}

export interface AuditRecord {
  id: number;
  actorId: number | null;
  actorName: string | null;
  at: number;
  action: string;
  subjectType: string;
  subjectId: string;
  details: Record<string, unknown>;
}

function requireAuditReader(actor: Actor): void {
  if (!canAccounts(actor, 'audit.read'))
    throw new Forbidden('forbidden', 'The audit log is for admins and managers.');
}

function auditQuery(db: Kysely<Database>, filter: Omit<AuditFilter, 'limit'>) {
  let q = db
    .selectFrom('audit_log')
    .leftJoin('users', 'users.id', 'audit_log.actor_id')
    .select([
      'audit_log.id',
      'audit_log.actor_id',
      'users.name as actor_name',
      'audit_log.at',
      'audit_log.action',
      'audit_log.subject_type',
      'audit_log.subject_id',
      'audit_log.details',
    ]);
  if (filter.actorId !== undefined) q = q.where('audit_log.actor_id', '=', filter.actorId);
  if (filter.action !== undefined && filter.action !== '') {
    // A prefix compared exactly on both databases (LIKE is case-insensitive on SQLite and treats _ as a wildcard).
    const prefix = filter.action;
    q = q.where(sql<string>`substr(audit_log.action, 1, ${prefix.length})`, '=', prefix);
  }
  if (filter.subjectType !== undefined) q = q.where('audit_log.subject_type', '=', filter.subjectType);
  if (filter.subjectId !== undefined) q = q.where('audit_log.subject_id', '=', filter.subjectId);
  if (filter.from !== undefined) q = q.where('audit_log.at', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('audit_log.at', '<', filter.to);
  if (filter.beforeId !== undefined) q = q.where('audit_log.id', '<', filter.beforeId);
  return q.orderBy('audit_log.id', 'desc');
}

type AuditRow = {
  id: number;
  actor_id: number | null;
  actor_name: string | null;
  at: number;
  action: string;
  subject_type: string;
  subject_id: string;
  details: string;
};

function toAuditRecord(r: AuditRow): AuditRecord {
  let details: Record<string, unknown> = {};
  try {
    const parsed = JSON.parse(r.details);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) details = parsed;
  } catch {
    details = { raw: r.details };
  }
  return {
    id: Number(r.id),
    actorId: r.actor_id,
    actorName: r.actor_name,
    at: Number(r.at),
    action: r.action,
    subjectType: r.subject_type,
    subjectId: r.subject_id,
    details,
  };
}

/** One page of the audit log, newest first: `limit` rows (the caller asks one more to know of a next page). */
export async function listAuditLog(
  ctx: ServiceContext,
  actor: Actor,
  filter: AuditFilter,
): Promise<AuditRecord[]> {
  requireAuditReader(actor);
  const rows = await auditQuery(ctx.db, filter).limit(filter.limit).execute();
  return rows.map((r) => toAuditRecord(r as AuditRow));
}

/** The audit log rows a filter selects, newest first, in keyset batches read as the consumer asks for them. */
export async function* exportAuditLog(
  ctx: ServiceContext,
  actor: Actor,
  filter: Omit<AuditFilter, 'limit' | 'beforeId'>,
): AsyncGenerator<AuditRecord[]> {
  requireAuditReader(actor);
  let beforeId: number | undefined;
  for (;;) {
    const rows = await auditQuery(ctx.db, { ...filter, beforeId })
      .limit(auditExportBatch)
      .execute();
    if (rows.length === 0) return;
    const batch = rows.map((r) => toAuditRecord(r as AuditRow));
    yield batch;
    if (rows.length < auditExportBatch) return;
    beforeId = batch[batch.length - 1].id;
  }
}

const auditExportBatch = 1000;

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
