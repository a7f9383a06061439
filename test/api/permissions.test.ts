// The route × role × ownership table: every route the app registers, called by every role, answers as the
// permissions promise. The routes come from Fastify itself (an onRoute hook while the app is built), so a new
// route without a row fails here. Expected outcomes are derived from the domains' policy functions (and, where a
// rule has no function, from the README), evaluated on a cast whose relations mirror the fixture: requester A
// ("owner") owns the ticket, requester B ("otherRequester") does not and must not learn it exists (404).
// "ok" means any 2xx.
import diagnostics from 'node:diagnostics_channel';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance, InjectOptions, RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AssetAction, canAsset } from '../../src/assets/index.js';
import { canChanges } from '../../src/changes/index.js';
import { type Actor, canAccounts, createUser } from '../../src/core/auth/index.js';
import type { ArticleAudience, ArticleStatus } from '../../src/core/db/index.js';
import {
  canApproval,
  canAutomation,
  canCatalog,
  canMacros,
  canTicket,
  mayUseRequestType,
  type TicketAction,
} from '../../src/helpdesk/index.js';
import { canKnowledge, canReadArticle, type KnowledgeAction } from '../../src/knowledge/index.js';
import { canLogs } from '../../src/logs/index.js';
import { canMail } from '../../src/mail/index.js';
import { canMonitor, defaultRoutingDocument } from '../../src/monitoring/index.js';
import { canManageDeliveries } from '../../src/notify/index.js';
import { canOncall } from '../../src/oncall/index.js';
import { canProblem, type ProblemAction } from '../../src/problems/index.js';
import { canProposal } from '../../src/proposals/index.js';
import { canSeeDashboard } from '../../src/reports/dashboard.js';
import { canSla, type SlaAction } from '../../src/sla/index.js';
import { canStaffing } from '../../src/technicians/index.js';
import { canVendors } from '../../src/vendors/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { signIn } from '../support/http.js';

type SignedIn = 'owner' | 'otherRequester' | 'technician' | 'manager' | 'admin';
type Who = 'anonymous' | SignedIn;
type Outcome = 'ok' | number;
type Expect = Record<Who, Outcome>;
type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

const whos: Who[] = ['anonymous', 'owner', 'otherRequester', 'technician', 'manager', 'admin'];
const signedInWhos = whos.filter((w): w is SignedIn => w !== 'anonymous');

// ---- the promise, evaluated on a cast ------------------------------------------------------------------

function castActor(id: number, role: Actor['role']): Actor {
  return { id, email: `${id}@cast`, name: String(id), role, groupIds: [], via: 'bearer', csrfToken: null };
}
const cast: Record<SignedIn, Actor> = {
  owner: castActor(1, 'requester'),
  otherRequester: castActor(2, 'requester'),
  technician: castActor(3, 'technician'),
  manager: castActor(4, 'manager'),
  admin: castActor(5, 'admin'),
};
/** The ticket of the fixture, as the policy sees it: requester A's. */
const ownersTicket = { requester_id: cast.owner.id };
/** A user who is none of the callers. */
const bystanderId = 6;

/** Signed-in callers the rule allows get `allowed`, the others `denied`; anonymous callers get 401. */
function byRule(rule: (a: Actor) => boolean, denied: Outcome = 403, allowed: Outcome = 'ok'): Expect {
  const e = { anonymous: 401 } as Expect;
  for (const who of signedInWhos) e[who] = rule(cast[who]) ? allowed : denied;
  return e;
}
const signedIn = byRule(() => true);
const everyone = (answer: Outcome = 'ok'): Expect =>
  Object.fromEntries(whos.map((w) => [w, answer])) as Expect;

/** On requester A's ticket: hidden (404) from who may not read it, then the action's own rule (403). */
function onTicket(action: TicketAction): Expect {
  const e = byRule((a) => canTicket(a, action, ownersTicket));
  for (const who of signedInWhos) if (!canTicket(cast[who], 'ticket.read', ownersTicket)) e[who] = 404;
  return e;
}
/** On an article of this audience and status: hidden (404) from who may not read it, then the rule (403). */
function onArticle(
  audience: ArticleAudience,
  status: ArticleStatus,
  rule: (a: Actor) => boolean,
  allowed: Outcome = 'ok',
): Expect {
  const e = byRule(rule, 403, allowed);
  for (const who of signedInWhos) if (!canReadArticle(cast[who], { audience, status })) e[who] = 404;
  return e;
}
const sla = (action: SlaAction, allowed: Outcome = 'ok') => byRule((a) => canSla(a, action), 403, allowed);
const accounts = (
  action: Parameters<typeof canAccounts>[1],
  denied: Outcome = 403,
  allowed: Outcome = 'ok',
) => byRule((a) => canAccounts(a, action), denied, allowed);
const mail = (allowed: Outcome = 'ok') => byRule((a) => canMail(a, 'mail.manage'), 403, allowed);

// ---- the table -----------------------------------------------------------------------------------------

interface Fixture {
  app: FastifyInstance;
  ids: Record<SignedIn | 'bystander', number>;
  tokens: Record<SignedIn, string>;
  bystanderTokenId: number;
  password: string;
  ticketId: number;
  attachmentId: number;
  groupId: number;
  categoryId: number;
  calendarId: number;
  policyId: number;
  webhookId: number;
}

interface Request {
  method: Method;
  url: string;
  body?: unknown;
  file?: { name: string; type: string; content: string };
}

interface Row {
  /** The registered route: method and URL pattern, as Fastify has it. */
  route: `${Method} /${string}`;
  /** Which case of the route, where ownership or the body changes the answer. */
  case?: string;
  /** The request for one caller; it may first create what that caller acts on. */
  call: (f: Fixture, who: Who) => Request | Promise<Request>;
  expect: Expect;
  /** How to read the answer when the status alone does not say it (per-item results). */
  outcome?: (status: number, body: unknown) => Outcome;
  /** The call ends the caller's sessions: the table runs it after the others and signs everyone in again. */
  endsSessions?: boolean;
  /** A stream: called over a real port, its status read as soon as the headers arrive. */
  stream?: boolean;
}

let n = 0;
const unique = () => `${Date.now()}-${++n}`;
/** A check rule (no PromQL needed) with a fresh name. */
const checkRuleBody = () => ({
  name: `Rule_${unique().replace('-', '_')}`,
  kind: 'check',
  check: { tags: ['web'], downAfter: 3 },
});

/** Call the API as a signed-in user of the fixture (setup for one row's call). */
async function as(f: Fixture, who: SignedIn, method: Method, url: string, body?: unknown) {
  const res = await f.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${f.tokens[who]}` },
    ...(body !== undefined ? { payload: body as InjectOptions['payload'] } : {}),
  });
  if (res.statusCode >= 300) throw new Error(`setup ${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.statusCode === 204 ? null : res.json();
}

/** A new ticket of requester A's, resolved by the admin: what a requester rates, closes or reopens. */
async function resolvedTicket(f: Fixture): Promise<number> {
  const t = await as(f, 'owner', 'POST', '/api/v1/tickets', { title: 'Resolved one', description: 'x' });
  await as(f, 'admin', 'PATCH', `/api/v1/tickets/${t.id}`, { status: 'resolved' });
  return t.id;
}

/** Another new ticket of requester A's (merge and link rows act on fresh ones). */
async function anotherOwnersTicket(f: Fixture): Promise<number> {
  return (await as(f, 'owner', 'POST', '/api/v1/tickets', { title: 'Another one', description: 'x' })).id;
}

/** An open escalation to the manager, on a new ticket of requester A's. */
async function openEscalation(f: Fixture): Promise<number> {
  const t = await as(f, 'owner', 'POST', '/api/v1/tickets', { title: 'Escalated', description: 'x' });
  const e = await as(f, 'technician', 'POST', `/api/v1/tickets/${t.id}/escalations`, {
    reason: 'Needs a decision',
    to: 'manager',
  });
  return e.id;
}

const ics = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'PRODID:-//test//EN',
  'BEGIN:VEVENT',
  'UID:1',
  'SUMMARY:Holiday',
  'DTSTART;VALUE=DATE:20261225',
  'END:VEVENT',
  'END:VCALENDAR',
].join('\r\n');

const calendarBody = () => ({ name: `Cal ${unique()}`, timeZone: 'Europe/Berlin', alwaysOpen: true });
const policyBody = () => ({ name: `Policy ${unique()}`, targets: { resolution: { minutes: 480 } } });
const matrix = [
  [1, 1, 2, 2, 2],
  [1, 2, 2, 3, 3],
  [2, 2, 3, 4, 4],
  [2, 3, 4, 4, 5],
  [2, 3, 4, 5, 5],
];
const noSuchId = 999_999;
const idpBody = () => ({
  slug: `idp-${unique()}`
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 40),
  displayName: 'Corp SSO',
  issuer: 'https://login.corp.example',
  clientId: 'opsdesk',
  clientSecret: 'secret',
});
const ldapBody = () => ({
  name: `Directory ${unique()}`,
  // Nothing listens on the discard port: a test or sync answers 503 for whoever may reach it.
  url: 'ldap://127.0.0.1:9',
  userBase: 'ou=people,dc=example,dc=org',
  enabled: false,
});
/** A fresh LDAP directory, created by the fixture's admin. */
const ldapDirectory = async (f: Fixture): Promise<number> =>
  (await as(f, 'admin', 'POST', '/api/v1/ldap-directories', ldapBody())).id;
/** A fresh identity provider, created by the fixture's admin. */
const idp = async (f: Fixture): Promise<number> =>
  (await as(f, 'admin', 'POST', '/api/v1/identity-providers', idpBody())).id;

const table: Row[] = [
  // -- system and the API's own description (README: sign-in and the health check are public; /metrics
  // needs no sign-in and is scraped from a trusted network)
  { route: 'GET /api/v1/health', call: () => ({ method: 'GET', url: '/api/v1/health' }), expect: everyone() },
  {
    route: 'GET /api/v1/openapi.json',
    call: () => ({ method: 'GET', url: '/api/v1/openapi.json' }),
    expect: everyone(),
  },
  { route: 'GET /metrics', call: () => ({ method: 'GET', url: '/metrics' }), expect: everyone() },
  {
    route: 'GET /api/v1/settings/priority-matrix',
    call: () => ({ method: 'GET', url: '/api/v1/settings/priority-matrix' }),
    expect: accounts('settings.read'),
  },
  {
    route: 'PUT /api/v1/settings/priority-matrix',
    call: () => ({ method: 'PUT', url: '/api/v1/settings/priority-matrix', body: { matrix } }),
    expect: accounts('settings.manage'),
  },
  {
    route: 'GET /api/v1/settings/organisation-locale',
    call: () => ({ method: 'GET', url: '/api/v1/settings/organisation-locale' }),
    expect: accounts('settings.read'),
  },
  {
    route: 'PUT /api/v1/settings/organisation-locale',
    // As it is by default: the other rows' mail reads as before.
    call: () => ({
      method: 'PUT',
      url: '/api/v1/settings/organisation-locale',
      body: { language: 'en', timeZone: 'UTC' },
    }),
    expect: accounts('settings.manage'),
  },

  // -- sign-in, sessions and API tokens
  {
    route: 'POST /api/v1/auth/login',
    case: 'with the caller’s own credentials (anonymous: a bystander’s)',
    call: (f, who) => ({
      method: 'POST',
      url: '/api/v1/auth/login',
      body: {
        email: `${who === 'anonymous' ? 'bystander' : who.toLowerCase()}@example.test`,
        password: f.password,
      },
    }),
    expect: everyone(),
  },
  {
    route: 'POST /api/v1/auth/password-reset',
    case: 'an unknown link: no sign-in needed, everyone reaches the link check (400 reset_link_invalid)',
    call: (f) => ({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      body: { token: 'not-a-reset-link', password: f.password },
    }),
    expect: everyone(400),
  },
  {
    route: 'GET /api/v1/auth/session',
    call: () => ({ method: 'GET', url: '/api/v1/auth/session' }),
    expect: signedIn,
  },
  {
    route: 'POST /api/v1/auth/logout',
    call: () => ({ method: 'POST', url: '/api/v1/auth/logout' }),
    expect: signedIn,
    endsSessions: true,
  },
  // -- SCIM provisioning: a SCIM token opens /scim/v2, and nothing else does — no user's session or token,
  // whatever the role (test/api/scim.test.ts covers the token itself); SCIM tokens are admins'
  {
    route: 'GET /scim/v2/ServiceProviderConfig',
    call: () => ({ method: 'GET', url: '/scim/v2/ServiceProviderConfig' }),
    expect: everyone(401),
  },
  {
    route: 'GET /scim/v2/ResourceTypes',
    call: () => ({ method: 'GET', url: '/scim/v2/ResourceTypes' }),
    expect: everyone(401),
  },
  {
    route: 'GET /scim/v2/ResourceTypes/:name',
    call: () => ({ method: 'GET', url: '/scim/v2/ResourceTypes/User' }),
    expect: everyone(401),
  },
  {
    route: 'GET /scim/v2/Schemas',
    call: () => ({ method: 'GET', url: '/scim/v2/Schemas' }),
    expect: everyone(401),
  },
  {
    route: 'GET /scim/v2/Schemas/:id',
    call: () => ({ method: 'GET', url: '/scim/v2/Schemas/urn:ietf:params:scim:schemas:core:2.0:User' }),
    expect: everyone(401),
  },
  {
    route: 'GET /scim/v2/Users',
    call: () => ({ method: 'GET', url: '/scim/v2/Users' }),
    expect: everyone(401),
  },
  {
    route: 'POST /scim/v2/Users',
    call: () => ({ method: 'POST', url: '/scim/v2/Users', body: { userName: 'x@example.test' } }),
    expect: everyone(401),
  },
  {
    route: 'GET /scim/v2/Users/:id',
    call: () => ({ method: 'GET', url: '/scim/v2/Users/1' }),
    expect: everyone(401),
  },
  {
    route: 'PUT /scim/v2/Users/:id',
    call: () => ({ method: 'PUT', url: '/scim/v2/Users/1', body: { userName: 'x@example.test' } }),
    expect: everyone(401),
  },
  {
    route: 'PATCH /scim/v2/Users/:id',
    call: () => ({ method: 'PATCH', url: '/scim/v2/Users/1', body: { userName: 'x@example.test' } }),
    expect: everyone(401),
  },
  {
    route: 'DELETE /scim/v2/Users/:id',
    call: () => ({ method: 'DELETE', url: '/scim/v2/Users/1' }),
    expect: everyone(401),
  },
  {
    route: 'GET /scim/v2/Groups',
    call: () => ({ method: 'GET', url: '/scim/v2/Groups' }),
    expect: everyone(401),
  },
  {
    route: 'POST /scim/v2/Groups',
    call: () => ({ method: 'POST', url: '/scim/v2/Groups', body: { userName: 'x@example.test' } }),
    expect: everyone(401),
  },
  {
    route: 'GET /scim/v2/Groups/:id',
    call: () => ({ method: 'GET', url: '/scim/v2/Groups/1' }),
    expect: everyone(401),
  },
  {
    route: 'PUT /scim/v2/Groups/:id',
    call: () => ({ method: 'PUT', url: '/scim/v2/Groups/1', body: { userName: 'x@example.test' } }),
    expect: everyone(401),
  },
  {
    route: 'PATCH /scim/v2/Groups/:id',
    call: () => ({ method: 'PATCH', url: '/scim/v2/Groups/1', body: { userName: 'x@example.test' } }),
    expect: everyone(401),
  },
  {
    route: 'DELETE /scim/v2/Groups/:id',
    call: () => ({ method: 'DELETE', url: '/scim/v2/Groups/1' }),
    expect: everyone(401),
  },
  {
    route: 'GET /scim/v2/*',
    call: () => ({ method: 'GET', url: '/scim/v2/Nothing' }),
    expect: everyone(401),
  },
  {
    route: 'POST /scim/v2/*',
    call: () => ({ method: 'POST', url: '/scim/v2/Nothing', body: { userName: 'x@example.test' } }),
    expect: everyone(401),
  },
  {
    route: 'PUT /scim/v2/*',
    call: () => ({ method: 'PUT', url: '/scim/v2/Nothing', body: { userName: 'x@example.test' } }),
    expect: everyone(401),
  },
  {
    route: 'PATCH /scim/v2/*',
    call: () => ({ method: 'PATCH', url: '/scim/v2/Nothing', body: { userName: 'x@example.test' } }),
    expect: everyone(401),
  },
  {
    route: 'DELETE /scim/v2/*',
    call: () => ({ method: 'DELETE', url: '/scim/v2/Nothing' }),
    expect: everyone(401),
  },
  {
    route: 'GET /api/v1/scim-tokens',
    call: () => ({ method: 'GET', url: '/api/v1/scim-tokens' }),
    expect: accounts('scim.manage'),
  },
  {
    route: 'POST /api/v1/scim-tokens',
    call: () => ({ method: 'POST', url: '/api/v1/scim-tokens', body: { name: 'Entra ID' } }),
    expect: accounts('scim.manage'),
  },
  {
    route: 'DELETE /api/v1/scim-tokens/:id',
    case: 'a token the admin made',
    call: async (f) => ({
      method: 'DELETE',
      url: `/api/v1/scim-tokens/${(await as(f, 'admin', 'POST', '/api/v1/scim-tokens', { name: 'Okta' })).id}`,
    }),
    expect: accounts('scim.manage'),
  },
  // -- single sign-on (the sign-in page's methods and the OIDC flow are public; providers are admins')
  {
    route: 'GET /api/v1/auth/providers',
    call: () => ({ method: 'GET', url: '/api/v1/auth/providers' }),
    expect: everyone(),
  },
  {
    route: 'GET /api/v1/auth/oidc/:slug/start',
    case: 'no such provider: everyone reaches the lookup (404)',
    call: () => ({ method: 'GET', url: '/api/v1/auth/oidc/nobody/start' }),
    expect: everyone(404),
  },
  {
    route: 'GET /api/v1/auth/oidc/:slug/callback',
    case: 'no such provider: everyone reaches the lookup (404)',
    call: () => ({ method: 'GET', url: '/api/v1/auth/oidc/nobody/callback?code=x&state=y' }),
    expect: everyone(404),
  },
  {
    route: 'GET /api/v1/auth/saml/:slug/metadata',
    case: 'no such provider: everyone reaches the lookup (404)',
    call: () => ({ method: 'GET', url: '/api/v1/auth/saml/nobody/metadata' }),
    expect: everyone(404),
  },
  {
    route: 'GET /api/v1/auth/saml/:slug/start',
    case: 'no such provider: everyone reaches the lookup (404)',
    call: () => ({ method: 'GET', url: '/api/v1/auth/saml/nobody/start' }),
    expect: everyone(404),
  },
  {
    route: 'POST /api/v1/auth/saml/:slug/acs',
    case: 'no such provider: everyone reaches the lookup (404), no session or CSRF token needed',
    call: () => ({
      method: 'POST',
      url: '/api/v1/auth/saml/nobody/acs',
      body: { SAMLResponse: 'PHNhbWxwOlJlc3BvbnNlLz4=', RelayState: 'x' },
    }),
    expect: everyone(404),
  },
  {
    route: 'GET /api/v1/identity-providers',
    call: () => ({ method: 'GET', url: '/api/v1/identity-providers' }),
    expect: accounts('settings.manage'),
  },
  {
    route: 'POST /api/v1/identity-providers',
    call: () => ({ method: 'POST', url: '/api/v1/identity-providers', body: idpBody() }),
    expect: accounts('settings.manage'),
  },
  {
    route: 'GET /api/v1/identity-providers/:id',
    call: async (f) => ({ method: 'GET', url: `/api/v1/identity-providers/${await idp(f)}` }),
    expect: accounts('settings.manage'),
  },
  {
    route: 'PATCH /api/v1/identity-providers/:id',
    call: async (f) => ({
      method: 'PATCH',
      url: `/api/v1/identity-providers/${await idp(f)}`,
      body: { displayName: 'Renamed' },
    }),
    expect: accounts('settings.manage'),
  },
  {
    route: 'DELETE /api/v1/identity-providers/:id',
    call: async (f) => ({ method: 'DELETE', url: `/api/v1/identity-providers/${await idp(f)}` }),
    expect: accounts('settings.manage'),
  },
  // -- LDAP directories (admins, as identity providers)
  {
    route: 'GET /api/v1/ldap-directories',
    call: () => ({ method: 'GET', url: '/api/v1/ldap-directories' }),
    expect: accounts('settings.manage'),
  },
  {
    route: 'POST /api/v1/ldap-directories',
    call: () => ({ method: 'POST', url: '/api/v1/ldap-directories', body: ldapBody() }),
    expect: accounts('settings.manage'),
  },
  {
    route: 'GET /api/v1/ldap-directories/:id',
    call: async (f) => ({ method: 'GET', url: `/api/v1/ldap-directories/${await ldapDirectory(f)}` }),
    expect: accounts('settings.manage'),
  },
  {
    route: 'PATCH /api/v1/ldap-directories/:id',
    call: async (f) => ({
      method: 'PATCH',
      url: `/api/v1/ldap-directories/${await ldapDirectory(f)}`,
      body: { syncIntervalMinutes: 30 },
    }),
    expect: accounts('settings.manage'),
  },
  {
    route: 'DELETE /api/v1/ldap-directories/:id',
    call: async (f) => ({ method: 'DELETE', url: `/api/v1/ldap-directories/${await ldapDirectory(f)}` }),
    expect: accounts('settings.manage'),
  },
  {
    route: 'POST /api/v1/ldap-directories/:id/test',
    case: 'the directory cannot be reached: an admin gets 503',
    call: async (f) => ({ method: 'POST', url: `/api/v1/ldap-directories/${await ldapDirectory(f)}/test` }),
    expect: accounts('settings.manage', 403, 503),
  },
  {
    route: 'POST /api/v1/ldap-directories/:id/sync',
    case: 'the directory cannot be reached: an admin gets 503',
    call: async (f) => ({
      method: 'POST',
      url: `/api/v1/ldap-directories/${await ldapDirectory(f)}/sync`,
      body: { dryRun: true },
    }),
    expect: accounts('settings.manage', 403, 503),
  },
  { route: 'GET /api/v1/tokens', call: () => ({ method: 'GET', url: '/api/v1/tokens' }), expect: signedIn },
  {
    route: 'POST /api/v1/tokens',
    call: () => ({ method: 'POST', url: '/api/v1/tokens', body: { name: 'script' } }),
    expect: signedIn,
  },
  {
    route: 'DELETE /api/v1/tokens/:id',
    case: 'the caller’s own token',
    call: async (f, who) => {
      const id =
        who === 'anonymous'
          ? f.bystanderTokenId
          : (await as(f, who, 'POST', '/api/v1/tokens', { name: 'own' })).id;
      return { method: 'DELETE', url: `/api/v1/tokens/${id}` };
    },
    expect: signedIn,
  },
  {
    // Tokens are personal: only an admin may revoke another's (a leaked token), the others do not see it.
    route: 'DELETE /api/v1/tokens/:id',
    case: 'another user’s token',
    call: async (f) => ({ method: 'DELETE', url: `/api/v1/tokens/${f.bystanderTokenId}` }),
    expect: byRule((a) => a.role === 'admin', 404),
  },

  // -- users and groups
  {
    route: 'POST /api/v1/users/import',
    case: 'a preview of one new person',
    call: () => ({
      method: 'POST',
      url: '/api/v1/users/import',
      body: { csv: `email,name\nimp${unique()}@example.test,Imported`, dryRun: true },
    }),
    expect: accounts('user.create'),
  },
  {
    route: 'POST /api/v1/users',
    call: () => ({
      method: 'POST',
      url: '/api/v1/users',
      body: {
        email: `u${unique()}@example.test`,
        name: 'New',
        role: 'requester',
        password: 'long-enough-pw',
      },
    }),
    expect: accounts('user.create'),
  },
  {
    route: 'GET /api/v1/users',
    call: () => ({ method: 'GET', url: '/api/v1/users' }),
    expect: accounts('user.list'),
  },
  {
    route: 'GET /api/v1/users/:id',
    case: 'one’s own account',
    call: (f, who) => ({ method: 'GET', url: `/api/v1/users/${f.ids[who === 'anonymous' ? 'owner' : who]}` }),
    expect: byRule((a) => canAccounts(a, 'user.read', a.id), 404),
  },
  {
    route: 'GET /api/v1/users/:id',
    case: 'another user (a requester does not learn who has an account: 404)',
    call: (f) => ({ method: 'GET', url: `/api/v1/users/${f.ids.bystander}` }),
    expect: byRule((a) => canAccounts(a, 'user.read', bystanderId), 404),
  },
  {
    // README: everyone changes their own name and password; everything else about an account is the admin's.
    route: 'PATCH /api/v1/users/:id',
    case: 'one’s own name',
    call: (f, who) => ({
      method: 'PATCH',
      url: `/api/v1/users/${f.ids[who === 'anonymous' ? 'owner' : who]}`,
      body: { name: `Renamed ${who}` },
    }),
    expect: signedIn,
  },
  {
    route: 'PATCH /api/v1/users/:id',
    case: 'one’s own language and time zone',
    call: (f, who) => ({
      method: 'PATCH',
      url: `/api/v1/users/${f.ids[who === 'anonymous' ? 'owner' : who]}`,
      body: { language: 'de', timeZone: 'Europe/Berlin' },
    }),
    expect: signedIn,
  },
  {
    route: 'PATCH /api/v1/users/:id',
    case: 'one’s own password (with the current one)',
    call: (f, who) => ({
      method: 'PATCH',
      url: `/api/v1/users/${f.ids[who === 'anonymous' ? 'owner' : who]}`,
      body: { password: f.password, currentPassword: f.password },
    }),
    expect: signedIn,
    endsSessions: true,
  },
  {
    route: 'PATCH /api/v1/users/:id',
    case: 'another user',
    call: (f) => ({ method: 'PATCH', url: `/api/v1/users/${f.ids.bystander}`, body: { name: 'Renamed' } }),
    expect: accounts('user.update'),
  },
  {
    route: 'POST /api/v1/users/:id/password-reset',
    call: (f) => ({
      method: 'POST',
      url: `/api/v1/users/${f.ids.bystander}/password-reset`,
      body: { keepApiTokens: true },
    }),
    expect: accounts('user.update'),
  },
  {
    route: 'GET /api/v1/groups',
    call: () => ({ method: 'GET', url: '/api/v1/groups' }),
    expect: accounts('group.list'),
  },
  {
    route: 'GET /api/v1/groups/:id',
    call: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.groupId}` }),
    expect: accounts('group.list'),
  },
  {
    route: 'POST /api/v1/groups',
    call: () => ({ method: 'POST', url: '/api/v1/groups', body: { name: `G ${unique()}` } }),
    expect: accounts('group.manage'),
  },
  {
    route: 'PATCH /api/v1/groups/:id',
    call: (f) => ({ method: 'PATCH', url: `/api/v1/groups/${f.groupId}`, body: { description: 'x' } }),
    expect: accounts('group.manage'),
  },

  // -- tickets and their conversation
  { route: 'GET /api/v1/tickets', call: () => ({ method: 'GET', url: '/api/v1/tickets' }), expect: signedIn },
  {
    route: 'GET /api/v1/tickets',
    case: "a problem's incidents (problemId=)",
    call: async (f) => {
      const p = await as(f, 'admin', 'POST', '/api/v1/problems', { title: `Problem ${unique()}` });
      return { method: 'GET', url: `/api/v1/tickets?problemId=${p.id}` };
    },
    expect: byRule((a) => canProblem(a, 'problem.read')),
  },
  {
    route: 'POST /api/v1/tickets',
    case: 'for oneself',
    call: () => ({
      method: 'POST',
      url: '/api/v1/tickets',
      body: { title: 'Mouse broken', description: 'left' },
    }),
    expect: signedIn,
  },
  {
    route: 'POST /api/v1/tickets',
    case: 'on behalf of another user',
    call: (f) => ({
      method: 'POST',
      url: '/api/v1/tickets',
      body: { title: 'For someone', description: 'x', requesterId: f.ids.bystander },
    }),
    expect: byRule((a) => canTicket(a, 'ticket.create_for_other')),
  },
  {
    route: 'GET /api/v1/tickets/:id',
    call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}` }),
    expect: onTicket('ticket.read'),
  },
  {
    route: 'PATCH /api/v1/tickets/:id',
    case: 'fields',
    call: (f) => ({ method: 'PATCH', url: `/api/v1/tickets/${f.ticketId}`, body: { tags: ['hardware'] } }),
    expect: onTicket('ticket.update_fields'),
  },
  {
    route: 'PATCH /api/v1/tickets/:id',
    case: 'closing a resolved ticket',
    call: async (f) => ({
      method: 'PATCH',
      url: `/api/v1/tickets/${await resolvedTicket(f)}`,
      body: { status: 'closed' },
    }),
    expect: onTicket('ticket.close_or_reopen'),
  },
  {
    route: 'POST /api/v1/tickets/bulk',
    case: 'fields of requester A’s ticket (each id answers on its own)',
    call: (f) => ({
      method: 'POST',
      url: '/api/v1/tickets/bulk',
      body: { ids: [f.ticketId], changes: { tags: ['bulk'] } },
    }),
    expect: onTicket('ticket.update_fields'),
    outcome: (status, body) => {
      if (status !== 200) return status;
      const r = (body as { results: { ok: boolean; error?: { status: number } }[] }).results[0];
      return r.ok ? 'ok' : (r.error?.status ?? 0);
    },
  },
  {
    route: 'POST /api/v1/tickets/:id/rating',
    case: 'a resolved ticket',
    call: async (f) => ({
      method: 'POST',
      url: `/api/v1/tickets/${await resolvedTicket(f)}/rating`,
      body: { score: 4 },
    }),
    expect: onTicket('ticket.rate'),
  },
  {
    route: 'GET /api/v1/tickets/:id/comments',
    call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/comments` }),
    expect: onTicket('ticket.read'),
  },
  {
    route: 'POST /api/v1/tickets/:id/comments',
    case: 'public',
    call: (f) => ({ method: 'POST', url: `/api/v1/tickets/${f.ticketId}/comments`, body: { body: 'hello' } }),
    expect: onTicket('comment.public'),
  },
  {
    route: 'POST /api/v1/tickets/:id/comments',
    case: 'internal',
    call: (f) => ({
      method: 'POST',
      url: `/api/v1/tickets/${f.ticketId}/comments`,
      body: { body: 'note', internal: true },
    }),
    expect: onTicket('comment.internal'),
  },
  {
    route: 'GET /api/v1/tickets/:id/history',
    call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/history` }),
    expect: onTicket('ticket.read'),
  },
  {
    route: 'GET /api/v1/tickets/:id/attachments',
    call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/attachments` }),
    expect: onTicket('ticket.read'),
  },
  {
    route: 'POST /api/v1/tickets/:id/attachments',
    call: (f) => ({
      method: 'POST',
      url: `/api/v1/tickets/${f.ticketId}/attachments`,
      file: { name: 'log.txt', type: 'text/plain', content: 'error at line 3\n' },
    }),
    expect: onTicket('attachment.add'),
  },
  {
    route: 'GET /api/v1/attachments/:id',
    case: 'a file on requester A’s ticket',
    call: (f) => ({ method: 'GET', url: `/api/v1/attachments/${f.attachmentId}` }),
    expect: onTicket('ticket.read'),
  },
  {
    route: 'POST /api/v1/uploads',
    call: () => ({
      method: 'POST',
      url: '/api/v1/uploads',
      file: { name: 'screen.txt', type: 'text/plain', content: 'what I saw\n' },
    }),
    expect: signedIn,
  },
  {
    route: 'GET /api/v1/categories',
    call: () => ({ method: 'GET', url: '/api/v1/categories' }),
    expect: signedIn,
  },
  {
    route: 'POST /api/v1/categories',
    call: () => ({ method: 'POST', url: '/api/v1/categories', body: { name: `C ${unique()}` } }),
    expect: byRule((a) => canTicket(a, 'category.manage')),
  },
  {
    route: 'PATCH /api/v1/categories/:id',
    call: (f) => ({ method: 'PATCH', url: `/api/v1/categories/${f.categoryId}`, body: { description: 'y' } }),
    expect: byRule((a) => canTicket(a, 'category.manage')),
  },

  // -- saved views: personal, so another's is not found by anyone
  {
    route: 'GET /api/v1/saved-views',
    call: () => ({ method: 'GET', url: '/api/v1/saved-views' }),
    expect: signedIn,
  },
  {
    route: 'POST /api/v1/saved-views',
    call: () => ({
      method: 'POST',
      url: '/api/v1/saved-views',
      body: { name: `V ${unique()}`, query: 'status=open' },
    }),
    expect: signedIn,
  },
  {
    route: 'DELETE /api/v1/saved-views/:id',
    case: 'one’s own view',
    call: async (f, who) => {
      const owner = who === 'anonymous' ? 'owner' : who;
      const v = await as(f, owner, 'POST', '/api/v1/saved-views', { name: `Own ${unique()}`, query: 'q=x' });
      return { method: 'DELETE', url: `/api/v1/saved-views/${v.id}` };
    },
    expect: signedIn,
  },
  {
    route: 'DELETE /api/v1/saved-views/:id',
    case: 'another user’s view',
    call: async (f, who) => {
      const other = who === 'otherRequester' ? 'owner' : 'otherRequester';
      const v = await as(f, other, 'POST', '/api/v1/saved-views', {
        name: `Theirs ${unique()}`,
        query: 'q=y',
      });
      return { method: 'DELETE', url: `/api/v1/saved-views/${v.id}` };
    },
    expect: byRule(() => false, 404),
  },

  // -- live updates (every signed-in user; what reaches them is filtered per ticket: test/api/live.test.ts)
  {
    route: 'GET /api/v1/events/stream',
    call: () => ({ method: 'GET', url: '/api/v1/events/stream' }),
    expect: signedIn,
    stream: true,
  },

  // -- reports
  {
    route: 'GET /api/v1/reports/dashboard',
    call: () => ({ method: 'GET', url: '/api/v1/reports/dashboard' }),
    expect: byRule(canSeeDashboard),
  },
  {
    route: 'GET /api/v1/reports/sla',
    call: () => ({
      method: 'GET',
      url: '/api/v1/reports/sla?from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z',
    }),
    expect: sla('report.read'),
  },

  // -- webhooks (admin)
  {
    route: 'POST /api/v1/webhooks',
    call: () => ({ method: 'POST', url: '/api/v1/webhooks', body: { url: 'http://127.0.0.1:9/hook' } }),
    expect: accounts('webhook.manage'),
  },
  {
    route: 'GET /api/v1/webhooks',
    call: () => ({ method: 'GET', url: '/api/v1/webhooks' }),
    expect: accounts('webhook.manage'),
  },
  {
    route: 'GET /api/v1/webhooks/:id',
    call: (f) => ({ method: 'GET', url: `/api/v1/webhooks/${f.webhookId}` }),
    expect: accounts('webhook.manage'),
  },
  {
    route: 'PATCH /api/v1/webhooks/:id',
    call: (f) => ({ method: 'PATCH', url: `/api/v1/webhooks/${f.webhookId}`, body: { active: true } }),
    expect: accounts('webhook.manage'),
  },
  {
    route: 'DELETE /api/v1/webhooks/:id',
    call: async (f) => {
      const hook = await as(f, 'admin', 'POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/gone' });
      return { method: 'DELETE', url: `/api/v1/webhooks/${hook.id}` };
    },
    expect: accounts('webhook.manage'),
  },
  {
    route: 'GET /api/v1/webhooks/:id/deliveries',
    call: (f) => ({ method: 'GET', url: `/api/v1/webhooks/${f.webhookId}/deliveries` }),
    expect: accounts('webhook.manage'),
  },
  {
    route: 'POST /api/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
    case: 'no such delivery: who may manage webhooks gets past the check to the 404',
    call: (f) => ({
      method: 'POST',
      url: `/api/v1/webhooks/${f.webhookId}/deliveries/${noSuchId}/redeliver`,
    }),
    expect: accounts('webhook.manage', 403, 404),
  },

  // -- the one delivery log of every channel (admin)
  {
    route: 'GET /api/v1/deliveries',
    call: () => ({ method: 'GET', url: '/api/v1/deliveries' }),
    expect: byRule(canManageDeliveries),
  },
  {
    route: 'POST /api/v1/deliveries/:id/retry',
    case: 'no such delivery: the admin gets past the check to the 404',
    call: () => ({ method: 'POST', url: `/api/v1/deliveries/${noSuchId}/retry` }),
    expect: byRule(canManageDeliveries, 403, 404),
  },

  // -- mail (admin: it shows other people's mail)
  {
    route: 'GET /api/v1/mail/templates',
    call: () => ({ method: 'GET', url: '/api/v1/mail/templates' }),
    expect: mail(),
  },
  {
    route: 'PUT /api/v1/mail/templates/:event',
    call: () => ({
      method: 'PUT',
      url: '/api/v1/mail/templates/ticket_created',
      body: { subject: 'New: {{ticket.title}}', text: 'We have your request.' },
    }),
    expect: mail(),
  },
  {
    route: 'DELETE /api/v1/mail/templates/:event',
    call: () => ({ method: 'DELETE', url: '/api/v1/mail/templates/ticket_created' }),
    expect: mail(),
  },
  {
    route: 'GET /api/v1/mail/deliveries',
    call: () => ({ method: 'GET', url: '/api/v1/mail/deliveries' }),
    expect: mail(),
  },
  {
    route: 'POST /api/v1/mail/deliveries/:id/retry',
    case: 'no such delivery: the admin gets past the check to the 404',
    call: () => ({ method: 'POST', url: `/api/v1/mail/deliveries/${noSuchId}/retry` }),
    expect: mail(404),
  },
  {
    route: 'GET /api/v1/mail/inbound',
    call: () => ({ method: 'GET', url: '/api/v1/mail/inbound' }),
    expect: mail(),
  },
  {
    route: 'POST /api/v1/mail/inbound/:id/retry',
    case: 'no such mail: the admin gets past the check to the 404',
    call: () => ({ method: 'POST', url: `/api/v1/mail/inbound/${noSuchId}/retry`, body: {} }),
    expect: mail(404),
  },

  // -- failed event deliveries (admin)
  {
    route: 'GET /api/v1/event-failures',
    call: () => ({ method: 'GET', url: '/api/v1/event-failures' }),
    expect: accounts('events.manage'),
  },
  {
    route: 'POST /api/v1/event-failures/:id/retry',
    case: 'no such failure: the admin gets past the check to the 404',
    call: () => ({ method: 'POST', url: `/api/v1/event-failures/${noSuchId}/retry` }),
    expect: accounts('events.manage', 403, 404),
  },

  // -- SLA: calendars, policies, OLAs and the escalation path
  {
    route: 'GET /api/v1/sla/calendars',
    call: () => ({ method: 'GET', url: '/api/v1/sla/calendars' }),
    expect: sla('sla.read'),
  },
  {
    route: 'POST /api/v1/sla/calendars',
    call: () => ({ method: 'POST', url: '/api/v1/sla/calendars', body: calendarBody() }),
    expect: sla('sla.manage'),
  },
  {
    route: 'GET /api/v1/sla/calendars/:id',
    call: (f) => ({ method: 'GET', url: `/api/v1/sla/calendars/${f.calendarId}` }),
    expect: sla('sla.read'),
  },
  {
    route: 'GET /api/v1/sla/calendars/:id/open-windows',
    call: (f) => ({
      method: 'GET',
      url: `/api/v1/sla/calendars/${f.calendarId}/open-windows?from=2026-11-30T00:00:00Z&to=2026-12-07T00:00:00Z`,
    }),
    expect: sla('sla.read'),
  },
  {
    route: 'PATCH /api/v1/sla/calendars/:id',
    call: (f) => ({
      method: 'PATCH',
      url: `/api/v1/sla/calendars/${f.calendarId}`,
      body: { name: `Cal ${unique()}` },
    }),
    expect: sla('sla.manage'),
  },
  {
    route: 'DELETE /api/v1/sla/calendars/:id',
    case: 'an unused calendar',
    call: async (f) => {
      const c = await as(f, 'admin', 'POST', '/api/v1/sla/calendars', calendarBody());
      return { method: 'DELETE', url: `/api/v1/sla/calendars/${c.id}` };
    },
    expect: sla('sla.manage'),
  },
  {
    route: 'POST /api/v1/sla/calendars/:id/holidays/import',
    call: (f) => ({
      method: 'POST',
      url: `/api/v1/sla/calendars/${f.calendarId}/holidays/import`,
      body: { ics },
    }),
    expect: sla('sla.manage'),
  },
  {
    route: 'GET /api/v1/sla/policies',
    call: () => ({ method: 'GET', url: '/api/v1/sla/policies' }),
    expect: sla('sla.read'),
  },
  {
    route: 'POST /api/v1/sla/policies',
    call: () => ({ method: 'POST', url: '/api/v1/sla/policies', body: policyBody() }),
    expect: sla('sla.manage'),
  },
  {
    route: 'PUT /api/v1/sla/policies/order',
    call: async (f) => {
      const { items } = await as(f, 'admin', 'GET', '/api/v1/sla/policies');
      const ids = items.map((p: { id: number }) => p.id).reverse();
      return { method: 'PUT', url: '/api/v1/sla/policies/order', body: { ids } };
    },
    expect: sla('sla.manage'),
  },
  {
    route: 'GET /api/v1/sla/policies/:id',
    call: (f) => ({ method: 'GET', url: `/api/v1/sla/policies/${f.policyId}` }),
    expect: sla('sla.read'),
  },
  {
    route: 'PATCH /api/v1/sla/policies/:id',
    call: (f) => ({ method: 'PATCH', url: `/api/v1/sla/policies/${f.policyId}`, body: { active: true } }),
    expect: sla('sla.manage'),
  },
  {
    route: 'DELETE /api/v1/sla/policies/:id',
    call: async (f) => {
      const p = await as(f, 'admin', 'POST', '/api/v1/sla/policies', policyBody());
      return { method: 'DELETE', url: `/api/v1/sla/policies/${p.id}` };
    },
    expect: sla('sla.manage'),
  },
  {
    route: 'GET /api/v1/sla/olas',
    call: () => ({ method: 'GET', url: '/api/v1/sla/olas' }),
    expect: sla('sla.read'),
  },
  {
    route: 'PUT /api/v1/sla/olas/:groupId',
    call: (f) => ({ method: 'PUT', url: `/api/v1/sla/olas/${f.groupId}`, body: { minutes: 240 } }),
    expect: sla('sla.manage'),
  },
  {
    route: 'DELETE /api/v1/sla/olas/:groupId',
    call: (f) => ({ method: 'DELETE', url: `/api/v1/sla/olas/${f.groupId}` }),
    expect: sla('sla.manage'),
  },
  {
    route: 'GET /api/v1/sla/escalation-path',
    call: () => ({ method: 'GET', url: '/api/v1/sla/escalation-path' }),
    expect: sla('sla.read'),
  },
  {
    route: 'PUT /api/v1/sla/escalation-path',
    call: (f) => ({ method: 'PUT', url: '/api/v1/sla/escalation-path', body: { groupIds: [f.groupId] } }),
    expect: sla('sla.manage'),
  },

  // -- SLA on one ticket: staff only (the role is checked before the ticket), escalations and the queue
  {
    route: 'GET /api/v1/tickets/:id/sla',
    call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/sla` }),
    expect: sla('sla.read'),
  },
  {
    route: 'PUT /api/v1/tickets/:id/sla',
    call: (f) => ({ method: 'PUT', url: `/api/v1/tickets/${f.ticketId}/sla`, body: { policyId: null } }),
    expect: sla('escalation.create'),
  },
  {
    route: 'POST /api/v1/tickets/:id/escalations',
    call: async (f) => {
      const t = await as(f, 'owner', 'POST', '/api/v1/tickets', { title: 'To escalate', description: 'x' });
      return {
        method: 'POST',
        url: `/api/v1/tickets/${t.id}/escalations`,
        body: { reason: 'Beyond first line', to: 'manager' },
      };
    },
    expect: sla('escalation.create'),
  },
  {
    route: 'GET /api/v1/tickets/:id/escalations',
    call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/escalations` }),
    expect: sla('sla.read'),
  },
  {
    route: 'GET /api/v1/sla/escalations',
    call: () => ({ method: 'GET', url: '/api/v1/sla/escalations?toManager=true' }),
    expect: sla('escalation.queue'),
  },
  {
    route: 'POST /api/v1/sla/escalations/:id/resolve',
    call: async (f) => ({
      method: 'POST',
      url: `/api/v1/sla/escalations/${await openEscalation(f)}/resolve`,
      body: { note: 'Decided' },
    }),
    expect: sla('escalation.queue'),
  },
  {
    route: 'POST /api/v1/sla/escalations/:id/hand-on',
    call: async (f) => ({
      method: 'POST',
      url: `/api/v1/sla/escalations/${await openEscalation(f)}/hand-on`,
      body: { groupId: f.groupId, note: 'Over to L1' },
    }),
    expect: sla('escalation.queue'),
  },
  // -- technicians and assignment --
  {
    route: 'GET /api/v1/technicians',
    call: () => ({ method: 'GET', url: '/api/v1/technicians' }),
    expect: byRule((a) => canStaffing(a, 'profile.read')),
  },
  {
    route: 'GET /api/v1/technicians/:userId',
    call: (f) => ({ method: 'GET', url: `/api/v1/technicians/${f.ids.technician}` }),
    expect: byRule((a) => canStaffing(a, 'profile.read')),
  },
  {
    route: 'PUT /api/v1/technicians/:userId',
    call: (f) => ({
      method: 'PUT',
      url: `/api/v1/technicians/${f.ids.technician}`,
      body: { maxOpenTickets: 8 },
    }),
    expect: byRule((a) => canStaffing(a, 'profile.manage')),
  },
  {
    route: 'GET /api/v1/technicians/:userId/time-off',
    call: (f) => ({ method: 'GET', url: `/api/v1/technicians/${f.ids.technician}/time-off` }),
    expect: byRule((a) => canStaffing(a, 'profile.read')),
  },
  {
    route: 'POST /api/v1/technicians/:userId/time-off',
    case: 'the technician’s time off: their own, or a manager’s to give',
    call: (f) => ({
      method: 'POST',
      url: `/api/v1/technicians/${f.ids.technician}/time-off`,
      body: { startsAt: '2026-04-01T00:00:00Z', endsAt: '2026-04-02T00:00:00Z', reason: 'holiday' },
    }),
    expect: byRule(
      (a) =>
        canStaffing(a, 'timeoff.manage_any') ||
        (a === cast.technician && canStaffing(a, 'timeoff.manage_own')),
    ),
  },
  {
    route: 'DELETE /api/v1/technicians/:userId/time-off/:id',
    case: 'the technician’s time off: their own, or a manager’s to remove',
    call: async (f) => {
      const off = await as(f, 'admin', 'POST', `/api/v1/technicians/${f.ids.technician}/time-off`, {
        startsAt: '2026-05-01T00:00:00Z',
        endsAt: '2026-05-02T00:00:00Z',
      });
      return { method: 'DELETE', url: `/api/v1/technicians/${f.ids.technician}/time-off/${off.id}` };
    },
    expect: byRule(
      (a) =>
        canStaffing(a, 'timeoff.manage_any') ||
        (a === cast.technician && canStaffing(a, 'timeoff.manage_own')),
    ),
  },
  {
    route: 'GET /api/v1/skills',
    call: () => ({ method: 'GET', url: '/api/v1/skills' }),
    expect: byRule((a) => canStaffing(a, 'profile.read')),
  },
  {
    route: 'POST /api/v1/skills',
    call: () => ({ method: 'POST', url: '/api/v1/skills', body: { name: `Skill ${unique()}` } }),
    expect: byRule((a) => canStaffing(a, 'profile.manage')),
  },
  {
    route: 'PATCH /api/v1/skills/:id',
    call: async (f) => {
      const skill = await as(f, 'admin', 'POST', '/api/v1/skills', { name: `Skill ${unique()}` });
      return { method: 'PATCH', url: `/api/v1/skills/${skill.id}`, body: { neededLevel: 3 } };
    },
    expect: byRule((a) => canStaffing(a, 'profile.manage')),
  },
  {
    route: 'DELETE /api/v1/skills/:id',
    call: async (f) => {
      const skill = await as(f, 'admin', 'POST', '/api/v1/skills', { name: `Skill ${unique()}` });
      return { method: 'DELETE', url: `/api/v1/skills/${skill.id}` };
    },
    expect: byRule((a) => canStaffing(a, 'profile.manage')),
  },
  {
    route: 'GET /api/v1/assignment-rules',
    call: () => ({ method: 'GET', url: '/api/v1/assignment-rules' }),
    expect: byRule((a) => canStaffing(a, 'rules.read')),
  },
  {
    route: 'POST /api/v1/assignment-rules',
    call: (f) => ({
      method: 'POST',
      url: '/api/v1/assignment-rules',
      body: { name: `Rule ${unique()}`, conditions: { keywords: ['toner'] }, groupId: f.groupId },
    }),
    expect: byRule((a) => canStaffing(a, 'rules.manage')),
  },
  {
    route: 'PATCH /api/v1/assignment-rules/:id',
    call: async (f) => {
      const rule = await as(f, 'admin', 'POST', '/api/v1/assignment-rules', {
        name: `Rule ${unique()}`,
        groupId: f.groupId,
        active: false,
      });
      return { method: 'PATCH', url: `/api/v1/assignment-rules/${rule.id}`, body: { position: 5 } };
    },
    expect: byRule((a) => canStaffing(a, 'rules.manage')),
  },
  {
    route: 'DELETE /api/v1/assignment-rules/:id',
    call: async (f) => {
      const rule = await as(f, 'admin', 'POST', '/api/v1/assignment-rules', {
        name: `Rule ${unique()}`,
        groupId: f.groupId,
        active: false,
      });
      return { method: 'DELETE', url: `/api/v1/assignment-rules/${rule.id}` };
    },
    expect: byRule((a) => canStaffing(a, 'rules.manage')),
  },
  {
    route: 'GET /api/v1/groups/:id/assignment-policy',
    call: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.groupId}/assignment-policy` }),
    expect: byRule((a) => canStaffing(a, 'rules.read')),
  },
  {
    route: 'PUT /api/v1/groups/:id/assignment-policy',
    call: (f) => ({
      method: 'PUT',
      url: `/api/v1/groups/${f.groupId}/assignment-policy`,
      body: { policy: 'least_loaded', auto: false },
    }),
    expect: byRule((a) => canStaffing(a, 'rules.manage')),
  },
  {
    route: 'GET /api/v1/groups/:id/assignment-proposals',
    call: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.groupId}/assignment-proposals` }),
    expect: byRule((a) => canStaffing(a, 'assignment.propose')),
  },
  {
    route: 'POST /api/v1/groups/:id/assignment-proposals/accept',
    call: (f) => ({
      method: 'POST',
      url: `/api/v1/groups/${f.groupId}/assignment-proposals/accept`,
      body: { all: true },
    }),
    expect: byRule((a) => canStaffing(a, 'assignment.accept')),
  },

  // -- on-call schedules --
  ...(() => {
    const oncall = (action: Parameters<typeof canOncall>[1], allowed: Outcome = 'ok') =>
      byRule((a) => canOncall(a, action), 403, allowed);
    const scheduleBody = (f: Fixture) => ({
      name: `Schedule ${unique()}`,
      timeZone: 'Europe/Berlin',
      layers: [
        {
          kind: 'rotation',
          name: 'Weekly',
          start: '2026-03-02T09:00',
          end: null,
          turn: { unit: 'week', count: 1 },
          participants: [f.ids.technician],
          restrictions: [],
        },
      ],
    });
    // One schedule per fixture (per dialect), made on first use.
    const made = new WeakMap<Fixture, number>();
    const schedule = async (f: Fixture) => {
      if (!made.has(f)) made.set(f, (await as(f, 'admin', 'POST', '/api/v1/schedules', scheduleBody(f))).id);
      return made.get(f) as number;
    };
    /** A pending cover request of the technician's (the manager covers). */
    const pendingRequest = async (f: Fixture) =>
      (
        await as(f, 'technician', 'POST', `/api/v1/schedules/${await schedule(f)}/requests`, {
          kind: 'cover',
          coveringUserId: f.ids.manager,
          start: '2026-03-10T00:00:00Z',
          end: '2026-03-11T00:00:00Z',
        })
      ).id as number;
    const rows: Row[] = [
      {
        route: 'GET /api/v1/schedules',
        call: () => ({ method: 'GET', url: '/api/v1/schedules' }),
        expect: oncall('schedule.read'),
      },
      {
        route: 'POST /api/v1/schedules',
        call: (f) => ({ method: 'POST', url: '/api/v1/schedules', body: scheduleBody(f) }),
        expect: oncall('schedule.manage'),
      },
      {
        route: 'GET /api/v1/schedules/:id',
        call: async (f) => ({ method: 'GET', url: `/api/v1/schedules/${await schedule(f)}` }),
        expect: oncall('schedule.read'),
      },
      {
        route: 'PATCH /api/v1/schedules/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/schedules/${await schedule(f)}`,
          body: { description: `Changed ${unique()}` },
        }),
        expect: oncall('schedule.manage'),
      },
      {
        route: 'DELETE /api/v1/schedules/:id',
        call: async (f) => ({
          method: 'DELETE',
          url: `/api/v1/schedules/${(await as(f, 'admin', 'POST', '/api/v1/schedules', scheduleBody(f))).id}`,
        }),
        expect: oncall('schedule.manage'),
      },
      {
        route: 'GET /api/v1/schedules/:id/oncall',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/schedules/${await schedule(f)}/oncall?at=2026-03-03T12:00:00Z`,
        }),
        expect: oncall('schedule.read'),
      },
      {
        route: 'GET /api/v1/schedules/:id/final',
        call: async (f) => ({ method: 'GET', url: `/api/v1/schedules/${await schedule(f)}/final` }),
        expect: oncall('schedule.read'),
      },
      {
        route: 'GET /api/v1/schedules/:id/report',
        call: async (f) => ({ method: 'GET', url: `/api/v1/schedules/${await schedule(f)}/report` }),
        expect: oncall('schedule.read'),
      },
      {
        route: 'GET /api/v1/schedules/:id/overrides',
        call: async (f) => ({ method: 'GET', url: `/api/v1/schedules/${await schedule(f)}/overrides` }),
        expect: oncall('schedule.read'),
      },
      {
        route: 'POST /api/v1/schedules/:id/overrides',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/schedules/${await schedule(f)}/overrides`,
          body: { userId: f.ids.manager, start: '2026-03-04T00:00:00Z', end: '2026-03-04T08:00:00Z' },
        }),
        expect: oncall('schedule.manage'),
      },
      {
        route: 'DELETE /api/v1/schedules/:id/overrides/:overrideId',
        call: async (f) => {
          const id = await schedule(f);
          const o = await as(f, 'admin', 'POST', `/api/v1/schedules/${id}/overrides`, {
            userId: f.ids.manager,
            start: '2026-03-05T00:00:00Z',
            end: '2026-03-05T08:00:00Z',
          });
          return { method: 'DELETE', url: `/api/v1/schedules/${id}/overrides/${o.id}` };
        },
        expect: oncall('schedule.manage'),
      },
      {
        route: 'POST /api/v1/schedules/:id/requests',
        call: async (f, who) => ({
          method: 'POST',
          url: `/api/v1/schedules/${await schedule(f)}/requests`,
          body: {
            kind: 'cover',
            coveringUserId: who === 'technician' ? f.ids.manager : f.ids.technician,
            start: '2026-03-06T00:00:00Z',
            end: '2026-03-06T08:00:00Z',
          },
        }),
        expect: oncall('schedule.request'),
      },
      {
        route: 'GET /api/v1/schedule-requests',
        call: () => ({ method: 'GET', url: '/api/v1/schedule-requests?state=pending' }),
        expect: oncall('schedule.read'),
      },
      {
        route: 'POST /api/v1/schedule-requests/:id/approve',
        case: "the technician's own request: only a manager decides",
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/schedule-requests/${await pendingRequest(f)}/approve`,
        }),
        expect: oncall('schedule.approve'),
      },
      {
        route: 'POST /api/v1/schedule-requests/:id/reject',
        case: "the technician's own request: only a manager decides",
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/schedule-requests/${await pendingRequest(f)}/reject`,
        }),
        expect: oncall('schedule.approve'),
      },
      {
        route: 'POST /api/v1/schedule-requests/:id/cancel',
        case: "the technician's own request: the technician (its requester) or a manager withdraws it",
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/schedule-requests/${await pendingRequest(f)}/cancel`,
        }),
        expect: oncall('schedule.request'),
      },
      {
        route: 'GET /api/v1/schedules/:id/calendar.ics',
        case: 'signed in, no feed secret (anonymous: 401; with the secret: test/api/oncall-schedules.test.ts)',
        call: async (f) => ({ method: 'GET', url: `/api/v1/schedules/${await schedule(f)}/calendar.ics` }),
        expect: oncall('schedule.read'),
      },
      {
        route: 'POST /api/v1/schedules/:id/feed-token',
        call: async (f) => ({ method: 'POST', url: `/api/v1/schedules/${await schedule(f)}/feed-token` }),
        expect: oncall('schedule.manage'),
      },
      {
        route: 'GET /api/v1/users/:id/oncall.ics',
        case: "the technician's feed, signed in, no feed secret",
        call: (f) => ({ method: 'GET', url: `/api/v1/users/${f.ids.technician}/oncall.ics` }),
        expect: oncall('schedule.read'),
      },
      {
        route: 'POST /api/v1/me/oncall-feed-token',
        call: () => ({ method: 'POST', url: '/api/v1/me/oncall-feed-token' }),
        expect: oncall('schedule.read'),
      },
      {
        route: 'GET /api/v1/oncall',
        call: () => ({ method: 'GET', url: '/api/v1/oncall' }),
        expect: oncall('schedule.read'),
      },
      {
        route: 'GET /api/v1/groups/:id/oncall',
        call: (f) => ({ method: 'GET', url: `/api/v1/groups/${f.groupId}/oncall` }),
        expect: oncall('schedule.read'),
      },
      {
        route: 'GET /api/v1/oncall/double-bookings',
        call: () => ({ method: 'GET', url: '/api/v1/oncall/double-bookings' }),
        expect: oncall('schedule.read'),
      },
    ];
    return rows;
  })(),

  // -- rosters --
  {
    route: 'POST /api/v1/rosters/generate',
    call: (f) => ({
      method: 'POST',
      url: '/api/v1/rosters/generate',
      body: {
        period: { start: '2026-03-02', end: '2026-03-03', timeZone: 'Europe/Berlin' },
        shifts: [{ name: 'day', start: '08:00', end: '20:00' }],
        people: [{ userId: f.ids.technician }, { userId: f.ids.manager }],
        rules: { maxHoursPerWeek: 48, minRestHours: 11, maxConsecutiveNights: 3 },
      },
    }),
    expect: byRule((a) => canOncall(a, 'roster.generate')),
  },

  // -- contact methods and readiness --
  // Own methods: staff ('contact.manage_own'); a requester has none to keep. Another's (the manager's): managers
  // ('contact.manage_any'). Each caller first gets a method of their own to act on where they may have one.
  ...((): Row[] => {
    const ownContacts = byRule((a) => canOncall(a, 'contact.manage_own'));
    const anyContacts = byRule((a) => canOncall(a, 'contact.manage_any'));
    /** Another person's methods: the manager's, so that the manager's own call is also allowed by 'manage_any'. */
    const contactOwner = (f: Fixture) => f.ids.manager;
    const ownId = (f: Fixture, who: Who) => (who === 'anonymous' ? f.ids.technician : f.ids[who]);

    /**
     * A method of this user's, made by the admin (who may keep anyone's) once per fixture and reused, or fresh
     * (to delete); requesters have none: a dummy id.
     */
    const made = new WeakMap<Fixture, Map<number, number>>();
    async function contactMethodOf(
      f: Fixture,
      userId: number,
      role: 'staff' | 'requester',
      fresh = false,
    ): Promise<number> {
      if (role === 'requester') return noSuchId;
      const cache = made.get(f) ?? new Map<number, number>();
      made.set(f, cache);
      const known = cache.get(userId);
      if (known !== undefined && !fresh) return known;
      const m = await as(f, 'admin', 'POST', `/api/v1/users/${userId}/contact-methods`, {
        kind: 'chat',
        target: `http://127.0.0.1:9/chat/${unique()}`,
      });
      if (!fresh) cache.set(userId, m.id);
      return m.id;
    }
    const isRequester = (who: Who) => who === 'owner' || who === 'otherRequester';

    const rows: Row[] = [];
    const own = (
      route: Row['route'],
      method: Method,
      path: (id: number, methodId: number) => string,
      body?: unknown,
      expectation: Expect = ownContacts,
    ): Row => ({
      route,
      case: 'their own',
      call: async (f, who) => {
        const id = ownId(f, who);
        const methodId =
          who === 'anonymous'
            ? noSuchId
            : await contactMethodOf(
                f,
                id,
                isRequester(who) ? 'requester' : 'staff',
                method === 'DELETE' || route.endsWith('/test'),
              );
        return { method, url: path(id, methodId), body };
      },
      expect: expectation,
    });
    const another = (
      route: Row['route'],
      method: Method,
      path: (id: number, methodId: number) => string,
      body?: unknown,
      expectation: Expect = anyContacts,
    ): Row => ({
      route,
      case: "another's (the manager's)",
      call: async (f) => {
        const id = contactOwner(f);
        return {
          method,
          url: path(
            id,
            await contactMethodOf(f, id, 'staff', method === 'DELETE' || route.endsWith('/test')),
          ),
          body,
        };
      },
      expect: expectation,
    });
    const list = (id: number) => `/api/v1/users/${id}/contact-methods`;
    const one = (id: number, m: number) => `/api/v1/users/${id}/contact-methods/${m}`;
    const rules = (id: number) => `/api/v1/users/${id}/notification-rules`;
    const chatBody = () => ({ kind: 'chat', target: `http://127.0.0.1:9/c/${unique()}` });
    // A requester gets past nothing: 403 before their (dummy) method id is looked at.
    for (const make of [own, another]) {
      rows.push(
        make('GET /api/v1/users/:id/contact-methods', 'GET', (id) => list(id)),
        make('POST /api/v1/users/:id/contact-methods', 'POST', (id) => list(id), chatBody()),
        make('PATCH /api/v1/users/:id/contact-methods/:methodId', 'PATCH', one, { label: 'Desk' }),
        make('DELETE /api/v1/users/:id/contact-methods/:methodId', 'DELETE', one),
        make(
          'POST /api/v1/users/:id/contact-methods/:methodId/test',
          'POST',
          (id, m) => `${one(id, m)}/test`,
        ),
        make('GET /api/v1/users/:id/notification-rules', 'GET', (id) => rules(id)),
        make('PUT /api/v1/users/:id/notification-rules', 'PUT', (id) => rules(id), { rules: [] }),
      );
    }
    // A chat method has no code: who may keep it gets past the check to the 400.
    rows.push(
      own(
        'POST /api/v1/users/:id/contact-methods/:methodId/verify',
        'POST',
        (id, m) => `${one(id, m)}/verify`,
        { code: '123456' },
        byRule((a) => canOncall(a, 'contact.manage_own'), 403, 400),
      ),
      another(
        'POST /api/v1/users/:id/contact-methods/:methodId/verify',
        'POST',
        (id, m) => `${one(id, m)}/verify`,
        { code: '123456' },
        byRule((a) => canOncall(a, 'contact.manage_any'), 403, 400),
      ),
    );
    // Another's method id under one's own path is not found, for everyone who may keep their own.
    rows.push({
      route: 'PATCH /api/v1/users/:id/contact-methods/:methodId',
      case: "another's method under one's own id",
      call: async (f, who) => {
        const foreign = await contactMethodOf(f, contactOwner(f), 'staff');
        return { method: 'PATCH', url: one(ownId(f, who), foreign), body: { label: 'Mine?' } };
      },
      expect: { ...byRule((a) => canOncall(a, 'contact.manage_own'), 403, 404), manager: 'ok' },
    });
    return rows;
  })(),
  {
    route: 'GET /api/v1/oncall/readiness',
    call: () => ({ method: 'GET', url: '/api/v1/oncall/readiness?days=7' }),
    expect: byRule((a) => canOncall(a, 'readiness.read')),
  },

  // -- escalation policies and incidents --
  // Staff read policies, services and incidents, open and answer incidents; managers define policies and
  // services. The Events API and the signed link in a page need no sign-in: the key or the token is the check.
  ...(() => {
    const oncall = (action: Parameters<typeof canOncall>[1]) => byRule((a) => canOncall(a, action));
    // What the rows act on, made once per fixture (the first call) by the admin.
    const made = new WeakMap<Fixture, { policyId: number; serviceId: number; integrationKey: string }>();
    const policyBody = (f: Fixture) => ({
      name: `Escalation ${unique()}`,
      steps: [{ targets: [{ kind: 'user', id: f.ids.technician }], delayMinutes: 5 }],
    });
    async function paging(f: Fixture) {
      let m = made.get(f);
      if (!m) {
        const policy = await as(f, 'admin', 'POST', '/api/v1/escalation-policies', policyBody(f));
        const service = await as(f, 'admin', 'POST', '/api/v1/services', {
          name: 'Network',
          escalationPolicyId: policy.id,
        });
        m = { policyId: policy.id, serviceId: service.id, integrationKey: service.integrationKey };
        made.set(f, m);
      }
      return m;
    }
    async function newIncident(f: Fixture): Promise<number> {
      const { serviceId } = await paging(f);
      return (await as(f, 'admin', 'POST', '/api/v1/incidents', { serviceId, summary: `Down ${unique()}` }))
        .id;
    }
    const pageFromOwnersTicket = byRule((a) => canOncall(a, 'incident.create'));
    for (const who of signedInWhos)
      if (!canTicket(cast[who], 'ticket.read', ownersTicket)) pageFromOwnersTicket[who] = 404;
    const rows: Row[] = [
      {
        route: 'GET /api/v1/escalation-policies',
        call: () => ({ method: 'GET', url: '/api/v1/escalation-policies' }),
        expect: oncall('policy.read'),
      },
      {
        route: 'POST /api/v1/escalation-policies',
        call: (f) => ({ method: 'POST', url: '/api/v1/escalation-policies', body: policyBody(f) }),
        expect: oncall('policy.manage'),
      },
      {
        route: 'GET /api/v1/escalation-policies/:id',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/escalation-policies/${(await paging(f)).policyId}`,
        }),
        expect: oncall('policy.read'),
      },
      {
        route: 'PATCH /api/v1/escalation-policies/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/escalation-policies/${(await paging(f)).policyId}`,
          body: { description: 'Changed' },
        }),
        expect: oncall('policy.manage'),
      },
      {
        route: 'DELETE /api/v1/escalation-policies/:id',
        call: async (f) => {
          const p = await as(f, 'admin', 'POST', '/api/v1/escalation-policies', policyBody(f));
          return { method: 'DELETE', url: `/api/v1/escalation-policies/${p.id}` };
        },
        expect: oncall('policy.manage'),
      },
      {
        route: 'GET /api/v1/services',
        call: () => ({ method: 'GET', url: '/api/v1/services' }),
        expect: oncall('incident.read'),
      },
      {
        route: 'POST /api/v1/services',
        call: async (f) => ({
          method: 'POST',
          url: '/api/v1/services',
          body: { name: `Service ${unique()}`, escalationPolicyId: (await paging(f)).policyId },
        }),
        expect: oncall('policy.manage'),
      },
      {
        route: 'GET /api/v1/services/:id',
        call: async (f) => ({ method: 'GET', url: `/api/v1/services/${(await paging(f)).serviceId}` }),
        expect: oncall('incident.read'),
      },
      {
        route: 'PATCH /api/v1/services/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/services/${(await paging(f)).serviceId}`,
          body: { description: 'Core network' },
        }),
        expect: oncall('policy.manage'),
      },
      {
        route: 'DELETE /api/v1/services/:id',
        call: async (f) => {
          const s = await as(f, 'admin', 'POST', '/api/v1/services', {
            name: `Gone ${unique()}`,
            escalationPolicyId: (await paging(f)).policyId,
          });
          return { method: 'DELETE', url: `/api/v1/services/${s.id}` };
        },
        expect: oncall('policy.manage'),
      },
      {
        route: 'GET /api/v1/services/:id/oncall',
        call: async (f) => ({ method: 'GET', url: `/api/v1/services/${(await paging(f)).serviceId}/oncall` }),
        expect: oncall('incident.read'),
      },
      {
        route: 'GET /api/v1/incidents',
        call: () => ({ method: 'GET', url: '/api/v1/incidents' }),
        expect: oncall('incident.read'),
      },
      {
        route: 'POST /api/v1/incidents',
        call: async (f) => ({
          method: 'POST',
          url: '/api/v1/incidents',
          body: { serviceId: (await paging(f)).serviceId, summary: `Paged ${unique()}` },
        }),
        expect: oncall('incident.create'),
      },
      {
        route: 'POST /api/v1/incidents/events',
        case: "with the service's integration key: anyone holding it, signed in or not",
        call: async (f) => ({
          method: 'POST',
          url: '/api/v1/incidents/events',
          body: {
            routing_key: (await paging(f)).integrationKey,
            event_action: 'trigger',
            payload: { summary: `Alert ${unique()}`, severity: 'warning', source: 'probe' },
          },
        }),
        expect: everyone(),
      },
      {
        route: 'POST /api/v1/incidents/events',
        case: 'with a key that is no service’s: refused for everyone (400 invalid_integration_key)',
        call: () => ({
          method: 'POST',
          url: '/api/v1/incidents/events',
          body: { routing_key: 'odik_not-a-key', event_action: 'resolve', dedup_key: 'x' },
        }),
        expect: everyone(400),
      },
      {
        route: 'GET /api/v1/incidents/:id',
        call: async (f) => ({ method: 'GET', url: `/api/v1/incidents/${await newIncident(f)}` }),
        expect: oncall('incident.read'),
      },
      {
        route: 'POST /api/v1/incidents/:id/acknowledge',
        call: async (f) => ({ method: 'POST', url: `/api/v1/incidents/${await newIncident(f)}/acknowledge` }),
        expect: oncall('incident.respond'),
      },
      {
        route: 'POST /api/v1/incidents/:id/resolve',
        call: async (f) => ({ method: 'POST', url: `/api/v1/incidents/${await newIncident(f)}/resolve` }),
        expect: oncall('incident.respond'),
      },
      {
        route: 'POST /api/v1/incidents/:id/respond',
        case: 'a forged token: no sign-in needed, everyone reaches the link check (403 respond_link_invalid)',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/incidents/${await newIncident(f)}/respond`,
          body: { action: 'ack', token: `${'9'.repeat(10)}.1.${'A'.repeat(43)}` },
        }),
        expect: everyone(403),
      },
      {
        route: 'POST /api/v1/tickets/:id/page',
        case: 'requester A’s ticket (hidden from requester B; A may not page)',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/tickets/${f.ticketId}/page`,
          body: { serviceId: (await paging(f)).serviceId },
        }),
        expect: pageFromOwnersTicket,
      },
    ];
    return rows;
  })(),

  // -- imports --
  {
    route: 'POST /api/v1/oncall/imports',
    case: 'a dry run of an empty PagerDuty export',
    call: () => ({
      method: 'POST',
      url: '/api/v1/oncall/imports',
      body: { source: 'pagerduty', dryRun: true, data: { users: [], schedules: [] } },
    }),
    expect: byRule((a) => canOncall(a, 'import.run')),
  },

  // -- forecasts and the capacity report: staff, as every metrics read --
  {
    route: 'GET /api/v1/forecast',
    call: () => ({ method: 'GET', url: '/api/v1/forecast?query=up&range=1d&horizon=1d' }),
    expect: byRule((a) => canMonitor(a, 'metrics.read')),
  },
  {
    route: 'GET /api/v1/capacity',
    call: () => ({ method: 'GET', url: '/api/v1/capacity?horizon=30d' }),
    expect: byRule((a) => canMonitor(a, 'metrics.read')),
  },

  // -- monitoring: metric store and PromQL queries --
  // Staff read metrics ('metrics.read'); GET and POST (Grafana posts forms) alike.
  ...(['GET', 'POST'] as const).flatMap((method): Row[] => [
    {
      route: `${method} /api/v1/prom/query`,
      call: () => ({ method, url: '/api/v1/prom/query?query=1%2B1&time=1700000000' }),
      expect: byRule((a) => canMonitor(a, 'metrics.read')),
    },
    {
      route: `${method} /api/v1/prom/query_range`,
      call: () => ({
        method,
        url: '/api/v1/prom/query_range?query=1&start=1700000000&end=1700000060&step=15',
      }),
      expect: byRule((a) => canMonitor(a, 'metrics.read')),
    },
    {
      route: `${method} /api/v1/prom/series`,
      call: () => ({ method, url: '/api/v1/prom/series?match[]=up' }),
      expect: byRule((a) => canMonitor(a, 'metrics.read')),
    },
    {
      route: `${method} /api/v1/prom/labels`,
      call: () => ({ method, url: '/api/v1/prom/labels' }),
      expect: byRule((a) => canMonitor(a, 'metrics.read')),
    },
  ]),
  {
    route: 'GET /api/v1/prom/label/:name/values',
    call: () => ({ method: 'GET', url: '/api/v1/prom/label/job/values' }),
    expect: byRule((a) => canMonitor(a, 'metrics.read')),
  },
  {
    route: 'GET /api/v1/prom/metadata',
    call: () => ({ method: 'GET', url: '/api/v1/prom/metadata' }),
    expect: byRule((a) => canMonitor(a, 'metrics.read')),
  },
  {
    route: 'GET /api/v1/prom/status/buildinfo',
    call: () => ({ method: 'GET', url: '/api/v1/prom/status/buildinfo' }),
    expect: byRule((a) => canMonitor(a, 'metrics.read')),
  },

  // -- monitoring: scrapes and remote-write --
  ...((): Row[] => {
    const monitor = (action: Parameters<typeof canMonitor>[1], allowed: Outcome = 'ok') =>
      byRule((a) => canMonitor(a, action), 403, allowed);
    const base = '/api/v1/monitoring/scrape-targets';
    // Port 9 (discard) on loopback: nothing listens, so a scrape fails fast and says why.
    const body = () => ({ url: `http://127.0.0.1:9/metrics?n=${unique()}`, job: 'permissions' });
    const made = new WeakMap<Fixture, number>();
    const target = async (f: Fixture) => {
      if (!made.has(f)) made.set(f, (await as(f, 'admin', 'POST', base, body())).id);
      return made.get(f) as number;
    };
    return [
      { route: `GET ${base}`, call: () => ({ method: 'GET', url: base }), expect: monitor('target.read') },
      {
        route: `POST ${base}`,
        call: () => ({ method: 'POST', url: base, body: body() }),
        expect: monitor('target.manage'),
      },
      {
        route: `GET ${base}/:id`,
        call: async (f) => ({ method: 'GET', url: `${base}/${await target(f)}` }),
        expect: monitor('target.read'),
      },
      {
        route: `PATCH ${base}/:id`,
        call: async (f) => ({
          method: 'PATCH',
          url: `${base}/${await target(f)}`,
          body: { intervalSeconds: 30 },
        }),
        expect: monitor('target.manage'),
      },
      {
        route: `DELETE ${base}/:id`,
        call: async (f) => ({
          method: 'DELETE',
          url: `${base}/${(await as(f, 'admin', 'POST', base, body())).id}`,
        }),
        expect: monitor('target.manage'),
      },
      {
        route: `POST ${base}/:id/scrape`,
        call: async (f) => ({ method: 'POST', url: `${base}/${await target(f)}/scrape` }),
        expect: monitor('target.manage'),
      },
      {
        // A JSON body is no remote-write payload: past authentication and the rule, staff get 415.
        route: 'POST /api/v1/prom/write',
        call: () => ({ method: 'POST', url: '/api/v1/prom/write', body: {} }),
        expect: monitor('metrics.write', 415),
      },
    ];
  })(),

  // -- monitoring: targets, checks, maintenance, heartbeats --
  ...(() => {
    const monitor = (action: Parameters<typeof canMonitor>[1]) => byRule((a) => canMonitor(a, action));
    const targetBody = () => ({ name: `Target ${unique()}`, kind: 'host', tags: ['site:hq'] });
    const checkBody = {
      name: 'ping',
      spec: { kind: 'tcp', host: '127.0.0.1', port: 9 },
      intervalSeconds: 60,
      timeoutSeconds: 5,
    };
    const newTarget = async (f: Fixture) =>
      (await as(f, 'admin', 'POST', '/api/v1/monitoring/targets', targetBody())).id as number;
    const newCheck = async (f: Fixture) =>
      (await as(f, 'admin', 'POST', `/api/v1/monitoring/targets/${await newTarget(f)}/checks`, checkBody))
        .id as number;
    const newWindow = async (f: Fixture) =>
      (
        await as(f, 'admin', 'POST', '/api/v1/monitoring/maintenance-windows', {
          name: `Window ${unique()}`,
          startsAt: '2026-04-01T00:00:00Z',
          endsAt: '2026-04-01T02:00:00Z',
        })
      ).id as number;
    const made = new WeakMap<Fixture, { target: number; check: number; window: number; token: string }>();
    const shared = async (f: Fixture) => {
      if (!made.has(f)) {
        const target = await newTarget(f);
        const check = (await as(f, 'admin', 'POST', `/api/v1/monitoring/targets/${target}/checks`, checkBody))
          .id;
        const beat = await as(f, 'admin', 'POST', `/api/v1/monitoring/targets/${target}/checks`, {
          name: 'nightly',
          spec: { kind: 'heartbeat' },
          intervalSeconds: 3600,
          timeoutSeconds: 1,
        });
        made.set(f, { target, check, window: await newWindow(f), token: beat.heartbeatToken });
      }
      return made.get(f) as { target: number; check: number; window: number; token: string };
    };
    const rows: Row[] = [
      {
        route: 'GET /api/v1/monitoring/targets',
        call: () => ({ method: 'GET', url: '/api/v1/monitoring/targets' }),
        expect: monitor('target.read'),
      },
      {
        route: 'POST /api/v1/monitoring/targets',
        call: () => ({ method: 'POST', url: '/api/v1/monitoring/targets', body: targetBody() }),
        expect: monitor('target.manage'),
      },
      {
        route: 'GET /api/v1/monitoring/targets/:id',
        call: async (f) => ({ method: 'GET', url: `/api/v1/monitoring/targets/${(await shared(f)).target}` }),
        expect: monitor('target.read'),
      },
      {
        route: 'PATCH /api/v1/monitoring/targets/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/monitoring/targets/${(await shared(f)).target}`,
          body: { description: 'core switch' },
        }),
        expect: monitor('target.manage'),
      },
      {
        route: 'DELETE /api/v1/monitoring/targets/:id',
        call: async (f) => ({ method: 'DELETE', url: `/api/v1/monitoring/targets/${await newTarget(f)}` }),
        expect: monitor('target.manage'),
      },
      {
        route: 'GET /api/v1/monitoring/targets/:id/checks',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/monitoring/targets/${(await shared(f)).target}/checks`,
        }),
        expect: monitor('target.read'),
      },
      {
        route: 'POST /api/v1/monitoring/targets/:id/checks',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/monitoring/targets/${(await shared(f)).target}/checks`,
          body: checkBody,
        }),
        expect: monitor('target.manage'),
      },
      {
        route: 'GET /api/v1/monitoring/checks/:id',
        call: async (f) => ({ method: 'GET', url: `/api/v1/monitoring/checks/${(await shared(f)).check}` }),
        expect: monitor('target.read'),
      },
      {
        route: 'PATCH /api/v1/monitoring/checks/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/monitoring/checks/${(await shared(f)).check}`,
          body: { retries: 1 },
        }),
        expect: monitor('target.manage'),
      },
      {
        route: 'DELETE /api/v1/monitoring/checks/:id',
        call: async (f) => ({ method: 'DELETE', url: `/api/v1/monitoring/checks/${await newCheck(f)}` }),
        expect: monitor('target.manage'),
      },
      {
        route: 'POST /api/v1/monitoring/checks/:id/heartbeat-token',
        call: async (f) => {
          const beat = await as(
            f,
            'admin',
            'POST',
            `/api/v1/monitoring/targets/${await newTarget(f)}/checks`,
            {
              name: 'nightly',
              spec: { kind: 'heartbeat' },
              intervalSeconds: 3600,
              timeoutSeconds: 1,
            },
          );
          return { method: 'POST', url: `/api/v1/monitoring/checks/${beat.id}/heartbeat-token` };
        },
        expect: monitor('target.manage'),
      },
      {
        route: 'POST /api/v1/monitoring/checks/:id/run',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/monitoring/checks/${(await shared(f)).check}/run`,
        }),
        expect: monitor('target.manage'),
      },
      {
        route: 'GET /api/v1/monitoring/checks/:id/history',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/monitoring/checks/${(await shared(f)).check}/history`,
        }),
        expect: monitor('target.read'),
      },
      {
        route: 'GET /api/v1/monitoring/board',
        call: () => ({ method: 'GET', url: '/api/v1/monitoring/board' }),
        expect: monitor('target.read'),
      },
      {
        route: 'GET /api/v1/monitoring/maintenance-windows',
        call: () => ({ method: 'GET', url: '/api/v1/monitoring/maintenance-windows' }),
        expect: monitor('target.read'),
      },
      {
        route: 'POST /api/v1/monitoring/maintenance-windows',
        call: () => ({
          method: 'POST',
          url: '/api/v1/monitoring/maintenance-windows',
          body: {
            name: 'Patch night',
            startsAt: '2026-04-05T01:00:00Z',
            rrule: 'FREQ=WEEKLY;BYDAY=SU',
            timeZone: 'Europe/Berlin',
            durationMinutes: 120,
          },
        }),
        expect: monitor('target.manage'),
      },
      {
        route: 'GET /api/v1/monitoring/maintenance-windows/:id',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/monitoring/maintenance-windows/${(await shared(f)).window}`,
        }),
        expect: monitor('target.read'),
      },
      {
        route: 'PATCH /api/v1/monitoring/maintenance-windows/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/monitoring/maintenance-windows/${(await shared(f)).window}`,
          body: { description: 'firmware' },
        }),
        expect: monitor('target.manage'),
      },
      {
        route: 'DELETE /api/v1/monitoring/maintenance-windows/:id',
        call: async (f) => ({
          method: 'DELETE',
          url: `/api/v1/monitoring/maintenance-windows/${await newWindow(f)}`,
        }),
        expect: monitor('target.manage'),
      },
      // The push URL needs no sign-in: its token is the secret.
      {
        route: 'GET /api/v1/heartbeats/:token',
        call: async (f) => ({ method: 'GET', url: `/api/v1/heartbeats/${(await shared(f)).token}` }),
        expect: everyone(),
      },
      {
        route: 'POST /api/v1/heartbeats/:token',
        call: async (f) => ({ method: 'POST', url: `/api/v1/heartbeats/${(await shared(f)).token}` }),
        expect: everyone(),
      },
    ];
    return rows;
  })(),

  // -- monitoring: alert rules and the Alertmanager receiver --
  // Check rules and selectors: they need no PromQL, so the table runs before the PromQL part lands.
  {
    route: 'GET /api/v1/monitoring/rules',
    call: () => ({ method: 'GET', url: '/api/v1/monitoring/rules' }),
    expect: byRule((a) => canMonitor(a, 'rule.read')),
  },
  {
    route: 'POST /api/v1/monitoring/rules',
    call: () => ({ method: 'POST', url: '/api/v1/monitoring/rules', body: checkRuleBody() }),
    expect: byRule((a) => canMonitor(a, 'rule.manage')),
  },
  {
    route: 'POST /api/v1/monitoring/rules/preview',
    call: () => ({
      method: 'POST',
      url: '/api/v1/monitoring/rules/preview',
      body: { check: { targetId: 1, downAfter: 1 } },
    }),
    expect: byRule((a) => canMonitor(a, 'rule.read')),
  },
  {
    route: 'GET /api/v1/monitoring/rules/:id',
    call: async (f) => ({
      method: 'GET',
      url: `/api/v1/monitoring/rules/${(await as(f, 'admin', 'POST', '/api/v1/monitoring/rules', checkRuleBody())).id}`,
    }),
    expect: byRule((a) => canMonitor(a, 'rule.read')),
  },
  {
    route: 'PATCH /api/v1/monitoring/rules/:id',
    call: async (f) => ({
      method: 'PATCH',
      url: `/api/v1/monitoring/rules/${(await as(f, 'admin', 'POST', '/api/v1/monitoring/rules', checkRuleBody())).id}`,
      body: { forSeconds: 60 },
    }),
    expect: byRule((a) => canMonitor(a, 'rule.manage')),
  },
  {
    route: 'DELETE /api/v1/monitoring/rules/:id',
    call: async (f) => ({
      method: 'DELETE',
      url: `/api/v1/monitoring/rules/${(await as(f, 'admin', 'POST', '/api/v1/monitoring/rules', checkRuleBody())).id}`,
    }),
    expect: byRule((a) => canMonitor(a, 'rule.manage')),
  },
  {
    route: 'GET /api/v1/prom/rules',
    call: () => ({ method: 'GET', url: '/api/v1/prom/rules' }),
    expect: byRule((a) => canMonitor(a, 'rule.read')),
  },
  {
    route: 'GET /api/v1/prom/alerts',
    call: () => ({ method: 'GET', url: '/api/v1/prom/alerts' }),
    expect: byRule((a) => canMonitor(a, 'rule.read')),
  },
  {
    route: 'POST /api/v1/alertmanager/webhook',
    call: () => ({ method: 'POST', url: '/api/v1/alertmanager/webhook', body: { version: '4', alerts: [] } }),
    expect: byRule((a) => canMonitor(a, 'alert.ingest')),
  },
  {
    route: 'POST /api/v1/alertmanager/api/v2/alerts',
    call: () => ({ method: 'POST', url: '/api/v1/alertmanager/api/v2/alerts', body: [] }),
    expect: byRule((a) => canMonitor(a, 'alert.ingest')),
  },

  // -- monitoring: alerts, routing, silences --
  ...(() => {
    const monitor = (action: Parameters<typeof canMonitor>[1]) => byRule((a) => canMonitor(a, action));
    const silenceBody = () => ({
      matchers: [`alertname="Perm${unique()}"`],
      endsAt: '2026-03-03T09:00:00Z',
      comment: 'maintenance',
    });
    const made = new WeakMap<Fixture, number>();
    const silence = async (f: Fixture) => {
      if (!made.has(f))
        made.set(f, (await as(f, 'admin', 'POST', '/api/v1/monitoring/silences', silenceBody())).id);
      return made.get(f) as number;
    };
    const rows: Row[] = [
      {
        route: 'GET /api/v1/monitoring/alerts',
        call: () => ({ method: 'GET', url: '/api/v1/monitoring/alerts' }),
        expect: monitor('alert.read'),
      },
      {
        route: 'GET /api/v1/monitoring/alert-groups',
        call: () => ({ method: 'GET', url: '/api/v1/monitoring/alert-groups' }),
        expect: monitor('alert.read'),
      },
      {
        route: 'GET /api/v1/monitoring/silences',
        call: () => ({ method: 'GET', url: '/api/v1/monitoring/silences' }),
        expect: monitor('alert.read'),
      },
      {
        route: 'POST /api/v1/monitoring/silences',
        call: () => ({ method: 'POST', url: '/api/v1/monitoring/silences', body: silenceBody() }),
        expect: monitor('silence.manage'),
      },
      {
        route: 'POST /api/v1/monitoring/silences/:id/expire',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/monitoring/silences/${await silence(f)}/expire`,
        }),
        expect: monitor('silence.manage'),
      },
      {
        route: 'GET /api/v1/monitoring/alert-routing',
        call: () => ({ method: 'GET', url: '/api/v1/monitoring/alert-routing' }),
        expect: monitor('routing.manage'),
      },
      {
        route: 'PUT /api/v1/monitoring/alert-routing',
        call: () => ({
          method: 'PUT',
          url: '/api/v1/monitoring/alert-routing',
          body: defaultRoutingDocument,
        }),
        expect: monitor('routing.manage'),
      },
    ];
    return rows;
  })(),

  // -- monitoring: status pages --
  // Readers: a public page and its subscriptions are anyone's; confirm and unsubscribe links carry their own
  // check (the token). The banner is any signed-in user's; pages and announcements are managers' work.
  ...(() => {
    const statusPage = byRule((a) => canMonitor(a, 'statuspage.manage'));
    const made = new WeakMap<Fixture, number>();
    async function permPage(f: Fixture): Promise<number> {
      let id = made.get(f);
      if (id === undefined) {
        id = (
          await as(f, 'admin', 'POST', '/api/v1/monitoring/status-pages', {
            slug: 'perm-page',
            title: 'Permissions page',
            audience: 'public',
          })
        ).id as number;
        made.set(f, id);
      }
      return id;
    }
    const rows: Row[] = [
      {
        route: 'GET /api/v1/status-pages/:slug',
        case: 'a public page: anyone',
        call: async (f) => {
          await permPage(f);
          return { method: 'GET', url: '/api/v1/status-pages/perm-page' };
        },
        expect: everyone(),
      },
      {
        route: 'POST /api/v1/status-pages/:slug/subscriptions',
        case: 'by mail to a public page: anyone',
        call: async (f, who) => {
          await permPage(f);
          return {
            method: 'POST',
            url: '/api/v1/status-pages/perm-page/subscriptions',
            body: { kind: 'mail', email: `${who.toLowerCase()}-${unique()}@example.org` },
          };
        },
        expect: everyone(),
      },
      {
        route: 'POST /api/v1/status-pages/subscriptions/confirm',
        case: 'a token this service never issued: anyone may try, no one gets in',
        call: () => ({
          method: 'POST',
          url: '/api/v1/status-pages/subscriptions/confirm',
          body: { token: 'never-issued-token-123' },
        }),
        expect: everyone(400),
      },
      {
        route: 'POST /api/v1/status-pages/subscriptions/unsubscribe',
        case: 'a token this service never issued: anyone may try, no one gets in',
        call: () => ({
          method: 'POST',
          url: '/api/v1/status-pages/subscriptions/unsubscribe',
          body: { token: 'never-issued-token-123' },
        }),
        expect: everyone(400),
      },
      {
        route: 'GET /api/v1/portal/banner',
        call: () => ({ method: 'GET', url: '/api/v1/portal/banner' }),
        expect: signedIn,
      },
      {
        route: 'GET /api/v1/monitoring/status-pages',
        call: () => ({ method: 'GET', url: '/api/v1/monitoring/status-pages' }),
        expect: statusPage,
      },
      {
        route: 'POST /api/v1/monitoring/status-pages',
        call: () => ({
          method: 'POST',
          url: '/api/v1/monitoring/status-pages',
          body: { slug: `p-${unique()}`, title: 'Made', audience: 'signed_in' },
        }),
        expect: statusPage,
      },
      {
        route: 'GET /api/v1/monitoring/status-pages/:id',
        call: async (f) => ({ method: 'GET', url: `/api/v1/monitoring/status-pages/${await permPage(f)}` }),
        expect: statusPage,
      },
      {
        route: 'PATCH /api/v1/monitoring/status-pages/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/monitoring/status-pages/${await permPage(f)}`,
          body: { description: 'Changed' },
        }),
        expect: statusPage,
      },
      {
        route: 'DELETE /api/v1/monitoring/status-pages/:id',
        call: async (f) => {
          const page = await as(f, 'admin', 'POST', '/api/v1/monitoring/status-pages', {
            slug: `gone-${unique()}`,
            title: 'Gone',
            audience: 'public',
          });
          return { method: 'DELETE', url: `/api/v1/monitoring/status-pages/${page.id}` };
        },
        expect: statusPage,
      },
      {
        route: 'GET /api/v1/monitoring/status-pages/:id/incidents',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/monitoring/status-pages/${await permPage(f)}/incidents`,
        }),
        expect: statusPage,
      },
      {
        route: 'POST /api/v1/monitoring/status-pages/:id/incidents',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/monitoring/status-pages/${await permPage(f)}/incidents`,
          body: { title: `Slow ${unique()}`, impact: 'minor', message: 'Looking.', componentIds: [] },
        }),
        expect: statusPage,
      },
      {
        route: 'POST /api/v1/monitoring/status-pages/:id/maintenance-announcements',
        case: 'a window that covers none of the page’s components: managers learn so (404)',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/monitoring/status-pages/${await permPage(f)}/maintenance-announcements`,
          body: { windowId: 1 },
        }),
        expect: byRule((a) => canMonitor(a, 'statuspage.manage'), 403, 404),
      },
      {
        route: 'POST /api/v1/monitoring/status-pages/:id/incidents/:incidentId/updates',
        call: async (f) => {
          const id = await permPage(f);
          const posted = await as(f, 'admin', 'POST', `/api/v1/monitoring/status-pages/${id}/incidents`, {
            title: `Down ${unique()}`,
            impact: 'major',
            message: 'Looking.',
            componentIds: [],
          });
          return {
            method: 'POST',
            url: `/api/v1/monitoring/status-pages/${id}/incidents/${posted.id}/updates`,
            body: { message: 'Found it.', state: 'identified' },
          };
        },
        expect: statusPage,
      },
    ];
    return rows;
  })(),

  // -- logs: store --
  ...((): Row[] => {
    const logs = (action: Parameters<typeof canLogs>[1]) => byRule((a) => canLogs(a, action));
    /**
     * A fresh pattern: a unique message sent by the admin, found by its text. One word of letters only: the miner
     * takes a word with digits for a variable, and generalises a word that varies between longer messages alike.
     */
    const pattern = async (f: Fixture): Promise<string> => {
      const word = `perm${unique()
        .replace(/\d/g, (d) => 'abcdefghij'[Number(d)] as string)
        .replace('-', 'x')}`;
      await as(f, 'admin', 'POST', '/api/v1/logs', [{ message: word }]);
      const list = await as(f, 'admin', 'GET', `/api/v1/logs/patterns?q=${word}`);
      return list.items[0].id as string;
    };
    return [
      {
        route: 'POST /api/v1/logs',
        call: () => ({ method: 'POST', url: '/api/v1/logs', body: [{ message: 'permissions table line' }] }),
        expect: logs('logs.write'),
      },
      {
        route: 'GET /api/v1/logs',
        call: () => ({ method: 'GET', url: '/api/v1/logs?q=permissions&limit=5' }),
        expect: logs('logs.read'),
      },
      {
        route: 'GET /api/v1/logs/histogram',
        call: () => ({ method: 'GET', url: '/api/v1/logs/histogram?severity=err' }),
        expect: logs('logs.read'),
      },
      {
        route: 'GET /api/v1/logs/tail',
        call: () => ({ method: 'GET', url: '/api/v1/logs/tail?host=nowhere' }),
        expect: logs('logs.read'),
        stream: true,
      },
      {
        route: 'GET /api/v1/logs/patterns',
        call: () => ({ method: 'GET', url: '/api/v1/logs/patterns' }),
        expect: logs('logs.read'),
      },
      {
        route: 'GET /api/v1/logs/patterns/:id',
        call: async (f) => ({ method: 'GET', url: `/api/v1/logs/patterns/${await pattern(f)}` }),
        expect: logs('logs.read'),
      },
      {
        route: 'PATCH /api/v1/logs/patterns/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/logs/patterns/${await pattern(f)}`,
          body: { name: 'Named by the table' },
        }),
        expect: logs('pattern.manage'),
      },
      {
        route: 'POST /api/v1/logs/patterns/:id/merge',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/logs/patterns/${await pattern(f)}/merge`,
          body: { into: await pattern(f) },
        }),
        expect: logs('pattern.manage'),
      },
    ];
  })(),

  // -- logs: intelligence --
  // Log context and pattern rates are staff's (canLogs 'logs.read'); a ticket's context first asks whether the
  // caller may see the ticket (another requester's: 404), an incident's also the incidents' read rule.
  ...(() => {
    const logsRead = (extra: (a: Actor) => boolean = () => true) =>
      byRule((a) => canLogs(a, 'logs.read') && extra(a));
    const onTicketLogs = logsRead();
    for (const who of signedInWhos)
      if (!canTicket(cast[who], 'ticket.read', ownersTicket)) onTicketLogs[who] = 404;
    const incidents = new WeakMap<Fixture, number>();
    async function logIncident(f: Fixture): Promise<number> {
      let id = incidents.get(f);
      if (id === undefined) {
        const policy = await as(f, 'admin', 'POST', '/api/v1/escalation-policies', {
          name: `Logs ${unique()}`,
          steps: [{ targets: [{ kind: 'user', id: f.ids.technician }], delayMinutes: 5 }],
        });
        const service = await as(f, 'admin', 'POST', '/api/v1/services', {
          name: `Logs ${unique()}`,
          escalationPolicyId: policy.id,
        });
        id = (await as(f, 'admin', 'POST', '/api/v1/incidents', { serviceId: service.id, summary: 'Logs' }))
          .id as number;
        incidents.set(f, id);
      }
      return id;
    }
    const rows: Row[] = [
      {
        route: 'GET /api/v1/tickets/:id/log-patterns',
        call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/log-patterns` }),
        expect: onTicketLogs,
      },
      {
        route: 'GET /api/v1/incidents/:id/log-patterns',
        call: async (f) => ({ method: 'GET', url: `/api/v1/incidents/${await logIncident(f)}/log-patterns` }),
        expect: logsRead((a) => canOncall(a, 'incident.read')),
      },
      {
        route: 'GET /api/v1/logs/pattern-rates',
        call: () => ({ method: 'GET', url: '/api/v1/logs/pattern-rates' }),
        expect: logsRead(),
      },
    ];
    return rows;
  })(),
  // -- knowledge base --
  ...(() => {
    const kb = (action: KnowledgeAction, denied: Outcome = 403, allowed: Outcome = 'ok') =>
      byRule((a) => canKnowledge(a, action), denied, allowed);
    const article = async (f: Fixture, audience: ArticleAudience, status: ArticleStatus) =>
      (
        await as(f, 'admin', 'POST', '/api/v1/articles', {
          title: `Article ${unique()}`,
          body: 'Restart the VPN client.\n',
          kind: 'faq',
          audience,
          status: status === 'archived' ? 'published' : status,
        })
      ).id as number;
    const edited = async (f: Fixture, audience: ArticleAudience) => {
      const id = await article(f, audience, 'published');
      await as(f, 'admin', 'PATCH', `/api/v1/articles/${id}`, {
        baseVersion: 1,
        body: 'Reinstall the VPN client.\n',
      });
      return id;
    };
    const staffOnArticle = (audience: ArticleAudience, status: ArticleStatus) =>
      onArticle(audience, status, (a) => canKnowledge(a, 'article.versions', { audience, status }));
    const rows: Row[] = [
      {
        route: 'GET /api/v1/articles',
        call: () => ({ method: 'GET', url: '/api/v1/articles?q=vpn' }),
        expect: signedIn,
      },
      {
        route: 'GET /api/v1/articles/suggest',
        call: () => ({ method: 'GET', url: '/api/v1/articles/suggest?text=vpn%20drops' }),
        expect: signedIn,
      },
      {
        route: 'POST /api/v1/articles',
        call: () => ({
          method: 'POST',
          url: '/api/v1/articles',
          body: { title: `Draft ${unique()}`, body: 'x', kind: 'guide', audience: 'public' },
        }),
        expect: kb('article.write'),
      },
      {
        route: 'POST /api/v1/articles/preview',
        call: () => ({ method: 'POST', url: '/api/v1/articles/preview', body: { body: '# Hi' } }),
        expect: signedIn,
      },
      {
        route: 'GET /api/v1/articles/:id',
        case: 'a published public article',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/articles/${await article(f, 'public', 'published')}`,
        }),
        expect: signedIn,
      },
      {
        route: 'GET /api/v1/articles/:id',
        case: 'an internal article',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/articles/${await article(f, 'internal', 'published')}`,
        }),
        expect: onArticle('internal', 'published', () => true),
      },
      {
        route: 'GET /api/v1/articles/:id',
        case: "a managers' article",
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/articles/${await article(f, 'managers', 'published')}`,
        }),
        expect: onArticle('managers', 'published', () => true),
      },
      {
        route: 'GET /api/v1/articles/:id',
        case: 'a public draft',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/articles/${await article(f, 'public', 'draft')}`,
        }),
        expect: onArticle('public', 'draft', () => true),
      },
      {
        route: 'PATCH /api/v1/articles/:id',
        case: 'a published public article',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/articles/${await article(f, 'public', 'published')}`,
          body: { baseVersion: 1, title: `Edited ${unique()}` },
        }),
        expect: onArticle('public', 'published', (a) => canKnowledge(a, 'article.write')),
      },
      {
        route: 'PATCH /api/v1/articles/:id',
        case: 'an internal article',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/articles/${await article(f, 'internal', 'published')}`,
          body: { baseVersion: 1, title: `Edited ${unique()}` },
        }),
        expect: onArticle('internal', 'published', (a) => canKnowledge(a, 'article.write')),
      },
      {
        route: 'PUT /api/v1/articles/:id/status',
        case: 'a draft put up for review',
        call: async (f) => ({
          method: 'PUT',
          url: `/api/v1/articles/${await article(f, 'public', 'draft')}/status`,
          body: { status: 'in_review' },
        }),
        expect: onArticle('public', 'draft', (a) => canKnowledge(a, 'article.write')),
      },
      {
        route: 'PUT /api/v1/articles/:id/status',
        case: 'a published article archived',
        call: async (f) => ({
          method: 'PUT',
          url: `/api/v1/articles/${await article(f, 'public', 'published')}/status`,
          body: { status: 'archived' },
        }),
        expect: onArticle('public', 'published', (a) => canKnowledge(a, 'article.publish')),
      },
      {
        route: 'GET /api/v1/articles/:id/versions',
        case: 'a published public article',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/articles/${await article(f, 'public', 'published')}/versions`,
        }),
        expect: staffOnArticle('public', 'published'),
      },
      {
        route: 'GET /api/v1/articles/:id/versions',
        case: 'an internal article',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/articles/${await article(f, 'internal', 'published')}/versions`,
        }),
        expect: staffOnArticle('internal', 'published'),
      },
      {
        route: 'GET /api/v1/articles/:id/versions/search',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/articles/${await article(f, 'public', 'published')}/versions/search?q=vpn`,
        }),
        expect: staffOnArticle('public', 'published'),
      },
      {
        route: 'GET /api/v1/articles/:id/versions/:version',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/articles/${await article(f, 'internal', 'published')}/versions/1`,
        }),
        expect: staffOnArticle('internal', 'published'),
      },
      {
        route: 'GET /api/v1/articles/:id/diff',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/articles/${await edited(f, 'public')}/diff?from=1&to=2`,
        }),
        expect: staffOnArticle('public', 'published'),
      },
      {
        route: 'POST /api/v1/articles/:id/versions/:version/restore',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/articles/${await edited(f, 'public')}/versions/1/restore`,
        }),
        expect: onArticle('public', 'published', (a) => canKnowledge(a, 'article.write')),
      },
      {
        route: 'POST /api/v1/articles/:id/deflections',
        case: 'a published public article',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/articles/${await article(f, 'public', 'published')}/deflections`,
          body: { text: 'vpn drops' },
        }),
        expect: signedIn,
      },
      {
        route: 'POST /api/v1/articles/:id/deflections',
        case: 'an internal article',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/articles/${await article(f, 'internal', 'published')}/deflections`,
          body: { text: 'vpn drops' },
        }),
        expect: onArticle('internal', 'published', () => true),
      },
      {
        route: 'GET /api/v1/knowledge/gaps',
        call: () => ({ method: 'GET', url: '/api/v1/knowledge/gaps' }),
        expect: kb('kb.reports'),
      },
      {
        route: 'DELETE /api/v1/knowledge/gaps/:id',
        call: () => ({ method: 'DELETE', url: `/api/v1/knowledge/gaps/${noSuchId}` }),
        expect: kb('kb.reports'),
      },
      {
        route: 'GET /api/v1/knowledge/deflections',
        call: () => ({ method: 'GET', url: '/api/v1/knowledge/deflections' }),
        expect: kb('kb.reports'),
      },
      {
        route: 'GET /api/v1/knowledge/categories',
        call: () => ({ method: 'GET', url: '/api/v1/knowledge/categories' }),
        expect: signedIn,
      },
      {
        route: 'POST /api/v1/knowledge/categories',
        call: () => ({
          method: 'POST',
          url: '/api/v1/knowledge/categories',
          body: { name: `KB ${unique()}` },
        }),
        expect: kb('kb.manage'),
      },
      {
        route: 'PUT /api/v1/knowledge/categories/:id',
        call: async (f) => {
          const c = await as(f, 'admin', 'POST', '/api/v1/knowledge/categories', { name: `KB ${unique()}` });
          return {
            method: 'PUT',
            url: `/api/v1/knowledge/categories/${c.id}`,
            body: { name: `KB ${unique()}` },
          };
        },
        expect: kb('kb.manage'),
      },
      {
        route: 'DELETE /api/v1/knowledge/categories/:id',
        call: async (f) => {
          const c = await as(f, 'admin', 'POST', '/api/v1/knowledge/categories', { name: `KB ${unique()}` });
          return { method: 'DELETE', url: `/api/v1/knowledge/categories/${c.id}` };
        },
        expect: kb('kb.manage'),
      },
      {
        route: 'GET /api/v1/tickets/:id/articles',
        call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/articles` }),
        expect: onTicket('ticket.read'),
      },
      {
        route: 'POST /api/v1/tickets/:id/articles',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/tickets/${f.ticketId}/articles`,
          body: { articleId: await article(f, 'public', 'published') },
        }),
        expect: onTicket('ticket.update_fields'),
      },
      {
        route: 'DELETE /api/v1/tickets/:id/articles/:articleId',
        call: async (f) => {
          const articleId = await article(f, 'public', 'published');
          await as(f, 'admin', 'POST', `/api/v1/tickets/${f.ticketId}/articles`, { articleId });
          return { method: 'DELETE', url: `/api/v1/tickets/${f.ticketId}/articles/${articleId}` };
        },
        expect: onTicket('ticket.update_fields'),
      },
      {
        route: 'GET /api/v1/tickets/:id/article-suggestions',
        call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/article-suggestions` }),
        expect: onTicket('ticket.read'),
      },
      {
        route: 'POST /api/v1/tickets/:id/article-draft',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/tickets/${await resolvedTicket(f)}/article-draft`,
        }),
        expect: onTicket('ticket.update_fields'),
      },
    ];
    return rows;
  })(),
  // -- knowledge base: policies and procedures (reviews, acknowledgements, the service agreement) --
  ...(() => {
    /** A published policy owned by the fixture's technician, asking to be acknowledged. */
    const policy = async (f: Fixture, audience: ArticleAudience) =>
      (
        await as(f, 'admin', 'POST', '/api/v1/articles', {
          title: `Policy ${unique()}`,
          body: 'Lock your screen when you leave your desk.\n',
          kind: 'policy',
          audience,
          status: 'published',
          ownerId: f.ids.technician,
          reviewIntervalDays: 365,
          requiresAck: true,
        })
      ).id as number;
    // The owner (the technician here) or a manager/admin records a review.
    const reviewer = (a: Actor) => a === cast.technician || canKnowledge(a, 'article.publish');
    const rows: Row[] = [
      {
        route: 'POST /api/v1/articles/:id/review',
        case: 'a public policy the technician owns',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/articles/${await policy(f, 'public')}/review`,
          body: { note: 'Still right.' },
        }),
        expect: onArticle('public', 'published', reviewer),
      },
      {
        route: 'POST /api/v1/articles/:id/review',
        case: "a managers' policy",
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/articles/${await policy(f, 'managers')}/review`,
          body: {},
        }),
        expect: onArticle('managers', 'published', reviewer),
      },
      {
        route: 'GET /api/v1/knowledge/reviews',
        case: 'every review due',
        call: () => ({ method: 'GET', url: '/api/v1/knowledge/reviews?dueWithinDays=400' }),
        expect: byRule((a) => canKnowledge(a, 'kb.reports')),
      },
      {
        route: 'GET /api/v1/knowledge/reviews',
        case: "the caller's own (staff own policies)",
        call: () => ({ method: 'GET', url: '/api/v1/knowledge/reviews?dueWithinDays=400&mine=true' }),
        expect: byRule((a) => canKnowledge(a, 'article.write')),
      },
      {
        route: 'POST /api/v1/articles/:id/acknowledgement',
        case: 'a public policy',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/articles/${await policy(f, 'public')}/acknowledgement`,
        }),
        expect: signedIn,
      },
      {
        route: 'POST /api/v1/articles/:id/acknowledgement',
        case: 'an internal policy',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/articles/${await policy(f, 'internal')}/acknowledgement`,
        }),
        expect: onArticle('internal', 'published', () => true),
      },
      {
        route: 'GET /api/v1/articles/:id/acknowledgement',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/articles/${await policy(f, 'internal')}/acknowledgement`,
        }),
        expect: onArticle('internal', 'published', () => true),
      },
      {
        route: 'GET /api/v1/articles/:id/acknowledgements',
        case: 'a public policy',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/articles/${await policy(f, 'public')}/acknowledgements`,
        }),
        expect: onArticle('public', 'published', (a) => canKnowledge(a, 'kb.reports')),
      },
      {
        route: 'GET /api/v1/knowledge/service-agreement',
        call: () => ({ method: 'GET', url: '/api/v1/knowledge/service-agreement' }),
        expect: signedIn,
      },
    ];
    return rows;
  })(),
  // -- knowledge base: attachments, import and export, printing --
  ...(() => {
    const transfer = byRule((a) => canKnowledge(a, 'kb.transfer'));
    const writer = (audience: ArticleAudience) =>
      onArticle(audience, 'published', (a) =>
        canKnowledge(a, 'article.write', { audience, status: 'published' }),
      );
    const article = async (f: Fixture, audience: ArticleAudience, status: 'draft' | 'published') =>
      (
        await as(f, 'admin', 'POST', '/api/v1/articles', {
          title: `Printed ${unique()}`,
          body: '# Steps\n\n- Restart the VPN client.\n',
          kind: 'guide',
          audience,
          status,
        })
      ).id as number;
    /** An article of this audience with one attachment, uploaded by the admin. */
    const attached = async (f: Fixture, audience: ArticleAudience) => {
      const id = await article(f, audience, 'published');
      const res = await inject(f, 'admin', {
        method: 'POST',
        url: `/api/v1/articles/${id}/attachments`,
        file: { name: 'steps.txt', type: 'text/plain', content: 'step one' },
      });
      if (res.statusCode !== 201) throw new Error(`setup attachment: ${res.statusCode}`);
      return `/api/v1/articles/${id}/attachments/${(res.json() as { id: number }).id}`;
    };
    const note = { name: 'note.txt', type: 'text/plain', content: 'see the screenshot' };
    const rows: Row[] = [];
    for (const audience of ['public', 'internal'] as const) {
      rows.push(
        {
          route: 'POST /api/v1/articles/:id/attachments',
          case: `a published ${audience} article`,
          call: async (f) => ({
            method: 'POST',
            url: `/api/v1/articles/${await article(f, audience, 'published')}/attachments`,
            file: note,
          }),
          expect: writer(audience),
        },
        {
          route: 'GET /api/v1/articles/:id/attachments',
          case: `a published ${audience} article`,
          call: async (f) => ({
            method: 'GET',
            url: `/api/v1/articles/${await article(f, audience, 'published')}/attachments`,
          }),
          expect: onArticle(audience, 'published', () => true),
        },
        {
          route: 'GET /api/v1/articles/:id/attachments/:attachmentId',
          case: `a published ${audience} article`,
          call: async (f) => ({ method: 'GET', url: await attached(f, audience) }),
          expect: onArticle(audience, 'published', () => true),
        },
        {
          route: 'DELETE /api/v1/articles/:id/attachments/:attachmentId',
          case: `a published ${audience} article`,
          call: async (f) => ({ method: 'DELETE', url: await attached(f, audience) }),
          expect: writer(audience),
        },
      );
    }
    for (const [audience, status] of [
      ['public', 'published'],
      ['public', 'draft'],
      ['internal', 'published'],
    ] as const)
      for (const format of ['print', 'pdf'])
        rows.push({
          route: `GET /api/v1/articles/:id/${format}` as Row['route'],
          case: `a ${status} ${audience} article`,
          call: async (f) => ({
            method: 'GET',
            url: `/api/v1/articles/${await article(f, audience, status)}/${format}`,
          }),
          expect: onArticle(audience, status, () => true),
        });
    rows.push(
      {
        route: 'POST /api/v1/knowledge/import',
        call: () => ({
          method: 'POST',
          url: '/api/v1/knowledge/import',
          file: { name: 'imported.md', type: 'text/markdown', content: '# Imported\n\nText.\n' },
        }),
        expect: transfer,
      },
      {
        route: 'GET /api/v1/knowledge/export',
        call: () => ({ method: 'GET', url: '/api/v1/knowledge/export' }),
        expect: transfer,
      },
    );
    return rows;
  })(),

  // -- notification preferences --
  // One's own: everyone signed in ('preferences.manage_own'); another's (the bystander's): admins
  // ('preferences.manage_any'). The body names a kind every role receives.
  ...((): Row[] => {
    const own = byRule((a) => canMail(a, 'preferences.manage_own'));
    const anyones = byRule((a) => canMail(a, 'preferences.manage_any'));
    const me = '/api/v1/me/notification-preferences';
    const of = (id: number) => `/api/v1/users/${id}/notification-preferences`;
    const ownId = (f: Fixture, who: Who) => (who === 'anonymous' ? f.ids.technician : f.ids[who]);
    const body = {
      preferences: [{ kind: 'comment_added', mode: 'digest' }],
      digest: { time: '07:30', timeZone: 'Europe/Berlin' },
    };
    return [
      {
        route: 'GET /api/v1/me/notification-preferences',
        call: () => ({ method: 'GET', url: me }),
        expect: own,
      },
      {
        route: 'PUT /api/v1/me/notification-preferences',
        call: () => ({ method: 'PUT', url: me, body }),
        expect: own,
      },
      {
        route: 'GET /api/v1/users/:id/notification-preferences',
        case: "one's own",
        call: (f, who) => ({ method: 'GET', url: of(ownId(f, who)) }),
        expect: own,
      },
      {
        route: 'PUT /api/v1/users/:id/notification-preferences',
        case: "one's own",
        call: (f, who) => ({ method: 'PUT', url: of(ownId(f, who)), body }),
        expect: own,
      },
      {
        route: 'GET /api/v1/users/:id/notification-preferences',
        case: "another's",
        call: (f) => ({ method: 'GET', url: of(f.ids.bystander) }),
        expect: anyones,
      },
      {
        route: 'PUT /api/v1/users/:id/notification-preferences',
        case: "another's",
        call: (f) => ({ method: 'PUT', url: of(f.ids.bystander), body }),
        expect: anyones,
      },
    ];
  })(),
  // -- help desk: merge, split and links (each caller acts on a fresh pair of requester A's tickets)
  {
    route: 'POST /api/v1/tickets/:id/merge',
    call: async (f) => {
      const [a, b] = [await anotherOwnersTicket(f), await anotherOwnersTicket(f)];
      return { method: 'POST', url: `/api/v1/tickets/${a}/merge`, body: { intoId: b } };
    },
    expect: onTicket('ticket.merge'),
  },
  {
    route: 'POST /api/v1/tickets/:id/comments/:commentId/split',
    call: async (f) => {
      const c = await as(f, 'owner', 'POST', `/api/v1/tickets/${f.ticketId}/comments`, {
        body: 'Also: the fax',
      });
      return { method: 'POST', url: `/api/v1/tickets/${f.ticketId}/comments/${c.id}/split`, body: {} };
    },
    expect: onTicket('ticket.split'),
  },
  {
    route: 'GET /api/v1/tickets/:id/links',
    call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/links` }),
    expect: onTicket('ticket.read'),
  },
  {
    route: 'POST /api/v1/tickets/:id/links',
    call: async (f) => ({
      method: 'POST',
      url: `/api/v1/tickets/${f.ticketId}/links`,
      body: { kind: 'related', ticketId: await anotherOwnersTicket(f) },
    }),
    expect: onTicket('ticket.link'),
  },
  {
    route: 'DELETE /api/v1/tickets/:id/links/:linkId',
    call: async (f) => {
      const l = await as(f, 'admin', 'POST', `/api/v1/tickets/${f.ticketId}/links`, {
        kind: 'caused_by',
        ticketId: await anotherOwnersTicket(f),
      });
      return { method: 'DELETE', url: `/api/v1/tickets/${f.ticketId}/links/${l.id}` };
    },
    expect: onTicket('ticket.link'),
  },
  {
    route: 'GET /api/v1/settings/ticket-links',
    call: () => ({ method: 'GET', url: '/api/v1/settings/ticket-links' }),
    expect: accounts('settings.read'),
  },
  {
    route: 'PUT /api/v1/settings/ticket-links',
    call: () => ({
      method: 'PUT',
      url: '/api/v1/settings/ticket-links',
      body: { parentWaitsForChildren: true },
    }),
    expect: accounts('settings.manage'),
  },
  // -- macros and templates: staff use them; technicians manage their own, managers and admins the shared --
  ...(() => {
    const use = byRule((a) => canMacros(a, 'macros.use'));
    const manage = (scope: 'user' | 'global') =>
      byRule((a) => canMacros(a, 'macros.manage', { scope, owner_id: a.id, group_id: null }));
    /** On requester A's ticket: hidden (404) from who may not read it, then staff only (403). */
    const onOwnersTicket = () => {
      const e = byRule((a) => canMacros(a, 'macros.use'));
      for (const who of signedInWhos) if (!canTicket(cast[who], 'ticket.read', ownersTicket)) e[who] = 404;
      return e;
    };
    const kinds = [
      ['canned-responses', () => ({ title: `R ${unique()}`, body: 'Hello {{requester.firstName}}' })],
      ['macros', () => ({ name: `M ${unique()}`, actions: [{ type: 'add_tags', tags: ['macro'] }] })],
      ['ticket-templates', () => ({ name: `T ${unique()}`, defaults: { subject: 'Laptop' } })],
    ] as const;
    const global = async (f: Fixture, kind: string, body: object) =>
      (await as(f, 'admin', 'POST', `/api/v1/${kind}`, { ...body, scope: 'global' })).id as number;
    const rows: Row[] = [];
    for (const [kind, body] of kinds) {
      rows.push(
        {
          route: `GET /api/v1/${kind}`,
          call: () => ({ method: 'GET', url: `/api/v1/${kind}` }),
          expect: use,
        },
        {
          route: `POST /api/v1/${kind}`,
          case: 'a personal one',
          call: () => ({ method: 'POST', url: `/api/v1/${kind}`, body: { ...body(), scope: 'user' } }),
          expect: manage('user'),
        },
        {
          route: `POST /api/v1/${kind}`,
          case: 'a global one',
          call: () => ({ method: 'POST', url: `/api/v1/${kind}`, body: { ...body(), scope: 'global' } }),
          expect: manage('global'),
        },
        {
          route: `PATCH /api/v1/${kind}/:id`,
          case: 'a global one',
          call: async (f) => ({
            method: 'PATCH',
            url: `/api/v1/${kind}/${await global(f, kind, body())}`,
            body: kind === 'canned-responses' ? { title: 'Renamed' } : { name: 'Renamed' },
          }),
          expect: manage('global'),
        },
        {
          route: `DELETE /api/v1/${kind}/:id`,
          case: 'a global one',
          call: async (f) => ({ method: 'DELETE', url: `/api/v1/${kind}/${await global(f, kind, body())}` }),
          expect: manage('global'),
        },
      );
    }
    rows.push(
      {
        route: 'GET /api/v1/tickets/:id/canned-responses/:responseId/render',
        case: 'a global response on requester A’s ticket',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/tickets/${f.ticketId}/canned-responses/${await global(f, 'canned-responses', kinds[0][1]())}/render`,
        }),
        expect: onOwnersTicket(),
      },
      {
        route: 'POST /api/v1/tickets/:id/macros/:macroId/apply',
        case: 'a global macro on requester A’s ticket',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/tickets/${f.ticketId}/macros/${await global(f, 'macros', kinds[1][1]())}/apply`,
        }),
        expect: onOwnersTicket(),
      },
    );
    return rows;
  })(),
  // -- exports and the audit log (exports: the list's own rule, every signed-in caller sees what their queue
  // shows; the reports' CSV: the reports' rules; the audit log: canAccounts 'audit.read')
  {
    route: 'GET /api/v1/tickets/export.csv',
    call: () => ({ method: 'GET', url: '/api/v1/tickets/export.csv?status=open' }),
    expect: signedIn,
  },
  {
    route: 'GET /api/v1/tickets/export.csv',
    case: "a problem's incidents (problemId=)",
    call: async (f) => {
      const p = await as(f, 'admin', 'POST', '/api/v1/problems', { title: `Problem ${unique()}` });
      return { method: 'GET', url: `/api/v1/tickets/export.csv?problemId=${p.id}` };
    },
    expect: byRule((a) => canProblem(a, 'problem.read')),
  },
  {
    route: 'GET /api/v1/tickets/export.xlsx',
    call: () => ({ method: 'GET', url: '/api/v1/tickets/export.xlsx?columns=id,title' }),
    expect: signedIn,
  },
  {
    route: 'GET /api/v1/reports/dashboard.csv',
    call: () => ({ method: 'GET', url: '/api/v1/reports/dashboard.csv?section=status' }),
    expect: byRule(canSeeDashboard),
  },
  {
    route: 'GET /api/v1/reports/sla.csv',
    call: () => ({
      method: 'GET',
      url: '/api/v1/reports/sla.csv?from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z&part=breaches',
    }),
    expect: sla('report.read'),
  },
  {
    route: 'GET /api/v1/audit-log',
    call: () => ({ method: 'GET', url: '/api/v1/audit-log?action=user.' }),
    expect: accounts('audit.read'),
  },
  {
    route: 'GET /api/v1/audit-log/export.csv',
    call: () => ({ method: 'GET', url: '/api/v1/audit-log/export.csv' }),
    expect: accounts('audit.read'),
  },
  // -- time tracking --
  ...(() => {
    /** A new ticket of requester A's: each timer row works on its own, so none finds another's timer. */
    const freshTicket = async (f: Fixture) =>
      (await as(f, 'owner', 'POST', '/api/v1/tickets', { title: 'Timed', description: 'x' })).id as number;
    /** A caller's running timer on a fresh ticket of requester A's (requesters cannot start one). */
    const runningTimer = async (f: Fixture, who: Who) => {
      const id = await freshTicket(f);
      if (who !== 'anonymous' && canTicket(cast[who], 'time.log', ownersTicket))
        await as(f, who, 'POST', `/api/v1/tickets/${id}/timer/start`);
      return id;
    };
    /** The technician's entry on requester A's ticket: its owner, managers and admins change it. */
    const techEntry = async (f: Fixture) =>
      (await as(f, 'technician', 'POST', `/api/v1/tickets/${f.ticketId}/time-entries`, { minutes: 5 }))
        .id as number;
    const onEntry = (): Expect => {
      const e = onTicket('time.log');
      for (const who of signedInWhos)
        if (e[who] === 'ok' && who !== 'technician' && !canTicket(cast[who], 'time.manage_any')) e[who] = 403;
      return e;
    };
    const rows: Row[] = [
      {
        route: 'GET /api/v1/tickets/:id/time-entries',
        call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/time-entries` }),
        expect: onTicket('time.read'),
      },
      {
        route: 'POST /api/v1/tickets/:id/time-entries',
        call: (f) => ({
          method: 'POST',
          url: `/api/v1/tickets/${f.ticketId}/time-entries`,
          body: { minutes: 5 },
        }),
        expect: onTicket('time.log'),
      },
      {
        route: 'PATCH /api/v1/time-entries/:id',
        case: "the technician's entry",
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/time-entries/${await techEntry(f)}`,
          body: { minutes: 7 },
        }),
        expect: onEntry(),
      },
      {
        route: 'DELETE /api/v1/time-entries/:id',
        case: "the technician's entry",
        call: async (f) => ({ method: 'DELETE', url: `/api/v1/time-entries/${await techEntry(f)}` }),
        expect: onEntry(),
      },
      {
        route: 'POST /api/v1/tickets/:id/timer/start',
        call: async (f) => ({ method: 'POST', url: `/api/v1/tickets/${await freshTicket(f)}/timer/start` }),
        expect: onTicket('time.log'),
      },
      {
        route: 'POST /api/v1/tickets/:id/timer/stop',
        case: "the caller's running timer",
        call: async (f, who) => ({
          method: 'POST',
          url: `/api/v1/tickets/${await runningTimer(f, who)}/timer/stop`,
          body: {},
        }),
        expect: onTicket('time.log'),
      },
      {
        route: 'DELETE /api/v1/tickets/:id/timer',
        case: "the caller's running timer",
        call: async (f, who) => ({
          method: 'DELETE',
          url: `/api/v1/tickets/${await runningTimer(f, who)}/timer`,
        }),
        expect: onTicket('time.log'),
      },
      {
        route: 'GET /api/v1/reports/time',
        call: () => ({ method: 'GET', url: '/api/v1/reports/time?groupBy=category' }),
        expect: byRule((a) => canTicket(a, 'time.report')),
      },
      {
        route: 'GET /api/v1/settings/time-tracking',
        call: () => ({ method: 'GET', url: '/api/v1/settings/time-tracking' }),
        expect: accounts('settings.read'),
      },
      {
        route: 'PUT /api/v1/settings/time-tracking',
        // Off, as it is: the other rows resolve tickets without logging time.
        call: () => ({
          method: 'PUT',
          url: '/api/v1/settings/time-tracking',
          body: { requiredOnResolve: false },
        }),
        expect: accounts('settings.manage'),
      },
    ];
    return rows;
  })(),
  // -- service catalogue and custom fields --
  ...(() => {
    const manage = byRule((a) => canCatalog(a, 'catalog.manage'));
    const field = async (f: Fixture) =>
      (
        await as(f, 'admin', 'POST', '/api/v1/custom-fields', {
          key: `f_${unique().replace('-', '_')}`,
          label: 'Asset tag',
          type: 'text',
        })
      ).id as number;
    const requestType = async (f: Fixture, audience: 'everyone' | 'staff') =>
      (
        await as(f, 'admin', 'POST', '/api/v1/request-types', {
          name: `Request ${unique()}`,
          audience,
          fields: [{ fieldId: await field(f), required: false }],
        })
      ).id as number;
    const rows: Row[] = [
      {
        route: 'GET /api/v1/catalog',
        call: () => ({ method: 'GET', url: '/api/v1/catalog' }),
        expect: signedIn,
      },
      ...(['everyone', 'staff'] as const).map(
        (audience): Row => ({
          route: 'POST /api/v1/catalog/:id/requests',
          case: `a request type for ${audience}`,
          call: async (f) => ({
            method: 'POST',
            url: `/api/v1/catalog/${await requestType(f, audience)}/requests`,
            body: { fields: {} },
          }),
          // Hidden (404) from who may not use it.
          expect: byRule((a) => mayUseRequestType(a, audience), 404),
        }),
      ),
      {
        route: 'GET /api/v1/custom-fields',
        call: () => ({ method: 'GET', url: '/api/v1/custom-fields' }),
        expect: signedIn,
      },
      {
        route: 'POST /api/v1/custom-fields',
        call: () => ({
          method: 'POST',
          url: '/api/v1/custom-fields',
          body: { key: `k_${unique().replace('-', '_')}`, label: 'Room', type: 'text' },
        }),
        expect: manage,
      },
      {
        route: 'PATCH /api/v1/custom-fields/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/custom-fields/${await field(f)}`,
          body: { label: 'Room' },
        }),
        expect: manage,
      },
      {
        route: 'GET /api/v1/request-types',
        call: () => ({ method: 'GET', url: '/api/v1/request-types' }),
        expect: manage,
      },
      {
        route: 'POST /api/v1/request-types',
        call: () => ({ method: 'POST', url: '/api/v1/request-types', body: { name: `Type ${unique()}` } }),
        expect: manage,
      },
      {
        route: 'GET /api/v1/request-types/:id',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/request-types/${await requestType(f, 'everyone')}`,
        }),
        expect: manage,
      },
      {
        route: 'PATCH /api/v1/request-types/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/request-types/${await requestType(f, 'everyone')}`,
          body: { description: 'Changed' },
        }),
        expect: manage,
      },
    ];
    return rows;
  })(),
  // -- problem management: staff read, write, link and resolve; managers and admins close --
  ...(() => {
    const read = byRule((a) => canProblem(a, 'problem.read'));
    const write = byRule((a) => canProblem(a, 'problem.write'));
    /** On requester A's ticket: hidden (404) from who may not read it, then the problem rule (403). */
    const onOwnersTicket = (action: ProblemAction) => {
      const e = byRule((a) => canProblem(a, action));
      for (const who of signedInWhos) if (!canTicket(cast[who], 'ticket.read', ownersTicket)) e[who] = 404;
      return e;
    };
    /** A fresh problem (the admin's), optionally with a fresh ticket of requester A's linked. */
    const problem = async (f: Fixture, body: Record<string, unknown> = {}) =>
      (await as(f, 'admin', 'POST', '/api/v1/problems', { title: `Problem ${unique()}`, ...body })) as {
        id: number;
        incidentIds: number[];
      };
    const rows: Row[] = [
      {
        route: 'GET /api/v1/problems',
        call: () => ({ method: 'GET', url: '/api/v1/problems' }),
        expect: read,
      },
      {
        route: 'POST /api/v1/problems',
        call: () => ({ method: 'POST', url: '/api/v1/problems', body: { title: `Problem ${unique()}` } }),
        expect: write,
      },
      {
        route: 'GET /api/v1/problems/:id',
        call: async (f) => ({ method: 'GET', url: `/api/v1/problems/${(await problem(f)).id}` }),
        expect: read,
      },
      {
        route: 'PATCH /api/v1/problems/:id',
        case: 'an edit',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/problems/${(await problem(f)).id}`,
          body: { workaround: 'Restart it' },
        }),
        expect: write,
      },
      {
        route: 'PATCH /api/v1/problems/:id',
        case: 'closing a resolved problem',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/problems/${(await problem(f, { status: 'known_error' })).id}`,
          body: { status: 'closed' },
        }),
        // A known error cannot be closed by anyone (409); requesters are refused first.
        expect: byRule((a) => canProblem(a, 'problem.close'), 403, 409),
      },
      {
        route: 'POST /api/v1/problems/:id/resolve',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/problems/${(await problem(f, { incidentIds: [await anotherOwnersTicket(f)] })).id}/resolve`,
          body: { resolveIncidents: true, message: 'Fixed for everyone' },
        }),
        expect: write,
      },
      {
        route: 'POST /api/v1/problems/:id/incidents',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/problems/${(await problem(f)).id}/incidents`,
          body: { ticketId: await anotherOwnersTicket(f) },
        }),
        expect: write,
      },
      {
        route: 'DELETE /api/v1/problems/:id/incidents/:ticketId',
        call: async (f) => {
          const ticketId = await anotherOwnersTicket(f);
          const p = await problem(f, { incidentIds: [ticketId] });
          return { method: 'DELETE', url: `/api/v1/problems/${p.id}/incidents/${ticketId}` };
        },
        expect: write,
      },
      {
        route: 'GET /api/v1/problems/:id/history',
        call: async (f) => ({ method: 'GET', url: `/api/v1/problems/${(await problem(f)).id}/history` }),
        expect: read,
      },
      {
        route: 'GET /api/v1/problems/:id/incident-counts',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/problems/${(await problem(f)).id}/incident-counts`,
        }),
        expect: read,
      },
      {
        route: 'GET /api/v1/tickets/:id/problem',
        call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/problem` }),
        expect: onOwnersTicket('problem.read'),
      },
      {
        route: 'PUT /api/v1/tickets/:id/problem',
        call: async (f) => ({
          method: 'PUT',
          url: `/api/v1/tickets/${await anotherOwnersTicket(f)}/problem`,
          body: { problemId: (await problem(f)).id },
        }),
        // A fresh ticket of requester A's: the other requester may not see it.
        expect: onOwnersTicket('problem.write'),
      },
      {
        route: 'DELETE /api/v1/tickets/:id/problem',
        call: async (f) => {
          const ticketId = await anotherOwnersTicket(f);
          await problem(f, { incidentIds: [ticketId] });
          return { method: 'DELETE', url: `/api/v1/tickets/${ticketId}/problem` };
        },
        expect: onOwnersTicket('problem.write'),
      },
    ];
    return rows;
  })(),
  // -- assets: staff read and write; a requester reads the assets they own (another's are hidden, 404) and
  // writes none; managers and admins keep inventory agents' tokens; agents submit with their token --
  ...(() => {
    const ownersAsset = { owner_id: cast.owner.id };
    const write = byRule((a) => canAsset(a, 'asset.write'));
    const agents = byRule((a) => canAsset(a, 'asset.agents'));
    /** On requester A's asset: hidden (404) from who may not read it, then the action's rule (403). */
    const onOwnersAsset = (action: AssetAction) => {
      const e = byRule((a) => canAsset(a, action, ownersAsset));
      for (const who of signedInWhos) if (!canAsset(cast[who], 'asset.read', ownersAsset)) e[who] = 404;
      return e;
    };
    /** On requester A's ticket: hidden (404) from who may not read it, then the asset rule (403). */
    const onOwnersTicket = (action: AssetAction) => {
      const e = byRule((a) => canAsset(a, action));
      for (const who of signedInWhos) if (!canTicket(cast[who], 'ticket.read', ownersTicket)) e[who] = 404;
      return e;
    };
    /** A fresh asset of requester A's (the admin's entry). */
    const asset = async (f: Fixture, body: Record<string, unknown> = {}) =>
      (
        (await as(f, 'admin', 'POST', '/api/v1/assets', {
          name: `Laptop ${unique()}`,
          type: 'computer',
          ownerId: f.ids.owner,
          ...body,
        })) as { id: number }
      ).id;
    /** A fresh asset of requester A's, named by a fresh ticket of theirs. */
    const onTicketAsset = async (f: Fixture) => {
      const ticketId = await anotherOwnersTicket(f);
      const id = await asset(f);
      await as(f, 'admin', 'POST', `/api/v1/tickets/${ticketId}/assets`, { assetId: id });
      return { ticketId, id };
    };
    const licence = async (f: Fixture) => {
      const id = await asset(f, { type: 'licence' });
      await as(f, 'admin', 'PUT', `/api/v1/assets/${id}/licence`, { seats: 5 });
      return id;
    };
    const agentTokens = new WeakMap<Fixture, string>();
    const agentToken = async (f: Fixture) => {
      let token = agentTokens.get(f);
      if (!token) {
        token = (await as(f, 'admin', 'POST', '/api/v1/inventory/agents', { name: `Fleet ${unique()}` }))
          .token as string;
        agentTokens.set(f, token);
      }
      return token;
    };
    const prolog =
      '<?xml version="1.0"?><REQUEST><DEVICEID>pc-2026-01-01-00-00-00</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>';
    const rows: Row[] = [
      {
        route: 'GET /api/v1/assets',
        call: () => ({ method: 'GET', url: '/api/v1/assets' }),
        expect: signedIn,
      },
      {
        route: 'POST /api/v1/assets',
        call: () => ({
          method: 'POST',
          url: '/api/v1/assets',
          body: { name: `PC ${unique()}`, type: 'computer' },
        }),
        expect: write,
      },
      {
        route: 'POST /api/v1/assets/bulk-update',
        call: async (f) => ({
          method: 'POST',
          url: '/api/v1/assets/bulk-update',
          body: { ids: [await asset(f)], set: { location: 'Hamburg' } },
        }),
        expect: write,
      },
      {
        route: 'POST /api/v1/assets/import',
        call: () => ({
          method: 'POST',
          url: '/api/v1/assets/import',
          file: { name: 'assets.csv', type: 'text/csv', content: `name,type\nPC ${unique()},computer\n` },
        }),
        expect: write,
      },
      {
        route: 'POST /api/v1/assets/sync-hosts',
        call: () => ({ method: 'POST', url: '/api/v1/assets/sync-hosts' }),
        expect: agents,
      },
      {
        route: 'GET /api/v1/assets/licences',
        call: () => ({ method: 'GET', url: '/api/v1/assets/licences' }),
        expect: signedIn,
      },
      {
        route: 'GET /api/v1/assets/:id',
        call: async (f) => ({ method: 'GET', url: `/api/v1/assets/${await asset(f)}` }),
        expect: onOwnersAsset('asset.read'),
      },
      {
        route: 'PATCH /api/v1/assets/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/assets/${await asset(f)}`,
          body: { location: 'Desk 4' },
        }),
        expect: write,
      },
      {
        route: 'GET /api/v1/assets/:id/history',
        call: async (f) => ({ method: 'GET', url: `/api/v1/assets/${await asset(f)}/history` }),
        expect: onOwnersAsset('asset.read'),
      },
      {
        route: 'GET /api/v1/assets/:id/software',
        call: async (f) => ({ method: 'GET', url: `/api/v1/assets/${await asset(f)}/software` }),
        expect: onOwnersAsset('asset.read'),
      },
      {
        route: 'GET /api/v1/assets/:id/relations',
        call: async (f) => ({ method: 'GET', url: `/api/v1/assets/${await asset(f)}/relations` }),
        expect: onOwnersAsset('asset.read'),
      },
      {
        route: 'POST /api/v1/assets/:id/relations',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/assets/${await asset(f, { type: 'monitor' })}/relations`,
          body: { kind: 'connected_to', toAssetId: await asset(f) },
        }),
        expect: write,
      },
      {
        route: 'DELETE /api/v1/assets/:id/relations/:relationId',
        call: async (f) => {
          const id = await asset(f);
          const made = await as(f, 'admin', 'POST', `/api/v1/assets/${id}/relations`, {
            kind: 'depends_on',
            toAssetId: await asset(f),
          });
          return { method: 'DELETE', url: `/api/v1/assets/${id}/relations/${made.items[0].id}` };
        },
        expect: write,
      },
      {
        route: 'GET /api/v1/assets/:id/licence',
        call: async (f) => ({ method: 'GET', url: `/api/v1/assets/${await licence(f)}/licence` }),
        expect: onOwnersAsset('asset.read'),
      },
      {
        route: 'PUT /api/v1/assets/:id/licence',
        call: async (f) => ({
          method: 'PUT',
          url: `/api/v1/assets/${await licence(f)}/licence`,
          body: { seats: 10 },
        }),
        expect: write,
      },
      {
        route: 'POST /api/v1/assets/:id/licence/assignments',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/assets/${await licence(f)}/licence/assignments`,
          body: { userId: f.ids.owner },
        }),
        expect: write,
      },
      {
        route: 'DELETE /api/v1/assets/:id/licence/assignments/:assignmentId',
        call: async (f) => {
          const id = await licence(f);
          const l = await as(f, 'admin', 'POST', `/api/v1/assets/${id}/licence/assignments`, {
            userId: f.ids.owner,
          });
          return { method: 'DELETE', url: `/api/v1/assets/${id}/licence/assignments/${l.assignments[0].id}` };
        },
        expect: write,
      },
      {
        route: 'GET /api/v1/assets/:id/tickets',
        call: async (f) => ({ method: 'GET', url: `/api/v1/assets/${await asset(f)}/tickets` }),
        expect: onOwnersAsset('asset.read'),
      },
      {
        route: 'POST /api/v1/assets/:id/tickets',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/assets/${await asset(f)}/tickets`,
          body: { ticketId: await anotherOwnersTicket(f) },
        }),
        expect: write,
      },
      {
        route: 'DELETE /api/v1/assets/:id/tickets/:ticketId',
        call: async (f) => {
          const id = await asset(f);
          const ticketId = await anotherOwnersTicket(f);
          await as(f, 'admin', 'POST', `/api/v1/assets/${id}/tickets`, { ticketId });
          return { method: 'DELETE', url: `/api/v1/assets/${id}/tickets/${ticketId}` };
        },
        expect: write,
      },
      {
        route: 'GET /api/v1/tickets/:id/assets',
        call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/assets` }),
        // Whoever sees the ticket sees its assets (a requester: those they own).
        expect: onTicket('ticket.read'),
      },
      {
        route: 'POST /api/v1/tickets/:id/assets',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/tickets/${await anotherOwnersTicket(f)}/assets`,
          body: { assetId: await asset(f) },
        }),
        expect: onOwnersTicket('asset.write'),
      },
      {
        route: 'DELETE /api/v1/tickets/:id/assets/:assetId',
        call: async (f) => {
          const ticketId = await anotherOwnersTicket(f);
          const id = await asset(f);
          await as(f, 'admin', 'POST', `/api/v1/tickets/${ticketId}/assets`, { assetId: id });
          return { method: 'DELETE', url: `/api/v1/tickets/${ticketId}/assets/${id}` };
        },
        expect: onOwnersTicket('asset.write'),
      },
      // -- lifecycle (managers, admins) and repair or replace from a ticket (staff) --
      {
        route: 'GET /api/v1/assets/lifecycle',
        call: () => ({ method: 'GET', url: '/api/v1/assets/lifecycle?within=P3M' }),
        expect: byRule((a) => canAsset(a, 'asset.plan')),
      },
      {
        route: 'GET /api/v1/assets/failure-rates',
        call: () => ({ method: 'GET', url: '/api/v1/assets/failure-rates?months=12' }),
        expect: byRule((a) => canAsset(a, 'asset.plan')),
      },
      {
        route: 'GET /api/v1/assets/:id/repairs',
        call: async (f) => ({ method: 'GET', url: `/api/v1/assets/${await asset(f)}/repairs` }),
        expect: byRule((a) => canAsset(a, 'asset.repair')),
      },
      {
        route: 'POST /api/v1/assets/:id/repairs/:repairId/close',
        call: async (f) => {
          const { ticketId, id } = await onTicketAsset(f);
          const r = await as(f, 'admin', 'POST', `/api/v1/tickets/${ticketId}/assets/${id}/repair`, {
            kind: 'in_house',
          });
          return {
            method: 'POST',
            url: `/api/v1/assets/${id}/repairs/${r.id}/close`,
            body: { outcome: 'repaired', cost: { amountMinor: 5_000, currency: 'EUR' } },
          };
        },
        expect: byRule((a) => canAsset(a, 'asset.repair')),
      },
      {
        route: 'GET /api/v1/tickets/:id/assets/repair-options',
        call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/assets/repair-options` }),
        expect: onOwnersTicket('asset.repair'),
      },
      {
        route: 'POST /api/v1/tickets/:id/assets/:assetId/repair',
        call: async (f) => {
          const { ticketId, id } = await onTicketAsset(f);
          return {
            method: 'POST',
            url: `/api/v1/tickets/${ticketId}/assets/${id}/repair`,
            body: { kind: 'in_house' },
          };
        },
        expect: onOwnersTicket('asset.repair'),
      },
      {
        route: 'POST /api/v1/tickets/:id/assets/:assetId/replacement',
        call: async (f) => {
          const { ticketId, id } = await onTicketAsset(f);
          return { method: 'POST', url: `/api/v1/tickets/${ticketId}/assets/${id}/replacement`, body: {} };
        },
        expect: onOwnersTicket('asset.repair'),
      },
      {
        route: 'GET /api/v1/inventory/agents',
        call: () => ({ method: 'GET', url: '/api/v1/inventory/agents' }),
        expect: agents,
      },
      {
        route: 'POST /api/v1/inventory/agents',
        call: () => ({
          method: 'POST',
          url: '/api/v1/inventory/agents',
          body: { name: `Fleet ${unique()}` },
        }),
        expect: agents,
      },
      {
        route: 'DELETE /api/v1/inventory/agents/:id',
        call: async (f) => {
          const made = await as(f, 'admin', 'POST', '/api/v1/inventory/agents', {
            name: `Fleet ${unique()}`,
          });
          return { method: 'DELETE', url: `/api/v1/inventory/agents/${made.agent.id}` };
        },
        expect: agents,
      },
      {
        route: 'POST /api/v1/inventory/fusion',
        case: 'without the agent’s HTTP basic password: no user session stands in for it',
        call: () => ({ method: 'POST', url: '/api/v1/inventory/fusion', body: prolog }),
        expect: everyone(401),
      },
      {
        route: 'POST /api/v1/inventory/fusion/:token',
        case: 'a valid agent token in the path: the token is the credential, whoever calls',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/inventory/fusion/${await agentToken(f)}`,
          body: prolog,
        }),
        expect: everyone(),
      },
    ];
    return rows;
  })(),
  // -- change management --
  // Staff raise, plan, move, link and review changes and read the calendar; managers and admins keep the
  // templates, blackout periods and the CAB setting. Requesters are refused (403), not hidden from.
  ...(() => {
    const work = byRule((a) => canChanges(a, 'changes.work'));
    const manage = byRule((a) => canChanges(a, 'changes.manage'));
    const made = new WeakMap<Fixture, { serviceId: number; templateId: number }>();
    async function setup(f: Fixture) {
      let m = made.get(f);
      if (!m) {
        const policy = await as(f, 'admin', 'POST', '/api/v1/escalation-policies', {
          name: `Changes ${unique()}`,
          steps: [{ targets: [{ kind: 'user', id: f.ids.technician }], delayMinutes: 5 }],
        });
        const service = await as(f, 'admin', 'POST', '/api/v1/services', {
          name: `Changed ${unique()}`,
          escalationPolicyId: policy.id,
        });
        const template = await as(f, 'admin', 'POST', '/api/v1/change-templates', {
          name: `Template ${unique()}`,
          title: 'Standard',
        });
        m = { serviceId: service.id, templateId: template.id };
        made.set(f, m);
      }
      return m;
    }
    /** A new draft change of the admin's: each row acts on its own. */
    const draft = async (f: Fixture) =>
      (await as(f, 'admin', 'POST', '/api/v1/changes', { title: `Change ${unique()}` })).id as number;
    const rows: Row[] = [
      {
        route: 'GET /api/v1/changes',
        call: () => ({
          method: 'GET',
          url: '/api/v1/changes?from=2026-03-01T00:00:00Z&to=2026-04-01T00:00:00Z',
        }),
        expect: work,
      },
      {
        route: 'POST /api/v1/changes',
        call: async (f) => ({
          method: 'POST',
          url: '/api/v1/changes',
          body: { templateId: (await setup(f)).templateId, serviceIds: [(await setup(f)).serviceId] },
        }),
        expect: work,
      },
      {
        route: 'GET /api/v1/changes/:id',
        call: async (f) => ({ method: 'GET', url: `/api/v1/changes/${await draft(f)}` }),
        expect: work,
      },
      {
        route: 'PATCH /api/v1/changes/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/changes/${await draft(f)}`,
          body: { risk: 'high' },
        }),
        expect: work,
      },
      {
        route: 'POST /api/v1/changes/:id/transitions',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/changes/${await draft(f)}/transitions`,
          body: { to: 'assessment' },
        }),
        expect: work,
      },
      {
        route: 'POST /api/v1/changes/:id/review',
        case: 'a draft (reviewed only after implementation)',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/changes/${await draft(f)}/review`,
          body: { outcome: 'successful' },
        }),
        // Staff pass the policy and meet the state's 409; others get their 401 or 403 first.
        expect: byRule((a) => canChanges(a, 'changes.work'), 403, 409),
      },
      {
        route: 'POST /api/v1/changes/:id/links',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/changes/${await draft(f)}/links`,
          body: { targetType: 'ticket', targetId: f.ticketId },
        }),
        expect: work,
      },
      {
        route: 'DELETE /api/v1/changes/:id/links/:targetType/:targetId',
        call: async (f) => {
          const id = await draft(f);
          await as(f, 'admin', 'POST', `/api/v1/changes/${id}/links`, { targetType: 'problem', targetId: 3 });
          return { method: 'DELETE', url: `/api/v1/changes/${id}/links/problem/3` };
        },
        expect: work,
      },
      {
        route: 'GET /api/v1/tickets/:id/changes',
        call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/changes` }),
        // Requester A's ticket: hidden (404) from who may not read it, then the staff rule (403).
        expect: (() => {
          const e = byRule((a) => canChanges(a, 'changes.work'));
          for (const who of signedInWhos)
            if (!canTicket(cast[who], 'ticket.read', ownersTicket)) e[who] = 404;
          return e;
        })(),
      },
      {
        route: 'GET /api/v1/problems/:id/changes',
        call: async (f) => {
          const p = await as(f, 'admin', 'POST', '/api/v1/problems', { title: `Problem ${unique()}` });
          return { method: 'GET', url: `/api/v1/problems/${p.id}/changes` };
        },
        expect: work,
      },
      {
        route: 'GET /api/v1/change-blackouts',
        call: () => ({ method: 'GET', url: '/api/v1/change-blackouts' }),
        expect: work,
      },
      {
        route: 'POST /api/v1/change-blackouts',
        call: () => ({
          method: 'POST',
          url: '/api/v1/change-blackouts',
          body: {
            name: `Freeze ${unique()}`,
            startsAt: '2030-01-01T00:00:00Z',
            endsAt: '2030-01-02T00:00:00Z',
          },
        }),
        expect: manage,
      },
      {
        route: 'DELETE /api/v1/change-blackouts/:id',
        call: async (f) => {
          const b = await as(f, 'admin', 'POST', '/api/v1/change-blackouts', {
            name: `Freeze ${unique()}`,
            startsAt: '2030-02-01T00:00:00Z',
            endsAt: '2030-02-02T00:00:00Z',
          });
          return { method: 'DELETE', url: `/api/v1/change-blackouts/${b.id}` };
        },
        expect: manage,
      },
      {
        route: 'GET /api/v1/change-templates',
        call: () => ({ method: 'GET', url: '/api/v1/change-templates?includeInactive=true' }),
        expect: work,
      },
      {
        route: 'POST /api/v1/change-templates',
        call: () => ({
          method: 'POST',
          url: '/api/v1/change-templates',
          body: { name: `Template ${unique()}`, title: 'Standard' },
        }),
        expect: manage,
      },
      {
        route: 'PATCH /api/v1/change-templates/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/change-templates/${(await setup(f)).templateId}`,
          body: { risk: 'low' },
        }),
        expect: manage,
      },
      {
        route: 'GET /api/v1/settings/changes',
        call: () => ({ method: 'GET', url: '/api/v1/settings/changes' }),
        expect: work,
      },
      {
        route: 'PUT /api/v1/settings/changes',
        call: () => ({
          method: 'PUT',
          url: '/api/v1/settings/changes',
          body: { cabGroupId: null, emergencyCabGroupId: null },
        }),
        expect: manage,
      },
    ];
    return rows;
  })(),
  // -- approvals: requester A's catalogue request, which the manager is asked to approve --
  ...(() => {
    const pending = async (f: Fixture) => {
      const type = await as(f, 'admin', 'POST', '/api/v1/request-types', {
        name: `Approved ${unique()}`,
        approval: {
          order: 'sequence',
          steps: [{ approvers: { kind: 'users', userIds: [f.ids.manager] }, rule: 'one' }],
        },
      });
      const ticket = await as(f, 'owner', 'POST', `/api/v1/catalog/${type.id}/requests`, { fields: {} });
      const list = await as(f, 'admin', 'GET', `/api/v1/tickets/${ticket.id}/approvals`);
      return list.items[0].id as number;
    };
    const forged = `${'9'.repeat(10)}.1.${'A'.repeat(43)}`;
    const rows: Row[] = [
      {
        route: 'GET /api/v1/approvals',
        call: () => ({ method: 'GET', url: '/api/v1/approvals?state=pending&mine=true' }),
        expect: signedIn,
      },
      {
        route: 'GET /api/v1/approvals/:id',
        case: 'requester A’s request (hidden from requester B)',
        call: async (f) => ({ method: 'GET', url: `/api/v1/approvals/${await pending(f)}` }),
        expect: byRule(
          (a) =>
            canApproval(a, 'approval.read', {
              requesterId: cast.owner.id,
              approverIds: new Set([cast.manager.id]),
            }),
          404,
        ),
      },
      {
        route: 'POST /api/v1/approvals/:id/decision',
        case: 'only the approver asked decides; never the requester (approval_own_request)',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/approvals/${await pending(f)}/decision`,
          body: { decision: 'approve' },
        }),
        expect: {
          anonymous: 401,
          owner: 403,
          otherRequester: 404,
          technician: 403,
          manager: 'ok',
          admin: 403,
        },
      },
      {
        route: 'GET /api/v1/tickets/:id/approvals',
        call: (f) => ({ method: 'GET', url: `/api/v1/tickets/${f.ticketId}/approvals` }),
        expect: onTicket('ticket.read'),
      },
      {
        route: 'GET /api/v1/approval-links/:id',
        case: 'a forged token: no sign-in needed, everyone reaches the link check (403 approval_link_invalid)',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/approval-links/${await pending(f)}?token=${forged}`,
        }),
        expect: everyone(403),
      },
      {
        route: 'POST /api/v1/approval-links/:id',
        case: 'a forged token (403 approval_link_invalid)',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/approval-links/${await pending(f)}`,
          body: { token: forged, decision: 'approve' },
        }),
        expect: everyone(403),
      },
    ];
    return rows;
  })(),
  // -- upgrade proposals: staff read and propose; managers and admins (who manage changes) decide --
  ...(() => {
    const read = byRule((a) => canProposal(a, 'proposal.read'));
    const propose = byRule((a) => canProposal(a, 'proposal.propose'));
    const decide = byRule((a) => canProposal(a, 'proposal.decide'));
    const targets = new WeakMap<Fixture, number>();
    async function target(f: Fixture): Promise<number> {
      let id = targets.get(f);
      if (id === undefined) {
        id = (
          await as(f, 'admin', 'POST', '/api/v1/monitoring/targets', {
            name: `proposal-host-${unique()}`,
            kind: 'host',
          })
        ).id as number;
        targets.set(f, id);
      }
      return id;
    }
    const body = async (f: Fixture) => ({
      title: `Proposal ${unique()}`,
      targetId: await target(f),
      resource: 'disk',
    });
    /** A fresh proposal (the admin's), so each caller decides one still proposed. */
    const proposal = async (f: Fixture) =>
      (await as(f, 'admin', 'POST', '/api/v1/proposals', await body(f))).id as number;
    const rows: Row[] = [
      {
        route: 'GET /api/v1/proposals',
        call: () => ({ method: 'GET', url: '/api/v1/proposals' }),
        expect: read,
      },
      {
        route: 'POST /api/v1/proposals',
        call: async (f) => ({ method: 'POST', url: '/api/v1/proposals', body: await body(f) }),
        expect: propose,
      },
      {
        route: 'GET /api/v1/proposals/:id',
        call: async (f) => ({ method: 'GET', url: `/api/v1/proposals/${await proposal(f)}` }),
        expect: read,
      },
      {
        route: 'PATCH /api/v1/proposals/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/proposals/${await proposal(f)}`,
          body: { cost: { amountMinor: 99_900, currency: 'EUR' } },
        }),
        expect: propose,
      },
      {
        route: 'POST /api/v1/proposals/:id/decision',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/proposals/${await proposal(f)}/decision`,
          body: { decision: 'approve' },
        }),
        expect: decide,
      },
    ];
    return rows;
  })(),
  // -- automation rules: managers and admins keep them, dry-run them and read the rule log --
  ...(() => {
    const manage = byRule((a) => canAutomation(a, 'automation.manage'));
    const ruleBody = () => ({
      name: `Rule ${unique()}`,
      trigger: 'created',
      conditions: { all: [{ field: 'ticket.title', op: 'contains', value: 'never-matches-xyz' }], any: [] },
      actions: [{ type: 'add_tags', tags: ['auto'] }],
    });
    const rule = async (f: Fixture) =>
      (await as(f, 'admin', 'POST', '/api/v1/automation/rules', ruleBody())).id as number;
    const rows: Row[] = [
      {
        route: 'GET /api/v1/automation/rules',
        call: () => ({ method: 'GET', url: '/api/v1/automation/rules' }),
        expect: manage,
      },
      {
        route: 'POST /api/v1/automation/rules',
        call: () => ({ method: 'POST', url: '/api/v1/automation/rules', body: ruleBody() }),
        expect: manage,
      },
      {
        route: 'GET /api/v1/automation/rules/:id',
        call: async (f) => ({ method: 'GET', url: `/api/v1/automation/rules/${await rule(f)}` }),
        expect: manage,
      },
      {
        route: 'PUT /api/v1/automation/rules/:id',
        call: async (f) => ({
          method: 'PUT',
          url: `/api/v1/automation/rules/${await rule(f)}`,
          body: ruleBody(),
        }),
        expect: manage,
      },
      {
        route: 'DELETE /api/v1/automation/rules/:id',
        call: async (f) => ({ method: 'DELETE', url: `/api/v1/automation/rules/${await rule(f)}` }),
        expect: manage,
      },
      {
        route: 'POST /api/v1/automation/rules/order',
        call: async (f) => {
          await rule(f);
          const list = (await as(f, 'admin', 'GET', '/api/v1/automation/rules')).items as { id: number }[];
          return {
            method: 'POST',
            url: '/api/v1/automation/rules/order',
            body: { ids: list.map((r) => r.id).reverse() },
          };
        },
        expect: manage,
      },
      {
        route: 'POST /api/v1/automation/rules/:id/dry-run',
        call: async (f) => ({ method: 'POST', url: `/api/v1/automation/rules/${await rule(f)}/dry-run` }),
        expect: manage,
      },
      {
        route: 'POST /api/v1/automation/dry-run',
        call: () => ({ method: 'POST', url: '/api/v1/automation/dry-run', body: ruleBody() }),
        expect: manage,
      },
      {
        route: 'GET /api/v1/automation/log',
        call: () => ({ method: 'GET', url: '/api/v1/automation/log' }),
        expect: manage,
      },
    ];
    return rows;
  })(),
  // -- suppliers: staff read vendors, contracts, budgets, quotes and comparisons; managers and admins write them --
  ...(() => {
    const read = byRule((a) => canVendors(a, 'vendors.read'));
    const manage = byRule((a) => canVendors(a, 'vendors.manage'));
    const vendors = new WeakMap<Fixture, { id: number; name: string }>();
    async function vendor(f: Fixture): Promise<{ id: number; name: string }> {
      let v = vendors.get(f);
      if (!v) {
        const body = await as(f, 'admin', 'POST', '/api/v1/vendors', { name: `Vendor ${unique()}` });
        v = { id: body.id as number, name: body.name as string };
        vendors.set(f, v);
      }
      return v;
    }
    const contractBody = async (f: Fixture) => ({
      vendorId: (await vendor(f)).id,
      title: `Contract ${unique()}`,
      type: 'support',
      startsAt: '2026-01-01T00:00:00Z',
      termMonths: 12,
      currency: 'EUR',
    });
    const contract = async (f: Fixture) =>
      (await as(f, 'admin', 'POST', '/api/v1/contracts', await contractBody(f))).id as number;
    let year = 2100;
    const lineBody = () => ({
      name: `Line ${unique()}`,
      category: `cat-${unique()}`,
      fiscalYear: ++year,
      currency: 'EUR',
      plannedMinor: 100_000,
    });
    const line = async (f: Fixture) =>
      (await as(f, 'admin', 'POST', '/api/v1/budget-lines', lineBody())).id as number;
    /** A fresh request in EUR (the admin's), so each caller edits, cancels or awards one still open. */
    const request = async (f: Fixture) =>
      (await as(f, 'admin', 'POST', '/api/v1/quote-requests', { what: `Disks ${unique()}`, currency: 'EUR' }))
        .id as number;
    const quoteBody = async (f: Fixture) => ({
      vendorId: (await vendor(f)).id,
      currency: 'EUR',
      lines: [{ description: 'SSD', kind: 'purchase', quantity: 2, unitPriceMinor: 10_000 }],
    });
    const quoted = async (f: Fixture) => {
      const id = await request(f);
      const quote = await as(f, 'admin', 'POST', `/api/v1/quote-requests/${id}/quotes`, await quoteBody(f));
      return { id, quoteId: quote.id as number };
    };
    const rows: Row[] = [
      { route: 'GET /api/v1/vendors', call: () => ({ method: 'GET', url: '/api/v1/vendors' }), expect: read },
      {
        route: 'POST /api/v1/vendors',
        call: () => ({ method: 'POST', url: '/api/v1/vendors', body: { name: `Vendor ${unique()}` } }),
        expect: manage,
      },
      {
        route: 'GET /api/v1/vendors/:id',
        call: async (f) => ({ method: 'GET', url: `/api/v1/vendors/${(await vendor(f)).id}` }),
        expect: read,
      },
      {
        route: 'PATCH /api/v1/vendors/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/vendors/${(await vendor(f)).id}`,
          body: { notes: `seen ${unique()}` },
        }),
        expect: manage,
      },
      {
        route: 'GET /api/v1/contracts',
        call: () => ({ method: 'GET', url: '/api/v1/contracts?renewingWithinDays=90' }),
        expect: read,
      },
      {
        route: 'POST /api/v1/contracts',
        call: async (f) => ({ method: 'POST', url: '/api/v1/contracts', body: await contractBody(f) }),
        expect: manage,
      },
      {
        route: 'GET /api/v1/contracts/:id',
        call: async (f) => ({ method: 'GET', url: `/api/v1/contracts/${await contract(f)}` }),
        expect: read,
      },
      {
        route: 'PATCH /api/v1/contracts/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/contracts/${await contract(f)}`,
          body: { noticeDays: 60 },
        }),
        expect: manage,
      },
      {
        route: 'GET /api/v1/budget-lines',
        call: () => ({ method: 'GET', url: '/api/v1/budget-lines' }),
        expect: read,
      },
      {
        route: 'POST /api/v1/budget-lines',
        call: () => ({ method: 'POST', url: '/api/v1/budget-lines', body: lineBody() }),
        expect: manage,
      },
      {
        route: 'GET /api/v1/budget-lines/:id',
        call: async (f) => ({ method: 'GET', url: `/api/v1/budget-lines/${await line(f)}` }),
        expect: read,
      },
      {
        route: 'PATCH /api/v1/budget-lines/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/budget-lines/${await line(f)}`,
          body: { plannedMinor: 200_000 },
        }),
        expect: manage,
      },
      {
        route: 'POST /api/v1/budget-lines/:id/entries',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/budget-lines/${await line(f)}/entries`,
          body: { kind: 'spend', amountMinor: 1_000 },
        }),
        expect: manage,
      },
      {
        route: 'GET /api/v1/quote-requests',
        call: () => ({ method: 'GET', url: '/api/v1/quote-requests' }),
        expect: read,
      },
      {
        route: 'POST /api/v1/quote-requests',
        call: () => ({ method: 'POST', url: '/api/v1/quote-requests', body: { what: `Disks ${unique()}` } }),
        expect: manage,
      },
      {
        route: 'GET /api/v1/quote-requests/:id',
        call: async (f) => ({ method: 'GET', url: `/api/v1/quote-requests/${await request(f)}` }),
        expect: read,
      },
      {
        route: 'PATCH /api/v1/quote-requests/:id',
        call: async (f) => ({
          method: 'PATCH',
          url: `/api/v1/quote-requests/${await request(f)}`,
          body: { status: 'cancelled', cancelReason: 'not needed' },
        }),
        expect: manage,
      },
      {
        route: 'POST /api/v1/quote-requests/:id/quotes',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/quote-requests/${await request(f)}/quotes`,
          body: await quoteBody(f),
        }),
        expect: manage,
      },
      {
        route: 'POST /api/v1/quote-requests/:id/quotes/import',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/quote-requests/${await request(f)}/quotes/import`,
          body: {
            csv: `vendor,currency,description,kind,quantity,unit_price\n#${(await vendor(f)).id},EUR,SSD,purchase,2,100.00\n`,
          },
        }),
        expect: manage,
      },
      {
        route: 'GET /api/v1/quote-requests/:id/comparison',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/quote-requests/${(await quoted(f)).id}/comparison?price=50&fit=50`,
        }),
        expect: read,
      },
      {
        route: 'POST /api/v1/quote-requests/:id/award',
        call: async (f) => {
          const q = await quoted(f);
          return {
            method: 'POST',
            url: `/api/v1/quote-requests/${q.id}/award`,
            body: { quoteId: q.quoteId },
          };
        },
        expect: manage,
      },
      {
        route: 'POST /api/v1/quote-requests/:id/quotes/import',
        case: 'PDF text',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/quote-requests/${await request(f)}/quotes/import`,
          body: {
            text: 'Description   Qty   Unit price   Total\nSSD   2   100.00   200.00\n',
            vendorId: (await vendor(f)).id,
            currency: 'EUR',
          },
        }),
        expect: manage,
      },
      {
        route: 'GET /api/v1/vendors/overview',
        call: () => ({ method: 'GET', url: '/api/v1/vendors/overview' }),
        expect: read,
      },
      {
        route: 'GET /api/v1/vendors/spend',
        call: () => ({ method: 'GET', url: '/api/v1/vendors/spend' }),
        expect: read,
      },
      {
        route: 'GET /api/v1/contracts/:id/brief',
        call: async (f) => ({ method: 'GET', url: `/api/v1/contracts/${await contract(f)}/brief` }),
        expect: read,
      },
      {
        route: 'GET /api/v1/contracts/:id/brief.html',
        call: async (f) => ({ method: 'GET', url: `/api/v1/contracts/${await contract(f)}/brief.html` }),
        expect: read,
      },
      {
        route: 'GET /api/v1/quote-requests/:id/brief',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/quote-requests/${(await quoted(f)).id}/brief?vendorId=${(await vendor(f)).id}`,
        }),
        expect: read,
      },
      {
        route: 'GET /api/v1/quote-requests/:id/brief.html',
        call: async (f) => ({
          method: 'GET',
          url: `/api/v1/quote-requests/${(await quoted(f)).id}/brief.html?vendorId=${(await vendor(f)).id}`,
        }),
        expect: read,
      },
      {
        route: 'POST /api/v1/vendors/:id/documents',
        call: async (f) => ({
          method: 'POST',
          url: `/api/v1/vendors/${(await vendor(f)).id}/documents`,
          file: { name: 'price-list.txt', type: 'text/plain', content: 'prices' },
        }),
        expect: manage,
      },
      {
        route: 'GET /api/v1/vendors/:id/documents',
        call: async (f) => ({ method: 'GET', url: `/api/v1/vendors/${(await vendor(f)).id}/documents` }),
        expect: read,
      },
      {
        route: 'GET /api/v1/vendors/:id/documents/:documentId',
        call: async (f) => {
          const v = (await vendor(f)).id;
          const up = await f.app.inject({
            method: 'POST',
            url: `/api/v1/vendors/${v}/documents`,
            headers: {
              authorization: `Bearer ${f.tokens.admin}`,
              'content-type': 'multipart/form-data; boundary=xx',
            },
            payload:
              '--xx\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--xx--\r\n',
          });
          return { method: 'GET', url: `/api/v1/vendors/${v}/documents/${up.json().id}` };
        },
        expect: read,
      },
    ];
    return rows;
  })(),
];

// The table reads the policy functions; this holds the functions to the README's "Roles": a requester files
// tickets and sees their own; a technician works the queue and writes internal notes; a manager can do all a
// technician can, plus categories and reports; an admin also users, groups, settings, webhooks (and the rest of
// the service's configuration: mail, failed events, SLA definitions).
describe("the policies keep the README's promise", () => {
  const work = {
    staff: (a: Actor) => [
      canTicket(a, 'ticket.update_fields'),
      canTicket(a, 'ticket.assign'),
      canTicket(a, 'comment.internal'),
      canTicket(a, 'ticket.create_for_other'),
      canAccounts(a, 'user.list'),
      canAccounts(a, 'settings.read'),
      canSla(a, 'sla.read'),
      canSla(a, 'escalation.create'),
      canVendors(a, 'vendors.read'),
    ],
    manager: (a: Actor) => [
      canTicket(a, 'category.manage'),
      canVendors(a, 'vendors.manage'),
      canSeeDashboard(a),
      canSla(a, 'report.read'),
      canSla(a, 'escalation.queue'),
    ],
    admin: (a: Actor) => [
      canAccounts(a, 'user.create'),
      canAccounts(a, 'user.update'),
      canAccounts(a, 'group.manage'),
      canAccounts(a, 'settings.manage'),
      canAccounts(a, 'webhook.manage'),
      canAccounts(a, 'events.manage'),
      canMail(a, 'mail.manage'),
      canSla(a, 'sla.manage'),
    ],
  };
  const roleOf: Record<SignedIn, keyof typeof grants> = {
    owner: 'requester',
    otherRequester: 'requester',
    technician: 'technician',
    manager: 'manager',
    admin: 'admin',
  };
  const grants = {
    requester: { staff: false, manager: false, admin: false },
    technician: { staff: true, manager: false, admin: false },
    manager: { staff: true, manager: true, admin: false },
    admin: { staff: true, manager: true, admin: true },
  };
  for (const who of signedInWhos) {
    it(`${who} (${roleOf[who]})`, () => {
      const a = cast[who];
      const granted = grants[roleOf[who]];
      for (const level of ['staff', 'manager', 'admin'] as const)
        expect(work[level](a), level).toEqual(work[level](a).map(() => granted[level]));
      // Requesters see their own tickets (and the admin everyone's); another requester's stays hidden.
      expect(canTicket(a, 'ticket.read', ownersTicket)).toBe(who !== 'otherRequester');
      expect(canTicket(a, 'ticket.rate', ownersTicket)).toBe(who === 'owner');
    });
  }
});

/**
 * Pages, not API: the web app's fallback, its hashed assets and the inventory's pages that share their prefix
 * (registered only once web/dist is built, so the table must not depend on them) and the /docs browser, served
 * to anyone.
 */
const pages = (url: string) =>
  url === '/*' || url.startsWith('/assets/') || url === '/docs' || url.startsWith('/docs/');

function rowKey(r: { route: string }): string {
  return r.route;
}

describe.each(dialects)('route × role on %s', (dialect) => {
  let t: TestApp;
  let f: Fixture;
  let base: string;
  const registered = new Set<string>();

  beforeAll(async () => {
    // Every route Fastify registers, read while the app is built (the hook is added as the instance is created,
    // so it sees the routes of every plugin).
    const onInit = (message: unknown) =>
      (message as { fastify: FastifyInstance }).fastify.addHook('onRoute', (route: RouteOptions) => {
        for (const method of [route.method].flat()) {
          if (method !== 'HEAD' && !pages(route.url)) registered.add(`${method} ${route.url}`);
        }
      });
    diagnostics.subscribe('fastify.initialization', onInit);
    try {
      t = await makeApp(dialect, {
        OPSDESK_LOGIN_RATE_PER_MINUTE: '10000',
        OPSDESK_PUBLIC_URL: 'http://desk.example.test',
        OPSDESK_WEBHOOK_ALLOW_PRIVATE: '1',
      });
    } finally {
      diagnostics.unsubscribe('fastify.initialization', onInit);
    }
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;

    const password = 'role-table-password';
    const roles = {
      owner: 'requester',
      otherRequester: 'requester',
      technician: 'technician',
      manager: 'manager',
      admin: 'admin',
      bystander: 'requester',
    } as const;
    const ids = {} as Fixture['ids'];
    for (const [who, role] of Object.entries(roles) as [
      keyof typeof roles,
      (typeof roles)[keyof typeof roles],
    ][]) {
      ids[who] = (
        await createUser(t.ctx, null, {
          email: `${who.toLowerCase()}@example.test`,
          name: who,
          role,
          password,
        })
      ).id;
    }
    f = { app: t.app, ids, password } as Fixture;
    await signInAll();
    const bystander = await signIn(t.app, 'bystander@example.test', password);
    const token = await bystander.call('POST', '/api/v1/tokens', { name: 'bystander script' });
    f.bystanderTokenId = token.body.id;
    f.groupId = (await as(f, 'admin', 'POST', '/api/v1/groups', { name: 'Service Desk L1' })).id;
    f.categoryId = (await as(f, 'admin', 'POST', '/api/v1/categories', { name: 'Printer' })).id;
    f.ticketId = (
      await as(f, 'owner', 'POST', '/api/v1/tickets', { title: 'Owner ticket', description: 'mine' })
    ).id;
    f.attachmentId = (
      await inject(f, 'owner', {
        method: 'POST',
        url: `/api/v1/tickets/${f.ticketId}/attachments`,
        file: { name: 'photo.txt', type: 'text/plain', content: 'the printer says PC LOAD LETTER\n' },
      }).then((r) => r.json() as { id: number })
    ).id;
    f.calendarId = (await as(f, 'admin', 'POST', '/api/v1/sla/calendars', calendarBody())).id;
    f.policyId = (await as(f, 'admin', 'POST', '/api/v1/sla/policies', policyBody())).id;
    f.webhookId = (await as(f, 'admin', 'POST', '/api/v1/webhooks', { url: 'http://127.0.0.1:9/hook' })).id;
  });
  afterAll(async () => t?.close());

  async function signInAll(): Promise<void> {
    f.tokens = {} as Fixture['tokens'];
    for (const who of signedInWhos)
      f.tokens[who] = (await signIn(t.app, `${who.toLowerCase()}@example.test`, f.password)).token;
  }

  it('every registered route has a row, and every row a registered route', () => {
    const rows = new Set(table.map(rowKey));
    expect([...registered].filter((r) => !rows.has(r)).sort(), 'routes without a row').toEqual([]);
    expect([...rows].filter((r) => !registered.has(r)).sort(), 'rows without a route').toEqual([]);
  });

  // Rows that end sessions run last, each followed by a fresh sign-in of everyone.
  const ordered = [...table.filter((r) => !r.endsSessions), ...table.filter((r) => r.endsSessions)];
  for (const row of ordered) {
    it(`${row.route}${row.case ? ` (${row.case})` : ''}`, async () => {
      const got = {} as Expect;
      for (const who of whos) {
        const request = await row.call(f, who);
        const res = row.stream ? await openStream(base, f, who, request.url) : await inject(f, who, request);
        got[who] = row.outcome
          ? row.outcome(res.statusCode, res.json())
          : res.statusCode >= 200 && res.statusCode < 300
            ? 'ok'
            : res.statusCode;
        // Errors are problem+json, but SCIM's, which are SCIM's own error body (RFC 7644 §3.12).
        if (res.statusCode >= 400)
          expect(res.headers['content-type']).toContain(
            request.url.startsWith('/scim/') ? 'application/scim+json' : 'application/problem+json',
          );
      }
      if (row.endsSessions) await signInAll();
      expect(got).toEqual(row.expect);
    });
  }
});

interface Answer {
  statusCode: number;
  headers: Record<string, unknown>;
  json(): unknown;
}

function inject(f: Fixture, who: Who, request: Request): Promise<Answer> {
  const headers: Record<string, string> =
    who === 'anonymous' ? {} : { authorization: `Bearer ${f.tokens[who]}` };
  let payload: InjectOptions['payload'] | undefined;
  if (request.file) {
    const boundary = '----opsdesk-role-table';
    headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
    payload = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${request.file.name}"\r\nContent-Type: ${request.file.type}\r\n\r\n`,
      ),
      Buffer.from(request.file.content),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
  } else if (request.body !== undefined) {
    payload = request.body as InjectOptions['payload'];
  }
  return f.app.inject({
    method: request.method,
    url: request.url,
    headers,
    ...(payload !== undefined ? { payload } : {}),
  });
}

/** Open a stream over the real port, take its status and headers, and hang up. */
async function openStream(base: string, f: Fixture, who: Who, url: string): Promise<Answer> {
  const aborted = new AbortController();
  const res = await fetch(`${base}${url}`, {
    headers: who === 'anonymous' ? {} : { authorization: `Bearer ${f.tokens[who]}` },
    signal: aborted.signal,
  });
  const headers = Object.fromEntries(res.headers.entries());
  const body = res.ok ? null : await res.json();
  aborted.abort();
  return { statusCode: res.status, headers, json: () => body };
}
