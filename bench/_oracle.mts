import { loadNab, scoreCorpus } from './nab.js';
import { AnomalyDetector } from '../src/anomaly/detector.js';
import { bestScore, nabProfiles, normalise } from './nab-scoring.js';
const corpus = loadNab();
const files = await scoreCorpus(corpus, () => new AnomalyDetector());
let raw = 0, w = 0;
for (const f of files) { const r = bestScore([f], nabProfiles[0]); raw += r.raw; w += f.windowCount; if (process.env.V) console.log(f.name.padEnd(58), r.raw.toFixed(2), r.truePositives + '/' + f.windowCount, 'fp', r.falsePositives, 'thr', r.threshold.toFixed(3)); }
console.log('per-file oracle', normalise(raw, w, nabProfiles[0]).toFixed(1), 'global', bestScore(files, nabProfiles[0]).normalised.toFixed(1));
