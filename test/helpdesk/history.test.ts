// A ticket's history as its requester sees it: the server gives them only public entries (state changes,
// public replies, files) — never escalation reasons, a manager's notes, internal notes, assignee or group
// ids, or tags. Staff see every entry with its visibility. On both dialects.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../../src/core/auth/index.js';
import * as historyVisibility from '../../src/core/db/migrations/2026-11-29-history-visibility.js';
import { dialects, makeApp, makeContext, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

interface Entry {
  field: string;
  from: string | null;
  to: string | null;
  visibility: 'public' | 'internal';
}

describe.each(dialects)('ticket history visibility on %s', (dialect) => {
  let t: TestApp;
  let requester: Session;
  let tech: Session;
  let manager: Session;
  let ticketId: number;
  const secrets = ['printer vendor contract lapsed', 'budget owner must sign', 'fuser is toast'];

  beforeAll(async () => {
    t = await makeApp(dialect);
    const l1 = await createGroup(t.ctx, null, { name: 'Service Desk L1' });
    const l2 = await createGroup(t.ctx, null, { name: 'Hardware L2' });
    requester = await userSession(t.app, t.ctx, 'requester');
    tech = await userSession(t.app, t.ctx, 'technician', [l1.id]);
    manager = await userSession(t.app, t.ctx, 'manager');
    const filed = await requester.call('POST', '/api/v1/tickets', {
      title: 'Printer jams',
      description: 'x',
    });
    ticketId = filed.body.id;
    const url = `/api/v1/tickets/${ticketId}`;
    expect(
      (await tech.call('PATCH', url, { assigneeId: tech.userId, groupId: l1.id, tags: ['hw'] })).status,
    ).toBe(200);
    expect((await tech.call('PATCH', url, { status: 'in_progress' })).status).toBe(200);
    expect((await tech.call('POST', `${url}/comments`, { body: secrets[2], internal: true })).status).toBe(
      201,
    );
    expect((await tech.call('POST', `${url}/comments`, { body: 'On it.' })).status).toBe(201);
    const esc = await tech.call('POST', `${url}/escalations`, { reason: secrets[0], to: 'manager' });
    expect(esc.status).toBe(201);
    const handed = await manager.call('POST', `/api/v1/sla/escalations/${esc.body.id}/hand-on`, {
      groupId: l2.id,
      note: secrets[1],
    });
    expect(handed.status).toBe(200);
  });

  afterAll(async () => {
    await t?.close();
  });

  it("a requester's history has no internal entry and no internal text", async () => {
    const res = await requester.call('GET', `/api/v1/tickets/${ticketId}/history`);
    expect(res.status).toBe(200);
    const items = res.body.items as Entry[];
    // The hand-on put the ticket back to 'assigned': a state change, which the requester sees.
    expect(items.map((e) => `${e.field}:${e.to}`)).toEqual([
      'created:new',
      'status:assigned',
      'status:in_progress',
      expect.stringMatching(/^comment:\d+$/),
      'status:assigned',
    ]);
    expect(items.every((e) => e.visibility === 'public')).toBe(true);
    const text = JSON.stringify(res.body);
    for (const s of secrets) expect(text).not.toContain(s);
    for (const kind of ['escalation', 'internal_note', 'assignee', 'group', 'tags'])
      expect(items.some((e) => e.field === kind)).toBe(false);
  });

  it('staff see every entry, each marked public or internal', async () => {
    const res = await tech.call('GET', `/api/v1/tickets/${ticketId}/history`);
    const items = res.body.items as Entry[];
    const byKind = (field: string) => items.filter((e) => e.field === field);
    expect(byKind('escalation').map((e) => e.visibility)).toEqual(['internal', 'internal']);
    expect(byKind('escalation').map((e) => e.to)).toEqual([
      expect.stringContaining(secrets[0]),
      expect.stringContaining(secrets[1]),
    ]);
    expect(byKind('internal_note')[0].visibility).toBe('internal');
    expect(byKind('group').every((e) => e.visibility === 'internal')).toBe(true);
    expect(byKind('assignee').every((e) => e.visibility === 'internal')).toBe(true);
    expect(byKind('comment')[0].visibility).toBe('public');
  });

  it('the migration classifies the entries written before it: only what requesters may see is public', async () => {
    const c = await makeContext(dialect);
    try {
      // Back to the schema before the migration, with entries as the old code wrote them.
      const db = c.ctx.db as unknown as Kysely<any>;
      await historyVisibility.down(db);
      const user = await db
        .insertInto('users')
        .values({
          email: 'old@example.test',
          name: 'Old',
          role: 'technician',
          active: 1,
          created_at: 0,
          updated_at: 0,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const ticket = await db
        .insertInto('tickets')
        .values({
          title: 'Old',
          description: '',
          type: 'request',
          status: 'new',
          impact: 3,
          urgency: 3,
          priority: 3,
          requester_id: user.id,
          created_by: user.id,
          created_at: 0,
          updated_at: 0,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const old: Array<[string, number | null]> = [
        ['created', user.id],
        ['status', user.id],
        ['comment', user.id],
        ['internal_note', user.id],
        ['assignee', user.id],
        ['group', null],
        ['escalation', null],
        ['sla', null],
        ['priority', null],
        ['priority', user.id],
        ['tags', user.id],
      ];
      await db
        .insertInto('ticket_history')
        .values(
          old.map(([field, actor], i) => ({
            ticket_id: ticket.id,
            actor_id: actor,
            at: i,
            field,
            from_value: null,
            to_value: 'x',
          })),
        )
        .execute();
      await historyVisibility.up(db);
      const rows = await db
        .selectFrom('ticket_history')
        .select(['field', 'visibility'])
        .where('ticket_id', '=', ticket.id)
        .orderBy('id')
        .execute();
      expect(rows.map((r) => `${r.field}:${r.visibility}`)).toEqual([
        'created:public',
        'status:public',
        'comment:public',
        'internal_note:internal',
        'assignee:internal',
        'group:internal',
        'escalation:internal',
        'sla:internal',
        'priority:internal',
        'priority:public',
        'tags:internal',
      ]);
    } finally {
      await c.close();
    }
  });
});
