// Who is calling: a bearer token (session or API token) in Authorization, or the session cookie. Cookie
import '@fastify/cookie';
// writes must carry the session's CSRF token in x-csrf-token (the double-submit defence that SameSite
// alone does not give older browsers). Routes call requireActor(); the domain decides what is allowed.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type Actor, authenticate, sameSecret } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { Forbidden, Unauthenticated } from '../core/errors.js';

export const sessionCookie = 'opsdesk_session';
/** Where FusionInventory / GLPI agents submit (routes/inventory.ts): HTTP basic is theirs, not a sign-in. */
export const inventoryAgentPath = '/api/v1/inventory/fusion';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
    presentedToken: string | null;
  }
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
const samlAcs = /^\/api\/v1\/auth\/saml\/[^/?]+\/acs(?:\?|$)/;

export function registerAuthentication(app: FastifyInstance, ctx: ServiceContext): void {
  app.decorateRequest('actor', null);
  app.decorateRequest('presentedToken', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const header = request.headers.authorization;
    let token: string | null = null;
    let via: 'cookie' | 'bearer' = 'bearer';
    // Inventory agents authenticate with HTTP basic (their token as the password): the route checks it.
    if (typeof header === 'string' && /^Basic\s/i.test(header) && request.url.startsWith(inventoryAgentPath))
      return;
    // A SAML provider's POST to the assertion consumer service signs in by its signed assertion, not a session.
    if (request.method === 'POST' && samlAcs.test(request.url)) return;
    if (typeof header === 'string' && header.length > 0) {
      const m = /^Bearer\s+([A-Za-z0-9_-]{1,200})\s*$/i.exec(header);
      if (!m)
        throw new Unauthenticated('not_signed_in', 'The Authorization header must be "Bearer <token>".');
      token = m[1];
    } else {
      const cookie = request.cookies?.[sessionCookie];
      if (cookie && /^[A-Za-z0-9_-]{1,200}$/.test(cookie)) {
        token = cookie;
        via = 'cookie';
      }
    }
    if (!token) return;
    const actor = await authenticate(ctx, token, via);
    request.presentedToken = actor ? token : null;
    request.actor = actor;
    if (actor && via === 'cookie' && !safeMethods.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !actor.csrfToken || !sameSecret(sent, actor.csrfToken)) {
        throw new Forbidden(
          'csrf_token_missing',
          "A cookie-authenticated write must send the session's x-csrf-token header.",
        );
      }
    }
  });
}

export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor)
    throw new Unauthenticated('not_signed_in', 'Sign in first: send a bearer token or the session cookie.');
  return request.actor;
}
