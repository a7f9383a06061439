// The outbox relay's failed deliveries through the API and /metrics, on SQLite and PostgreSQL: a subscriber
// that always throws gets its event dead-lettered while the others go on; an admin lists and retries it (for
// that subscriber only); /metrics shows the relay's lag and the dead-lettered counts per subscriber.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewEvent } from '../../src/core/events.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { ticketCreatedEvent } from '../support/events.js';
import { type Session, userSession } from '../support/http.js';

const created = ticketCreatedEvent;

/** The value of one sample line, e.g. `opsdesk_event_dead_letters{subscriber="x"} 3`. */
function sample(text: string, line: string): number {
  const found = text.split('\n').find((l) => l.startsWith(`${line} `));
  if (!found) throw new Error(`no sample ${line} in:\n${text}`);
  return Number(found.slice(found.lastIndexOf(' ') + 1));
}

describe.each(dialects)('failed event deliveries on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let broken = true;
  let steady: string[];
  let flaky: string[];

  beforeEach(async () => {
    t = await makeApp(dialect);
    admin = await userSession(t.app, t.ctx, 'admin');
    broken = true;
    steady = [];
    flaky = [];
    t.ctx.events.subscribe('steady', ['ticket.created'], (e) => {
      steady.push(e.subjectId);
    });
    t.ctx.events.subscribe('flaky', ['ticket.created'], async (e, trx) => {
      flaky.push(e.subjectId);
      await trx
        .insertInto('settings')
        .values({ key: `flaky-${e.subjectId}`, value: '1', updated_at: 0 })
        .execute();
      if (broken) throw new Error(`flaky cannot take ticket ${e.subjectId}`);
    });
  });
  afterEach(async () => {
    await t?.close();
  });

  async function record(events: NewEvent[]): Promise<void> {
    await t.ctx.db.transaction().execute((trx) => t.ctx.events.record(trx, events));
  }

  /** Dispatch, then let every backoff pass until the failures are dead-lettered. */
  async function dispatchUntilDeadLettered(): Promise<void> {
    await t.ctx.events.dispatchPending();
    for (let i = 0; i < t.ctx.events.retryPolicy.maxAttempts; i++) {
      t.clock.advance(t.ctx.events.retryPolicy.maxBackoffMs);
      await t.ctx.events.dispatchPending();
    }
  }

  it('an admin lists dead letters page by page and a retry re-delivers to the failed subscriber only', async () => {
    await record([created(1), created(2), created(3)]);
    await dispatchUntilDeadLettered();
    const max = t.ctx.events.retryPolicy.maxAttempts;
    expect(steady).toEqual(['1', '2', '3']);
    expect(flaky).toHaveLength(3 * max);

    const first = await admin.call('GET', '/api/v1/event-failures?limit=2&status=dead_lettered');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]).toMatchObject({
      eventType: 'ticket.created',
      subjectType: 'ticket',
      subjectId: '3',
      subscriber: 'flaky',
      status: 'dead_lettered',
      attempts: max,
      nextAttemptAt: null,
      lastError: expect.stringContaining('flaky cannot take ticket 3'),
    });
    expect(first.body.items[0].deadLetteredAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await admin.call(
      'GET',
      `/api/v1/event-failures?limit=2&cursor=${first.body.nextCursor}&status=dead_lettered`,
    );
    expect(second.body.items.map((f: { subjectId: string }) => f.subjectId)).toEqual(['1']);
    expect(second.body.nextCursor).toBeNull();
    expect((await admin.call('GET', '/api/v1/event-failures?status=retrying')).body.items).toEqual([]);

    // Retried while still broken: one more attempt, straight back to the dead letters.
    const id = first.body.items[1].id;
    const again = await admin.call('POST', `/api/v1/event-failures/${id}/retry`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({
      outcome: 'failed',
      failure: { status: 'dead_lettered', attempts: max + 1 },
    });

    broken = false;
    const before = flaky.length;
    const retried = await admin.call('POST', `/api/v1/event-failures/${id}/retry`);
    expect(retried.body).toEqual({ outcome: 'delivered', failure: null });
    expect(flaky.slice(before)).toEqual(['2']);
    expect(steady).toEqual(['1', '2', '3']);
    const rows = await t.ctx.db
      .selectFrom('settings')
      .select('key')
      .where('key', 'like', 'flaky-%')
      .execute();
    expect(rows.map((r) => r.key)).toEqual(['flaky-2']);
    const left = await admin.call('GET', '/api/v1/event-failures');
    expect(left.body.items.map((f: { subjectId: string }) => f.subjectId)).toEqual(['3', '1']);

    expect((await admin.call('POST', '/api/v1/event-failures/999999/retry')).body.code).toBe(
      'event_failure_not_found',
    );
  });

  it('only an admin sees or retries failed deliveries', async () => {
    const technician = await userSession(t.app, t.ctx, 'technician');
    expect((await technician.call('GET', '/api/v1/event-failures')).status).toBe(403);
    expect((await technician.call('POST', '/api/v1/event-failures/1/retry')).status).toBe(403);
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/event-failures' });
    expect(anonymous.statusCode).toBe(401);
  });

  it("/metrics shows the relay's lag and each subscriber's dead letters", async () => {
    await record([created(1), created(2)]);
    await dispatchUntilDeadLettered();
    await record([created(3)]);
    t.clock.advance(42_000);
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(sample(res.body, 'opsdesk_event_relay_lag_seconds')).toBe(42);
    expect(sample(res.body, 'opsdesk_event_dead_letters{subscriber="flaky"}')).toBe(2);
    expect(sample(res.body, 'opsdesk_event_dead_letters{subscriber="steady"}')).toBe(0);

    await t.ctx.events.dispatchPending();
    const after = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(sample(after.body, 'opsdesk_event_relay_lag_seconds')).toBe(0);
    expect(sample(after.body, 'opsdesk_event_retrying{subscriber="flaky"}')).toBe(1);
  });
});
