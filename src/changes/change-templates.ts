// Change templates: the standard changes a department has pre-approved ("Patch a Windows server in the
// monthly window", "Add a DNS record"), each with its plans, risk and impact. A change raised from an active
// template is a standard change and needs no CAB. Managers and admins keep them; staff use them.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { ChangeLevel, ChangeTemplatesTable, Database } from '../core/db/index.js';
import { type FieldError, Invalid, NotFound } from '../core/errors.js';
import { canChanges, requireChanges } from './policies.js';

type Db = Kysely<Database> | Transaction<Database>;
type TemplateRow = Selectable<ChangeTemplatesTable>;

export interface ChangeTemplate {
  id: number;
  name: string;
  title: string;
  description: string;
  risk: ChangeLevel;
  impact: ChangeLevel;
  plan: string;
  backoutPlan: string;
  testPlan: string;
  active: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface ChangeTemplateInput {
  name?: string;
  title?: string;
  description?: string;
  risk?: ChangeLevel;
  impact?: ChangeLevel;
  plan?: string;
  backoutPlan?: string;
  testPlan?: string;
  active?: boolean;
}

export const templateLimits = { name: 100, title: 200, text: 20_000 } as const;

function toTemplate(r: TemplateRow): ChangeTemplate {
  return {
    id: r.id,
    name: r.name,
    title: r.title,
    description: r.description,
    risk: r.risk,
    impact: r.impact,
    plan: r.plan,
    backoutPlan: r.backout_plan,
    testPlan: r.test_plan,
    active: r.active === 1,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A template row; with `activeOnly`, an inactive one is as good as missing (no new changes from it). */
export async function readTemplateRow(db: Db, id: number, activeOnly = false): Promise<TemplateRow> {
  const row = await db.selectFrom('change_templates').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (activeOnly && row.active !== 1))
    throw new NotFound(
      'change_template_not_found',
      `No ${activeOnly ? 'active ' : ''}change template ${id}.`,
    );
  return row;
}

function check(input: ChangeTemplateInput, creating: boolean): void {
  const fields: FieldError[] = [];
  const len = (field: string, v: string | undefined, max: number, required: boolean) => {
    if (v === undefined) {
      if (creating && required) fields.push({ field, message: 'required' });
      return;
    }
    const t = v.trim();
    if ((required && t.length === 0) || t.length > max)
      fields.push({ field, message: required ? `must be 1–${max} characters` : `at most ${max} characters` });
  };
  len('/name', input.name, templateLimits.name, true);
  len('/title', input.title, templateLimits.title, true);
  len('/description', input.description, templateLimits.text, false);
  len('/plan', input.plan, templateLimits.text, false);
  len('/backoutPlan', input.backoutPlan, templateLimits.text, false);
  len('/testPlan', input.testPlan, templateLimits.text, false);
  for (const [f, v] of [
    ['/risk', input.risk],
    ['/impact', input.impact],
  ] as const)
    if (v !== undefined && v !== 'low' && v !== 'medium' && v !== 'high')
      fields.push({ field: f, message: 'must be low, medium or high' });
  if (fields.length > 0)
    throw new Invalid('validation_failed', `${fields[0].field.slice(1)}: ${fields[0].message}`, fields);
}

/** Active templates for staff; managers and admins may ask for the inactive ones too. */
export async function listChangeTemplates(
  ctx: ServiceContext,
  actor: Actor,
  includeInactive = false,
): Promise<ChangeTemplate[]> {
  requireChanges(actor, 'changes.work');
  const all = includeInactive && canChanges(actor, 'changes.manage');
  const rows = await ctx.db
    .selectFrom('change_templates')
    .selectAll()
    .$call((q) => (all ? q : q.where('active', '=', 1)))
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map(toTemplate);
}

export async function saveChangeTemplate(
  ctx: ServiceContext,
  actor: Actor,
  id: number | null,
  input: ChangeTemplateInput,
): Promise<ChangeTemplate> {
  requireChanges(actor, 'changes.manage');
  check(input, id === null);
  const now = ctx.clock.now();
  const values = {
    ...(input.name !== undefined ? { name: input.name.trim() } : {}),
    ...(input.title !== undefined ? { title: input.title.trim() } : {}),
    ...(input.description !== undefined ? { description: input.description.trim() } : {}),
    ...(input.risk !== undefined ? { risk: input.risk } : {}),
    ...(input.impact !== undefined ? { impact: input.impact } : {}),
    ...(input.plan !== undefined ? { plan: input.plan.trim() } : {}),
    ...(input.backoutPlan !== undefined ? { backout_plan: input.backoutPlan.trim() } : {}),
    ...(input.testPlan !== undefined ? { test_plan: input.testPlan.trim() } : {}),
    ...(input.active !== undefined ? { active: input.active ? 1 : 0 } : {}),
  };
  const saved = await ctx.db.transaction().execute(async (trx) => {
    let templateId: number;
    if (id === null) {
      const row = await trx
        .insertInto('change_templates')
        .values({
          name: '',
          title: '',
          description: '',
          risk: 'low',
          impact: 'low',
          plan: '',
          backout_plan: '',
          test_plan: '',
          active: 1,
          ...values,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      templateId = row.id;
    } else {
      await readTemplateRow(trx, id);
      await trx
        .updateTable('change_templates')
        .set({ ...values, updated_at: now })
        .where('id', '=', id)
        .execute();
      templateId = id;
    }
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: id === null ? 'change_template.create' : 'change_template.update',
      subjectType: 'change_template',
      subjectId: templateId,
      details: { fields: Object.keys(values) },
    });
    return readTemplateRow(trx, templateId);
  });
  return toTemplate(saved);
}
