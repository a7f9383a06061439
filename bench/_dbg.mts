import { loadNab, scoreNabSeries } from './nab.js';
import { AnomalyDetector } from '../src/anomaly/detector.js';
const corpus = loadNab();
for (const name of (process.env.F ?? 'jumpsup,825cc2,TravelTime_387').split(',')) {
  const s = corpus.find((c) => c.name.includes(name))!;
  const sc = await scoreNabSeries(s, new AnomalyDetector());
  const idx = sc.map((v, i) => [v, i]).sort((a, b) => b[0] - a[0]).slice(0, 12);
  console.log(s.name, 'n', sc.length, 'windows', JSON.stringify(s.windows));
  console.log(idx.map(([v, i]) => `${i}:${v.toFixed(3)}`).join(' '));
}
