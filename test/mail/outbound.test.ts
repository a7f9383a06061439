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
          payload: { ticketId, target: 'resolution', dueAt: '2026-03-02T12:00:00.000Z' },
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
    // The due time in the recipient's language and zone (no zone set: UTC), never a raw timestamp.
    expect(mail.text_body).toMatch(/was due at Mar 2, 2026, 12:00\sPM \(UTC\) and is breached/);
    expect(mail.subject).toBe(`[#${ticketId}] SLA breached: Server down`);
    expect(mail.last_error).toContain('OPSDESK_SMTP_OUT_URL');
    // Both events went out in one relay pass; the escalation's mails still answer the breach's.
    const escalated = await t.ctx.db
      .selectFrom('mail_deliveries')
      .select(['in_reply_to', 'references'])
      .where('template', '=', 'escalated')
      .execute();
    for (const e of escalated) {
      expect(e.in_reply_to).toBe(`<${mail.message_id}>`);
      expect(e.references?.split(' ')).toContain(`<${mail.message_id}>`);
    }
  });

  it("one relay pass fans out many tickets' mail, each to its own requester", async () => {
    const people: Array<{ id: number; email: string; name: string }> = [];
    for (let i = 0; i < 30; i++) {
      const email = `bulk${i}@example.test`;
      people.push({
        ...(await createUser(t.ctx, null, { email, name: `Bulk ${i}`, role: 'requester' })),
        email,
      });
    }
    const filed = new Map<number, (typeof people)[number]>();
    for (const p of people) {
      const actor = { ...systemActor(p.id), role: 'requester' as const };
      filed.set((await createTicket(t.ctx, actor, { title: `Bulk ${p.id}`, description: 'x' })).id, p);
    }
    await t.ctx.events.dispatchPending();
    const rows = await t.ctx.db
      .selectFrom('mail_deliveries')
      .select(['ticket_id', 'to_address', 'user_id', 'text_body', 'subject', 'in_reply_to'])
      .where('template', '=', 'ticket_created')
      .where('ticket_id', 'in', [...filed.keys()])
      .execute();
    expect(rows).toHaveLength(30);
    for (const r of rows) {
      const p = filed.get(r.ticket_id as number);
      expect(r.to_address).toBe(p?.email);
      expect(r.user_id).toBe(p?.id);
      expect(r.text_body).toContain(`Hello ${p?.name},`);
      expect(r.text_body).toContain(`"Bulk ${p?.id}"`);
      expect(r.subject).toContain(`[#${r.ticket_id}]`);
      expect(r.in_reply_to).toBe(`<opsdesk.ticket.${r.ticket_id}@${t.ctx.config.mailDomain}>`);
    }
    const messages = await t.ctx.db
      .selectFrom('mail_messages')
      .select(['ticket_id'])
      .where('ticket_id', 'in', [...filed.keys()])
      .where('direction', '=', 'out')
      .execute();
    expect(messages).toHaveLength(30);
  });

  it('a second dispatch of the same event writes no second delivery', async () => {
    const before = await t.ctx.db.selectFrom('mail_deliveries').select('id').execute();
    await t.ctx.db.updateTable('outbox').set({ dispatched_at: null }).execute();
    await t.ctx.events.dispatchPending();
    const after = await t.ctx.db.selectFrom('mail_deliveries').select('id').execute();
    expect(after.length).toBe(before.length);
  });
});
