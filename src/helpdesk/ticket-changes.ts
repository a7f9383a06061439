// Changing a ticket: updateTicket reads what the change needs, plans it (ticket-change-plan.ts, pure) and
// applies the plan — the row, its tags and watchers, the search index, its history and events — in one
// transaction; rateTicket records a requester's rating. Resolving asks time tracking first (time-entries.ts:
// with the setting on, no resolve without time logged).
import type { Transaction } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Conflict, Forbidden } from '../core/errors.js';
import { cancelApprovals } from './approvals.js';
import { recordTicketChange } from './history.js';
import { canTicket } from './policies.js';
import { getPriorityMatrix, type PriorityMatrix } from './priority-matrix.js';
import { checkMayChange, planTicketChange, type UpdateTicketInput } from './ticket-change-plan.js';
import type { AutomationOrigin } from './ticket-events.js';
import { setTicketFields } from './ticket-fields.js';
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
import { checkChildrenDone } from './ticket-links.js';
import { getTicket, loadVisibleTicket, type Ticket } from './ticket-reads.js';
import { type IndexedWords, indexTags, indexTicket, rememberSearchWords } from './ticket-search.js';
import { refuseMerged } from './ticket-states.js';
import { requireTimeBeforeResolve } from './time-entries.js';

export async function updateTicket(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: UpdateTicketInput,
): Promise<Ticket> {
  const matrix = await getPriorityMatrix(ctx);
  const now = ctx.clock.now();
  const { changed, indexed } = await ctx.db
    .transaction()
    .execute((trx) => changeTicketIn(ctx, trx, actor, id, input, { matrix, now }));
  rememberSearchWords(indexed);
  if (changed) ctx.events.nudge();
  return getTicket(ctx, actor, id);
}

/**
 * updateTicket's work inside the caller's transaction (a macro applies its changes with its replies and
 * notes in one): reads, checks, plans and writes the change, its history and events. The caller remembers
 * the indexed words and nudges the events after commit.
 */
export async function changeTicketIn(
  ctx: ServiceContext,
  trx: Transaction<Database>,
  actor: Actor,
  id: number,
  input: UpdateTicketInput,
  at: { matrix: PriorityMatrix; now: number; origin?: AutomationOrigin },
): Promise<{ changed: boolean; indexed: IndexedWords | null }> {
  const { matrix, now } = at;
  const staff = canTicket(actor, 'ticket.update_fields');
  let indexed: IndexedWords | null = null;
  const row = await loadVisibleTicket(trx, actor, id);
  // Visibility first (404 for tickets the actor may not see), then what they may change (403).
  checkMayChange(row, input, staff);
  const cleaned: UpdateTicketInput = {
    ...input,
    ...(input.title !== undefined ? { title: cleanTitle(input.title) } : {}),
    ...(input.description !== undefined ? { description: cleanDescription(input.description) } : {}),
  };
  const categoryId = await resolveCategory(trx, input.categoryId, input.categoryName);
  if (input.relatedTicketId !== undefined && input.relatedTicketId !== null) {
    if (input.relatedTicketId === id) throw invalid('/relatedTicketId', 'a ticket cannot reference itself');
    const related = await trx
      .selectFrom('tickets')
      .select('id')
      .where('id', '=', input.relatedTicketId)
      .executeTakeFirst();
    if (!related)
      throw invalid('/relatedTicketId', `no ticket ${input.relatedTicketId}`, 'invalid_reference');
  }
  const assigneeId = input.assigneeId !== undefined ? input.assigneeId : row.assignee_id;
  const groupId = input.groupId !== undefined ? input.groupId : row.group_id;
  if (assigneeId !== null && assigneeId !== row.assignee_id)
    await checkStaffUser(trx, assigneeId, '/assigneeId');
  if (groupId !== null && groupId !== row.group_id) await checkGroup(trx, groupId);
  let tagsBefore: string[] | null = null;
  if (input.tags !== undefined) {
    cleaned.tags = cleanTags(input.tags);
    tagsBefore = (
      await trx.selectFrom('ticket_tags').select('tag').where('ticket_id', '=', id).orderBy('tag').execute()
    ).map((t) => t.tag);
  }
  let watchersBefore: number[] | null = null;
  if (input.watcherIds !== undefined) {
    cleaned.watcherIds = cleanWatchers(input.watcherIds);
    await checkUsers(trx, cleaned.watcherIds, '/watcherIds');
    watchersBefore = (
      await trx
        .selectFrom('ticket_watchers')
        .select('user_id')
        .where('ticket_id', '=', id)
        .orderBy('user_id')
        .execute()
    ).map((w) => w.user_id);
  }

  const plan = planTicketChange({
    row,
    input: cleaned,
    categoryId,
    actorId: actor.id,
    staff,
    mayCloseOrReopen: canTicket(actor, 'ticket.close_or_reopen', row),
    matrix,
    now,
    tagsBefore,
    watchersBefore,
  });
  // Custom fields: checked by their definitions and written here; their history joins the plan's.
  const fieldHistory = input.fields !== undefined ? await setTicketFields(trx, id, input.fields) : [];
  if (plan.history.length === 0 && fieldHistory.length === 0) return { changed: false, indexed };
  if (fieldHistory.length > 0) {
    plan.set.updated_at = now;
    plan.history.push(...fieldHistory);
    const changes = fieldHistory.map((h) => ({ field: h.field, from: h.from, to: h.to }));
    const updated = plan.events.find((e) => e.type === 'ticket.updated');
    if (updated) (updated.payload as { changes: unknown[] }).changes.push(...changes);
    else
      plan.events.unshift({
        type: 'ticket.updated',
        subjectType: 'ticket',
        subjectId: id,
        actorId: actor.id,
        payload: { changes },
      });
  }
  if (plan.set.status === 'resolved' || plan.set.status === 'closed') await checkChildrenDone(trx, id);
  if (plan.set.status === 'resolved') await requireTimeBeforeResolve(trx, id);

  if (plan.tags !== null) {
    await trx.deleteFrom('ticket_tags').where('ticket_id', '=', id).execute();
    if (plan.tags.length > 0) {
      const tags = plan.tags;
      await trx
        .insertInto('ticket_tags')
        .values(tags.map((tag) => ({ ticket_id: id, tag })))
        .execute();
      await indexTags(trx, tags);
    }
  }
  if (plan.watcherIds !== null) {
    await trx.deleteFrom('ticket_watchers').where('ticket_id', '=', id).execute();
    if (plan.watcherIds.length > 0)
      await trx
        .insertInto('ticket_watchers')
        .values(plan.watcherIds.map((user_id) => ({ ticket_id: id, user_id })))
        .execute();
  }
  await trx.updateTable('tickets').set(plan.set).where('id', '=', id).execute();
  // Withdrawn while awaiting approval: nobody is asked any more.
  if (row.status === 'awaiting_approval' && plan.set.status !== undefined && plan.set.status !== row.status)
    await cancelApprovals(trx, {
      subjectType: 'ticket',
      subjectId: id,
      actorId: actor.id,
      reason: 'The request was withdrawn.',
      now,
    });
  if (plan.set.title !== undefined || plan.set.description !== undefined) {
    indexed = await indexTicket(
      trx,
      ctx.caps,
      id,
      plan.set.title ?? row.title,
      plan.set.description ?? row.description,
      false,
    );
  }
  await recordTicketChange(trx, id, actor.id, now, plan.history);
  // A rule's change says so on its event (loop protection: rules do not fire on it).
  const origin = at.origin;
  if (origin) for (const e of plan.events) if (e.type === 'ticket.updated') e.payload.origin = origin;
  await ctx.events.record(trx, plan.events);
  return { changed: true, indexed };
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
    refuseMerged(row);
    if (row.status !== 'resolved' && row.status !== 'closed') {
      throw new Conflict('transition_not_allowed', 'Only a resolved or closed ticket can be rated.');
    }
    await trx
      .updateTable('tickets')
      .set({ satisfaction: input.score, satisfaction_comment: comment, updated_at: now })
      .where('id', '=', id)
      .execute();
    const change = {
      field: 'satisfaction',
      from: row.satisfaction === null ? null : String(row.satisfaction),
      to: String(input.score),
    };
    await recordTicketChange(trx, id, actor.id, now, [change]);
    await ctx.events.record(trx, [
      {
        type: 'ticket.updated',
        subjectType: 'ticket',
        subjectId: id,
        actorId: actor.id,
        payload: { changes: [change] },
      },
    ]);
  });
  ctx.events.nudge();
  return getTicket(ctx, actor, id);
}
