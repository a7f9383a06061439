// Template mining on loghub: grouping accuracy per dataset beside Drain's published figure, and mining speed
// beside a baseline measured in the same run (reading and splitting the same bytes into lines and tokens).
// Runs from bench/run.ts (BENCH_PARTS=log-templates) or alone: `npx tsx bench/log-templates.ts`.
// LOGHUB_DIR points at the datasets (default ../shared/benchmarks/loghub beside the checkout); MINING_DEBUG=Name
// prints that dataset's wrong groups, for working on the miner.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LineTemplateMining } from '../src/logs/line-templates.js';
import { compileLogFormat } from '../src/logs/log-format.js';
import { TemplateMiner } from '../src/logs/template-miner.js';
import { tokenize } from '../src/logs/token-masks.js';

/** Drain's grouping accuracy as Zhu et al. (ICSE-SEIP 2019) published it (loghub README, Table 1). */
export const drainAccuracy: Record<string, number> = {
  HDFS: 0.998,
  Hadoop: 0.948,
  Spark: 0.92,
  Zookeeper: 0.967,
  BGL: 0.963,
  HPC: 0.887,
  Windows: 0.997,
  Apache: 1.0,
  OpenSSH: 0.788,
  Proxifier: 0.527,
};

export function loghubDir(): string {
  if (process.env.LOGHUB_DIR) return process.env.LOGHUB_DIR;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.resolve(here, '../../shared/benchmarks/loghub'),
    path.resolve(here, '../../../shared/benchmarks/loghub'),
    '/work/shared/benchmarks/loghub',
  ];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'formats.json'))) ?? candidates[0];
}

export interface Dataset {
  name: string;
  format: string;
  lines: string[];
  eventIds: string[];
  trueTemplates: string[];
}

/** RFC 4180 rows (quoted fields, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** The raw file's lines, as the command splits them (CRLF or LF, no empty line after a final line end). */
export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function loadDataset(name: string, dir = loghubDir()): Dataset {
  const formats = JSON.parse(fs.readFileSync(path.join(dir, 'formats.json'), 'utf8')) as Record<
    string,
    string
  >;
  const lines = splitLines(fs.readFileSync(path.join(dir, name, `${name}_2k.log`), 'utf8'));
  const rows = parseCsv(fs.readFileSync(path.join(dir, name, `${name}_2k.log_structured.csv`), 'utf8'));
  const header = rows[0];
  const eventCol = header.indexOf('EventId');
  const templateCol = header.indexOf('EventTemplate');
  const body = rows.slice(1);
  return {
    name,
    format: formats[name],
    lines,
    eventIds: body.map((r) => r[eventCol]),
    trueTemplates: body.map((r) => r[templateCol]),
  };
}

/** Mine a dataset's raw lines the way `opsdesk logs templates --format` does; each line's final template id. */
export function mineDataset(d: Dataset): { ids: string[]; templates: string[] } {
  const mining = new LineTemplateMining({ format: compileLogFormat(d.format) });
  for (const line of d.lines) mining.add(line);
  const results = mining.results();
  return { ids: results.map((r) => r.templateId), templates: results.map((r) => r.template) };
}

/** Grouping accuracy: a line is right when its predicted group holds exactly the lines of its true group. */
export function groupingAccuracy(predicted: string[], truth: string[]): number {
  const byPredicted = groupIndexes(predicted);
  const byTruth = groupIndexes(truth);
  let correct = 0;
  for (const members of byPredicted.values()) {
    const t = truth[members[0]];
    const trueMembers = byTruth.get(t) ?? [];
    if (trueMembers.length === members.length && members.every((i) => truth[i] === t))
      correct += members.length;
  }
  return correct / truth.length;
}

function groupIndexes(labels: string[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  labels.forEach((label, i) => {
    const list = groups.get(label);
    if (list) list.push(i);
    else groups.set(label, [i]);
  });
  return groups;
}

export const datasetNames = Object.keys(drainAccuracy);

function printDebug(d: Dataset, ids: string[], templates: string[]): void {
  const byPredicted = groupIndexes(ids);
  const byTruth = groupIndexes(d.eventIds);
  for (const [id, members] of byPredicted) {
    const truths = new Map<string, number>();
    for (const i of members) truths.set(d.eventIds[i], (truths.get(d.eventIds[i]) ?? 0) + 1);
    if (truths.size > 1) {
      console.log(`MERGED ${members.length} lines into ${id}: ${templates[members[0]]}`);
      for (const [t, n] of truths) console.log(`    ${t} ×${n}: ${d.trueTemplates[d.eventIds.indexOf(t)]}`);
    }
  }
  for (const [t, members] of byTruth) {
    const preds = new Map<string, number>();
    for (const i of members) preds.set(ids[i], (preds.get(ids[i]) ?? 0) + 1);
    if (preds.size > 1) {
      console.log(`SPLIT ${t} ×${members.length}: ${d.trueTemplates[members[0]]}`);
      for (const [p, n] of preds) console.log(`    ×${n}: ${templates[ids.indexOf(p)]}`);
    }
  }
}

export async function benchLogTemplates(): Promise<void> {
  const dir = loghubDir();
  console.log(`\n## Template mining on loghub (${dir})`);
  console.log('| dataset | GA (opsdesk) | GA (Drain, published) | templates found | true templates |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  const datasets = datasetNames.map((name) => loadDataset(name, dir));
  let sum = 0;
  for (const d of datasets) {
    const { ids, templates } = mineDataset(d);
    const ga = groupingAccuracy(ids, d.eventIds);
    sum += ga;
    console.log(
      `| ${d.name} | ${ga.toFixed(3)} | ${drainAccuracy[d.name].toFixed(3)} | ${new Set(ids).size} | ${new Set(d.eventIds).size} |`,
    );
    if (process.env.MINING_DEBUG === d.name) printDebug(d, ids, templates);
  }
  const drainMean = Object.values(drainAccuracy).reduce((a, b) => a + b, 0) / datasets.length;
  console.log(`| mean | ${(sum / datasets.length).toFixed(3)} | ${drainMean.toFixed(3)} | | |`);

  // Speed: one miner over the ten files' messages (as one mixed stream would be), repeated to ≥ 1 s of CPU,
  // beside splitting the same bytes into lines and tokens; then the command's whole path (format, miner, final
  // templates) beside splitting the raw files.
  const contents = datasets.flatMap((d) => {
    const format = compileLogFormat(d.format);
    return d.lines.map((line) => format.match(line)?.Content ?? line);
  });
  const contentBytes = contents.join('\n');
  const raw = datasets.map((d) => fs.readFileSync(path.join(dir, d.name, `${d.name}_2k.log`), 'utf8'));
  const rawLines = raw.reduce((n, t) => n + splitLines(t).length, 0);
  const rows: Array<[string, number, number]> = [];
  const contentBaseline = measure(() => {
    let tokens = 0;
    for (const line of splitLines(contentBytes)) tokens += tokenize(line).length;
    return tokens;
  }, contents.length);
  rows.push(['messages: split into lines and tokens (baseline)', contentBaseline, contentBaseline]);
  rows.push([
    'messages: mine (TemplateMiner.assign)',
    measure(() => {
      const miner = new TemplateMiner();
      for (const line of splitLines(contentBytes)) miner.assign(line);
      return miner.templates().length;
    }, contents.length),
    contentBaseline,
  ]);
  const rawBaseline = measure(() => {
    let tokens = 0;
    for (const t of raw) for (const line of splitLines(t)) tokens += tokenize(line).length;
    return tokens;
  }, rawLines);
  rows.push(['raw lines: split into lines and tokens (baseline)', rawBaseline, rawBaseline]);
  rows.push([
    'raw lines: the command (--format, mine, final templates)',
    measure(() => {
      let n = 0;
      datasets.forEach((d, i) => {
        const run = new LineTemplateMining({ format: compileLogFormat(d.format) });
        for (const line of splitLines(raw[i])) run.add(line);
        n += run.results().length;
      });
      return n;
    }, rawLines),
    rawBaseline,
  ]);
  console.log('\n| mining speed, one core (CPU time) | lines/s | ratio to its baseline |');
  console.log('| --- | ---: | ---: |');
  for (const [label, rate, base] of rows)
    console.log(`| ${label} | ${rate.toFixed(0)} | ${(rate / base).toFixed(2)} |`);
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/**
 * Lines per CPU-second of `run` (which handles `lines` lines), repeated until it has used at least a second of
 * CPU: CPU time, not wall time, so that other work on the machine does not count against one core's rate.
 */
function measure(run: () => number, lines: number): number {
  run(); // warm up
  let rounds = 0;
  let sink = 0;
  const start = cpuSeconds();
  let elapsed = 0;
  do {
    sink += run();
    rounds++;
    elapsed = cpuSeconds() - start;
  } while (elapsed < 1);
  if (sink < 0) console.log(sink);
  return (rounds * lines) / elapsed;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  await benchLogTemplates();
}
