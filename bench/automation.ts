// Automation rules: what 200 active rules add to a ticket's creation. Each round files a batch of tickets
// (createTicket, then the relay pass that hands their events to the rules engine) with no rule, then the same
// with 200 active rules on ticket creation — conditions on the title, the requester's department, domain and
// VIP flag, tags and priority, as a department writes them; about 2 % of tickets match one and fire it. The
// rounds alternate so drift hits both alike; the medians per ticket and their ratio are printed (the bar is
// ≤ 1.15). The engine's subscriber is registered in both, as in the service. BENCH_AUTOMATION_VERBOSE=1 prints
// each round.
// Runs from bench/run.ts (BENCH_PARTS=automation) or alone: `npx tsx bench/automation.ts`.
// Environment: BENCH_AUTOMATION_TICKETS=200 (per batch), BENCH_AUTOMATION_ROUNDS=7, BENCH_DIALECTS=sqlite,postgres,
// BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { actorForUser, createUser } from '../src/core/auth/index.js';
import { ManualClock } from '../src/core/clock.js';
import { loadConfig } from '../src/core/config.js';
import { openContext } from '../src/core/runtime.js';
import { createAutomationRule, createTicket, subscribeAutomation } from '../src/helpdesk/index.js';
import { prng } from './corpus.js';

const perBatch = Number(process.env.BENCH_AUTOMATION_TICKETS ?? 200);
const rounds = Number(process.env.BENCH_AUTOMATION_ROUNDS ?? 7);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ruleCount = 200;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The i-th of 200 rules: mostly not matching a given ticket, as a department's rules are. */
function ruleBody(i: number, groupId: number) {
  const kinds = [
    { all: [{ field: 'ticket.title', op: 'contains', value: `kw${i}x` }], any: [] },
    {
      all: [
        { field: 'requester.department', op: 'is', value: `Dept ${i}` },
        { field: 'ticket.priority', op: 'gte', value: 'high' },
      ],
      any: [],
    },
    {
      all: [{ field: 'requester.domain', op: 'is', value: `branch${i}.example.com` }],
      any: [
        { field: 'ticket.tags', op: 'is', value: `t${i}` },
        { field: 'requester.vip', op: 'is', value: true },
      ],
    },
    { all: [{ field: 'ticket.title', op: 'starts_with', value: `kw${i}x` }], any: [] },
  ];
  return {
    name: `Rule ${i}`,
    trigger: 'created' as const,
    conditions: kinds[i % kinds.length],
    actions: [
      { type: 'add_tags', tags: [`rule-${i}`] },
      { type: 'set_group', groupId },
    ],
  };
}

async function benchDialect(dialect: 'sqlite' | 'postgres'): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-bench-automation-'));
  const schema = dialect === 'postgres' ? `bench_auto_${randomBytes(4).toString('hex')}` : undefined;
  const config = loadConfig({
    OPSDESK_DATA_DIR: dataDir,
    OPSDESK_LOG_LEVEL: 'silent',
    ...(dialect === 'postgres' ? { DATABASE_URL: pgUrl } : {}),
  });
  const clock = new ManualClock(Date.parse('2026-03-02T09:00:00Z'));
  const opened = await openContext(config, { clock, log: pino({ level: 'silent' }), pgSchema: schema });
  const ctx = opened.ctx;
  try {
    subscribeAutomation(ctx);
    const manager = await createUser(ctx, null, { email: 'm@example.com', name: 'Manager', role: 'manager' });
    const requester = await createUser(ctx, null, {
      email: 'r@example.com',
      name: 'Requester',
      role: 'requester',
      department: 'Finance',
    });
    const group = await ctx.db
      .insertInto('groups')
      .values({ name: 'Desk', description: '', created_at: clock.now() })
      .returning('id')
      .executeTakeFirstOrThrow();
    const asRequester = actorForUser(requester);
    const asManager = actorForUser(manager);
    const random = prng(7);

    /** Wall time and CPU time (this process: the service's work, the SQLite driver's included) per ticket. */
    const batch = async (n = perBatch): Promise<{ wall: number; cpu: number }> => {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        // One ticket in 50 names one rule's keyword.
        const kw = random() < 0.02 ? ` kw${Math.floor(random() * ruleCount)}x` : '';
        await createTicket(ctx, asRequester, {
          title: `Printer on floor ${i % 7} is jammed${kw}`,
          description: 'It shows error 41 and the tray light blinks.',
        });
      }
      while ((await ctx.events.dispatchPending()) > 0);
      const c = process.cpuUsage(c0);
      return { wall: (performance.now() - t0) / n, cpu: (c.user + c.system) / 1000 / n };
    };

    // The 200 rules are made once; each round switches them all on or off in one statement (the cache told
    // through its version, as a change by hand would), warms up with a few tickets (the compile after a
    // change), then measures a batch. So both sides pay the same writes around them, and alternate.
    for (let i = 0; i < ruleCount; i++)
      await createAutomationRule(ctx, asManager, ruleBody(i, group.id) as never);
    const switchRules = async (on: boolean) => {
      await ctx.db.transaction().execute(async (trx) => {
        await trx
          .updateTable('automation_rules')
          .set({ active: on ? 1 : 0 })
          .execute();
        await ctx.caches.invalidate(trx, 'automation_rules');
      });
      await batch(10);
    };
    await switchRules(true);
    await batch(); // warm-up: caches, prepared statements, JIT
    const without: { wall: number; cpu: number }[] = [];
    const withRules: { wall: number; cpu: number }[] = [];
    for (let r = 0; r < rounds; r++) {
      await switchRules(false);
      without.push(await batch());
      await switchRules(true);
      withRules.push(await batch());
      if (process.env.BENCH_AUTOMATION_VERBOSE)
        console.log(
          `round ${r}: wall ${without.at(-1)?.wall.toFixed(3)} / ${withRules.at(-1)?.wall.toFixed(3)} ms, cpu ${without.at(-1)?.cpu.toFixed(3)} / ${withRules.at(-1)?.cpu.toFixed(3)} ms`,
        );
    }
    const fired = await ctx.db
      .selectFrom('automation_firings')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const wallA = median(without.map((x) => x.wall));
    const wallB = median(withRules.map((x) => x.wall));
    const cpuA = median(without.map((x) => x.cpu));
    const cpuB = median(withRules.map((x) => x.cpu));
    console.log(`\n### Automation rules, ${dialect}: ticket creation with ${ruleCount} active rules\n`);
    console.log('| run | CPU per ticket | ratio | wall per ticket | ratio |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    console.log(
      `| without rules (baseline) | ${cpuA.toFixed(3)} ms | 1.00× | ${wallA.toFixed(3)} ms | 1.00× |`,
    );
    console.log(
      `| with ${ruleCount} active rules | ${cpuB.toFixed(3)} ms | ${(cpuB / cpuA).toFixed(2)}× | ${wallB.toFixed(3)} ms | ${(wallB / wallA).toFixed(2)}× |`,
    );
    console.log(
      `\nPer ticket: createTicket and the relay pass that hands its events to the engine. ${rounds} alternating rounds of ${perBatch} tickets each, medians; ${Number(fired.n)} firings in all; bar: ≤ 1.15×. CPU time is this process's (the SQLite driver runs in it; PostgreSQL's server is not counted, so read its wall time too).`,
    );
  } finally {
    await opened.close();
    if (schema) {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function benchAutomation(): Promise<void> {
  for (const dialect of dialects) await benchDialect(dialect);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchAutomation();
