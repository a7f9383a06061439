// Planning a change to a ticket (updateTicket): a pure function from the ticket as it is, what was asked and
// the facts read for it, to the columns to write, the history entries and the events — or the reason it is
// refused. ticket-changes.ts reads the facts and applies the plan in one transaction.
import type { TicketRow, TicketStatus, TicketType } from '../core/db/index.js';
import { Conflict, Forbidden } from '../core/errors.js';
import type { NewEvent } from '../core/events.js';
import type { HistoryEntry } from './history.js';
import type { Level } from './levels.js';
import { computePriority, type PriorityMatrix } from './priority-matrix.js';
import { allowedTransitions, canTransition, needsOwner, refuseMerged, reopenState } from './ticket-states.js';

export interface UpdateTicketInput {
  title?: string;
  description?: string;
  type?: TicketType;
  impact?: Level;
  urgency?: Level;
  /** Staff may override the matrix. */
  priority?: Level;
  categoryId?: number | null;
  categoryName?: string;
  assigneeId?: number | null;
  groupId?: number | null;
  status?: TicketStatus;
  relatedTicketId?: number | null;
  tags?: string[];
  watcherIds?: number[];
  /** Custom field values by key (null clears one): staff only, applied by setTicketFields. */
  fields?: Record<string, unknown>;
}

/** What the plan needs besides the request: read (and checked) in the transaction, or given by the caller. */
export interface ChangeFacts {
  /** The ticket as it is, read in the transaction. */
  row: TicketRow;
  /** The request, its title, description, tags and watchers already cleaned (ticket-input.ts). */
  input: UpdateTicketInput;
  /** The category the request names, resolved (undefined: not asked). */
  categoryId: number | null | undefined;
  actorId: number;
  /** The actor is staff (may change every field). */
  staff: boolean;
  /** A requester may close or reopen this ticket (their own). */
  mayCloseOrReopen: boolean;
  matrix: PriorityMatrix;
  now: number;
  /** The ticket's tags and watchers before, read when the request replaces them (else null). */
  tagsBefore: string[] | null;
  watchersBefore: number[] | null;
}

export interface TicketChangePlan {
  /** Columns to write (updated_at included); empty when nothing changes. */
  set: Partial<TicketRow>;
  /** The new tag and watcher lists when they change, else null. */
  tags: string[] | null;
  watcherIds: number[] | null;
  history: HistoryEntry[];
  /** In order: ticket.updated (when anything changed), ticket.assigned, ticket.state_changed. */
  events: NewEvent[];
}

function str(v: number | string | null | undefined): string | null {
  return v === null || v === undefined ? null : String(v);
}

function sameList<T>(a: T[], b: T[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Whether the actor may change this ticket at all: checked before anything is read or validated. */
export function checkMayChange(row: TicketRow, input: UpdateTicketInput, staff: boolean): void {
  const onlyStatus = Object.keys(input)
    .filter((k) => (input as Record<string, unknown>)[k] !== undefined)
    .every((k) => k === 'status');
  if (!staff && !onlyStatus)
    throw new Forbidden('forbidden', 'A requester may only close or reopen their resolved ticket.');
  refuseMerged(row);
  if (row.status === 'closed')
    throw new Conflict('ticket_closed', `Ticket ${row.id} is closed; file a new request that references it.`);
}

export function planTicketChange(facts: ChangeFacts): TicketChangePlan {
  const { row, input, staff, actorId, now } = facts;
  const id = row.id;
  checkMayChange(row, input, staff);
  const set: Partial<TicketRow> = {};
  const history: HistoryEntry[] = [];
  const events: NewEvent[] = [];
  const change = <K extends keyof TicketRow>(col: K, field: string, value: TicketRow[K]) => {
    if (row[col] === value) return;
    set[col] = value;
    history.push({ field, from: str(row[col] as never), to: str(value as never) });
  };

  if (input.title !== undefined) change('title', 'title', input.title);
  if (input.description !== undefined) change('description', 'description', input.description);
  if (input.type !== undefined) change('type', 'type', input.type);
  if (facts.categoryId !== undefined) change('category_id', 'category', facts.categoryId);
  if (input.relatedTicketId !== undefined)
    change('related_ticket_id', 'related_ticket', input.relatedTicketId);
  const impact = input.impact ?? (row.impact as Level);
  const urgency = input.urgency ?? (row.urgency as Level);
  change('impact', 'impact', impact);
  change('urgency', 'urgency', urgency);
  if (input.priority !== undefined) change('priority', 'priority', input.priority);
  else if (input.impact !== undefined || input.urgency !== undefined)
    change('priority', 'priority', computePriority(facts.matrix, impact, urgency));

  // Assignment.
  const assigneeId = input.assigneeId !== undefined ? input.assigneeId : row.assignee_id;
  const groupId = input.groupId !== undefined ? input.groupId : row.group_id;
  change('assignee_id', 'assignee', assigneeId);
  change('group_id', 'group', groupId);
  if (assigneeId !== row.assignee_id || groupId !== row.group_id) {
    events.push({
      type: 'ticket.assigned',
      subjectType: 'ticket',
      subjectId: id,
      actorId,
      payload: { assigneeId, groupId, previousAssigneeId: row.assignee_id, previousGroupId: row.group_id },
    });
  }

  // State: explicit, or implied by assignment (a new ticket that gets an owner is assigned; an assigned
  // ticket that loses every owner is new again).
  let status: TicketStatus = row.status;
  if (input.status !== undefined) {
    status = input.status;
    if (!staff) {
      const reopening = row.status === 'resolved' && status !== 'closed' && status !== 'resolved';
      // Closing a request still awaiting approval withdraws it (its pending approvals are cancelled).
      const closing =
        (row.status === 'resolved' || row.status === 'awaiting_approval') && status === 'closed';
      if (!(reopening || closing) || !facts.mayCloseOrReopen) {
        throw new Forbidden(
          'forbidden',
          'A requester may only close or reopen their own resolved ticket, or withdraw a request awaiting approval.',
        );
      }
      if (reopening) status = reopenState({ assignee_id: assigneeId, group_id: groupId });
    }
  } else if (row.status === 'new' && (assigneeId !== null || groupId !== null)) {
    status = 'assigned';
  } else if (row.status === 'assigned' && assigneeId === null && groupId === null) {
    status = 'new';
  }
  if (!canTransition(row.status, status)) {
    const allowed = allowedTransitions(row.status);
    throw new Conflict(
      'transition_not_allowed',
      `A ${row.status} ticket cannot become ${status}; allowed: ${allowed.length ? allowed.join(', ') : 'none'}.`,
    );
  }
  if (needsOwner(status) && assigneeId === null && groupId === null) {
    throw new Conflict(
      'transition_not_allowed',
      `A ticket cannot be ${status} without an assignee or a group.`,
    );
  }
  if (status !== row.status) {
    change('status', 'status', status);
    if (status === 'resolved') set.resolved_at = now;
    if (status === 'closed') set.closed_at = now;
    if (row.status === 'resolved' && status !== 'closed') set.resolved_at = null;
    events.push({
      type: 'ticket.state_changed',
      subjectType: 'ticket',
      subjectId: id,
      actorId,
      payload: { from: row.status, to: status },
    });
  }

  // Tags and watchers replace the lists.
  let tags: string[] | null = null;
  if (input.tags !== undefined && facts.tagsBefore !== null && !sameList(facts.tagsBefore, input.tags)) {
    tags = input.tags;
    history.push({ field: 'tags', from: facts.tagsBefore.join(',') || null, to: tags.join(',') || null });
  }
  let watcherIds: number[] | null = null;
  if (
    input.watcherIds !== undefined &&
    facts.watchersBefore !== null &&
    !sameList(facts.watchersBefore, input.watcherIds)
  ) {
    watcherIds = input.watcherIds;
    history.push({
      field: 'watchers',
      from: facts.watchersBefore.join(',') || null,
      to: watcherIds.join(',') || null,
    });
  }

  if (history.length === 0) return { set: {}, tags: null, watcherIds: null, history, events: [] };
  set.updated_at = now;
  events.unshift({
    type: 'ticket.updated',
    subjectType: 'ticket',
    subjectId: id,
    actorId,
    payload: {
      changes: history
        .filter((h) => h.field !== 'description')
        .map((h) => ({ field: h.field, from: h.from, to: h.to })),
    },
  });
  return { set, tags, watcherIds, history, events };
}
