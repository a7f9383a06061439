// Alerts, silences and the routing document over HTTP on both databases: the default tree at install, a bad tree
// refused with the field (problem+json) and nothing changed, a good one saved; silences made, listed, expired, and
// refused when they would silence everything; alerts listed with their status; arbitrary matcher text never a 500.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRoutingDocument, receiveAlerts, runAlertPipeline } from '../../src/monitoring/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('monitoring alerts over HTTP on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let tech: Session;

  beforeAll(async () => {
    t = await makeApp(dialect);
    manager = await userSession(t.app, t.ctx, 'manager');
    tech = await userSession(t.app, t.ctx, 'technician');
  }, 60_000);
  afterAll(async () => t?.close());

  it('has a default routing tree at install: everything to an incident', async () => {
    const res = await manager.call('GET', '/api/v1/monitoring/alert-routing');
    expect(res.status).toBe(200);
    expect(res.body.updatedAt).toBeNull();
    expect(res.body.document.route.receiver).toBe('incident');
    expect(res.body.document.receivers[0].incident_configs).toEqual([
      { open_ticket: true, resolve_incident: true },
    ]);
  });

  it('refuses a bad tree with the field, and saves a good one', async () => {
    const bad = await manager.call('PUT', '/api/v1/monitoring/alert-routing', {
      route: { receiver: 'hook', routes: [{ matchers: ['severity=~"("'] }] },
      receivers: [{ name: 'hook', webhook_configs: [{ url: 'http://127.0.0.1:9/a' }] }],
    });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    expect(bad.body.errors[0].field).toBe('/route/routes/0/matchers/0');
    const unknownService = await manager.call('PUT', '/api/v1/monitoring/alert-routing', {
      route: { receiver: 'inc' },
      receivers: [{ name: 'inc', incident_configs: [{ service_id: 999 }] }],
    });
    expect(unknownService.status).toBe(400);
    expect(unknownService.body.code).toBe('invalid_reference');
    const extra = await manager.call('PUT', '/api/v1/monitoring/alert-routing', {
      route: { receiver: 'hook', surprise: true },
      receivers: [{ name: 'hook' }],
    });
    expect(extra.status).toBe(400);
    const good = {
      route: {
        receiver: 'hook',
        group_by: ['alertname'],
        group_wait: '10s',
        routes: [
          { receiver: 'hook', matchers: ['team="db"'], continue: true, routes: [{ matchers: ['x="y"'] }] },
        ],
      },
      receivers: [{ name: 'hook', webhook_configs: [{ url: 'http://127.0.0.1:9/a', send_resolved: false }] }],
    };
    const saved = await manager.call('PUT', '/api/v1/monitoring/alert-routing', good);
    expect(saved.status).toBe(200);
    expect(saved.body.document).toEqual(good);
    expect((await manager.call('GET', '/api/v1/monitoring/alert-routing')).body.document).toEqual(good);
  });

  it('makes, lists and expires silences, and refuses one that would silence everything', async () => {
    const everything = await tech.call('POST', '/api/v1/monitoring/silences', {
      matchers: ['alertname=~".*"'],
      endsAt: '2026-03-02T12:00:00Z',
      comment: 'all of it',
    });
    expect(everything.status).toBe(400);
    const past = await tech.call('POST', '/api/v1/monitoring/silences', {
      matchers: ['alertname="Disk"'],
      endsAt: '2026-03-01T12:00:00Z',
      comment: 'too late',
    });
    expect(past.status).toBe(400);
    const made = await tech.call('POST', '/api/v1/monitoring/silences', {
      matchers: ['alertname="Disk"', 'instance=~"db-.*"'],
      endsAt: '2026-03-02T12:00:00Z',
      comment: 'replacing the disk',
    });
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      state: 'active',
      createdBy: tech.userId,
      matchers: [
        { name: 'alertname', op: '=', value: 'Disk' },
        { name: 'instance', op: '=~', value: 'db-.*' },
      ],
    });
    const active = await tech.call('GET', '/api/v1/monitoring/silences?state=active');
    expect(active.body.items.map((s: { id: number }) => s.id)).toContain(made.body.id);
    const expired = await tech.call('POST', `/api/v1/monitoring/silences/${made.body.id}/expire`);
    expect(expired.status).toBe(200);
    expect(expired.body.state).toBe('expired');
    const missing = await tech.call('POST', '/api/v1/monitoring/silences/99999/expire');
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('silence_not_found');
  });

  it('lists alerts with their status', async () => {
    const now = t.clock.now();
    await receiveAlerts(
      t.ctx,
      [
        {
          labels: { alertname: 'Listed', severity: 'warning' },
          annotations: {},
          startsAt: now,
          endsAt: null,
        },
        { labels: { alertname: 'Gone' }, annotations: {}, startsAt: now - 60_000, endsAt: now },
      ],
      'rule',
    );
    const silence = await tech.call('POST', '/api/v1/monitoring/silences', {
      matchers: ['alertname="Listed"'],
      endsAt: '2026-03-02T12:00:00Z',
      comment: 'known',
    });
    const res = await tech.call('GET', '/api/v1/monitoring/alerts');
    expect(res.status).toBe(200);
    const byName = Object.fromEntries(
      res.body.items.map((a: { labels: { alertname: string } }) => [a.labels.alertname, a]),
    );
    expect(byName.Listed).toMatchObject({
      state: 'firing',
      status: 'suppressed',
      endsAt: null,
      mutedBy: [{ kind: 'silenced', silenceIds: [silence.body.id] }],
    });
    expect(byName.Gone).toMatchObject({ state: 'resolved', status: 'resolved' });
    const firing = await tech.call('GET', '/api/v1/monitoring/alerts?state=firing');
    expect(firing.body.items.map((a: { labels: { alertname: string } }) => a.labels.alertname)).not.toContain(
      'Gone',
    );
  });

  it('shows a group whose incident cannot be opened, with why, and tries again at group_interval', async () => {
    await manager.call('PUT', '/api/v1/monitoring/alert-routing', defaultRoutingDocument);
    const t0 = t.clock.now();
    await receiveAlerts(
      t.ctx,
      [{ labels: { alertname: 'Orphan' }, annotations: {}, startsAt: t0, endsAt: null }],
      'rule',
    );
    t.clock.set(t0 + 30_000);
    expect((await runAlertPipeline(t.ctx)).failed).toBe(1);
    const res = await tech.call('GET', '/api/v1/monitoring/alert-groups');
    expect(res.status).toBe(200);
    const group = res.body.items.find(
      (g: { groupLabels: { alertname?: string } }) => g.groupLabels.alertname === 'Orphan',
    );
    expect(group).toMatchObject({
      receiver: 'incident',
      alertCount: 1,
      lastNotifiedAt: null,
      incidentId: null,
    });
    expect(group.lastError).toMatch(/no service or escalation policy/);
    expect(Date.parse(group.nextFlushAt)).toBe(t0 + 30_000 + 300_000);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/monitoring/alerts',
        '/api/v1/monitoring/silences',
        '/api/v1/monitoring/silences/{id}/expire',
        '/api/v1/monitoring/alert-routing',
      ]),
    );
  });

  it('never answers a 500 to arbitrary matcher text', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ maxLength: 40 }), { minLength: 1, maxLength: 3 }),
        async (matchers) => {
          const res = await tech.call('POST', '/api/v1/monitoring/silences', {
            matchers,
            endsAt: '2026-03-02T12:00:00Z',
            comment: 'fuzz',
          });
          expect([201, 400]).toContain(res.status);
        },
      ),
      { numRuns: 40 },
    );
  });
});
