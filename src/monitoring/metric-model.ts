// The metric store's vocabulary, shared by ingest (scrape, remote-write, checks), the store and PromQL: a series is a
// metric name and a label set; a sample is an epoch-millisecond timestamp and a float. Label rules follow
// Prometheus's data model (https://prometheus.io/docs/concepts/data_model/).

/** A series' labels, `__name__` included. Values are never empty: an empty value means the label is absent. */
export type Labels = Record<string, string>;

/** Samples for one series as an ingest path hands them to the store: parallel arrays, timestamps ascending. */
export interface IngestSeries {
  labels: Labels;
  /** Epoch milliseconds. */
  timestamps: number[];
  values: number[];
}

export type MatchOp = '=' | '!=' | '=~' | '!~';

/** A label matcher as PromQL writes it: regular expressions are fully anchored, as in Prometheus. */
export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
}

/** What a read returns for one series over a time range: timestamps ascending, no duplicates. */
export interface SeriesSamples {
  labels: Labels;
  timestamps: Float64Array;
  values: Float64Array;
  /**
   * Set by a reader that knows it cheaply: series of one read with the same key (compared by identity) have the same
   * timestamps, value for value — what a query's rate windows reuse instead of comparing them (SampleSource.selectEach).
   */
  timestampsKey?: object;
  /** Set by a reader that knows no value is NaN (so none is a stale marker) without looking at each. */
  withoutNaN?: boolean;
}

/** The downsampled resolutions, beside the raw samples. */
export type Resolution = 'raw' | '1m' | '1h';

/** One rollup bucket of a series: the samples whose timestamps fall in [ts, ts + resolution). */
export interface RollupSeries {
  labels: Labels;
  timestamps: Float64Array;
  min: Float64Array;
  max: Float64Array;
  sum: Float64Array;
  count: Float64Array;
}

/** What PromQL and the HTTP API read through: the metric store implements it, tests may use an in-memory one. */
export interface SampleSource {
  /** Every series matching all matchers (at least one must not match the empty string), with samples in [startMs, endMs]. */
  select(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<SeriesSamples[]>;
  /**
   * The series of select, in the same order, handed to `visit` one at a time: for a reader that folds each series
   * into its result as it goes (PromQL: a range function, an aggregation of one), so a query over a day of 1,000
   * series never holds their 5.76 M samples at once. The arrays may be the source's scratch, valid only until
   * `visit` returns. Optional: a reader falls back to select.
   */
  selectEach?(
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
    visit: (series: SeriesSamples) => void,
  ): Promise<void>;
  /**
   * The spacing of the points a read from `fromMs` on may return where they are not samples but rollup buckets
   * (0: samples only). An instant selector reaching there looks back at least this far, so that every step finds
   * the bucket it falls in. Optional: a source without rollups has none.
   */
  bucketSpacingFrom?(fromMs: number): number;
  /** The label sets of matching series that have samples in the range. */
  series(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<Labels[]>;
  labelNames(matchers: readonly LabelMatcher[], startMs: number, endMs: number): Promise<string[]>;
  labelValues(
    name: string,
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
  ): Promise<string[]>;
}

/** Why a sample, a series or a payload was refused: the label of opsdesk_metric_samples_rejected_total. */
export const rejectReasons = [
  'malformed_line',
  'malformed_protobuf',
  'malformed_snappy',
  'unsupported_content_type',
  'payload_too_large',
  'invalid_metric_name',
  'invalid_label_name',
  'invalid_label_value',
  'duplicate_label',
  'too_many_labels',
  'label_too_long',
  'series_limit',
  'sample_limit',
  'out_of_order',
  'duplicate_sample',
  'too_old',
  'too_far_in_future',
  'invalid_timestamp',
] as const;
export type RejectReason = (typeof rejectReasons)[number];

/** What an ingest accepted and refused, by reason: the valid rest of a payload is kept. */
export interface IngestResult {
  accepted: number;
  rejected: Partial<Record<RejectReason, number>>;
}

/** Who is writing: the store counts series per source and enforces the source's limit. */
export interface IngestSource {
  /** 'scrape:<id>', 'remote_write:<token id>', 'check:<id>', 'self'. */
  key: string;
  /** Active series this source may hold; a new series over it is refused (series_limit). */
  maxSeries: number;
}

export const metricLimits = {
  labelsPerSeries: 64,
  labelNameLength: 256,
  labelValueLength: 4096,
  /** Default active series per scrape target or remote-write token. */
  seriesPerSource: 50_000,
  /** Samples per scrape (Prometheus's sample_limit): over it the scrape fails whole, as Prometheus's does. */
  samplesPerScrape: 50_000,
  /** Bytes of one remote-write request body (compressed) and one scrape response. */
  payloadBytes: 10 * 1024 * 1024,
  /** How far ahead of the clock a sample may be. */
  futureMs: 10 * 60_000,
} as const;

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
// Label values are UTF-8: a lone surrogate cannot be encoded.
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function isValidMetricName(name: string): boolean {
  return metricName.test(name);
}

/** Names starting with `__` are reserved for internal use, except `__name__` itself. */
export function isValidLabelName(name: string): boolean {
  return labelName.test(name) && (name === '__name__' || !name.startsWith('__'));
}

/** Why a label set is refused, or null: the one check every ingest path runs. */
export function labelsProblem(labels: Labels): RejectReason | null {
  const names = Object.keys(labels);
  if (names.length > metricLimits.labelsPerSeries) return 'too_many_labels';
  const name = labels.__name__;
  if (name === undefined || !isValidMetricName(name)) return 'invalid_metric_name';
  for (const n of names) {
    if (!isValidLabelName(n)) return 'invalid_label_name';
    if (n.length > metricLimits.labelNameLength) return 'label_too_long';
    const v = labels[n] as string;
    if (v.length > metricLimits.labelValueLength) return 'label_too_long';
    if (loneSurrogate.test(v)) return 'invalid_label_value';
  }
  return null;
}

/** The canonical key of a label set: names sorted, so equal sets give equal keys whatever their order. */
export function labelsKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  let key = '';
  for (const n of names) key += `${n}\u0000${labels[n]}\u0001`;
  return key;
}

/** The store as the rest of the service reaches it (metricStore(ctx), src/monitoring/metric-store.ts). */
export interface MetricStore extends SampleSource {
  /**
   * Write samples; the valid rest of a batch is kept and each refusal counted by reason. Durable when the promise
   * resolves: what was accepted is never lost.
   */
  append(series: readonly IngestSeries[], source: IngestSource): Promise<IngestResult>;
  /** Downsampled buckets (min, max, sum, count) at 1 minute or 1 hour. */
  selectRollup(
    matchers: readonly LabelMatcher[],
    startMs: number,
    endMs: number,
    resolution: Exclude<Resolution, 'raw'>,
  ): Promise<RollupSeries[]>;
}

/** The longest regex a matcher or relabel config may be (as long as the longest label value it could spell). */
export const maxLabelRegexLength = 4096;

/**
 * A regex of a label matcher or relabel config as Prometheus compiles it (RE2, fully anchored: `^(?s:…)$`), in
 * JavaScript's dialect: `.` matches a newline unless `dotAll` is false (Alertmanager's matchers: `^(?:…)$`); a leading
 * `(?i)`, the one inline flag people write, becomes the i flag (JavaScript has no inline flags). Some RE2-valid
 * patterns (an escaped punctuation mark outside a class) are refused in unicode mode: those compile without it.
 * Throws SyntaxError when the pattern is not one, is longer than maxLabelRegexLength, or has the shape that makes a
 * backtracking engine take exponential time (refuseBacktrackingBlowUp). The one place that compiles them, so a
 * query, the store, the alert pipeline and relabelling agree on what a pattern means.
 */
export function compileLabelRegex(source: string, options: { dotAll?: boolean } = {}): RegExp {
  if (source.length > maxLabelRegexLength)
    throw new SyntaxError(`the regular expression is longer than ${maxLabelRegexLength} characters`);
  let body = source;
  let flags = options.dotAll === false ? '' : 's';
  if (body.startsWith('(?i)')) {
    body = body.slice(4);
    flags += 'i';
  }
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${body})$`, `${flags}u`);
  } catch {
    re = new RegExp(`^(?:${body})$`, flags);
  }
  refuseBacktrackingBlowUp(body, flags.includes('i'));
  return re;
}

/** One group being read by refuseBacktrackingBlowUp. */
interface RegexGroup {
  /** A quantifier that repeats (*, +, {n,}, {n,m} with m > 1) is somewhere inside. */
  repeats: boolean;
  /** The first character of each alternative: one character, 'any' (a class, escape, dot, or optional start), or
   * null (the alternative is empty so far). */
  firsts: (string | 'any' | null)[];
}

/**
 * JavaScript's RegExp backtracks (Prometheus's RE2 does not), so some patterns take exponential time on a long
 * non-matching value: a repeated group that contains a repeat, `(a+)+`, `(a*)*`, `(\w+\s?)*`, or whose alternatives
 * may start with the same character, `(a|a)*`, `(.|\n)*`. Those are refused. The check is by shape and errs on the
 * side of refusing: any class, escape or dot counts as possibly any character, and a repeat inside a repeated
 * group is refused even where a delimiter would keep it linear (`(\d+\.)*`: write it without the nesting, as
 * `[0-9.]*`). Bounded repeats of a group (`(…){3}`) are allowed.
 */
function refuseBacktrackingBlowUp(src: string, ignoreCase: boolean): void {
  const stack: RegexGroup[] = [{ repeats: false, firsts: [null] }];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    let first: string | 'any' | null;
    let group: RegexGroup | null = null;
    if (c === '(') {
      i++;
      // (?:…), (?<name>…), lookarounds (?=…) (?!…) (?<=…) (?<!…): skip the prefix, read the group alike.
      if (src[i] === '?') {
        i++;
        if (src[i] === '<' && src[i + 1] !== '=' && src[i + 1] !== '!') {
          const close = src.indexOf('>', i);
          i = close < 0 ? src.length : close + 1;
        } else i += src[i] === '<' ? 2 : 1;
      }
      stack.push({ repeats: false, firsts: [null] });
      continue;
    }
    if (c === '|') {
      (stack[stack.length - 1] as RegexGroup).firsts.push(null);
      i++;
      continue;
    }
    if (c === ')' && stack.length > 1) {
      group = stack.pop() as RegexGroup;
      const known = group.firsts.filter((f) => f !== null);
      first = known.length === 1 ? (known[0] as string) : 'any';
      i++;
    } else if (c === '^' || c === '$') {
      i++;
      continue; // zero-width: no character, no atom to repeat
    } else if (c === '\\') {
      const e = src[i + 1] ?? '';
      i += 2;
      if (/[a-zA-Z0-9]/.test(e)) {
        first = 'any';
        // Skip what the escape spells so that its braces are not read as a quantifier (\u{…}, \p{…}, \x41, \k<…>).
        if ((e === 'u' || e === 'p' || e === 'P') && src[i] === '{') {
          const close = src.indexOf('}', i);
          i = close < 0 ? src.length : close + 1;
        } else if (e === 'u') i += 4;
        else if (e === 'x') i += 2;
        else if (e === 'c') i += 1;
        else if (e === 'k' && src[i] === '<') {
          const close = src.indexOf('>', i);
          i = close < 0 ? src.length : close + 1;
        }
      } else first = ignoreCase ? e.toLowerCase() : e;
    } else if (c === '[') {
      i++;
      if (src[i] === '^') i++;
      if (src[i] === ']') i++; // RE2: a "]" first in a class is a member
      while (i < src.length && src[i] !== ']') i += src[i] === '\\' ? 2 : 1;
      i++;
      first = 'any';
    } else {
      first = c === '.' ? 'any' : ignoreCase ? c.toLowerCase() : c;
      i++;
    }
    // The atom's quantifier, if any: *, +, ?, {n}, {n,}, {n,m}, each perhaps lazy (a trailing ?).
    let min = 1;
    let unbounded = false;
    let repeats = false;
    let quantified = false;
    const q = src[i];
    if (q === '*' || q === '+' || q === '?') {
      min = q === '+' ? 1 : 0;
      unbounded = q !== '?';
      repeats = unbounded;
      quantified = true;
      i++;
    } else if (q === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i, i + 24));
      if (m) {
        min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
        unbounded = max === Number.POSITIVE_INFINITY;
        repeats = max > 1;
        quantified = true;
        i += m[0].length;
      }
    }
    if (quantified && src[i] === '?') i++;
    if (group && unbounded) {
      if (group.repeats)
        throw new SyntaxError(
          'a repeated group contains a repeat, as (a+)+ or (a*)* does: this engine backtracks, and such a pattern can take exponential time',
        );
      const known = group.firsts.filter((f) => f !== null);
      if (known.length > 1 && (known.includes('any') || new Set(known).size < known.length))
        throw new SyntaxError(
          'a repeated group has alternatives that may start with the same character, as (a|a)* or (.|\\n)* does: this engine backtracks, and such a pattern can take exponential time',
        );
    }
    const top = stack[stack.length - 1] as RegexGroup;
    if (repeats || group?.repeats) top.repeats = true;
    // The first character of the alternative being read: this atom's, or any when the atom may match nothing.
    const last = top.firsts.length - 1;
    if (top.firsts[last] === null) top.firsts[last] = min === 0 ? 'any' : first;
  }
}
