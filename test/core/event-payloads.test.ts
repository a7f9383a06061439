// Event payloads are typed per event type: record() refuses a payload that does not fit its type (the
// typecheck runs the @ts-expect-error lines below), and a subscriber gets the payload of the types it named.
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest';
import type { TicketStatus } from '../../src/core/db/index.js';
import {
  EventBus,
  type EventType,
  eventTypes,
  type NewEvent,
  type StoredEvent,
} from '../../src/core/events.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

const envelope = { subjectType: 'ticket', subjectId: 7, actorId: null };

describe('event payload types', () => {
  it('refuses a payload that does not fit its event type', () => {
    const fits: NewEvent = {
      type: 'ticket.state_changed',
      ...envelope,
      payload: { from: 'new', to: 'assigned' },
    };
    // @ts-expect-error a state change's payload names states, not a comment
    const wrongShape: NewEvent = { type: 'ticket.state_changed', ...envelope, payload: { commentId: 1 } };
    const done = { from: 'new', to: 'done' } as const;
    // @ts-expect-error 'done' is not a ticket state
    const wrongState: NewEvent = { type: 'ticket.state_changed', ...envelope, payload: done };
    // @ts-expect-error an escalation says its ticket, level, reason and where it went
    const missing: NewEvent = { type: 'ticket.escalated', ...envelope, payload: { ticketId: 7 } };
    // @ts-expect-error no domain declares this event type
    const unknown: NewEvent = { type: 'ticket.teleported', ...envelope, payload: {} };
    expect([fits, wrongShape, wrongState, missing, unknown]).toHaveLength(5);
  });

  it('gives a subscriber the payload of the types it named', () => {
    expectTypeOf<StoredEvent<'ticket.state_changed'>['payload']>().toEqualTypeOf<{
      from: TicketStatus;
      to: TicketStatus;
    }>();
    expectTypeOf<StoredEvent<'ticket.commented'>['payload']['internal']>().toEqualTypeOf<boolean>();
    expectTypeOf<StoredEvent<'ticket.sla_breached'>['payload']>().not.toEqualTypeOf<
      StoredEvent<'ticket.commented'>['payload']
    >();
  });

  it('lists at run time exactly the event types the domains declare', () => {
    expectTypeOf<(typeof eventTypes)[number]>().toEqualTypeOf<EventType>();
    expect(new Set(eventTypes).size).toBe(eventTypes.length);
  });
});

describe.each(dialects)('typed events through the outbox on %s', (dialect) => {
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

  it('a subscriber reads the fields of the payload it was recorded with', async () => {
    const seen: string[] = [];
    bus.subscribe('typed-states', ['ticket.state_changed', 'ticket.commented'], (event) => {
      // Narrowed by the event's type: each branch reads its own payload's fields, unchecked casts none.
      if (event.type === 'ticket.state_changed') seen.push(`${event.payload.from}→${event.payload.to}`);
      else seen.push(`comment ${event.payload.commentId}${event.payload.internal ? ' (internal)' : ''}`);
    });
    await t.ctx.db.transaction().execute((trx) =>
      bus.record(trx, [
        { type: 'ticket.state_changed', ...envelope, payload: { from: 'new', to: 'in_progress' } },
        { type: 'ticket.commented', ...envelope, payload: { commentId: 3, internal: true, authorId: 1 } },
        {
          type: 'ticket.updated',
          ...envelope,
          payload: { changes: [{ field: 'title', from: 'a', to: 'b' }] },
        },
      ]),
    );
    await bus.dispatchPending();
    expect(seen).toEqual(['new→in_progress', 'comment 3 (internal)']);
  });
});
