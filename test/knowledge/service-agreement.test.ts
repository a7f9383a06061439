// The generated service agreement on both databases: a public policy page written from the SLA policies and
// their calendars, regenerated (a new version by no one) when they change — on read and by the knowledge job —
// searchable like any article, and refused to hand edits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKnowledgeCycle, serviceAgreementMarkdown, spokenDuration } from '../../src/knowledge/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe('the service agreement text', () => {
  it('says durations as people do', () => {
    expect([30, 60, 90, 240, 61, 1].map(spokenDuration)).toEqual([
      '30 minutes',
      '1 hour',
      '1 hour 30 minutes',
      '4 hours',
      '1 hour 1 minute',
      '1 minute',
    ]);
  });

  it('neutralises markup in names written by admins', () => {
    const md = serviceAgreementMarkdown(
      [
        {
          id: 1,
          name: '<img src=x onerror=alert(1)> | P1',
          position: 0,
          active: true,
          conditions: { priorities: [5] },
          targets: { resolution: { minutes: 60, calendarId: null, warnPercent: null, pauseStatuses: [] } },
          levels: [],
          createdAt: 0,
          updatedAt: 0,
        },
      ],
      [],
      new Map(),
      2026,
    );
    expect(md).toContain('\\<img src=x onerror=alert(1)\\> \\| P1');
    expect(md).toContain('| Resolution | 1 hour | around the clock |');
    expect(md).toContain('Applies to priority 5 (very high).');
  });
});

describe.each(dialects)('the service agreement page on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let manager: Session;
  let requester: Session;
  let policyId: number;

  beforeAll(async () => {
    t = await makeApp(dialect);
    admin = await userSession(t.app, t.ctx, 'admin');
    manager = await userSession(t.app, t.ctx, 'manager');
    requester = await userSession(t.app, t.ctx, 'requester');
    const cal = await admin.call('POST', '/api/v1/sla/calendars', {
      name: 'Office hours',
      timeZone: 'Europe/Berlin',
      hours: [1, 2, 3, 4, 5].map((day) => ({ day, start: '08:00', end: '17:00' })),
      holidays: [
        { date: '2026-12-25', name: 'Christmas Day', yearly: true },
        { date: '2026-10-03', name: 'Day of German Unity', yearly: false },
        { date: '2020-05-01', name: 'Long gone', yearly: false },
      ],
    });
    expect(cal.status, JSON.stringify(cal.body)).toBe(201);
    const p = await admin.call('POST', '/api/v1/sla/policies', {
      name: 'High priority',
      conditions: { priorities: [4] },
      targets: {
        first_response: { minutes: 60, calendarId: cal.body.id },
        resolution: { minutes: 480, calendarId: cal.body.id },
      },
    });
    expect(p.status, JSON.stringify(p.body)).toBe(201);
    policyId = p.body.id;
  });
  afterAll(() => t?.close());

  it('is a published public policy page generated from the SLA policies, created on first read', async () => {
    const r = await requester.call('GET', '/api/v1/knowledge/service-agreement');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      kind: 'policy',
      audience: 'public',
      status: 'published',
      generated: 'service_agreement',
      version: 1,
      createdBy: null,
    });
    expect(r.body.body).toContain('### High priority');
    expect(r.body.body).toContain('Applies to priority 4 (high).');
    expect(r.body.body).toContain('| First response | 1 hour | Office hours |');
    expect(r.body.body).toContain('| Resolution | 8 hours | Office hours |');
    expect(r.body.body).toContain('Time zone: Europe/Berlin.');
    expect(r.body.body).toContain('| Monday | 08:00–17:00 |');
    expect(r.body.body).toContain('| Sunday | closed |');
    expect(r.body.body).toContain('Christmas Day');
    expect(r.body.body).toContain('2026-10-03: Day of German Unity');
    expect(r.body.body).not.toContain('Long gone');
    expect(r.body.html).toContain('<table>');
    // Read again with nothing changed: no new version.
    const again = await manager.call('GET', '/api/v1/knowledge/service-agreement');
    expect(again.body.id).toBe(r.body.id);
    expect(again.body.version).toBe(1);
  });

  it('shows a changed target at once, as a new version by no one, and the job catches up unread', async () => {
    const first = await requester.call('GET', '/api/v1/knowledge/service-agreement');
    const id = first.body.id as number;
    const changed = await admin.call('PATCH', `/api/v1/sla/policies/${policyId}`, {
      targets: { first_response: { minutes: 30 }, resolution: { minutes: 240 } },
    });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    const after = await requester.call('GET', '/api/v1/knowledge/service-agreement');
    expect(after.body.version).toBe(first.body.version + 1);
    expect(after.body.body).toContain('| Resolution | 4 hours |');
    expect(after.body.body).not.toContain('8 hours');
    const versions = await manager.call('GET', `/api/v1/articles/${id}/versions`);
    expect(versions.body.items[0]).toMatchObject({
      version: after.body.version,
      author: null,
      note: 'Regenerated from the SLA policies',
    });

    // Read as an article by its id: kept true too.
    await admin.call('PATCH', `/api/v1/sla/policies/${policyId}`, {
      targets: { first_response: { minutes: 30 }, resolution: { minutes: 300 } },
    });
    const byId = await requester.call('GET', `/api/v1/articles/${id}`);
    expect(byId.body.body).toContain('| Resolution | 5 hours |');
    expect(byId.body.version).toBe(after.body.version + 1);

    // Unread, the knowledge job regenerates it.
    await admin.call('PATCH', `/api/v1/sla/policies/${policyId}`, {
      targets: { first_response: { minutes: 30 }, resolution: { minutes: 360 } },
    });
    await runKnowledgeCycle(t.ctx);
    const row = await t.ctx.db
      .selectFrom('articles')
      .select(['version', 'body'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.version).toBe(byId.body.version + 1);
    expect(row.body).toContain('| Resolution | 6 hours |');
    await runKnowledgeCycle(t.ctx);
    const same = await t.ctx.db
      .selectFrom('articles')
      .select('version')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(same.version).toBe(row.version);
  });

  it('is found by search like any article, and refuses edits by hand', async () => {
    const page = await requester.call('GET', '/api/v1/knowledge/service-agreement');
    const found = await requester.call('GET', '/api/v1/articles?q=service%20agreement');
    expect(found.body.items.map((i: { id: number }) => i.id)).toContain(page.body.id);
    const byTarget = await requester.call('GET', '/api/v1/articles?q=resolution');
    expect(byTarget.body.items.map((i: { id: number }) => i.id)).toContain(page.body.id);
    const edit = await manager.call('PATCH', `/api/v1/articles/${page.body.id}`, {
      baseVersion: page.body.version,
      body: 'We promise nothing.',
    });
    expect(edit.status).toBe(409);
    expect(edit.body.code).toBe('article_generated');
  });
});
