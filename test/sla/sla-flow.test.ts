// The SLA engine end to end over HTTP, on SQLite and PostgreSQL, with a fake clock: an admin defines a
// Berlin business calendar with a holiday and two policies; tickets get the right due times; pending pauses
// them; a warning and then a breach with its escalation level fire exactly once each at the right moments;
// a technician escalates by hand to L2 and then to the manager, who resolves it; the report counts it all.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../../src/core/auth/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { runEscalationCycle, subscribeSla } from '../../src/sla/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const at = (iso: string) => Date.parse(iso);

describe.each(dialects)('SLA flow on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let tech: Session;
  let manager: Session;
  let l1: number;
  let l2: number;
  let calendarId: number;
  let urgent: number;
  let routine: number;

  async function settle() {
    await t.ctx.events.idle();
    await t.ctx.events.dispatchPending();
  }
  async function outboxCount(type: string, ticketId: number): Promise<number> {
    const rows = await t.ctx.db
      .selectFrom('outbox')
      .select('id')
      .where('type', '=', type)
      .where('subject_id', '=', String(ticketId))
      .execute();
    return rows.length;
  }

  beforeAll(async () => {
    // Sessions outlive the days the fake clock moves through.
    t = await makeApp(dialect, { OPSDESK_SESSION_TTL_HOURS: String(24 * 60) });
    subscribeSla(t.ctx);
    // Monday 2 March 2026, 10:00 in Berlin.
    t.clock.set(at('2026-03-02T09:00:00Z'));
    admin = await userSession(t.app, t.ctx, 'admin');
    l1 = (await createGroup(t.ctx, null, { name: 'Service Desk L1' })).id;
    l2 = (await createGroup(t.ctx, null, { name: 'Infrastructure L2' })).id;
    tech = await userSession(t.app, t.ctx, 'technician', [l1]);
    manager = await userSession(t.app, t.ctx, 'manager');
  });
  afterAll(async () => t?.close());

  it('an admin defines a business calendar with a holiday, imports another from .ics, and two policies', async () => {
    const cal = await admin.call('POST', '/api/v1/sla/calendars', {
      name: 'Berlin office',
      timeZone: 'Europe/Berlin',
      hours: [1, 2, 3, 4, 5].flatMap((day) => [
        { day, start: '08:00', end: '12:00' },
        { day, start: '13:00', end: '17:00' },
      ]),
      holidays: [{ date: '2026-03-03', name: 'Company day', yearly: false }],
    });
    expect(cal.status).toBe(201);
    calendarId = cal.body.id;
    const ics =
      'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20261225\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:Christmas\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
    const imported = await admin.call('POST', `/api/v1/sla/calendars/${calendarId}/holidays/import`, { ics });
    expect(imported.status).toBe(200);
    expect(imported.body.imported).toBe(1);
    expect(imported.body.calendar.holidays).toContainEqual({
      date: '2026-12-25',
      name: 'Christmas',
      yearly: true,
    });
    const bad = await admin.call('POST', '/api/v1/sla/calendars', {
      name: 'x',
      timeZone: 'Mars/Base',
      alwaysOpen: true,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_calendar');

    const high = await admin.call('POST', '/api/v1/sla/policies', {
      name: 'High priority',
      conditions: { priorities: [4, 5] },
      targets: {
        first_response: { minutes: 60, calendarId, warnPercent: 75 },
        resolution: { minutes: 480, calendarId, warnPercent: 75 },
      },
      levels: [
        {
          level: 1,
          target: 'resolution',
          offsetMinutes: 0,
          actions: [
            { type: 'notify', who: 'manager' },
            { type: 'reassign', groupId: l2 },
          ],
        },
      ],
    });
    expect(high.status).toBe(201);
    expect(high.body.targets.resolution.pauseStatuses).toEqual(['pending', 'resolved']);
    const normal = await admin.call('POST', '/api/v1/sla/policies', {
      name: 'Standard',
      targets: { first_response: { minutes: 240, calendarId }, resolution: { minutes: 2400, calendarId } },
    });
    expect(normal.status).toBe(201);
    expect(
      (await admin.call('GET', '/api/v1/sla/policies')).body.items.map((p: { name: string }) => p.name),
    ).toEqual(['High priority', 'Standard']);
    expect((await tech.call('POST', '/api/v1/sla/policies', { name: 'x', targets: {} })).status).toBe(403);
    expect((await admin.call('PUT', '/api/v1/sla/escalation-path', { groupIds: [l1, l2] })).status).toBe(200);
  });

  it('a ticket gets the due times of its policy, across the holiday', async () => {
    const r = await tech.call('POST', '/api/v1/tickets', {
      title: 'Core switch down',
      description: 'Floor 2 is offline.',
      impact: 'high',
      urgency: 'high',
      groupId: l1,
      assigneeId: tech.userId,
    });
    expect(r.status).toBe(201);
    urgent = r.body.id;
    const got = await tech.call('GET', `/api/v1/tickets/${urgent}`);
    expect(got.body.sla).toMatchObject({
      policyName: 'High priority',
      firstResponseDueAt: '2026-03-02T10:00:00.000Z', // Mon 11:00 CET
      // 8 h: Mon 10–12 and 13–17 (6 h); Tuesday is the holiday; Wed 08–10 CET.
      resolutionDueAt: '2026-03-04T09:00:00.000Z',
    });
    const other = await tech.call('POST', '/api/v1/tickets', {
      title: 'New mouse',
      description: 'Scroll wheel broken.',
      impact: 'low',
      urgency: 'low',
      groupId: l1,
    });
    routine = other.body.id;
    expect((await tech.call('GET', `/api/v1/tickets/${routine}/sla`)).body).toMatchObject({
      policyName: 'Standard',
      firstResponseDueAt: '2026-03-02T14:00:00.000Z', // 4 h: Mon 10–12, 13–15 CET
    });
    await settle();
    const list = await tech.call('GET', '/api/v1/tickets?status=open');
    const row = list.body.items.find((x: { id: number }) => x.id === urgent);
    expect(row.sla.resolutionDueAt).toBe('2026-03-04T09:00:00.000Z');
  });

  it('the first public reply meets the first response; pending pauses the resolution clock', async () => {
    t.clock.set(at('2026-03-02T09:30:00Z'));
    expect((await tech.call('POST', `/api/v1/tickets/${urgent}/comments`, { body: 'On it.' })).status).toBe(
      201,
    );
    t.clock.set(at('2026-03-02T10:00:00Z'));
    expect((await tech.call('PATCH', `/api/v1/tickets/${urgent}`, { status: 'pending' })).status).toBe(200);
    const sla = (await tech.call('GET', `/api/v1/tickets/${urgent}`)).body.sla;
    const fr = sla.clocks.find((c: { target: string }) => c.target === 'first_response');
    expect(fr).toMatchObject({ phase: 'achieved', achievedMinutes: 30, marginMinutes: 30, breached: false });
    const res = sla.clocks.find((c: { target: string }) => c.target === 'resolution');
    expect(res).toMatchObject({ phase: 'paused', elapsedSeconds: 3600, remainingSeconds: 7 * 3600 });
    expect(sla.resolutionDueAt).toBeNull();
    await settle();
    // Days later, still pending: nothing breaches while paused.
    t.clock.set(at('2026-03-04T08:00:00Z'));
    await runEscalationCycle(t.ctx);
    expect(await outboxCount('ticket.sla_breached', urgent)).toBe(0);
    expect(await outboxCount('ticket.sla_warning', urgent)).toBe(0);
  });

  it('resumed, the warning fires once at 75 %, then the breach and its escalation level once each', async () => {
    // Wed 09:00 CET the technician resumes: 7 h remain → Wed 09–12, 13–17 → due Wed 17:00 CET.
    t.clock.set(at('2026-03-04T08:00:00Z'));
    await tech.call('PATCH', `/api/v1/tickets/${urgent}`, { status: 'in_progress' });
    const sla = (await tech.call('GET', `/api/v1/tickets/${urgent}`)).body.sla;
    expect(sla.resolutionDueAt).toBe('2026-03-04T16:00:00.000Z');
    await settle();

    // The warning is due at 6 h elapsed: Wed 15:00 CET (14:00Z).
    t.clock.set(at('2026-03-04T13:59:00Z'));
    await runEscalationCycle(t.ctx);
    expect(await outboxCount('ticket.sla_warning', urgent)).toBe(0);
    t.clock.set(at('2026-03-04T14:00:30Z'));
    await Promise.all([runEscalationCycle(t.ctx), runEscalationCycle(t.ctx)]);
    await runEscalationCycle(t.ctx);
    expect(await outboxCount('ticket.sla_warning', urgent)).toBe(1);
    expect(await outboxCount('ticket.sla_breached', urgent)).toBe(0);

    // Due at closing time Wed 17:00; the evening is not business time, so it breaches Thursday at 08:00.
    t.clock.set(at('2026-03-04T20:00:00Z'));
    await runEscalationCycle(t.ctx);
    expect(await outboxCount('ticket.sla_breached', urgent)).toBe(0);
    // On PostgreSQL a second instance runs its cycle at the same moment: the breach and its escalation level
    // still fire once.
    t.clock.set(at('2026-03-05T07:01:00Z'));
    const other = t.ctx.caps.multiInstance ? await t.openAnother(new ManualClock(t.clock.now())) : null;
    try {
      await Promise.all([runEscalationCycle(t.ctx), runEscalationCycle(other?.ctx ?? t.ctx)]);
      await runEscalationCycle(other?.ctx ?? t.ctx);
    } finally {
      await other?.close();
    }
    expect(await outboxCount('ticket.sla_breached', urgent)).toBe(1);
    expect(await outboxCount('ticket.escalated', urgent)).toBe(1);
    const payload = await t.ctx.db
      .selectFrom('outbox')
      .select('payload')
      .where('type', '=', 'ticket.escalated')
      .where('subject_id', '=', String(urgent))
      .executeTakeFirstOrThrow();
    expect(JSON.parse(payload.payload)).toMatchObject({
      ticketId: urgent,
      target: 'resolution',
      level: 1,
      toGroupId: l2,
      toManager: true,
    });
    const ticket = (await tech.call('GET', `/api/v1/tickets/${urgent}`)).body;
    expect(ticket).toMatchObject({ groupId: l2, assigneeId: null, status: 'assigned' });
    expect(ticket.sla.breached).toBe(true);
    const history = (await tech.call('GET', `/api/v1/tickets/${urgent}/history`)).body.items;
    expect(history.filter((h: { field: string }) => h.field === 'escalation')).toHaveLength(1);
    expect(
      history.filter((h: { field: string }) => h.field === 'sla').map((h: { to: string }) => h.to),
    ).toEqual(['resolution warning', 'resolution breached']);
  });

  it('a technician escalates by hand to L2, then to the manager, who resolves it', async () => {
    const toL2 = await tech.call('POST', `/api/v1/tickets/${routine}/escalations`, {
      reason: 'needs L2',
      to: 'group',
    });
    expect(toL2.status).toBe(201);
    expect(toL2.body).toMatchObject({
      kind: 'manual',
      toGroupId: l2,
      fromGroupId: l1,
      toManager: false,
      status: 'open',
    });
    expect((await tech.call('GET', `/api/v1/tickets/${routine}`)).body.groupId).toBe(l2);
    const top = await tech.call('POST', `/api/v1/tickets/${routine}/escalations`, {
      reason: 'again',
      to: 'group',
    });
    expect(top.status).toBe(409);
    expect(top.body.code).toBe('no_next_group');
    const toManager = await tech.call('POST', `/api/v1/tickets/${routine}/escalations`, {
      reason: 'needs vendor',
      to: 'manager',
    });
    expect(toManager.status).toBe(201);
    expect(toManager.body.level).toBe(2);
    expect((await tech.call('GET', '/api/v1/sla/escalations?toManager=true')).status).toBe(403);
    const queue = await manager.call('GET', '/api/v1/sla/escalations?toManager=true&status=open');
    expect(queue.body.items.map((e: { ticketId: number }) => e.ticketId)).toContain(routine);
    const done = await manager.call('POST', `/api/v1/sla/escalations/${toManager.body.id}/resolve`, {
      note: 'Vendor called.',
    });
    expect(done.body).toMatchObject({ status: 'resolved', closedBy: manager.userId });
    expect(
      (await manager.call('POST', `/api/v1/sla/escalations/${toManager.body.id}/resolve`, { note: 'x' }))
        .status,
    ).toBe(409);
    const history = (await tech.call('GET', `/api/v1/tickets/${routine}/history`)).body.items;
    expect(
      history.filter((h: { field: string }) => h.field === 'escalation').map((h: { to: string }) => h.to),
    ).toEqual([
      'to group Infrastructure L2: needs L2',
      'to the manager: needs vendor',
      'level 2 resolved by the manager: Vendor called.',
    ]);
    expect(await outboxCount('ticket.escalated', routine)).toBe(2);
  });

  it('changing the policy keeps the pauses already served', async () => {
    const res = await tech.call('PUT', `/api/v1/tickets/${urgent}/sla`, {
      policyId: (await admin.call('GET', '/api/v1/sla/policies')).body.items[1].id,
    });
    expect(res.status).toBe(200);
    const clock = res.body.clocks.find((c: { target: string }) => c.target === 'resolution');
    expect(res.body).toMatchObject({ policyName: 'Standard', pinned: true });
    // The pending stretch (Mon 11:00 → Wed 09:00: Mon 11–12, 13–17 and Wed 08–09 = 6 h) is still paused.
    expect(clock.pausedSeconds).toBe(6 * 3600);
  });

  it('the compliance report counts met and breached targets per policy, with causes', async () => {
    await settle();
    await runEscalationCycle(t.ctx);
    await tech.call('PUT', `/api/v1/tickets/${urgent}/sla`, { policyId: null });
    await settle();
    const r = await manager.call(
      'GET',
      '/api/v1/reports/sla?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z&groupBy=policy',
    );
    expect(r.status).toBe(200);
    const high = r.body.rows.find((x: { name: string }) => x.name === 'High priority');
    expect(high).toMatchObject({
      tickets: 1,
      firstResponse: { met: 1, breached: 0 },
      resolution: { met: 0, breached: 1 },
    });
    expect(r.body.breaches).toContainEqual(
      expect.objectContaining({
        ticketId: urgent,
        target: 'resolution',
        dueAt: '2026-03-04T16:00:00.000Z',
        cause: 'with_technician',
      }),
    );
    expect(
      (await tech.call('GET', '/api/v1/reports/sla?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z'))
        .status,
    ).toBe(403);
  });
});
