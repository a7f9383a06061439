// A ticket's history: who changed which field, when, from what to what. Each entry is public or internal
// (chosen by its writer, see historyVisibility); the server gives requesters only the public ones.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { HistoryVisibility } from '../core/db/index.js';
import { canTicket } from './policies.js';
import { loadVisibleTicket } from './tickets.js';

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
