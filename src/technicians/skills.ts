// The skills catalogue: names, the level a ticket needing the skill asks for, and what says a ticket needs it
// (its category, or a keyword in its title or description). Managers keep it; staff read it.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { Conflict, NotFound } from '../core/errors.js';
import { requireStaffing } from './permissions.js';
import {
  checkCategoryIds,
  checkKeywords,
  checkLevel,
  checkName,
  technicianLimits,
} from './technician-input.js';
import type { SkillNeed } from './ticket-needs.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface Skill extends SkillNeed {
  description: string;
  createdAt: number;
  updatedAt: number;
}

export interface SkillInput {
  name: string;
  description?: string;
  keywords?: string[];
  categoryIds?: number[];
  /** The level a ticket needing the skill asks for (1–5, default 1). */
  neededLevel?: number;
}

function skillOf(r: Selectable<Database['skills']>): Skill {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    keywords: JSON.parse(r.keywords),
    categoryIds: JSON.parse(r.category_ids),
    neededLevel: r.needed_level,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The whole catalogue, by name (it is small: a department's skills). */
export async function loadSkills(db: Db): Promise<Skill[]> {
  const rows = await db.selectFrom('skills').selectAll().orderBy('name').orderBy('id').execute();
  return rows.map(skillOf);
}

export async function listSkills(ctx: ServiceContext, actor: Actor): Promise<Skill[]> {
  requireStaffing(actor, 'profile.read');
  return loadSkills(ctx.db);
}

async function nameFree(db: Db, name: string, exceptId?: number): Promise<void> {
  let q = db.selectFrom('skills').select('id').where('name', '=', name);
  if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw new Conflict('skill_name_taken', `A skill named "${name}" exists.`);
}

function checkDescription(d: string | undefined): string | undefined {
  return d === undefined ? undefined : d.slice(0, technicianLimits.description);
}

export async function createSkill(ctx: ServiceContext, actor: Actor, input: SkillInput): Promise<Skill> {
  requireStaffing(actor, 'profile.manage');
  const name = checkName(input.name);
  const keywords = checkKeywords(input.keywords ?? [], '/keywords');
  const neededLevel = checkLevel(input.neededLevel ?? 1, '/neededLevel');
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const categoryIds = await checkCategoryIds(trx, input.categoryIds ?? [], '/categoryIds');
    await nameFree(trx, name);
    const row = await trx
      .insertInto('skills')
      .values({
        name,
        description: checkDescription(input.description) ?? '',
        keywords: JSON.stringify(keywords),
        category_ids: JSON.stringify(categoryIds),
        needed_level: neededLevel,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'skill.created',
      subjectType: 'skill',
      subjectId: row.id,
      details: { name, keywords, categoryIds, neededLevel },
    });
    return row.id;
  });
  return getSkill(ctx.db, id);
}

async function getSkill(db: Db, id: number): Promise<Skill> {
  const row = await db.selectFrom('skills').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('skill_not_found', `No skill ${id}.`);
  return skillOf(row);
}

export async function updateSkill(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: Partial<SkillInput>,
): Promise<Skill> {
  requireStaffing(actor, 'profile.manage');
  const name = input.name === undefined ? undefined : checkName(input.name);
  const keywords = input.keywords === undefined ? undefined : checkKeywords(input.keywords, '/keywords');
  const neededLevel =
    input.neededLevel === undefined ? undefined : checkLevel(input.neededLevel, '/neededLevel');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await getSkill(trx, id);
    const categoryIds =
      input.categoryIds === undefined
        ? undefined
        : await checkCategoryIds(trx, input.categoryIds, '/categoryIds');
    if (name !== undefined) await nameFree(trx, name, id);
    await trx
      .updateTable('skills')
      .set({
        ...(name !== undefined ? { name } : {}),
        ...(input.description !== undefined ? { description: checkDescription(input.description) } : {}),
        ...(keywords !== undefined ? { keywords: JSON.stringify(keywords) } : {}),
        ...(categoryIds !== undefined ? { category_ids: JSON.stringify(categoryIds) } : {}),
        ...(neededLevel !== undefined ? { needed_level: neededLevel } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'skill.updated',
      subjectType: 'skill',
      subjectId: id,
      details: { name, keywords, categoryIds, neededLevel },
    });
  });
  return getSkill(ctx.db, id);
}

/** Remove a skill: people's levels in it go with it; rules that asked for it keep routing, without the skill. */
export async function deleteSkill(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  requireStaffing(actor, 'profile.manage');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const skill = await getSkill(trx, id);
    await trx.deleteFrom('technician_skills').where('skill_id', '=', id).execute();
    await trx
      .updateTable('assignment_rules')
      .set({ skill_id: null, skill_level: null, updated_at: now })
      .where('skill_id', '=', id)
      .execute();
    await trx.deleteFrom('skills').where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'skill.deleted',
      subjectType: 'skill',
      subjectId: id,
      details: { name: skill.name },
    });
  });
}
