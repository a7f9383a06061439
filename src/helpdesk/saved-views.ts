// Saved views: a person's named ticket-list filters, kept per user (the technician workspace lists them next
// to the built-in queues). The query is the list's query string, checked for shape, not interpreted here.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Invalid, NotFound } from '../core/errors.js';

export interface SavedView {
  id: number;
  userId: number;
  name: string;
  query: string;
  createdAt: number;
}

export const savedViewLimits = { perUser: 50, name: 100, query: 2000 } as const;

function toView(r: {
  id: number;
  user_id: number;
  name: string;
  query: string;
  created_at: number;
}): SavedView {
  return { id: r.id, userId: r.user_id, name: r.name, query: r.query, createdAt: r.created_at };
}

export async function listSavedViews(ctx: ServiceContext, actor: Actor): Promise<SavedView[]> {
  const rows = await ctx.db
    .selectFrom('saved_views')
    .selectAll()
    .where('user_id', '=', actor.id)
    .orderBy('id')
    .execute();
  return rows.map(toView);
}

export async function createSavedView(
  ctx: ServiceContext,
  actor: Actor,
  input: { name: string; query: string },
): Promise<SavedView> {
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
      .values({ user_id: actor.id, name, query, created_at: ctx.clock.now() })
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
