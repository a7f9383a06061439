// The full-text search port for tickets: SQLite FTS5 (bm25) or PostgreSQL tsvector (ts_rank) behind one
// pair of functions. Titles weigh most, then descriptions, then comments; internal comments are searched
// only for staff.
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database, DbCapabilities } from '../core/db/index.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Words of a user's query, safe for either engine; the last one matches as a prefix (instant search). */
export function searchTerms(q: string): string[] {
  return (
    q
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  )
    .slice(0, 12)
    .map((t) => t.slice(0, 64));
}

function fts5Query(terms: string[]): string {
  return terms.map((t, i) => (i === terms.length - 1 ? `"${t}"*` : `"${t}"`)).join(' ');
}

function tsQuery(terms: string[]): string {
  return terms.map((t, i) => (i === terms.length - 1 ? `${t}:*` : t)).join(' & ');
}

export async function indexTicket(
  trx: Db,
  caps: DbCapabilities,
  id: number,
  title: string,
  description: string,
  isNew: boolean,
): Promise<void> {
  if (caps.fullText !== 'fts5') return; // PostgreSQL keeps a generated tsvector column
  if (!isNew) await sql`DELETE FROM ticket_fts WHERE rowid = ${id}`.execute(trx);
  await sql`INSERT INTO ticket_fts (rowid, title, description) VALUES (${id}, ${title}, ${description})`.execute(
    trx,
  );
}

export async function indexComment(trx: Db, caps: DbCapabilities, id: number, body: string): Promise<void> {
  if (caps.fullText !== 'fts5') return;
  await sql`INSERT INTO comment_fts (rowid, body) VALUES (${id}, ${body})`.execute(trx);
}

/**
 * A derived table (ticket_id) of the tickets matching the terms, unscored: for searches sorted by another
 * key, where scoring every match (bm25 / ts_rank) would be wasted work. Returns null when the query has no
 * searchable words.
 */
export function matchingTickets(
  caps: DbCapabilities,
  q: string,
  includeInternal: boolean,
): RawBuilder<{ ticket_id: number }> | null {
  const terms = searchTerms(q);
  if (terms.length === 0) return null;
  const internal = includeInternal ? sql`` : sql` AND c.internal = 0`;
  if (caps.fullText === 'fts5') {
    const m = fts5Query(terms);
    return sql<{ ticket_id: number }>`(SELECT rowid AS ticket_id FROM ticket_fts WHERE ticket_fts MATCH ${m}
        UNION
        SELECT c.ticket_id FROM comment_fts JOIN comments c ON c.id = comment_fts.rowid WHERE comment_fts MATCH ${m}${internal})`;
  }
  const tq = tsQuery(terms);
  return sql<{
    ticket_id: number;
  }>`(SELECT id AS ticket_id FROM tickets WHERE search_vector @@ to_tsquery('english', ${tq})
      UNION
      SELECT c.ticket_id FROM comments c WHERE c.search_vector @@ to_tsquery('english', ${tq})${internal})`;
}

/** Scores of the tickets a query matches (the best of a ticket's own text and its comments), by ticket id. */
export interface SearchCandidates {
  scores: Map<number, number>;
  /** A source had more matches than the limit: the candidates are the newest matches, not all of them. */
  truncated: boolean;
}

/**
 * Ranked search without ranking every match. A word found in most tickets ("error", "printer") matches
 * hundreds of thousands of rows, and scoring all of them (bm25 / ts_rank) is what makes such a search slow;
 * yet for such a word the scores barely differ. So the candidates are the newest `limit` matching tickets
 * and the newest `limit` matching comments, read newest first from the index and scored. When neither
 * source has more matches than that (truncated is false) they are every match and the ranking is exact;
 * `limit` null scores every match.
 */
export async function searchCandidates(
  db: Db,
  caps: DbCapabilities,
  q: string,
  includeInternal: boolean,
  limit: number | null,
): Promise<SearchCandidates | null> {
  const terms = searchTerms(q);
  if (terms.length === 0) return null;
  const internal = includeInternal ? sql`` : sql` AND c.internal = 0`;
  let ticketRows: Array<{ ticket_id: number; score: number }>;
  let commentRows: Array<{ ticket_id: number; score: number }>;
  const newest = (ref: string) =>
    limit !== null ? sql` ORDER BY ${sql.ref(ref)} DESC LIMIT ${limit}` : sql``;
  if (caps.fullText === 'fts5') {
    const m = fts5Query(terms);
    // bm25 is negative, more negative is better: negate so that higher is better on both engines.
    ticketRows = (
      await sql<{
        ticket_id: number;
        score: number;
      }>`SELECT rowid AS ticket_id, -bm25(ticket_fts, 10.0, 1.0) AS score FROM ticket_fts
        WHERE ticket_fts MATCH ${m}${newest('ticket_fts.rowid')}`.execute(db)
    ).rows;
    commentRows = (
      await sql<{
        ticket_id: number;
        score: number;
      }>`SELECT c.ticket_id, -bm25(comment_fts) * 0.5 AS score FROM comment_fts
        JOIN comments c ON c.id = comment_fts.rowid WHERE comment_fts MATCH ${m}${internal}${newest('comment_fts.rowid')}`.execute(
        db,
      )
    ).rows;
  } else {
    const tq = tsQuery(terms);
    ticketRows = (
      await sql<{
        ticket_id: number;
        score: number;
      }>`SELECT id AS ticket_id, ts_rank(search_vector, to_tsquery('english', ${tq}))::float8 AS score
        FROM tickets WHERE search_vector @@ to_tsquery('english', ${tq})${newest('id')}`.execute(db)
    ).rows;
    commentRows = (
      await sql<{
        ticket_id: number;
        score: number;
      }>`SELECT c.ticket_id, ts_rank(c.search_vector, to_tsquery('english', ${tq})) * 0.5 AS score
        FROM comments c WHERE c.search_vector @@ to_tsquery('english', ${tq})${internal}${newest('c.id')}`.execute(
        db,
      )
    ).rows;
  }
  const scores = new Map<number, number>();
  for (const r of ticketRows) scores.set(r.ticket_id, r.score);
  for (const r of commentRows) {
    const s = scores.get(r.ticket_id);
    if (s === undefined || r.score > s) scores.set(r.ticket_id, r.score);
  }
  const truncated = limit !== null && (ticketRows.length >= limit || commentRows.length >= limit);
  return { scores, truncated };
}
