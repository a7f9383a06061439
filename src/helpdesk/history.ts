// A ticket's history: who changed which field, when, from what to what. Every entry is written here
// (recordTicketChange, in the caller's transaction — the help desk's own writes and other domains' alike);
// each is public or internal (chosen by its writer, see historyVisibility), and requesters read only the
// public ones.
import type { Transaction } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { chunks, type Database, type HistoryVisibility } from '../core/db/index.js';
import { canTicket, historyVisibility } from './policies.js';
import { loadVisibleTicket } from './ticket-reads.js';

/** One change on a ticket's history: the field, and its value before and after. */
export interface HistoryEntry {
  field: string;
  from: string | null;
  to: string | null;
  /** Who may see the entry; without it, what its kind calls for (historyVisibility). */
  visibility?: HistoryVisibility;
}

export interface HistoryItem {
  id: number;
  ticketId: number;
  actorId: number | null;
  at: number;
  field: string;
  from: string | null;
  to: string | null;
  visibility: HistoryVisibility;
}

/** Record a ticket's changes by one actor (null: the system) at one moment, in the caller's transaction. */
export async function recordTicketChange(
  trx: Transaction<Database>,
  ticketId: number,
  actorId: number | null,
  at: number,
  entries: HistoryEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await trx
    .insertInto('ticket_history')
    .values(
      entries.map((e) => ({
        ticket_id: ticketId,
        actor_id: actorId,
        at,
        field: e.field,
        from_value: e.from,
        to_value: e.to,
        visibility: e.visibility ?? historyVisibility(e.field),
      })),
    )
    .execute();
}

/** One actor's changes to one ticket at one moment, for recordTicketChanges. */
export interface TicketChange {
  ticketId: number;
  actorId: number | null;
  at: number;
  entries: HistoryEntry[];
}

/**
 * Record many tickets' changes at once (a bulk writer's page), in the caller's transaction and in the order
 * given: a ticket's history reads in id order.
 */
export async function recordTicketChanges(
  trx: Transaction<Database>,
  changes: TicketChange[],
): Promise<void> {
  const rows = changes.flatMap((c) =>
    c.entries.map((e) => ({
      ticket_id: c.ticketId,
      actor_id: c.actorId,
      at: c.at,
      field: e.field,
      from_value: e.from,
      to_value: e.to,
      visibility: e.visibility ?? historyVisibility(e.field),
    })),
  );
  // Seven columns a row: 500 rows stay far below either engine's cap on parameters.
  for (const part of chunks(rows, 500)) await trx.insertInto('ticket_history').values(part).execute();
}

export async function listHistory(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
): Promise<HistoryItem[]> {
  await loadVisibleTicket(ctx.db, actor, ticketId);
  let q = ctx.db.selectFrom('ticket_history').selectAll().where('ticket_id', '=', ticketId).orderBy('id');
  if (!canTicket(actor, 'history.read_internal')) q = q.where('visibility', '=', 'public');
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    ticketId: r.ticket_id,
    actorId: r.actor_id,
    at: r.at,
    field: r.field,
    from: r.from_value,
    to: r.to_value,
    visibility: r.visibility,
  }));
}
