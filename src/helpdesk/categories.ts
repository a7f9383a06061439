// Ticket categories (password reset, laptop, printer, VPN…): everyone may read them to file a request;
// managers and admins maintain them.
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../core/errors.js';
import { indexName } from '../core/search-names.js';
import { canTicket } from './policies.js';

export interface Category {
  id: number;
  name: string;
  description: string;
}

export async function listCategories(ctx: ServiceContext): Promise<Category[]> {
  return ctx.db
    .selectFrom('categories')
    .select(['id', 'name', 'description'])
    .orderBy('name')
    .orderBy('id')
    .execute();
}

function checkName(name: string): string {
  const n = name.trim();
  if (n.length === 0 || n.length > 100) {
    throw new Invalid('validation_failed', 'name: must be 1–100 characters', [
      { field: '/name', message: 'must be 1–100 characters' },
    ]);
  }
  return n;
}

export async function createCategory(
  ctx: ServiceContext,
  actor: Actor | null,
  input: { name: string; description?: string },
): Promise<Category> {
  if (actor && !canTicket(actor, 'category.manage'))
    throw new Forbidden('forbidden', 'Only managers and admins maintain categories.');
  const name = checkName(input.name);
  const description = (input.description ?? '').slice(0, 2000);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('categories')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
      .executeTakeFirst();
    if (taken) throw new Conflict('name_taken', `A category named ${name} already exists.`);
    const row = await trx
      .insertInto('categories')
      .values({ name, description, created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await indexName(trx, 'category', row.id, name);
    await recordAudit(trx, {
      actorId: actor?.id ?? null,
      at: now,
      action: 'category.created',
      subjectType: 'category',
      subjectId: row.id,
      details: { name },
    });
    return { id: row.id, name, description };
  });
}

export async function updateCategory(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: { name?: string; description?: string },
): Promise<Category> {
  if (!canTicket(actor, 'category.manage'))
    throw new Forbidden('forbidden', 'Only managers and admins maintain categories.');
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('categories')
      .select(['id', 'name', 'description'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFound('category_not_found', `No category ${id}.`);
    const name = input.name !== undefined ? checkName(input.name) : row.name;
    if (name.toLowerCase() !== row.name.toLowerCase()) {
      const taken = await trx
        .selectFrom('categories')
        .select('id')
        .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
        .executeTakeFirst();
      if (taken) throw new Conflict('name_taken', `A category named ${name} already exists.`);
    }
    const description = input.description !== undefined ? input.description.slice(0, 2000) : row.description;
    await trx.updateTable('categories').set({ name, description }).where('id', '=', id).execute();
    await indexName(trx, 'category', id, name);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'category.updated',
      subjectType: 'category',
      subjectId: id,
      details: input,
    });
    return { id, name, description };
  });
}
