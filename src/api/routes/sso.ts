// Single sign-on over HTTP: the sign-in methods the sign-in page offers (public), the OpenID Connect flow's two
// browser legs (start → the provider → callback), and the admin's settings of each identity provider.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  createIdentityProvider,
  deleteIdentityProvider,
  finishOidcSignIn,
  getIdentityProvider,
  type IdentityProvider,
  listIdentityProviders,
  signInMethods,
  ssoSignInTtlMs,
  startOidcSignIn,
  updateIdentityProvider,
} from '../../core/auth/index.js';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import { DomainError } from '../../core/errors.js';
import { requireActor, sessionCookie } from '../authentication.js';
import { IdParams, IsoTime, Nullable, problemResponses } from '../schemas.js';

const tags = ['auth'];
/** The state of a sign-in in flight, bound to the browser that started it. */
export const ssoStateCookie = 'opsdesk_sso_state';
const flowPath = '/api/v1/auth/oidc';

const RoleName = Type.Union([
  Type.Literal('admin'),
  Type.Literal('manager'),
  Type.Literal('technician'),
  Type.Literal('requester'),
]);
const Mapping = Type.Object({
  rolesClaim: Nullable(Type.String({ minLength: 1, maxLength: 100 })),
  roleMap: Type.Record(Type.String({ maxLength: 200 }), RoleName, { maxProperties: 100 }),
  defaultRole: RoleName,
  groupsClaim: Nullable(Type.String({ minLength: 1, maxLength: 100 })),
  groupMap: Type.Record(
    Type.String({ maxLength: 200 }),
    Type.Array(Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), { maxItems: 50 }),
    { maxProperties: 500 },
  ),
});
const ProviderView = Type.Object({
  id: Type.Integer(),
  kind: Type.Literal('oidc'),
  slug: Type.String(),
  displayName: Type.String(),
  issuer: Type.String(),
  clientId: Type.String(),
  hasClientSecret: Type.Boolean(),
  scopes: Type.String(),
  mapping: Mapping,
  domains: Type.Array(Type.String()),
  ssoOnly: Type.Boolean(),
  createAccounts: Type.Boolean(),
  enabled: Type.Boolean(),
  redirectUri: Type.String({ description: 'The callback URL to register at the provider.' }),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const ProviderFields = {
  slug: Type.String({ minLength: 1, maxLength: 40 }),
  displayName: Type.String({ minLength: 1, maxLength: 100 }),
  issuer: Type.String({ minLength: 1, maxLength: 500 }),
  clientId: Type.String({ minLength: 1, maxLength: 500 }),
  clientSecret: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  scopes: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  mapping: Type.Optional(Type.Partial(Mapping)),
  domains: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 100 })),
  ssoOnly: Type.Optional(Type.Boolean()),
  createAccounts: Type.Optional(Type.Boolean()),
  enabled: Type.Optional(Type.Boolean()),
};
const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 40 }) });

/** This service's own address as the browser sees it: the configured public URL, else the request's. */
export function baseUrl(ctx: ServiceContext, request: FastifyRequest): string {
  return (ctx.config.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, '');
}

function callbackUri(ctx: ServiceContext, request: FastifyRequest, slug: string): string {
  return `${baseUrl(ctx, request)}${flowPath}/${encodeURIComponent(slug)}/callback`;
}

function wantsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

export function ssoRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  const view = (request: FastifyRequest, p: IdentityProvider) => ({
    ...p,
    redirectUri: callbackUri(ctx, request, p.slug),
    createdAt: toIso(p.createdAt),
    updatedAt: toIso(p.updatedAt),
  });

  /** A browser leg that failed goes back to the sign-in page with the reason; an API client gets problem+json. */
  const browserFailure = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    if (!(error instanceof DomainError) || !wantsHtml(request)) throw error;
    const query = new URLSearchParams({ sso_error: error.code, message: error.message.slice(0, 300) });
    return reply.redirect(`/sign-in?${query}`, 303);
  };

  return async (app) => {
    app.get(
      '/api/v1/auth/providers',
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            'The sign-in methods the sign-in page offers: a password, and each enabled identity provider',
          response: {
            200: Type.Object({
              password: Type.Boolean(),
              items: Type.Array(
                Type.Object({
                  kind: Type.Literal('oidc'),
                  slug: Type.String(),
                  displayName: Type.String(),
                  startUrl: Type.String(),
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async () => ({
        password: true,
        items: (await signInMethods(ctx)).map((m) => ({
          ...m,
          startUrl: `${flowPath}/${encodeURIComponent(m.slug)}/start`,
        })),
      }),
    );

    app.get(
      `${flowPath}/:slug/start`,
      {
        config: { public: true },
        schema: {
          tags,
          summary: "Start signing in through an identity provider: redirects to the provider's sign-in page",
          params: SlugParams,
          querystring: Type.Object({ returnTo: Type.Optional(Type.String({ maxLength: 500 })) }),
          response: { 302: Type.Null(), 303: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        try {
          const { url, state } = await startOidcSignIn(ctx, {
            slug: request.params.slug,
            redirectUri: callbackUri(ctx, request, request.params.slug),
            returnTo: request.query.returnTo,
          });
          reply.setCookie(ssoStateCookie, state, {
            httpOnly: true,
            // Lax: the provider's redirect back is a top-level GET, which carries it; a cross-site POST does not.
            sameSite: 'lax',
            secure: ctx.config.cookieSecure,
            path: flowPath,
            maxAge: Math.round(ssoSignInTtlMs / 1000),
          });
          return reply.redirect(url, 302);
        } catch (error) {
          return browserFailure(request, reply, error);
        }
      },
    );

    app.get(
      `${flowPath}/:slug/callback`,
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            "The provider's redirect back: checks state, nonce and the ID token, opens a session and redirects to where the sign-in started",
          params: SlugParams,
          querystring: Type.Object(
            {
              code: Type.Optional(Type.String({ maxLength: 4000 })),
              state: Type.Optional(Type.String({ maxLength: 500 })),
              iss: Type.Optional(Type.String({ maxLength: 500 })),
              error: Type.Optional(Type.String({ maxLength: 500 })),
              error_description: Type.Optional(Type.String({ maxLength: 2000 })),
            },
            { additionalProperties: true },
          ),
          response: { 302: Type.Null(), 303: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        reply.clearCookie(ssoStateCookie, { path: flowPath });
        try {
          const result = await finishOidcSignIn(ctx, {
            slug: request.params.slug,
            callbackUrl: `${callbackUri(ctx, request, request.params.slug)}${request.url.slice(request.url.indexOf('?'))}`,
            cookieState: request.cookies?.[ssoStateCookie],
            clientKey: request.ip,
          });
          reply.setCookie(sessionCookie, result.token, {
            httpOnly: true,
            sameSite: 'lax',
            secure: ctx.config.cookieSecure,
            path: '/',
            expires: new Date(result.expiresAt),
          });
          return reply.redirect(result.returnTo, 303);
        } catch (error) {
          return browserFailure(request, reply, error);
        }
      },
    );

    app.get(
      '/api/v1/identity-providers',
      {
        schema: {
          tags,
          summary: 'The identity providers connected for single sign-on (admins)',
          response: { 200: Type.Object({ items: Type.Array(ProviderView) }), ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        return { items: (await listIdentityProviders(ctx, actor)).map((p) => view(request, p)) };
      },
    );

    app.post(
      '/api/v1/identity-providers',
      {
        schema: {
          tags,
          summary: 'Connect an OpenID Connect provider (admins); its client secret is never shown again',
          body: Type.Object(ProviderFields, { additionalProperties: false }),
          response: { 201: ProviderView, ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const created = await createIdentityProvider(ctx, actor, request.body);
        return reply.code(201).send(view(request, created));
      },
    );

    app.get(
      '/api/v1/identity-providers/:id',
      {
        schema: {
          tags,
          summary: 'One identity provider (admins)',
          params: IdParams,
          response: { 200: ProviderView, ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        return view(request, await getIdentityProvider(ctx, actor, request.params.id));
      },
    );

    app.patch(
      '/api/v1/identity-providers/:id',
      {
        schema: {
          tags,
          summary:
            "Change an identity provider's settings (admins); a clientSecret given replaces the stored one",
          params: IdParams,
          body: Type.Partial(Type.Object(ProviderFields), { additionalProperties: false }),
          response: { 200: ProviderView, ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        return view(request, await updateIdentityProvider(ctx, actor, request.params.id, request.body));
      },
    );

    app.delete(
      '/api/v1/identity-providers/:id',
      {
        schema: {
          tags,
          summary: 'Disconnect an identity provider (admins): its linked identities go; the accounts stay',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        await deleteIdentityProvider(ctx, actor, request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
