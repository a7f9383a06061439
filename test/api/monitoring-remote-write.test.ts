// The remote-write receiver over HTTP, on both databases: API tokens of staff only, the protocol's content type and
// encoding, undecodable and oversized bodies refused with a reason (and counted), and Debian's real Prometheus
// remote-writing what it scrapes — decoded by our decoder at a receiver of the test's own, and, once the metric store
// is there, into opsdesk itself through a Bearer token.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorForUser, createApiToken, createUser } from '../../src/core/auth/index.js';
import { ingestStats, metricStore } from '../../src/monitoring/index.js';
import type { IngestSeries } from '../../src/monitoring/metric-model.js';
import {
  decodeWriteRequest,
  encodeWriteRequest,
  snappyCompress,
  snappyDecompress,
} from '../../src/monitoring/remote-write.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';

const headers = (token: string) => ({
  authorization: `Bearer ${token}`,
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
});

async function tokenFor(t: TestApp, role: 'technician' | 'requester'): Promise<string> {
  const user = await createUser(t.ctx, null, {
    email: `${role}-${Math.random().toString(36).slice(2)}@example.test`,
    name: role,
    role,
    password: 'remote-write-password',
  });
  return (await createApiToken(t.ctx, actorForUser({ ...user, groupIds: [] }), { name: 'prometheus' })).token;
}

describe.each(dialects)('remote-write on %s', (dialect) => {
  let t: TestApp;
  let staff: string;
  beforeAll(async () => {
    t = await makeApp(dialect);
    staff = await tokenFor(t, 'technician');
  });
  afterAll(async () => t?.close());

  // The wire format is the point, not the database: Debian's Prometheus runs against the SQLite suite only.
  if (dialect === 'sqlite') describe("Debian's Prometheus remote-writing", () => prometheusSuite(() => t));

  const post = (payload: Buffer | string, h: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/prom/write', headers: h, payload });
  const valid = (series: IngestSeries[]) => snappyCompress(encodeWriteRequest(series));
  const now = () => t.clock.now();

  it('needs a staff token', async () => {
    const body = valid([{ labels: { __name__: 'up' }, timestamps: [now()], values: [1] }]);
    expect((await post(body, { ...headers(staff), authorization: '' })).statusCode).toBe(401);
    const requester = await tokenFor(t, 'requester');
    const res = await post(body, headers(requester));
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('accepts an empty request (204), whatever parameters the content type carries', async () => {
    const empty = snappyCompress(Buffer.alloc(0));
    expect((await post(empty, headers(staff))).statusCode).toBe(204);
    const withParams = await post(empty, {
      ...headers(staff),
      'content-type': 'application/x-protobuf; proto=prometheus.WriteRequest',
    });
    expect(withParams.statusCode).toBe(204);
  });

  it('refuses other encodings and content types with 415', async () => {
    const body = encodeWriteRequest([{ labels: { __name__: 'up' }, timestamps: [now()], values: [1] }]);
    const plain = await post(body, { ...headers(staff), 'content-encoding': 'identity' });
    expect(plain.statusCode).toBe(415);
    const json = await post('{}', { ...headers(staff), 'content-type': 'application/json' });
    expect(json.statusCode).toBe(415);
    const text = await post('up 1', { ...headers(staff), 'content-type': 'text/plain' });
    expect(text.statusCode).toBe(415);
  });

  it('refuses invalid snappy and invalid protobuf with 400 and the reason, and counts them', async () => {
    const before = ingestStats(t.ctx).rejected;
    const count = (reason: string, from = ingestStats(t.ctx).rejected) =>
      from.find((r) => r.source === 'remote_write' && r.reason === reason)?.count ?? 0;
    const snappy = await post(Buffer.from([5, 0x10, 0x61]), headers(staff));
    expect(snappy.statusCode).toBe(400);
    expect(snappy.json()).toMatchObject({ code: 'metrics_payload_undecodable' });
    expect(snappy.json().detail).toContain('malformed_snappy');
    const proto = await post(snappyCompress(Buffer.from([0x0a, 0x50, 0x01])), headers(staff));
    expect(proto.statusCode).toBe(400);
    expect(proto.json().detail).toContain('malformed_protobuf');
    expect(count('malformed_snappy') - count('malformed_snappy', before)).toBe(1);
    expect(count('malformed_protobuf') - count('malformed_protobuf', before)).toBe(1);
  });

  it('random bodies are refused with a reason (400, 413) or taken, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          // Valid snappy around random protobuf bytes: the decoder behind the decompressor gets its share.
          fc.uint8Array({ maxLength: 200 }).map((b) => new Uint8Array(snappyCompress(b))),
        ),
        async (bytes) => {
          const res = await post(Buffer.from(bytes), headers(staff));
          expect([204, 400, 413]).toContain(res.statusCode);
          if (res.statusCode !== 204)
            expect(res.headers['content-type']).toContain('application/problem+json');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses a snappy bomb by its declared size and an oversized body, with 413', async () => {
    const tooLarge = () =>
      ingestStats(t.ctx).rejected.find((r) => r.source === 'remote_write' && r.reason === 'payload_too_large')
        ?.count ?? 0;
    const before = tooLarge();
    const bomb = await post(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]), headers(staff));
    expect(bomb.statusCode).toBe(413);
    expect(bomb.json()).toMatchObject({ code: 'metrics_payload_too_large' });
    const big = await post(Buffer.alloc(10 * 1024 * 1024 + 1), headers(staff));
    expect(big.statusCode).toBe(413);
    expect(tooLarge() - before).toBe(2);
  });

  it('stores a valid payload (204), and keeps the valid rest of a partly invalid one (400)', async () => {
    const ok = await post(
      valid([{ labels: { __name__: 'rw_test', job: 'x' }, timestamps: [now()], values: [42] }]),
      headers(staff),
    );
    expect(ok.statusCode).toBe(204);
    const partial = await post(
      valid([
        { labels: { __name__: 'rw_kept' }, timestamps: [now()], values: [1] },
        { labels: { __name__: '9bad' }, timestamps: [now()], values: [1] },
      ]),
      headers(staff),
    );
    expect(partial.statusCode).toBe(400);
    expect(partial.json()).toMatchObject({ code: 'metrics_samples_refused' });
    expect(partial.json().detail).toContain('invalid_metric_name 1');
    const stored = await metricStore(t.ctx).select(
      [{ name: '__name__', op: '=~', value: 'rw_test|rw_kept' }],
      now() - 60_000,
      now() + 60_000,
    );
    expect(stored.map((s) => s.labels.__name__).sort()).toEqual(['rw_kept', 'rw_test']);
    // The service's own /metrics counts what was stored and refused, by source and reason.
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/opsdesk_metric_samples_stored_total\{source="remote_write"\} [1-9]/);
    expect(metrics).toMatch(
      /opsdesk_metric_samples_rejected_total\{source="remote_write",reason="invalid_metric_name"\} [1-9]/,
    );
    expect(metrics).toMatch(/opsdesk_metric_series [1-9]/);
  });
});

/** Debian's Prometheus against the app of the dialect's suite (run on one dialect: the wire format is the point). */
function prometheusSuite(app: () => TestApp): void {
  let prometheus: ChildProcess | undefined;
  let receiver: http.Server;
  let t: TestApp;
  let dir: string;
  const received: IngestSeries[] = [];
  const problems: string[] = [];
  let token: string;
  let realTime: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    t = app();
    // Prometheus stamps samples with the real time: the app's clock follows it here, or they would be from its future.
    t.clock.set(Date.now());
    realTime = setInterval(() => t.clock.set(Date.now()), 20);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const appPort = (t.app.server.address() as AddressInfo).port;
    token = await tokenFor(t, 'technician');
    receiver = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          if (req.headers['content-encoding'] !== 'snappy') throw new Error('not snappy');
          if (req.headers['x-prometheus-remote-write-version'] !== '0.1.0')
            throw new Error('no version header');
          received.push(...decodeWriteRequest(snappyDecompress(Buffer.concat(chunks))).series);
          res.writeHead(204).end();
        } catch (err) {
          problems.push((err as Error).message);
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const receiverPort = (receiver.address() as AddressInfo).port;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-prometheus-'));
    const promPort = await new Promise<number>((resolve) => {
      const s = http.createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const queue = 'queue_config: { batch_send_deadline: 500ms, min_backoff: 100ms, max_backoff: 1s }';
    fs.writeFileSync(
      path.join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        `  - job_name: prom`,
        `    static_configs: [{ targets: ['127.0.0.1:${promPort}'], labels: { site: 'lab' } }]`,
        'remote_write:',
        `  - url: http://127.0.0.1:${receiverPort}/receive`,
        `    ${queue}`,
        `  - url: http://127.0.0.1:${appPort}/api/v1/prom/write`,
        `    authorization: { credentials: '${token}' }`,
        `    ${queue}`,
      ].join('\n'),
    );
    prometheus = spawn(
      'prometheus',
      [
        `--config.file=${path.join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${path.join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
        '--log.level=warn',
      ],
      { stdio: 'ignore' },
    );
  }, 30_000);

  afterAll(async () => {
    clearInterval(realTime);
    // Prometheus flushes its remote-write queues for up to a minute on SIGTERM: give it a moment, then stop it.
    const exited = new Promise((resolve) => (prometheus ? prometheus.once('exit', resolve) : resolve(null)));
    prometheus?.kill('SIGTERM');
    const timer = setTimeout(() => prometheus?.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
    receiver?.closeAllConnections();
    await new Promise((resolve) => receiver?.close(resolve));
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('sends snappy protobuf our decoder reads: its own up and metrics with job, instance and static labels', async () => {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !received.some((s) => s.labels.__name__ === 'up')) {
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(problems).toEqual([]);
    const up = received.find((s) => s.labels.__name__ === 'up');
    expect(up?.labels).toMatchObject({ job: 'prom', site: 'lab' });
    expect(up?.values).toContain(1);
    expect(received.some((s) => s.labels.__name__?.startsWith('prometheus_'))).toBe(true);
    // Timestamps are epoch milliseconds near now.
    expect(Math.abs((up?.timestamps[0] ?? 0) - Date.now())).toBeLessThan(60_000);
  }, 30_000);

  it('arrives in opsdesk through the Bearer token and can be queried through the Prometheus-shaped API', async () => {
    const deadline = Date.now() + 20_000;
    let result: { metric: Record<string, string>; value: [number, string] }[] = [];
    while (Date.now() < deadline && result.length === 0) {
      await new Promise((r) => setTimeout(r, 300));
      const res = await t.app.inject({
        method: 'GET',
        url: `/api/v1/prom/query?query=${encodeURIComponent('up{job="prom"}')}`,
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.statusCode).toBe(200);
      result = res.json().data.result;
    }
    expect(result).toHaveLength(1);
    expect(result[0]?.metric).toMatchObject({ __name__: 'up', job: 'prom', site: 'lab' });
    expect(result[0]?.value[1]).toBe('1');
    expect(ingestStats(t.ctx).accepted.remote_write).toBeGreaterThan(0);
  }, 30_000);
}
