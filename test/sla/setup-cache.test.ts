// The SLA setup cache across instances: two contexts on one database (a SQLite file, a PostgreSQL schema),
// as two instances would be. A policy changed through one is used by that one at once and by the other once
// it reads the cache versions again (within a second), with no process-wide counter between them.
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/auth/index.js';
import { createUser } from '../../src/core/auth/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { createPolicy, updatePolicy } from '../../src/sla/policies.js';
import { cachedSlaSetup } from '../../src/sla/ticket-clocks.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

describe.each(dialects)('SLA setup cache on %s', (dialect) => {
  let c: TestContext | undefined;
  afterEach(async () => {
    await c?.close();
    c = undefined;
  });

  it("one instance's policy change is used by it at once and by another within a second", async () => {
    c = await makeContext(dialect);
    const otherClock = new ManualClock(c.clock.now());
    const other = await c.openAnother(otherClock);
    try {
      const admin = await createUser(c.ctx, null, {
        email: 'admin@example.test',
        name: 'Admin',
        role: 'admin',
        password: 'password-admin',
      });
      const actor: Actor = {
        id: admin.id,
        email: admin.email,
        name: admin.name,
        role: 'admin',
        groupIds: [],
        via: 'system',
        csrfToken: null,
      };
      const names = async (ctx: TestContext['ctx']) =>
        (await cachedSlaSetup(ctx)).policies.map((p) => p.name);
      // Both instances have the (empty) setup cached.
      expect(await names(c.ctx)).toEqual([]);
      expect(await names(other.ctx)).toEqual([]);

      const policy = await createPolicy(c.ctx, actor, {
        name: 'Standard',
        targets: { resolution: { minutes: 480 } },
      });
      expect(await names(c.ctx)).toEqual(['Standard']);
      // Within the second, the other instance still serves its copy; after it, the new version.
      expect(await names(other.ctx)).toEqual([]);
      otherClock.advance(1000);
      expect(await names(other.ctx)).toEqual(['Standard']);

      // And back the other way, through the other instance.
      await updatePolicy(other.ctx, actor, policy.id, {
        name: 'Renamed',
        targets: { resolution: { minutes: 240 } },
      });
      expect(await names(other.ctx)).toEqual(['Renamed']);
      c.clock.advance(1000);
      expect(await names(c.ctx)).toEqual(['Renamed']);
      expect((await cachedSlaSetup(c.ctx)).policies[0].targets.resolution?.minutes).toBe(240);
    } finally {
      await other.close();
    }
  });
});
