// Ticket states and the transitions between them: one table, checked in one place; and the rule that a
// merged ticket (closed with a pointer) takes no change at all.
import type { TicketStatus } from '../core/db/index.js';
import { Conflict } from '../core/errors.js';

export const ticketStatuses: readonly TicketStatus[] = [
  'new',
  'assigned',
  'in_progress',
  'pending',
  'resolved',
  'closed',
  'awaiting_approval',
];

/** States in somebody's work queue: what auto-assignment and a technician's load count. */
export const workQueueStatuses: readonly TicketStatus[] = ['new', 'assigned', 'in_progress', 'pending'];

/**
 * Open states: not yet resolved or closed. A ticket awaiting approval is open (its requester sees it among
 * their open requests) but in nobody's work queue until its approvers say yes.
 */
export const openStatuses: readonly TicketStatus[] = [...workQueueStatuses, 'awaiting_approval'];

const transitions: Record<TicketStatus, readonly TicketStatus[]> = {
  new: ['assigned', 'in_progress', 'pending', 'resolved'],
  assigned: ['new', 'in_progress', 'pending', 'resolved'],
  in_progress: ['assigned', 'pending', 'resolved'],
  pending: ['assigned', 'in_progress', 'resolved'],
  // Reopening goes back to work; closing is final.
  resolved: ['new', 'assigned', 'in_progress', 'closed'],
  closed: [],
  // Only the approvals engine leaves this state by a decision (approvals.ts); by hand, the request can only be
  // withdrawn (closed), which cancels its pending approvals.
  awaiting_approval: ['closed'],
};

export function allowedTransitions(from: TicketStatus): readonly TicketStatus[] {
  return transitions[from];
}

export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return from === to || transitions[from].includes(to);
}

/** The state a reopened (or requester-revived) ticket returns to. */
export function reopenState(ticket: { assignee_id: number | null; group_id: number | null }): TicketStatus {
  if (ticket.assignee_id !== null) return 'in_progress';
  return ticket.group_id !== null ? 'assigned' : 'new';
}

/** States that need somebody (a technician or a group) to hold the ticket. */
export function needsOwner(status: TicketStatus): boolean {
  return status === 'assigned' || status === 'in_progress';
}

/** States in which a ticket is being worked: handing it to another group puts it back in that group's queue. */
const workingStatuses: ReadonlySet<TicketStatus> = new Set(['new', 'assigned', 'in_progress']);

/** The state after a ticket is handed to a group with nobody assigned (a pending one stays pending). */
export function handedOverState(status: TicketStatus): TicketStatus {
  return workingStatuses.has(status) ? 'assigned' : status;
}

export function isOpenStatus(status: TicketStatus): boolean {
  return openStatuses.includes(status);
}

/** A merged ticket is read-only: every change answers where the conversation went on. */
export function refuseMerged(row: { id: number; merged_into_id: number | null }): void {
  if (row.merged_into_id !== null)
    throw new Conflict(
      'ticket_merged',
      `Ticket ${row.id} was merged into #${row.merged_into_id} and is read-only; change #${row.merged_into_id} instead.`,
    );
}
