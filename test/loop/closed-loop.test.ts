// The department's loop (test/support/closed-loop.ts) on SQLite and PostgreSQL, on an organisation an admin has
// just set up for it: an SLA, who is on call for the storage service, that critical alerts open incidents on it, a
// monitored host and a storage budget line. The demo organisation's test walks the same loop on the demo.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorForUser, createUser } from '../../src/core/auth/index.js';
import type { Role } from '../../src/core/db/index.js';
import { createService } from '../../src/incidents/index.js';
import { putAlertRouting } from '../../src/monitoring/alert-routing-store.js';
import { createEscalationPolicy } from '../../src/oncall/index.js';
import { createPolicy } from '../../src/sla/index.js';
import { walkClosedLoop } from '../support/closed-loop.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn } from '../support/http.js';

const password = 'correct horse battery';

describe.each(dialects)('the closed loop on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let engineerId: number;
  let serviceId: number;

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_SESSION_TTL_HOURS: '2160' });
    const cast: [string, Role][] = [
      ['admin', 'admin'],
      ['manager', 'manager'],
      ['engineer', 'technician'],
    ];
    const users = new Map<string, Awaited<ReturnType<typeof createUser>>>();
    for (const [name, role] of cast)
      users.set(name, await createUser(t.ctx, null, { email: `${name}@loop.test`, name, role, password }));
    const admin = actorForUser(users.get('admin')!);
    engineerId = users.get('engineer')!.id;
    manager = await signIn(t.app, 'manager@loop.test', password);
    // The department's set-up, done once by an admin: an SLA, who is on call for the storage service, and
    // that critical alerts open incidents on it.
    await createPolicy(t.ctx, admin, { name: 'Standard', targets: { resolution: { minutes: 480 } } });
    const policy = await createEscalationPolicy(t.ctx, admin, {
      name: 'Storage on call',
      steps: [{ targets: [{ kind: 'user', id: engineerId }], delayMinutes: 10 }],
      repeatCount: 1,
    });
    serviceId = (await createService(t.ctx, admin, { name: 'File storage', escalationPolicyId: policy.id }))
      .id;
    await putAlertRouting(t.ctx, admin, {
      route: { receiver: 'incident', group_by: ['alertname', 'target'] },
      receivers: [{ name: 'incident', incident_configs: [{ service_id: serviceId }] }],
    });
  }, 60_000);
  afterAll(async () => t?.close());

  it('an alert becomes an incident, a page, a ticket, a problem, a proposal, quotes, a purchase and a change', async () => {
    const created = async (url: string, body: unknown) => {
      const r = await manager.call('POST', url, body);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body;
    };
    const host = await created('/api/v1/monitoring/targets', { name: 'fs-loop', kind: 'host' });
    const line = await created('/api/v1/budget-lines', {
      name: 'Storage',
      category: 'storage',
      fiscalYear: 2026,
      currency: 'EUR',
      plannedMinor: 600_000,
    });
    await walkClosedLoop({
      t,
      manager,
      host,
      serviceId,
      onCallUserId: engineerId,
      sessionOf: async () => signIn(t.app, 'engineer@loop.test', password),
      budgetLineId: line.id,
    });
  });
});
