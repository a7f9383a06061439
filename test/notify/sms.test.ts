// The SMS channel on SQLite and PostgreSQL: a generic HTTP gateway gets {to, text} as JSON (a local HTTP
// receiver stands for it: the only fake), its answers are classified as for webhooks, and without
// OPSDESK_SMS_GATEWAY_URL the channel is disabled and its deliveries wait, pending, until it is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../src/core/config.js';
import { deliveryWorker, queueDeliveries, smsText, smsTextMaxLength } from '../../src/notify/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';
import { type Receiver, startReceiver } from './receiver.js';

let n = 0;
async function queueSms(t: TestContext, to: string, text: string): Promise<number> {
  n += 1;
  const key = `sms-test:${n}:${Date.now()}`;
  const now = t.clock.now();
  await t.ctx.db.transaction().execute((trx) =>
    queueDeliveries(trx, now, [
      {
        channel: 'sms',
        eventId: null,
        target: to,
        kind: 'contact_test',
        payload: { text },
        idempotencyKey: key,
      },
    ]),
  );
  const row = await t.ctx.db
    .selectFrom('deliveries')
    .select('id')
    .where('idempotency_key', '=', key)
    .executeTakeFirstOrThrow();
  return row.id;
}

const stateOf = async (t: TestContext, id: number) =>
  t.ctx.db
    .selectFrom('deliveries')
    .select(['state', 'attempts', 'last_reason', 'last_status'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();

describe('sms text and configuration', () => {
  it('one line, cut to what one message may hold', () => {
    expect(smsText('  [P1]  VPN\n down\tnow ')).toBe('[P1] VPN down now');
    const long = smsText('x'.repeat(1000));
    expect(long).toHaveLength(smsTextMaxLength);
    expect(long.endsWith('…')).toBe(true);
  });

  it('takes an http(s) gateway URL and masks the token in `opsdesk config`', () => {
    expect(() => loadConfig({ OPSDESK_SMS_GATEWAY_URL: 'ftp://sms.example.test' })).toThrow(ConfigError);
    expect(() => loadConfig({ OPSDESK_SMS_GATEWAY_URL: 'sms.example.test/send' })).toThrow(
      /OPSDESK_SMS_GATEWAY_URL/,
    );
    const config = loadConfig({
      OPSDESK_SMS_GATEWAY_URL: 'https://sms.example.test/send',
      OPSDESK_SMS_GATEWAY_TOKEN: 'secret-token',
    });
    expect(config.smsGatewayUrl).toBe('https://sms.example.test/send');
    expect(describeConfig(config)).toMatchObject({
      smsGatewayUrl: 'https://sms.example.test/send',
      smsGatewayToken: '***',
    });
    expect(loadConfig({}).smsGatewayUrl).toBeNull();
  });
});

describe.each(dialects)('the sms channel on %s', (dialect) => {
  let gateway: Receiver;
  let t: TestContext;
  beforeAll(async () => {
    gateway = await startReceiver(200);
    t = await makeContext(dialect, {
      OPSDESK_SMS_GATEWAY_URL: gateway.url,
      OPSDESK_WEBHOOK_TIMEOUT_MS: '2000',
    });
  });
  afterAll(async () => {
    await t?.close();
    await gateway?.close();
  });

  it('posts {to, text} to the gateway, with the idempotency key and no token when none is set', async () => {
    const id = await queueSms(t, '+4915112345678', 'Hello from opsdesk');
    const pass = await deliveryWorker(t.ctx).runDue({ channel: 'sms' });
    expect(pass.delivered).toBe(1);
    const got = gateway.received.at(-1);
    expect(JSON.parse(got?.body ?? '{}')).toEqual({ to: '+4915112345678', text: 'Hello from opsdesk' });
    expect(got?.headers.authorization).toBeUndefined();
    expect(got?.headers['idempotency-key']).toMatch(/^sms-test:/);
    expect((await stateOf(t, id)).state).toBe('delivered');
  });

  it('retries a gateway 5xx and gives up on a 4xx refusal (a number it will never take)', async () => {
    gateway.answer(503);
    const busy = await queueSms(t, '+4915112345679', 'busy');
    await deliveryWorker(t.ctx).runDue({ channel: 'sms' });
    expect(await stateOf(t, busy)).toMatchObject({ state: 'pending', attempts: 1, last_reason: 'http_5xx' });
    gateway.answer(200);
    t.clock.advance(15_000);
    await deliveryWorker(t.ctx).runDue({ channel: 'sms' });
    expect((await stateOf(t, busy)).state).toBe('delivered');

    gateway.answer(400);
    const refused = await queueSms(t, '+4915112345670', 'refused');
    await deliveryWorker(t.ctx).runDue({ channel: 'sms' });
    expect(await stateOf(t, refused)).toMatchObject({
      state: 'failed',
      last_reason: 'http_4xx',
      last_status: 400,
    });
    gateway.answer(200);
  });
});

describe.each(dialects)('the sms channel without a gateway on %s', (dialect) => {
  let gateway: Receiver;
  let t: TestContext;
  beforeAll(async () => {
    gateway = await startReceiver(200);
    t = await makeContext(dialect);
  });
  afterAll(async () => {
    await t?.close();
    await gateway?.close();
  });

  it('is disabled: its deliveries wait, pending and unattempted, and go once a gateway is set', async () => {
    const worker = deliveryWorker(t.ctx);
    expect(worker.channel('sms')?.enabled()).toBe(false);
    const id = await queueSms(t, '+14155550123', 'waiting');
    t.clock.advance(3_600_000);
    expect((await worker.runDue()).attempted).toBe(0);
    expect(await stateOf(t, id)).toMatchObject({ state: 'pending', attempts: 0 });
    // As an operator setting OPSDESK_SMS_GATEWAY_URL would (the channel reads the setting on every pass).
    (t.ctx.config as { smsGatewayUrl: string | null }).smsGatewayUrl = gateway.url;
    expect(worker.channel('sms')?.enabled()).toBe(true);
    await worker.runDue();
    expect((await stateOf(t, id)).state).toBe('delivered');
    expect(JSON.parse(gateway.received[0].body)).toEqual({ to: '+14155550123', text: 'waiting' });
  });
});
