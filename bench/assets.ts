// `npx tsx bench/assets.ts` (or `BENCH_PARTS=assets npm run bench`): the asset inventory's two hot paths.
// 1. The list over 200,000 assets (the page the web app loads: 50 rows and the MACs of each) — unfiltered, by type
//    and status, by location, warranty ending within a quarter, a search (q) by word, by serial and by MAC, and a
//    later page by cursor; target p99 ≤ 50 ms. Baseline in the same run: one page of the same table by primary key.
// 2. The CSV import of 50,000 rows of which 300 are malformed (a bad date, a bad MAC, no name), target ≤ 10 s with
//    the report; baseline in the same run: the same rows parsed and inserted bare (one multi-row INSERT per 200).
// Wall time and the process's CPU time beside it (the bench machine is shared). Environment:
// BENCH_ASSETS=200000, BENCH_ASSET_IMPORT_ROWS=50000, BENCH_ASSET_RUNS=100, BENCH_DIALECTS=sqlite,postgres,
// BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test, BENCH_ASSET_PARTS=list,import (one part alone: list or import)
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import {
  type AssetFilter,
  encodeAssetCursor,
  importAssetsCsv,
  listAssets,
  parseCsv,
} from '../src/assets/index.js';
import { actorForUser, createUser, systemActor } from '../src/core/auth/index.js';
import { ManualClock } from '../src/core/clock.js';
import { loadConfig } from '../src/core/config.js';
import type { ServiceContext } from '../src/core/context.js';
import { openContext } from '../src/core/runtime.js';

const assetCount = Number(process.env.BENCH_ASSETS ?? 200_000);
const importRows = Number(process.env.BENCH_ASSET_IMPORT_ROWS ?? 50_000);
const runs = Number(process.env.BENCH_ASSET_RUNS ?? 100);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const parts = new Set((process.env.BENCH_ASSET_PARTS ?? 'list,import').split(','));
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const now = Date.parse('2026-06-15T09:00:00Z');
const day = 86_400_000;

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

const types = [
  'computer',
  'computer',
  'computer',
  'server',
  'network_device',
  'printer',
  'phone',
  'monitor',
] as const;
const statuses = ['in_use', 'in_use', 'in_use', 'in_stock', 'in_repair', 'retired'] as const;
const models = [
  ['Lenovo', 'ThinkPad T14 Gen 4'],
  ['Dell', 'Latitude 5440'],
  ['HP', 'EliteBook 840 G10'],
  ['Dell', 'OptiPlex 7010'],
  ['HPE', 'ProLiant DL360 Gen10'],
  ['Cisco', 'Catalyst 9200'],
  ['Brother', 'HL-L6400DW'],
  ['Yealink', 'T54W'],
  ['Dell', 'P2723DE'],
] as const;
const locations = Array.from({ length: 40 }, (_, i) => `Site ${i} / floor ${i % 5}`);
const mac = (n: number) =>
  (0x02_00_00_00_00_00 + n).toString(16).padStart(12, '0').match(/../g)?.join(':') as string;

async function open(dialect: 'sqlite' | 'postgres', name: string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `opsdesk-bench-${name}-`));
  const schema = dialect === 'postgres' ? `bench_${name}_${randomBytes(4).toString('hex')}` : undefined;
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
  const close = async () => {
    await opened.close();
    if (schema) {
      const c = new pg.Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  return { ctx: opened.ctx, close };
}

async function seedAssets(ctx: ServiceContext, n: number): Promise<void> {
  const rnd = random(7);
  const batch = 500;
  for (let i = 0; i < n; i += batch) {
    const count = Math.min(batch, n - i);
    await ctx.db.transaction().execute(async (trx) => {
      const ids = await trx
        .insertInto('assets')
        .values(
          Array.from({ length: count }, (_, k) => {
            const j = i + k;
            const [manufacturer, model] = models[j % models.length] as readonly [string, string];
            return {
              name: `${model.split(' ')[0]}-${String(j).padStart(6, '0')}`,
              type: types[j % types.length] as (typeof types)[number],
              status: statuses[Math.floor(rnd() * statuses.length)] as (typeof statuses)[number],
              serial: `SN${(j * 7919).toString(36).toUpperCase().padStart(8, '0')}`,
              asset_tag: `AT-${String(j).padStart(7, '0')}`,
              model,
              manufacturer,
              location: locations[j % locations.length] as string,
              owner_id: null,
              purchased_on: now - Math.floor(rnd() * 5 * 365) * day,
              cost_minor: Math.floor(rnd() * 300_000),
              cost_currency: 'EUR',
              supplier: 'Bechtle',
              warranty_ends_on: now + Math.floor(rnd() * 3 * 365 - 365) * day,
              end_of_life_on: null,
              notes: '',
              hardware: null,
              inventory_agent_id: null,
              inventory_device_id: null,
              inventoried_at: null,
              created_by: null,
              created_at: now - j * 1_000,
              updated_at: now - Math.floor(rnd() * 365) * day,
            };
          }),
        )
        .returning('id')
        .execute();
      await trx
        .insertInto('asset_macs')
        .values(ids.map((r) => ({ asset_id: r.id, mac: mac(r.id) })))
        .execute();
    });
  }
}

async function benchList(dialect: 'sqlite' | 'postgres'): Promise<void> {
  const { ctx, close } = await open(dialect, 'assets');
  try {
    const seeded = performance.now();
    await seedAssets(ctx, assetCount);
    // PostgreSQL's autovacuum gathers the planner's statistics shortly after a bulk load like this one; the bench
    // does not wait for it. SQLite keeps none unless asked, and the service never asks: none are made for it.
    if (dialect === 'postgres') await sql`ANALYZE`.execute(ctx.db);
    const seedSeconds = (performance.now() - seeded) / 1000;
    const actor = { ...systemActor(0), role: 'technician' as const };
    const page = (f: Partial<AssetFilter>) => () => listAssets(ctx, actor, { limit: 50, ...f });
    const first = await listAssets(ctx, actor, { limit: 50 });
    const fifth = encodeAssetCursor('updated', first[first.length - 2] as (typeof first)[number]);
    const byName = await listAssets(ctx, actor, { limit: 50, sort: 'name' });
    const nameCursor = encodeAssetCursor('name', byName[byName.length - 2] as (typeof byName)[number]);
    const cases: [string, () => unknown][] = [
      ['first page (updated desc)', page({})],
      ['type=computer&status=in_use', page({ type: ['computer'], status: ['in_use'] })],
      ['type=printer,phone&status=in_repair', page({ type: ['printer', 'phone'], status: ['in_repair'] })],
      ['location=Site 7 / floor 2', page({ location: 'Site 7 / floor 2' })],
      ['warranty ending within 90 days', page({ warrantyEndsBefore: now + 90 * day })],
      ['q=thinkpad (word, many match)', page({ q: 'thinkpad' })],
      [
        'q=serial of one asset',
        page({ q: `SN${(123_457 * 7919).toString(36).toUpperCase().padStart(8, '0')}` }),
      ],
      ['q=MAC of one asset', page({ q: mac(4242) })],
      ['q=#id', page({ q: '#150000' })],
      ['next page by cursor (updated)', page({ cursor: fifth })],
      ['sort=name, next page', page({ sort: 'name', cursor: nameCursor })],
      ['type=server&q=proliant sort=name', page({ type: ['server'], q: 'proliant', sort: 'name' })],
    ];
    const raw = () => ctx.db.selectFrom('assets').selectAll().orderBy('id').limit(51).execute();
    for (let i = 0; i < 3; i++) {
      await raw();
      for (const [, c] of cases) await c();
    }
    const base = await time(runs, raw);
    console.log(
      `\n## Asset list over ${assetCount.toLocaleString('en')} assets, ${dialect}, ${runs} runs per case (seeded in ${seedSeconds.toFixed(0)} s); a page is 50 assets with their MACs`,
    );
    console.log(header);
    console.log(
      row('baseline: SELECT * FROM assets ORDER BY id LIMIT 51', base, base, Number.POSITIVE_INFINITY),
    );
    for (const [label, c] of cases) console.log(row(label, await time(runs, c), base, 50));
  } finally {
    await close();
  }
}

function importCsv(n: number, bad: number): { text: string; badLines: Set<number> } {
  const rnd = random(11);
  const lines = [
    'name,type,status,serial,asset_tag,model,manufacturer,location,purchase_date,cost,currency,warranty_end,mac',
  ];
  const badLines = new Set<number>();
  const every = Math.floor(n / bad);
  for (let i = 0; i < n; i++) {
    const [manufacturer, model] = models[i % models.length] as readonly [string, string];
    const isBad = i % every === every - 1 && badLines.size < bad;
    const kind = badLines.size % 3;
    if (isBad) badLines.add(i + 2);
    const name = isBad && kind === 0 ? '' : `IMP-${String(i).padStart(6, '0')}`;
    const date = isBad && kind === 1 ? '2026-02-30' : '2024-03-01';
    const m = isBad && kind === 2 ? 'zz:zz' : mac(1_000_000 + i);
    lines.push(
      [
        name,
        types[i % types.length],
        statuses[i % statuses.length],
        `IMPSN${i}`,
        `IMP-AT-${i}`,
        model,
        manufacturer,
        `"${locations[i % locations.length]}"`,
        date,
        (Math.floor(rnd() * 300_000) / 100).toFixed(2),
        'EUR',
        '2027-03-01',
        m,
      ].join(','),
    );
  }
  return { text: `${lines.join('\n')}\n`, badLines };
}

async function benchImport(dialect: 'sqlite' | 'postgres'): Promise<void> {
  const { text, badLines } = importCsv(importRows, 300);
  // Baseline: the same rows parsed and inserted bare, one multi-row INSERT per 200 rows, no checks, no history.
  const b = await open(dialect, 'assetimportbase');
  let baseSeconds: number;
  try {
    const a = performance.now();
    const rows = parseCsv(text).slice(1);
    for (let i = 0; i < rows.length; i += 200) {
      await b.ctx.db
        .insertInto('assets')
        .values(
          rows.slice(i, i + 200).map((r) => ({
            name: r.cells[0] || 'x',
            type: 'computer' as const,
            status: 'in_use' as const,
            serial: r.cells[3] ?? null,
            asset_tag: r.cells[4] ?? null,
            model: r.cells[5] ?? '',
            manufacturer: r.cells[6] ?? '',
            location: r.cells[7] ?? '',
            supplier: '',
            notes: '',
            created_at: now,
            updated_at: now,
          })),
        )
        .execute();
    }
    baseSeconds = (performance.now() - a) / 1000;
  } finally {
    await b.close();
  }
  const { ctx, close } = await open(dialect, 'assetimport');
  try {
    // The import writes history and an audit row naming its actor: a real technician.
    const tech = await createUser(ctx, null, { email: 't@example.com', name: 'Tech', role: 'technician' });
    const actor = actorForUser({ ...tech, groupIds: [] });
    const c = process.cpuUsage();
    const a = performance.now();
    const report = await importAssetsCsv(ctx, actor, text);
    const seconds = (performance.now() - a) / 1000;
    const cpu = process.cpuUsage(c);
    const rejectedRight = report.rejections.every((r) => badLines.has(r.line));
    console.log(
      `\n## Asset CSV import of ${importRows.toLocaleString('en')} rows (${badLines.size} malformed), ${dialect}`,
    );
    console.log(
      '| run | seconds | CPU s | rows/s | created | rejected | report names the bad lines | target s | met |',
    );
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |');
    console.log(
      `| baseline: parse + bare multi-row INSERTs | ${baseSeconds.toFixed(2)} | – | ${(importRows / baseSeconds).toFixed(0)} | ${importRows} | – | – | – | – |`,
    );
    console.log(
      `| importAssetsCsv (checks, merge by serial/MAC, history, report) | ${seconds.toFixed(2)} | ${((cpu.user + cpu.system) / 1e6).toFixed(2)} | ${(importRows / seconds).toFixed(0)} | ${report.created} | ${report.rejected} | ${rejectedRight && report.rejected === badLines.size ? 'yes' : 'NO'} | 10 | ${seconds <= 10 ? 'yes' : 'NO'} |`,
    );
  } finally {
    await close();
  }
}

export async function benchAssets(): Promise<void> {
  for (const dialect of dialects) {
    if (parts.has('list')) await benchList(dialect);
    if (parts.has('import')) await benchImport(dialect);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchAssets();
