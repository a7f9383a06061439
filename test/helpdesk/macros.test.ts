// Canned responses, macros and ticket templates on both databases, through the API: who sees which (own,
// their groups', global), placeholders filled in and refused when unknown, a macro applying state, group,
// tags, a reply and a note at once and recorded in the history, and a macro breaking a rule changing nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('macros and templates on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let manager: Session;
  let tech: Session;
  let otherTech: Session;
  let requester: Session;
  let network: number;
  let desk: number;

  const ok = <T extends { status: number; body: unknown }>(r: T, status = 200): T => {
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    return r;
  };
  const ticket = async (title = 'VPN drops every hour') =>
    ok(await requester.call('POST', '/api/v1/tickets', { title, description: 'Since Monday.' }), 201).body
      .id as number;
  const names = (items: { title?: string; name?: string }[]) => items.map((i) => i.title ?? i.name).sort();

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_PUBLIC_URL: 'https://desk.example.test/' });
    admin = await userSession(t.app, t.ctx, 'admin');
    network = ok(await admin.call('POST', '/api/v1/groups', { name: 'Network' }), 201).body.id;
    desk = ok(await admin.call('POST', '/api/v1/groups', { name: 'Service desk' }), 201).body.id;
    manager = await userSession(t.app, t.ctx, 'manager');
    tech = await userSession(t.app, t.ctx, 'technician', [desk]);
    otherTech = await userSession(t.app, t.ctx, 'technician', [network]);
    requester = await userSession(t.app, t.ctx, 'requester');
    await t.ctx.db
      .updateTable('users')
      .set({ name: 'Ada Lovelace' })
      .where('id', '=', requester.userId)
      .execute();
  });
  afterAll(() => t?.close());

  it('each sees their own, their groups’ and the global items; technicians manage only their own', async () => {
    ok(
      await tech.call('POST', '/api/v1/canned-responses', { title: 'Tech own', body: 'x', scope: 'user' }),
      201,
    );
    ok(
      await otherTech.call('POST', '/api/v1/canned-responses', {
        title: 'Other own',
        body: 'y',
        scope: 'user',
      }),
      201,
    );
    ok(
      await manager.call('POST', '/api/v1/canned-responses', {
        title: 'Desk group',
        body: 'z',
        scope: 'group',
        groupId: desk,
      }),
      201,
    );
    ok(
      await manager.call('POST', '/api/v1/canned-responses', {
        title: 'Network group',
        body: 'z',
        scope: 'group',
        groupId: network,
      }),
      201,
    );
    const global = ok(
      await admin.call('POST', '/api/v1/canned-responses', { title: 'Everyone', body: 'g', scope: 'global' }),
      201,
    ).body;
    expect(names(ok(await tech.call('GET', '/api/v1/canned-responses')).body.items)).toEqual(
      expect.arrayContaining(['Desk group', 'Everyone', 'Tech own']),
    );
    const techSees = names(ok(await tech.call('GET', '/api/v1/canned-responses')).body.items);
    expect(techSees).not.toContain('Other own');
    expect(techSees).not.toContain('Network group');
    // Managers manage every group's; they do not see another person's own.
    const managerSees = names(ok(await manager.call('GET', '/api/v1/canned-responses')).body.items);
    expect(managerSees).toEqual(expect.arrayContaining(['Desk group', 'Network group', 'Everyone']));
    expect(managerSees).not.toContain('Tech own');
    // Requesters: none of it.
    expect((await requester.call('GET', '/api/v1/canned-responses')).status).toBe(403);
    // A technician may not create or change a shared one.
    const shared = await tech.call('POST', '/api/v1/canned-responses', {
      title: 'G',
      body: 'g',
      scope: 'global',
    });
    expect(shared.status).toBe(403);
    expect(
      (await tech.call('PATCH', `/api/v1/canned-responses/${global.id}`, { title: 'Mine now' })).status,
    ).toBe(403);
    const otherOwn = (await otherTech.call('GET', '/api/v1/canned-responses')).body.items.find(
      (i: { title: string }) => i.title === 'Other own',
    );
    expect((await tech.call('DELETE', `/api/v1/canned-responses/${otherOwn.id}`)).status).toBe(404);
    // A group scope needs its group.
    const noGroup = await manager.call('POST', '/api/v1/macros', {
      name: 'x',
      scope: 'group',
      actions: [{ type: 'add_tags', tags: ['x'] }],
    });
    expect(noGroup.status).toBe(400);
  });

  it('fills in placeholders for the ticket and refuses unknown ones when saved', async () => {
    const id = await ticket('Printer on floor 3 jams');
    const article = ok(
      await admin.call('POST', '/api/v1/articles', {
        title: 'Clearing a paper jam',
        body: 'Open tray 2.',
        kind: 'faq',
        audience: 'public',
        status: 'published',
      }),
      201,
    ).body.id;
    const internalArticle = ok(
      await admin.call('POST', '/api/v1/articles', {
        title: 'Printer service codes',
        body: 'Code 7.',
        kind: 'runbook',
        audience: 'internal',
        status: 'published',
      }),
      201,
    ).body.id;
    const response = ok(
      await tech.call('POST', '/api/v1/canned-responses', {
        title: 'Paper jam',
        body: `Hello {{ requester.firstName }}, about #{{ticket.number}} "{{ticket.subject}}": see {{article:${article}}}.{{article:${internalArticle}}} — {{agent.name}}`,
        scope: 'user',
        keywords: 'printer jam',
        shortcut: 'jam',
      }),
      201,
    ).body;
    expect(response.shortcut).toBe('jam');
    const rendered = ok(
      await tech.call('GET', `/api/v1/tickets/${id}/canned-responses/${response.id}/render`),
    );
    const { name: techName } = await t.ctx.db
      .selectFrom('users')
      .select('name')
      .where('id', '=', tech.userId)
      .executeTakeFirstOrThrow();
    // The internal article is left out of a reply the requester reads; an internal note may link it.
    expect(rendered.body.body).toBe(
      `Hello Ada, about #${id} "Printer on floor 3 jams": see Clearing a paper jam (https://desk.example.test/kb/${article}). — ${techName}`,
    );
    const note = ok(
      await tech.call('GET', `/api/v1/tickets/${id}/canned-responses/${response.id}/render?internal=true`),
    );
    expect(note.body.body).toContain(
      `Printer service codes (https://desk.example.test/kb/${internalArticle})`,
    );

    for (const body of [
      'Hi {{requester.password}}',
      'Hi {{ticket.number',
      'See {{article:abc}}',
      '{{constructor}}',
    ]) {
      const r = await tech.call('POST', '/api/v1/canned-responses', { title: 'Bad', body, scope: 'user' });
      expect(r.status, body).toBe(400);
      expect(r.body.code).toBe('invalid_placeholder');
    }
    const badMacro = await tech.call('POST', '/api/v1/macros', {
      name: 'Bad',
      scope: 'user',
      actions: [{ type: 'public_reply', body: 'Hi {{requester.nam}}' }],
    });
    expect(badMacro.status).toBe(400);
    expect(badMacro.body.errors[0].field).toBe('/actions/0/body');
    // Another requester's ticket stays hidden; the requester may not render at all.
    expect(
      (await requester.call('GET', `/api/v1/tickets/${id}/canned-responses/${response.id}/render`)).status,
    ).toBe(403);
  });

  it('a macro applies state, group, tags, a reply and a note at once, recorded in the history', async () => {
    const id = await ticket();
    ok(await tech.call('PATCH', `/api/v1/tickets/${id}`, { tags: ['vpn', 'triage'] }));
    const macro = ok(
      await manager.call('POST', '/api/v1/macros', {
        name: 'Hand to network, wait for logs',
        scope: 'group',
        groupId: desk,
        actions: [
          { type: 'set_group', groupId: network },
          { type: 'set_status', status: 'pending' },
          { type: 'set_priority', priority: 'high' },
          { type: 'add_tags', tags: ['network'] },
          { type: 'remove_tags', tags: ['triage'] },
          { type: 'public_reply', body: 'Hello {{requester.firstName}}, please send the VPN client log.' },
          { type: 'internal_note', body: 'Moved by {{agent.name}} from the desk.' },
        ],
      }),
      201,
    ).body;
    expect(macro.actions[2]).toEqual({ type: 'set_priority', priority: 'high' });
    // The technician in the desk group sees it; the one in network does not.
    expect((await otherTech.call('POST', `/api/v1/tickets/${id}/macros/${macro.id}/apply`)).status).toBe(404);
    expect((await requester.call('POST', `/api/v1/tickets/${id}/macros/${macro.id}/apply`)).status).toBe(403);

    const applied = ok(await tech.call('POST', `/api/v1/tickets/${id}/macros/${macro.id}/apply`)).body;
    expect(applied.ticket).toMatchObject({
      status: 'pending',
      groupId: network,
      priority: 'high',
      tags: ['network', 'vpn'],
    });
    expect(applied.comments.map((c: { internal: boolean; body: string }) => [c.internal, c.body])).toEqual([
      [false, 'Hello Ada, please send the VPN client log.'],
      [true, expect.stringMatching(/^Moved by .+ from the desk\.$/)],
    ]);
    const history = ok(await tech.call('GET', `/api/v1/tickets/${id}/history`)).body.items as {
      field: string;
      to: string | null;
      at: string;
    }[];
    const fields = history.map((h) => h.field);
    expect(history.find((h) => h.field === 'macro')?.to).toBe('Hand to network, wait for logs');
    expect(fields).toEqual(
      expect.arrayContaining(['macro', 'comment', 'internal_note', 'group', 'status', 'tags']),
    );
    // The requester sees the reply and the state, not the macro, the note or the group.
    const theirs = ok(await requester.call('GET', `/api/v1/tickets/${id}/history`)).body.items.map(
      (h: { field: string }) => h.field,
    );
    expect(theirs).toContain('comment');
    expect(theirs).not.toContain('macro');
    expect(theirs).not.toContain('internal_note');
    const comments = ok(await requester.call('GET', `/api/v1/tickets/${id}/comments`)).body.items;
    expect(comments.map((c: { body: string }) => c.body)).toEqual([
      'Hello Ada, please send the VPN client log.',
    ]);
    // Events as for a manual change: one state change, one assignment.
    const events = await t.ctx.db
      .selectFrom('outbox')
      .select('type')
      .where('subject_type', '=', 'ticket')
      .where('subject_id', '=', String(id))
      .execute();
    const types = events.map((e) => e.type);
    expect(types.filter((x) => x === 'ticket.state_changed')).toHaveLength(1);
    expect(types.filter((x) => x === 'ticket.commented')).toHaveLength(2);
    expect(types).toContain('ticket.assigned');
  });

  it('a macro that breaks a rule fails as a whole: nothing applied', async () => {
    const id = await ticket();
    const macro = ok(
      await tech.call('POST', '/api/v1/macros', {
        name: 'Close straight away',
        scope: 'user',
        actions: [
          { type: 'internal_note', body: 'Closing.' },
          { type: 'add_tags', tags: ['done'] },
          { type: 'assign', assignee: 'me' },
          // A new ticket cannot be closed directly.
          { type: 'set_status', status: 'closed' },
        ],
      }),
      201,
    ).body;
    const before = ok(await tech.call('GET', `/api/v1/tickets/${id}/history`)).body.items.length;
    const r = await tech.call('POST', `/api/v1/tickets/${id}/macros/${macro.id}/apply`);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('transition_not_allowed');
    const after = ok(await tech.call('GET', `/api/v1/tickets/${id}`)).body;
    expect(after).toMatchObject({ status: 'new', tags: [], assigneeId: null });
    expect(ok(await tech.call('GET', `/api/v1/tickets/${id}/comments`)).body.items).toEqual([]);
    expect(ok(await tech.call('GET', `/api/v1/tickets/${id}/history`)).body.items).toHaveLength(before);
  });

  it('applies a macro to several tickets through the bulk route, each on its own', async () => {
    const a = await ticket('First');
    const b = await ticket('Second');
    ok(await tech.call('PATCH', `/api/v1/tickets/${b}`, { groupId: desk, status: 'resolved' }));
    ok(await admin.call('PATCH', `/api/v1/tickets/${b}`, { status: 'closed' }));
    const macro = ok(
      await tech.call('POST', '/api/v1/macros', {
        name: 'Take it',
        scope: 'user',
        actions: [
          { type: 'assign', assignee: 'me' },
          { type: 'set_status', status: 'in_progress' },
        ],
      }),
      201,
    ).body;
    const r = ok(await tech.call('POST', '/api/v1/tickets/bulk', { ids: [a, b], macroId: macro.id })).body;
    expect(r.results.map((x: { ok: boolean; error?: { code: string } }) => x.ok || x.error?.code)).toEqual([
      true,
      'ticket_closed',
    ]);
    expect(r.results[0].ticket).toMatchObject({ status: 'in_progress', assigneeId: tech.userId });
    const both = await tech.call('POST', '/api/v1/tickets/bulk', {
      ids: [a],
      macroId: macro.id,
      changes: { tags: ['x'] },
    });
    expect(both.status).toBe(400);
  });

  it('ticket templates keep the defaults of a ticket filed for someone', async () => {
    const category = ok(await admin.call('POST', '/api/v1/categories', { name: `Access ${dialect}` }), 201)
      .body.id;
    const template = ok(
      await tech.call('POST', '/api/v1/ticket-templates', {
        name: 'New starter laptop',
        scope: 'user',
        defaults: {
          subject: 'Laptop for a new starter',
          body: 'Name:\nStart date:\n',
          type: 'request',
          categoryId: category,
          impact: 'low',
          urgency: 'medium',
          groupId: desk,
          tags: ['Onboarding'],
        },
      }),
      201,
    ).body;
    expect(template.defaults).toEqual({
      subject: 'Laptop for a new starter',
      body: 'Name:\nStart date:\n',
      type: 'request',
      categoryId: category,
      impact: 'low',
      urgency: 'medium',
      groupId: desk,
      tags: ['onboarding'],
    });
    const changed = ok(
      await tech.call('PATCH', `/api/v1/ticket-templates/${template.id}`, { defaults: { urgency: 'high' } }),
    ).body;
    expect(changed.defaults).toMatchObject({ urgency: 'high', impact: 'low' });
    expect(names(ok(await tech.call('GET', '/api/v1/ticket-templates')).body.items)).toContain(
      'New starter laptop',
    );
    expect(names(ok(await otherTech.call('GET', '/api/v1/ticket-templates')).body.items)).not.toContain(
      'New starter laptop',
    );
    ok(await tech.call('DELETE', `/api/v1/ticket-templates/${template.id}`), 204);
    expect((await tech.call('PATCH', `/api/v1/ticket-templates/${template.id}`, { name: 'x' })).status).toBe(
      404,
    );
  });
});
