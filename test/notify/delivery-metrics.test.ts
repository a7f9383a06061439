// Delivery attempts as a Prometheus counter: the worker tells its observer of every attempt once the outcome is
// written, and the service's metrics count them by channel, resulting state and failure reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceMetrics } from '../../src/api/metrics.js';
import { JobScheduler } from '../../src/core/jobs.js';
import { deliverDue, registerNotify, retryDelaysMs } from '../../src/notify/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';
import { type Receiver, startReceiver } from './receiver.js';

/** The value of one labelled sample, or 0 when the series does not exist yet. */
async function attempts(metrics: ServiceMetrics, labels: string): Promise<number> {
  const text = await metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`opsdesk_delivery_attempts_total{${labels}} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

describe.each(dialects)('delivery metrics on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let requester: Session;
  let r: Receiver;
  const metrics = new ServiceMetrics();

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_WEBHOOK_ALLOW_PRIVATE: '1', OPSDESK_WEBHOOK_TIMEOUT_MS: '300' });
    // A pass made the worker before the observer is wired (as a retry route or mail's register may): the
    // entry point's options still apply, whatever the order of wiring.
    await deliverDue(t.ctx);
    registerNotify(t.ctx, new JobScheduler(t.ctx.log), { onAttempt: metrics.observeDelivery });
    admin = await userSession(t.app, t.ctx, 'admin');
    requester = await userSession(t.app, t.ctx, 'requester');
    r = await startReceiver(503, 200);
  });
  afterAll(async () => {
    await r?.close();
    await t?.close();
  });

  it('counts a failed chat attempt by its reason, then the delivery that followed', async () => {
    const hook = await admin.call('POST', '/api/v1/webhooks', {
      url: r.url,
      format: 'chat',
      events: ['ticket.created'],
    });
    expect(hook.status).toBe(201);
    const filed = await requester.call('POST', '/api/v1/tickets', {
      title: 'Scanner offline',
      description: 'x',
    });
    expect(filed.status).toBe(201);

    await t.ctx.events.dispatchPending();
    await t.ctx.events.idle();
    await deliverDue(t.ctx);
    expect(await attempts(metrics, 'channel="chat",state="pending",reason="http_5xx"')).toBe(1);
    expect(await attempts(metrics, 'channel="chat",state="delivered",reason=""')).toBe(0);

    t.clock.advance(retryDelaysMs[0]);
    await deliverDue(t.ctx);
    expect(r.received).toHaveLength(2);
    expect(await attempts(metrics, 'channel="chat",state="delivered",reason=""')).toBe(1);
    expect(await attempts(metrics, 'channel="chat",state="pending",reason="http_5xx"')).toBe(1);
  });
});
