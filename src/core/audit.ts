// The audit log: every write a person makes to accounts, groups and settings, in the same transaction.
// (Ticket changes are audited in their own history table, which users see on the ticket.)
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './db/index.js';

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
