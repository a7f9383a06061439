// The JSON-bodies target: the real app (buildApp over a fresh SQLite file) takes each input as a request — its first
// line names the route ("POST /api/v1/tickets"), the rest is the body, sent as application/json to Fastify's
// parser and the route's schema and domain call. A 5xx is a crash; a 4xx must be problem+json with a catalogued
// code. Its own file, so that only its worker loads the app and a database.
import { errorCatalogue } from '../../src/core/errors.js';
import { makeApp } from '../support/context.js';
import { userSession } from '../support/http.js';
import type { FuzzTarget } from './targets.js';

/**
 * The routes fuzzed, as a corpus file's first line names them (a content type after the path where the route takes
 * another than application/json); `:ticket` is a ticket the target made.
 */
export const jsonRoutes = [
  'POST /api/v1/tickets',
  'PATCH /api/v1/tickets/:ticket',
  'POST /api/v1/tickets/:ticket/comments',
  'POST /api/v1/tickets/:ticket/links',
  'POST /api/v1/articles',
  'POST /api/v1/articles/preview',
  'POST /api/v1/assets',
  'POST /api/v1/monitoring/rules',
  'POST /api/v1/monitoring/rules/preview',
  'POST /api/v1/monitoring/maintenance-windows',
  'POST /api/v1/monitoring/silences',
  'POST /api/v1/sla/calendars',
  'POST /api/v1/alertmanager/api/v2/alerts',
  'POST /api/v1/incidents/events',
  'POST /api/v1/automation/rules',
  'POST /api/v1/auth/login',
  'POST /api/v1/logs',
  'POST /api/v1/logs application/x-ndjson',
] as const;

const catalogued = new Set(Object.keys(errorCatalogue));

function routeOf(line: string): string {
  const known = jsonRoutes.find((r) => r === line.trim());
  if (known) return known;
  let hash = 0;
  for (let i = 0; i < line.length; i++) hash = (hash * 31 + line.charCodeAt(i)) >>> 0;
  return jsonRoutes[hash % jsonRoutes.length] as string;
}

export const jsonBodies: FuzzTarget = {
  name: 'json-bodies',
  what: 'JSON request bodies through the real app (Fastify parser, schemas, domain), one of 18 routes per input',
  // Fastify's default body limit.
  maxBytes: 1_048_576,
  tokens: [
    '{',
    '}',
    '[',
    ']',
    '"',
    '":',
    ',',
    'null',
    'true',
    '1e309',
    '-0',
    '"__proto__":',
    '"constructor":{"prototype":',
    '\\u0000',
    '\\ud800',
    '"title":',
    '"body":',
    '"name":',
    '"query":',
    '"expr":',
    '"rrule":',
    '"matchers":',
    '"labels":',
    '"startsAt":',
    '"2026-02-30T25:00:00Z"',
    '"PT4H"',
    '\n',
  ],
  async open() {
    const t = await makeApp('sqlite');
    const admin = await userSession(t.app, t.ctx, 'admin');
    const ticket = await admin.call('POST', '/api/v1/tickets', { title: 'Fuzz target', description: 'x' });
    if (ticket.status !== 201) throw new Error(`the fuzz ticket was not made: ${ticket.status}`);
    return {
      async run(input) {
        const text = input.toString('utf8');
        const cut = text.indexOf('\n');
        const route = routeOf(cut >= 0 ? text.slice(0, cut) : text);
        const body = cut >= 0 ? text.slice(cut + 1) : '';
        const [method, path, type = 'application/json'] = route.split(' ') as [
          'POST' | 'PATCH',
          string,
          string?,
        ];
        const res = await t.app.inject({
          method,
          url: path.replace(':ticket', String(ticket.body.id)),
          payload: body,
          headers: { authorization: `Bearer ${admin.token}`, 'content-type': type },
        });
        if (res.statusCode >= 500)
          throw new Error(`${route} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
        if (res.statusCode < 400) return `ok:${route}`;
        if (!String(res.headers['content-type']).includes('application/problem+json'))
          throw new Error(`invariant broken: ${route} answered ${res.statusCode} without problem+json`);
        const code = (JSON.parse(res.body) as { code?: string }).code ?? '';
        if (!catalogued.has(code))
          throw new Error(`invariant broken: ${route} answered the uncatalogued code ${code}`);
        return `rejected:${code}`;
      },
      close: () => t.close(),
    };
  },
};
