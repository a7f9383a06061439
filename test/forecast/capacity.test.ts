// The forecast and capacity APIs on both databases, over node_exporter-shaped series written through the metric store
// on a fake clock (a disk filling on a test host gets a dated crossing), and the capacity report over a real scrape of
// Debian's prometheus-node-exporter. Pure parts (host naming) first.
import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capacityHosts } from '../../src/forecast/index.js';
import { type IngestSeries, type Labels, metricStore, scrapeTargetNow } from '../../src/monitoring/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const source = { key: 'test:capacity', maxSeries: 10_000 };

describe('capacityHosts', () => {
  it("names an instance by the target its scrape belongs to, or by a target's address", () => {
    const hosts = capacityHosts(
      [
        { id: 1, name: 'db1', address: null },
        { id: 2, name: 'web', address: 'web:9100' },
      ],
      [
        { url: 'http://10.0.0.5:9100/metrics', labels: {}, targetId: 1 },
        { url: 'http://x:9100/metrics', labels: { instance: 'db1-alias' }, targetId: 1 },
        { url: 'http://y:9100/metrics', labels: {}, targetId: null },
      ],
    );
    expect(hosts).toEqual([
      { id: 1, name: 'db1', instance: '10.0.0.5:9100' },
      { id: 1, name: 'db1', instance: 'db1-alias' },
      { id: 2, name: 'web', instance: 'web:9100' },
    ]);
  });
});

/** 21 days of a host every 15 minutes, written a day at a time as the clock moves on. */
async function writeHost(t: TestApp, instance: string): Promise<void> {
  const store = metricStore(t.ctx);
  const base = { job: 'node', instance };
  const start = t.clock.now();
  const gib = 2 ** 30;
  for (let d = 0; d < 21; d++) {
    const batch = new Map<string, IngestSeries>();
    const add = (labels: Labels, ts: number, v: number) => {
      const key = JSON.stringify(labels);
      const s = batch.get(key) ?? { labels, timestamps: [], values: [] };
      s.timestamps.push(ts);
      s.values.push(v);
      batch.set(key, s);
    };
    for (let k = 0; k < 96; k++) {
      const ts = start + d * day + k * 15 * minute;
      const days = (ts - start) / day;
      const root = { ...base, device: '/dev/sda1', fstype: 'ext4', mountpoint: '/' };
      const data = { ...base, device: '/dev/sdb1', fstype: 'xfs', mountpoint: '/data' };
      const run = { ...base, device: 'tmpfs', fstype: 'tmpfs', mountpoint: '/run' };
      // "/" fills by 1 % a day from half full: 90 % is reached on day 40.
      add({ __name__: 'node_filesystem_size_bytes', ...root }, ts, 1000 * gib);
      add({ __name__: 'node_filesystem_avail_bytes', ...root }, ts, (500 - 10 * days) * gib);
      add({ __name__: 'node_filesystem_size_bytes', ...data }, ts, 2000 * gib);
      add({ __name__: 'node_filesystem_avail_bytes', ...data }, ts, 1600 * gib);
      add({ __name__: 'node_filesystem_size_bytes', ...run }, ts, gib);
      add({ __name__: 'node_filesystem_avail_bytes', ...run }, ts, 0.01 * gib);
      add({ __name__: 'node_memory_MemTotal_bytes', ...base }, ts, 16 * gib);
      const phase = Math.sin((2 * Math.PI * (ts % day)) / day);
      add({ __name__: 'node_memory_MemAvailable_bytes', ...base }, ts, (8 + phase) * gib);
      for (const cpu of ['0', '1']) {
        add(
          { __name__: 'node_cpu_seconds_total', ...base, cpu, mode: 'idle' },
          ts,
          0.7 * ((ts - start) / 1000),
        );
      }
      add({ __name__: 'node_network_speed_bytes', ...base, device: 'eth0' }, ts, 125e6);
      add(
        { __name__: 'node_network_receive_bytes_total', ...base, device: 'eth0' },
        ts,
        12.5e6 * ((ts - start) / 1000),
      );
      add(
        { __name__: 'node_network_transmit_bytes_total', ...base, device: 'eth0' },
        ts,
        2.5e6 * ((ts - start) / 1000),
      );
    }
    t.clock.set(start + d * day + 95 * 15 * minute);
    const r = await store.append([...batch.values()], source);
    expect(r.rejected).toEqual({});
  }
}

describe.each(dialects)('forecast and capacity APIs on %s', (dialect) => {
  let t: TestApp;
  let staff: Session;
  let admin: Session;
  let now: number;
  beforeAll(async () => {
    t = await makeApp(dialect);
    staff = await userSession(t.app, t.ctx, 'technician');
    admin = await userSession(t.app, t.ctx, 'admin');
    const target = await admin.call('POST', '/api/v1/monitoring/targets', { name: 'db1', kind: 'host' });
    expect(target.status).toBe(201);
    const scrape = await admin.call('POST', '/api/v1/monitoring/scrape-targets', {
      url: 'http://db1.example.test:9100/metrics',
      job: 'node',
      targetId: target.body.id,
      enabled: false,
    });
    expect(scrape.status).toBe(201);
    await writeHost(t, 'db1.example.test:9100');
    now = t.clock.now();
    // Three weeks on, the sessions have expired: sign in again.
    staff = await userSession(t.app, t.ctx, 'technician');
  }, 60_000);
  afterAll(async () => t?.close());

  it('the capacity report dates the filling disk, names its host and leaves the steady resources alone', async () => {
    const res = await staff.call('GET', '/api/v1/capacity?horizon=30d');
    expect(res.status).toBe(200);
    expect(res.body.horizon).toBe('P30D');
    const items = res.body.items as {
      target: { id: number | null; name: string; instance: string };
      resource: string;
      detail: string;
      headroom: number;
      crossesAt: string | null;
      earliest: string | null;
      latest: string | null;
      trend30d: number | null;
      needsAction: boolean;
    }[];
    expect(items.map((i) => `${i.resource} ${i.detail}`).sort()).toEqual([
      'cpu ',
      'disk /',
      'disk /data',
      'memory ',
      'network eth0 receive',
      'network eth0 transmit',
    ]);
    const root = items[0];
    expect(root).toMatchObject({ resource: 'disk', detail: '/', needsAction: true });
    expect(root.target).toMatchObject({ name: 'db1', instance: 'db1.example.test:9100' });
    expect(root.target.id).toBeGreaterThan(0);
    expect(root.headroom).toBeCloseTo(1 - (0.5 + (now - (now - 21 * day + 15 * minute)) / day / 100), 1);
    // Started on day 0 at half full, 1 % a day: 90 % on day 40, 19 days or so from now.
    const crossing = Date.parse(root.crossesAt ?? '');
    const start = Date.parse('2026-03-02T09:00:00Z');
    expect(Math.abs(crossing - (start + 40 * day))).toBeLessThan(day / 2);
    expect(Date.parse(root.earliest ?? '')).toBeLessThanOrEqual(crossing);
    expect(Date.parse(root.latest ?? '')).toBeGreaterThanOrEqual(crossing);
    expect(root.trend30d).toBeCloseTo(0.01, 3);
    for (const other of items.slice(1)) expect(other.needsAction).toBe(false);
    const cpu = items.find((i) => i.resource === 'cpu');
    expect(cpu?.headroom).toBeCloseTo(0.7, 2);
    const rx = items.find((i) => i.detail === 'eth0 receive');
    expect(rx?.headroom).toBeCloseTo(0.9, 2);
  });

  it('a shorter horizon or a lower threshold changes who needs action', async () => {
    const short = await staff.call('GET', '/api/v1/capacity?horizon=14d');
    expect(short.body.items.filter((i: { needsAction: boolean }) => i.needsAction)).toEqual([]);
    const low = await staff.call('GET', '/api/v1/capacity?horizon=14d&disk=0.6');
    expect(low.body.thresholds.disk).toBe(0.6);
    const root = low.body.items[0];
    expect(root).toMatchObject({ detail: '/', needsAction: true, crossesAt: new Date(now).toISOString() });
  });

  it('forecasts any expression with its band and crossing', async () => {
    const query = encodeURIComponent(
      '1 - node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"}',
    );
    const res = await staff.call(
      'GET',
      `/api/v1/forecast?query=${query}&range=20d&horizon=P30D&step=1h&threshold=0.9`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ range: 'P20D', horizon: 'P30D', step: 'PT1H', threshold: 0.9 });
    expect(res.body.series).toHaveLength(1);
    const s = res.body.series[0];
    expect(s.fit).toBe('linear');
    expect(s.labels.mountpoint).toBe('/');
    expect(s.history.length).toBeGreaterThan(400);
    expect(s.forecast).toHaveLength(720);
    for (const p of s.forecast) expect(p.lower <= p.value && p.value <= p.upper).toBe(true);
    const start = Date.parse('2026-03-02T09:00:00Z');
    expect(Math.abs(Date.parse(s.crossing.at) - (start + 40 * day))).toBeLessThan(day / 2);
  });

  it('refuses bad durations and too many points clearly, and requesters', async () => {
    const bad = await staff.call('GET', '/api/v1/forecast?query=up&range=forever');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('validation_failed');
    const many = await staff.call('GET', '/api/v1/forecast?query=up&range=1d&horizon=400d&step=1m');
    expect(many.status).toBe(400);
    expect(many.body.code).toBe('promql_too_many_points');
    const wrong = await staff.call('GET', '/api/v1/forecast?query=sum(');
    expect(wrong.body.code).toBe('invalid_promql');
    const requester = await userSession(t.app, t.ctx, 'requester');
    expect((await requester.call('GET', '/api/v1/capacity')).status).toBe(403);
  });

  it('never answers 5xx to random parameters (fast-check)', async () => {
    const durations = fc.oneof(
      fc.constantFrom('1h', '30d', 'P1D', 'PT15M', '3600', '0', '-1', 'P', 'x', '1y', '99999999999d'),
      fc.string({ maxLength: 12 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            query: fc.constantFrom(
              'node_memory_MemTotal_bytes',
              'up',
              '1',
              'rate(node_cpu_seconds_total[5m])',
              ')',
            ),
            range: durations,
            horizon: durations,
            step: durations,
            threshold: fc.oneof(fc.double().map(String), fc.string({ maxLength: 8 })),
          },
          { requiredKeys: ['query'] },
        ),
        fc.record(
          { horizon: durations, disk: fc.string({ maxLength: 6 }), cpu: fc.constantFrom('0.5', '1', '0') },
          { requiredKeys: [] },
        ),
        async (f, c) => {
          const qs = (o: Record<string, string>) =>
            Object.entries(o)
              .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
              .join('&');
          const a = await staff.call('GET', `/api/v1/forecast?${qs(f)}`);
          expect(a.status, JSON.stringify(a.body)).toBeLessThan(500);
          const b = await staff.call('GET', `/api/v1/capacity?${qs(c)}`);
          expect(b.status, JSON.stringify(b.body)).toBeLessThan(500);
        },
      ),
      { numRuns: 40, seed: 15 },
    );
  }, 60_000);
});

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

describe.each(dialects)('the capacity report over a real node_exporter on %s', (dialect) => {
  let exporter: ChildProcess;
  let url: string;
  let t: TestApp;
  beforeAll(async () => {
    const port = await freePort();
    exporter = spawn(
      'prometheus-node-exporter',
      [
        `--web.listen-address=127.0.0.1:${port}`,
        '--collector.disable-defaults',
        '--collector.cpu',
        '--collector.meminfo',
        '--collector.filesystem',
      ],
      { stdio: 'ignore' },
    );
    url = `http://127.0.0.1:${port}/metrics`;
    for (let i = 0; i < 100; i++) {
      const up = await fetch(url).then(
        (r) => r.arrayBuffer().then(() => r.ok),
        () => false,
      );
      if (up) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    t = await makeApp(dialect);
  }, 30_000);
  afterAll(async () => {
    exporter?.kill('SIGTERM');
    await t?.close();
  });

  it('reports the host’s disks and memory under its target’s name', async () => {
    const admin = await userSession(t.app, t.ctx, 'admin');
    const target = await admin.call('POST', '/api/v1/monitoring/targets', {
      name: 'this host',
      kind: 'host',
    });
    const scrape = await admin.call('POST', '/api/v1/monitoring/scrape-targets', {
      url,
      job: 'node',
      targetId: target.body.id,
      enabled: false,
    });
    expect(scrape.status).toBe(201);
    const actor = {
      id: admin.userId,
      email: 'a',
      name: 'a',
      role: 'admin' as const,
      groupIds: [],
      via: 'bearer' as const,
      csrfToken: null,
    };
    for (let i = 0; i < 4; i++) {
      const o = await scrapeTargetNow(t.ctx, actor, scrape.body.id, metricStore(t.ctx));
      expect(o.up).toBe(true);
      t.clock.advance(15 * minute);
    }
    const res = await admin.call('GET', '/api/v1/capacity?horizon=30d');
    expect(res.status).toBe(200);
    const items = res.body.items as {
      resource: string;
      detail: string;
      headroom: number;
      target: { name: string };
    }[];
    const disks = items.filter((i) => i.resource === 'disk');
    expect(disks.length).toBeGreaterThan(0);
    expect(disks.map((d) => d.detail)).not.toContain('/proc');
    const memory = items.find((i) => i.resource === 'memory');
    expect(memory?.headroom).toBeGreaterThan(0);
    expect(memory?.headroom).toBeLessThan(1);
    for (const i of items) expect(i.target.name).toBe('this host');
  });
});
