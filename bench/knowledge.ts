// The knowledge base at 20,000 generated articles (seeded; IT topics, bodies of a few paragraphs with headings
// and lists): search through searchArticles (common and rare words, two words, a phrase, with and without
// filters, as a requester and as a technician) beside a primary-key lookup; suggestions while typing (request
// texts typed character by character) through suggestArticles beside indexTerms on the same text; rendering a
// ~2 KB and a ~20 KB article beside markdown-it without sanitising; and the suggestion index's rebuild.
// Runs from bench/run.ts (BENCH_PARTS=knowledge) or alone: `npx tsx bench/knowledge.ts`.
// Environment: BENCH_KB_ARTICLES=20000, BENCH_DIALECTS=sqlite,postgres,
// BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test, BENCH_KB_KEEP=1 (keep the PostgreSQL schema, to look
// at its plans; drop it afterwards)
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import MarkdownIt from 'markdown-it';
import pg from 'pg';
import pino from 'pino';
import { type Actor, actorForUser, createUser } from '../src/core/auth/index.js';
import { ManualClock } from '../src/core/clock.js';
import { loadConfig } from '../src/core/config.js';
import type { ArticleAudience, ArticleKind } from '../src/core/db/index.js';
import { openContext } from '../src/core/runtime.js';
import { SeededRandom } from '../src/demo/seeded-random.js';
import {
  createArticle,
  getRenderedArticle,
  indexTerms,
  renderArticle,
  SuggestionIndex,
  saveKbCategory,
  searchArticles,
  suggestArticles,
} from '../src/knowledge/index.js';
import { loadIndexSources } from '../src/knowledge/suggestion-index.js';

const articleCount = Number(process.env.BENCH_KB_ARTICLES ?? 20_000);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const start = Date.parse('2026-11-01T09:00:00Z');

function quantiles(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { p50: q(0.5), p99: q(0.99), max: s[s.length - 1] };
}
const ms = (v: number) => (v < 1 ? `${(v * 1000).toFixed(0)} µs` : `${v.toFixed(2)} ms`);

// -- the generated knowledge base --

interface Topic {
  category: string;
  subjects: string[];
  problems: string[];
  words: string[];
  tags: string[];
}

const topics: Topic[] = [
  {
    category: 'Accounts and passwords',
    subjects: ['password', 'account', 'MFA', 'Authenticator app', 'sign-in', 'temporary access pass'],
    problems: ['is locked', 'has expired', 'does not work', 'keeps asking again', 'needs a reset'],
    words: [
      'password',
      'locked',
      'reset',
      'expired',
      'portal',
      'verify',
      'identity',
      'code',
      'phone',
      'prompt',
    ],
    tags: ['password', 'account', 'mfa'],
  },
  {
    category: 'Network and VPN',
    subjects: ['VPN', 'VPN client', 'Wi-Fi', 'guest network', 'network port', 'internet connection'],
    problems: ['keeps disconnecting', 'is very slow', 'cannot connect', 'times out', 'drops during calls'],
    words: [
      'vpn',
      'tunnel',
      'gateway',
      'router',
      'wireless',
      'signal',
      'hotspot',
      'latency',
      'bandwidth',
      'dns',
    ],
    tags: ['vpn', 'network', 'wifi', 'remote'],
  },
  {
    category: 'Email and calendar',
    subjects: ['Outlook', 'mailbox', 'shared mailbox', 'calendar', 'meeting room', 'out-of-office reply'],
    problems: ['is full', 'does not sync', 'keeps asking for a password', 'is missing', 'shows old items'],
    words: ['mailbox', 'outlook', 'calendar', 'invite', 'attachment', 'archive', 'folder', 'quota', 'sync'],
    tags: ['email', 'outlook', 'calendar'],
  },
  {
    category: 'Printing',
    subjects: ['printer', 'print queue', 'scanner', 'toner', 'print server', 'multifunction device'],
    problems: ['shows offline', 'is stuck', 'prints streaks', 'jams', 'cannot be added'],
    words: ['printer', 'queue', 'driver', 'toner', 'jam', 'tray', 'duplex', 'scan', 'spooler', 'label'],
    tags: ['printer', 'print', 'scanner'],
  },
  {
    category: 'Hardware',
    subjects: ['laptop', 'docking station', 'monitor', 'keyboard', 'battery', 'webcam'],
    problems: ['will not start', 'is not detected', 'overheats', 'drains quickly', 'flickers'],
    words: ['laptop', 'dock', 'monitor', 'firmware', 'battery', 'charger', 'usb', 'bios', 'display', 'hinge'],
    tags: ['laptop', 'hardware', 'monitor'],
  },
  {
    category: 'Software',
    subjects: ['Teams', 'Company Portal', 'Excel', 'Adobe Acrobat', 'Zoom', 'Power BI'],
    problems: ['crashes on start', 'will not install', 'has no sound', 'needs a licence', 'is out of date'],
    words: ['install', 'licence', 'update', 'version', 'crash', 'cache', 'plugin', 'microphone', 'headset'],
    tags: ['software', 'teams', 'licence'],
  },
  {
    category: 'Operations',
    subjects: ['Linux server', 'certificate', 'backup job', 'database', 'load balancer', 'disk volume'],
    problems: ['is almost full', 'expires soon', 'failed last night', 'is slow', 'needs a failover'],
    words: [
      'disk',
      'certificate',
      'backup',
      'restore',
      'replica',
      'journal',
      'volume',
      'cron',
      'nginx',
      'wal',
    ],
    tags: ['server', 'linux', 'backup', 'oncall'],
  },
];

const fillers = [
  'Most people fix this themselves in a few minutes.',
  'Follow the steps in order; each one takes less than a minute.',
  'If nothing here helps, open a ticket and say which steps you tried.',
  'The service desk can check this remotely while you watch.',
  'This happens most often after an update or a password change.',
  'Working from home makes no difference to these steps.',
  'Restart the device once before you start: it clears most temporary faults.',
];

const rareWords = ['kerberos', 'zeroconf', 'ipmi', 'bitlocker', 'sccm', 'radius'];

interface Generated {
  title: string;
  body: string;
  kind: ArticleKind;
  audience: ArticleAudience;
  topic: number;
  tags: string[];
}

function generate(r: SeededRandom, i: number): Generated {
  const topic = r.int(0, topics.length - 1);
  const t = topics[topic];
  const subject = r.pick(t.subjects);
  const problem = r.pick(t.problems);
  const title = `${subject} ${problem}${r.chance(0.3) ? ` (${r.pick(['Windows', 'Mac', 'home', 'office', 'travel'])})` : ''}`;
  const paragraph = () =>
    Array.from({ length: r.int(3, 6) }, () =>
      r.chance(0.5)
        ? r.pick(fillers)
        : `Check the ${r.pick(t.words)} and the ${r.pick(t.words)}, then try the ${r.pick(t.words)} again.`,
    ).join(' ');
  const steps = Array.from(
    { length: r.int(3, 6) },
    (_, k) => `${k + 1}. Open the ${r.pick(t.words)} settings and check the ${r.pick(t.words)}.`,
  );
  const rare =
    i % 997 === 0 ? ` Sites using ${rareWords[(i / 997) % rareWords.length]} need one more step.` : '';
  const body = [
    `When the ${subject.toLowerCase()} ${problem}, ${paragraph()}${rare}`,
    '',
    '## Steps',
    '',
    ...steps,
    '',
    '## Still not fixed?',
    '',
    paragraph(),
    '',
  ].join('\n');
  const kind = r.weighted<ArticleKind>([
    ['faq', 6],
    ['guide', 3],
    ['manual', 1],
    ['runbook', topic === 6 ? 6 : 0.2],
  ]);
  const audience = r.weighted<ArticleAudience>([
    ['public', kind === 'runbook' ? 0 : 7],
    ['internal', 2.5],
    ['managers', 0.5],
  ]);
  return { title, body, kind, audience, topic, tags: r.sample(t.tags, r.int(1, 3)) };
}

// Request texts as requesters type them, for suggestions while typing.
const typedRequests = [
  'vpn keeps disconnecting when I work from home',
  'my password expired and now the account is locked',
  'printer on the second floor shows offline',
  'outlook keeps asking for my password since this morning',
  'the docking station does not detect my second monitor',
  'teams has no sound in meetings with my headset',
  'mailbox is full and I cannot send anything',
  'need a licence for adobe acrobat',
  'new phone and the authenticator app has no accounts',
  'wifi signal is very weak in the meeting room',
  'laptop will not start after the update',
  'print jobs are stuck in the queue',
];

/** A ~20 KB article: sections of headings, lists, a table and a code block. */
function largeBody(r: SeededRandom): string {
  const parts: string[] = ['# Employee IT manual', ''];
  let k = 0;
  while (parts.join('\n').length < 20_000) {
    const t = topics[k++ % topics.length];
    parts.push(`## ${k}. ${t.category}`, '', generate(r, k).body, '');
    parts.push('| Setting | Value |', '|---|---|');
    for (const w of t.words.slice(0, 4)) parts.push(`| ${w} | **${r.int(1, 99)}** |`);
    parts.push('', '```sh', `sudo systemctl restart ${r.pick(t.words)}`, '```', '');
  }
  return parts.join('\n');
}

export async function benchKnowledge(dialect: 'sqlite' | 'postgres'): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-bench-kb-'));
  const schema = dialect === 'postgres' ? `bench_kb_${randomBytes(4).toString('hex')}` : undefined;
  const config = loadConfig({
    OPSDESK_DATA_DIR: dataDir,
    OPSDESK_LOG_LEVEL: 'silent',
    ...(dialect === 'postgres' ? { DATABASE_URL: pgUrl } : {}),
  });
  const clock = new ManualClock(start);
  const opened = await openContext(config, { clock, log: pino({ level: 'silent' }), pgSchema: schema });
  const ctx = opened.ctx;
  try {
    const user = async (role: 'manager' | 'technician' | 'requester'): Promise<Actor> =>
      actorForUser(
        await createUser(ctx, null, {
          email: `${role}@bench.test`,
          name: `Bench ${role}`,
          role,
          password: 'bench-password-long',
        }),
      );
    const manager = await user('manager');
    const technician = await user('technician');
    const requester = await user('requester');
    const categoryIds: number[] = [];
    for (const t of topics)
      categoryIds.push((await saveKbCategory(ctx, manager, null, { name: t.category })).id);

    // Written through the domain, 500 to a transaction (one per article would measure fsync, not search).
    const r = new SeededRandom(20_261_205);
    const t0 = performance.now();
    for (let i = 0; i < articleCount; ) {
      const end = Math.min(articleCount, i + 500);
      await ctx.db.transaction().execute(async (trx) => {
        for (; i < end; i++) {
          const g = generate(r, i);
          clock.set(start + i * 60_000);
          await createArticle(
            ctx,
            manager,
            {
              title: g.title,
              body: g.body,
              kind: g.kind,
              audience: g.audience,
              categoryId: categoryIds[g.topic],
              tags: g.tags,
              status: r.chance(0.9) ? 'published' : 'draft',
            },
            { trx },
          );
        }
      });
    }
    const loadSeconds = (performance.now() - t0) / 1000;
    // PostgreSQL's autovacuum would have analysed the freshly filled tables by the time anyone searches (it is
    // off on the benchmark's server): without statistics the planner guesses how many rows a word matches.
    // What autovacuum would have done by now (it is off on some machines): statistics, and GIN's pending lists.
    if (dialect === 'postgres') {
      await sql`VACUUM ANALYZE articles, article_versions`.execute(ctx.db);
      await sql`ANALYZE`.execute(ctx.db);
    }
    console.log(
      `\n## Knowledge base, ${dialect}: ${articleCount} generated articles (written in ${loadSeconds.toFixed(0)} s)`,
    );

    // The suggestion index's rebuild: read what it is built from, and build it.
    const rebuilds: number[] = [];
    const reads: number[] = [];
    for (let k = 0; k < 3; k++) {
      const a = performance.now();
      const sources = await loadIndexSources(ctx.db);
      const b = performance.now();
      new SuggestionIndex(sources);
      rebuilds.push(performance.now() - a);
      reads.push(b - a);
    }

    // Search: a mix of queries, as a requester and as a technician.
    const queries: { label: string; q: string; kind?: ArticleKind; categoryId?: number }[] = [
      { label: 'common word', q: 'password' },
      { label: 'common word', q: 'printer' },
      { label: 'rare word', q: 'kerberos' },
      { label: 'rare word', q: 'bitlocker' },
      { label: 'two words', q: 'vpn disconnecting' },
      { label: 'two words', q: 'mailbox full' },
      { label: 'phrase', q: '"print queue"' },
      { label: 'phrase', q: '"docking station"' },
      { label: 'filtered', q: 'laptop', kind: 'faq' },
      { label: 'filtered', q: 'certificate', categoryId: categoryIds[6] },
      { label: 'list, filtered', q: '', categoryId: categoryIds[1] },
    ];
    const byLabel = new Map<string, number[]>();
    const searchAll: number[] = [];
    for (let round = 0; round < 20; round++)
      for (const q of queries)
        for (const actor of [requester, technician]) {
          const a = performance.now();
          await searchArticles(ctx, actor, {
            q: q.q,
            limit: 20,
            ...(q.kind ? { kind: q.kind } : {}),
            ...(q.categoryId ? { categoryId: q.categoryId } : {}),
          });
          const d = performance.now() - a;
          if (round === 0) continue; // first round warms caches
          searchAll.push(d);
          const key = `${q.label}, ${actor.role}`;
          byLabel.set(key, [...(byLabel.get(key) ?? []), d]);
        }
    const lookup: number[] = [];
    for (let k = 0; k < 2000; k++) {
      const a = performance.now();
      await ctx.db
        .selectFrom('articles')
        .select('id')
        .where('id', '=', 1 + (k % articleCount))
        .executeTakeFirst();
      lookup.push(performance.now() - a);
    }

    // Suggestions while typing: every prefix of each request, from its third character.
    await suggestArticles(ctx, requester, 'warm up', 5); // builds the index once
    const typing: number[] = [];
    const termsOnly: number[] = [];
    for (const text of typedRequests)
      for (let n = 3; n <= text.length; n++) {
        const prefix = text.slice(0, n);
        let a = performance.now();
        await suggestArticles(ctx, requester, prefix, 5);
        typing.push(performance.now() - a);
        a = performance.now();
        indexTerms(prefix);
        termsOnly.push(performance.now() - a);
      }

    // Rendering: a typical article and a large one.
    const rr = new SeededRandom(7);
    let typical = generate(rr, 1).body;
    while (typical.length < 2000) typical += `\n${generate(rr, 2).body}`;
    const large = largeBody(rr);
    const plain = new MarkdownIt({ html: false, linkify: true });
    const render = (body: string) => {
      const safe: number[] = [];
      const raw: number[] = [];
      for (let k = 0; k < 300; k++) {
        let a = performance.now();
        renderArticle(body);
        safe.push(performance.now() - a);
        a = performance.now();
        plain.render(body);
        raw.push(performance.now() - a);
      }
      return { safe: quantiles(safe.slice(20)), raw: quantiles(raw.slice(20)) };
    };
    const small = render(typical);
    const big = render(large);
    // What a reader waits for: the long article read through getRenderedArticle (its row, and the HTML kept on
    // it when it was written: rendering is a writer's cost, measured above).
    const longId = (
      await createArticle(ctx, manager, {
        title: 'A long manual',
        body: large,
        kind: 'manual',
        audience: 'public',
        status: 'published',
      })
    ).id;
    const servedSamples: number[] = [];
    for (let k = 0; k < 300; k++) {
      const a = performance.now();
      await getRenderedArticle(ctx, requester, longId);
      servedSamples.push(performance.now() - a);
    }
    const served = quantiles(servedSamples.slice(20));

    const s = quantiles(searchAll);
    const l = quantiles(lookup);
    const ty = quantiles(typing);
    const te = quantiles(termsOnly);
    console.log('| what | calls | p50 | p99 | max | target |');
    console.log('| --- | ---: | ---: | ---: | ---: | --- |');
    console.log(
      `| search, all queries (searchArticles) | ${searchAll.length} | ${ms(s.p50)} | ${ms(s.p99)} | ${ms(s.max)} | p99 ≤ 30 ms |`,
    );
    for (const [key, samples] of byLabel) {
      const q = quantiles(samples);
      console.log(`| — ${key} | ${samples.length} | ${ms(q.p50)} | ${ms(q.p99)} | ${ms(q.max)} | |`);
    }
    console.log(
      `| baseline: SELECT id FROM articles WHERE id = ? | ${lookup.length} | ${ms(l.p50)} | ${ms(l.p99)} | ${ms(l.max)} | |`,
    );
    console.log(
      `| suggestions while typing (suggestArticles) | ${typing.length} | ${ms(ty.p50)} | ${ms(ty.p99)} | ${ms(ty.max)} | p99 ≤ 50 ms |`,
    );
    console.log(
      `| baseline: indexTerms on the same text | ${termsOnly.length} | ${ms(te.p50)} | ${ms(te.p99)} | ${ms(te.max)} | |`,
    );
    console.log(
      `| render ${(typical.length / 1024).toFixed(1)} KB when written (renderArticle) | 280 | ${ms(small.safe.p50)} | ${ms(small.safe.p99)} | ${ms(small.safe.max)} | |`,
    );
    console.log(
      `| baseline: markdown-it, no sanitising | 280 | ${ms(small.raw.p50)} | ${ms(small.raw.p99)} | ${ms(small.raw.max)} | |`,
    );
    console.log(
      `| render ${(large.length / 1024).toFixed(1)} KB when written (renderArticle) | 280 | ${ms(big.safe.p50)} | ${ms(big.safe.p99)} | ${ms(big.safe.max)} | |`,
    );
    console.log(
      `| baseline: markdown-it, no sanitising | 280 | ${ms(big.raw.p50)} | ${ms(big.raw.p99)} | ${ms(big.raw.max)} | |`,
    );
    console.log(
      `| read the ${(large.length / 1024).toFixed(1)} KB article rendered, as a reader does (getRenderedArticle) | 280 | ${ms(served.p50)} | ${ms(served.p99)} | ${ms(served.max)} | ≤ 5 ms |`,
    );
    const rb = quantiles(rebuilds);
    const rd = quantiles(reads);
    console.log(
      `| suggestion index rebuild, ${articleCount} articles (read + build) | ${rebuilds.length} | ${ms(rb.p50)} | ${ms(rb.max)} | ${ms(rb.max)} | |`,
    );
    console.log(
      `| — of which reading the sources | ${reads.length} | ${ms(rd.p50)} | ${ms(rd.max)} | ${ms(rd.max)} | |`,
    );
  } finally {
    await opened.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (schema && process.env.BENCH_KB_KEEP === '1') console.log(`(kept PostgreSQL schema ${schema})`);
    else if (schema) {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const dialect of dialects) await benchKnowledge(dialect);
}
