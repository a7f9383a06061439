// PromQL over an in-memory source: results hand-checked against Prometheus's documented semantics (rate with a
// counter reset, increase's extrapolation, vector matching from the docs' own example, by/without, predict_linear on
// a line), errors with their positions, and random text that either answers or is refused as Invalid.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../src/core/errors.js';
import { MemorySampleSource } from '../../src/monitoring/memory-sample-source.js';
import {
  checkPromql,
  evaluateInstant,
  evaluateRange,
  formatValue,
  matrixJson,
  type PromQueryData,
  queryInstant,
  queryRange,
} from '../../src/monitoring/promql.js';
import { maxQueryNesting, PromqlError } from '../../src/monitoring/promql-parse.js';

const s = 1000;
/** Every 15 s from 0 to 600 s. */
const scrapes = Array.from({ length: 41 }, (_, i) => i * 15 * s);

function fixture(): MemorySampleSource {
  const src = new MemorySampleSource();
  src.add(
    { __name__: 'http_requests_total', job: 'api', instance: 'a' },
    scrapes,
    scrapes.map((_, i) => 10 * i),
  );
  // A counter that restarts at 300 s.
  src.add(
    { __name__: 'http_requests_total', job: 'api', instance: 'b' },
    scrapes,
    scrapes.map((_, i) => (i < 20 ? 5 * i : 5 * (i - 20))),
  );
  src.add(
    { __name__: 'http_requests_total', job: 'web', instance: 'c' },
    scrapes,
    scrapes.map((_, i) => 3 * i),
  );
  // A counter that appears at 240 s.
  const late = scrapes.filter((t) => t >= 240 * s);
  src.add(
    { __name__: 'late_total', start: '100' },
    late,
    late.map((_, i) => 100 + 10 * i),
  );
  src.add(
    { __name__: 'late_total', start: '2' },
    late,
    late.map((_, i) => 2 + 10 * i),
  );
  // A straight line: 2 per second from 5.
  src.add(
    { __name__: 'line' },
    scrapes,
    scrapes.map((t) => (2 * t) / s + 5),
  );
  src.add(
    { __name__: 'gauge', host: 'x' },
    scrapes,
    scrapes.map((_, i) => [3, 1, 4, 1, 5, 9, 2, 6][i % 8]),
  );
  src.add(
    { __name__: 'up', job: 'api', instance: 'a' },
    scrapes,
    scrapes.map(() => 1),
  );
  src.add(
    { __name__: 'up', job: 'api', instance: 'b' },
    scrapes,
    scrapes.map(() => 0),
  );
  // Prometheus's documentation example for vector matching (querying_operators "Vector matching").
  const at = [600 * s];
  for (const [method, code, v] of [
    ['get', '500', 24],
    ['get', '404', 30],
    ['put', '501', 3],
    ['post', '500', 6],
    ['post', '404', 21],
  ] as const) {
    src.add({ __name__: 'method_code:http_errors:rate5m', method, code }, at, [v]);
  }
  for (const [method, v] of [
    ['get', 600],
    ['del', 34],
    ['post', 120],
  ] as const) {
    src.add({ __name__: 'method:http_requests:rate5m', method }, at, [v]);
  }
  // A classic histogram: 10 ≤ 0.1, 30 ≤ 0.5, 40 ≤ 1, 40 in all.
  for (const [le, v] of [
    ['0.1', 10],
    ['0.5', 30],
    ['1', 40],
    ['+Inf', 40],
  ] as const) {
    src.add({ __name__: 'latency_seconds_bucket', job: 'api', le }, at, [v]);
  }
  return src;
}

const src = fixture();

/** The instant vector at t seconds as { labels-as-text: value }. */
async function vectorAt(query: string, t = 600): Promise<Record<string, number>> {
  const rows = await evaluateInstant(src, query, t * s);
  return Object.fromEntries(
    rows.map((r) => [
      Object.keys(r.labels)
        .sort()
        .map((k) => `${k}=${r.labels[k]}`)
        .join(','),
      r.value,
    ]),
  );
}

async function errorOf(query: string): Promise<DomainError> {
  try {
    await queryInstant(src, query, 600 * s);
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error(`no error for ${query}`);
}

describe('instant selectors', () => {
  it('look back 5 minutes, the window open on the left (Prometheus 3)', async () => {
    const one = new MemorySampleSource().add({ __name__: 'm' }, [0], [7]);
    expect(await evaluateInstant(one, 'm', 299 * s)).toEqual([{ labels: { __name__: 'm' }, value: 7 }]);
    expect(await evaluateInstant(one, 'm', 300 * s)).toEqual([]);
    expect(await evaluateInstant(one, 'm', 60 * s, { lookbackMs: 30 * s })).toEqual([]);
  });

  it('a staleness marker ends a series at once', async () => {
    const values = new Float64Array([1, 2, 0]);
    const bits = new Uint32Array(values.buffer);
    bits[4] = 2;
    bits[5] = 0x7ff00000;
    const stale = new MemorySampleSource().add({ __name__: 'm' }, [0, 15 * s, 30 * s], values);
    expect(await evaluateInstant(stale, 'm', 20 * s)).toEqual([{ labels: { __name__: 'm' }, value: 2 }]);
    expect(await evaluateInstant(stale, 'm', 31 * s)).toEqual([]);
    expect(await evaluateInstant(stale, 'count_over_time(m[1m])', 31 * s)).toEqual([
      { labels: {}, value: 2 },
    ]);
  });

  it('match labels by equality, inequality and fully anchored regular expressions', async () => {
    expect(Object.keys(await vectorAt('http_requests_total{job="api"}'))).toHaveLength(2);
    expect(Object.keys(await vectorAt('http_requests_total{instance=~"a|c"}'))).toHaveLength(2);
    expect(Object.keys(await vectorAt('http_requests_total{instance=~"a."}'))).toHaveLength(0);
    expect(Object.keys(await vectorAt('http_requests_total{job!="api"}'))).toEqual([
      '__name__=http_requests_total,instance=c,job=web',
    ]);
    expect(Object.keys(await vectorAt('{__name__=~"http_.*", instance!~"a|b"}'))).toHaveLength(1);
    expect(Object.keys(await vectorAt('http_requests_total{nope=""}'))).toHaveLength(3);
  });

  it('offset and @ move the evaluation time', async () => {
    expect(await vectorAt('http_requests_total{instance="a"} offset 5m')).toEqual({
      '__name__=http_requests_total,instance=a,job=api': 200,
    });
    expect(await vectorAt('http_requests_total{instance="a"} @ 150')).toEqual({
      '__name__=http_requests_total,instance=a,job=api': 100,
    });
    expect(await vectorAt('http_requests_total{instance="a"} @ 300 offset 1m')).toEqual({
      '__name__=http_requests_total,instance=a,job=api': 160,
    });
    const range = await queryRange(src, 'line @ end()', 0, 60 * s, 30 * s);
    expect(range).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'line' },
          values: [
            [0, '125'],
            [30, '125'],
            [60, '125'],
          ],
        },
      ],
    });
  });
});

describe('rates and changes', () => {
  it('rate and increase of a steady counter', async () => {
    expect(await vectorAt('rate(http_requests_total{instance="a"}[5m])')).toEqual({
      'instance=a,job=api': 10 / 15,
    });
    expect(await vectorAt('increase(http_requests_total{instance="a"}[5m])')).toEqual({
      'instance=a,job=api': 200,
    });
  });

  it('a counter reset counts the value before the drop, and extrapolates to the window', async () => {
    // At 450 s the window (150 s, 450 s] holds 55…95, then 0…50 after the restart: 40 + 50 = 90 over 285 s of samples,
    // extrapolated by the 15 s to the window's start (under 1.1 × the 15 s spacing): × 300 / 285.
    const got = await vectorAt('increase(http_requests_total{instance="b"}[5m])', 450);
    expect(got['instance=b,job=api']).toBeCloseTo((90 * 300) / 285, 10);
    const rate = await vectorAt('rate(http_requests_total{instance="b"}[5m])', 450);
    expect(rate['instance=b,job=api']).toBeCloseTo((90 * 300) / 285 / 300, 12);
    expect(await vectorAt('resets(http_requests_total{instance="b"}[5m])', 450)).toEqual({
      'instance=b,job=api': 1,
    });
    // delta does not know counters: 50 − 55, extrapolated alike.
    const delta = await vectorAt('delta(http_requests_total{instance="b"}[5m])', 450);
    expect(delta['instance=b,job=api']).toBeCloseTo((-5 * 300) / 285, 10);
  });

  it('a series starting inside the window extrapolates half a spacing, never below the counter’s zero', async () => {
    // Samples 240…360 s: 80 over 120 s; the start is 180 s from the window's edge, so only 7.5 s are added.
    expect(await vectorAt('increase(late_total{start="100"}[5m])', 360)).toEqual({ 'start=100': 85 });
  });

  it('the zero point of a counter bounds the extrapolation', async () => {
    // From 2 rising 80 in 120 s the counter was zero 3 s before its first sample: 80 × 123 / 120.
    const got = await vectorAt('increase(late_total{start="2"}[5m])', 360);
    expect(got['start=2']).toBeCloseTo((80 * 123) / 120, 10);
  });

  it('irate takes the last two samples, a drop counting as a reset', async () => {
    expect(await vectorAt('irate(http_requests_total{instance="a"}[1m])')).toEqual({
      'instance=a,job=api': 10 / 15,
    });
    // At 300 s the last two are 95 (285 s) and 0 (300 s): a reset, so 0 / 15.
    expect(await vectorAt('irate(http_requests_total{instance="b"}[1m])', 300)).toEqual({
      'instance=b,job=api': 0,
    });
    expect(await vectorAt('idelta(http_requests_total{instance="b"}[1m])', 300)).toEqual({
      'instance=b,job=api': -95,
    });
  });

  it('deriv and predict_linear on a line', async () => {
    expect((await vectorAt('deriv(line[5m])'))['']).toBeCloseTo(2, 10);
    // 2 × (600 + 3600) + 5
    expect((await vectorAt('predict_linear(line[5m], 3600)'))['']).toBeCloseTo(8405, 6);
  });

  it('a window with one sample yields no rate', async () => {
    expect(await vectorAt('rate(http_requests_total{instance="a"}[10s])')).toEqual({});
  });
});

describe('over time', () => {
  // At 600 s the 2-minute window (480 s, 600 s] holds i = 33…40: [1,4,1,5,9,2,6,3].
  const window = [1, 4, 1, 5, 9, 2, 6, 3];
  const mean = window.reduce((a, b) => a + b) / window.length;
  const cases: [string, number][] = [
    ['avg_over_time', mean],
    ['min_over_time', 1],
    ['max_over_time', 9],
    ['sum_over_time', 31],
    ['count_over_time', 8],
    ['last_over_time', 3],
    ['stddev_over_time', Math.sqrt(window.reduce((a, b) => a + (b - mean) ** 2, 0) / window.length)],
    ['stdvar_over_time', window.reduce((a, b) => a + (b - mean) ** 2, 0) / window.length],
  ];
  it.each(cases)('%s', async (fn, want) => {
    const got = await evaluateInstant(src, `${fn}(gauge[2m])`, 600 * s);
    expect(got).toHaveLength(1);
    expect(got[0].value).toBeCloseTo(want, 10);
    expect(got[0].labels).toEqual(fn === 'last_over_time' ? { __name__: 'gauge', host: 'x' } : { host: 'x' });
  });

  it('quantile_over_time interpolates between ranks', async () => {
    // sorted [1,1,2,3,4,5,6,9]: rank 0.5 × 7 = 3.5 → 3 + 0.5 × (4 − 3)
    expect(await vectorAt('quantile_over_time(0.5, gauge[2m])')).toEqual({ 'host=x': 3.5 });
  });
});

describe('aggregations', () => {
  it('sum by and sum without give the same groups', async () => {
    const by = await vectorAt('sum by (job) (http_requests_total)');
    expect(by).toEqual({ 'job=api': 400 + 100, 'job=web': 120 });
    expect(await vectorAt('sum without (instance) (http_requests_total)')).toEqual(by);
    expect(await vectorAt('sum(http_requests_total) by (job)')).toEqual(by);
    expect(await vectorAt('sum(http_requests_total)')).toEqual({ '': 620 });
  });

  it('avg, min, max, count and quantile', async () => {
    expect(await vectorAt('avg by (job) (http_requests_total)')).toEqual({ 'job=api': 250, 'job=web': 120 });
    expect(await vectorAt('min(http_requests_total)')).toEqual({ '': 100 });
    expect(await vectorAt('max by (job) (http_requests_total)')).toEqual({ 'job=api': 400, 'job=web': 120 });
    // without drops the metric name too.
    expect(await vectorAt('count without (instance) (http_requests_total)')).toEqual({
      'job=api': 2,
      'job=web': 1,
    });
    // [100, 120, 400]: rank 0.9 × 2 = 1.8 → 120 + 0.8 × 280
    expect((await vectorAt('quantile(0.9, http_requests_total)'))['']).toBeCloseTo(344, 10);
  });

  it('topk and bottomk keep the series, in order', async () => {
    const top = await queryInstant(src, 'topk(2, http_requests_total)', 600 * s);
    expect(top.resultType === 'vector' && top.result.map((r) => r.metric.instance)).toEqual(['a', 'c']);
    const bottom = await queryInstant(src, 'bottomk by (job) (1, http_requests_total)', 600 * s);
    expect(bottom.resultType === 'vector' && bottom.result.map((r) => r.metric.instance)).toEqual(['b', 'c']);
  });
});

describe('binary operators', () => {
  it('arithmetic between scalars and vectors drops the metric name', async () => {
    expect(await queryInstant(src, '2 ^ 3 % 5 + 1', 0)).toEqual({ resultType: 'scalar', result: [0, '4'] });
    expect(await vectorAt('http_requests_total{instance="a"} / 4')).toEqual({ 'instance=a,job=api': 100 });
    expect(await vectorAt('1 - up')).toEqual({ 'instance=a,job=api': 0, 'instance=b,job=api': 1 });
    expect(await vectorAt('-up{instance="a"}')).toEqual({ 'instance=a,job=api': -1 });
  });

  it('comparisons filter, keeping the vector’s value and name, or answer 0/1 with bool', async () => {
    expect(await vectorAt('http_requests_total > 110')).toEqual({
      '__name__=http_requests_total,instance=a,job=api': 400,
      '__name__=http_requests_total,instance=c,job=web': 120,
    });
    expect(await vectorAt('110 < http_requests_total{instance="c"}')).toEqual({
      '__name__=http_requests_total,instance=c,job=web': 120,
    });
    expect(await vectorAt('up == bool 1')).toEqual({ 'instance=a,job=api': 1, 'instance=b,job=api': 0 });
    expect(await queryInstant(src, '1 > bool 2', 0)).toEqual({ resultType: 'scalar', result: [0, '0'] });
  });

  it('one-to-one matching with ignoring, as in Prometheus’s documentation', async () => {
    const got = await vectorAt(
      'method_code:http_errors:rate5m{code="500"} / ignoring(code) method:http_requests:rate5m',
    );
    expect(got).toEqual({ 'method=get': 0.04, 'method=post': 0.05 });
  });

  it('many-to-one matching with group_left, as in Prometheus’s documentation', async () => {
    const got = await vectorAt(
      'method_code:http_errors:rate5m / ignoring(code) group_left method:http_requests:rate5m',
    );
    expect(got).toEqual({
      'code=500,method=get': 0.04,
      'code=404,method=get': 0.05,
      'code=500,method=post': 0.05,
      'code=404,method=post': 0.175,
    });
  });

  it('group_right and on() with copied labels', async () => {
    const got = await vectorAt(
      'method:http_requests:rate5m / on(method) group_right method_code:http_errors:rate5m',
    );
    expect(got['code=404,method=post']).toBeCloseTo(120 / 21, 12);
    const copied = await vectorAt('up * on(instance) group_left(job) http_requests_total{instance="a"}');
    expect(copied).toEqual({ 'instance=a,job=api': 400 });
  });

  it('many-to-many matching without a group modifier is refused', async () => {
    const err = await errorOf('method_code:http_errors:rate5m / on(method) method:http_requests:rate5m');
    expect(err.code).toBe('promql_execution');
    expect(err.message).toMatch(/many-to-one matching must be explicit/);
  });

  it('and, or, unless', async () => {
    expect(Object.keys(await vectorAt('http_requests_total and up'))).toEqual([
      '__name__=http_requests_total,instance=a,job=api',
      '__name__=http_requests_total,instance=b,job=api',
    ]);
    expect(Object.keys(await vectorAt('http_requests_total unless on(instance) up == 0'))).toEqual([
      '__name__=http_requests_total,instance=a,job=api',
      '__name__=http_requests_total,instance=c,job=web',
    ]);
    const either = await vectorAt('up or on(instance) http_requests_total');
    expect(either).toEqual({
      '__name__=up,instance=a,job=api': 1,
      '__name__=up,instance=b,job=api': 0,
      '__name__=http_requests_total,instance=c,job=web': 120,
    });
  });
});

describe('functions', () => {
  it('abs, ceil, floor, round, clamp_min, clamp_max', async () => {
    expect(await vectorAt('abs(-2 * up{instance="a"})')).toEqual({ 'instance=a,job=api': 2 });
    expect(await vectorAt('ceil(line / 7)')).toEqual({ '': Math.ceil(1205 / 7) });
    expect(await vectorAt('floor(line / 7)')).toEqual({ '': Math.floor(1205 / 7) });
    expect(await vectorAt('round(line / 7, 0.5)')).toEqual({ '': 172 });
    expect(await vectorAt('clamp_min(http_requests_total, 150)')).toEqual({
      'instance=a,job=api': 400,
      'instance=b,job=api': 150,
      'instance=c,job=web': 150,
    });
    expect(await vectorAt('clamp_max(up, 0.5)')).toEqual({
      'instance=a,job=api': 0.5,
      'instance=b,job=api': 0,
    });
  });

  it('time, vector and scalar', async () => {
    expect(await queryInstant(src, 'time()', 90 * s)).toEqual({ resultType: 'scalar', result: [90, '90'] });
    expect(await vectorAt('vector(time())', 90)).toEqual({ '': 90 });
    expect(await queryInstant(src, 'scalar(up{instance="a"})', 0)).toEqual({
      resultType: 'scalar',
      result: [0, '1'],
    });
    expect(await queryInstant(src, 'scalar(up)', 0)).toEqual({ resultType: 'scalar', result: [0, 'NaN'] });
  });

  it('absent answers 1 with the equality labels only when nothing matches', async () => {
    expect(await vectorAt('absent(nonexistent{job="myjob", instance=~".*"})')).toEqual({ 'job=myjob': 1 });
    expect(await vectorAt('absent(up)')).toEqual({});
    expect(await vectorAt('absent_over_time(nope{job="x"}[5m])')).toEqual({ 'job=x': 1 });
  });

  it('histogram_quantile interpolates inside the bucket', async () => {
    // rank 20 falls in (0.1, 0.5] holding 20 of the observations from 10: 0.1 + 0.4 × 10 / 20
    expect((await vectorAt('histogram_quantile(0.5, latency_seconds_bucket)'))['job=api']).toBeCloseTo(
      0.3,
      12,
    );
    // rank 39.6 falls in (0.5, 1] holding 10 from 30: 0.5 + 0.5 × 9.6 / 10
    expect((await vectorAt('histogram_quantile(0.99, latency_seconds_bucket)'))['job=api']).toBeCloseTo(
      0.98,
      12,
    );
    expect(await vectorAt('histogram_quantile(1.5, latency_seconds_bucket)')).toEqual({
      'job=api': Infinity,
    });
  });

  it('label_replace', async () => {
    expect(Object.keys(await vectorAt('label_replace(up, "host", "node-$1", "instance", "(.*)")'))).toEqual([
      '__name__=up,host=node-a,instance=a,job=api',
      '__name__=up,host=node-b,instance=b,job=api',
    ]);
    expect(Object.keys(await vectorAt('label_replace(up, "instance", "", "instance", "a")'))).toEqual([
      '__name__=up,instance=b,job=api',
      '__name__=up,job=api',
    ]);
    const clash = await errorOf('label_replace(up, "instance", "x", "instance", ".*")');
    expect(clash.code).toBe('promql_execution');
  });
});

describe('subqueries', () => {
  it('evaluate the inner expression at multiples of the step inside the window', async () => {
    // rate over 1 m is 10/15 everywhere on instance a; its maximum over 5 minutes too.
    expect(await vectorAt('max_over_time(rate(http_requests_total{instance="a"}[1m])[5m:1m])')).toEqual({
      'instance=a,job=api': 10 / 15,
    });
    // Points at 540 s and 600 s (the window (480 s, 600 s] is left-open), 360 and 400.
    expect(await queryInstant(src, 'http_requests_total{instance="a"}[2m:1m]', 600 * s)).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'http_requests_total', job: 'api', instance: 'a' },
          values: [
            [540, '360'],
            [600, '400'],
          ],
        },
      ],
    });
    expect(await vectorAt('sum_over_time(http_requests_total{instance="a"}[2m:1m] offset 1m)')).toEqual({
      'instance=a,job=api': 320 + 360,
    });
  });
});

describe('result shapes', () => {
  it('an instant query answers vector, scalar, string or, for a range selector, matrix', async () => {
    expect(await queryInstant(src, 'up{instance="a"}', 600 * s)).toEqual({
      resultType: 'vector',
      result: [{ metric: { __name__: 'up', job: 'api', instance: 'a' }, value: [600, '1'] }],
    });
    expect(await queryInstant(src, '"text"', 1500)).toEqual({ resultType: 'string', result: [1.5, 'text'] });
    const m = await queryInstant(src, 'up{instance="a"}[30s]', 600 * s);
    expect(m).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'up', job: 'api', instance: 'a' },
          values: [
            [585, '1'],
            [600, '1'],
          ],
        },
      ],
    });
  });

  it('a range query evaluates at start, start + step, … ≤ end; a scalar becomes one series without labels', async () => {
    const r = (await queryRange(src, 'up{instance="a"}', 0, 100 * s, 30 * s)) as Extract<
      PromQueryData,
      { resultType: 'matrix' }
    >;
    expect(r.result[0].values.map((v) => v[0])).toEqual([0, 30, 60, 90]);
    expect(await queryRange(src, '1 + 1', 0, 10 * s, 10 * s)).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: {},
          values: [
            [0, '2'],
            [10, '2'],
          ],
        },
      ],
    });
    // The series appears at 240 s: no points before.
    const late = (await queryRange(src, 'late_total{start="2"}', 0, 600 * s, 120 * s)) as Extract<
      PromQueryData,
      { resultType: 'matrix' }
    >;
    expect(late.result[0].values.map((v) => v[0])).toEqual([240, 360, 480, 600]);
  });

  it('the streamed JSON text of a range query is queryRange’s result', async () => {
    for (const query of ['up', 'rate(http_requests_total[1m])', '1 / (up - 1)', 'absent(nope)', 'nope']) {
      const { steps, series } = await evaluateRange(src, query, 0, 600 * s, 45 * s);
      expect(JSON.parse([...matrixJson(steps, series)].join(''))).toEqual(
        await queryRange(src, query, 0, 600 * s, 45 * s),
      );
    }
  });

  it('a range query over a range vector or a string is refused', async () => {
    await expect(queryRange(src, 'up[5m]', 0, 60 * s, 15 * s)).rejects.toMatchObject({
      code: 'invalid_promql',
    });
    await expect(queryRange(src, '"x"', 0, 60 * s, 15 * s)).rejects.toMatchObject({ code: 'invalid_promql' });
  });

  it('values are written as Prometheus writes them', () => {
    expect([Number.NaN, Infinity, -Infinity, 1e21, 1.5e-7, -2.5e22, 0.1, 42].map(formatValue)).toEqual([
      'NaN',
      '+Inf',
      '-Inf',
      '1000000000000000000000',
      '0.00000015',
      '-25000000000000000000000',
      '0.1',
      '42',
    ]);
  });
});

describe('bounds', () => {
  it('a range query has at most 11,000 steps', async () => {
    await expect(queryRange(src, 'up', 0, 11_000 * s, s)).rejects.toMatchObject({
      code: 'promql_too_many_points',
    });
    await expect(queryRange(src, 'up', 0, 10_999 * s, s)).resolves.toMatchObject({ resultType: 'matrix' });
    await expect(queryRange(src, 'up', 10 * s, 0, s)).rejects.toMatchObject({ code: 'invalid_promql' });
    await expect(queryRange(src, 'up', 0, 10 * s, 0)).rejects.toMatchObject({ code: 'invalid_promql' });
  });

  it('a query touching more samples than the bound is refused', async () => {
    await expect(
      queryInstant(src, 'sum(rate(http_requests_total[10m]))', 600 * s, { maxSamples: 50 }),
    ).rejects.toMatchObject({ kind: 'too_large', code: 'promql_too_many_samples' });
    await expect(
      queryInstant(src, 'sum(rate(http_requests_total[10m]))', 600 * s, { maxSamples: 500 }),
    ).resolves.toBeTruthy();
    await expect(
      queryInstant(src, 'http_requests_total[10m]', 600 * s, { maxSamples: 100 }),
    ).rejects.toMatchObject({
      code: 'promql_too_many_samples',
    });
  });
});

describe('invalid PromQL', () => {
  const cases: [string, string, number, number, number][] = [
    // query, code, line, column, offset
    ['sum(up', 'invalid_promql', 1, 7, 6],
    ['up{job="a"', 'invalid_promql', 1, 11, 10],
    ['rate(up)', 'invalid_promql', 1, 6, 5],
    ['up +\n  * 2', 'invalid_promql', 2, 3, 7],
    ['up{job=~"("}', 'invalid_promql', 1, 9, 8],
    ['1 > 2', 'invalid_promql', 1, 3, 2],
    ['{job=""}', 'invalid_promql', 1, 1, 0],
    ['sum(up) + rate(up[5m] offset 1m offset 2m)', 'invalid_promql', 1, 33, 32],
    ['holt_winters(up[5m], 0.1, 0.1)', 'unsupported_promql', 1, 1, 0],
    ['count_values("v", up)', 'unsupported_promql', 1, 1, 0],
    ['max_over_time(up[5m] @ 1 offset 1m offset 2m)', 'invalid_promql', 1, 36, 35],
    ['up + limitk(2, up)', 'unsupported_promql', 1, 6, 5],
    ['up[5m][10m:]', 'invalid_promql', 1, 1, 0],
    ['up + timestamp(up)', 'unsupported_promql', 1, 6, 5],
  ];
  it.each(cases)('%j → %s at %i:%i', async (query, code, line, column, offset) => {
    const err = await errorOf(query);
    expect(err).toBeInstanceOf(PromqlError);
    expect(err.code).toBe(code);
    expect((err as PromqlError).position).toEqual({ line, column, offset });
    expect(err.message).toContain(`line ${line}, column ${column} (offset ${offset})`);
    expect(err.fields[0].field).toBe('query');
    expect(() => checkPromql(query)).toThrow(PromqlError);
  });

  // Lezer took seconds over a thousand unclosed calls (the fuzz suite, issue 20): deep nesting is refused before it parses.
  it('refuses brackets nested deeper than the bound, naming where, and takes a query just within it', async () => {
    const err = await errorOf('sum('.repeat(1_000));
    expect(err).toBeInstanceOf(PromqlError);
    expect(err.code).toBe('invalid_promql');
    // The 129th opening bracket, the fourth character of the 129th "sum(".
    expect((err as PromqlError).position.offset).toBe(4 * maxQueryNesting + 3);
    expect(err.message).toContain(`deeper than ${maxQueryNesting}`);
    const within = `${'('.repeat(maxQueryNesting)}up${')'.repeat(maxQueryNesting)}`;
    expect(() => checkPromql(within)).not.toThrow();
    // Brackets inside strings and comments do not count.
    expect(() => checkPromql(`up{job="${'('.repeat(500)}"} # ${'('.repeat(500)}`)).not.toThrow();
  });

  it('names the unsupported function', async () => {
    expect((await errorOf('holt_winters(up[5m], 0.1, 0.1)')).message).toContain('holt_winters()');
    expect((await errorOf('timestamp(up)')).message).toContain('timestamp()');
  });

  it('random text either answers or is refused as Invalid, never crashes', async () => {
    const tokens = [
      'up',
      'http_requests_total',
      'rate(',
      'sum',
      'by',
      '(',
      ')',
      '{',
      '}',
      '[5m]',
      '[1m]',
      'job="api"',
      ',',
      '+',
      '-',
      '*',
      '/',
      '^',
      '%',
      '==',
      '>',
      'bool',
      'and',
      'or',
      'unless',
      'on(job)',
      'ignoring(instance)',
      'group_left',
      'offset 1m',
      '@ 100',
      '1',
      '0.5',
      'NaN',
      'Inf',
      '"x"',
      'topk(',
      'histogram_quantile(',
      'label_replace(',
      'abs(',
      'quantile_over_time(',
      'without',
      '=~',
      '"a.*"',
      'absent(',
      'time()',
      ' ',
      '[10m:1m]',
      '[5m:]',
      'max_over_time(',
      'forecast(',
      'timeleft(',
    ];
    const text = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.array(fc.constantFrom(...tokens), { maxLength: 14 }).map((t) => t.join('')),
    );
    await fc.assert(
      fc.asyncProperty(text, async (query) => {
        try {
          await queryInstant(src, query, 600 * s);
          await queryRange(src, query, 0, 600 * s, 60 * s).catch((err) => {
            if (!(err instanceof DomainError)) throw err;
          });
        } catch (err) {
          if (!(err instanceof DomainError) || !['invalid', 'too_large'].includes(err.kind)) throw err;
        }
      }),
      { numRuns: 600, seed: 11 },
    );
  });
});

describe('forecast and timeleft', () => {
  it('forecast follows a line and timeleft dates its crossing', async () => {
    // 2 per second from 5: 8405 at 600 + 3600 s, as predict_linear; 10,000 is reached at 4997.5 s.
    expect((await vectorAt('forecast(line[5m], 3600)'))['']).toBeCloseTo(8405, 3);
    expect((await vectorAt('timeleft(line[5m], 10000)'))['']).toBeCloseTo(4397.5, 0);
    // Already past 100 on the way up: it never reaches it again (as Zabbix's timeleft, the next crossing counts).
    expect((await vectorAt('timeleft(line[5m], 100)'))['']).toBe(Infinity);
  });

  it('timeleft is +Inf for a flat series, and a window of fewer than 3 samples answers nothing', async () => {
    expect(await vectorAt('timeleft(up{instance="a"}[5m], 2)')).toEqual({ 'instance=a,job=api': Infinity });
    expect(await vectorAt('forecast(line[20s], 60)')).toEqual({});
  });

  it('works in range queries, with offset, and inside expressions and rules', async () => {
    const { series } = await evaluateRange(src, 'forecast(line[5m], 60)', 300 * s, 600 * s, 60 * s);
    expect(series).toHaveLength(1);
    expect(Array.from(series[0].values).map((v) => Math.round(v))).toEqual([725, 845, 965, 1085, 1205, 1325]);
    // As predict_linear: the offset moves the window, the forecast still counts from the evaluation time.
    expect((await vectorAt('forecast(line[5m] offset 1m, 60)'))['']).toBeCloseTo(1325, 3);
    const rows = await evaluateInstant(src, 'timeleft(line[5m], 10000) < 86400', 600 * s);
    expect(rows).toHaveLength(1);
  });

  it('checks its arguments like any function, and leaves labels and strings of the same name alone', async () => {
    expect((await errorOf('forecast(line, 60)')).message).toContain('expected type range vector');
    expect((await errorOf('timeleft(line[5m])')).message).toContain('expected 2 argument(s)');
    expect((await errorOf('myforecast(line[5m], 60)')).code).toBe('unsupported_promql');
    expect(await vectorAt('sum by (forecast) (line)')).toEqual({ '': 1205 });
    expect(await vectorAt('label_replace(line, "x", "timeleft(", "", "")')).toEqual({
      '__name__=line,x=timeleft(': 1205,
    });
  });
});
