// The full-text search port for tickets: SQLite FTS5 (bm25) or PostgreSQL tsvector (ts_rank) behind one
// pair of functions. Titles weigh most, then descriptions, then comments; internal comments are searched
// only for staff. Besides the text, a query may name a ticket number (it comes first) or people, categories
// and tags (search subjects, resolved against the small search_names table and found through the tickets'
// indexed columns; they rank after the text matches).
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import type { Database, DbCapabilities } from '../core/db/index.js';
import { findNamed, type NamedSubjects, searchTerms } from '../core/search-names.js';

export { indexTags, searchTerms } from '../core/search-names.js';

type Db = Kysely<Database> | Transaction<Database>;

/** What a query names besides its words: a ticket number (`490`, `#490`), people, categories, tags. */
export interface SearchSubjects extends NamedSubjects {
  ticketId: number | null;
}

/** The query's subjects, or null when it names none (the search is then the text alone). */
export async function searchSubjects(db: Db, q: string): Promise<SearchSubjects | null> {
  const number = /^#?\s*(\d{1,9})$/.exec(q.trim());
  const named = await findNamed(db, searchTerms(q));
  const subjects = { ticketId: number ? Number(number[1]) : null, ...named };
  const any =
    subjects.ticketId !== null ||
    named.userIds.length > 0 ||
    named.categoryIds.length > 0 ||
    named.tags.length > 0;
  return any ? subjects : null;
}

// A named ticket comes before every text match; tickets found only by a name come after them.
const numberScore = Number.MAX_VALUE;
const namedScore = -1;

/** The tickets the subjects name, as a UNION of index ranges (ticket_id). */
function namedTicketsSql(s: SearchSubjects): RawBuilder<unknown>[] {
  const parts: RawBuilder<unknown>[] = [];
  if (s.ticketId !== null) parts.push(sql`SELECT id AS ticket_id FROM tickets WHERE id = ${s.ticketId}`);
  if (s.userIds.length > 0) {
    parts.push(sql`SELECT id AS ticket_id FROM tickets WHERE requester_id IN (${sql.join(s.userIds)})`);
    parts.push(sql`SELECT id AS ticket_id FROM tickets WHERE assignee_id IN (${sql.join(s.userIds)})`);
  }
  if (s.categoryIds.length > 0)
    parts.push(sql`SELECT id AS ticket_id FROM tickets WHERE category_id IN (${sql.join(s.categoryIds)})`);
  if (s.tags.length > 0)
    parts.push(sql`SELECT ticket_id FROM ticket_tags WHERE tag IN (${sql.join(s.tags)})`);
  return parts;
}

/**
 * The newest `limit` tickets each subject names (each an index range read newest first), merged; `limit`
 * null: all of them. Truncated when a subject had more.
 */
async function newestNamed(
  db: Db,
  s: SearchSubjects,
  limit: number | null,
): Promise<{ ids: number[]; truncated: boolean }> {
  const lists: number[][] = [];
  const cap = limit !== null ? sql` ORDER BY id DESC LIMIT ${limit}` : sql``;
  const run = async (query: RawBuilder<{ id: number }>) =>
    lists.push((await query.execute(db)).rows.map((r) => Number(r.id)));
  if (s.ticketId !== null) await run(sql`SELECT id FROM tickets WHERE id = ${s.ticketId}`);
  for (const u of s.userIds) {
    await run(sql`SELECT id FROM tickets WHERE requester_id = ${u}${cap}`);
    await run(sql`SELECT id FROM tickets WHERE assignee_id = ${u}${cap}`);
  }
  for (const c of s.categoryIds) await run(sql`SELECT id FROM tickets WHERE category_id = ${c}${cap}`);
  const tagCap = limit !== null ? sql` ORDER BY ticket_id DESC LIMIT ${limit}` : sql``;
  for (const t of s.tags) await run(sql`SELECT ticket_id AS id FROM ticket_tags WHERE tag = ${t}${tagCap}`);
  const truncated = limit !== null && lists.some((l) => l.length >= limit);
  const ids = [...new Set(lists.flat())].sort((a, b) => b - a);
  return { ids: limit !== null ? ids.slice(0, limit) : ids, truncated };
}

/** Which of these tickets the subjects name, with their scores. */
async function namedAmong(db: Db, s: SearchSubjects, ids: number[]): Promise<Map<number, number>> {
  const found = new Map<number, number>();
  if (ids.length === 0) return found;
  const or: RawBuilder<unknown>[] = [];
  if (s.userIds.length > 0) {
    or.push(sql`requester_id IN (${sql.join(s.userIds)})`);
    or.push(sql`assignee_id IN (${sql.join(s.userIds)})`);
  }
  if (s.categoryIds.length > 0) or.push(sql`category_id IN (${sql.join(s.categoryIds)})`);
  if (s.tags.length > 0)
    or.push(sql`id IN (SELECT ticket_id FROM ticket_tags WHERE ticket_id IN (${sql.join(ids)})
      AND tag IN (${sql.join(s.tags)}))`);
  if (or.length > 0) {
    const rows = await sql<{ id: number }>`SELECT id FROM tickets WHERE id IN (${sql.join(ids)})
      AND (${sql.join(or, sql` OR `)})`.execute(db);
    for (const r of rows.rows) found.set(Number(r.id), namedScore);
  }
  if (s.ticketId !== null && ids.includes(s.ticketId)) found.set(s.ticketId, numberScore);
  return found;
}

function fts5Query(terms: string[]): string {
  return terms.map((t, i) => (i === terms.length - 1 ? `"${t}"*` : `"${t}"`)).join(' ');
}

function tsQuery(terms: string[]): string {
  return terms.map((t, i) => (i === terms.length - 1 ? `${t}:*` : t)).join(' & ');
}

/**
 * The words a transaction indexed, to remember once it has committed (see rememberSearchWords): then their
 * stems are in the word list for good, and texts made only of known words skip the tokenizer.
 */
export interface IndexedWords {
  caps: DbCapabilities;
  words: string[];
}

export async function indexTicket(
  trx: Db,
  caps: DbCapabilities,
  id: number,
  title: string,
  description: string,
  isNew: boolean,
): Promise<IndexedWords | null> {
  if (caps.fullText !== 'fts5') return null; // PostgreSQL keeps a generated tsvector column
  if (!isNew) await sql`DELETE FROM ticket_fts WHERE rowid = ${id}`.execute(trx);
  await sql`INSERT INTO ticket_fts (rowid, title, description) VALUES (${id}, ${title}, ${description})`.execute(
    trx,
  );
  return addSearchWords(trx, caps, `${title}\n${description}`);
}

export async function indexComment(
  trx: Db,
  caps: DbCapabilities,
  id: number,
  body: string,
): Promise<IndexedWords | null> {
  if (caps.fullText !== 'fts5') return null;
  await sql`INSERT INTO comment_fts (rowid, body) VALUES (${id}, ${body})`.execute(trx);
  return addSearchWords(trx, caps, body);
}

// Words (as typed, lower-cased) whose stems are known to be in the word list, per database; bounded.
const knownWords = new WeakMap<DbCapabilities, Set<string>>();
const maxKnownWords = 200_000;

/**
 * A text's words as FTS5's unicode61 tokenizer splits them — runs of ASCII letters and digits, lower-cased —
 * when the text is plain ASCII; null otherwise (Unicode folding and diacritics are left to FTS5 itself).
 */
function asciiWords(text: string): string[] | null {
  if (!/^[\x00-\x7f]*$/.test(text)) return null;
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/**
 * Add a text's words to the search word list (SQLite): the text goes to the connection's scratch FTS5 table,
 * whose words the transaction's batch moves into the list before it commits (src/core/db/index.ts), so the
 * list holds exactly the words the indexes hold, FTS5's tokenizer having split and stemmed them.
 * A plain-ASCII text whose every word an earlier, committed text had is skipped: its stems are there.
 * Words are never taken out: one whose tickets are gone matches nothing.
 */
export async function addSearchWords(
  trx: Db,
  caps: DbCapabilities,
  text: string,
): Promise<IndexedWords | null> {
  const words = asciiWords(text);
  const known = knownWords.get(caps);
  if (words && known && words.every((w) => known.has(w))) return null;
  await sql`INSERT INTO temp.fts_tokenizer (text) VALUES (${text})`.execute(trx);
  return words && words.length > 0 ? { caps, words } : null;
}

/** Once the transaction that indexed them has committed: these words' stems are in the list. */
export function rememberSearchWords(...indexed: Array<IndexedWords | null>): void {
  for (const entry of indexed) {
    if (!entry) continue;
    let known = knownWords.get(entry.caps);
    if (!known || known.size > maxKnownWords) {
      known = new Set();
      knownWords.set(entry.caps, known);
    }
    for (const w of entry.words) known.add(w);
  }
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
  subjects: SearchSubjects | null = null,
): RawBuilder<{ ticket_id: number }> | null {
  const terms = searchTerms(q);
  if (terms.length === 0) return null;
  const internal = includeInternal ? sql`` : sql` AND c.internal = 0`;
  const named = subjects ? namedTicketsSql(subjects) : [];
  const union = (text: RawBuilder<unknown>[]) =>
    sql<{ ticket_id: number }>`(${sql.join([...text, ...named], sql` UNION `)})`;
  if (caps.fullText === 'fts5') {
    const m = fts5Query(terms);
    return union([
      sql`SELECT rowid AS ticket_id FROM ticket_fts WHERE ticket_fts MATCH ${m}`,
      sql`SELECT c.ticket_id FROM comment_fts JOIN comments c ON c.id = comment_fts.rowid WHERE comment_fts MATCH ${m}${internal}`,
    ]);
  }
  const tq = tsQuery(terms);
  return union([
    sql`SELECT id AS ticket_id FROM tickets WHERE search_vector @@ to_tsquery('english', ${tq})`,
    sql`SELECT c.ticket_id FROM comments c WHERE c.search_vector @@ to_tsquery('english', ${tq})${internal}`,
  ]);
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
  subjects: SearchSubjects | null = null,
): Promise<SearchCandidates | null> {
  const text = await textCandidates(db, caps, q, includeInternal, limit);
  if (!text || !subjects) return text;
  const named = await newestNamed(db, subjects, limit);
  for (const id of named.ids) if (!text.scores.has(id)) text.scores.set(id, namedScore);
  if (subjects.ticketId !== null && named.ids.includes(subjects.ticketId))
    text.scores.set(subjects.ticketId, numberScore);
  return { scores: text.scores, truncated: text.truncated || named.truncated };
}

async function textCandidates(
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
  if (caps.fullText === 'fts5' && limit !== null) {
    const broad = await broadFts5Candidates(db, terms, internal, limit);
    if (broad) return broad;
  }
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

// Scores of the broad case on FTS5, on bm25's scale: its column weights (title 10, description 1, comments
// 0.5) for one occurrence.
const broadScore = { title: 10, description: 1, comment: 0.5 } as const;

/** A prefix standing for more whole words than this is searched the exact way. */
const maxPrefixWords = 64;

/**
 * FTS5's bm25 counts every row that matches each term (its IDF) before scoring the first one, and a prefix
 * term ("error"*) merges the doclists of every word it starts before returning the first match: for a word
 * in most tickets, ~20–100 ms at a million tickets however few rows are asked for. Reading whole words'
 * doclists newest first and stopping after `limit` is a fraction of a millisecond. So the last word's prefix
 * is spelt out as the whole words it starts (from the search word list, search_words), and when the
 * query then matches at least `limit` tickets it is broad: the ranking would be over the newest `limit`
 * matches anyway, and bm25's IDF for such words is near nothing. The candidates are those newest matches and
 * the newest `limit` matching comments, ranked by where the words occur — all in the title, else in the
 * description, else in a comment — and then, by the caller, newest first. Null when the query is not broad:
 * the exact path (bm25 over every match, or over the newest `limit`) is then affordable.
 */
async function broadFts5Candidates(
  db: Db,
  terms: string[],
  internal: RawBuilder<unknown>,
  limit: number,
): Promise<SearchCandidates | null> {
  const ticketMatch = await spelledOut(db, terms);
  if (!ticketMatch) return null;
  const newest = (
    await sql<{ id: number }>`SELECT rowid AS id FROM ticket_fts WHERE ticket_fts MATCH ${ticketMatch}
      ORDER BY rowid DESC LIMIT ${limit}`.execute(db)
  ).rows;
  if (newest.length < limit) return null;
  const oldest = newest[newest.length - 1].id;
  // The title matches among those: at most `limit` of them are as new as the oldest candidate. (A rowid
  // bound instead of the LIMIT makes FTS5 walk the doclist from its oldest end.)
  const inTitle = (
    await sql<{
      id: number;
    }>`SELECT rowid AS id FROM ticket_fts WHERE ticket_fts MATCH ${`title : (${ticketMatch})`}
      ORDER BY rowid DESC LIMIT ${limit}`.execute(db)
  ).rows.filter((r) => r.id >= oldest);
  // One word list serves both indexes: a word only comments have matches no ticket's own text, and back.
  const comments = (
    await sql<{
      ticket_id: number;
    }>`SELECT c.ticket_id FROM comment_fts JOIN comments c ON c.id = comment_fts.rowid
      WHERE comment_fts MATCH ${ticketMatch}${internal} ORDER BY comment_fts.rowid DESC LIMIT ${limit}`.execute(
      db,
    )
  ).rows;
  const scores = new Map<number, number>();
  for (const r of comments) scores.set(r.ticket_id, broadScore.comment);
  for (const r of newest) scores.set(r.id, broadScore.description);
  for (const r of inTitle) scores.set(r.id, broadScore.title);
  return { scores, truncated: true };
}

/**
 * The FTS5 query with the last word's prefix spelt out: the word itself (as the tokenizer stems it) or any
 * indexed word that starts with it. Null when it starts too many words. (FTS5 stems a prefix before
 * expanding it — "printe"* is "print"* — so a word that starts with the stem but not with what was typed is
 * not included: for a broad query, closer to what was meant.)
 */
async function spelledOut(db: Db, terms: string[]): Promise<string | null> {
  const last = terms[terms.length - 1];
  const words = (
    await db
      .selectFrom('search_words')
      .select('word')
      .where('word', '>=', last)
      .where('word', '<', `${last}\u{10ffff}`)
      .orderBy('word')
      .limit(maxPrefixWords + 1)
      .execute()
  ).map((r) => r.word);
  if (words.length > maxPrefixWords) return null;
  const alternatives = [...new Set([last, ...words])].map((w) => `"${w}"`).join(' OR ');
  return [...terms.slice(0, -1).map((t) => `"${t}"`), `(${alternatives})`].join(' AND ');
}

/**
 * For a search sorted by another key, or a requester's: when the query is broad (at least `broadAt` tickets
 * match; see broadFts5Candidates), a test of which of some tickets match — for walking tickets in the sort
 * order and stopping at the page, instead of joining every match and sorting them. Null when the query has
 * few matches, which the join answers quickly.
 */
export async function broadMatchTest(
  db: Db,
  caps: DbCapabilities,
  q: string,
  includeInternal: boolean,
  broadAt: number,
  subjects: SearchSubjects | null = null,
): Promise<MatchTest | null> {
  const text = await broadTextTest(db, caps, q, includeInternal, broadAt);
  if (!subjects) return text;
  // A name on many tickets that are close together (a common tag or category: its newest `broadAt` within
  // ten times as many tickets) is broad too: walking finds a page soon. Sparse ones (a technician's share
  // of the queue) are joined and sorted, which is quicker. The text's matches are then few: a set.
  if (!text) {
    const named = (await newestNamed(db, subjects, broadAt)).ids;
    const dense = named.length >= broadAt && named[0] - named[named.length - 1] < 10 * broadAt;
    if (!dense) return null;
  }
  const textTest = text ?? (await textMatchSet(db, caps, q, includeInternal));
  return async (ids) => {
    const found = await textTest(ids);
    for (const [id, score] of await namedAmong(db, subjects, ids)) {
      const s = found.get(id);
      if (s === undefined || score > s) found.set(id, score);
    }
    return found;
  };
}

type MatchTest = (ids: number[]) => Promise<Map<number, number>>;

/** Every ticket the text matches (few: the query is not broad), as a test. */
async function textMatchSet(
  db: Db,
  caps: DbCapabilities,
  q: string,
  includeInternal: boolean,
): Promise<MatchTest> {
  const matches = matchingTickets(caps, q, includeInternal);
  const ids = new Set<number>();
  if (matches)
    for (const r of (await sql<{ ticket_id: number }>`SELECT ticket_id FROM ${matches} AS m`.execute(db))
      .rows)
      ids.add(Number(r.ticket_id));
  return async (chunk) =>
    new Map(chunk.filter((id) => ids.has(id)).map((id) => [id, broadScore.description]));
}

async function broadTextTest(
  db: Db,
  caps: DbCapabilities,
  q: string,
  includeInternal: boolean,
  broadAt: number,
): Promise<MatchTest | null> {
  const terms = searchTerms(q);
  if (terms.length === 0) return null;
  if (caps.fullText === 'tsvector') return broadTsvectorTest(db, terms, includeInternal, broadAt);
  const ticketMatch = await spelledOut(db, terms);
  if (!ticketMatch) return null;
  const newest = await sql<{
    id: number;
  }>`SELECT rowid AS id FROM ticket_fts WHERE ticket_fts MATCH ${ticketMatch}
    ORDER BY rowid DESC LIMIT ${broadAt}`.execute(db);
  if (newest.rows.length < broadAt) return null;
  const internal = includeInternal ? sql`` : sql` AND c.internal = 0`;
  // Which of these tickets match, with the broad case's score (title, description or comment).
  return async (ids) => {
    const found = new Map<number, number>();
    if (ids.length === 0) return found;
    for (const id of await matchingAmong(db, ticketMatch, ids)) found.set(id, broadScore.description);
    if (found.size > 0) {
      const titled = await matchingAmong(db, `title : (${ticketMatch})`, [...found.keys()]);
      for (const id of titled) found.set(id, broadScore.title);
    }
    const rest = ids.filter((id) => !found.has(id));
    if (rest.length === 0) return found;
    // Comments of these tickets first (their index), then each one's words (a rowid lookup in FTS5).
    const viaComments = await sql<{ id: number }>`SELECT DISTINCT c.ticket_id AS id FROM comments c
      CROSS JOIN comment_fts ON comment_fts.rowid = c.id
      WHERE c.ticket_id IN (${sql.join(rest)}) AND comment_fts MATCH ${ticketMatch}${internal}`.execute(db);
    for (const r of viaComments.rows) found.set(r.id, broadScore.comment);
    return found;
  };
}

/**
 * broadMatchTest on PostgreSQL: the newest `broadAt` matches come from an id-ordered scan that the planner
 * picks for a common word (~1 ms at 100k tickets), and a chunk of tickets is tested by primary key, the
 * stored tsvector deciding. Title matches are the words with weight A (the title's, see the migration).
 */
async function broadTsvectorTest(
  db: Db,
  terms: string[],
  includeInternal: boolean,
  broadAt: number,
): Promise<((ids: number[]) => Promise<Map<number, number>>) | null> {
  const tq = tsQuery(terms);
  const newest = await sql<{ id: number }>`SELECT id FROM tickets
    WHERE search_vector @@ to_tsquery('english', ${tq}) ORDER BY id DESC LIMIT ${broadAt}`.execute(db);
  if (newest.rows.length < broadAt) return null;
  const inTitle = terms.map((t, i) => (i === terms.length - 1 ? `${t}:*A` : `${t}:A`)).join(' & ');
  const internal = includeInternal ? sql`` : sql` AND c.internal = 0`;
  return async (ids) => {
    const found = new Map<number, number>();
    if (ids.length === 0) return found;
    const own = await sql<{ id: number; title: boolean }>`SELECT id,
        search_vector @@ to_tsquery('english', ${inTitle}) AS title
      FROM tickets WHERE id IN (${sql.join(ids)}) AND search_vector @@ to_tsquery('english', ${tq})`.execute(
      db,
    );
    for (const r of own.rows) found.set(r.id, r.title ? broadScore.title : broadScore.description);
    const rest = ids.filter((id) => !found.has(id));
    if (rest.length === 0) return found;
    const viaComments = await sql<{ id: number }>`SELECT DISTINCT c.ticket_id AS id FROM comments c
      WHERE c.ticket_id IN (${sql.join(rest)}) AND c.search_vector @@ to_tsquery('english', ${tq})${internal}`.execute(
      db,
    );
    for (const r of viaComments.rows) found.set(r.id, broadScore.comment);
    return found;
  };
}

/**
 * Which of some tickets' own text matches an FTS5 query. Ids close together (a page sorted by creation) are
 * read as one rowid range of the doclists, a fraction of a millisecond; scattered ids are looked up one by
 * one, ~30 µs each for a word in most tickets.
 */
async function matchingAmong(db: Db, match: string, ids: number[]): Promise<number[]> {
  let lo = ids[0];
  let hi = ids[0];
  for (const id of ids) {
    if (id < lo) lo = id;
    if (id > hi) hi = id;
  }
  if (hi - lo < 32 * ids.length) {
    const wanted = new Set(ids);
    // The bounds as integers: a JS number is bound as a REAL, which FTS5 does not take as a rowid bound
    // (it then reads the whole doclist: 60 ms instead of 0.2).
    const rows = await sql<{ id: number }>`SELECT rowid AS id FROM ticket_fts WHERE ticket_fts MATCH ${match}
      AND rowid >= CAST(${lo} AS INTEGER) AND rowid <= CAST(${hi} AS INTEGER)`.execute(db);
    return rows.rows.map((r) => r.id).filter((id) => wanted.has(id));
  }
  const rows = await sql<{ id: number }>`SELECT rowid AS id FROM ticket_fts WHERE ticket_fts MATCH ${match}
    AND rowid IN (${sql.join(ids)})`.execute(db);
  return rows.rows.map((r) => r.id);
}
