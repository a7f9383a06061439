// Paging end to end over HTTP on both databases, with the real on-call schedules and paging: a manager builds
// a 24/7 schedule, a two-step escalation policy and a service; a technician pages from a ticket; the engine
// pages A at once (a real delivery on the pipeline), the on-call B after five minutes, and stops when B
// acknowledges through the signed link in the page; the Events API opens and deduplicates by key; bad input,
// forged links and requesters are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEscalations } from '../../src/incidents/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const minute = 60_000;

describe.each(dialects)('incidents over HTTP on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let anna: Session;
  let ben: Session;
  let requester: Session;
  let scheduleId: number;
  let policyId: number;
  let service: { id: number; integrationKey: string };

  const anonymous = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const res = await t.app.inject({ method, url, ...(payload ? { payload: payload as object } : {}) });
    return { status: res.statusCode, body: res.json() };
  };
  /** Follow a page's signed link as its web page does: a POST of its action and token, without signing in. */
  const follow = (link: string) => {
    const u = new URL(link, 'http://desk.test');
    const id = /^\/respond\/incidents\/(\d+)$/.exec(u.pathname)?.[1];
    if (!id) throw new Error(`not a respond link: ${link}`);
    return anonymous('POST', `/api/v1/incidents/${id}/respond`, {
      action: u.searchParams.get('action'),
      token: u.searchParams.get('token'),
    });
  };
  /** The pages queued for an incident: who, by which channel, and the links in them. */
  const pagesOf = async (incidentId: number) => {
    const rows = await t.ctx.db
      .selectFrom('deliveries')
      .select(['id', 'user_id', 'channel', 'state', 'payload'])
      .where('incident_id', '=', incidentId)
      .orderBy('id')
      .execute();
    return rows.map((r) => ({ ...r, text: String(JSON.parse(r.payload).text ?? '') }));
  };
  const linkIn = (text: string, label: 'Acknowledge' | 'Resolve') => {
    const m = new RegExp(`${label}: (\\S+)`).exec(text);
    if (!m) throw new Error(`no ${label} link in ${text}`);
    const url = new URL(m[1], 'http://desk.example.test');
    return `${url.pathname}${url.search}`;
  };

  beforeAll(async () => {
    t = await makeApp(dialect, {
      OPSDESK_SESSION_TTL_HOURS: '240',
      OPSDESK_PUBLIC_URL: 'http://desk.example.test',
    });
    manager = await userSession(t.app, t.ctx, 'manager');
    anna = await userSession(t.app, t.ctx, 'technician');
    ben = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
    const schedule = await manager.call('POST', '/api/v1/schedules', {
      name: 'Infrastructure 24/7',
      timeZone: 'Europe/Berlin',
      layers: [
        {
          kind: 'rotation',
          name: 'Ben always',
          start: '2026-03-01T00:00',
          end: null,
          turn: { unit: 'week', count: 1 },
          participants: [ben.userId],
          restrictions: [],
        },
      ],
    });
    expect(schedule.status, JSON.stringify(schedule.body)).toBe(201);
    scheduleId = schedule.body.id;
  });
  afterAll(async () => t?.close());

  it('a manager defines a policy and a service; staff read them, requesters may not', async () => {
    const policy = await manager.call('POST', '/api/v1/escalation-policies', {
      name: 'Infrastructure',
      steps: [
        { targets: [{ kind: 'user', id: anna.userId }], delayMinutes: 5 },
        { targets: [{ kind: 'schedule', id: scheduleId }], delayMinutes: 10 },
      ],
      repeatCount: 1,
    });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    policyId = policy.body.id;
    const created = await manager.call('POST', '/api/v1/services', {
      name: 'Network',
      escalationPolicyId: policyId,
      ackTimeoutMinutes: 30,
    });
    expect(created.status).toBe(201);
    expect(created.body.integrationKey).toMatch(/^odik_/);
    service = created.body;
    const read = await anna.call('GET', `/api/v1/services/${service.id}`);
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('integrationKey');
    expect(read.body).not.toHaveProperty('integrationKeyHash');
    const onCall = await anna.call('GET', `/api/v1/services/${service.id}/oncall`);
    expect(onCall.body.userIds).toEqual([anna.userId]);
    expect((await requester.call('GET', '/api/v1/escalation-policies')).status).toBe(403);
    expect((await requester.call('GET', '/api/v1/incidents')).status).toBe(403);
    expect((await anna.call('POST', '/api/v1/escalation-policies', { name: 'x', steps: [] })).status).toBe(
      400,
    );
    // A policy in use cannot be deleted.
    expect((await manager.call('DELETE', `/api/v1/escalation-policies/${policyId}`)).body.code).toBe(
      'policy_in_use',
    );
  });

  it('refuses policies with unknown targets, bad delays or too many steps', async () => {
    const bad = async (steps: unknown, extra: Record<string, unknown> = {}) =>
      manager.call('POST', '/api/v1/escalation-policies', { name: 'Bad', steps, ...extra });
    const unknownUser = await bad([{ targets: [{ kind: 'user', id: 999_999 }], delayMinutes: 5 }]);
    expect(unknownUser.status).toBe(400);
    expect(unknownUser.body.code).toBe('invalid_escalation_policy');
    expect(unknownUser.body.errors[0].field).toBe('/steps/0/targets/0');
    const unknownSchedule = await bad([{ targets: [{ kind: 'schedule', id: 999_999 }], delayMinutes: 5 }]);
    expect(unknownSchedule.body.code).toBe('invalid_escalation_policy');
    expect((await bad([{ targets: [{ kind: 'user', id: anna.userId }], delayMinutes: 0 }])).status).toBe(400);
    expect((await bad([{ targets: [{ kind: 'user', id: anna.userId }], delayMinutes: 1441 }])).status).toBe(
      400,
    );
    const many = Array.from({ length: 21 }, () => ({
      targets: [{ kind: 'user', id: anna.userId }],
      delayMinutes: 1,
    }));
    expect((await bad(many)).status).toBe(400);
    expect((await bad([{ targets: [{ kind: 'team', id: 1 }], delayMinutes: 1 }])).status).toBe(400);
    expect(
      (await bad([{ targets: [{ kind: 'user', id: anna.userId }], delayMinutes: 1 }], { repeatCount: 0 }))
        .status,
    ).toBe(400);
    const service404 = await anna.call('GET', '/api/v1/services/999999');
    expect(service404.body.code).toBe('service_not_found');
  });

  it('a page from a ticket notifies A at once, the on-call B after five minutes, and stops when B acknowledges by link', async () => {
    const ticket = await requester.call('POST', '/api/v1/tickets', {
      title: 'VPN down',
      description: 'Nobody can connect',
    });
    const t0 = t.clock.now();
    const paged = await anna.call('POST', `/api/v1/tickets/${ticket.body.id}/page`, {
      serviceId: service.id,
    });
    expect(paged.status, JSON.stringify(paged.body)).toBe(201);
    const id = paged.body.id;
    expect(paged.body).toMatchObject({ ticketId: ticket.body.id, state: 'triggered', source: 'ticket' });
    expect(paged.body.summary).toContain('VPN down');

    await runEscalations(t.ctx);
    let pages = await pagesOf(id);
    expect(pages.map((p) => p.user_id)).toEqual([anna.userId]);
    t.clock.set(t0 + 4 * minute);
    await runEscalations(t.ctx);
    expect(await pagesOf(id)).toHaveLength(1);
    t.clock.set(t0 + 5 * minute);
    await runEscalations(t.ctx);
    pages = await pagesOf(id);
    expect(pages.map((p) => p.user_id)).toEqual([anna.userId, ben.userId]);

    // The timeline says who was notified when, by which channel and delivery.
    const read = await anna.call('GET', `/api/v1/incidents/${id}`);
    const notified = read.body.timeline.filter((e: { kind: string }) => e.kind === 'notified');
    expect(
      notified.map((e: { userId: number; step: number; at: string }) => [e.userId, e.step, e.at]),
    ).toEqual([
      [anna.userId, 1, new Date(t0).toISOString()],
      [ben.userId, 2, new Date(t0 + 5 * minute).toISOString()],
    ]);
    expect(notified[1].deliveryId).toBe(pages[1].id);
    expect(notified[1].channel).toEqual(expect.any(String));

    // Ben acknowledges through the link in his page, without signing in; Anna's link is hers, not his.
    const bensPage = pages.find((p) => p.user_id === ben.userId)!;
    const ack = linkIn(bensPage.text || bensPage.payload, 'Acknowledge');
    const forged = ack.replace(/token=(\d+)\.(\d+)\./, `token=$1.${anna.userId}.`);
    expect((await follow(forged)).status).toBe(403);
    const done = await follow(ack);
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ state: 'acknowledged', acknowledgedBy: ben.userId });
    // The same link again: acknowledged already.
    expect((await follow(ack)).body.code).toBe('incident_transition_not_allowed');
    // Used on another incident: refused.
    const other = await anna.call('POST', '/api/v1/incidents', { serviceId: service.id, summary: 'Other' });
    expect((await follow(ack.replace(`/incidents/${id}?`, `/incidents/${other.body.id}?`))).body.code).toBe(
      'respond_link_invalid',
    );

    t.clock.set(t0 + 20 * minute);
    await runEscalations(t.ctx);
    expect((await pagesOf(id)).filter((p) => p.state !== 'cancelled').length).toBeLessThanOrEqual(2);
    expect((await pagesOf(id)).map((p) => p.user_id)).toEqual([anna.userId, ben.userId]);
    const after = await anna.call('GET', `/api/v1/incidents/${id}`);
    expect(after.body.timeline.map((e: { kind: string }) => e.kind)).toContain('acknowledged');
    expect(after.body.timeline.find((e: { kind: string }) => e.kind === 'acknowledged')).toMatchObject({
      userId: ben.userId,
      channel: 'link',
    });

    const resolved = await anna.call('POST', `/api/v1/incidents/${id}/resolve`);
    expect(resolved.body.state).toBe('resolved');
    expect((await anna.call('POST', `/api/v1/incidents/${id}/acknowledge`)).status).toBe(409);
    await anna.call('POST', `/api/v1/incidents/${other.body.id}/resolve`);
  });

  it('a step whose schedule has nobody on call now is skipped, and the next step is paged at once', async () => {
    // On duty at weekends only: nobody on Monday morning, when the test clock stands.
    const weekends = await manager.call('POST', '/api/v1/schedules', {
      name: 'Weekend cover',
      timeZone: 'Europe/Berlin',
      layers: [
        {
          kind: 'rotation',
          name: 'Ben at weekends',
          start: '2026-03-01T00:00',
          end: null,
          turn: { unit: 'week', count: 1 },
          participants: [ben.userId],
          restrictions: [{ days: [6, 7], start: '00:00', end: '24:00' }],
        },
      ],
    });
    expect(weekends.status, JSON.stringify(weekends.body)).toBe(201);
    const policy = await manager.call('POST', '/api/v1/escalation-policies', {
      name: 'Weekend first',
      steps: [
        { targets: [{ kind: 'schedule', id: weekends.body.id }], delayMinutes: 5 },
        { targets: [{ kind: 'user', id: anna.userId }], delayMinutes: 5 },
      ],
    });
    const weekendService = await manager.call('POST', '/api/v1/services', {
      name: 'Weekend service',
      escalationPolicyId: policy.body.id,
    });
    const onCall = await anna.call('GET', `/api/v1/services/${weekendService.body.id}/oncall`);
    expect(onCall.body.userIds).toEqual([]);
    const opened = await anna.call('POST', '/api/v1/incidents', {
      serviceId: weekendService.body.id,
      summary: 'Backup failed',
    });
    await runEscalations(t.ctx);
    expect((await pagesOf(opened.body.id)).map((p) => p.user_id)).toEqual([anna.userId]);
    const read = await anna.call('GET', `/api/v1/incidents/${opened.body.id}`);
    // (Without an SMTP server the mail channel is off: the timeline also says Anna is unreachable.)
    const kinds = read.body.timeline.filter((e: { kind: string }) => e.kind !== 'unreachable');
    expect(kinds.map((e: { kind: string; step: number | null }) => [e.kind, e.step])).toEqual([
      ['triggered', null],
      ['step_skipped', 1],
      ['notified', 2],
    ]);
    await anna.call('POST', `/api/v1/incidents/${opened.body.id}/resolve`);
  });

  it('the Events API opens with the integration key, deduplicates by key, and resolves by key', async () => {
    const event = (action: string, extra: Record<string, unknown> = {}) =>
      anonymous('POST', '/api/v1/incidents/events', {
        routing_key: service.integrationKey,
        event_action: action,
        dedup_key: 'bgp/core1',
        ...extra,
      });
    const payload = { summary: 'BGP session down on core1', severity: 'critical', source: 'core1' };
    const first = await event('trigger', { payload });
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    const again = await event('trigger', { payload });
    expect(again.body.incident_id).toBe(first.body.incident_id);
    const read = await anna.call('GET', `/api/v1/incidents/${first.body.incident_id}`);
    expect(read.body).toMatchObject({ eventCount: 2, dedupKey: 'bgp/core1', source: 'events_api' });
    expect((await event('resolve')).status).toBe(202);
    expect((await anna.call('GET', `/api/v1/incidents/${first.body.incident_id}`)).body.state).toBe(
      'resolved',
    );
    const wrongKey = await anonymous('POST', '/api/v1/incidents/events', {
      routing_key: 'odik_wrong',
      event_action: 'trigger',
      payload,
    });
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.body.code).toBe('invalid_integration_key');
    const huge = await anonymous('POST', '/api/v1/incidents/events', {
      routing_key: service.integrationKey,
      event_action: 'trigger',
      payload: { ...payload, summary: 'x'.repeat(5000) },
    });
    expect(huge.status).toBe(400);
    // A rotated key retires the old one.
    const rotated = await manager.call('PATCH', `/api/v1/services/${service.id}`, {
      rotateIntegrationKey: true,
    });
    expect(rotated.body.integrationKey).not.toBe(service.integrationKey);
    expect((await event('trigger', { payload })).body.code).toBe('invalid_integration_key');
    service.integrationKey = rotated.body.integrationKey;
  });

  it('lists incidents newest first, filtered by state and service, page by page', async () => {
    for (let i = 0; i < 3; i++)
      await anna.call('POST', '/api/v1/incidents', {
        serviceId: service.id,
        summary: `Batch ${i}`,
        severity: 'info',
      });
    const page1 = await anna.call('GET', `/api/v1/incidents?state=triggered&serviceId=${service.id}&limit=2`);
    expect(page1.status).toBe(200);
    expect(page1.body.items.map((i: { summary: string }) => i.summary)).toEqual(['Batch 2', 'Batch 1']);
    const page2 = await anna.call(
      'GET',
      `/api/v1/incidents?state=triggered&serviceId=${service.id}&limit=2&cursor=${page1.body.nextCursor}`,
    );
    expect(page2.body.items[0].summary).toBe('Batch 0');
    const resolved = await anna.call('GET', '/api/v1/incidents?state=resolved');
    expect(resolved.body.items.every((i: { state: string }) => i.state === 'resolved')).toBe(true);
    const bad = await anna.call('POST', '/api/v1/incidents', { serviceId: 999_999, summary: 'x' });
    expect(bad.body.code).toBe('invalid_reference');
    expect(
      (await anna.call('POST', '/api/v1/incidents', { serviceId: service.id, summary: '' })).status,
    ).toBe(400);
    expect(
      (
        await anna.call('POST', '/api/v1/incidents', {
          serviceId: service.id,
          summary: 'x',
          severity: 'apocalyptic',
        })
      ).status,
    ).toBe(400);
    expect(
      (await requester.call('POST', '/api/v1/incidents', { serviceId: service.id, summary: 'x' })).status,
    ).toBe(403);
  });
});
