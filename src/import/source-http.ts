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

/**
 * GET a URL; statuses are the caller's to judge, except 401/403, which always mean wrong credentials. Through
 * node:http(s) and its keep-alive agent rather than fetch: an import makes two requests per ticket, and fetch
 * spends several times the CPU per request (a third of an import's time went to it).
 */
export async function sourceGet(url: string, headers: Record<string, string>): Promise<SourceResponse> {
  const target = new URL(url);
  let res: { status: number; headers: Headers; body: Buffer };
  try {
    res = await new Promise((resolve, reject) => {
      const get = target.protocol === 'https:' ? https.get : http.get;
      const req = get(target, { headers, timeout: timeoutMs }, (incoming) => {
        const parts: Buffer[] = [];
        incoming.on('data', (d: Buffer) => parts.push(d));
        incoming.on('error', reject);
        incoming.on('end', () => {
          const h = new Headers();
          for (const [k, v] of Object.entries(incoming.headers))
            if (v !== undefined) h.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve({ status: incoming.statusCode ?? 0, headers: h, body: Buffer.concat(parts) });
        });
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
    });
  } catch (err) {
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

  id(o: Record<string, unknown>, key: string): string {
    const v = o[key];
    if (typeof v === 'number' && Number.isInteger(v)) return String(v);
    if (typeof v === 'string' && /^\d+$/.test(v)) return v;
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

/** An HTML body as plain text: block ends become line breaks, inline images a [image: name] mark. */
export function htmlToText(html: string, imageName: (src: string) => string | null = () => null): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<img\b[^>]*?src="([^"]*)"[^>]*>/gi, (_m, src: string) => {
      const name = imageName(src);
      return name ? `[image: ${name}]` : '[image]';
    })
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6]|blockquote)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#')
        return String.fromCodePoint(
          e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)),
        );
      return entities[e.toLowerCase()] ?? m;
    })
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
