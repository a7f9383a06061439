// Custom field definitions: what a ticket can carry besides its own columns (text, number, date, choice,
// multi-choice, user, attachment), with their rules. Everyone signed in reads them (a ticket page shows their
// labels); managers and admins maintain them. A field is never deleted, only deactivated: tickets keep their
// values, readable, whatever happens to the forms.
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../core/audit.js';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import type { CustomFieldType, Database } from '../core/db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../core/errors.js';
import { definitionProblems, type FieldRules } from './form-validator.js';
import { canCatalog } from './policies.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface CustomField extends FieldRules {
  id: number;
  helpText: string;
  /** Required wherever a form does not say otherwise. */
  required: boolean;
  active: boolean;
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface CustomFieldInput {
  key: string;
  label: string;
  type: CustomFieldType;
  helpText?: string;
  required?: boolean;
  options?: string[];
  min?: number | null;
  max?: number | null;
  pattern?: string | null;
  maxLength?: number | null;
  active?: boolean;
}

type Row = Awaited<ReturnType<typeof selectFields>>[number];

function selectFields(db: Db) {
  return db.selectFrom('custom_fields').selectAll().execute();
}

export function toCustomField(r: Row): CustomField {
  return {
    id: r.id,
    key: r.key,
    label: r.label,
    type: r.type,
    helpText: r.help_text,
    required: r.required === 1,
    options: JSON.parse(r.options) as string[],
    min: r.min_value,
    max: r.max_value,
    pattern: r.pattern,
    maxLength: r.max_length,
    active: r.active === 1,
    version: r.version,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

function requireManage(actor: Actor): void {
  if (!canCatalog(actor, 'catalog.manage'))
    throw new Forbidden('forbidden', 'Only managers and admins maintain custom fields and request types.');
}

/** Every field, active first, by label. */
export async function listCustomFields(db: Db, opts: { activeOnly?: boolean } = {}): Promise<CustomField[]> {
  let q = db.selectFrom('custom_fields').selectAll();
  if (opts.activeOnly) q = q.where('active', '=', 1);
  const rows = await q.orderBy('active', 'desc').orderBy('label').orderBy('id').execute();
  return rows.map(toCustomField);
}

export async function getCustomField(db: Db, id: number): Promise<CustomField> {
  const r = await db.selectFrom('custom_fields').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw new NotFound('custom_field_not_found', `No custom field ${id}.`);
  return toCustomField(r);
}

function cleaned(input: CustomFieldInput, base?: CustomField): CustomField {
  const next: CustomField = {
    id: base?.id ?? 0,
    key: input.key,
    label: input.label.trim(),
    type: input.type,
    helpText: input.helpText ?? base?.helpText ?? '',
    required: input.required ?? base?.required ?? false,
    options: input.options ?? base?.options ?? [],
    min: input.min !== undefined ? input.min : (base?.min ?? null),
    max: input.max !== undefined ? input.max : (base?.max ?? null),
    pattern: input.pattern !== undefined ? input.pattern || null : (base?.pattern ?? null),
    maxLength: input.maxLength !== undefined ? input.maxLength : (base?.maxLength ?? null),
    active: input.active ?? base?.active ?? true,
    version: base ? base.version + 1 : 1,
    createdAt: base?.createdAt ?? 0,
    updatedAt: 0,
  };
  const problems = definitionProblems(next);
  if (problems.length > 0)
    throw new Invalid('validation_failed', `${problems[0].field.slice(1)}: ${problems[0].message}`, problems);
  return next;
}

function columns(f: CustomField) {
  return {
    key: f.key,
    label: f.label,
    type: f.type,
    help_text: f.helpText,
    required: f.required ? 1 : 0,
    options: JSON.stringify(f.options),
    min_value: f.min,
    max_value: f.max,
    pattern: f.pattern,
    max_length: f.maxLength,
    active: f.active ? 1 : 0,
    version: f.version,
  };
}

async function checkKeyFree(trx: Db, key: string, except: number | null): Promise<void> {
  let q = trx.selectFrom('custom_fields').select('id').where('key', '=', key);
  if (except !== null) q = q.where('id', '!=', except);
  if (await q.executeTakeFirst()) throw new Conflict('name_taken', `A custom field with key ${key} exists.`);
}

export async function createCustomField(
  ctx: ServiceContext,
  actor: Actor,
  input: CustomFieldInput,
): Promise<CustomField> {
  requireManage(actor);
  const f = cleaned(input);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    await checkKeyFree(trx, f.key, null);
    const row = await trx
      .insertInto('custom_fields')
      .values({ ...columns(f), created_at: now, updated_at: now })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'custom_field.create',
      subjectType: 'custom_field',
      subjectId: row.id,
      details: { key: f.key, type: f.type },
    });
    return toCustomField(row);
  });
}

/**
 * Change a field. Its key and type stay (stored values are read by them); a changed rule applies to answers
 * from now on, and the values tickets hold stay as they were.
 */
export async function updateCustomField(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: Partial<CustomFieldInput>,
): Promise<CustomField> {
  requireManage(actor);
  const now = ctx.clock.now();
  return ctx.db.transaction().execute(async (trx) => {
    const before = await getCustomField(trx, id);
    if (input.type !== undefined && input.type !== before.type)
      throw new Invalid('validation_failed', 'type: a field keeps its type (make a new field)', [
        { field: '/type', message: 'cannot change' },
      ]);
    const f = cleaned(
      { ...input, key: input.key ?? before.key, label: input.label ?? before.label, type: before.type },
      before,
    );
    if (f.key !== before.key) await checkKeyFree(trx, f.key, id);
    const row = await trx
      .updateTable('custom_fields')
      .set({ ...columns(f), updated_at: now })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'custom_field.update',
      subjectType: 'custom_field',
      subjectId: id,
      details: { changed: Object.keys(input) },
    });
    return toCustomField(row);
  });
}
