// Resolving several tickets at once with a public reply to each requester, for another domain's command (a
// problem resolved together with its incidents): the caller's own writes and every ticket's reply and
// resolution run in ONE transaction through addComment's and updateTicket's paths, so states, rules (open
// children, time required on resolve), history and events behave as if done by hand — and one ticket that
// refuses rolls everything back, the caller's writes included, with an error naming that ticket.
import type { Transaction } from 'kysely';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Conflict, DomainError } from '../core/errors.js';
import { writeCommentIn } from './comments.js';
import { getPriorityMatrix } from './priority-matrix.js';
import { changeTicketIn } from './ticket-changes.js';
import { type IndexedWords, rememberSearchWords } from './ticket-search.js';
import { isOpenStatus } from './ticket-states.js';

/**
 * Run `pick` in a transaction — it writes what it owns and names the tickets to resolve — then, in the same
 * transaction, post `body` as a public reply on each of those still open and resolve it. Answers the ids
 * resolved (tickets already resolved or closed are left as they are), in id order.
 */
export async function resolveTicketsWithReply(
  ctx: ServiceContext,
  actor: Actor,
  body: string,
  pick: (trx: Transaction<Database>) => Promise<number[]>,
): Promise<number[]> {
  const matrix = await getPriorityMatrix(ctx);
  const now = ctx.clock.now();
  const indexed: (IndexedWords | null)[] = [];
  const resolved = await ctx.db.transaction().execute(async (trx) => {
    const ids = [...new Set(await pick(trx))].sort((a, b) => a - b);
    if (ids.length === 0) return [];
    const open = (
      await trx.selectFrom('tickets').select(['id', 'status']).where('id', 'in', ids).orderBy('id').execute()
    ).filter((t) => isOpenStatus(t.status));
    for (const t of open) {
      try {
        const written = await writeCommentIn(ctx, trx, actor, t.id, { body, internal: false }, now);
        indexed.push(written.indexed);
        const changed = await changeTicketIn(ctx, trx, actor, t.id, { status: 'resolved' }, { matrix, now });
        indexed.push(changed.indexed);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        throw new Conflict(
          'problem_incidents_refused',
          `Ticket #${t.id} could not be resolved (${e.code}: ${e.message}); nothing was changed.`,
        );
      }
    }
    return open.map((t) => t.id);
  });
  for (const words of indexed) rememberSearchWords(words);
  if (resolved.length > 0) ctx.events.nudge();
  return resolved;
}
