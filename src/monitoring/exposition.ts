// Parsers for what a scrape returns: the Prometheus text format 0.0.4 and OpenMetrics 1.0, into IngestSeries (one
// sample per series) with counted rejects. Hand-written scanners over the string (no split, no regex per line):
// this is the scrape path's hot loop. Histograms and summaries arrive as their _bucket/_sum/_count/quantile series,
// which is how Prometheus stores them; OpenMetrics' _created series are skipped, as Prometheus skips them.
// Errors follow each format's rule: in the text format a malformed line is refused (counted, with its line number)
// and the rest kept; OpenMetrics 1.0 says an exposition with any malformed line is invalid as a whole, so nothing of
// it is kept (and a missing "# EOF" means a truncated, hence invalid, exposition).
// A scrape target's cache (scrape-series-cache.ts) hands the parser the series texts it has seen: a line whose series
// text is one of them was parsed and accepted before, so its label set is not parsed again (only its value is).
import { type IngestSeries, type Labels, metricLimits, type RejectReason } from './metric-model.js';

export type ExpositionFormat = 'text' | 'openmetrics';

/** One refused line: 1-based line number, the counted reason and a short sentence. */
export interface ExpositionError {
  line: number;
  reason: RejectReason;
  message: string;
}

export interface ParsedExposition<V = never> {
  /** A series whose text was in options.known comes with no labels (knownLabels): the caller holds them. */
  series: IngestSeries[];
  /** Each series' text as the target wrote it (name and label set), parallel to series: a cheap identity. */
  keys: string[];
  /** Sample lines seen (accepted or not): Prometheus's scrape_samples_scraped counts what the target exposed. */
  samples: number;
  rejected: Partial<Record<RejectReason, number>>;
  /** The first few refusals, for the scrape target's last error and the API's answer. */
  errors: ExpositionError[];
  /** OpenMetrics only: the exposition is invalid as a whole (the spec's rule), so nothing of it was kept. */
  invalid: boolean;
  /** With options.known: known.get(key) parallel to series, undefined where the label set was parsed; else empty. */
  cached: (V | undefined)[];
}

/** The labels of a sample whose series text was known (ParsedExposition.series): none, frozen, shared. */
export const knownLabels: Readonly<Labels> = Object.freeze({});

export interface ParseOptions<V = never> {
  /** The timestamp of samples that carry none (the scrape's start), epoch ms. */
  defaultTimestampMs: number;
  /** False: every sample gets defaultTimestampMs, as Prometheus's honor_timestamps: false. */
  honorTimestamps?: boolean;
  /**
   * Series texts (name and label set exactly as a target wrote them) that an earlier parse in this format accepted,
   * and what the caller holds for each: such a line's label set is not parsed (it parsed before; the same text gives
   * the same labels), and its entry comes back in `cached`.
   */
  known?: ReadonlyMap<string, V>;
}

const maxErrors = 10;

/** Which parser a response's Content-Type asks for: OpenMetrics by its media type, the text format otherwise. */
export function expositionFormat(contentType: string | undefined): ExpositionFormat {
  if (contentType && /^\s*application\/openmetrics-text\b/i.test(contentType)) return 'openmetrics';
  return 'text';
}

/** Prometheus's own Accept header: OpenMetrics 1.0 first, then 0.0.1, then the text format. */
export const scrapeAcceptHeader =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

export function parseExposition<V = never>(
  body: string,
  format: ExpositionFormat,
  options: ParseOptions<V>,
): ParsedExposition<V> {
  return new ExpositionScanner<V>(body, format, options).run();
}

/**
 * A refused line, thrown from deep in the scanner to the line loop. Not an Error: an Error captures a stack trace,
 * which made each refused line cost tens of microseconds — a body of 100,000 repeated lines took seconds of the
 * service's one thread (found by the fuzz suite, test/fuzz/corpus/exposition-text/hang-*).
 */
class LineError {
  constructor(
    readonly reason: RejectReason,
    readonly message: string,
  ) {}
}

const C_SP = 32;
const C_TAB = 9;
const C_HASH = 35;
const C_LBRACE = 123;
const C_RBRACE = 125;
const C_EQ = 61;
const C_QUOTE = 34;
const C_COMMA = 44;
const C_BACKSLASH = 92;

function isNameStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
}
function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 58;
}
function isLabelStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}
function isLabelChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

// One way to match each text: `\d+\.?\d*` could split a run of digits anywhere, and a long run that then failed
// (a value of 600,000 digits and a stray byte, found by the fuzz suite) was tried every way: minutes on one line.
const decimal = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Go's strconv.ParseFloat as the exposition formats use it: decimals, exponents, NaN and ±Inf in any case. */
export function parseFloatValue(text: string): number | null {
  // Fast path: a plain decimal. Number() also reads "0x1F", "0o7", "0b1", "" and "Infinity", which Go's ParseFloat
  // spells otherwise or refuses, so those go the slow way.
  const c = text.charCodeAt(0);
  if ((c >= 48 && c <= 57) || c === 45) {
    const second = text.charCodeAt(1) | 0x20;
    if (!(c === 48 && (second === 120 || second === 111 || second === 98))) {
      const v = Number(text);
      if (!Number.isNaN(v)) return v;
    }
  }
  if (decimal.test(text)) return Number(text);
  switch (text.toLowerCase()) {
    case 'nan':
      return Number.NaN;
    case 'inf':
    case '+inf':
    case 'infinity':
    case '+infinity':
      return Number.POSITIVE_INFINITY;
    case '-inf':
    case '-infinity':
      return Number.NEGATIVE_INFINITY;
    default:
      return null;
  }
}

// OpenMetrics' metric types whose samples carry a _created series (skipped, as Prometheus does by default).
const createdTypes = new Set(['counter', 'histogram', 'summary', 'gaugehistogram']);
const omTypes = new Set([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'stateset',
  'info',
  'summary',
  'unknown',
]);
const textTypes = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

class ExpositionScanner<V> {
  private pos = 0;
  private lineNo = 0;
  private lineEnd = 0;
  private readonly series: IngestSeries[] = [];
  private readonly rejected: Partial<Record<RejectReason, number>> = {};
  private readonly errors: ExpositionError[] = [];
  private readonly seen = new Set<string>();
  private readonly keys: string[] = [];
  private readonly cached: (V | undefined)[] = [];
  private readonly known: ReadonlyMap<string, V> | undefined;
  private readonly honor: boolean;
  private readonly om: boolean;
  /** OpenMetrics: the type of each family named by # TYPE, to skip its _created series. */
  private readonly types = new Map<string, string>();
  private samples = 0;

  constructor(
    private readonly s: string,
    format: ExpositionFormat,
    private readonly options: ParseOptions<V>,
  ) {
    this.known = options.known;
    this.honor = options.honorTimestamps !== false;
    this.om = format === 'openmetrics';
  }

  run(): ParsedExposition<V> {
    const s = this.s;
    const n = s.length;
    let sawEof = false;
    while (this.pos < n) {
      this.lineNo++;
      let end = s.indexOf('\n', this.pos);
      if (end < 0) end = n;
      this.lineEnd = end;
      const start = this.pos;
      try {
        if (sawEof) throw new LineError('malformed_line', 'content after # EOF');
        if (end > start && s.charCodeAt(end - 1) === 13 && !this.om) this.lineEnd = end - 1; // tolerate CRLF
        sawEof = this.line(start);
      } catch (err) {
        if (!(err instanceof LineError)) throw err;
        this.refuse(err.reason, err.message);
        if (this.om) return this.invalidAsWhole();
      }
      this.pos = end + 1;
    }
    // OpenMetrics: "The last line MUST be # EOF"; without it the exposition may be truncated, so it is invalid.
    if (this.om && !sawEof) {
      this.lineNo++;
      this.refuse('malformed_line', 'missing # EOF');
      return this.invalidAsWhole();
    }
    return {
      series: this.series,
      keys: this.keys,
      samples: this.samples,
      rejected: this.rejected,
      errors: this.errors,
      invalid: false,
      cached: this.cached,
    };
  }

  private refuse(reason: RejectReason, message: string): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
    if (this.errors.length < maxErrors) this.errors.push({ line: this.lineNo, reason, message });
  }

  private invalidAsWhole(): ParsedExposition<V> {
    return {
      series: [],
      keys: [],
      samples: this.samples,
      rejected: this.rejected,
      errors: this.errors,
      invalid: true,
      cached: [],
    };
  }

  /** One line from `start` to this.lineEnd; true when it is OpenMetrics' # EOF. */
  private line(start: number): boolean {
    const s = this.s;
    let i = start;
    const end = this.lineEnd;
    if (!this.om) while (i < end && (s.charCodeAt(i) === C_SP || s.charCodeAt(i) === C_TAB)) i++;
    if (i === end) {
      if (this.om) throw new LineError('malformed_line', 'empty line');
      return false;
    }
    if (s.charCodeAt(i) === C_HASH) return this.comment(i);
    this.sample(i);
    return false;
  }

  private comment(i: number): boolean {
    // Text format: only "# TYPE" lines are read (skip HELP text unsliced: node_exporter has one per family).
    if (!this.om) {
      let j = i + 1;
      while (j < this.lineEnd && (this.s.charCodeAt(j) === C_SP || this.s.charCodeAt(j) === C_TAB)) j++;
      if (!this.s.startsWith('TYPE', j)) return false;
    }
    const text = this.s.slice(i, this.lineEnd);
    if (this.om) {
      if (text === '# EOF') return true;
      const m = /^# (TYPE|HELP|UNIT) ([a-zA-Z_:][a-zA-Z0-9_:]*)(?: (.*))?$/.exec(text);
      if (!m) throw new LineError('malformed_line', 'a comment must be # TYPE, # HELP, # UNIT or # EOF');
      if (m[1] === 'TYPE') {
        const type = m[3] ?? '';
        if (!omTypes.has(type)) throw new LineError('malformed_line', `unknown metric type "${type}"`);
        if (this.types.has(m[2] as string))
          throw new LineError('malformed_line', 'second # TYPE for a family');
        this.types.set(m[2] as string, type);
      }
      return false;
    }
    // Text format: # TYPE has a shape (a name and a known type); # HELP and any other # line are comments.
    const m = /^#[ \t]+(TYPE)[ \t]+(\S*)(?:[ \t]+(.*))?$/.exec(text);
    if (m) {
      if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(m[2] as string))
        throw new LineError('invalid_metric_name', `invalid metric name in # ${m[1]}`);
      if (m[1] === 'TYPE' && !textTypes.has((m[3] ?? '').trim()))
        throw new LineError('malformed_line', `unknown metric type "${(m[3] ?? '').trim()}"`);
    }
    return false;
  }

  private sample(start: number): void {
    const s = this.s;
    const end = this.lineEnd;
    this.samples++;
    let i = start;
    if (!isNameStart(s.charCodeAt(i)))
      throw new LineError('invalid_metric_name', 'a sample must start with a metric name');
    i++;
    while (i < end && isNameChar(s.charCodeAt(i))) i++;
    const nameEnd = i;
    let key: string | undefined;
    let hit: V | undefined;
    if (this.known) {
      // A series text seen before: its label set was parsed then, and the same text gives the same labels.
      const textEnd = this.seriesTextEnd(i);
      if (textEnd > 0) {
        key = s.slice(start, textEnd);
        hit = this.known.get(key);
        if (hit !== undefined) i = textEnd;
      }
    }
    let name: string | undefined;
    let labels: Labels = knownLabels;
    let count = 1;
    if (hit === undefined) {
      name = s.slice(start, nameEnd);
      labels = { __name__: name };
      if (i < end && s.charCodeAt(i) === C_LBRACE) {
        i = this.labelSet(i + 1, labels);
        count = Object.keys(labels).length;
      }
      if (key !== undefined && key.length !== i - start) key = undefined;
    }
    const seriesEnd = i;
    // One separator before the value: OpenMetrics says exactly one space; the text format allows blanks.
    if (i >= end || (s.charCodeAt(i) !== C_SP && s.charCodeAt(i) !== C_TAB))
      throw new LineError('malformed_line', 'expected a space and a value after the series');
    i = this.blanks(i);
    let j = i;
    while (j < end && s.charCodeAt(j) !== C_SP && s.charCodeAt(j) !== C_TAB) j++;
    const value = parseFloatValue(s.slice(i, j));
    if (value === null)
      throw new LineError('malformed_line', `invalid value "${s.slice(i, j).slice(0, 40)}"`);
    let ts = this.options.defaultTimestampMs;
    i = this.blanks(j);
    if (i < end && s.charCodeAt(i) !== C_HASH) {
      j = i;
      while (j < end && s.charCodeAt(j) !== C_SP && s.charCodeAt(j) !== C_TAB) j++;
      const given = this.timestamp(s.slice(i, j));
      if (this.honor) ts = given;
      i = this.blanks(j);
    }
    if (i < end) {
      // OpenMetrics exemplars (" # {labels} value [ts]") are allowed and not stored; anything else is not.
      if (!(this.om && s.charCodeAt(i) === C_HASH && s.charCodeAt(i + 1) === C_SP))
        throw new LineError('malformed_line', 'unexpected text after the sample');
    }
    if (this.om && this.skipCreated(name ?? s.slice(start, nameEnd))) return;
    if (count > metricLimits.labelsPerSeries) throw new LineError('too_many_labels', 'too many labels');
    key ??= s.slice(start, seriesEnd);
    if (this.seen.has(key))
      throw new LineError('duplicate_sample', 'the same series twice in one exposition');
    this.seen.add(key);
    this.keys.push(key);
    if (this.known) this.cached.push(hit);
    this.series.push({ labels, timestamps: [ts], values: [value] });
  }

  /**
   * Where the series text starting before `i` (just after the name) ends, found without reading the labels: after
   * the "}" outside quotes (a quoted value skips escaped characters), or `i` when no label set follows; -1 when it
   * does not end on this line. For a text that parses, labelSet ends at the same place.
   */
  private seriesTextEnd(i: number): number {
    const s = this.s;
    const end = this.lineEnd;
    if (i >= end || s.charCodeAt(i) !== C_LBRACE) return i;
    for (i++; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === C_RBRACE) return i + 1;
      if (c === C_QUOTE)
        for (i++; i < end; i++) {
          const q = s.charCodeAt(i);
          if (q === C_QUOTE) break;
          if (q === C_BACKSLASH) i++;
        }
    }
    return -1;
  }

  private blanks(i: number): number {
    const s = this.s;
    if (this.om) return i < this.lineEnd && s.charCodeAt(i) === C_SP ? i + 1 : i;
    while (i < this.lineEnd && (s.charCodeAt(i) === C_SP || s.charCodeAt(i) === C_TAB)) i++;
    return i;
  }

  private timestamp(text: string): number {
    if (this.om) {
      // OpenMetrics: seconds, with a fraction allowed.
      const v = decimal.test(text) ? Number(text) * 1000 : Number.NaN;
      if (!Number.isFinite(v))
        throw new LineError('invalid_timestamp', `invalid timestamp "${text.slice(0, 40)}"`);
      return Math.round(v);
    }
    // Text format: integer milliseconds.
    if (!/^-?\d{1,16}$/.test(text))
      throw new LineError('invalid_timestamp', `invalid timestamp "${text.slice(0, 40)}"`);
    return Number(text);
  }

  private skipCreated(name: string): boolean {
    if (!name.endsWith('_created')) return false;
    const family = name.slice(0, -'_created'.length);
    const type = this.types.get(family) ?? this.types.get(`${family}_total`);
    return type !== undefined && createdTypes.has(type);
  }

  /** From just after "{" to just after "}": names, "=", quoted values with \\, \" and \n escapes. */
  private labelSet(i: number, labels: Labels): number {
    const s = this.s;
    const end = this.lineEnd;
    for (;;) {
      if (!this.om) while (i < end && (s.charCodeAt(i) === C_SP || s.charCodeAt(i) === C_TAB)) i++;
      if (i >= end) throw new LineError('malformed_line', 'unterminated label set');
      if (s.charCodeAt(i) === C_RBRACE) return i + 1;
      const nameStart = i;
      if (!isLabelStart(s.charCodeAt(i))) throw new LineError('invalid_label_name', 'invalid label name');
      i++;
      while (i < end && isLabelChar(s.charCodeAt(i))) i++;
      const name = s.slice(nameStart, i);
      if (!this.om) while (i < end && (s.charCodeAt(i) === C_SP || s.charCodeAt(i) === C_TAB)) i++;
      if (s.charCodeAt(i) !== C_EQ)
        throw new LineError('malformed_line', `expected "=" after label ${name.slice(0, 40)}`);
      i++;
      if (!this.om) while (i < end && (s.charCodeAt(i) === C_SP || s.charCodeAt(i) === C_TAB)) i++;
      if (s.charCodeAt(i) !== C_QUOTE) throw new LineError('malformed_line', 'a label value must be quoted');
      i++;
      const valueStart = i;
      let escaped = false;
      while (i < end) {
        const c = s.charCodeAt(i);
        if (c === C_QUOTE) break;
        if (c === C_BACKSLASH) {
          escaped = true;
          i += 2;
        } else i++;
      }
      if (i >= end) throw new LineError('malformed_line', 'unterminated label value');
      const raw = s.slice(valueStart, i);
      const value = escaped ? unescapeLabelValue(raw) : raw;
      i++;
      if (name.length > metricLimits.labelNameLength || value.length > metricLimits.labelValueLength)
        throw new LineError('label_too_long', `label ${name.slice(0, 40)} is too long`);
      if (name.startsWith('__'))
        throw new LineError('invalid_label_name', `label name ${name.slice(0, 40)} is reserved`);
      if (Object.hasOwn(labels, name))
        throw new LineError('duplicate_label', `label ${name.slice(0, 40)} twice`);
      // An empty value means the label is absent (Prometheus's data model).
      if (value !== '') labels[name] = value;
      if (!this.om) while (i < end && (s.charCodeAt(i) === C_SP || s.charCodeAt(i) === C_TAB)) i++;
      const c = s.charCodeAt(i);
      if (c === C_COMMA) {
        i++;
        continue;
      }
      if (c === C_RBRACE) return i + 1;
      throw new LineError('malformed_line', 'expected "," or "}" in the label set');
    }
  }
}

function unescapeLabelValue(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c !== C_BACKSLASH) {
      out += raw[i];
      continue;
    }
    const next = raw[++i];
    if (next === 'n') out += '\n';
    else if (next === '\\' || next === '"') out += next;
    else out += `\\${next ?? ''}`; // Prometheus keeps an unknown escape as written
  }
  return out;
}
