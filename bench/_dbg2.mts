import { loadNab } from './nab.js';
import { AnomalyDetector } from '../src/anomaly/detector.js';
import { SeriesReader } from '../src/anomaly/series-csv.js';
const corpus = loadNab();
const s = corpus.find((c) => c.name.includes(process.env.F ?? 'jumpsup'))!;
const d = new AnomalyDetector(); const r = new SeriesReader(); let i = -1;
const rows: number[][] = [];
for (const l of s.lines) { const row = r.read(l); if (!row) continue; i++; const sc = d.score(row.timestampMs, row.value); rows.push([i, row.value, sc, ...d.debug]); }
const step = Number(process.env.STEP ?? 50);
for (const x of rows) if (x[0] % step === 0 || (x[0] >= Number(process.env.A ?? 2980) && x[0] <= Number(process.env.B ?? 2995))) console.log(x.map((v) => v.toFixed(3)).join('\t'));
console.log(JSON.stringify(s.windows));
