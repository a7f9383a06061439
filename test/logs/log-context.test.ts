// Log context on tickets and incidents, on both dialects with a fake clock: the hosts a ticket concerns (named in
// its text, shown by its category's status-page components, its linked incidents) and an incident's (its alert
// labels: host, instance without the port, target → name and address); their patterns in the window around it,
// with the sentence measured from the first user report; other hosts' patterns left out; staff only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, actorForUser, createUser } from '../../src/core/auth/index.js';
import { createCategory, createTicket } from '../../src/helpdesk/index.js';
import { createService } from '../../src/incidents/index.js';
import { logContextForIncident, logContextForTicket } from '../../src/logs/index.js';
import { contextSentence, hostOfInstance, incidentAlertLabels } from '../../src/logs/log-context.js';
import {
  createStatusPage,
  createTarget,
  listAlertGroups,
  receiveAlerts,
  runAlertPipeline,
} from '../../src/monitoring/index.js';
import { createEscalationPolicy } from '../../src/oncall/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';
import { writePatternRecords } from './support/pattern-minutes.js';

const second = 1000;
const minute = 60_000;

describe('the context sentence', () => {
  const report = { at: Date.parse('2026-03-02T10:00:30Z'), kind: 'first_report' as const };
  const m = (iso: string) => Date.parse(iso);
  it('counts whole minutes from the pattern’s first minute to the report’s', () => {
    expect(
      contextSentence({ errors: 2, firstMinute: m('2026-03-02T09:56:00Z'), ongoingBefore: false }, report),
    ).toEqual({
      sentence: 'This error began 4 minutes before the first user report.',
      minutesBefore: 4,
    });
    expect(
      contextSentence({ errors: 0, firstMinute: m('2026-03-02T09:59:00Z'), ongoingBefore: false }, report)
        .sentence,
    ).toBe('This pattern began 1 minute before the first user report.');
    expect(
      contextSentence({ errors: 1, firstMinute: m('2026-03-02T10:00:00Z'), ongoingBefore: false }, report)
        .sentence,
    ).toBe('This error began in the same minute as the first user report.');
    expect(
      contextSentence({ errors: 1, firstMinute: m('2026-03-02T11:05:00Z'), ongoingBefore: false }, report)
        .sentence,
    ).toBe('This error began 1 hour 5 minutes after the first user report.');
    expect(
      contextSentence(
        { errors: 1, firstMinute: m('2026-03-02T09:00:00Z'), ongoingBefore: true },
        { at: report.at, kind: 'incident_start' },
      ).sentence,
    ).toBe('This error was already logged 1 hour before the incident opened, and earlier.');
  });

  it('reads host, instance and target from monitoring’s alert lines and group labels', () => {
    const labels = incidentAlertLabels({ groupLabels: { alertname: 'Down', target: 'web-1' } }, [
      { kind: 'triggered', detail: 'host="not-this"' },
      {
        kind: 'alert_firing',
        detail:
          'HostDown {host="db \\"2\\"", instance="10.0.0.9:9100", job="node"} firing since 2026-03-02T10:00:00.000Z — instance="x:1" is down',
      },
    ]);
    expect(labels).toEqual({ host: ['db "2"'], instance: ['10.0.0.9:9100'], target: ['web-1'] });
    expect(hostOfInstance('10.0.0.9:9100')).toBe('10.0.0.9');
    expect(hostOfInstance('[2001:db8::1]:9100')).toBe('2001:db8::1');
    expect(hostOfInstance('web-1')).toBe('web-1');
  });
});

describe.each(dialects)('log context on %s', (dialect) => {
  let t: TestContext;
  let admin: Actor;
  let tech: Actor;
  let requester: Actor;
  let t0: number;
  let ticketCategory: number;

  beforeAll(async () => {
    t = await makeContext(dialect);
    t0 = t.clock.now();
    const user = async (role: 'admin' | 'technician' | 'requester', name: string) =>
      actorForUser(
        await createUser(t.ctx, null, {
          email: `${name}-${dialect}@example.test`,
          name,
          role,
          password: 'correct horse battery',
        }),
      );
    admin = await user('admin', 'ada');
    tech = await user('technician', 'tom');
    requester = await user('requester', 'rita');
    const policy = await createEscalationPolicy(t.ctx, admin, {
      name: 'Ops',
      steps: [{ targets: [{ kind: 'user', id: tech.id }], delayMinutes: 10 }],
      repeatCount: 1,
    });
    const service = await createService(t.ctx, admin, { name: 'Shop', escalationPolicyId: policy.id });
    const web = await createTarget(t.ctx, admin, {
      name: 'web-1',
      kind: 'host',
      address: '10.0.0.1',
      serviceId: service.id,
    });
    const db = await createTarget(t.ctx, admin, { name: 'shop-db', kind: 'host', address: 'db.shop.lan' });
    const category = await createCategory(t.ctx, admin, { name: 'Web shop' });
    await createStatusPage(t.ctx, admin, {
      slug: 'shop',
      title: 'Shop',
      audience: 'public',
      components: [
        { targetId: db.id, displayName: 'Database', categoryId: category.id },
        { targetId: web.id, displayName: 'Web' },
      ],
    });

    // An hour of logs: web-1 fails to reach its database from 10:56, the database deadlocks from 10:50, and an
    // unrelated host logs errors the whole time.
    const at = (hhmm: string) => Date.parse(`2026-03-02T${hhmm}:10Z`);
    const batch = [];
    for (let i = 0; i < 60; i++) {
      const time = t0 + 60 * minute + i * minute + 10 * second; // 10:00 … 10:59
      batch.push({ templateId: 'req', template: 'GET <*> 200', time, host: 'web-1', severity: 6, count: 20 });
      batch.push({ templateId: 'smtp', template: 'relay <*> refused', time, host: 'mail-1', severity: 3 });
    }
    for (const hhmm of ['10:56', '10:57', '10:58'])
      batch.push({
        templateId: 'conn',
        template: 'cannot connect to <*>',
        time: at(hhmm),
        host: 'web-1',
        severity: 3,
        count: 5,
      });
    for (const hhmm of ['10:50', '10:55'])
      batch.push({
        templateId: 'dead',
        template: 'deadlock detected on <*>',
        time: at(hhmm),
        host: 'db.shop.lan',
        severity: 3,
      });
    // Long before the window: not its business.
    batch.push({ templateId: 'old', template: 'disk <*> degraded', time: t0, host: 'web-1', severity: 3 });
    await writePatternRecords(t.ctx, batch);
    ticketCategory = category.id;
  }, 60_000);
  afterAll(async () => t?.close());

  it('finds a ticket’s hosts in its text and category, and says when each error began', async () => {
    t.clock.set(Date.parse('2026-03-02T11:00:30Z'));
    const ticket = await createTicket(t.ctx, requester, {
      title: 'Checkout fails',
      description: 'The basket page on WEB-1 says "try again later" since a few minutes.',
      categoryId: ticketCategory,
    });
    t.clock.set(Date.parse('2026-03-02T11:20:00Z'));
    const context = await logContextForTicket(t.ctx, tech, ticket.id);
    expect(context.subject).toEqual({ kind: 'ticket', id: ticket.id });
    expect(context.firstReportAt).toBe(ticket.createdAt);
    expect(context.from).toBe(Date.parse('2026-03-02T10:00:00Z'));
    expect(context.to).toBe(Date.parse('2026-03-02T11:20:00Z'));
    expect(context.hosts).toEqual([
      { host: '10.0.0.1', via: ['text'], logged: false },
      { host: 'db.shop.lan', via: ['category'], logged: true },
      { host: 'shop-db', via: ['category'], logged: false },
      { host: 'web-1', via: ['text'], logged: true },
    ]);
    expect(
      context.patterns.map((p) => ({
        id: p.id,
        count: p.count,
        errors: p.errors,
        hosts: p.hosts,
        sentence: p.sentence,
      })),
    ).toEqual([
      {
        id: 'dead',
        count: 2,
        errors: 2,
        hosts: ['db.shop.lan'],
        sentence: 'This error began 10 minutes before the first user report.',
      },
      {
        id: 'conn',
        count: 15,
        errors: 15,
        hosts: ['web-1'],
        sentence: 'This error began 4 minutes before the first user report.',
      },
      {
        id: 'req',
        count: 1200,
        errors: 0,
        hosts: ['web-1'],
        sentence: 'This pattern began 1 hour before the first user report.',
      },
    ]);
    expect(context.patterns[1]).toMatchObject({
      template: 'cannot connect to <*>',
      worstSeverity: 'err',
      firstMinute: Date.parse('2026-03-02T10:56:00Z'),
      lastMinute: Date.parse('2026-03-02T10:58:00Z'),
      minutesBeforeReference: 4,
    });
  });

  it('reads an incident’s hosts from its alerts, measured from its ticket', async () => {
    t.clock.set(Date.parse('2026-03-02T11:01:00Z'));
    await receiveAlerts(
      t.ctx,
      [
        {
          labels: { alertname: 'HostDown', target: 'web-1', instance: '10.0.0.1:9100' },
          annotations: { summary: 'web-1 is down' },
          startsAt: t.clock.now(),
          endsAt: null,
        },
      ],
      'rule',
    );
    t.clock.set(Date.parse('2026-03-02T11:01:30Z'));
    await runAlertPipeline(t.ctx);
    const group = (await listAlertGroups(t.ctx)).find((g) => g.groupLabels.alertname === 'HostDown');
    expect(group?.incidentId).not.toBeNull();
    const context = await logContextForIncident(t.ctx, tech, group!.incidentId!);
    expect(context.hosts).toEqual([
      { host: '10.0.0.1', via: ['alert'], logged: false },
      { host: 'web-1', via: ['alert'], logged: true },
    ]);
    // The incident's ticket was filed when it opened (11:01:30): the first report.
    expect(context.reference).toEqual({ at: Date.parse('2026-03-02T11:01:30Z'), kind: 'first_report' });
    expect(context.patterns.map((p) => [p.id, p.sentence])).toEqual([
      ['conn', 'This error began 5 minutes before the first user report.'],
      ['req', 'This pattern was already logged 1 hour before the first user report, and earlier.'],
    ]);
  });

  it('is for staff only', async () => {
    const ticket = await createTicket(t.ctx, requester, { title: 'web-1 slow', description: 'x' });
    await expect(logContextForTicket(t.ctx, requester, ticket.id)).rejects.toMatchObject({
      kind: 'forbidden',
    });
    await expect(logContextForTicket(t.ctx, admin, 999_999)).rejects.toMatchObject({
      code: 'ticket_not_found',
    });
    await expect(logContextForIncident(t.ctx, requester, 1)).rejects.toMatchObject({ kind: 'forbidden' });
  });
});
