// The HTTP side of an import source: JSON and file GETs with the source's credentials, a bounded wait, and a
// failure that names what went wrong (unreachable, refused, not JSON) instead of a stack trace.
import http from 'node:http';
import https from 'node:https';
import { ImportFailed } from './import-source.js';

export interface SourceResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

const timeoutMs = 60_000;
/** The longest a whole answer may take, however steadily it trickles in (the timeout above is per silence). */
const deadlineMs = 10 * 60_000;
/** The largest JSON answer read: a page of a list, a ticket's articles. A larger one is not an answer we can use. */
export const jsonMaxBytes = 64 * 1024 * 1024;

/**
 * GET a URL; statuses are the caller's to judge, except 401/403, which always mean wrong credentials. Through
 * node:http(s) and its keep-alive agent rather than fetch: an import makes two requests per ticket, and fetch
 * spends several times the CPU per request (a third of an import's time went to it). An answer larger than
 * `maxBytes` fails as malformed, one that takes longer than the deadline as unreachable.
 */
export async function sourceGet(
  url: string,
  headers: Record<string, string>,
  maxBytes = jsonMaxBytes,
): Promise<SourceResponse> {
  const target = new URL(url);
  let res: { status: number; headers: Headers; body: Buffer };
  // Set before the request is destroyed: the response's own "aborted" error may arrive before ours.
  let tooLarge = false;
  const stop = (req: http.ClientRequest) => {
    tooLarge = true;
    req.destroy(new Error('the answer is too large'));
  };
  try {
    res = await new Promise((resolve, reject) => {
      const get = target.protocol === 'https:' ? https.get : http.get;
      const req = get(target, { headers, timeout: timeoutMs }, (incoming) => {
        const declared = Number(incoming.headers['content-length']);
        if (Number.isFinite(declared) && declared > maxBytes) {
          stop(req);
          return;
        }
        const parts: Buffer[] = [];
        let size = 0;
        incoming.on('data', (d: Buffer) => {
          size += d.length;
          if (size > maxBytes) stop(req);
          else if (!tooLarge) parts.push(d);
        });
        incoming.on('error', reject);
        incoming.on('end', () => {
          if (tooLarge) return reject(new Error('the answer is too large'));
          const h = new Headers();
          for (const [k, v] of Object.entries(incoming.headers))
            if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve({ status: incoming.statusCode ?? 0, headers: h, body: Buffer.concat(parts) });
        });
      });
      const deadline = setTimeout(
        () => req.destroy(Object.assign(new Error('took too long'), { code: 'EDEADLINE' })),
        deadlineMs,
      );
      deadline.unref();
      req.on('close', () => clearTimeout(deadline));
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
    });
  } catch (err) {
    if (tooLarge)
      throw new ImportFailed('malformed', `${target.pathname} answered more than ${maxBytes} bytes`);
    const why = (err as { code?: string }).code ?? (err as Error).message;
    throw new ImportFailed('unreachable', `cannot reach ${target.origin} (${why})`);
  }
  if (res.status === 401 || res.status === 403)
    throw new ImportFailed(
      'refused',
      `${target.origin} refused the credentials (HTTP ${res.status}): check the token`,
    );
  return res;
}

/**
 * A file's bytes: 200 is the file; a status saying it is not there (404, 410) or an answer over the limit fails as
 * malformed (the writer reports that file and goes on); any other status as unreachable (the import stops, and
 * a later run continues).
 */
export async function sourceFile(
  url: string,
  headers: Record<string, string>,
  maxBytes: number,
  what: string,
): Promise<Buffer> {
  const res = await sourceGet(url, headers, maxBytes);
  if (res.status === 200) return res.body;
  throw new ImportFailed(
    res.status === 404 || res.status === 410 ? 'malformed' : 'unreachable',
    `${what}: HTTP ${res.status}`,
  );
}

/**
 * Stops a paged list that does not move on. A page whose items (by their id) were all read before is the
 * server ignoring the page or range asked for: it would be served again forever, so the list fails instead.
 * Items without an id count as new (their shape fails them where they are read).
 */
export class PageGuard {
  private readonly seen = new Set<string>();

  constructor(private readonly where: string) {}

  check(items: unknown[], page: string): void {
    let fresh = 0;
    for (const raw of items) {
      const id =
        typeof raw === 'object' && raw !== null && !Array.isArray(raw)
          ? (raw as Record<string, unknown>).id
          : undefined;
      if (typeof id !== 'number' && typeof id !== 'string') {
        fresh++;
        continue;
      }
      const key = String(id).slice(0, 100);
      if (!this.seen.has(key)) {
        this.seen.add(key);
        fresh++;
      }
    }
    if (items.length > 0 && fresh === 0)
      throw new ImportFailed(
        'malformed',
        `${this.where} ${page} repeats only items already read: the server does not move on to the next page`,
      );
  }
}

/** GET JSON; anything but 200 with a JSON body is a failure naming the path. */
export async function sourceJson(url: string, headers: Record<string, string>): Promise<unknown> {
  const res = await sourceGet(url, headers);
  const where = new URL(url).pathname;
  if (res.status < 200 || res.status > 299)
    throw new ImportFailed(
      res.status === 404 ? 'malformed' : 'unreachable',
      `${where} answered HTTP ${res.status}${res.status === 404 ? ': is this the right address?' : ''}`,
    );
  try {
    return JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new ImportFailed('malformed', `${where} did not answer JSON (${res.body.length} bytes)`);
  }
}

/**
 * Run `work` on every item, at most `limit` at a time, keeping the order of the results. The first failure stops
 * the lanes from starting more (an import that failed does not go on reading the rest of the page behind it).
 */
export async function mapLimited<T, R>(
  items: T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const lanes = Array.from({ length: Math.min(Math.max(1, limit), items.length) }, async () => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        out[i] = await work(items[i]);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  });
  await Promise.all(lanes);
  return out;
}

/** Read a field the way the importer needs it, or fail naming the path and field. */
export class Shape {
  constructor(private readonly where: string) {}

  fail(what: string): never {
    throw new ImportFailed('malformed', `${this.where}: ${what}`);
  }

  object(v: unknown, name: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(`${name} is not an object`);
    return v as Record<string, unknown>;
  }

  array(v: unknown, name: string): unknown[] {
    if (!Array.isArray(v)) this.fail(`${name} is not a list`);
    return v;
  }

  /** An id as the source's database keeps one: a whole number of at most 20 digits (not 1e308, not a page of 9s). */
  id(o: Record<string, unknown>, key: string): string {
    const v = o[key];
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
    if (typeof v === 'string' && /^\d{1,20}$/.test(v)) return v;
    return this.fail(`${key} is not an id (${JSON.stringify(v)?.slice(0, 40)})`);
  }

  optionalId(o: Record<string, unknown>, key: string): string | null {
    const v = o[key];
    if (v === null || v === undefined || v === 0 || v === '0') return null;
    return this.id(o, key);
  }

  text(o: Record<string, unknown>, key: string): string {
    const v = o[key];
    if (v === null || v === undefined) return '';
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return this.fail(`${key} is not text`);
  }

  /** A time as ISO 8601 or "YYYY-MM-DD HH:MM:SS" (taken as UTC), to epoch ms; null when empty. */
  time(o: Record<string, unknown>, key: string): number | null {
    const v = o[key];
    if (v === null || v === undefined || v === '') return null;
    if (typeof v !== 'string') return this.fail(`${key} is not a time`);
    const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?$/.test(v) ? `${v.replace(' ', 'T')}Z` : v;
    const ms = Date.parse(iso);
    if (Number.isNaN(ms)) return this.fail(`${key} is not a time (${v.slice(0, 40)})`);
    return ms;
  }
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** A numeric character reference as HTML reads it: NUL, a surrogate or past U+10FFFF is U+FFFD. */
function codePoint(n: number): string {
  if (!Number.isInteger(n) || n <= 0 || n > 0x10ffff || (n >= 0xd800 && n <= 0xdfff)) return '\ufffd';
  return String.fromCodePoint(n);
}

/**
 * Drop <script> and <style> elements with their content; an unclosed one runs to the end, as a browser reads it.
 * Each closing tag is looked for once from where its element opened: a lazy regex would rescan the rest of a
 * long body for every opening tag (quadratic on hostile input).
 */
function dropScripts(html: string): string {
  const open = /<(script|style)\b[^<>]*>/gi;
  let out = '';
  let from = 0;
  for (;;) {
    open.lastIndex = from;
    const m = open.exec(html);
    if (!m) return out + html.slice(from);
    out += html.slice(from, m.index);
    const close = new RegExp(`</${m[1]}\\s*>`, 'gi');
    close.lastIndex = open.lastIndex;
    const end = close.exec(html);
    if (!end) return out;
    from = close.lastIndex;
  }
}

/** Spaces and tabs at the ends of lines go, and runs of blank lines become one (without backtracking regexes). */
function tidyLines(text: string): string {
  const lines = text.split('\n').map((line) => {
    let end = line.length;
    while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
    return line.slice(0, end);
  });
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * An HTML body as plain text: block ends become line breaks, inline images a [image: name] mark. Linear in the
 * body's length: every pattern stops at the next < or > (a body of a million "<" once took minutes).
 */
export function htmlToText(html: string, imageName: (src: string) => string | null = () => null): string {
  return tidyLines(
    dropScripts(html)
      .replace(/<img\b[^<>]*>/gi, (tag) => {
        const src = /\bsrc\s*=\s*"([^"]*)"/i.exec(tag)?.[1];
        const name = src === undefined ? null : imageName(src);
        return name ? `[image: ${name}]` : '[image]';
      })
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(p|div|li|tr|h[1-6]|blockquote)\s*>/gi, '\n')
      .replace(/<[^<>]+>/g, '')
      .replace(/&(#\d{1,8}|#x[0-9a-f]{1,8}|[a-z]{1,10});/gi, (m, e: string) => {
        if (e[0] === '#')
          return codePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
        return Object.hasOwn(entities, e.toLowerCase()) ? entities[e.toLowerCase()] : m;
      }),
  );
}
