// The anomaly detector on NAB (../shared/benchmarks/nab): the three profiles' normalised scores on the folder beside
// the published detectors', hold-out figures for the tunables (chosen on half the files, scored on the other half;
// and leave-one-folder-out), and throughput beside a rolling z-score measured in the same run.
// Runs from bench/run.ts (BENCH_PARTS=nab) or alone: `npx tsx bench/nab.ts`. NAB_DIR points at the data.
// NAB_HOLDOUT=0 skips the hold-out search (the slow part).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnomalyDetector, type AnomalyDetectorOptions } from '../src/anomaly/detector.js';
import { scoreSeries } from '../src/anomaly/series-csv.js';
import {
  bestScore,
  type NabProfile,
  nabProfiles,
  normalise,
  rawScoreAt,
  rowWorth,
  type ScoredFile,
  windowRows,
} from './nab-scoring.js';

/** The published detectors on these 41 files (README of the folder). */
export const publishedNab: Array<{ name: string; scores: [number, number, number] }> = [
  { name: 'CAD OSE (published)', scores: [75.9, 72.4, 79.2] },
  { name: 'Numenta HTM (published)', scores: [75.5, 70.7, 79.0] },
  { name: 'ARTime (published)', scores: [74.6, 66.5, 79.4] },
  { name: 'Twitter ADVec (published)', scores: [46.6, 36.1, 52.4] },
];

export function nabDir(): string {
  if (process.env.NAB_DIR) return process.env.NAB_DIR;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [
    path.resolve(here, '../../shared/benchmarks/nab'),
    path.resolve(here, '../../../shared/benchmarks/nab'),
    '/work/shared/benchmarks/nab',
  ];
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'combined_windows.json'))) ?? candidates[0];
}

export interface NabSeries {
  name: string;
  folder: string;
  lines: string[];
  timestamps: string[];
  windows: ReturnType<typeof windowRows>;
}

export function loadNab(dir = nabDir()): NabSeries[] {
  const windows = JSON.parse(fs.readFileSync(path.join(dir, 'combined_windows.json'), 'utf8')) as Record<
    string,
    Array<[string, string]>
  >;
  return Object.keys(windows)
    .sort()
    .map((name) => {
      const lines = fs.readFileSync(path.join(dir, 'data', name), 'utf8').split(/\r?\n/);
      const timestamps = lines
        .slice(1)
        .filter((l) => l.trim() !== '')
        .map((l) => l.split(',')[0]);
      return {
        name,
        folder: name.split('/')[0],
        lines,
        timestamps,
        windows: windowRows(timestamps, windows[name]),
      };
    });
}

/** Scores every row of a series through the command line's path (SeriesReader → AnomalyDetector). */
export async function scoreNabSeries(series: NabSeries, detector: { score(t: number, v: number): number }) {
  const scores: number[] = [];
  await scoreSeries(series.lines, (_row, score) => scores.push(score), detector as AnomalyDetector);
  return scores;
}

export async function scoreCorpus(
  corpus: readonly NabSeries[],
  make: () => { score(t: number, v: number): number },
): Promise<ScoredFile[]> {
  const files: ScoredFile[] = [];
  for (const series of corpus) {
    const scores = await scoreNabSeries(series, make());
    files.push({
      name: series.name,
      scores,
      worth: rowWorth(scores.length, series.windows),
      windowCount: series.windows.length,
    });
  }
  return files;
}

/** A simple baseline: |x − mean| / sd over the last `size` samples, squashed into [0, 1]. */
export class RollingZScore {
  private ring: Float64Array;
  private at = 0;
  private count = 0;
  private sum = 0;
  private sumSq = 0;
  constructor(size = 288) {
    this.ring = new Float64Array(size);
  }
  score(_t: number, x: number): number {
    if (!Number.isFinite(x)) return 0;
    const size = this.ring.length;
    let out = 0;
    if (this.count >= 30) {
      const mean = this.sum / this.count;
      const sd = Math.sqrt(Math.max(0, this.sumSq / this.count - mean * mean));
      out = sd > 0 ? 1 - Math.exp(-Math.abs(x - mean) / sd / 4) : 0;
    }
    if (this.count === size) {
      const old = this.ring[this.at];
      this.sum -= old;
      this.sumSq -= old * old;
    } else this.count++;
    this.ring[this.at] = x;
    this.sum += x;
    this.sumSq += x * x;
    this.at = (this.at + 1) % size;
    return out;
  }
}

function row(name: string, scores: number[]): string {
  return `| ${name} | ${scores.map((s) => s.toFixed(1)).join(' | ')} |`;
}

function profileScores(files: ScoredFile[]): number[] {
  return nabProfiles.map((p: NabProfile) => bestScore(files, p).normalised);
}

/** The three profiles' scores, or for files without anomalies (nothing to normalise) the alarms at each best threshold. */
function profileCells(files: ScoredFile[]): string {
  if (files.every((f) => f.windowCount === 0)) {
    return nabProfiles.map((p) => `${bestScore(files, p).falsePositives} alarms`).join(' | ');
  }
  return profileScores(files)
    .map((s) => s.toFixed(1))
    .join(' | ');
}

/** Candidate tunables for the hold-out search: a small grid around the defaults. */
function* candidateOptions(): Generator<Partial<AnomalyDetectorOptions>> {
  for (const warmupSamples of [100, 150, 200])
    for (const memorySamples of [250, 500, 1000, 2000])
      for (const quietSamples of [50, 100, 200]) yield { warmupSamples, memorySamples, quietSamples };
}

interface Chosen {
  options: Partial<AnomalyDetectorOptions>;
  /** Each profile's best threshold on the training files. */
  thresholds: number[];
}

/** The candidate with the best standard score on `train`, and the thresholds it is best at there. */
async function chooseOn(train: NabSeries[]): Promise<Chosen> {
  let best: Chosen = { options: {}, thresholds: [] };
  let bestValue = Number.NEGATIVE_INFINITY;
  for (const options of candidateOptions()) {
    const files = await scoreCorpus(train, () => new AnomalyDetector(options));
    const value = bestScore(files, nabProfiles[0]).normalised;
    if (value > bestValue) {
      bestValue = value;
      best = { options, thresholds: nabProfiles.map((p) => bestScore(files, p).threshold) };
    }
  }
  return best;
}

/** The held-out files scored at the training files' thresholds (stricter than NAB, which picks on the scored set). */
function cellsAtThresholds(files: ScoredFile[], thresholds: number[]): string {
  const windows = files.reduce((n, f) => n + f.windowCount, 0);
  return nabProfiles
    .map((profile, i) => {
      let raw = 0;
      let alarms = 0;
      for (const f of files) {
        const r = rawScoreAt(f, thresholds[i], profile);
        raw += r.raw;
        alarms += r.falsePositives;
      }
      return windows === 0 ? `${alarms} false alarms` : normalise(raw, windows, profile).toFixed(1);
    })
    .join(' | ');
}

function describe(options: Partial<AnomalyDetectorOptions>): string {
  return Object.entries(options)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function throughput(
  corpus: readonly NabSeries[],
  make: () => { score(t: number, v: number): number },
): number {
  // Parsed once: this measures the detector, not the CSV reader.
  const parsed = corpus.map((s) =>
    s.lines
      .slice(1)
      .filter((l) => l.trim() !== '')
      .map((l) => {
        const [t, v] = l.split(',');
        return [Date.parse(`${t.replace(' ', 'T')}Z`), Number(v)] as const;
      }),
  );
  let samples = 0;
  let sink = 0;
  const started = process.hrtime.bigint();
  for (let round = 0; round < 5; round++) {
    for (const rows of parsed) {
      const d = make();
      for (const [t, v] of rows) sink += d.score(t, v);
      samples += rows.length;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (sink < 0) console.log(sink);
  return samples / seconds;
}

export async function benchNab(): Promise<void> {
  const corpus = loadNab();
  const rows = corpus.reduce((n, s) => n + s.timestamps.length, 0);
  const windows = corpus.reduce((n, s) => n + s.windows.length, 0);
  console.log(`\n## Anomaly detection on NAB: ${corpus.length} files, ${rows} rows, ${windows} windows`);
  const ours = await scoreCorpus(corpus, () => new AnomalyDetector());
  const baseline = await scoreCorpus(corpus, () => new RollingZScore());
  console.log('| detector | standard | reward low FP | reward low FN |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(row('opsdesk AnomalyDetector (defaults)', profileScores(ours)));
  for (const p of publishedNab) console.log(row(p.name, p.scores));
  console.log(row('rolling z-score, 288 samples (baseline, this run)', profileScores(baseline)));
  if (process.env.NAB_DETAIL) {
    const global = bestScore(ours, nabProfiles[0]);
    for (const f of ours) {
      const r = rawScoreAt(f, global.threshold, nabProfiles[0]);
      const max = Math.max(...Array.from(f.scores).filter((_, i) => f.worth.window[i] !== -2));
      console.log(
        `${f.name.padEnd(58)}\t${r.raw.toFixed(2)}\ttp=${r.truePositives}/${f.windowCount} fp=${r.falsePositives}\tmax=${max.toFixed(3)}`,
      );
    }
    console.log(
      `global threshold ${global.threshold} tp=${global.truePositives} fp=${global.falsePositives}`,
    );
  }

  if (process.env.NAB_HOLDOUT !== '0') {
    console.log(
      '\n### Hold-out: tunables (and thresholds) chosen on some files by the standard score, scored on the others',
    );
    console.log(
      'Each held-out set is scored twice: with the threshold NAB would pick on it, and with the training',
    );
    console.log("files' thresholds (the stricter figure).\n");
    console.log(
      '| chosen on | scored on | tunables chosen | standard | low FP | low FN | standard, training threshold | low FP, t.t. | low FN, t.t. |',
    );
    console.log('| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    const even = corpus.filter((_, i) => i % 2 === 0);
    const odd = corpus.filter((_, i) => i % 2 === 1);
    const halves: ScoredFile[] = [];
    for (const [trainName, train, testName, test] of [
      ['even files', even, 'odd files', odd],
      ['odd files', odd, 'even files', even],
    ] as const) {
      const chosen = await chooseOn([...train]);
      const scored = await scoreCorpus(test, () => new AnomalyDetector(chosen.options));
      halves.push(...scored);
      console.log(
        `| ${trainName} | ${testName} | ${describe(chosen.options)} | ${profileCells(scored)} | ${cellsAtThresholds(scored, chosen.thresholds)} |`,
      );
    }
    console.log(`| (each half's choice) | all 41 files, pooled | — | ${profileCells(halves)} | |`);
    const folders = [...new Set(corpus.map((s) => s.folder))];
    const pooled: ScoredFile[] = [];
    for (const folder of folders) {
      const chosen = await chooseOn(corpus.filter((s) => s.folder !== folder));
      const test = corpus.filter((s) => s.folder === folder);
      const scored = await scoreCorpus(test, () => new AnomalyDetector(chosen.options));
      pooled.push(...scored);
      console.log(
        `| all but ${folder} | ${folder} | ${describe(chosen.options)} | ${profileCells(scored)} | ${cellsAtThresholds(scored, chosen.thresholds)} |`,
      );
    }
    console.log(`| leave-one-folder-out | all 41 files, pooled | (per fold) | ${profileCells(pooled)} | |`);
  }

  console.log('\n### Throughput (one core, pre-parsed samples, 5 passes over the corpus)');
  console.log('| detector | samples/s | × baseline |');
  console.log('| --- | ---: | ---: |');
  const base = throughput(corpus, () => new RollingZScore());
  const mine = throughput(corpus, () => new AnomalyDetector());
  console.log(`| opsdesk AnomalyDetector | ${mine.toFixed(0)} | ${(mine / base).toFixed(2)} |`);
  console.log(`| rolling z-score, 288 samples | ${base.toFixed(0)} | 1.00 |`);
  // The command line's whole path: split lines, SeriesReader (timestamps, values, order), the detector.
  let samples = 0;
  const started = process.hrtime.bigint();
  for (const series of corpus) samples += (await scoreNabSeries(series, new AnomalyDetector())).length;
  const csvRate = samples / (Number(process.hrtime.bigint() - started) / 1e9);
  console.log(
    `| opsdesk AnomalyDetector through the CSV reader (the CLI's path) | ${csvRate.toFixed(0)} | ${(csvRate / base).toFixed(2)} |`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) await benchNab();
