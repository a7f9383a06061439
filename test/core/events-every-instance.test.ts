// Events for every instance (EventBus.onEveryInstance): what each process holds in memory — its open live streams
// — hears every event, whichever instance recorded and dispatched it, once its pass has committed; the claimed
// subscribers still get each event once in all. On PostgreSQL two contexts on one schema stand for two instances
// (each with its own pool, bus and listening connection); on SQLite (one process) a pass hands its own events on.
import net from 'node:net';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import type { ServiceContext } from '../../src/core/context.js';
import { pgNotifications } from '../../src/core/db/notifications.js';
import { dialects, makeContext, postgresUrl, type TestContext } from '../support/context.js';
import { ticketCreatedEvent } from '../support/events.js';
import { startProxy } from '../support/tcp-proxy.js';

/** Wait until `check` passes (events cross instances through the database's notifications, not at once). */
async function eventually(check: () => void, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      check();
      return;
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

async function recordCommitted(ctx: ServiceContext, ids: number[]): Promise<void> {
  await ctx.db.transaction().execute((trx) => ctx.events.record(trx, ids.map(ticketCreatedEvent)));
}

describe('events for every instance on sqlite', () => {
  let t: TestContext;
  beforeEach(async () => {
    t = await makeContext('sqlite');
  });
  afterEach(async () => t?.close());

  it('hands a pass’s events on after it commits, in order, by type; a failing handler stops nothing', async () => {
    const heard: string[] = [];
    const claimed: string[] = [];
    let insidePass = false;
    t.ctx.events.subscribe('claimed', null, (e) => {
      claimed.push(e.subjectId);
      insidePass = true;
    });
    t.ctx.events.onEveryInstance('failing', null, () => {
      throw new Error('a handler that fails');
    });
    t.ctx.events.onEveryInstance('live', ['ticket.created'], (e) => {
      // The pass has committed: its events are marked dispatched.
      expect(insidePass).toBe(true);
      heard.push(e.subjectId);
    });
    await t.ctx.events.everyInstanceReady();
    await recordCommitted(t.ctx, [1, 2, 3]);
    expect(await t.ctx.events.dispatchPending()).toBe(3);
    expect(heard).toEqual(['1', '2', '3']);
    expect(claimed).toEqual(['1', '2', '3']);
    // Not retried, and nothing set aside for the failing one.
    expect(await t.ctx.db.selectFrom('outbox_failures').selectAll().execute()).toEqual([]);
  });

  it('refuses a second handler of the same name', () => {
    t.ctx.events.onEveryInstance('live', null, () => undefined);
    expect(() => t.ctx.events.onEveryInstance('live', null, () => undefined)).toThrow(/already registered/);
    expect(() => t.ctx.events.subscribe('live', null, () => undefined)).toThrow(/already registered/);
  });
});

describe.each(dialects.filter((d) => d === 'postgres'))('events for every instance on %s', (dialect) => {
  let a: TestContext;
  let b: { ctx: ServiceContext; close(): Promise<void> };

  beforeEach(async () => {
    a = await makeContext(dialect);
    b = await a.openAnother(new ManualClock(a.clock.now()));
  });
  afterEach(async () => {
    await b?.close();
    await a?.close();
  });

  it('every instance hears every event, whichever dispatched it; the claimed subscribers get each once', async () => {
    const heardA: string[] = [];
    const heardB: string[] = [];
    const claimed: string[] = [];
    for (const [ctx, heard] of [
      [a.ctx, heardA],
      [b.ctx, heardB],
    ] as const) {
      ctx.events.subscribe('claimed', null, (e) => {
        claimed.push(e.subjectId);
      });
      ctx.events.onEveryInstance('live', ['ticket.created'], (e) => {
        heard.push(e.subjectId);
      });
      await ctx.events.everyInstanceReady();
    }
    // Recorded on A, dispatched by B; then recorded on B and dispatched by A.
    await recordCommitted(a.ctx, [1, 2, 3]);
    expect(await b.ctx.events.dispatchPending()).toBe(3);
    await recordCommitted(b.ctx, [4, 5]);
    expect(await a.ctx.events.dispatchPending()).toBe(2);
    await eventually(() => {
      expect(heardA).toEqual(['1', '2', '3', '4', '5']);
      expect(heardB).toEqual(['1', '2', '3', '4', '5']);
    });
    expect(claimed).toEqual(['1', '2', '3', '4', '5']);
  });

  it('a pass that rolls back sends nothing; a pass of more events than a notification names sends them all', async () => {
    const heard: number[] = [];
    b.ctx.events.onEveryInstance('live', null, (e) => {
      heard.push(Number(e.subjectId));
    });
    await b.ctx.events.everyInstanceReady();
    // A subscriber that breaks the transaction itself (not a handler failure the pass survives): nothing commits.
    const stop = a.ctx.events.subscribe('breaks', null, async (_e, trx) => {
      await trx
        .selectFrom('no_such_table' as 'outbox')
        .selectAll()
        .execute();
    });
    await recordCommitted(a.ctx, [1]);
    // The pass survives the subscriber's failure (a savepoint) and commits: B hears the event.
    await a.ctx.events.dispatchPending();
    stop();
    await eventually(() => expect(heard).toEqual([1]));
    const many = Array.from({ length: 950 }, (_, i) => i + 2);
    await recordCommitted(a.ctx, many);
    expect(await a.ctx.events.dispatchPending(1000)).toBe(950);
    await eventually(() => expect(heard).toEqual([1, ...many]));
  });

  it('a broken listening connection comes back, says events may have been missed, and hears again', async () => {
    const heard: string[] = [];
    let gaps = 0;
    b.ctx.events.onEveryInstance('live', null, (e) => heard.push(e.subjectId), { gap: () => gaps++ });
    await b.ctx.events.everyInstanceReady();
    // End the connection that listens on this schema's channel: B's.
    await terminateListeners(a);
    await eventually(() => expect(gaps).toBe(1));
    await recordCommitted(a.ctx, [7]);
    await a.ctx.events.dispatchPending();
    await eventually(() => expect(heard).toEqual(['7']));
  });
});

describe.each(dialects.filter((d) => d === 'postgres'))('notifications on %s', (dialect) => {
  it('a first LISTEN that cannot reach the database is tried again until it holds, and says so', async () => {
    const t = await makeContext(dialect);
    // The database is not there yet: the proxy sends connections to a port no one listens on.
    const proxy = await startProxy(postgresUrl);
    const idle = net.createServer();
    await new Promise<void>((resolve) => idle.listen(0, '127.0.0.1', resolve));
    const nowhere = (idle.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => idle.close(() => resolve()));
    proxy.retarget(nowhere);
    const notifications = pgNotifications(proxy.url, schemaOf(t));
    try {
      const heard: string[] = [];
      let told = 0;
      await expect(
        notifications.listen('probe', { message: (p) => heard.push(p), reconnected: () => told++ }),
      ).rejects.toThrow();
      proxy.retarget(Number(new URL(postgresUrl).port || 5432));
      await eventually(() => expect(told).toBe(1));
      await t.ctx.db.transaction().execute((trx) => notifications.notify(trx, 'probe', 'hello'));
      await eventually(() => expect(heard).toEqual(['hello']));
    } finally {
      await notifications.close();
      await proxy.stop();
      await t.close();
    }
  });
});

/** Ends the backends that LISTEN (their last statement was a LISTEN), other than the caller's. */
async function terminateListeners(t: TestContext): Promise<void> {
  const rows = await sql<{ pid: number }>`
    SELECT pid FROM pg_stat_activity
    WHERE query LIKE 'LISTEN "opsdesk.%' AND pid <> pg_backend_pid() AND datname = current_database()
      AND query LIKE ${`%${schemaOf(t)}%`}`.execute(t.ctx.db);
  expect(rows.rows.length).toBeGreaterThan(0);
  for (const { pid } of rows.rows) await sql`SELECT pg_terminate_backend(${pid})`.execute(t.ctx.db);
}

function schemaOf(t: TestContext): string {
  const m = /\(schema (\w+)\)/.exec(t.ctx.caps.label);
  if (!m) throw new Error(`no schema in ${t.ctx.caps.label}`);
  return m[1]!;
}
