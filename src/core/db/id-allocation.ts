// Ids handed out before the rows are written, for bulk writers that insert a ticket, its comments and their
// history in a few multi-row statements and need each row's id beforehand (the order of a multi-row INSERT's
// RETURNING rows is not promised by either engine).
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** `n` new ids of `table`'s id column, ascending; the caller inserts rows with them in the same transaction. */
export type AllocateIds = (trx: Db, table: keyof Database & string, n: number) => Promise<number[]>;

const tableName = /^[a-z_][a-z0-9_]*$/;

/** PostgreSQL: from the table's sequence (another instance may take ids in between: ascending, not contiguous). */
export const allocateFromSequence: AllocateIds = async (trx, table, n) => {
  if (n <= 0) return [];
  if (!tableName.test(table)) throw new Error(`allocateIds: bad table name ${table}`);
  const r = await sql<{ id: string | number }>`SELECT nextval(pg_get_serial_sequence(${table}, 'id')) AS id
    FROM generate_series(1, ${n})`.execute(trx);
  return r.rows.map((x) => Number(x.id)).sort((a, b) => a - b);
};

/**
 * SQLite: after the largest id ever given (AUTOINCREMENT's rule: sqlite_sequence, or the largest row for a table
 * without it). The one connection runs one transaction at a time, so nobody takes them before the caller's
 * INSERT; a rolled-back transaction gives them back with its rows.
 */
export const allocateAfterLargest: AllocateIds = async (trx, table, n) => {
  if (n <= 0) return [];
  if (!tableName.test(table)) throw new Error(`allocateIds: bad table name ${table}`);
  const r = await sql<{ top: number | null }>`SELECT max(
      coalesce((SELECT seq FROM sqlite_sequence WHERE name = ${table}), 0),
      coalesce((SELECT max(id) FROM ${sql.table(table)}), 0)) AS top`.execute(trx);
  const top = Number(r.rows[0]?.top ?? 0);
  return Array.from({ length: n }, (_, i) => top + 1 + i);
};
