// Filing a ticket: createTicket writes the ticket, its tags, watchers, search index rows, history and events
// in one transaction. Reading is in ticket-reads.ts, changing in ticket-changes.ts, lists in ticket-list.ts.
import type { Transaction } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, TicketStatus, TicketType } from '../core/db/index.js';
import { Forbidden } from '../core/errors.js';
import type { NewEvent } from '../core/events.js';
import { type HistoryEntry, recordTicketChange } from './history.js';
import type { Level } from './levels.js';
import { canTicket } from './policies.js';
import { computePriority, getPriorityMatrix } from './priority-matrix.js';
import {
  checkGroup,
  checkStaffUser,
  checkUsers,
  cleanDescription,
  cleanTags,
  cleanTitle,
  cleanWatchers,
  invalid,
  resolveCategory,
} from './ticket-input.js';
import { type Ticket, ticketEventView, toTicket } from './ticket-reads.js';
import { type IndexedWords, indexTags, indexTicket, rememberSearchWords } from './ticket-search.js';

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

/**
 * More work to do in the transaction that writes a ticket or comment, committing with it or not at all (the
 * mail channel records which mail opened the ticket there, so a crash cannot leave one without the other).
 */
export type InSameTransaction<T> = (trx: Transaction<Database>, created: T) => Promise<void>;

/**
 * Where the service catalogue files a ticket: the request type, and the group its defaults route it to (which
 * a requester may not choose by hand). Set by fileRequest only, never from a request body.
 */
export interface CatalogueRouting {
  requestTypeId: number | null;
  groupId: number | null;
  /** The type needs approval: the ticket starts awaiting it, and its group hears of it once approved. */
  awaitingApproval?: boolean;
}

export async function createTicket(
  ctx: ServiceContext,
  actor: Actor,
  input: CreateTicketInput,
  inSameTransaction?: InSameTransaction<Ticket>,
  routing?: CatalogueRouting,
): Promise<Ticket> {
  const title = cleanTitle(input.title);
  const description = cleanDescription(input.description);
  const tags = cleanTags(input.tags ?? []);
  const watcherIds = cleanWatchers(input.watcherIds ?? []);
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
  const groupId = input.groupId ?? routing?.groupId ?? null;
  const status: TicketStatus = routing?.awaitingApproval
    ? 'awaiting_approval'
    : assigneeId !== null || groupId !== null
      ? 'assigned'
      : 'new';

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
        request_type_id: routing?.requestTypeId ?? null,
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
    await recordTicketChange(trx, row.id, actor.id, now, history);
    const t = toTicket(row, tags, watcherIds);
    const events: NewEvent[] = [
      {
        type: 'ticket.created',
        subjectType: 'ticket',
        subjectId: row.id,
        actorId: actor.id,
        payload: { ticket: ticketEventView(t) },
      },
    ];
    if ((assigneeId !== null || groupId !== null) && status !== 'awaiting_approval') {
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
