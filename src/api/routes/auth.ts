// Sign-in, sign-out, the current session, and personal API tokens.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  createApiToken,
  digest,
  endSessionUrl,
  finishPasswordReset,
  getUser,
  LoginThrottle,
  listApiTokens,
  login,
  logout,
  revokeApiToken,
  signInThroughDirectory,
} from '../../core/auth/index.js';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import { requireActor, sessionCookie } from '../authentication.js';
import { IdParams, IsoTime, Nullable, problemResponses } from '../schemas.js';
import { apiTokenView, userView } from '../views.js';
import { baseUrl } from './sso.js';

export function authRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  const throttle = new LoginThrottle(ctx.config.loginRatePerMinute);
  return async (app) => {
    app.post(
      '/api/v1/auth/login',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary: 'Sign in: returns a bearer token and sets the session cookie',
          body: Type.Object({
            email: Type.String({ minLength: 1, maxLength: 320 }),
            password: Type.String({ minLength: 1, maxLength: 1024 }),
          }),
          response: {
            200: Type.Object({
              token: Type.String(),
              csrfToken: Type.String(),
              expiresAt: IsoTime,
              user: Type.Ref('User'),
            }),
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const result = await login(
          ctx,
          throttle,
          { ...request.body, clientKey: request.ip },
          signInThroughDirectory,
        );
        reply.setCookie(sessionCookie, result.token, {
          httpOnly: true,
          sameSite: 'lax',
          secure: ctx.config.cookieSecure,
          path: '/',
          expires: new Date(result.expiresAt),
        });
        return {
          token: result.token,
          csrfToken: result.csrfToken,
          expiresAt: toIso(result.expiresAt),
          user: userView(result.user),
        };
      },
    );

    app.post(
      '/api/v1/auth/logout',
      {
        schema: {
          tags: ['auth'],
          summary:
            "End the current session; a session opened through an identity provider that offers single logout answers with the provider's end-session URL to send the browser to",
          response: {
            200: Type.Object({ endSessionUrl: Nullable(Type.String()) }),
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        requireActor(request);
        let endSession: string | null = null;
        if (request.presentedToken) {
          const signInPage = `${baseUrl(ctx, request)}/sign-in`;
          endSession = await endSessionUrl(ctx, digest(request.presentedToken), signInPage).catch(() => null);
          await logout(ctx, request.presentedToken);
        }
        reply.clearCookie(sessionCookie, { path: '/' });
        return { endSessionUrl: endSession };
      },
    );

    app.post(
      '/api/v1/auth/password-reset',
      {
        config: { public: true },
        schema: {
          tags: ['auth'],
          summary:
            "Set a new password with the one-time token of an admin's reset link (the part after # in the mailed link); no sign-in needed",
          body: Type.Object({
            token: Type.String({ minLength: 1, maxLength: 200 }),
            password: Type.String({ maxLength: 1024 }),
          }),
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await finishPasswordReset(ctx, request.body);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/api/v1/auth/session',
      {
        schema: {
          tags: ['auth'],
          summary: 'The signed-in user, and the CSRF token the web app sends with writes',
          response: {
            200: Type.Object({
              user: Type.Ref('User'),
              csrfToken: Nullable(Type.String()),
              via: Type.String(),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        const user = await getUser(ctx, actor, actor.id);
        return { user: userView(user), csrfToken: actor.csrfToken, via: actor.via };
      },
    );

    app.post(
      '/api/v1/tokens',
      {
        schema: {
          tags: ['auth'],
          summary: 'Create a personal API token (the token is shown only in this response)',
          body: Type.Object({
            name: Type.String({ minLength: 1, maxLength: 100 }),
            expiresInDays: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 3650 }))),
          }),
          response: {
            201: Type.Intersect([Type.Ref('ApiToken'), Type.Object({ token: Type.String() })]),
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const t = await createApiToken(ctx, actor, request.body);
        return reply.code(201).send({ ...apiTokenView(t), token: t.token });
      },
    );

    app.get(
      '/api/v1/tokens',
      {
        schema: {
          tags: ['auth'],
          summary: 'My API tokens (an admin may pass userId)',
          querystring: Type.Object({ userId: Type.Optional(Type.Integer({ minimum: 1 })) }),
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('ApiToken')) }), ...problemResponses },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        return { items: (await listApiTokens(ctx, actor, request.query.userId)).map(apiTokenView) };
      },
    );

    app.delete(
      '/api/v1/tokens/:id',
      {
        schema: {
          tags: ['auth'],
          summary: 'Revoke an API token',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        await revokeApiToken(ctx, actor, request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
