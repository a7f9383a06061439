// Custom field values and the forms of the service catalogue, checked on the server (the web app mirrors the
// same definitions): a form is compiled once per version into one function that takes a requester's answers
// and returns the cleaned values of the fields shown and every error, each naming its field. Pure: the
// references that need the database (a user exists, an upload is the caller's) are checked by the caller.
import type { CustomFieldType } from '../core/db/index.js';
import type { FieldError } from '../core/errors.js';

export const customFieldTypes: readonly CustomFieldType[] = [
  'text',
  'number',
  'date',
  'choice',
  'multi_choice',
  'user',
  'attachment',
];

export const fieldLimits = {
  key: 40,
  label: 100,
  helpText: 500,
  options: 100,
  option: 100,
  /** The longest text any field takes. */
  text: 10_000,
  /** A pattern's own length, and the longest text a patterned field takes (bounds its backtracking). */
  pattern: 200,
  patternedText: 256,
  /** Unbounded quantifiers (*, +, {n,}) in one pattern. */
  patternQuantifiers: 3,
  attachments: 10,
  conditionValues: 50,
  formFields: 100,
  answers: 200,
} as const;

/** A value as stored and read: text, date (YYYY-MM-DD) and choice as a string, number and user as a number. */
export type FieldValue = string | number | string[] | number[];

export type ConditionOp = 'equals' | 'in' | 'set';

/** Show a field only when an earlier field of the form equals a value, is one of some values, or is set. */
export interface FieldCondition {
  field: string;
  op: ConditionOp;
  value?: string | number;
  values?: Array<string | number>;
}

/** What a field is: its definition's rules. */
export interface FieldRules {
  key: string;
  label: string;
  type: CustomFieldType;
  options: string[];
  min: number | null;
  max: number | null;
  pattern: string | null;
  maxLength: number | null;
}

/** A field as one form shows it: the definition plus the form's own required flag and condition. */
export interface FormField extends FieldRules {
  required: boolean;
  condition: FieldCondition | null;
}

export interface FormResult {
  /** The answers of the fields shown, cleaned, in the form's order; unanswered fields are absent. */
  values: Map<string, FieldValue>;
  errors: FieldError[];
}

export type CompiledForm = (answers: unknown) => FormResult;

const keyPattern = /^[a-z][a-z0-9_]*$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A printable key for an error message (the caller's key may be anything). */
function shown(key: string): string {
  return key.length > 40 ? `${key.slice(0, 40)}…` : key;
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

export function isValidDate(s: string): boolean {
  const m = datePattern.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/**
 * Why a pattern is refused, or null. Catastrophic backtracking needs a quantified group that holds a quantifier
 * or an alternation ((a+)+, (a|a)*) or a backreference: those are refused. What remains backtracks at worst
 * polynomially in the input, which is bounded (fieldLimits.patternedText) as are the unbounded quantifiers.
 */
export function patternProblem(pattern: string): string | null {
  if (pattern.length === 0 || pattern.length > fieldLimits.pattern)
    return `must be 1–${fieldLimits.pattern} characters`;
  try {
    new RegExp(pattern, 'u');
  } catch {
    return 'is not a valid regular expression';
  }
  if (/\\[1-9]|\\k</.test(pattern)) return 'must not use backreferences';
  // Walk the pattern: for each group, whether it holds a quantifier or an alternation.
  const stack: Array<{ risky: boolean }> = [];
  let unbounded = 0;
  let inClass = false;
  let lastGroupRisky = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      lastGroupRisky = false;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    const quantified = c === '*' || c === '+' || (c === '{' && /^\{\d+,\d*\}/.test(pattern.slice(i)));
    // An exact count ({4}) matches one way: no ambiguity to backtrack over.
    const bounded = c === '?' || (c === '{' && /^\{\d+,\d+\}/.test(pattern.slice(i)));
    if (c === '[') {
      inClass = true;
      lastGroupRisky = false;
    } else if (c === '(') {
      stack.push({ risky: false });
      // A group's own prefix ((?:, (?=, (?<name>) is no quantifier.
      const prefix = /^\(\?(?::|=|!|<=|<!|<[A-Za-z]\w*>)/.exec(pattern.slice(i));
      if (prefix) i += prefix[0].length - 1;
      lastGroupRisky = false;
    } else if (c === ')') {
      const g = stack.pop();
      lastGroupRisky = g?.risky ?? false;
      if (g?.risky && stack.length > 0) stack[stack.length - 1].risky = true;
      continue;
    } else if (c === '|') {
      if (stack.length > 0) stack[stack.length - 1].risky = true;
    } else if (quantified || bounded) {
      const unboundedHere = c === '*' || c === '+' || /^\{\d+,\}/.test(pattern.slice(i));
      if (unboundedHere) {
        unbounded++;
        if (lastGroupRisky) return 'must not repeat a group that itself repeats or alternates, as (a+)+';
      }
      if (stack.length > 0) stack[stack.length - 1].risky = true;
    }
    lastGroupRisky = false;
  }
  if (unbounded > fieldLimits.patternQuantifiers)
    return `may use at most ${fieldLimits.patternQuantifiers} unbounded repetitions (*, +, {n,})`;
  return null;
}

/** Why a field definition is refused, as errors under `base` (e.g. "" or "/fields/2"). */
export function definitionProblems(def: FieldRules & { helpText?: string }, base = ''): FieldError[] {
  const errors: FieldError[] = [];
  const err = (field: string, message: string) => errors.push({ field: `${base}/${field}`, message });
  if (def.key.length > fieldLimits.key || !keyPattern.test(def.key))
    err('key', `must be 1–${fieldLimits.key} lower-case letters, digits or _, starting with a letter`);
  const label = def.label.trim();
  if (label.length === 0 || label.length > fieldLimits.label)
    err('label', `must be 1–${fieldLimits.label} characters`);
  if ((def.helpText ?? '').length > fieldLimits.helpText)
    err('helpText', `must be at most ${fieldLimits.helpText} characters`);
  if (!customFieldTypes.includes(def.type)) err('type', `must be one of ${customFieldTypes.join(', ')}`);
  const choices = def.type === 'choice' || def.type === 'multi_choice';
  if (choices) {
    if (def.options.length === 0 || def.options.length > fieldLimits.options)
      err('options', `a choice field needs 1–${fieldLimits.options} options`);
    const seen = new Set<string>();
    for (const o of def.options) {
      if (o.trim().length === 0 || o.length > fieldLimits.option) {
        err('options', `each option must be 1–${fieldLimits.option} characters`);
        break;
      }
      if (seen.has(o)) {
        err('options', `"${shown(o)}" is listed twice`);
        break;
      }
      seen.add(o);
    }
  } else if (def.options.length > 0) err('options', 'only choice and multi_choice fields have options');
  const ranged = def.type === 'number' || def.type === 'date';
  for (const [name, v] of [
    ['min', def.min],
    ['max', def.max],
  ] as const) {
    if (v === null) continue;
    if (!ranged) err(name, 'only number and date fields have a range');
    else if (!Number.isFinite(v)) err(name, 'must be a finite number');
  }
  if (def.min !== null && def.max !== null && def.min > def.max) err('min', 'must not be above max');
  if (def.pattern !== null) {
    if (def.type !== 'text') err('pattern', 'only text fields have a pattern');
    else {
      const why = patternProblem(def.pattern);
      if (why) err('pattern', why);
    }
  }
  if (def.maxLength !== null) {
    if (def.type !== 'text') err('maxLength', 'only text fields have a maximum length');
    else if (!Number.isInteger(def.maxLength) || def.maxLength < 1 || def.maxLength > fieldLimits.text)
      err('maxLength', `must be 1–${fieldLimits.text}`);
  }
  return errors;
}

/** Why a form's conditions are refused: each must name an earlier field of the form and fit its type. */
export function formProblems(fields: FormField[], base = '/fields'): FieldError[] {
  const errors: FieldError[] = [];
  if (fields.length > fieldLimits.formFields)
    errors.push({ field: base, message: `at most ${fieldLimits.formFields} fields` });
  const before = new Map<string, FormField>();
  fields.forEach((f, i) => {
    if (before.has(f.key)) errors.push({ field: `${base}/${i}`, message: `${f.key} is on the form twice` });
    const c = f.condition;
    if (c) {
      const at = `${base}/${i}/condition`;
      const on = before.get(c.field);
      if (!on)
        errors.push({
          field: `${at}/field`,
          message: `must name a field above this one, not "${shown(c.field)}"`,
        });
      else if (c.op === 'equals' && (c.value === undefined || c.value === ''))
        errors.push({ field: `${at}/value`, message: 'equals needs a value' });
      else if (
        c.op === 'in' &&
        (!c.values || c.values.length === 0 || c.values.length > fieldLimits.conditionValues)
      )
        errors.push({ field: `${at}/values`, message: `in needs 1–${fieldLimits.conditionValues} values` });
      else if (on.options.length > 0 && c.op !== 'set') {
        const wanted = c.op === 'equals' ? [c.value] : (c.values ?? []);
        const stray = wanted.find((v) => !on.options.includes(String(v)));
        if (stray !== undefined)
          errors.push({
            field: `${at}/${c.op === 'equals' ? 'value' : 'values'}`,
            message: `"${shown(String(stray))}" is not an option of ${on.key}`,
          });
      }
    }
    before.set(f.key, f);
  });
  return errors;
}

type Check = (v: unknown) => { value: FieldValue } | { error: string };

/** The check of one field's value (not empty: emptiness is the caller's), built once. */
export function valueCheck(f: FieldRules): Check {
  switch (f.type) {
    case 'text': {
      const max = Math.min(
        f.maxLength ?? fieldLimits.text,
        f.pattern ? fieldLimits.patternedText : fieldLimits.text,
      );
      const re = f.pattern ? new RegExp(`^(?:${f.pattern})$`, 'u') : null;
      return (v) => {
        if (typeof v !== 'string') return { error: 'must be text' };
        if (v.length > max) return { error: `must be at most ${max} characters` };
        if (re && !re.test(v)) return { error: 'does not have the expected form' };
        return { value: v };
      };
    }
    case 'number': {
      const { min, max } = f;
      return (v) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) return { error: 'must be a number' };
        if (min !== null && v < min) return { error: `must be at least ${min}` };
        if (max !== null && v > max) return { error: `must be at most ${max}` };
        return { value: v };
      };
    }
    case 'date': {
      // A range on a date field is in days since 1970-01-01.
      const { min, max } = f;
      return (v) => {
        if (typeof v !== 'string' || !isValidDate(v)) return { error: 'must be a date as YYYY-MM-DD' };
        const day = Date.parse(`${v}T00:00:00Z`) / 86_400_000;
        if (min !== null && day < min) return { error: `must be on or after ${dayText(min)}` };
        if (max !== null && day > max) return { error: `must be on or before ${dayText(max)}` };
        return { value: v };
      };
    }
    case 'choice': {
      const options = new Set(f.options);
      return (v) =>
        typeof v === 'string' && options.has(v) ? { value: v } : { error: 'must be one of the options' };
    }
    case 'multi_choice': {
      const options = new Set(f.options);
      return (v) => {
        if (!Array.isArray(v) || v.length > options.size) return { error: 'must be a list of the options' };
        const seen = new Set<string>();
        for (const o of v) {
          if (typeof o !== 'string' || !options.has(o)) return { error: 'must be a list of the options' };
          if (seen.has(o)) return { error: `lists "${shown(o)}" twice` };
          seen.add(o);
        }
        // In the options' order, so equal answers are stored alike.
        return { value: f.options.filter((o) => seen.has(o)) };
      };
    }
    case 'user':
      return (v) =>
        typeof v === 'number' && Number.isSafeInteger(v) && v > 0
          ? { value: v }
          : { error: 'must be a user id' };
    case 'attachment':
      return (v) => {
        if (!Array.isArray(v) || v.length > fieldLimits.attachments)
          return { error: `must be a list of at most ${fieldLimits.attachments} upload ids` };
        for (const id of v)
          if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0)
            return { error: 'must be a list of upload ids' };
        if (new Set(v).size !== v.length) return { error: 'lists an upload twice' };
        return { value: v as number[] };
      };
  }
}

function dayText(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** Whether a condition holds on the values of the fields above (absent: hidden or unanswered). */
export function conditionHolds(c: FieldCondition, v: FieldValue | undefined): boolean {
  if (v === undefined) return false;
  if (c.op === 'set') return true;
  const wanted = c.op === 'equals' ? [String(c.value)] : (c.values ?? []).map(String);
  const have = Array.isArray(v) ? v.map(String) : [String(v)];
  return have.some((h) => wanted.includes(h));
}

/**
 * Compile a form into its validator. Every step that depends only on the form (option sets, regular
 * expressions, ranges, the condition of each field) is done here, once; the returned function walks the
 * fields in order and never throws, whatever it is given.
 */
export function compileForm(fields: FormField[]): CompiledForm {
  const steps = fields.map((f) => ({
    key: f.key,
    at: `/fields/${f.key}`,
    required: f.required,
    condition: f.condition,
    check: valueCheck(f),
  }));
  const known = new Set(fields.map((f) => f.key));
  return (answers) => {
    const values = new Map<string, FieldValue>();
    const errors: FieldError[] = [];
    if (answers === undefined || answers === null) answers = {};
    if (typeof answers !== 'object' || Array.isArray(answers)) {
      errors.push({ field: '/fields', message: 'must be an object of answers by field key' });
      return { values, errors };
    }
    const given = answers as Record<string, unknown>;
    const keys = Object.keys(given);
    if (keys.length > fieldLimits.answers) {
      errors.push({ field: '/fields', message: `at most ${fieldLimits.answers} answers` });
      return { values, errors };
    }
    // Unknown keys, each once (two long keys may show alike).
    const unknown = new Set(keys.filter((k) => !known.has(k)).map(shown));
    for (const k of unknown) errors.push({ field: `/fields/${k}`, message: 'is not a field of this form' });
    for (const s of steps) {
      // Hidden: neither required nor stored, whatever was sent for it.
      if (s.condition && !conditionHolds(s.condition, values.get(s.condition.field))) continue;
      const v = Object.hasOwn(given, s.key) ? given[s.key] : undefined;
      if (isEmpty(v)) {
        if (s.required) errors.push({ field: s.at, message: 'is required' });
        continue;
      }
      const r = s.check(v);
      if ('error' in r) errors.push({ field: s.at, message: r.error });
      else values.set(s.key, r.value);
    }
    return { values, errors };
  };
}

/** One value for a field outside any form (a technician setting it on a ticket): null clears it. */
export function checkFieldValue(f: FieldRules, v: unknown): { value: FieldValue | null } | { error: string } {
  if (isEmpty(v)) return { value: null };
  return valueCheck(f)(v);
}
