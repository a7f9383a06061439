// Work that must run on one instance at a time (a compaction, a rule evaluation round, a retention sweep): on
// PostgreSQL a transaction-level advisory lock named for the work, taken in a transaction held open while the work
// runs (on pooled connections of its own); an instance that cannot take it skips this round (another is doing it).
// No session state: through PgBouncer in transaction mode the open transaction keeps its server connection, and the
// lock goes with the transaction when it ends or its client dies. On SQLite the service is one process.
import { type Kysely, sql } from 'kysely';
import { type Database, type DbCapabilities, detachedFromTransaction } from './db/index.js';

/** A stable 32-bit key for a name (FNV-1a), so every instance asks for the same lock. */
export function lockKey(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

export type Exclusive<T> = { ran: true; value: T } | { ran: false };

/**
 * Run `work` unless another instance is running work of the same name. The lock is PostgreSQL's transaction-level
 * advisory lock in a namespace of its own (the two-key form, first key 0x6f70), released when the holding
 * transaction ends (after the work) or its connection dies (kill -9 frees it with the connection). The work does
 * not run in that transaction: it writes through the pool as it would without the lock.
 */
export async function runExclusively<T>(
  ctx: { db: Kysely<Database>; caps: DbCapabilities },
  name: string,
  work: () => Promise<T>,
): Promise<Exclusive<T>> {
  if (!ctx.caps.multiInstance) return { ran: true, value: await work() };
  const key = lockKey(name);
  return ctx.db.transaction().execute(async (holder) => {
    const got = await sql<{
      locked: boolean;
    }>`SELECT pg_try_advisory_xact_lock(${0x6f70}, ${key}) AS locked`.execute(holder);
    if (!got.rows[0]?.locked) return { ran: false } as const;
    // The work is not the holding transaction's: it uses ctx.db (the guard would refuse it in this flow).
    return { ran: true, value: await detachedFromTransaction(work) } as const;
  });
}

/**
 * Run `work` once no other instance runs work of the same name: instances that start together take turns (the
 * first start's admin account and demo organisation are made once; the next instance finds them made). The same
 * transaction-level advisory lock as runExclusively, waited for instead of tried.
 */
export async function runInTurn<T>(
  ctx: { db: Kysely<Database>; caps: DbCapabilities },
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  if (!ctx.caps.multiInstance) return work();
  const key = lockKey(name);
  return ctx.db.transaction().execute(async (holder) => {
    await sql`SELECT pg_advisory_xact_lock(${0x6f70}, ${key})`.execute(holder);
    return detachedFromTransaction(work);
  });
}
