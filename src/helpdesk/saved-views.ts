// Saved views: a person's named list filters, kept per user and per list (scope): the technician workspace
// lists the queue's next to the built-in queues, the inventory list its own. The query is the list's query
// string, checked for shape, not interpreted here.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { SavedViewScope } from '../core/db/index.js';
import { Invalid, NotFound } from '../core/errors.js';

export interface SavedView {
  id: number;
  userId: number;
  scope: SavedViewScope;
  name: string;
  query: string;
  createdAt: number;
}

export const savedViewScopes: readonly SavedViewScope[] = ['tickets', 'assets'];

export const savedViewLimits = { perUser: 50, name: 100, query: 2000 } as const;

function toView(r: {
  id: number;
  user_id: number;
  scope: SavedViewScope;
  name: string;
  query: string;
  created_at: number;
}): SavedView {
  return {
    id: r.id,
    userId: r.user_id,
    scope: r.scope,
    name: r.name,
    query: r.query,
    createdAt: r.created_at,
  };
}

/** The actor's views of one list (the queue's when no scope is named). */
export async function listSavedViews(
  ctx: ServiceContext,
  actor: Actor,
  scope: SavedViewScope = 'tickets',
): Promise<SavedView[]> {
  const rows = await ctx.db
    .selectFrom('saved_views')
    .selectAll()
    .where('user_id', '=', actor.id)
    .where('scope', '=', scope)
    .orderBy('id')
    .execute();
  return rows.map(toView);
}

export async function createSavedView(
  ctx: ServiceContext,
  actor: Actor,
  input: { name: string; query: string; scope?: SavedViewScope },
): Promise<SavedView> {
  const scope = input.scope ?? 'tickets';
  const name = input.name.trim();
  if (name.length === 0 || name.length > savedViewLimits.name) {
    throw new Invalid('validation_failed', `name: must be 1–${savedViewLimits.name} characters`, [
      { field: '/name', message: `must be 1–${savedViewLimits.name} characters` },
    ]);
  }
  const query = input.query.replace(/^\?/, '');
  if (query.length > savedViewLimits.query || /[\s#]/.test(query)) {
    throw new Invalid('validation_failed', 'query: must be a URL query string', [
      { field: '/query', message: 'must be a URL query string' },
    ]);
  }
  return ctx.db.transaction().execute(async (trx) => {
    const { n } = await trx
      .selectFrom('saved_views')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', actor.id)
      .where('scope', '=', scope)
      .executeTakeFirstOrThrow();
    if (Number(n) >= savedViewLimits.perUser) {
      throw new Invalid(
        'validation_failed',
        `At most ${savedViewLimits.perUser} saved views; delete one first.`,
        [{ field: '/name', message: 'too many saved views' }],
      );
    }
    const row = await trx
      .insertInto('saved_views')
      .values({ user_id: actor.id, scope, name, query, created_at: ctx.clock.now() })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toView(row);
  });
}

export async function deleteSavedView(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  const r = await ctx.db
    .deleteFrom('saved_views')
    .where('id', '=', id)
    .where('user_id', '=', actor.id)
    .executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw new NotFound('not_found', `No saved view ${id}.`);
}
