// Work that must run on one instance at a time (a compaction, a rule evaluation round, a retention sweep): on
// PostgreSQL a session advisory lock named for the work, held on one pooled connection while it runs; an instance
// that cannot take it skips this round (another is doing it). On SQLite the service is one process.
import { type Kysely, sql } from 'kysely';
import type { Database, DbCapabilities } from './db/index.js';

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
 * Run `work` unless another instance is running work of the same name. The lock is PostgreSQL's session-level
 * advisory lock in a namespace of its own (the two-key form, first key 0x6f70), released when the work ends or the
 * connection dies (kill -9 frees it with the connection).
 */
export async function runExclusively<T>(
  ctx: { db: Kysely<Database>; caps: DbCapabilities },
  name: string,
  work: () => Promise<T>,
): Promise<Exclusive<T>> {
  if (!ctx.caps.multiInstance) return { ran: true, value: await work() };
  const key = lockKey(name);
  return ctx.db.connection().execute(async (conn) => {
    const got = await sql<{
      locked: boolean;
    }>`SELECT pg_try_advisory_lock(${0x6f70}, ${key}) AS locked`.execute(conn);
    if (!got.rows[0]?.locked) return { ran: false } as const;
    try {
      return { ran: true, value: await work() } as const;
    } finally {
      await sql`SELECT pg_advisory_unlock(${0x6f70}, ${key})`.execute(conn);
    }
  });
}

/**
 * Run `work` once no other instance runs work of the same name: instances that start together take turns (the
 * first start's admin account and demo organisation are made once; the next instance finds them made). The same
 * session advisory lock as runExclusively, waited for instead of tried.
 */
export async function runInTurn<T>(
  ctx: { db: Kysely<Database>; caps: DbCapabilities },
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  if (!ctx.caps.multiInstance) return work();
  const key = lockKey(name);
  return ctx.db.connection().execute(async (conn) => {
    await sql`SELECT pg_advisory_lock(${0x6f70}, ${key})`.execute(conn);
    try {
      return await work();
    } finally {
      await sql`SELECT pg_advisory_unlock(${0x6f70}, ${key})`.execute(conn);
    }
  });
}
