// Forwarding metrics by remote-write to an external store (issue 19 item 4), on SQLite and PostgreSQL: samples appended
// to the store arrive in a real Prometheus (Debian's 2.42, remote-write receiver on) with their labels and values; a
// store that is down keeps them queued until it is up; a refusal for good drops and counts; the queue's bound drops
// the oldest; two instances draining one queue at once send each batch once (a small receiver decodes and counts).
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { ConfigError, describeConfig, loadConfig } from '../../src/core/config.js';
import {
  decodeWriteRequest,
  forwardMetrics,
  forwardQueueSamples,
  forwardStats,
  type IngestSeries,
  metricForwardLimits,
  metricStore,
  snappyDecompress,
} from '../../src/monitoring/index.js';
import { dialects, makeApp, makeContext, type TestContext } from '../support/context.js';
import { userSession } from '../support/http.js';

const source = { key: 'remote_write:1', maxSeries: 10_000 };

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

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A real Prometheus on a loopback port, taking remote-write. */
async function startPrometheus(port: number): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-forward-'));
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1h\n');
  const child: ChildProcess = spawn(
    'prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'tsdb')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
      '--log.level=warn',
    ],
    { stdio: 'ignore' },
  );
  cleanups.push(async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill();
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return url;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('prometheus did not become ready');
}

/** A remote-write receiver that decodes every request and answers with `status` (200 unless told). */
async function startReceiver(status: () => number = () => 200) {
  const seen: IngestSeries[] = [];
  const requests: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      requests.push(req.headers);
      const code = status();
      if (code === 200) seen.push(...decodeWriteRequest(snappyDecompress(Buffer.concat(parts))).series);
      res.writeHead(code).end(code === 200 ? '' : 'no thanks');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://u:p%40ss@127.0.0.1:${port}/api/v1/write`, seen, requests };
}

async function promQuery(url: string, query: string, timeMs: number) {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}&time=${timeMs / 1000}`);
  const body = (await res.json()) as {
    status: string;
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  };
  expect(body.status).toBe('success');
  return body.data.result;
}

function batch(name: string, instances: number, at: number, value: number): IngestSeries[] {
  return Array.from({ length: instances }, (_, i) => ({
    labels: { __name__: name, job: 'node', instance: `host-${i}:9100` },
    timestamps: [at],
    values: [value + i],
  }));
}

describe('metrics forward configuration', () => {
  it('takes http(s) URLs and refuses others, naming the variable', () => {
    const c = loadConfig({
      OPSDESK_METRICS_FORWARD_URL: 'https://mimir.example/api/v1/push',
      OPSDESK_METRICS_FORWARD_BEARER_TOKEN: 'tok',
      OPSDESK_METRICS_FORWARD_MAX_QUEUE: '5000',
      OPSDESK_METRICS_QUERY_URL: 'http://prom:9090',
    });
    expect(c.metricsForwardUrl).toBe('https://mimir.example/api/v1/push');
    expect(c.metricsForwardMaxQueueSamples).toBe(5000);
    expect(c.metricsQueryUrl).toBe('http://prom:9090');
    expect(loadConfig({}).metricsForwardUrl).toBeNull();
    for (const [name, value] of [
      ['OPSDESK_METRICS_FORWARD_URL', 'ftp://x/y'],
      ['OPSDESK_METRICS_FORWARD_URL', 'not a url'],
      ['OPSDESK_METRICS_QUERY_URL', 'prom:9090'],
      ['OPSDESK_METRICS_FORWARD_MAX_QUEUE', '10'],
    ])
      expect(() => loadConfig({ OPSDESK_METRICS_FORWARD_URL: 'http://a/w', [name]: value })).toThrow(
        expect.objectContaining({ variable: name }),
      );
    expect(() => loadConfig({ OPSDESK_METRICS_FORWARD_BEARER_TOKEN: 'tok' })).toThrow(ConfigError);
  });

  it('never shows a password or token of the forward and query URLs (property)', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{6,20}$/);
    fc.assert(
      fc.property(secret, secret, fc.boolean(), (password, token, good) => {
        const url = good ? `https://user:${password}@store.example/write` : `gopher://user:${password}@x`;
        let shown: string;
        try {
          const c = loadConfig({
            OPSDESK_METRICS_FORWARD_URL: url,
            OPSDESK_METRICS_FORWARD_BEARER_TOKEN: token,
            OPSDESK_METRICS_QUERY_URL: `http://reader:${password}@prom:9090`,
          });
          shown = JSON.stringify(describeConfig(c));
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          shown = (err as Error).message;
        }
        expect(shown).not.toContain(password);
        expect(shown).not.toContain(token);
      }),
      { numRuns: 200 },
    );
  });
});

describe.each(dialects)('metrics forward (%s)', (dialect) => {
  let t: TestContext;
  const open = async (env: Record<string, string>) => {
    t = await makeContext(dialect, env);
    cleanups.push(() => t.close());
    t.clock.set(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    return t;
  };

  it('samples reach Prometheus once it is up: queued while it is down, not lost, then delivered with their labels', async () => {
    const port = await freePort();
    await open({ OPSDESK_METRICS_FORWARD_URL: `http://127.0.0.1:${port}/api/v1/write` });
    const store = metricStore(t.ctx);
    const at = t.clock.now();
    expect((await store.append(batch('node_load1', 3, at, 1.5), source)).accepted).toBe(3);
    expect((await store.append(batch('node_load1', 3, at + 15_000, 2.5), source)).accepted).toBe(3);

    // Nobody listens yet: the pass stops at the first batch and keeps every sample queued.
    const down = await forwardMetrics(t.ctx);
    expect(down).toMatchObject({ sentSamples: 0, droppedSamples: 0, retrying: true });
    expect(await forwardQueueSamples(t.ctx)).toBe(6);
    // Not before its backoff.
    expect((await forwardMetrics(t.ctx)).sentSamples).toBe(0);

    const url = await startPrometheus(port);
    t.clock.advance(metricForwardLimits.firstRetryMs);
    const up = await forwardMetrics(t.ctx);
    expect(up).toMatchObject({ sentSamples: 6, droppedSamples: 0, retrying: false });
    expect(await forwardQueueSamples(t.ctx)).toBe(0);
    expect(forwardStats(t.ctx)).toMatchObject({ sentSamples: 6, failedSends: 1 });

    const latest = await promQuery(url, 'node_load1', at + 15_000);
    expect(
      latest.map((r) => [r.metric, Number(r.value[1])]).sort((a, b) => Number(a[1]) - Number(b[1])),
    ).toEqual([
      [{ __name__: 'node_load1', job: 'node', instance: 'host-0:9100' }, 2.5],
      [{ __name__: 'node_load1', job: 'node', instance: 'host-1:9100' }, 3.5],
      [{ __name__: 'node_load1', job: 'node', instance: 'host-2:9100' }, 4.5],
    ]);
    const first = await promQuery(url, 'node_load1{instance="host-1:9100"}', at + 1);
    expect(first.map((r) => Number(r.value[1]))).toEqual([2.5 - 1 + 1]);
  }, 60_000);

  it('a batch refused for good is dropped and counted; 503 and 429 are retried; basic auth from the URL is sent', async () => {
    let answer = 400;
    const r = await startReceiver(() => answer);
    await open({ OPSDESK_METRICS_FORWARD_URL: r.url });
    const store = metricStore(t.ctx);
    await store.append(batch('refused_metric', 2, t.clock.now(), 1), source);
    expect(await forwardMetrics(t.ctx)).toMatchObject({ sentSamples: 0, droppedSamples: 2, retrying: false });
    expect(forwardStats(t.ctx).droppedSamples.refused).toBe(2);
    expect(r.requests[0]).toMatchObject({
      authorization: `Basic ${Buffer.from('u:p@ss').toString('base64')}`,
      'content-encoding': 'snappy',
      'content-type': 'application/x-protobuf',
      'x-prometheus-remote-write-version': '0.1.0',
    });

    for (const code of [503, 429]) {
      answer = code;
      await store.append(batch(`retried_${code}`, 1, t.clock.now(), 1), source);
      expect(await forwardMetrics(t.ctx)).toMatchObject({ sentSamples: 0, retrying: true });
      answer = 200;
      t.clock.advance(metricForwardLimits.maxRetryMs);
      expect(await forwardMetrics(t.ctx)).toMatchObject({ sentSamples: 1, retrying: false });
      t.clock.advance(1000);
    }
    expect(r.seen.map((s) => s.labels.__name__)).toEqual(['retried_503', 'retried_429']);
  });

  it('a batch waiting for its retry holds back newer ones: samples reach the store in the order they were taken', async () => {
    let answer = 503;
    const r = await startReceiver(() => answer);
    await open({ OPSDESK_METRICS_FORWARD_URL: r.url });
    const store = metricStore(t.ctx);
    const at = t.clock.now();
    await store.append(batch('ordered', 2, at, 1), source);
    expect(await forwardMetrics(t.ctx)).toMatchObject({ sentSamples: 0, retrying: true });
    // A newer batch is due at once, the older one only after its backoff: nothing goes before the older one.
    await store.append(batch('ordered', 2, at + 1000, 2), source);
    answer = 200;
    expect(await forwardMetrics(t.ctx)).toMatchObject({ sentSamples: 0, retrying: false });
    expect(r.seen).toEqual([]);
    t.clock.advance(metricForwardLimits.firstRetryMs);
    expect(await forwardMetrics(t.ctx)).toMatchObject({ sentSamples: 4, retrying: false });
    expect(r.seen.map((s) => s.timestamps[0])).toEqual([at, at, at + 1000, at + 1000]);
  });

  it('the queue is bounded: past its maximum the oldest batches are dropped and counted', async () => {
    const r = await startReceiver();
    await open({ OPSDESK_METRICS_FORWARD_URL: r.url, OPSDESK_METRICS_FORWARD_MAX_QUEUE: '1000' });
    const store = metricStore(t.ctx);
    for (let k = 0; k < 5; k++)
      await store.append(batch('bounded', 300, t.clock.now() + k * 1000, k), source);
    expect(await forwardQueueSamples(t.ctx)).toBe(1500);
    const pass = await forwardMetrics(t.ctx);
    // The two oldest batches go (900 samples left, at most 1,000); the three newest are sent.
    expect(pass).toMatchObject({ sentSamples: 900, droppedSamples: 600 });
    expect(forwardStats(t.ctx).droppedSamples.queue_full).toBe(600);
    expect(new Set(r.seen.map((s) => s.timestamps[0]))).toEqual(
      new Set([2, 3, 4].map((k) => t.clock.now() + k * 1000)),
    );
  });

  it('two instances (SQLite: two passes) draining one queue at once send every batch once', async () => {
    const r = await startReceiver();
    await open({ OPSDESK_METRICS_FORWARD_URL: r.url });
    // Another instance on PostgreSQL; on SQLite (one process) the same context twice at once.
    const other = t.ctx.caps.multiInstance
      ? await t.openAnother(new ManualClock(t.clock.now()))
      : { ctx: t.ctx, close: async () => undefined };
    cleanups.push(() => other.close());
    const store = metricStore(t.ctx);
    const at = t.clock.now();
    // 40 batches of 250 samples: more than one claim's worth each way (a claim takes up to 5,000 samples).
    for (let k = 0; k < 40; k++) await store.append(batch('drained', 250, at + k * 1000, k), source);
    const [a, b] = await Promise.all([forwardMetrics(t.ctx), forwardMetrics(other.ctx)]);
    expect(a.sentSamples + b.sentSamples).toBe(10_000);
    const keys = r.seen.flatMap((s) => s.timestamps.map((ts) => `${s.labels.instance}@${ts}`));
    expect(keys.length).toBe(10_000);
    expect(new Set(keys).size).toBe(10_000);
    expect(await forwardQueueSamples(t.ctx)).toBe(0);
  });

  it('PromQL with source=remote is answered by the external store in the same shape as a local answer', async () => {
    const port = await freePort();
    const promUrl = await startPrometheus(port);
    const app = await makeApp(dialect, {
      OPSDESK_METRICS_FORWARD_URL: `${promUrl}/api/v1/write`,
      OPSDESK_METRICS_QUERY_URL: promUrl,
    });
    cleanups.push(() => app.close());
    app.clock.set(Math.floor(Date.now() / 1000) * 1000 - 120_000);
    const at = app.clock.now();
    const store = metricStore(app.ctx);
    for (let k = 0; k < 5; k++) await store.append(batch('fed_temp', 2, at + k * 15_000, 10 * k), source);
    expect((await forwardMetrics(app.ctx)).sentSamples).toBe(10);
    // The service's own /metrics counts what was forwarded and what waits.
    const metrics = (await app.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^opsdesk_metrics_forward_sent_samples_total 10$/m);
    expect(metrics).toMatch(/^opsdesk_metrics_forward_queue_samples 0$/m);
    expect(metrics).toMatch(/^opsdesk_metrics_forward_dropped_samples_total\{reason="refused"\} 0$/m);
    const tech = await userSession(app.app, app.ctx, 'technician');
    const sec = (ms: number) => ms / 1000;

    const instant = (src: string) =>
      tech.call('GET', `/api/v1/prom/query?query=sum(fed_temp)&time=${sec(at + 60_000)}${src}`);
    const remote = await instant('&source=remote');
    const local = await instant('');
    expect(remote.status).toBe(200);
    expect(remote.body).toEqual({
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: {}, value: [sec(at + 60_000), '81'] }] },
    });
    expect(remote.body).toEqual(local.body);

    const range = (src: string) =>
      tech.call(
        'GET',
        `/api/v1/prom/query_range?query=fed_temp&start=${sec(at)}&end=${sec(at + 60_000)}&step=15${src}`,
      );
    const remoteRange = await range('&source=remote');
    const localRange = await range('&source=local');
    expect(remoteRange.status).toBe(200);
    expect(remoteRange.body.data.resultType).toBe('matrix');
    const byInstance = (body: {
      data: { result: { metric: Record<string, string>; values: unknown[] }[] };
    }) => Object.fromEntries(body.data.result.map((r) => [r.metric.instance, r.values]));
    expect(byInstance(remoteRange.body)['host-1:9100']).toEqual([
      [sec(at), '1'],
      [sec(at + 15_000), '11'],
      [sec(at + 30_000), '21'],
      [sec(at + 45_000), '31'],
      [sec(at + 60_000), '41'],
    ]);
    expect(byInstance(remoteRange.body)).toEqual(byInstance(localRange.body));

    // The store's refusal of a bad query is a 400 problem; an unknown source a 400 before anything is sent.
    const bad = await tech.call('GET', `/api/v1/prom/query?query=rate(fed_temp)&source=remote`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'remote_query_refused', errorType: 'bad_data' });
    const unknown = await tech.call('GET', `/api/v1/prom/query?query=1&source=elsewhere`);
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('validation_failed');
  }, 60_000);

  it('source=remote without a query URL is refused, and an unreachable store is a 503 problem', async () => {
    const none = await makeApp(dialect);
    cleanups.push(() => none.close());
    const tech = await userSession(none.app, none.ctx, 'technician');
    const refused = await tech.call('GET', '/api/v1/prom/query?query=1&source=remote');
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('metrics_query_not_configured');

    const down = await makeApp(dialect, {
      OPSDESK_METRICS_QUERY_URL: `http://127.0.0.1:${await freePort()}`,
    });
    cleanups.push(() => down.close());
    const other = await userSession(down.app, down.ctx, 'technician');
    const r = await other.call(
      'GET',
      '/api/v1/prom/query_range?query=up&start=0&end=60&step=15&source=remote',
    );
    expect(r.status).toBe(503);
    expect(r.body).toMatchObject({ code: 'metrics_store_unreachable', errorType: 'unavailable' });
  });

  it('without a forward URL nothing is queued', async () => {
    await open({});
    await metricStore(t.ctx).append(batch('local_only', 2, t.clock.now(), 1), source);
    expect(await forwardQueueSamples(t.ctx)).toBe(0);
    expect(await forwardMetrics(t.ctx)).toMatchObject({ sentSamples: 0, retrying: false });
  });
});
