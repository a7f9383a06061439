// opsdesk's PromQL beside a real Prometheus (Debian's, 2.42): the same generated series are backfilled into a
// Prometheus TSDB with promtool and loaded into an in-memory source, then a table of expressions is evaluated by both
// and compared. Evaluation times fall between samples, so the left-open windows of Prometheus 3 (which opsdesk
// follows) and the left-closed ones of 2.x agree; counters start far from zero, where their extrapolation rules agree.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySampleSource } from '../../src/monitoring/memory-sample-source.js';
import type { Labels } from '../../src/monitoring/metric-model.js';
import { labelsKey } from '../../src/monitoring/metric-model.js';
import { type PromQueryData, queryInstant, queryRange } from '../../src/monitoring/promql.js';

/** mulberry32: the same fixture every run. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// Two hours of samples every 15 s (at .250 past the second), ending an hour ago (Prometheus keeps 15 days).
const base = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3 * 3_600_000;
const count = 480;
const at = (i: number) => base + i * 15_000 + 250;

interface Fixture {
  labels: Labels;
  timestamps: number[];
  values: number[];
}

function fixtures(): Fixture[] {
  const rnd = random(42);
  const out: Fixture[] = [];
  const series = (labels: Labels, from: number, value: (i: number, prev: number) => number) => {
    const timestamps: number[] = [];
    const values: number[] = [];
    let prev = 0;
    for (let i = from; i < count; i++) {
      prev = value(i, prev);
      timestamps.push(at(i));
      values.push(prev);
    }
    out.push({ labels, timestamps, values });
  };
  for (const job of ['api', 'web']) {
    for (const instance of ['a', 'b', 'c']) {
      // Counters from 1,000 with random increments, one of them restarting twice.
      series({ __name__: 'http_requests_total', job, instance, code: '200' }, 0, (i, prev) =>
        i === 0
          ? 1000 + Math.floor(rnd() * 500)
          : job === 'web' && instance === 'b' && i % 200 === 0
            ? 3
            : prev + Math.floor(rnd() * 20),
      );
      series({ __name__: 'http_requests_total', job, instance, code: '500' }, 0, (i, prev) =>
        i === 0 ? 2000 : prev + (rnd() < 0.3 ? 1 : 0),
      );
      series({ __name__: 'memory_bytes', job, instance }, 0, () => Math.round(1e6 + rnd() * 1e5));
      series({ __name__: 'up', job, instance }, 0, () => (rnd() < 0.05 ? 0 : 1));
    }
    // A series that starts late, and a gauge that is a straight line.
    series({ __name__: 'late_total', job }, 300, (i, prev) => (i === 300 ? 5000 : prev + 10));
    series({ __name__: 'temperature_celsius', job }, 0, (i) => 20 + 0.01 * i);
    // Histogram buckets, cumulative.
    const bounds = ['0.1', '0.5', '1', '+Inf'];
    const counts = [0, 0, 0, 0];
    const steps = Array.from({ length: count }, () => {
      const add = [rnd() * 5, rnd() * 5, rnd() * 2, rnd()].map(Math.floor);
      let acc = 0;
      return add.map((a, k) => {
        acc += a;
        counts[k] += acc;
        return counts[k];
      });
    });
    bounds.forEach((le, k) => {
      series({ __name__: 'latency_seconds_bucket', job, le }, 0, (i) => 100 + steps[i][k]);
    });
  }
  return out;
}

function openMetrics(all: Fixture[]): string {
  const lines: string[] = [];
  for (const f of all) {
    const { __name__: name, ...rest } = f.labels;
    const labels = Object.entries(rest)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    f.timestamps.forEach((t, i) => {
      lines.push(`${name}{${labels}} ${f.values[i]} ${(t / 1000).toFixed(3)}`);
    });
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-promql-'));
let prometheus: ChildProcess | null = null;
let url = '';
const source = new MemorySampleSource();

beforeAll(async () => {
  const all = fixtures();
  for (const f of all) source.add(f.labels, f.timestamps, f.values);
  fs.writeFileSync(path.join(dir, 'data.om'), openMetrics(all));
  execFileSync('promtool', [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    path.join(dir, 'data.om'),
    path.join(dir, 'tsdb'),
  ]);
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    'prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: 'ignore' },
  );
  for (let i = 0; i < 100; i++) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('prometheus did not become ready');
}, 30_000);

afterAll(() => {
  prometheus?.kill();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function fromPrometheus(pathAndQuery: string): Promise<PromQueryData> {
  const res = await fetch(`${url}${pathAndQuery}`);
  const body = (await res.json()) as { status: string; data: PromQueryData; error?: string };
  if (body.status !== 'success') throw new Error(`prometheus: ${body.error}`);
  return body.data;
}

/** A result as { labels → [t, value][] }, comparable whatever the order. */
function normalise(data: PromQueryData): Map<string, [number, number][]> {
  const out = new Map<string, [number, number][]>();
  const num = (v: string) => (v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v));
  if (data.resultType === 'vector')
    for (const r of data.result) out.set(labelsKey(r.metric), [[r.value[0], num(r.value[1])]]);
  else if (data.resultType === 'matrix')
    for (const r of data.result)
      out.set(
        labelsKey(r.metric),
        r.values.map(([t, v]) => [t, num(v)]),
      );
  else out.set('', [[data.result[0], num(data.result[1])]]);
  return out;
}

function expectSame(ours: PromQueryData, theirs: PromQueryData): void {
  expect(ours.resultType).toBe(theirs.resultType);
  const a = normalise(ours);
  const b = normalise(theirs);
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  for (const [k, points] of b) {
    const mine = a.get(k)!;
    expect(mine.map((p) => p[0])).toEqual(points.map((p) => p[0]));
    points.forEach(([, want], i) => {
      const got = mine[i][1];
      if (Number.isNaN(want) || !Number.isFinite(want)) expect(got).toBe(want);
      else expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want)));
    });
  }
}

const expressions = [
  'http_requests_total',
  'http_requests_total{code!="200", instance=~"a|b"}',
  'rate(http_requests_total[5m])',
  'rate(http_requests_total[1m])',
  'increase(http_requests_total[10m])',
  'irate(http_requests_total[2m])',
  'increase(late_total[30m])',
  'delta(memory_bytes[5m])',
  'idelta(memory_bytes[5m])',
  'deriv(temperature_celsius[10m])',
  'predict_linear(temperature_celsius[10m], 3600)',
  'resets(http_requests_total[1h])',
  'changes(up[30m])',
  'avg_over_time(memory_bytes[10m])',
  'min_over_time(memory_bytes[10m])',
  'max_over_time(memory_bytes[10m])',
  'sum_over_time(up[10m])',
  'count_over_time(up[10m])',
  'last_over_time(memory_bytes[10m])',
  'quantile_over_time(0.9, memory_bytes[10m])',
  'stddev_over_time(memory_bytes[10m])',
  'sum by (job) (rate(http_requests_total[5m]))',
  'sum without (instance) (rate(http_requests_total[5m]))',
  'avg by (job, code) (http_requests_total)',
  'max(memory_bytes) by (job)',
  'min without (job) (memory_bytes)',
  'count by (code) (http_requests_total)',
  'quantile by (job) (0.5, memory_bytes)',
  'topk(2, memory_bytes)',
  'bottomk by (job) (1, memory_bytes)',
  'stddev by (job) (memory_bytes)',
  'rate(http_requests_total{code="500"}[5m]) / ignoring(code) rate(http_requests_total{code="200"}[5m])',
  'http_requests_total / on(job, instance) group_left memory_bytes',
  'memory_bytes * on(job) group_left temperature_celsius',
  'sum by (job) (http_requests_total) / on(job) group_right http_requests_total',
  'memory_bytes > 1050000',
  'memory_bytes > bool 1050000',
  '1050000 < memory_bytes',
  'up == 0',
  'http_requests_total and on(instance) up == 1',
  'memory_bytes or temperature_celsius',
  'http_requests_total unless on(job, instance) up == 0',
  '-memory_bytes + 2 ^ 3 * 4 % 5',
  'abs(-memory_bytes)',
  'round(temperature_celsius, 0.5)',
  'ceil(temperature_celsius)',
  'floor(temperature_celsius)',
  'clamp_min(up, 0.5)',
  'clamp_max(memory_bytes, 1050000)',
  'time()',
  'vector(1) + 1',
  'scalar(sum(up))',
  'absent(nonexistent{job="x"})',
  'absent(up)',
  'histogram_quantile(0.9, rate(latency_seconds_bucket[5m]))',
  'histogram_quantile(0.5, sum by (le) (rate(latency_seconds_bucket[5m])))',
  'label_replace(up, "host", "node-$1", "instance", "(.*)")',
  'memory_bytes offset 10m',
  `memory_bytes @ ${(at(100) + 700) / 1000}`,
  'rate(http_requests_total[5m] offset 30m)',
  'max_over_time(rate(http_requests_total[1m])[10m:1m])',
  'avg_over_time(sum by (job) (memory_bytes)[15m:2m])',
  'rate(http_requests_total[5m:30s])',
  'min_over_time(up[20m:] offset 5m)',
  'quantile_over_time(0.5, deriv(temperature_celsius[5m])[30m:5m])',
];

describe('opsdesk beside Prometheus', () => {
  // Between samples (samples are at .250 s past 15 s marks), over the whole span, after the late series started.
  const times = [at(60) + 7_700, at(250) + 3_450, at(400) + 11_950];

  it.each(expressions)('%s (instant)', async (query) => {
    let answered = 0;
    for (const t of times) {
      const theirs = await fromPrometheus(
        `/api/v1/query?query=${encodeURIComponent(query)}&time=${t / 1000}`,
      );
      const ours = await queryInstant(source, query, t);
      expectSame(ours, theirs);
      answered += normalise(theirs).size;
    }
    // Every expression but absent(up) answers something at some time, so the comparison is never of two empties.
    if (query !== 'absent(up)') expect(answered).toBeGreaterThan(0);
  });

  it.each([
    'sum by (job) (rate(http_requests_total[5m]))',
    'memory_bytes',
    'increase(late_total[10m])',
    'topk(1, memory_bytes)',
    'up == 0',
    '1 + 1',
    'max_over_time(rate(http_requests_total[1m])[10m:1m])',
  ])('%s (range)', async (query) => {
    const start = at(10) + 3_300;
    const end = at(470);
    const step = 60;
    const theirs = await fromPrometheus(
      `/api/v1/query_range?query=${encodeURIComponent(query)}&start=${start / 1000}&end=${end / 1000}&step=${step}`,
    );
    const ours = await queryRange(source, query, start, end, step * 1000);
    expectSame(ours, theirs);
  });
});
