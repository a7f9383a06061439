// Paging a person through the one delivery pipeline, on SQLite and PostgreSQL: notification rules decide what
// goes when (chat at once, email five minutes later, on a ManualClock), the real delivery worker sends to a real
// HTTP receiver (chat, webhook), a real SMTP sink (email) and a fake SMS gateway (a local HTTP receiver: the only
// fake), and cancelPages stops what has not gone yet.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryWorker, verifyWebhookSignature } from '../../src/notify/index.js';
import { cancelPages, listPageDeliveries, type PageInput, pageUser } from '../../src/oncall/index.js';
import { type MailSink, startMailSink } from '../ingest/mail-sink.js';
import { type Receiver, startReceiver } from '../notify/receiver.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const minute = 60_000;
let incidents = 0;

function page(userId: number, over: Partial<PageInput> = {}): PageInput {
  incidents += 1;
  return {
    userId,
    incidentId: 1000 + incidents,
    title: `[P1] VPN gateway down (Network) #${incidents}`,
    body: 'The VPN gateway stopped answering health checks.',
    acknowledgeUrl: `https://desk.example.test/p/ack/${incidents}?sig=abc`,
    resolveUrl: `https://desk.example.test/p/resolve/${incidents}?sig=abc`,
    step: 1,
    ...over,
  };
}

describe.each(dialects)('paging on %s', (dialect) => {
  let t: TestApp;
  let sink: MailSink;
  let chat: Receiver;
  let gateway: Receiver;

  beforeAll(async () => {
    sink = await startMailSink();
    chat = await startReceiver(200);
    gateway = await startReceiver(200);
    t = await makeApp(dialect, {
      OPSDESK_WEBHOOK_ALLOW_PRIVATE: '1',
      OPSDESK_WEBHOOK_TIMEOUT_MS: '2000',
      OPSDESK_SMTP_OUT_URL: sink.url,
      OPSDESK_SMS_GATEWAY_URL: gateway.url,
      OPSDESK_SMS_GATEWAY_TOKEN: 'gateway-token-1',
      OPSDESK_SESSION_TTL_HOURS: '2160',
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([sink?.close(), chat?.close(), gateway?.close()]);
  });

  const run = (input: PageInput) => t.ctx.db.transaction().execute((trx) => pageUser(t.ctx, trx, input));
  const worker = () => deliveryWorker(t.ctx);

  async function method(who: Session, kind: string, target: string) {
    const res = await who.call('POST', `/api/v1/users/${who.userId}/contact-methods`, { kind, target });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: number; secret: string | null };
  }

  it('chat at 0 and email at 5 queue two deliveries; the chat goes first, the email five minutes later', async () => {
    const tech = await userSession(t.app, t.ctx, 'technician');
    const c = await method(tech, 'chat', chat.url);
    const e = await method(tech, 'email', 'oncall.pager@example.test');
    const rules = await tech.call('PUT', `/api/v1/users/${tech.userId}/notification-rules`, {
      rules: [
        { contactMethodId: c.id, delayMinutes: 0 },
        { contactMethodId: e.id, delayMinutes: 5 },
      ],
    });
    expect(rules.status).toBe(200);
    expect(rules.body.isDefault).toBe(false);

    const start = t.clock.now();
    const input = page(tech.userId);
    const result = await run(input);
    expect(result.unreachable).toBe(false);
    expect(result.deliveries.map((d) => [d.method, d.notBefore - start])).toEqual([
      ['chat', 0],
      ['email', 5 * minute],
    ]);

    await worker().runDue();
    const line = chat.received.find((r) => r.body.includes(input.title));
    expect(line, 'the chat line').toBeDefined();
    const text = JSON.parse(line?.body ?? '{}').text as string;
    expect(text).toContain(input.acknowledgeUrl);
    expect(text).toContain(input.resolveUrl);
    expect(sink.mails.filter((m) => m.to.includes('oncall.pager@example.test'))).toHaveLength(0);

    t.clock.advance(4 * minute);
    await worker().runDue();
    expect(sink.mails.filter((m) => m.to.includes('oncall.pager@example.test'))).toHaveLength(0);

    t.clock.advance(minute);
    await worker().runDue();
    const mail = await sink.waitFor((m) => m.to.includes('oncall.pager@example.test'));
    expect(mail.parsed.subject).toBe(input.title);
    expect(mail.parsed.text).toContain(input.acknowledgeUrl);

    const timeline = await listPageDeliveries(t.ctx, input.incidentId);
    expect(timeline.map((d) => [d.method, d.state])).toEqual([
      ['chat', 'delivered'],
      ['email', 'delivered'],
    ]);
  });

  it('cancelPages stops the email that has not gone yet; the worker never sends a cancelled page', async () => {
    const tech = await userSession(t.app, t.ctx, 'technician');
    const c = await method(tech, 'chat', chat.url);
    const e = await method(tech, 'email', 'second.pager@example.test');
    await tech.call('PUT', `/api/v1/users/${tech.userId}/notification-rules`, {
      rules: [
        { contactMethodId: c.id, delayMinutes: 0 },
        { contactMethodId: e.id, delayMinutes: 5 },
      ],
    });
    const input = page(tech.userId);
    await run(input);
    await worker().runDue();
    expect(chat.received.some((r) => r.body.includes(input.title))).toBe(true);

    const cancelled = await t.ctx.db
      .transaction()
      .execute((trx) => cancelPages(t.ctx, trx, input.incidentId));
    expect(cancelled).toBe(1);
    t.clock.advance(10 * minute);
    await worker().runDue();
    expect(sink.mails.filter((m) => m.to.includes('second.pager@example.test'))).toHaveLength(0);
    const timeline = await listPageDeliveries(t.ctx, input.incidentId);
    expect(timeline.map((d) => [d.method, d.state])).toEqual([
      ['chat', 'delivered'],
      ['email', 'cancelled'],
    ]);

    // The one retry of the log leaves a cancelled page alone: sending it now would page for an answered incident.
    const admin = await userSession(t.app, t.ctx, 'admin');
    const emailRow = timeline[1];
    const retried = await admin.call('POST', `/api/v1/deliveries/${emailRow.deliveryId}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.state).toBe('cancelled');
    const log = await admin.call('GET', '/api/v1/deliveries?state=cancelled');
    expect(log.body.items.map((d: { id: number }) => d.id)).toContain(emailRow.deliveryId);
  });

  it('an sms page goes to the gateway as {to, text} with the number, the title and the acknowledge link', async () => {
    const tech = await userSession(t.app, t.ctx, 'technician');
    await method(tech, 'sms', '+49 151 1234 5678');
    const input = page(tech.userId);
    const result = await run(input);
    expect(result.deliveries.map((d) => [d.method, d.channelEnabled])).toEqual([['sms', true]]);
    await worker().runDue();
    const sent = gateway.received.find((r) => r.body.includes(input.title));
    expect(sent, 'the gateway request').toBeDefined();
    expect(sent?.method).toBe('POST');
    expect(sent?.headers.authorization).toBe('Bearer gateway-token-1');
    expect(sent?.headers['content-type']).toBe('application/json');
    const body = JSON.parse(sent?.body ?? '{}');
    expect(body.to).toBe('+4915112345678');
    expect(body.text).toContain(input.acknowledgeUrl);
    expect(Object.keys(body).sort()).toEqual(['text', 'to']);
  });

  it("a webhook page is signed JSON the person's receiver can check with the method's secret", async () => {
    const hook = await startReceiver(200);
    try {
      const tech = await userSession(t.app, t.ctx, 'technician');
      const m = await method(tech, 'webhook', hook.url);
      expect(m.secret).toMatch(/^whsec_/);
      const input = page(tech.userId, { step: 2 });
      await run(input);
      await worker().runDue();
      expect(hook.received).toHaveLength(1);
      const r = hook.received[0];
      expect(
        verifyWebhookSignature({
          secret: m.secret as string,
          body: r.body,
          signature: r.headers['x-opsdesk-signature'] as string,
          timestamp: r.headers['x-opsdesk-timestamp'] as string,
          nowMs: t.clock.now(),
        }),
      ).toBe(true);
      const body = JSON.parse(r.body);
      expect(body).toMatchObject({
        type: 'incident.page',
        incidentId: input.incidentId,
        userId: tech.userId,
        step: 2,
        title: input.title,
        acknowledgeUrl: input.acknowledgeUrl,
        resolveUrl: input.resolveUrl,
      });
      expect(body.secret).toBeUndefined();
    } finally {
      await hook.close();
    }
  });

  it('a person without rules gets every verified method at once; without methods, their account email', async () => {
    const tech = await userSession(t.app, t.ctx, 'technician');
    const bare = await run(page(tech.userId));
    expect(bare.deliveries.map((d) => [d.method, d.contactMethodId])).toEqual([['email', null]]);
    expect(bare.unreachable).toBe(false);

    const c = await method(tech, 'chat', chat.url);
    await method(tech, 'email', 'unverified@example.test');
    // Nothing verified yet: every method at once, rather than nobody.
    const unverified = await run(page(tech.userId));
    expect(unverified.deliveries.map((d) => d.method).sort()).toEqual(['chat', 'email']);
    await worker().runDue(); // the chat receiver takes it: the chat method is verified
    const rules = await tech.call('GET', `/api/v1/users/${tech.userId}/notification-rules`);
    expect(rules.body).toEqual({ rules: [{ contactMethodId: c.id, delayMinutes: 0 }], isDefault: true });
    const verified = await run(page(tech.userId));
    expect(verified.deliveries.map((d) => [d.method, d.notBefore - t.clock.now()])).toEqual([['chat', 0]]);
  });

  it('an inactive person is unreachable and nothing is queued', async () => {
    const tech = await userSession(t.app, t.ctx, 'technician');
    await t.ctx.db.updateTable('users').set({ active: 0 }).where('id', '=', tech.userId).execute();
    expect(await run(page(tech.userId))).toEqual({ deliveries: [], unreachable: true });
    expect(await run(page(999_999))).toEqual({ deliveries: [], unreachable: true });
  });
});

describe.each(dialects)('paging without an SMS gateway on %s', (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_SESSION_TTL_HOURS: '2160' });
  });
  afterAll(async () => t?.close());

  it('the sms channel is disabled: the page is queued, waits pending, and the person counts as unreachable', async () => {
    const tech = await userSession(t.app, t.ctx, 'technician');
    const created = await tech.call('POST', `/api/v1/users/${tech.userId}/contact-methods`, {
      kind: 'sms',
      target: '+14155550123',
    });
    expect(created.body.channelEnabled).toBe(false);
    const input = page(tech.userId);
    const result = await t.ctx.db.transaction().execute((trx) => pageUser(t.ctx, trx, input));
    expect(result.unreachable).toBe(true);
    expect(result.deliveries.map((d) => [d.method, d.channelEnabled])).toEqual([['sms', false]]);
    t.clock.advance(60 * minute);
    const pass = await deliveryWorker(t.ctx).runDue();
    expect(pass.attempted).toBe(0);
    const [row] = await listPageDeliveries(t.ctx, input.incidentId);
    expect(row.state).toBe('pending');
  });
});
