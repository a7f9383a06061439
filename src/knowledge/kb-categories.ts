// Knowledge base categories (Accounts and passwords, Network and VPN, Printing…): everyone who reads the
// knowledge base sees them; managers and admins maintain them. Deleting one leaves its articles without.
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../core/errors.js';
import { canKnowledge } from './policies.js';

export interface KbCategory {
  id: number;
  name: string;
  description: string;
  position: number;
}

export async function listKbCategories(ctx: ServiceContext): Promise<KbCategory[]> {
  return ctx.db
    .selectFrom('kb_categories')
    .select(['id', 'name', 'description', 'position'])
    .orderBy('position')
    .orderBy('name')
    .orderBy('id')
    .execute();
}

function checkName(name: string): string {
  const n = name.trim();
  if (n.length === 0 || n.length > 100)
    throw new Invalid('validation_failed', 'name: must be 1–100 characters', [
      { field: '/name', message: 'must be 1–100 characters' },
    ]);
  return n;
}

function mayManage(actor: Actor): void {
  if (!canKnowledge(actor, 'kb.manage'))
    throw new Forbidden('forbidden', 'Only managers and admins maintain knowledge base categories.');
}

export async function saveKbCategory(
  ctx: ServiceContext,
  actor: Actor,
  id: number | null,
  input: { name: string; description?: string; position?: number },
): Promise<KbCategory> {
  mayManage(actor);
  const name = checkName(input.name);
  // An update without a description keeps the one it has.
  let description = (input.description ?? '').slice(0, 2000);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const taken = await trx
      .selectFrom('kb_categories')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()))
      .executeTakeFirst();
    if (taken && taken.id !== id)
      throw new Conflict('kb_category_name_taken', `A knowledge base category named ${name} already exists.`);
    let savedId: number;
    let position = input.position ?? 0;
    if (id === null) {
      if (input.position === undefined) {
        const last = await trx
          .selectFrom('kb_categories')
          .select((eb) => eb.fn.max('position').as('p'))
          .executeTakeFirst();
        position = Number(last?.p ?? -1) + 1;
      }
      savedId = (
        await trx
          .insertInto('kb_categories')
          .values({ name, description, position, created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    } else {
      const row = await trx.selectFrom('kb_categories').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new NotFound('kb_category_not_found', `No knowledge base category ${id}.`);
      position = input.position ?? row.position;
      if (input.description === undefined) description = row.description;
      await trx
        .updateTable('kb_categories')
        .set({ name, description, position, updated_at: now })
        .where('id', '=', id)
        .execute();
      savedId = id;
    }
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: id === null ? 'kb_category.created' : 'kb_category.updated',
      subjectType: 'kb_category',
      subjectId: savedId,
      details: { name },
    });
    return { id: savedId, name, description, position };
  });
}

export async function deleteKbCategory(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  mayManage(actor);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const gone = await trx.deleteFrom('kb_categories').where('id', '=', id).executeTakeFirst();
    if (Number(gone.numDeletedRows) === 0)
      throw new NotFound('kb_category_not_found', `No knowledge base category ${id}.`);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'kb_category.deleted',
      subjectType: 'kb_category',
      subjectId: id,
    });
  });
}
