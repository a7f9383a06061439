// `npx tsx bench/vendors.ts` (or `BENCH_PARTS=vendors npm run bench`): the suppliers' two hot paths.
// 1. The quote comparison of 20 quotes × 200 line items (every kind and period, a third in another currency),
//    target ≤ 50 ms; baseline in the same run: the naive sum quantity × unit price of the same lines in floats.
// 2. The renewals calendar (contracts renewing within 90 days), the budget view (every budget line of a year
//    with its position) and the manager's overview (renewals in 90 days, the year's budget lines, open requests:
//    GET /api/v1/vendors/overview) over 5,000 contracts on 200 vendors and 50 budget lines, target ≤ 100 ms p99;
//    baseline in the same run: reading the same 5,000 contract rows with one plain SELECT.
// Wall time and the process's CPU time beside it (the bench machine is shared: CPU time is what the work costs when
// other processes take turns on the cores). Environment: BENCH_VENDOR_CONTRACTS=5000, BENCH_VENDOR_RUNS=50,
// BENCH_DIALECTS=sqlite,postgres, BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { systemActor } from '../src/core/auth/index.js';
import { ManualClock } from '../src/core/clock.js';
import { loadConfig } from '../src/core/config.js';
import { openContext } from '../src/core/runtime.js';
import {
  type ComparedQuoteInput,
  chargePeriods,
  compareQuotes,
  itemKinds,
  listBudgetLines,
  listContracts,
  vendorOverview,
} from '../src/vendors/index.js';

const contractCount = Number(process.env.BENCH_VENDOR_CONTRACTS ?? 5_000);
const runs = Number(process.env.BENCH_VENDOR_RUNS ?? 50);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const now = Date.parse('2026-06-15T09:00:00Z');

function random(seed: number) {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    return x / 2_147_483_648;
  };
}

interface Timing {
  wall: number[];
  cpu: number[];
}
async function time(n: number, work: () => unknown): Promise<Timing> {
  const t: Timing = { wall: [], cpu: [] };
  for (let i = 0; i < n; i++) {
    const c = process.cpuUsage();
    const a = performance.now();
    await work();
    t.wall.push(performance.now() - a);
    const d = process.cpuUsage(c);
    t.cpu.push((d.user + d.system) / 1000);
  }
  return t;
}
function q(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] as number;
}
function row(label: string, t: Timing, base: Timing, target: number): string {
  const p99 = q(t.wall, 0.99);
  return `| ${label} | ${q(t.wall, 0.5).toFixed(2)} | ${p99.toFixed(2)} | ${q(t.cpu, 0.5).toFixed(2)} | ${q(t.cpu, 0.99).toFixed(2)} | ${(p99 / q(base.wall, 0.99)).toFixed(1)} | ${target} | ${p99 <= target ? 'yes' : 'NO'} |`;
}
const header =
  '| run | wall p50 ms | wall p99 ms | CPU p50 ms | CPU p99 ms | p99 / baseline p99 | target p99 ms | met |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |';

function quotes(): ComparedQuoteInput[] {
  const rnd = random(17);
  return Array.from({ length: 20 }, (_, i) => ({
    id: i + 1,
    vendorId: (i % 7) + 1,
    vendorName: `Vendor ${i % 7}`,
    currency: i % 3 === 0 ? 'USD' : 'EUR',
    rate: '0.9213',
    requirementsMet: i % 4 === 0 ? ['a'] : ['a', 'b'],
    lines: Array.from({ length: 200 }, (_, j) => ({
      description: `item ${j}`,
      kind: itemKinds[j % itemKinds.length] as (typeof itemKinds)[number],
      quantity: 1 + Math.floor(rnd() * 50),
      unitPriceMinor: Math.floor(rnd() * 500_000),
      period: chargePeriods[j % chargePeriods.length] as (typeof chargePeriods)[number],
      discountBp: j % 3 === 0 ? Math.floor(rnd() * 2_000) : 0,
    })),
  }));
}

async function benchComparison(): Promise<void> {
  const input = {
    currency: 'EUR',
    termMonths: 40,
    requirements: [
      { key: 'a', text: 'A', mandatory: true, weight: 3 },
      { key: 'b', text: 'B', mandatory: false, weight: 1 },
    ],
    quotes: quotes(),
    performance: new Map([[1, { scoreBp: 8_000, reasons: ['2 tickets wait'] }]]),
    weights: { price: 60, fit: 30, performance: 10 },
    budget: { lineId: 1, name: 'line', fiscalYear: 2026, remainingMinor: 50_000_000 },
  };
  let sink = 0;
  // Warm both paths up, then interleave so that both see the same machine.
  for (let i = 0; i < 5; i++) sink += compareQuotes(input).ranked.length;
  const naive = () => {
    for (const qt of input.quotes) for (const l of qt.lines) sink += l.quantity * l.unitPriceMinor;
  };
  const cmp = await time(runs, () => {
    sink += compareQuotes(input).ranked.length;
  });
  const base = await time(runs, naive);
  console.log(`\n## Quote comparison: 20 quotes × 200 line items, ${runs} runs`);
  console.log(header);
  console.log(row('baseline: Σ quantity × unit price (floats)', base, base, Number.POSITIVE_INFINITY));
  console.log(row('compareQuotes (exact, with reasons)', cmp, base, 50));
  if (sink === -1) console.log(sink);
}

async function benchContracts(dialect: 'sqlite' | 'postgres'): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-bench-vendors-'));
  const schema = dialect === 'postgres' ? `bench_vendors_${randomBytes(4).toString('hex')}` : undefined;
  const config = loadConfig({
    OPSDESK_DATA_DIR: dataDir,
    OPSDESK_LOG_LEVEL: 'silent',
    ...(dialect === 'postgres' ? { DATABASE_URL: pgUrl } : {}),
  });
  const opened = await openContext(config, {
    clock: new ManualClock(now),
    log: pino({ level: 'silent' }),
    pgSchema: schema,
  });
  const ctx = opened.ctx;
  try {
    const actor = { ...systemActor(0), role: 'manager' as const };
    const rnd = random(5);
    const vendorIds: number[] = [];
    for (let i = 0; i < 200; i += 50) {
      const rows = await ctx.db
        .insertInto('vendors')
        .values(
          Array.from({ length: 50 }, (_, k) => ({
            name: `Vendor ${i + k}`,
            categories: '["hardware"]',
            supplies: '[]',
            contacts: '[]',
            notes: '',
            ticket_tag: null,
            active: 1,
            created_by: null,
            created_at: now,
            updated_at: now,
          })),
        )
        .returning('id')
        .execute();
      vendorIds.push(...rows.map((r) => r.id));
    }
    const lineIds = (
      await ctx.db
        .insertInto('budget_lines')
        .values(
          Array.from({ length: 50 }, (_, k) => ({
            name: `Line ${k}`,
            category: `cat-${k}`,
            fiscal_year: 2026,
            currency: 'EUR',
            planned_minor: 100_000_000,
            notes: '',
            created_by: null,
            created_at: now,
            updated_at: now,
          })),
        )
        .returning('id')
        .execute()
    ).map((r) => r.id);
    const types = ['support', 'maintenance', 'licence', 'lease', 'service'] as const;
    const periods = ['month', 'quarter', 'year', null] as const;
    for (let i = 0; i < contractCount; i += 100) {
      await ctx.db
        .insertInto('contracts')
        .values(
          Array.from({ length: Math.min(100, contractCount - i) }, (_, k) => {
            const start = now - Math.floor(rnd() * 4 * 365) * 86_400_000;
            const period = periods[(i + k) % periods.length] ?? null;
            return {
              vendor_id: vendorIds[(i + k) % vendorIds.length] as number,
              title: `Contract ${i + k}`,
              type: types[(i + k) % types.length] as (typeof types)[number],
              status: 'active' as const,
              starts_at: start,
              ends_at: start + (12 + Math.floor(rnd() * 36)) * 30 * 86_400_000,
              auto_renew: rnd() < 0.5 ? 1 : 0,
              renewal_months: 12,
              notice_days: 90,
              remind_days: 30,
              currency: 'EUR',
              one_off_minor: Math.floor(rnd() * 1_000_000),
              recurring_minor: period ? Math.floor(rnd() * 100_000) : 0,
              recurring_period: period,
              budget_line_id: lineIds[(i + k) % lineIds.length] as number,
              services: '[]',
              asset_ids: '[]',
              sla_text: '',
              sla_targets: '[]',
              notes: '',
              reminded_deadline: null,
              created_by: null,
              created_at: now,
              updated_at: now,
            };
          }),
        )
        .execute();
    }
    const calendar = () => listContracts(ctx, actor, { renewingWithinDays: 90, limit: 200 });
    const budget = () => listBudgetLines(ctx, actor, { fiscalYear: 2026, limit: 200 });
    const overview = () => vendorOverview(ctx, actor);
    const raw = () => ctx.db.selectFrom('contracts').selectAll().execute();
    for (let i = 0; i < 3; i++) {
      await calendar();
      await budget();
      await overview();
      await raw();
    }
    const base = await time(runs, raw);
    const cal = await time(runs, calendar);
    const bud = await time(runs, budget);
    const ovw = await time(runs, overview);
    const found = (await calendar()).length;
    console.log(
      `\n## Renewals calendar and budget view over ${contractCount} contracts, ${dialect}, ${runs} runs (${found} renewing within 90 days, first page of 200)`,
    );
    console.log(header);
    console.log(
      row(`baseline: SELECT * FROM contracts (${contractCount} rows)`, base, base, Number.POSITIVE_INFINITY),
    );
    console.log(row('renewals calendar: renewingWithinDays=90', cal, base, 100));
    console.log(row('budget view: 50 lines of 2026 with positions', bud, base, 100));
    console.log(row("manager's overview: renewals in 90 days, 2026's lines, open requests", ovw, base, 100));
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

export async function benchVendors(): Promise<void> {
  await benchComparison();
  for (const dialect of dialects) await benchContracts(dialect);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchVendors();
