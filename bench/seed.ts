// Seeds a benchmark database fast: raw bulk inserts (prepared statements in big transactions on SQLite,
// unnest() multi-row inserts on PostgreSQL) of a seeded, realistic help desk — users, groups, tickets with
// text from the corpus, tags, watchers and comments on a share of tickets, and their full-text rows (FTS5
// tables on SQLite; PostgreSQL's tsvector columns are generated). The schema comes from the real
// migrations. A seeded database is cached (a file under bench/.cache/, a schema on PostgreSQL).
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import pino from 'pino';
import { digest } from '../src/core/auth/index.js';
import { loadConfig } from '../src/core/config.js';
import { type OpenedContext, openContext, sqliteFileOf } from '../src/core/runtime.js';
import { indexName, indexTags } from '../src/core/search-names.js';
import { type Corpus, makeCorpus, prng, sentence, ticketText } from './corpus.js';

/** Bump when the generated data changes: old caches are then ignored. */
export const seedVersion = 1;

export const seedNow = Date.parse('2026-11-24T00:00:00Z');
const span = 2 * 365 * 86_400_000;
export const technicianCount = 60;
export const groupCount = 12;
export const categoryCount = 10;
const firstTechnicianId = 2;
export const firstRequesterId = firstTechnicianId + technicianCount;

export function requesterCountFor(size: number): number {
  return Math.max(1000, Math.round(size / 50));
}

/** Bearer tokens with sessions in every seeded database (for the app.inject case). */
export const benchTokens = {
  technician: 'ods_bench-technician-session-token',
  requester: 'ods_bench-requester-session-token',
};

export interface SeedTicket {
  id: number;
  title: string;
  description: string;
  type: string;
  status: string;
  impact: number;
  urgency: number;
  priority: number;
  requester_id: number;
  category_id: number | null;
  assignee_id: number | null;
  group_id: number | null;
  created_at: number;
  updated_at: number;
  resolved_at: number | null;
  closed_at: number | null;
}

export interface SeedComment {
  id: number;
  ticket_id: number;
  author_id: number;
  body: string;
  internal: number;
  created_at: number;
}

export interface SeedBatch {
  tickets: SeedTicket[];
  tags: Array<[number, string]>;
  watchers: Array<[number, number]>;
  comments: SeedComment[];
}

const matrix = [
  [1, 1, 2, 2, 2],
  [1, 2, 2, 3, 3],
  [2, 2, 3, 4, 4],
  [2, 3, 4, 4, 5],
  [2, 3, 4, 5, 5],
];

function pickStatus(rand: () => number, age: number): string {
  const x = rand();
  // Old tickets are almost all closed; the newest tenth holds most of the open work.
  if (age < 0.9)
    return x < 0.85
      ? 'closed'
      : x < 0.9
        ? 'resolved'
        : x < 0.93
          ? 'pending'
          : x < 0.96
            ? 'in_progress'
            : x < 0.98
              ? 'assigned'
              : 'new';
  return x < 0.15
    ? 'new'
    : x < 0.35
      ? 'assigned'
      : x < 0.65
        ? 'in_progress'
        : x < 0.8
          ? 'pending'
          : x < 0.95
            ? 'resolved'
            : 'closed';
}

export function* generate(size: number, batchSize = 10_000): Generator<SeedBatch> {
  const corpus: Corpus = makeCorpus(42);
  const rand = prng(20261124);
  const requesters = requesterCountFor(size);
  let commentId = 0;
  for (let start = 1; start <= size; start += batchSize) {
    const batch: SeedBatch = { tickets: [], tags: [], watchers: [], comments: [] };
    for (let id = start; id < start + batchSize && id <= size; id++) {
      const age = id / size;
      const createdAt = seedNow - span + Math.floor(age * span) - Math.floor(rand() * 60_000);
      const status = pickStatus(rand, age);
      const impact = 1 + Math.floor(rand() * 5);
      const urgency = 1 + Math.floor(rand() * 5);
      const owned = status !== 'new';
      // A few technicians and groups carry most of the work.
      const assignee =
        owned && rand() < 0.9 ? firstTechnicianId + Math.floor(technicianCount * rand() ** 1.5) : null;
      const group = owned || rand() < 0.3 ? 1 + Math.floor(groupCount * rand() ** 1.3) : null;
      const updatedAt = Math.min(seedNow, createdAt + Math.floor(rand() * rand() * 30 * 86_400_000));
      const { title, description } = ticketText(corpus, rand);
      batch.tickets.push({
        id,
        title,
        description,
        type: rand() < 0.7 ? 'incident' : 'request',
        status,
        impact,
        urgency,
        priority: matrix[urgency - 1][impact - 1],
        requester_id: firstRequesterId + Math.floor(requesters * rand() ** 2),
        category_id: rand() < 0.8 ? 1 + Math.floor(rand() * categoryCount) : null,
        assignee_id: assignee,
        group_id: group,
        created_at: createdAt,
        updated_at: updatedAt,
        resolved_at: status === 'resolved' || status === 'closed' ? updatedAt : null,
        closed_at: status === 'closed' ? updatedAt : null,
      });
      if (rand() < 0.3) {
        const n = rand() < 0.7 ? 1 : 2;
        const tags = new Set<string>();
        for (let k = 0; k < n; k++) tags.add(corpus.tags[Math.floor(corpus.tags.length * rand() ** 2)]);
        for (const tag of tags) batch.tags.push([id, tag]);
      }
      if (rand() < 0.02) batch.watchers.push([id, firstRequesterId + Math.floor(requesters * rand())]);
      if (rand() < 0.3) {
        const n = rand() < 0.6 ? 1 : 2;
        for (let k = 0; k < n; k++) {
          batch.comments.push({
            id: ++commentId,
            ticket_id: id,
            author_id: assignee ?? firstTechnicianId,
            body: `${sentence(corpus, rand, 8, 40)}.`,
            internal: rand() < 0.25 ? 1 : 0,
            created_at: Math.min(seedNow, createdAt + Math.floor(rand() * 86_400_000)),
          });
        }
      }
    }
    yield batch;
  }
}

interface People {
  users: Array<{ id: number; email: string; name: string; role: string }>;
  groups: Array<{ id: number; name: string }>;
  members: Array<[number, number]>;
  categories: Array<{ id: number; name: string }>;
}

function people(size: number): People {
  const users: People['users'] = [{ id: 1, email: 'admin@bench.test', name: 'Admin', role: 'admin' }];
  for (let i = 0; i < technicianCount; i++)
    users.push({
      id: firstTechnicianId + i,
      email: `tech${i}@bench.test`,
      name: `Technician ${i}`,
      role: 'technician',
    });
  const requesters = requesterCountFor(size);
  for (let i = 0; i < requesters; i++)
    users.push({
      id: firstRequesterId + i,
      email: `user${i}@bench.test`,
      name: `User ${i}`,
      role: 'requester',
    });
  const groups = Array.from({ length: groupCount }, (_, i) => ({ id: i + 1, name: `Group ${i + 1}` }));
  const members: Array<[number, number]> = [];
  for (let i = 0; i < technicianCount; i++) {
    members.push([1 + (i % groupCount), firstTechnicianId + i]);
    if (i % 3 === 0) members.push([1 + ((i + 5) % groupCount), firstTechnicianId + i]);
  }
  const categories = Array.from({ length: categoryCount }, (_, i) => ({
    id: i + 1,
    name: `Category ${i + 1}`,
  }));
  return { users, groups, members, categories };
}

// bench/ under tsx, dist-bench/bench/ when compiled (`npm run bench`): the cache stays in the source tree.
export const cacheDir = path.join(benchSourceDir(), '.cache');

function benchSourceDir(): string {
  let dir = path.dirname(new URL(import.meta.url).pathname);
  for (let i = 0; i < 4; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'bench');
    dir = path.dirname(dir);
  }
  throw new Error('bench: cannot find the package root');
}

function log(msg: string): void {
  process.stderr.write(`  [seed] ${msg}\n`);
}

/** The data folder of the SQLite benchmark database of `size` tickets (OPSDESK_DATA_DIR for a server on it). */
export function sqliteSeedDir(size: number): string {
  return path.join(cacheDir, `sqlite-v${seedVersion}-${size}`);
}

/** Open (seeding first if needed) the SQLite benchmark database of `size` tickets. */
export async function openSqliteSeed(size: number): Promise<OpenedContext> {
  const dir = sqliteSeedDir(size);
  const config = loadConfig({ OPSDESK_DATA_DIR: dir, OPSDESK_LOG_LEVEL: 'silent' });
  const file = sqliteFileOf(config);
  const ready = fs.existsSync(path.join(dir, 'seeded'));
  if (!ready) {
    fs.rmSync(dir, { recursive: true, force: true });
    const started = Date.now();
    (await openContext(config, { log: pino({ level: 'silent' }) })).close();
    await new Promise((r) => setTimeout(r, 50));
    seedSqlite(file, size);
    fs.writeFileSync(path.join(dir, 'seeded'), new Date().toISOString());
    log(
      `SQLite ${size.toLocaleString('en')} tickets seeded in ${((Date.now() - started) / 1000).toFixed(0)} s (${(fs.statSync(file).size / 1e6).toFixed(0)} MB)`,
    );
  }
  // Opening migrates: a migration added since the cache was made (an index) is applied here, once.
  const opened = await openContext(config, { log: pino({ level: 'silent' }) });
  if (!ready) await seedSearchNames(opened);
  return opened;
}

/**
 * The names search looks for (people, categories, tags), as the service records them, for a database just
 * seeded by raw inserts. (A cache made before the search_names migration gets them from the migration.)
 */
async function seedSearchNames(opened: OpenedContext): Promise<void> {
  const db = opened.ctx.db;
  const users = await db.selectFrom('users').select(['id', 'name']).execute();
  const categories = await db.selectFrom('categories').select(['id', 'name']).execute();
  const tags = (await db.selectFrom('ticket_tags').select('tag').distinct().execute()).map((t) => t.tag);
  await db.transaction().execute(async (trx) => {
    for (const u of users) await indexName(trx, 'user', u.id, u.name);
    for (const c of categories) await indexName(trx, 'category', c.id, c.name);
    await indexTags(trx, tags);
  });
}

function seedSqlite(file: string, size: number): void {
  const db = new SqliteDatabase(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const p = people(size);
  const now = seedNow;
  db.transaction(() => {
    const u = db.prepare(
      'INSERT INTO users (id, email, name, role, password_hash, active, failed_logins, created_at, updated_at) VALUES (?, ?, ?, ?, NULL, 1, 0, ?, ?)',
    );
    for (const x of p.users) u.run(x.id, x.email, x.name, x.role, now, now);
    const g = db.prepare("INSERT INTO groups (id, name, description, created_at) VALUES (?, ?, '', ?)");
    for (const x of p.groups) g.run(x.id, x.name, now);
    const m = db.prepare('INSERT INTO group_members (group_id, user_id) VALUES (?, ?)');
    for (const [gid, uid] of p.members) m.run(gid, uid);
    const c = db.prepare("INSERT INTO categories (id, name, description, created_at) VALUES (?, ?, '', ?)");
    for (const x of p.categories) c.run(x.id, x.name, now);
    const s = db.prepare(
      'INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    );
    s.run(digest(benchTokens.technician), firstTechnicianId, 'csrf', now, now + 100 * 365 * 86_400_000);
    s.run(digest(benchTokens.requester), firstRequesterId, 'csrf', now, now + 100 * 365 * 86_400_000);
  })();
  const t = db.prepare(
    `INSERT INTO tickets (id, title, description, type, status, impact, urgency, priority, requester_id, category_id, assignee_id, group_id,
       related_ticket_id, created_by, created_at, updated_at, resolved_at, closed_at, satisfaction, satisfaction_comment)
     VALUES (@id, @title, @description, @type, @status, @impact, @urgency, @priority, @requester_id, @category_id, @assignee_id, @group_id,
       NULL, @requester_id, @created_at, @updated_at, @resolved_at, @closed_at, NULL, NULL)`,
  );
  const tf = db.prepare('INSERT INTO ticket_fts (rowid, title, description) VALUES (?, ?, ?)');
  const tag = db.prepare('INSERT INTO ticket_tags (ticket_id, tag) VALUES (?, ?)');
  const w = db.prepare('INSERT OR IGNORE INTO ticket_watchers (ticket_id, user_id) VALUES (?, ?)');
  const cm = db.prepare(
    'INSERT INTO comments (id, ticket_id, author_id, body, internal, created_at) VALUES (@id, @ticket_id, @author_id, @body, @internal, @created_at)',
  );
  const cf = db.prepare('INSERT INTO comment_fts (rowid, body) VALUES (?, ?)');
  const write = db.transaction((b: SeedBatch) => {
    for (const x of b.tickets) {
      t.run(x);
      tf.run(x.id, x.title, x.description);
    }
    for (const [id, name] of b.tags) tag.run(id, name);
    for (const [id, uid] of b.watchers) w.run(id, uid);
    for (const x of b.comments) {
      cm.run(x);
      cf.run(x.id, x.body);
    }
  });
  let done = 0;
  for (const b of generate(size, 20_000)) {
    write(b);
    done += b.tickets.length;
    if (done % 200_000 === 0) log(`SQLite ${done.toLocaleString('en')} / ${size.toLocaleString('en')}`);
  }
  db.exec("INSERT INTO ticket_fts (ticket_fts) VALUES ('optimize')");
  db.exec("INSERT INTO comment_fts (comment_fts) VALUES ('optimize')");
  // The search word list, as the service keeps it (here from the indexes' vocabularies, in one go).
  db.exec('INSERT OR IGNORE INTO search_words (word) SELECT term FROM ticket_fts_terms');
  db.exec('INSERT OR IGNORE INTO search_words (word) SELECT term FROM comment_fts_terms');
  db.exec('ANALYZE');
  db.pragma('journal_mode = WAL');
  db.close();
}

/** The PostgreSQL schema holding the benchmark database of `size` tickets (seeded first if needed). */
export async function openPostgresSeed(
  size: number,
  url: string,
): Promise<{ opened: OpenedContext; schema: string }> {
  const schema = `opsdesk_bench_v${seedVersion}_${size}`;
  const config = loadConfig({
    OPSDESK_DATA_DIR: path.join(cacheDir, 'pg'),
    OPSDESK_LOG_LEVEL: 'silent',
    DATABASE_URL: url,
  });
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  let seededNow = false;
  try {
    const marker = await admin.query(
      'SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2',
      [schema, 'bench_seeded'],
    );
    if (marker.rowCount === 0) {
      seededNow = true;
      const started = Date.now();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      (await openContext(config, { log: pino({ level: 'silent' }), pgSchema: schema })).close();
      await seedPostgres(admin, schema, size);
      await admin.query(`CREATE TABLE ${schema}.bench_seeded (at timestamptz NOT NULL DEFAULT now())`);
      log(
        `PostgreSQL ${size.toLocaleString('en')} tickets seeded in ${((Date.now() - started) / 1000).toFixed(0)} s (schema ${schema})`,
      );
    }
  } finally {
    await admin.end();
  }
  const opened = await openContext(config, { log: pino({ level: 'silent' }), pgSchema: schema });
  if (seededNow) await seedSearchNames(opened);
  return { opened, schema };
}

async function seedPostgres(c: pg.Client, schema: string, size: number): Promise<void> {
  await c.query(`SET search_path = ${schema}`);
  await c.query("SET maintenance_work_mem = '512MB'");
  await c.query('SET synchronous_commit = off');
  const p = people(size);
  const now = seedNow;
  await c.query(
    `INSERT INTO users (id, email, name, role, password_hash, active, failed_logins, created_at, updated_at)
     SELECT id, email, name, role, NULL, 1, 0, $5, $5 FROM unnest($1::int[], $2::text[], $3::text[], $4::text[]) AS u(id, email, name, role)`,
    [
      p.users.map((u) => u.id),
      p.users.map((u) => u.email),
      p.users.map((u) => u.name),
      p.users.map((u) => u.role),
      now,
    ],
  );
  await c.query(
    "INSERT INTO groups (id, name, description, created_at) SELECT id, name, '', $3 FROM unnest($1::int[], $2::text[]) AS g(id, name)",
    [p.groups.map((g) => g.id), p.groups.map((g) => g.name), now],
  );
  await c.query('INSERT INTO group_members (group_id, user_id) SELECT * FROM unnest($1::int[], $2::int[])', [
    p.members.map((m) => m[0]),
    p.members.map((m) => m[1]),
  ]);
  await c.query(
    "INSERT INTO categories (id, name, description, created_at) SELECT id, name, '', $3 FROM unnest($1::int[], $2::text[]) AS g(id, name)",
    [p.categories.map((g) => g.id), p.categories.map((g) => g.name), now],
  );
  await c.query(
    "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, 'csrf', $4, $5), ($3, $6, 'csrf', $4, $5)",
    [
      digest(benchTokens.technician),
      firstTechnicianId,
      digest(benchTokens.requester),
      now,
      now + 100 * 365 * 86_400_000,
      firstRequesterId,
    ],
  );
  // Secondary indexes are dropped for the load and rebuilt after it (GIN builds far faster in bulk).
  const idx = await c.query(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
     WHERE i.schemaname = $1 AND i.tablename IN ('tickets', 'comments', 'ticket_tags', 'ticket_watchers')
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname AND k.connamespace = $1::regnamespace)`,
    [schema],
  );
  for (const r of idx.rows) await c.query(`DROP INDEX ${schema}.${r.indexname}`);
  let done = 0;
  for (const b of generate(size, 10_000)) {
    const T = b.tickets;
    const col = <K extends keyof SeedTicket>(k: K) => T.map((x) => x[k]);
    await c.query(
      `INSERT INTO tickets (id, title, description, type, status, impact, urgency, priority, requester_id, category_id, assignee_id, group_id,
         related_ticket_id, created_by, created_at, updated_at, resolved_at, closed_at)
       SELECT id, title, description, type, status, impact, urgency, priority, requester_id, category_id, assignee_id, group_id,
         NULL, requester_id, created_at, updated_at, resolved_at, closed_at
       FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[], $8::int[], $9::int[], $10::int[], $11::int[],
         $12::int[], $13::bigint[], $14::bigint[], $15::bigint[], $16::bigint[])
         AS t(id, title, description, type, status, impact, urgency, priority, requester_id, category_id, assignee_id, group_id,
           created_at, updated_at, resolved_at, closed_at)`,
      [
        col('id'),
        col('title'),
        col('description'),
        col('type'),
        col('status'),
        col('impact'),
        col('urgency'),
        col('priority'),
        col('requester_id'),
        col('category_id'),
        col('assignee_id'),
        col('group_id'),
        col('created_at'),
        col('updated_at'),
        col('resolved_at'),
        col('closed_at'),
      ],
    );
    await c.query('INSERT INTO ticket_tags (ticket_id, tag) SELECT * FROM unnest($1::int[], $2::text[])', [
      b.tags.map((t) => t[0]),
      b.tags.map((t) => t[1]),
    ]);
    await c.query(
      'INSERT INTO ticket_watchers (ticket_id, user_id) SELECT * FROM unnest($1::int[], $2::int[]) ON CONFLICT DO NOTHING',
      [b.watchers.map((t) => t[0]), b.watchers.map((t) => t[1])],
    );
    const C = b.comments;
    await c.query(
      'INSERT INTO comments (id, ticket_id, author_id, body, internal, created_at) SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::int[], $6::bigint[])',
      [
        C.map((x) => x.id),
        C.map((x) => x.ticket_id),
        C.map((x) => x.author_id),
        C.map((x) => x.body),
        C.map((x) => x.internal),
        C.map((x) => x.created_at),
      ],
    );
    done += T.length;
    if (done % 200_000 === 0) log(`PostgreSQL ${done.toLocaleString('en')} / ${size.toLocaleString('en')}`);
  }
  for (const r of idx.rows) await c.query(r.indexdef);
  for (const t of ['users', 'groups', 'categories', 'tickets', 'comments']) {
    await c.query(
      `SELECT setval(pg_get_serial_sequence('${t}', 'id'), (SELECT coalesce(max(id), 1) FROM ${t}))`,
    );
  }
  await c.query('VACUUM ANALYZE tickets');
  await c.query('VACUUM ANALYZE comments');
  await c.query('ANALYZE');
}
