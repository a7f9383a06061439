// Status pages over HTTP on both databases: the managers' CRUD and announcements, the readers' page (public to
// anyone, sign-in pages 404 to anonymous callers, no staff-only fields), subscriptions (validated, internal
// webhook addresses refused to anonymous callers, rate-limited with Retry-After), the portal banner, and a
// requester's ticket in a category mapped to an affected component linked to the announcement, the ticket's
// history and the linked incident's timeline. Bad input is fuzzed: never a 5xx.
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobScheduler } from '../../src/core/jobs.js';
import { registerStatusPages } from '../../src/monitoring/index.js';
import { deliveryWorker, verifyWebhookSignature } from '../../src/notify/index.js';
import { startReceiver } from '../notify/receiver.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('status pages over HTTP on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let requester: Session;
  let technician: Session;
  let pageId: number;
  let vpnComponent: number;
  let categoryId: number;
  let announcementId: number;

  const anonymous = (method: 'GET' | 'POST', url: string, payload?: unknown, ip = '198.51.100.7') =>
    t.app.inject({
      method,
      url,
      remoteAddress: ip,
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });

  beforeAll(async () => {
    t = await makeApp(dialect, {
      OPSDESK_PUBLIC_URL: 'http://desk.example.test',
      // Staff may point webhooks at the loopback receiver; anonymous subscribers still may not.
      OPSDESK_WEBHOOK_ALLOW_PRIVATE: '1',
    });
    registerStatusPages(t.ctx, new JobScheduler(pino({ level: 'silent' })));
    manager = await userSession(t.app, t.ctx, 'manager');
    requester = await userSession(t.app, t.ctx, 'requester');
    technician = await userSession(t.app, t.ctx, 'technician');
    const now = t.clock.now();
    const target = await t.ctx.db
      .insertInto('monitoring_targets')
      .values({
        name: 'vpn-gw',
        kind: 'service',
        description: '',
        tags: '[]',
        state: 'up',
        state_since: now,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    categoryId = (await manager.call('POST', '/api/v1/categories', { name: 'VPN and remote access' })).body
      .id;
    const created = await manager.call('POST', '/api/v1/monitoring/status-pages', {
      slug: 'it',
      title: 'IT services',
      audience: 'public',
      components: [{ targetId: target.id, displayName: 'VPN', section: 'Remote work', categoryId }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    pageId = created.body.id;
    vpnComponent = created.body.components[0].id;
  });
  afterAll(async () => t?.close());

  it('managers create, read and change pages; bad slugs, unknown targets and taken slugs are refused precisely', async () => {
    expect(
      (await manager.call('GET', '/api/v1/monitoring/status-pages')).body.items.map(
        (p: { slug: string }) => p.slug,
      ),
    ).toEqual(['it']);
    const bad = await manager.call('POST', '/api/v1/monitoring/status-pages', {
      slug: 'Not A Slug',
      title: 'x',
      audience: 'public',
    });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    const unknown = await manager.call('POST', '/api/v1/monitoring/status-pages', {
      slug: 'other',
      title: 'Other',
      audience: 'public',
      components: [{ targetId: 999_999, displayName: 'Ghost' }],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      code: 'invalid_status_page',
      errors: [{ field: '/components/0/targetId' }],
    });
    const taken = await manager.call('POST', '/api/v1/monitoring/status-pages', {
      slug: 'it',
      title: 'Again',
      audience: 'public',
    });
    expect(taken.body.code).toBe('status_page_slug_taken');
    expect(
      (
        await technician.call('POST', '/api/v1/monitoring/status-pages', {
          slug: 'tech',
          title: 'T',
          audience: 'public',
        })
      ).status,
    ).toBe(403);
    const renamed = await manager.call('PATCH', `/api/v1/monitoring/status-pages/${pageId}`, {
      description: 'Is it down?',
    });
    expect(renamed.body).toMatchObject({
      description: 'Is it down?',
      components: [{ id: vpnComponent, displayName: 'VPN' }],
    });
  });

  it('anyone reads a public page; a sign-in page answers 404 to anonymous callers and 200 to any signed-in user', async () => {
    const view = await anonymous('GET', '/api/v1/status-pages/it');
    expect(view.statusCode).toBe(200);
    expect(view.json()).toMatchObject({
      title: 'IT services',
      overall: 'operational',
      // A target with no checks yet: 90 days, none of them monitored.
      sections: [
        {
          name: 'Remote work',
          components: [
            {
              name: 'VPN',
              state: 'operational',
              uptime: Array.from({ length: 90 }, () => null),
              uptimePercent: null,
            },
          ],
        },
      ],
    });
    expect((await anonymous('GET', '/api/v1/status-pages/nope')).statusCode).toBe(404);
    await manager.call('PATCH', `/api/v1/monitoring/status-pages/${pageId}`, { audience: 'signed_in' });
    const hidden = await anonymous('GET', '/api/v1/status-pages/it');
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json().code).toBe('status_page_not_found');
    expect((await requester.call('GET', '/api/v1/status-pages/it')).status).toBe(200);
    await manager.call('PATCH', `/api/v1/monitoring/status-pages/${pageId}`, { audience: 'public' });
  });

  it('an announcement shows on the page and in the portal banner, without its staff-only fields', async () => {
    t.clock.set(Date.parse('2026-03-02T09:12:00Z'));
    const posted = await manager.call('POST', `/api/v1/monitoring/status-pages/${pageId}/incidents`, {
      title: 'VPN degraded',
      impact: 'major',
      message: 'We know: connections drop. Please do not file a ticket.',
      componentIds: [vpnComponent],
    });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    announcementId = posted.body.id;
    expect(posted.body).toMatchObject({
      state: 'investigating',
      incidentId: null,
      ticketIds: [],
      startedAt: '2026-03-02T09:12:00.000Z',
    });
    const view = (await anonymous('GET', '/api/v1/status-pages/it')).json();
    expect(view.sections[0].components[0].state).toBe('partial_outage');
    expect(view.activeIncidents[0]).not.toHaveProperty('incidentId');
    expect(view.activeIncidents[0]).not.toHaveProperty('ticketIds');
    const banner = await requester.call('GET', '/api/v1/portal/banner');
    expect(banner.body.items).toEqual([
      expect.objectContaining({
        title: 'VPN degraded',
        pageSlug: 'it',
        components: ['VPN'],
        startedAt: '2026-03-02T09:12:00.000Z',
        lastUpdate: expect.objectContaining({ message: expect.stringMatching(/We know/) }),
      }),
    ]);
    expect((await anonymous('GET', '/api/v1/portal/banner')).statusCode).toBe(401);
    const wrongComponent = await manager.call(
      'POST',
      `/api/v1/monitoring/status-pages/${pageId}/incidents/${announcementId}/updates`,
      { message: 'x', componentIds: [987_654] },
    );
    expect(wrongComponent.body.code).toBe('invalid_status_page');
    const missing = await manager.call(
      'POST',
      `/api/v1/monitoring/status-pages/${pageId}/incidents/987654/updates`,
      { message: 'x' },
    );
    expect(missing.status).toBe(404);
  });

  it("a requester's new ticket about the affected component is linked: ticket history, announcement and incident timeline", async () => {
    const policy = await manager.call('POST', '/api/v1/escalation-policies', {
      name: 'Network',
      steps: [{ targets: [{ kind: 'user', id: manager.userId }], delayMinutes: 5 }],
      repeatCount: 1,
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    const service = await manager.call('POST', '/api/v1/services', {
      name: 'VPN',
      escalationPolicyId: policy.body.id,
    });
    const incident = await manager.call('POST', '/api/v1/incidents', {
      serviceId: service.body.id,
      summary: 'VPN concentrator failing',
    });
    expect(incident.status, JSON.stringify(incident.body)).toBe(201);
    const linkedPost = await manager.call('POST', `/api/v1/monitoring/status-pages/${pageId}/incidents`, {
      title: 'VPN slow',
      impact: 'minor',
      message: 'Slow logins.',
      componentIds: [vpnComponent],
      incidentId: incident.body.id,
    });
    expect(linkedPost.status).toBe(201);

    const ticket = await requester.call('POST', '/api/v1/tickets', {
      title: 'VPN keeps dropping',
      description: 'Since this morning.',
      categoryId,
    });
    const unrelated = await requester.call('POST', '/api/v1/tickets', {
      title: 'Printer jam',
      description: 'Tray 2.',
    });
    while ((await t.ctx.events.dispatchPending()) > 0);

    const list = await manager.call('GET', `/api/v1/monitoring/status-pages/${pageId}/incidents`);
    const byTitle = (title: string) => list.body.items.find((i: { title: string }) => i.title === title);
    expect(byTitle('VPN degraded').ticketIds).toEqual([ticket.body.id]);
    expect(byTitle('VPN slow').ticketIds).toEqual([ticket.body.id]);
    expect(list.body.items.flatMap((i: { ticketIds: number[] }) => i.ticketIds)).not.toContain(
      unrelated.body.id,
    );

    const history = await requester.call('GET', `/api/v1/tickets/${ticket.body.id}/history`);
    const entries = (history.body.items ?? history.body).filter(
      (h: { field: string }) => h.field === 'status_incident',
    );
    expect(entries.map((h: { to: string }) => h.to).sort()).toEqual(['VPN degraded', 'VPN slow']);

    const read = await manager.call('GET', `/api/v1/incidents/${incident.body.id}`);
    expect(read.body.timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'linked_ticket',
          detail: expect.stringContaining(`#${ticket.body.id}`),
        }),
      ]),
    );

    // A staff member's ticket is not a requester's report: not linked.
    const staffTicket = await technician.call('POST', '/api/v1/tickets', {
      title: 'VPN alarms',
      description: 'x',
      categoryId,
    });
    while ((await t.ctx.events.dispatchPending()) > 0);
    const again = await manager.call('GET', `/api/v1/monitoring/status-pages/${pageId}/incidents`);
    expect(again.body.items.flatMap((i: { ticketIds: number[] }) => i.ticketIds)).not.toContain(
      staffTicket.body.id,
    );
  });

  it('subscriptions: mail is accepted without telling who is subscribed; an anonymous internal webhook is refused; confirm tokens are checked', async () => {
    const mail = await anonymous(
      'POST',
      '/api/v1/status-pages/it/subscriptions',
      { kind: 'mail', email: 'reader@example.org' },
      '198.51.100.20',
    );
    expect(mail.statusCode).toBe(202);
    expect(mail.json()).toMatchObject({ kind: 'mail', confirmed: false });
    const again = await anonymous(
      'POST',
      '/api/v1/status-pages/it/subscriptions',
      { kind: 'mail', email: 'reader@example.org' },
      '198.51.100.20',
    );
    expect(again.json()).toEqual(mail.json());
    const internal = await anonymous(
      'POST',
      '/api/v1/status-pages/it/subscriptions',
      { kind: 'webhook', url: 'http://127.0.0.1:9/hook' },
      '198.51.100.20',
    );
    expect(internal.statusCode).toBe(400);
    expect(internal.headers['content-type']).toContain('application/problem+json');
    const badMail = await anonymous(
      'POST',
      '/api/v1/status-pages/it/subscriptions',
      { kind: 'mail', email: 'not an address' },
      '198.51.100.21',
    );
    expect(badMail.json()).toMatchObject({
      code: 'invalid_subscription_target',
      errors: [{ field: '/email' }],
    });
    const confirm = await anonymous('POST', '/api/v1/status-pages/subscriptions/confirm', {
      token: 'not-a-real-token-1234',
    });
    expect(confirm.json().code).toBe('subscription_link_invalid');
    const unsub = await anonymous('POST', '/api/v1/status-pages/subscriptions/unsubscribe', {
      token: '../../etc',
    });
    expect(unsub.statusCode).toBe(400);
  });

  it("a signed-in subscriber's webhook receives each update, signed with the secret shown once", async () => {
    const receiver = await startReceiver(200);
    try {
      const sub = await manager.call('POST', '/api/v1/status-pages/it/subscriptions', {
        kind: 'webhook',
        url: `${receiver.url}/status`,
      });
      expect(sub.status, JSON.stringify(sub.body)).toBe(202);
      const posted = await manager.call(
        'POST',
        `/api/v1/monitoring/status-pages/${pageId}/incidents/${announcementId}/updates`,
        {
          message: 'Line card replaced; watching.',
          state: 'monitoring',
        },
      );
      expect(posted.status).toBe(201);
      await deliveryWorker(t.ctx).runDue();
      expect(receiver.received).toHaveLength(1);
      const req = receiver.received[0];
      expect(JSON.parse(req.body)).toMatchObject({
        type: 'status_page.incident.updated',
        page: { slug: 'it', url: 'http://desk.example.test/status/it' },
        incident: { title: 'VPN degraded', state: 'monitoring', components: ['VPN'] },
        update: { message: 'Line card replaced; watching.' },
        unsubscribeUrl: expect.stringMatching(/^http:\/\/desk\.example\.test\/status\/it\?unsubscribe=/),
      });
      expect(
        verifyWebhookSignature({
          secret: sub.body.secret,
          body: req.body,
          signature: req.headers['x-opsdesk-signature'] as string,
          timestamp: req.headers['x-opsdesk-timestamp'] as string,
          nowMs: t.clock.now(),
        }),
      ).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('subscription requests from one address are rate-limited with Retry-After', async () => {
    const statuses: number[] = [];
    let retryAfter: unknown;
    for (let i = 0; i < 7; i++) {
      const res = await anonymous(
        'POST',
        '/api/v1/status-pages/it/subscriptions',
        { kind: 'mail', email: `r${i}@example.org` },
        '203.0.113.9',
      );
      statuses.push(res.statusCode);
      if (res.statusCode === 429) retryAfter = res.headers['retry-after'];
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('fuzzed slugs and subscription bodies are answered with problem+json, never a 5xx', async () => {
    let ip = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 80 }),
        fc.oneof(
          fc.anything(),
          fc.record(
            { kind: fc.constantFrom('mail', 'webhook', 'sms'), email: fc.string(), url: fc.webUrl() },
            { requiredKeys: [] },
          ),
        ),
        async (slug, body) => {
          ip++;
          const res = await t.app.inject({
            method: 'POST',
            url: `/api/v1/status-pages/${encodeURIComponent(slug)}/subscriptions`,
            remoteAddress: `192.0.2.${ip % 250}`,
            payload: JSON.stringify(body) ?? 'null',
            headers: { 'content-type': 'application/json' },
          });
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode >= 400)
            expect(res.headers['content-type']).toContain('application/problem+json');
          const view = await t.app.inject({
            method: 'GET',
            url: `/api/v1/status-pages/${encodeURIComponent(slug)}`,
          });
          expect(view.statusCode).toBeLessThan(500);
        },
      ),
      { numRuns: 60, seed: 11 },
    );
  });

  it('a page deleted takes its announcements and subscriptions with it', async () => {
    expect((await manager.call('DELETE', `/api/v1/monitoring/status-pages/${pageId}`)).status).toBe(204);
    expect((await anonymous('GET', '/api/v1/status-pages/it')).statusCode).toBe(404);
    expect((await requester.call('GET', '/api/v1/portal/banner')).body.items).toEqual([]);
  });
});
