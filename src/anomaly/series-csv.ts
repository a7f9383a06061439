// Reading `timestamp,value` series one line at a time, for the anomaly detector's command line and its benchmark
// (the same path scores both). Timestamps: `YYYY-MM-DD HH:MM:SS` (NAB's form, read as UTC), ISO 8601 with or
// without an offset (none means UTC), or epoch seconds / milliseconds (numbers below 1e11 are seconds).
import { AnomalyDetector } from './detector.js';

/** A line of the series that cannot be read: `line` is 1-based, counting the header. */
export class SeriesInputError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'SeriesInputError';
  }
}

const dateTime =
  /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const epoch = /^\d{1,16}(?:\.\d+)?$/;
const decimal = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const notANumber = /^[+-]?(?:nan|inf|infinity)$/i;

/** Epoch ms of a timestamp field, or undefined when it is not one of the accepted forms or not a real date. */
export function parseTimestamp(text: string): number | undefined {
  const field = text.trim();
  if (epoch.test(field)) {
    const n = Number(field);
    return n < 1e11 ? Math.round(n * 1000) : Math.round(n);
  }
  const m = dateTime.exec(field);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  let t = Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59), ms);
  if (new Date(t).getUTCDate() !== day) return undefined; // 2014-02-30
  const zone = m[8];
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offsetHours = Number(digits.slice(0, 2));
    const offsetMinutes = Number(digits.slice(2) || 0);
    if (offsetHours > 23 || offsetMinutes > 59) return undefined;
    t -= sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  }
  return t;
}

/** A value field: a decimal number (exponent form allowed), or NaN/Inf (kept, and scored 0 by the detector). */
export function parseValue(text: string): number | undefined {
  const field = text.trim();
  if (decimal.test(field)) return Number(field);
  if (notANumber.test(field))
    return /nan/i.test(field) ? Number.NaN : field.startsWith('-') ? -Infinity : Infinity;
  return undefined;
}

function unquote(field: string): string {
  const f = field.trim();
  return f.length >= 2 && f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1) : f;
}

export interface SeriesRow {
  /** The fields as written (trimmed, unquoted), for echoing. */
  timestampText: string;
  valueText: string;
  timestampMs: number;
  value: number;
}

/**
 * Reads a series line by line: the first line is the header (`timestamp,value`, any case), blank lines are
 * skipped, every other line must be two fields with timestamps that never go back.
 */
export class SeriesReader {
  private lineNumber = 0;
  private headerSeen = false;
  private lastTimestamp = Number.NEGATIVE_INFINITY;

  /** The row on this line, or undefined for the header or a blank line; throws SeriesInputError. */
  read(line: string): SeriesRow | undefined {
    this.lineNumber++;
    const at = this.lineNumber;
    if (line.trim() === '') return undefined;
    const fields = line.split(',');
    if (!this.headerSeen) {
      this.headerSeen = true;
      const names = fields.map((f) =>
        unquote(f)
          .toLowerCase()
          .replace(/^\ufeff/, ''),
      );
      if (names.length !== 2 || names[0] !== 'timestamp' || names[1] !== 'value') {
        throw new SeriesInputError(at, `expected the header "timestamp,value", found "${clip(line)}"`);
      }
      return undefined;
    }
    if (fields.length !== 2) {
      throw new SeriesInputError(
        at,
        `expected two fields (timestamp,value), found ${fields.length}: "${clip(line)}"`,
      );
    }
    const timestampText = unquote(fields[0]);
    const valueText = unquote(fields[1]);
    const timestampMs = parseTimestamp(timestampText);
    if (timestampMs === undefined) {
      throw new SeriesInputError(
        at,
        `"${clip(timestampText)}" is not a timestamp (YYYY-MM-DD HH:MM:SS, ISO 8601, or epoch seconds or milliseconds)`,
      );
    }
    const value = parseValue(valueText);
    if (value === undefined) throw new SeriesInputError(at, `"${clip(valueText)}" is not a number`);
    if (timestampMs < this.lastTimestamp) {
      throw new SeriesInputError(
        at,
        `timestamp ${timestampText} goes back in time (rows must be in time order)`,
      );
    }
    this.lastTimestamp = timestampMs;
    return { timestampText, valueText, timestampMs, value };
  }

  /** Throws when the input ended without its header. */
  finish(): void {
    if (!this.headerSeen)
      throw new SeriesInputError(1, 'the input is empty (expected the header "timestamp,value")');
  }
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/**
 * Scores a series as a stream: each row is scored before the next is read, and handed to `emit`. The detector
 * and the reader are the command line's; the benchmark runs its files through here too.
 */
export async function scoreSeries(
  lines: AsyncIterable<string> | Iterable<string>,
  emit: (row: SeriesRow, score: number) => void,
  detector = new AnomalyDetector(),
): Promise<AnomalyDetector> {
  const reader = new SeriesReader();
  for await (const line of lines) {
    const row = reader.read(line);
    if (row) emit(row, detector.score(row.timestampMs, row.value));
  }
  reader.finish();
  return detector;
}
