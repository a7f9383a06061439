// Outgoing webhooks end to end, on SQLite and on PostgreSQL: admins configure them over HTTP, a ticket filed
// through the API reaches a real HTTP receiver signed, failures are retried on the backoff schedule (a
// ManualClock moves time), refusals are not, and nothing is delivered twice.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JobScheduler } from '../../src/core/jobs.js';
import {
  deliverDue,
  fanOutEvent,
  registerNotify,
  retryDelaysMs,
  verifyWebhookSignature,
} from '../../src/notify/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';
import { type Receiver, startReceiver } from './receiver.js';

describe.each(dialects)('outgoing webhooks on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let tech: Session;
  let requester: Session;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    // Retries span days of ManualClock time: sessions must outlive them.
    // The receivers listen on 127.0.0.1: private targets are allowed here (webhook-targets.test.ts checks the
    // refusal with the default).
    t = await makeApp(dialect, {
      OPSDESK_WEBHOOK_TIMEOUT_MS: '300',
      OPSDESK_SESSION_TTL_HOURS: '2160',
      OPSDESK_WEBHOOK_ALLOW_PRIVATE: '1',
    });
    registerNotify(t.ctx, new JobScheduler(t.ctx.log)); // the jobs are not started: tests drive each pass
    admin = await userSession(t.app, t.ctx, 'admin');
    tech = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
  });
  afterEach(async () => {
    // Each test owns its webhooks: switch every one off so later tickets do not reach earlier receivers.
    const list = await admin.call('GET', '/api/v1/webhooks?limit=200');
    for (const hook of list.body.items)
      await admin.call('PATCH', `/api/v1/webhooks/${hook.id}`, { active: false });
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  afterAll(async () => t?.close());

  /** Let the outbox relay and the delivery worker finish everything due now. */
  async function settle(): Promise<void> {
    await t.ctx.events.dispatchPending();
    await t.ctx.events.idle();
    await new Promise((resolve) => setImmediate(resolve)); // nudges queued by the pass start first
    await deliverDue(t.ctx);
  }

  async function hookTo(
    receiver: Receiver,
    body: Record<string, unknown> = {},
  ): Promise<{ id: number; secret: string }> {
    const res = await admin.call('POST', '/api/v1/webhooks', { url: receiver.url, ...body });
    expect(res.status).toBe(201);
    return res.body;
  }

  async function receiver(...statuses: number[]): Promise<Receiver> {
    const r = await startReceiver(...statuses);
    receivers.push(r);
    return r;
  }

  async function fileTicket(title = 'Laptop will not boot'): Promise<number> {
    const res = await requester.call('POST', '/api/v1/tickets', {
      title,
      description: 'Black screen after the update.',
    });
    expect(res.status).toBe(201);
    return res.body.id;
  }

  async function deliveries(hookId: number): Promise<any[]> {
    const res = await admin.call('GET', `/api/v1/webhooks/${hookId}/deliveries`);
    expect(res.status).toBe(200);
    return res.body.items;
  }

  it('an admin creates a webhook; its secret is shown at creation and never again', async () => {
    const r = await receiver();
    const created = await admin.call('POST', '/api/v1/webhooks', {
      url: r.url,
      events: ['ticket.created', 'ticket.commented'],
    });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe(`/api/v1/webhooks/${created.body.id}`);
    expect(created.body).toMatchObject({
      url: r.url,
      events: ['ticket.created', 'ticket.commented'],
      active: true,
      createdBy: admin.userId,
    });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{40,}$/);
    const one = await admin.call('GET', `/api/v1/webhooks/${created.body.id}`);
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty('secret');
    const list = await admin.call('GET', '/api/v1/webhooks');
    expect(list.body.items.find((h: { id: number }) => h.id === created.body.id)).toBeDefined();
    expect(JSON.stringify(list.body)).not.toContain(created.body.secret);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'webhook.created')
      .execute();
    expect(audit.map((a) => a.subject_id)).toContain(String(created.body.id));
    expect(audit.map((a) => a.details).join()).not.toContain(created.body.secret);
  });

  it('a ticket filed through the API reaches the receiver, signed so that the receiver can verify it', async () => {
    const r = await receiver(200);
    const hook = await hookTo(r, { events: ['ticket.created'], secret: 'a-shared-secret-of-some-length' });
    expect(hook.secret).toBe('a-shared-secret-of-some-length');
    const ticketId = await fileTicket();
    await settle();

    expect(r.received).toHaveLength(1);
    const req = r.received[0];
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/hooks/opsdesk');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toBe('opsdesk-webhooks/0.1');
    expect(req.headers['x-opsdesk-event']).toBe('ticket.created');
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({
      type: 'ticket.created',
      occurredAt: new Date(t.clock.now()).toISOString(),
      subject: { type: 'ticket', id: String(ticketId) },
      actorId: requester.userId,
      data: { ticket: { id: ticketId, title: 'Laptop will not boot', status: 'new' } },
    });
    expect(Number.isInteger(body.id)).toBe(true);

    const signed = {
      secret: hook.secret,
      body: req.body,
      signature: req.headers['x-opsdesk-signature'] as string,
      timestamp: req.headers['x-opsdesk-timestamp'] as string,
      nowMs: t.clock.now(),
    };
    expect(signed.timestamp).toBe(String(Math.floor(t.clock.now() / 1000)));
    expect(signed.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(signed)).toBe(true);
    expect(verifyWebhookSignature({ ...signed, body: req.body.replace('Laptop', 'Desktop') })).toBe(false);
    expect(verifyWebhookSignature({ ...signed, secret: 'another-secret-entirely' })).toBe(false);
    // A replay an hour later is refused by the timestamp check.
    expect(verifyWebhookSignature({ ...signed, nowMs: t.clock.now() + 3_600_000 })).toBe(false);

    const log = await deliveries(hook.id);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
      eventType: 'ticket.created',
    });
    expect(req.headers['x-opsdesk-delivery']).toBe(String(log[0].id));
  });

  it('a webhook receives only the event types it asked for; an empty list means all', async () => {
    const onlyComments = await receiver();
    const everything = await receiver();
    await hookTo(onlyComments, { events: ['ticket.commented'] });
    await hookTo(everything, { events: [] });
    const ticketId = await fileTicket();
    expect(
      (await tech.call('POST', `/api/v1/tickets/${ticketId}/comments`, { body: 'Looking into it.' })).status,
    ).toBe(201);
    await settle();
    expect(onlyComments.received.map((q) => q.headers['x-opsdesk-event'])).toEqual(['ticket.commented']);
    expect(everything.received.map((q) => q.headers['x-opsdesk-event']).sort()).toEqual([
      'ticket.commented',
      'ticket.created',
    ]);
  });

  it('a receiver answering 500 is retried after the backoff and succeeds on a later attempt', async () => {
    const r = await receiver(500, 502, 200);
    const hook = await hookTo(r);
    await fileTicket();
    await settle();
    expect(r.received).toHaveLength(1);
    let [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500 });
    expect(d.lastError).toBe('HTTP 500 Internal Server Error');
    expect(Date.parse(d.nextAttemptAt)).toBe(t.clock.now() + retryDelaysMs[0]);

    // Not before the backoff has passed.
    await deliverDue(t.ctx);
    t.clock.advance(retryDelaysMs[0] - 1000);
    await deliverDue(t.ctx);
    expect(r.received).toHaveLength(1);

    t.clock.advance(1000);
    await deliverDue(t.ctx);
    expect(r.received).toHaveLength(2);
    [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 2, lastStatusCode: 502 });
    expect(Date.parse(d.nextAttemptAt)).toBe(t.clock.now() + retryDelaysMs[1]);

    t.clock.advance(retryDelaysMs[1]);
    await deliverDue(t.ctx);
    expect(r.received).toHaveLength(3);
    [d] = await deliveries(hook.id);
    expect(d).toMatchObject({
      status: 'delivered',
      attempts: 3,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    // Every attempt is the same delivery of the same event, freshly signed.
    expect(new Set(r.received.map((q) => q.headers['x-opsdesk-delivery'])).size).toBe(1);
    expect(new Set(r.received.map((q) => JSON.parse(q.body).id)).size).toBe(1);
    const stamps = r.received.map((q) => q.headers['x-opsdesk-timestamp'] as string);
    expect(new Set(stamps).size).toBe(3);
    for (const q of r.received) {
      const timestamp = q.headers['x-opsdesk-timestamp'] as string;
      const signature = q.headers['x-opsdesk-signature'] as string;
      expect(
        verifyWebhookSignature({
          secret: hook.secret,
          body: q.body,
          signature,
          timestamp,
          nowMs: Number(timestamp) * 1000,
        }),
      ).toBe(true);
    }
  });

  it('a receiver that keeps failing is given up after the last attempt', async () => {
    const r = await receiver(503);
    const hook = await hookTo(r);
    await fileTicket();
    await settle();
    for (const delay of retryDelaysMs) {
      t.clock.advance(delay);
      await deliverDue(t.ctx);
    }
    expect(r.received).toHaveLength(retryDelaysMs.length + 1);
    const [d] = await deliveries(hook.id);
    expect(d).toMatchObject({
      status: 'failed',
      attempts: retryDelaysMs.length + 1,
      lastStatusCode: 503,
      nextAttemptAt: null,
    });
    expect(d.lastError).toContain(`gave up after ${retryDelaysMs.length + 1} attempts`);
    t.clock.advance(7 * 86_400_000);
    await deliverDue(t.ctx);
    expect(r.received).toHaveLength(retryDelaysMs.length + 1);
  });

  it('a 410 is not retried, and the log says why', async () => {
    const r = await receiver(410);
    const hook = await hookTo(r);
    await fileTicket();
    await settle();
    const [d] = await deliveries(hook.id);
    expect(d).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: 410, nextAttemptAt: null });
    expect(d.lastError).toContain('HTTP 410');
    expect(d.lastError).toContain('not retried');
    t.clock.advance(86_400_000);
    await deliverDue(t.ctx);
    expect(r.received).toHaveLength(1);
  });

  it('408 and 429 are retried; a receiver that does not answer in time is retried too', async () => {
    const r = await receiver(429, 408);
    const hook = await hookTo(r);
    await fileTicket();
    await settle();
    expect((await deliveries(hook.id))[0]).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatusCode: 429,
    });
    t.clock.advance(retryDelaysMs[0]);
    await deliverDue(t.ctx);
    expect((await deliveries(hook.id))[0]).toMatchObject({
      status: 'pending',
      attempts: 2,
      lastStatusCode: 408,
    });
    r.hang();
    t.clock.advance(retryDelaysMs[1]);
    await deliverDue(t.ctx);
    const [d] = await deliveries(hook.id);
    expect(d).toMatchObject({
      status: 'pending',
      attempts: 3,
      lastStatusCode: null,
      lastError: 'no answer within 300 ms',
    });
  });

  it('an unreachable receiver is retried with the connection error in the log', async () => {
    const r = await receiver();
    const url = r.url;
    await r.close();
    receivers.splice(receivers.indexOf(r), 1);
    const created = await admin.call('POST', '/api/v1/webhooks', { url });
    await fileTicket();
    await settle();
    const [d] = await deliveries(created.body.id);
    expect(d).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
    expect(d.lastError).toContain('ECONNREFUSED');
  });

  it('deliveries are never duplicated when dispatch runs twice', async () => {
    const r = await receiver(200);
    const hook = await hookTo(r);
    const before = await t.ctx.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirstOrThrow();
    await fileTicket();
    await Promise.all([t.ctx.events.dispatchPending(), t.ctx.events.dispatchPending()]);
    await Promise.all([deliverDue(t.ctx), deliverDue(t.ctx), settle()]);
    expect(r.received).toHaveLength(1);

    // The relay hands the same events over again (as after a crash between fan-out and marking them).
    await t.ctx.db
      .updateTable('outbox')
      .set({ dispatched_at: null })
      .where('id', '>', Number(before.id ?? 0))
      .execute();
    // Handed over again: by this pass, or by one that a nudge armed while the ticket was filed started meanwhile
    // (dispatchPending waits for a running pass first). Asking this pass to have been the one raced that nudge.
    await t.ctx.events.dispatchPending();
    expect(
      await t.ctx.db
        .selectFrom('outbox')
        .select('id')
        .where('id', '>', Number(before.id ?? 0))
        .where('dispatched_at', 'is', null)
        .execute(),
    ).toEqual([]);
    const event = await t.ctx.db
      .selectFrom('outbox')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    await t.ctx.db.transaction().execute(async (trx) => {
      const stored = {
        ...event,
        type: 'ticket.created' as const,
        subjectType: event.subject_type,
        subjectId: event.subject_id,
        actorId: event.actor_id,
        payload: JSON.parse(event.payload),
        createdAt: event.created_at,
      };
      await fanOutEvent(trx, t.clock.now(), stored);
      await fanOutEvent(trx, t.clock.now(), stored);
    });
    await settle();
    expect(await deliveries(hook.id)).toHaveLength(1);
    expect(r.received).toHaveLength(1);
  });

  it('two instances delivering at once send each delivery once', async () => {
    const r = await receiver(500, 500, 500, 500, 200);
    const hook = await hookTo(r);
    for (const title of ['a', 'b', 'c', 'd']) await fileTicket(title);
    await settle();
    expect(r.received).toHaveLength(4);
    t.clock.advance(retryDelaysMs[0]);
    // A second context over the same database stands for a second instance: its passes are not queued
    // behind this one's, so only the claim (SKIP LOCKED on PostgreSQL, a lease on both) keeps them apart.
    const [a, b] = await Promise.all([
      deliverDue(t.ctx, { batchSize: 1 }),
      deliverDue({ ...t.ctx, deliveries: undefined }, { batchSize: 1 }),
    ]);
    expect(a.attempted + b.attempted).toBe(4);
    expect(r.received).toHaveLength(8);
    const ids = r.received.slice(4).map((q) => q.headers['x-opsdesk-delivery']);
    expect(new Set(ids).size).toBe(4);
    expect((await deliveries(hook.id)).map((d) => d.attempts)).toEqual([2, 2, 2, 2]);
  });

  it('an inactive webhook gets no new deliveries and holds back pending ones until it is active again', async () => {
    const r = await receiver(200);
    const hook = await hookTo(r);
    const off = await admin.call('PATCH', `/api/v1/webhooks/${hook.id}`, { active: false });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ active: false });
    expect(off.body).not.toHaveProperty('secret');
    await fileTicket();
    await settle();
    expect(await deliveries(hook.id)).toHaveLength(0);

    // A delivery waiting for its retry waits out an inactive spell, then goes.
    r.answer(500, 200);
    await admin.call('PATCH', `/api/v1/webhooks/${hook.id}`, { active: true });
    await fileTicket();
    await settle();
    expect(r.received).toHaveLength(1);
    await admin.call('PATCH', `/api/v1/webhooks/${hook.id}`, { active: false });
    t.clock.advance(retryDelaysMs[0]);
    await deliverDue(t.ctx);
    expect(r.received).toHaveLength(1);
    expect((await deliveries(hook.id))[0]).toMatchObject({ status: 'pending', attempts: 1 });
    await admin.call('PATCH', `/api/v1/webhooks/${hook.id}`, { active: true });
    await deliverDue(t.ctx);
    expect(r.received).toHaveLength(2);
    expect((await deliveries(hook.id))[0]).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('an admin changes the URL and events, and deletes a webhook with its log', async () => {
    const first = await receiver();
    const second = await receiver();
    const hook = await hookTo(first, { events: ['ticket.created'] });
    const patched = await admin.call('PATCH', `/api/v1/webhooks/${hook.id}`, {
      url: second.url,
      events: ['ticket.created', 'ticket.updated'],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ url: second.url, events: ['ticket.created', 'ticket.updated'] });
    await fileTicket();
    await settle();
    expect(first.received).toHaveLength(0);
    expect(second.received).toHaveLength(1);

    const del = await admin.call('DELETE', `/api/v1/webhooks/${hook.id}`);
    expect(del.status).toBe(204);
    expect((await admin.call('GET', `/api/v1/webhooks/${hook.id}`)).body.code).toBe('webhook_not_found');
    expect((await admin.call('GET', `/api/v1/webhooks/${hook.id}/deliveries`)).status).toBe(404);
    const left = await t.ctx.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('webhook_id', '=', hook.id)
      .execute();
    expect(left).toHaveLength(0);
    const actions = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('subject_type', '=', 'webhook')
      .where('subject_id', '=', String(hook.id))
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual(['webhook.created', 'webhook.updated', 'webhook.deleted']);
  });

  it('the delivery log lists newest first, a page at a time', async () => {
    const r = await receiver();
    const hook = await hookTo(r);
    for (const title of ['one', 'two', 'three']) await fileTicket(title);
    await settle();
    const page1 = await admin.call('GET', `/api/v1/webhooks/${hook.id}/deliveries?limit=2`);
    expect(page1.status).toBe(200);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.items[0].id).toBeGreaterThan(page1.body.items[1].id);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const page2 = await admin.call(
      'GET',
      `/api/v1/webhooks/${hook.id}/deliveries?limit=2&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.items).toHaveLength(1);
    expect(page2.body.items[0].id).toBeLessThan(page1.body.items[1].id);
    expect(page2.body.nextCursor).toBeNull();
    const delivered = await admin.call('GET', `/api/v1/webhooks/${hook.id}/deliveries?status=failed`);
    expect(delivered.body.items).toHaveLength(0);
    expect((await admin.call('GET', `/api/v1/webhooks/${hook.id}/deliveries?cursor=bogus`)).body.code).toBe(
      'invalid_cursor',
    );
  });

  it('an admin redelivers a delivery: pending now, sent again', async () => {
    const r = await receiver(410, 200);
    const hook = await hookTo(r);
    await fileTicket();
    await settle();
    const [failed] = await deliveries(hook.id);
    expect(failed.status).toBe('failed');
    const res = await admin.call('POST', `/api/v1/webhooks/${hook.id}/deliveries/${failed.id}/redeliver`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: failed.id,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: new Date(t.clock.now()).toISOString(),
    });
    await settle();
    expect(r.received).toHaveLength(2);
    expect((await deliveries(hook.id))[0]).toMatchObject({
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
    });
    const other = await hookTo(await receiver());
    const wrong = await admin.call('POST', `/api/v1/webhooks/${other.id}/deliveries/${failed.id}/redeliver`);
    expect(wrong.status).toBe(404);
  });

  it('only admins manage webhooks', async () => {
    const r = await receiver();
    const hook = await hookTo(r);
    await fileTicket();
    await settle();
    const [d] = await deliveries(hook.id);
    for (const who of [tech, requester]) {
      const calls: [string, string, unknown?][] = [
        ['POST', '/api/v1/webhooks', { url: r.url }],
        ['GET', '/api/v1/webhooks'],
        ['GET', `/api/v1/webhooks/${hook.id}`],
        ['PATCH', `/api/v1/webhooks/${hook.id}`, { active: false }],
        ['DELETE', `/api/v1/webhooks/${hook.id}`],
        ['GET', `/api/v1/webhooks/${hook.id}/deliveries`],
        ['POST', `/api/v1/webhooks/${hook.id}/deliveries/${d.id}/redeliver`],
      ];
      for (const [method, url, payload] of calls) {
        const res = await who.call(method as 'GET', url, payload);
        expect(res.status, `${method} ${url}`).toBe(403);
        expect(res.body.code).toBe('forbidden');
      }
    }
    expect((await admin.call('GET', `/api/v1/webhooks/${hook.id}`)).body.active).toBe(true);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/webhooks' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('a bad URL is refused with 400 and the field', async () => {
    for (const url of [
      'ftp://files.example.test/in',
      'not a url',
      '/relative/path',
      'mailto:ops@example.test',
      `https://example.test/${'a'.repeat(2000)}`,
      '',
    ]) {
      const res = await admin.call('POST', '/api/v1/webhooks', { url });
      expect(res.status, url.slice(0, 40)).toBe(400);
      expect(res.body.code).toBe('invalid_webhook_url');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: '/url' })]);
    }
    const hook = await hookTo(await receiver());
    const patched = await admin.call('PATCH', `/api/v1/webhooks/${hook.id}`, {
      url: 'gopher://old.example.test',
    });
    expect(patched.status).toBe(400);
    expect(patched.body.code).toBe('invalid_webhook_url');
    const unknownEvent = await admin.call('POST', '/api/v1/webhooks', {
      url: 'https://example.test/hook',
      events: ['ticket.exploded'],
    });
    expect(unknownEvent.status).toBe(400);
    expect(unknownEvent.body.errors[0].field).toMatch(/^\/events/);
    const shortSecret = await admin.call('POST', '/api/v1/webhooks', {
      url: 'https://example.test/hook',
      secret: 'short',
    });
    expect(shortSecret.status).toBe(400);
    expect(shortSecret.body.errors[0].field).toBe('/secret');
  });
});
