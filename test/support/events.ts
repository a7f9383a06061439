// Domain events for tests that exercise the outbox itself: a well-formed `ticket.created` for any subject id,
// with the payload shape the help desk records (typed by DomainEvents).
import type { NewEvent } from '../../src/core/events.js';

export const ticketCreatedEvent = (subjectId: number): NewEvent => ({
  type: 'ticket.created',
  subjectType: 'ticket',
  subjectId,
  actorId: null,
  payload: {
    ticket: {
      id: subjectId,
      title: `Ticket ${subjectId}`,
      type: 'incident',
      status: 'new',
      priority: 'medium',
      requesterId: 1,
      assigneeId: null,
      groupId: null,
      categoryId: null,
      createdAt: '2026-11-30T00:00:00.000Z',
    },
  },
});
