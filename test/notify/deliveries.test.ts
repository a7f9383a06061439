// The one delivery pipeline end to end, on SQLite and PostgreSQL: the chat channel (a real HTTP receiver
// standing for Slack/Mattermost/Teams), the one log and the one retry over HTTP, the per-channel concurrency
// bound, retry jitter, and the migration that moved the mail and webhook logs into the one log.
import fc from 'fast-check';
import type { Kysely } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as deliveriesMigration from '../../src/core/db/migrations/2026-11-30-deliveries.js';
import * as oncallContactsMigration from '../../src/core/db/migrations/2026-11-30-oncall-contacts.js';
import { JobScheduler } from '../../src/core/jobs.js';
import { deliverMailDue, registerMail, subscribeMail } from '../../src/mail/index.js';
import { nextState } from '../../src/notify/channel.js';
import {
  type AttemptOutcome,
  type DeliveryChannel,
  DeliveryWorker,
  deliverDue,
  queueDeliveries,
  registerNotify,
} from '../../src/notify/index.js';
import { type MailSink, startMailSink } from '../ingest/mail-sink.js';
import { dialects, makeApp, makeContext, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';
import { type Receiver, startReceiver } from './receiver.js';

const publicUrl = 'https://desk.example.test';

describe.each(dialects)('the delivery pipeline on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let tech: Session;
  let requester: Session;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    t = await makeApp(dialect, {
      OPSDESK_WEBHOOK_TIMEOUT_MS: '300',
      OPSDESK_SESSION_TTL_HOURS: '2160',
      OPSDESK_WEBHOOK_ALLOW_PRIVATE: '1',
      OPSDESK_PUBLIC_URL: publicUrl,
    });
    registerNotify(t.ctx, new JobScheduler(t.ctx.log)); // the jobs are not started: tests drive each pass
    subscribeMail(t.ctx); // no OPSDESK_SMTP_OUT_URL: mail deliveries are written as disabled
    admin = await userSession(t.app, t.ctx, 'admin');
    tech = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
  });
  afterEach(async () => {
    const list = await admin.call('GET', '/api/v1/webhooks?limit=200');
    for (const hook of list.body.items)
      await admin.call('PATCH', `/api/v1/webhooks/${hook.id}`, { active: false });
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  afterAll(async () => t?.close());

  async function settle(): Promise<void> {
    await t.ctx.events.dispatchPending();
    await t.ctx.events.idle();
    await new Promise((resolve) => setImmediate(resolve));
    await deliverDue(t.ctx);
  }

  async function receiver(...statuses: number[]): Promise<Receiver> {
    const r = await startReceiver(...statuses);
    receivers.push(r);
    return r;
  }

  async function chatTo(r: Receiver): Promise<number> {
    const res = await admin.call('POST', '/api/v1/webhooks', {
      url: r.url,
      format: 'chat',
      events: ['ticket.created'],
    });
    expect(res.status).toBe(201);
    expect(res.body.format).toBe('chat');
    return res.body.id;
  }

  async function fileTicket(title: string): Promise<number> {
    const res = await requester.call('POST', '/api/v1/tickets', { title, description: 'x' });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function logOf(query: string): Promise<any[]> {
    const res = await admin.call('GET', `/api/v1/deliveries?limit=200&${query}`);
    expect(res.status).toBe(200);
    return res.body.items;
  }

  it('a chat target configured over the API gets one line of text per event, with an idempotency key', async () => {
    const r = await receiver(200);
    const hookId = await chatTo(r);
    const ticketId = await fileTicket('Printer on fire');
    await settle();
    expect(r.received).toHaveLength(1);
    const [req] = r.received;
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-opsdesk-signature']).toBeUndefined();
    const body = JSON.parse(req.body);
    expect(Object.keys(body)).toEqual(['text']);
    expect(body.text).toContain('ticket.created');
    expect(body.text).toContain(`ticket #${ticketId} “Printer on fire”`);
    expect(body.text).toContain(`${publicUrl}/tickets/${ticketId}`);

    const [d] = (await logOf('channel=chat')).filter((x) => x.endpointId === hookId);
    expect(d).toMatchObject({
      channel: 'chat',
      state: 'delivered',
      attempts: 1,
      lastStatus: 200,
      lastError: null,
    });
    expect(req.headers['idempotency-key']).toBe(d.idempotencyKey);
    expect(d.deliveredAt).not.toBeNull();
    // The webhook's own log shows it too, in its old shape.
    const old = await admin.call('GET', `/api/v1/webhooks/${hookId}/deliveries`);
    expect(old.body.items[0]).toMatchObject({ id: d.id, status: 'delivered', lastStatusCode: 200 });
  });

  it("a chat service's 429 waits as long as Retry-After says, a 5xx is retried, another 4xx is refused for good", async () => {
    const r = await receiver(429, 503, 200);
    r.retryAfter('120');
    const hookId = await chatTo(r);
    await fileTicket('Rate limited');
    await settle();
    let [d] = (await logOf('channel=chat')).filter((x) => x.endpointId === hookId);
    expect(d).toMatchObject({ state: 'pending', attempts: 1, lastStatus: 429, lastReason: 'http_4xx' });
    expect(Date.parse(d.nextAttemptAt)).toBe(t.clock.now() + 120_000);
    t.clock.advance(119_000);
    await deliverDue(t.ctx);
    expect(r.received).toHaveLength(1);
    t.clock.advance(1_000);
    await deliverDue(t.ctx);
    expect(r.received).toHaveLength(2);
    [d] = (await logOf('channel=chat')).filter((x) => x.endpointId === hookId);
    expect(d).toMatchObject({ state: 'pending', attempts: 2, lastStatus: 503, lastReason: 'http_5xx' });
    t.clock.advance(120_000);
    await deliverDue(t.ctx);
    expect(r.received).toHaveLength(3);
    [d] = (await logOf('channel=chat')).filter((x) => x.endpointId === hookId);
    expect(d).toMatchObject({ state: 'delivered', attempts: 3, lastStatus: 200 });

    const refusing = await receiver(400);
    const refusedId = await chatTo(refusing);
    await fileTicket('Bad payload');
    await settle();
    [d] = (await logOf('channel=chat&state=failed')).filter((x) => x.endpointId === refusedId);
    expect(d).toMatchObject({ state: 'failed', attempts: 1, lastStatus: 400, lastReason: 'http_4xx' });
    t.clock.advance(86_400_000);
    await deliverDue(t.ctx);
    expect(refusing.received).toHaveLength(1);
  });

  it('a chat target at a private address is refused at delivery by the same guard as webhooks', async () => {
    const r = await receiver(200);
    const hookId = await chatTo(r); // saved while private targets were allowed
    const before = t.ctx.config.webhookAllowPrivate;
    t.ctx.config.webhookAllowPrivate = false;
    try {
      await fileTicket('Sneaky');
      await settle();
    } finally {
      t.ctx.config.webhookAllowPrivate = before;
    }
    expect(r.received).toHaveLength(0);
    const [d] = (await logOf('channel=chat')).filter((x) => x.endpointId === hookId);
    expect(d).toMatchObject({ state: 'failed', lastReason: 'address_refused', lastStatus: null });
    expect(d.lastError).toMatch(/^refused: /);
  });

  it('the one log lists every channel newest first, a page at a time, filtered by channel and state', async () => {
    const r = await receiver(200);
    await chatTo(r);
    await fileTicket('Listed');
    await settle();
    const all = await logOf('');
    expect(new Set(all.map((d) => d.channel))).toEqual(new Set(['mail', 'chat']));
    const ids = all.map((d) => d.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    const mail = await logOf('channel=mail');
    expect(mail.length).toBeGreaterThan(0);
    for (const d of mail)
      expect(d).toMatchObject({ channel: 'mail', state: 'disabled', lastReason: 'disabled' });
    expect(JSON.stringify(mail)).not.toContain('payload');
    // The mail log is a view of the same rows.
    const old = await admin.call('GET', '/api/v1/mail/deliveries?limit=200');
    expect(old.body.items.map((d: { id: number }) => d.id)).toEqual(mail.map((d) => d.id));
    for (const d of await logOf('state=delivered')) expect(d.state).toBe('delivered');

    const page1 = await admin.call('GET', '/api/v1/deliveries?limit=2');
    expect(page1.body.items).toHaveLength(2);
    const page2 = await admin.call('GET', `/api/v1/deliveries?limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items[0].id).toBeLessThan(page1.body.items[1].id);
    expect(page2.body.items[0].id).toBe(ids[2]);
  });

  it('the one retry sends a refused delivery again, and the old routes answer the same rows', async () => {
    const r = await receiver(410, 200);
    const hook = await admin.call('POST', '/api/v1/webhooks', { url: r.url, events: ['ticket.created'] });
    await fileTicket('Gone, then back');
    await settle();
    const [failed] = (await logOf('channel=webhook&state=failed')).filter(
      (d) => d.endpointId === hook.body.id,
    );
    expect(failed).toMatchObject({ attempts: 1, lastStatus: 410 });
    const retried = await admin.call('POST', `/api/v1/deliveries/${failed.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: failed.id, state: 'pending', attempts: 0 });
    await settle();
    expect(r.received).toHaveLength(2);
    expect(r.received[1].headers['x-opsdesk-delivery']).toBe(String(failed.id));
    const old = await admin.call('GET', `/api/v1/webhooks/${hook.body.id}/deliveries`);
    expect(old.body.items[0]).toMatchObject({ id: failed.id, status: 'delivered', attempts: 1 });

    // A mail delivery retried through the one route: pending again, though without SMTP it waits.
    const [mail] = await logOf('channel=mail');
    const again = await admin.call('POST', `/api/v1/deliveries/${mail.id}/retry`);
    expect(again.body).toMatchObject({ id: mail.id, channel: 'mail', state: 'pending', attempts: 0 });
    const viaMail = await admin.call('GET', '/api/v1/mail/deliveries?limit=200');
    expect(viaMail.body.items.find((d: { id: number }) => d.id === mail.id).status).toBe('pending');

    const missing = await admin.call('POST', '/api/v1/deliveries/999999/retry');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('delivery_not_found');
    // A webhook's route reaches only that webhook's deliveries.
    const wrong = await admin.call(
      'POST',
      `/api/v1/webhooks/${hook.body.id}/deliveries/${mail.id}/redeliver`,
    );
    expect(wrong.status).toBe(404);
    for (const s of [tech, requester]) {
      expect((await s.call('GET', '/api/v1/deliveries')).status).toBe(403);
      expect((await s.call('POST', `/api/v1/deliveries/${failed.id}/retry`)).status).toBe(403);
    }
  });
});

describe.each(dialects)('the mail channel on %s', (dialect) => {
  let t: TestApp;
  let sink: MailSink;
  beforeAll(async () => {
    sink = await startMailSink();
    t = await makeApp(dialect, { OPSDESK_SMTP_OUT_URL: sink.url, OPSDESK_SESSION_TTL_HOURS: '2160' });
    registerMail(t.ctx, new JobScheduler(t.ctx.log));
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it('a mail retried after a 451 goes out with the same Message-ID, its key for the receiver', async () => {
    const requester = await userSession(t.app, t.ctx, 'requester');
    const admin = await userSession(t.app, t.ctx, 'admin');
    const { email } = await t.ctx.db
      .selectFrom('users')
      .select('email')
      .where('id', '=', requester.userId)
      .executeTakeFirstOrThrow();
    sink.failNextTo = email;
    const filed = await requester.call('POST', '/api/v1/tickets', { title: 'Twice?', description: 'x' });
    await t.ctx.events.dispatchPending();
    await t.ctx.events.idle();
    await deliverMailDue(t.ctx);
    const [first] = (await admin.call('GET', `/api/v1/mail/deliveries?ticketId=${filed.body.id}`)).body.items;
    expect(first).toMatchObject({ status: 'pending', attempts: 1 });
    expect(first.lastError).toContain('smtp_451');
    const [logged] = (await admin.call('GET', '/api/v1/deliveries?channel=mail&state=pending')).body.items;
    expect(logged).toMatchObject({ id: first.id, lastStatus: 451, lastReason: 'smtp_4xx' });

    t.clock.advance(60_000);
    expect(await deliverMailDue(t.ctx)).toMatchObject({ sent: 1 });
    const mail = await sink.waitFor((m) => m.to.includes(email));
    expect(mail.parsed.messageId).toBe(`<${first.messageId}>`);
    expect(mail.parsed.headers.get('x-opsdesk-delivery')).toBe(String(first.id));
    const [sent] = (await admin.call('GET', `/api/v1/mail/deliveries?ticketId=${filed.body.id}`)).body.items;
    expect(sent).toMatchObject({ id: first.id, status: 'sent', attempts: 2, lastError: null });
    // A sent mail is not sent again on request: a person would read it twice.
    const again = await admin.call('POST', `/api/v1/deliveries/${first.id}/retry`);
    expect(again.body).toMatchObject({ state: 'delivered', attempts: 2 });
    await deliverMailDue(t.ctx);
    expect(sink.mails.filter((m) => m.to.includes(email))).toHaveLength(1);
  });
});

describe.each(dialects)('the delivery worker on %s', (dialect) => {
  it("never has more of a channel's deliveries in flight than its concurrency", async () => {
    const c = await makeContext(dialect);
    try {
      let inFlight = 0;
      let most = 0;
      const sent: string[] = [];
      const slow: DeliveryChannel = {
        name: 'chat',
        concurrency: 3,
        attemptTimeoutMs: 1_000,
        retryDelaysMs: [1_000],
        resendsDelivered: true,
        enabled: () => true,
        async send(d): Promise<AttemptOutcome> {
          inFlight += 1;
          most = Math.max(most, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 15));
          inFlight -= 1;
          sent.push(d.idempotencyKey);
          return { kind: 'delivered', statusCode: null };
        },
      };
      const now = c.clock.now();
      await c.ctx.db.transaction().execute((trx) =>
        queueDeliveries(
          trx,
          now,
          Array.from({ length: 10 }, (_, i) => ({
            channel: 'chat' as const,
            eventId: null,
            target: 'test',
            kind: 'test',
            payload: {},
            idempotencyKey: `k${i}`,
          })),
        ),
      );
      const worker = new DeliveryWorker(c.ctx, [slow]);
      expect(await worker.runDue()).toMatchObject({ attempted: 10, delivered: 10 });
      expect(most).toBe(3);
      expect(sent.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`).sort());
      // Queued twice under the same key: written once.
      const again = await c.ctx.db
        .transaction()
        .execute((trx) =>
          queueDeliveries(trx, now, [
            { channel: 'chat', eventId: null, target: 't', kind: 't', payload: {}, idempotencyKey: 'k1' },
          ]),
        );
      expect(again).toEqual([]);
    } finally {
      await c.close();
    }
  });

  it('moves both old logs into the one log, keeping webhook ids; the old shapes read on as views', async () => {
    const c = await makeContext(dialect);
    try {
      const db = c.ctx.db as unknown as Kysely<any>;
      // Later migrations that build on the one log come off first and go back on after it.
      await oncallContactsMigration.down(db);
      await deliveriesMigration.down(db);
      const user = await db
        .insertInto('users')
        .values({
          email: 'old@example.test',
          name: 'Old',
          role: 'admin',
          active: 1,
          created_at: 0,
          updated_at: 0,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const hook = await db
        .insertInto('webhooks')
        .values({
          url: 'https://hooks.example.test/x',
          secret: 's'.repeat(20),
          events: '[]',
          active: 1,
          created_by: user.id,
          created_at: 0,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const event = await db
        .insertInto('outbox')
        .values({
          type: 'ticket.created',
          subject_type: 'ticket',
          subject_id: '7',
          actor_id: null,
          payload: '{}',
          created_at: 5,
          dispatched_at: 5,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('webhook_deliveries')
        .values([
          {
            id: 40,
            webhook_id: hook.id,
            event_id: event.id,
            status: 'failed',
            attempts: 8,
            next_attempt_at: null,
            last_status_code: 500,
            last_error: 'HTTP 500',
            created_at: 5,
            updated_at: 9,
          },
        ])
        .execute();
      const mailRow = {
        template: 'ticket_created',
        ticket_id: null,
        user_id: user.id,
        to_address: 'old@example.test',
        subject: 'Hello',
        text_body: 'Hi there',
        html_body: '<p>Hi there</p>',
        in_reply_to: '<root@x>',
        references: '<root@x>',
        attempts: 1,
        next_attempt_at: null,
        last_error: null,
        created_at: 5,
        updated_at: 6,
      };
      await db
        .insertInto('mail_deliveries')
        .values([
          { ...mailRow, event_id: event.id, message_id: 'a@x', status: 'sent', sent_at: 6 },
          {
            ...mailRow,
            event_id: null,
            message_id: 'b@x',
            status: 'pending',
            next_attempt_at: 7,
            sent_at: null,
          },
        ])
        .execute();

      await deliveriesMigration.up(db);
      await oncallContactsMigration.up(db);

      const rows = await c.ctx.db.selectFrom('deliveries').selectAll().orderBy('id').execute();
      expect(rows.map((r) => [r.channel, r.state, r.idempotency_key])).toEqual([
        ['webhook', 'failed', `${hook.id}:${event.id}`],
        ['mail', 'delivered', `event:${event.id}:ticket_created:old@example.test`],
        ['mail', 'pending', 'message:b@x'],
      ]);
      expect(rows[0]).toMatchObject({
        id: 40,
        endpoint_id: hook.id,
        kind: 'ticket.created',
        last_status: 500,
      });
      expect(rows[1].id).toBeGreaterThan(40);
      expect(JSON.parse(rows[1].payload)).toEqual({
        subject: 'Hello',
        text: 'Hi there',
        html: '<p>Hi there</p>',
        messageId: 'a@x',
        inReplyTo: '<root@x>',
        references: '<root@x>',
      });
      const mail = await c.ctx.db.selectFrom('mail_deliveries').selectAll().orderBy('id').execute();
      expect(mail.map((m) => [m.status, m.message_id, m.subject, m.text_body, m.sent_at])).toEqual([
        ['sent', 'a@x', 'Hello', 'Hi there', 6],
        ['pending', 'b@x', 'Hello', 'Hi there', null],
      ]);
      const hooks = await c.ctx.db.selectFrom('webhook_deliveries').selectAll().execute();
      expect(hooks).toMatchObject([{ id: 40, webhook_id: hook.id, status: 'failed', last_status_code: 500 }]);
      // New rows take ids after the copied ones.
      const [key] = await c.ctx.db
        .transaction()
        .execute((trx) =>
          queueDeliveries(trx, 10, [
            { channel: 'mail', eventId: null, target: 'n@x', kind: 't', payload: {}, idempotencyKey: 'new' },
          ]),
        );
      const added = await c.ctx.db
        .selectFrom('deliveries')
        .select('id')
        .where('idempotency_key', '=', key)
        .executeTakeFirstOrThrow();
      expect(added.id).toBeGreaterThan(rows[2].id);
    } finally {
      await c.close();
    }
  });
});

describe('retry schedule', () => {
  const delays = [30_000, 120_000, 600_000];
  const retry = (retryAfterMs?: number): AttemptOutcome => ({
    kind: 'retry',
    reason: 'http_5xx',
    statusCode: 500,
    error: 'HTTP 500',
    retryAfterMs,
  });

  it('jitter brings a retry up to a tenth earlier than its backoff, never later', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempts, random) => {
          const next = nextState(delays, retry(), attempts, 0, random);
          const backoff = delays[attempts - 1];
          expect(next.state).toBe('pending');
          expect(next.nextAttemptAt).toBeLessThanOrEqual(backoff);
          expect(next.nextAttemptAt).toBeGreaterThanOrEqual(backoff * 0.9);
        },
      ),
    );
  });

  it("never comes before the receiver's Retry-After", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (random) => {
        expect(nextState(delays, retry(31_000), 1, 0, random).nextAttemptAt).toBe(
          Math.max(31_000, Math.round(30_000 * (1 - 0.1 * random))),
        );
      }),
    );
  });

  it('a refusal fails at once; spent attempts make a delivery dead', () => {
    expect(
      nextState(delays, { kind: 'give_up', reason: 'http_4xx', statusCode: 410, error: 'HTTP 410' }, 1, 0),
    ).toMatchObject({
      state: 'failed',
      nextAttemptAt: null,
    });
    expect(nextState(delays, retry(), 3, 0).state).toBe('pending');
    expect(nextState(delays, retry(), 4, 0)).toMatchObject({ state: 'dead', nextAttemptAt: null });
  });
});
