// Reading tickets: the Ticket shape, one ticket the actor may see (canSeeTicket), a page's tickets in order,
// and who may see a ticket's changes (its audience). Never writes.
import type { Kysely, Transaction } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { Database, TicketRow, TicketStatus, TicketType } from '../core/db/index.js';
import { NotFound } from '../core/errors.js';
import { type Level, levelName } from './levels.js';
import { canSeeTicket } from './policies.js';
import type { TicketEventView } from './ticket-events.js';
import { readTicketFields, type TicketFields } from './ticket-fields.js';

export interface Ticket {
  id: number;
  title: string;
  description: string;
  type: TicketType;
  status: TicketStatus;
  impact: Level;
  urgency: Level;
  priority: Level;
  requesterId: number;
  categoryId: number | null;
  assigneeId: number | null;
  groupId: number | null;
  relatedTicketId: number | null;
  createdBy: number;
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  closedAt: number | null;
  satisfaction: number | null;
  satisfactionComment: string | null;
  tags: string[];
  watcherIds: number[];
  /** The ticket this one was merged into: it is closed and read-only since. */
  mergedIntoId: number | null;
  /** The catalogue's request type it was filed through, if any. */
  requestTypeId: number | null;
  /** Custom field values by key. */
  fields: TicketFields;
  /** Its number in the help desk it was imported from ("zammad 31004"); null for a ticket filed here. */
  externalRef: string | null;
}

type Db = Kysely<Database> | Transaction<Database>;

export function toTicket(
  row: TicketRow,
  tags: string[],
  watcherIds: number[],
  fields: TicketFields = {},
): Ticket {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    type: row.type,
    status: row.status,
    impact: row.impact as Level,
    urgency: row.urgency as Level,
    priority: row.priority as Level,
    requesterId: row.requester_id,
    categoryId: row.category_id,
    assigneeId: row.assignee_id,
    groupId: row.group_id,
    relatedTicketId: row.related_ticket_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    resolvedAt: row.resolved_at,
    closedAt: row.closed_at,
    satisfaction: row.satisfaction,
    satisfactionComment: row.satisfaction_comment,
    tags,
    watcherIds,
    mergedIntoId: row.merged_into_id,
    requestTypeId: row.request_type_id ?? null,
    fields,
    externalRef: row.external_ref ?? null,
  };
}

/** Tickets from their rows, with their tags and watchers (two queries for any number of rows). */
export async function withDetails(db: Db, rows: TicketRow[]): Promise<Ticket[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [tags, watchers, fields] = await Promise.all([
    db
      .selectFrom('ticket_tags')
      .select(['ticket_id', 'tag'])
      .where('ticket_id', 'in', ids)
      .orderBy('tag')
      .execute(),
    db
      .selectFrom('ticket_watchers')
      .select(['ticket_id', 'user_id'])
      .where('ticket_id', 'in', ids)
      .orderBy('user_id')
      .execute(),
    readTicketFields(db, ids),
  ]);
  const tagMap = new Map<number, string[]>();
  for (const t of tags) tagMap.set(t.ticket_id, [...(tagMap.get(t.ticket_id) ?? []), t.tag]);
  const watchMap = new Map<number, number[]>();
  for (const w of watchers) watchMap.set(w.ticket_id, [...(watchMap.get(w.ticket_id) ?? []), w.user_id]);
  return rows.map((r) =>
    toTicket(r, tagMap.get(r.id) ?? [], watchMap.get(r.id) ?? [], fields.get(r.id) ?? {}),
  );
}

/** What events carry of a ticket: enough for a webhook consumer, nothing internal. */
export function ticketEventView(t: Ticket): TicketEventView {
  return {
    id: t.id,
    title: t.title,
    type: t.type,
    status: t.status,
    priority: levelName(t.priority),
    requesterId: t.requesterId,
    assigneeId: t.assigneeId,
    groupId: t.groupId,
    categoryId: t.categoryId,
    createdAt: new Date(t.createdAt).toISOString(),
  };
}

/**
 * A ticket row the actor may see (canSeeTicket), or null. A requester who sees it as a watcher gets
 * `watcher: true`, which the policies read (a watcher may reply). The watchers are read only when the rule
 * needs them.
 */
export async function findVisibleTicket(
  db: Db,
  actor: Actor,
  id: number,
): Promise<(TicketRow & { watcher?: boolean }) | null> {
  const row = await db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  if (canSeeTicket(actor, row)) return row;
  const w = await db
    .selectFrom('ticket_watchers')
    .select('user_id')
    .where('ticket_id', '=', id)
    .where('user_id', '=', actor.id)
    .executeTakeFirst();
  return w ? { ...row, watcher: true } : null;
}

/** As findVisibleTicket, but NotFound when the actor may not see it (never Forbidden: do not reveal existence). */
export async function loadVisibleTicket(
  db: Db,
  actor: Actor,
  id: number,
): Promise<TicketRow & { watcher?: boolean }> {
  const row = await findVisibleTicket(db, actor, id);
  if (!row) throw new NotFound('ticket_not_found', `No ticket ${id}.`);
  return row;
}

export async function getTicket(ctx: { db: Kysely<Database> }, actor: Actor, id: number): Promise<Ticket> {
  const row = await loadVisibleTicket(ctx.db, actor, id);
  return (await withDetails(ctx.db, [row]))[0];
}

/** A page's tickets, read by id and kept in the page's order, with their tags and watchers. */
export async function ticketsInOrder(db: Kysely<Database>, ids: number[]): Promise<Ticket[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('tickets').selectAll().where('id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r as TicketRow]));
  return withDetails(
    db,
    ids.map((id) => byId.get(id)).filter((r): r is TicketRow => r !== undefined),
  );
}

/** Who may see a ticket's changes besides staff: its requester and its watchers. Null: no such ticket. */
export interface TicketAudience {
  requesterId: number;
  watcherIds: number[];
}

export async function ticketAudience(db: Kysely<Database>, ticketId: number): Promise<TicketAudience | null> {
  const [ticket, watchers] = await Promise.all([
    db.selectFrom('tickets').select(['requester_id']).where('id', '=', ticketId).executeTakeFirst(),
    db.selectFrom('ticket_watchers').select('user_id').where('ticket_id', '=', ticketId).execute(),
  ]);
  if (!ticket) return null;
  return { requesterId: ticket.requester_id, watcherIds: watchers.map((w) => w.user_id) };
}

/** canSeeTicket for an audience read once and asked for many users (the live stream's fan-out). */
export function audienceIncludes(audience: TicketAudience, actor: Pick<Actor, 'id' | 'role'>): boolean {
  return canSeeTicket(actor, {
    requester_id: audience.requesterId,
    watcher: audience.watcherIds.includes(actor.id),
  });
}
