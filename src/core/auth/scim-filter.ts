// SCIM 2.0 filters and PATCH paths (RFC 7644 §3.4.2.2 and §3.5.2): parsed into a small tree, then either
// compiled to SQL over a resource's columns (list queries) or evaluated on a JSON element (a PATCH path's
// value filter, such as members[value eq "12"]). Attribute names are case-insensitive and may carry their
// schema's URN; both are normalised here, so the rest of SCIM sees one spelling.
import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely';

export const coreUserUrn = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const coreGroupUrn = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const enterpriseUserUrn = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** A SCIM error: its HTTP status and scimType (RFC 7644 §3.12), with a sentence for the person reading it. */
export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'ScimError';
  }
}

const invalidFilter = (m: string) => new ScimError(400, 'invalidFilter', m);
const invalidPath = (m: string) => new ScimError(400, 'invalidPath', m);

export type CompareOp = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type Literal = string | number | boolean | null;
export type Filter =
  | { op: 'and' | 'or'; left: Filter; right: Filter }
  | { op: 'not'; expr: Filter }
  | { op: 'pr'; attr: string }
  | { op: CompareOp; attr: string; value: Literal }
  /** A value path: some element of the multi-valued `attr` matches `filter` (its attributes are the element's). */
  | { op: 'has'; attr: string; filter: Filter };

const compareOps = new Set<string>(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const maxFilterLength = 2000;
const maxDepth = 20;

/**
 * An attribute's one spelling: lower case, the core schemas' URNs dropped, the enterprise extension's kept as
 * the prefix `enterprise:` ("urn:…:enterprise:2.0:User:manager.value" → "enterprise:manager.value").
 */
export function normaliseAttr(raw: string): string {
  const lower = raw.toLowerCase();
  for (const urn of [coreUserUrn, coreGroupUrn]) {
    const u = `${urn.toLowerCase()}:`;
    if (lower.startsWith(u)) return lower.slice(u.length);
  }
  const e = `${enterpriseUserUrn.toLowerCase()}:`;
  if (lower.startsWith(e)) return `enterprise:${lower.slice(e.length)}`;
  if (lower === enterpriseUserUrn.toLowerCase()) return 'enterprise';
  if (lower.startsWith('urn:')) throw invalidPath(`Unknown schema in "${raw}".`);
  return lower;
}

type Token =
  | { t: 'word'; v: string }
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: '(' | ')' | '[' | ']' };

function tokenize(s: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')' || c === '[' || c === ']') {
      out.push({ t: c });
      i++;
    } else if (c === '"') {
      // A JSON string: find its end, honouring escapes, and let JSON decode it.
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      if (j >= s.length) throw invalidFilter('A string in the filter is not closed.');
      try {
        out.push({ t: 'str', v: JSON.parse(s.slice(i, j + 1)) as string });
      } catch {
        throw invalidFilter('A string in the filter has a bad escape.');
      }
      i = j + 1;
    } else {
      const m = /^[A-Za-z0-9_:.$+-]+/.exec(s.slice(i));
      if (!m) throw invalidFilter(`Unexpected character "${c}" at ${i + 1}.`);
      const w = m[0];
      if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(w)) out.push({ t: 'num', v: Number(w) });
      else out.push({ t: 'word', v: w });
      i += w.length;
    }
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  done(): boolean {
    return this.i >= this.tokens.length;
  }

  private peekWord(): string | null {
    const t = this.tokens[this.i];
    return t?.t === 'word' ? t.v.toLowerCase() : null;
  }

  private expect(t: ')' | ']'): void {
    if (this.tokens[this.i]?.t !== t) throw invalidFilter(`Expected "${t}".`);
    this.i++;
  }

  parseOr(depth: number): Filter {
    if (depth > maxDepth) throw invalidFilter('The filter nests too deeply.');
    let left = this.parseAnd(depth);
    while (this.peekWord() === 'or') {
      this.i++;
      left = { op: 'or', left, right: this.parseAnd(depth) };
    }
    return left;
  }

  private parseAnd(depth: number): Filter {
    let left = this.parseFactor(depth);
    while (this.peekWord() === 'and') {
      this.i++;
      left = { op: 'and', left, right: this.parseFactor(depth) };
    }
    return left;
  }

  private parseFactor(depth: number): Filter {
    const t = this.tokens[this.i];
    if (!t) throw invalidFilter('The filter ends too early.');
    if (t.t === '(') {
      this.i++;
      const f = this.parseOr(depth + 1);
      this.expect(')');
      return f;
    }
    if (t.t === 'word' && t.v.toLowerCase() === 'not' && this.tokens[this.i + 1]?.t === '(') {
      this.i += 2;
      const f = this.parseOr(depth + 1);
      this.expect(')');
      return { op: 'not', expr: f };
    }
    if (t.t !== 'word') throw invalidFilter('Expected an attribute name.');
    this.i++;
    const attr = normaliseAttrForFilter(t.v);
    if (this.tokens[this.i]?.t === '[') {
      this.i++;
      const inner = this.parseOr(depth + 1);
      this.expect(']');
      return { op: 'has', attr, filter: inner };
    }
    const opTok = this.peekWord();
    if (opTok === null) throw invalidFilter(`Expected an operator after "${t.v}".`);
    this.i++;
    if (opTok === 'pr') return { op: 'pr', attr };
    if (!compareOps.has(opTok)) throw invalidFilter(`Unknown operator "${opTok}".`);
    const v = this.tokens[this.i];
    this.i++;
    let value: Literal;
    if (v?.t === 'str' || v?.t === 'num') value = v.v;
    else if (v?.t === 'word' && ['true', 'false', 'null'].includes(v.v.toLowerCase()))
      value = v.v.toLowerCase() === 'null' ? null : v.v.toLowerCase() === 'true';
    else throw invalidFilter(`Expected a value after "${t.v} ${opTok}".`);
    return { op: opTok as CompareOp, attr, value };
  }
}

function normaliseAttrForFilter(raw: string): string {
  try {
    return normaliseAttr(raw);
  } catch (e) {
    if (e instanceof ScimError) throw invalidFilter(e.message);
    throw e;
  }
}

export function parseFilter(text: string): Filter {
  if (text.length > maxFilterLength)
    throw invalidFilter(`A filter has at most ${maxFilterLength} characters.`);
  const p = new Parser(tokenize(text));
  if (p.done()) throw invalidFilter('The filter is empty.');
  const f = p.parseOr(0);
  if (!p.done()) throw invalidFilter('The filter has something after its end.');
  return f;
}

/** A PATCH path: `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub` (attr normalised as above). */
export interface PatchPath {
  attr: string;
  filter: Filter | null;
  sub: string | null;
}

export function parsePatchPath(path: string): PatchPath {
  if (path.length === 0 || path.length > 1000) throw invalidPath('A path needs 1 to 1000 characters.');
  const bracket = path.indexOf('[');
  if (bracket < 0) {
    const attr = normaliseAttr(path.trim());
    if (!/^(enterprise:)?[a-z][\w$-]*(\.[a-z][\w$-]*)?$/.test(attr) && attr !== 'enterprise')
      throw invalidPath(`"${path}" is not an attribute path.`);
    const dot = attr.lastIndexOf('.');
    return dot > 0
      ? { attr: attr.slice(0, dot), filter: null, sub: attr.slice(dot + 1) }
      : { attr, filter: null, sub: null };
  }
  const close = path.lastIndexOf(']');
  if (close < bracket) throw invalidPath(`"${path}": the value filter is not closed.`);
  const attr = normaliseAttr(path.slice(0, bracket).trim());
  let filter: Filter;
  try {
    filter = parseFilter(path.slice(bracket + 1, close));
  } catch (e) {
    if (e instanceof ScimError) throw invalidPath(`"${path}": ${e.message}`);
    throw e;
  }
  const rest = path.slice(close + 1).trim();
  if (rest !== '' && !/^\.[A-Za-z][\w$-]*$/.test(rest)) throw invalidPath(`"${path}": unexpected "${rest}".`);
  return { attr, filter, sub: rest === '' ? null : rest.slice(1).toLowerCase() };
}

// -- evaluation on a JSON element (PATCH value filters) ----------------------------------------------------

/** The value of a (lower-case) key of an object, found whatever the key's case. */
export function getCi(obj: unknown, key: string): unknown {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  for (const [k, v] of Object.entries(obj)) if (k.toLowerCase() === key) return v;
  return undefined;
}

function attrValue(elem: unknown, attr: string): unknown {
  let v: unknown = elem;
  for (const part of attr.split('.')) v = getCi(v, part);
  return v;
}

function asComparable(v: unknown): string | number | boolean | null {
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return null;
}

export function matches(elem: unknown, f: Filter): boolean {
  switch (f.op) {
    case 'and':
      return matches(elem, f.left) && matches(elem, f.right);
    case 'or':
      return matches(elem, f.left) || matches(elem, f.right);
    case 'not':
      return !matches(elem, f.expr);
    case 'has': {
      const list = attrValue(elem, f.attr);
      return Array.isArray(list) && list.some((x) => matches(x, f.filter));
    }
    case 'pr': {
      const v = attrValue(elem, f.attr);
      return v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0);
    }
    default: {
      const raw = asComparable(attrValue(elem, f.attr));
      const want = f.value;
      if (f.op === 'eq' && want === null) return raw === null;
      if (f.op === 'ne' && want === null) return raw !== null;
      if (raw === null || want === null) return f.op === 'ne';
      // Strings compare without regard to case (SCIM's caseExact is false for every attribute matched here).
      const a = typeof raw === 'string' ? raw.toLowerCase() : raw;
      const b = typeof want === 'string' ? want.toLowerCase() : want;
      const as = String(a);
      const bs = String(b);
      switch (f.op) {
        case 'eq':
          return as === bs;
        case 'ne':
          return as !== bs;
        case 'co':
          return as.includes(bs);
        case 'sw':
          return as.startsWith(bs);
        case 'ew':
          return as.endsWith(bs);
        case 'gt':
          return a > b;
        case 'ge':
          return a >= b;
        case 'lt':
          return a < b;
        case 'le':
          return a <= b;
      }
    }
  }
}

// -- compilation to SQL (list queries) ---------------------------------------------------------------------

/** How a resource's attribute is stored: a column of a kind, a constant, or a test the resource builds. */
export type ColumnAttr =
  | { kind: 'text'; col: RawBuilder<unknown>; caseExact?: boolean }
  | { kind: 'id' | 'bool' | 'time'; col: RawBuilder<unknown> }
  | { kind: 'const'; value: string | boolean }
  | { kind: 'custom'; compile: (op: CompareOp | 'pr', value: Literal) => RawBuilder<SqlBool> };

const truth = sql<SqlBool>`1 = 1`;
const falsity = sql<SqlBool>`1 = 0`;

function likePattern(v: string, op: 'co' | 'sw' | 'ew'): string {
  const e = v.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`);
  return op === 'co' ? `%${e}%` : op === 'sw' ? `${e}%` : `%${e}`;
}

const sqlOps: Record<'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le', string> = {
  eq: '=',
  ne: '<>',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
};

function compileCompare(
  a: ColumnAttr,
  op: CompareOp | 'pr',
  value: Literal,
  attr: string,
): RawBuilder<SqlBool> {
  if (a.kind === 'custom') return a.compile(op, value);
  if (a.kind === 'const') {
    if (op === 'pr') return truth;
    return matches({ v: a.value }, { op, attr: 'v', value }) ? truth : falsity;
  }
  const col = a.col;
  if (op === 'pr')
    return a.kind === 'text'
      ? sql<SqlBool>`(${col} is not null and ${col} <> '')`
      : sql<SqlBool>`${col} is not null`;
  if (value === null) {
    if (op === 'eq') return sql<SqlBool>`${col} is null`;
    if (op === 'ne') return sql<SqlBool>`${col} is not null`;
    throw invalidFilter(`"${attr} ${op} null" compares with nothing.`);
  }
  let v: string | number;
  let lhs: RawBuilder<unknown> = col;
  switch (a.kind) {
    case 'bool':
      if (typeof value !== 'boolean') throw invalidFilter(`${attr} is true or false.`);
      if (op !== 'eq' && op !== 'ne') throw invalidFilter(`${attr} compares with eq or ne.`);
      v = value ? 1 : 0;
      break;
    case 'id': {
      const n =
        typeof value === 'number' ? value : /^\d{1,15}$/.test(String(value)) ? Number(value) : Number.NaN;
      if (Number.isNaN(n) || !Number.isInteger(n)) return op === 'ne' ? truth : falsity;
      if (op === 'co' || op === 'sw' || op === 'ew') throw invalidFilter(`${attr} compares as a number.`);
      v = n;
      break;
    }
    case 'time': {
      const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(ms)) throw invalidFilter(`${attr} compares with an ISO 8601 date-time.`);
      if (op === 'co' || op === 'sw' || op === 'ew') throw invalidFilter(`${attr} compares as a date-time.`);
      v = ms;
      break;
    }
    case 'text': {
      if (typeof value !== 'string') throw invalidFilter(`${attr} compares with a string.`);
      if (op === 'co' || op === 'sw' || op === 'ew') {
        return sql<SqlBool>`lower(${col}) like ${likePattern(value, op)} escape '\\'`;
      }
      if (a.caseExact) {
        v = value;
      } else {
        lhs = sql`lower(${col})`;
        v = value.toLowerCase();
      }
      break;
    }
  }
  if (op === 'ne') return sql<SqlBool>`(${lhs} is null or ${lhs} <> ${v})`;
  return sql<SqlBool>`${lhs} ${sql.raw(sqlOps[op])} ${v}`;
}

/** A filter as a SQL condition over a resource's attributes; an attribute the resource lacks is refused. */
export function compileFilter(
  f: Filter,
  attrs: Record<string, ColumnAttr>,
  prefix = '',
): Expression<SqlBool> {
  const go = (x: Filter, p: string): RawBuilder<SqlBool> => {
    switch (x.op) {
      case 'and':
        return sql<SqlBool>`(${go(x.left, p)} and ${go(x.right, p)})`;
      case 'or':
        return sql<SqlBool>`(${go(x.left, p)} or ${go(x.right, p)})`;
      case 'not':
        return sql<SqlBool>`(not ${go(x.expr, p)})`;
      case 'has':
        return go(x.filter, `${p}${x.attr}.`);
      default: {
        const name = `${p}${x.attr}`;
        const a = attrs[name] ?? attrs[`${name}.value`];
        if (!a) throw invalidFilter(`Filtering on "${name}" is not supported.`);
        return compileCompare(a, x.op, x.op === 'pr' ? null : x.value, name);
      }
    }
  };
  return go(f, prefix);
}
