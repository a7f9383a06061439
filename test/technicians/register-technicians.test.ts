// The wiring the serve command uses: registerTechnicians subscribes to arrivals and its runner, nudged once the
// relay's pass has committed, assigns without anyone running the queue by hand; nothing is queued when no rule
// or automatic group could use it, nor for a ticket filed with an assignee.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../../src/core/auth/index.js';
import { JobScheduler } from '../../src/core/jobs.js';
import { registerTechnicians } from '../../src/technicians/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('registerTechnicians on %s', (dialect) => {
  let t: TestApp;
  let jobs: JobScheduler;
  let admin: Session;
  let requester: Session;
  let tech: Session;
  let group: number;

  beforeAll(async () => {
    t = await makeApp(dialect);
    jobs = new JobScheduler(pino({ level: 'silent' }));
    registerTechnicians(t.ctx, jobs);
    admin = await userSession(t.app, t.ctx, 'admin');
    requester = await userSession(t.app, t.ctx, 'requester');
    group = (await createGroup(t.ctx, null, { name: 'Desk' })).id;
    tech = await userSession(t.app, t.ctx, 'technician', [group]);
  });
  afterAll(async () => {
    await jobs?.stop();
    await t?.close();
  });

  const queued = async () =>
    (await t.ctx.db.selectFrom('assignment_queue').select('ticket_id').execute()).length;

  it('registers its job and subscriber once', () => {
    expect(jobs.names()).toContain('technicians.assignment');
    expect(t.ctx.events.subscriberNames()).toContain('technicians.auto-assign');
  });

  it('queues nothing while no rule or automatic group could use it', async () => {
    await requester.call('POST', '/api/v1/tickets', { title: 'Nothing to do', description: 'x' });
    await t.ctx.events.idle();
    await t.ctx.events.dispatchPending();
    expect(await queued()).toBe(0);
  });

  it('an arrival is routed and assigned by the nudged runner', async () => {
    await admin.call('PUT', `/api/v1/groups/${group}/assignment-policy`, {
      policy: 'round_robin',
      auto: true,
    });
    await admin.call('POST', '/api/v1/assignment-rules', { name: 'Everything', groupId: group });
    const filed = await requester.call('POST', '/api/v1/tickets', { title: 'Help', description: 'x' });
    await t.ctx.events.idle();
    await t.ctx.events.dispatchPending();
    // The runner goes on its own once the pass has committed; wait for the outcome, not for a time.
    let assignee: number | null = null;
    for (let i = 0; i < 200 && assignee === null; i++) {
      await new Promise((r) => setTimeout(r, 25));
      const row = await t.ctx.db
        .selectFrom('tickets')
        .select('assignee_id')
        .where('id', '=', filed.body.id)
        .executeTakeFirstOrThrow();
      assignee = row.assignee_id;
    }
    expect(assignee).toBe(tech.userId);
    expect(await queued()).toBe(0);
  });

  it('a ticket filed with an assignee is not queued', async () => {
    await admin.call('POST', '/api/v1/tickets', {
      title: 'Mine already',
      description: 'x',
      assigneeId: tech.userId,
      groupId: group,
    });
    await t.ctx.events.idle();
    await t.ctx.events.dispatchPending();
    expect(await queued()).toBe(0);
  });
});
