// The department's loop, end to end on SQLite and PostgreSQL, through HTTP with the periodic jobs run on a fake
// clock as the scheduler would: a critical disk alert on a host opens an incident that pages the on-call engineer
// and a ticket with its SLA; the ticket joins a problem; the problem's fix is an upgrade proposal; its approval
// raises a change (linked to the problem) and a request for quotes; three quotes are compared against the budget
// line; the winner is awarded, committed to the line as a purchase, and the change is scheduled on the change
// calendar. Each step is one API call from the last, and each record names the ones before it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorForUser, createUser } from '../../src/core/auth/index.js';
import type { Role } from '../../src/core/db/index.js';
import { createService, runEscalations } from '../../src/incidents/index.js';
import { runAlertPipeline } from '../../src/monitoring/alert-groups.js';
import { putAlertRouting } from '../../src/monitoring/alert-routing-store.js';
import { createEscalationPolicy } from '../../src/oncall/index.js';
import { createPolicy } from '../../src/sla/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn } from '../support/http.js';

const minute = 60_000;
const day = 86_400_000;
const password = 'correct horse battery';

describe.each(dialects)('the closed loop on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let engineer: Session;
  let engineerId: number;
  let serviceId: number;

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_SESSION_TTL_HOURS: '2160' });
    const cast: [string, Role][] = [
      ['admin', 'admin'],
      ['manager', 'manager'],
      ['engineer', 'technician'],
    ];
    const users = new Map<string, Awaited<ReturnType<typeof createUser>>>();
    for (const [name, role] of cast)
      users.set(name, await createUser(t.ctx, null, { email: `${name}@loop.test`, name, role, password }));
    const admin = actorForUser(users.get('admin')!);
    engineerId = users.get('engineer')!.id;
    [manager, engineer] = await Promise.all([
      signIn(t.app, 'manager@loop.test', password),
      signIn(t.app, 'engineer@loop.test', password),
    ]);
    // The department's set-up, done once by an admin: an SLA, who is on call for the storage service, and
    // that critical alerts open incidents on it.
    await createPolicy(t.ctx, admin, { name: 'Standard', targets: { resolution: { minutes: 480 } } });
    const policy = await createEscalationPolicy(t.ctx, admin, {
      name: 'Storage on call',
      steps: [{ targets: [{ kind: 'user', id: engineerId }], delayMinutes: 10 }],
      repeatCount: 1,
    });
    serviceId = (await createService(t.ctx, admin, { name: 'File storage', escalationPolicyId: policy.id }))
      .id;
    await putAlertRouting(t.ctx, admin, {
      route: { receiver: 'incident', group_by: ['alertname', 'target'] },
      receivers: [{ name: 'incident', incident_configs: [{ service_id: serviceId }] }],
    });
  }, 60_000);
  afterAll(async () => t?.close());

  async function ok(
    s: Session,
    method: 'GET' | 'POST' | 'PATCH' | 'PUT',
    url: string,
    body?: unknown,
    status = 200,
  ) {
    const r = await s.call(method, url, body);
    expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBe(status);
    return r.body;
  }

  it('an alert becomes an incident, a page, a ticket, a problem, a proposal, quotes, a purchase and a change', async () => {
    const t0 = t.clock.now();
    const host = await ok(
      manager,
      'POST',
      '/api/v1/monitoring/targets',
      { name: 'fs-loop', kind: 'host' },
      201,
    );

    // 1. The host's disk alert arrives (as Prometheus pushes it) and, after group_wait, opens an incident.
    await ok(engineer, 'POST', '/api/v1/alertmanager/api/v2/alerts', [
      {
        labels: { alertname: 'DiskWillFill', target: 'fs-loop', severity: 'critical' },
        annotations: { summary: '/srv on fs-loop fills within 7 days' },
        startsAt: new Date(t0).toISOString(),
        endsAt: new Date(t0 + day).toISOString(),
      },
    ]);
    t.clock.set(t0 + 31_000);
    await runAlertPipeline(t.ctx);
    const groups = await ok(engineer, 'GET', '/api/v1/monitoring/alert-groups');
    const group = groups.items.find(
      (g: { groupLabels: Record<string, string> }) => g.groupLabels.alertname === 'DiskWillFill',
    );
    expect(group.incidentId).toEqual(expect.any(Number));
    const incident = await ok(engineer, 'GET', `/api/v1/incidents/${group.incidentId}`);
    expect(incident).toMatchObject({
      serviceId,
      source: 'monitoring',
      severity: 'critical',
      state: 'triggered',
    });

    // 2. It pages the on-call engineer, who acknowledges.
    await runEscalations(t.ctx);
    const pages = await t.ctx.db
      .selectFrom('deliveries')
      .select('user_id')
      .where('incident_id', '=', incident.id)
      .execute();
    expect(pages.map((p) => p.user_id)).toContain(engineerId);
    await ok(engineer, 'POST', `/api/v1/incidents/${incident.id}/acknowledge`, {});

    // 3. Its ticket runs on the SLA.
    expect(incident.ticketId).toEqual(expect.any(Number));
    await t.ctx.events.dispatchPending();
    const ticket = await ok(engineer, 'GET', `/api/v1/tickets/${incident.ticketId}`);
    expect(ticket.sla).toBeTruthy();
    expect(ticket.title).toContain('DiskWillFill');

    // 4. The ticket joins a problem: the disks of fs-loop are too small for what it keeps.
    const problem = await ok(
      engineer,
      'POST',
      '/api/v1/problems',
      { title: 'fs-loop runs out of disk every quarter', description: '/srv grows 40 GB a month.' },
      201,
    );
    const withIncident = await ok(engineer, 'POST', `/api/v1/problems/${problem.id}/incidents`, {
      ticketId: ticket.id,
    });
    expect(withIncident.incidents.map((i: { id: number }) => i.id)).toContain(ticket.id);

    // 5. The problem's fix is an upgrade proposal, with the incident and the ticket as its evidence.
    const proposal = await ok(
      engineer,
      'POST',
      '/api/v1/proposals',
      {
        title: 'Bigger disks for fs-loop',
        targetId: host.id,
        resource: 'disk',
        what: '4 × 8 TB SSD',
        problemId: problem.id,
        evidence: [
          { kind: 'incident', id: incident.id },
          { kind: 'ticket', id: ticket.id },
        ],
      },
      201,
    );
    expect(proposal).toMatchObject({ problemId: problem.id, status: 'proposed' });

    // 6. The manager approves it: a change linked to the problem and a request for quotes, at once.
    const approved = await ok(manager, 'POST', `/api/v1/proposals/${proposal.id}/decision`, {
      decision: 'approve',
      quantity: 4,
    });
    expect(approved.status).toBe('approved');
    const changeId = approved.changeId;
    const requestId = approved.quoteRequest.id;
    const change = await ok(engineer, 'GET', `/api/v1/changes/${changeId}`);
    expect(change.links).toEqual([expect.objectContaining({ targetType: 'problem', targetId: problem.id })]);
    expect(change.windowStart).toBeNull();

    // 7. Three vendors quote against the storage budget line.
    const line = await ok(
      manager,
      'POST',
      '/api/v1/budget-lines',
      { name: 'Storage', category: 'storage', fiscalYear: 2026, currency: 'EUR', plannedMinor: 600_000 },
      201,
    );
    await ok(manager, 'PATCH', `/api/v1/quote-requests/${requestId}`, {
      budgetLineId: line.id,
      currency: 'EUR',
      termMonths: 36,
    });
    const quotes: [string, number][] = [
      ['Disk Direct', 95_000],
      ['Storage House', 110_000],
      ['Server Parts', 120_000],
    ];
    for (const [name, unitPriceMinor] of quotes) {
      const v = await ok(manager, 'POST', '/api/v1/vendors', { name }, 201);
      await ok(
        manager,
        'POST',
        `/api/v1/quote-requests/${requestId}/quotes`,
        {
          vendorId: v.id,
          currency: 'EUR',
          lines: [{ description: 'SSD 8 TB', kind: 'purchase', quantity: 4, unitPriceMinor }],
        },
        201,
      );
    }
    const comparison = await ok(engineer, 'GET', `/api/v1/quote-requests/${requestId}/comparison`);
    expect(comparison.ranked.map((r: { vendorName: string }) => r.vendorName)).toEqual(
      quotes.map(([name]) => name),
    );
    expect(comparison.ranked[0].totals.totalMinor).toBe(380_000);
    expect(comparison.recommendation.quoteId).toBe(comparison.ranked[0].quoteId);
    expect(comparison.budget).toMatchObject({ lineId: line.id, remainingMinor: 600_000 });

    // 8. The winner is awarded: a purchase committed to the line.
    const award = await ok(manager, 'POST', `/api/v1/quote-requests/${requestId}/award`, {
      quoteId: comparison.recommendation.quoteId,
    });
    expect(award).toMatchObject({
      amountMinor: 380_000,
      request: { status: 'awarded', proposalId: proposal.id },
    });
    const position = await ok(manager, 'GET', `/api/v1/budget-lines/${line.id}`);
    expect(position.position).toMatchObject({ committedMinor: 380_000, remainingMinor: 220_000 });
    expect(position.entries).toEqual([
      expect.objectContaining({ kind: 'purchase', quoteRequestId: requestId, quoteId: award.quoteId }),
    ]);

    // 9. The change is scheduled for when the disks arrive, and shows on the change calendar.
    const from = t.clock.now() + 14 * day;
    await ok(engineer, 'PATCH', `/api/v1/changes/${changeId}`, {
      windowStart: new Date(from).toISOString(),
      windowEnd: new Date(from + 120 * minute).toISOString(),
      serviceIds: [serviceId],
    });
    const calendar = await ok(
      engineer,
      'GET',
      `/api/v1/changes?from=${new Date(from - day).toISOString()}&to=${new Date(from + day).toISOString()}`,
    );
    expect(calendar.items.map((c: { id: number }) => c.id)).toEqual([changeId]);

    // Each record names the ones before it.
    const finalProposal = await ok(engineer, 'GET', `/api/v1/proposals/${proposal.id}`);
    expect(finalProposal).toMatchObject({
      problemId: problem.id,
      changeId,
      quoteRequest: { id: requestId, status: 'awarded' },
    });
    const finalProblem = await ok(engineer, 'GET', `/api/v1/problems/${problem.id}`);
    expect(finalProblem.incidents.map((i: { id: number }) => i.id)).toEqual([ticket.id]);
    const finalIncident = await ok(engineer, 'GET', `/api/v1/incidents/${incident.id}`);
    expect(finalIncident).toMatchObject({ ticketId: ticket.id, state: 'acknowledged' });
  });
});
