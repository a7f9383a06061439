// The transactional outbox, on SQLite and on PostgreSQL: an event exists only if its transaction commits, and
// a subscriber that fails leaves its event undispatched, to be retried on the next pass, in order.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus, type NewEvent, type StoredEvent } from '../../src/core/events.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

const created = (subjectId: number): NewEvent => ({
  type: 'ticket.created',
  subjectType: 'ticket',
  subjectId,
  actorId: null,
  payload: { ticket: { id: subjectId } },
});

describe.each(dialects)('event outbox on %s', (dialect) => {
  let t: TestContext;
  let bus: EventBus;

  beforeEach(async () => {
    t = await makeContext(dialect);
    bus = new EventBus(t.ctx.db, t.ctx.caps, t.clock, t.ctx.log);
  });
  afterEach(async () => {
    await bus?.stop();
    await t?.close();
  });

  async function recordCommitted(events: NewEvent[]): Promise<void> {
    await t.ctx.db.transaction().execute((trx) => bus.record(trx, events));
  }

  async function undispatched(): Promise<number> {
    const rows = await t.ctx.db
      .selectFrom('outbox')
      .select('id')
      .where('dispatched_at', 'is', null)
      .execute();
    return rows.length;
  }

  it('a subscriber may work once per pass, over every event it saw, and a failure there retries them all', async () => {
    const batches: string[][] = [];
    let seen: string[] = [];
    let fail = true;
    bus.subscribe(
      'batch',
      null,
      (e) => {
        seen.push(e.subjectId);
      },
      {
        writes: false,
        endOfPass: async () => {
          const batch = seen;
          seen = [];
          if (fail) throw new Error('batch failed');
          batches.push(batch);
        },
      },
    );
    await recordCommitted([created(1), created(2), created(3)]);
    await expect(bus.dispatchPending()).rejects.toThrow('batch failed');
    expect(await undispatched()).toBe(3);
    fail = false;
    expect(await bus.dispatchPending()).toBe(3);
    expect(batches).toEqual([['1', '2', '3']]);
    expect(await undispatched()).toBe(0);
    expect(await bus.dispatchPending()).toBe(0);
    expect(batches).toHaveLength(1);
  });

  it('events recorded in a rolled-back transaction are never dispatched', async () => {
    const seen: StoredEvent[] = [];
    bus.subscribe('test', null, (e) => {
      seen.push(e);
    });
    await expect(
      t.ctx.db.transaction().execute(async (trx) => {
        await bus.record(trx, [created(1)]);
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await bus.dispatchPending()).toBe(0);
    expect(seen).toHaveLength(0);

    await recordCommitted([created(2)]);
    expect(await bus.dispatchPending()).toBe(1);
    expect(seen.map((e) => e.subjectId)).toEqual(['2']);
    expect(seen[0]).toMatchObject({
      type: 'ticket.created',
      subjectType: 'ticket',
      payload: { ticket: { id: 2 } },
      createdAt: t.clock.now(),
    });
    expect(await bus.dispatchPending()).toBe(0);
    expect(seen).toHaveLength(1);
  });

  it('a failing subscriber leaves the event undispatched and it is dispatched on the next pass', async () => {
    let failures = 1;
    const calls: string[] = [];
    bus.subscribe('flaky', ['ticket.created'], (e) => {
      calls.push(e.subjectId);
      if (failures > 0) {
        failures -= 1;
        throw new Error('receiver down');
      }
    });
    await recordCommitted([created(1)]);
    expect(await bus.dispatchPending()).toBe(0);
    expect(await undispatched()).toBe(1);
    expect(await bus.dispatchPending()).toBe(1);
    expect(await undispatched()).toBe(0);
    expect(calls).toEqual(['1', '1']);
  });

  it('later events wait for a failed one, so subscribers see them in order', async () => {
    let failOn: string | null = '1';
    const calls: string[] = [];
    bus.subscribe('ordered', null, (e) => {
      calls.push(e.subjectId);
      if (e.subjectId === failOn) {
        failOn = null;
        throw new Error('not now');
      }
    });
    await recordCommitted([created(1), created(2), created(3)]);
    expect(await bus.dispatchPending()).toBe(0);
    expect(await undispatched()).toBe(3);
    expect(await bus.dispatchPending()).toBe(3);
    expect(calls).toEqual(['1', '1', '2', '3']);
  });

  it("a subscriber writes through the relay's transaction; a failing one's writes are undone", async () => {
    let fail = true;
    bus.subscribe('writer', null, async (e, trx) => {
      await trx
        .insertInto('settings')
        .values({
          key: `seen-${e.id}-${fail ? 'failed' : 'ok'}`,
          value: e.subjectId,
          updated_at: t.clock.now(),
        })
        .execute();
      if (fail) {
        fail = false;
        throw new Error('after writing');
      }
    });
    await recordCommitted([created(7)]);
    expect(await bus.dispatchPending()).toBe(0);
    expect(await bus.dispatchPending()).toBe(1);
    const keys = await t.ctx.db.selectFrom('settings').select('key').where('key', 'like', 'seen-%').execute();
    expect(keys.map((k) => k.key)).toEqual([expect.stringMatching(/^seen-\d+-ok$/)]);
  });

  it('idle() resolves once the running pass has committed', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    bus.subscribe('slow', null, () => gate);
    await recordCommitted([created(1)]);
    const pass = bus.dispatchPending();
    let idle = false;
    const waiting = bus.idle().then(() => {
      idle = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(idle).toBe(false);
    release();
    await Promise.all([pass, waiting]);
    expect(idle).toBe(true);
    expect(await undispatched()).toBe(0);
  });
});
