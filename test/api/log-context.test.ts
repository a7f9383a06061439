// The log-context and pattern-rate routes over HTTP on both dialects: a ticket's and an incident's log patterns with
// ISO times and the sentence, hidden from requesters (a requester's own ticket: 403; another's: 404), and pattern
// rates in buckets with bad ranges refused as problem+json naming the field.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorForUser, createUser } from '../../src/core/auth/index.js';
import { createIncident, createService } from '../../src/incidents/index.js';
import { createEscalationPolicy } from '../../src/oncall/index.js';
import { writePatternRecords } from '../logs/support/pattern-minutes.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const minute = 60_000;

describe.each(dialects)('log context routes on %s', (dialect) => {
  let t: TestApp;
  let tech: Session;
  let owner: Session;
  let other: Session;
  let ticketId: number;
  let incidentId: number;

  beforeAll(async () => {
    t = await makeApp(dialect);
    const adminActor = actorForUser(
      await createUser(t.ctx, null, {
        email: `admin-${dialect}@example.test`,
        name: 'Ada',
        role: 'admin',
        password: 'correct horse battery',
      }),
    );
    tech = await userSession(t.app, t.ctx, 'technician');
    owner = await userSession(t.app, t.ctx, 'requester');
    other = await userSession(t.app, t.ctx, 'requester');
    const t0 = t.clock.now(); // 09:00
    await writePatternRecords(t.ctx, [
      {
        templateId: 'tls',
        template: 'TLS handshake with <*> failed',
        time: t0 + 56 * minute,
        host: 'vpn-gw',
        severity: 3,
        count: 7,
      },
      { templateId: 'tls', time: t0 + 58 * minute, host: 'vpn-gw', severity: 3, count: 2 },
    ]);
    t.clock.set(t0 + 60 * minute + 20_000);
    const filed = await owner.call('POST', '/api/v1/tickets', {
      title: 'VPN down',
      description: 'Cannot connect through vpn-gw since this morning.',
    });
    expect(filed.status).toBe(201);
    ticketId = filed.body.id;
    const policy = await createEscalationPolicy(t.ctx, adminActor, {
      name: 'Net',
      steps: [{ targets: [{ kind: 'user', id: tech.userId }], delayMinutes: 5 }],
      repeatCount: 1,
    });
    const service = await createService(t.ctx, adminActor, { name: 'VPN', escalationPolicyId: policy.id });
    incidentId = (
      await createIncident(t.ctx, adminActor, {
        serviceId: service.id,
        summary: 'VPN gateway failing',
        details: { host: 'vpn-gw' },
      })
    ).incident.id;
  }, 60_000);
  afterAll(async () => t?.close());

  it("answers a ticket's log patterns to staff, with ISO times and the sentence", async () => {
    const res = await tech.call('GET', `/api/v1/tickets/${ticketId}/log-patterns`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      subject: { kind: 'ticket', id: ticketId },
      hosts: [{ host: 'vpn-gw', via: ['text'], logged: true }],
      from: '2026-03-02T09:00:00.000Z',
      firstReportAt: '2026-03-02T10:00:20.000Z',
      reference: { at: '2026-03-02T10:00:20.000Z', kind: 'first_report' },
    });
    expect(res.body.patterns).toEqual([
      {
        id: 'tls',
        template: 'TLS handshake with <*> failed',
        name: null,
        count: 9,
        errors: 9,
        firstMinute: '2026-03-02T09:56:00.000Z',
        lastMinute: '2026-03-02T09:58:00.000Z',
        worstSeverity: 'err',
        hosts: ['vpn-gw'],
        minutesBeforeReference: 4,
        sentence: 'This error began 4 minutes before the first user report.',
      },
    ]);
  });

  it("answers an incident's log patterns, measured from its start when it has no ticket", async () => {
    const res = await tech.call('GET', `/api/v1/incidents/${incidentId}/log-patterns`);
    expect(res.status).toBe(200);
    expect(res.body.reference.kind).toBe('incident_start');
    expect(res.body.firstReportAt).toBeNull();
    expect(res.body.patterns.map((p: { sentence: string }) => p.sentence)).toEqual([
      'This error began 4 minutes before the incident opened.',
    ]);
  });

  it('keeps log context from requesters: 403 on their own ticket, 404 on another’s, 403 on incidents', async () => {
    expect((await owner.call('GET', `/api/v1/tickets/${ticketId}/log-patterns`)).status).toBe(403);
    const hidden = await other.call('GET', `/api/v1/tickets/${ticketId}/log-patterns`);
    expect(hidden.status).toBe(404);
    expect(hidden.headers['content-type']).toContain('application/problem+json');
    expect((await owner.call('GET', `/api/v1/incidents/${incidentId}/log-patterns`)).status).toBe(403);
    expect((await tech.call('GET', '/api/v1/incidents/999999/log-patterns')).status).toBe(404);
  });

  it('answers pattern rates per bucket, and refuses a range of too many steps', async () => {
    const res = await tech.call(
      'GET',
      '/api/v1/logs/pattern-rates?ids=tls&from=2026-03-02T09:50:00Z&to=2026-03-02T10:00:00Z&stepSeconds=300',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      from: '2026-03-02T09:50:00.000Z',
      to: '2026-03-02T10:00:00.000Z',
      stepSeconds: 300,
      patterns: [
        {
          patternId: 'tls',
          template: 'TLS handshake with <*> failed',
          name: null,
          total: 9,
          points: [
            { t: '2026-03-02T09:50:00.000Z', count: 0, errors: 0, perMinute: 0 },
            { t: '2026-03-02T09:55:00.000Z', count: 9, errors: 9, perMinute: 1.8 },
          ],
        },
      ],
    });
    // Without ids: the busiest patterns of the last hour.
    const busiest = await tech.call('GET', '/api/v1/logs/pattern-rates');
    expect(busiest.body.patterns.map((p: { patternId: string }) => p.patternId)).toEqual(['tls']);
    const tooMany = await tech.call(
      'GET',
      '/api/v1/logs/pattern-rates?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&stepSeconds=60',
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors).toEqual([expect.objectContaining({ field: 'step' })]);
    expect((await owner.call('GET', '/api/v1/logs/pattern-rates')).status).toBe(403);
  });
  it('documents the routes in the OpenAPI document', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/tickets/{id}/log-patterns',
        '/api/v1/incidents/{id}/log-patterns',
        '/api/v1/logs/pattern-rates',
      ]),
    );
  });
});
