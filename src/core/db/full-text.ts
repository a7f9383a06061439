// The full-text search port: what the domains need of a full-text engine — index a document (and remove it),
// match a user's words ranked or newest first, test which of some documents match (walking a big table in
// chunks), and keep a list of the indexed words to spell out a prefix — for SQLite FTS5 and PostgreSQL
// tsvector. A domain describes its indexes (DocumentIndex) and word lists (WordList) and never asks which
// engine runs; the engine is chosen once, in openDatabase, and carried as `caps.search`.
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { chunks } from './chunks.js';
import type { BeforeCommit, SqliteHandle } from './group-commit.js';
import type { Database } from './schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** One indexed field: bm25's column weight (FTS5) and the tsvector weight label its migration gives it. */
export interface IndexField {
  name: string;
  weight: number;
  label: 'A' | 'B' | 'C' | 'D';
}

/**
 * A full-text index over a table of documents (tickets, comments; later knowledge articles, log lines). The
 * document's id is the table's integer primary key `id`. FTS5 keeps the words in a table of their own
 * (`fts5Table`, rowid = id, its columns the fields in this order, written through `index`); PostgreSQL keeps
 * them in a generated tsvector column of the table (`vectorColumn`, made by a migration: `index` has nothing
 * to do there).
 */
export interface DocumentIndex {
  table: string;
  fts5Table: string;
  vectorColumn: string;
  fields: readonly IndexField[];
  /**
   * PostgreSQL: a second generated tsvector of the lead fields alone (the heaviest: a title, tags), with a GIN
   * index of its own. Its matches rank first (see rankedPage), so a common word's page is ranked from the few
   * documents with it in a lead field, not from every document with it anywhere.
   */
  leadVectorColumn?: string;
}

/**
 * A list of every word an index holds, as the engine's tokenizer splits and stems them: a table of the domain
 * with one column `word` (its primary key). FTS5 needs it to spell out a prefix as whole words (see
 * broadQuery); PostgreSQL answers prefixes from its index and keeps no list. Words are never taken out: one
 * whose documents are gone matches nothing.
 */
export interface WordList {
  table: string;
}

const identifier = /^[a-z_][a-z0-9_]*$/;

function checked(name: string): string {
  if (!identifier.test(name)) throw new Error(`full-text search: invalid identifier ${name}`);
  return name;
}

/** A document index, its names checked once (they are written into SQL). */
export function defineIndex(index: DocumentIndex): DocumentIndex {
  for (const name of [
    index.table,
    index.fts5Table,
    index.vectorColumn,
    ...(index.leadVectorColumn ? [index.leadVectorColumn] : []),
    ...index.fields.map((f) => f.name),
  ])
    checked(name);
  return index;
}

export function defineWordList(list: WordList): WordList {
  checked(list.table);
  return list;
}

/** A user's words as the engine's query: every word must match, the last one as a prefix (instant search). */
export interface TextQuery {
  readonly terms: readonly string[];
  /** The engine's query text (an FTS5 MATCH expression, a to_tsquery text). */
  readonly text: string;
}

/**
 * A query's match over one index, as SQL to compose: `from` the index (and, with `rows`, the documents'
 * table under that alias, joined to it), `id` the matching document's id — the index's own, so ordering by
 * it reads the index newest first — `where` the match, `score` its rank (higher is better; `factor` weighs
 * one index against another).
 */
export interface Match {
  from: RawBuilder<unknown>;
  id: RawBuilder<number>;
  where: RawBuilder<unknown>;
  score(factor?: number): RawBuilder<number>;
}

/** Words a transaction added to a word list: call `remember` once it has committed. */
export interface AddedWords {
  remember(): void;
}

export interface FullTextSearch {
  /**
   * Ranking reads every match before returning the first row, however few are asked (FTS5's bm25 counts each
   * term's matches for its IDF): a ranked search for a common word should rank the newest matches another way.
   */
  readonly rankingReadsEveryMatch: boolean;
  /**
   * A match given as a condition on the documents' rows (`matches`) meets the rows' other indexes in one read (a
   * bitmap AND): few rows passing both are found without reading every match of a common word. FTS5's index is a
   * table of its own, read whole for the word before any other condition narrows it.
   */
  readonly matchMeetsOtherIndexes: boolean;
  /** In the writer's transaction: index the document's fields (by name); `replace` an earlier version. */
  index(
    trx: Db,
    index: DocumentIndex,
    id: number,
    fields: Record<string, string>,
    replace: boolean,
  ): Promise<void>;
  /** As `index`, for many documents in a few statements (a bulk writer's page); `replace` earlier versions. */
  indexMany(
    trx: Db,
    index: DocumentIndex,
    docs: ReadonlyArray<{ id: number; fields: Record<string, string> }>,
    replace: boolean,
  ): Promise<void>;
  /** In the writer's transaction: the document leaves the index. */
  remove(trx: Db, index: DocumentIndex, id: number): Promise<void>;
  /** The engine's query for some words (already split and folded, see searchTerms). */
  query(terms: readonly string[]): TextQuery;
  /**
   * Every part must match: a part of one word is that word, of several a phrase (the words in this order,
   * next to each other). With `prefixLast`, a last part of one word matches as a prefix (instant search).
   */
  partsQuery(parts: readonly (readonly string[])[], prefixLast: boolean): TextQuery;
  /**
   * The query for reading a common word's matches newest first and stopping early. FTS5 merges the doclists
   * of every word a prefix starts before returning the first match, so the last word is spelt out as the
   * whole words of `words` it starts (null when more than `maxWords`); a tsvector index reads a prefix in
   * order as it is.
   */
  broadQuery(db: Db, terms: readonly string[], words: WordList, maxWords: number): Promise<TextQuery | null>;
  /** The query restricted to one field of the index. */
  inField(index: DocumentIndex, query: TextQuery, field: string): TextQuery;
  /**
   * The match as SQL. With `rows`, the documents' table is joined under that alias (for its columns); with
   * `rowsFirst` as well, the join is driven by the documents (a few chosen rows, then their words).
   */
  match(index: DocumentIndex, query: TextQuery, rows?: { alias: string; rowsFirst?: boolean }): Match;
  /**
   * The match as a condition on the documents' own rows (the table under `alias`), to stand beside the list's
   * other conditions: PostgreSQL then combines the indexes of all of them (a bitmap AND) to find the rows.
   */
  matches(index: DocumentIndex, query: TextQuery, alias: string): RawBuilder<boolean>;
  /** The ids of the newest `limit` matching documents, newest first. */
  newest(db: Db, index: DocumentIndex, query: TextQuery, limit: number): Promise<number[]>;
  /**
   * The best matches `offset` to `offset + limit` (limit + 1 of them, when there are: the caller learns there is
   * a next page) among the rows of the documents' table (under `rows.alias`) that pass `rows.where`, best first,
   * ties newest first; `score` higher is better. FTS5 ranks by bm25 with the fields' weights. PostgreSQL with a
   * lead vector ranks in two tiers: the matches in the lead fields, then the others, each by ts_rank (scores
   * 1 + r/(1+r), then r/(1+r): in [1, 2) and [0, 1)), reading the others only when the page reaches them;
   * without one, by ts_rank alone.
   */
  rankedPage(
    db: Db,
    index: DocumentIndex,
    query: TextQuery,
    rows: { alias: string; where: RawBuilder<unknown> },
    limit: number,
    offset: number,
  ): Promise<{ id: number; score: number }[]>;
  /**
   * Which of these documents match (a chunk of a walk over a big table), each with whether it matches within
   * `field` too.
   */
  among(
    db: Db,
    index: DocumentIndex,
    query: TextQuery,
    ids: readonly number[],
    field: string,
  ): Promise<Map<number, boolean>>;
  /**
   * In the writer's transaction: the text's words go to the word list once it commits. Null when there is
   * nothing to remember (no list is kept, or every word is known to be there already).
   */
  addWords(trx: Db, list: WordList, text: string): Promise<AddedWords | null>;
  /** The words of the list that start with `prefix` (itself included), in order, at most `limit`. */
  prefixWords(db: Db, list: WordList, prefix: string, limit: number): Promise<string[]>;
}

async function prefixWords(db: Db, list: WordList, prefix: string, limit: number): Promise<string[]> {
  const rows = await sql<{ word: string }>`select "word" from ${sql.table(list.table)}
    where "word" >= ${prefix} and "word" < ${`${prefix}\u{10ffff}`} order by "word" limit ${limit}`.execute(
    db,
  );
  return rows.rows.map((r) => r.word);
}

function field(index: DocumentIndex, name: string): IndexField {
  const f = index.fields.find((x) => x.name === name);
  if (!f) throw new Error(`full-text search: ${index.table} has no field ${name}`);
  return f;
}

// Words (as typed, lower-cased) whose stems are known to be in a word list; bounded.
const maxKnownWords = 200_000;

/**
 * A text's words as FTS5's unicode61 tokenizer splits them — runs of ASCII letters and digits, lower-cased —
 * when the text is plain ASCII; null otherwise (Unicode folding and diacritics are left to FTS5 itself).
 */
function asciiWords(text: string): string[] | null {
  if (!/^[\x00-\x7f]*$/.test(text)) return null;
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

// Each word list has a band of rowids in the scratch tokenizer table, so one batch can fill several lists.
const band = 2 ** 40;

/** The ranked page by the match's own score, the same SQL over either engine's match. */
async function rankedByScore(
  db: Db,
  m: Match,
  where: RawBuilder<unknown>,
  limit: number,
  offset: number,
): Promise<{ id: number; score: number }[]> {
  const rows = await sql<{
    id: number;
    score: number;
  }>`SELECT ${m.id} AS id, ${m.score()} AS score FROM ${m.from}
    WHERE ${m.where} AND ${where} ORDER BY score DESC, ${m.id} DESC LIMIT ${limit + 1} OFFSET ${offset}`.execute(
    db,
  );
  return rows.rows.map((r) => ({ id: Number(r.id), score: Number(r.score) }));
}

/** The newest matching ids, the same SQL over either engine's match. */
async function newestMatching(db: Db, m: Match, limit: number): Promise<number[]> {
  const rows = await sql<{ id: number }>`SELECT ${m.id} AS id FROM ${m.from} WHERE ${m.where}
    ORDER BY ${m.id} DESC LIMIT ${limit}`.execute(db);
  return rows.rows.map((r) => r.id);
}

/**
 * SQLite FTS5. A word list takes its words from FTS5's own tokenizer — the indexes' 'porter unicode61' — on
 * a scratch table in the connection's temp schema: a transaction puts its texts there (in its list's band of
 * rowids), and the batch moves their words into the lists just before COMMIT (group-commit.ts), so a list
 * holds exactly the words the indexes hold. A plain-ASCII text whose every word an earlier, committed text
 * had is skipped: its stems are there. The words known so far are this object's state, built with the
 * connection: they only grow (a word is never taken out of a list), so no other instance can make them wrong.
 */
export class Fts5Search implements FullTextSearch {
  readonly rankingReadsEveryMatch = true;
  readonly matchMeetsOtherIndexes = false;
  /** Run on the connection before any query. */
  static readonly setup = `
    CREATE VIRTUAL TABLE temp.fts_tokenizer USING fts5(text, content='', tokenize='porter unicode61');
    CREATE VIRTUAL TABLE temp.fts_tokenizer_words USING fts5vocab(temp, fts_tokenizer, instance);`;
  private readonly lists = new Map<string, { band: number; known: Set<string> }>();
  private next = 0;
  private sequence = 0;

  /** The batch's work before COMMIT: the scratch table's words into their lists. */
  readonly beforeCommit: BeforeCommit = {
    pending: (text) => text.startsWith('INSERT INTO temp.fts_tokenizer '),
    run: (handle: SqliteHandle) => {
      for (const [table, list] of this.lists)
        handle
          .prepare(
            `INSERT OR IGNORE INTO main.${table} (word) SELECT DISTINCT term FROM temp.fts_tokenizer_words
              WHERE doc >= ${list.band * band} AND doc < ${(list.band + 1) * band}`,
          )
          .run();
      handle.prepare("INSERT INTO temp.fts_tokenizer (fts_tokenizer) VALUES ('delete-all')").run();
    },
  };

  async index(
    trx: Db,
    index: DocumentIndex,
    id: number,
    fields: Record<string, string>,
    replace: boolean,
  ): Promise<void> {
    if (replace) await this.remove(trx, index, id);
    const columns = index.fields.map((f) => sql.raw(f.name));
    const values = index.fields.map((f) => fields[f.name] ?? '');
    await sql`INSERT INTO ${sql.raw(index.fts5Table)} (rowid, ${sql.join(columns)}) VALUES (${id}, ${sql.join(values)})`.execute(
      trx,
    );
  }

  async indexMany(
    trx: Db,
    index: DocumentIndex,
    docs: ReadonlyArray<{ id: number; fields: Record<string, string> }>,
    replace: boolean,
  ): Promise<void> {
    const table = sql.raw(index.fts5Table);
    const columns = index.fields.map((f) => sql.raw(f.name));
    // A few hundred rows a statement: far below SQLite's 32,766 parameters, and cheap to plan.
    for (const part of chunks(docs, 200)) {
      if (replace)
        await sql`DELETE FROM ${table} WHERE rowid IN (${sql.join(part.map((d) => d.id))})`.execute(trx);
      const rows = part.map(
        (d) => sql`(${d.id}, ${sql.join(index.fields.map((f) => d.fields[f.name] ?? ''))})`,
      );
      await sql`INSERT INTO ${table} (rowid, ${sql.join(columns)}) VALUES ${sql.join(rows)}`.execute(trx);
    }
  }

  async remove(trx: Db, index: DocumentIndex, id: number): Promise<void> {
    await sql`DELETE FROM ${sql.raw(index.fts5Table)} WHERE rowid = ${id}`.execute(trx);
  }

  query(terms: readonly string[]): TextQuery {
    return { terms, text: terms.map((t, i) => (i === terms.length - 1 ? `"${t}"*` : `"${t}"`)).join(' ') };
  }

  partsQuery(parts: readonly (readonly string[])[], prefixLast: boolean): TextQuery {
    const last = parts.length - 1;
    return {
      terms: parts.flat(),
      // An FTS5 string of several words is a phrase; the words are letters and digits only (searchTerms).
      text: parts
        .map((p, i) => (i === last && prefixLast && p.length === 1 ? `"${p[0]}"*` : `"${p.join(' ')}"`))
        .join(' '),
    };
  }

  /**
   * The last word's prefix spelt out: the word itself (as the tokenizer stems it) or any listed word that
   * starts with it. (FTS5 stems a prefix before expanding it — "printe"* is "print"* — so a word that starts
   * with the stem but not with what was typed is not included: for a broad query, closer to what was meant.)
   */
  async broadQuery(
    db: Db,
    terms: readonly string[],
    words: WordList,
    maxWords: number,
  ): Promise<TextQuery | null> {
    const last = terms[terms.length - 1];
    const started = await prefixWords(db, words, last, maxWords + 1);
    if (started.length > maxWords) return null;
    const alternatives = [...new Set([last, ...started])].map((w) => `"${w}"`).join(' OR ');
    return {
      terms,
      text: [...terms.slice(0, -1).map((t) => `"${t}"`), `(${alternatives})`].join(' AND '),
    };
  }

  inField(index: DocumentIndex, query: TextQuery, name: string): TextQuery {
    return { terms: query.terms, text: `${field(index, name).name} : (${query.text})` };
  }

  matches(index: DocumentIndex, query: TextQuery, alias: string): RawBuilder<boolean> {
    const fts = sql.raw(index.fts5Table);
    return sql<boolean>`${sql.raw(checked(alias))}.id IN (SELECT rowid FROM ${fts} WHERE ${fts} MATCH ${query.text})`;
  }

  match(index: DocumentIndex, query: TextQuery, rows?: { alias: string; rowsFirst?: boolean }): Match {
    const fts = sql.raw(index.fts5Table);
    const id = sql<number>`${fts}.rowid`;
    let from: RawBuilder<unknown> = fts;
    if (rows) {
      const alias = sql.raw(checked(rows.alias));
      const table = sql.raw(index.table);
      from = rows.rowsFirst
        ? sql`${table} ${alias} CROSS JOIN ${fts} ON ${fts}.rowid = ${alias}.id`
        : sql`${fts} JOIN ${table} ${alias} ON ${alias}.id = ${fts}.rowid`;
    }
    // bm25 is negative, more negative is better: negated, higher is better on both engines.
    const weights = index.fields.every((f) => f.weight === 1)
      ? sql``
      : sql.raw(`, ${index.fields.map((f) => f.weight.toFixed(1)).join(', ')}`);
    return {
      from,
      id,
      where: sql`${fts} MATCH ${query.text}`,
      score: (factor = 1) =>
        factor === 1
          ? sql<number>`-bm25(${fts}${weights})`
          : sql<number>`-bm25(${fts}${weights}) * ${sql.lit(factor)}`,
    };
  }

  newest(db: Db, index: DocumentIndex, query: TextQuery, limit: number): Promise<number[]> {
    return newestMatching(db, this.match(index, query), limit);
  }

  rankedPage(
    db: Db,
    index: DocumentIndex,
    query: TextQuery,
    rows: { alias: string; where: RawBuilder<unknown> },
    limit: number,
    offset: number,
  ): Promise<{ id: number; score: number }[]> {
    return rankedByScore(db, this.match(index, query, { alias: rows.alias }), rows.where, limit, offset);
  }

  async among(
    db: Db,
    index: DocumentIndex,
    query: TextQuery,
    ids: readonly number[],
    name: string,
  ): Promise<Map<number, boolean>> {
    const found = new Map<number, boolean>();
    if (ids.length === 0) return found;
    for (const id of await this.matchingAmong(db, index, query, ids)) found.set(id, false);
    if (found.size > 0)
      for (const id of await this.matchingAmong(db, index, this.inField(index, query, name), [
        ...found.keys(),
      ]))
        found.set(id, true);
    return found;
  }

  /**
   * Which of some documents match. Ids close together (a page sorted by creation) are read as one rowid range
   * of the doclists, a fraction of a millisecond; scattered ids are looked up one by one, ~30 µs each for a
   * word in most documents.
   */
  private async matchingAmong(
    db: Db,
    index: DocumentIndex,
    query: TextQuery,
    ids: readonly number[],
  ): Promise<number[]> {
    const fts = sql.raw(index.fts5Table);
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
      const rows = await sql<{ id: number }>`SELECT rowid AS id FROM ${fts} WHERE ${fts} MATCH ${query.text}
        AND rowid >= CAST(${lo} AS INTEGER) AND rowid <= CAST(${hi} AS INTEGER)`.execute(db);
      return rows.rows.map((r) => r.id).filter((id) => wanted.has(id));
    }
    const rows = await sql<{ id: number }>`SELECT rowid AS id FROM ${fts} WHERE ${fts} MATCH ${query.text}
      AND rowid IN (${sql.join(ids)})`.execute(db);
    return rows.rows.map((r) => r.id);
  }

  async addWords(trx: Db, list: WordList, text: string): Promise<AddedWords | null> {
    let state = this.lists.get(list.table);
    if (!state) {
      state = { band: ++this.next, known: new Set() };
      this.lists.set(checked(list.table), state);
    }
    const words = asciiWords(text);
    const known = state.known;
    if (words?.every((w) => known.has(w))) return null;
    const rowid = state.band * band + (this.sequence++ % band);
    await sql`INSERT INTO temp.fts_tokenizer (rowid, text) VALUES (CAST(${rowid} AS INTEGER), ${text})`.execute(
      trx,
    );
    if (!words || words.length === 0) return null;
    const owner = state;
    return {
      remember: () => {
        if (owner.known.size > maxKnownWords) owner.known = new Set();
        for (const w of words) owner.known.add(w);
      },
    };
  }

  prefixWords(db: Db, list: WordList, prefix: string, limit: number): Promise<string[]> {
    return prefixWords(db, list, prefix, limit);
  }
}

/**
 * PostgreSQL tsvector: each index is a generated tsvector column (weights A–D by field, 'english'
 * configuration) with a GIN index, made by a migration; ranking is ts_rank over the rows read.
 */
export class TsvectorSearch implements FullTextSearch {
  readonly rankingReadsEveryMatch = false;
  readonly matchMeetsOtherIndexes = true;

  async index(): Promise<void> {
    // The generated column follows the row.
  }

  async indexMany(): Promise<void> {
    // The generated columns follow the rows.
  }

  async remove(): Promise<void> {
    // The column goes with the row.
  }

  query(terms: readonly string[]): TextQuery {
    return { terms, text: terms.map((t, i) => (i === terms.length - 1 ? `${t}:*` : t)).join(' & ') };
  }

  partsQuery(parts: readonly (readonly string[])[], prefixLast: boolean): TextQuery {
    const last = parts.length - 1;
    return {
      terms: parts.flat(),
      text: parts
        .map((p, i) => (i === last && prefixLast && p.length === 1 ? `${p[0]}:*` : `(${p.join(' <-> ')})`))
        .join(' & '),
    };
  }

  async broadQuery(_db: Db, terms: readonly string[]): Promise<TextQuery | null> {
    return this.query(terms);
  }

  inField(index: DocumentIndex, query: TextQuery, name: string): TextQuery {
    const label = field(index, name).label;
    const last = query.terms.length - 1;
    return {
      terms: query.terms,
      text: query.terms.map((t, i) => (i === last ? `${t}:*${label}` : `${t}:${label}`)).join(' & '),
    };
  }

  matches(index: DocumentIndex, query: TextQuery, alias: string): RawBuilder<boolean> {
    return sql<boolean>`${sql.raw(checked(alias))}.${sql.raw(index.vectorColumn)} @@ to_tsquery('english', ${query.text})`;
  }

  match(index: DocumentIndex, query: TextQuery, rows?: { alias: string; rowsFirst?: boolean }): Match {
    const table = sql.raw(index.table);
    const owner = rows ? sql.raw(checked(rows.alias)) : table;
    const vector = sql`${owner}.${sql.raw(index.vectorColumn)}`;
    const tsQuery = sql`to_tsquery('english', ${query.text})`;
    return {
      from: rows ? sql`${table} ${owner}` : table,
      id: sql<number>`${owner}.id`,
      where: sql`${vector} @@ ${tsQuery}`,
      // ts_rank is a real: as a double, exact in JavaScript.
      score: (factor = 1) =>
        factor === 1
          ? sql<number>`ts_rank(${vector}, ${tsQuery})::float8`
          : sql<number>`ts_rank(${vector}, ${tsQuery})::float8 * ${sql.lit(factor)}`,
    };
  }

  newest(db: Db, index: DocumentIndex, query: TextQuery, limit: number): Promise<number[]> {
    return newestMatching(db, this.match(index, query), limit);
  }

  async rankedPage(
    db: Db,
    index: DocumentIndex,
    query: TextQuery,
    rows: { alias: string; where: RawBuilder<unknown> },
    limit: number,
    offset: number,
  ): Promise<{ id: number; score: number }[]> {
    const m = this.match(index, query, { alias: rows.alias });
    if (!index.leadVectorColumn) return rankedByScore(db, m, rows.where, limit, offset);
    const lead = sql`${sql.raw(checked(rows.alias))}.${sql.raw(index.leadVectorColumn)} @@ to_tsquery('english', ${query.text})`;
    const tier = async (where: RawBuilder<unknown>, take: number, skip: number, base: number) => {
      const found = await sql<{
        id: number;
        r: number;
      }>`SELECT ${m.id} AS id, ${m.score()} AS r FROM ${m.from}
        WHERE ${where} AND ${rows.where} ORDER BY r DESC, ${m.id} DESC LIMIT ${take} OFFSET ${skip}`.execute(
        db,
      );
      return found.rows.map((x) => ({ id: Number(x.id), score: base + Number(x.r) / (1 + Number(x.r)) }));
    };
    // The page and one more, from the lead matches while they last (read from the start: their count tells
    // where the others begin), then from the others.
    const wanted = offset + limit + 1;
    const first = await tier(lead, wanted, 0, 1);
    if (first.length === wanted) return first.slice(offset);
    const rest = await tier(
      sql`${m.where} AND NOT (${lead})`,
      wanted - Math.max(first.length, offset),
      Math.max(0, offset - first.length),
      0,
    );
    return [...first.slice(offset), ...rest];
  }

  /** By primary key, the stored tsvector deciding; the field's words are those with its weight label. */
  async among(
    db: Db,
    index: DocumentIndex,
    query: TextQuery,
    ids: readonly number[],
    name: string,
  ): Promise<Map<number, boolean>> {
    const found = new Map<number, boolean>();
    if (ids.length === 0) return found;
    const m = this.match(index, query);
    const inField = this.match(index, this.inField(index, query, name));
    const rows = await sql<{
      id: number;
      in_field: boolean;
    }>`SELECT ${m.id} AS id, ${inField.where} AS in_field
      FROM ${m.from} WHERE ${m.id} IN (${sql.join(ids)}) AND ${m.where}`.execute(db);
    for (const r of rows.rows) found.set(r.id, r.in_field);
    return found;
  }

  async addWords(): Promise<AddedWords | null> {
    // No list: the GIN index answers a prefix itself (see broadQuery).
    return null;
  }

  prefixWords(db: Db, list: WordList, prefix: string, limit: number): Promise<string[]> {
    return prefixWords(db, list, prefix, limit);
  }
}
