// The optimiser's proposals read each ticket's SLA due time through the SLA domain: of two tickets alike but
// for their clocks, the one nearer its due time scores as more urgent; and with one person free, it is the one
// proposed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../../src/core/auth/index.js';
import { subscribeSla } from '../../src/sla/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('proposals and SLA due times on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let group: number;
  let tech: Session;

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_SESSION_TTL_HOURS: '48' });
    subscribeSla(t.ctx);
    admin = await userSession(t.app, t.ctx, 'admin');
    group = (await createGroup(t.ctx, null, { name: 'Queue' })).id;
    tech = await userSession(t.app, t.ctx, 'technician', [group]);
    const policy = await admin.call('POST', '/api/v1/sla/policies', {
      name: 'One hour',
      targets: { resolution: { minutes: 60 } },
    });
    expect(policy.status).toBe(201);
  });
  afterAll(async () => t?.close());

  it('the ticket nearer its due time is more urgent, and taken first when only one can be', async () => {
    const file = async (title: string) => {
      const res = await admin.call('POST', '/api/v1/tickets', { title, description: 'x', groupId: group });
      expect(res.status).toBe(201);
      await t.ctx.events.idle();
      await t.ctx.events.dispatchPending();
      return res.body.id as number;
    };
    const early = await file('Filed first');
    t.clock.advance(50 * 60_000);
    const late = await file('Filed later');
    const both = await admin.call('GET', `/api/v1/groups/${group}/assignment-proposals`);
    expect(both.status).toBe(200);
    const score = (id: number) => both.body.items.find((p: { ticketId: number }) => p.ticketId === id).score;
    expect(score(early).urgency).toBeGreaterThan(score(late).urgency);

    // Room for one more ticket only: the one about to breach gets it.
    await admin.call('PUT', `/api/v1/technicians/${tech.userId}`, { maxOpenTickets: 1 });
    const one = await admin.call('GET', `/api/v1/groups/${group}/assignment-proposals`);
    const proposed = one.body.items.filter((p: { userId: number | null }) => p.userId !== null);
    expect(proposed.map((p: { ticketId: number }) => p.ticketId)).toEqual([early]);
    const accepted = await admin.call('POST', `/api/v1/groups/${group}/assignment-proposals/accept`, {
      all: true,
    });
    expect(accepted.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ticketId: early, outcome: 'assigned', userId: tech.userId }),
        expect.objectContaining({ ticketId: late, outcome: 'skipped', userId: null }),
      ]),
    );
  });
});
