// The department's loop, as one walk through the HTTP API with the periodic jobs run on the test's clock as the
// scheduler would: a critical disk alert on a monitored host opens an incident on its service that pages whoever
// is on call and a ticket with its SLA; the ticket joins a problem; the problem's fix is an upgrade proposal; its
// approval raises a change (linked to the problem) and a request for quotes; three quotes are compared against a
// budget line; the winner is awarded, committed to the line as a purchase, and the change is scheduled on the
// change calendar. Each step is one API call from the last, and each record names the ones before it.
// Walked by test/loop/closed-loop.test.ts on an organisation set up for it, and by the demo organisation's test
// on the demo as it ships.
import { expect } from 'vitest';
import { runEscalations } from '../../src/incidents/index.js';
import { runAlertPipeline } from '../../src/monitoring/alert-groups.js';
import type { TestApp } from './context.js';
import type { Session } from './http.js';

const minute = 60_000;
const day = 86_400_000;

export interface LoopSetting {
  t: TestApp;
  manager: Session;
  /** The monitored host whose disk fills: its target, which names the service its incidents open on. */
  host: { id: number; name: string };
  serviceId: number;
  /** Who is on call for the service now: the one the page must reach. */
  onCallUserId: number;
  /** A session of a user by id (the paged engineer works the rest of the loop). */
  sessionOf(userId: number): Promise<Session>;
  /** The budget line the quotes are compared against; its position is read before and after. */
  budgetLineId: number;
}

async function ok(s: Session, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown, status = 200) {
  const r = await s.call(method, url, body);
  expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBe(status);
  return r.body;
}

export async function walkClosedLoop(s: LoopSetting): Promise<void> {
  const { t, manager, host, serviceId } = s;
  const t0 = t.clock.now();

  // 1. The host's disk alert arrives (as Prometheus pushes it) and, after group_wait, opens an incident.
  const alertname = 'DiskWillFill';
  await ok(manager, 'POST', '/api/v1/alertmanager/api/v2/alerts', [
    {
      labels: { alertname, target: host.name, severity: 'critical' },
      annotations: { summary: `/srv on ${host.name} fills within 7 days` },
      startsAt: new Date(t0).toISOString(),
      endsAt: new Date(t0 + day).toISOString(),
    },
  ]);
  t.clock.set(t0 + 31_000);
  await runAlertPipeline(t.ctx);
  const groups = await ok(manager, 'GET', '/api/v1/monitoring/alert-groups');
  const group = groups.items.find(
    (g: { groupLabels: Record<string, string> }) =>
      g.groupLabels.alertname === alertname && g.groupLabels.target === host.name,
  );
  expect(group.incidentId, JSON.stringify(group)).toEqual(expect.any(Number));

  // 2. It pages the one on call, who acknowledges.
  await runEscalations(t.ctx);
  const pages = await t.ctx.db
    .selectFrom('deliveries')
    .select('user_id')
    .where('incident_id', '=', group.incidentId)
    .execute();
  expect(pages.map((p) => p.user_id)).toContain(s.onCallUserId);
  const engineer = await s.sessionOf(s.onCallUserId);
  const incident = await ok(engineer, 'GET', `/api/v1/incidents/${group.incidentId}`);
  expect(incident).toMatchObject({
    serviceId,
    source: 'monitoring',
    severity: 'critical',
    state: 'triggered',
  });
  await ok(engineer, 'POST', `/api/v1/incidents/${incident.id}/acknowledge`, {});

  // 3. Its ticket runs on the SLA.
  expect(incident.ticketId).toEqual(expect.any(Number));
  await t.ctx.events.dispatchPending();
  const ticket = await ok(engineer, 'GET', `/api/v1/tickets/${incident.ticketId}`);
  expect(ticket.sla).toBeTruthy();
  expect(ticket.title).toContain(alertname);

  // 4. The ticket joins a problem: the host's disks are too small for what it keeps.
  const problem = await ok(
    engineer,
    'POST',
    '/api/v1/problems',
    { title: `${host.name} runs out of disk every quarter`, description: '/srv grows 40 GB a month.' },
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
      title: `Bigger disks for ${host.name}`,
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

  // 7. Three vendors quote against the budget line.
  const before = (await ok(manager, 'GET', `/api/v1/budget-lines/${s.budgetLineId}`)).position;
  await ok(manager, 'PATCH', `/api/v1/quote-requests/${requestId}`, {
    budgetLineId: s.budgetLineId,
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
  expect(comparison.ranked.map((r: { vendorName: string }) => r.vendorName)).toEqual(quotes.map(([n]) => n));
  expect(comparison.ranked[0].totals.totalMinor).toBe(380_000);
  expect(comparison.recommendation.quoteId).toBe(comparison.ranked[0].quoteId);
  expect(comparison.budget).toMatchObject({ lineId: s.budgetLineId, remainingMinor: before.remainingMinor });

  // 8. The winner is awarded: a purchase committed to the line.
  const award = await ok(manager, 'POST', `/api/v1/quote-requests/${requestId}/award`, {
    quoteId: comparison.recommendation.quoteId,
  });
  expect(award).toMatchObject({
    amountMinor: 380_000,
    request: { status: 'awarded', proposalId: proposal.id },
  });
  const after = await ok(manager, 'GET', `/api/v1/budget-lines/${s.budgetLineId}`);
  expect(after.position).toMatchObject({
    committedMinor: before.committedMinor + 380_000,
    remainingMinor: before.remainingMinor - 380_000,
  });
  expect(after.entries).toContainEqual(
    expect.objectContaining({ kind: 'purchase', quoteRequestId: requestId, quoteId: award.quoteId }),
  );

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
  expect(calendar.items.map((c: { id: number }) => c.id)).toContain(changeId);

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
}
