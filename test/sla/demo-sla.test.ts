// The demo organisation comes with SLAs: a Berlin office calendar with German holidays, a policy per
// priority, and clocks on its tickets — a fresh install shows live clocks. Its story ran under those SLAs:
// the warnings, breaches and escalations its history implies happened at their own past moments, so the
// engine's first cycle at "now" has (next to) nothing left to fire.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/core/auth/index.js';
import { loadDemoOrganisation } from '../../src/demo/index.js';
import {
  easterSunday,
  germanPublicHolidays,
  getTicketSla,
  listPolicies,
  runEscalationCycle,
} from '../../src/sla/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

describe('German public holidays', () => {
  it('follow Easter', () => {
    expect(easterSunday(2026)).toEqual({ month: 4, day: 5 });
    expect(easterSunday(2027)).toEqual({ month: 3, day: 28 });
    const dates = germanPublicHolidays([2026])
      .filter((h) => !h.yearly)
      .map((h) => h.date);
    expect(dates).toEqual(['2026-04-03', '2026-04-06', '2026-05-14', '2026-05-25']);
  });
});

describe.each(dialects)('demo SLAs on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await makeContext(dialect);
    await loadDemoOrganisation(t.ctx, { now: t.clock.now(), ticketCount: 60, requesterCount: 10 });
  }, 120_000);
  afterAll(async () => t?.close());

  it('has a policy per priority, and every ticket has stored clocks', async () => {
    const admin = systemActor(1);
    const policies = await listPolicies(t.ctx, admin);
    expect(policies.map((p) => p.name)).toEqual([
      'P5 very high',
      'P4 high',
      'P3 medium',
      'P2 low',
      'P1 very low',
    ]);
    const tickets = await t.ctx.db.selectFrom('tickets').select(['id', 'priority', 'status']).execute();
    const clocks = await t.ctx.db
      .selectFrom('sla_ticket_clocks')
      .select(['ticket_id', 'policy_id'])
      .execute();
    expect(clocks).toHaveLength(tickets.length);
    const open = tickets.find((x) => x.status !== 'resolved' && x.status !== 'closed')!;
    const sla = await getTicketSla(t.ctx, admin, open.id);
    expect(sla.policyName).toMatch(new RegExp(`^P${open.priority} `));
    expect(sla.clocks.find((c) => c.target === 'resolution')).toBeDefined();
  });
});

describe.each(dialects)('the demo looks like a department mid-week on %s', (dialect) => {
  const day = 86_400_000;
  let t: TestContext;
  let now: number;
  beforeAll(async () => {
    t = await makeContext(dialect);
    now = t.clock.now();
    await loadDemoOrganisation(t.ctx, { now, ticketCount: 150, requesterCount: 20 });
  }, 300_000);
  afterAll(async () => t?.close());

  it('has its escalations in its past: the first cycle at now fires (next to) nothing', async () => {
    const db = t.ctx.db;
    const escalations = await db.selectFrom('sla_escalations').select(['created_at', 'kind']).execute();
    const automatic = escalations.filter((e) => e.kind === 'automatic').map((e) => e.created_at);
    expect(automatic.length).toBeGreaterThan(5);
    expect(Math.max(...automatic)).toBeLessThanOrEqual(now);
    expect(Math.max(...automatic) - Math.min(...automatic)).toBeGreaterThan(14 * day);
    const fired = await db.selectFrom('sla_fired').select(['fired_at', 'due_at']).execute();
    expect(fired.length).toBeGreaterThan(automatic.length);
    // Each fired at its own moment, not in one burst at the end.
    expect(fired.filter((f) => f.fired_at > now - 3_600_000).length).toBeLessThan(fired.length / 10);

    const openBefore = await db
      .selectFrom('tickets')
      .select(['id', 'updated_at'])
      .where('status', 'in', ['new', 'assigned', 'in_progress', 'pending'])
      .orderBy('id')
      .execute();
    const cycle = await runEscalationCycle(t.ctx);
    expect(cycle.fired).toBeLessThanOrEqual(2);
    const openAfter = await db
      .selectFrom('tickets')
      .select(['id', 'updated_at'])
      .where('status', 'in', ['new', 'assigned', 'in_progress', 'pending'])
      .orderBy('id')
      .execute();
    // Open tickets were last touched over the past days, not all in the last minutes.
    const recent = openAfter.filter((x) => x.updated_at > now - 3_600_000);
    expect(recent.length).toBeLessThanOrEqual(Math.max(3, openAfter.length / 10));
    expect(openAfter.filter((x) => x.updated_at < now - day).length).toBeGreaterThan(openAfter.length / 3);
    expect(openAfter.length).toBe(openBefore.length);
  });
});
