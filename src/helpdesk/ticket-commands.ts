// The help desk's commands for other domains (the SLA engine's escalations, automatic assignment): each changes a ticket inside the
// caller's transaction and returns the history entries and events it implies, for the caller to record with
// its own (recordTicketChange, ctx.events.record) so one timeline entry and one event batch tell the story.
import type { Transaction } from 'kysely';
import type { Database } from '../core/db/index.js';
import type { NewEvent } from '../core/events.js';
import type { HistoryEntry } from './history.js';
import { handedOverState, isOpenStatus } from './ticket-states.js';

type Trx = Transaction<Database>;

/** What a command changed: history entries and events, in the order they happened. */
export interface TicketChanges {
  history: HistoryEntry[];
  events: NewEvent[];
}

const str = (v: number | null) => (v === null ? null : String(v));

/**
 * Hand a ticket to a group with nobody assigned; a ticket being worked goes back to the group's queue
 * (handedOverState). Nothing changes if the group already holds it unassigned.
 */
export async function reassignTicket(
  trx: Trx,
  input: { ticketId: number; groupId: number; actorId: number | null; now: number },
): Promise<TicketChanges> {
  const { ticketId, groupId, actorId, now } = input;
  const row = await trx
    .selectFrom('tickets')
    .select(['status', 'group_id', 'assignee_id'])
    .where('id', '=', ticketId)
    .executeTakeFirstOrThrow();
  if (row.group_id === groupId && row.assignee_id === null) return { history: [], events: [] };
  const status = handedOverState(row.status);
  await trx
    .updateTable('tickets')
    .set({ group_id: groupId, assignee_id: null, status, updated_at: now })
    .where('id', '=', ticketId)
    .execute();
  const history: HistoryEntry[] = [];
  if (row.group_id !== groupId)
    history.push({ field: 'group', from: str(row.group_id), to: String(groupId) });
  if (row.assignee_id !== null) history.push({ field: 'assignee', from: String(row.assignee_id), to: null });
  if (status !== row.status) history.push({ field: 'status', from: row.status, to: status });
  const base = { subjectType: 'ticket', subjectId: ticketId, actorId };
  const events: NewEvent[] = [
    { type: 'ticket.updated', ...base, payload: { changes: history } },
    {
      type: 'ticket.assigned',
      ...base,
      payload: {
        assigneeId: null,
        groupId,
        previousAssigneeId: row.assignee_id,
        previousGroupId: row.group_id,
      },
    },
  ];
  if (status !== row.status)
    events.push({ type: 'ticket.state_changed', ...base, payload: { from: row.status, to: status } });
  return { history, events };
}

/**
 * Give a ticket waiting unassigned in a group's open queue to one of its people (automatic assignment, an
 * accepted proposal). Conditional: null when it no longer waits there (closed, taken or moved meanwhile), so
 * a caller racing a person's own change never overwrites it. A new ticket becomes assigned.
 */
export async function assignTicket(
  trx: Trx,
  input: { ticketId: number; groupId: number; assigneeId: number; actorId: number | null; now: number },
): Promise<TicketChanges | null> {
  const { ticketId, groupId, assigneeId, actorId, now } = input;
  const row = await trx
    .selectFrom('tickets')
    .select(['status', 'group_id', 'assignee_id'])
    .where('id', '=', ticketId)
    .executeTakeFirst();
  if (!row || row.assignee_id !== null || row.group_id !== groupId || !isOpenStatus(row.status)) return null;
  const status = row.status === 'new' ? 'assigned' : row.status;
  const updated = await trx
    .updateTable('tickets')
    .set({ assignee_id: assigneeId, status, updated_at: now })
    .where('id', '=', ticketId)
    .where('assignee_id', 'is', null)
    .where('group_id', '=', groupId)
    .where('status', '=', row.status)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return null;
  const history: HistoryEntry[] = [{ field: 'assignee', from: null, to: String(assigneeId) }];
  if (status !== row.status) history.push({ field: 'status', from: row.status, to: status });
  const base = { subjectType: 'ticket', subjectId: ticketId, actorId };
  const events: NewEvent[] = [
    { type: 'ticket.updated', ...base, payload: { changes: history } },
    {
      type: 'ticket.assigned',
      ...base,
      payload: { assigneeId, groupId, previousAssigneeId: null, previousGroupId: groupId },
    },
  ];
  if (status !== row.status)
    events.push({ type: 'ticket.state_changed', ...base, payload: { from: row.status, to: status } });
  return { history, events };
}

/** The highest priority (1 lowest … 5 highest). */
const topPriority = 5;

/**
 * Raise a ticket's priority by one level, unless it is at the top. `internal` marks the history entry for
 * staff only (an SLA escalation raising it says an escalation fired). `raised` tells whether it moved.
 */
export async function raisePriority(
  trx: Trx,
  input: { ticketId: number; actorId: number | null; now: number; internal?: boolean },
): Promise<TicketChanges & { raised: boolean }> {
  const { ticketId, actorId, now } = input;
  const row = await trx
    .selectFrom('tickets')
    .select('priority')
    .where('id', '=', ticketId)
    .executeTakeFirstOrThrow();
  if (row.priority >= topPriority) return { history: [], events: [], raised: false };
  await trx
    .updateTable('tickets')
    .set({ priority: row.priority + 1, updated_at: now })
    .where('id', '=', ticketId)
    .execute();
  const change = { field: 'priority', from: String(row.priority), to: String(row.priority + 1) };
  return {
    history: [input.internal ? { ...change, visibility: 'internal' } : change],
    events: [
      {
        type: 'ticket.updated',
        subjectType: 'ticket',
        subjectId: ticketId,
        actorId,
        payload: { changes: [change] },
      },
    ],
    raised: true,
  };
}
