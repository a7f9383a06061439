// A group's OLA, on SQLite and PostgreSQL with a fake clock: its warning and breach fire once each, as
// ticket.ola_warning / ticket.ola_breached events naming the group, and the group's members are mailed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, createGroup, createUser, systemActor } from '../../src/core/auth/index.js';
import { createTicket } from '../../src/helpdesk/index.js';
import { subscribeMail } from '../../src/mail/index.js';
import { createCalendar, runEscalationCycle, setGroupOla, subscribeSla } from '../../src/sla/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

describe.each(dialects)('OLA events on %s', (dialect) => {
  let t: TestContext;
  let tech: Actor;
  let groupId: number;
  let ticketId: number;
  const minute = 60_000;

  async function settle() {
    await t.ctx.events.idle();
    await t.ctx.events.dispatchPending();
  }
  async function outbox(type: string) {
    const rows = await t.ctx.db
      .selectFrom('outbox')
      .select('payload')
      .where('type', '=', type)
      .where('subject_id', '=', String(ticketId))
      .execute();
    return rows.map((r) => JSON.parse(r.payload));
  }

  beforeAll(async () => {
    t = await makeContext(dialect);
    subscribeSla(t.ctx);
    subscribeMail(t.ctx);
    const admin = systemActor(
      (await createUser(t.ctx, null, { email: 'a@example.test', name: 'A', role: 'admin' })).id,
    );
    const members = [];
    for (const n of [1, 2])
      members.push(
        (
          await createUser(t.ctx, null, {
            email: `l2-${n}@example.test`,
            name: `L2 ${n}`,
            role: 'technician',
          })
        ).id,
      );
    groupId = (await createGroup(t.ctx, null, { name: 'Infrastructure L2', memberIds: members })).id;
    const user = await createUser(t.ctx, null, {
      email: 'tech@example.test',
      name: 'Tech',
      role: 'technician',
    });
    tech = { ...user, groupIds: [], via: 'system', csrfToken: null };
    const calendar = await createCalendar(t.ctx, admin, {
      name: 'Always',
      timeZone: 'UTC',
      alwaysOpen: true,
    });
    await setGroupOla(t.ctx, admin, groupId, { minutes: 60, calendarId: calendar.id, warnPercent: 50 });
    ticketId = (
      await createTicket(t.ctx, tech, { title: 'Storage array degraded', description: 'x', groupId })
    ).id;
    await settle();
  });
  afterAll(async () => t?.close());

  it('warns at 50 % and breaches at 100 % of the OLA, once each, naming the group', async () => {
    const start = t.clock.now();
    t.clock.set(start + 29 * minute);
    await runEscalationCycle(t.ctx);
    expect(await outbox('ticket.ola_warning')).toEqual([]);

    t.clock.set(start + 31 * minute);
    await runEscalationCycle(t.ctx);
    await runEscalationCycle(t.ctx);
    const warnings = await outbox('ticket.ola_warning');
    expect(warnings).toEqual([
      { ticketId, target: 'ola', groupId, dueAt: new Date(start + 60 * minute).toISOString() },
    ]);
    expect(await outbox('ticket.ola_breached')).toEqual([]);

    t.clock.set(start + 61 * minute);
    await runEscalationCycle(t.ctx);
    await runEscalationCycle(t.ctx);
    expect(await outbox('ticket.ola_breached')).toHaveLength(1);
    // The SLA's own events are not raised by the OLA.
    expect(await outbox('ticket.sla_warning')).toEqual([]);
    expect(await outbox('ticket.sla_breached')).toEqual([]);
  });

  it("mails the group's members", async () => {
    await settle();
    const mails = await t.ctx.db
      .selectFrom('mail_deliveries')
      .select(['template', 'to_address', 'text_body'])
      .where('ticket_id', '=', ticketId)
      .where('template', 'in', ['sla_warning', 'sla_breached'])
      .orderBy('template')
      .orderBy('to_address')
      .execute();
    expect(mails.map((m) => [m.template, m.to_address])).toEqual([
      ['sla_breached', 'l2-1@example.test'],
      ['sla_breached', 'l2-2@example.test'],
      ['sla_warning', 'l2-1@example.test'],
      ['sla_warning', 'l2-2@example.test'],
    ]);
    for (const m of mails) expect(m.text_body).toContain('OLA of Infrastructure L2');
  });
});
