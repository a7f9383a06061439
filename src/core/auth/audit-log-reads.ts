// Reading the audit log back: who may (canAccounts 'audit.read': admins and managers), pages newest first with
// filters, and the batches of an export. Here in auth because the rule that guards it is an account policy.
import { type Kysely, sql } from 'kysely';
import type { ServiceContext } from '../context.js';
import type { Database } from '../db/index.js';
import { Forbidden } from '../errors.js';
import type { Actor } from './actor.js';
import { canAccounts } from './policies.js';

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
