// Merging duplicates and splitting a comment off. mergeTicket moves a ticket's conversation (comments,
// attachments), its watchers and requester (as watchers), a copy of its history and its links onto the ticket
// that carries on, then closes it with a pointer (merged_into_id) — one transaction, both rows locked in id
// order so two opposite merges cannot both succeed. splitComment files a comment as a new ticket of the same
// requester, related to the one it came from.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { TicketRow } from '../core/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../core/errors.js';
import type { NewEvent } from '../core/events.js';
import { cancelApprovals } from './approvals.js';
import { type HistoryEntry, recordTicketChange } from './history.js';
import type { Level } from './levels.js';
import { canTicket } from './policies.js';
import { insertLink, linkRefusal, lockTickets, resolveMergedTicket } from './ticket-links.js';
import { findVisibleTicket, getTicket, loadVisibleTicket, type Ticket } from './ticket-reads.js';
import { refuseMerged } from './ticket-states.js';
import { createTicket } from './tickets.js';

/** History rows copied per INSERT (PostgreSQL takes at most 65,535 parameters a statement). */
const historyChunk = 500;
/** Tries when a ticket of the merge is merged elsewhere between reading the chain and locking it. */
const mergeAttempts = 3;

/**
 * Merge ticket `id` into `intoId` and answer the survivor. Decisions (README, Merge, split and links): merging
 * into a ticket that was itself merged follows its pointer to the ticket that carries on; a closed survivor is
 * refused (merge_target_closed), as is a closed or merged source; both tickets must be visible to the actor
 * and the actor staff (canTicket 'ticket.merge').
 */
export async function mergeTicket(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: { intoId: number },
): Promise<Ticket> {
  const now = ctx.clock.now();
  let survivorId = 0;
  for (let attempt = 1; ; attempt++) {
    const done = await ctx.db.transaction().execute(async (trx) => {
      const source = await loadVisibleTicket(trx, actor, id);
      if (!canTicket(actor, 'ticket.merge', source))
        throw new Forbidden('forbidden', 'Only staff merge tickets.');
      const intoId = await resolveMergedTicket(trx, input.intoId);
      if (intoId === id)
        throw new Invalid(
          'merge_into_self',
          input.intoId === id
            ? `Ticket ${id} cannot be merged into itself.`
            : `Ticket ${input.intoId} was merged into #${id}: ticket ${id} cannot be merged into it.`,
          [{ field: '/intoId', message: 'the ticket itself' }],
        );
      const visibleTarget = await findVisibleTicket(trx, actor, intoId);
      if (!visibleTarget) throw new NotFound('ticket_not_found', `No ticket ${input.intoId}.`);
      if (!canTicket(actor, 'ticket.merge', visibleTarget))
        throw new Forbidden('forbidden', 'Only staff merge tickets.');
      // Lock both, in id order (an opposite merge locks the same order), then read them again as locked.
      await lockTickets(ctx, trx, [id, intoId]);
      const rows = await trx.selectFrom('tickets').selectAll().where('id', 'in', [id, intoId]).execute();
      const from = rows.find((r) => r.id === id) as TicketRow;
      const into = rows.find((r) => r.id === intoId) as TicketRow;
      // Merged meanwhile (another merge committed while we waited): read the chain again.
      if (into.merged_into_id !== null) return false;
      refuseMerged(from);
      if (from.status === 'closed')
        throw new Conflict('ticket_closed', `Ticket ${id} is closed; a closed ticket is not merged.`);
      if (into.status === 'closed')
        throw new Conflict(
          'merge_target_closed',
          `Ticket ${intoId} is closed; merge into an open or resolved ticket.`,
        );
      await carryOver(ctx, trx, actor, from, into, now);
      survivorId = intoId;
      return true;
    });
    if (done) break;
    if (attempt >= mergeAttempts)
      throw new Conflict(
        'write_conflict',
        `Ticket ${input.intoId} keeps being merged; read it again and retry.`,
      );
  }
  ctx.events.nudge();
  return getTicket(ctx, actor, survivorId);
}

async function carryOver(
  ctx: ServiceContext,
  trx: Parameters<typeof lockTickets>[1],
  actor: Actor,
  from: TicketRow,
  into: TicketRow,
  now: number,
): Promise<void> {
  const moved = await trx
    .updateTable('comments')
    .set({ ticket_id: into.id })
    .where('ticket_id', '=', from.id)
    .executeTakeFirst();
  const files = await trx
    .updateTable('attachments')
    .set({ ticket_id: into.id })
    .where('ticket_id', '=', from.id)
    .executeTakeFirst();

  // Watchers: the merged ticket's watchers and its requester follow the survivor (once each); they keep
  // watching the merged one too, so its banner still leads them on.
  const [fromWatchers, intoWatchers] = await Promise.all([
    trx.selectFrom('ticket_watchers').select('user_id').where('ticket_id', '=', from.id).execute(),
    trx.selectFrom('ticket_watchers').select('user_id').where('ticket_id', '=', into.id).execute(),
  ]);
  const have = new Set([into.requester_id, ...intoWatchers.map((w) => w.user_id)]);
  const added = [...new Set([from.requester_id, ...fromWatchers.map((w) => w.user_id)])]
    .filter((u) => !have.has(u))
    .sort((a, b) => a - b);
  if (added.length > 0)
    await trx
      .insertInto('ticket_watchers')
      .values(added.map((user_id) => ({ ticket_id: into.id, user_id })))
      .execute();

  // History: a copy of the merged ticket's entries, named merged.<field> so the survivor's own clocks (SLA)
  // and state are not rewritten by another ticket's past; each keeps its time, actor and visibility.
  const past = await trx
    .selectFrom('ticket_history')
    .selectAll()
    .where('ticket_id', '=', from.id)
    .orderBy('id')
    .execute();
  for (let i = 0; i < past.length; i += historyChunk) {
    await trx
      .insertInto('ticket_history')
      .values(
        past.slice(i, i + historyChunk).map((h) => ({
          ticket_id: into.id,
          actor_id: h.actor_id,
          at: h.at,
          field: `merged.${h.field}`.slice(0, 200),
          from_value: h.from_value,
          to_value: h.to_value,
          visibility: h.visibility,
        })),
      )
      .execute();
  }

  // Links: re-pointed at the survivor, unless that would make a self link, a duplicate, a second parent or a
  // cycle (then the survivor already says it, or cannot).
  const links = await trx
    .selectFrom('ticket_links')
    .selectAll()
    .where((eb) => eb.or([eb('from_ticket_id', '=', from.id), eb('to_ticket_id', '=', from.id)]))
    .orderBy('id')
    .execute();
  await trx
    .deleteFrom('ticket_links')
    .where((eb) => eb.or([eb('from_ticket_id', '=', from.id), eb('to_ticket_id', '=', from.id)]))
    .execute();
  const events: NewEvent[] = [];
  let relinked = 0;
  for (const l of links) {
    const a = l.from_ticket_id === from.id ? into.id : l.from_ticket_id;
    const b = l.to_ticket_id === from.id ? into.id : l.to_ticket_id;
    if (await linkRefusal(trx, a, b, l.kind)) continue;
    const made = await insertLink(trx, { from: a, to: b, kind: l.kind, actorId: actor.id, now });
    events.push(...made.events);
    relinked++;
  }

  // The merged ticket: closed, with the pointer; its SLA clocks stop with the close.
  const fromHistory: HistoryEntry[] = [
    { field: 'merged_into', from: null, to: String(into.id), visibility: 'public' },
    { field: 'status', from: from.status, to: 'closed', visibility: 'public' },
  ];
  await trx
    .updateTable('tickets')
    .set({
      merged_into_id: into.id,
      status: 'closed',
      closed_at: now,
      resolved_at: from.resolved_at ?? now,
      updated_at: now,
    })
    .where('id', '=', from.id)
    .where('merged_into_id', 'is', null)
    .execute();
  // A duplicate request still waiting for approval: its approvers are asked no more (the survivor carries on).
  if (from.status === 'awaiting_approval')
    await cancelApprovals(trx, {
      subjectType: 'ticket',
      subjectId: from.id,
      actorId: actor.id,
      reason: `The request was merged into #${into.id}.`,
      now,
    });
  await recordTicketChange(trx, from.id, actor.id, now, fromHistory);

  const intoHistory: HistoryEntry[] = [
    { field: 'merged_from', from: null, to: String(from.id), visibility: 'public' },
  ];
  if (added.length > 0)
    intoHistory.push({
      field: 'watchers',
      from: [...have].filter((u) => u !== into.requester_id).join(',') || null,
      to: [...have, ...added]
        .filter((u) => u !== into.requester_id)
        .sort((x, y) => x - y)
        .join(','),
    });
  await trx.updateTable('tickets').set({ updated_at: now }).where('id', '=', into.id).execute();
  await recordTicketChange(trx, into.id, actor.id, now, intoHistory);

  const base = { subjectType: 'ticket', actorId: actor.id } as const;
  await ctx.events.record(trx, [
    {
      type: 'ticket.updated',
      ...base,
      subjectId: from.id,
      payload: { changes: fromHistory.map(({ field, from: f, to }) => ({ field, from: f, to })) },
    },
    {
      type: 'ticket.state_changed',
      ...base,
      subjectId: from.id,
      payload: { from: from.status, to: 'closed' },
    },
    {
      type: 'ticket.updated',
      ...base,
      subjectId: into.id,
      payload: {
        changes: [
          ...intoHistory.map(({ field, from: f, to }) => ({ field, from: f, to })),
          { field: 'merged_comments', from: null, to: String(Number(moved.numUpdatedRows)) },
          { field: 'merged_attachments', from: null, to: String(Number(files.numUpdatedRows)) },
          { field: 'merged_links', from: null, to: String(relinked) },
        ],
      },
    },
    ...events,
  ]);
}

/**
 * Split a comment off into a new ticket: the comment's text (and its files) become the description of a
 * ticket of the same requester, type, category, impact and urgency, linked `related` to the original. The
 * comment stays where it was, marked with the new ticket's number; a comment is split once.
 */
export async function splitComment(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  commentId: number,
  input: { title?: string },
): Promise<Ticket> {
  const source = await loadVisibleTicket(ctx.db, actor, ticketId);
  if (!canTicket(actor, 'ticket.split', source))
    throw new Forbidden('forbidden', 'Only staff split a comment into a ticket.');
  refuseMerged(source);
  const comment = await ctx.db
    .selectFrom('comments')
    .selectAll()
    .where('id', '=', commentId)
    .where('ticket_id', '=', ticketId)
    .executeTakeFirst();
  if (!comment) throw new NotFound('comment_not_found', `No comment ${commentId} on ticket ${ticketId}.`);
  if (comment.internal === 1)
    throw new Invalid('split_internal_note', `Comment ${commentId} is an internal note; it is not split.`, [
      { field: 'params/commentId', message: 'an internal note' },
    ]);
  if (comment.split_to_ticket_id !== null)
    throw new Conflict(
      'comment_already_split',
      `Comment ${commentId} was split into #${comment.split_to_ticket_id} already.`,
    );
  const firstLine = comment.body.trim().split('\n')[0].trim();
  const title = (input.title?.trim() || firstLine || `Split from #${ticketId}`).slice(0, 200);
  const now = ctx.clock.now();
  const created = await createTicket(
    ctx,
    actor,
    {
      title,
      description: comment.body,
      type: source.type,
      impact: source.impact as Level,
      urgency: source.urgency as Level,
      requesterId: source.requester_id,
      categoryId: source.category_id,
    },
    async (trx, t) => {
      // Conditional: a comment split twice at once makes one ticket (the other transaction rolls back).
      const marked = await trx
        .updateTable('comments')
        .set({ split_to_ticket_id: t.id })
        .where('id', '=', commentId)
        .where('ticket_id', '=', ticketId)
        .where('split_to_ticket_id', 'is', null)
        .executeTakeFirst();
      if (Number(marked.numUpdatedRows) !== 1)
        throw new Conflict('comment_already_split', `Comment ${commentId} was split already.`);
      const files = await trx
        .selectFrom('attachments')
        .selectAll()
        .where('comment_id', '=', commentId)
        .where('ticket_id', '=', ticketId)
        .orderBy('id')
        .execute();
      if (files.length > 0) {
        await trx
          .insertInto('attachments')
          .values(
            files.map((f) => ({
              ticket_id: t.id,
              comment_id: null,
              filename: f.filename,
              content_type: f.content_type,
              size_bytes: f.size_bytes,
              sha256: f.sha256,
              uploaded_by: f.uploaded_by,
              created_at: now,
            })),
          )
          .execute();
        await recordTicketChange(
          trx,
          t.id,
          actor.id,
          now,
          files.map((f) => ({ field: 'attachment', from: null, to: f.filename })),
        );
      }
      await recordTicketChange(trx, t.id, actor.id, now, [
        { field: 'split_from', from: String(commentId), to: String(ticketId), visibility: 'public' },
      ]);
      await recordTicketChange(trx, ticketId, actor.id, now, [
        { field: 'split_to', from: String(commentId), to: String(t.id), visibility: 'public' },
      ]);
      const link = await insertLink(trx, {
        from: t.id,
        to: ticketId,
        kind: 'related',
        actorId: actor.id,
        now,
      });
      await ctx.events.record(trx, link.events);
    },
  );
  return getTicket(ctx, actor, created.id);
}
