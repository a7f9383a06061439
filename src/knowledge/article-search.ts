// Knowledge base search through the full-text port (FTS5 or tsvector; this file never asks which): words
// stemmed, "quoted phrases", the last word as a prefix, ranked by the engine (titles weigh most, then tags,
// then text), filtered by kind, category, tag, audience and status — always within what the reader may read.
// Each hit carries a snippet of its text around the first matched word, the matches marked. A search that
// finds nothing is counted as a gap for the manager to write. Technicians also search one article's versions.
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { stemmer } from 'stemmer';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { ArticleAudience, ArticleKind, ArticleStatus, Database } from '../core/db/index.js';
import { Forbidden, Invalid, NotFound } from '../core/errors.js';
import { decodeCursor, encodeCursor } from '../helpdesk/index.js';
import { articleIndex, articleVersionIndex } from './article-indexes.js';
import { plainText } from './article-rendering.js';
import { type Article, readArticles } from './articles.js';
import { canKnowledge, canReadArticle, readableAudiences, readableStatuses } from './policies.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ArticleQuery {
  q?: string;
  kind?: ArticleKind;
  categoryId?: number;
  audience?: ArticleAudience;
  status?: ArticleStatus;
  tag?: string;
  limit: number;
  cursor?: string;
}

/** A piece of a snippet: text, and whether it is a match. */
export interface SnippetPart {
  text: string;
  hit: boolean;
}

export interface ArticleHit {
  article: Article;
  /** The engine's rank (higher is better); null when the list is not a search. */
  score: number | null;
  snippet: SnippetPart[];
}

// Ranked results are paged by offset up to this many.
const maxRankedResults = 1000;

/** A search's parts: "quoted phrases" and single words, folded as the engine's tokenizer does. */
export function queryParts(q: string): string[][] {
  const parts: string[][] = [];
  const words = (s: string) =>
    s
      .normalize('NFKC')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  const re = /"([^"]*)"|([^"\s]+)/g;
  for (let m = re.exec(q); m !== null; m = re.exec(q)) {
    if (m[1] !== undefined) {
      const w = words(m[1]).map((x) => x.slice(0, 64));
      if (w.length > 0) parts.push(w.slice(0, 8));
    } else for (const w of words(m[2])) parts.push([w.slice(0, 64)]);
    if (parts.length >= 12) break;
  }
  return parts.slice(0, 12);
}

/** A cursor of the other kind: a search's offset does not page a list, nor a list's keyset a search. */
function unknownCursor(): Invalid {
  return new Invalid('invalid_cursor', 'The cursor was not issued by this service.', [
    { field: 'query/cursor', message: 'unknown cursor' },
  ]);
}

/** The filters as SQL over the articles aliased `a`, within what the reader may read. */
function filters(actor: Actor, f: ArticleQuery): RawBuilder<unknown> {
  const audiences = readableAudiences(actor).filter((a) => f.audience === undefined || a === f.audience);
  // Without a status filter, staff see everything but the archive; requesters only what is published.
  const statuses = readableStatuses(actor).filter((s) =>
    f.status !== undefined ? s === f.status : s !== 'archived',
  );
  const conds: RawBuilder<unknown>[] = [
    audiences.length > 0 ? sql`a.audience IN (${sql.join(audiences)})` : sql`1 = 0`,
    statuses.length > 0 ? sql`a.status IN (${sql.join(statuses)})` : sql`1 = 0`,
  ];
  if (f.kind !== undefined) conds.push(sql`a.kind = ${f.kind}`);
  if (f.categoryId !== undefined) conds.push(sql`a.category_id = ${f.categoryId}`);
  if (f.tag !== undefined)
    conds.push(
      sql`EXISTS (SELECT 1 FROM article_tags t WHERE t.article_id = a.id AND t.tag = ${f.tag.toLowerCase()})`,
    );
  return sql.join(conds, sql` AND `);
}

/** Whether a word of the text matches a part's word: the same stem, or (the prefix) starts with it. */
function matcher(parts: readonly (readonly string[])[]): (word: string) => boolean {
  const stems = new Set<string>();
  const prefixes: string[] = [];
  const last = parts.length - 1;
  parts.forEach((p, i) => {
    for (const w of p) stems.add(stemmer(w));
    if (i === last && p.length === 1) prefixes.push(p[0]);
  });
  return (word) => {
    const w = word.toLowerCase();
    return stems.has(stemmer(w)) || prefixes.some((p) => w.startsWith(p));
  };
}

const snippetWords = 32;

// The part of an article's Markdown a snippet is cut from: around the first matching word of the raw text, so
// a long manual is not turned into plain text whole for a few words of it (that was most of a search's time).
const snippetWindowBefore = 400;
const snippetWindowAfter = 800;

/** The plain text around the first match in an article's Markdown (its start when nothing matches). */
export function snippetSource(body: string, matches: (word: string) => boolean): string {
  const word = /[\p{L}\p{N}]+/gu;
  let at = 0;
  const seen = new Map<string, boolean>();
  for (let m = word.exec(body); m !== null; m = word.exec(body)) {
    const w = m[0].toLowerCase();
    let hit = seen.get(w);
    if (hit === undefined) {
      hit = matches(w);
      seen.set(w, hit);
    }
    if (hit) {
      at = m.index;
      break;
    }
  }
  if (body.length <= snippetWindowBefore + snippetWindowAfter) return plainText(body);
  // Start at a line break before the window, so the Markdown around it is read from the start of its block.
  let start = Math.max(0, at - snippetWindowBefore);
  const lineStart = body.lastIndexOf('\n', start);
  if (lineStart >= 0 && start - lineStart < 200) start = lineStart + 1;
  const text = plainText(body.slice(start, at + snippetWindowAfter));
  return start > 0 ? `… ${text}` : text;
}

/** Some words of the text around its first match, matches marked; the text's start when nothing matches. */
export function snippetOf(text: string, matches: (word: string) => boolean): SnippetPart[] {
  const tokens = text.match(/[\p{L}\p{N}]+|[^\p{L}\p{N}]+/gu) ?? [];
  let first = tokens.findIndex((t) => /[\p{L}\p{N}]/u.test(t[0]) && matches(t));
  if (first < 0) first = 0;
  // Start a few words before the first match.
  let start = first;
  for (let words = 0; start > 0 && words < 8; start--)
    if (/[\p{L}\p{N}]/u.test(tokens[start - 1][0])) words++;
  const parts: SnippetPart[] = [];
  let words = 0;
  let end = start;
  for (; end < tokens.length && words < snippetWords; end++) {
    const t = tokens[end];
    const isWord = /[\p{L}\p{N}]/u.test(t[0]);
    if (isWord) words++;
    const hit = isWord && matches(t);
    const prev = parts[parts.length - 1];
    if (prev && prev.hit === hit && !hit) prev.text += t;
    else parts.push({ text: t, hit });
  }
  if (start > 0) parts.unshift({ text: '… ', hit: false });
  if (end < tokens.length) parts.push({ text: ' …', hit: false });
  return parts;
}

/** Articles the reader may read: searched and ranked when `q` has words, else newest changes first. */
export async function searchArticles(
  ctx: ServiceContext,
  actor: Actor,
  f: ArticleQuery,
): Promise<{ items: ArticleHit[]; nextCursor: string | null }> {
  const cursor = f.cursor !== undefined ? decodeCursor(f.cursor) : null;
  const parts = queryParts(f.q ?? '');
  const where = filters(actor, f);
  if (parts.length === 0) {
    if (cursor?.o !== undefined) throw unknownCursor();
    const after = cursor?.k
      ? sql` AND (a.updated_at < ${cursor.k[0]} OR (a.updated_at = ${cursor.k[0]} AND a.id < ${cursor.k[1]}))`
      : sql``;
    const rows = await sql<{ id: number; updated_at: number }>`SELECT a.id, a.updated_at FROM articles a
      WHERE ${where}${after} ORDER BY a.updated_at DESC, a.id DESC LIMIT ${f.limit + 1}`.execute(ctx.db);
    const page = rows.rows.slice(0, f.limit);
    const articles = await readArticles(
      ctx.db,
      actor,
      page.map((r) => Number(r.id)),
    );
    const last = page[page.length - 1];
    return {
      items: articles.map((article) => ({
        article,
        score: null,
        snippet: snippetOf(
          snippetSource(article.body, () => false),
          () => false,
        ),
      })),
      nextCursor:
        rows.rows.length > f.limit && last
          ? encodeCursor({ k: [Number(last.updated_at), Number(last.id)] })
          : null,
    };
  }
  if (cursor?.k !== undefined) throw unknownCursor();
  const offset = cursor?.o ?? 0;
  const search = ctx.caps.search;
  const limit = Math.min(f.limit, maxRankedResults - offset);
  const rows =
    limit <= 0
      ? []
      : await search.rankedPage(
          ctx.db,
          articleIndex,
          search.partsQuery(parts, true),
          { alias: 'a', where },
          limit,
          offset,
        );
  const page = rows.slice(0, limit);
  if (offset === 0 && page.length === 0 && cursor === null) await recordGap(ctx, parts);
  const articles = await readArticles(
    ctx.db,
    actor,
    page.map((r) => Number(r.id)),
  );
  const scores = new Map(page.map((r) => [Number(r.id), Number(r.score)]));
  const matches = matcher(parts);
  return {
    items: articles.map((article) => ({
      article,
      score: scores.get(article.id) ?? null,
      snippet: snippetOf(snippetSource(article.body, matches), matches),
    })),
    nextCursor: rows.length > limit ? encodeCursor({ o: offset + limit }) : null,
  };
}

/** A search that found nothing: counted under its folded words, for the manager's list of gaps. */
/** How recent an unanswered search must be to count as the start of one still being typed. */
const typingPauseMs = 30_000;

async function recordGap(ctx: ServiceContext, parts: readonly (readonly string[])[]): Promise<void> {
  const query = parts
    .map((p) => (p.length > 1 ? `"${p.join(' ')}"` : p[0]))
    .join(' ')
    .slice(0, 200);
  const now = ctx.clock.now();
  // Search as you type asks on every pause: "telep", then "teleporter". A gap seen once, moments ago, that this
  // query goes on from was the same search still being typed; it is folded into this one.
  const typedOn = await ctx.db
    .selectFrom('article_search_gaps')
    .select(['id', 'query'])
    .where('searches', '=', 1)
    .where('last_at', '>=', now - typingPauseMs)
    .execute();
  const earlier = typedOn.filter((g) => g.query !== query && query.startsWith(g.query)).map((g) => g.id);
  if (earlier.length > 0) await ctx.db.deleteFrom('article_search_gaps').where('id', 'in', earlier).execute();
  await ctx.db
    .insertInto('article_search_gaps')
    .values({ query, searches: 1, first_at: now, last_at: now })
    .onConflict((oc) =>
      oc
        .column('query')
        .doUpdateSet({ searches: sql<number>`article_search_gaps.searches + 1`, last_at: now }),
    )
    .execute();
}

export interface SearchGap {
  id: number;
  query: string;
  searches: number;
  firstAt: number;
  lastAt: number;
}

/** Searches that found nothing, most asked first: articles to write. */
export async function listSearchGaps(ctx: ServiceContext, actor: Actor, limit: number): Promise<SearchGap[]> {
  if (!canKnowledge(actor, 'kb.reports'))
    throw new Forbidden('forbidden', 'Only managers and admins see the gaps.');
  const rows = await ctx.db
    .selectFrom('article_search_gaps')
    .selectAll()
    .orderBy('searches', 'desc')
    .orderBy('last_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    query: r.query,
    searches: Number(r.searches),
    firstAt: Number(r.first_at),
    lastAt: Number(r.last_at),
  }));
}

/** A gap written (or not worth writing): off the list. */
export async function dismissSearchGap(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  if (!canKnowledge(actor, 'kb.reports'))
    throw new Forbidden('forbidden', 'Only managers and admins see the gaps.');
  await ctx.db.deleteFrom('article_search_gaps').where('id', '=', id).execute();
}

export interface VersionHit {
  version: number;
  title: string;
  createdAt: number;
  author: { id: number; name: string } | null;
  note: string;
  snippet: SnippetPart[];
}

/** The technician's search within one article's versions, best match first. */
export async function searchArticleVersions(
  ctx: ServiceContext,
  actor: Actor,
  articleId: number,
  q: string,
): Promise<VersionHit[]> {
  const article = await ctx.db
    .selectFrom('articles')
    .select(['id', 'audience', 'status'])
    .where('id', '=', articleId)
    .executeTakeFirst();
  if (!article || !canReadArticle(actor, article))
    throw new NotFound('article_not_found', `No article ${articleId}.`);
  if (!canKnowledge(actor, 'article.versions', article))
    throw new Forbidden('forbidden', "Only technicians, managers and admins read an article's versions.");
  const parts = queryParts(q);
  if (parts.length === 0) return [];
  const search = ctx.caps.search;
  const m = search.match(articleVersionIndex, search.partsQuery(parts, true), { alias: 'v' });
  const rows = await sql<{
    version: number;
    title: string;
    body: string;
    created_at: number;
    author_id: number | null;
    author_name: string | null;
    note: string;
    score: number;
  }>`SELECT v.version, v.title, v.body, v.created_at, v.author_id, u.name AS author_name, v.note, ${m.score()} AS score
    FROM ${m.from} LEFT JOIN users u ON u.id = v.author_id
    WHERE ${m.where} AND v.article_id = ${articleId} ORDER BY score DESC, v.version DESC LIMIT 100`.execute(
    ctx.db,
  );
  const matches = matcher(parts);
  return rows.rows.map((r) => ({
    version: Number(r.version),
    title: r.title,
    createdAt: Number(r.created_at),
    author: r.author_id !== null ? { id: Number(r.author_id), name: r.author_name ?? '' } : null,
    note: r.note,
    snippet: snippetOf(snippetSource(r.body, matches), matches),
  }));
}

/** The number of articles of each kind the reader may read (the knowledge base's front page). */
export async function countArticles(db: Db, actor: Actor): Promise<Record<ArticleKind, number>> {
  const rows = await db
    .selectFrom('articles')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('audience', 'in', readableAudiences(actor))
    .where(
      'status',
      'in',
      readableStatuses(actor).filter((s) => s !== 'archived'),
    )
    .groupBy('kind')
    .execute();
  const out = { faq: 0, guide: 0, manual: 0, runbook: 0, policy: 0, procedure: 0 } as Record<
    ArticleKind,
    number
  >;
  for (const r of rows) out[r.kind] = Number(r.n);
  return out;
}
