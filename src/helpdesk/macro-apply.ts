// Using the library on a ticket: rendering a canned response's placeholders for it, and applying a macro —
// its replies and notes (addComment's path) and its changes (updateTicket's path, one plan) in ONE
// transaction with a history entry naming the macro, so permissions, states, SLA clocks, events and history
// behave as for the same changes made by hand, and a macro that breaks a rule changes nothing.
import type { Transaction } from 'kysely';
import { type Actor, actorForUser } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, TicketRow } from '../core/db/index.js';
import { type Comment, writeCommentIn } from './comments.js';
import { recordTicketChange } from './history.js';
import { levelName } from './levels.js';
import { getCannedResponse, getMacro } from './macro-library.js';
import {
  articleIds,
  firstName,
  type PlaceholderValues,
  parseTemplate,
  renderTemplate,
  type TemplatePart,
} from './macro-placeholders.js';
import { getPriorityMatrix } from './priority-matrix.js';
import type { UpdateTicketInput } from './ticket-change-plan.js';
import { changeTicketIn } from './ticket-changes.js';
import { getTicket, loadVisibleTicket, type Ticket } from './ticket-reads.js';
import { type IndexedWords, rememberSearchWords } from './ticket-search.js';

type Trx = Transaction<Database>;

/**
 * The knowledge base's links, given by the edge (the help desk does not import the knowledge base, which
 * imports it): the articles of `ids` that `reader` may read, with their title and address.
 */
export type ArticleLinker = (
  reader: Actor,
  ids: number[],
) => Promise<ReadonlyMap<number, { title: string; url: string }>>;

/** Who reads a text: the requester for a public reply, the agent for an internal note. */
type Readership = 'requester' | 'staff';

export async function placeholderValues(
  ctx: ServiceContext,
  db: Trx | ServiceContext['db'],
  row: TicketRow,
  agent: Actor,
  readership: Readership,
  parts: readonly TemplatePart[],
  links: ArticleLinker,
): Promise<PlaceholderValues> {
  const requester = await db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role'])
    .where('id', '=', row.requester_id)
    .executeTakeFirstOrThrow();
  const group =
    row.group_id === null
      ? undefined
      : await db.selectFrom('groups').select('name').where('id', '=', row.group_id).executeTakeFirst();
  const base = ctx.config.publicUrl?.replace(/\/+$/, '') ?? '';
  const ids = articleIds(parts);
  const reader = readership === 'requester' ? actorForUser({ ...requester, groupIds: [] }) : agent;
  return {
    values: {
      'ticket.number': String(row.id),
      'ticket.subject': row.title,
      'ticket.status': row.status,
      'ticket.priority': levelName(row.priority),
      'ticket.url': `${base}/tickets/${row.id}`,
      'requester.name': requester.name,
      'requester.firstName': firstName(requester.name),
      'requester.email': requester.email,
      'agent.name': agent.name,
      'agent.firstName': firstName(agent.name),
      'agent.email': agent.email,
      'group.name': group?.name ?? '',
    },
    articles: ids.length > 0 ? await links(reader, ids) : new Map(),
  };
}

/**
 * A canned response filled in for a ticket, as the agent would insert it: for a public reply (`internal`
 * false) an article link appears only when the requester may read the article; for a note, when the agent may.
 */
export async function renderCannedResponse(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  responseId: number,
  options: { internal: boolean; links: ArticleLinker },
): Promise<{ body: string }> {
  // The ticket first: hidden tickets answer 404 before the staff-only rule answers 403.
  const row = await loadVisibleTicket(ctx.db, actor, ticketId);
  const response = await getCannedResponse(ctx, actor, responseId);
  const parts = parseTemplate(response.body);
  const values = await placeholderValues(
    ctx,
    ctx.db,
    row,
    actor,
    options.internal ? 'staff' : 'requester',
    parts,
    options.links,
  );
  return { body: renderTemplate(parts, values) };
}

export interface MacroResult {
  ticket: Ticket;
  /** The replies and notes it posted, in order. */
  comments: Comment[];
}

/**
 * Apply a macro to a ticket: its replies and notes first (so a macro may answer and then resolve), then its
 * changes as one ticket change (a later step of a kind overrides an earlier one; tags are added and removed
 * in order), all in one transaction with the history entry "macro applied". Any refusal — a transition the
 * ticket's state does not allow, a closed ticket — rolls everything back.
 */
export async function applyMacro(
  ctx: ServiceContext,
  actor: Actor,
  ticketId: number,
  macroId: number,
  links: ArticleLinker,
): Promise<MacroResult> {
  const matrix = await getPriorityMatrix(ctx);
  const now = ctx.clock.now();
  const indexed: (IndexedWords | null)[] = [];
  const comments = await ctx.db.transaction().execute(async (trx) => {
    const row = await loadVisibleTicket(trx, actor, ticketId);
    const macro = await getMacro(ctx, actor, macroId, trx);
    await recordTicketChange(trx, ticketId, actor.id, now, [
      { field: 'macro', from: null, to: macro.name, visibility: 'internal' },
    ]);

    const posted: Comment[] = [];
    for (const step of macro.actions) {
      if (step.type !== 'public_reply' && step.type !== 'internal_note') continue;
      const internal = step.type === 'internal_note';
      const parts = parseTemplate(step.body);
      const values = await placeholderValues(
        ctx,
        trx,
        row,
        actor,
        internal ? 'staff' : 'requester',
        parts,
        links,
      );
      const written = await writeCommentIn(
        ctx,
        trx,
        actor,
        ticketId,
        { body: renderTemplate(parts, values), internal },
        now,
      );
      posted.push(written.comment);
      indexed.push(written.indexed);
    }

    const input: UpdateTicketInput = {};
    let tags: string[] | null = null;
    for (const step of macro.actions) {
      switch (step.type) {
        case 'set_status':
          input.status = step.status;
          break;
        case 'set_priority':
          input.priority = step.priority;
          break;
        case 'set_group':
          input.groupId = step.groupId;
          break;
        case 'assign':
          input.assigneeId = step.assignee === 'me' ? actor.id : step.assignee;
          break;
        case 'add_tags':
        case 'remove_tags': {
          tags ??= (
            await trx
              .selectFrom('ticket_tags')
              .select('tag')
              .where('ticket_id', '=', ticketId)
              .orderBy('tag')
              .execute()
          ).map((t) => t.tag);
          const named = new Set(step.tags);
          tags =
            step.type === 'add_tags'
              ? [...new Set([...tags, ...step.tags])]
              : tags.filter((t) => !named.has(t));
          break;
        }
      }
    }
    if (tags !== null) input.tags = tags;
    if (Object.keys(input).length > 0) {
      const changed = await changeTicketIn(ctx, trx, actor, ticketId, input, { matrix, now });
      indexed.push(changed.indexed);
    }
    return posted;
  });
  for (const words of indexed) rememberSearchWords(words);
  ctx.events.nudge();
  return { ticket: await getTicket(ctx, actor, ticketId), comments };
}
