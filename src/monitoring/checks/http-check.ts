// The HTTP(S) probe: one request per hop over node:http(s) (no pooled connection, so each run measures connect,
// TLS and response as a user's first request would), redirects followed by hand (a count, a limit, the method
// rules of RFC 9110 §15.4, credentials dropped across origins as fetch does), a body read to at most 1 MB, then
// status, keyword, JSON field and latency judged in that order. Latency is to the end of the (capped) body.
import http from 'node:http';
import https from 'node:https';
import type { TLSSocket } from 'node:tls';
import zlib from 'node:zlib';
import type { CheckMetric, CheckResult, CheckRunOptions, HttpCheckSpec } from '../check-model.js';
import { parseStatusRange } from './check-specs.js';
import { describeNetworkError } from './network-errors.js';
import { startDeadline } from './probe-deadline.js';

/** The most of a response body a probe reads; the rest is never downloaded (keyword and JSON look at this much). */
export const httpBodyLimitBytes = 1024 * 1024;
const defaultMaxRedirects = 10;
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
const credentialHeaders = new Set(['authorization', 'proxy-authorization', 'cookie']);

interface HopResponse {
  status: number;
  location: string | undefined;
  body: Buffer;
  /** Bytes of the (decoded) body read, at most httpBodyLimitBytes. */
  bytesRead: number;
  truncated: boolean;
  /** Epoch seconds of the server certificate's notAfter (https only). */
  certNotAfter: number | null;
}

class ProbeFailure extends Error {}

export async function runHttpCheck(spec: HttpCheckSpec, options: CheckRunOptions): Promise<CheckResult> {
  const deadline = startDeadline(options);
  const metrics: CheckMetric[] = [];
  const fail = (message: string): CheckResult => ({
    ok: false,
    latencyMs: deadline.elapsedMs(),
    message,
    metrics,
  });
  try {
    const follow = spec.followRedirects ?? true;
    const maxRedirects = spec.maxRedirects ?? defaultMaxRedirects;
    let url = new URL(spec.url);
    let method: string = spec.method ?? 'GET';
    let body = method === 'POST' ? spec.body : undefined;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(spec.headers ?? {})) headers[k.toLowerCase()] = v;
    headers['user-agent'] ??= 'opsdesk-monitor/1';
    headers['accept-encoding'] ??= 'gzip, deflate, br';
    const readBody = method !== 'HEAD' && (spec.keyword !== undefined || spec.jsonPath !== undefined);
    let redirects = 0;
    let response: HopResponse;
    for (;;) {
      response = await requestHop(
        url,
        method,
        headers,
        body,
        spec.verifyTls ?? true,
        readBody,
        deadline.signal,
      );
      if (!follow || !redirectStatuses.has(response.status) || response.location === undefined) break;
      if (redirects >= maxRedirects) {
        metrics.push({ name: 'probe_http_redirects', value: redirects });
        return fail(`more than ${maxRedirects} redirects (last to ${response.location})`);
      }
      redirects++;
      let next: URL;
      try {
        next = new URL(response.location, url);
      } catch {
        return fail(`HTTP ${response.status} redirects to an invalid URL: ${response.location}`);
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:')
        return fail(`HTTP ${response.status} redirects to a non-HTTP URL: ${next.protocol}`);
      // 303 always, and 301/302 after a POST, continue as GET without a body (RFC 9110 §15.4, as browsers do).
      if (
        (response.status === 303 && method !== 'HEAD') ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
        delete headers['content-length'];
      }
      if (next.origin !== url.origin) for (const h of credentialHeaders) delete headers[h];
      url = next;
    }
    const latencyMs = deadline.elapsedMs();
    metrics.push(
      { name: 'probe_http_status_code', value: response.status },
      { name: 'probe_http_redirects', value: redirects },
      { name: 'probe_http_content_length', value: response.bytesRead },
    );
    if (response.certNotAfter !== null)
      metrics.push({ name: 'probe_ssl_earliest_cert_expiry', value: response.certNotAfter });
    const verdict = judge(spec, response);
    if (!verdict.ok) return { ok: false, latencyMs, message: verdict.message, metrics };
    if (spec.maxLatencyMs !== undefined && latencyMs > spec.maxLatencyMs) {
      const message = `HTTP ${response.status} in ${Math.round(latencyMs)} ms, slower than ${spec.maxLatencyMs} ms`;
      return { ok: false, latencyMs, message, metrics };
    }
    return { ok: true, latencyMs, message: verdict.message, metrics };
  } catch (err) {
    if (deadline.signal.aborted) return fail(deadline.reason());
    if (err instanceof ProbeFailure) return fail(err.message);
    return fail(describeNetworkError(err));
  } finally {
    deadline.done();
  }
}

function judge(spec: HttpCheckSpec, res: HopResponse): { ok: boolean; message: string } {
  const ranges = (spec.expectStatus ?? ['200-399']).map(parseStatusRange).filter((r) => r !== null);
  if (!ranges.some(([from, to]) => res.status >= from && res.status <= to)) {
    return {
      ok: false,
      message: `HTTP ${res.status}, expected ${(spec.expectStatus ?? ['200-399']).join(', ')}`,
    };
  }
  const text = spec.keyword !== undefined || spec.jsonPath !== undefined ? res.body.toString('utf8') : '';
  const cut = res.truncated ? ` (in the first ${httpBodyLimitBytes / 1024 / 1024} MB)` : '';
  if (spec.keyword !== undefined) {
    const found = text.includes(spec.keyword);
    if (spec.keywordAbsent && found)
      return { ok: false, message: `HTTP ${res.status}, but the body contains "${short(spec.keyword)}"` };
    if (!spec.keywordAbsent && !found)
      return {
        ok: false,
        message: `HTTP ${res.status}, but "${short(spec.keyword)}" is not in the body${cut}`,
      };
  }
  if (spec.jsonPath !== undefined) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      return {
        ok: false,
        message: res.truncated
          ? `HTTP ${res.status}, but the body is larger than ${httpBodyLimitBytes / 1024 / 1024} MB: no JSON to read`
          : `HTTP ${res.status}, but the body is not JSON (${(err as Error).message})`,
      };
    }
    const found = readJsonPath(doc, spec.jsonPath);
    if (!found.present)
      return { ok: false, message: `HTTP ${res.status}, but the JSON has no ${spec.jsonPath}` };
    const actual = jsonText(found.value);
    if (spec.jsonEquals !== undefined && actual !== spec.jsonEquals)
      return {
        ok: false,
        message: `HTTP ${res.status}, but ${spec.jsonPath} is ${short(actual)}, expected ${short(spec.jsonEquals)}`,
      };
  }
  return { ok: true, message: `HTTP ${res.status}` };
}

function short(s: string): string {
  const line = s.replace(/\s+/g, ' ');
  return line.length > 80 ? `${line.slice(0, 77)}…` : line;
}

/** A JSON value as text for comparison: strings as they are, everything else as JSON ("true", "3", "null"). */
export function jsonText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Follow "a.b[0].c" (or "a.b.0.c") into a parsed document. */
export function readJsonPath(doc: unknown, path: string): { present: boolean; value?: unknown } {
  const segments: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) return { present: false };
    if (m[1] !== '') segments.push(m[1] as string);
    for (const idx of (m[2] as string).matchAll(/\[(\d+)\]/g)) segments.push(Number(idx[1]));
  }
  let cur: unknown = doc;
  for (const seg of segments) {
    if (Array.isArray(cur)) {
      const i = typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : Number.NaN;
      if (!(i < cur.length)) return { present: false };
      cur = cur[i];
    } else if (
      typeof cur === 'object' &&
      cur !== null &&
      typeof seg === 'string' &&
      Object.hasOwn(cur, seg)
    ) {
      cur = (cur as Record<string, unknown>)[seg];
    } else return { present: false };
  }
  return { present: true, value: cur };
}

function requestHop(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  verifyTls: boolean,
  readBody: boolean,
  signal: AbortSignal,
): Promise<HopResponse> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    const hopHeaders = { ...headers };
    if (body !== undefined) hopHeaders['content-length'] = String(Buffer.byteLength(body));
    const req = client.request(url, {
      method,
      headers: hopHeaders,
      // A fresh connection per run: a kept-alive socket would hide connect and TLS time, and a dead server.
      agent: false,
      rejectUnauthorized: verifyTls,
      signal,
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      let certNotAfter: number | null = null;
      const socket = res.socket as TLSSocket;
      if (typeof socket.getPeerCertificate === 'function') {
        const cert = socket.getPeerCertificate();
        if (cert?.valid_to) certNotAfter = Math.floor(Date.parse(cert.valid_to) / 1000);
      }
      const location = res.headers.location;
      const redirect = redirectStatuses.has(status) && location !== undefined;
      // A body nobody looks at is still read (and dropped) up to the limit, so latency covers the transfer.
      readCapped(res, readBody && !redirect && method !== 'HEAD').then(
        (read) => resolve({ status, location, certNotAfter, ...read }),
        reject,
      );
    });
    req.end(body);
  });
}

/** Read a response body, decoded, to at most httpBodyLimitBytes; keep the bytes only when asked. */
function readCapped(
  res: http.IncomingMessage,
  keep: boolean,
): Promise<{ body: Buffer; bytesRead: number; truncated: boolean }> {
  return new Promise((resolve, reject) => {
    const status = res.statusCode ?? 0;
    const encoding = String(res.headers['content-encoding'] ?? 'identity').toLowerCase();
    let source: NodeJS.ReadableStream = res;
    if (encoding === 'gzip' || encoding === 'x-gzip') source = res.pipe(zlib.createGunzip());
    else if (encoding === 'deflate') source = res.pipe(zlib.createInflate());
    else if (encoding === 'br') source = res.pipe(zlib.createBrotliDecompress());
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (truncated: boolean) => {
      if (settled) return;
      settled = true;
      resolve({ body: keep ? Buffer.concat(chunks) : Buffer.alloc(0), bytesRead: size, truncated });
      // Stop the download: what is past the limit is never read.
      if (truncated) res.destroy();
    };
    const failWith = (err: Error) => {
      if (settled) return;
      settled = true;
      reject(err);
    };
    source.on('data', (chunk: Buffer) => {
      if (settled) return;
      // A body of exactly the limit is whole; one byte more is truncated.
      const room = httpBodyLimitBytes - size;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (keep) chunks.push(kept);
      size += kept.length;
      if (chunk.length > room) finish(true);
    });
    source.on('end', () => finish(false));
    res.on('error', failWith);
    res.on('close', () => {
      if (!res.complete) failWith(new ProbeFailure(`HTTP ${status}, but the connection closed in the body`));
    });
    if (source !== res)
      source.on('error', (err: Error) =>
        failWith(new ProbeFailure(`HTTP ${status}, but the ${encoding} body is malformed (${err.message})`)),
      );
  });
}
