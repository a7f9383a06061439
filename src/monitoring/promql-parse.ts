// PromQL text → the syntax tree of promql-ast.ts. @prometheus-io/lezer-promql (Prometheus's own grammar for its
// editor) does the parsing; this file walks its tree, refuses what it marks as an error, and checks what Prometheus's
// parser checks beyond the grammar (argument types, selectors that match everything, bool on comparisons), always
// naming the line, column and offset of the fault.
import { parser } from '@prometheus-io/lezer-promql';
import { Invalid } from '../core/errors.js';
import { compileLabelRegex, type LabelMatcher, type MatchOp } from './metric-model.js';
import { promDurationMs } from './prom-duration.js';
import type {
  AggregateOp,
  AtModifier,
  BinaryOp,
  Expr,
  MatrixSelectorNode,
  ValueType,
  VectorMatching,
  VectorSelectorNode,
} from './promql-ast.js';
import { isComparison, isSetOp } from './promql-ast.js';
import { functionSignatures } from './promql-functions.js';

/** Where in the query text an error is: 1-based line and column (in characters), 0-based offset. */
export interface PromqlPosition {
  line: number;
  column: number;
  offset: number;
}

/** Invalid('invalid_promql') or Invalid('unsupported_promql') with the position of the fault. */
export class PromqlError extends Invalid {
  constructor(
    code: 'invalid_promql' | 'unsupported_promql',
    readonly position: PromqlPosition,
    reason: string,
  ) {
    const where = `line ${position.line}, column ${position.column} (offset ${position.offset})`;
    super(code, `${code === 'invalid_promql' ? 'parse error' : 'unsupported'} at ${where}: ${reason}`, [
      { field: 'query', message: `${where}: ${reason}` },
    ]);
  }
}

/** The longest query text accepted (Grafana's longest generated queries are a few kilobytes). */
export const maxQueryLength = 64 * 1024;

/**
 * The deepest nesting of brackets accepted. Lezer's error recovery over many unclosed brackets is superlinear —
 * "sum(" a thousand times (4 KB) took it two seconds of the service's one thread, found by the fuzz suite
 * (test/fuzz/corpus/promql/hang-*) — while real queries nest a few levels.
 */
export const maxQueryNesting = 128;

/** Where the text first nests brackets deeper than maxQueryNesting (strings and comments skipped), or -1. */
function tooDeepAt(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      // A string runs to its unescaped closing quote (raw strings have no escapes).
      for (i++; i < text.length && text[i] !== c; i++) if (c !== '`' && text[i] === '\\') i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '(' || c === '[' || c === '{') {
      if (++depth > maxQueryNesting) return i;
    } else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return -1;
}

// The lezer tree's node, as far as this file uses it.
interface Node {
  name: string;
  from: number;
  to: number;
  type: { isError: boolean };
  firstChild: Node | null;
  nextSibling: Node | null;
}

const aggregateOps: Record<string, AggregateOp> = {
  Sum: 'sum',
  Avg: 'avg',
  Min: 'min',
  Max: 'max',
  Count: 'count',
  Group: 'group',
  Stddev: 'stddev',
  Stdvar: 'stdvar',
  Topk: 'topk',
  Bottomk: 'bottomk',
  Quantile: 'quantile',
};

const binaryOps: Record<string, BinaryOp> = {
  Add: '+',
  Sub: '-',
  Mul: '*',
  Div: '/',
  Mod: '%',
  Pow: '^',
  Eql: '==',
  Neq: '!=',
  Gtr: '>',
  Lss: '<',
  Gte: '>=',
  Lte: '<=',
  And: 'and',
  Or: 'or',
  Unless: 'unless',
};

const matchOps: Record<string, MatchOp> = { EqlSingle: '=', Neq: '!=', EqlRegex: '=~', NeqRegex: '!~' };

class Parser {
  constructor(private readonly text: string) {}

  position(offset: number): PromqlPosition {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    // Columns count characters (code points), as an editor shows them.
    return { line, column: [...this.text.slice(lineStart, offset)].length + 1, offset };
  }

  fail(at: number, reason: string): never {
    throw new PromqlError('invalid_promql', this.position(at), reason);
  }

  unsupported(at: number, reason: string): never {
    throw new PromqlError('unsupported_promql', this.position(at), reason);
  }

  src(node: Node): string {
    return this.text.slice(node.from, node.to);
  }

  children(node: Node): Node[] {
    const out: Node[] = [];
    for (let c = node.firstChild; c; c = c.nextSibling) if (c.name !== 'LineComment') out.push(c);
    return out;
  }

  child(node: Node, name: string): Node | undefined {
    return this.children(node).find((c) => c.name === name);
  }

  expr(node: Node): Expr {
    switch (node.name) {
      case 'ParenExpr': {
        const inner = this.children(node);
        if (inner.length !== 1) this.fail(node.from, 'a parenthesis holds one expression');
        return this.expr(inner[0]);
      }
      case 'NumberDurationLiteral':
        return { kind: 'number', value: this.number(node) };
      case 'StringLiteral':
        return { kind: 'string', value: this.string(node) };
      case 'VectorSelector':
        return this.vectorSelector(node);
      case 'MatrixSelector':
        return this.matrixSelector(node);
      case 'OffsetExpr':
      case 'StepInvariantExpr':
        return this.modified(node);
      case 'UnaryExpr':
        return this.unary(node);
      case 'BinaryExpr':
        return this.binary(node);
      case 'FunctionCall':
        return this.call(node);
      case 'AggregateExpr':
        return this.aggregate(node);
      case 'SubqueryExpr':
        return this.subquery(node);
      case 'AnchoredExpr':
      case 'SmoothedExpr':
        return this.unsupported(node.from, 'the anchored and smoothed modifiers are not supported');
      default:
        return this.fail(node.from, `unexpected ${JSON.stringify(this.src(node).slice(0, 40))}`);
    }
  }

  number(node: Node): number {
    const raw = this.src(node);
    const lower = raw.toLowerCase();
    if (lower === 'inf' || lower === '+inf') return Number.POSITIVE_INFINITY;
    if (lower === '-inf') return Number.NEGATIVE_INFINITY;
    if (lower === 'nan') return Number.NaN;
    if (/^(?:\d+(?:ms|s|m|h|d|w|y))+$/.test(raw)) return this.duration(node) / 1000;
    const cleaned = raw.replaceAll('_', '');
    const value = /^0x[0-9a-f]+$/i.test(cleaned)
      ? Number.parseInt(cleaned.slice(2), 16)
      : /^0[0-7]+$/.test(cleaned)
        ? Number.parseInt(cleaned, 8)
        : Number(cleaned);
    if (Number.isNaN(value)) this.fail(node.from, `bad number ${JSON.stringify(raw)}`);
    return value;
  }

  /** A duration in milliseconds: `5m`, `1h30m`, or plain seconds (`90`, `1.5`). */
  duration(node: Node): number {
    const raw = this.src(node);
    if (/^\d+(?:\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
    // Prometheus refuses 5m1h: units must come largest first, each once.
    const ms = promDurationMs(raw);
    if (ms === null)
      this.fail(node.from, `bad duration ${JSON.stringify(raw)} (units largest first, each once)`);
    return ms as number;
  }

  durationExpr(node: Node, negative = false): number {
    const parts = this.children(node);
    if (parts.length === 1 && parts[0].name === 'NumberDurationLiteralInDurationContext') {
      const ms = this.duration(parts[0]);
      return negative ? -ms : ms;
    }
    if (parts.length === 2 && parts[0].name === 'UnaryOp') {
      const sign = this.src(parts[0]) === '-' ? !negative : negative;
      return this.durationExpr(parts[1], sign);
    }
    if (node.name === 'NumberDurationLiteralInDurationContext') return this.duration(node);
    return this.unsupported(
      node.from,
      'duration arithmetic and step()/range() in durations are not supported',
    );
  }

  string(node: Node): string {
    const raw = this.src(node);
    const quote = raw[0];
    if (raw.length < 2 || raw[raw.length - 1] !== quote) this.fail(node.from, 'unterminated string');
    const body = raw.slice(1, -1);
    if (quote === '`') return body;
    return this.unescape(body, node.from + 1);
  }

  /** Go's escapes in a quoted string: \a \b \f \n \r \t \v \\ \' \" \xNN \NNN \uNNNN \UNNNNNNNN. */
  unescape(body: string, at: number): string {
    let out = '';
    for (let i = 0; i < body.length; i++) {
      const c = body[i];
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = body[++i];
      const simple: Record<string, string> = {
        a: '\x07',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
        v: '\v',
        '\\': '\\',
        "'": "'",
        '"': '"',
      };
      if (e !== undefined && simple[e] !== undefined) {
        out += simple[e];
        continue;
      }
      const hex = (len: number) => {
        const digits = body.slice(i + 1, i + 1 + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(digits)) this.fail(at + i, 'bad escape in string');
        i += len;
        return Number.parseInt(digits, 16);
      };
      if (e === 'x') out += String.fromCharCode(hex(2));
      else if (e === 'u' || e === 'U') {
        const cp = hex(e === 'u' ? 4 : 8);
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) this.fail(at + i, 'bad escape in string');
        out += String.fromCodePoint(cp);
      } else if (e !== undefined && /[0-7]/.test(e)) {
        const digits = body.slice(i, i + 3);
        if (!/^[0-7]{3}$/.test(digits)) this.fail(at + i, 'bad escape in string');
        out += String.fromCharCode(Number.parseInt(digits, 8) & 0xff);
        i += 2;
      } else this.fail(at + i - 1, 'bad escape in string');
    }
    return out;
  }

  labelName(node: Node): string {
    if (node.name === 'QuotedLabelName') {
      const s = this.child(node, 'StringLiteral');
      return s ? this.string(s) : this.fail(node.from, 'bad label name');
    }
    return this.src(node);
  }

  vectorSelector(node: Node): VectorSelectorNode {
    const matchers: LabelMatcher[] = [];
    let name: string | null = null;
    for (const c of this.children(node)) {
      if (c.name === 'Identifier' || c.name === 'MetricName') name = this.src(c);
      else if (c.name === 'LabelMatchers') {
        for (const m of this.children(c)) {
          if (m.name === 'QuotedLabelName') {
            // {"metric.name"}: a metric name alone, quoted for UTF-8.
            if (name !== null) this.fail(m.from, 'metric name must not be set twice');
            name = this.labelName(m);
            continue;
          }
          const parts = this.children(m);
          const labelNode = parts.find((p) => p.name === 'LabelName' || p.name === 'QuotedLabelName');
          const opNode = parts.find((p) => p.name === 'MatchOp');
          const valueNode = parts.find((p) => p.name === 'StringLiteral');
          if (!labelNode || !opNode || !valueNode) this.fail(m.from, 'bad label matcher');
          const op = matchOps[this.children(opNode)[0]?.name ?? ''];
          if (!op) this.fail(opNode.from, 'bad match operator');
          const matcher = { name: this.labelName(labelNode), op, value: this.string(valueNode) };
          if (op === '=~' || op === '!~') {
            const problem = regexProblem(matcher.value);
            if (problem) this.fail(valueNode.from, `invalid regular expression ${matcher.value}: ${problem}`);
          }
          matchers.push(matcher);
        }
      } else this.fail(c.from, `unexpected ${JSON.stringify(this.src(c).slice(0, 40))}`);
    }
    if (name !== null) {
      if (matchers.some((m) => m.name === '__name__'))
        this.fail(node.from, 'metric name must not be set twice');
      matchers.unshift({ name: '__name__', op: '=', value: name });
    }
    if (matchers.length === 0 || matchers.every((m) => matchesEmpty(m))) {
      this.fail(node.from, 'vector selector must contain at least one non-empty matcher');
    }
    return { kind: 'vector_selector', matchers, offsetMs: 0, at: null };
  }

  matrixSelector(node: Node): MatrixSelectorNode {
    const parts = this.children(node);
    const inner = parts[0] ? this.expr(parts[0]) : this.fail(node.from, 'bad range selector');
    if (inner.kind !== 'vector_selector') {
      this.fail(node.from, 'ranges only allowed for vector selectors');
    }
    if (inner.offsetMs !== 0 || inner.at)
      this.fail(node.from, 'offset and @ go after the range, not before it');
    const rangeNode = parts[1];
    if (!rangeNode) this.fail(node.to, 'missing range');
    const rangeMs = this.durationExpr(rangeNode);
    if (rangeMs <= 0) this.fail(rangeNode.from, 'range must be greater than zero');
    return { kind: 'matrix_selector', selector: inner, rangeMs };
  }

  subquery(node: Node): Expr {
    const parts = this.children(node);
    const inner = parts[0] ? this.expr(parts[0]) : this.fail(node.from, 'bad subquery');
    if (typeOf(inner) !== 'vector') {
      this.fail(node.from, `subquery is only allowed on instant vector, got ${typeName(typeOf(inner))}`);
    }
    const durations = parts.slice(1).filter((p) => p.name === 'DurationExpr');
    if (!durations[0]) this.fail(node.to, 'missing subquery range');
    const rangeMs = this.durationExpr(durations[0]);
    if (rangeMs <= 0) this.fail(durations[0].from, 'range must be greater than zero');
    const stepMs = durations[1] ? this.durationExpr(durations[1]) : null;
    if (stepMs !== null && stepMs <= 0) this.fail(durations[1].from, 'step must be greater than zero');
    return { kind: 'subquery', expr: inner, rangeMs, stepMs, offsetMs: 0, at: null };
  }

  /** `offset` and `@` apply to the selector beneath (Prometheus allows them on selectors and subqueries only). */
  modified(node: Node): Expr {
    const parts = this.children(node);
    const target = parts[0] ? this.expr(parts[0]) : this.fail(node.from, 'bad modifier');
    const selector =
      target.kind === 'vector_selector' || target.kind === 'subquery'
        ? target
        : target.kind === 'matrix_selector'
          ? target.selector
          : this.fail(node.from, 'offset and @ may only follow a selector or a subquery');
    if (node.name === 'OffsetExpr') {
      if (selector.offsetMs !== 0)
        this.fail(parts[1]?.from ?? node.from, 'offset may not be set multiple times');
      const durationNode = parts[parts.length - 1];
      selector.offsetMs = this.durationExpr(durationNode);
    } else {
      if (selector.at) this.fail(parts[1]?.from ?? node.from, '@ may not be set multiple times');
      const atNode = parts[parts.length - 1];
      selector.at = this.atModifier(atNode);
    }
    return target;
  }

  atModifier(node: Node): AtModifier {
    if (node.name === 'AtModifierPreprocessors') {
      return this.children(node)[0]?.name === 'AtEnd' ? { kind: 'end' } : { kind: 'start' };
    }
    let value: number;
    if (node.name === 'NumberDurationLiteral') value = this.number(node);
    else if (node.name === 'UnaryExpr' || node.name === 'UnaryOp') {
      const parts = this.children(node);
      const n = parts.find((p) => p.name === 'NumberDurationLiteral');
      value = n ? -this.number(n) : this.fail(node.from, 'bad @ time');
    } else return this.fail(node.from, '@ takes a Unix time in seconds, start() or end()');
    if (!Number.isFinite(value)) this.fail(node.from, '@ takes a finite time');
    return { kind: 'time', ms: Math.round(value * 1000) };
  }

  unary(node: Node): Expr {
    const [opNode, operand] = this.children(node);
    if (!operand) this.fail(node.from, 'missing operand');
    const expr = this.expr(operand);
    const t = typeOf(expr);
    if (t !== 'scalar' && t !== 'vector') {
      this.fail(
        node.from,
        `unary expression only allowed on expressions of type scalar or instant vector, got ${t}`,
      );
    }
    const op = this.src(opNode) === '-' ? '-' : '+';
    if (op === '+') return expr;
    if (expr.kind === 'number') return { kind: 'number', value: -expr.value };
    return { kind: 'unary', op, expr };
  }

  binary(node: Node): Expr {
    const parts = this.children(node);
    const lhsNode = parts[0];
    const opNode = parts[1];
    const rhsNode = parts[parts.length - 1];
    if (!lhsNode || !opNode || !rhsNode || rhsNode === opNode) this.fail(node.from, 'bad binary expression');
    const op = binaryOps[opNode.name] ?? this.unsupported(opNode.from, `the operator ${this.src(opNode)}`);
    const lhs = this.expr(lhsNode);
    const rhs = this.expr(rhsNode);
    let returnBool = false;
    let matchingNode: Node | undefined;
    for (const m of parts.slice(2, -1)) {
      if (m.name === 'BoolModifier') returnBool = true;
      else if (m.name === 'MatchingModifierClause') matchingNode = m;
      else this.unsupported(m.from, `the modifier ${JSON.stringify(this.src(m))}`);
    }
    const lt = typeOf(lhs);
    const rt = typeOf(rhs);
    for (const [t, n] of [
      [lt, lhsNode],
      [rt, rhsNode],
    ] as const) {
      if (t !== 'scalar' && t !== 'vector') {
        this.fail(n.from, `binary expression must contain only scalar and instant vector types, got ${t}`);
      }
    }
    if (returnBool && !isComparison(op))
      this.fail(node.from, 'bool modifier can only be used on comparison operators');
    if (isComparison(op) && lt === 'scalar' && rt === 'scalar' && !returnBool) {
      this.fail(opNode.from, 'comparisons between scalars must use BOOL modifier');
    }
    if (isSetOp(op) && (lt === 'scalar' || rt === 'scalar')) {
      this.fail(opNode.from, `set operator "${op}" not allowed in binary scalar expression`);
    }
    let matching: VectorMatching | null = null;
    if (lt === 'vector' && rt === 'vector') {
      matching = { card: isSetOp(op) ? 'many-to-many' : 'one-to-one', on: false, labels: [], include: [] };
      if (matchingNode) this.vectorMatching(matchingNode, matching, op);
    } else if (matchingNode) {
      this.fail(matchingNode.from, 'vector matching only allowed between instant vectors');
    }
    return { kind: 'binary', op, lhs, rhs, returnBool, matching };
  }

  vectorMatching(node: Node, matching: VectorMatching, op: BinaryOp): void {
    let seenGroup = false;
    for (const c of this.children(node)) {
      if (c.name === 'On' || c.name === 'Ignoring') matching.on = c.name === 'On';
      else if (c.name === 'GroupingLabels') {
        const labels = this.children(c).map((l) => this.labelName(l));
        if (seenGroup) matching.include = labels;
        else matching.labels = labels;
      } else if (c.name === 'GroupLeft' || c.name === 'GroupRight') {
        if (isSetOp(op)) this.fail(c.from, `no grouping allowed for "${op}" operation`);
        seenGroup = true;
        matching.card = c.name === 'GroupLeft' ? 'many-to-one' : 'one-to-many';
      } else this.unsupported(c.from, `the modifier ${JSON.stringify(this.src(c))}`);
    }
    for (const l of matching.include) {
      if (matching.on && matching.labels.includes(l)) {
        this.fail(node.from, `label "${l}" must not occur in ON and GROUP clause at once`);
      }
    }
  }

  call(node: Node): Expr {
    const idNode = this.child(node, 'FunctionIdentifier');
    const bodyNode = this.child(node, 'FunctionCallBody');
    if (!idNode || !bodyNode) this.fail(node.from, 'bad function call');
    const func = this.src(idNode);
    const signature = functionSignatures[func];
    if (!signature) this.unsupported(idNode.from, `the function ${func}() is not supported`);
    const argNodes = this.children(bodyNode);
    const args = argNodes.map((a) => this.expr(a));
    const min = signature.args.length - (signature.optional ?? 0);
    if (args.length < min || args.length > signature.args.length) {
      this.fail(
        node.from,
        `expected ${min === signature.args.length ? min : `${min} to ${signature.args.length}`} argument(s) in call to "${func}", got ${args.length}`,
      );
    }
    args.forEach((a, i) => {
      const want = signature.args[i];
      const got = typeOf(a);
      if (got !== want) {
        this.fail(
          argNodes[i].from,
          `expected type ${typeName(want)} in call to function "${func}", got ${typeName(got)}`,
        );
      }
    });
    if (func === 'label_replace') {
      const dst = (args[1] as { value: string }).value;
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(dst))
        this.fail(argNodes[1].from, `invalid destination label name "${dst}"`);
      const problem = regexProblem((args[4] as { value: string }).value);
      if (problem) this.fail(argNodes[4].from, `invalid regular expression in label_replace(): ${problem}`);
    }
    return { kind: 'call', func, args };
  }

  aggregate(node: Node): Expr {
    const opNode = this.child(node, 'AggregateOp');
    const bodyNode = this.child(node, 'FunctionCallBody');
    if (!opNode || !bodyNode) this.fail(node.from, 'bad aggregation');
    const opName = this.children(opNode)[0]?.name ?? '';
    const op = aggregateOps[opName] ?? this.unsupported(opNode.from, `the aggregation ${this.src(opNode)}`);
    // No clause groups everything into one (Prometheus's `by ()`).
    let grouping: string[] = [];
    let without = false;
    const modifier = this.child(node, 'AggregateModifier');
    if (modifier) {
      const kids = this.children(modifier);
      without = kids[0]?.name === 'Without';
      const labels = kids.find((k) => k.name === 'GroupingLabels');
      grouping = labels ? this.children(labels).map((l) => this.labelName(l)) : [];
    }
    const argNodes = this.children(bodyNode);
    const args = argNodes.map((a) => this.expr(a));
    const hasParam = op === 'topk' || op === 'bottomk' || op === 'quantile';
    const want = hasParam ? 2 : 1;
    if (args.length !== want)
      this.fail(
        bodyNode.from,
        `wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`,
      );
    const expr = args[want - 1];
    if (typeOf(expr) !== 'vector') {
      this.fail(
        argNodes[want - 1].from,
        `expected type instant vector in aggregation expression, got ${typeName(typeOf(expr))}`,
      );
    }
    const param = hasParam ? args[0] : null;
    if (param && typeOf(param) !== 'scalar') {
      this.fail(
        argNodes[0].from,
        `expected type scalar in aggregation parameter, got ${typeName(typeOf(param))}`,
      );
    }
    return { kind: 'aggregate', op, param, expr, grouping, without };
  }
}

export function typeOf(e: Expr): ValueType {
  switch (e.kind) {
    case 'number':
      return 'scalar';
    case 'string':
      return 'string';
    case 'vector_selector':
    case 'aggregate':
      return 'vector';
    case 'matrix_selector':
    case 'subquery':
      return 'matrix';
    case 'unary':
      return typeOf(e.expr);
    case 'binary':
      return typeOf(e.lhs) === 'scalar' && typeOf(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'call':
      return functionSignatures[e.func].returns;
  }
}

function typeName(t: ValueType): string {
  return t === 'vector' ? 'instant vector' : t === 'matrix' ? 'range vector' : t;
}

/** Whether a matcher accepts a series that lacks the label (an absent label reads as the empty string). */
export function matchesEmpty(m: LabelMatcher): boolean {
  return compileMatcher(m)('');
}

/** A matcher as a predicate on a label's value ('' when absent); regular expressions are fully anchored. */
export function compileMatcher(m: LabelMatcher): (value: string) => boolean {
  switch (m.op) {
    case '=':
      return (v) => v === m.value;
    case '!=':
      return (v) => v !== m.value;
    case '=~': {
      const re = compileRegex(m.value);
      return (v) => re.test(v);
    }
    case '!~': {
      const re = compileRegex(m.value);
      return (v) => !re.test(v);
    }
  }
}

/** A matcher's regex, compiled as everywhere else in monitoring (compileLabelRegex). */
export function compileRegex(source: string): RegExp {
  return compileLabelRegex(source);
}

function regexProblem(source: string): string | null {
  try {
    compileRegex(source);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message.replace(/^Invalid regular expression: /, '') : String(err);
  }
}

/**
 * The grammar knows Prometheus's functions by name; opsdesk's own (forecast, timeleft) are handed to it under the name
 * of one it knows of the same length, so every position in the tree stays that of the text, which the tree is read
 * against (the call's name, from the text, is the real one).
 */
function withGrammarNames(text: string): string {
  return text.replace(/(?<![\w:])(?:forecast|timeleft)(?=\s*\()/g, 'increase');
}

/** Parse PromQL into the syntax tree, or throw PromqlError (Invalid) naming where the text goes wrong. */
export function parsePromql(text: string): Expr {
  const p = new Parser(text);
  if (text.length > maxQueryLength)
    p.fail(maxQueryLength, `the query is longer than ${maxQueryLength} characters`);
  if (text.trim() === '') p.fail(0, 'no expression found in input');
  const deep = tooDeepAt(text);
  if (deep >= 0) p.fail(deep, `brackets nest deeper than ${maxQueryNesting} levels`);
  const tree = parser.parse(withGrammarNames(text));
  let errorAt = -1;
  tree.iterate({
    enter: (n) => {
      if (errorAt >= 0) return false;
      if (n.type.isError) {
        errorAt = n.from;
        return false;
      }
      return undefined;
    },
  });
  if (errorAt >= 0) {
    const rest = text.slice(errorAt).trimStart();
    const at = text.length - rest.length;
    // An identifier called as a function that the grammar does not know: name it rather than its parenthesis.
    const called = /([a-zA-Z_][a-zA-Z0-9_]*)\s*$/.exec(text.slice(0, at));
    if (called && rest.startsWith('(')) {
      p.unsupported(called.index, `the function ${called[1]}() is not supported`);
    }
    p.fail(
      rest === '' ? text.length : at,
      rest === ''
        ? 'unexpected end of input'
        : `unexpected ${JSON.stringify([...rest].slice(0, 20).join(''))}`,
    );
  }
  const top = tree.topNode as unknown as Node;
  const parts = p.children(top);
  if (parts.length !== 1) p.fail(parts[1]?.from ?? 0, 'one expression expected');
  return p.expr(parts[0]);
}
