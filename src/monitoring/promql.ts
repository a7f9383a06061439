// PromQL: parse (with @prometheus-io/lezer-promql, promql-parse.ts), evaluate instant and range queries over a
// SampleSource (promql-eval.ts), and answer in the Prometheus HTTP API's JSON shapes. The subset is documented in
// docs/promql.md; anything outside it is refused with Invalid('unsupported_promql') naming what.
import { Invalid, TooLarge } from '../core/errors.js';
import type { LabelMatcher, Labels, SampleSource } from './metric-model.js';
import type { Expr } from './promql-ast.js';
import { Evaluator, type StepSeries, type StepValue } from './promql-eval.js';
import { parsePromql, typeOf } from './promql-parse.js';

/** A result's `data`, as Prometheus's /api/v1/query and /query_range return it (times in seconds, values as text). */
export type PromQueryData =
  | { resultType: 'vector'; result: { metric: Labels; value: [number, string] }[] }
  | { resultType: 'matrix'; result: { metric: Labels; values: [number, string][] }[] }
  | { resultType: 'scalar'; result: [number, string] }
  | { resultType: 'string'; result: [number, string] };

export interface QueryOptions {
  /** How far back an instant selector looks for a sample (Prometheus's default: 5 minutes). */
  lookbackMs?: number;
  /** Refuse a query that would touch more samples than this (a 422-style "too many samples"). */
  maxSamples?: number;
}

export const defaultLookbackMs = 5 * 60_000;
/** Samples read plus points held per query: about 400 MB of typed arrays at the worst. */
export const defaultMaxSamples = 25_000_000;
/** Raw samples an instant query of a bare range selector (`x[1h]`) may answer with. */
export const maxRawSamples = 2_000_000;
/** Prometheus's bound on the points of one series in a range query. */
export const maxRangePoints = 11_000;

/** A series selector as the API's match[] takes it (`up{job="api"}`): its matchers, or Invalid('invalid_promql'). */
export function parseSeriesSelector(text: string): LabelMatcher[] {
  const expr = parsePromql(text);
  if (expr.kind !== 'vector_selector' || expr.offsetMs !== 0 || expr.at) {
    throw new Invalid(
      'invalid_promql',
      `match[] must be a series selector such as up{job="api"}, not ${JSON.stringify(text.slice(0, 80))}.`,
      [{ field: 'match[]', message: 'not a series selector' }],
    );
  }
  return expr.matchers;
}

/** Throws Invalid('invalid_promql') with the position of the error (line and column) when the text is not PromQL. */
export function checkPromql(query: string): void {
  parsePromql(query);
}

function evaluator(source: SampleSource, steps: Float64Array, options?: QueryOptions): Evaluator {
  return new Evaluator(source, steps, {
    lookbackMs: options?.lookbackMs ?? defaultLookbackMs,
    maxSamples: options?.maxSamples ?? defaultMaxSamples,
  });
}

function checkTime(ms: number, field: string): void {
  if (!Number.isFinite(ms))
    throw new Invalid('invalid_promql', `${field} is not a valid time.`, [{ field, message: 'not a time' }]);
}

export async function queryInstant(
  source: SampleSource,
  query: string,
  timeMs: number,
  options?: QueryOptions,
): Promise<PromQueryData> {
  checkTime(timeMs, 'time');
  const expr = parsePromql(query);
  const t = timeMs / 1000;
  if (expr.kind === 'matrix_selector') return rangeVectorAt(source, expr, timeMs, options);
  if (expr.kind === 'subquery') {
    const points = await evaluator(source, Float64Array.of(timeMs), options).rangeSamples(expr);
    const at = expr.at ? (expr.at.kind === 'time' ? expr.at.ms : timeMs) : timeMs;
    const end = at - expr.offsetMs;
    const result: { metric: Labels; values: [number, string][] }[] = [];
    for (const p of sortSeries(points)) {
      const values: [number, string][] = [];
      for (let k = 0; k < p.timestamps.length; k++) {
        // The window is left-open: a point exactly `range` before is not in it.
        if (p.timestamps[k] > end - expr.rangeMs)
          values.push([p.timestamps[k] / 1000, formatValue(p.values[k])]);
      }
      if (values.length > 0) result.push({ metric: p.labels, values });
    }
    return { resultType: 'matrix', result };
  }
  const value = await evaluator(source, Float64Array.of(timeMs), options).eval(expr);
  switch (value.type) {
    case 'scalar':
      return { resultType: 'scalar', result: [t, formatValue(value.values[0])] };
    case 'string':
      return { resultType: 'string', result: [t, value.value] };
    case 'vector':
      return {
        resultType: 'vector',
        result: orderForInstant(expr, value.series).map((s) => ({
          metric: s.labels,
          value: [t, formatValue(s.values[0])],
        })),
      };
  }
}

/** A bare range selector in an instant query answers with its raw samples (Prometheus's matrix result). */
async function rangeVectorAt(
  source: SampleSource,
  expr: Expr & { kind: 'matrix_selector' },
  timeMs: number,
  options?: QueryOptions,
): Promise<PromQueryData> {
  const s = expr.selector;
  const at = s.at ? (s.at.kind === 'time' ? s.at.ms : timeMs) : timeMs;
  const end = at - s.offsetMs;
  // Raw samples are answered as [t, "v"] pairs, about 100 bytes each in memory: a tighter bound than evaluation's.
  const limit = Math.min(options?.maxSamples ?? defaultMaxSamples, maxRawSamples);
  const found = await source.select(s.matchers, end - expr.rangeMs + 1, end);
  let total = 0;
  const result: { metric: Labels; values: [number, string][] }[] = [];
  for (const f of sortSeries(found)) {
    const values: [number, string][] = [];
    for (let k = 0; k < f.timestamps.length; k++) {
      const ts = f.timestamps[k];
      if (ts <= end - expr.rangeMs || ts > end) continue;
      if (Number.isNaN(f.values[k]) && isStale(f.values, k)) continue;
      values.push([ts / 1000, formatValue(f.values[k])]);
    }
    total += values.length;
    if (total > limit) return tooMany(limit);
    if (values.length > 0) result.push({ metric: f.labels, values });
  }
  return { resultType: 'matrix', result };
}

function tooMany(limit: number): never {
  throw new TooLarge(
    'promql_too_many_samples',
    `The query returns more than ${limit} raw samples; narrow the selector or the range.`,
  );
}

function isStale(values: Float64Array, k: number): boolean {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  return bits[2 * k] === 2 && bits[2 * k + 1] === 0x7ff00000;
}

/** The evaluation steps of a range query: start, start + step, … up to end, as Prometheus's query_range. */
export function rangeSteps(startMs: number, endMs: number, stepMs: number): Float64Array {
  checkTime(startMs, 'start');
  checkTime(endMs, 'end');
  if (endMs < startMs) {
    throw new Invalid('invalid_promql', 'end timestamp must not be before start time', [
      { field: 'end', message: 'before start' },
    ]);
  }
  if (!(stepMs > 0) || !Number.isFinite(stepMs)) {
    throw new Invalid(
      'invalid_promql',
      'zero or negative query resolution step widths are not accepted. Try a positive integer',
      [{ field: 'step', message: 'must be positive' }],
    );
  }
  const count = Math.floor((endMs - startMs) / stepMs) + 1;
  if (count > maxRangePoints) {
    throw new Invalid(
      'promql_too_many_points',
      `exceeded maximum resolution of ${maxRangePoints} points per timeseries. Try decreasing the query resolution (?step=XX)`,
      [{ field: 'step', message: `more than ${maxRangePoints} steps` }],
    );
  }
  const steps = new Float64Array(count);
  for (let i = 0; i < count; i++) steps[i] = startMs + i * stepMs;
  return steps;
}

/** A range query's value before formatting: the series over the steps (a scalar is one series without labels). */
export async function evaluateRange(
  source: SampleSource,
  query: string,
  startMs: number,
  endMs: number,
  stepMs: number,
  options?: QueryOptions,
): Promise<{ steps: Float64Array; series: StepSeries[] }> {
  const steps = rangeSteps(startMs, endMs, stepMs);
  const expr = parsePromql(query);
  const type = typeOf(expr);
  if (type !== 'scalar' && type !== 'vector') {
    throw new Invalid(
      'invalid_promql',
      `invalid expression type "${type === 'matrix' ? 'range vector' : type}" for range query, must be Scalar or instant Vector`,
      [{ field: 'query', message: 'not a scalar or instant vector' }],
    );
  }
  const value: StepValue = await evaluator(source, steps, options).eval(expr);
  if (value.type === 'scalar') {
    return {
      steps,
      series: [{ labels: {}, values: value.values, present: new Uint8Array(steps.length).fill(1) }],
    };
  }
  return { steps, series: value.type === 'vector' ? value.series : [] };
}

export async function queryRange(
  source: SampleSource,
  query: string,
  startMs: number,
  endMs: number,
  stepMs: number,
  options?: QueryOptions,
): Promise<PromQueryData> {
  const { steps, series } = await evaluateRange(source, query, startMs, endMs, stepMs, options);
  const times = Array.from(steps, (t) => t / 1000);
  const result: { metric: Labels; values: [number, string][] }[] = [];
  for (const s of sortSeries(series)) {
    const values: [number, string][] = [];
    for (let i = 0; i < times.length; i++)
      if (s.present[i]) values.push([times[i], formatValue(s.values[i])]);
    if (values.length > 0) result.push({ metric: s.labels, values });
  }
  return { resultType: 'matrix', result };
}

/**
 * A range query's `data` as JSON text, series by series, for an HTTP answer that streams: a large result (1,000 series
 * × 5,761 steps) never exists as millions of [t, "v"] pairs at once. The same JSON as queryRange's result.
 */
export function* matrixJson(steps: Float64Array, series: StepSeries[]): Generator<string> {
  const times = Array.from(steps, (t) => String(t / 1000));
  yield '{"resultType":"matrix","result":[';
  let first = true;
  for (const s of sortSeries(series)) {
    let points = '';
    for (let i = 0; i < times.length; i++) {
      if (s.present[i] === 0) continue;
      points += `${points === '' ? '' : ','}[${times[i]},"${formatValue(s.values[i])}"]`;
    }
    if (points === '') continue;
    yield `${first ? '' : ','}{"metric":${JSON.stringify(s.labels)},"values":[${points}]}`;
    first = false;
  }
  yield ']}';
}

/** For alert rules: the instant vector an expression returns at a time (a scalar is one sample with no labels). */
export async function evaluateInstant(
  source: SampleSource,
  query: string,
  timeMs: number,
  options?: QueryOptions,
): Promise<{ labels: Labels; value: number }[]> {
  checkTime(timeMs, 'time');
  const expr = parsePromql(query);
  const type = typeOf(expr);
  if (type !== 'scalar' && type !== 'vector') {
    throw new Invalid(
      'invalid_promql',
      `A rule's expression must be a scalar or an instant vector, not a ${type === 'matrix' ? 'range vector' : type}.`,
      [{ field: 'query', message: 'not a scalar or instant vector' }],
    );
  }
  const value = await evaluator(source, Float64Array.of(timeMs), options).eval(expr);
  if (value.type === 'scalar') return [{ labels: {}, value: value.values[0] }];
  if (value.type !== 'vector') return [];
  return sortSeries(value.series).map((s) => ({ labels: s.labels, value: s.values[0] }));
}

/** Instant results: by value for topk, bottomk, sort and sort_desc (as Prometheus returns them), else by labels. */
function orderForInstant(expr: Expr, series: StepSeries[]): StepSeries[] {
  const byValue =
    (expr.kind === 'aggregate' && (expr.op === 'topk' || expr.op === 'bottomk') && expr) ||
    (expr.kind === 'call' && (expr.func === 'sort' || expr.func === 'sort_desc') && expr);
  if (!byValue) return sortSeries(series);
  const descending = byValue.kind === 'aggregate' ? byValue.op === 'topk' : byValue.func === 'sort_desc';
  return [...series].sort((a, b) => {
    const x = a.values[0];
    const y = b.values[0];
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
    if (Number.isNaN(y)) return -1;
    return descending ? y - x : x - y;
  });
}

function sortSeries<T extends { labels: Labels }>(series: T[]): T[] {
  const keyed = series.map((s) => ({ s, k: sortKey(s.labels) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  return keyed.map((x) => x.s);
}

function sortKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}\u0000${labels[k]}`)
    .join('\u0001');
}

/** A float as Prometheus writes it (Go's strconv 'f', -1): no exponent, "NaN", "+Inf", "-Inf". */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  const s = String(v);
  if (!s.includes('e')) return s;
  const [mantissa, exp] = s.split('e');
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const pointAt =
    (mantissa.replace('-', '').indexOf('.') === -1
      ? mantissa.replace('-', '').length
      : mantissa.replace('-', '').indexOf('.')) + Number(exp);
  let out: string;
  if (pointAt <= 0) out = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return negative ? `-${out}` : out;
}
