// The log store's write side: an in-process batching writer that every ingest path (syslog, HTTP) appends to.
// Appends queue; one batch at a time is mined, written in one transaction (records, templates, their hosts and
// per-minute counts, the store's totals) and only then are its appenders resolved — nothing acknowledged is lost,
// and a failed batch rejects exactly its own appenders. Several batches waiting behind a slow commit merge into
// one, so the rate grows with the load (group commit at this level). Nothing goes on the event bus per record:
// the live tail reads the table.
import {
  CompiledQuery,
  type DialectAdapter,
  type Kysely,
  PostgresAdapter,
  sql,
  type Transaction,
} from 'kysely';
import { defineLocalCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import { chunks, type Database } from '../core/db/index.js';
import { listTargets } from '../monitoring/index.js';
import { errorSeverity, type LogRecordInput, type LogSink } from './log-model.js';
import { PostingsBuilder, postingKey } from './log-postings.js';
import { absorbPattern, addToHostCount, addToHostMinute, addToTemplateMinute } from './pattern-merges.js';
import { TemplateMiner } from './template-miner.js';

type Db = Kysely<Database> | Transaction<Database>;

export const logStoreLimits = {
  /**
   * Records one transaction carries at most; more wait for the next. Large, because a COMMIT writes every page
   * the batch touched, and the postings, host rows and minute counts are written per batch and value, at a few
   * hundred places whatever the batch's size: 20,000 writes each such page once for four times the rows of 5,000.
   */
  batchRecords: 20_000,
  /** How long the first record of a batch waits for others before the batch is written. */
  batchDelayMs: 10,
  /** Hosts remembered per template (log_template_hosts); later hosts still count in the template's total. */
  hostsPerTemplate: 100,
  /** How often templates other instances wrote are learnt, and merges and targets re-read. */
  refreshEveryMs: 5_000,
  /** What a record costs beyond its text, for size retention (the row's fixed columns and its index entries). */
  recordOverheadBytes: 96,
} as const;

export interface LogIngest extends LogSink {
  /** Write what is queued and stop taking appends. */
  close(): Promise<void>;
  /** Write what is queued now (tests, shutdown). */
  flush(): Promise<void>;
  stats(): LogIngestStats;
}

export interface LogIngestStats {
  appended: number;
  batches: number;
  failedBatches: number;
  failedRecords: number;
}

interface Waiting {
  records: LogRecordInput[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

interface TemplateAggregate {
  id: string;
  template: string;
  /** The template's text or example changed in this batch (created or generalised). */
  textChanged: boolean;
  example: string;
  count: number;
  worst: number;
  mask: number;
  first: number;
  last: number;
}

/** Bytes a record costs for size retention: its text fields (UTF-8) and a fixed overhead. */
export function recordBytes(r: LogRecordInput, structuredData: string | null): number {
  return (
    Buffer.byteLength(r.message) +
    (r.host?.length ?? 0) +
    (r.app?.length ?? 0) +
    (r.procId?.length ?? 0) +
    (r.msgId?.length ?? 0) +
    (structuredData?.length ?? 0) +
    (r.peer?.length ?? 0) +
    logStoreLimits.recordOverheadBytes
  );
}

const minuteMs = 60_000;

/** What one instance knows besides the miner: targets by host, merges, the hosts each template has stored. */
class IngestState {
  miner: TemplateMiner | null = null;
  /** Templates last read at (updated_at), to learn what other instances mined. */
  templatesReadAt = 0;
  refreshedAt = Number.NEGATIVE_INFINITY;
  /** Lower-cased name or address → target id. */
  targets = new Map<string, number>();
  /** Merged template → its survivor. */
  mergedInto = new Map<string, string>();
  /** Per template, the hosts it has rows for (up to the bound). */
  hosts = new Map<string, Set<string>>();
}

/**
 * Open a batching writer on this context. Each one mines with its own TemplateMiner, built from the stored
 * templates; use one per process (logIngest(ctx) holds the context's) so that one miner sees every message.
 */
export function openLogIngest(ctx: ServiceContext): LogIngest {
  const state = new IngestState();
  const stats: LogIngestStats = { appended: 0, batches: 0, failedBatches: 0, failedRecords: 0 };
  const queue: Waiting[] = [];
  let queued = 0;
  let timer: NodeJS.Timeout | null = null;
  let writing: Promise<void> | null = null;
  let closed = false;

  function schedule(): void {
    if (writing || timer) return;
    if (queued >= logStoreLimits.batchRecords) void writeNext();
    else timer = setTimeout(() => void writeNext(), logStoreLimits.batchDelayMs);
  }

  async function writeNext(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    if (writing || queue.length === 0) return;
    // Take whole appends up to the batch size (one append larger than that is a batch of its own).
    const batch: Waiting[] = [];
    let n = 0;
    while (
      queue.length > 0 &&
      (n === 0 || n + (queue[0] as Waiting).records.length <= logStoreLimits.batchRecords)
    ) {
      const w = queue.shift() as Waiting;
      batch.push(w);
      n += w.records.length;
    }
    queued -= n;
    writing = (async () => {
      try {
        // Paging and SLA clocks first (core/foreground-work.ts): a batch waits while their work runs.
        await ctx.foreground.yieldTo();
        await writeBatch(
          ctx,
          state,
          batch.flatMap((w) => w.records),
        );
        stats.batches++;
        stats.appended += n;
        for (const w of batch) w.resolve();
      } catch (err) {
        stats.failedBatches++;
        stats.failedRecords += n;
        ctx.log.error({ err, records: n }, 'log store: a batch failed; its appenders are told');
        // The miner may have learnt templates whose rows were rolled back: start again from the stored ones.
        state.miner = null;
        for (const w of batch) w.reject(err);
      }
    })();
    await writing;
    writing = null;
    if (queue.length > 0) schedule();
  }

  async function flush(): Promise<void> {
    while (queue.length > 0 || writing) {
      if (writing) await writing;
      else await writeNext();
    }
  }

  return {
    append(records) {
      if (closed) return Promise.reject(new Error('log store: closed'));
      if (records.length === 0) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        queue.push({ records, resolve, reject });
        queued += records.length;
        schedule();
      });
    },
    flush,
    async close() {
      closed = true;
      await flush();
    },
    stats: () => ({ ...stats }),
  };
}

// The context's one writer: the HTTP route and the syslog listener share it, so one miner sees every message.
const sharedIngest = defineLocalCache('log_ingest', () => ({ ingest: null as LogIngest | null }));

/** The context's log writer, opened on first use. */
export function logIngest(ctx: ServiceContext): LogIngest {
  const holder = ctx.caches.local(sharedIngest);
  holder.ingest ??= openLogIngest(ctx);
  return holder.ingest;
}

// Set by a merge made in this process: the next batch re-reads merges rather than waiting for the refresh.
const ingestRefresh = defineLocalCache('log_ingest_refresh', () => ({ forced: false }));

/** The next batch re-reads merges and targets (after a merge made here). */
export function refreshIngestSoon(ctx: ServiceContext): void {
  ctx.caches.local(ingestRefresh).forced = true;
}

async function refresh(ctx: ServiceContext, state: IngestState): Promise<void> {
  const now = ctx.clock.now();
  const forced = ctx.caches.local(ingestRefresh);
  if (state.miner && !forced.forced && Math.abs(now - state.refreshedAt) < logStoreLimits.refreshEveryMs)
    return;
  // A merge moved hosts between templates: what this instance knew of them is re-read as needed.
  if (forced.forced) state.hosts.clear();
  forced.forced = false;
  state.refreshedAt = now;
  if (!state.miner) {
    const rows = await ctx.db.selectFrom('log_templates').select(['id', 'template', 'updated_at']).execute();
    state.miner = new TemplateMiner(rows.map((r) => ({ id: r.id, template: r.template })));
    state.templatesReadAt = rows.reduce((m, r) => Math.max(m, Number(r.updated_at)), 0);
    state.hosts.clear();
  } else if (ctx.caps.multiInstance) {
    // Other instances mine at once: learn what they wrote since the last look (overlapping a little, since
    // their clocks differ from ours).
    const rows = await ctx.db
      .selectFrom('log_templates')
      .select(['id', 'template', 'updated_at'])
      .where('updated_at', '>=', state.templatesReadAt - 60_000)
      .execute();
    if (rows.length > 0) {
      state.miner.learn(rows.map((r) => ({ id: r.id, template: r.template })));
      state.templatesReadAt = Math.max(state.templatesReadAt, ...rows.map((r) => Number(r.updated_at)));
    }
  }
  const merged = await ctx.db
    .selectFrom('log_templates')
    .select(['id', 'merged_into'])
    .where('merged_into', 'is not', null)
    .execute();
  state.mergedInto = new Map(merged.map((m) => [m.id, m.merged_into as string]));
  state.targets = await targetsByHost(ctx);
}

/** Monitoring targets by their lower-cased name and address (a name wins over another target's address). */
async function targetsByHost(ctx: ServiceContext): Promise<Map<string, number>> {
  const byAddress = new Map<string, number>();
  const byName = new Map<string, number>();
  let afterId: number | undefined;
  for (;;) {
    const page = await listTargets(ctx, { limit: 1000, ...(afterId !== undefined ? { afterId } : {}) });
    for (const t of page) {
      if (!byName.has(t.name.toLowerCase())) byName.set(t.name.toLowerCase(), t.id);
      if (t.address && !byAddress.has(t.address.toLowerCase())) byAddress.set(t.address.toLowerCase(), t.id);
    }
    if (page.length < 1000) break;
    afterId = (page[page.length - 1] as { id: number }).id;
  }
  for (const [k, v] of byName) byAddress.set(k, v);
  return byAddress;
}

/** Mine and write one batch in one transaction. */
async function writeBatch(ctx: ServiceContext, state: IngestState, records: LogRecordInput[]): Promise<void> {
  await refresh(ctx, state);
  const miner = state.miner as TemplateMiner;
  const now = ctx.clock.now();

  const templates = new Map<string, TemplateAggregate>();
  const hostCounts = new Map<string, { templateId: string; host: string; count: number; last: number }>();
  const templateMinutes = new Map<
    string,
    { templateId: string; minute: number; count: number; errors: number }
  >();
  const hostMinutes = new Map<
    string,
    { host: string; minute: number; templateId: string; count: number; errors: number }
  >();
  const rows: unknown[][] = [];
  const postings = new PostingsBuilder();
  let bytes = 0;

  for (const r of records) {
    const a = miner.assign(r.message);
    // Counts of a merged template go to its survivor; the record keeps the miner's id.
    const countedId = state.mergedInto.get(a.templateId) ?? a.templateId;
    const isError = r.severity <= errorSeverity ? 1 : 0;
    let t = templates.get(a.templateId);
    if (!t) {
      t = {
        id: a.templateId,
        template: a.template,
        textChanged: false,
        example: r.message,
        count: 0,
        worst: r.severity,
        mask: 0,
        first: r.time,
        last: r.time,
      };
      templates.set(a.templateId, t);
    }
    if (a.created || a.changed) {
      t.textChanged = true;
      t.template = a.template;
      t.example = r.message;
    }
    if (countedId === a.templateId) {
      t.count++;
      t.worst = Math.min(t.worst, r.severity);
      t.mask |= 1 << r.severity;
      t.first = Math.min(t.first, r.time);
      t.last = Math.max(t.last, r.time);
    } else {
      let s = templates.get(countedId);
      if (!s) {
        s = {
          id: countedId,
          template: '',
          textChanged: false,
          example: r.message,
          count: 0,
          worst: r.severity,
          mask: 0,
          first: r.time,
          last: r.time,
        };
        templates.set(countedId, s);
      }
      s.count++;
      s.worst = Math.min(s.worst, r.severity);
      s.mask |= 1 << r.severity;
      s.first = Math.min(s.first, r.time);
      s.last = Math.max(s.last, r.time);
    }

    const host = r.host ?? '';
    if (r.host) {
      const hk = `${countedId}\u0000${r.host}`;
      const h = hostCounts.get(hk);
      if (h) {
        h.count++;
        h.last = Math.max(h.last, r.time);
      } else hostCounts.set(hk, { templateId: countedId, host: r.host, count: 1, last: r.time });
    }
    const minute = Math.floor(r.time / minuteMs) * minuteMs;
    const mk = `${countedId}\u0000${minute}`;
    const m = templateMinutes.get(mk);
    if (m) {
      m.count++;
      m.errors += isError;
    } else templateMinutes.set(mk, { templateId: countedId, minute, count: 1, errors: isError });
    const hmk = `${host}\u0000${minute}\u0000${countedId}`;
    const hm = hostMinutes.get(hmk);
    if (hm) {
      hm.count++;
      hm.errors += isError;
    } else hostMinutes.set(hmk, { host, minute, templateId: countedId, count: 1, errors: isError });

    const sd = r.structuredData ? JSON.stringify(r.structuredData) : null;
    const b = recordBytes(r, sd);
    bytes += b;
    // The record's place in the batch stands for its id until the transaction allocates them.
    const position = rows.length;
    if (r.host) postings.add(postingKey('h', r.host), position);
    if (r.app) postings.add(postingKey('a', r.app), position);
    postings.add(postingKey('t', a.templateId), position);
    // In recordInsert's column order (the id is given in the transaction).
    rows.push([
      0,
      r.time,
      r.receivedAt,
      r.host,
      r.app,
      r.procId,
      r.msgId,
      r.severity,
      r.facility,
      r.message,
      sd,
      a.templateId,
      r.host ? (state.targets.get(r.host.toLowerCase()) ?? null) : null,
      r.source,
      r.peer,
      r.truncated ? 1 : 0,
      b,
    ]);
  }

  const hostRows = await boundedHosts(ctx, state, [...hostCounts.values()]);
  // The miner's own merges (a generalised template took in the ones it covers): applied after this batch's
  // counts are written, as a technician's merge would be, so the pattern list shows one pattern, not its parts.
  const minerMerges = miner.takeMerges();
  const applied: { from: string; into: string }[] = [];

  await ctx.db.transaction().execute(async (trx) => {
    // Templates first, in id order: instances upserting the same rows take their locks in the same order.
    await upsertTemplates(trx, [...templates.values()].sort(byId), now);
    // The records' ids, in arrival order, known before they are written: the postings and (SQLite) the full-text
    // rows are written beside them, not by a trigger per row.
    const ids = await allocateIds(trx, rows.length);
    for (let i = 0; i < rows.length; i++) (rows[i] as unknown[])[0] = ids[i];
    await bulkWrite(trx, recordInsert, rows);
    // The full-text rows from the records just written (SQLite's ids are one run): the messages are not bound
    // and converted to UTF-8 a second time.
    if (ctx.caps.fullText === 'fts5' && rows.length > 0)
      await sql`INSERT INTO log_records_fts (rowid, message) SELECT id, message FROM log_records WHERE id >= ${ids[0]} AND id <= ${ids[ids.length - 1]}`.execute(
        trx,
      );
    await bulkWrite(trx, postingInsert, postings.rows(ids));
    await bulkWrite(
      trx,
      templateHostUpsert,
      hostRows
        .sort((x, y) => cmp(x.templateId, y.templateId) || cmp(x.host, y.host))
        .map((h) => [h.templateId, h.host, h.count, h.last]),
    );
    await bulkWrite(
      trx,
      templateMinuteUpsert,
      [...templateMinutes.values()]
        .sort((x, y) => cmp(x.templateId, y.templateId) || x.minute - y.minute)
        .map((m) => [m.templateId, m.minute, m.count, m.errors]),
    );
    await bulkWrite(
      trx,
      hostMinuteUpsert,
      [...hostMinutes.values()]
        .sort((x, y) => cmp(x.host, y.host) || x.minute - y.minute || cmp(x.templateId, y.templateId))
        .map((m) => [m.host, m.minute, m.templateId, m.count, m.errors]),
    );
    for (const m of minerMerges) {
      const into = state.mergedInto.get(m.into) ?? m.into;
      if (into === m.from) continue;
      const source = await trx
        .selectFrom('log_templates')
        .select(['id', 'count', 'worst_severity', 'severity_mask', 'first_seen', 'last_seen', 'merged_into'])
        .where('id', '=', m.from)
        .executeTakeFirst();
      // Unknown here (another instance's), or merged already (by a technician, or this merge seen before).
      if (!source || source.merged_into !== null) continue;
      await absorbPattern(trx, source, into, now);
      applied.push({ from: m.from, into });
    }
    // Last: the one row every instance's batch updates is held for the shortest time.
    await trx
      .updateTable('log_store_totals')
      .set({ records: sql`records + ${rows.length}`, bytes: sql`bytes + ${bytes}` })
      .where('id', '=', 1)
      .execute();
  });
  for (const h of hostRows) state.hosts.get(h.templateId)?.add(h.host);
  for (const m of applied) state.mergedInto.set(m.from, m.into);
}

const byId = (a: { id: string }, b: { id: string }) => cmp(a.id, b.id);

function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * `n` new record ids, ascending. SQLite: after the largest ever given (AUTOINCREMENT's rule; the batch holds the
 * write lock, so nobody takes them meanwhile). PostgreSQL: from the table's sequence (ascending; other instances'
 * batches may take ids in between).
 */
async function allocateIds(trx: Db, n: number): Promise<number[]> {
  if (n === 0) return [];
  if (isPostgres(trx)) {
    const r = await sql<{
      id: string | number;
    }>`SELECT nextval(pg_get_serial_sequence('log_records', 'id')) AS id FROM generate_series(1, ${n})`.execute(
      trx,
    );
    return r.rows.map((x) => Number(x.id)).sort((a, b) => a - b);
  }
  const r = await sql<{
    top: number;
  }>`SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'log_records'), 0), coalesce((SELECT max(id) FROM log_records), 0)) AS top`.execute(
    trx,
  );
  const top = Number(r.rows[0]?.top ?? 0);
  return Array.from({ length: n }, (_, i) => top + 1 + i);
}
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The host rows to write: a template's hosts already stored, and new ones while it has fewer than the bound.
 * (Instances decide apart, so the bound can be passed by a few rows per instance; it only has to be bounded.)
 */
async function boundedHosts<T extends { templateId: string; host: string }>(
  ctx: ServiceContext,
  state: IngestState,
  pairs: T[],
): Promise<T[]> {
  const unknown = [...new Set(pairs.map((p) => p.templateId))].filter((id) => !state.hosts.has(id));
  for (const part of chunks(unknown, 500)) {
    const rows = await ctx.db
      .selectFrom('log_template_hosts')
      .select(['template_id', 'host'])
      .where('template_id', 'in', part)
      .execute();
    for (const id of part) state.hosts.set(id, new Set());
    for (const r of rows) state.hosts.get(r.template_id)?.add(r.host);
  }
  const out: T[] = [];
  const adding = new Map<string, number>();
  for (const p of pairs) {
    const known = state.hosts.get(p.templateId) as Set<string>;
    if (known.has(p.host)) out.push(p);
    else {
      const n = adding.get(p.templateId) ?? 0;
      if (known.size + n < logStoreLimits.hostsPerTemplate) {
        adding.set(p.templateId, n + 1);
        out.push(p);
      }
    }
  }
  return out;
}

async function upsertTemplates(trx: Db, templates: TemplateAggregate[], now: number): Promise<void> {
  for (const part of chunks(templates, 500)) {
    await trx
      .insertInto('log_templates')
      .values(
        part.map((t) => ({
          id: t.id,
          // '' keeps the stored text and example: only a created or generalised template writes them.
          template: t.textChanged ? t.template : '',
          name: null,
          merged_into: null,
          count: t.count,
          worst_severity: t.worst,
          severity_mask: t.mask,
          first_seen: t.first,
          last_seen: t.last,
          example: t.example,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({
          count: sql`log_templates.count + excluded.count`,
          worst_severity: sql`CASE WHEN excluded.count > 0 AND excluded.worst_severity < log_templates.worst_severity THEN excluded.worst_severity ELSE log_templates.worst_severity END`,
          severity_mask: sql`log_templates.severity_mask | excluded.severity_mask`,
          first_seen: sql`CASE WHEN excluded.count > 0 AND excluded.first_seen < log_templates.first_seen THEN excluded.first_seen ELSE log_templates.first_seen END`,
          last_seen: sql`CASE WHEN excluded.count > 0 AND excluded.last_seen > log_templates.last_seen THEN excluded.last_seen ELSE log_templates.last_seen END`,
          template: sql`CASE WHEN excluded.template <> '' THEN excluded.template ELSE log_templates.template END`,
          example: sql`CASE WHEN excluded.template <> '' THEN excluded.example ELSE log_templates.example END`,
          updated_at: sql`excluded.updated_at`,
        }),
      )
      .execute();
  }
}

// ---- bulk writes --------------------------------------------------------------------------------------
// A batch writes thousands of rows. Built by Kysely row by row, compiling them cost more than SQLite's work
// (the profile's top frames were the query compiler and the parameter objects); and each batch's odd-sized
// multi-row statement was a new SQL text, planned afresh. Instead each write is compiled once per dialect, at
// a few fixed sizes (rows are written in steps of those sizes), and then only its parameters change: SQLite's
// statement cache (core/db) hands back the planned statement, PostgreSQL parses a text it has seen.

/** One multi-row write: its columns, and the Kysely query for some rows (compiled once per size). */
interface BulkWrite {
  name: string;
  columns: readonly string[];
  build(db: Db, rows: Record<string, unknown>[]): { compile(): CompiledQuery };
}

/** Statement sizes, largest first: a batch's rows go in as many of the largest as fit, then smaller. */
const bulkSizes = [200, 25, 1] as const;

const compiledBulk = new Map<DialectAdapter['constructor'], Map<string, { sql: string; slots: number[] }>>();

function compiledWrite(db: Db, write: BulkWrite, size: number): { sql: string; slots: number[] } {
  const adapter = db.getExecutor().adapter.constructor;
  let byName = compiledBulk.get(adapter);
  if (!byName) {
    byName = new Map();
    compiledBulk.set(adapter, byName);
  }
  const key = `${write.name}/${size}`;
  let compiled = byName.get(key);
  if (!compiled) {
    // Each parameter's value is its slot (row × columns + column): whatever order the compiler emits them in.
    const n = write.columns.length;
    const markers = Array.from({ length: size }, (_, r) =>
      Object.fromEntries(write.columns.map((c, j) => [c, r * n + j])),
    );
    const q = write.build(db, markers).compile();
    compiled = { sql: q.sql, slots: q.parameters as number[] };
    byName.set(key, compiled);
  }
  return compiled;
}

/** Write rows (each in `write.columns` order) in fixed-size statements. */
async function bulkWrite(db: Db, write: BulkWrite, rows: unknown[][]): Promise<void> {
  const n = write.columns.length;
  let i = 0;
  for (const size of bulkSizes) {
    while (rows.length - i >= size) {
      const { sql: text, slots } = compiledWrite(db, write, size);
      const params = new Array<unknown>(slots.length);
      for (let k = 0; k < slots.length; k++) {
        const m = slots[k] as number;
        params[k] = (rows[i + Math.floor(m / n)] as unknown[])[m % n];
      }
      await db.executeQuery(CompiledQuery.raw(text, params));
      i += size;
    }
  }
}

const recordInsert: BulkWrite = {
  name: 'log_records',
  columns: [
    'id',
    'time',
    'received_at',
    'host',
    'app',
    'proc_id',
    'msg_id',
    'severity',
    'facility',
    'message',
    'structured_data',
    'template_id',
    'target_id',
    'source',
    'peer',
    'truncated',
    'bytes',
  ],
  build: (db, rows) => db.insertInto('log_records').values(rows as never),
};

const postingInsert: BulkWrite = {
  name: 'log_postings',
  columns: ['key', 'last_id', 'first_id', 'count', 'ids'],
  build: (db, rows) => db.insertInto('log_postings').values(rows as never),
};

const templateHostUpsert: BulkWrite = {
  name: 'log_template_hosts',
  columns: ['template_id', 'host', 'count', 'last_seen'],
  build: (db, rows) =>
    db
      .insertInto('log_template_hosts')
      .values(rows as never)
      .onConflict(addToHostCount),
};

const templateMinuteUpsert: BulkWrite = {
  name: 'log_template_minutes',
  columns: ['template_id', 'minute', 'count', 'errors'],
  build: (db, rows) =>
    db
      .insertInto('log_template_minutes')
      .values(rows as never)
      .onConflict(addToTemplateMinute),
};

const hostMinuteUpsert: BulkWrite = {
  name: 'log_host_minutes',
  columns: ['host', 'minute', 'template_id', 'count', 'errors'],
  build: (db, rows) =>
    db
      .insertInto('log_host_minutes')
      .values(rows as never)
      .onConflict(addToHostMinute),
};
