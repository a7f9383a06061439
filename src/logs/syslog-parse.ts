// Syslog message parsing: RFC 5424 and RFC 3164 with their real-world variants, into log records. One call per
// datagram or TCP frame; it never throws — what is not syslog comes back as a counted reason (docs/syslog.md).
// Also the RFC 5424 formatter, the parser's inverse, for the property test and the benchmark's senders.
import { DateTime, IANAZone } from 'luxon';
import {
  type LogRecordInput,
  type LogSource,
  logFieldLimits,
  type Severity,
  type StructuredData,
} from './log-model.js';

/**
 * A message that could not be read as syslog, with the counted reason: `empty` (nothing but framing, or a PRI
 * alone), `invalid_pri` (`<999>`, `<a>`, `<>`, an unclosed `<`), `binary` (a NUL inside, or more than one
 * character in eight a control character), `not_utf8` (more than one character in four an invalid UTF-8
 * sequence). `invalid_header` is kept for callers that read headers stricter than this parser does.
 */
export type SyslogRejectReason = 'empty' | 'invalid_pri' | 'invalid_header' | 'not_utf8' | 'binary';

export type SyslogParse =
  | { ok: true; record: Omit<LogRecordInput, 'source' | 'peer'> }
  | { ok: false; reason: SyslogRejectReason };

export interface SyslogParseOptions {
  /** The largest message kept whole (bytes, the whole frame); a longer one is cut at a UTF-8 boundary and flagged. */
  maxMessageBytes?: number;
  /**
   * The zone of timestamps that carry none (RFC 3164's `Mmm dd hh:mm:ss`, an ISO time without offset): an IANA
   * name. Default UTC — senders are best set to UTC or to RFC 5424, which always says its offset.
   */
  zone?: string;
}

/** OPSDESK_SYSLOG_MAX_MESSAGE_BYTES's default. */
export const defaultSyslogMaxMessageBytes = 65_536;

const dayMs = 86_400_000;

/** True when `zone` names a zone the parser can read times in (the listener checks it once at start). */
export function isSyslogZone(zone: string): boolean {
  return zone === 'UTC' || IANAZone.isValidZone(zone);
}

/**
 * Parse one syslog message (one datagram or one TCP frame, without its framing). `receivedAt` fills a missing
 * time and a missing year (RFC 3164).
 */
export function parseSyslogMessage(
  raw: Uint8Array | string,
  receivedAt: number,
  options: SyslogParseOptions = {},
): SyslogParse {
  origin = null;
  const max = options.maxMessageBytes ?? defaultSyslogMaxMessageBytes;
  const zone = options.zone ?? 'UTC';
  let result: ParsedRecord | SyslogRejectReason;
  if (typeof raw === 'string') {
    // A JavaScript string is UTF-16: at most three UTF-8 bytes a unit, so most need no byte count.
    if (raw.length * 3 > max && Buffer.byteLength(raw) > max) {
      const buf = Buffer.from(raw);
      result = parseBytes(buf, 0, trimmedEnd(buf, 0, buf.length), max, receivedAt, zone);
    } else result = parseText(raw, false, false, receivedAt, zone);
  } else {
    const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    result = parseBytes(buf, 0, trimmedEnd(buf, 0, buf.length), max, receivedAt, zone);
  }
  return typeof result === 'string' ? { ok: false, reason: result } : { ok: true, record: result };
}

/** Where a listener's record came from: set for parseSyslogFrame, null for parseSyslogMessage. */
let origin: { source: LogSource; peer: string | null } | null = null;

/**
 * The listener's entry: `buf[start, end)` straight to a whole record (source and peer filled), or the reason it
 * was refused — no wrapper object and no copy per message, the path every datagram and frame takes.
 */
export function parseSyslogFrame(
  buf: Buffer,
  start: number,
  end: number,
  receivedAt: number,
  options: Required<SyslogParseOptions>,
  source: LogSource,
  peer: string | null,
): LogRecordInput | SyslogRejectReason {
  origin = { source, peer };
  const result = parseBytes(
    buf,
    start,
    trimmedEnd(buf, start, end),
    options.maxMessageBytes,
    receivedAt,
    options.zone,
  );
  origin = null;
  return result as LogRecordInput | SyslogRejectReason;
}

type ParsedRecord = Omit<LogRecordInput, 'source' | 'peer'>;

/** One record literal for every path, so the objects share one shape (and the listener's carry source and peer). */
function makeRecord(
  time: number,
  receivedAt: number,
  host: string | null,
  app: string | null,
  procId: string | null,
  msgId: string | null,
  severity: Severity,
  facility: number,
  message: string,
  structuredData: StructuredData | null,
  truncated: boolean,
): ParsedRecord {
  if (origin)
    return {
      time,
      receivedAt,
      host,
      app,
      procId,
      msgId,
      severity,
      facility,
      message,
      structuredData,
      source: origin.source,
      peer: origin.peer,
      truncated,
    } as LogRecordInput;
  return {
    time,
    receivedAt,
    host,
    app,
    procId,
    msgId,
    severity,
    facility,
    message,
    structuredData,
    truncated,
  };
}

/** The end of a message without its trailing LF, CR and NUL bytes (framing some senders leave in). */
function trimmedEnd(buf: Buffer, start: number, end: number): number {
  while (end > start) {
    const b = buf[end - 1];
    if (b !== 10 && b !== 13 && b !== 0) break;
    end--;
  }
  return end;
}

function parseBytes(
  buf: Buffer,
  start: number,
  end: number,
  max: number,
  receivedAt: number,
  zone: string,
): ParsedRecord | SyslogRejectReason {
  let truncated = false;
  if (end - start > max) {
    // Cut before a continuation byte (10xxxxxx), so no character is split.
    end = start + max;
    while (end > start && (buf[end] & 0xc0) === 0x80) end--;
    truncated = true;
  }
  return parseText(buf.toString('utf8', start, end), truncated, true, receivedAt, zone);
}

/**
 * True when the text has a control character other than TAB, LF, VT, FF, CR and ESC (colour codes are common in
 * logs), or U+FFFD, what an invalid UTF-8 sequence decodes to: then it is looked at closer.
 */
function suspicious(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 32) {
      if (c < 9 || (c > 13 && c !== 27)) return true;
    } else if (c === 127 || c === 0xfffd) return true;
  }
  return false;
}

function parseText(
  s: string,
  truncated: boolean,
  fromBytes: boolean,
  receivedAt: number,
  zone: string,
): ParsedRecord | SyslogRejectReason {
  let end = s.length;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c !== 10 && c !== 13 && c !== 0) break;
    end--;
  }
  if (end === 0) return 'empty';

  let pos = 0;
  let pri = 13; // RFC 3164 §4.3.3: no PRI means user.notice
  let hasPri = false;
  if (s.charCodeAt(0) === 60 /* < */) {
    let value = 0;
    let i = 1;
    while (i < end && i <= 4) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
      i++;
    }
    if (i === 1 || i > 4 || s.charCodeAt(i) !== 62 /* > */ || value > 191) return 'invalid_pri';
    pri = value;
    hasPri = true;
    pos = i + 1;
  }
  if (suspicious(s, pos, end)) {
    const verdict = inspectCharacters(s, pos, end, fromBytes);
    if (verdict) return verdict;
  }
  let first = pos;
  while (first < end && (s.charCodeAt(first) === 32 || s.charCodeAt(first) === 9)) first++;
  if (first >= end) return 'empty';

  const severity = (pri & 7) as Severity;
  const facility = pri >> 3;
  if (hasPri) {
    // RFC 5424: VERSION (1–3 digits) and a space right after the PRI; an RFC 3164 header has a letter or a year.
    let j = pos;
    while (j < end && j - pos < 3) {
      const c = s.charCodeAt(j);
      if (c < 48 || c > 57) break;
      j++;
    }
    if (j > pos && s.charCodeAt(pos) !== 48 && s.charCodeAt(j) === 32)
      return parse5424(s, j + 1, end, severity, facility, truncated, receivedAt, zone);
  }
  return parse3164(s, pos, end, hasPri, severity, facility, truncated, receivedAt, zone);
}

/** Tells binary garbage and text in another encoding from text with a stray control character. */
function inspectCharacters(
  s: string,
  start: number,
  end: number,
  fromBytes: boolean,
): SyslogRejectReason | null {
  let controls = 0;
  let replacements = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return 'binary';
    if ((c < 32 && c !== 9 && c !== 10 && c !== 11 && c !== 12 && c !== 13 && c !== 27) || c === 127)
      controls++;
    else if (c === 0xfffd) replacements++;
  }
  const length = end - start;
  if (controls * 8 > length) return 'binary';
  // A string handed in as text has no invalid UTF-8: its U+FFFD are the writer's own.
  if (fromBytes && replacements * 4 > length) return 'not_utf8';
  return null;
}

/** A field cut to its limit, never between the halves of a surrogate pair. */
function cut(value: string, limit: number): string {
  if (value.length <= limit) return value;
  const c = value.charCodeAt(limit - 1);
  return value.slice(0, c >= 0xd800 && c <= 0xdbff ? limit - 1 : limit);
}

/** Where headerToken goes on from: a module variable, not a closure or an object per field (hot path). */
let cursor = 0;

function headerToken(s: string, end: number): string | null {
  const pos = cursor;
  if (pos >= end) return null;
  let stop = s.indexOf(' ', pos);
  if (stop < 0 || stop > end) stop = end;
  cursor = stop + 1;
  if (stop === pos || (stop === pos + 1 && s.charCodeAt(pos) === 45)) return null;
  return s.slice(pos, stop);
}

function parse5424(
  s: string,
  start: number,
  end: number,
  severity: Severity,
  facility: number,
  truncated: boolean,
  receivedAt: number,
  zone: string,
): ParsedRecord | SyslogRejectReason {
  // The header's fields are single tokens; one that a short message leaves out is NILVALUE.
  cursor = start;
  const timestamp = headerToken(s, end);
  const host = headerToken(s, end);
  const app = headerToken(s, end);
  const procId = headerToken(s, end);
  const msgId = headerToken(s, end);
  let pos = cursor;
  // An unreadable timestamp is not worth losing the record for: it takes the time it was received.
  const time = timestamp === null ? Number.NaN : parseIsoTime(timestamp, 0, timestamp.length, zone);

  let structuredData: StructuredData | null = null;
  let message = '';
  if (pos < end) {
    const c = s.charCodeAt(pos);
    if (c === 45 /* - */ && (pos + 1 >= end || s.charCodeAt(pos + 1) === 32)) {
      pos += 2;
    } else if (c === 91 /* [ */) {
      const sd = parseStructuredData(s, pos, end);
      if (sd) {
        structuredData = sd.data;
        if (sd.cut) truncated = true;
        pos = sd.end < end && s.charCodeAt(sd.end) === 32 ? sd.end + 1 : sd.end;
      }
      // Malformed structured data stays in the message: nothing is dropped for a bad bracket.
    }
    if (pos < end) {
      message = s.slice(pos, end);
      if (message.charCodeAt(0) === 0xfeff) message = message.slice(1); // RFC 5424 §6.4: the BOM marks UTF-8
    }
  }
  return makeRecord(
    Number.isNaN(time) ? receivedAt : time,
    receivedAt,
    host === null ? null : cut(host, logFieldLimits.hostChars),
    app === null ? null : cut(app, logFieldLimits.appChars),
    procId === null ? null : cut(procId, logFieldLimits.procIdChars),
    msgId === null ? null : cut(msgId, logFieldLimits.msgIdChars),
    severity,
    facility,
    message,
    structuredData,
    truncated,
  );
}

/** Sets a key on a plain object, `__proto__` included (a sender may name a parameter anything). */
function setKey<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** RFC 5424 §6.3: `[id name="value" …]…`; inside a value `\"`, `\\` and `\]` are escapes, any other `\` is kept. */
function parseStructuredData(
  s: string,
  start: number,
  end: number,
): { data: StructuredData; end: number; cut: boolean } | null {
  const data: StructuredData = {};
  let pos = start;
  let sourceChars = 0;
  while (pos < end && s.charCodeAt(pos) === 91 /* [ */) {
    pos++;
    const idStart = pos;
    while (pos < end) {
      const c = s.charCodeAt(pos);
      if (c === 32 || c === 93 || c === 61 || c === 34) break;
      pos++;
    }
    if (pos === idStart || pos >= end) return null;
    const id = s.slice(idStart, pos);
    const params: Record<string, string> = Object.hasOwn(data, id) ? data[id] : {};
    while (pos < end && s.charCodeAt(pos) === 32) {
      pos++;
      const nameStart = pos;
      while (pos < end) {
        const c = s.charCodeAt(pos);
        if (c === 61 || c === 32 || c === 93 || c === 34) break;
        pos++;
      }
      if (pos === nameStart || s.charCodeAt(pos) !== 61 || s.charCodeAt(pos + 1) !== 34) return null;
      const name = s.slice(nameStart, pos);
      pos += 2;
      let value = '';
      let from = pos;
      for (;;) {
        if (pos >= end) return null;
        const c = s.charCodeAt(pos);
        if (c === 34) break;
        if (c === 92 /* \ */ && pos + 1 < end) {
          const next = s.charCodeAt(pos + 1);
          if (next === 34 || next === 92 || next === 93) {
            value += s.slice(from, pos);
            from = pos + 1;
            pos += 2;
            continue;
          }
        }
        pos++;
      }
      value += s.slice(from, pos);
      pos++;
      setKey(params, name, value);
    }
    if (pos >= end || s.charCodeAt(pos) !== 93) return null;
    pos++;
    setKey(data, id, params);
  }
  sourceChars = pos - start;
  // The stored size is bounded as JSON; escapes may make the JSON longer than the source, so measure when close.
  let cutAny = false;
  if (sourceChars * 2 > logFieldLimits.structuredDataBytes) {
    const ids = Object.keys(data);
    while (ids.length > 0 && Buffer.byteLength(JSON.stringify(data)) > logFieldLimits.structuredDataBytes) {
      delete data[ids.pop()!];
      cutAny = true;
    }
  }
  return { data, end: pos, cut: cutAny };
}

function digits(s: string, pos: number, count: number): number {
  let value = 0;
  for (let i = pos; i < pos + count; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    value = value * 10 + (c - 48);
  }
  return value;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Epoch ms of a wall time in `zone` (UTC by default); NaN when the fields are out of range. */
function wallTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  ms: number,
  zone: string,
): number {
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysIn(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 60
  )
    return Number.NaN;
  if (zone !== 'UTC') {
    const t = DateTime.fromObject(
      { year, month, day, hour, minute, second: Math.min(second, 59), millisecond: ms },
      { zone },
    );
    return t.isValid ? t.toMillis() : Number.NaN;
  }
  const t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (year >= 100) return t;
  // Date.UTC reads years 0–99 as 1900–1999.
  const d = new Date(t);
  d.setUTCFullYear(year);
  return d.getTime();
}

/**
 * RFC 3339 as RFC 5424 §6.2.3 has it (`2026-11-30T08:00:00.123456+01:00`, `Z`), from `start` to `end`; fractions
 * past milliseconds are dropped; no offset means `zone`. NaN when it is not one.
 */
function parseIsoTime(s: string, start: number, end: number, zone: string): number {
  if (end - start < 19) return Number.NaN;
  const year = digits(s, start, 4);
  const month = digits(s, start + 5, 2);
  const day = digits(s, start + 8, 2);
  const hour = digits(s, start + 11, 2);
  const minute = digits(s, start + 14, 2);
  const second = digits(s, start + 17, 2);
  const t = s.charCodeAt(start + 10);
  if (
    year < 0 ||
    month < 0 ||
    day < 0 ||
    hour < 0 ||
    minute < 0 ||
    second < 0 ||
    s.charCodeAt(start + 4) !== 45 ||
    s.charCodeAt(start + 7) !== 45 ||
    (t !== 84 && t !== 116) ||
    s.charCodeAt(start + 13) !== 58 ||
    s.charCodeAt(start + 16) !== 58
  )
    return Number.NaN;
  let pos = start + 19;
  let ms = 0;
  if (pos < end && s.charCodeAt(pos) === 46 /* . */) {
    pos++;
    let scale = 100;
    const fracStart = pos;
    while (pos < end) {
      const c = s.charCodeAt(pos);
      if (c < 48 || c > 57) break;
      if (scale >= 1) ms += (c - 48) * scale;
      scale /= 10;
      pos++;
    }
    if (pos === fracStart) return Number.NaN;
  }
  if (pos === end) return wallTime(year, month, day, hour, minute, second, ms, zone);
  const z = s.charCodeAt(pos);
  let offsetMinutes = 0;
  if (z === 90 || z === 122) {
    if (pos + 1 !== end) return Number.NaN;
  } else if ((z === 43 || z === 45) && end - pos === 6 && s.charCodeAt(pos + 3) === 58) {
    const oh = digits(s, pos + 1, 2);
    const om = digits(s, pos + 4, 2);
    if (oh < 0 || om < 0 || oh > 23 || om > 59) return Number.NaN;
    offsetMinutes = (oh * 60 + om) * (z === 45 ? -1 : 1);
  } else return Number.NaN;
  const utc = wallTime(year, month, day, hour, minute, second, ms, 'UTC');
  return utc - offsetMinutes * 60_000;
}

/** The UTC year of the last instant asked, and the span it covers: one Date per year, not per message. */
let yearCache = { from: 0, to: -1, year: 1970 };

/** The year of an instant in `zone`. */
function yearAt(ms: number, zone: string): number {
  if (zone !== 'UTC') return DateTime.fromMillis(ms, { zone }).year;
  if (ms >= yearCache.from && ms < yearCache.to) return yearCache.year;
  const year = new Date(ms).getUTCFullYear();
  yearCache = { from: Date.UTC(year, 0, 1), to: Date.UTC(year + 1, 0, 1), year };
  return year;
}

/** The month (1–12) of an English three-letter abbreviation at `pos`, or 0. */
function monthAt(s: string, pos: number): number {
  const a = s.charCodeAt(pos);
  const b = s.charCodeAt(pos + 1);
  const c = s.charCodeAt(pos + 2);
  switch (a) {
    case 74: // J
      if (b === 97 && c === 110) return 1; // Jan
      if (b === 117 && c === 110) return 6; // Jun
      return b === 117 && c === 108 ? 7 : 0; // Jul
    case 70: // F
      return b === 101 && c === 98 ? 2 : 0;
    case 77: // M
      if (b === 97 && c === 114) return 3; // Mar
      return b === 97 && c === 121 ? 5 : 0; // May
    case 65: // A
      if (b === 112 && c === 114) return 4; // Apr
      return b === 117 && c === 103 ? 8 : 0; // Aug
    case 83: // S
      return b === 101 && c === 112 ? 9 : 0;
    case 79: // O
      return b === 99 && c === 116 ? 10 : 0;
    case 78: // N
      return b === 111 && c === 118 ? 11 : 0;
    case 68: // D
      return b === 101 && c === 99 ? 12 : 0;
    default:
      return 0;
  }
}

/**
 * RFC 3164's `Mmm dd hh:mm:ss` (day space-padded or not; also `Mmm dd yyyy hh:mm:ss`, fractions, and Cisco's
 * trailing colon) at `pos`: the time, with `cursor` set where the header goes on; NaN when it is not one.
 */
function parseBsdTime(s: string, pos: number, end: number, receivedAt: number, zone: string): number {
  if (end - pos < 14 || s.charCodeAt(pos + 3) !== 32) return Number.NaN;
  const month = monthAt(s, pos);
  if (month === 0) return Number.NaN;
  let p = pos + 4;
  if (s.charCodeAt(p) === 32) p++; // `Nov  3`: a space-padded day
  const d1 = digits(s, p, 1);
  if (d1 < 0) return Number.NaN;
  let day = d1;
  p++;
  const d2 = digits(s, p, 1);
  if (d2 >= 0) {
    day = d1 * 10 + d2;
    p++;
  }
  if (s.charCodeAt(p) !== 32) return Number.NaN;
  p++;
  let year = -1;
  if (s.charCodeAt(p + 4) === 32 && digits(s, p, 4) >= 0) {
    year = digits(s, p, 4);
    p += 5;
  }
  if (end - p < 8 || s.charCodeAt(p + 2) !== 58 || s.charCodeAt(p + 5) !== 58) return Number.NaN;
  const hour = digits(s, p, 2);
  const minute = digits(s, p + 3, 2);
  const second = digits(s, p + 6, 2);
  if (hour < 0 || minute < 0 || second < 0) return Number.NaN;
  p += 8;
  let ms = 0;
  if (s.charCodeAt(p) === 46) {
    let scale = 100;
    p++;
    while (p < end) {
      const c = s.charCodeAt(p);
      if (c < 48 || c > 57) break;
      if (scale >= 1) ms += (c - 48) * scale;
      scale /= 10;
      p++;
    }
  }
  if (s.charCodeAt(p) === 58) p++; // Cisco: `Nov 30 08:00:00.123:`
  if (p < end && s.charCodeAt(p) !== 32) return Number.NaN;
  cursor = p + 1;
  if (year >= 0) return wallTime(year, month, day, hour, minute, second, ms, zone);
  // RFC 3164 omits the year: take the receiver's. A date more than a day ahead of the receiver is last year's
  // (New Year: `Dec 31 23:59:59` read at 00:00:30); a January date read on 31 December is next year's.
  const now = yearAt(receivedAt, zone);
  const limit = receivedAt + dayMs;
  if (month === 1) {
    const next = wallTime(now + 1, month, day, hour, minute, second, ms, zone);
    if (next <= limit) return next;
  }
  const time = wallTime(now, month, day, hour, minute, second, ms, zone);
  if (time <= limit) return time;
  const last = wallTime(now - 1, month, day, hour, minute, second, ms, zone);
  // 29 February of no nearby leap year: the time it was received.
  return Number.isNaN(last) ? (Number.isNaN(time) ? receivedAt : time) : last;
}

/** Host name characters (and IPv4/IPv6 literals, `%` zones, `@`): a token with others is not a host. */
function isHostToken(s: string, start: number, stop: number): boolean {
  for (let i = start; i < stop; i++) {
    const c = s.charCodeAt(i);
    if (
      !(
        (c >= 97 && c <= 122) ||
        (c >= 65 && c <= 90) ||
        (c >= 48 && c <= 58) ||
        c === 46 ||
        c === 45 ||
        c === 95 ||
        c === 37 ||
        c === 64
      )
    )
      return false;
  }
  return true;
}

/** What readTag found (module variables, not an object per message: hot path). */
let tagApp = '';
let tagProcId: string | null = null;

/**
 * A 3164 TAG as the token `s[start, stop)`: `name:`, `name[pid]:` or `name[pid]` (RFC 3164 §5.3 and practice).
 * After a host, `bare` also takes a plain `name`: RFC 3164 §4.1.3 ends the TAG at the first character that
 * cannot be in it, a space too, and rsyslog forwards RFC 5424 messages as `host app msg`, without the colon.
 * Sets tagApp and tagProcId.
 */
function readTag(s: string, start: number, stop: number, bare: boolean): boolean {
  const last = s.charCodeAt(stop - 1);
  let bodyEnd: number;
  if (last === 58 /* : */) bodyEnd = stop - 1;
  else if (last === 93 /* ] */ || bare) bodyEnd = stop;
  else return false;
  if (bodyEnd === start || bodyEnd - start > 160) return false;
  let open = -1;
  for (let i = start; i < bodyEnd; i++) {
    const c = s.charCodeAt(i);
    if (c === 91 /* [ */) {
      if (open >= 0 || i === start) return false;
      open = i;
    } else if (c === 93 /* ] */) {
      if (open < 0 || i !== bodyEnd - 1) return false;
    } else if (open < 0 && !isTagChar(c)) return false;
  }
  if (open < 0) {
    if (bodyEnd - start > 48 && last !== 58) return false;
    tagApp = s.slice(start, bodyEnd);
    tagProcId = null;
    return true;
  }
  if (s.charCodeAt(bodyEnd - 1) !== 93) return false;
  tagApp = s.slice(start, open);
  tagProcId = bodyEnd - 1 > open + 1 ? s.slice(open + 1, bodyEnd - 1) : null;
  return true;
}

/** Program-name characters: letters, digits, `_ - . / ( ) @ % + #` (postfix/smtpd, sshd(pam_unix), %ASA-6). */
function isTagChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 45 ||
    c === 46 ||
    c === 47 ||
    c === 40 ||
    c === 41 ||
    c === 64 ||
    c === 37 ||
    c === 43 ||
    c === 35 ||
    c > 127
  );
}

/** The end of the token at `pos` (its next space, or `end`). */
function tokenEnd(s: string, pos: number, end: number): number {
  const stop = s.indexOf(' ', pos);
  return stop < 0 || stop > end ? end : stop;
}

function parse3164(
  s: string,
  start: number,
  end: number,
  hasPri: boolean,
  severity: Severity,
  facility: number,
  truncated: boolean,
  receivedAt: number,
  zone: string,
): ParsedRecord | SyslogRejectReason {
  let pos = start;
  while (pos < end && s.charCodeAt(pos) === 32) pos++;
  let time = Number.NaN;
  const c = s.charCodeAt(pos);
  if (c >= 65 && c <= 90) {
    time = parseBsdTime(s, pos, end, receivedAt, zone);
    if (!Number.isNaN(time)) pos = cursor;
  } else if (c >= 48 && c <= 57) {
    // An ISO time in the 3164 position: rsyslog's RFC3339 templates (RSYSLOG_ForwardFormat).
    const stop = tokenEnd(s, pos, end);
    time = parseIsoTime(s, pos, stop, zone);
    if (!Number.isNaN(time)) pos = stop + 1;
  }
  const stamped = !Number.isNaN(time);

  let host: string | null = null;
  let app: string | null = null;
  let procId: string | null = null;
  // Without a PRI or a timestamp this is not a syslog header (RFC 3164 §4.3.3): the whole line is the message.
  if ((hasPri || stamped) && pos < end) {
    const stop = tokenEnd(s, pos, end);
    if (stop > pos) {
      if (readTag(s, pos, stop, false)) {
        // `<13>Nov 30 08:00:00 sshd[12]: …`: no host, the token is the tag.
        app = tagApp;
        procId = tagProcId;
        pos = stop + 1;
      } else if (stamped && isHostToken(s, pos, stop)) {
        host = s.slice(pos, stop);
        pos = stop + 1;
        if (pos < end) {
          const stop2 = tokenEnd(s, pos, end);
          if (stop2 > pos && readTag(s, pos, stop2, true)) {
            app = tagApp;
            procId = tagProcId;
            pos = stop2 + 1;
          }
        }
      }
    }
  }
  return makeRecord(
    stamped ? time : receivedAt,
    receivedAt,
    host === null ? null : cut(host, logFieldLimits.hostChars),
    app === null ? null : cut(app, logFieldLimits.appChars),
    procId === null ? null : cut(procId, logFieldLimits.procIdChars),
    null,
    severity,
    facility,
    pos < end ? s.slice(pos, end) : '',
    null,
    truncated,
  );
}

/** The parts of a record that RFC 5424 carries: what `formatRfc5424` writes and `parseSyslogMessage` reads back. */
export type Rfc5424Fields = Pick<
  LogRecordInput,
  'time' | 'host' | 'app' | 'procId' | 'msgId' | 'severity' | 'facility' | 'message' | 'structuredData'
>;

function escapeParam(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/**
 * A record as an RFC 5424 message (no framing). `offsetMinutes` writes the time in that offset (default `Z`);
 * `bom` puts the UTF-8 BOM before the message, as §6.4 asks of UTF-8 messages.
 */
export function formatRfc5424(
  record: Rfc5424Fields,
  options: { offsetMinutes?: number; bom?: boolean } = {},
): string {
  const offset = options.offsetMinutes ?? 0;
  let timestamp: string;
  if (offset === 0) timestamp = new Date(record.time).toISOString();
  else {
    const local = new Date(record.time + offset * 60_000).toISOString().slice(0, -1);
    const abs = Math.abs(offset);
    const hh = String(Math.floor(abs / 60)).padStart(2, '0');
    const mm = String(abs % 60).padStart(2, '0');
    timestamp = `${local}${offset < 0 ? '-' : '+'}${hh}:${mm}`;
  }
  let sd = '-';
  if (record.structuredData && Object.keys(record.structuredData).length > 0) {
    sd = '';
    for (const [id, params] of Object.entries(record.structuredData)) {
      sd += `[${id}`;
      for (const [name, value] of Object.entries(params)) sd += ` ${name}="${escapeParam(value)}"`;
      sd += ']';
    }
  }
  const head = `<${record.facility * 8 + record.severity}>1 ${timestamp} ${record.host ?? '-'} ${record.app ?? '-'} ${record.procId ?? '-'} ${record.msgId ?? '-'} ${sd}`;
  if (record.message === '') return head;
  return `${head} ${options.bom ? '\ufeff' : ''}${record.message}`;
}
