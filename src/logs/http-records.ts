// Log records sent over HTTP (POST /api/v1/logs) by scripts and agents: JSON lines or a JSON array of
// {time?, host?, app?, procId?, msgId?, severity?, facility?, message, structuredData?}. Each line is judged on its
// own: a bad one is refused with its line number and a counted reason, the valid rest is stored (and the append
// resolves only once they are committed).
import type { Actor } from '../core/auth/index.js';
import { defineLocalCache } from '../core/cache-versions.js';
import type { ServiceContext } from '../core/context.js';
import { Invalid } from '../core/errors.js';
import {
  facilityNames,
  type LogRecordInput,
  logFieldLimits,
  type Severity,
  type StructuredData,
  severityNames,
} from './log-model.js';
import { logIngest } from './log-store.js';
import { requireLogs } from './permissions.js';

export const httpLogLimits = {
  /** Request body bytes at most (the route's body limit). */
  bodyBytes: 5 * 1_048_576,
  /** Lines (records) per request at most; a longer upload is refused whole. */
  lines: 10_000,
  /** Refused lines named in the answer at most (all are counted). */
  rejectedListed: 100,
} as const;

export type HttpLineRejectReason =
  | 'invalid_json'
  | 'not_an_object'
  | 'message_missing'
  | 'invalid_time'
  | 'invalid_severity'
  | 'invalid_facility'
  | 'invalid_field'
  | 'invalid_structured_data'
  | 'nul_character';

/** Refusals of whole uploads, counted beside the lines'. */
export type HttpPayloadRejectReason = 'payload_too_large' | 'unsupported_content_type' | 'too_many_lines';

export interface HttpLogResult {
  accepted: number;
  rejectedCount: number;
  rejected: { line: number; reason: HttpLineRejectReason }[];
}

const counters = defineLocalCache('log_http_ingest_counts', () => ({
  accepted: 0,
  rejected: new Map<string, number>(),
}));

/** What HTTP ingest accepted and refused (by reason), since start: for /metrics. */
export function httpLogIngestStats(ctx: ServiceContext): {
  accepted: number;
  rejected: Record<string, number>;
} {
  const c = ctx.caches.local(counters);
  return { accepted: c.accepted, rejected: Object.fromEntries(c.rejected) };
}

export function countHttpLogRefusal(
  ctx: ServiceContext,
  reason: HttpLineRejectReason | HttpPayloadRejectReason,
): void {
  const map = ctx.caches.local(counters).rejected;
  map.set(reason, (map.get(reason) ?? 0) + 1);
}

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** The longest prefix of `text` that fits `bytes` in UTF-8 (never splitting a character). */
function cutToBytes(text: string, bytes: number): string {
  const buf = Buffer.from(text);
  if (buf.length <= bytes) return text;
  let end = bytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the character that does not fit.
  while (end > 0 && ((buf[end] as number) & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString();
}

function optionalText(value: unknown, chars: number): string | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') return undefined;
  const t = value.trim();
  return t ? t.slice(0, chars) : null;
}

function readSeverity(value: unknown): Severity | null {
  if (value === undefined || value === null) return 6;
  if (typeof value === 'number')
    return Number.isInteger(value) && value >= 0 && value <= 7 ? (value as Severity) : null;
  if (typeof value !== 'string') return null;
  const t = value.trim().toLowerCase();
  const name =
    t === 'error'
      ? 'err'
      : t === 'warn'
        ? 'warning'
        : t === 'emergency'
          ? 'emerg'
          : t === 'critical'
            ? 'crit'
            : t;
  const i = (severityNames as readonly string[]).indexOf(name);
  if (i >= 0) return i as Severity;
  return /^[0-7]$/.test(t) ? (Number(t) as Severity) : null;
}

function readFacility(value: unknown): number | null {
  if (value === undefined || value === null) return 1;
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= 23 ? value : null;
  if (typeof value !== 'string') return null;
  const i = (facilityNames as readonly string[]).indexOf(value.trim().toLowerCase());
  return i >= 0 ? i : null;
}

function readStructuredData(value: unknown): StructuredData | null | undefined {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: StructuredData = {};
  for (const [id, params] of Object.entries(value as Record<string, unknown>)) {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) return undefined;
    const p: Record<string, string> = {};
    for (const [k, v] of Object.entries(params as Record<string, unknown>)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') return undefined;
      p[k] = String(v);
    }
    out[id] = p;
  }
  if (Buffer.byteLength(JSON.stringify(out)) > logFieldLimits.structuredDataBytes) return undefined;
  return out;
}

function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 4 || value === null || typeof value !== 'object') return false;
  for (const [k, v] of Object.entries(value)) if (k.includes('\u0000') || hasNul(v, depth + 1)) return true;
  return false;
}

/** One line's value as a record, or the reason it is refused. */
export function readHttpLogLine(
  value: unknown,
  context: { now: number; peer: string; maxMessageBytes: number },
): { ok: true; record: LogRecordInput } | { ok: false; reason: HttpLineRejectReason } {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reason: 'not_an_object' };
  const v = value as Record<string, unknown>;
  if (typeof v.message !== 'string' || v.message.length === 0)
    return { ok: false, reason: 'message_missing' };
  if (hasNul(v)) return { ok: false, reason: 'nul_character' };
  let time = context.now;
  if (v.time !== undefined && v.time !== null) {
    if (typeof v.time === 'number' && Number.isSafeInteger(v.time) && v.time >= 0) time = v.time;
    else if (typeof v.time === 'string' && isoTime.test(v.time) && Number.isFinite(Date.parse(v.time)))
      time = Date.parse(v.time);
    else return { ok: false, reason: 'invalid_time' };
  }
  const severity = readSeverity(v.severity);
  if (severity === null) return { ok: false, reason: 'invalid_severity' };
  const facility = readFacility(v.facility);
  if (facility === null) return { ok: false, reason: 'invalid_facility' };
  const host = optionalText(v.host, logFieldLimits.hostChars);
  const app = optionalText(v.app, logFieldLimits.appChars);
  const procId = optionalText(v.procId, logFieldLimits.procIdChars);
  const msgId = optionalText(v.msgId, logFieldLimits.msgIdChars);
  if (host === undefined || app === undefined || procId === undefined || msgId === undefined)
    return { ok: false, reason: 'invalid_field' };
  const structuredData = readStructuredData(v.structuredData);
  if (structuredData === undefined) return { ok: false, reason: 'invalid_structured_data' };
  const message = cutToBytes(v.message, context.maxMessageBytes);
  return {
    ok: true,
    record: {
      time,
      receivedAt: context.now,
      host,
      app,
      procId,
      msgId,
      severity,
      facility,
      message,
      structuredData,
      source: 'http',
      peer: context.peer,
      truncated: message.length !== v.message.length,
    },
  };
}

/** The body's lines: a JSON array's items, or the non-empty lines of JSON lines (1-based numbers). */
function linesOf(body: unknown): { line: number; value: unknown; unreadable?: true }[] {
  if (Array.isArray(body)) return body.map((value, i) => ({ line: i + 1, value }));
  if (typeof body !== 'string') return [{ line: 1, value: body }];
  const out: { line: number; value: unknown; unreadable?: true }[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = (lines[i] as string).trim();
    if (!text) continue;
    try {
      out.push({ line: i + 1, value: JSON.parse(text) });
    } catch {
      out.push({ line: i + 1, value: null, unreadable: true });
    }
  }
  return out;
}

/**
 * Store the valid lines of an upload (a JSON array, or JSON lines as text) and say which were refused. Refused
 * whole: more lines than the limit, or no valid line at all (log_lines_refused, each line named).
 */
export async function receiveHttpLogs(
  ctx: ServiceContext,
  actor: Actor,
  body: unknown,
): Promise<HttpLogResult> {
  requireLogs(actor, 'logs.write');
  const lines = linesOf(body);
  if (lines.length > httpLogLimits.lines) {
    countHttpLogRefusal(ctx, 'too_many_lines');
    throw new Invalid('validation_failed', `At most ${httpLogLimits.lines} lines per upload.`, [
      { field: '/', message: `at most ${httpLogLimits.lines} lines` },
    ]);
  }
  const now = ctx.clock.now();
  const context = { now, peer: `user:${actor.id}`, maxMessageBytes: ctx.config.syslogMaxMessageBytes };
  const records: LogRecordInput[] = [];
  const rejected: { line: number; reason: HttpLineRejectReason }[] = [];
  for (const l of lines) {
    const read = l.unreadable
      ? ({ ok: false, reason: 'invalid_json' } as const)
      : readHttpLogLine(l.value, context);
    if (read.ok) records.push(read.record);
    else {
      rejected.push({ line: l.line, reason: read.reason });
      countHttpLogRefusal(ctx, read.reason);
    }
  }
  if (records.length === 0) {
    const named = rejected.slice(0, httpLogLimits.rejectedListed);
    throw new Invalid(
      'log_lines_refused',
      lines.length === 0 ? 'The upload holds no lines.' : `No line was valid (${rejected.length} refused).`,
      lines.length === 0
        ? [{ field: '/', message: 'no lines' }]
        : named.map((r) => ({ field: `/line/${r.line}`, message: r.reason })),
    );
  }
  await logIngest(ctx).append(records);
  ctx.caches.local(counters).accepted += records.length;
  return {
    accepted: records.length,
    rejectedCount: rejected.length,
    rejected: rejected.slice(0, httpLogLimits.rejectedListed),
  };
}
