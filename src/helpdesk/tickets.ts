// Tickets: filing, reading, changing and listing requests and incidents. Every change is recorded in the
// ticket's history and published as a domain event in the same transaction as the change itself.
import type { SelectQueryBuilder, Transaction } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, HistoryVisibility, TicketRow, TicketStatus, TicketType } from '../core/db/index.js';
import { type CodeOfKind, Conflict, Forbidden, Invalid, NotFound } from '../core/errors.js';
import type { NewEvent } from '../core/events.js';
import { type Level, levelName } from './levels.js';
import { canTicket, historyVisibility } from './policies.js';
import { computePriority, getPriorityMatrix } from './priority-matrix.js';
import {
  broadMatchTest,
  type IndexedWords,
  indexTags,
  indexTicket,
  matchingTickets,
  rememberSearchWords,
  type SearchSubjects,
  searchCandidates,
  searchSubjects,
} from './ticket-search.js';
import {
  allowedTransitions,
  canTransition,
  needsOwner,
  openStatuses,
  reopenState,
  ticketStatuses,
} from './ticket-states.js';

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
}

export interface CreateTicketInput {
  title: string;
  description: string;
  type?: TicketType;
  impact?: Level;
  urgency?: Level;
  /** Staff only: file on behalf of a requester. */
  requesterId?: number;
  categoryId?: number | null;
  /** A category by name (case-insensitive), for clients that know names, not ids. */
  categoryName?: string;
  assigneeId?: number | null;
  groupId?: number | null;
  relatedTicketId?: number | null;
  tags?: string[];
  watcherIds?: number[];
}

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
}

export const ticketLimits = { title: 200, description: 65_535, tags: 20, tag: 50, watchers: 50 } as const;

type Trx = Transaction<Database>;

/** One change on a ticket's history: the field, and its value before and after. */
export interface HistoryEntry {
  field: string;
  from: string | null;
  to: string | null;
  /** Who may see the entry; without it, what its kind calls for (historyVisibility). */
  visibility?: HistoryVisibility;
}

function invalid(field: string, message: string, code: CodeOfKind<'invalid'> = 'validation_failed'): Invalid {
  return new Invalid(code, `${field.slice(1)}: ${message}`, [{ field, message }]);
}

function cleanTitle(title: string): string {
  const t = title.trim();
  if (t.length === 0 || t.length > ticketLimits.title)
    throw invalid('/title', `must be 1–${ticketLimits.title} characters`);
  return t;
}

function cleanDescription(d: string): string {
  if (d.length > ticketLimits.description)
    throw invalid('/description', `must be at most ${ticketLimits.description} characters`);
  return d;
}

export function cleanTags(tags: string[]): string[] {
  const out = [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0))].sort();
  if (out.length > ticketLimits.tags) throw invalid('/tags', `at most ${ticketLimits.tags} tags`);
  for (const t of out) {
    if (t.length > ticketLimits.tag || !/^[\p{L}\p{N}][\p{L}\p{N}._:/-]*$/u.test(t)) {
      throw invalid(
        '/tags',
        `tag "${t.slice(0, 60)}" must be up to ${ticketLimits.tag} letters, digits or . _ : / -`,
      );
    }
  }
  return out;
}

async function resolveCategory(
  trx: Trx,
  id: number | null | undefined,
  name: string | undefined,
): Promise<number | null | undefined> {
  if (name !== undefined) {
    const row = await trx
      .selectFrom('categories')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['name']), '=', name.trim().toLowerCase()))
      .executeTakeFirst();
    if (!row) throw invalid('/category', `no category named "${name.slice(0, 100)}"`, 'invalid_reference');
    return row.id;
  }
  if (id === undefined || id === null) return id;
  const row = await trx.selectFrom('categories').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw invalid('/categoryId', `no category ${id}`, 'invalid_reference');
  return id;
}

async function checkStaffUser(trx: Trx, id: number, field: string): Promise<void> {
  const u = await trx.selectFrom('users').select(['role', 'active']).where('id', '=', id).executeTakeFirst();
  if (u?.active !== 1 || u.role === 'requester')
    throw invalid(field, `user ${id} is not an active technician, manager or admin`, 'invalid_reference');
}

async function checkGroup(trx: Trx, id: number): Promise<void> {
  const g = await trx.selectFrom('groups').select('id').where('id', '=', id).executeTakeFirst();
  if (!g) throw invalid('/groupId', `no group ${id}`, 'invalid_reference');
}

async function checkUsers(trx: Trx, ids: number[], field: string): Promise<void> {
  if (ids.length === 0) return;
  const found = await trx
    .selectFrom('users')
    .select('id')
    .where('id', 'in', ids)
    .where('active', '=', 1)
    .execute();
  if (found.length !== ids.length)
    throw invalid(field, 'refers to a user that does not exist or is inactive', 'invalid_reference');
}

/** Record a ticket's changes by one actor (null: the system) at one moment, in the caller's transaction. */
export async function writeHistory(
  trx: Trx,
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

function str(v: number | string | null | undefined): string | null {
  return v === null || v === undefined ? null : String(v);
}

export function toTicket(row: TicketRow, tags: string[], watcherIds: number[]): Ticket {
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
  };
}

async function decorate(db: ServiceContext['db'], rows: TicketRow[]): Promise<Ticket[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const [tags, watchers] = await Promise.all([
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
  ]);
  const tagMap = new Map<number, string[]>();
  for (const t of tags) tagMap.set(t.ticket_id, [...(tagMap.get(t.ticket_id) ?? []), t.tag]);
  const watchMap = new Map<number, number[]>();
  for (const w of watchers) watchMap.set(w.ticket_id, [...(watchMap.get(w.ticket_id) ?? []), w.user_id]);
  return rows.map((r) => toTicket(r, tagMap.get(r.id) ?? [], watchMap.get(r.id) ?? []));
}

/**
 * More work to do in the transaction that writes a ticket or comment, committing with it or not at all (the
 * mail channel records which mail opened the ticket there, so a crash cannot leave one without the other).
 */
export type InSameTransaction<T> = (trx: Transaction<Database>, created: T) => Promise<void>;

export async function createTicket(
  ctx: ServiceContext,
  actor: Actor,
  input: CreateTicketInput,
  inSameTransaction?: InSameTransaction<Ticket>,
): Promise<Ticket> {
  const title = cleanTitle(input.title);
  const description = cleanDescription(input.description);
  const tags = cleanTags(input.tags ?? []);
  const watcherIds = [...new Set(input.watcherIds ?? [])].sort((a, b) => a - b);
  if (watcherIds.length > ticketLimits.watchers)
    throw invalid('/watcherIds', `at most ${ticketLimits.watchers} watchers`);
  const staff = canTicket(actor, 'ticket.create_for_other');
  const onBehalf = input.requesterId !== undefined && input.requesterId !== actor.id;
  if (!staff && (onBehalf || input.assigneeId != null || input.groupId != null || watcherIds.length > 0)) {
    throw new Forbidden(
      'forbidden',
      'A requester files tickets for themself; assignment and watchers are set by technicians.',
    );
  }
  const impact = input.impact ?? 3;
  const urgency = input.urgency ?? 3;
  const matrix = await getPriorityMatrix(ctx);
  const priority = computePriority(matrix, impact, urgency);
  const now = ctx.clock.now();
  const requesterId = input.requesterId ?? actor.id;
  const assigneeId = input.assigneeId ?? null;
  const groupId = input.groupId ?? null;
  const status: TicketStatus = assigneeId !== null || groupId !== null ? 'assigned' : 'new';

  let indexed: IndexedWords | null = null;
  const ticket = await ctx.db.transaction().execute(async (trx) => {
    const categoryId = (await resolveCategory(trx, input.categoryId, input.categoryName)) ?? null;
    if (onBehalf) await checkUsers(trx, [requesterId], '/requesterId');
    if (assigneeId !== null) await checkStaffUser(trx, assigneeId, '/assigneeId');
    if (groupId !== null) await checkGroup(trx, groupId);
    await checkUsers(trx, watcherIds, '/watcherIds');
    if (input.relatedTicketId != null) {
      const related = await trx
        .selectFrom('tickets')
        .select(['id', 'requester_id'])
        .where('id', '=', input.relatedTicketId)
        .executeTakeFirst();
      if (!related || !canTicket(actor, 'ticket.read', related)) {
        throw invalid('/relatedTicketId', `no ticket ${input.relatedTicketId}`, 'invalid_reference');
      }
    }
    const row = await trx
      .insertInto('tickets')
      .values({
        title,
        description,
        type: input.type ?? 'incident',
        status,
        impact,
        urgency,
        priority,
        requester_id: requesterId,
        category_id: categoryId,
        assignee_id: assigneeId,
        group_id: groupId,
        related_ticket_id: input.relatedTicketId ?? null,
        created_by: actor.id,
        created_at: now,
        updated_at: now,
        resolved_at: null,
        closed_at: null,
        satisfaction: null,
        satisfaction_comment: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (tags.length > 0)
      await trx
        .insertInto('ticket_tags')
        .values(tags.map((tag) => ({ ticket_id: row.id, tag })))
        .execute();
    if (tags.length > 0) await indexTags(trx, tags);
    if (watcherIds.length > 0) {
      await trx
        .insertInto('ticket_watchers')
        .values(watcherIds.map((user_id) => ({ ticket_id: row.id, user_id })))
        .execute();
    }
    indexed = await indexTicket(trx, ctx.caps, row.id, title, description, true);
    const history: HistoryEntry[] = [{ field: 'created', from: null, to: status }];
    if (assigneeId !== null) history.push({ field: 'assignee', from: null, to: String(assigneeId) });
    if (groupId !== null) history.push({ field: 'group', from: null, to: String(groupId) });
    await writeHistory(trx, row.id, actor.id, now, history);
    const t = toTicket(row, tags, watcherIds);
    const events: NewEvent[] = [
      {
        type: 'ticket.created',
        subjectType: 'ticket',
        subjectId: row.id,
        actorId: actor.id,
        payload: { ticket: eventView(t) },
      },
    ];
    if (assigneeId !== null || groupId !== null) {
      events.push({
        type: 'ticket.assigned',
        subjectType: 'ticket',
        subjectId: row.id,
        actorId: actor.id,
        payload: { assigneeId, groupId },
      });
    }
    await ctx.events.record(trx, events);
    await inSameTransaction?.(trx, t);
    return t;
  });
  rememberSearchWords(indexed);
  ctx.events.nudge();
  return ticket;
}

/** What events carry of a ticket: enough for a webhook consumer, nothing internal. */
function eventView(t: Ticket): Record<string, unknown> {
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
 * Load a ticket row the actor may see, or throw NotFound (never Forbidden: do not reveal existence). A
 * requester who sees it as a watcher gets `watcher: true`, which the policies read (a watcher may reply).
 */
export async function loadVisibleTicket(
  db: ServiceContext['db'] | Trx,
  actor: Actor,
  id: number,
): Promise<TicketRow & { watcher?: boolean }> {
  const row = await db.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('ticket_not_found', `No ticket ${id}.`);
  if (actor.role === 'requester' && row.requester_id !== actor.id) {
    const w = await db
      .selectFrom('ticket_watchers')
      .select('user_id')
      .where('ticket_id', '=', id)
      .where('user_id', '=', actor.id)
      .executeTakeFirst();
    if (!w) throw new NotFound('ticket_not_found', `No ticket ${id}.`);
    return { ...row, watcher: true };
  }
  return row;
}

export async function getTicket(ctx: ServiceContext, actor: Actor, id: number): Promise<Ticket> {
  const row = await loadVisibleTicket(ctx.db, actor, id);
  return (await decorate(ctx.db, [row]))[0];
}

function sameList<T>(a: T[], b: T[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

export async function updateTicket(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: UpdateTicketInput,
): Promise<Ticket> {
  const staff = canTicket(actor, 'ticket.update_fields');
  const keys = Object.keys(input).filter((k) => (input as Record<string, unknown>)[k] !== undefined);
  const onlyStatus = keys.every((k) => k === 'status');
  const matrix = await getPriorityMatrix(ctx);
  const now = ctx.clock.now();
  let indexed: IndexedWords | null = null;
  const result = await ctx.db.transaction().execute(async (trx) => {
    const row = await loadVisibleTicket(trx, actor, id);
    // Visibility first (404 for tickets the actor may not see), then what they may change (403).
    if (!staff && !onlyStatus)
      throw new Forbidden('forbidden', 'A requester may only close or reopen their resolved ticket.');
    if (row.status === 'closed')
      throw new Conflict('ticket_closed', `Ticket ${id} is closed; file a new request that references it.`);
    const set: Partial<TicketRow> = {};
    const history: HistoryEntry[] = [];
    const events: NewEvent[] = [];
    const change = <K extends keyof TicketRow>(col: K, field: string, value: TicketRow[K]) => {
      if (row[col] === value) return;
      set[col] = value;
      history.push({ field, from: str(row[col] as never), to: str(value as never) });
    };

    if (input.title !== undefined) change('title', 'title', cleanTitle(input.title));
    if (input.description !== undefined)
      change('description', 'description', cleanDescription(input.description));
    if (input.type !== undefined) change('type', 'type', input.type);
    const categoryId = await resolveCategory(trx, input.categoryId, input.categoryName);
    if (categoryId !== undefined) change('category_id', 'category', categoryId);
    if (input.relatedTicketId !== undefined) {
      if (input.relatedTicketId !== null) {
        if (input.relatedTicketId === id)
          throw invalid('/relatedTicketId', 'a ticket cannot reference itself');
        const related = await trx
          .selectFrom('tickets')
          .select('id')
          .where('id', '=', input.relatedTicketId)
          .executeTakeFirst();
        if (!related)
          throw invalid('/relatedTicketId', `no ticket ${input.relatedTicketId}`, 'invalid_reference');
      }
      change('related_ticket_id', 'related_ticket', input.relatedTicketId);
    }
    const impact = input.impact ?? (row.impact as Level);
    const urgency = input.urgency ?? (row.urgency as Level);
    change('impact', 'impact', impact);
    change('urgency', 'urgency', urgency);
    if (input.priority !== undefined) change('priority', 'priority', input.priority);
    else if (input.impact !== undefined || input.urgency !== undefined)
      change('priority', 'priority', computePriority(matrix, impact, urgency));

    // Assignment.
    const assigneeId = input.assigneeId !== undefined ? input.assigneeId : row.assignee_id;
    const groupId = input.groupId !== undefined ? input.groupId : row.group_id;
    if (assigneeId !== null && assigneeId !== row.assignee_id)
      await checkStaffUser(trx, assigneeId, '/assigneeId');
    if (groupId !== null && groupId !== row.group_id) await checkGroup(trx, groupId);
    const assignmentChanged = assigneeId !== row.assignee_id || groupId !== row.group_id;
    change('assignee_id', 'assignee', assigneeId);
    change('group_id', 'group', groupId);
    if (assignmentChanged) {
      events.push({
        type: 'ticket.assigned',
        subjectType: 'ticket',
        subjectId: id,
        actorId: actor.id,
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
        const closing = row.status === 'resolved' && status === 'closed';
        if (!(reopening || closing) || !canTicket(actor, 'ticket.close_or_reopen', row)) {
          throw new Forbidden('forbidden', 'A requester may only close or reopen their own resolved ticket.');
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
        actorId: actor.id,
        payload: { from: row.status, to: status },
      });
    }

    // Tags and watchers replace the lists.
    let tags: string[] | null = null;
    let watcherIds: number[] | null = null;
    if (input.tags !== undefined) {
      tags = cleanTags(input.tags);
      const before = (
        await trx.selectFrom('ticket_tags').select('tag').where('ticket_id', '=', id).orderBy('tag').execute()
      ).map((t) => t.tag);
      if (!sameList(before, tags)) {
        await trx.deleteFrom('ticket_tags').where('ticket_id', '=', id).execute();
        if (tags.length > 0)
          await trx
            .insertInto('ticket_tags')
            .values(tags.map((tag) => ({ ticket_id: id, tag })))
            .execute();
        if (tags.length > 0) await indexTags(trx, tags);
        history.push({ field: 'tags', from: before.join(',') || null, to: tags.join(',') || null });
      }
    }
    if (input.watcherIds !== undefined) {
      watcherIds = [...new Set(input.watcherIds)].sort((a, b) => a - b);
      if (watcherIds.length > ticketLimits.watchers)
        throw invalid('/watcherIds', `at most ${ticketLimits.watchers} watchers`);
      await checkUsers(trx, watcherIds, '/watcherIds');
      const before = (
        await trx
          .selectFrom('ticket_watchers')
          .select('user_id')
          .where('ticket_id', '=', id)
          .orderBy('user_id')
          .execute()
      ).map((w) => w.user_id);
      if (!sameList(before, watcherIds)) {
        await trx.deleteFrom('ticket_watchers').where('ticket_id', '=', id).execute();
        if (watcherIds.length > 0)
          await trx
            .insertInto('ticket_watchers')
            .values(watcherIds.map((user_id) => ({ ticket_id: id, user_id })))
            .execute();
        history.push({ field: 'watchers', from: before.join(',') || null, to: watcherIds.join(',') || null });
      }
    }

    if (history.length > 0) {
      set.updated_at = now;
      await trx.updateTable('tickets').set(set).where('id', '=', id).execute();
      if (set.title !== undefined || set.description !== undefined) {
        indexed = await indexTicket(
          trx,
          ctx.caps,
          id,
          set.title ?? row.title,
          set.description ?? row.description,
          false,
        );
      }
      await writeHistory(trx, id, actor.id, now, history);
      events.unshift({
        type: 'ticket.updated',
        subjectType: 'ticket',
        subjectId: id,
        actorId: actor.id,
        payload: {
          changes: history
            .filter((h) => h.field !== 'description')
            .map((h) => ({ field: h.field, from: h.from, to: h.to })),
        },
      });
      await ctx.events.record(trx, events);
    }
    return history.length > 0;
  });
  rememberSearchWords(indexed);
  if (result) ctx.events.nudge();
  return getTicket(ctx, actor, id);
}

/** A requester rates the resolution of their resolved or closed ticket (1–5, with a comment). */
export async function rateTicket(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: { score: number; comment?: string },
): Promise<Ticket> {
  if (!Number.isInteger(input.score) || input.score < 1 || input.score > 5)
    throw invalid('/score', 'must be 1–5');
  const comment = input.comment?.slice(0, 5000) ?? null;
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await loadVisibleTicket(trx, actor, id);
    if (!canTicket(actor, 'ticket.rate', row))
      throw new Forbidden('forbidden', 'Only the requester rates the resolution.');
    if (row.status !== 'resolved' && row.status !== 'closed') {
      throw new Conflict('transition_not_allowed', 'Only a resolved or closed ticket can be rated.');
    }
    await trx
      .updateTable('tickets')
      .set({ satisfaction: input.score, satisfaction_comment: comment, updated_at: now })
      .where('id', '=', id)
      .execute();
    await writeHistory(trx, id, actor.id, now, [
      { field: 'satisfaction', from: str(row.satisfaction), to: String(input.score) },
    ]);
    await ctx.events.record(trx, [
      {
        type: 'ticket.updated',
        subjectType: 'ticket',
        subjectId: id,
        actorId: actor.id,
        payload: {
          changes: [{ field: 'satisfaction', from: str(row.satisfaction), to: String(input.score) }],
        },
      },
    ]);
  });
  ctx.events.nudge();
  return getTicket(ctx, actor, id);
}

// ---- Listing -------------------------------------------------------------------------------------------

export const ticketSorts = ['created', '-created', 'updated', '-updated', 'priority', '-priority'] as const;
export type TicketSort = (typeof ticketSorts)[number];

export interface TicketFilter {
  q?: string;
  status?: TicketStatus[];
  /** 'open' is a shorthand for every open state. */
  priority?: Level[];
  assigneeId?: number | 'none';
  groupId?: number | 'none';
  /** Any of these groups ("my groups"). */
  groupIds?: number[];
  requesterId?: number;
  categoryId?: number;
  tag?: string;
  createdFrom?: number;
  createdTo?: number;
  updatedFrom?: number;
  updatedTo?: number;
  sort?: TicketSort;
  limit: number;
  cursor?: string;
}

export interface TicketPage {
  items: Ticket[];
  nextCursor: string | null;
}

interface Cursor {
  /** keyset: the sort value and id of the last item */
  k?: [number, number];
  /** ranked search: offset */
  o?: number;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor(s: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    const keyOk =
      c.k === undefined || (Array.isArray(c.k) && c.k.length === 2 && c.k.every(Number.isSafeInteger));
    const offOk = c.o === undefined || (Number.isSafeInteger(c.o) && c.o >= 0 && c.o <= 100_000);
    if (c && typeof c === 'object' && keyOk && offOk && (c.k !== undefined) !== (c.o !== undefined)) return c;
  } catch {
    // fall through to the error below
  }
  throw new Invalid('invalid_cursor', 'The cursor was not issued by this service.', [
    { field: 'query/cursor', message: 'unknown cursor' },
  ]);
}

const sortColumn = { created: 'id', updated: 'updated_at', priority: 'priority' } as const;

/** Ranked search reads at least this many of the newest matches of each source (see searchCandidates). */
export const searchCandidateLimit = 1000;
/** A sorted search for a broad word tests tickets in chunks of this many, for at most this many tickets. */
const broadWalkChunk = 200;
const broadWalkLimit = 10_000;

type TicketQuery<O> = SelectQueryBuilder<Database, 'tickets', O>;

/** The visibility rule and the filters of a list, on any query over tickets. */
function applyFilters<O>(
  query: TicketQuery<O>,
  actor: Actor,
  staff: boolean,
  filter: TicketFilter,
  /** One half of a requester's visibility rule (their own tickets, or those they watch), or both. */
  visible: 'own' | 'watched' | 'both' = 'both',
  /** The caller joined ticket_tags for the tag filter (see listTickets). */
  tagJoined = false,
): TicketQuery<O> {
  if (!staff && visible === 'own') {
    query = query.where('tickets.requester_id', '=', actor.id);
  } else if (!staff && visible === 'watched') {
    query = query.where('tickets.id', 'in', (eb) =>
      eb.selectFrom('ticket_watchers').select('ticket_id').where('user_id', '=', actor.id),
    );
  } else if (!staff) {
    query = query.where((eb) =>
      eb.or([
        eb('tickets.requester_id', '=', actor.id),
        eb(
          'tickets.id',
          'in',
          eb.selectFrom('ticket_watchers').select('ticket_id').where('user_id', '=', actor.id),
        ),
      ]),
    );
  }
  if (filter.status?.length) query = query.where('tickets.status', 'in', filter.status);
  if (filter.priority?.length) query = query.where('tickets.priority', 'in', filter.priority);
  if (filter.assigneeId !== undefined) {
    query =
      filter.assigneeId === 'none'
        ? query.where('tickets.assignee_id', 'is', null)
        : query.where('tickets.assignee_id', '=', filter.assigneeId);
  }
  if (filter.groupId !== undefined) {
    query =
      filter.groupId === 'none'
        ? query.where('tickets.group_id', 'is', null)
        : query.where('tickets.group_id', '=', filter.groupId);
  }
  if (filter.groupIds !== undefined)
    query = query.where('tickets.group_id', 'in', filter.groupIds.length ? filter.groupIds : [-1]);
  if (filter.requesterId !== undefined) query = query.where('tickets.requester_id', '=', filter.requesterId);
  if (filter.categoryId !== undefined) query = query.where('tickets.category_id', '=', filter.categoryId);
  if (filter.tag !== undefined && !tagJoined) {
    const tag = filter.tag.trim().toLowerCase();
    query = query.where('tickets.id', 'in', (eb) =>
      eb.selectFrom('ticket_tags').select('ticket_id').where('tag', '=', tag),
    );
  }
  if (filter.createdFrom !== undefined) query = query.where('tickets.created_at', '>=', filter.createdFrom);
  if (filter.createdTo !== undefined) query = query.where('tickets.created_at', '<', filter.createdTo);
  if (filter.updatedFrom !== undefined) query = query.where('tickets.updated_at', '>=', filter.updatedFrom);
  if (filter.updatedTo !== undefined) query = query.where('tickets.updated_at', '<', filter.updatedTo);
  return query;
}

export async function listTickets(
  ctx: ServiceContext,
  actor: Actor,
  filter: TicketFilter,
): Promise<TicketPage> {
  const cursor = filter.cursor ? decodeCursor(filter.cursor) : undefined;
  const staff = canTicket(actor, 'comment.read_internal');
  const searching = filter.q !== undefined && filter.q.trim() !== '';
  const ranked = searching && filter.sort === undefined;
  const sort: TicketSort = filter.sort ?? '-created';
  const desc = sort.startsWith('-');
  const col = sortColumn[sort.replace('-', '') as 'created' | 'updated' | 'priority'];

  // A ticket number, people's names, categories and tags the query names (see searchSubjects).
  const subjects = searching ? await searchSubjects(ctx.db, filter.q as string) : null;
  if (ranked) {
    if (cursor && cursor.o === undefined)
      throw new Invalid('invalid_cursor', 'The cursor belongs to another query.', [
        { field: 'query/cursor', message: 'unknown cursor' },
      ]);
    return rankedSearch(ctx, actor, staff, filter, cursor?.o ?? 0, subjects);
  }

  // A page is found as ids (and sort keys) first, which indexes often answer alone — a created-at range
  // is read from its (created_at, id) index, not from the rows — and only the page's rows are read.
  const pageQuery = (
    f: TicketFilter,
    visible: 'own' | 'watched' | 'both',
    after = cursor?.k,
    rowLimit = filter.limit + 1,
    joinMatches = searching,
  ) => {
    let query = ctx.db.selectFrom('tickets');
    if (joinMatches)
      query = query.innerJoin((matches as NonNullable<typeof matches>).as('m'), 'm.ticket_id', 'tickets.id');
    // A tag: join its (tag, ticket_id) index and walk it in id order. (An IN list of every ticket with the
    // tag is built in full first: ~10 ms for a common tag at a million tickets.)
    let id: 'tickets.id' | 'tt.ticket_id' = 'tickets.id';
    if (f.tag !== undefined) {
      const tag = f.tag.trim().toLowerCase();
      query = query.innerJoin(
        (eb) => eb.selectFrom('ticket_tags').select(['ticket_id', 'tag']).as('tt'),
        (join) => join.onRef('tt.ticket_id', '=', 'tickets.id').on('tt.tag', '=', tag),
      ) as unknown as typeof query;
      id = 'tt.ticket_id';
    }
    query = applyFilters(query, actor, staff, f, visible, f.tag !== undefined);
    if (after) {
      const [value, lastId] = after;
      query =
        col === 'id'
          ? query.where(id as 'tickets.id', desc ? '<' : '>', lastId)
          : query.where((eb) =>
              eb(eb.refTuple(`tickets.${col}`, 'tickets.id'), desc ? '<' : '>', eb.tuple(value, lastId)),
            );
    }
    if (col !== 'id') query = query.orderBy(`tickets.${col}`, desc ? 'desc' : 'asc');
    return query
      .select(['tickets.id as id', `tickets.${col} as key`])
      .orderBy(col === 'id' ? (id as 'tickets.id') : 'tickets.id', desc ? 'desc' : 'asc')
      .limit(rowLimit);
  };
  const matches = searching ? matchingTickets(ctx.caps, filter.q as string, staff, subjects) : null;
  if (searching && !matches) return { items: [], nextCursor: null };
  if (cursor && !cursor.k)
    throw new Invalid('invalid_cursor', 'The cursor belongs to another query.', [
      { field: 'query/cursor', message: 'unknown cursor' },
    ]);
  // Several states ("open") would be several ranges of the (status, id) index, and a requester's "own or
  // watched" an OR of two indexes: the database reads such ranges in full and sorts them. One query per
  // state and per half of the visibility rule reads each range in order and stops at the page: merge them.
  const statuses = filter.status && !searching ? [...new Set(filter.status)] : [];
  const states = statuses.length > 1 ? statuses.map((status) => ({ ...filter, status: [status] })) : [filter];
  const halves: Array<'own' | 'watched' | 'both'> = staff || searching ? ['both'] : ['own', 'watched'];
  type Keyed = { id: number; key: number };
  let rows: Keyed[] | null = null;
  // A broad word (in most tickets): walk the tickets in the sort order and test each chunk against the
  // words, stopping at the page — joining every match (a million) and sorting them takes seconds.
  const test = searching
    ? await broadMatchTest(ctx.db, ctx.caps, filter.q as string, staff, searchCandidateLimit, subjects)
    : null;
  if (test) {
    const found: Keyed[] = [];
    let after = cursor?.k;
    let exhausted = false;
    for (let scanned = 0; found.length <= filter.limit && scanned < broadWalkLimit; ) {
      const chunk = (await pageQuery(filter, 'both', after, broadWalkChunk, false).execute()) as Keyed[];
      const hits = await test(chunk.map((r) => r.id));
      for (const r of chunk) if (hits.has(r.id)) found.push(r);
      scanned += chunk.length;
      if (chunk.length < broadWalkChunk) {
        exhausted = true;
        break;
      }
      const last = chunk[chunk.length - 1];
      after = [last.key, last.id];
    }
    if (exhausted || found.length > filter.limit) rows = found.slice(0, filter.limit + 1);
  }
  if (rows) {
    // the walk found the page
  } else if (states.length * halves.length > 1) {
    const parts = await Promise.all(
      states.flatMap((f) => halves.map((visible) => pageQuery(f, visible).execute())),
    );
    const dir = desc ? -1 : 1;
    const seen = new Set<number>();
    rows = (parts.flat() as Keyed[])
      .sort((a, b) => dir * (a.key - b.key || a.id - b.id))
      .filter((r) => !seen.has(r.id) && seen.add(r.id) !== undefined)
      .slice(0, filter.limit + 1);
  } else {
    rows = (await pageQuery(filter, 'both').execute()) as Keyed[];
  }
  const more = rows.length > filter.limit;
  const pageKeys = rows.slice(0, filter.limit);
  let nextCursor: string | null = null;
  if (more) {
    const last = pageKeys[pageKeys.length - 1];
    nextCursor = encodeCursor({ k: [last.key, last.id] });
  }
  return {
    items: await ticketsInOrder(
      ctx,
      pageKeys.map((r) => r.id),
    ),
    nextCursor,
  };
}

/** A page's tickets, read by id and kept in the page's order, with their tags and watchers. */
async function ticketsInOrder(ctx: ServiceContext, ids: number[]): Promise<Ticket[]> {
  if (ids.length === 0) return [];
  const rows = await ctx.db.selectFrom('tickets').selectAll().where('id', 'in', ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r as TicketRow]));
  return decorate(
    ctx.db,
    ids.map((id) => byId.get(id)).filter((r): r is TicketRow => r !== undefined),
  );
}

/**
 * Search ranked by relevance (score, then id, both descending), paged by offset. The candidates come from
 * the search port, bounded for very broad queries (the newest matches); the filters then pick among them.
 * When the bound left too few candidates that pass the filters to fill the page, the bound grows sixteenfold
 * and the search runs again, up to every match.
 */
async function rankedSearch(
  ctx: ServiceContext,
  actor: Actor,
  staff: boolean,
  filter: TicketFilter,
  offset: number,
  subjects: SearchSubjects | null,
): Promise<TicketPage> {
  const q = filter.q as string;
  const wanted = offset + filter.limit + 1;
  // A requester searching a word found in most tickets: the newest matches are mostly other people's, so
  // look at the few tickets they may see and test those against the words instead.
  if (!staff) {
    const own = await requesterBroadSearch(ctx, actor, filter, offset, subjects);
    if (own) return own;
  }
  let limit: number | null = Math.max(searchCandidateLimit, wanted);
  let scores: Map<number, number>;
  let ids: number[];
  for (;;) {
    const found = await searchCandidates(ctx.db, ctx.caps, q, staff, limit, subjects);
    if (!found) return { items: [], nextCursor: null };
    scores = found.scores;
    ids = await passingFilters(ctx, actor, staff, filter, [...scores.keys()]);
    if (!found.truncated || ids.length >= wanted || limit === null) break;
    limit = limit >= 1_000_000 ? null : limit * 16;
  }
  ids.sort((a, b) => (scores.get(b) as number) - (scores.get(a) as number) || b - a);
  const pageIds = ids.slice(offset, offset + filter.limit);
  const more = ids.length > offset + filter.limit;
  return {
    items: await ticketsInOrder(ctx, pageIds),
    nextCursor: more ? encodeCursor({ o: offset + filter.limit }) : null,
  };
}

/**
 * A requester's broad search: walk the tickets they may see, newest first, testing each chunk against the
 * words, until there are requesterCandidateLimit candidates (far more than one person's matching requests,
 * as a rule) or their tickets run out; then rank those as the broad case does (title, description, comment;
 * then newest).
 */
const requesterCandidateLimit = 200;

async function requesterBroadSearch(
  ctx: ServiceContext,
  actor: Actor,
  filter: TicketFilter,
  offset: number,
  subjects: SearchSubjects | null,
): Promise<TicketPage | null> {
  const test = await broadMatchTest(
    ctx.db,
    ctx.caps,
    filter.q as string,
    false,
    searchCandidateLimit,
    subjects,
  );
  if (!test) return null;
  const scores = new Map<number, number>();
  const want = Math.max(requesterCandidateLimit, offset + filter.limit + 1);
  let before: number | null = null;
  for (;;) {
    let query = applyFilters(ctx.db.selectFrom('tickets').select('tickets.id'), actor, false, filter)
      .orderBy('tickets.id', 'desc')
      .limit(broadWalkChunk);
    if (before !== null) query = query.where('tickets.id', '<', before);
    const chunk = (await query.execute()).map((r) => r.id);
    for (const [id, score] of await test(chunk)) scores.set(id, score);
    if (chunk.length < broadWalkChunk || scores.size >= want) break;
    before = chunk[chunk.length - 1];
  }
  const ids = [...scores.keys()].sort(
    (a, b) => (scores.get(b) as number) - (scores.get(a) as number) || b - a,
  );
  const pageIds = ids.slice(offset, offset + filter.limit);
  return {
    items: await ticketsInOrder(ctx, pageIds),
    nextCursor: ids.length > offset + filter.limit ? encodeCursor({ o: offset + filter.limit }) : null,
  };
}

/** Which of these tickets pass the visibility rule and the filters (in chunks: bound parameters are finite). */
async function passingFilters(
  ctx: ServiceContext,
  actor: Actor,
  staff: boolean,
  filter: TicketFilter,
  ids: number[],
): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i += 5000) {
    const chunk = ids.slice(i, i + 5000);
    const rows = await applyFilters(ctx.db.selectFrom('tickets').select('tickets.id'), actor, staff, filter)
      .where('tickets.id', 'in', chunk)
      .execute();
    for (const r of rows) out.push(r.id);
  }
  return out;
}

export { openStatuses, ticketStatuses };
