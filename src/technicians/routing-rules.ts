// Routing rules, kept in order: conditions on an arriving ticket (category, keywords, the requester's group)
// and the group it goes to, with an optional skill it needs. The first active rule that matches routes it
// (ticket-needs.ts). Managers keep them; staff read them.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { Database } from '../core/db/index.js';
import { NotFound } from '../core/errors.js';
import { requireStaffing } from './permissions.js';
import {
  checkCategoryIds,
  checkGroupIds,
  checkKeywords,
  checkLevel,
  checkName,
  invalid,
} from './technician-input.js';
import type { RoutingRule, RuleConditions } from './ticket-needs.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface AssignmentRule extends RoutingRule {
  name: string;
  createdAt: number;
  updatedAt: number;
}

export interface RuleInput {
  name: string;
  /** Lower goes first; default: after the last rule. */
  position?: number;
  active?: boolean;
  conditions?: RuleConditions;
  groupId: number;
  skillId?: number | null;
  skillLevel?: number | null;
}

/** The most rules: each arriving ticket is matched against all of them. */
const maxRules = 500;

function ruleOf(r: Selectable<Database['assignment_rules']>): AssignmentRule {
  return {
    id: r.id,
    name: r.name,
    position: r.position,
    active: r.active === 1,
    conditions: JSON.parse(r.conditions),
    groupId: r.group_id,
    skillId: r.skill_id,
    skillLevel: r.skill_level,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function loadRules(db: Db): Promise<AssignmentRule[]> {
  const rows = await db
    .selectFrom('assignment_rules')
    .selectAll()
    .orderBy('position')
    .orderBy('id')
    .execute();
  return rows.map(ruleOf);
}

export async function listRules(ctx: ServiceContext, actor: Actor): Promise<AssignmentRule[]> {
  requireStaffing(actor, 'rules.read');
  return loadRules(ctx.db);
}

async function getRule(db: Db, id: number): Promise<AssignmentRule> {
  const row = await db.selectFrom('assignment_rules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('assignment_rule_not_found', `No routing rule ${id}.`);
  return ruleOf(row);
}

async function checkConditions(db: Db, c: RuleConditions): Promise<RuleConditions> {
  const out: RuleConditions = {};
  if (c.categoryIds?.length)
    out.categoryIds = await checkCategoryIds(db, c.categoryIds, '/conditions/categoryIds');
  if (c.keywords?.length) out.keywords = checkKeywords(c.keywords, '/conditions/keywords');
  if (c.requesterGroupIds?.length)
    out.requesterGroupIds = await checkGroupIds(db, c.requesterGroupIds, '/conditions/requesterGroupIds');
  return out;
}

async function checkTarget(db: Db, groupId: number, skillId: number | null | undefined): Promise<void> {
  await checkGroupIds(db, [groupId], '/groupId');
  if (skillId !== undefined && skillId !== null) {
    const s = await db.selectFrom('skills').select('id').where('id', '=', skillId).executeTakeFirst();
    if (!s) throw invalid('/skillId', 'unknown skill', 'invalid_reference');
  }
}

function checkPosition(p: number | undefined): number | undefined {
  if (p !== undefined && (!Number.isInteger(p) || p < 0 || p > 1_000_000))
    throw invalid('/position', 'must be an integer 0–1000000');
  return p;
}

export async function createRule(
  ctx: ServiceContext,
  actor: Actor,
  input: RuleInput,
): Promise<AssignmentRule> {
  requireStaffing(actor, 'rules.manage');
  const name = checkName(input.name);
  const position = checkPosition(input.position);
  const skillLevel = input.skillLevel == null ? null : checkLevel(input.skillLevel, '/skillLevel');
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const conditions = await checkConditions(trx, input.conditions ?? {});
    await checkTarget(trx, input.groupId, input.skillId);
    const last = await trx
      .selectFrom('assignment_rules')
      .select([(eb) => eb.fn.max<number>('position').as('max'), (eb) => eb.fn.countAll<number>().as('n')])
      .executeTakeFirstOrThrow();
    if (Number(last.n) >= maxRules) throw invalid('/', `at most ${maxRules} routing rules`);
    const row = await trx
      .insertInto('assignment_rules')
      .values({
        name,
        position: position ?? (last.max === null ? 10 : Number(last.max) + 10),
        active: input.active === false ? 0 : 1,
        conditions: JSON.stringify(conditions),
        group_id: input.groupId,
        skill_id: input.skillId ?? null,
        skill_level: skillLevel,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'assignment_rule.created',
      subjectType: 'assignment_rule',
      subjectId: row.id,
      details: { name, conditions, groupId: input.groupId, skillId: input.skillId ?? null },
    });
    return row.id;
  });
  return getRule(ctx.db, id);
}

export async function updateRule(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: Partial<RuleInput>,
): Promise<AssignmentRule> {
  requireStaffing(actor, 'rules.manage');
  const name = input.name === undefined ? undefined : checkName(input.name);
  const position = checkPosition(input.position);
  const skillLevel =
    input.skillLevel === undefined || input.skillLevel === null
      ? input.skillLevel
      : checkLevel(input.skillLevel, '/skillLevel');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const rule = await getRule(trx, id);
    const conditions =
      input.conditions === undefined ? undefined : await checkConditions(trx, input.conditions);
    await checkTarget(trx, input.groupId ?? rule.groupId, input.skillId);
    await trx
      .updateTable('assignment_rules')
      .set({
        ...(name !== undefined ? { name } : {}),
        ...(position !== undefined ? { position } : {}),
        ...(input.active !== undefined ? { active: input.active ? 1 : 0 } : {}),
        ...(conditions !== undefined ? { conditions: JSON.stringify(conditions) } : {}),
        ...(input.groupId !== undefined ? { group_id: input.groupId } : {}),
        ...(input.skillId !== undefined ? { skill_id: input.skillId } : {}),
        ...(skillLevel !== undefined ? { skill_level: skillLevel } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'assignment_rule.updated',
      subjectType: 'assignment_rule',
      subjectId: id,
      details: input,
    });
  });
  return getRule(ctx.db, id);
}

export async function deleteRule(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  requireStaffing(actor, 'rules.manage');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const rule = await getRule(trx, id);
    await trx.deleteFrom('assignment_rules').where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'assignment_rule.deleted',
      subjectType: 'assignment_rule',
      subjectId: id,
      details: { name: rule.name },
    });
  });
}
