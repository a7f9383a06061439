// The names a ticket search looks for besides the text: people's display names, category names and tags,
// kept as words in a small table (search_names). A query's words are resolved here first; the tickets are
// then found through their own indexed columns (requester, assignee, category, tag), so the full-text
// indexes and their speed stay as they are. Words are split and folded as the text search's query words.
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './db/index.js';

type Db = Kysely<Database> | Transaction<Database>;

export type NamedKind = Database['search_names']['kind'];

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

function nameWords(name: string): string[] {
  return [
    ...new Set(
      (
        name
          .normalize('NFKC')
          .toLowerCase()
          .match(/[\p{L}\p{N}]+/gu) ?? []
      ).map((w) => w.slice(0, 64)),
    ),
  ];
}

/** Record a user's or category's (new) name, in the caller's transaction: the old name's words go. */
export async function indexName(db: Db, kind: 'user' | 'category', id: number, name: string): Promise<void> {
  await db.deleteFrom('search_names').where('kind', '=', kind).where('ref', '=', String(id)).execute();
  const words = nameWords(name);
  if (words.length === 0) return;
  await db
    .insertInto('search_names')
    .values(words.map((word) => ({ word, kind, ref: String(id) })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/**
 * Record tags as searchable (they are kept when no ticket has them any more: such a tag finds nothing).
 * Tags are lower-case already (cleanTags).
 */
export async function indexTags(db: Db, tags: string[]): Promise<void> {
  const rows = tags.flatMap((tag) =>
    nameWords(tag).map((word) => ({ word, kind: 'tag' as const, ref: tag })),
  );
  if (rows.length === 0) return;
  await db
    .insertInto('search_names')
    .values(rows)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** What a query names: the users, categories and tags each of whose names has every word of the query. */
export interface NamedSubjects {
  userIds: number[];
  categoryIds: number[];
  tags: string[];
}

/** A word on more names than this does not pick names by itself (every requester called "User …"). */
const maxRowsPerWord = 200;
/** A query naming more subjects of a kind than this names none of that kind: it is not a name search. */
export const maxNamedPerKind = 16;

type NameRow = { word: string; kind: NamedKind; ref: string };

/**
 * The names having one word of the query: the word itself, and for the last word (typed so far) the words
 * it starts, unless it starts too many (one letter typed). Null when the word itself is on too many names.
 */
async function namesWith(db: Db, term: string, prefix: boolean): Promise<NameRow[] | null> {
  const exact = await db
    .selectFrom('search_names')
    .select(['word', 'kind', 'ref'])
    .where('word', '=', term)
    .limit(maxRowsPerWord + 1)
    .execute();
  if (exact.length > maxRowsPerWord) return null;
  if (!prefix) return exact;
  const started = await db
    .selectFrom('search_names')
    .select(['word', 'kind', 'ref'])
    .where('word', '>', term)
    .where('word', '<', `${term}\u{10ffff}`)
    .orderBy('word')
    .limit(maxRowsPerWord + 1 - exact.length)
    .execute();
  return exact.length + started.length > maxRowsPerWord ? exact : [...exact, ...started];
}

/**
 * The users, categories and tags whose names have every word of the query (the last one as a prefix): the
 * names having the query's rarest word are the candidates, and their other words are checked.
 */
export async function findNamed(db: Db, terms: string[]): Promise<NamedSubjects> {
  const out: NamedSubjects = { userIds: [], categoryIds: [], tags: [] };
  if (terms.length === 0) return out;
  let rarest: NameRow[] | null = null;
  for (const [i, term] of terms.entries()) {
    const rows = await namesWith(db, term, i === terms.length - 1);
    if (rows && rows.length === 0) return out;
    if (rows && (rarest === null || rows.length < rarest.length)) rarest = rows;
  }
  if (rarest === null) return out;
  const candidates = new Map<NamedKind, Set<string>>();
  for (const r of rarest) {
    const refs = candidates.get(r.kind) ?? new Set<string>();
    refs.add(r.ref);
    candidates.set(r.kind, refs);
  }
  // Every word of the candidates' names (a few each), to check the query's other words against.
  const words = new Map<string, string[]>();
  for (const [kind, refs] of candidates) {
    const rows =
      terms.length === 1
        ? rarest.filter((r) => r.kind === kind)
        : await db
            .selectFrom('search_names')
            .select(['word', 'kind', 'ref'])
            .where('kind', '=', kind)
            .where('ref', 'in', [...refs])
            .execute();
    for (const r of rows) {
      const key = `${r.kind}\u0000${r.ref}`;
      words.set(key, [...(words.get(key) ?? []), r.word]);
    }
  }
  const last = terms.length - 1;
  const pick = (prefix: boolean) => {
    const found: NamedSubjects = { userIds: [], categoryIds: [], tags: [] };
    for (const [key, have] of words) {
      const all = terms.every((t, i) =>
        have.some((w) => w === t || (prefix && i === last && w.startsWith(t))),
      );
      if (!all) continue;
      const [kind, ref] = key.split('\u0000') as [NamedKind, string];
      if (kind === 'user') found.userIds.push(Number(ref));
      else if (kind === 'category') found.categoryIds.push(Number(ref));
      else found.tags.push(ref);
    }
    return found;
  };
  // The last word as a prefix; where that names too many of a kind ("user 17": User 17, 170…179, 1700…),
  // as the whole word; still too many names none.
  const byPrefix = pick(true);
  const exact = pick(false);
  const choose = <T>(a: T[], b: T[]) =>
    a.length <= maxNamedPerKind ? a : b.length <= maxNamedPerKind ? b : [];
  out.userIds = choose(byPrefix.userIds, exact.userIds);
  out.categoryIds = choose(byPrefix.categoryIds, exact.categoryIds);
  out.tags = choose(byPrefix.tags, exact.tags);
  return out;
}
