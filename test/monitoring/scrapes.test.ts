// Scraping with real parts: Debian's prometheus-node-exporter on a loopback port, and small local servers for the
// cases node_exporter cannot show (malformed lines, OpenMetrics, label clashes, slow and failing targets). Samples go
// to an in-memory sink, so these tests hold whatever the store does; claims run on both databases.
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/core/auth/index.js';
import { ManualClock } from '../../src/core/clock.js';
import type { IngestSeries, IngestSource } from '../../src/monitoring/metric-model.js';
import { compileRelabels } from '../../src/monitoring/relabel.js';
import {
  claimDueScrapes,
  createScrapeTarget,
  getScrapeTarget,
  type MetricSink,
  nextScrapeSlot,
  type ScrapeTargetInput,
  scrapesSettled,
  scrapeTargetNow,
  startDueScrapes,
  targetLabels,
  updateScrapeTarget,
} from '../../src/monitoring/scrapes.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

const admin = systemActor(1);

class MemorySink implements MetricSink {
  readonly batches: { series: IngestSeries[]; source: IngestSource }[] = [];
  async append(series: readonly IngestSeries[], source: IngestSource) {
    this.batches.push({ series: [...series], source });
    return { accepted: series.reduce((n, s) => n + s.values.length, 0), rejected: {} };
  }
  all(): IngestSeries[] {
    return this.batches.flatMap((b) => b.series);
  }
  named(name: string): IngestSeries[] {
    return this.all().filter((s) => s.labels.__name__ === name);
  }
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

async function waitForHttp(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (r.ok) return;
    } catch {
      // not listening yet: try again shortly
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not come up`);
}

let exporter: ChildProcess;
let exporterUrl: string;
/** Local exposition endpoints: path → [content type, body] or a delay. */
const pages = new Map<string, { type?: string; body: string; delayMs?: number; status?: number }>();
let pageServer: http.Server;
let pageBase: string;

beforeAll(async () => {
  const port = await freePort();
  exporter = spawn(
    'prometheus-node-exporter',
    [
      `--web.listen-address=127.0.0.1:${port}`,
      '--collector.disable-defaults',
      '--collector.cpu',
      '--collector.loadavg',
      '--collector.meminfo',
      '--collector.filesystem',
      '--collector.time',
    ],
    { stdio: 'ignore' },
  );
  exporterUrl = `http://127.0.0.1:${port}/metrics`;
  pageServer = http.createServer((req, res) => {
    const page = pages.get(req.url ?? '');
    if (!page) {
      res.writeHead(404).end();
      return;
    }
    setTimeout(() => {
      res.writeHead(page.status ?? 200, { 'content-type': page.type ?? 'text/plain; version=0.0.4' });
      res.end(page.body);
    }, page.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
  pageBase = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
  await waitForHttp(exporterUrl);
}, 20_000);

afterAll(async () => {
  exporter?.kill('SIGTERM');
  pageServer.closeAllConnections();
  await new Promise((resolve) => pageServer.close(resolve));
});

describe.each(dialects)('scraping on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeContext(dialect);
  });
  afterAll(async () => t?.close());

  let n = 0;
  const target = (input: Partial<ScrapeTargetInput> & { url: string }) =>
    createScrapeTarget(t.ctx, admin, { job: `job${++n}`, ...input });

  it('scrapes node_exporter: its samples with job and instance, and the report series Prometheus adds', async () => {
    const created = await target({ url: exporterUrl, labels: { env: 'test' } });
    const sink = new MemorySink();
    const o = await scrapeTargetNow(t.ctx, admin, created.id, sink);
    expect(o.error).toBe('');
    expect(o.up).toBe(true);
    expect(o.samplesScraped).toBeGreaterThan(20);
    expect(o.samplesPostMetricRelabeling).toBe(o.samplesScraped);
    expect(o.seriesAdded).toBe(o.samplesScraped);
    const port = new URL(exporterUrl).port;
    const load = sink.named('node_load1')[0];
    expect(load?.labels).toEqual({
      __name__: 'node_load1',
      job: created.job,
      instance: `127.0.0.1:${port}`,
      env: 'test',
    });
    expect(load?.timestamps).toEqual([t.clock.now()]);
    expect(sink.named('node_cpu_seconds_total').length).toBeGreaterThan(0);
    expect(sink.named('up')[0]?.values).toEqual([1]);
    expect(sink.named('scrape_samples_scraped')[0]?.values).toEqual([o.samplesScraped]);
    expect(sink.named('scrape_series_added')[0]?.values).toEqual([o.samplesScraped]);
    expect(sink.named('scrape_duration_seconds')[0]?.values[0]).toBeGreaterThan(0);
    expect(sink.batches.every((b) => b.source.key === `scrape:${created.id}`)).toBe(true);
    // The second scrape adds no series.
    expect((await scrapeTargetNow(t.ctx, admin, created.id, new MemorySink())).seriesAdded).toBe(0);
    const row = await getScrapeTarget(t.ctx, admin, created.id);
    expect(row).toMatchObject({ lastUp: true, lastError: '', lastSamples: o.samplesScraped });
  });

  it('metric_relabel_configs keep what they keep, and sample_limit fails the scrape whole as Prometheus does', async () => {
    const created = await target({
      url: exporterUrl,
      metricRelabelConfigs: [{ source_labels: ['__name__'], regex: 'node_load(1|5|15)', action: 'keep' }],
    });
    const sink = new MemorySink();
    const o = await scrapeTargetNow(t.ctx, admin, created.id, sink);
    expect(o.samplesPostMetricRelabeling).toBe(3);
    expect(sink.batches[0]?.series.map((s) => s.labels.__name__).sort()).toEqual([
      'node_load1',
      'node_load15',
      'node_load5',
    ]);

    await updateScrapeTarget(t.ctx, admin, created.id, { sampleLimit: 2 });
    const limited = new MemorySink();
    const failed = await scrapeTargetNow(t.ctx, admin, created.id, limited);
    expect(failed.up).toBe(false);
    expect(failed.error).toContain('sample_limit');
    expect(failed.rejected.sample_limit).toBe(3);
    // Only the report series were written, and up says 0.
    expect(limited.all().map((s) => s.labels.__name__)).toEqual([
      'up',
      'scrape_duration_seconds',
      'scrape_samples_scraped',
      'scrape_samples_post_metric_relabeling',
      'scrape_series_added',
    ]);
    expect(limited.named('up')[0]?.values).toEqual([0]);
  });

  it('keeps the valid rest of a text exposition and says which line it refused', async () => {
    pages.set(`/bad-line-${dialect}`, { body: 'a 1\nb{x="1" 2\nc 3\n' });
    const created = await target({ url: `${pageBase}/bad-line-${dialect}` });
    const sink = new MemorySink();
    const o = await scrapeTargetNow(t.ctx, admin, created.id, sink);
    expect(o.up).toBe(true);
    expect(sink.batches[0]?.series.map((s) => s.labels.__name__)).toEqual(['a', 'c']);
    expect(o.lineErrors[0]).toMatchObject({ line: 2, reason: 'malformed_line' });
    expect(o.error).toContain('line 2');
    expect((await getScrapeTarget(t.ctx, admin, created.id)).lastRejected).toEqual({ malformed_line: 1 });
  });

  it('reads OpenMetrics by its content type and refuses an invalid one whole', async () => {
    const type = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
    pages.set(`/om-${dialect}`, { type, body: '# TYPE x counter\nx_total 4 1772442000.5\n# EOF\n' });
    pages.set(`/om-bad-${dialect}`, { type, body: 'x_total 4\n' });
    const good = await target({ url: `${pageBase}/om-${dialect}` });
    const sink = new MemorySink();
    const o = await scrapeTargetNow(t.ctx, admin, good.id, sink);
    expect(o.format).toBe('openmetrics');
    expect(sink.named('x_total')[0]?.timestamps).toEqual([1772442000500]);
    const bad = await target({ url: `${pageBase}/om-bad-${dialect}` });
    const failed = await scrapeTargetNow(t.ctx, admin, bad.id, new MemorySink());
    expect(failed.up).toBe(false);
    expect(failed.error).toContain('EOF');
  });

  it('renames clashing labels to exported_* unless honor_labels says to keep the target’s', async () => {
    pages.set(`/clash-${dialect}`, { body: 'm{job="theirs",instance="x"} 1\n' });
    const url = `${pageBase}/clash-${dialect}`;
    const plain = await target({ url });
    const sink = new MemorySink();
    await scrapeTargetNow(t.ctx, admin, plain.id, sink);
    expect(sink.named('m')[0]?.labels).toMatchObject({
      job: plain.job,
      exported_job: 'theirs',
      exported_instance: 'x',
    });
    const honoured = await target({ url, honorLabels: true });
    const sink2 = new MemorySink();
    await scrapeTargetNow(t.ctx, admin, honoured.id, sink2);
    expect(sink2.named('m')[0]?.labels).toEqual({ __name__: 'm', job: 'theirs', instance: 'x' });
  });

  it('a target that is down, answers 500 or is too slow is up 0 with the reason', async () => {
    pages.set(`/slow-${dialect}`, { body: 'a 1\n', delayMs: 1500 });
    pages.set(`/error-${dialect}`, { body: 'oops', status: 500 });
    const down = await target({ url: `http://127.0.0.1:${await freePort()}/metrics` });
    const slow = await target({ url: `${pageBase}/slow-${dialect}`, timeoutSeconds: 1, intervalSeconds: 5 });
    const error = await target({ url: `${pageBase}/error-${dialect}` });
    const outcomes = await Promise.all(
      [down, slow, error].map((x) => scrapeTargetNow(t.ctx, admin, x.id, new MemorySink())),
    );
    expect(outcomes.map((o) => o.up)).toEqual([false, false, false]);
    expect(outcomes[0]?.error).toContain('ECONNREFUSED');
    expect(outcomes[1]?.error).toContain('timeout');
    expect(outcomes[2]?.error).toContain('500');
    expect((await getScrapeTarget(t.ctx, admin, down.id)).lastUp).toBe(false);
  });

  it('refuses invalid targets with the fields at fault', async () => {
    await expect(
      createScrapeTarget(t.ctx, admin, { url: 'ftp://x/metrics', job: 'j' }),
    ).rejects.toMatchObject({
      code: 'invalid_scrape_target',
    });
    await expect(
      createScrapeTarget(t.ctx, admin, { url: 'http://u:p@x/metrics', job: 'j', timeoutSeconds: 90 }),
    ).rejects.toMatchObject({
      fields: [
        expect.objectContaining({ field: '/url' }),
        expect.objectContaining({ field: '/timeoutSeconds' }),
      ],
    });
    await expect(
      createScrapeTarget(t.ctx, admin, {
        url: 'http://x/metrics',
        job: 'j',
        relabelConfigs: [{ action: 'hashmod', target_label: 'h' }],
      }),
    ).rejects.toMatchObject({ code: 'invalid_relabel_config' });
    await target({ url: 'http://dup.example/metrics', job: 'dup' });
    await expect(target({ url: 'http://dup.example/metrics', job: 'dup' })).rejects.toMatchObject({
      code: 'scrape_target_exists',
    });
    await expect(
      createScrapeTarget({ ...t.ctx }, { ...admin, role: 'technician' }, { url: 'http://x/m', job: 'j' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('the job scrapes due targets once per interval, and two instances never claim one target twice', async () => {
    // Park every earlier target, then one due target seen by two instances at once.
    await t.ctx.db.updateTable('monitoring_scrape_targets').set({ enabled: 0 }).execute();
    const created = await target({ url: exporterUrl, intervalSeconds: 15 });
    expect(created.nextScrapeAt).toBeGreaterThanOrEqual(t.clock.now());
    expect(created.nextScrapeAt).toBeLessThan(t.clock.now() + 15_000);
    t.clock.set(created.nextScrapeAt);
    const other = await t.openAnother(new ManualClock(created.nextScrapeAt));
    try {
      // PostgreSQL: at the same moment; SQLite is one process (one instance), so one after the other.
      const [a, b] = t.ctx.caps.supportsSkipLocked
        ? await Promise.all([claimDueScrapes(t.ctx, 10), claimDueScrapes(other.ctx, 10)])
        : [await claimDueScrapes(t.ctx, 10), await claimDueScrapes(other.ctx, 10)];
      expect(a.length + b.length).toBe(1);
      // Claimed: not due again until the next slot, one interval on.
      expect(await claimDueScrapes(t.ctx, 10)).toEqual([]);
      const row = await t.ctx.db
        .selectFrom('monitoring_scrape_targets')
        .select(['next_scrape_at', 'lease_until'])
        .where('id', '=', created.id)
        .executeTakeFirstOrThrow();
      expect(Number(row.next_scrape_at)).toBe(created.nextScrapeAt + 15_000);
      expect(Number(row.lease_until)).toBeGreaterThan(t.clock.now());
    } finally {
      await other.close();
    }
    // The job's pass: the next slot comes, the scrape runs and releases the lease.
    t.clock.set(created.nextScrapeAt + 15_000);
    const sink = new MemorySink();
    expect(await startDueScrapes(t.ctx, sink)).toBe(1);
    await scrapesSettled(t.ctx);
    expect(sink.named('up')[0]?.values).toEqual([1]);
    const after = await getScrapeTarget(t.ctx, admin, created.id);
    expect(after.lastUp).toBe(true);
    expect(after.nextScrapeAt).toBe(created.nextScrapeAt + 30_000);
  });
});

describe('scrape slots', () => {
  it('spread targets over the interval and keep each at its offset', () => {
    const from = Date.parse('2026-03-02T09:00:00Z');
    const slots = Array.from({ length: 200 }, (_, i) =>
      nextScrapeSlot('node', `http://h${i}:9100/metrics`, 60, from),
    );
    for (const s of slots) {
      expect(s).toBeGreaterThanOrEqual(from);
      expect(s).toBeLessThan(from + 60_000);
      expect(nextScrapeSlot('node', 'http://h1:9100/metrics', 60, s + 1) - s).toBeLessThanOrEqual(60_000);
    }
    // Spread: each ten-second part of the minute holds some of them.
    const parts = new Set(slots.map((s) => Math.floor((s - from) / 10_000)));
    expect(parts.size).toBe(6);
    const one = slots[1] as number;
    expect(nextScrapeSlot('node', 'http://h1:9100/metrics', 60, one + 1)).toBe(one + 60_000);
  });
});

describe('target relabelling', () => {
  const t = {
    url: 'http://10.0.0.5:9100/metrics?collect=cpu',
    job: 'node',
    labels: { env: 'prod' },
    intervalSeconds: 60,
    timeoutSeconds: 10,
  };
  it('gives instance from __address__ and drops the __ labels', () => {
    expect(targetLabels(t, [])).toEqual({
      labels: { env: 'prod', job: 'node', instance: '10.0.0.5:9100' },
      url: 'http://10.0.0.5:9100/metrics?collect=cpu',
    });
  });
  it('rewrites the address, path and parameters, sets instance, or drops the target', () => {
    const r = targetLabels(
      t,
      compileRelabels(
        [
          {
            source_labels: ['__address__'],
            regex: '([^:]+):.*',
            target_label: 'instance',
            replacement: 'host-$1',
          },
          {
            source_labels: ['__address__'],
            regex: '([^:]+):.*',
            target_label: '__address__',
            replacement: '$1:9200',
          },
          { target_label: '__metrics_path__', replacement: '/probe' },
          { target_label: '__param_module', replacement: 'http_2xx' },
        ],
        '/r',
      ),
    );
    expect(r).toEqual({
      labels: { env: 'prod', job: 'node', instance: 'host-10.0.0.5' },
      url: 'http://10.0.0.5:9200/probe?collect=cpu&module=http_2xx',
    });
    expect(
      targetLabels(t, compileRelabels([{ source_labels: ['env'], regex: 'prod', action: 'drop' }], '/r')),
    ).toBeNull();
  });
});
