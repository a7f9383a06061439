// The demo organisation comes with SLAs: a Berlin office calendar with German holidays, a policy per
// priority, and clocks on its tickets — a fresh install shows live clocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/core/auth/index.js';
import { loadDemoOrganisation } from '../../src/demo/index.js';
import { easterSunday, germanPublicHolidays, getTicketSla, listPolicies } from '../../src/sla/index.js';
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
