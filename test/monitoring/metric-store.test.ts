// The metric store on SQLite and PostgreSQL: appends read back (before and after compaction), every refusal counted
// by its reason with the valid rest kept, label matchers as PromQL has them, rollups equal to the raw samples'
// buckets, retention per resolution on a ManualClock, a restarted instance keeping the order rules, two instances
// appending at once, and a property test of random batches against a model of Prometheus's ordering rules.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { ConfigError, loadConfig } from '../../src/core/config.js';
import { DomainError } from '../../src/core/errors.js';
import { JobScheduler } from '../../src/core/jobs.js';
import {
  compactMetrics,
  type IngestSeries,
  type LabelMatcher,
  type Labels,
  maintainMetricStore,
  metricStore,
  registerMetricStore,
  rollupMetrics,
  storeStats,
  sweepMetricRetention,
} from '../../src/monitoring/index.js';
import { pendingWalRows } from '../../src/monitoring/metric-store.js';
import { queryRange } from '../../src/monitoring/promql.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;
const source = { key: 'scrape:1', maxSeries: 1000 };

function eq(name: string, value: string): LabelMatcher {
  return { name, op: '=', value };
}

function series(labels: Labels, samples: [number, number][]): IngestSeries {
  return { labels, timestamps: samples.map((s) => s[0]), values: samples.map((s) => s[1]) };
}

function pairs(s: { timestamps: Float64Array; values: Float64Array }): [number, number][] {
  return Array.from(s.timestamps, (t, i) => [t, s.values[i] as number]);
}

describe('metric store configuration', () => {
  it('reads retentions as ISO 8601 durations or days, and refuses what does not fit', () => {
    const c = loadConfig({
      OPSDESK_METRICS_RETENTION_RAW: 'P1W',
      OPSDESK_METRICS_RETENTION_1M: '30',
      OPSDESK_METRICS_RETENTION_1H: 'P400DT12H',
    });
    expect(c.metricsRetentionRawMs).toBe(7 * day);
    expect(c.metricsRetention1mMs).toBe(30 * day);
    expect(c.metricsRetention1hMs).toBe(400 * day + 12 * hour);
    const d = loadConfig({});
    expect([d.metricsRetentionRawMs, d.metricsRetention1mMs, d.metricsRetention1hMs]).toEqual([
      15 * day,
      90 * day,
      730 * day,
    ]);
    for (const [name, value] of [
      ['OPSDESK_METRICS_RETENTION_RAW', 'P1Y'],
      ['OPSDESK_METRICS_RETENTION_RAW', 'PT'],
      ['OPSDESK_METRICS_RETENTION_RAW', 'PT30M'],
      ['OPSDESK_METRICS_RETENTION_RAW', 'fifteen'],
      ['OPSDESK_METRICS_RETENTION_1M', 'P1D'],
      ['OPSDESK_METRICS_RETENTION_1H', 'P30D'],
    ] as const) {
      expect(() => loadConfig({ [name]: value }), `${name}=${value}`).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(name);
    }
  });
});

describe.each(dialects)('metric store on %s', (dialect) => {
  let t: TestContext;
  let now: number;
  beforeAll(async () => {
    t = await makeContext(dialect);
    now = t.clock.now();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('reads back what it appended, before and after compaction, and merges both', async () => {
    const store = metricStore(t.ctx);
    const a = { __name__: 'rt_requests_total', job: 'api', instance: 'a:9100' };
    const b = { __name__: 'rt_requests_total', job: 'api', instance: 'b:9100' };
    const r = await store.append(
      [
        series(a, [
          [now - 30 * second, 1],
          [now - 15 * second, 2.5],
        ]),
        series(b, [[now - 15 * second, -7]]),
      ],
      source,
    );
    expect(r).toEqual({ accepted: 3, rejected: {} });
    const read = async () =>
      (await store.select([eq('__name__', 'rt_requests_total')], now - hour, now)).map((s) => ({
        labels: s.labels,
        samples: pairs(s),
      }));
    const before = await read();
    expect(before).toEqual([
      {
        labels: a,
        samples: [
          [now - 30 * second, 1],
          [now - 15 * second, 2.5],
        ],
      },
      { labels: b, samples: [[now - 15 * second, -7]] },
    ]);
    expect(await pendingWalRows(t.ctx)).toBeGreaterThan(0);
    await compactMetrics(t.ctx);
    expect(await pendingWalRows(t.ctx)).toBe(0);
    expect(await read()).toEqual(before);
    await store.append([series(a, [[now, 3]])], source);
    const after = await read();
    expect(after[0]?.samples).toEqual([
      [now - 30 * second, 1],
      [now - 15 * second, 2.5],
      [now, 3],
    ]);
    // A narrower range cuts both chunk and write-ahead samples.
    const narrow = await store.select([eq('instance', 'a:9100')], now - 20 * second, now - second);
    expect(narrow.map(pairs)).toEqual([[[now - 15 * second, 2.5]]]);
    expect(await store.series([eq('job', 'api')], now - hour, now)).toEqual([a, b]);
    expect(await store.series([eq('job', 'api')], now - 2 * day, now - day)).toEqual([]);
    expect(await store.labelNames([eq('job', 'api')], now - hour, now)).toEqual([
      '__name__',
      'instance',
      'job',
    ]);
    expect(await store.labelValues('instance', [eq('job', 'api')], now - hour, now)).toEqual([
      'a:9100',
      'b:9100',
    ]);
  });

  it('refuses each bad sample by its reason and keeps the valid rest of the batch', async () => {
    const store = metricStore(t.ctx);
    const ok = { __name__: 'rj_ok' };
    await store.append([series(ok, [[now - minute, 5]])], source);
    const r = await store.append(
      [
        series({ __name__: '1bad' }, [[now, 1]]),
        series({ __name__: 'rj_x', 'bad-name': 'v' }, [[now, 1]]),
        series({ __name__: 'rj_x', __reserved: 'v' }, [[now, 1]]),
        series({ __name__: 'rj_x', lone: '\uD800' }, [[now, 1]]),
        series({ __name__: 'rj_x', long: 'x'.repeat(5000) }, [[now, 1]]),
        series(ok, [
          [now - 2 * minute, 1], // older than the newest: out of order
          [now - minute, 6], // same timestamp, another value: duplicate
          [now - minute, 5], // same timestamp and value: accepted silently
          [now + 11 * minute, 1], // too far in the future
          [now - 16 * day, 1], // older than raw retention
          [now - 30 * second, 7], // fine
          [now - 30 * second + 0.5, 7], // not a whole millisecond
        ]),
      ],
      source,
    );
    expect(r.rejected).toEqual({
      invalid_metric_name: 1,
      invalid_label_name: 2,
      invalid_label_value: 1,
      label_too_long: 1,
      out_of_order: 1,
      duplicate_sample: 1,
      too_far_in_future: 1,
      too_old: 1,
      invalid_timestamp: 1,
    });
    expect(r.accepted).toBe(2);
    const got = await store.select([eq('__name__', 'rj_ok')], now - hour, now);
    expect(got.map(pairs)).toEqual([
      [
        [now - minute, 5],
        [now - 30 * second, 7],
      ],
    ]);
    const stats = await storeStats(t.ctx);
    expect(stats.rejected.out_of_order).toBeGreaterThanOrEqual(1);
    expect(stats.rejectedBySource.scrape?.invalid_metric_name).toBeGreaterThanOrEqual(1);
    expect(stats.samplesAppended).toBeGreaterThan(0);
    expect(stats.series).toBeGreaterThan(0);
  });

  it('refuses new series over the source limit, not the series it already has', async () => {
    const store = metricStore(t.ctx);
    const limited = { key: 'remote_write:7', maxSeries: 3 };
    const batch = (k: number, at: number) =>
      Array.from({ length: k }, (_, i) => series({ __name__: 'lim_total', i: String(i) }, [[at, i]]));
    const first = await store.append(batch(5, now - minute), limited);
    expect(first).toEqual({ accepted: 3, rejected: { series_limit: 2 } });
    const again = await store.append(batch(3, now), limited);
    expect(again).toEqual({ accepted: 3, rejected: {} });
    // Another source's limit is its own.
    const other = await store.append(batch(5, now), { key: 'remote_write:8', maxSeries: 10 });
    expect(other.accepted).toBe(5);
    // Series idle for over an hour no longer count.
    t.clock.advance(2 * hour);
    const later = await store.append(
      [series({ __name__: 'lim_total', i: 'new' }, [[t.clock.now(), 1]])],
      limited,
    );
    t.clock.set(now);
    expect(later.accepted).toBe(1);
  });

  it('matches labels with =, !=, =~ and !~ as PromQL does (anchored, missing reads as empty)', async () => {
    const store = metricStore(t.ctx);
    const mk = (labels: Labels) => series({ __name__: 'm_up', ...labels }, [[now - second, 1]]);
    await store.append(
      [mk({ env: 'prod', dc: 'fra' }), mk({ env: 'production', dc: 'ams' }), mk({ env: 'dev' }), mk({})],
      source,
    );
    const names = async (matchers: LabelMatcher[]) =>
      (await store.select(matchers, now - minute, now)).map(
        (s) => `${s.labels.env ?? '-'}/${s.labels.dc ?? '-'}`,
      );
    const up = eq('__name__', 'm_up');
    expect(await names([up, eq('env', 'prod')])).toEqual(['prod/fra']);
    // An empty value is the label's absence: the same series as without it.
    const again = await store.append([series({ __name__: 'm_up', env: 'dev', dc: '' }, [[now, 2]])], source);
    expect(again.accepted).toBe(1);
    expect((await store.select([up, eq('env', 'dev')], now - minute, now)).map(pairs)).toEqual([
      [
        [now - second, 1],
        [now, 2],
      ],
    ]);
    expect(await names([up, { name: 'env', op: '!=', value: 'prod' }])).toEqual([
      'production/ams',
      'dev/-',
      '-/-',
    ]);
    expect(await names([up, { name: 'env', op: '=~', value: 'prod' }])).toEqual(['prod/fra']);
    expect(await names([up, { name: 'env', op: '=~', value: 'prod.*' }])).toEqual([
      'prod/fra',
      'production/ams',
    ]);
    expect(await names([up, { name: 'env', op: '!~', value: 'prod.*|dev' }])).toEqual(['-/-']);
    expect(await names([up, eq('dc', '')])).toEqual(['dev/-', '-/-']);
    expect(await names([up, { name: 'dc', op: '=~', value: 'fra|' }])).toEqual(['prod/fra', 'dev/-', '-/-']);
    expect(await names([{ name: 'env', op: '=~', value: 'p.+' }])).toEqual(['prod/fra', 'production/ams']);
    expect(await names([{ name: '__name__', op: '=~', value: 'm_u.' }, eq('dc', 'ams')])).toEqual([
      'production/ams',
    ]);
    // Every matcher matching the empty string, or a broken regex: Invalid, as Prometheus refuses them.
    for (const bad of [
      [{ name: 'env', op: '=~', value: '.*' }],
      [eq('env', '')],
      [{ name: 'env', op: '!=', value: 'x' }],
      [],
      [{ name: 'env', op: '=~', value: '(' }],
    ] as LabelMatcher[][]) {
      const err = await store.select(bad, now - minute, now).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DomainError);
      expect((err as DomainError).code).toBe('invalid_label_matcher');
    }
  });

  it('rolls closed windows up to 1 minute and 1 hour, equal to the raw samples’ buckets before and after', async () => {
    const store = metricStore(t.ctx);
    // Three hours of 15-second samples ending now, a sawtooth.
    const start = now - 3 * hour;
    const samples: [number, number][] = [];
    for (let ts = start; ts < now; ts += 15 * second) samples.push([ts, (ts / second) % 97]);
    await store.append([series({ __name__: 'ru_load' }, samples)], source);
    const expectBuckets = (res: number) => {
      const m = new Map<number, { min: number; max: number; sum: number; count: number }>();
      for (const [ts, v] of samples) {
        const b = Math.floor(ts / res) * res;
        const e = m.get(b) ?? { min: v, max: v, sum: 0, count: 0 };
        e.min = Math.min(e.min, v);
        e.max = Math.max(e.max, v);
        e.sum += v;
        e.count += 1;
        m.set(b, e);
      }
      return [...m.entries()].map(([ts, e]) => ({ ts, ...e }));
    };
    const read = async (res: '1m' | '1h') => {
      const [r] = await store.selectRollup([eq('__name__', 'ru_load')], start, now, res);
      return Array.from(r?.timestamps ?? [], (ts, i) => ({
        ts,
        min: r?.min[i],
        max: r?.max[i],
        sum: r?.sum[i],
        count: r?.count[i],
      }));
    };
    const want1m = expectBuckets(minute);
    const want1h = expectBuckets(hour);
    // Before any compaction or rollup: computed from the raw samples.
    expect(await read('1m')).toEqual(want1m);
    expect(await read('1h')).toEqual(want1h);
    await compactMetrics(t.ctx);
    const rolled = await rollupMetrics(t.ctx);
    expect(rolled).toBeGreaterThan(0);
    expect(await read('1m')).toEqual(want1m);
    expect(await read('1h')).toEqual(want1h);
    // A new series with samples in a window already rolled for others is rolled too.
    await store.append([series({ __name__: 'ru_late' }, [[start + 7 * second, 1]])], source);
    await compactMetrics(t.ctx);
    expect(await rollupMetrics(t.ctx)).toBe(1);
    const [lateRollup] = await store.selectRollup([eq('__name__', 'ru_late')], start, now, '1h');
    expect(Array.from(lateRollup?.count ?? [])).toEqual([1]);
  });

  it('keeps each resolution for its retention, on the clock, and reads on in the rollups past the raw samples', async () => {
    const ctx = await makeContext(dialect, {
      OPSDESK_METRICS_RETENTION_RAW: 'P2D',
      OPSDESK_METRICS_RETENTION_1M: 'P5D',
      OPSDESK_METRICS_RETENTION_1H: 'P10D',
    });
    try {
      const store = metricStore(ctx.ctx);
      const t0 = ctx.clock.now();
      const samples: [number, number][] = [];
      // Within each hour, 0 … 59 (the minute): each minute's average is its value, each hour's 29.5.
      for (let ts = t0 - 4 * hour; ts < t0; ts += minute) samples.push([ts, Math.floor(ts / minute) % 60]);
      await store.append([series({ __name__: 'ret_x' }, samples)], source);
      await maintainMetricStore(ctx.ctx);
      const read = async () => (await store.select([eq('__name__', 'ret_x')], t0 - day, t0))[0];
      const at = async () => ({
        read: (await read())?.timestamps.length ?? 0,
        m:
          (await store.selectRollup([eq('__name__', 'ret_x')], t0 - day, t0, '1m'))[0]?.timestamps.length ??
          0,
        h:
          (await store.selectRollup([eq('__name__', 'ret_x')], t0 - day, t0, '1h'))[0]?.timestamps.length ??
          0,
      });
      // A query over the 4 hours at 15-minute steps: the value at each step.
      const steps = async () => {
        const data = await queryRange(store, 'ret_x', t0 - 4 * hour, t0 - minute, 15 * minute);
        if (data.resultType !== 'matrix') throw new Error(`a matrix expected, not ${data.resultType}`);
        return data.result.flatMap((r) => r.values.map(([, v]) => Number(v)));
      };
      const minuteOf = (ms: number) => Math.floor(ms / minute) % 60;
      const stepTimes = Array.from({ length: 16 }, (_, i) => t0 - 4 * hour + i * 15 * minute);
      expect(await at()).toEqual({ read: 240, m: 240, h: 4 });
      expect(pairs((await read()) as never)).toEqual(samples);
      expect(await steps()).toEqual(stepTimes.map(minuteOf));

      // Past the raw retention: the 1-minute averages, at each minute's start (here the samples themselves).
      ctx.clock.advance(3 * day);
      await maintainMetricStore(ctx.ctx);
      expect(await at()).toEqual({ read: 240, m: 240, h: 4 });
      expect(pairs((await read()) as never)).toEqual(samples);
      expect(await steps()).toEqual(stepTimes.map(minuteOf));

      // Past the 1-minute retention: the hours' averages; an instant selector looks back an hour there.
      ctx.clock.advance(4 * day);
      await sweepMetricRetention(ctx.ctx);
      expect(await at()).toEqual({ read: 4, m: 0, h: 4 });
      const hours = Array.from({ length: 4 }, (_, i) => Math.floor((t0 - 4 * hour) / hour) * hour + i * hour);
      expect(pairs((await read()) as never)).toEqual(
        hours.filter((h) => h >= t0 - 4 * hour).map((h) => [h, 29.5]),
      );
      expect(await steps()).toEqual(stepTimes.map(() => 29.5));

      ctx.clock.advance(5 * day);
      await sweepMetricRetention(ctx.ctx);
      expect(await at()).toEqual({ read: 0, m: 0, h: 0 });
      expect(await steps()).toEqual([]);
      // A sample older than raw retention is refused at once.
      const old = await store.append(
        [series({ __name__: 'ret_x' }, [[ctx.clock.now() - 3 * day, 1]])],
        source,
      );
      expect(old.rejected).toEqual({ too_old: 1 });
    } finally {
      await ctx.close();
    }
  });

  it('another instance knows the series and their newest samples, compacted or not', async () => {
    const store = metricStore(t.ctx);
    const labels = { __name__: 'restart_total', job: 'x' };
    await store.append([series(labels, [[now - 2 * minute, 1]])], source);
    await compactMetrics(t.ctx);
    await store.append([series(labels, [[now - minute, 2]])], source);
    const other = await t.openAnother(new ManualClock(now));
    try {
      const s2 = metricStore(other.ctx);
      const got = await s2.select([eq('job', 'x')], now - hour, now);
      expect(got.map(pairs)).toEqual([
        [
          [now - 2 * minute, 1],
          [now - minute, 2],
        ],
      ]);
      const r = await s2.append(
        [
          series(labels, [
            [now - 90 * second, 9],
            [now - minute, 3],
            [now, 4],
          ]),
        ],
        source,
      );
      expect(r).toEqual({ accepted: 1, rejected: { out_of_order: 1, duplicate_sample: 1 } });
    } finally {
      await other.close();
    }
  });

  // Several instances share PostgreSQL; SQLite is one process (a second writer there waits on the file lock, which
  // one thread holding both connections cannot release), so the SQLite run covers a restart above instead.
  const multiInstance = dialect === 'postgres';
  if (multiInstance)
    it('two instances appending at once lose no sample and make one series row per label set', async () => {
      const other = await t.openAnother(new ManualClock(now));
      try {
        const stores = [metricStore(t.ctx), metricStore(other.ctx)];
        const labelSets = Array.from({ length: 50 }, (_, i) => ({ __name__: 'two_total', i: String(i) }));
        // Instance k appends the samples at even (k=0) or odd (k=1) seconds, 20 rounds; in each round both append at
        // once (the first round races to create the same 50 series). Rounds go in step: a series has one writer at a
        // time in practice, and a sample older than the newest another instance wrote is out of order, as it should be.
        for (let round = 0; round < 20; round++) {
          await Promise.all(
            stores.map(async (store, k) => {
              const ts = now - 100 * second + (round * 2 + k) * second;
              const r = await store.append(
                labelSets.map((l) => series(l, [[ts, round]])),
                { key: `remote_write:${k}`, maxSeries: 1000 },
              );
              expect(r).toEqual({ accepted: 50, rejected: {} });
            }),
          );
          if (round === 10) await maintainMetricStore(t.ctx);
        }
        const rows = await t.ctx.db
          .selectFrom('metric_series')
          .select((s) => s.fn.countAll<number>().as('n'))
          .where('name', '=', 'two_total')
          .executeTakeFirstOrThrow();
        expect(Number(rows.n)).toBe(50);
        for (const store of stores) {
          const got = await store.select([eq('__name__', 'two_total')], now - hour, now);
          expect(got).toHaveLength(50);
          for (const s of got) expect(s.timestamps.length).toBe(40);
        }
        await maintainMetricStore(other.ctx);
        const after = await stores[0]?.select([eq('__name__', 'two_total')], now - hour, now);
        expect(after?.every((s) => s.timestamps.length === 40)).toBe(true);
      } finally {
        await other.close();
      }
    });

  it('runs compaction, rollups and retention as jobs', async () => {
    const jobs = new JobScheduler(t.ctx.log);
    registerMetricStore(t.ctx, jobs);
    expect(jobs.names()).toEqual(['metrics.compact', 'metrics.rollup', 'metrics.retention']);
  });

  it('random batches read back as Prometheus’s rules accept them, in order (property)', async () => {
    const store = metricStore(t.ctx);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            series: fc.integer({ min: 0, max: 3 }),
            samples: fc.array(
              fc.tuple(
                fc.integer({ min: -20, max: 20 }),
                fc.oneof(fc.integer({ min: -3, max: 3 }), fc.double({ noNaN: true })),
              ),
              { maxLength: 6 },
            ),
            compact: fc.boolean(),
          }),
          { minLength: 1, maxLength: 12 },
        ),
        async (batches) => {
          run++;
          const name = `prop_${run}`;
          const model = new Map<number, [number, number][]>();
          for (const b of batches) {
            const labels = { __name__: name, s: String(b.series) };
            const samples = b.samples.map(
              ([dt, v]) => [now - 30 * second + dt * second, v] as [number, number],
            );
            const r = await store.append([series(labels, samples)], source);
            const kept = model.get(b.series) ?? [];
            let accepted = 0;
            for (const [ts, v] of samples) {
              const last = kept[kept.length - 1];
              if (!last || ts > last[0]) {
                kept.push([ts, v]);
                accepted++;
              } else if (ts === last[0] && Object.is(v, last[1])) accepted++;
            }
            model.set(b.series, kept);
            expect(r.accepted).toBe(accepted);
            if (b.compact) await compactMetrics(t.ctx);
          }
          const got = await store.select([eq('__name__', name)], now - hour, now);
          const want = [...model.entries()]
            .filter(([, s]) => s.length > 0)
            .sort((x, y) => x[0] - y[0])
            .map(([, s]) => s);
          const byLabel = got.sort((x, y) => Number(x.labels.s) - Number(y.labels.s)).map(pairs);
          expect(byLabel).toEqual(want);
        },
      ),
      { numRuns: 25 },
    );
  });
});
