// Automation rules on both databases, through the API, on a fake clock: a rule on the requester's attributes
// sets fields on new tickets and says so in the history; rules run in order and "stop processing" ends the
// pass; a rule that triggers itself fires once (loop protection) and a redelivered event fires nothing twice;
// conditions on custom fields, the requester's department, domain and groups; replies from templates; quiet
// periods fire once per period; SLA warnings trigger rules and the SLA escalations show in the rule log; the
// dry run lists the existing tickets a rule matches; webhooks get the firing through the delivery pipeline.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../../src/core/auth/index.js';
import { runIdleRules, subscribeAutomation } from '../../src/helpdesk/index.js';
import { runEscalationCycle, subscribeSla } from '../../src/sla/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('automation rules on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let manager: Session;
  let tech: Session;
  let vip: Session;
  let plain: Session;
  let desk: number;
  let finance: number;

  const ok = <T extends { status: number; body: unknown }>(r: T, status = 200): T => {
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    return r;
  };
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await t.ctx.events.idle();
      if ((await t.ctx.events.dispatchPending()) === 0) break;
    }
  };
  const file = async (who: Session, title: string, extra: object = {}) =>
    ok(await who.call('POST', '/api/v1/tickets', { title, description: 'Please help.', ...extra }), 201).body
      .id as number;
  const ticket = async (id: number) => ok(await admin.call('GET', `/api/v1/tickets/${id}`)).body;
  const history = async (id: number) =>
    (
      ok(await admin.call('GET', `/api/v1/tickets/${id}/history`)).body.items as {
        field: string;
        to: string;
      }[]
    )
      .filter((h) => h.field === 'automation')
      .map((h) => h.to);
  const rule = async (body: object) =>
    ok(await manager.call('POST', '/api/v1/automation/rules', body), 201).body;
  const deactivateAll = async () => {
    for (const r of ok(await manager.call('GET', '/api/v1/automation/rules')).body.items)
      ok(await manager.call('PUT', `/api/v1/automation/rules/${r.id}`, { ...pick(r), active: false }));
  };
  const pick = (r: Record<string, unknown>) => ({
    name: r.name,
    trigger: r.trigger,
    idleMinutes: r.idleMinutes,
    conditions: r.conditions,
    actions: r.actions,
    active: r.active,
    stopProcessing: r.stopProcessing,
  });

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_SESSION_TTL_HOURS: String(24 * 60) });
    subscribeSla(t.ctx);
    subscribeAutomation(t.ctx);
    admin = await userSession(t.app, t.ctx, 'admin');
    desk = (await createGroup(t.ctx, null, { name: 'Service desk' })).id;
    finance = (await createGroup(t.ctx, null, { name: 'Finance staff' })).id;
    manager = await userSession(t.app, t.ctx, 'manager');
    tech = await userSession(t.app, t.ctx, 'technician', [desk]);
    vip = await userSession(t.app, t.ctx, 'requester', [finance]);
    plain = await userSession(t.app, t.ctx, 'requester');
    ok(await admin.call('PATCH', `/api/v1/users/${vip.userId}`, { vip: true, department: 'Finance' }));
    const u = ok(await admin.call('GET', `/api/v1/users/${vip.userId}`)).body;
    expect(u).toMatchObject({ vip: true, department: 'Finance' });
  });
  afterAll(() => t?.close());

  it("a rule on the requester's attributes sets fields on a new ticket and the history names it", async () => {
    const r = await rule({
      name: 'VIP requests',
      trigger: 'created',
      conditions: { all: [{ field: 'requester.vip', op: 'is', value: true }], any: [] },
      actions: [
        { type: 'set_priority', priority: 'high' },
        { type: 'add_tags', tags: ['vip'] },
      ],
    });
    expect(r).toMatchObject({ position: 1, active: true, stopProcessing: false, actorId: manager.userId });
    const fromVip = await file(vip, 'Printer jammed');
    const fromPlain = await file(plain, 'Printer jammed too');
    await settle();
    expect(await ticket(fromVip)).toMatchObject({ priority: 'high', tags: ['vip'] });
    expect(await ticket(fromPlain)).toMatchObject({ priority: 'medium', tags: [] });
    expect(await history(fromVip)).toEqual(["rule 'VIP requests' set priority high; added tags vip"]);
    expect(await history(fromPlain)).toEqual([]);
    const log = ok(await manager.call('GET', `/api/v1/automation/log?ruleId=${r.id}`)).body.items;
    expect(log).toEqual([
      expect.objectContaining({
        source: 'rule',
        rule: 'VIP requests',
        ticketId: fromVip,
        trigger: 'created',
        error: null,
      }),
    ]);
    // The requester does not see the internal automation entry.
    const theirs = ok(await vip.call('GET', `/api/v1/tickets/${fromVip}/history`)).body.items;
    expect(theirs.map((h: { field: string }) => h.field)).not.toContain('automation');
    await deactivateAll();
  });

  it('rules run in order and "stop processing" ends the pass; reordering changes which fires', async () => {
    const first = await rule({
      name: 'Printers to the desk',
      trigger: 'created',
      conditions: { all: [{ field: 'ticket.title', op: 'contains', value: 'PRINTER' }], any: [] },
      actions: [
        { type: 'set_group', groupId: desk },
        { type: 'add_tags', tags: ['printer'] },
      ],
      stopProcessing: true,
    });
    const second = await rule({
      name: 'Everything tagged',
      trigger: 'created',
      actions: [{ type: 'add_tags', tags: ['seen'] }],
    });
    const a = await file(plain, 'Printer on floor 3');
    await settle();
    expect(await ticket(a)).toMatchObject({ groupId: desk, tags: ['printer'] });
    const ids = ok(await manager.call('GET', '/api/v1/automation/rules')).body.items.map(
      (x: { id: number }) => x.id,
    );
    const reordered = ids.filter((id: number) => id !== second.id && id !== first.id);
    ok(
      await manager.call('POST', '/api/v1/automation/rules/order', {
        ids: [...reordered, second.id, first.id],
      }),
    );
    const b = await file(plain, 'Printer on floor 4');
    await settle();
    expect((await ticket(b)).tags).toEqual(['printer', 'seen']);
    expect(await history(b)).toEqual([
      "rule 'Everything tagged' added tags seen",
      "rule 'Printers to the desk' set group " + desk + '; added tags printer',
    ]);
    const bad = await manager.call('POST', '/api/v1/automation/rules/order', { ids: [first.id] });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_automation_rule');
    await deactivateAll();
  });

  it('a rule that triggers itself stops after one pass, and a redelivered event fires nothing twice', async () => {
    const r = await rule({
      name: 'Echo',
      trigger: 'updated',
      actions: [
        { type: 'add_tags', tags: ['touched'] },
        {
          type: 'reply',
          internal: true,
          body: 'Seen by automation for {{requester.name}} ({{ticket.priority}}).',
        },
      ],
    });
    const id = await file(plain, 'Loop me');
    await settle();
    ok(await tech.call('PATCH', `/api/v1/tickets/${id}`, { priority: 'low' }));
    await settle();
    await settle();
    const fired = ok(await manager.call('GET', `/api/v1/automation/log?ruleId=${r.id}`)).body.items;
    expect(fired).toHaveLength(1);
    expect((await ticket(id)).tags).toEqual(['touched']);
    const notes = ok(await admin.call('GET', `/api/v1/tickets/${id}/comments`)).body.items;
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ internal: true, authorId: manager.userId });
    expect(notes[0].body).toMatch(/^Seen by automation for requester \d+ \(low\)\.$/);
    // Redeliver every event of the ticket to the engine: the unique (rule, event) firing keeps it once.
    const outbox = await t.ctx.db
      .selectFrom('outbox')
      .select('id')
      .where('subject_id', '=', String(id))
      .where('type', '=', 'ticket.updated')
      .execute();
    await t.ctx.db
      .updateTable('outbox')
      .set({ dispatched_at: null })
      .where(
        'id',
        'in',
        outbox.map((o) => o.id),
      )
      .execute();
    await settle();
    expect(ok(await manager.call('GET', `/api/v1/automation/log?ruleId=${r.id}`)).body.items).toHaveLength(1);
    await deactivateAll();
  });

  it("conditions read custom fields and the requester's department, email domain and groups", async () => {
    ok(
      await admin.call('POST', '/api/v1/custom-fields', {
        key: 'site',
        label: 'Site',
        type: 'choice',
        options: ['Berlin', 'Paris'],
      }),
      201,
    );
    await rule({
      name: 'Finance in Berlin',
      trigger: 'updated',
      conditions: {
        all: [
          { field: 'event.changed', op: 'set' },
          { field: 'field.site', op: 'is', value: 'berlin' },
          { field: 'requester.department', op: 'in', value: ['Finance', 'Legal'] },
          { field: 'requester.domain', op: 'is', value: 'example.test' },
          { field: 'requester.groupIds', op: 'is', value: finance },
        ],
        any: [],
      },
      actions: [{ type: 'assign', assigneeId: tech.userId }],
    });
    const yes = await file(vip, 'Expense tool');
    const no = await file(vip, 'Expense tool');
    const noDept = await file(plain, 'Expense tool');
    // Technicians fill in the site; the rule fires on that update.
    for (const [id, site] of [
      [yes, 'Berlin'],
      [no, 'Paris'],
      [noDept, 'Berlin'],
    ] as const)
      ok(await tech.call('PATCH', `/api/v1/tickets/${id}`, { fields: { site } }));
    await settle();
    expect(await ticket(yes)).toMatchObject({ assigneeId: tech.userId, status: 'assigned' });
    expect((await ticket(no)).assigneeId).toBeNull();
    expect((await ticket(noDept)).assigneeId).toBeNull();

    const dry = ok(
      await manager.call('POST', '/api/v1/automation/dry-run?limit=2', {
        name: 'try',
        trigger: 'created',
        conditions: { all: [{ field: 'ticket.title', op: 'is', value: 'expense tool' }], any: [] },
        actions: [{ type: 'add_tags', tags: ['x'] }],
      }),
    ).body;
    expect(dry.items.map((i: { id: number }) => i.id)).toEqual([noDept, no]);
    expect(dry.nextCursor).not.toBeNull();
    const more = ok(
      await manager.call('POST', `/api/v1/automation/dry-run?limit=2&cursor=${dry.nextCursor}`, {
        name: 'try',
        trigger: 'created',
        conditions: { all: [{ field: 'ticket.title', op: 'is', value: 'expense tool' }], any: [] },
        actions: [{ type: 'add_tags', tags: ['x'] }],
      }),
    ).body;
    expect(more.items.map((i: { id: number }) => i.id)).toEqual([yes]);
    expect(more.nextCursor).toBeNull();
    await deactivateAll();
  });

  it('a refused action changes nothing and is kept as the firing’s error', async () => {
    const r = await rule({
      name: 'Close at once',
      trigger: 'created',
      actions: [
        { type: 'add_tags', tags: ['never'] },
        { type: 'set_status', status: 'closed' },
      ],
    });
    const id = await file(plain, 'Cannot close new');
    await settle();
    expect((await ticket(id)).tags).toEqual([]);
    const [entry] = ok(await manager.call('GET', `/api/v1/automation/log?ruleId=${r.id}`)).body.items;
    expect(entry.error).toMatch(/^transition_not_allowed/);
    expect((await history(id))[0]).toMatch(/^rule 'Close at once' did nothing \(transition_not_allowed/);
    await deactivateAll();
  });

  it('a quiet-period rule fires once per period on the fake clock', async () => {
    const r = await rule({
      name: 'Nudge after an hour',
      trigger: 'idle',
      idleMinutes: 60,
      conditions: { all: [{ field: 'ticket.status', op: 'in', value: ['new', 'assigned'] }], any: [] },
      actions: [{ type: 'add_tags', tags: ['stale'] }],
    });
    const id = await file(plain, 'Quiet one');
    await settle();
    t.clock.advance(59 * 60_000);
    await runIdleRules(t.ctx);
    expect((await ticket(id)).tags).toEqual([]);
    t.clock.advance(2 * 60_000);
    await runIdleRules(t.ctx);
    await runIdleRules(t.ctx);
    await settle();
    expect((await ticket(id)).tags).toEqual(['stale']);
    const mine = () =>
      manager
        .call('GET', `/api/v1/automation/log?ruleId=${r.id}&ticketId=${id}`)
        .then((x) => x.body.items as unknown[]);
    expect(await mine()).toHaveLength(1);
    // The rule's own change started a new quiet period: another hour later it fires once more.
    t.clock.advance(30 * 60_000);
    await runIdleRules(t.ctx);
    expect(await mine()).toHaveLength(1);
    t.clock.advance(31 * 60_000);
    await runIdleRules(t.ctx);
    await runIdleRules(t.ctx);
    expect(await mine()).toHaveLength(2);
    await deactivateAll();
  });

  it('an SLA warning triggers a rule, and the SLA escalations show in the same rule log', async () => {
    const cal = ok(
      await admin.call('POST', '/api/v1/sla/calendars', {
        name: 'Always',
        timeZone: 'UTC',
        alwaysOpen: true,
      }),
      201,
    ).body;
    ok(
      await admin.call('POST', '/api/v1/sla/policies', {
        name: 'Fast',
        conditions: { priorities: [5] },
        targets: { resolution: { minutes: 60, calendarId: cal.id, warnPercent: 50 } },
        levels: [
          { level: 1, target: 'resolution', offsetMinutes: 0, actions: [{ type: 'notify', who: 'manager' }] },
        ],
      }),
      201,
    );
    const r = await rule({
      name: 'At risk',
      trigger: 'sla_warning',
      conditions: { all: [{ field: 'sla.target', op: 'is', value: 'resolution' }], any: [] },
      actions: [{ type: 'add_tags', tags: ['at-risk'] }],
    });
    const id = await file(tech, 'Payroll down', { impact: 'very_high', urgency: 'very_high' });
    await settle();
    t.clock.advance(31 * 60_000);
    await runEscalationCycle(t.ctx);
    await settle();
    expect((await ticket(id)).tags).toEqual(['at-risk']);
    t.clock.advance(30 * 60_000);
    await runEscalationCycle(t.ctx);
    await settle();
    const log = ok(await manager.call('GET', `/api/v1/automation/log?ticketId=${id}`)).body.items;
    expect(log.map((e: { source: string; rule: string }) => [e.source, e.rule])).toEqual([
      ['sla', 'SLA escalation level 1'],
      ['rule', 'At risk'],
    ]);
    expect(ok(await manager.call('GET', `/api/v1/automation/log?ruleId=${r.id}`)).body.items).toHaveLength(1);
    // The whole log pages through both sources without repeats.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { source: string; id: number }[]; nextCursor: string | null } = ok(
        await manager.call('GET', `/api/v1/automation/log?limit=2${cursor ? `&cursor=${cursor}` : ''}`),
      ).body;
      for (const e of page.items) seen.push(`${e.source}:${e.id}`);
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain(`sla:${log[0].id}`);
    expect(seen.length).toBe(
      ok(await manager.call('GET', '/api/v1/automation/log?limit=200')).body.items.length,
    );
    await deactivateAll();
  });

  it('a webhook action hands the firing to the delivery pipeline; mail notifications are queued', async () => {
    const hook = ok(
      await admin.call('POST', '/api/v1/webhooks', {
        url: 'https://hooks.example.com/opsdesk',
        events: ['ticket.sla_breached'],
        secret: 'a-long-enough-secret-for-signing',
      }),
      201,
    ).body;
    await rule({
      name: 'Tell the chat',
      trigger: 'created',
      conditions: { all: [{ field: 'ticket.title', op: 'starts_with', value: 'outage' }], any: [] },
      actions: [
        { type: 'webhook', webhookId: hook.id },
        { type: 'notify', to: 'group', subject: 'Outage: {{ticket.subject}}', body: 'See {{ticket.url}}' },
        { type: 'set_group', groupId: desk },
      ],
    });
    const id = await file(plain, 'Outage in building B');
    await settle();
    const deliveries = await t.ctx.db
      .selectFrom('deliveries')
      .select(['channel', 'endpoint_id', 'kind', 'target', 'user_id'])
      .where('ticket_id', '=', id)
      .where('kind', 'in', ['ticket.rule_fired', 'automation'])
      .orderBy('channel')
      .execute();
    expect(deliveries).toEqual([
      expect.objectContaining({ channel: 'mail', kind: 'automation', user_id: tech.userId }),
      expect.objectContaining({ channel: 'webhook', endpoint_id: hook.id, kind: 'ticket.rule_fired' }),
    ]);
    await deactivateAll();
  });

  it('refuses unknown fields, operators, references and templates; only managers and admins keep rules', async () => {
    const base = { name: 'x', trigger: 'created', actions: [{ type: 'add_tags', tags: ['a'] }] };
    for (const body of [
      { ...base, conditions: { all: [{ field: 'ticket.nope', op: 'is', value: 1 }], any: [] } },
      { ...base, conditions: { all: [{ field: 'ticket.priority', op: 'is', value: 'urgentest' }], any: [] } },
      { ...base, conditions: { all: [{ field: 'field.missing', op: 'set' }], any: [] } },
      { ...base, actions: [{ type: 'set_group', groupId: 999_999 }] },
      { ...base, actions: [{ type: 'reply', internal: false, body: 'Hi {{requester.shoeSize}}' }] },
      { ...base, trigger: 'idle' },
    ]) {
      const r = await manager.call('POST', '/api/v1/automation/rules', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.code).toBe('invalid_automation_rule');
    }
    expect((await tech.call('POST', '/api/v1/automation/rules', base)).status).toBe(403);
    expect((await tech.call('GET', '/api/v1/automation/log')).status).toBe(403);
    expect((await manager.call('GET', '/api/v1/automation/rules/999999')).status).toBe(404);
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'automation_rule.%')
      .execute();
    expect(new Set(audit.map((a) => a.action))).toEqual(
      new Set(['automation_rule.create', 'automation_rule.update', 'automation_rule.order']),
    );
  });
});
