// `npx tsx bench/forecast.ts` (or `BENCH_PARTS=forecast npm run bench`): forecasts for 10,000 series (30 days, at
// 1-hour steps as the capacity report reads them and at 5-minute steps as raw scrapes downsampled), every fit tried at
// two rolling origins and the best refitted, one prediction and one timeLeft each; and the capacity report for 1,000
// hosts (6 usage series each, 90 days hourly: trends over 30/90 days, forecast over 30). Each beside a baseline in
// the same run: a plain least-squares line over the same points. Wall time, and the process's CPU time beside it (the
// bench machine is shared: CPU time is what the work costs when other processes take turns on the cores).
// Environment: BENCH_FORECAST_SERIES=10000, BENCH_CAPACITY_HOSTS=1000.
import { capacityItems, forecastSamples, type UsageSeries } from '../src/forecast/index.js';

const seriesCount = Number(process.env.BENCH_FORECAST_SERIES ?? 10_000);
const hostCount = Number(process.env.BENCH_CAPACITY_HOSTS ?? 1000);
const hour = 3_600_000;
const day = 24 * hour;
const end = Date.parse('2026-11-30T00:00:00Z');

function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Series of four shapes, in turn: a line, exponential growth, a daily rhythm on a trend, a random walk. */
function fill(ts: Float64Array, vs: Float64Array, kind: number, rnd: () => number, stepMs: number): void {
  const n = ts.length;
  const start = end - (n - 1) * stepMs;
  let walk = 50;
  const slope = rnd() * 0.02;
  for (let i = 0; i < n; i++) {
    const t = start + i * stepMs;
    const days = (i * stepMs) / day;
    const noise = rnd() - 0.5;
    let v: number;
    if (kind === 0) v = 40 + slope * 50 * days + noise;
    else if (kind === 1) v = 10 * Math.exp(days / 20) * (1 + 0.02 * noise);
    else if (kind === 2) v = 50 + days * slope * 20 + 10 * Math.sin((2 * Math.PI * (t % day)) / day) + noise;
    else v = walk += noise;
    ts[i] = t;
    vs[i] = v;
  }
}

function leastSquares(ts: ArrayLike<number>, vs: ArrayLike<number>): { slope: number; intercept: number } {
  const n = ts.length;
  const t0 = ts[0];
  let st = 0;
  let sv = 0;
  let stt = 0;
  let stv = 0;
  for (let i = 0; i < n; i++) {
    const x = ts[i] - t0;
    st += x;
    sv += vs[i];
    stt += x * x;
    stv += x * vs[i];
  }
  const slope = (n * stv - st * sv) / (n * stt - st * st);
  return { slope, intercept: (sv - slope * st) / n - slope * t0 };
}

function benchSeries(stepMs: number, label: string): void {
  const n = Math.round((30 * day) / stepMs);
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  // Generation is timed apart, so that both columns time the fitting alone.
  let fitMs = 0;
  let fitCpuMs = 0;
  let baseMs = 0;
  const fits = new Map<string, number>();
  let sink = 0;
  const rnd = random(7);
  for (let s = 0; s < seriesCount; s++) {
    fill(ts, vs, s % 4, rnd, stepMs);
    const cpu = process.cpuUsage();
    const a = performance.now();
    const f = forecastSamples(ts, vs);
    if (f) {
      sink += f.predict(end + 7 * day).value;
      sink += f.timeLeft(1000, end)?.at ?? 0;
      fits.set(f.fit, (fits.get(f.fit) ?? 0) + 1);
    }
    fitMs += performance.now() - a;
    const used = process.cpuUsage(cpu);
    fitCpuMs += (used.user + used.system) / 1000;
    // The baseline's clock starts after the CPU-time read (a system call that cost more than the line's own work).
    const b = performance.now();
    const line = leastSquares(ts, vs);
    sink += line.intercept + line.slope * (end + 7 * day);
    baseMs += performance.now() - b;
  }
  if (Number.isNaN(sink)) console.log('(NaN seen)');
  console.log(
    `| ${seriesCount.toLocaleString('en')} series × ${n.toLocaleString('en')} points (${label}) | ${(fitMs / 1000).toFixed(2)} | ${(fitCpuMs / 1000).toFixed(2)} | ${(baseMs / 1000).toFixed(3)} | ${(fitMs / baseMs).toFixed(0)}× | ${[...fits].map(([k, v]) => `${k} ${v}`).join(', ')} |`,
  );
}

function benchCapacity(): void {
  const rnd = random(3);
  const n = 90 * 24;
  const usage: UsageSeries[] = [];
  const resources = [
    ['disk', '/'],
    ['disk', '/var'],
    ['memory', ''],
    ['cpu', ''],
    ['network', 'eth0 receive'],
    ['network', 'eth0 transmit'],
  ] as const;
  for (let h = 0; h < hostCount; h++) {
    for (const [resource, detail] of resources) {
      const timestamps = new Float64Array(n);
      const values = new Float64Array(n);
      const base = 0.2 + rnd() * 0.5;
      const slope = (rnd() - 0.3) * 0.004;
      for (let i = 0; i < n; i++) {
        const t = end - (n - 1 - i) * hour;
        const rhythm =
          resource === 'cpu' || resource === 'network' ? 0.1 * Math.sin((2 * Math.PI * (t % day)) / day) : 0;
        timestamps[i] = t;
        values[i] = Math.min(1, Math.max(0, base + (slope * i) / 24 + rhythm + 0.01 * (rnd() - 0.5)));
      }
      usage.push({ instance: `host-${h}:9100`, resource, detail, query: '', timestamps, values });
    }
  }
  const hosts = Array.from({ length: hostCount }, (_, h) => ({
    id: h + 1,
    name: `host-${h}`,
    instance: `host-${h}:9100`,
  }));
  const cpu = process.cpuUsage();
  const a = performance.now();
  const items = capacityItems(usage, hosts, { now: end, horizonMs: 30 * day });
  const reportMs = performance.now() - a;
  const used = process.cpuUsage(cpu);
  const b = performance.now();
  let sink = 0;
  for (const u of usage) {
    const from = u.timestamps.length - 30 * 24;
    const line = leastSquares(u.timestamps.subarray(from), u.values.subarray(from));
    sink += line.slope;
  }
  const baseMs = performance.now() - b;
  if (Number.isNaN(sink)) console.log('(NaN seen)');
  const needing = items.filter((i) => i.needsAction).length;
  console.log(
    `| capacity report, ${hostCount.toLocaleString('en')} hosts × ${resources.length} series × ${n.toLocaleString('en')} points | ${(reportMs / 1000).toFixed(2)} | ${((used.user + used.system) / 1e6).toFixed(2)} | ${(baseMs / 1000).toFixed(3)} | ${(reportMs / baseMs).toFixed(0)}× | ${items.length.toLocaleString('en')} items, ${needing.toLocaleString('en')} need action within 30 days |`,
  );
}

export async function benchForecast(): Promise<void> {
  console.log('\n## Forecasts and capacity (one core, in memory)');
  console.log(
    `| run | opsdesk s (wall) | opsdesk s (CPU) | least-squares line s | ratio (wall) | fits chosen / outcome |`,
  );
  console.log('| --- | ---: | ---: | ---: | ---: | --- |');
  benchSeries(hour, 'hourly');
  benchSeries(5 * 60_000, '5-minute');
  benchCapacity();
}

if (import.meta.url === `file://${process.argv[1]}`) await benchForecast();
