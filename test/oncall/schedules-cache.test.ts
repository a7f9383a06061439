// The compiled schedules' cache across instances: two contexts on one database (a SQLite file, a PostgreSQL
// schema), as two instances would be. A schedule changed through one answers who is on call from the new
// layers there at once, and on the other once it reads the cache versions again (within a second).
import { afterEach, describe, expect, it } from 'vitest';
import { type Actor, actorForUser, createUser } from '../../src/core/auth/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { createOverride, createSchedule, updateSchedule, whoIsOnCall } from '../../src/oncall/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

describe.each(dialects)('compiled schedules cache on %s', (dialect) => {
  let c: TestContext | undefined;
  afterEach(async () => {
    await c?.close();
    c = undefined;
  });

  it("one instance's change is used by it at once and by another within a second", async () => {
    c = await makeContext(dialect);
    const otherClock = new ManualClock(c.clock.now());
    const other = await c.openAnother(otherClock);
    try {
      const person = async (role: 'manager' | 'technician', name: string) =>
        createUser(c!.ctx, null, {
          email: `${name}@example.test`,
          name,
          role,
          password: 'password-long-enough',
        });
      const manager: Actor = actorForUser({ ...(await person('manager', 'manager')), groupIds: [] });
      const alice = await person('technician', 'alice');
      const bob = await person('technician', 'bob');
      const rotation = (participants: number[]) => ({
        kind: 'rotation' as const,
        name: 'Daily',
        start: '2026-03-02T00:00',
        end: null,
        turn: { unit: 'day' as const, count: 1 },
        participants,
        restrictions: [],
      });
      const s = await createSchedule(c.ctx, manager, {
        name: 'Infrastructure',
        timeZone: 'UTC',
        layers: [rotation([alice.id, bob.id])],
      });
      const at = Date.parse('2026-03-02T12:00:00Z');
      const who = async (ctx: TestContext['ctx']) => (await whoIsOnCall(ctx, s.id, at))?.userId;
      expect(await who(c.ctx)).toBe(alice.id);
      // The other instance read the versions before the schedule existed? It learns of it within a second.
      otherClock.advance(1000);
      expect(await who(other.ctx)).toBe(alice.id);

      await updateSchedule(c.ctx, manager, s.id, { layers: [rotation([bob.id, alice.id])] });
      expect(await who(c.ctx)).toBe(bob.id);
      // Within the second the other instance still answers from its copy; after it, from the new layers.
      expect(await who(other.ctx)).toBe(alice.id);
      otherClock.advance(1000);
      expect(await who(other.ctx)).toBe(bob.id);

      // An override written through the other instance reaches this one the same way.
      await createOverride(other.ctx, manager, s.id, {
        userId: alice.id,
        start: at - 3_600_000,
        end: at + 3_600_000,
      });
      expect(await who(other.ctx)).toBe(alice.id);
      c.clock.advance(1000);
      expect(await who(c.ctx)).toBe(alice.id);
      expect((await whoIsOnCall(c.ctx, s.id, at))?.source).toMatchObject({ kind: 'override' });
    } finally {
      await other.close();
    }
  });
});
