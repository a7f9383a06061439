// The priority matrix right after a start (nothing cached): an admin's change answers and every other query
// still answers; a change through one instance is seen by another on the same database; and the guard that makes "ctx.db inside its own transaction" fail at once, on both dialects.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type Actor, createUser } from '../../src/core/auth/index.js';
import { ManualClock } from '../../src/core/clock.js';
import { TransactionInFlowError } from '../../src/core/db/transaction-guard.js';
import { getPriorityMatrix, setPriorityMatrix } from '../../src/helpdesk/index.js';
import { dialects, makeApp, makeContext, type TestApp, type TestContext } from '../support/context.js';
import { userSession } from '../support/http.js';

const matrix = [
  [1, 1, 1, 2, 2],
  [1, 2, 2, 3, 3],
  [2, 2, 3, 4, 4],
  [2, 3, 4, 4, 5],
  [3, 3, 4, 5, 5],
];

describe.each(dialects)('priority matrix on %s', (dialect) => {
  let t: TestApp | undefined;
  let c: TestContext | undefined;
  afterEach(async () => {
    await t?.close();
    await c?.close();
    t = undefined;
    c = undefined;
  });

  it("an admin's change before the matrix was ever read answers, and other queries still answer", async () => {
    t = await makeApp(dialect);
    const admin = await userSession(t.app, t.ctx, 'admin');
    const put = await admin.call('PUT', '/api/v1/settings/priority-matrix', { matrix });
    expect(put.status).toBe(200);
    expect(put.body.matrix).toEqual(matrix);
    const [get, me] = await Promise.all([
      admin.call('GET', '/api/v1/settings/priority-matrix'),
      admin.call('GET', '/api/v1/tickets'),
    ]);
    expect(get.body.matrix).toEqual(matrix);
    expect(me.status).toBe(200);
    // A ticket filed now takes its priority from the new matrix (impact 1, urgency 5 → 3).
    const filed = await admin.call('POST', '/api/v1/tickets', {
      title: 'Matrix',
      description: '',
      impact: 1,
      urgency: 5,
    });
    expect(filed.status).toBe(201);
    expect(filed.body.priority).toBe('medium');
  });

  it('using ctx.db inside a transaction of the same context throws at once, and the database still answers', async () => {
    c = await makeContext(dialect);
    const { db } = c.ctx;
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.selectFrom('settings').select('key').execute();
        await db.selectFrom('settings').select('key').execute();
      }),
    ).rejects.toBeInstanceOf(TransactionInFlowError);
    // Neither the connection nor the lock was kept: the next query and transaction answer.
    await db.transaction().execute(async (trx) => {
      await trx.selectFrom('settings').select('key').execute();
    });
    expect((await sql<{ one: number }>`select 1 as one`.execute(db)).rows[0].one).toBe(1);
    // After the transaction, and in work that runs alongside it (not inside it), ctx.db is fine.
    const outside = db.selectFrom('settings').select('key').execute();
    await db.transaction().execute(async (trx) => {
      await trx.selectFrom('settings').select('key').execute();
    });
    await expect(outside).resolves.toBeDefined();
  });

  it('a change through one instance is seen by another on the same database within a second', async () => {
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
      // Both instances have the default matrix cached.
      const before = await getPriorityMatrix(other.ctx);
      expect(await getPriorityMatrix(c.ctx)).toEqual(before);
      await setPriorityMatrix(c.ctx, actor, matrix);
      expect(await getPriorityMatrix(c.ctx)).toEqual(matrix);
      // The other instance checks the versions at most once a second: after that it has the change.
      otherClock.advance(1000);
      expect(await getPriorityMatrix(other.ctx)).toEqual(matrix);
      // And back the other way.
      await setPriorityMatrix(other.ctx, actor, before);
      c.clock.advance(1000);
      expect(await getPriorityMatrix(c.ctx)).toEqual(before);
    } finally {
      await other.close();
    }
  });
});
