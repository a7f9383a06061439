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

/**
 * A regex of a label matcher or relabel config as Prometheus compiles it (RE2, fully anchored: `^(?s:…)$`), in
 * JavaScript's dialect: `.` matches a newline unless `dotAll` is false (Alertmanager's matchers: `^(?:…)$`); a leading
 * `(?i)`, the one inline flag people write, becomes the i flag (JavaScript has no inline flags). Some RE2-valid
 * patterns (an escaped punctuation mark outside a class) are refused in unicode mode: those compile without it.
 * Throws SyntaxError when the pattern is not one. The one place that compiles them, so a query, the store, the
 * alert pipeline and relabelling agree on what a pattern means.
 */
export function compileLabelRegex(source: string, options: { dotAll?: boolean } = {}): RegExp {
  let body = source;
  let flags = options.dotAll === false ? '' : 's';
  if (body.startsWith('(?i)')) {
    body = body.slice(4);
    flags += 'i';
  }
  try {
    return new RegExp(`^(?:${body})$`, `${flags}u`);
  } catch {
    return new RegExp(`^(?:${body})$`, flags);
  }
}
