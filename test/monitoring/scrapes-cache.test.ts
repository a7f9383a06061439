// A scrape target's series cache (src/monitoring/scrape-series-cache.ts) against the path without it, on both
// databases: random sequences of scrapes — series coming and going, one label set written as several texts, refused
// lines and label sets, given and repeated timestamps, metric_relabel_configs, honor_labels and the series limit
// changing between scrapes — go through the cached path (scrapedSeries + appendScraped) into one store, and through
// parse + relabelSamples + append, the path without a cache, into another. Every scrape's counts and everything
// stored must be the same. Then one real scrape over HTTP into the store, its cache dropped by a config change.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/core/auth/index.js';
import { parseExposition } from '../../src/monitoring/exposition.js';
import { labelsKey, type RejectReason } from '../../src/monitoring/metric-model.js';
import { metricStore } from '../../src/monitoring/metric-store.js';
import { compileRelabels, type RelabelConfig } from '../../src/monitoring/relabel.js';
import { ScrapeSeriesCache } from '../../src/monitoring/scrape-series-cache.js';
import {
  appendScraped,
  createScrapeTarget,
  relabelSamples,
  type ScrapeOutcome,
  type ScrapePlan,
  scrapedSeries,
  scrapeSeriesCache,
  scrapeTargetNow,
  storeSink,
  updateScrapeTarget,
} from '../../src/monitoring/scrapes.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

const admin = systemActor(1);

/** Series texts a target may write: repeated label sets in other spellings, clashes, escapes, refusals. */
const texts = [
  'm0',
  'm1{a="1"}',
  'm1{a="2"}',
  'm1{a="3"}',
  'm2{a="1",b="x"}',
  'm2{b="x",a="1"}',
  'm2{a="1" , b="x"}',
  'm3{job="theirs"}',
  'm3{job="theirs",exported_job="e"}',
  'm4{a="q\\"uote\\\\d\\n"}',
  'm4{a=""}',
  'm4',
  'm7{a="1",a="2"}',
  'm6{a="1"',
  ...Array.from({ length: 12 }, (_, i) => `c${i}{k="${i % 3}"}`),
];
const values = ['1', '2.5', 'NaN', '-0', 'x'];

/** metric_relabel_configs a scrape may run under: drop, keep, writes, collisions, refusals. */
const configs: RelabelConfig[][] = [
  [],
  [{ source_labels: ['__name__'], regex: 'm1|c1.*', action: 'drop' }],
  [{ source_labels: ['__name__'], regex: 'm[0-4]|c[0-7]', action: 'keep' }],
  [{ source_labels: ['a'], regex: '(.+)', target_label: 'b', replacement: 'from_$1' }],
  [{ regex: 'a|k', action: 'labeldrop' }],
  [{ source_labels: ['a'], regex: '2', target_label: 'a', replacement: 'y'.repeat(5000) }],
  [{ source_labels: ['__name__'], regex: 'c(.*)', target_label: '__name__', replacement: '9bad$1' }],
];
const seriesLimits = [3, 8, 100];

interface Line {
  text: number;
  value: number;
  ts: 'scrape' | 'given' | 'fixed';
}

interface ScrapeSpec {
  /** null: the texts of the scrape before (as a target mostly writes), values moved on by `shift`. */
  lines: Line[] | null;
  shift: number;
  /** null: as the scrape before. */
  config: number | null;
  seriesLimit: number | null;
  honorLabels: boolean | null;
  honorTimestamps: boolean;
  sampleLimit: number;
}

const line: fc.Arbitrary<Line> = fc.record({
  text: fc.nat(texts.length - 1),
  value: fc.oneof(
    { weight: 6, arbitrary: fc.constant(0) },
    { weight: 4, arbitrary: fc.nat(values.length - 1) },
  ),
  ts: fc.constantFrom('scrape' as const, 'scrape' as const, 'given' as const, 'fixed' as const),
});

const scrapeSpec: fc.Arbitrary<ScrapeSpec> = fc.record({
  lines: fc.option(fc.array(line, { maxLength: 24 }), { freq: 3 }),
  shift: fc.nat(values.length - 1),
  config: fc.option(fc.nat(configs.length - 1), { freq: 3 }),
  seriesLimit: fc.option(fc.nat(seriesLimits.length - 1), { freq: 4 }),
  honorLabels: fc.option(fc.boolean(), { freq: 4 }),
  honorTimestamps: fc.boolean(),
  sampleLimit: fc.constantFrom(1000, 1000, 1000, 10),
});

interface Said {
  up: boolean;
  scraped: number;
  post: number;
  accepted: number;
  rejected: Partial<Record<RejectReason, number>>;
  /** scrape_series_added. */
  added: number;
}

function emptyOutcome(at: number): ScrapeOutcome {
  return {
    up: true,
    at,
    durationMs: 0,
    samplesScraped: 0,
    samplesPostMetricRelabeling: 0,
    seriesAdded: 0,
    accepted: 0,
    rejected: {},
    error: '',
    lineErrors: [],
    format: 'text',
  };
}

async function cachedScrape(t: TestContext, plan: ScrapePlan, body: string, at: number): Promise<Said> {
  const o = emptyOutcome(at);
  let up = true;
  try {
    const batch = scrapedSeries(t.ctx, plan, body, 'text', at, o);
    await appendScraped(t.ctx, plan, batch, storeSink(t.ctx), o);
  } catch (err) {
    if (!(err instanceof Error && err.message.startsWith('sample_limit'))) throw err;
    up = false;
  }
  return {
    up,
    scraped: o.samplesScraped,
    post: o.samplesPostMetricRelabeling,
    accepted: o.accepted,
    rejected: o.rejected,
    added: o.seriesAdded,
  };
}

/**
 * The scrape path without a cache: what runScrape did before the cache, step by step; scrape_series_added as the
 * texts kept that the last appended scrape of the target (`last`) did not keep.
 */
async function plainScrape(
  t: TestContext,
  plan: ScrapePlan,
  body: string,
  at: number,
  last: { keys: Set<string> | null },
): Promise<Said> {
  const parsed = parseExposition(body, 'text', {
    defaultTimestampMs: at,
    honorTimestamps: plan.honorTimestamps,
  });
  const rejected = { ...parsed.rejected };
  const keys = parsed.keys;
  const series = relabelSamples(
    parsed.series,
    plan.labels,
    plan.honorLabels,
    plan.metricRelabel,
    rejected,
    keys,
  );
  const said = { up: true, scraped: parsed.samples, post: series.length, accepted: 0, rejected, added: 0 };
  if (series.length > plan.sampleLimit) {
    rejected.sample_limit = (rejected.sample_limit ?? 0) + series.length;
    return { ...said, up: false };
  }
  if (series.length === 0) return said;
  said.added = keys.filter((k) => !last.keys?.has(k)).length;
  last.keys = new Set(keys);
  const result = await metricStore(t.ctx).append(series, {
    key: `scrape:${plan.id}`,
    maxSeries: plan.seriesLimit,
  });
  for (const [reason, n] of Object.entries(result.rejected) as [RejectReason, number][])
    rejected[reason] = (rejected[reason] ?? 0) + n;
  return { ...said, accepted: result.accepted };
}

/** Everything the store holds, as plain arrays, in an order that does not depend on series ids. */
async function stored(t: TestContext, until: number) {
  const all = await metricStore(t.ctx).select([{ name: '__name__', op: '=~', value: '.+' }], 0, until);
  return all
    .map((s) => ({ key: labelsKey(s.labels), timestamps: [...s.timestamps], values: [...s.values] }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

describe.each(dialects)('a scrape target’s series cache on %s', (dialect) => {
  let cachedSide: TestContext;
  let plainSide: TestContext;
  beforeAll(async () => {
    cachedSide = await makeContext(dialect);
    plainSide = await makeContext(dialect);
  });
  afterAll(async () => {
    await cachedSide?.close();
    await plainSide?.close();
  });

  it('a cached repeated scrape stores what an uncached one does, as relabelling and the series limit change (property)', async () => {
    let runs = 0;
    let now = cachedSide.clock.now();
    let hits = 0;
    let fullScrapes = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(scrapeSpec, { minLength: 2, maxLength: 7 }), async (scrapes) => {
        // Each run is a target of its own (its id and job), so runs do not share series or limits.
        const id = 1000 + ++runs;
        const fixedTs = now + 15_000;
        let config = 0;
        let seriesLimit = seriesLimits[1] as number;
        let honorLabels = false;
        let lines: Line[] = [];
        const last: { keys: Set<string> | null } = { keys: null };
        for (const spec of scrapes) {
          now += 15_000;
          cachedSide.clock.set(now);
          plainSide.clock.set(now);
          config = spec.config ?? config;
          seriesLimit = spec.seriesLimit === null ? seriesLimit : (seriesLimits[spec.seriesLimit] as number);
          honorLabels = spec.honorLabels ?? honorLabels;
          lines = spec.lines ?? lines.map((l) => ({ ...l, value: (l.value + spec.shift) % values.length }));
          const body = lines
            .map((l) => {
              const ts = l.ts === 'given' ? ` ${now - 5_000}` : l.ts === 'fixed' ? ` ${fixedTs}` : '';
              return `${texts[l.text]} ${values[l.value]}${ts}`;
            })
            .join('\n');
          const plan = (): ScrapePlan => ({
            id,
            labels: { job: `cache${id}`, instance: 'host:9100' },
            honorLabels,
            honorTimestamps: spec.honorTimestamps,
            metricRelabel: compileRelabels(configs[config] as RelabelConfig[], '/m'),
            metricRelabelConfigs: configs[config] as RelabelConfig[],
            sampleLimit: spec.sampleLimit,
            seriesLimit,
          });
          const known = scrapeSeriesCache(cachedSide.ctx, id)?.series;
          for (const l of new Set(lines.map((x) => texts[x.text] as string))) if (known?.has(l)) hits++;
          const cached = await cachedScrape(cachedSide, plan(), body, now);
          const plain = await plainScrape(plainSide, plan(), body, now, last);
          expect(cached).toEqual(plain);
          const cache = scrapeSeriesCache(cachedSide.ctx, id);
          expect(cache?.series.size ?? 0).toBeLessThanOrEqual(seriesLimit);
          if (cache && cache.series.size === seriesLimit) fullScrapes++;
        }
        expect(await stored(cachedSide, now + 60_000)).toEqual(await stored(plainSide, now + 60_000));
      }),
      { numRuns: dialect === 'sqlite' ? 60 : 25 },
    );
    // The runs did take the cached path, and filled caches to their bound.
    expect(hits).toBeGreaterThan(0);
    expect(fullScrapes).toBeGreaterThan(0);
  }, 120_000);

  it('a scrape over HTTP stores through the cache, and a changed metric_relabel_configs takes effect at once', async () => {
    let body = 'kept{a="1"} 1\ngone{a="1"} 1\n';
    const server = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
      const t = await createScrapeTarget(cachedSide.ctx, admin, { url, job: 'http-cache' });
      const store = metricStore(cachedSide.ctx);
      const samples = async (name: string) =>
        (await store.select([{ name: '__name__', op: '=', value: name }], 0, cachedSide.clock.now() + 1))[0]
          ?.values.length ?? 0;
      for (let i = 0; i < 2; i++) {
        cachedSide.clock.advance(15_000);
        body = `kept{a="1"} ${i}\ngone{a="1"} ${i}\n`;
        expect((await scrapeTargetNow(cachedSide.ctx, admin, t.id)).accepted).toBe(2);
      }
      expect(scrapeSeriesCache(cachedSide.ctx, t.id)?.series.size).toBe(2);
      expect(await samples('gone')).toBe(2);
      await updateScrapeTarget(cachedSide.ctx, admin, t.id, {
        metricRelabelConfigs: [{ source_labels: ['__name__'], regex: 'gone', action: 'drop' }],
      });
      cachedSide.clock.advance(15_000);
      const after = await scrapeTargetNow(cachedSide.ctx, admin, t.id);
      expect(after).toMatchObject({ up: true, accepted: 1, samplesPostMetricRelabeling: 1 });
      expect(await samples('gone')).toBe(2);
      expect(await samples('kept')).toBe(3);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the series cache’s bound and ageing', () => {
  /** One scrape exposing these texts: known ones are seen, new ones learnt. */
  const scrape = (cache: ScrapeSeriesCache, keys: string[]) => {
    cache.beginScrape();
    for (const k of keys) {
      const c = cache.series.get(k);
      if (c) cache.saw(c);
      else cache.learn(k, { __name__: k }, null);
    }
    cache.endScrape();
  };
  it('keeps at most its capacity, forgets a text unseen for three scrapes, then has room again', () => {
    const cache = new ScrapeSeriesCache('labelling', 3);
    scrape(cache, ['a', 'b', 'c', 'd']);
    expect([...cache.series.keys()]).toEqual(['a', 'b', 'c']);
    // d is refused room while a, b and c are around; c disappears and ages out after three scrapes without it.
    for (let i = 0; i < 3; i++) scrape(cache, ['a', 'b', 'd']);
    expect([...cache.series.keys()]).toEqual(['a', 'b', 'c']);
    scrape(cache, ['a', 'b', 'd']);
    expect([...cache.series.keys()]).toEqual(['a', 'b']);
    scrape(cache, ['a', 'b', 'd']);
    expect([...cache.series.keys()]).toEqual(['a', 'b', 'd']);
  });
});
