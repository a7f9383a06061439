// Three `opsdesk serve` processes on one PostgreSQL schema and one shared data folder, as behind a load balancer:
// started together they make one admin account; a session made through one works on the others; a ticket filed
// through one reaches live streams held open on the other two; a file attached through one is served by another;
// one alert pushed to all three opens one incident and pages once; one mail handed to two files one ticket; and
// when one is killed (kill -9) the others go on and still hear each other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { swaks } from '../ingest/swaks.js';
import { makeContext, type TestContext } from '../support/context.js';
import { call, type Instance, password, signIn, startInstances } from '../support/instances.js';
import { openLiveStream } from '../support/live-stream.js';

describe('three instances on one PostgreSQL', () => {
  let t: TestContext;
  let stopInstances: (() => void) | undefined;
  let instances: Instance[] = [];
  let techId: number;

  beforeAll(async () => {
    t = await makeContext('postgres');
    for (const [email, role] of [
      ['tech@three.test', 'technician'],
      ['user@three.test', 'requester'],
      ['boss@three.test', 'manager'],
    ] as const) {
      const u = await createUser(t.ctx, null, { email, name: email.split('@')[0]!, role, password });
      if (role === 'technician') techId = u.id;
    }
    const started = await startInstances(t.ctx, 3, {
      OPSDESK_MAIL_FROM: 'helpdesk@three.test',
      OPSDESK_MAIL_ALLOWED_DOMAINS: 'three.test',
    });
    instances = started.instances;
    stopInstances = started.stop;
  }, 240_000);

  afterAll(async () => {
    stopInstances?.();
    await t?.close();
  });

  it('started together, they make one admin account, and one of them says how to sign in to it', async () => {
    const admins = await t.ctx.db.selectFrom('users').select('email').where('role', '=', 'admin').execute();
    expect(admins).toEqual([{ email: 'admin@opsdesk.local' }]);
    const told = instances.filter((i) => /one-time password: \S+/.test(i.stderr()));
    expect(told).toHaveLength(1);
  });

  it('a session made through one instance works on the others', async () => {
    const token = await signIn(instances[0]!.url, 'tech@three.test');
    for (const i of instances) {
      const r = await call(i.url, 'GET', '/api/v1/auth/session', token);
      expect(r.status, i.url).toBe(200);
      expect(JSON.stringify(r.body)).toContain('tech@three.test');
    }
  });

  it('a ticket filed through one instance reaches the live streams held open on the other two', async () => {
    const tech = await signIn(instances[1]!.url, 'tech@three.test');
    const user = await signIn(instances[0]!.url, 'user@three.test');
    const streams = await Promise.all([
      openLiveStream(instances[1]!.url, tech),
      openLiveStream(instances[2]!.url, tech),
    ]);
    try {
      const filed = await call(instances[0]!.url, 'POST', '/api/v1/tickets', user, {
        title: 'The printer on floor 3 jams',
        description: 'Every second page.',
      });
      expect(filed.status).toBe(201);
      for (const s of streams) {
        const e = await s.waitFor((e) => e.ticketId === filed.body.id && e.type === 'ticket.created', 20_000);
        expect(e.actor?.name).toBe('user');
      }
    } finally {
      for (const s of streams) s.close();
    }
  });

  it('a file attached through one instance is served by another (the shared data folder)', async () => {
    const user = await signIn(instances[2]!.url, 'user@three.test');
    const filed = await call(instances[2]!.url, 'POST', '/api/v1/tickets', user, {
      title: 'Screenshot of the error',
      description: 'Attached.',
    });
    const form = new FormData();
    form.append('file', new Blob(['the error text, 0x80070005'], { type: 'text/plain' }), 'error.txt');
    const up = await fetch(`${instances[2]!.url}/api/v1/tickets/${filed.body.id}/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${user}` },
      body: form,
    });
    expect(up.status).toBe(201);
    const attachment = (await up.json()) as { id: number };
    const down = await fetch(`${instances[0]!.url}/api/v1/attachments/${attachment.id}`, {
      headers: { authorization: `Bearer ${user}` },
    });
    expect(down.status).toBe(200);
    expect(await down.text()).toBe('the error text, 0x80070005');
  });

  it('one alert pushed to all three (as Prometheus pushes to every Alertmanager) opens one incident and pages once', async () => {
    const boss = await signIn(instances[0]!.url, 'boss@three.test');
    const ok = async (method: string, url: string, body: unknown, status = 201) => {
      const r = await call(instances[0]!.url, method, url, boss, body);
      expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBe(status);
      return r.body;
    };
    const policy = await ok('POST', '/api/v1/escalation-policies', {
      name: 'Databases',
      steps: [{ targets: [{ kind: 'user', id: techId }], delayMinutes: 10 }],
      repeatCount: 1,
    });
    const service = await ok('POST', '/api/v1/services', {
      name: 'Databases',
      escalationPolicyId: policy.id,
    });
    await ok('POST', '/api/v1/monitoring/targets', { name: 'db-ha', kind: 'host', serviceId: service.id });
    await ok(
      'PUT',
      '/api/v1/monitoring/alert-routing',
      {
        route: { receiver: 'incident', group_by: ['alertname', 'target'], group_wait: '1s' },
        receivers: [{ name: 'incident', incident_configs: [{ open_ticket: true }] }],
      },
      200,
    );
    const tech = await Promise.all(instances.map((i) => signIn(i.url, 'tech@three.test')));
    const alert = [
      {
        labels: { alertname: 'ReplicationLag', target: 'db-ha', severity: 'critical' },
        annotations: { summary: 'the replica is 5 minutes behind' },
        startsAt: new Date().toISOString(),
      },
    ];
    const pushed = await Promise.all(
      instances.map((i, n) => call(i.url, 'POST', '/api/v1/alertmanager/api/v2/alerts', tech[n]!, alert)),
    );
    expect(
      pushed.map((p) => p.status),
      JSON.stringify(pushed.map((p) => p.body)),
    ).toEqual([200, 200, 200]);
    const pages = () =>
      t.ctx.db
        .selectFrom('deliveries')
        .innerJoin('incidents', 'incidents.id', 'deliveries.incident_id')
        .select(['deliveries.channel', 'deliveries.user_id', 'incidents.id as incidentId'])
        .where('incidents.service_id', '=', service.id)
        .execute();
    const until = Date.now() + 30_000;
    while ((await pages()).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    // Every instance's pipeline and escalation runner has had a few more rounds to do it again: none did.
    await new Promise((r) => setTimeout(r, 3_000));
    const incidents = await t.ctx.db
      .selectFrom('incidents')
      .select('id')
      .where('service_id', '=', service.id)
      .execute();
    expect(incidents).toHaveLength(1);
    const sent = await pages();
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((p) => p.user_id === techId)).toBe(true);
    expect(new Set(sent.map((p) => p.channel)).size).toBe(sent.length);
  });

  it('one mail handed to two instances at once (an MTA retrying on another) files one ticket', async () => {
    const ports = instances.slice(0, 2).map((i) => Number(/smtp: 127\.0\.0\.1:(\d+)/.exec(i.stderr())?.[1]));
    expect(ports.every((p) => p > 0)).toBe(true);
    const sent = await Promise.all(
      ports.map((port) =>
        swaks(port, [
          '--from',
          'user@three.test',
          '--to',
          'helpdesk@three.test',
          '--header',
          'Subject: The badge reader at the back door is dead',
          '--header',
          'Message-Id: <badge-reader-1@three.test>',
          '--body',
          'Nobody gets in since 7:00.',
        ]),
      ),
    );
    for (const r of sent) expect(r.code, r.output).toBe(0);
    const outcomes = sent.map((r) => /250 2\.0\.0 Ok: (\w+)/.exec(r.output)?.[1]).sort();
    expect(outcomes).toEqual(['duplicate', 'ticket_created']);
    const filed = await t.ctx.db
      .selectFrom('tickets')
      .select('id')
      .where('title', '=', 'The badge reader at the back door is dead')
      .execute();
    expect(filed).toHaveLength(1);
  });

  it('after kill -9 of one instance the others go on and still hear each other', async () => {
    const killed = instances[2]!;
    killed.child.kill('SIGKILL');
    await new Promise((r) => killed.child.once('exit', r));
    const tech = await signIn(instances[1]!.url, 'tech@three.test');
    const user = await signIn(instances[0]!.url, 'user@three.test');
    const stream = await openLiveStream(instances[1]!.url, tech);
    try {
      const filed = await call(instances[0]!.url, 'POST', '/api/v1/tickets', user, {
        title: 'VPN drops after the update',
        description: 'Since this morning.',
      });
      expect(filed.status).toBe(201);
      await stream.waitFor((e) => e.ticketId === filed.body.id && e.type === 'ticket.created', 20_000);
      const down = await fetch(`${killed.url}/api/v1/health`).catch(() => null);
      expect(down).toBeNull();
    } finally {
      stream.close();
    }
  });
});
