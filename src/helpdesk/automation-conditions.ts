// The conditions of automation rules: a closed set of fields (the ticket's, its custom fields', the requester's
// and the event's), a few operators, checked on save (cleanConditions) and compiled once into plain predicates
// over a ticket's facts (compileConditions), so evaluating 200 rules is a few thousand comparisons. Pure.
import { Invalid } from '../core/errors.js';
import { parseLevel } from './levels.js';

/** A fact's value: text, a number, a yes/no, a list (tags, groups, multi-choice fields), or nothing. */
export type FactValue = string | number | boolean | null | ReadonlyArray<string | number>;
/** A ticket's facts by field name, as conditions read them (automation-engine.ts gathers them). */
export type Facts = Readonly<Record<string, FactValue>>;

/** What a field holds: how its condition values are read (a level takes very_low…very_high or 1–5). */
type FieldKind = 'text' | 'number' | 'level' | 'bool' | 'list';

/** The fields a condition may name, besides `field.<key>` (a custom field). */
export const conditionFields = {
  'ticket.title': 'text',
  'ticket.description': 'text',
  'ticket.type': 'text',
  'ticket.status': 'text',
  'ticket.priority': 'level',
  'ticket.impact': 'level',
  'ticket.urgency': 'level',
  'ticket.categoryId': 'number',
  'ticket.groupId': 'number',
  'ticket.assigneeId': 'number',
  'ticket.requestTypeId': 'number',
  'ticket.tags': 'list',
  'requester.email': 'text',
  'requester.domain': 'text',
  'requester.role': 'text',
  'requester.department': 'text',
  'requester.vip': 'bool',
  'requester.groupIds': 'list',
  /** For 'updated': the names of the fields that changed (status, priority, assignee, tags, field:<key>…). */
  'event.changed': 'list',
  /** For 'commented': the comment's text and whether it is an internal note. */
  'comment.body': 'text',
  'comment.internal': 'bool',
  /** For 'sla_warning': the target warned about (response, resolution). */
  'sla.target': 'text',
} as const satisfies Record<string, FieldKind>;
export type ConditionField = keyof typeof conditionFields;

export const conditionOps = [
  'is',
  'is_not',
  'in',
  'not_in',
  'contains',
  'not_contains',
  'starts_with',
  'ends_with',
  'gt',
  'gte',
  'lt',
  'lte',
  'set',
  'not_set',
] as const;
export type ConditionOp = (typeof conditionOps)[number];

export type ConditionValue = string | number | boolean;

export interface Condition {
  field: string;
  op: ConditionOp;
  /** A list for in/not_in; none for set/not_set; one value otherwise. */
  value?: ConditionValue | ConditionValue[];
}

/** All of `all` and (when given) at least one of `any`. */
export interface Conditions {
  all: Condition[];
  any: Condition[];
}

export const conditionLimits = { perList: 25, values: 50, valueLength: 200 } as const;

const customFieldPattern = /^field\.([a-z][a-z0-9_]{0,62})$/;

function refuse(field: string, message: string): never {
  throw new Invalid('invalid_automation_rule', `${field.slice(1)}: ${message}`, [{ field, message }]);
}

/** The custom field key a condition names, or null for a built-in field. */
export function customFieldKey(field: string): string | null {
  return customFieldPattern.exec(field)?.[1] ?? null;
}

function kindOf(field: string): FieldKind | null {
  if (Object.hasOwn(conditionFields, field)) return conditionFields[field as ConditionField];
  return customFieldKey(field) !== null ? 'text' : null;
}

function cleanValue(kind: FieldKind, v: unknown, at: string): ConditionValue {
  if (typeof v === 'string') {
    const s = v.trim();
    if (s.length === 0 || s.length > conditionLimits.valueLength)
      refuse(at, `must be 1–${conditionLimits.valueLength} characters`);
    if (kind === 'level') {
      const level = parseLevel(s);
      if (level === undefined) refuse(at, 'must be a level: very_low, low, medium, high, very_high or 1–5');
      return level;
    }
    if (kind === 'bool') {
      if (s !== 'true' && s !== 'false') refuse(at, 'must be true or false');
      return s === 'true';
    }
    return s;
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) refuse(at, 'must be a finite number');
    if (kind === 'level' && parseLevel(v) === undefined) refuse(at, 'must be a level 1–5');
    return v;
  }
  if (typeof v === 'boolean') return v;
  return refuse(at, 'must be text, a number or true/false');
}

/** Check and normalise conditions (levels to 1–5, text trimmed); throws invalid_automation_rule. */
export function cleanConditions(input: unknown, at = '/conditions'): Conditions {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    refuse(at, 'must be an object with the lists all and any');
  const out: Conditions = { all: [], any: [] };
  for (const list of ['all', 'any'] as const) {
    const raw = (input as Record<string, unknown>)[list];
    if (raw === undefined) continue;
    if (!Array.isArray(raw)) refuse(`${at}/${list}`, 'must be a list');
    if (raw.length > conditionLimits.perList) refuse(`${at}/${list}`, `at most ${conditionLimits.perList}`);
    raw.forEach((c: unknown, i) => {
      const path = `${at}/${list}/${i}`;
      if (typeof c !== 'object' || c === null) refuse(path, 'must be {field, op, value}');
      const { field, op, value } = c as Record<string, unknown>;
      if (typeof field !== 'string') refuse(`${path}/field`, 'must be a field name');
      const kind = kindOf(field);
      if (kind === null) refuse(`${path}/field`, `unknown field "${field.slice(0, 60)}"`);
      if (typeof op !== 'string' || !(conditionOps as readonly string[]).includes(op))
        refuse(`${path}/op`, `must be one of ${conditionOps.join(', ')}`);
      const o = op as ConditionOp;
      if (o === 'set' || o === 'not_set') {
        out[list].push({ field, op: o });
        return;
      }
      if (o === 'in' || o === 'not_in') {
        if (!Array.isArray(value) || value.length === 0 || value.length > conditionLimits.values)
          refuse(`${path}/value`, `must be a list of 1–${conditionLimits.values} values`);
        out[list].push({
          field,
          op: o,
          value: value.map((v, j) => cleanValue(kind, v, `${path}/value/${j}`)),
        });
        return;
      }
      if (value === undefined || Array.isArray(value)) refuse(`${path}/value`, 'must be one value');
      out[list].push({ field, op: o, value: cleanValue(kind, value, `${path}/value`) });
    });
  }
  return out;
}

/** The custom field keys and fact groups that conditions read (the engine loads only those). */
export function fieldsRead(conditions: Conditions): string[] {
  return [...conditions.all, ...conditions.any].map((c) => c.field);
}

export type Predicate = (facts: Facts) => boolean;

// Text compares case-insensitively: facts come folded to lower case (foldFact, by whoever gathers them) and
// condition values are folded once here, so a comparison allocates nothing. A number fact matches a numeric
// text and the other way round.

/** A fact as conditions expect it: text (and text in lists) in lower case. */
export function foldFact(v: FactValue): FactValue {
  if (typeof v === 'string') return v.toLowerCase();
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'string' ? x.toLowerCase() : x));
  return v;
}

type Folded = string | number | boolean;
const foldValue = (v: ConditionValue): Folded => (typeof v === 'string' ? v.toLowerCase() : v);

function same(fact: Folded, value: Folded): boolean {
  if (typeof fact === typeof value) return fact === value;
  if (typeof fact === 'number' && typeof value === 'string') return String(fact) === value.trim();
  if (typeof fact === 'string' && typeof value === 'number') return fact.trim() === String(value);
  return false;
}

/** Whether any value of a fact (one, or each of a list; none for null or empty text) passes the test. */
function some(fact: FactValue | undefined, test: (v: Folded) => boolean): boolean {
  if (fact === null || fact === undefined || fact === '') return false;
  if (!Array.isArray(fact)) return test(fact as Folded);
  for (const v of fact as Folded[]) if (test(v)) return true;
  return false;
}

function isSet(fact: FactValue | undefined): boolean {
  if (fact === null || fact === undefined || fact === '') return false;
  return !Array.isArray(fact) || fact.length > 0;
}

function compileOne(c: Condition): Predicate {
  const { field } = c;
  const one = foldValue(c.value as ConditionValue);
  const text = String(one);
  const num = typeof one === 'number' ? one : Number(one);
  const asNumber = (v: Folded) =>
    typeof v === 'number' ? v : typeof v === 'boolean' ? Number.NaN : Number(v);
  const compare = (test: (n: number) => boolean) => (f: Facts) =>
    some(f[field], (v) => {
      const n = asNumber(v);
      return Number.isFinite(n) && test(n);
    });
  const texts = (test: (s: string) => boolean) => (f: Facts) =>
    some(f[field], (v) => test(typeof v === 'string' ? v : String(v)));
  switch (c.op) {
    case 'set':
      return (f) => isSet(f[field]);
    case 'not_set':
      return (f) => !isSet(f[field]);
    case 'is':
      return (f) => some(f[field], (v) => same(v, one));
    case 'is_not':
      return (f) => !some(f[field], (v) => same(v, one));
    case 'in':
    case 'not_in': {
      const list = (c.value as ConditionValue[]).map(foldValue);
      const hit = (f: Facts) => some(f[field], (v) => list.some((w) => same(v, w)));
      return c.op === 'in' ? hit : (f) => !hit(f);
    }
    case 'contains':
      return texts((s) => s.includes(text));
    case 'not_contains': {
      const hit = texts((s) => s.includes(text));
      return (f) => !hit(f);
    }
    case 'starts_with':
      return texts((s) => s.startsWith(text));
    case 'ends_with':
      return texts((s) => s.endsWith(text));
    case 'gt':
      return compare((n) => n > num);
    case 'gte':
      return compare((n) => n >= num);
    case 'lt':
      return compare((n) => n < num);
    case 'lte':
      return compare((n) => n <= num);
  }
}

/** One predicate for a rule's conditions: every `all`, and one of `any` when there are any. */
export function compileConditions(conditions: Conditions): Predicate {
  const all = conditions.all.map(compileOne);
  const any = conditions.any.map(compileOne);
  return (facts) => {
    for (const p of all) if (!p(facts)) return false;
    if (any.length === 0) return true;
    for (const p of any) if (p(facts)) return true;
    return false;
  };
}
