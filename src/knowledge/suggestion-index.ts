// Answers before a ticket: the published articles most likely to answer what a requester is typing. Written
// here rather than asked of the database's full-text engine because the question is different — a whole
// paragraph, most of whose words an article will not have, ranked by how much of it the article answers
// (BM25F over title, tags, text and the requests it answered before; any word may match, rare words count
// most) — and must rank the same on SQLite and PostgreSQL (ts_rank has no notion of a rare word).
//
// The index is held in memory per instance: each term's postings carry the article's term weight already
// computed, so a suggestion is a sum over the query's postings (tens of microseconds per term). It is
// rebuilt when any instance changes what it holds (an article written, published or archived; a request it
// answered; a ticket linked): a version row in cache_versions, read at most once a second. While a big
// index is rebuilt, its previous build answers.
import type { Kysely, Transaction } from 'kysely';
import { stemmer } from 'stemmer';
import { defineLocalCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import type { ArticleAudience, ArticleKind, Database } from '../core/db/index.js';

type Db = Kysely<Database> | Transaction<Database>;

/** The cache_versions row every instance watches. */
export const suggestionCacheName = 'knowledge.suggestions';

// Words that say nothing about what a request is about (English; the demo and the labelled set are English):
// "not working" says something is wrong, not what.
const stopWords = new Set(
  (
    'a about above after again against all am an and any are as at be because been before being below between both but by ' +
    'can cannot could did do does doing down during each few for from further had has have having he her here hers him his ' +
    'how i if in into is it its itself just me more most my myself no nor not now of off on once only or other our ours out ' +
    'over own same she should so some such than that the their theirs them then there these they this those through to too ' +
    'under until up very was we were what when where which while who whom why will with would you your yours yourself ' +
    'please hi hello thanks thank help need get got getting keep keeps kept still also really since cant dont doesnt isnt wont ' +
    'im ive id am pm today yesterday morning again anymore work works working worked'
  ).split(' '),
);

// A few spellings of one IT thing, folded to one term before stemming (index and query alike), so a
// request's "wireless" finds an article's "Wi-Fi" and "pc" finds "laptop". General, short and conservative:
// only words that mean the same thing in a help desk request.
const sameThing: Record<string, string> = {
  wireless: 'wifi',
  wlan: 'wifi',
  email: 'mail',
  emails: 'mail',
  mails: 'mail',
  pc: 'laptop',
  pcs: 'laptop',
  computer: 'laptop',
  computers: 'laptop',
  notebook: 'laptop',
  desktop: 'laptop',
  mobile: 'phone',
  smartphone: 'phone',
  iphone: 'phone',
  cellphone: 'phone',
  passwort: 'password',
  pw: 'password',
  pwd: 'password',
  '2fa': 'mfa',
  authenticator: 'mfa',
  login: 'sign',
  logon: 'sign',
  signin: 'sign',
  licence: 'license',
  licences: 'license',
  licenses: 'license',
};

// Spellings split by punctuation that people also write as one word (one pass over the text).
const joined =
  /\b(?:wi[\s-]?fi|e-mails?|sign[\s-]in|log[\s-]?(?:in|on)|multi[\s-]?factor|two[\s-]?factor)\b/g;
function joinedAs(m: string): string {
  if (m.startsWith('wi')) return 'wifi';
  if (m.startsWith('e')) return 'email';
  if (m.startsWith('s')) return 'signin';
  if (m.startsWith('l')) return 'login';
  return 'mfa';
}

function words(text: string): string[] {
  const t = text.normalize('NFKC').toLowerCase().replace(joined, joinedAs);
  return t.match(/[\p{L}\p{N}]+/gu) ?? [];
}

// Stems of words already seen: a rebuild stems every word of every article, most of them the same few
// thousand words; the cache is dropped whole when it grows past its bound (a vocabulary is rarely that big).
const stems = new Map<string, string>();
const stemsMax = 200_000;

function termOf(w: string): string | null {
  if (w.length < 2 || w.length > 40 || stopWords.has(w)) return null;
  const folded = sameThing[w] ?? w;
  let t = stems.get(folded);
  if (t === undefined) {
    t = /^[a-z]+$/.test(folded) ? stemmer(folded) : folded;
    if (stems.size >= stemsMax) stems.clear();
    stems.set(folded, t);
  }
  return t;
}

/** A text's index terms: words folded and stemmed (Porter), stop words and one-letter words out. */
export function indexTerms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) {
    const t = termOf(w);
    if (t !== null) out.push(t);
  }
  return out;
}

/** What the index is built from: a published article and what it answered before. */
export interface IndexedSource {
  id: number;
  audience: ArticleAudience;
  kind: ArticleKind;
  title: string;
  tagText: string;
  body: string;
  /** The requests it answered (deflections, linked tickets that were solved): their words. */
  answered: string[];
  /** How often it helped: requests closed by it and tickets it solved. */
  helped: number;
}

// BM25F: field weights (a title word says more than a body word), length normalisation, saturation.
const fieldWeights = { title: 3, tags: 2, body: 1, answered: 1.5 } as const;
const b = 0.75;
const k1 = 1.2;
type Field = keyof typeof fieldWeights;

/** A suggestion scoring under this share of the best one is left out. */
const relevanceFloor = 0.25;

export interface Suggestion {
  id: number;
  score: number;
}

export class SuggestionIndex {
  readonly size: number;
  private readonly ids: Int32Array;
  private readonly audiences: ArticleAudience[];
  private readonly prior: Float64Array;
  /** term → [article positions, their weights for the term] */
  private readonly postings = new Map<string, { docs: Int32Array; weights: Float32Array }>();
  /** Every term, sorted: for completing a word being typed. */
  private readonly vocabulary: string[];

  constructor(sources: readonly IndexedSource[]) {
    const n = sources.length;
    this.size = n;
    this.ids = Int32Array.from(sources.map((s) => s.id));
    this.audiences = sources.map((s) => s.audience);
    // What helped before weighs in, gently: ten answered requests lift an article by a third.
    this.prior = Float64Array.from(sources.map((s) => 1 + 0.14 * Math.log1p(s.helped)));
    const fields: Field[] = ['title', 'tags', 'body', 'answered'];
    const termsOf = (s: IndexedSource): Record<Field, string[]> => ({
      title: indexTerms(s.title),
      tags: indexTerms(s.tagText),
      body: indexTerms(s.body),
      answered: indexTerms(s.answered.join(' ')),
    });
    const docs = sources.map(termsOf);
    const avg = {} as Record<Field, number>;
    // A field's average length over the articles that have it: most have answered nothing yet, and an
    // average over all of them would make the few requests an article did answer look long, and count little.
    for (const f of fields) {
      const having = docs.filter((d) => d[f].length > 0);
      avg[f] = Math.max(1, having.reduce((sum, d) => sum + d[f].length, 0) / Math.max(1, having.length));
    }
    // Per term: the documents and their length-normalised, weighted frequency.
    const raw = new Map<string, { docs: number[]; tf: number[] }>();
    docs.forEach((d, i) => {
      const tf = new Map<string, number>();
      for (const f of fields) {
        const norm = 1 - b + (b * d[f].length) / avg[f];
        const w = fieldWeights[f] / norm;
        for (const t of d[f]) tf.set(t, (tf.get(t) ?? 0) + w);
      }
      for (const [t, v] of tf) {
        let p = raw.get(t);
        if (!p) {
          p = { docs: [], tf: [] };
          raw.set(t, p);
        }
        p.docs.push(i);
        p.tf.push(v);
      }
    });
    this.vocabulary = [...raw.keys()].sort();
    for (const [t, p] of raw) {
      const df = p.docs.length;
      const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      this.postings.set(t, {
        docs: Int32Array.from(p.docs),
        weights: Float32Array.from(p.tf.map((v) => (idf * v * (k1 + 1)) / (v + k1))),
      });
    }
  }

  /**
   * The best `limit` articles for a text, best first, among the audiences given. A query word counts once
   * however often it is typed; an article must share at least one word with the text. A word the index does
   * not hold stands for its likeliest neighbour, at a discount: a word being typed (the text's last, not yet
   * followed by a space) for the commonest word it begins, a misspelt one for the commonest word one edit
   * away ("pasword", "printr").
   */
  suggest(text: string, audiences: readonly ArticleAudience[], limit: number): Suggestion[] {
    const all = words(text);
    const typing = /[\p{L}\p{N}]$/u.test(text);
    const seen = new Set<string>();
    const query: { term: string; weight: number }[] = [];
    let guesses = 0;
    for (let i = 0; i < all.length && query.length < 200; i++) {
      const raw = all[i];
      const term = termOf(raw);
      if (term === null) continue;
      let found: string | null = this.postings.has(term) ? term : null;
      let weight = 1;
      if (found === null && guesses < maxGuesses) {
        guesses++;
        found = (typing && i === all.length - 1 ? this.completion(raw, term) : null) ?? this.neighbour(term);
        weight = guessWeight;
      }
      if (found === null || seen.has(found)) continue;
      seen.add(found);
      query.push({ term: found, weight });
    }
    if (query.length === 0 || this.size === 0) return [];
    const allowed = new Set(audiences);
    const scores = new Map<number, number>();
    for (const { term, weight } of query) {
      const p = this.postings.get(term);
      if (!p) continue;
      for (let i = 0; i < p.docs.length; i++) {
        const d = p.docs[i];
        scores.set(d, (scores.get(d) ?? 0) + weight * p.weights[i]);
      }
    }
    const out: Suggestion[] = [];
    for (const [d, s] of scores) {
      if (!allowed.has(this.audiences[d])) continue;
      out.push({ id: this.ids[d], score: s * this.prior[d] });
    }
    out.sort((x, y) => y.score - x.score || x.id - y.id);
    // An article far behind the best shares only a word in passing with the text: beside the answer, it is noise.
    const floor = (out[0]?.score ?? 0) * relevanceFloor;
    return out.filter((s) => s.score >= floor).slice(0, limit);
  }

  /** The commonest indexed term that a word being typed begins (as typed, or as its stem). */
  private completion(raw: string, stem: string): string | null {
    let best: string | null = null;
    for (const prefix of new Set([raw, stem])) {
      if (prefix.length < 3) continue;
      let lo = 0;
      let hi = this.vocabulary.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.vocabulary[mid] < prefix) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < this.vocabulary.length && i < lo + 200; i++) {
        const t = this.vocabulary[i];
        if (!t.startsWith(prefix)) break;
        if (best === null || this.df(t) > this.df(best)) best = t;
      }
    }
    return best;
  }

  /** The commonest indexed term one edit (a letter dropped, added, changed or two swapped) from a word. */
  private neighbour(term: string): string | null {
    // Short words are too often another real word one edit away ("sent" → "send", "hour" → "four").
    if (term.length < 5 || term.length > 20 || !/^[a-z]+$/.test(term)) return null;
    let best: string | null = null;
    const consider = (t: string) => {
      if (t.length >= 5 && this.postings.has(t) && (best === null || this.df(t) > this.df(best))) best = t;
    };
    for (let i = 0; i <= term.length; i++) {
      const head = term.slice(0, i);
      const tail = term.slice(i);
      if (i < term.length) consider(head + tail.slice(1));
      if (i < term.length - 1) consider(head + tail[1] + tail[0] + tail.slice(2));
      for (const c of alphabet) {
        consider(head + c + tail);
        if (i < term.length && c !== tail[0]) consider(head + c + tail.slice(1));
      }
    }
    return best;
  }

  private df(term: string): number {
    return this.postings.get(term)?.docs.length ?? 0;
  }
}

const alphabet = 'abcdefghijklmnopqrstuvwxyz';
/** A guessed word counts less than a word typed as the index holds it. */
const guessWeight = 0.7;
/** Unknown words guessed per request (a long description holds names and codes that match nothing). */
const maxGuesses = 8;

// How many answered requests of one article are read into its index entry (the newest).
const answeredPerArticle = 30;

/** Read what the index is built from: every published article, its answered requests and help counts. */
export async function loadIndexSources(db: Db): Promise<IndexedSource[]> {
  const articles = await db
    .selectFrom('articles')
    .select(['id', 'audience', 'kind', 'title', 'tag_text', 'body', 'helped_count'])
    .where('status', '=', 'published')
    .orderBy('id')
    .execute();
  const answered = new Map<number, string[]>();
  const solved = new Map<number, number>();
  const add = (id: number, text: string) => {
    const list = answered.get(id) ?? [];
    if (list.length < answeredPerArticle) list.push(text);
    answered.set(id, list);
  };
  const deflections = await db
    .selectFrom('article_deflections as d')
    .innerJoin('articles as a', 'a.id', 'd.article_id')
    .select(['d.article_id', 'd.text'])
    .where('a.status', '=', 'published')
    .orderBy('d.id', 'desc')
    .execute();
  for (const r of deflections) add(r.article_id, r.text);
  const tickets = await db
    .selectFrom('ticket_articles as ta')
    .innerJoin('tickets as t', 't.id', 'ta.ticket_id')
    .innerJoin('articles as a', 'a.id', 'ta.article_id')
    .select(['ta.article_id', 't.title'])
    .where('a.status', '=', 'published')
    .where('t.status', 'in', ['resolved', 'closed'])
    .orderBy('ta.linked_at', 'desc')
    .execute();
  for (const r of tickets) {
    add(r.article_id, r.title);
    solved.set(r.article_id, (solved.get(r.article_id) ?? 0) + 1);
  }
  return articles.map((a) => ({
    id: a.id,
    audience: a.audience,
    kind: a.kind,
    title: a.title,
    tagText: a.tag_text,
    body: a.body,
    answered: answered.get(a.id) ?? [],
    helped: Number(a.helped_count) + (solved.get(a.id) ?? 0),
  }));
}

/** From this many articles, a rebuild runs while the previous index answers. */
const staleWhileRebuildingFrom = 2000;

/** This instance's index and the version it was built at (rebuilt when the shared version moves). */
class SuggestionState {
  index: SuggestionIndex | null = null;
  version = -1;
  building: Promise<SuggestionIndex> | null = null;
}

/** Per context; a version row keeps instances in step (see the file's comment). */
const suggestionState = defineLocalCache('knowledge.suggestion-index', () => new SuggestionState());

/** The index as of the latest version this instance has seen; the previous one while a rebuild runs. */
export async function currentSuggestionIndex(ctx: ServiceContext): Promise<SuggestionIndex> {
  const state = ctx.caches.local(suggestionState);
  const version = await ctx.caches.version(suggestionCacheName);
  if (state.index && state.version === version) return state.index;
  if (!state.building) {
    state.building = (async () => {
      try {
        const index = new SuggestionIndex(await loadIndexSources(ctx.db));
        state.index = index;
        state.version = version;
        return index;
      } finally {
        state.building = null;
      }
    })();
  }
  // A big index answers from its previous build while the new one is made (a rebuild of 20,000 articles
  // takes about a second); a small one is rebuilt in milliseconds, so the caller waits and is never stale.
  return state.index && state.index.size >= staleWhileRebuildingFrom ? state.index : state.building;
}

/**
 * Run a write that changes what suggestions read, in a transaction of its own (or the caller's), and make
 * every instance rebuild: this one as soon as it committed, the others within a second.
 */
export async function changingSuggestions<T>(
  ctx: ServiceContext,
  run: (trx: Transaction<Database>) => Promise<T>,
  outer?: Transaction<Database>,
): Promise<T> {
  if (outer) {
    const out = await run(outer);
    await ctx.caches.bump(outer, suggestionCacheName);
    return out;
  }
  let version = 0;
  const out = await ctx.db.transaction().execute(async (trx) => {
    const r = await run(trx);
    version = await ctx.caches.bump(trx, suggestionCacheName);
    return r;
  });
  ctx.caches.saw(suggestionCacheName, version);
  return out;
}
