// A webhook receiver end to end with a real HTTP server on loopback, on both databases: the group's notification
// goes out as Alertmanager's webhook payload v4 through the delivery pipeline; the receiver's 500 is retried, not
// dropped, and the next attempt delivers the same body with the same idempotency key.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorForUser, createUser } from '../../src/core/auth/index.js';
import { JobScheduler } from '../../src/core/jobs.js';
import { registerAlertPipeline, runAlertPipeline } from '../../src/monitoring/alert-groups.js';
import { receiveAlerts } from '../../src/monitoring/alert-pipeline.js';
import { putAlertRouting } from '../../src/monitoring/alert-routing-store.js';
import { deliveryWorker } from '../../src/notify/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

interface Received {
  body: Record<string, any>;
  headers: http.IncomingHttpHeaders;
}

describe.each(dialects)('an Alertmanager webhook receiver on %s', (dialect) => {
  let t: TestContext;
  let server: http.Server;
  const received: Received[] = [];
  const answers = [500, 200];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let data = '';
      req.on('data', (c) => {
        data += c;
      });
      req.on('end', () => {
        received.push({ body: JSON.parse(data), headers: req.headers });
        res.statusCode = answers.shift() ?? 200;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    t = await makeContext(dialect, { OPSDESK_WEBHOOK_ALLOW_PRIVATE: 'true' });
    const admin = actorForUser(
      await createUser(t.ctx, null, {
        email: `hook-${dialect}@example.test`,
        name: 'Ada',
        role: 'admin',
        password: 'correct horse battery',
      }),
    );
    await putAlertRouting(t.ctx, admin, {
      route: { receiver: 'hook', group_by: ['alertname'] },
      receivers: [
        { name: 'hook', webhook_configs: [{ url: `http://127.0.0.1:${port}/alerts`, max_alerts: 1 }] },
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts the v4 payload, and retries a 500 until it is delivered', async () => {
    const t0 = t.clock.now();
    await receiveAlerts(
      t.ctx,
      ['a', 'b'].map((instance) => ({
        labels: { alertname: 'HighLatency', instance, severity: 'warning' },
        annotations: { summary: 'p99 above 1 s' },
        startsAt: t0,
        endsAt: t0 + 3_600_000,
        generatorUrl: 'http://prometheus.test/graph',
      })),
      'rule',
    );
    t.clock.set(t0 + 30_000);
    expect((await runAlertPipeline(t.ctx)).notified).toBe(1);
    const worker = deliveryWorker(t.ctx);
    await worker.runDue({ channel: 'page' });
    expect(received).toHaveLength(1);
    t.clock.set(t0 + 30_000 + 20_000);
    await worker.runDue({ channel: 'page' });
    expect(received).toHaveLength(2);
    const [first, second] = received;
    expect(second!.body).toEqual(first!.body);
    expect(second!.headers['idempotency-key']).toBe(first!.headers['idempotency-key']);
    expect(second!.body).toMatchObject({
      version: '4',
      status: 'firing',
      receiver: 'hook',
      groupLabels: { alertname: 'HighLatency' },
      commonLabels: { alertname: 'HighLatency', severity: 'warning' },
      commonAnnotations: { summary: 'p99 above 1 s' },
      truncatedAlerts: 1,
    });
    expect(second!.body.alerts[0]).toMatchObject({
      status: 'firing',
      generatorURL: 'http://prometheus.test/graph',
      startsAt: new Date(t0).toISOString(),
      endsAt: '0001-01-01T00:00:00Z',
    });
    const row = await t.ctx.db
      .selectFrom('deliveries')
      .select(['state', 'attempts'])
      .where('kind', '=', 'alertmanager.webhook')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'delivered', attempts: 2 });
  });

  it('flushes soon after alerts arrive once registered (an alert older than group_wait goes at once)', async () => {
    const jobs = new JobScheduler(t.ctx.log);
    registerAlertPipeline(t.ctx, jobs);
    const now = t.clock.now();
    await receiveAlerts(
      t.ctx,
      [{ labels: { alertname: 'Late' }, annotations: {}, startsAt: now - 60_000, endsAt: null }],
      'alertmanager',
    );
    // Stopping waits for the round the arrival started.
    await jobs.stop();
    const queued = await t.ctx.db
      .selectFrom('deliveries')
      .select('payload')
      .where('kind', '=', 'alertmanager.webhook')
      .execute();
    expect(queued.some((d) => JSON.parse(d.payload).body.groupLabels.alertname === 'Late')).toBe(true);
  });
});
