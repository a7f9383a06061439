// kill -9 in the middle of work, with three `opsdesk serve` on one PostgreSQL schema: tickets are filed through all
// three while a webhook receiver answers slowly, and one instance is killed with deliveries in flight. Every ticket
// an instance acknowledged (201) is stored once and its event reaches the receiver — sent again by a survivor once
// the dead instance's lease ran out, under the same idempotency key — and no event is sent under two keys.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { makeContext, type TestContext } from '../support/context.js';
import { call, type Instance, password, signIn, startInstances } from '../support/instances.js';

interface Received {
  key: string;
  eventId: number;
  type: string;
  subjectId: string;
}

describe('kill -9 of one of three instances mid-work', () => {
  let t: TestContext;
  let stopInstances: (() => void) | undefined;
  let instances: Instance[] = [];
  let receiver: http.Server;
  let receiverUrl: string;
  const received: Received[] = [];

  beforeAll(async () => {
    t = await makeContext('postgres');
    await createUser(t.ctx, null, { email: 'user@kill.test', name: 'user', role: 'requester', password });
    // A receiver that takes its time: deliveries are in flight when the instance dies.
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        const event = JSON.parse(body);
        received.push({
          key: String(req.headers['idempotency-key']),
          eventId: event.id,
          type: event.type,
          subjectId: String(event.subject.id),
        });
        setTimeout(() => res.writeHead(200).end('ok'), 300);
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const started = await startInstances(t.ctx, 3, {
      OPSDESK_ADMIN_EMAIL: 'admin@kill.test',
      OPSDESK_ADMIN_PASSWORD: password,
      OPSDESK_WEBHOOK_ALLOW_PRIVATE: '1',
      OPSDESK_WEBHOOK_TIMEOUT_MS: '2000',
    });
    instances = started.instances;
    stopInstances = started.stop;
  }, 240_000);

  afterAll(async () => {
    stopInstances?.();
    await new Promise((r) => receiver?.close(r));
    await t?.close();
  });

  it('loses no acknowledged ticket and no event, and sends each event under one key', async () => {
    const admin = await signIn(instances[0]!.url, 'admin@kill.test');
    const hook = await call(instances[0]!.url, 'POST', '/api/v1/webhooks', admin, {
      url: receiverUrl,
      events: ['ticket.created'],
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const tokens = await Promise.all(instances.map((i) => signIn(i.url, 'user@kill.test')));

    const acknowledged: number[] = [];
    let refused = 0;
    const victim = instances[2]!;
    const file = async (n: number) => {
      const at = n % 3;
      try {
        const r = await call(instances[at]!.url, 'POST', '/api/v1/tickets', tokens[at]!, {
          title: `Ticket ${n} of the run`,
          description: 'Filed while an instance dies.',
        });
        if (r.status === 201) acknowledged.push(r.body.id);
        else refused++;
      } catch {
        refused++; // the killed instance's connection: not acknowledged
      }
    };
    // Four at a time; the victim dies once fifteen are in and its deliveries are on their way.
    let next = 0;
    const total = 45;
    const lanes = Array.from({ length: 4 }, async () => {
      while (next < total) {
        const n = next++;
        if (n === 15) {
          await waitFor(() => received.length >= 3, 20_000);
          victim.child.kill('SIGKILL');
        }
        await file(n);
      }
    });
    await Promise.all(lanes);
    expect(acknowledged.length).toBeGreaterThanOrEqual(total - 15);
    expect(acknowledged.length + refused).toBe(total);

    // Each acknowledged ticket is stored once.
    const stored = await t.ctx.db.selectFrom('tickets').select(['id', 'title']).execute();
    for (const id of acknowledged) expect(stored.filter((s) => s.id === id)).toHaveLength(1);
    expect(new Set(stored.map((s) => s.title)).size).toBe(stored.length);

    // Every stored ticket's event reaches the receiver, and every delivery ends delivered: one the victim had in
    // flight is sent again by a survivor once its lease ran out (lease: the attempt's timeout and a minute).
    const ids = () => new Set(received.map((r) => r.subjectId));
    await waitFor(() => stored.every((s) => ids().has(String(s.id))), 150_000);
    const open = async () =>
      (
        await t.ctx.db
          .selectFrom('deliveries')
          .select('id')
          .where('channel', '=', 'webhook')
          .where('state', '!=', 'delivered')
          .execute()
      ).length;
    await waitForAsync(async () => (await open()) === 0, 150_000);
    const deliveries = await t.ctx.db
      .selectFrom('deliveries')
      .select('idempotency_key')
      .where('channel', '=', 'webhook')
      .execute();
    expect(deliveries).toHaveLength(stored.length);
    // One key per event, and one event per key: a resend carries the key of the first send.
    const keysOf = new Map<number, Set<string>>();
    const eventOf = new Map<string, number>();
    for (const r of received) {
      expect(r.type).toBe('ticket.created');
      keysOf.set(r.eventId, (keysOf.get(r.eventId) ?? new Set()).add(r.key));
      if (eventOf.has(r.key)) expect(eventOf.get(r.key)).toBe(r.eventId);
      eventOf.set(r.key, r.eventId);
    }
    for (const [eventId, keys] of keysOf) expect([...keys], `event ${eventId}`).toHaveLength(1);
    expect(keysOf.size).toBe(stored.length);
    // What the receiver got twice (the victim's sends in flight, sent again by a survivor) it got under the
    // delivery's one key, and that delivery is delivered.
    const twice = [...eventOf.keys()].filter((k) => received.filter((r) => r.key === k).length > 1);
    const keys = new Set(deliveries.map((d) => d.idempotency_key));
    for (const k of twice) expect(keys.has(k), k).toBe(true);
  }, 300_000);
});

async function waitForAsync(check: () => Promise<boolean>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
