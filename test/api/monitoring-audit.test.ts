// Every monitoring write a person makes over HTTP leaves one audit row (who, when, what) in the same transaction, on
// both databases: targets, checks, maintenance windows, scrape targets, alert rules, silences, the alert routing
// document, status pages and their announcements. Secrets (an SNMP community, a webhook's token) stay out of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

interface Step {
  what: string;
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  url: () => string;
  body?: () => unknown;
  action: string;
  subjectType: string;
  /** Keep what the answer says (an id) for later steps. */
  keep?: (body: any) => void;
}

describe.each(dialects)('monitoring writes are audited on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  beforeAll(async () => {
    t = await makeApp(dialect);
    manager = await userSession(t.app, t.ctx, 'manager');
    t.clock.set(Date.parse('2026-03-02T09:00:00Z'));
  });
  afterAll(async () => t?.close());

  const ids: Record<string, number> = {};
  const steps: Step[] = [
    {
      what: 'create a target',
      method: 'POST',
      url: () => '/api/v1/monitoring/targets',
      body: () => ({ name: 'core-switch', kind: 'host', address: '10.0.0.1' }),
      action: 'monitoring.target.created',
      subjectType: 'monitoring_target',
      keep: (b) => {
        ids.target = b.id;
      },
    },
    {
      what: 'create a dependent target',
      method: 'POST',
      url: () => '/api/v1/monitoring/targets',
      body: () => ({ name: 'intranet', kind: 'service', parentIds: [ids.target] }),
      action: 'monitoring.target.created',
      subjectType: 'monitoring_target',
      keep: (b) => {
        ids.child = b.id;
      },
    },
    {
      what: "change a target's dependencies",
      method: 'PATCH',
      url: () => `/api/v1/monitoring/targets/${ids.child}`,
      body: () => ({ parentIds: [] }),
      action: 'monitoring.target.updated',
      subjectType: 'monitoring_target',
    },
    {
      what: 'add a check with a secret',
      method: 'POST',
      url: () => `/api/v1/monitoring/targets/${ids.target}/checks`,
      body: () => ({
        name: 'snmp',
        spec: { kind: 'snmp', host: '127.0.0.1', version: '2c', community: 'sekrit-community', uptime: true },
        intervalSeconds: 60,
        timeoutSeconds: 5,
      }),
      action: 'monitoring.check.created',
      subjectType: 'monitoring_check',
      keep: (b) => {
        ids.check = b.id;
      },
    },
    {
      what: 'change a check',
      method: 'PATCH',
      url: () => `/api/v1/monitoring/checks/${ids.check}`,
      body: () => ({ enabled: false }),
      action: 'monitoring.check.updated',
      subjectType: 'monitoring_check',
    },
    {
      what: 'plan a maintenance window',
      method: 'POST',
      url: () => '/api/v1/monitoring/maintenance-windows',
      body: () => ({
        name: 'firmware',
        targetIds: [ids.target],
        startsAt: '2026-03-03T22:00:00Z',
        endsAt: '2026-03-03T23:00:00Z',
      }),
      action: 'monitoring.maintenance_window.created',
      subjectType: 'monitoring_maintenance_window',
      keep: (b) => {
        ids.window = b.id;
      },
    },
    {
      what: 'move a maintenance window',
      method: 'PATCH',
      url: () => `/api/v1/monitoring/maintenance-windows/${ids.window}`,
      body: () => ({ name: 'firmware upgrade' }),
      action: 'monitoring.maintenance_window.updated',
      subjectType: 'monitoring_maintenance_window',
    },
    {
      what: 'add a scrape target',
      method: 'POST',
      url: () => '/api/v1/monitoring/scrape-targets',
      body: () => ({ url: 'http://127.0.0.1:9/metrics', job: 'node' }),
      action: 'monitoring.scrape_target.created',
      subjectType: 'monitoring_scrape_target',
      keep: (b) => {
        ids.scrape = b.id;
      },
    },
    {
      what: 'change a scrape target',
      method: 'PATCH',
      url: () => `/api/v1/monitoring/scrape-targets/${ids.scrape}`,
      body: () => ({ intervalSeconds: 30 }),
      action: 'monitoring.scrape_target.updated',
      subjectType: 'monitoring_scrape_target',
    },
    {
      what: 'define an alert rule',
      method: 'POST',
      url: () => '/api/v1/monitoring/rules',
      body: () => ({ name: 'HighLoad', kind: 'promql', expr: 'node_load1 > 4', forSeconds: 60 }),
      action: 'monitoring.alert_rule.created',
      subjectType: 'monitoring_alert_rule',
      keep: (b) => {
        ids.rule = b.id;
      },
    },
    {
      what: 'change an alert rule',
      method: 'PATCH',
      url: () => `/api/v1/monitoring/rules/${ids.rule}`,
      body: () => ({ forSeconds: 120 }),
      action: 'monitoring.alert_rule.updated',
      subjectType: 'monitoring_alert_rule',
    },
    {
      what: 'make a silence',
      method: 'POST',
      url: () => '/api/v1/monitoring/silences',
      body: () => ({ matchers: ['alertname="Disk"'], endsAt: '2026-03-02T12:00:00Z', comment: 'disk swap' }),
      action: 'monitoring.silence.created',
      subjectType: 'monitoring_silence',
      keep: (b) => {
        ids.silence = b.id;
      },
    },
    {
      what: 'expire a silence',
      method: 'POST',
      url: () => `/api/v1/monitoring/silences/${ids.silence}/expire`,
      action: 'monitoring.silence.expired',
      subjectType: 'monitoring_silence',
    },
    {
      what: 'replace the alert routing',
      method: 'PUT',
      url: () => '/api/v1/monitoring/alert-routing',
      body: () => ({
        route: { receiver: 'hook' },
        receivers: [
          { name: 'hook', webhook_configs: [{ url: 'http://127.0.0.1:9/hook?token=sekrit-token' }] },
        ],
      }),
      action: 'monitoring.alert_routing.replaced',
      subjectType: 'monitoring_alert_routing',
    },
    {
      what: 'create a status page',
      method: 'POST',
      url: () => '/api/v1/monitoring/status-pages',
      body: () => ({
        slug: 'it',
        title: 'IT services',
        audience: 'public',
        components: [{ targetId: ids.target, displayName: 'Network' }],
      }),
      action: 'monitoring.status_page.created',
      subjectType: 'status_page',
      keep: (b) => {
        ids.page = b.id;
        ids.component = b.components[0].id;
      },
    },
    {
      what: 'change a status page',
      method: 'PATCH',
      url: () => `/api/v1/monitoring/status-pages/${ids.page}`,
      body: () => ({ title: 'IT status' }),
      action: 'monitoring.status_page.updated',
      subjectType: 'status_page',
    },
    {
      what: 'post an announcement',
      method: 'POST',
      url: () => `/api/v1/monitoring/status-pages/${ids.page}/incidents`,
      body: () => ({
        title: 'Network degraded',
        impact: 'minor',
        message: 'Looking into it.',
        componentIds: [ids.component],
      }),
      action: 'monitoring.status_incident.posted',
      subjectType: 'status_incident',
      keep: (b) => {
        ids.announcement = b.id;
      },
    },
    {
      what: 'update an announcement',
      method: 'POST',
      url: () => `/api/v1/monitoring/status-pages/${ids.page}/incidents/${ids.announcement}/updates`,
      body: () => ({ message: 'Fixed.', state: 'resolved' }),
      action: 'monitoring.status_incident.updated',
      subjectType: 'status_incident',
    },
    {
      what: 'announce a maintenance window',
      method: 'POST',
      url: () => `/api/v1/monitoring/status-pages/${ids.page}/maintenance-announcements`,
      body: () => ({ windowId: ids.window }),
      action: 'monitoring.status_maintenance.announced',
      subjectType: 'status_page',
    },
    {
      what: 'delete a status page',
      method: 'DELETE',
      url: () => `/api/v1/monitoring/status-pages/${ids.page}`,
      action: 'monitoring.status_page.deleted',
      subjectType: 'status_page',
    },
    {
      what: 'delete an alert rule',
      method: 'DELETE',
      url: () => `/api/v1/monitoring/rules/${ids.rule}`,
      action: 'monitoring.alert_rule.deleted',
      subjectType: 'monitoring_alert_rule',
    },
    {
      what: 'delete a scrape target',
      method: 'DELETE',
      url: () => `/api/v1/monitoring/scrape-targets/${ids.scrape}`,
      action: 'monitoring.scrape_target.deleted',
      subjectType: 'monitoring_scrape_target',
    },
    {
      what: 'delete a maintenance window',
      method: 'DELETE',
      url: () => `/api/v1/monitoring/maintenance-windows/${ids.window}`,
      action: 'monitoring.maintenance_window.deleted',
      subjectType: 'monitoring_maintenance_window',
    },
    {
      what: 'delete a check',
      method: 'DELETE',
      url: () => `/api/v1/monitoring/checks/${ids.check}`,
      action: 'monitoring.check.deleted',
      subjectType: 'monitoring_check',
    },
    {
      what: 'delete a target',
      method: 'DELETE',
      url: () => `/api/v1/monitoring/targets/${ids.child}`,
      action: 'monitoring.target.deleted',
      subjectType: 'monitoring_target',
    },
  ];

  it.each(steps.map((s) => [s.what, s] as const))('%s leaves one audit row', async (_what, step) => {
    const before = await t.ctx.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst();
    const last = Number(before?.id ?? 0);
    const res = await manager.call(step.method, step.url(), step.body?.());
    expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    step.keep?.(res.body);
    const rows = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('id', '>', last)
      .where('action', 'like', 'monitoring.%')
      .execute();
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row).toMatchObject({
      actor_id: manager.userId,
      action: step.action,
      subject_type: step.subjectType,
    });
    expect(Number(row.at)).toBe(t.clock.now());
    expect(row.details).not.toMatch(/sekrit/);
    expect(JSON.parse(row.details)).toBeTypeOf('object');
  });

  it('a refused write leaves no audit row', async () => {
    const before = await t.ctx.db.selectFrom('audit_log').select('id').execute();
    const res = await manager.call('POST', '/api/v1/monitoring/targets', {
      name: 'core-switch',
      kind: 'host',
    });
    expect(res.status).toBe(409);
    const after = await t.ctx.db.selectFrom('audit_log').select('id').execute();
    expect(after).toHaveLength(before.length);
  });
});
