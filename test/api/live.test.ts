// The live stream over a real port: ticket events reach the users who may see the ticket — staff see all,
// a requester only their own and watched tickets and never internal notes — with the actor's name; the
// stream needs a sign-in and is cleaned up when the client goes.

import fastifyCookie from '@fastify/cookie';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAuthentication } from '../../src/api/authentication.js';
import { registerProblemHandlers } from '../../src/api/problems.js';
import { liveRoutes } from '../../src/api/routes/live.js';
import { sharedSchemas } from '../../src/api/schemas.js';
import { receiveAlerts } from '../../src/monitoring/alert-pipeline.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';
import { openLiveStream as open, type Stream } from '../support/live-stream.js';

describe('live ticket stream', () => {
  let t: TestApp;
  let base: string;
  let tech: Session;
  let alice: Session;
  let bob: Session;

  beforeAll(async () => {
    t = await makeApp('sqlite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    tech = await userSession(t.app, t.ctx, 'technician');
    alice = await userSession(t.app, t.ctx, 'requester');
    bob = await userSession(t.app, t.ctx, 'requester');
  });
  afterAll(async () => t?.close());

  it('needs a sign-in', async () => {
    const res = await fetch(`${base}/api/v1/events/stream`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('problem+json');
  });

  it('sends ticket changes to those who may see them, with who changed what', async () => {
    const techStream = await open(base, tech.token);
    const aliceStream = await open(base, alice.token);
    const bobStream = await open(base, bob.token);
    try {
      const created = await alice.call('POST', '/api/v1/tickets', {
        title: 'VPN drops',
        description: 'every hour',
      });
      const id = created.body.id;
      const filed = await techStream.waitFor((e) => e.ticketId === id && e.type === 'ticket.created');
      expect(filed.summary).toMatch(/filed #\d+/);

      await tech.call('POST', `/api/v1/tickets/${id}/comments`, {
        body: 'secret: check the firewall',
        internal: true,
      });
      await tech.call('PATCH', `/api/v1/tickets/${id}`, { assigneeId: tech.userId });
      await tech.call('POST', `/api/v1/tickets/${id}/comments`, { body: 'Looking into it' });

      const assigned = await aliceStream.waitFor((e) => e.ticketId === id && e.type === 'ticket.updated');
      expect(assigned.actor?.name).toMatch(/^technician/);
      expect(assigned.summary).toContain('set assignee to technician');
      await aliceStream.waitFor((e) => e.ticketId === id && e.type === 'ticket.commented');
      const note = await techStream.waitFor((e) => e.internal);
      expect(note.summary).toContain('internal note');

      // The requester never hears of the internal note; another requester hears nothing of the ticket.
      expect(aliceStream.events.some((e) => e.internal)).toBe(false);
      expect(JSON.stringify(aliceStream.events)).not.toContain('secret');
      expect(JSON.stringify(techStream.events)).not.toContain('secret');
      expect(bobStream.events).toEqual([]);
    } finally {
      techStream.close();
      aliceStream.close();
      bobStream.close();
    }
  });

  it("monitoring's changes reach staff only, as kind, target and time", async () => {
    const techStream = await open(base, tech.token);
    const aliceStream = await open(base, alice.token);
    try {
      // A check's state change, as the checks record it, and an alert through the real pipeline.
      await t.ctx.db.transaction().execute((trx) =>
        t.ctx.events.record(trx, [
          {
            type: 'check.state_changed',
            subjectType: 'monitoring_check',
            subjectId: 7,
            actorId: null,
            payload: {
              checkId: 7,
              targetId: 42,
              from: 'up',
              to: 'down',
              message: 'refused',
              at: t.clock.now(),
            },
          },
        ]),
      );
      await receiveAlerts(
        t.ctx,
        [
          {
            labels: { alertname: 'DiskFull', target: 'db-01', secret_label: 'token-abc' },
            annotations: { summary: 'secret annotation' },
            startsAt: t.clock.now(),
            endsAt: null,
          },
        ],
        'rule',
      );
      const down = await techStream.waitFor((e) => (e as { type: string }).type === 'check.state_changed');
      expect(down).toEqual({
        type: 'check.state_changed',
        targetId: 42,
        at: new Date(t.clock.now()).toISOString(),
      });
      const fired = await techStream.waitFor((e) => (e as { type: string }).type === 'alert.firing');
      expect(Object.keys(fired).sort()).toEqual(['at', 'targetId', 'type']);
      expect(techStream.text + JSON.stringify(techStream.events)).not.toContain('secret');
      // The requester hears nothing of monitoring (a ticket event after it shows the stream is live).
      const created = await alice.call('POST', '/api/v1/tickets', {
        title: 'Printer',
        description: 'jammed',
      });
      await aliceStream.waitFor((e) => e.ticketId === created.body.id);
      expect(aliceStream.events.map((e) => e.type)).toEqual(['ticket.created']);
    } finally {
      techStream.close();
      aliceStream.close();
    }
  });

  it('a stream ends when its session is signed out', async () => {
    // A second server with only the stream, beating every 50 ms.
    const app = Fastify();
    for (const schema of sharedSchemas) app.addSchema(schema);
    registerProblemHandlers(app);
    await app.register(fastifyCookie);
    registerAuthentication(app, t.ctx);
    await app.register(liveRoutes(t.ctx, { heartbeatMs: 50, subscriberName: 'live-stream-beating' }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    const shortBase = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const carol = await userSession(t.app, t.ctx, 'requester');
    const stream = await open(shortBase, carol.token);
    try {
      await new Promise((r) => setTimeout(r, 200));
      expect(stream.ended).toBe(false);
      await carol.call('POST', '/api/v1/auth/logout');
      const end = Date.now() + 2000;
      while (!stream.ended && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
      expect(stream.ended).toBe(true);
    } finally {
      stream.close();
      await app.close();
    }
  });

  it('a watcher hears of the ticket', async () => {
    const created = await alice.call('POST', '/api/v1/tickets', { title: 'Shared printer', description: '' });
    const bobStream = await open(base, bob.token);
    try {
      await tech.call('PATCH', `/api/v1/tickets/${created.body.id}`, { watcherIds: [bob.userId] });
      await tech.call('PATCH', `/api/v1/tickets/${created.body.id}`, { priority: 'high' });
      const e = await bobStream.waitFor(
        (x) => x.ticketId === created.body.id && x.summary.includes('priority'),
      );
      expect(e.summary).toContain('set priority to high');
    } finally {
      bobStream.close();
    }
  });
});

// Streams follow the account: a role change, password change or deactivation ends them at once, a change
// this process did not see (another instance) is caught by the re-check before each batch of events, and
// one user may hold only so many open.
describe.each(dialects)('live stream trust on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  let admin: Session;

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_LIVE_STREAMS_PER_USER: '3' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = t.app.server.address();
    base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    admin = await userSession(t.app, t.ctx, 'admin');
  });
  afterAll(async () => t?.close());

  async function endsSoon(stream: Stream): Promise<boolean> {
    const end = Date.now() + 3000;
    while (!stream.ended && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    return stream.ended;
  }

  it("a demoted technician's open stream ends at once", async () => {
    const tech = await userSession(t.app, t.ctx, 'technician');
    const stream = await open(base, tech.token);
    try {
      expect((await admin.call('PATCH', `/api/v1/users/${tech.userId}`, { role: 'requester' })).status).toBe(
        200,
      );
      expect(await endsSoon(stream)).toBe(true);
    } finally {
      stream.close();
    }
  });

  it('a change made elsewhere (another instance) is caught before the next events are sent', async () => {
    const tech = await userSession(t.app, t.ctx, 'technician');
    const requester = await userSession(t.app, t.ctx, 'requester');
    const stream = await open(base, tech.token);
    try {
      const ticket = (
        await requester.call('POST', '/api/v1/tickets', { title: 'Disk full', description: 'x' })
      ).body.id as number;
      await stream.waitFor((e) => e.ticketId === ticket && e.type === 'ticket.created');
      // Demoted by another instance: straight in the database, so this process's caches never hear of it.
      await t.ctx.db.updateTable('users').set({ role: 'requester' }).where('id', '=', tech.userId).execute();
      await admin.call('POST', `/api/v1/tickets/${ticket}/comments`, {
        body: 'staff only: wipe it',
        internal: true,
      });
      const other = (await admin.call('POST', '/api/v1/tickets', { title: 'Other', description: 'y' })).body
        .id as number;
      await admin.call('PATCH', `/api/v1/tickets/${other}`, { priority: 'high' });
      expect(await endsSoon(stream)).toBe(true);
      expect(stream.events.some((e) => e.internal)).toBe(false);
      expect(stream.events.some((e) => e.ticketId === other)).toBe(false);
    } finally {
      stream.close();
    }
  });

  it("a password change or deactivation ends the user's streams at once", async () => {
    const tech = await userSession(t.app, t.ctx, 'technician');
    const stream = await open(base, tech.token);
    const other = await userSession(t.app, t.ctx, 'technician');
    const otherStream = await open(base, other.token);
    try {
      const changed = await tech.call('PATCH', `/api/v1/users/${tech.userId}`, {
        password: 'a-brand-new-password',
        currentPassword: 'correct horse battery',
      });
      expect(changed.status).toBe(200);
      expect(await endsSoon(stream)).toBe(true);
      expect((await admin.call('PATCH', `/api/v1/users/${other.userId}`, { active: false })).status).toBe(
        200,
      );
      expect(await endsSoon(otherStream)).toBe(true);
    } finally {
      stream.close();
      otherStream.close();
    }
  });

  it('one user may hold only OPSDESK_LIVE_STREAMS_PER_USER streams open', async () => {
    const tech = await userSession(t.app, t.ctx, 'technician');
    const streams = [
      await open(base, tech.token),
      await open(base, tech.token),
      await open(base, tech.token),
    ];
    try {
      const over = await fetch(`${base}/api/v1/events/stream`, {
        headers: { authorization: `Bearer ${tech.token}` },
      });
      expect(over.status).toBe(429);
      expect(over.headers.get('content-type')).toContain('problem+json');
      expect((await over.json()).code).toBe('too_many_streams');
      // Another user is not affected, and closing one stream makes room again.
      const someoneElse = await open(base, admin.token);
      someoneElse.close();
      streams[0].close();
      const end = Date.now() + 3000;
      let again: Response | null = null;
      while (Date.now() < end) {
        const ac = new AbortController();
        const r = await fetch(`${base}/api/v1/events/stream`, {
          headers: { authorization: `Bearer ${tech.token}` },
          signal: ac.signal,
        });
        if (r.status === 200) {
          again = r;
          ac.abort();
          break;
        }
        await r.body?.cancel();
        await new Promise((res) => setTimeout(res, 50));
      }
      expect(again?.status).toBe(200);
    } finally {
      for (const s of streams) s.close();
    }
  });
});
