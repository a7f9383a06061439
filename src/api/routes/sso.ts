// Single sign-on over HTTP: the sign-in methods the sign-in page offers (public), the OpenID Connect flow's two
// browser legs (start → the provider → callback), SAML's (start → the provider → a POST to the assertion consumer
// service) and its service provider metadata, and the admin's settings of each identity provider.
import formbody from '@fastify/formbody';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  createIdentityProvider,
  deleteIdentityProvider,
  finishOidcSignIn,
  finishSamlSignIn,
  getIdentityProvider,
  type IdentityProvider,
  listIdentityProviders,
  type SamlServiceProvider,
  samlMetadata,
  samlResponseMaxBytes,
  signInMethods,
  ssoSignInTtlMs,
  startOidcSignIn,
  startSamlSignIn,
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
/** SAML's state cookie: SameSite=None (the provider POSTs back cross-site), so only where cookies are secure. */
export const samlStateCookie = 'opsdesk_saml_state';
const samlPath = '/api/v1/auth/saml';

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
const Kind = Type.Union([Type.Literal('oidc'), Type.Literal('saml')]);
const SamlFields = Type.Object({
  ssoUrl: Type.String({ minLength: 1, maxLength: 1000, description: "The provider's single sign-on URL" }),
  certificates: Type.Array(Type.String({ minLength: 1, maxLength: 20_000 }), {
    minItems: 1,
    maxItems: 5,
    description: 'PEM (or bare base64) certificates the provider signs assertions with',
  }),
  emailAttribute: Nullable(Type.String({ maxLength: 200 })),
  nameAttribute: Nullable(Type.String({ maxLength: 200 })),
});
const SamlView = Type.Object({
  ...SamlFields.properties,
  spEntityId: Type.String({ description: "This service's entity ID, to register at the provider" }),
  acsUrl: Type.String({
    description: 'The assertion consumer service URL (HTTP-POST), to register at the provider',
  }),
  metadataUrl: Type.String({ description: "This service's SAML metadata for the provider" }),
});
const ProviderView = Type.Object({
  id: Type.Integer(),
  kind: Kind,
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
  saml: Nullable(SamlView),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const ProviderFields = {
  kind: Type.Optional(Kind),
  slug: Type.String({ minLength: 1, maxLength: 40 }),
  displayName: Type.String({ minLength: 1, maxLength: 100 }),
  issuer: Type.String({
    minLength: 1,
    maxLength: 500,
    description: "OpenID Connect: the issuer URL; SAML: the provider's entity ID",
  }),
  clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 500, description: 'OpenID Connect only' })),
  clientSecret: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  scopes: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
  mapping: Type.Optional(Type.Partial(Mapping)),
  domains: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 100 })),
  ssoOnly: Type.Optional(Type.Boolean()),
  createAccounts: Type.Optional(Type.Boolean()),
  enabled: Type.Optional(Type.Boolean()),
  saml: Type.Optional(Type.Partial(SamlFields, { description: 'SAML only' })),
};
const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 40 }) });

/** This service's own address as the browser sees it: the configured public URL, else the request's. */
export function baseUrl(ctx: ServiceContext, request: FastifyRequest): string {
  return (ctx.config.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, '');
}

function callbackUri(ctx: ServiceContext, request: FastifyRequest, slug: string): string {
  return `${baseUrl(ctx, request)}${flowPath}/${encodeURIComponent(slug)}/callback`;
}

/** This service's SAML names for a provider: the entity ID is the metadata URL, as is usual. */
function samlServiceProvider(
  ctx: ServiceContext,
  request: FastifyRequest,
  slug: string,
): SamlServiceProvider {
  const at = `${baseUrl(ctx, request)}${samlPath}/${encodeURIComponent(slug)}`;
  return { entityId: `${at}/metadata`, acsUrl: `${at}/acs` };
}

function startUrl(kind: 'oidc' | 'saml', slug: string): string {
  return `${kind === 'saml' ? samlPath : flowPath}/${encodeURIComponent(slug)}/start`;
}

function wantsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

export function ssoRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  const view = (request: FastifyRequest, p: IdentityProvider) => ({
    ...p,
    redirectUri:
      p.kind === 'saml'
        ? samlServiceProvider(ctx, request, p.slug).acsUrl
        : callbackUri(ctx, request, p.slug),
    saml: p.saml
      ? {
          ...p.saml,
          spEntityId: samlServiceProvider(ctx, request, p.slug).entityId,
          acsUrl: samlServiceProvider(ctx, request, p.slug).acsUrl,
          metadataUrl: samlServiceProvider(ctx, request, p.slug).entityId,
        }
      : null,
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
    // The SAML provider POSTs its answer as a form (HTTP-POST binding); a large group list makes it big.
    await app.register(formbody, { bodyLimit: samlResponseMaxBytes + 16 * 1024 });

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
                  kind: Kind,
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
          startUrl: startUrl(m.kind, m.slug),
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
      `${samlPath}/:slug/metadata`,
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            "This service's SAML 2.0 service provider metadata for a provider (its entity ID is this URL): the same document at every fetch",
          params: SlugParams,
          produces: ['application/samlmetadata+xml'],
          response: {
            200: Type.String({ description: 'application/samlmetadata+xml' }),
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const xml = await samlMetadata(
          ctx,
          request.params.slug,
          samlServiceProvider(ctx, request, request.params.slug),
        );
        return reply.type('application/samlmetadata+xml; charset=utf-8').send(xml);
      },
    );

    app.get(
      `${samlPath}/:slug/start`,
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            "Start signing in through a SAML provider: redirects to the provider's single sign-on URL with an AuthnRequest",
          params: SlugParams,
          querystring: Type.Object({ returnTo: Type.Optional(Type.String({ maxLength: 500 })) }),
          response: { 302: Type.Null(), 303: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        try {
          const { url, state } = await startSamlSignIn(ctx, {
            slug: request.params.slug,
            sp: samlServiceProvider(ctx, request, request.params.slug),
            returnTo: request.query.returnTo,
          });
          // The provider POSTs back cross-site: only a SameSite=None cookie comes with it, and browsers keep those
          // only when Secure. Over plain http the sign-in is bound by its single-use RelayState and request ID.
          if (ctx.config.cookieSecure)
            reply.setCookie(samlStateCookie, state, {
              httpOnly: true,
              sameSite: 'none',
              secure: true,
              path: samlPath,
              maxAge: Math.round(ssoSignInTtlMs / 1000),
            });
          return reply.redirect(url, 302);
        } catch (error) {
          return browserFailure(request, reply, error);
        }
      },
    );

    app.post(
      `${samlPath}/:slug/acs`,
      {
        config: { public: true },
        schema: {
          tags,
          summary:
            "The SAML provider's answer (HTTP-POST binding): checks the signed assertion, its audience, recipient, request, validity window and that it was not used before, opens a session and redirects to where the sign-in started",
          params: SlugParams,
          consumes: ['application/x-www-form-urlencoded'],
          body: Type.Object(
            {
              SAMLResponse: Type.String({ minLength: 1, maxLength: samlResponseMaxBytes }),
              RelayState: Type.Optional(Type.String({ maxLength: 500 })),
            },
            { additionalProperties: true },
          ),
          response: { 303: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        reply.clearCookie(samlStateCookie, { path: samlPath });
        try {
          const result = await finishSamlSignIn(ctx, {
            slug: request.params.slug,
            sp: samlServiceProvider(ctx, request, request.params.slug),
            samlResponse: request.body.SAMLResponse,
            relayState: request.body.RelayState,
            browserState: ctx.config.cookieSecure ? request.cookies?.[samlStateCookie] : null,
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
          summary:
            'Connect an OpenID Connect or SAML 2.0 provider (admins); a client secret is never shown again',
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
