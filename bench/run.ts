// `npm run bench`: ticket creation over HTTP and list/search latency, on SQLite and PostgreSQL, each
// beside a baseline measured in the same run. Environment:
//   BENCH_SECONDS=20             duration of each creation load
//   BENCH_SIZES=100000,1000000   ticket counts for list/search (seeded once, cached under bench/.cache/)
//   BENCH_DIALECTS=sqlite,postgres
//   BENCH_PARTS=create,list,sla,oncall,oncall-lookup,roster,assignment,metric-store,check-scheduler,metric-ingest,
//               promql, syslog, knowledge, catalog, automation, nab, forecast, vendors, assets, ldap, overload, import (default: all)
//   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test
import os from 'node:os';
import { benchListing } from './listing.js';
import { benchTicketCreation, type CreationResult } from './ticket-creation.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 20);
const sizes = (process.env.BENCH_SIZES ?? '100000,1000000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const dialects = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',') as Array<'sqlite' | 'postgres'>;
const parts = (process.env.BENCH_PARTS ?? 'create,list').split(',');
const pgUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

console.log(
  `opsdesk bench — ${new Date().toISOString()} — node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'})`,
);

function printCreation(rows: CreationResult[]): void {
  const app = rows[0];
  console.log(
    '| run | req/s | p50 ms | p99 ms | errors | non-2xx | requests | server peak RSS MB | server CPU µs/req | opsdesk / this (req/s) | this / opsdesk (CPU) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.label} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.errors} | ${r.non2xx} | ${r.total} | ${r.peakRssMb.toFixed(0)} | ${r.cpuUsPerRequest.toFixed(0)} | ${(app.requestsPerSecond / r.requestsPerSecond).toFixed(2)} | ${(r.cpuUsPerRequest / app.cpuUsPerRequest).toFixed(2)} |`,
    );
  }
}

if (parts.includes('create')) {
  for (const dialect of dialects) {
    console.log(`\n## Ticket creation over HTTP, ${dialect}: 50 connections × ${seconds} s`);
    printCreation(await benchTicketCreation(dialect, pgUrl, seconds));
  }
}

if (parts.includes('list')) {
  for (const size of sizes) {
    for (const dialect of dialects) {
      await benchListing(dialect, size, pgUrl);
    }
  }
}

// SLA clocks and escalations at 100,000 open tickets (bench/sla.ts; BENCH_SLA_TICKETS, BENCH_PARTS=sla).
if (parts.includes('sla') || process.env.BENCH_PARTS === undefined)
  await (await import('./sla.js')).benchSla();

// On-call schedule resolution on 200 generated schedules (bench/oncall-schedules.ts; BENCH_PARTS=oncall).
if (parts.includes('oncall') || process.env.BENCH_PARTS === undefined)
  await (await import('./oncall-schedules.js')).benchOncallSchedules();

// Who is on call through the stored schedules' cache (bench/oncall-lookup.ts; BENCH_PARTS=oncall-lookup).
if (parts.includes('oncall-lookup') || process.env.BENCH_PARTS === undefined)
  for (const dialect of dialects) await (await import('./oncall-lookup.js')).benchOnCallLookup(dialect);

// Roster generation: a 12-person 24/7 roster for 3 months (bench/roster.ts; BENCH_PARTS=roster).
if (parts.includes('roster') || process.env.BENCH_PARTS === undefined)
  await (await import('./roster.js')).benchRoster();

// The queue optimiser beside round-robin: 1,000 × 50 proposals and a simulated month (bench/assignment.ts;
// BENCH_PARTS=assignment).
if (parts.includes('assignment') || process.env.BENCH_PARTS === undefined)
  await (await import('./assignment.js')).benchAssignment();

// The metric store on SQLite: append rate (scrape and remote-write batches) beside encode-only and row-per-sample,
// a 1,000 series × 24 h read, RSS at 100,000 series (bench/metric-store.ts; BENCH_PARTS=metric-store).
if (parts.includes('metric-store') || process.env.BENCH_PARTS === undefined)
  await (await import('./metric-store.js')).benchMetricStore();
// Monitoring checks: 5,000 HTTP checks' start-time jitter beside a setTimeout per check, and the status board of
// 10,000 targets beside the raw rows (bench/check-scheduler.ts; BENCH_PARTS=check-scheduler).
if (parts.includes('check-scheduler') || process.env.BENCH_PARTS === undefined)
  await (await import('./check-scheduler.js')).benchCheckScheduler();
// Metrics in: the scrape and remote-write paths into the embedded store, beside parse-only rates
// (bench/metric-ingest.ts; BENCH_PARTS=metric-ingest).
if (parts.includes('metric-ingest') || process.env.BENCH_PARTS === undefined)
  await (await import('./metric-ingest.js')).benchMetricIngest();
// PromQL range queries over 1,000 series × 24 h at 15 s steps, in memory (bench/promql.ts; BENCH_PARTS=promql).
if (parts.includes('promql') || process.env.BENCH_PARTS === undefined)
  await (await import('./promql.js')).benchPromql();
// -- logs: mining --
// Template mining on loghub: grouping accuracy per dataset beside Drain's, and lines/s beside splitting the same
// bytes (bench/log-templates.ts; BENCH_PARTS=log-templates).
if (parts.includes('log-templates') || process.env.BENCH_PARTS === undefined)
  await (await import('./log-templates.js')).benchLogTemplates();
// -- logs: syslog --
// Syslog over TCP: frame+parse, a read-and-split baseline, the listener into a counting sink, and the no-loss run
// at 20,000 messages/s for BENCH_SYSLOG_SECONDS (default 60) (bench/syslog-ingest.ts; BENCH_PARTS=syslog).
if (parts.includes('syslog') || process.env.BENCH_PARTS === undefined)
  await (await import('./syslog-ingest.js')).benchSyslogIngest();
// -- logs: store --
// The log store: append rate through the writer beside plain INSERTs, and search p99 over BENCH_LOG_RECORDS
// (default 10,000,000) stored records beside ORDER BY id DESC LIMIT 100 (bench/log-store.ts; BENCH_PARTS=log-store).
if (parts.includes('log-store') || process.env.BENCH_PARTS === undefined)
  await (await import('./log-store.js')).benchLogStore();
// -- knowledge base --
// 20,000 generated articles: search and suggestions while typing beside a key lookup and indexTerms, rendering
// beside markdown-it alone, the suggestion index's rebuild (bench/knowledge.ts; BENCH_PARTS=knowledge).
if (parts.includes('knowledge') || process.env.BENCH_PARTS === undefined)
  for (const dialect of dialects) await (await import('./knowledge.js')).benchKnowledge(dialect);
// -- exports --
// CSV export of BENCH_EXPORT_ROWS (default 1,000,000) tickets over HTTP beside reading the same rows unformatted:
// rows/s and peak RSS (bench/export.ts; BENCH_PARTS=export).
if (parts.includes('export') || process.env.BENCH_PARTS === undefined)
  await (await import('./export.js')).benchExport();
// -- service catalogue --
// A 50-field form's compiled validator beside JSON.parse of the answers and TypeBox's Check (bench/catalog.ts;
// BENCH_PARTS=catalog).
if (parts.includes('catalog') || process.env.BENCH_PARTS === undefined)
  await (await import('./catalog.js')).benchCatalog();
// -- automation rules --
// Ticket creation (createTicket and the relay pass) with 200 active rules beside none, alternating rounds, on
// SQLite and PostgreSQL (bench/automation.ts; BENCH_PARTS=automation).
if (parts.includes('automation') || process.env.BENCH_PARTS === undefined)
  await (await import('./automation.js')).benchAutomation();
// -- anomaly detection --
// The streaming anomaly detector on NAB's 41 labelled series: the three profiles beside the published detectors,
// hold-out figures for its tunables, and samples/s beside a rolling z-score (bench/nab.ts; BENCH_PARTS=nab).
if (parts.includes('nab') || process.env.BENCH_PARTS === undefined)
  await (await import('./nab.js')).benchNab();
// -- forecasts and capacity --
// Forecasts for 10,000 series (30 days hourly and at 5 minutes) and the capacity report for 1,000 hosts, beside a
// least-squares line over the same points (bench/forecast.ts; BENCH_PARTS=forecast).
if (parts.includes('forecast') || process.env.BENCH_PARTS === undefined)
  await (await import('./forecast.js')).benchForecast();
// -- suppliers --
// The quote comparison of 20 quotes × 200 line items beside a naive float sum, and the renewals calendar and budget
// view over 5,000 contracts beside a plain SELECT of them, on SQLite and PostgreSQL (bench/vendors.ts;
// BENCH_PARTS=vendors).
if (parts.includes('vendors') || process.env.BENCH_PARTS === undefined)
  await (await import('./vendors.js')).benchVendors();

// The asset list over 200,000 assets (filters, q, cursor pages) beside a page by primary key, and the CSV import of
// 50,000 rows (300 malformed) beside bare INSERTs, on SQLite and PostgreSQL (bench/assets.ts; BENCH_PARTS=assets).
if (parts.includes('assets') || process.env.BENCH_PARTS === undefined)
  await (await import('./assets.js')).benchAssets();

// The LDAP sync of 20,000 people and 2,000 nested groups from a local slapd (first sync, dry run, a sync with nothing
// to change) beside a plain paged search of the same entries, on SQLite and PostgreSQL (bench/ldap.ts;
// BENCH_PARTS=ldap).
if (parts.includes('ldap') || process.env.BENCH_PARTS === undefined)
  await (await import('./ldap.js')).benchLdap();

// -- overload --
// Escalation ticks (50 pages each) while POST /api/v1/logs is flooded, with the default ingest budget and with none,
// beside the ticks unflooded (bench/overload.ts; BENCH_PARTS=overload; BENCH_OVERLOAD_SECONDS, BENCH_OVERLOAD_CLIENTS).
if (parts.includes('overload') || process.env.BENCH_PARTS === undefined)
  await (await import('./overload.js')).benchOverload();

// -- moving in --
// `opsdesk import zammad`'s work: 100,000 tickets with 500,000 comments from a fake Zammad in another process into
// SQLite, tickets/s and peak RSS beside a bare batched INSERT of the same rows (bench/import.ts; BENCH_PARTS=import;
// BENCH_IMPORT_TICKETS, BENCH_IMPORT_COMMENTS for a smaller run).
if (parts.includes('import') || process.env.BENCH_PARTS === undefined)
  await (await import('./import.js')).benchImport();
