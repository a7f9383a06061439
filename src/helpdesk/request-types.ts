// Request types of the service catalogue ("New laptop", "Access to a shared drive"): a name, a place in the
// catalogue, who may use it, the defaults the filed ticket gets, and an ordered form of custom fields with a
// per-form required flag and show-condition. Every change of the form bumps its version; the compiled
// validator is cached by the versions of the form and of its fields, so a change takes effect at once and an
// unchanged form is compiled once. A type may need approval: its plan (approvals.ts) is asked for each request
// filed through it.
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import { defineLocalCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import type { Database, RequestTypeAudience, TicketType } from '../core/db/index.js';
import type { FieldError } from '../core/errors.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../core/errors.js';
import { type ApprovalPlan, checkApprovalPlan, checkPlanRefs } from './approvals.js';
import { type CustomField, toCustomField } from './custom-fields.js';
import {
  type CompiledForm,
  compileForm,
  type FieldCondition,
  type FormField,
  formProblems,
} from './form-validator.js';
import type { Level } from './levels.js';
import { canCatalog, mayUseRequestType } from './policies.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface RequestTypeDefaults {
  ticketType: TicketType;
  categoryId: number | null;
  groupId: number | null;
  impact: Level | null;
  urgency: Level | null;
  slaPolicyId: number | null;
}

export interface RequestTypeField extends FormField {
  fieldId: number;
  helpText: string;
  /** The field's own version (with the type's, the compiled validator's cache key). */
  fieldVersion: number;
}

export interface RequestType {
  id: number;
  name: string;
  description: string;
  catalogCategory: string;
  icon: string;
  keywords: string[];
  audience: RequestTypeAudience;
  active: boolean;
  position: number;
  version: number;
  defaults: RequestTypeDefaults;
  fields: RequestTypeField[];
  /** Who must approve a request of this type before anyone works it; null: nobody. */
  approval: ApprovalPlan | null;
  createdAt: number;
  updatedAt: number;
}

export interface RequestTypeInput {
  name: string;
  description?: string;
  catalogCategory?: string;
  icon?: string;
  keywords?: string[];
  audience?: RequestTypeAudience;
  active?: boolean;
  position?: number;
  defaults?: Partial<RequestTypeDefaults>;
  fields?: Array<{ fieldId: number; required?: boolean | null; condition?: FieldCondition | null }>;
  /** null: no approval needed. */
  approval?: ApprovalPlan | null;
}

export const requestTypeLimits = {
  name: 100,
  description: 2000,
  catalogCategory: 60,
  icon: 40,
  keywords: 20,
};

type TypeRow = Awaited<ReturnType<typeof typeRows>>[number];

function typeRows(db: Db, ids?: number[]) {
  let q = db.selectFrom('request_types').selectAll();
  if (ids) q = q.where('id', 'in', ids.length ? ids : [-1]);
  return q.orderBy('catalog_category').orderBy('position').orderBy('name').orderBy('id').execute();
}

/** Request types with their forms (two queries for any number). */
async function withForms(db: Db, rows: TypeRow[]): Promise<RequestType[]> {
  if (rows.length === 0) return [];
  const formRows = await db
    .selectFrom('request_type_fields as rf')
    .innerJoin('custom_fields as f', 'f.id', 'rf.field_id')
    .selectAll('f')
    .select(['rf.request_type_id', 'rf.position', 'rf.required as form_required', 'rf.condition'])
    .where(
      'rf.request_type_id',
      'in',
      rows.map((r) => r.id),
    )
    // A deactivated field leaves every form; tickets keep their values of it.
    .where('f.active', '=', 1)
    .orderBy('rf.request_type_id')
    .orderBy('rf.position')
    .execute();
  const forms = new Map<number, RequestTypeField[]>();
  for (const r of formRows) {
    const def: CustomField = toCustomField(r);
    const field: RequestTypeField = {
      fieldId: def.id,
      key: def.key,
      label: def.label,
      type: def.type,
      helpText: def.helpText,
      options: def.options,
      min: def.min,
      max: def.max,
      pattern: def.pattern,
      maxLength: def.maxLength,
      required: r.form_required === null ? def.required : r.form_required === 1,
      condition: r.condition ? (JSON.parse(r.condition) as FieldCondition) : null,
      fieldVersion: def.version,
    };
    forms.set(r.request_type_id, [...(forms.get(r.request_type_id) ?? []), field]);
  }
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    catalogCategory: r.catalog_category,
    icon: r.icon,
    keywords: r.keywords.split(' ').filter(Boolean),
    audience: r.audience,
    active: r.active === 1,
    position: r.position,
    version: r.version,
    defaults: {
      ticketType: r.ticket_type,
      categoryId: r.category_id,
      groupId: r.group_id,
      impact: r.impact as Level | null,
      urgency: r.urgency as Level | null,
      slaPolicyId: r.sla_policy_id,
    },
    // A condition on a field that left the form (deactivated) never holds: the field it guards stays hidden.
    fields: forms.get(r.id) ?? [],
    approval: r.approval_plan ? (JSON.parse(r.approval_plan) as ApprovalPlan) : null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  }));
}

/** The catalogue: the active request types the actor may use, in the catalogue's order. */
export async function listCatalog(ctx: ServiceContext, actor: Actor): Promise<RequestType[]> {
  const rows = (await typeRows(ctx.db)).filter((r) => r.active === 1 && mayUseRequestType(actor, r.audience));
  return withForms(ctx.db, rows);
}

/** Every request type (managers and admins), inactive ones too. */
export async function listRequestTypes(ctx: ServiceContext, actor: Actor): Promise<RequestType[]> {
  requireManage(actor);
  return withForms(ctx.db, await typeRows(ctx.db));
}

export async function getRequestType(ctx: ServiceContext, actor: Actor, id: number): Promise<RequestType> {
  requireManage(actor);
  return loadRequestType(ctx.db, id);
}

async function loadRequestType(db: Db, id: number): Promise<RequestType> {
  const [t] = await withForms(db, await typeRows(db, [id]));
  if (!t) throw new NotFound('request_type_not_found', `No request type ${id}.`);
  return t;
}

/** A request type the actor may file through: active, and for their audience (404 otherwise). */
export async function usableRequestType(db: Db, actor: Actor, id: number): Promise<RequestType> {
  const [t] = await withForms(db, await typeRows(db, [id]));
  if (!t?.active || !mayUseRequestType(actor, t.audience))
    throw new NotFound('request_type_not_found', `No request type ${id}.`);
  return t;
}

function requireManage(actor: Actor): void {
  if (!canCatalog(actor, 'catalog.manage'))
    throw new Forbidden('forbidden', 'Only managers and admins maintain custom fields and request types.');
}

/** Compiled validators of this process, by form and field versions (a changed form has a new key). */
const compiledForms = defineLocalCache('catalog_forms', () => new Map<string, CompiledForm>());
const compiledFormsMax = 500;

/** The form's validator, compiled once per version of the form and its fields. */
export function formValidator(ctx: Pick<ServiceContext, 'caches'>, t: RequestType): CompiledForm {
  const cache = ctx.caches.local(compiledForms);
  const key = `${t.id}@${t.version}:${t.fields.map((f) => `${f.fieldId}.${f.fieldVersion}`).join(',')}`;
  let v = cache.get(key);
  if (!v) {
    v = compileForm(t.fields);
    if (cache.size >= compiledFormsMax) cache.delete(cache.keys().next().value as string);
    cache.set(key, v);
  }
  return v;
}

function invalidOf(errors: FieldError[]): Invalid {
  return new Invalid('validation_failed', `${errors[0].field.slice(1)}: ${errors[0].message}`, errors);
}

async function cleanInput(db: Db, input: RequestTypeInput, before?: RequestType) {
  const errors: FieldError[] = [];
  const name = input.name.trim();
  if (name.length === 0 || name.length > requestTypeLimits.name)
    errors.push({ field: '/name', message: `must be 1–${requestTypeLimits.name} characters` });
  const description = input.description ?? before?.description ?? '';
  if (description.length > requestTypeLimits.description)
    errors.push({ field: '/description', message: `at most ${requestTypeLimits.description} characters` });
  const catalogCategory = (input.catalogCategory ?? before?.catalogCategory ?? '').trim();
  if (catalogCategory.length > requestTypeLimits.catalogCategory)
    errors.push({
      field: '/catalogCategory',
      message: `at most ${requestTypeLimits.catalogCategory} characters`,
    });
  const icon = input.icon ?? before?.icon ?? '';
  if (icon.length > requestTypeLimits.icon)
    errors.push({ field: '/icon', message: `at most ${requestTypeLimits.icon} characters` });
  const keywords = [
    ...new Set((input.keywords ?? before?.keywords ?? []).map((k) => k.trim().toLowerCase()).filter(Boolean)),
  ];
  if (keywords.length > requestTypeLimits.keywords || keywords.some((k) => k.length > 40 || /\s/.test(k)))
    errors.push({
      field: '/keywords',
      message: `at most ${requestTypeLimits.keywords} words of up to 40 characters`,
    });
  const d = { ...(before?.defaults ?? {}), ...(input.defaults ?? {}) };
  const defaults: RequestTypeDefaults = {
    ticketType: d.ticketType ?? 'request',
    categoryId: d.categoryId ?? null,
    groupId: d.groupId ?? null,
    impact: d.impact ?? null,
    urgency: d.urgency ?? null,
    slaPolicyId: d.slaPolicyId ?? null,
  };
  const refs: Array<[string, 'categories' | 'groups' | 'sla_policies', number | null]> = [
    ['/defaults/categoryId', 'categories', defaults.categoryId],
    ['/defaults/groupId', 'groups', defaults.groupId],
    ['/defaults/slaPolicyId', 'sla_policies', defaults.slaPolicyId],
  ];
  for (const [field, table, id] of refs) {
    if (id === null) continue;
    const found = await db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
    if (!found)
      errors.push({
        field,
        message: `no such ${table.replace('_', ' ').replace(/ies$/, 'y').replace(/s$/, '')} ${id}`,
      });
  }
  // The form: each field once, active, in the order given; conditions on fields above.
  let form: FormField[] = before?.fields ?? [];
  let formRows: Array<{
    field_id: number;
    position: number;
    required: number | null;
    condition: string | null;
  }> | null = null;
  if (input.fields !== undefined) {
    const ids = input.fields.map((f) => f.fieldId);
    const defs = ids.length
      ? await db.selectFrom('custom_fields').selectAll().where('id', 'in', ids).execute()
      : [];
    const byId = new Map(defs.map((r) => [r.id, toCustomField(r)]));
    form = [];
    formRows = [];
    input.fields.forEach((f, i) => {
      const def = byId.get(f.fieldId);
      if (!def?.active) {
        errors.push({ field: `/fields/${i}/fieldId`, message: `no active custom field ${f.fieldId}` });
        return;
      }
      form.push({ ...def, required: f.required ?? def.required, condition: f.condition ?? null });
      formRows?.push({
        field_id: def.id,
        position: i,
        required: f.required === undefined || f.required === null ? null : f.required ? 1 : 0,
        condition: f.condition ? JSON.stringify(f.condition) : null,
      });
    });
    errors.push(...formProblems(form));
  }
  if (errors.length > 0) throw invalidOf(errors);
  const approval =
    input.approval === undefined
      ? (before?.approval ?? null)
      : input.approval === null
        ? null
        : checkApprovalPlan(input.approval);
  if (approval && input.approval !== undefined) await checkPlanRefs(db, approval);
  return {
    row: {
      name,
      description,
      catalog_category: catalogCategory,
      icon,
      keywords: keywords.join(' '),
      audience: input.audience ?? before?.audience ?? 'everyone',
      active: (input.active ?? before?.active ?? true) ? 1 : 0,
      position: input.position ?? before?.position ?? 0,
      ticket_type: defaults.ticketType,
      category_id: defaults.categoryId,
      group_id: defaults.groupId,
      impact: defaults.impact,
      urgency: defaults.urgency,
      sla_policy_id: defaults.slaPolicyId,
      approval_plan: approval ? JSON.stringify(approval) : null,
    },
    formRows,
  };
}

async function checkNameFree(db: Db, name: string, except: number | null): Promise<void> {
  let q = db
    .selectFrom('request_types')
    .select('id')
    .where((eb) => eb(eb.fn('lower', ['name']), '=', name.toLowerCase()));
  if (except !== null) q = q.where('id', '!=', except);
  if (await q.executeTakeFirst()) throw new Conflict('name_taken', `A request type named ${name} exists.`);
}

async function writeForm(
  trx: Transaction<Database>,
  id: number,
  rows: Array<{ field_id: number; position: number; required: number | null; condition: string | null }>,
) {
  await trx.deleteFrom('request_type_fields').where('request_type_id', '=', id).execute();
  if (rows.length > 0)
    await trx
      .insertInto('request_type_fields')
      .values(rows.map((r) => ({ ...r, request_type_id: id })))
      .execute();
}

export async function createRequestType(
  ctx: ServiceContext,
  actor: Actor | null,
  input: RequestTypeInput,
): Promise<RequestType> {
  if (actor) requireManage(actor);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const { row, formRows } = await cleanInput(trx, input);
    await checkNameFree(trx, row.name, null);
    const { id } = await trx
      .insertInto('request_types')
      .values({ ...row, version: 1, created_at: now, updated_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    await writeForm(trx, id, formRows ?? []);
    await recordAudit(trx, {
      actorId: actor?.id ?? null,
      at: now,
      action: 'request_type.create',
      subjectType: 'request_type',
      subjectId: id,
      details: { name: row.name },
    });
    return loadRequestType(trx, id);
  });
}

/** Change a request type; a new form replaces the old one whole (tickets keep the values they were filed with). */
export async function updateRequestType(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: Partial<RequestTypeInput>,
): Promise<RequestType> {
  requireManage(actor);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const before = await loadRequestType(trx, id);
    const { row, formRows } = await cleanInput(trx, { ...input, name: input.name ?? before.name }, before);
    if (row.name !== before.name) await checkNameFree(trx, row.name, id);
    await trx
      .updateTable('request_types')
      .set({ ...row, version: before.version + 1, updated_at: now })
      .where('id', '=', id)
      .execute();
    if (formRows) await writeForm(trx, id, formRows);
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'request_type.update',
      subjectType: 'request_type',
      subjectId: id,
      details: { changed: Object.keys(input) },
    });
    return loadRequestType(trx, id);
  });
}
