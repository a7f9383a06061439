// Planning a ticket change (planTicketChange) without a database: which columns, history entries and events
// a request implies, and which requests are refused — the rules updateTicket applies in its transaction.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TicketRow, TicketStatus } from '../../src/core/db/index.js';
import { Conflict, Forbidden } from '../../src/core/errors.js';
import { defaultPriorityMatrix } from '../../src/helpdesk/priority-matrix.js';
import { type ChangeFacts, planTicketChange } from '../../src/helpdesk/ticket-change-plan.js';
import { ticketStatuses } from '../../src/helpdesk/ticket-states.js';

const now = 1_800_000_000_000;

function ticket(overrides: Partial<TicketRow> = {}): TicketRow {
  return {
    id: 7,
    title: 'Printer jams',
    description: 'Third floor',
    type: 'incident',
    status: 'new',
    impact: 3,
    urgency: 3,
    priority: 3,
    requester_id: 100,
    category_id: null,
    assignee_id: null,
    group_id: null,
    related_ticket_id: null,
    created_by: 100,
    created_at: now - 60_000,
    updated_at: now - 60_000,
    resolved_at: null,
    closed_at: null,
    satisfaction: null,
    satisfaction_comment: null,
    merged_into_id: null,
    request_type_id: null,
    external_ref: null,
    ...overrides,
  };
}

function facts(overrides: Partial<ChangeFacts>): ChangeFacts {
  return {
    row: ticket(),
    input: {},
    categoryId: undefined,
    actorId: 1,
    staff: true,
    mayCloseOrReopen: true,
    matrix: defaultPriorityMatrix,
    now,
    tagsBefore: null,
    watchersBefore: null,
    ...overrides,
  };
}

describe('planning a ticket change', () => {
  it('a new ticket handed to a group becomes assigned: history, then updated, assigned, state_changed', () => {
    const plan = planTicketChange(facts({ input: { groupId: 4 } }));
    expect(plan.set).toEqual({ group_id: 4, status: 'assigned', updated_at: now });
    expect(plan.history).toEqual([
      { field: 'group', from: null, to: '4' },
      { field: 'status', from: 'new', to: 'assigned' },
    ]);
    expect(plan.events.map((e) => e.type)).toEqual([
      'ticket.updated',
      'ticket.assigned',
      'ticket.state_changed',
    ]);
    expect(plan.events[1].payload).toEqual({
      assigneeId: null,
      groupId: 4,
      previousAssigneeId: null,
      previousGroupId: null,
    });
  });

  it('asking for what the ticket already is changes nothing and records no event', () => {
    const plan = planTicketChange(
      facts({ input: { title: 'Printer jams', impact: 3 }, tagsBefore: ['a'], watchersBefore: [] }),
    );
    expect(plan).toEqual({ set: {}, tags: null, watcherIds: null, history: [], events: [] });
  });

  it('a new impact recomputes the priority from the matrix; an explicit priority wins', () => {
    const computed = planTicketChange(facts({ input: { impact: 5, urgency: 5 } }));
    expect(computed.set.priority).toBe(defaultPriorityMatrix[4][4]);
    const explicit = planTicketChange(facts({ input: { impact: 5, urgency: 5, priority: 1 } }));
    expect(explicit.set.priority).toBe(1);
  });

  it('a description change is in the history but not in the event summary', () => {
    const plan = planTicketChange(facts({ input: { description: 'Fourth floor' } }));
    expect(plan.history).toEqual([{ field: 'description', from: 'Third floor', to: 'Fourth floor' }]);
    expect(plan.events).toHaveLength(1);
    expect(plan.events[0].payload).toEqual({ changes: [] });
  });

  it('tags and watchers replace the lists only when they differ', () => {
    const same = planTicketChange(facts({ input: { tags: ['a', 'b'] }, tagsBefore: ['a', 'b'] }));
    expect(same.tags).toBeNull();
    const changed = planTicketChange(
      facts({ input: { tags: ['b'], watcherIds: [3] }, tagsBefore: ['a', 'b'], watchersBefore: [] }),
    );
    expect(changed.tags).toEqual(['b']);
    expect(changed.watcherIds).toEqual([3]);
    expect(changed.history).toEqual([
      { field: 'tags', from: 'a,b', to: 'b' },
      { field: 'watchers', from: null, to: '3' },
    ]);
  });

  it('resolving stamps resolved_at; reopening clears it; closing stamps closed_at', () => {
    const owned = { assignee_id: 2, group_id: 4 };
    expect(
      planTicketChange(
        facts({ row: ticket({ ...owned, status: 'in_progress' }), input: { status: 'resolved' } }),
      ).set,
    ).toMatchObject({
      status: 'resolved',
      resolved_at: now,
    });
    const resolved = ticket({ ...owned, status: 'resolved', resolved_at: now - 1000 });
    expect(planTicketChange(facts({ row: resolved, input: { status: 'in_progress' } })).set).toMatchObject({
      status: 'in_progress',
      resolved_at: null,
    });
    expect(planTicketChange(facts({ row: resolved, input: { status: 'closed' } })).set).toMatchObject({
      status: 'closed',
      closed_at: now,
    });
  });

  it('a requester reopening their resolved ticket sends it back to whoever holds it', () => {
    const row = ticket({ status: 'resolved', group_id: 4, resolved_at: now - 1000 });
    const plan = planTicketChange(facts({ row, input: { status: 'new' }, staff: false, actorId: 100 }));
    expect(plan.set.status).toBe('assigned');
  });

  it('refuses what the rules forbid', () => {
    expect(() => planTicketChange(facts({ input: { title: 'x' }, staff: false }))).toThrow(Forbidden);
    expect(() =>
      planTicketChange(
        facts({
          row: ticket({ status: 'resolved' }),
          input: { status: 'closed' },
          staff: false,
          mayCloseOrReopen: false,
        }),
      ),
    ).toThrow(Forbidden);
    expect(() =>
      planTicketChange(facts({ row: ticket({ status: 'closed' }), input: { title: 'x' } })),
    ).toThrow(expect.objectContaining({ code: 'ticket_closed' }));
    expect(() => planTicketChange(facts({ input: { status: 'in_progress' } }))).toThrow(
      expect.objectContaining({ code: 'transition_not_allowed' }),
    );
    expect(() =>
      planTicketChange(facts({ row: ticket({ status: 'new' }), input: { status: 'closed' } })),
    ).toThrow(Conflict);
  });

  it('any plan: every history entry has its column or list, and ticket.updated leads the events iff anything changed', () => {
    const status = fc.constantFrom(...ticketStatuses.filter((s) => s !== 'closed'));
    const owner = fc.option(fc.integer({ min: 1, max: 3 }), { nil: null });
    fc.assert(
      fc.property(
        status,
        owner,
        owner,
        fc.option(status, { nil: undefined }),
        owner,
        owner,
        fc.integer({ min: 1, max: 5 }),
        (from: TicketStatus, assignee, group, to, newAssignee, newGroup, impact) => {
          const row = ticket({ status: from, assignee_id: assignee, group_id: group });
          let plan: ReturnType<typeof planTicketChange>;
          try {
            plan = planTicketChange(
              facts({
                row,
                input: { status: to, assigneeId: newAssignee, groupId: newGroup, impact: impact as 1 },
              }),
            );
          } catch (err) {
            expect(err).toBeInstanceOf(Conflict);
            return;
          }
          const column: Record<string, keyof TicketRow> = {
            status: 'status',
            assignee: 'assignee_id',
            group: 'group_id',
            impact: 'impact',
            priority: 'priority',
          };
          for (const h of plan.history) expect(plan.set).toHaveProperty(column[h.field]);
          expect(plan.events[0]?.type === 'ticket.updated').toBe(plan.history.length > 0);
          if (plan.set.status !== undefined)
            expect(plan.events.map((e) => e.type)).toContain('ticket.state_changed');
        },
      ),
    );
  });
});
