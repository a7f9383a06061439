// Comments on tickets: public replies the requester sees, and internal notes for staff only. A requester's
// reply revives a pending or resolved ticket, as the help desks users know do.

import type { Transaction } from 'kysely';
import { type Actor, isStaff } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, TicketStatus } from '../core/db/index.js';
import { Conflict, Forbidden, Invalid } from '../core/errors.js';
import type { NewEvent } from '../core/events.js';
import { type HistoryEntry, recordTicketChange } from './history.js';
import { canTicket } from './policies.js';
import type { AutomationOrigin } from './ticket-events.js';
import { resolveMergedTicket } from './ticket-links.js';
import { loadVisibleTicket } from './ticket-reads.js';
import { type IndexedWords, indexComment, rememberSearchWords } from './ticket-search.js';
import { refuseMerged, reopenState } from './ticket-states.js';
import type { InSameTransaction } from './tickets.js';

export interface Comment {
  id: number;
  ticketId: number;
  authorId: number;
  body: string;
  internal: boolean;
  createdAt: number;
  /** The ticket this comment was split into (it stays here too). */
  splitToTicketId: number | null;
}

export const commentMaxLength = 65_535;

export async function addComment(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  input: { body: string; internal?: boolean },
  inSameTransaction?: InSameTransaction<{ id: number }>,
): Promise<Comment> {
  const body = input.body;
  if (body.trim().length === 0 || body.length > commentMaxLength) {
    throw new Invalid('validation_failed', `body: must be 1–${commentMaxLength} characters`, [
      { field: '/body', message: `must be 1–${commentMaxLength} characters` },
    ]);
  }
  const internal = input.internal === true;
  const now = ctx.clock.now();
  const { comment, indexed } = await ctx.db.transaction().execute(async (trx) => {
    const written = await writeCommentIn(ctx, trx, actor, ticketId, { body, internal }, now);
    await inSameTransaction?.(trx, written.comment);
    return written;
  });
  rememberSearchWords(indexed);
  ctx.events.nudge();
  return comment;
}

/**
 * addComment's work inside the caller's transaction (a macro posts its reply and note with its changes in
 * one): checks, writes the comment, its history and events. The body is already checked for length.
 */
export async function writeCommentIn(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  actor: Actor,
  ticketId: number,
  input: { body: string; internal: boolean },
  now: number,
  origin?: AutomationOrigin,
): Promise<{ comment: Comment; indexed: IndexedWords | null }> {
  const { body, internal } = input;
  let indexed: IndexedWords | null = null;
  const ticket = await loadVisibleTicket(trx, actor, ticketId);
  if (!canTicket(actor, internal ? 'comment.internal' : 'comment.public', ticket)) {
    throw new Forbidden(
      'forbidden',
      internal ? 'Only staff write internal notes.' : 'You may not comment on this ticket.',
    );
  }
  refuseMerged(ticket);
  if (ticket.status === 'closed')
    throw new Conflict(
      'ticket_closed',
      `Ticket ${ticketId} is closed; file a new request that references it.`,
    );
  const row = await trx
    .insertInto('comments')
    .values({ ticket_id: ticketId, author_id: actor.id, body, internal: internal ? 1 : 0, created_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  indexed = await indexComment(trx, ctx.caps, row.id, body);
  const history: HistoryEntry[] = [
    {
      field: internal ? 'internal_note' : 'comment',
      from: null,
      to: String(row.id),
      visibility: internal ? 'internal' : 'public',
    },
  ];
  const events: NewEvent[] = [
    {
      type: 'ticket.commented',
      subjectType: 'ticket',
      subjectId: ticketId,
      actorId: actor.id,
      payload: { commentId: row.id, internal, authorId: actor.id, ...(origin ? { origin } : {}) },
    },
  ];
  let status: TicketStatus = ticket.status;
  // The requester answered: a ticket waiting on them, or resolved, goes back to work.
  if (
    actor.id === ticket.requester_id &&
    !isStaff(actor) &&
    (ticket.status === 'pending' || ticket.status === 'resolved')
  ) {
    status = reopenState(ticket);
    history.push({ field: 'status', from: ticket.status, to: status, visibility: 'public' });
    events.push({
      type: 'ticket.state_changed',
      subjectType: 'ticket',
      subjectId: ticketId,
      actorId: actor.id,
      payload: { from: ticket.status, to: status },
    });
  }
  // Conditional on the ticket not being merged meanwhile: on PostgreSQL this UPDATE waits for a merge that
  // holds the row and then finds it merged, so a reply never stays behind on a merged ticket.
  const touched = await trx
    .updateTable('tickets')
    .set({
      updated_at: now,
      status,
      ...(ticket.status === 'resolved' && status !== 'resolved' ? { resolved_at: null } : {}),
    })
    .where('id', '=', ticketId)
    .where('merged_into_id', 'is', null)
    .executeTakeFirst();
  if (Number(touched.numUpdatedRows) !== 1)
    refuseMerged({ id: ticketId, merged_into_id: await resolveMergedTicket(trx, ticketId) });
  await recordTicketChange(trx, ticketId, actor.id, now, history);
  await ctx.events.record(trx, events);
  return {
    comment: {
      id: row.id,
      ticketId,
      authorId: actor.id,
      body,
      internal,
      createdAt: row.created_at,
      splitToTicketId: null,
    },
    indexed,
  };
}

export async function listComments(ctx: ServiceContext, actor: Actor, ticketId: number): Promise<Comment[]> {
  await loadVisibleTicket(ctx.db, actor, ticketId);
  let q = ctx.db.selectFrom('comments').selectAll().where('ticket_id', '=', ticketId).orderBy('id');
  if (!canTicket(actor, 'comment.read_internal')) q = q.where('internal', '=', 0);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    ticketId: r.ticket_id,
    authorId: r.author_id,
    body: r.body,
    internal: r.internal === 1,
    createdAt: r.created_at,
    splitToTicketId: r.split_to_ticket_id,
  }));
}
