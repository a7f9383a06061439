// Who gets mail for which event, on SQLite and PostgreSQL: the fan-out stage writes one delivery per
// recipient in the outbox relay's transaction. Without OPSDESK_SMTP_OUT_URL the rows say "disabled".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, createUser, systemActor } from '../../src/core/auth/index.js';
import { addComment, createTicket } from '../../src/helpdesk/index.js';
import { subscribeMail } from '../../src/mail/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

describe.each(dialects)('outbound fan-out on %s', (dialect) => {
  let t: TestContext;
  const ids: Record<string, number> = {};
  let ticketId: number;

  async function deliveriesFor(template: string): Promise<string[]> {
    await t.ctx.events.dispatchPending();
    const rows = await t.ctx.db
      .selectFrom('mail_deliveries')
      .select(['to_address', 'status', 'last_error'])
      .where('template', '=', template)
      .where('ticket_id', '=', ticketId)
      .orderBy('to_address')
      .execute();
    for (const r of rows) expect(r).toMatchObject({ status: 'disabled' });
    return rows.map((r) => r.to_address);
  }

  beforeAll(async () => {
    t = await makeContext(dialect);
    subscribeMail(t.ctx);
    for (const [key, role] of [
      ['req', 'requester'],
      ['watcher', 'requester'],
      ['tech', 'technician'],
      ['tech2', 'technician'],
      ['boss', 'manager'],
    ] as const) {
      ids[key] = (await createUser(t.ctx, null, { email: `${key}@example.test`, name: key, role })).id;
    }
    ids.group = (await createGroup(t.ctx, null, { name: 'L2', memberIds: [ids.tech2] })).id;
    const tech = { ...systemActor(ids.tech), role: 'technician' as const };
    ticketId = (
      await createTicket(t.ctx, tech, {
        title: 'Server down',
        description: 'x',
        requesterId: ids.req,
        watcherIds: [ids.watcher],
        assigneeId: ids.tech,
      })
    ).id;
  });
  afterAll(async () => t?.close());

  it('acknowledges to the requester; the assignee is told of the assignment', async () => {
    expect(await deliveriesFor('ticket_created')).toEqual(['req@example.test']);
    expect(await deliveriesFor('ticket_assigned')).toEqual([]); // the technician assigned it to themself
  });

  it('a public staff comment mails requester and watchers; an internal note mails nobody', async () => {
    const tech = { ...systemActor(ids.tech), role: 'technician' as const };
    await addComment(t.ctx, tech, ticketId, { body: 'secret', internal: true });
    await addComment(t.ctx, tech, ticketId, { body: 'Rebooting now.' });
    expect(await deliveriesFor('comment_added')).toEqual(['req@example.test', 'watcher@example.test']);
    const bodies = await t.ctx.db.selectFrom('mail_deliveries').select('text_body').execute();
    expect(bodies.some((b) => b.text_body.includes('secret'))).toBe(false);
  });

  it('SLA breaches and escalations mail the assignee, the group and, when asked, managers', async () => {
    await t.ctx.db.transaction().execute((trx) =>
      t.ctx.events.record(trx, [
        {
          type: 'ticket.sla_breached',
          subjectType: 'ticket',
          subjectId: ticketId,
          actorId: null,
          payload: { ticketId, target: 'resolution', dueAt: Date.parse('2026-03-02T12:00:00Z') },
        },
        {
          type: 'ticket.escalated',
          subjectType: 'ticket',
          subjectId: ticketId,
          actorId: null,
          payload: {
            ticketId,
            target: 'resolution',
            level: 2,
            reason: 'resolution overdue',
            toGroupId: ids.group,
            toManager: true,
          },
        },
      ]),
    );
    expect(await deliveriesFor('sla_breached')).toEqual(['tech@example.test']);
    expect(await deliveriesFor('escalated')).toEqual([
      'boss@example.test',
      'tech2@example.test',
      'tech@example.test',
    ]);
    const mail = await t.ctx.db
      .selectFrom('mail_deliveries')
      .selectAll()
      .where('template', '=', 'sla_breached')
      .executeTakeFirstOrThrow();
    expect(mail.text_body).toContain('2026-03-02T12:00:00.000Z');
    expect(mail.subject).toBe(`[#${ticketId}] SLA breached: Server down`);
    expect(mail.last_error).toContain('OPSDESK_SMTP_OUT_URL');
  });

  it('a second dispatch of the same event writes no second delivery', async () => {
    const before = await t.ctx.db.selectFrom('mail_deliveries').select('id').execute();
    await t.ctx.db.updateTable('outbox').set({ dispatched_at: null }).execute();
    await t.ctx.events.dispatchPending();
    const after = await t.ctx.db.selectFrom('mail_deliveries').select('id').execute();
    expect(after.length).toBe(before.length);
  });
});
