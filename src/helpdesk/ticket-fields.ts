// Custom field values on tickets: stored one row per value (a multi-choice or attachment field has several) in
// typed columns — text, dates and choices in value_text, numbers, people and attachments in value_number —
// each indexed with the field, so a queue filters on them alike on SQLite and PostgreSQL. Read with the ticket
// by key; values of a field that left every form, or was deactivated, stay readable.
import type { Kysely, Transaction } from 'kysely';
import type { CustomFieldType, Database } from '../core/db/index.js';
import { type FieldError, Invalid } from '../core/errors.js';
import { toCustomField } from './custom-fields.js';
import { checkFieldValue, type FieldValue } from './form-validator.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A change of one field, as a history entry records it (history.ts reads tickets: no import back). */
export interface FieldChange {
  field: string;
  from: string | null;
  to: string | null;
}

const multiValued = (t: CustomFieldType) => t === 'multi_choice' || t === 'attachment';
const numeric = (t: CustomFieldType) => t === 'number' || t === 'user' || t === 'attachment';

/** A ticket's values by field key. */
export type TicketFields = Record<string, FieldValue>;

/** The values of these tickets, by ticket then key (one query). */
export async function readTicketFields(db: Db, ticketIds: number[]): Promise<Map<number, TicketFields>> {
  const out = new Map<number, TicketFields>();
  if (ticketIds.length === 0) return out;
  const rows = await db
    .selectFrom('ticket_field_values as v')
    .innerJoin('custom_fields as f', 'f.id', 'v.field_id')
    .select(['v.ticket_id', 'v.seq', 'v.value_text', 'v.value_number', 'f.key', 'f.type'])
    .where('v.ticket_id', 'in', ticketIds)
    .orderBy('v.ticket_id')
    .orderBy('f.key')
    .orderBy('v.seq')
    .execute();
  for (const r of rows) {
    let fields = out.get(r.ticket_id);
    if (!fields) {
      fields = {};
      out.set(r.ticket_id, fields);
    }
    const v = numeric(r.type) ? Number(r.value_number) : (r.value_text ?? '');
    if (multiValued(r.type)) {
      const list = (fields[r.key] ?? []) as Array<string | number>;
      list.push(v);
      fields[r.key] = list as FieldValue;
    } else fields[r.key] = v;
  }
  return out;
}

function valueRows(ticketId: number, fieldId: number, type: CustomFieldType, value: FieldValue) {
  const list: Array<string | number> = Array.isArray(value) ? value : [value];
  return list.map((v, seq) => ({
    ticket_id: ticketId,
    field_id: fieldId,
    seq,
    value_text: numeric(type) ? null : String(v),
    value_number: numeric(type) ? Number(v) : null,
  }));
}

/** Write a ticket's value of one field (null: none), in the caller's transaction. */
export async function writeTicketField(
  trx: Transaction<Database>,
  ticketId: number,
  field: { id: number; type: CustomFieldType },
  value: FieldValue | null,
): Promise<void> {
  await trx
    .deleteFrom('ticket_field_values')
    .where('ticket_id', '=', ticketId)
    .where('field_id', '=', field.id)
    .execute();
  if (value === null) return;
  const rows = valueRows(ticketId, field.id, field.type, value);
  if (rows.length > 0) await trx.insertInto('ticket_field_values').values(rows).execute();
}

const text = (v: FieldValue | undefined | null) =>
  v === undefined || v === null ? null : Array.isArray(v) ? v.join(', ') : String(v);

/** Check that these people exist and are active; errors name the fields that refer to others. */
export async function checkFieldUsers(
  db: Db,
  refs: Array<{ field: string; userId: number }>,
): Promise<FieldError[]> {
  if (refs.length === 0) return [];
  const ids = [...new Set(refs.map((r) => r.userId))];
  const found = new Set(
    (await db.selectFrom('users').select('id').where('id', 'in', ids).where('active', '=', 1).execute()).map(
      (u) => u.id,
    ),
  );
  return refs
    .filter((r) => !found.has(r.userId))
    .map((r) => ({ field: r.field, message: `no active user ${r.userId}` }));
}

/**
 * A technician sets custom fields on a ticket (`fields: {key: value | null}`): each checked by its own
 * definition (forms' conditions and required flags belong to filing). Attachment fields are filled by filing
 * only. Returns the history entries (field `field:<key>`), empty when nothing changed.
 */
export async function setTicketFields(
  trx: Transaction<Database>,
  ticketId: number,
  input: Record<string, unknown>,
): Promise<FieldChange[]> {
  const keys = Object.keys(input);
  if (keys.length === 0) return [];
  if (keys.length > 100)
    throw new Invalid('validation_failed', 'fields: at most 100 at once', [
      { field: '/fields', message: 'too many' },
    ]);
  const defs = await trx.selectFrom('custom_fields').selectAll().where('key', 'in', keys).execute();
  const byKey = new Map(defs.map((r) => [r.key, toCustomField(r)]));
  const errors: FieldError[] = [];
  const cleaned: Array<{ def: ReturnType<typeof toCustomField>; value: FieldValue | null }> = [];
  const users: Array<{ field: string; userId: number }> = [];
  for (const key of keys) {
    const at = `/fields/${key.slice(0, 40)}`;
    const def = byKey.get(key);
    if (!def) {
      errors.push({ field: at, message: 'no such custom field' });
      continue;
    }
    if (def.type === 'attachment') {
      errors.push({ field: at, message: 'attachment fields are filled when a request is filed' });
      continue;
    }
    const r = checkFieldValue(def, input[key]);
    if ('error' in r) errors.push({ field: at, message: r.error });
    else {
      if (def.type === 'user' && typeof r.value === 'number') users.push({ field: at, userId: r.value });
      cleaned.push({ def, value: r.value });
    }
  }
  errors.push(...(await checkFieldUsers(trx, users)));
  if (errors.length > 0)
    throw new Invalid('validation_failed', `${errors[0].field.slice(1)}: ${errors[0].message}`, errors);
  const before = (await readTicketFields(trx, [ticketId])).get(ticketId) ?? {};
  const history: FieldChange[] = [];
  for (const { def, value } of cleaned) {
    const from = text(before[def.key]);
    const to = text(value);
    if (from === to) continue;
    await writeTicketField(trx, ticketId, def, value);
    history.push({ field: `field:${def.key}`, from, to });
  }
  return history;
}

/** A queue filter on one field's value, resolved to the column and value it compares. */
export interface FieldMatch {
  fieldId: number;
  column: 'value_text' | 'value_number';
  value: string | number;
}

/** Resolve `field.<key>=value` filters (keys and values as typed in a URL) against the definitions. */
export async function resolveFieldFilters(
  db: Db,
  raw: Record<string, string>,
  me: number,
): Promise<FieldMatch[]> {
  const keys = Object.keys(raw);
  if (keys.length === 0) return [];
  const fail = (key: string, message: string) =>
    new Invalid('validation_failed', `field.${key.slice(0, 40)}: ${message}`, [
      { field: `querystring/field.${key.slice(0, 40)}`, message },
    ]);
  if (keys.length > 5) throw fail(keys[5], 'at most 5 field filters');
  const defs = await db
    .selectFrom('custom_fields')
    .select(['id', 'key', 'type'])
    .where('key', 'in', keys)
    .execute();
  const byKey = new Map(defs.map((d) => [d.key, d]));
  return keys.map((key) => {
    const def = byKey.get(key);
    if (!def) throw fail(key, 'no such custom field');
    const v = raw[key];
    if (def.type === 'attachment') throw fail(key, 'attachment fields cannot be filtered on');
    if (def.type === 'user') {
      const id = v === 'me' ? me : /^[1-9]\d{0,9}$/.test(v) ? Number(v) : null;
      if (id === null) throw fail(key, 'must be a user id or "me"');
      return { fieldId: def.id, column: 'value_number', value: id };
    }
    if (def.type === 'number') {
      const n = Number(v);
      if (v.trim() === '' || !Number.isFinite(n)) throw fail(key, 'must be a number');
      return { fieldId: def.id, column: 'value_number', value: n };
    }
    return { fieldId: def.id, column: 'value_text', value: v };
  });
}
