// The service's log settings (pino JSON lines): what must never reach a log is taken out before a line is written —
// credentials in headers and in logged objects (pino's redact), and the secrets some URLs carry (a heartbeat's or an
// inventory agent's token in the path, a calendar feed's, approval link's or sign-in callback's in the query).
// `opsdesk serve` gives these options to its logger and to the HTTP app's; test/core/logging.test.ts proves them.
import type { LoggerOptions } from 'pino';

/** Where a secret sits in a logged object: replaced by "[redacted]" (pino's redact, fast-redact paths). */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'authorization',
  'password',
  'token',
  'secret',
  'clientSecret',
  'bindPassword',
  '*.authorization',
  '*.password',
  '*.token',
  '*.secret',
  '*.clientSecret',
  '*.bindPassword',
];

/** Query parameters that carry a secret (feed and link tokens, OAuth codes, SAML responses). */
const secretQueryParams =
  /^(?:token|access_token|id_token|refresh_token|code|state|secret|password|key|api_?key|signature|sig|samlresponse|samlrequest)$/i;

/** Paths whose last segment is a secret: a heartbeat's token, an inventory agent's token. */
const secretPathSegments = [/^(\/api\/v1\/heartbeats\/)[^/?#]+/, /^(\/api\/v1\/inventory\/fusion\/)[^/?#]+/];

/** A request URL as it may be logged: the secrets of its path and query replaced by ***. */
export function maskUrlSecrets(url: string): string {
  const q = url.indexOf('?');
  let path = q < 0 ? url : url.slice(0, q);
  for (const pattern of secretPathSegments) path = path.replace(pattern, '$1***');
  if (q < 0) return path;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // A malformed escape: judged as written.
      }
      return eq >= 0 && secretQueryParams.test(decoded) ? `${name}=***` : pair;
    })
    .join('&');
  return `${path}?${query}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  headers?: Record<string, unknown>;
  params?: unknown;
  socket?: { remotePort?: number };
}

/**
 * Fastify's request serialiser with the URL masked: the known secret paths and queries, and the value of any route
 * parameter whose name says it is a token, a secret or a key.
 */
function serializeRequest(req: LoggedRequest): Record<string, unknown> {
  let url = maskUrlSecrets(req.url ?? '');
  if (req.params && typeof req.params === 'object')
    for (const [name, value] of Object.entries(req.params as Record<string, unknown>))
      if (/token|secret|key/i.test(name) && typeof value === 'string' && value.length > 0)
        url = url.split(value).join('***');
  return {
    method: req.method,
    url,
    version: req.headers?.['accept-version'],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/** The options of every logger the service makes (its own and the HTTP app's). */
export function serviceLoggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: { req: serializeRequest },
  };
}
