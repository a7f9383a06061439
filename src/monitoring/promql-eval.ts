// Evaluates a PromQL syntax tree over a SampleSource at a run of evaluation times (one for an instant query, the
// steps of a range query). It works series by series rather than step by step: a series' labels, group and match
// signature are computed once, and range functions slide a window over its samples with two pointers, so a range
// query costs about one pass over the samples rather than one per step. Semantics follow Prometheus 3: a left-open
// lookback window, left-open range windows, staleness markers end a series, arithmetic drops the metric name.

import { Invalid, TooLarge } from '../core/errors.js';
import { forecastSeries } from '../forecast/index.js';
import type { LabelMatcher, Labels, SampleSource, SeriesSamples } from './metric-model.js';
import { labelsKey } from './metric-model.js';
import type {
  AggregateNode,
  BinaryNode,
  BinaryOp,
  CallNode,
  Expr,
  RangeNode,
  SubqueryNode,
  VectorMatching,
  VectorSelectorNode,
} from './promql-ast.js';
import { isComparison } from './promql-ast.js';
import {
  type Bucket,
  bucketQuantile,
  elementwise,
  keepsMetricName,
  linearRegression,
  quantileOf,
  RateWindows,
} from './promql-functions.js';
import { compileRegex } from './promql-parse.js';

/** One series over the evaluation steps: values[i] holds only where present[i] is 1. */
export interface StepSeries {
  labels: Labels;
  values: Float64Array;
  present: Uint8Array;
}

/**
 * A range function's work on one input series: writes values and present (which comes zeroed) at the steps where
 * it has an answer; returns how many there are. Called once per series with the same output arrays.
 */
type RangeKernel = (s: SeriesSamples, values: Float64Array, present: Uint8Array) => number;

/**
 * A series as a stream hands it on, in the stream's scratch: its values are -0 at the steps without one, and its
 * steps with one lie in [from, to), every one of them when dense (a regularly scraped series' usual shape). What
 * lets an aggregation add it without a branch per step (foldMember).
 */
interface StreamedSeries extends StepSeries {
  from: number;
  to: number;
  dense: boolean;
}

/** A call of a range function, ready to run series by series. */
interface RangeFunction {
  node: RangeNode;
  keepName: boolean;
  kernel: RangeKernel;
}

export type StepValue =
  | { type: 'scalar'; values: Float64Array }
  | { type: 'vector'; series: StepSeries[] }
  | { type: 'string'; value: string };

export interface EvalLimits {
  lookbackMs: number;
  /** Samples read from the source plus points held in results, across the query. */
  maxSamples: number;
}

/** Subqueries without a step use Prometheus's default evaluation interval. */
export const defaultSubqueryStepMs = 60_000;

export class Evaluator {
  private touched = 0;
  /** The evaluator of the whole query: subqueries count their samples against its bound. */
  private readonly root: Evaluator;

  constructor(
    private readonly source: SampleSource,
    /** Evaluation times, epoch ms, ascending. */
    readonly steps: Float64Array,
    private readonly limits: EvalLimits,
    root?: Evaluator,
  ) {
    this.root = root ?? this;
  }

  private get startMs(): number {
    return this.steps[0];
  }

  private get endMs(): number {
    return this.steps[this.steps.length - 1];
  }

  /** Count samples or points against the query's bound, refusing the query the moment it is crossed. */
  private touch(n: number): void {
    this.root.touched += n;
    if (this.root.touched > this.limits.maxSamples) {
      throw new TooLarge(
        'promql_too_many_samples',
        `The query would touch more than ${this.limits.maxSamples} samples; narrow the selectors, the time range or the resolution.`,
      );
    }
  }

  private newSeries(labels: Labels): StepSeries {
    const n = this.steps.length;
    this.touch(n);
    return { labels, values: new Float64Array(n), present: new Uint8Array(n) };
  }

  async eval(e: Expr): Promise<StepValue> {
    switch (e.kind) {
      case 'number':
        return { type: 'scalar', values: new Float64Array(this.steps.length).fill(e.value) };
      case 'string':
        return { type: 'string', value: e.value };
      case 'vector_selector':
        return { type: 'vector', series: await this.collect((visit) => this.streamSelector(e, visit)) };
      case 'matrix_selector':
      case 'subquery':
        throw new Invalid(
          'invalid_promql',
          'A range vector cannot be evaluated here; apply a function to it.',
        );
      case 'unary':
        return this.unary(await this.eval(e.expr));
      case 'binary':
        return this.binary(e);
      case 'aggregate':
        return this.aggregate(e);
      case 'call':
        return this.call(e);
    }
  }

  private atTime(s: { at: VectorSelectorNode['at'] }): number | null {
    if (!s.at) return null;
    return s.at.kind === 'time' ? s.at.ms : s.at.kind === 'start' ? this.startMs : this.endMs;
  }

  private async fetch(matchers: LabelMatcher[], fromMs: number, toMs: number): Promise<SeriesSamples[]> {
    const found = await this.source.select(matchers, fromMs, toMs);
    for (const s of found) this.touch(s.timestamps.length);
    return found;
  }

  /** The selected series one at a time (the source's own arrays, valid only during `visit`), each counted. */
  private async eachSelected(
    matchers: LabelMatcher[],
    fromMs: number,
    toMs: number,
    visit: (s: SeriesSamples) => void,
  ): Promise<void> {
    if (!this.source.selectEach) {
      for (const s of await this.fetch(matchers, fromMs, toMs)) visit(s);
      return;
    }
    await this.source.selectEach(matchers, fromMs, toMs, (s) => {
      this.touch(s.timestamps.length);
      visit(s);
    });
  }

  /** A series over the steps to compute one input series into, reused for the next. */
  private scratchSeries(): StreamedSeries {
    const n = this.steps.length;
    return {
      labels: {},
      values: new Float64Array(n),
      present: new Uint8Array(n),
      from: 0,
      to: 0,
      dense: false,
    };
  }

  /**
   * Every series a stream visits, copied out of its scratch. Each result is counted against the bound as it is made
   * (touch), as the points it holds are.
   */
  private async collect(
    stream: (visit: (s: StreamedSeries) => void) => Promise<void>,
  ): Promise<StepSeries[]> {
    const out: StepSeries[] = [];
    const n = this.steps.length;
    await stream((s) => {
      // A new series' gaps hold 0, not the scratch's -0.
      const values = new Float64Array(n);
      const sv = s.values;
      const sp = s.present;
      if (s.dense) values.set(sv.subarray(s.from, s.to), s.from);
      else for (let i = s.from; i < s.to; i++) if (sp[i] !== 0) values[i] = sv[i];
      out.push({ labels: s.labels, values, present: sp.slice() });
    });
    return out;
  }

  /**
   * The series of an instant-vector expression one at a time, when it is computed series by series (a selector, a
   * range function of one): `visit` gets a scratch series, valid only until it returns, and only series with a
   * value at some step; its values are -0 at the steps without one (see foldMember). False, having evaluated nothing, when the expression needs its whole input at once. This is
   * what lets `sum by (mode) (rate(x[5m]))` over 1,000 series fold each rate into its group as it is computed
   * instead of holding 1,000 series of samples and 1,000 of rates.
   */
  private async streamSeries(e: Expr, visit: (s: StreamedSeries) => void): Promise<boolean> {
    if (e.kind === 'vector_selector') {
      await this.streamSelector(e, visit);
      return true;
    }
    if (e.kind !== 'call') return false;
    const fn = await this.rangeFunction(e);
    if (!fn) return false;
    await this.streamRange(fn, visit);
    return true;
  }

  /** An instant selector: at each step the latest sample in (t − offset − lookback, t − offset], unless stale. */
  private async streamSelector(s: VectorSelectorNode, visit: (s: StreamedSeries) => void): Promise<void> {
    const at = this.atTime(s);
    const first = (at ?? this.startMs) - s.offsetMs;
    const last = (at ?? this.endMs) - s.offsetMs;
    const steps = this.steps;
    const n = steps.length;
    const offset = s.offsetMs;
    // Where the read reaches rollup buckets (past the raw retention), at least a bucket back.
    const lookback = Math.max(
      this.limits.lookbackMs,
      this.source.bucketSpacingFrom?.(first - this.limits.lookbackMs + 1) ?? 0,
    );
    const series = this.scratchSeries();
    const values = series.values;
    const present = series.present;
    await this.eachSelected(s.matchers, first - lookback + 1, last, (f) => {
      this.touch(n);
      present.fill(0);
      const ts = f.timestamps;
      const vs = f.values;
      const len = ts.length;
      const bits = new Uint32Array(vs.buffer, vs.byteOffset, vs.length * 2);
      let j = 0;
      let count = 0;
      for (let i = 0; i < n; i++) {
        const t = (at === null ? steps[i] : at) - offset;
        while (j < len && ts[j] <= t) j++;
        const k = j - 1;
        if (k < 0 || ts[k] <= t - lookback) continue;
        const v = vs[k];
        if (Number.isNaN(v) && isStaleMarker(bits, k)) continue;
        values[i] = v;
        present[i] = 1;
        count++;
        if (at !== null) {
          // Fixed by @: one answer for every step.
          values.fill(v);
          present.fill(1);
          count = n;
          break;
        }
      }
      if (count === 0) return;
      series.labels = f.labels;
      spanOf(series, count);
      visit(series);
    });
  }

  /** Where a range node's windows sit: (t − offset − range, t − offset], t fixed by @ when given. */
  private windowOf(m: RangeNode): { at: number | null; offsetMs: number; rangeMs: number } {
    const holder = m.kind === 'matrix_selector' ? m.selector : m;
    return { at: this.atTime(holder), offsetMs: holder.offsetMs, rangeMs: m.rangeMs };
  }

  /** The span a range node reads: from `first` (exclusive) to `last`. */
  private spanOf(m: RangeNode): { first: number; last: number } {
    const { at, offsetMs, rangeMs } = this.windowOf(m);
    return { first: (at ?? this.startMs) - offsetMs - rangeMs, last: (at ?? this.endMs) - offsetMs };
  }

  /** The samples of a range selector, stale markers dropped (a range vector never holds them), or a subquery's points. */
  async rangeSamples(m: RangeNode): Promise<SeriesSamples[]> {
    const { first, last } = this.spanOf(m);
    if (m.kind === 'subquery') return this.subqueryPoints(m, first, last);
    const found = await this.fetch(m.selector.matchers, first + 1, last);
    return found.map(withoutStaleMarkers);
  }

  /** rangeSamples one series at a time: the arrays may be the source's scratch, valid only during `visit`. */
  private async eachRangeSeries(m: RangeNode, visit: (s: SeriesSamples) => void): Promise<void> {
    const { first, last } = this.spanOf(m);
    if (m.kind === 'subquery') {
      for (const s of await this.subqueryPoints(m, first, last)) visit(s);
      return;
    }
    await this.eachSelected(m.selector.matchers, first + 1, last, (s) => visit(withoutStaleMarkers(s)));
  }

  /**
   * A subquery's inner expression at the multiples of its step in [first, last] (Prometheus aligns them to the epoch,
   * so every query sees the same points), as series of samples for the range function around it.
   */
  private async subqueryPoints(m: SubqueryNode, first: number, last: number): Promise<SeriesSamples[]> {
    const step = m.stepMs ?? defaultSubqueryStepMs;
    const start = Math.ceil(first / step) * step;
    const count = start > last ? 0 : Math.floor((last - start) / step) + 1;
    if (count === 0) return [];
    this.touch(count);
    const steps = new Float64Array(count);
    for (let i = 0; i < count; i++) steps[i] = start + i * step;
    const inner = new Evaluator(this.source, steps, this.limits, this.root);
    const value = await inner.eval(m.expr);
    if (value.type !== 'vector')
      throw new Invalid('invalid_promql', 'A subquery needs an instant vector inside.');
    const out: SeriesSamples[] = [];
    for (const s of value.series) {
      let n = 0;
      for (let i = 0; i < count; i++) n += s.present[i];
      if (n === 0) continue;
      const timestamps = new Float64Array(n);
      const values = new Float64Array(n);
      let o = 0;
      for (let i = 0; i < count; i++) {
        if (s.present[i] === 0) continue;
        timestamps[o] = steps[i];
        values[o++] = s.values[i];
      }
      out.push({ labels: s.labels, timestamps, values });
    }
    return out;
  }

  /** A range function's results, one input series at a time (stale markers dropped, the name as the function says). */
  private async streamRange(fn: RangeFunction, visit: (s: StreamedSeries) => void): Promise<void> {
    const n = this.steps.length;
    const series = this.scratchSeries();
    await this.eachRangeSeries(fn.node, (f) => {
      this.touch(n);
      series.present.fill(0);
      const count = fn.kernel(f, series.values, series.present);
      if (count === 0) return;
      series.labels = fn.keepName ? f.labels : dropName(f.labels);
      spanOf(series, count);
      visit(series);
    });
  }

  /**
   * A kernel applying `fn` to the window (t − offset − range, t − offset] of a series at every step: lo..hi are the
   * window's sample indices (hi exclusive), which only move forward as t grows.
   */
  private windowKernel(
    m: RangeNode,
    fn: (
      s: SeriesSamples,
      lo: number,
      hi: number,
      windowStart: number,
      windowEnd: number,
      step: number,
    ) => number | null,
  ): RangeKernel {
    const ends = this.windowEnds(m);
    const n = ends.length;
    const range = m.rangeMs;
    return (f, values, present) => {
      const ts = f.timestamps;
      const len = ts.length;
      let lo = 0;
      let hi = 0;
      let count = 0;
      for (let i = 0; i < n; i++) {
        const end = ends[i];
        const start = end - range;
        while (lo < len && ts[lo] <= start) lo++;
        if (hi < lo) hi = lo;
        while (hi < len && ts[hi] <= end) hi++;
        const v = fn(f, lo, hi, start, end, i);
        if (v === null) continue;
        values[i] = v;
        present[i] = 1;
        count++;
      }
      return count;
    };
  }

  /** The end of each step's window of a range node: t − offset, t fixed by @ when given. */
  private windowEnds(m: RangeNode): Float64Array {
    const { at, offsetMs } = this.windowOf(m);
    const steps = this.steps;
    const ends = new Float64Array(steps.length);
    for (let i = 0; i < steps.length; i++) ends[i] = (at === null ? steps[i] : at) - offsetMs;
    return ends;
  }

  /** rate, increase and delta: the hot path of dashboards and rules (RateWindows: windows shared across a target). */
  private rateKernel(m: RangeNode, isCounter: boolean, isRate: boolean): RangeKernel {
    const windows = new RateWindows(this.windowEnds(m), m.rangeMs);
    return (f, values, present) =>
      windows.rates(f.timestamps, f.values, isCounter, isRate, values, present, f.timestampsKey);
  }

  /**
   * A call of a function over a range vector as a kernel per series, its scalar arguments evaluated first; null
   * for any other call (and for absent_over_time, which answers about the whole input).
   */
  private async rangeFunction(e: CallNode): Promise<RangeFunction | null> {
    const node = e.args.find((a): a is RangeNode => a.kind === 'matrix_selector' || a.kind === 'subquery');
    if (!node) return null;
    const keepName = keepsMetricName.has(e.func);
    const windows = (fn: Parameters<Evaluator['windowKernel']>[1]): RangeFunction => ({
      node,
      keepName,
      kernel: this.windowKernel(node, fn),
    });
    switch (e.func) {
      case 'rate':
      case 'increase':
      case 'delta':
        return {
          node,
          keepName: false,
          kernel: this.rateKernel(node, e.func !== 'delta', e.func === 'rate'),
        };
      case 'irate':
      case 'idelta': {
        const isRate = e.func === 'irate';
        return windows((s, lo, hi) => {
          if (hi - lo < 2) return null;
          const last = s.values[hi - 1];
          const prev = s.values[hi - 2];
          if (!isRate) return last - prev;
          const interval = (s.timestamps[hi - 1] - s.timestamps[hi - 2]) / 1000;
          if (interval === 0) return null;
          return (last < prev ? last : last - prev) / interval;
        });
      }
      case 'deriv':
        return windows((s, lo, hi) =>
          hi - lo < 2 ? null : linearRegression(s.timestamps, s.values, lo, hi, s.timestamps[lo])[0],
        );
      case 'predict_linear': {
        const seconds = await this.scalarArg(e.args[1]);
        const at = this.windowOf(node).at;
        return windows((s, lo, hi, _start, _end, i) => {
          if (hi - lo < 2) return null;
          const [slope, intercept] = linearRegression(s.timestamps, s.values, lo, hi, at ?? this.steps[i]);
          return intercept + slope * seconds[i];
        });
      }
      case 'forecast':
      case 'timeleft': {
        // forecast(v[r], s): the value s seconds after the evaluation time; timeleft(v[r], threshold): the seconds from
        // the evaluation time until the forecast reaches threshold from the side it is on, +Inf when it does not
        // within a year. Both from the fit with the least out-of-sample error over the window (at least 3 samples).
        const arg = await this.scalarArg(e.args[1]);
        const at = this.windowOf(node).at;
        const isForecast = e.func === 'forecast';
        return windows((s, lo, hi, _start, _end, i) => {
          if (hi - lo < 3) return null;
          const points: { t: number; v: number }[] = new Array(hi - lo);
          for (let j = lo; j < hi; j++) points[j - lo] = { t: s.timestamps[j], v: s.values[j] };
          const fit = forecastSeries(points);
          if (!fit) return null;
          const from = at ?? this.steps[i];
          if (isForecast) return fit.predict(from + arg[i] * 1000).value;
          const crossing = fit.timeLeft(arg[i], from);
          return crossing ? (crossing.at - from) / 1000 : Number.POSITIVE_INFINITY;
        });
      }
      case 'changes':
      case 'resets': {
        const resets = e.func === 'resets';
        return windows((s, lo, hi) => {
          if (hi - lo < 1) return null;
          let count = 0;
          for (let j = lo + 1; j < hi; j++) {
            const a = s.values[j - 1];
            const b = s.values[j];
            if (resets ? b < a : !(a === b || (Number.isNaN(a) && Number.isNaN(b)))) count++;
          }
          return count;
        });
      }
      case 'quantile_over_time': {
        const q = await this.scalarArg(e.args[0]);
        return windows((s, lo, hi, _a, _b, i) =>
          hi === lo ? null : quantileOf(q[i], Array.from(s.values.subarray(lo, hi))),
        );
      }
      case 'avg_over_time':
      case 'min_over_time':
      case 'max_over_time':
      case 'sum_over_time':
      case 'count_over_time':
      case 'last_over_time':
      case 'stddev_over_time':
      case 'stdvar_over_time':
      case 'present_over_time': {
        const fn = overTime[e.func];
        return windows((s, lo, hi) => (hi === lo ? null : fn(s.values, lo, hi)));
      }
    }
    return null;
  }

  private unary(v: StepValue): StepValue {
    if (v.type === 'scalar') return { type: 'scalar', values: v.values.map((x) => -x) };
    if (v.type !== 'vector') throw new Invalid('invalid_promql', 'A string cannot be negated.');
    return {
      type: 'vector',
      series: v.series.map((s) => ({
        labels: dropName(s.labels),
        values: s.values.map((x) => -x),
        present: s.present,
      })),
    };
  }

  private async binary(e: BinaryNode): Promise<StepValue> {
    const lhs = await this.eval(e.lhs);
    const rhs = await this.eval(e.rhs);
    const n = this.steps.length;
    if (lhs.type === 'scalar' && rhs.type === 'scalar') {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const [v, keep] = binop(e.op, lhs.values[i], rhs.values[i]);
        values[i] = isComparison(e.op) ? (keep ? 1 : 0) : v;
      }
      return { type: 'scalar', values };
    }
    if (lhs.type === 'vector' && rhs.type === 'scalar')
      return this.vectorScalar(e, lhs.series, rhs.values, false);
    if (lhs.type === 'scalar' && rhs.type === 'vector')
      return this.vectorScalar(e, rhs.series, lhs.values, true);
    if (lhs.type === 'vector' && rhs.type === 'vector' && e.matching) {
      const series =
        e.op === 'and' || e.op === 'or' || e.op === 'unless'
          ? this.setOp(e.op, lhs.series, rhs.series, e.matching)
          : this.vectorVector(e, lhs.series, rhs.series, e.matching);
      return { type: 'vector', series };
    }
    throw new Invalid('invalid_promql', 'A binary operation needs scalars or instant vectors on both sides.');
  }

  private vectorScalar(
    e: BinaryNode,
    vector: StepSeries[],
    scalar: Float64Array,
    scalarLeft: boolean,
  ): StepValue {
    const comparison = isComparison(e.op);
    const out: StepSeries[] = [];
    for (const s of vector) {
      const labels = !comparison || e.returnBool ? dropName(s.labels) : s.labels;
      const r = this.newSeries(labels);
      let any = false;
      for (let i = 0; i < s.values.length; i++) {
        if (!s.present[i]) continue;
        const [l, rr] = scalarLeft ? [scalar[i], s.values[i]] : [s.values[i], scalar[i]];
        const [v, keep] = binop(e.op, l, rr);
        if (comparison && !e.returnBool && !keep) continue;
        // A comparison keeps the vector's own value, whichever side it stands on.
        r.values[i] = e.returnBool ? (keep ? 1 : 0) : comparison ? s.values[i] : v;
        r.present[i] = 1;
        any = true;
      }
      if (any) out.push(r);
    }
    return { type: 'vector', series: out };
  }

  private vectorVector(
    e: BinaryNode,
    lhs: StepSeries[],
    rhs: StepSeries[],
    matching: VectorMatching,
  ): StepSeries[] {
    const swapped = matching.card === 'one-to-many';
    const many = swapped ? rhs : lhs;
    const one = swapped ? lhs : rhs;
    const sig = signatureOf(matching);
    const oneBySig = groupBySignature(one, sig);
    const manyBySig = matching.card === 'one-to-one' ? groupBySignature(many, sig) : null;
    const comparison = isComparison(e.op);
    const outputs = new Map<string, StepSeries>();
    const n = this.steps.length;
    for (const m of many) {
      const key = sig(m.labels);
      const candidates = oneBySig.get(key);
      if (!candidates) continue;
      const siblings = manyBySig?.get(key);
      for (let i = 0; i < n; i++) {
        if (!m.present[i]) continue;
        let match: StepSeries | null = null;
        for (const c of candidates) {
          if (!c.present[i]) continue;
          if (match) {
            throw new Invalid(
              'promql_execution',
              `found duplicate series for the match group ${describeLabels(signatureLabels(c.labels, matching))} on the ${swapped ? 'left' : 'right'} hand-side of the operation: many-to-many matching not allowed: matching labels must be unique on one side`,
            );
          }
          match = c;
        }
        if (!match) continue;
        if (siblings && siblings.length > 1 && siblings.some((o) => o !== m && o.present[i])) {
          throw new Invalid(
            'promql_execution',
            `multiple matches for labels ${describeLabels(signatureLabels(m.labels, matching))}: many-to-one matching must be explicit (group_left/group_right)`,
          );
        }
        const [l, r] = swapped ? [match.values[i], m.values[i]] : [m.values[i], match.values[i]];
        const [v, keep] = binop(e.op, l, r);
        if (comparison && !e.returnBool && !keep) continue;
        const labels = resultLabels(m.labels, match.labels, e, matching);
        const k = labelsKey(labels);
        let out = outputs.get(k);
        if (!out) {
          out = this.newSeries(labels);
          outputs.set(k, out);
        }
        if (out.present[i]) {
          throw new Invalid(
            'promql_execution',
            `vector cannot contain metrics with the same labelset ${describeLabels(labels)}`,
          );
        }
        out.values[i] = e.returnBool ? (keep ? 1 : 0) : v;
        out.present[i] = 1;
      }
    }
    return [...outputs.values()];
  }

  private setOp(
    op: 'and' | 'or' | 'unless',
    lhs: StepSeries[],
    rhs: StepSeries[],
    matching: VectorMatching,
  ): StepSeries[] {
    const sig = signatureOf(matching);
    const n = this.steps.length;
    const anyPresent = (list: StepSeries[] | undefined, i: number) =>
      list?.some((s) => s.present[i]) ?? false;
    const filter = (s: StepSeries, keep: (i: number) => boolean): StepSeries | null => {
      const present = new Uint8Array(n);
      let any = false;
      for (let i = 0; i < n; i++) {
        if (s.present[i] && keep(i)) {
          present[i] = 1;
          any = true;
        }
      }
      return any ? { labels: s.labels, values: s.values, present } : null;
    };
    if (op === 'and' || op === 'unless') {
      const rhsBySig = groupBySignature(rhs, sig);
      const out: StepSeries[] = [];
      for (const l of lhs) {
        const others = rhsBySig.get(sig(l.labels));
        const r = filter(l, (i) => anyPresent(others, i) === (op === 'and'));
        if (r) out.push(r);
      }
      return out;
    }
    const lhsBySig = groupBySignature(lhs, sig);
    const merged = new Map<string, StepSeries>();
    for (const l of lhs) merged.set(labelsKey(l.labels), l);
    for (const r of rhs) {
      const shadow = lhsBySig.get(sig(r.labels));
      const kept = filter(r, (i) => !anyPresent(shadow, i));
      if (!kept) continue;
      const k = labelsKey(r.labels);
      const existing = merged.get(k);
      if (!existing) {
        merged.set(k, kept);
        continue;
      }
      const joined = this.newSeries(existing.labels);
      for (let i = 0; i < n; i++) {
        if (existing.present[i]) {
          joined.values[i] = existing.values[i];
          joined.present[i] = 1;
        } else if (kept.present[i]) {
          joined.values[i] = kept.values[i];
          joined.present[i] = 1;
        }
      }
      merged.set(k, joined);
    }
    return [...merged.values()];
  }

  private async scalarArg(e: Expr | null): Promise<Float64Array> {
    if (!e) return new Float64Array(this.steps.length);
    const v = await this.eval(e);
    if (v.type !== 'scalar') throw new Invalid('invalid_promql', 'A scalar parameter was expected.');
    return v.values;
  }

  private async aggregate(e: AggregateNode): Promise<StepValue> {
    const param = await this.scalarArg(e.param);
    const groupLabels = (l: Labels): Labels => {
      const out: Labels = {};
      if (e.without) {
        for (const [k, v] of Object.entries(l)) if (k !== '__name__' && !e.grouping.includes(k)) out[k] = v;
      } else {
        for (const k of e.grouping) if (l[k] !== undefined) out[k] = l[k];
      }
      return out;
    };
    if (e.op !== 'topk' && e.op !== 'bottomk' && e.op !== 'quantile') {
      // Each member folds into its group as it comes, in input order (the order the sums have always had), so the
      // input may be streamed series by series and never held whole.
      const groups = new Map<string, AggregateGroup>();
      const n = this.steps.length;
      const fold = (s: StepSeries, streamed: StreamedSeries | null) => {
        const labels = groupLabels(s.labels);
        const k = labelsKey(labels);
        let g = groups.get(k);
        if (!g) {
          g = {
            result: this.newSeries(labels),
            count: new Float64Array(n),
            sumSq: e.op === 'stddev' || e.op === 'stdvar' ? new Float64Array(n) : null,
          };
          if (e.op === 'sum') g.result.values.fill(-0);
          groups.set(k, g);
        }
        foldMember(e.op, g, s, streamed);
      };
      if (!(await this.streamSeries(e.expr, (s) => fold(s, s)))) {
        const input = await this.eval(e.expr);
        if (input.type !== 'vector')
          throw new Invalid('invalid_promql', 'An aggregation takes an instant vector.');
        for (const s of input.series) fold(s, null);
      }
      const out: StepSeries[] = [];
      for (const g of groups.values()) {
        finishGroup(e.op, g);
        out.push(g.result);
      }
      return { type: 'vector', series: out };
    }
    const input = await this.eval(e.expr);
    if (input.type !== 'vector')
      throw new Invalid('invalid_promql', 'An aggregation takes an instant vector.');
    const n = this.steps.length;
    const groups = new Map<string, { labels: Labels; members: StepSeries[] }>();
    for (const s of input.series) {
      const labels = groupLabels(s.labels);
      const k = labelsKey(labels);
      const g = groups.get(k);
      if (g) g.members.push(s);
      else groups.set(k, { labels, members: [s] });
    }
    if (e.op === 'topk' || e.op === 'bottomk')
      return { type: 'vector', series: this.topk(e.op, param, groups) };
    const out: StepSeries[] = [];
    for (const g of groups.values()) {
      const r = this.newSeries(g.labels);
      const { values, present } = r;
      for (let i = 0; i < n; i++) {
        const xs: number[] = [];
        for (const s of g.members) if (s.present[i]) xs.push(s.values[i]);
        if (xs.length === 0) continue;
        values[i] = quantileOf(param[i], xs);
        present[i] = 1;
      }
      out.push(r);
    }
    return { type: 'vector', series: out };
  }

  private topk(
    op: 'topk' | 'bottomk',
    param: Float64Array,
    groups: Map<string, { labels: Labels; members: StepSeries[] }>,
  ): StepSeries[] {
    const n = this.steps.length;
    const chosen = new Map<StepSeries, Uint8Array>();
    // NaN ranks last either way, as in Prometheus's heaps.
    const better = (a: number, b: number) =>
      Number.isNaN(b) ? !Number.isNaN(a) : op === 'topk' ? a > b : a < b;
    for (const g of groups.values()) {
      for (let i = 0; i < n; i++) {
        const k = Math.trunc(param[i]);
        if (!(k >= 1)) continue;
        const present = g.members.filter((s) => s.present[i]);
        present.sort((a, b) =>
          better(a.values[i], b.values[i]) ? -1 : better(b.values[i], a.values[i]) ? 1 : 0,
        );
        for (const s of present.slice(0, k)) {
          let mask = chosen.get(s);
          if (!mask) {
            mask = new Uint8Array(n);
            chosen.set(s, mask);
          }
          mask[i] = 1;
        }
      }
    }
    return [...chosen.entries()].map(([s, present]) => ({ labels: s.labels, values: s.values, present }));
  }

  private async call(e: CallNode): Promise<StepValue> {
    const n = this.steps.length;
    const range = await this.rangeFunction(e);
    if (range)
      return { type: 'vector', series: await this.collect((visit) => this.streamRange(range, visit)) };
    const keep = keepsMetricName.has(e.func);
    switch (e.func) {
      case 'absent_over_time': {
        const node = e.args[0] as RangeNode;
        const kernel = this.windowKernel(node, (_s, lo, hi) => (hi > lo ? 1 : null));
        const present = await this.collect((visit) =>
          this.streamRange({ node, keepName: false, kernel }, visit),
        );
        return this.absent(present, node.kind === 'matrix_selector' ? node.selector : null);
      }
      case 'absent': {
        const v = await this.eval(e.args[0]);
        const arg = e.args[0];
        return this.absent(v.type === 'vector' ? v.series : [], arg.kind === 'vector_selector' ? arg : null);
      }
      case 'time':
        return { type: 'scalar', values: this.steps.map((t) => t / 1000) };
      case 'vector': {
        const s = await this.scalarArg(e.args[0]);
        const r = this.newSeries({});
        r.values.set(s);
        r.present.fill(1);
        return { type: 'vector', series: [r] };
      }
      case 'scalar': {
        const v = await this.vectorArg(e.args[0]);
        const values = new Float64Array(n).fill(Number.NaN);
        for (let i = 0; i < n; i++) {
          let found = 0;
          for (const s of v) {
            if (s.present[i]) {
              found++;
              values[i] = s.values[i];
            }
          }
          if (found !== 1) values[i] = Number.NaN;
        }
        return { type: 'scalar', values };
      }
      case 'round': {
        const to = e.args[1] ? await this.scalarArg(e.args[1]) : new Float64Array(n).fill(1);
        const v = await this.vectorArg(e.args[0]);
        return this.mapVector(v, keep, (x, i) => {
          const inverse = 1 / to[i];
          return Math.floor(x * inverse + 0.5) / inverse;
        });
      }
      case 'clamp':
      case 'clamp_min':
      case 'clamp_max': {
        const a = await this.scalarArg(e.args[1]);
        const b = e.func === 'clamp' ? await this.scalarArg(e.args[2]) : a;
        const v = await this.vectorArg(e.args[0]);
        if (e.func === 'clamp') {
          // clamp with min > max returns nothing, as Prometheus's does.
          const filtered = v.map((s) => ({
            ...s,
            present: s.present.map((p, i) => (p && a[i] <= b[i] ? 1 : 0)),
          }));
          return this.mapVector(filtered, keep, (x, i) => goMax(a[i], goMin(b[i], x)));
        }
        return this.mapVector(v, keep, (x, i) => (e.func === 'clamp_min' ? goMax(a[i], x) : goMin(a[i], x)));
      }
      case 'sort':
      case 'sort_desc':
        return { type: 'vector', series: await this.vectorArg(e.args[0]) };
      case 'histogram_quantile':
        return this.histogramQuantile(await this.scalarArg(e.args[0]), await this.vectorArg(e.args[1]));
      case 'label_replace':
        return this.labelReplace(e);
    }
    const fn = elementwise[e.func];
    if (fn) return this.mapVector(await this.vectorArg(e.args[0]), keep, (x) => fn(x));
    throw new Invalid('unsupported_promql', `The function ${e.func}() is not supported.`);
  }

  private async vectorArg(e: Expr): Promise<StepSeries[]> {
    const v = await this.eval(e);
    if (v.type !== 'vector') throw new Invalid('invalid_promql', 'An instant vector was expected.');
    return v.series;
  }

  private mapVector(v: StepSeries[], keepName: boolean, fn: (x: number, step: number) => number): StepValue {
    const series: StepSeries[] = [];
    for (const s of v) {
      const values = new Float64Array(s.values.length);
      let any = false;
      for (let i = 0; i < values.length; i++) {
        if (!s.present[i]) continue;
        values[i] = fn(s.values[i], i);
        any = true;
      }
      if (any) series.push({ labels: keepName ? s.labels : dropName(s.labels), values, present: s.present });
    }
    return { type: 'vector', series };
  }

  /** 1 with the selector's equality labels at the steps where the input has no sample at all. */
  private absent(input: StepSeries[], selector: VectorSelectorNode | null): StepValue {
    const labels: Labels = {};
    const seen = new Set<string>();
    for (const m of selector?.matchers ?? []) {
      if (m.name === '__name__') continue;
      if (m.op === '=' && !seen.has(m.name)) labels[m.name] = m.value;
      else delete labels[m.name];
      seen.add(m.name);
    }
    const r = this.newSeries(labels);
    let any = false;
    for (let i = 0; i < this.steps.length; i++) {
      if (input.some((s) => s.present[i])) continue;
      r.values[i] = 1;
      r.present[i] = 1;
      any = true;
    }
    return { type: 'vector', series: any ? [r] : [] };
  }

  private histogramQuantile(q: Float64Array, input: StepSeries[]): StepValue {
    const groups = new Map<string, { labels: Labels; buckets: { le: number; s: StepSeries }[] }>();
    for (const s of input) {
      const le = s.labels.le === undefined ? Number.NaN : parseBound(s.labels.le);
      // A series without a valid `le` is no bucket; Prometheus skips it too (with a warning).
      if (Number.isNaN(le)) continue;
      const labels = dropName(s.labels);
      delete labels.le;
      const k = labelsKey(labels);
      const g = groups.get(k) ?? { labels, buckets: [] };
      g.buckets.push({ le, s });
      groups.set(k, g);
    }
    const out: StepSeries[] = [];
    for (const g of groups.values()) {
      const r = this.newSeries(g.labels);
      let any = false;
      for (let i = 0; i < this.steps.length; i++) {
        const buckets: Bucket[] = [];
        for (const b of g.buckets)
          if (b.s.present[i]) buckets.push({ upperBound: b.le, count: b.s.values[i] });
        if (buckets.length === 0) continue;
        r.values[i] = bucketQuantile(q[i], buckets);
        r.present[i] = 1;
        any = true;
      }
      if (any) out.push(r);
    }
    return { type: 'vector', series: out };
  }

  private async labelReplace(e: CallNode): Promise<StepValue> {
    const v = await this.vectorArg(e.args[0]);
    const [dst, replacement, src, regex] = e.args.slice(1).map((a) => (a as { value: string }).value);
    const re = compileRegex(regex);
    const out = new Map<string, StepSeries>();
    for (const s of v) {
      const m = re.exec(s.labels[src] ?? '');
      let labels = s.labels;
      if (m) {
        const value = expandTemplate(replacement, m);
        labels = { ...s.labels };
        if (value === '') delete labels[dst];
        else labels[dst] = value;
      }
      const k = labelsKey(labels);
      if (out.has(k)) {
        throw new Invalid(
          'promql_execution',
          `vector cannot contain metrics with the same labelset ${describeLabels(labels)}`,
        );
      }
      out.set(k, { ...s, labels });
    }
    return { type: 'vector', series: [...out.values()] };
  }
}

/** An aggregation's group while its members fold in: the result so far, the members per step, their squares. */
interface AggregateGroup {
  result: StepSeries;
  count: Float64Array;
  sumSq: Float64Array | null;
}

/**
 * Fold one member's values into its group: one tight loop per operation, the hot path of `sum by (…) (rate(…))`.
 * A sum starts from -0, which adding leaves every number as it is (-0 + x = x, x + -0 = x, zeros' signs included);
 * so a streamed member, whose gaps hold -0, is added without a branch per step (over its dense span only, when it
 * has one), and the group's sums are bit for bit what adding only the present values gives.
 */
function foldMember(
  op: AggregateNode['op'],
  g: AggregateGroup,
  member: StepSeries,
  streamed: StreamedSeries | null,
): void {
  const { values, present } = g.result;
  const count = g.count;
  const n = values.length;
  const sv = member.values;
  const sp = member.present;
  switch (op) {
    case 'sum':
      if (streamed?.dense) {
        addSpan(values, sv, streamed.from, streamed.to);
        present.fill(1, streamed.from, streamed.to);
        return;
      }
      if (streamed) {
        for (let i = 0; i < n; i++) {
          values[i] += sv[i];
          present[i] |= sp[i];
        }
        return;
      }
      // Presence standing in for the count.
      for (let i = 0; i < n; i++) {
        if (sp[i] === 0) continue;
        if (present[i] === 0) {
          values[i] = sv[i];
          present[i] = 1;
        } else values[i] += sv[i];
      }
      return;
    case 'avg':
      for (let i = 0; i < n; i++) {
        if (sp[i] === 0) continue;
        values[i] = count[i]++ === 0 ? sv[i] : values[i] + sv[i];
      }
      break;
    case 'stddev':
    case 'stdvar': {
      const sumSq = g.sumSq as Float64Array;
      for (let i = 0; i < n; i++) {
        if (sp[i] === 0) continue;
        const v = sv[i];
        const first = count[i]++ === 0;
        values[i] = first ? v : values[i] + v;
        sumSq[i] = first ? v * v : sumSq[i] + v * v;
      }
      break;
    }
    case 'min':
      for (let i = 0; i < n; i++) {
        if (sp[i] === 0) continue;
        const v = sv[i];
        if (count[i]++ === 0 || v < values[i] || Number.isNaN(values[i])) values[i] = v;
      }
      break;
    case 'max':
      for (let i = 0; i < n; i++) {
        if (sp[i] === 0) continue;
        const v = sv[i];
        if (count[i]++ === 0 || v > values[i] || Number.isNaN(values[i])) values[i] = v;
      }
      break;
    case 'count':
    case 'group':
      for (let i = 0; i < n; i++) if (sp[i] !== 0) values[i] = op === 'group' ? 1 : ++count[i];
      break;
  }
  for (let i = 0; i < n; i++) present[i] |= sp[i];
}

/** values[i] += add[i] over [from, to): small and alone, so it is optimised on its own. */
function addSpan(values: Float64Array, add: Float64Array, from: number, to: number): void {
  for (let i = from; i < to; i++) values[i] += add[i];
}

/** Where a streamed series' steps with a value lie, given how many there are; -0 in its gaps. */
function spanOf(s: StreamedSeries, count: number): void {
  const p = s.present;
  const v = s.values;
  let from = 0;
  while (p[from] === 0) from++;
  let to = p.length;
  while (p[to - 1] === 0) to--;
  s.from = from;
  s.to = to;
  s.dense = to - from === count;
  // The scratch holds the last series' values where this one has none.
  if (s.dense) {
    v.fill(-0, 0, from);
    v.fill(-0, to);
  } else for (let i = 0; i < p.length; i++) if (p[i] === 0) v[i] = -0;
}

/** The group's answer once every member is in: avg divides, stddev and stdvar take the variance. */
function finishGroup(op: AggregateNode['op'], g: AggregateGroup): void {
  const { values, present } = g.result;
  const count = g.count;
  const n = values.length;
  // A sum's steps without a member keep 0, as every series' gaps do.
  if (op === 'sum') for (let i = 0; i < n; i++) if (present[i] === 0) values[i] = 0;
  if (op === 'avg') for (let i = 0; i < n; i++) if (present[i]) values[i] /= count[i];
  const sumSq = g.sumSq;
  if (sumSq) {
    for (let i = 0; i < n; i++) {
      if (!present[i]) continue;
      const mean = values[i] / count[i];
      const variance = Math.max(0, sumSq[i] / count[i] - mean * mean);
      values[i] = op === 'stddev' ? Math.sqrt(variance) : variance;
    }
  }
}

const overTime: Record<string, (v: Float64Array, lo: number, hi: number) => number> = {
  avg_over_time: (v, lo, hi) => sumOf(v, lo, hi) / (hi - lo),
  sum_over_time: sumOf,
  count_over_time: (_v, lo, hi) => hi - lo,
  last_over_time: (v, _lo, hi) => v[hi - 1],
  present_over_time: () => 1,
  min_over_time: (v, lo, hi) => {
    let m = v[lo];
    for (let j = lo + 1; j < hi; j++) if (v[j] < m || Number.isNaN(m)) m = v[j];
    return m;
  },
  max_over_time: (v, lo, hi) => {
    let m = v[lo];
    for (let j = lo + 1; j < hi; j++) if (v[j] > m || Number.isNaN(m)) m = v[j];
    return m;
  },
  stddev_over_time: (v, lo, hi) => Math.sqrt(varianceOf(v, lo, hi)),
  stdvar_over_time: varianceOf,
};

function sumOf(v: Float64Array, lo: number, hi: number): number {
  // Kahan summation, as Prometheus's sum_over_time, so long windows of large values keep their precision.
  let sum = 0;
  let c = 0;
  for (let j = lo; j < hi; j++) {
    const y = v[j] - c;
    const t = sum + y;
    c = t - sum - y;
    sum = t;
  }
  return Number.isFinite(sum) ? sum : sumPlain(v, lo, hi);
}

function sumPlain(v: Float64Array, lo: number, hi: number): number {
  let sum = 0;
  for (let j = lo; j < hi; j++) sum += v[j];
  return sum;
}

function varianceOf(v: Float64Array, lo: number, hi: number): number {
  // Welford's online variance (population), as Prometheus's stdvar_over_time.
  let count = 0;
  let mean = 0;
  let aux = 0;
  for (let j = lo; j < hi; j++) {
    count++;
    const delta = v[j] - mean;
    mean += delta / count;
    aux += delta * (v[j] - mean);
  }
  return aux / count;
}

/** Go's math.Max/Min: NaN wins (JavaScript's Math.max agrees), kept named for the reader. */
const goMax = Math.max;
const goMin = Math.min;

/** Prometheus's staleness marker: the NaN with bit pattern 0x7ff0000000000002. */
function isStaleMarker(bits: Uint32Array, k: number): boolean {
  return bits[2 * k] === 2 && bits[2 * k + 1] === 0x7ff00000;
}

function withoutStaleMarkers(s: SeriesSamples): SeriesSamples {
  // The usual series has no NaN at all: its reader may know so, else one plain pass says so.
  if (s.withoutNaN === true) return s;
  const vs = s.values;
  let nan = false;
  for (let k = 0; k < vs.length; k++)
    if (Number.isNaN(vs[k])) {
      nan = true;
      break;
    }
  if (!nan) return s;
  const bits = new Uint32Array(s.values.buffer, s.values.byteOffset, s.values.length * 2);
  let stale = 0;
  for (let k = 0; k < s.values.length; k++) if (Number.isNaN(s.values[k]) && isStaleMarker(bits, k)) stale++;
  if (stale === 0) return s;
  const timestamps = new Float64Array(s.values.length - stale);
  const values = new Float64Array(s.values.length - stale);
  let o = 0;
  for (let k = 0; k < s.values.length; k++) {
    if (Number.isNaN(s.values[k]) && isStaleMarker(bits, k)) continue;
    timestamps[o] = s.timestamps[k];
    values[o++] = s.values[k];
  }
  return { labels: s.labels, timestamps, values };
}

export function dropName(labels: Labels): Labels {
  if (labels.__name__ === undefined) return labels;
  const { __name__: _, ...rest } = labels;
  return rest;
}

function parseBound(le: string): number {
  const t = le.trim().toLowerCase();
  if (t === '+inf' || t === 'inf') return Number.POSITIVE_INFINITY;
  if (t === '-inf') return Number.NEGATIVE_INFINITY;
  return t === '' ? Number.NaN : Number(t);
}

/** The value of an operation and whether a comparison holds (Prometheus's vectorElemBinop). */
function binop(op: BinaryOp, l: number, r: number): [number, boolean] {
  switch (op) {
    case '+':
      return [l + r, true];
    case '-':
      return [l - r, true];
    case '*':
      return [l * r, true];
    case '/':
      return [l / r, true];
    case '%':
      // Go's math.Mod: the sign of the dividend, as JavaScript's %.
      return [l % r, true];
    case '^':
      return [l ** r, true];
    case '==':
      return [l, l === r];
    case '!=':
      return [l, l !== r];
    case '>':
      return [l, l > r];
    case '<':
      return [l, l < r];
    case '>=':
      return [l, l >= r];
    case '<=':
      return [l, l <= r];
    default:
      return [l, true];
  }
}

function signatureLabels(labels: Labels, matching: VectorMatching): Labels {
  const out: Labels = {};
  if (matching.on) {
    for (const k of matching.labels) if (labels[k] !== undefined) out[k] = labels[k];
  } else {
    for (const [k, v] of Object.entries(labels))
      if (k !== '__name__' && !matching.labels.includes(k)) out[k] = v;
  }
  return out;
}

function signatureOf(matching: VectorMatching): (labels: Labels) => string {
  return (labels) => labelsKey(signatureLabels(labels, matching));
}

function groupBySignature(series: StepSeries[], sig: (l: Labels) => string): Map<string, StepSeries[]> {
  const map = new Map<string, StepSeries[]>();
  for (const s of series) {
    const k = sig(s.labels);
    const list = map.get(k);
    if (list) list.push(s);
    else map.set(k, [s]);
  }
  return map;
}

/** The labels of a vector-vector result (Prometheus's resultMetric): `many` is the side whose labels carry over. */
function resultLabels(many: Labels, one: Labels, e: BinaryNode, matching: VectorMatching): Labels {
  let out: Labels = { ...many };
  if (!isComparison(e.op) || e.returnBool) delete out.__name__;
  if (matching.card === 'one-to-one') {
    if (matching.on) {
      const kept: Labels = {};
      for (const k of matching.labels) if (out[k] !== undefined) kept[k] = out[k];
      out = kept;
    } else {
      for (const k of matching.labels) delete out[k];
    }
  }
  for (const k of matching.include) {
    if (one[k] !== undefined && one[k] !== '') out[k] = one[k];
    else delete out[k];
  }
  return out;
}

export function describeLabels(labels: Labels): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(', ')}}`;
}

/** Go's regexp Expand for `$1`, `${1}`, `$name`, `${name}` and `$$`: the replacement of label_replace. */
function expandTemplate(template: string, m: RegExpExecArray): string {
  return template.replace(/\$(?:\$|\{([a-zA-Z0-9_]+)\}|([a-zA-Z0-9_]+))/g, (whole, braced, bare) => {
    if (whole === '$$') return '$';
    const name: string = braced ?? bare;
    if (/^\d+$/.test(name)) return m[Number(name)] ?? '';
    return m.groups?.[name] ?? '';
  });
}
