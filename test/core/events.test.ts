// The transactional outbox, on SQLite and on PostgreSQL: an event exists only if its transaction commits; a
// subscriber that fails on an event is retried alone with backoff and then dead-lettered, while every other
// delivery goes on.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBus, type NewEvent, type StoredEvent } from '../../src/core/events.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';
import { ticketCreatedEvent } from '../support/events.js';

const created = ticketCreatedEvent;

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

  async function failures() {
    return t.ctx.db
      .selectFrom('outbox_failures')
      .select(['outbox_id', 'subscriber', 'attempts', 'last_error', 'next_attempt_at', 'dead_lettered_at'])
      .orderBy('id')
      .execute();
  }

  /** Run passes as time goes by until no retry is due any more (each backoff waited out). */
  async function runRetriesOut(): Promise<void> {
    for (let i = 0; i < 20; i++) {
      t.clock.advance(bus.retryPolicy.maxBackoffMs);
      await bus.dispatchPending();
    }
  }

  it('a subscriber that always throws: its event is dead-lettered after N attempts, every other delivery goes on', async () => {
    const good: string[] = [];
    let badCalls = 0;
    bus.subscribe('good', null, async (e, trx) => {
      good.push(e.subjectId);
      await trx
        .insertInto('settings')
        .values({ key: `good-${e.subjectId}`, value: '1', updated_at: 0 })
        .execute();
    });
    bus.subscribe('bad', ['ticket.created'], async (e, trx) => {
      badCalls += 1;
      await trx
        .insertInto('settings')
        .values({ key: `bad-${e.subjectId}-${badCalls}`, value: '1', updated_at: 0 })
        .execute();
      if (e.subjectId === '1') throw new Error('cannot handle ticket 1');
    });
    await recordCommitted([created(1), created(2)]);
    expect(await bus.dispatchPending()).toBe(2);
    expect(await undispatched()).toBe(0);
    expect(good).toEqual(['1', '2']);
    expect(await failures()).toMatchObject([{ subscriber: 'bad', attempts: 1, dead_lettered_at: null }]);

    // Not due yet: the backoff holds the retry.
    await bus.dispatchPending();
    expect(badCalls).toBe(2);

    await runRetriesOut();
    const max = bus.retryPolicy.maxAttempts;
    expect(badCalls).toBe(1 + max);
    const [failure] = await failures();
    expect(failure).toMatchObject({ subscriber: 'bad', attempts: max, next_attempt_at: null });
    expect(failure.dead_lettered_at).not.toBeNull();
    expect(failure.last_error).toContain('cannot handle ticket 1');

    // Later events reach every subscriber; the good one got each event exactly once.
    await recordCommitted([created(3)]);
    expect(await bus.dispatchPending()).toBe(1);
    expect(good).toEqual(['1', '2', '3']);
    expect(badCalls).toBe(2 + max);
    await runRetriesOut();
    expect(badCalls).toBe(2 + max);

    // The failing attempts' writes were undone; everyone else's committed.
    const keys = await t.ctx.db.selectFrom('settings').select('key').where('key', 'like', 'good-%').execute();
    expect(keys.map((k) => k.key).sort()).toEqual(['good-1', 'good-2', 'good-3']);
    const bad = await t.ctx.db.selectFrom('settings').select('key').where('key', 'like', 'bad-%').execute();
    expect(bad.map((k) => k.key).sort()).toEqual(['bad-2-2', `bad-3-${2 + max}`]);
  });

  it('a failed delivery is retried after its backoff, for that subscriber alone, and then leaves no trace', async () => {
    let failures_ = 1;
    const flaky: string[] = [];
    const steady: string[] = [];
    bus.subscribe('steady', null, (e) => {
      steady.push(e.subjectId);
    });
    bus.subscribe('flaky', ['ticket.created'], (e) => {
      flaky.push(e.subjectId);
      if (failures_ > 0) {
        failures_ -= 1;
        throw new Error('receiver down');
      }
    });
    await recordCommitted([created(1)]);
    expect(await bus.dispatchPending()).toBe(1);
    expect(await failures()).toHaveLength(1);
    t.clock.advance(bus.retryPolicy.backoffMs);
    expect(await bus.dispatchPending()).toBe(0);
    expect(flaky).toEqual(['1', '1']);
    expect(steady).toEqual(['1']);
    expect(await failures()).toHaveLength(0);
  });

  it('a failing batch (endOfPass) undoes only its own writes and is retried event by event for that subscriber', async () => {
    const batches: string[][] = [];
    let seen: string[] = [];
    const others: string[] = [];
    bus.subscribe('other', null, async (e, trx) => {
      others.push(e.subjectId);
      await trx
        .insertInto('settings')
        .values({ key: `other-${e.subjectId}`, value: '1', updated_at: 0 })
        .execute();
    });
    bus.subscribe(
      'batch',
      null,
      (e) => {
        seen.push(e.subjectId);
      },
      {
        writes: false,
        endOfPass: async (trx) => {
          const batch = seen;
          seen = [];
          await trx
            .insertInto('settings')
            .values({ key: `batch-${batch.join('-')}`, value: '1', updated_at: 0 })
            .execute();
          if (batch.includes('2')) throw new Error('ticket 2 breaks the batch');
          batches.push(batch);
        },
      },
    );
    await recordCommitted([created(1), created(2), created(3)]);
    expect(await bus.dispatchPending()).toBe(3);
    expect(others).toEqual(['1', '2', '3']);
    expect((await failures()).map((f) => [f.outbox_id, f.subscriber])).toHaveLength(3);
    await runRetriesOut();
    // Retried one by one: events 1 and 3 get through, 2 is dead-lettered.
    expect(batches).toEqual([['1'], ['3']]);
    expect(await failures()).toMatchObject([{ subscriber: 'batch', attempts: bus.retryPolicy.maxAttempts }]);
    expect(others).toEqual(['1', '2', '3']);
    const keys = await t.ctx.db.selectFrom('settings').select('key').orderBy('key').execute();
    expect(keys.map((k) => k.key)).toEqual(['batch-1', 'batch-3', 'other-1', 'other-2', 'other-3']);
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

  it('a subscriber name is unique', () => {
    bus.subscribe('once', null, () => {});
    expect(() => bus.subscribe('once', null, () => {})).toThrow(/already registered/);
  });

  it('two relays on one database deliver each event once to each subscriber, failures included', async () => {
    const second = new EventBus(t.ctx.db, t.ctx.caps, t.clock, t.ctx.log);
    const good: string[] = [];
    let badCalls = 0;
    for (const b of [bus, second]) {
      b.subscribe('good', null, async (e, trx) => {
        good.push(e.subjectId);
        await trx
          .insertInto('settings')
          .values({ key: `good-${e.subjectId}`, value: '1', updated_at: 0 })
          .execute();
      });
      b.subscribe('bad', null, () => {
        badCalls += 1;
        throw new Error('always');
      });
    }
    try {
      for (let i = 0; i < 10; i++)
        await recordCommitted([created(i * 3), created(i * 3 + 1), created(i * 3 + 2)]);
      for (let i = 0; i < 30; i++) {
        await Promise.all([bus.dispatchPending(5), second.dispatchPending(5)]);
        t.clock.advance(bus.retryPolicy.maxBackoffMs);
      }
      expect(await undispatched()).toBe(0);
      expect(good.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(badCalls).toBe(30 * bus.retryPolicy.maxAttempts);
      const rows = await failures();
      expect(rows).toHaveLength(30);
      expect(rows.every((r) => r.dead_lettered_at !== null)).toBe(true);
    } finally {
      await second.stop();
    }
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
