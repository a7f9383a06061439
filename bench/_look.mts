import { loadNab } from './nab.js';
const corpus = loadNab();
const s = corpus.find((c) => c.name.includes(process.env.F!))!;
const v = s.lines.slice(1).filter((l) => l.trim()).map((l) => Number(l.split(',')[1]));
const label = (w: { start: number; end: number }) => Math.round((w.start + w.end) / 2);
console.log(s.name, v.length, JSON.stringify(s.windows), 'labels', s.windows.map(label));
const step = Number(process.env.STEP ?? 20);
const fmt = (x: number) => (Math.abs(x) >= 1e4 ? x.toExponential(1) : x.toFixed(2));
for (let i = 0; i < v.length; i += step) {
  const seg = v.slice(i, i + step);
  const inW = s.windows.some((w) => i + step > w.start && i <= w.end) ? 'W' : ' ';
  const isL = s.windows.some((w) => label(w) >= i && label(w) < i + step) ? 'L' : ' ';
  console.log(String(i).padStart(5), inW + isL, 'min', fmt(Math.min(...seg)), 'mean', fmt(seg.reduce((a, b) => a + b) / seg.length), 'max', fmt(Math.max(...seg)));
}
