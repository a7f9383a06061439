// The full-text search port for tickets: SQLite FTS5 (bm25) or PostgreSQL tsvector (ts_rank) behind one
// pair of functions. Titles weigh most, then descriptions, then comments; internal comments are searched
// only for staff.
import { type Kysely, type RawBuilder, type Transaction, sql } from 'kysely';
import type { Database, DbCapabilities } from '../core/db/index.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Words of a user's query, safe for either engine; the last one matches as a prefix (instant search). */
export function searchTerms(q: string): string[] {
  return (q.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 12).map((t) => t.slice(0, 64));
}

function fts5Query(terms: string[]): string {
  return terms.map((t, i) => (i === terms.length - 1 ? `"${t}"*` : `"${t}"`)).join(' ');
}

function tsQuery(terms: string[]): string {
  return terms.map((t, i) => (i === terms.length - 1 ? `${t}:*` : t)).join(' & ');
}

export async function indexTicket(trx: Db, caps: DbCapabilities, id: number, title: string, description: string, isNew: boolean): Promise<void> {
  if (caps.fullText !== 'fts5') return; // PostgreSQL keeps a generated tsvector column
  if (!isNew) await sql`DELETE FROM ticket_fts WHERE rowid = ${id}`.execute(trx);
  await sql`INSERT INTO ticket_fts (rowid, title, description) VALUES (${id}, ${title}, ${description})`.execute(trx);
}

export async function indexComment(trx: Db, caps: DbCapabilities, id: number, body: string): Promise<void> {
  if (caps.fullText !== 'fts5') return;
  await sql`INSERT INTO comment_fts (rowid, body) VALUES (${id}, ${body})`.execute(trx);
}

/**
 * A derived table (ticket_id, score) of the tickets matching the terms, best first when ordered by score
 * descending. Returns null when the query has no searchable words.
 */
export function matchingTickets(caps: DbCapabilities, q: string, includeInternal: boolean): RawBuilder<{ ticket_id: number; score: number }> | null {
  const terms = searchTerms(q);
  if (terms.length === 0) return null;
  const internal = includeInternal ? sql`` : sql` AND c.internal = 0`;
  if (caps.fullText === 'fts5') {
    const m = fts5Query(terms);
    // bm25 is negative, more negative is better: negate so that higher is better on both engines.
    return sql<{ ticket_id: number; score: number }>`(SELECT ticket_id, max(score) AS score FROM (
        SELECT rowid AS ticket_id, -bm25(ticket_fts, 10.0, 1.0) AS score FROM ticket_fts WHERE ticket_fts MATCH ${m}
        UNION ALL
        SELECT c.ticket_id, -bm25(comment_fts) * 0.5 AS score FROM comment_fts JOIN comments c ON c.id = comment_fts.rowid
          WHERE comment_fts MATCH ${m}${internal}
      ) GROUP BY ticket_id)`;
  }
  const tq = tsQuery(terms);
  return sql<{ ticket_id: number; score: number }>`(SELECT ticket_id, max(score) AS score FROM (
      SELECT id AS ticket_id, ts_rank(search_vector, to_tsquery('english', ${tq})) AS score FROM tickets
        WHERE search_vector @@ to_tsquery('english', ${tq})
      UNION ALL
      SELECT c.ticket_id, ts_rank(c.search_vector, to_tsquery('english', ${tq})) * 0.5 AS score FROM comments c
        WHERE c.search_vector @@ to_tsquery('english', ${tq})${internal}
    ) m GROUP BY ticket_id)`;
}
