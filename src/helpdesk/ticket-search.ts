// Ticket search over the full-text search port (core/db/full-text.ts, FTS5 or tsvector: this file never asks
// which). Titles weigh most, then descriptions, then comments; internal comments are searched
// only for staff. Besides the text, a query may name a ticket number (it comes first) or people, categories
// and tags (search subjects, resolved against the small search_names table and found through the tickets'
// indexed columns; they rank after the text matches).
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import {
  type AddedWords,
  type Database,
  type DbCapabilities,
  defineIndex,
  defineWordList,
} from '../core/db/index.js';
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

/** A number names our ticket, or one imported under that number (tickets.external_ref, "zammad 31004"). */
function numberedSql(n: number): RawBuilder<unknown> {
  const refs = ['zammad', 'glpi', 'osticket'].map((source) => `${source} ${n}`);
  return sql`(id = ${n} OR external_ref IN (${sql.join(refs)}))`;
}

// A named ticket comes before every text match; tickets found only by a name come after them.
const numberScore = Number.MAX_VALUE;
const namedScore = -1;

/** The tickets the subjects name, as a UNION of index ranges (ticket_id). */
function namedTicketsSql(s: SearchSubjects): RawBuilder<unknown>[] {
  const parts: RawBuilder<unknown>[] = [];
  if (s.ticketId !== null)
    parts.push(sql`SELECT id AS ticket_id FROM tickets WHERE ${numberedSql(s.ticketId)}`);
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
  if (s.ticketId !== null) await run(sql`SELECT id FROM tickets WHERE ${numberedSql(s.ticketId)}`);
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

// The help desk's indexes and word list (their tables and columns come from the migrations): a ticket's own
// text (its title weighs most) and its comments, and every word the two hold (FTS5 spells a prefix out from
// it, see broadCandidates).
const ticketIndex = defineIndex({
  table: 'tickets',
  fts5Table: 'ticket_fts',
  vectorColumn: 'search_vector',
  fields: [
    { name: 'title', weight: 10, label: 'A' },
    { name: 'description', weight: 1, label: 'B' },
  ],
});
const commentIndex = defineIndex({
  table: 'comments',
  fts5Table: 'comment_fts',
  vectorColumn: 'search_vector',
  fields: [{ name: 'body', weight: 1, label: 'D' }],
});
export const searchWords = defineWordList({ table: 'search_words' });

/** A comment's match weighs half a ticket's own. */
const commentFactor = 0.5;

/**
 * The words a transaction indexed, to remember once it has committed (see rememberSearchWords): then they are
 * in the word list for good, and texts made only of known words skip the tokenizer.
 */
export type IndexedWords = AddedWords;

export async function indexTicket(
  trx: Db,
  caps: DbCapabilities,
  id: number,
  title: string,
  description: string,
  isNew: boolean,
): Promise<IndexedWords | null> {
  await caps.search.index(trx, ticketIndex, id, { title, description }, !isNew);
  return addSearchWords(trx, caps, `${title}\n${description}`);
}

export async function indexComment(
  trx: Db,
  caps: DbCapabilities,
  id: number,
  body: string,
): Promise<IndexedWords | null> {
  await caps.search.index(trx, commentIndex, id, { body }, false);
  return addSearchWords(trx, caps, body);
}

/** Many tickets' own text at once (a bulk writer's page); `replace` their earlier versions. */
export async function indexTickets(
  trx: Db,
  caps: DbCapabilities,
  docs: ReadonlyArray<{ id: number; title: string; description: string }>,
  replace: boolean,
): Promise<void> {
  if (docs.length === 0) return;
  await caps.search.indexMany(
    trx,
    ticketIndex,
    docs.map((d) => ({ id: d.id, fields: { title: d.title, description: d.description } })),
    replace,
  );
}

/** Many comments at once; `replace` their earlier versions. */
export async function indexComments(
  trx: Db,
  caps: DbCapabilities,
  docs: ReadonlyArray<{ id: number; body: string }>,
  replace: boolean,
): Promise<void> {
  if (docs.length === 0) return;
  await caps.search.indexMany(
    trx,
    commentIndex,
    docs.map((d) => ({ id: d.id, fields: { body: d.body } })),
    replace,
  );
}

/** Add a text's words to the search word list, in the caller's transaction (see WordList). */
export function addSearchWords(trx: Db, caps: DbCapabilities, text: string): Promise<IndexedWords | null> {
  return caps.search.addWords(trx, searchWords, text);
}

/** Once the transaction that indexed them has committed: these words are in the list. */
export function rememberSearchWords(...indexed: Array<IndexedWords | null>): void {
  for (const entry of indexed) entry?.remember();
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
  const query = caps.search.query(terms);
  const own = caps.search.match(ticketIndex, query);
  const comments = caps.search.match(commentIndex, query, { alias: 'c' });
  return sql<{ ticket_id: number }>`(${sql.join(
    [
      sql`SELECT ${own.id} AS ticket_id FROM ${own.from} WHERE ${own.where}`,
      sql`SELECT c.ticket_id FROM ${comments.from} WHERE ${comments.where}${internal}`,
      ...named,
    ],
    sql` UNION `,
  )})`;
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
  if (limit !== null && caps.search.rankingReadsEveryMatch) {
    const broad = await broadCandidates(db, caps, terms, internal, limit);
    if (broad) return broad;
  }
  const newest = (id: RawBuilder<number>) =>
    limit !== null ? sql` ORDER BY ${id} DESC LIMIT ${limit}` : sql``;
  const query = caps.search.query(terms);
  const own = caps.search.match(ticketIndex, query);
  const comments = caps.search.match(commentIndex, query, { alias: 'c' });
  const ticketRows = (
    await sql<{ ticket_id: number; score: number }>`SELECT ${own.id} AS ticket_id, ${own.score()} AS score
      FROM ${own.from} WHERE ${own.where}${newest(own.id)}`.execute(db)
  ).rows;
  const commentRows = (
    await sql<{
      ticket_id: number;
      score: number;
    }>`SELECT c.ticket_id, ${comments.score(commentFactor)} AS score
      FROM ${comments.from} WHERE ${comments.where}${internal}${newest(comments.id)}`.execute(db)
  ).rows;
  const scores = new Map<number, number>();
  for (const r of ticketRows) scores.set(r.ticket_id, r.score);
  for (const r of commentRows) {
    const s = scores.get(r.ticket_id);
    if (s === undefined || r.score > s) scores.set(r.ticket_id, r.score);
  }
  const truncated = limit !== null && (ticketRows.length >= limit || commentRows.length >= limit);
  return { scores, truncated };
}

// Scores of the broad case, on bm25's scale: its column weights (title 10, description 1, comments 0.5) for
// one occurrence.
const broadScore = { title: 10, description: 1, comment: 0.5 } as const;

/** A prefix standing for more whole words than this is searched the exact way. */
const maxPrefixWords = 64;

/**
 * Where ranking reads every match (FTS5's bm25 counts every row that matches each term, its IDF, before
 * scoring the first one; a prefix term merges the doclists of every word it starts before returning the
 * first match: for a word in most tickets, ~20–100 ms at a million tickets however few rows are asked for),
 * reading whole words' doclists newest first and stopping after `limit` is a fraction of a millisecond. So
 * the query is spelt out (broadQuery, from the word list), and when it then matches at least `limit` tickets
 * it is broad: the ranking would be over the newest `limit` matches anyway, and bm25's IDF for such words is
 * near nothing. The candidates are those newest matches and the newest `limit` matching comments, ranked by
 * where the words occur — all in the title, else in the description, else in a comment — and then, by the
 * caller, newest first. Null when the query is not broad: the exact path (bm25 over every match, or over the
 * newest `limit`) is then affordable.
 */
async function broadCandidates(
  db: Db,
  caps: DbCapabilities,
  terms: string[],
  internal: RawBuilder<unknown>,
  limit: number,
): Promise<SearchCandidates | null> {
  const search = caps.search;
  const query = await search.broadQuery(db, terms, searchWords, maxPrefixWords);
  if (!query) return null;
  const newest = await search.newest(db, ticketIndex, query, limit);
  if (newest.length < limit) return null;
  const oldest = newest[newest.length - 1];
  // The title matches among those: at most `limit` of them are as new as the oldest candidate. (A rowid
  // bound instead of the LIMIT makes FTS5 walk the doclist from its oldest end.)
  const inTitle = (
    await search.newest(db, ticketIndex, search.inField(ticketIndex, query, 'title'), limit)
  ).filter((id) => id >= oldest);
  // One word list serves both indexes: a word only comments have matches no ticket's own text, and back.
  const m = search.match(commentIndex, query, { alias: 'c' });
  const comments = (
    await sql<{ ticket_id: number }>`SELECT c.ticket_id FROM ${m.from}
      WHERE ${m.where}${internal} ORDER BY ${m.id} DESC LIMIT ${limit}`.execute(db)
  ).rows;
  const scores = new Map<number, number>();
  for (const r of comments) scores.set(r.ticket_id, broadScore.comment);
  for (const id of newest) scores.set(id, broadScore.description);
  for (const id of inTitle) scores.set(id, broadScore.title);
  return { scores, truncated: true };
}

/**
 * For a search sorted by another key, or a requester's: when the query is broad (at least `broadAt` tickets
 * match; see broadCandidates), a test of which of some tickets match — for walking tickets in the sort
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

/**
 * The text's part of broadMatchTest: the newest `broadAt` matches read newest first (an id-ordered read of
 * the index that stops early), then a chunk of tickets is tested by id — their own text (in the title or
 * not), then, for the rest, their comments.
 */
async function broadTextTest(
  db: Db,
  caps: DbCapabilities,
  q: string,
  includeInternal: boolean,
  broadAt: number,
): Promise<MatchTest | null> {
  const terms = searchTerms(q);
  if (terms.length === 0) return null;
  const search = caps.search;
  const query = await search.broadQuery(db, terms, searchWords, maxPrefixWords);
  if (!query) return null;
  if ((await search.newest(db, ticketIndex, query, broadAt)).length < broadAt) return null;
  const internal = includeInternal ? sql`` : sql` AND c.internal = 0`;
  // Comments of the tickets first (their index), then each one's words.
  const m = search.match(commentIndex, query, { alias: 'c', rowsFirst: true });
  return async (ids) => {
    const found = new Map<number, number>();
    if (ids.length === 0) return found;
    for (const [id, titled] of await search.among(db, ticketIndex, query, ids, 'title'))
      found.set(id, titled ? broadScore.title : broadScore.description);
    const rest = ids.filter((id) => !found.has(id));
    if (rest.length === 0) return found;
    const viaComments = await sql<{ id: number }>`SELECT DISTINCT c.ticket_id AS id FROM ${m.from}
      WHERE c.ticket_id IN (${sql.join(rest)}) AND ${m.where}${internal}`.execute(db);
    for (const r of viaComments.rows) found.set(r.id, broadScore.comment);
    return found;
  };
}
