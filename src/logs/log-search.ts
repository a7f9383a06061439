// The log store's read side: full-text search over the records with filters, newest first by a cursor, and counts
// over time by severity. The text query is parsed here into words and quoted phrases (every one must match); the
// engine's index finds candidate rows by their words (FTS5 on SQLite, a tsvector GIN index on PostgreSQL) and
// each term is then checked against the message itself, so a phrase is a phrase on both engines and no query
// text ever reaches the engine's own query syntax.
import { type Selectable, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { ServiceContext } from '../core/context.js';
import { chunks, type Database } from '../core/db/index.js';
import { Invalid } from '../core/errors.js';
import { type Severity, severityNames } from './log-model.js';
import { type PostingKind, postedIds, postingKey } from './log-postings.js';

export const logSearchLimits = {
  /** Records per page at most. */
  pageSize: 500,
  /** Terms in a query at most, and characters of the query. */
  terms: 16,
  queryChars: 512,
  /** Values of a set filter (hosts, severities) at most. */
  setValues: 50,
  /** Buckets a histogram aims at (the step is the nicest that gives at most about this many). */
  buckets: 60,
} as const;

export interface LogFilter {
  q?: string;
  hosts?: string[];
  apps?: string[];
  /** Severities to include (a set); "at most" is given as the set 0..n. */
  severities?: Severity[];
  from?: number;
  to?: number;
  /** A template: its records and those of the templates merged into it. */
  templateId?: string;
  targetId?: number;
}

export interface LogRecordView {
  id: number;
  time: number;
  receivedAt: number;
  host: string | null;
  app: string | null;
  procId: string | null;
  msgId: string | null;
  severity: number;
  facility: number;
  message: string;
  structuredData: Record<string, Record<string, string>> | null;
  /** The template as read: the survivor when the miner's template was merged. */
  templateId: string;
  targetId: number | null;
  source: string;
  peer: string | null;
  truncated: boolean;
}

export interface LogPage {
  records: LogRecordView[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: number | null;
}

/** A query's text split into terms: words (letters and digits runs of a word) and "quoted phrases". */
export function parseLogQuery(q: string): string[] {
  if (q.length > logSearchLimits.queryChars)
    throw new Invalid('validation_failed', `q: at most ${logSearchLimits.queryChars} characters`, [
      { field: 'querystring/q', message: `at most ${logSearchLimits.queryChars} characters` },
    ]);
  const terms: string[] = [];
  const re = /"([^"]*)"?|(\S+)/g;
  for (let m = re.exec(q); m; m = re.exec(q)) {
    const term = (m[1] ?? m[2] ?? '').trim();
    if (term) terms.push(term);
  }
  if (terms.length > logSearchLimits.terms)
    throw new Invalid('validation_failed', `q: at most ${logSearchLimits.terms} words and phrases`, [
      { field: 'querystring/q', message: `at most ${logSearchLimits.terms} words and phrases` },
    ]);
  return terms;
}

/** LIKE's wildcards and its escape character, escaped. */
function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** The index's words of a term, as the engines split text (runs of letters and digits), lower case. */
function wordsOf(term: string): string[] {
  return (term.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 32);
}

/** A severity filter's text: a name or number (at most that: "err" is 0–3), or a comma-separated set ("=err,warning"). */
export function parseSeverityFilter(text: string): Severity[] {
  const bad = () =>
    new Invalid('validation_failed', 'severity: a name or 0–7 (at most that), or =a,b,… (exactly those)', [
      { field: 'querystring/severity', message: 'a name or 0–7, or =a,b,…' },
    ]);
  const one = (s: string): Severity => {
    const t = s.trim().toLowerCase();
    if (/^[0-7]$/.test(t)) return Number(t) as Severity;
    const i = (severityNames as readonly string[]).indexOf(
      t === 'error' ? 'err' : t === 'warn' ? 'warning' : t,
    );
    if (i < 0) throw bad();
    return i as Severity;
  };
  if (text.startsWith('=')) {
    const values = text.slice(1).split(',').filter(Boolean);
    if (values.length === 0 || values.length > 8) throw bad();
    return [...new Set(values.map(one))].sort();
  }
  const max = one(text);
  return Array.from({ length: max + 1 }, (_, i) => i as Severity);
}

type RecordQuery = SelectQueryBuilder<Database, 'log_records', object>;

/** The templates read as `templateId`: itself and those merged into it. */
async function templateGroup(ctx: ServiceContext, templateId: string): Promise<string[]> {
  const merged = await ctx.db
    .selectFrom('log_templates')
    .select('id')
    .where('merged_into', '=', templateId)
    .execute();
  return [templateId, ...merged.map((m) => m.id)];
}

/**
 * SQLite: the full-text candidates newest first, a window at a time (rowid below `before`, at most `size`), so
 * that a common word is not materialised in full before the page's hundred newest are taken.
 */
interface FtsWindow {
  before: number | undefined;
  size: number;
  /** The ids the time range can hold (idRange): the window reads no candidates outside them. */
  ids?: IdRange;
}

interface IdRange {
  low: number;
  high: number;
  /** Records in the time range. */
  count: number;
}

/** Records of a time range read at most to find its ids; a longer range is not narrowed (see idRange). */
const idRangeScanRows = 200_000;

/**
 * The ids of the records in [from, to): exact (the smallest and largest id there), read from the time index,
 * which holds each row's id. Ids follow arrival, so a time range is nearly one run of ids, and a text query
 * with a range then reads only the full-text candidates of that run instead of every newer one (a word + one
 * hour a week back read 32 windows of 4,096 candidates and came back empty). The scan is bounded: a range
 * holding more than idRangeScanRows records returns undefined (the range is dense, so the newest-first
 * windows meet it soon enough). null: the range holds no records.
 */
async function idRange(ctx: ServiceContext, filter: LogFilter): Promise<IdRange | null | undefined> {
  if (filter.from === undefined && filter.to === undefined) return undefined;
  let inner = ctx.db.selectFrom('log_records').select('log_records.id');
  if (filter.from !== undefined) inner = inner.where('log_records.time', '>=', filter.from);
  if (filter.to !== undefined) inner = inner.where('log_records.time', '<', filter.to);
  const r = await ctx.db
    .selectFrom(inner.limit(idRangeScanRows + 1).as('r'))
    .select([
      (eb) => eb.fn.min<number>('r.id').as('low'),
      (eb) => eb.fn.max<number>('r.id').as('high'),
      (eb) => eb.fn.countAll<number>().as('n'),
    ])
    .executeTakeFirst();
  if (!r || Number(r.n) === 0) return null;
  if (Number(r.n) > idRangeScanRows) return undefined;
  return { low: Number(r.low), high: Number(r.high), count: Number(r.n) };
}

/** A range holding at most this many records is read row by row rather than through the full-text index. */
const rangeReadRows = 100_000;

/** Text as FTS5's unicode61 compares it: lower case, diacritics removed. */
function folded(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Whether a message holds every word of the filter's query, as FTS5's unicode61 index would say (whole words, folded). */
function wordCheck(filter: LogFilter): (message: string) => boolean {
  const words = [...new Set(parseLogQuery(filter.q ?? '').flatMap(wordsOf))].map(folded);
  if (words.length === 0) return () => true;
  return (message) => {
    const tokens = new Set(folded(message).match(/[\p{L}\p{N}]+/gu) ?? []);
    return words.every((w) => tokens.has(w));
  };
}

/**
 * A text query over a range of few records (SQLite): the range's rows newest first, by id, each checked for the
 * query's words here as the index would (whole words, folded as unicode61 folds them) and for its terms by the
 * filter's LIKE. FTS5 (detail=none) reads a word's whole list of rows even for a narrow rowid range — ~10 ms per
 * 300,000 records for a common word, so hundreds at ten million — while the range's own rows are a few
 * thousand for an hour: reading those is the bounded work.
 */
async function searchRange(
  ctx: ServiceContext,
  filter: LogFilter,
  ids: IdRange,
  before: number | undefined,
  limit: number,
): Promise<Selectable<Database['log_records']>[]> {
  const hasWords = wordCheck(filter);
  const base = await applyFilter(ctx, ctx.db.selectFrom('log_records'), filter, undefined, false);
  const out: Selectable<Database['log_records']>[] = [];
  let below = before === undefined || before > ids.high + 1 ? ids.high + 1 : before;
  while (out.length <= limit) {
    const want = limit + 1 - out.length;
    const rows = await base
      .where('log_records.id', '<', below)
      .where('log_records.id', '>=', ids.low)
      .selectAll('log_records')
      .orderBy('log_records.id', 'desc')
      .limit(want)
      .execute();
    for (const r of rows) if (hasWords(r.message)) out.push(r);
    if (rows.length < want) break;
    below = Number((rows[rows.length - 1] as { id: number }).id);
  }
  return out;
}

/** The filter's host, app and pattern conditions as postings to read, or null when it has none. */
async function postingFilter(
  ctx: ServiceContext,
  filter: LogFilter,
): Promise<Partial<Record<PostingKind, readonly string[]>> | null> {
  const kinds: Partial<Record<PostingKind, readonly string[]>> = {};
  if (filter.hosts?.length) kinds.h = filter.hosts;
  if (filter.apps?.length) kinds.a = filter.apps;
  if (filter.templateId !== undefined) kinds.t = await templateGroup(ctx, filter.templateId);
  return Object.keys(kinds).length > 0 ? kinds : null;
}

/** Ids read from the postings per window at first; each later window is four times wider. */
const postedWindowIds = 65_536;
/** A text query's rows checked per page through the postings at most (then the page is returned short). */
const postedTextRows = 50_000;
/**
 * A text query with hosts, apps or a pattern reads the postings first when they hold at most this share of the
 * records (a host of many); else the full-text index's candidates first (a rare word in a common app).
 */
const postedTextShare = 1 / 64;

/**
 * A query with hosts, apps or a pattern: the ids their postings give, newest first, a widening window of ids at a
 * time (so a common host's page reads little and a rare one's a few windows), each candidate's row then checked
 * against the rest of the filter. Without text at most a handful of windows span the whole store. With text
 * (SQLite: its words checked here, as searchRange does) the rows checked per page are bounded: `scannedTo` is then
 * where the next page goes on.
 */
async function searchPosted(
  ctx: ServiceContext,
  filter: LogFilter,
  posted: Partial<Record<PostingKind, readonly string[]>>,
  /** The filter's time range as ids (idRange's answer, not null). */
  ids: IdRange | undefined,
  before: number | undefined,
  limit: number,
): Promise<{ rows: Selectable<Database['log_records']>[]; scannedTo: number | null }> {
  let { high, low } = await idBounds(ctx, ids, before);
  // SQLite: the words are checked here (the FTS5 index answers by word, not by row); PostgreSQL: by its index.
  const fts = ctx.caps.fullText === 'fts5';
  const hasWords = fts && filter.q ? wordCheck(filter) : null;
  const base = await applyFilter(ctx, ctx.db.selectFrom('log_records'), filter, undefined, !fts);
  const out: Selectable<Database['log_records']>[] = [];
  let checked = 0;
  for (let width = postedWindowIds; out.length <= limit && high >= low; width *= 4) {
    const from = Math.max(low, high - width + 1);
    for (const part of chunks(await postedIds(ctx, posted, from, high), 500)) {
      if (out.length > limit) break;
      let q = base
        .where('log_records.id', 'in', part)
        .selectAll('log_records')
        .orderBy('log_records.id', 'desc');
      if (!hasWords) q = q.limit(limit + 1 - out.length);
      const rows = await q.execute();
      checked += part.length;
      for (const r of rows) if (out.length <= limit && (!hasWords || hasWords(r.message))) out.push(r);
    }
    high = from - 1;
    if (hasWords && checked >= postedTextRows && out.length <= limit && high >= low)
      return { rows: out, scannedTo: from };
  }
  return { rows: out, scannedTo: null };
}

/** The ids a newest-first read walks down through: from the newest stored (within the time range, below `before`). */
async function idBounds(
  ctx: ServiceContext,
  ids: IdRange | undefined,
  before: number | undefined,
): Promise<{ high: number; low: number }> {
  const top = await ctx.db
    .selectFrom('log_records')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  let high = Math.min(Number(top?.id ?? 0), ids?.high ?? Number.POSITIVE_INFINITY);
  if (before !== undefined) high = Math.min(high, before - 1);
  return { high, low: ids?.low ?? 1 };
}

/** Whether the postings of the filter hold few of the records (see postedTextShare). */
async function postedAreFew(
  ctx: ServiceContext,
  posted: Partial<Record<PostingKind, readonly string[]>>,
): Promise<boolean> {
  const total = Number(
    (await ctx.db.selectFrom('log_store_totals').select('records').executeTakeFirst())?.records ?? 0,
  );
  if (total === 0) return true;
  for (const [kind, values] of Object.entries(posted) as [PostingKind, readonly string[]][]) {
    if (!values || values.length === 0) continue;
    const r = await ctx.db
      .selectFrom('log_postings')
      .select((eb) => eb.fn.sum<number>('count').as('n'))
      .where(
        'key',
        'in',
        values.map((v) => postingKey(kind, v)),
      )
      .executeTakeFirst();
    if (Number(r?.n ?? 0) <= total * postedTextShare) return true;
  }
  return false;
}

/** The FTS5 MATCH text of a query's words: each quoted (a double quote doubled), so none is an operator. */
function ftsMatch(filter: LogFilter): string | null {
  if (!filter.q) return null;
  const words = [...new Set(parseLogQuery(filter.q).flatMap(wordsOf))];
  return words.length > 0 ? words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' AND ') : null;
}

async function applyFilter(
  ctx: ServiceContext,
  query: RecordQuery,
  filter: LogFilter,
  window?: FtsWindow,
  /** false: no full-text index condition (the caller checks the words itself: searchRange). */
  fullText = true,
): Promise<RecordQuery> {
  let q = query;
  if (filter.hosts?.length) q = q.where('log_records.host', 'in', filter.hosts);
  if (filter.apps?.length) q = q.where('log_records.app', 'in', filter.apps);
  if (filter.severities && filter.severities.length < 8) {
    const s = filter.severities;
    // "At most n" as a range lets the (severity, id) index serve it.
    const isRange = s.every((v, i) => v === i);
    q = isRange
      ? q.where('log_records.severity', '<=', s[s.length - 1] as number)
      : q.where('log_records.severity', 'in', s);
  }
  if (filter.from !== undefined) q = q.where('log_records.time', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('log_records.time', '<', filter.to);
  if (filter.templateId !== undefined)
    q = q.where('log_records.template_id', 'in', await templateGroup(ctx, filter.templateId));
  if (filter.targetId !== undefined) q = q.where('log_records.target_id', '=', filter.targetId);
  if (filter.q) {
    const terms = parseLogQuery(filter.q);
    const words = [...new Set(terms.flatMap(wordsOf))];
    if (words.length > 0 && fullText) {
      // The records' index is the store's own (a contentless FTS5 table, a GIN expression index: see the
      // migration), not the search port's document indexes, so it asks which engine holds it.
      if (ctx.caps.fullText === 'fts5') {
        const match = ftsMatch(filter) as string;
        q = q.where(
          'log_records.id',
          'in',
          window
            ? sql<number>`(SELECT rowid FROM log_records_fts WHERE log_records_fts MATCH ${match}${window.before !== undefined ? sql` AND rowid < ${window.before}` : sql``}${window.ids ? sql` AND rowid >= ${window.ids.low}` : sql``} ORDER BY rowid DESC LIMIT ${window.size})`
            : sql<number>`(SELECT rowid FROM log_records_fts WHERE log_records_fts MATCH ${match})`,
        );
      } else {
        // Each term parsed by PostgreSQL's own parser, as the index was (a host name, a path, an address is one
        // word there); plainto_tsquery reads no operators, so the text cannot be query syntax.
        for (const term of terms)
          if (wordsOf(term).length > 0)
            q = q.where(
              sql<SqlBool>`to_tsvector('simple'::regconfig, log_records.message) @@ plainto_tsquery('simple'::regconfig, ${term})`,
            );
      }
    }
    // Every term (a phrase, a word with punctuation) is then checked against the text, case-insensitively.
    for (const term of terms)
      q = q.where(
        sql<SqlBool>`lower(log_records.message) LIKE ${`%${likeEscaped(term.toLowerCase())}%`} ESCAPE '\\'`,
      );
  }
  return q;
}

function viewOf(
  r: Omit<Selectable<Database['log_records']>, 'bytes' | 'truncated'> & { truncated: number | boolean },
  survivorOf: Map<string, string>,
): LogRecordView {
  return {
    id: Number(r.id),
    time: Number(r.time),
    receivedAt: Number(r.received_at),
    host: r.host,
    app: r.app,
    procId: r.proc_id,
    msgId: r.msg_id,
    severity: r.severity,
    facility: r.facility,
    message: r.message,
    structuredData: r.structured_data ? JSON.parse(r.structured_data) : null,
    templateId: survivorOf.get(r.template_id) ?? r.template_id,
    targetId: r.target_id === null ? null : Number(r.target_id),
    source: r.source,
    peer: r.peer,
    truncated: Boolean(r.truncated),
  };
}

/** Survivors of the merged templates among these ids. */
export async function survivorsOf(ctx: ServiceContext, ids: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await ctx.db
    .selectFrom('log_templates')
    .select(['id', 'merged_into'])
    .where('id', 'in', unique)
    .where('merged_into', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.id, r.merged_into as string]));
}

/** Records matching the filter, newest first (by id, the insertion order), older than `before` when given. */
/** PostgreSQL: the id windows a text query reads row by row, newest first, before it asks the GIN index. */
const pgTextWindows = [4_096, 16_384, 65_536];
/** Full-text candidates read per window (SQLite), and windows per page at most before a short page is returned. */
const ftsWindowRows = 4_096;
/** Later windows of a page are larger (doubling up to this): a sparse match gets on without many round trips. */
const ftsWindowMaxRows = 65_536;
/** At most 4,096 + 8,192 + … + 65,536 × 8 ≈ 0.6 M candidates per page. */
const ftsWindowsPerPage = 12;

/**
 * Records matching the filter, newest first (by id, the insertion order), older than `before` when given. On
 * SQLite a text query reads its candidates newest first in windows; when a page's windows are spent before it
 * is full, the page is returned short with a cursor that goes on below what was read (bounded work per page).
 */
export async function searchLogs(
  ctx: ServiceContext,
  filter: LogFilter,
  page: { before?: number; limit: number },
): Promise<LogPage> {
  const limit = Math.min(Math.max(page.limit, 1), logSearchLimits.pageSize);
  const match = ctx.caps.fullText === 'fts5' ? ftsMatch(filter) : null;
  type Row = Awaited<ReturnType<typeof pageRows>>[number];
  const pageRows = async (before: number | undefined, n: number, window?: FtsWindow, ids?: IdRange) => {
    let q = await applyFilter(ctx, ctx.db.selectFrom('log_records'), filter, window);
    if (before !== undefined) q = q.where('log_records.id', '<', before);
    if (ids) q = q.where('log_records.id', '>=', ids.low).where('log_records.id', '<=', ids.high);
    return q.selectAll('log_records').orderBy('log_records.id', 'desc').limit(n).execute();
  };
  let rows: Row[] = [];
  let scannedTo: number | null = null;
  const posted = await postingFilter(ctx, filter);
  if (match === null && posted) {
    const ids = await idRange(ctx, filter);
    if (ids === null) return { records: [], nextBefore: null };
    ({ rows } = await searchPosted(ctx, filter, posted, ids, page.before, limit));
  } else if (match === null) {
    // A time range: its ids first (from the time index), then its rows newest first by id within them — rather
    // than every row of the range read through the time index and sorted (10,000 rows for 10 minutes at 10 M).
    const ids = await idRange(ctx, filter);
    if (ids === null) return { records: [], nextBefore: null };
    if (
      ctx.caps.fullText !== 'fts5' &&
      filter.q &&
      parseLogQuery(filter.q).some((t) => wordsOf(t).length > 0)
    ) {
      // PostgreSQL with words: the newest ids first, a window at a time, each row checked by the condition
      // (the primary key read backwards: a common word fills the page from the first window in a millisecond,
      // where the GIN index would hand over every row with the word to be sorted — 150 ms at a million
      // records); then, for a rare word, the index for what is older.
      let { high, low } = await idBounds(ctx, ids, page.before);
      for (const width of pgTextWindows) {
        if (rows.length > limit || high < low) break;
        const from = Math.max(low, high - width + 1);
        rows.push(
          ...(await pageRows(undefined, limit + 1 - rows.length, undefined, { low: from, high, count: 0 })),
        );
        high = from - 1;
      }
      if (rows.length <= limit && high >= low)
        rows.push(...(await pageRows(high + 1, limit + 1 - rows.length, undefined, ids)));
    } else rows = await pageRows(page.before, limit + 1, undefined, ids);
  } else {
    const ids = await idRange(ctx, filter);
    if (ids === null) return { records: [], nextBefore: null };
    const readRange = ids !== undefined && ids.count <= rangeReadRows;
    // A host's (an app's, a pattern's) few records read through its postings, each checked for the words.
    const postedFirst = !readRange && posted !== null && (await postedAreFew(ctx, posted));
    if (ids && readRange) rows = await searchRange(ctx, filter, ids, page.before, limit);
    else if (posted && postedFirst)
      ({ rows, scannedTo } = await searchPosted(ctx, filter, posted, ids, page.before, limit));
    // Candidates newer than the range's last id cannot be in it: start below it.
    let before =
      ids && (page.before === undefined || page.before > ids.high + 1) ? ids.high + 1 : page.before;
    for (let w = 0; w < ftsWindowsPerPage && !readRange && !postedFirst && rows.length <= limit; w++) {
      const size = Math.min(ftsWindowRows * 2 ** w, ftsWindowMaxRows);
      // The window's candidates, newest first: read once, for the page and for where the next window starts.
      const window = await sql<{
        id: number;
      }>`SELECT rowid AS id FROM log_records_fts WHERE log_records_fts MATCH ${match}${before !== undefined ? sql` AND rowid < ${before}` : sql``}${ids ? sql` AND rowid >= ${ids.low}` : sql``} ORDER BY rowid DESC LIMIT ${size}`.execute(
        ctx.db,
      );
      const candidates = window.rows.map((r) => Number(r.id));
      const low = candidates[candidates.length - 1];
      if (low !== undefined) {
        const want = limit + 1 - rows.length;
        if (posted) {
          // A host's (an app's, a pattern's) rows are a small part of a common word's: intersect the two id lists
          // (the postings', over the window's span) rather than look each candidate's row up.
          const wanted = new Set(await postedIds(ctx, posted, low, candidates[0] as number));
          const both = candidates.filter((id) => wanted.has(id));
          for (const part of chunks(both, 500)) {
            if (rows.length > limit) break;
            let q = await applyFilter(ctx, ctx.db.selectFrom('log_records'), filter, undefined, false);
            q = q.where('log_records.id', 'in', part);
            rows.push(
              ...(await q
                .selectAll('log_records')
                .orderBy('log_records.id', 'desc')
                .limit(limit + 1 - rows.length)
                .execute()),
            );
          }
        } else rows.push(...(await pageRows(before, want, { before, size, ...(ids ? { ids } : {}) })));
      }
      if (low === undefined || candidates.length < size) {
        scannedTo = null;
        break;
      }
      before = low;
      scannedTo = before;
    }
  }
  const more = rows.length > limit;
  const shown = rows.slice(0, limit);
  const survivors = await survivorsOf(
    ctx,
    shown.map((r) => r.template_id),
  );
  const last = shown[shown.length - 1];
  return {
    records: shown.map((r) => viewOf(r, survivors)),
    nextBefore:
      more && last
        ? Number(last.id)
        : !more && scannedTo !== null
          ? Math.min(scannedTo, last ? Number(last.id) : scannedTo)
          : null,
  };
}

/** Records newer than `afterId`, oldest first, matching the filter: what the live tail sends. */
export async function logsAfter(
  ctx: ServiceContext,
  afterId: number,
  limit: number,
): Promise<(LogRecordView & { rawTemplateId: string })[]> {
  const rows = await ctx.db
    .selectFrom('log_records')
    .selectAll()
    .where('id', '>', afterId)
    .orderBy('id')
    .limit(limit)
    .execute();
  const survivors = await survivorsOf(
    ctx,
    rows.map((r) => r.template_id),
  );
  return rows.map((r) => ({ ...viewOf(r, survivors), rawTemplateId: r.template_id }));
}

const steps = [
  1_000, 5_000, 15_000, 60_000, 300_000, 900_000, 1_800_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000,
  86_400_000, 604_800_000,
];

export interface LogHistogram {
  from: number;
  to: number;
  stepMs: number;
  /** One per step from `from`: its start and counts by severity (index 0–7). */
  buckets: { start: number; counts: number[]; total: number }[];
}

/** The step for a range: the smallest of the nice steps giving at most about `buckets` buckets. */
export function histogramStep(rangeMs: number): number {
  for (const s of steps) if (rangeMs / s <= logSearchLimits.buckets) return s;
  return Math.ceil(rangeMs / logSearchLimits.buckets / 86_400_000) * 86_400_000;
}

/** Counts of the matching records over [from, to), in steps chosen from the range, by severity. */
export async function logHistogram(
  ctx: ServiceContext,
  filter: LogFilter & { from: number; to: number },
): Promise<LogHistogram> {
  const stepMs = histogramStep(filter.to - filter.from);
  // Buckets are aligned to the step (in UTC) so that two ranges agree on their shared buckets.
  const start = Math.floor(filter.from / stepMs) * stepMs;
  const q = await applyFilter(ctx, ctx.db.selectFrom('log_records'), filter);
  // Literal integers (not parameters): an integer division on both engines, and the same text in GROUP BY.
  const bucket = sql<number>`(log_records.time - ${sql.lit(start)}) / ${sql.lit(stepMs)}`;
  const rows = await q
    .select([bucket.as('b'), 'log_records.severity', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy([bucket, 'log_records.severity'])
    .execute();
  const n = Math.max(1, Math.ceil((filter.to - start) / stepMs));
  const buckets = Array.from({ length: n }, (_, i) => ({
    start: start + i * stepMs,
    counts: [0, 0, 0, 0, 0, 0, 0, 0],
    total: 0,
  }));
  for (const r of rows) {
    const b = buckets[Number(r.b)];
    if (!b) continue;
    b.counts[r.severity] = (b.counts[r.severity] ?? 0) + Number(r.n);
    b.total += Number(r.n);
  }
  return { from: filter.from, to: filter.to, stepMs, buckets };
}
