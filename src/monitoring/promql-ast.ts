// The PromQL syntax tree opsdesk evaluates: a small, typed form of what @prometheus-io/lezer-promql parses
// (promql-parse.ts builds it and checks types as Prometheus's parser does; promql-eval.ts walks it).
import type { LabelMatcher } from './metric-model.js';

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** `@ <time>`, `@ start()`, `@ end()`: a selector evaluated at one fixed time for every step. */
export type AtModifier = { kind: 'time'; ms: number } | { kind: 'start' } | { kind: 'end' };

export interface VectorSelectorNode {
  kind: 'vector_selector';
  matchers: LabelMatcher[];
  offsetMs: number;
  at: AtModifier | null;
}

export interface MatrixSelectorNode {
  kind: 'matrix_selector';
  selector: VectorSelectorNode;
  rangeMs: number;
}

/** `expr[range:step] offset … @ …`: the inner expression evaluated at steps aligned to multiples of step. */
export interface SubqueryNode {
  kind: 'subquery';
  expr: Expr;
  rangeMs: number;
  /** null: the default evaluation interval (1 minute, Prometheus's default global evaluation_interval). */
  stepMs: number | null;
  offsetMs: number;
  at: AtModifier | null;
}

/** What a range function reads: samples of a range selector or the points of a subquery. */
export type RangeNode = MatrixSelectorNode | SubqueryNode;

export interface NumberNode {
  kind: 'number';
  value: number;
}

export interface StringNode {
  kind: 'string';
  value: string;
}

export interface CallNode {
  kind: 'call';
  func: string;
  args: Expr[];
}

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'count'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'quantile';

export interface AggregateNode {
  kind: 'aggregate';
  op: AggregateOp;
  param: Expr | null;
  expr: Expr;
  /** `by (…)` when without is false, `without (…)` when true; no clause is `without ()`. */
  grouping: string[];
  without: boolean;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type SetOp = 'and' | 'or' | 'unless';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp;

export type Cardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

export interface VectorMatching {
  card: Cardinality;
  /** `on (…)` when true, `ignoring (…)` when false. */
  on: boolean;
  labels: string[];
  /** The labels `group_left (…)` / `group_right (…)` copy from the "one" side. */
  include: string[];
}

export interface BinaryNode {
  kind: 'binary';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  returnBool: boolean;
  /** Set when both sides are vectors. */
  matching: VectorMatching | null;
}

export interface UnaryNode {
  kind: 'unary';
  op: '+' | '-';
  expr: Expr;
}

export type Expr =
  | VectorSelectorNode
  | MatrixSelectorNode
  | SubqueryNode
  | NumberNode
  | StringNode
  | CallNode
  | AggregateNode
  | BinaryNode
  | UnaryNode;

export function isComparison(op: BinaryOp): op is ComparisonOp {
  return op === '==' || op === '!=' || op === '>' || op === '<' || op === '>=' || op === '<=';
}

export function isSetOp(op: BinaryOp): op is SetOp {
  return op === 'and' || op === 'or' || op === 'unless';
}
