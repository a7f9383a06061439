import { loadNab } from './nab.js';
import { AnomalyDetector } from '../src/anomaly/detector.js';
import { SeriesReader } from '../src/anomaly/series-csv.js';
const corpus = loadNab();
for (const name of (process.env.F ?? 'no_noise').split(',')) {
const s = corpus.find((c) => c.name.includes(name))!;
const d = new AnomalyDetector(); const r = new SeriesReader(); let i = -1;
const rows: number[][] = [];
for (const l of s.lines) { const row = r.read(l); if (!row) continue; i++; const sc = d.score(row.timestampMs, row.value); rows.push([i, row.value, sc, ...d.debug]); }
const probation = Math.min(Math.floor(0.15 * rows.length), 750);
const top = rows.filter((x) => x[0] >= probation).sort((a, b) => b[2] - a[2]).slice(0, Number(process.env.TOP ?? 8));
console.log(s.name, JSON.stringify(s.windows));
for (const x of top) console.log(x.map((v) => v.toFixed(3)).join('\t'));
}
