// Contact methods and notification rules over HTTP, on SQLite and PostgreSQL: targets checked per kind (URLs by
// the webhook SSRF rules), test messages that verify (a receiver's 2xx; a code typed back for email and sms),
// who may keep whose methods, and rules that only name the person's own methods. The SMS gateway is a local
// HTTP receiver standing for a real one (the only fake).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryWorker } from '../../src/notify/index.js';
import { type MailSink, startMailSink } from '../ingest/mail-sink.js';
import { type Receiver, startReceiver } from '../notify/receiver.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const base = (s: Session, userId = s.userId) => `/api/v1/users/${userId}/contact-methods`;

describe.each(dialects)('contact methods on %s (private targets refused)', (dialect) => {
  let t: TestApp;
  let tech: Session;
  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_SESSION_TTL_HOURS: '2160' });
    tech = await userSession(t.app, t.ctx, 'technician');
  });
  afterAll(async () => t?.close());

  it('refuses webhook and chat URLs at internal addresses, as webhooks do', async () => {
    for (const [kind, target] of [
      ['webhook', 'http://127.0.0.1:8080/hook'],
      ['chat', 'http://169.254.169.254/latest/meta-data'],
      ['webhook', 'http://10.0.0.5/x'],
      ['chat', 'http://[::1]/x'],
      ['webhook', 'http://2130706433/'],
      ['chat', 'https://user:pw@hooks.example.com/x'],
      ['webhook', 'ftp://hooks.example.com/x'],
    ]) {
      const res = await tech.call('POST', base(tech), { kind, target });
      expect(res.status, target).toBe(400);
      expect(res.body.code).toBe('invalid_webhook_url');
      expect(res.body.errors[0].field).toBe('/target');
    }
    const ok = await tech.call('POST', base(tech), {
      kind: 'chat',
      target: 'https://hooks.slack.com/services/T/B/X',
    });
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ kind: 'chat', verified: false, channelEnabled: true, secret: null });
  });

  it('checks phone numbers (E.164) and email addresses', async () => {
    for (const target of ['015112345678', '+0151123', '+49 151 abc', '+1234', `+${'1'.repeat(16)}`]) {
      const res = await tech.call('POST', base(tech), { kind: 'sms', target });
      expect(res.status, target).toBe(400);
      expect(res.body.code).toBe('invalid_contact_target');
    }
    const sms = await tech.call('POST', base(tech), {
      kind: 'sms',
      target: '+44 (20) 7946-0958',
      label: 'Work phone',
    });
    expect(sms.status).toBe(201);
    expect(sms.body).toMatchObject({ target: '+442079460958', label: 'Work phone', channelEnabled: false });
    const bad = await tech.call('POST', base(tech), { kind: 'email', target: 'not an address' });
    expect(bad.body.code).toBe('invalid_contact_target');
    const huge = await tech.call('POST', base(tech), { kind: 'email', target: 'x'.repeat(5000) });
    expect(huge.status).toBe(400);
    const kind = await tech.call('POST', base(tech), { kind: 'pigeon', target: 'x' });
    expect(kind.status).toBe(400);
  });

  it("keeps people to their own methods: another's list is 403, another's method under your own id 404", async () => {
    const other = await userSession(t.app, t.ctx, 'technician');
    const requester = await userSession(t.app, t.ctx, 'requester');
    const manager = await userSession(t.app, t.ctx, 'manager');
    const theirs = await other.call('POST', base(other), { kind: 'email', target: 'other@example.test' });
    expect(theirs.status).toBe(201);
    expect((await tech.call('GET', base(other))).status).toBe(403);
    expect((await tech.call('POST', base(other), { kind: 'email', target: 'x@example.test' })).status).toBe(
      403,
    );
    expect((await tech.call('PATCH', `${base(other)}/${theirs.body.id}`, { label: 'mine now' })).status).toBe(
      403,
    );
    expect((await tech.call('DELETE', `${base(other)}/${theirs.body.id}`)).status).toBe(403);
    // Their method's id under my own path: not found, and nothing changed.
    expect((await tech.call('PATCH', `${base(tech)}/${theirs.body.id}`, { label: 'x' })).status).toBe(404);
    expect((await tech.call('DELETE', `${base(tech)}/${theirs.body.id}`)).status).toBe(404);
    expect((await tech.call('POST', `${base(tech)}/${theirs.body.id}/test`)).status).toBe(404);
    expect((await requester.call('GET', base(requester))).status).toBe(403);
    // A manager keeps anyone's, but a requester has none to keep (never paged); unknown users are 404.
    expect((await manager.call('GET', base(other))).body.items).toHaveLength(1);
    expect((await manager.call('GET', base(requester))).status).toBe(400);
    expect((await manager.call('GET', '/api/v1/users/999999/contact-methods')).status).toBe(404);
    const list = await other.call('GET', base(other));
    expect(list.body.items.map((m: { label: string }) => m.label)).toEqual(['email']);
    // The secret is never in a list.
    expect(JSON.stringify(list.body)).not.toContain('whsec');
  });

  it('rules name only the person’s own methods, with bounded delays', async () => {
    const other = await userSession(t.app, t.ctx, 'technician');
    const mine = await tech.call('POST', base(tech), { kind: 'email', target: 'mine@example.test' });
    const theirs = await other.call('POST', base(other), { kind: 'email', target: 'theirs@example.test' });
    const url = `/api/v1/users/${tech.userId}/notification-rules`;
    const foreign = await tech.call('PUT', url, {
      rules: [{ contactMethodId: theirs.body.id, delayMinutes: 0 }],
    });
    expect(foreign.status).toBe(400);
    expect(foreign.body.code).toBe('invalid_reference');
    const late = await tech.call('PUT', url, {
      rules: [{ contactMethodId: mine.body.id, delayMinutes: 100_000 }],
    });
    expect(late.status).toBe(400);
    const twice = await tech.call('PUT', url, {
      rules: [
        { contactMethodId: mine.body.id, delayMinutes: 5 },
        { contactMethodId: mine.body.id, delayMinutes: 5 },
      ],
    });
    expect(twice.status).toBe(400);
    const many = await tech.call('PUT', url, {
      rules: Array.from({ length: 21 }, (_, i) => ({ contactMethodId: mine.body.id, delayMinutes: i })),
    });
    expect(many.status).toBe(400);
    const ok = await tech.call('PUT', url, {
      rules: [
        { contactMethodId: mine.body.id, delayMinutes: 0 },
        { contactMethodId: mine.body.id, delayMinutes: 15 },
      ],
    });
    expect(ok.body).toEqual({
      rules: [
        { contactMethodId: mine.body.id, delayMinutes: 0 },
        { contactMethodId: mine.body.id, delayMinutes: 15 },
      ],
      isDefault: false,
    });
    // Deleting the method takes its rules with it.
    expect((await tech.call('DELETE', `${base(tech)}/${mine.body.id}`)).status).toBe(204);
    const after = await tech.call('GET', url);
    expect(
      after.body.rules.some((r: { contactMethodId: number }) => r.contactMethodId === mine.body.id),
    ).toBe(false);
  });
});

describe.each(dialects)('test messages and verification on %s', (dialect) => {
  let t: TestApp;
  let tech: Session;
  let sink: MailSink;
  let gateway: Receiver;
  let chat: Receiver;
  beforeAll(async () => {
    sink = await startMailSink();
    gateway = await startReceiver(200);
    chat = await startReceiver(200);
    t = await makeApp(dialect, {
      OPSDESK_SESSION_TTL_HOURS: '2160',
      OPSDESK_WEBHOOK_ALLOW_PRIVATE: '1',
      OPSDESK_WEBHOOK_TIMEOUT_MS: '2000',
      OPSDESK_SMTP_OUT_URL: sink.url,
      OPSDESK_SMS_GATEWAY_URL: gateway.url,
    });
    tech = await userSession(t.app, t.ctx, 'technician');
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([sink?.close(), gateway?.close(), chat?.close()]);
  });

  it('a chat method is verified once its receiver takes the test; a new URL is unverified again', async () => {
    const m = await tech.call('POST', base(tech), { kind: 'chat', target: chat.url });
    const test = await tech.call('POST', `${base(tech)}/${m.body.id}/test`);
    expect(test.status).toBe(202);
    expect(test.body).toMatchObject({ channel: 'page', channelEnabled: true });
    // At most one a minute.
    const again = await tech.call('POST', `${base(tech)}/${m.body.id}/test`);
    expect(again.status).toBe(429);
    expect(again.body.code).toBe('contact_test_too_soon');
    await deliveryWorker(t.ctx).runDue();
    expect(JSON.parse(chat.received.at(-1)?.body ?? '{}').text).toContain('test message');
    const [shown] = (await tech.call('GET', base(tech))).body.items.filter(
      (x: { id: number }) => x.id === m.body.id,
    );
    expect(shown).toMatchObject({ verified: true, lastDelivery: { state: 'delivered' } });
    // A code is for email and sms only.
    expect((await tech.call('POST', `${base(tech)}/${m.body.id}/verify`, { code: '123456' })).status).toBe(
      400,
    );
    const moved = await tech.call('PATCH', `${base(tech)}/${m.body.id}`, { target: `${chat.url}?v=2` });
    expect(moved.body.verified).toBe(false);
  });

  it('an sms method is verified by the code of its test message; wrong codes are counted', async () => {
    const m = await tech.call('POST', base(tech), { kind: 'sms', target: '+4915112345678' });
    expect(m.body.channelEnabled).toBe(true);
    expect((await tech.call('POST', `${base(tech)}/${m.body.id}/test`)).status).toBe(202);
    await deliveryWorker(t.ctx).runDue();
    const sent = gateway.received.find((r) => JSON.parse(r.body).to === '+4915112345678');
    const code = /Verification code: (\d{6})/.exec(JSON.parse(sent?.body ?? '{}').text)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    const refused = await tech.call('POST', `${base(tech)}/${m.body.id}/verify`, { code: wrong });
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('verification_code_wrong');
    const ok = await tech.call('POST', `${base(tech)}/${m.body.id}/verify`, { code });
    expect(ok.status).toBe(200);
    expect(ok.body.verified).toBe(true);
    // Used up: the same code does not work twice.
    expect((await tech.call('POST', `${base(tech)}/${m.body.id}/verify`, { code })).status).toBe(400);
  });

  it('an email code stops working after five wrong tries, and after 30 minutes', async () => {
    const m = await tech.call('POST', base(tech), { kind: 'email', target: 'verify.me@example.test' });
    await tech.call('POST', `${base(tech)}/${m.body.id}/test`);
    await deliveryWorker(t.ctx).runDue();
    const mail = await sink.waitFor((x) => x.to.includes('verify.me@example.test'));
    const code = /Verification code: (\d{6})/.exec(mail.parsed.text ?? '')?.[1] as string;
    for (let i = 0; i < 5; i++)
      await tech.call('POST', `${base(tech)}/${m.body.id}/verify`, {
        code: code === '000000' ? '000001' : '000000',
      });
    expect((await tech.call('POST', `${base(tech)}/${m.body.id}/verify`, { code })).status).toBe(400);

    t.clock.advance(61_000);
    await tech.call('POST', `${base(tech)}/${m.body.id}/test`);
    await deliveryWorker(t.ctx).runDue();
    const mails = sink.mails.filter((x) => x.to.includes('verify.me@example.test'));
    const second = /Verification code: (\d{6})/.exec(mails.at(-1)?.parsed.text ?? '')?.[1] as string;
    t.clock.advance(31 * 60_000);
    expect((await tech.call('POST', `${base(tech)}/${m.body.id}/verify`, { code: second })).status).toBe(400);
  });

  it('a refused test shows as the last delivery failed; deleting a method cancels what waits for it', async () => {
    const refusing = await startReceiver(410);
    try {
      const m = await tech.call('POST', base(tech), { kind: 'webhook', target: refusing.url });
      await tech.call('POST', `${base(tech)}/${m.body.id}/test`);
      await deliveryWorker(t.ctx).runDue();
      const [shown] = (await tech.call('GET', base(tech))).body.items.filter(
        (x: { id: number }) => x.id === m.body.id,
      );
      expect(shown).toMatchObject({ verified: false, lastDelivery: { state: 'failed', reason: 'http_4xx' } });

      t.clock.advance(61_000);
      refusing.answer(503);
      await tech.call('POST', `${base(tech)}/${m.body.id}/test`);
      await deliveryWorker(t.ctx).runDue(); // 503: pending again, retried later
      expect((await tech.call('DELETE', `${base(tech)}/${m.body.id}`)).status).toBe(204);
      const rows = await t.ctx.db
        .selectFrom('deliveries')
        .select(['state'])
        .where('target', '=', refusing.url)
        .orderBy('id')
        .execute();
      expect(rows.map((r) => r.state)).toEqual(['failed', 'cancelled']);
    } finally {
      await refusing.close();
    }
  });
});
