// Fuzzing the importers' entry points (issue 18, item 7). Zammad and GLPI are read through a proxy in front of their
// local test servers that, at requests fast-check picks, answers otherwise: random JSON, a wrong type or a missing
// field inside a real answer, a long hostile string, a body that is not JSON or is cut short, another status, a
// list that serves its first page whatever is asked, a Content-Range that lies. osTicket reads dumps cut short,
// with random bytes written into them, or with random values in their rows. Every run must end in an ImportFailed
// or a report (never another error), within the test's time (a page loop that does not stop fails it), and leave
// the database consistent: every ticket, comment and file written with its link, every link to a row that is
// there, a comment's files on its own ticket. SQLite only: the property is the reader's and the writer's, and
// the dialect-specific fixes have their own tests on both databases (import-hardening.test.ts).
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, actorForUser, createUser } from '../../src/core/auth/index.js';
import {
  GlpiSource,
  ImportFailed,
  type ImportReport,
  type ImportSource,
  OsTicketSource,
  runImport,
  ZammadSource,
} from '../../src/import/index.js';
import { makeContext, type TestContext } from '../support/context.js';
import { type GlpiServer, glpiFixture, startGlpi } from '../support/glpi-server.js';
import { type DumpTables, dumpText, osTicketTables } from '../support/osticket-dump.js';
import { startZammad, type ZammadServer, zammadFixture } from '../support/zammad-server.js';

type Mutation =
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; value: string }
  | { kind: 'leaf'; pick: number; value: unknown }
  | { kind: 'drop'; pick: number }
  | { kind: 'huge'; pick: number; text: string }
  | { kind: 'status'; status: number; body: string }
  | { kind: 'cut'; at: number }
  | { kind: 'stuck' }
  | { kind: 'range'; header: string };

interface Step {
  /** The request (counted from 0) this answer replaces. */
  at: number;
  mutation: Mutation;
}

// Values a source may meet where it expects others: wrong types, names that are Object's own, impossible times.
const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    'constructor',
    '__proto__',
    'toString',
    -1,
    0,
    1e308,
    -0.5,
    '',
    null,
    [],
    {},
    '0',
    'NaN',
    '2024-13-45 99:99:99',
    '99999999999999999999999',
    '\u0000',
    '\uD800',
  ),
);

// Long strings that a careless pattern reads in quadratic time, or that a careless decoder chokes on.
const hugeText = fc.constantFrom(
  '<'.repeat(300_000),
  `${' '.repeat(300_000)}x`,
  '<script>'.repeat(40_000),
  '<img src="'.repeat(40_000),
  `${'&#99999999;'.repeat(1_000)}&#0;&#xD800;`,
  `${'a'.repeat(1_000_000)}`,
  `${'Hardware '.repeat(40_000)}>`,
  '\u0000\uDC00 nul and a lone surrogate',
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('json' as const), value: oddValue }),
  fc.record({ kind: fc.constant('text' as const), value: fc.string({ maxLength: 40 }) }),
  fc.record({ kind: fc.constant('leaf' as const), pick: fc.nat(), value: oddValue }),
  fc.record({ kind: fc.constant('leaf' as const), pick: fc.nat(), value: oddValue }),
  fc.record({ kind: fc.constant('drop' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('huge' as const), pick: fc.nat(), text: hugeText }),
  fc.record({
    kind: fc.constant('status' as const),
    status: fc.constantFrom(400, 404, 410, 500, 503, 206, 204),
    body: fc.constantFrom(
      '["ERROR_RANGE_EXCEED_TOTAL","Provided range exceed total count of data"]',
      '["ERROR_ITEM_NOT_FOUND","Item not found"]',
      '["ERROR_RIGHT_MISSING","You don\'t have permission"]',
      '{"error":"Not found"}',
      '',
    ),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('stuck' as const) }),
  fc.record({
    kind: fc.constant('range' as const),
    header: fc.constantFrom('0-2/-5', '5-2/3', '0--1/99', '0-2/99999999', '3-5/7', 'lots', '0-99/2'),
  }),
);

/** Up to three answers replaced, among the first `requests` of a run (about all of a run's, for the fixtures). */
const planOf = (requests: number) =>
  fc.array(fc.record({ at: fc.nat({ max: requests }), mutation }), { minLength: 1, maxLength: 3 });

/** Every container of a JSON value with one of its keys, depth first: the places a mutation can hit. */
function places(
  value: unknown,
): Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> {
  const out: Array<{ parent: Record<string, unknown> | unknown[]; key: string | number }> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v))
      v.forEach((child, i) => {
        out.push({ parent: v, key: i });
        walk(child);
      });
    else if (typeof v === 'object' && v !== null)
      for (const [k, child] of Object.entries(v)) {
        out.push({ parent: v as Record<string, unknown>, key: k });
        walk(child);
      }
  };
  walk(value);
  return out;
}

/** A real answer changed as the mutation says; null when it does not apply (the answer is not JSON). */
function mutateJson(body: Buffer, m: Extract<Mutation, { kind: 'leaf' | 'drop' | 'huge' }>): Buffer | null {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  const all = places(json);
  const candidates =
    m.kind === 'drop'
      ? all.filter((p) => !Array.isArray(p.parent))
      : m.kind === 'huge'
        ? all.filter((p) => typeof (p.parent as Record<string, unknown>)[p.key as string] === 'string')
        : all;
  if (candidates.length === 0) return null;
  const at = candidates[m.pick % candidates.length];
  const parent = at.parent as Record<string | number, unknown>;
  if (m.kind === 'drop') delete parent[at.key];
  else parent[at.key] = m.kind === 'huge' ? m.text : m.value;
  return Buffer.from(JSON.stringify(json));
}

interface Proxy {
  url: string;
  close(): Promise<void>;
}

/**
 * A proxy in front of a test server that answers step `at` otherwise. `stuck` turns every later list request
 * into a request for its first page (a server that ignores ?page= or ?range=).
 */
async function startProxy(target: string, steps: Step[]): Promise<Proxy> {
  let seq = 0;
  let stuck = false;
  const server = http.createServer((req, res) => {
    const n = seq++;
    const m = steps.find((s) => s.at === n)?.mutation;
    if (m?.kind === 'stuck') stuck = true;
    const url = new URL(req.url ?? '/', target);
    if (stuck) {
      if (url.searchParams.has('page')) url.searchParams.set('page', '1');
      const range = url.searchParams.get('range');
      if (range) {
        const [start, end] = range.split('-').map(Number);
        url.searchParams.set('range', `0-${end - start}`);
      }
    }
    const headers = { ...req.headers };
    delete headers.host;
    const upstream = http.get(url, { headers }, (answer) => {
      const parts: Buffer[] = [];
      answer.on('data', (d: Buffer) => parts.push(d));
      answer.on('end', () => {
        let status = answer.statusCode ?? 500;
        let body: Buffer = Buffer.concat(parts);
        const out: Record<string, string> = {
          'content-type': String(answer.headers['content-type'] ?? 'application/json'),
        };
        if (answer.headers['content-range']) out['content-range'] = String(answer.headers['content-range']);
        if (m?.kind === 'json') body = Buffer.from(JSON.stringify(m.value) ?? 'null');
        else if (m?.kind === 'text') body = Buffer.from(m.value);
        else if (m?.kind === 'leaf' || m?.kind === 'drop' || m?.kind === 'huge')
          body = mutateJson(body, m) ?? body;
        else if (m?.kind === 'status') {
          status = m.status;
          body = Buffer.from(m.body);
        } else if (m?.kind === 'cut') body = body.subarray(0, m.at % (body.length + 1));
        else if (m?.kind === 'range') out['content-range'] = m.header;
        if (status === 204) body = Buffer.alloc(0);
        res.writeHead(status, { ...out, 'content-length': body.length });
        res.end(body);
      });
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The database after an import, whether it ended well or not: whole pages only. */
async function expectConsistent(t: TestContext): Promise<void> {
  const db = t.ctx.db;
  const linked = async (kind: 'ticket' | 'comment' | 'attachment') =>
    (await db.selectFrom('import_links').select('local_id').where('kind', '=', kind).execute()).map((r) =>
      Number(r.local_id),
    );
  const ids = async (table: 'tickets' | 'comments' | 'attachments') =>
    (table === 'tickets'
      ? await db.selectFrom('tickets').select('id').execute()
      : table === 'comments'
        ? await db.selectFrom('comments').select('id').execute()
        : await db.selectFrom('attachments').select('id').execute()
    )
      .map((r) => Number(r.id))
      .sort((a, b) => a - b);
  for (const [kind, table] of [
    ['ticket', 'tickets'],
    ['comment', 'comments'],
    ['attachment', 'attachments'],
  ] as const) {
    // Each row written by the import has exactly one link, and each link names a row that is there.
    expect(
      (await linked(kind)).sort((a, b) => a - b),
      `${table} and their links`,
    ).toEqual(await ids(table));
  }
  const strayFiles = await db
    .selectFrom('attachments')
    .innerJoin('comments', 'comments.id', 'attachments.comment_id')
    .whereRef('attachments.ticket_id', '!=', 'comments.ticket_id')
    .select('attachments.id')
    .execute();
  expect(strayFiles, "a comment's files on another ticket").toEqual([]);
  const imported = new Set(
    (await db.selectFrom('ticket_history').select('ticket_id').where('field', '=', 'imported').execute()).map(
      (r) => Number(r.ticket_id),
    ),
  );
  expect(
    (await ids('tickets')).filter((id) => !imported.has(id)),
    'tickets without their filing',
  ).toEqual([]);
}

/** Run an import and check its outcome: an ImportFailed or a report, with sentences of a readable length. */
async function importOnce(
  t: TestContext,
  source: ImportSource,
  admin: Actor,
): Promise<ImportReport | ImportFailed> {
  const outcome = await runImport(t.ctx, source, admin).then(
    (report) => report,
    (err: unknown) => err,
  );
  if (outcome instanceof ImportFailed) {
    expect(outcome.message.length).toBeGreaterThan(0);
    expect(outcome.message.length, outcome.message.slice(0, 200)).toBeLessThan(1_000);
  } else {
    expect(
      outcome,
      `not an ImportFailed nor a report: ${(outcome as Error)?.stack ?? String(outcome)}`,
    ).toEqual(expect.objectContaining({ source: source.key, notCarried: expect.any(Array) }));
    for (const sentence of (outcome as ImportReport).notCarried)
      expect(sentence.length).toBeLessThanOrEqual(500);
  }
  await expectConsistent(t);
  return outcome as ImportReport | ImportFailed;
}

async function freshContext(): Promise<{ t: TestContext; admin: Actor }> {
  const t = await makeContext('sqlite');
  const admin = actorForUser(
    await createUser(t.ctx, null, { email: 'admin@opsdesk.example', name: 'Admin', role: 'admin' }),
  );
  return { t, admin };
}

describe('fuzzing the Zammad reader through a hostile server', () => {
  let zammad: ZammadServer;
  beforeAll(async () => {
    zammad = await startZammad(zammadFixture());
  });
  afterAll(async () => {
    await zammad.close();
  });

  it('ends every run in ImportFailed or a report, in bounded time, with whole pages only', async () => {
    await fc.assert(
      fc.asyncProperty(planOf(45), async (steps) => {
        const proxy = await startProxy(zammad.url, steps);
        const { t, admin } = await freshContext();
        try {
          await importOnce(
            t,
            new ZammadSource({ url: proxy.url, token: zammad.token, perPage: 3, concurrency: 1 }),
            admin,
          );
        } finally {
          await t.close();
          await proxy.close();
        }
      }),
      { numRuns: 40 },
    );
  }, 300_000);
});

describe('fuzzing the GLPI reader through a hostile server', () => {
  let glpi: GlpiServer;
  beforeAll(async () => {
    glpi = await startGlpi(glpiFixture());
  });
  afterAll(async () => {
    await glpi.close();
  });

  it('ends every run in ImportFailed or a report, in bounded time, with whole pages only', async () => {
    await fc.assert(
      fc.asyncProperty(planOf(120), async (steps) => {
        const proxy = await startProxy(glpi.url, steps);
        const { t, admin } = await freshContext();
        try {
          await importOnce(
            t,
            new GlpiSource({
              url: proxy.url,
              appToken: glpi.appToken,
              userToken: glpi.userToken,
              perPage: 3,
              concurrency: 1,
            }),
            admin,
          );
        } finally {
          await t.close();
          await proxy.close();
        }
      }),
      { numRuns: 40 },
    );
  }, 300_000);
});

describe('fuzzing the osTicket reader with broken dumps', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-osticket-fuzz-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const run = async (text: string | Buffer) => {
    const file = path.join(dir, 'dump.sql');
    fs.writeFileSync(file, text);
    const { t, admin } = await freshContext();
    try {
      return await importOnce(t, new OsTicketSource({ file, perPage: 2 }), admin);
    } finally {
      await t.close();
    }
  };

  it('a dump cut anywhere fails saying where, or is read whole and says it may be cut', async () => {
    const whole = dumpText(osTicketTables());
    const completed = whole.indexOf('-- Dump completed') + '-- Dump completed'.length;
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: whole.length }), async (at) => {
        const outcome = await run(whole.slice(0, at));
        if (!(outcome instanceof ImportFailed) && at < completed)
          expect(outcome.notCarried.join('\n')).toMatch(
            /does not end with mysqldump's "-- Dump completed" line/,
          );
      }),
      { numRuns: 40 },
    );
  }, 300_000);

  it('random bytes written into a dump, or a random file, end in ImportFailed or a report', async () => {
    const whole = Buffer.from(dumpText(osTicketTables()));
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({
            at: fc.nat({ max: whole.length }),
            cut: fc.nat({ max: 40 }),
            bytes: fc.uint8Array({ maxLength: 40 }),
          }),
          fc.uint8Array({ maxLength: 2_000 }),
        ),
        async (change) => {
          const text =
            change instanceof Uint8Array
              ? Buffer.from(change)
              : Buffer.concat([
                  whole.subarray(0, change.at),
                  Buffer.from(change.bytes),
                  whole.subarray(Math.min(whole.length, change.at + change.cut)),
                ]);
          await run(text);
        },
      ),
      { numRuns: 40 },
    );
  }, 300_000);

  it('random values in the rows of a well-formed dump end in ImportFailed or a report', async () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.integer(),
      fc.constant(null),
      fc.uint8Array({ maxLength: 16 }).map((b) => Buffer.from(b)),
      fc.constantFrom('constructor', '__proto__', '0', '', '0000-00-00 00:00:00', '2024-02-30 25:61:00', 'D'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ table: fc.nat(), row: fc.nat(), column: fc.nat(), value: cell }), {
          minLength: 1,
          maxLength: 6,
        }),
        async (changes) => {
          const tables: DumpTables = osTicketTables();
          const names = Object.keys(tables).filter((n) => tables[n].length > 0);
          for (const c of changes) {
            const rows = tables[names[c.table % names.length]];
            const row = rows[c.row % rows.length];
            const columns = Object.keys(row);
            row[columns[c.column % columns.length]] = c.value;
          }
          await run(dumpText(tables));
        },
      ),
      { numRuns: 40 },
    );
  }, 300_000);
});
