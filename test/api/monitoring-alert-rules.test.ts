// Alert rules and the Alertmanager receivers over HTTP: CRUD with validation answered as problem+json, the
// editor's preview, Prometheus's /api/v1/rules and /api/v1/alerts shapes, the webhook (v4) and API v2 receivers
// keeping the valid rest of a batch, and fuzzed receiver bodies that never crash. PromQL and the alert pipeline
// are ports here (their parts land separately).
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Invalid } from '../../src/core/errors.js';
import {
  type AlertInput,
  type AlertOrigin,
  evaluateDueRules,
  type Labels,
  replaceAlertRulePorts,
} from '../../src/monitoring/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('alert rules over HTTP on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let technician: Session;
  let requester: Session;
  let vector: { labels: Labels; value: number }[] = [];
  let sent: { alerts: AlertInput[]; origin: AlertOrigin }[] = [];

  beforeAll(async () => {
    t = await makeApp(dialect);
    manager = await userSession(t.app, t.ctx, 'manager');
    technician = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
    replaceAlertRulePorts(t.ctx, {
      checkExpr: (expr) => {
        if (expr.includes('=='.repeat(2)) || expr.endsWith('=='))
          throw new Invalid('validation_failed', 'The expression is not PromQL.', [
            { field: 'expr', message: `1:${expr.length + 1}: unexpected end of input` },
          ]);
      },
      evaluate: async () => vector,
      send: async (_ctx, alerts, origin) => {
        sent.push({ alerts: [...alerts], origin });
        // The pipeline refuses an alert labelled refuse_me (its own checks), to show the index mapping.
        const rejected = alerts.flatMap((a, index) =>
          a.labels.refuse_me ? [{ index, reason: 'test' }] : [],
        );
        return { accepted: alerts.length - rejected.length, rejected };
      },
    });
  });
  afterAll(async () => t.close());
  beforeEach(() => {
    vector = [];
    sent = [];
  });

  it('creates, reads, changes and deletes a rule; only managers change rules, staff read them', async () => {
    const body = {
      name: 'HighLoad',
      kind: 'promql',
      expr: 'node_load1 > 4',
      forSeconds: 300,
      severity: 'warning',
      labels: { team: 'infra' },
      annotations: { summary: '{{ $labels.instance }}: load {{ $value | humanize }}' },
      group: 'nodes',
      intervalSeconds: 30,
    };
    expect((await technician.call('POST', '/api/v1/monitoring/rules', body)).status).toBe(403);
    expect((await requester.call('GET', '/api/v1/monitoring/rules')).status).toBe(403);
    const created = await manager.call('POST', '/api/v1/monitoring/rules', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'HighLoad',
      kind: 'promql',
      severity: 'warning',
      labels: { team: 'infra', severity: 'warning' },
      group: 'nodes',
      intervalSeconds: 30,
      health: 'unknown',
      state: 'inactive',
      alerts: [],
    });
    const id = created.body.id;
    const list = await technician.call('GET', '/api/v1/monitoring/rules');
    expect(list.body.items.map((r: { id: number }) => r.id)).toContain(id);
    const changed = await manager.call('PATCH', `/api/v1/monitoring/rules/${id}`, {
      forSeconds: 60,
      severity: null,
    });
    expect(changed.status).toBe(200);
    expect(changed.body.forSeconds).toBe(60);
    expect(changed.body.severity).toBeNull();
    expect((await manager.call('DELETE', `/api/v1/monitoring/rules/${id}`)).status).toBe(204);
    const gone = await technician.call('GET', `/api/v1/monitoring/rules/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('alert_rule_not_found');
  });

  it('refuses a bad rule with the fields, and a bad expression with its position', async () => {
    const bad = await manager.call('POST', '/api/v1/monitoring/rules', {
      name: 'bad name',
      kind: 'promql',
      expr: 'up',
      labels: { 'not-a-label': 'x', ok: '{{ range . }}' },
    });
    expect(bad.status).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    expect(bad.body.code).toBe('invalid_alert_rule');
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['name', 'labels.not-a-label', 'labels.ok']),
    );
    const expr = await manager.call('POST', '/api/v1/monitoring/rules', {
      name: 'X',
      kind: 'promql',
      expr: 'up ==',
    });
    expect(expr.status).toBe(400);
    expect(expr.body.errors[0].message).toMatch(/^1:6: /);
    const check = await manager.call('POST', '/api/v1/monitoring/rules', {
      name: 'C',
      kind: 'check',
      check: { targetId: 1, tags: ['a'], downAfter: 2 },
    });
    expect(check.status).toBe(400);
    const dup = { name: 'Twice', kind: 'promql', expr: 'up' };
    expect((await manager.call('POST', '/api/v1/monitoring/rules', dup)).status).toBe(201);
    const again = await manager.call('POST', '/api/v1/monitoring/rules', dup);
    expect(again.status).toBe(400);
    expect(again.body.errors[0].field).toBe('name');
  });

  it("previews an expression and shows rules and alerts in Prometheus's shapes", async () => {
    vector = [{ labels: { __name__: 'up', instance: 'a:9100' }, value: 0 }];
    const preview = await technician.call('POST', '/api/v1/monitoring/rules/preview', { expr: 'up == 0' });
    expect(preview.status).toBe(200);
    expect(preview.body.result).toEqual([{ metric: { __name__: 'up', instance: 'a:9100' }, value: '0' }]);

    const rule = await manager.call('POST', '/api/v1/monitoring/rules', {
      name: 'Down',
      kind: 'promql',
      expr: 'up == 0',
      group: 'shape',
      forSeconds: 600,
      annotations: { summary: '{{ $labels.instance }} down' },
    });
    await evaluateDueRules(t.ctx);
    const rules = await technician.call('GET', '/api/v1/prom/rules');
    expect(rules.status).toBe(200);
    expect(rules.body.status).toBe('success');
    const group = rules.body.data.groups.find((g: { name: string }) => g.name === 'shape');
    expect(group).toMatchObject({ name: 'shape', file: 'opsdesk', interval: 60 });
    expect(group.rules[0]).toMatchObject({
      name: 'Down',
      query: 'up == 0',
      duration: 600,
      state: 'pending',
      health: 'ok',
      type: 'alerting',
      alerts: [
        {
          labels: { alertname: 'Down', instance: 'a:9100' },
          annotations: { summary: 'a:9100 down' },
          state: 'pending',
          activeAt: new Date(t.clock.now()).toISOString(),
          value: '0e+00',
        },
      ],
    });
    const alerts = await technician.call('GET', '/api/v1/prom/alerts');
    expect(alerts.body.data.alerts).toContainEqual(
      expect.objectContaining({ state: 'pending', value: '0e+00' }),
    );
    expect((await requester.call('GET', '/api/v1/prom/alerts')).status).toBe(403);
    await manager.call('DELETE', `/api/v1/monitoring/rules/${rule.body.id}`);
  });

  it('takes an Alertmanager webhook (v4), keeping the valid rest and saying why the others were refused', async () => {
    const alert = (labels: unknown, status = 'firing') => ({
      status,
      labels,
      annotations: { summary: 'disk full' },
      startsAt: '2026-03-02T08:55:00.000Z',
      endsAt: status === 'resolved' ? '2026-03-02T08:59:00Z' : '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus:9090/graph',
      fingerprint: 'abc',
    });
    const res = await technician.call('POST', '/api/v1/alertmanager/webhook', {
      version: '4',
      status: 'firing',
      receiver: 'opsdesk',
      groupKey: '{}:{alertname="DiskFull"}',
      groupLabels: { alertname: 'DiskFull' },
      commonLabels: {},
      commonAnnotations: {},
      externalURL: 'http://am:9093',
      alerts: [
        alert({ alertname: 'DiskFull', instance: 'a' }),
        alert({ 'bad-name': 'x' }),
        alert({ alertname: 'DiskFull', instance: 'b' }, 'resolved'),
        alert({ alertname: 'X', refuse_me: 'yes' }),
        alert({}),
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected.map((r: { index: number; reason: string }) => [r.index, r.reason])).toEqual([
      [1, 'invalid_label_name'],
      [3, 'refused_by_pipeline'],
      [4, 'labels_missing'],
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.origin).toBe('alertmanager');
    expect(sent[0]?.alerts[0]).toEqual({
      labels: { alertname: 'DiskFull', instance: 'a' },
      annotations: { summary: 'disk full' },
      startsAt: Date.parse('2026-03-02T08:55:00Z'),
      endsAt: null,
      generatorUrl: 'http://prometheus:9090/graph',
    });
    expect(sent[0]?.alerts[1]?.endsAt).toBe(Date.parse('2026-03-02T08:59:00Z'));
    const wrongVersion = await technician.call('POST', '/api/v1/alertmanager/webhook', {
      version: '3',
      alerts: [],
    });
    expect(wrongVersion.status).toBe(400);
    expect(
      (await requester.call('POST', '/api/v1/alertmanager/webhook', { version: '4', alerts: [] })).status,
    ).toBe(403);
  });

  it("takes Alertmanager's API v2 alerts: 200 for a clean batch, 400 listing the refused ones with the rest kept", async () => {
    const ok = await technician.call('POST', '/api/v1/alertmanager/api/v2/alerts', [
      { labels: { alertname: 'A', empty: '' }, annotations: {}, generatorURL: 'http://p/graph' },
    ]);
    expect(ok.status).toBe(200);
    expect(sent[0]?.alerts[0]).toMatchObject({
      labels: { alertname: 'A' },
      startsAt: t.clock.now(),
      endsAt: null,
    });
    sent = [];
    const mixed = await technician.call('POST', '/api/v1/alertmanager/api/v2/alerts', [
      { labels: { alertname: 'B' }, startsAt: '2026-03-02T08:00:00Z', endsAt: '2026-03-02T08:30:00Z' },
      { labels: { alertname: 'C' }, startsAt: '2026-03-02T08:00:00Z', endsAt: '2026-03-02T07:00:00Z' },
      { labels: { alertname: 'D' }, startsAt: 'yesterday' },
      'not an alert',
    ]);
    expect(mixed.status).toBe(400);
    expect(mixed.body.code).toBe('alerts_refused');
    expect(mixed.body.errors.map((e: { field: string }) => e.field)).toEqual(['/1', '/2', '/3']);
    expect(sent[0]?.alerts.map((a) => a.labels.alertname)).toEqual(['B']);
    const tooMany = await technician.call(
      'POST',
      '/api/v1/alertmanager/api/v2/alerts',
      Array.from({ length: 1001 }, () => ({ labels: { alertname: 'x' } })),
    );
    expect(tooMany.status).toBe(400);
  });

  if (dialect === 'sqlite')
    it('never crashes on fuzzed receiver bodies (fast-check)', async () => {
      const labelsArb = fc.dictionary(
        fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('alertname', 'job', '__x', '0a')),
        fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.constant(null)),
        { maxKeys: 5 },
      );
      const alertArb = fc.oneof(
        fc.record(
          {
            status: fc.constantFrom('firing', 'resolved', 'other'),
            labels: fc.oneof(labelsArb, fc.anything()),
            annotations: fc.oneof(labelsArb, fc.anything()),
            startsAt: fc.oneof(
              fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
              fc.string(),
              fc.integer(),
            ),
            endsAt: fc.oneof(fc.constant('0001-01-01T00:00:00Z'), fc.string(), fc.constant(null)),
            generatorURL: fc.oneof(fc.webUrl(), fc.integer()),
          },
          { requiredKeys: [] },
        ),
        fc.anything(),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(alertArb, { maxLength: 6 }), fc.anything(), async (alerts, junk) => {
          const v2 = await technician.call('POST', '/api/v1/alertmanager/api/v2/alerts', alerts);
          expect([200, 400]).toContain(v2.status);
          const hook = await technician.call('POST', '/api/v1/alertmanager/webhook', {
            version: '4',
            alerts,
          });
          // A body naming __proto__ is refused whole before any route runs (prototype poisoning); any other is
          // taken alert by alert, the bad ones refused with their reasons.
          if (poisoned(alerts)) {
            expect(hook.status).toBe(400);
            expect(hook.body.code).toBe('malformed_json');
          } else {
            expect(hook.status).toBe(200);
            expect(hook.body.accepted + hook.body.rejected.length).toBe(alerts.length);
          }
          const raw = await technician.call('POST', '/api/v1/alertmanager/webhook', junk as object);
          expect([200, 400, 415]).toContain(raw.status);
        }),
        { numRuns: 150 },
      );
    });
});

/** What Fastify's JSON parser refuses as prototype poisoning: a `__proto__` key, or `constructor.prototype`. */
function poisoned(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  for (const [key, v] of Object.entries(value)) {
    if (key === '__proto__') return true;
    if (key === 'constructor' && v !== null && typeof v === 'object' && Object.hasOwn(v, 'prototype'))
      return true;
    if (poisoned(v)) return true;
  }
  return false;
}
