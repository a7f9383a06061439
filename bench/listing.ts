// Filtered list and search latency through the domain function listTickets (and one case through
// app.inject), at a given number of tickets, on SQLite or PostgreSQL. The baseline beside each case runs
// the very SQL statements listTickets issued for it (captured once) as prepared statements straight on
// better-sqlite3 / pg: the ratio is what the domain layer (Kysely, decoration, mapping) adds.
import SqliteDatabase from 'better-sqlite3';
import type {
  CompiledQuery,
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  UnknownRow,
} from 'kysely';
import pg from 'pg';
import { buildApp } from '../src/api/app.js';
import type { Actor } from '../src/core/auth/index.js';
import type { ServiceContext } from '../src/core/context.js';
import { sqliteFileOf } from '../src/core/runtime.js';
import { listTickets, type TicketFilter } from '../src/helpdesk/index.js';
import { makeCorpus } from './corpus.js';
import { benchTokens, firstRequesterId, openPostgresSeed, openSqliteSeed, seedNow } from './seed.js';

interface Case {
  name: string;
  actor: Actor;
  filter: TicketFilter;
  /** run page 1 first and measure the page after it */
  nextPage?: boolean;
}

const day = 86_400_000;
const technician: Actor = {
  id: 2,
  email: 'tech0@bench.test',
  name: 'Technician 0',
  role: 'technician',
  groupIds: [1, 6],
  via: 'bearer',
  csrfToken: null,
};
const requester: Actor = {
  id: firstRequesterId,
  email: 'user0@bench.test',
  name: 'User 0',
  role: 'requester',
  groupIds: [],
  via: 'bearer',
  csrfToken: null,
};
const open = ['new', 'assigned', 'in_progress', 'pending'] as TicketFilter['status'];

function cases(): Case[] {
  const corpus = makeCorpus(42);
  const midWord = corpus.words[1500];
  const limit = 50;
  return [
    { name: 'status=open', actor: technician, filter: { status: open, limit } },
    { name: 'assignee=tech', actor: technician, filter: { assigneeId: 3, limit } },
    { name: 'group+status=open', actor: technician, filter: { groupId: 2, status: open, limit } },
    { name: 'requester: own tickets (visibility)', actor: requester, filter: { limit } },
    { name: 'tag=vpn', actor: technician, filter: { tag: 'vpn', limit } },
    {
      name: 'created in a 7-day range',
      actor: technician,
      filter: { createdFrom: seedNow - 400 * day, createdTo: seedNow - 393 * day, limit },
    },
    { name: 'sort=-updated', actor: technician, filter: { sort: '-updated', limit } },
    {
      name: 'status=open, next page (keyset)',
      actor: technician,
      filter: { status: open, limit },
      nextPage: true,
    },
    { name: 'search "error" (common)', actor: technician, filter: { q: 'error', limit } },
    { name: 'search "printer error" (common)', actor: technician, filter: { q: 'printer error', limit } },
    { name: `search "${midWord}" (uncommon)`, actor: technician, filter: { q: midWord, limit } },
    { name: 'search "srv0042" (rare)', actor: technician, filter: { q: 'srv0042', limit } },
    { name: 'search "error" + status=open', actor: technician, filter: { q: 'error', status: open, limit } },
    {
      name: 'search "error" sort=-created',
      actor: technician,
      filter: { q: 'error', sort: '-created', limit },
    },
    // A ticket number and names (people, tags, categories), resolved before the text search: search_names.
    { name: 'search "#4242" (ticket number)', actor: technician, filter: { q: '#4242', limit } },
    { name: 'search "user 17" (requester name)', actor: technician, filter: { q: 'user 17', limit } },
    { name: 'search "vpn" (tag and text)', actor: technician, filter: { q: 'vpn', limit } },
    { name: 'search "category 3" (category, broad)', actor: technician, filter: { q: 'category 3', limit } },
    {
      name: 'search "technician 3" sort=-created (assignee)',
      actor: technician,
      filter: { q: 'technician 3', sort: '-created', limit },
    },
    { name: 'requester search "error" (common)', actor: requester, filter: { q: 'error', limit } },
    { name: 'requester search "srv0042" (rare)', actor: requester, filter: { q: 'srv0042', limit } },
  ];
}

/** Records every statement Kysely compiles (and so runs) while it is armed. */
class CapturePlugin implements KyselyPlugin {
  armed = false;
  queries: CompiledQuery[] = [];
  constructor(private readonly compile: (args: PluginTransformQueryArgs) => CompiledQuery) {}
  transformQuery(args: PluginTransformQueryArgs) {
    if (this.armed) this.queries.push(this.compile(args));
    return args.node;
  }
  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function measure(
  fn: () => Promise<unknown>,
  budgetMs: number,
): Promise<{ p50: number; p99: number; n: number }> {
  for (let i = 0; i < 3; i++) await fn();
  const times: number[] = [];
  const until = performance.now() + budgetMs;
  while (times.length < 20 || (performance.now() < until && times.length < 500)) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), n: times.length };
}

interface Raw {
  run(queries: readonly CompiledQuery[]): Promise<number>;
  explain(q: CompiledQuery): Promise<string>;
  close(): Promise<void>;
}

function rawSqlite(file: string): Raw {
  const db = new SqliteDatabase(file, { readonly: true });
  db.pragma('cache_size = -65536');
  const statements = new Map<string, SqliteDatabase.Statement>();
  const prepared = (text: string) => {
    let s = statements.get(text);
    if (!s) {
      s = db.prepare(text);
      statements.set(text, s);
    }
    return s;
  };
  return {
    run: async (queries) => {
      let rows = 0;
      for (const q of queries) rows += prepared(q.sql).all(...(q.parameters as unknown[])).length;
      return rows;
    },
    explain: async (q) =>
      (
        db.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...(q.parameters as unknown[])) as Array<{
          detail: string;
        }>
      )
        .map((r) => r.detail)
        .join('; '),
    close: async () => void db.close(),
  };
}

async function rawPostgres(url: string, schema: string): Promise<Raw> {
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  const names = new Map<string, string>();
  return {
    run: async (queries) => {
      let rows = 0;
      for (const q of queries) {
        let name = names.get(q.sql);
        if (!name) {
          name = `bench_${names.size}`;
          names.set(q.sql, name);
        }
        rows += (await client.query({ name, text: q.sql, values: q.parameters as unknown[] })).rowCount ?? 0;
      }
      return rows;
    },
    explain: async (q) => {
      const r = await client.query({
        text: `EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${q.sql}`,
        values: q.parameters as unknown[],
      });
      return r.rows.map((x) => x['QUERY PLAN']).join('\n    ');
    },
    close: () => client.end(),
  };
}

export interface ListingRow {
  name: string;
  p50: number;
  p99: number;
  rawP50: number;
  rawP99: number;
  items: number;
  n: number;
}

export async function benchListing(
  dialect: 'sqlite' | 'postgres',
  size: number,
  pgUrl: string,
): Promise<ListingRow[]> {
  const budgetMs = Number(process.env.BENCH_CASE_MS ?? 2000);
  const seeded =
    dialect === 'sqlite'
      ? { opened: await openSqliteSeed(size), schema: '' }
      : await openPostgresSeed(size, pgUrl);
  const { opened, schema } = seeded;
  const base = opened.ctx;
  const capture = new CapturePlugin((args) => base.db.getExecutor().compileQuery(args.node, args.queryId));
  const ctx: ServiceContext = { ...base, db: base.db.withPlugin(capture) };
  const raw = dialect === 'sqlite' ? rawSqlite(sqliteFileOf(base.config)) : await rawPostgres(pgUrl, schema);
  const rows: ListingRow[] = [];
  console.log(
    `\n## List and search, ${dialect}, ${size.toLocaleString('en')} tickets (limit 50; p50/p99 ms)`,
  );
  console.log('| case | opsdesk p50 | opsdesk p99 | raw SQL p50 | raw SQL p99 | p99 ratio | items |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const print = (r: ListingRow) =>
    console.log(
      `| ${r.name} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.rawP50.toFixed(2)} | ${r.rawP99.toFixed(2)} | ${(r.p99 / r.rawP99).toFixed(2)} | ${r.items} |`,
    );
  try {
    // BENCH_CASES=search,requester runs only the cases whose names contain one of the words.
    const only = process.env.BENCH_CASES?.split(',').filter(Boolean);
    for (const c of cases().filter((c) => !only || only.some((w) => c.name.includes(w)))) {
      let filter = c.filter;
      if (c.nextPage) {
        const first = await listTickets(ctx, c.actor, filter);
        filter = { ...filter, cursor: first.nextCursor ?? undefined };
      }
      capture.queries = [];
      capture.armed = true;
      const page = await listTickets(ctx, c.actor, filter);
      capture.armed = false;
      const queries = [...capture.queries];
      if (process.env.BENCH_EXPLAIN) console.log(`    ${c.name}: ${await raw.explain(queries[0])}`);
      const ours = await measure(() => listTickets(ctx, c.actor, filter), budgetMs);
      const base = await measure(() => raw.run(queries), budgetMs);
      const row = {
        name: c.name,
        p50: ours.p50,
        p99: ours.p99,
        rawP50: base.p50,
        rawP99: base.p99,
        items: page.items.length,
        n: ours.n,
      };
      rows.push(row);
      print(row);
    }
    // One case end to end through HTTP routing, authentication, validation and serialisation.
    const app = await buildApp(base);
    await app.ready();
    const filter: TicketFilter = { status: open, limit: 50 };
    capture.queries = [];
    capture.armed = true;
    await listTickets(ctx, technician, filter);
    capture.armed = false;
    const queries = [...capture.queries];
    const inject = async () => {
      const res = await app.inject({
        method: 'GET',
        url: '/api/v1/tickets?status=open&limit=50',
        headers: { authorization: `Bearer ${benchTokens.technician}` },
      });
      if (res.statusCode !== 200) throw new Error(`inject: ${res.statusCode} ${res.body}`);
      return res;
    };
    const items = (await inject()).json().items.length;
    const ours = await measure(inject, budgetMs);
    const b = await measure(() => raw.run(queries), budgetMs);
    const row = {
      name: 'HTTP GET /api/v1/tickets?status=open (app.inject)',
      p50: ours.p50,
      p99: ours.p99,
      rawP50: b.p50,
      rawP99: b.p99,
      items,
      n: ours.n,
    };
    rows.push(row);
    print(row);
    await app.close();
  } finally {
    await raw.close();
    await opened.close();
  }
  return rows;
}
