// SCIM 2.0 provisioning over HTTP (RFC 7644), at /scim/v2, for Entra ID, Okta and other identity providers;
// and the admin's SCIM tokens at /api/v1/scim-tokens. The /scim/v2 routes speak SCIM, not our API: a SCIM token
// (never a user's session or API token) in Authorization, application/scim+json in and out, and SCIM's error
// body ({schemas, status, scimType, detail}) instead of problem+json.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import {
  authenticateScim,
  coreGroupUrn,
  coreUserUrn,
  createScimGroup,
  createScimToken,
  createScimUser,
  deleteScimGroup,
  deleteScimUser,
  enterpriseUserUrn,
  getScimGroup,
  getScimUser,
  listScimGroups,
  listScimTokens,
  listScimUsers,
  patchScimGroup,
  patchScimUser,
  replaceScimGroup,
  replaceScimUser,
  revokeScimToken,
  type ScimCaller,
  ScimError,
  type ScimToken,
  scimRoles,
} from '../../core/auth/index.js';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import { DomainError } from '../../core/errors.js';
import { requireActor } from '../authentication.js';
import { IdParams, IsoTime, Nullable, problemResponses } from '../schemas.js';
import { baseUrl } from './sso.js';

export const scimPath = '/scim/v2';
const scimType = 'application/scim+json; charset=utf-8';
const errorUrn = 'urn:ietf:params:scim:api:messages:2.0:Error';
const listUrn = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const maxCount = 200;

declare module 'fastify' {
  interface FastifyRequest {
    scimCaller: ScimCaller | null;
  }
}

type Json = Record<string, unknown>;

function send(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type(scimType).send(JSON.stringify(body));
}

function sendError(
  reply: FastifyReply,
  status: number,
  scimTypeName: string | null,
  detail: string,
): FastifyReply {
  return send(reply, status, {
    schemas: [errorUrn],
    status: String(status),
    ...(scimTypeName ? { scimType: scimTypeName } : {}),
    detail,
  });
}

function body(request: FastifyRequest): Json {
  const b = request.body;
  if (b === null || typeof b !== 'object' || Array.isArray(b))
    throw new ScimError(400, 'invalidSyntax', 'The body is a JSON object (application/scim+json).');
  return b as Json;
}

function intParam(raw: unknown, name: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !/^-?\d{1,9}$/.test(raw))
    throw new ScimError(400, 'invalidValue', `${name} is an integer.`);
  return Number(raw);
}

function listQuery(request: FastifyRequest) {
  const q = request.query as Record<string, unknown>;
  const filter = q.filter;
  if (filter !== undefined && typeof filter !== 'string')
    throw new ScimError(400, 'invalidFilter', 'Give one filter.');
  // RFC 7644 §3.4.2.4: a startIndex below 1 is 1; a negative count is 0.
  const startIndex = Math.max(1, intParam(q.startIndex, 'startIndex', 1));
  const count = Math.min(maxCount, Math.max(0, intParam(q.count, 'count', 100)));
  const excluded =
    typeof q.excludedAttributes === 'string' ? q.excludedAttributes.toLowerCase().split(',') : [];
  return {
    filter: filter?.trim() || undefined,
    startIndex,
    count,
    withMembers: !excluded.map((s) => s.trim()).includes('members'),
  };
}

const listResponse = (total: number, startIndex: number, resources: Json[]) => ({
  schemas: [listUrn],
  totalResults: total,
  startIndex,
  itemsPerPage: resources.length,
  Resources: resources,
});

/** Attribute definitions for /Schemas (RFC 7643 §7), as much as this service stores. */
function attr(
  name: string,
  type: string,
  opts: { multi?: boolean; required?: boolean; mutability?: string; sub?: Json[]; uniqueness?: string } = {},
): Json {
  return {
    name,
    type,
    multiValued: opts.multi ?? false,
    required: opts.required ?? false,
    caseExact: false,
    mutability: opts.mutability ?? 'readWrite',
    returned: 'default',
    uniqueness: opts.uniqueness ?? 'none',
    ...(opts.sub ? { subAttributes: opts.sub } : {}),
  };
}
const valueType = [attr('value', 'string'), attr('type', 'string'), attr('primary', 'boolean')];
const schemas: (Json & { id: string })[] = [
  {
    id: coreUserUrn,
    name: 'User',
    description: 'An opsdesk account',
    attributes: [
      attr('userName', 'string', { required: true, uniqueness: 'server' }),
      attr('externalId', 'string'),
      attr('name', 'complex', {
        sub: [attr('formatted', 'string'), attr('givenName', 'string'), attr('familyName', 'string')],
      }),
      attr('displayName', 'string'),
      attr('active', 'boolean'),
      attr('emails', 'complex', { multi: true, sub: valueType }),
      attr('phoneNumbers', 'complex', { multi: true, sub: valueType }),
      attr('preferredLanguage', 'string'),
      attr('timezone', 'string'),
      attr('addresses', 'complex', {
        multi: true,
        sub: [attr('formatted', 'string'), attr('locality', 'string'), attr('type', 'string')],
      }),
      attr('roles', 'complex', { multi: true, sub: valueType }),
      attr('groups', 'complex', {
        multi: true,
        mutability: 'readOnly',
        sub: [attr('value', 'string'), attr('display', 'string')],
      }),
    ],
  },
  {
    id: enterpriseUserUrn,
    name: 'EnterpriseUser',
    description: 'Enterprise User',
    attributes: [
      attr('department', 'string'),
      attr('manager', 'complex', {
        sub: [attr('value', 'string'), attr('displayName', 'string', { mutability: 'readOnly' })],
      }),
    ],
  },
  {
    id: coreGroupUrn,
    name: 'Group',
    description: 'An opsdesk technician group',
    attributes: [
      attr('displayName', 'string', { required: true, uniqueness: 'server' }),
      attr('externalId', 'string'),
      attr('members', 'complex', {
        multi: true,
        sub: [attr('value', 'string'), attr('display', 'string', { mutability: 'readOnly' })],
      }),
    ],
  },
];

export function scimRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    const base = (request: FastifyRequest) => `${baseUrl(ctx, request)}${scimPath}`;
    const caller = (request: FastifyRequest): ScimCaller => {
      if (!request.scimCaller)
        throw new ScimError(401, null, 'Send a SCIM token: Authorization: Bearer scim_…');
      return request.scimCaller;
    };

    app.decorateRequest('scimCaller', null);
    app.addContentTypeParser(
      'application/scim+json',
      { parseAs: 'string' },
      app.getDefaultJsonParser('error', 'error'),
    );

    app.setErrorHandler((err: FastifyError | DomainError | ScimError, request, reply) => {
      if (err instanceof ScimError) {
        if (err.status === 401) reply.header('www-authenticate', 'Bearer realm="opsdesk SCIM"');
        return sendError(reply, err.status, err.scimType, err.message);
      }
      if (err instanceof DomainError) {
        const status = {
          invalid: 400,
          not_found: 404,
          conflict: 409,
          forbidden: 403,
          too_large: 413,
          unauthenticated: 401,
        }[err.kind as string];
        if (status)
          return sendError(
            reply,
            status,
            status === 400 ? 'invalidValue' : status === 409 ? 'uniqueness' : null,
            err.message,
          );
      }
      const e = err as FastifyError;
      if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
        return sendError(reply, 413, null, 'The body is too large.');
      if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
        return sendError(reply, 415, null, 'Send application/scim+json or application/json.');
      if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
        return sendError(
          reply,
          e.statusCode,
          'invalidSyntax',
          e.message.replace(
            /^Body is not valid JSON but content-type is set to 'application\/(scim\+)?json'$/,
            'The body is not valid JSON.',
          ),
        );
      request.log.error({ err }, 'SCIM request failed');
      return sendError(reply, 500, null, 'The request failed on the server.');
    });

    // Every SCIM route needs a SCIM token; a user's session or API token is not one.
    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization;
      const m = typeof header === 'string' ? /^Bearer\s+(\S{1,200})\s*$/i.exec(header) : null;
      request.scimCaller = m ? await authenticateScim(ctx, m[1]) : null;
      if (!request.scimCaller)
        throw new ScimError(401, null, 'Send a valid SCIM token: Authorization: Bearer scim_…');
    });

    const opts = { config: { public: true }, schema: { hide: true } };

    app.get(`${scimPath}/ServiceProviderConfig`, opts, async (request, reply) =>
      send(reply, 200, {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
        documentationUri: 'https://github.com/opsdesk/opsdesk/blob/main/docs/scim.md',
        patch: { supported: true },
        bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
        filter: { supported: true, maxResults: maxCount },
        changePassword: { supported: false },
        sort: { supported: false },
        etag: { supported: false },
        authenticationSchemes: [
          {
            type: 'oauthbearertoken',
            name: 'OAuth Bearer Token',
            description: 'A SCIM token an opsdesk admin makes at /api/v1/scim-tokens',
            primary: true,
          },
        ],
        meta: { resourceType: 'ServiceProviderConfig', location: `${base(request)}/ServiceProviderConfig` },
      }),
    );
    const resourceTypes = (request: FastifyRequest) => [
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        schema: coreUserUrn,
        schemaExtensions: [{ schema: enterpriseUserUrn, required: false }],
        meta: { resourceType: 'ResourceType', location: `${base(request)}/ResourceTypes/User` },
      },
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'Group',
        name: 'Group',
        endpoint: '/Groups',
        schema: coreGroupUrn,
        meta: { resourceType: 'ResourceType', location: `${base(request)}/ResourceTypes/Group` },
      },
    ];
    app.get(`${scimPath}/ResourceTypes`, opts, async (request, reply) => {
      const all = resourceTypes(request);
      return send(reply, 200, listResponse(all.length, 1, all));
    });
    app.get(`${scimPath}/ResourceTypes/:name`, opts, async (request, reply) => {
      const name = (request.params as { name: string }).name;
      const found = resourceTypes(request).find((r) => r.id === name);
      if (!found) throw new ScimError(404, null, `No resource type ${name}.`);
      return send(reply, 200, found);
    });
    const schemaDocs = (request: FastifyRequest) =>
      schemas.map((s) => ({
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
        ...s,
        meta: { resourceType: 'Schema', location: `${base(request)}/Schemas/${s.id}` },
      }));
    app.get(`${scimPath}/Schemas`, opts, async (request, reply) => {
      const all = schemaDocs(request);
      return send(reply, 200, listResponse(all.length, 1, all));
    });
    app.get(`${scimPath}/Schemas/:id`, opts, async (request, reply) => {
      const id = (request.params as { id: string }).id;
      const found = schemaDocs(request).find((s) => s.id === id);
      if (!found) throw new ScimError(404, null, `No schema ${id}.`);
      return send(reply, 200, found);
    });

    // -- Users --
    app.get(`${scimPath}/Users`, opts, async (request, reply) => {
      const q = listQuery(request);
      const r = await listScimUsers(ctx, base(request), q);
      return send(reply, 200, listResponse(r.total, q.startIndex, r.resources));
    });
    app.post(`${scimPath}/Users`, opts, async (request, reply) => {
      const user = await createScimUser(ctx, caller(request), base(request), body(request));
      reply.header('location', (user.meta as Json).location as string);
      return send(reply, 201, user);
    });
    const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;
    app.get(`${scimPath}/Users/:id`, opts, async (request, reply) =>
      send(reply, 200, await getScimUser(ctx, base(request), idOf(request))),
    );
    app.put(`${scimPath}/Users/:id`, opts, async (request, reply) =>
      send(
        reply,
        200,
        await replaceScimUser(ctx, caller(request), base(request), idOf(request), body(request)),
      ),
    );
    app.patch(`${scimPath}/Users/:id`, opts, async (request, reply) =>
      send(
        reply,
        200,
        await patchScimUser(ctx, caller(request), base(request), idOf(request), body(request)),
      ),
    );
    app.delete(`${scimPath}/Users/:id`, opts, async (request, reply) => {
      await deleteScimUser(ctx, caller(request), idOf(request));
      return reply.code(204).send();
    });

    // -- Groups --
    app.get(`${scimPath}/Groups`, opts, async (request, reply) => {
      const q = listQuery(request);
      const r = await listScimGroups(ctx, base(request), q);
      return send(reply, 200, listResponse(r.total, q.startIndex, r.resources));
    });
    app.post(`${scimPath}/Groups`, opts, async (request, reply) => {
      const group = await createScimGroup(ctx, caller(request), base(request), body(request));
      reply.header('location', (group.meta as Json).location as string);
      return send(reply, 201, group);
    });
    app.get(`${scimPath}/Groups/:id`, opts, async (request, reply) =>
      send(reply, 200, await getScimGroup(ctx, base(request), idOf(request), listQuery(request).withMembers)),
    );
    app.put(`${scimPath}/Groups/:id`, opts, async (request, reply) =>
      send(
        reply,
        200,
        await replaceScimGroup(ctx, caller(request), base(request), idOf(request), body(request)),
      ),
    );
    app.patch(`${scimPath}/Groups/:id`, opts, async (request, reply) => {
      await patchScimGroup(ctx, caller(request), base(request), idOf(request), body(request));
      return reply.code(204).send();
    });
    app.delete(`${scimPath}/Groups/:id`, opts, async (request, reply) => {
      await deleteScimGroup(ctx, caller(request), idOf(request));
      return reply.code(204).send();
    });

    // Anything else under /scim/v2 is a SCIM 404 (not the web app's page).
    app.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      url: `${scimPath}/*`,
      ...opts,
      handler: async (request) => {
        throw new ScimError(404, null, `No SCIM endpoint ${request.method} ${request.url.split('?')[0]}.`);
      },
    });
  };
}

// -- the admin's SCIM tokens --------------------------------------------------------------------------------

const tags = ['auth'];
const RoleName = Type.Union(scimRoles.map((r) => Type.Literal(r)));
const TokenView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  prefix: Type.String(),
  defaultRole: Type.String(),
  createdAt: IsoTime,
  lastUsedAt: Nullable(IsoTime),
  revokedAt: Nullable(IsoTime),
});
const view = (t: ScimToken) => ({
  ...t,
  createdAt: toIso(t.createdAt),
  lastUsedAt: t.lastUsedAt === null ? null : toIso(t.lastUsedAt),
  revokedAt: t.revokedAt === null ? null : toIso(t.revokedAt),
});

export function scimTokenRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/api/v1/scim-tokens',
      {
        schema: {
          tags,
          summary: 'The SCIM tokens identity providers provision with (admin)',
          response: { 200: Type.Object({ items: Type.Array(TokenView) }), ...problemResponses },
        },
      },
      async (request) => ({ items: (await listScimTokens(ctx, requireActor(request))).map(view) }),
    );
    app.post(
      '/api/v1/scim-tokens',
      {
        schema: {
          tags,
          summary:
            'Make a SCIM token (admin). The token is shown once: give it, with the tenant URL /scim/v2, to the identity provider.',
          body: Type.Object(
            { name: Type.String({ minLength: 1, maxLength: 100 }), defaultRole: Type.Optional(RoleName) },
            { additionalProperties: false },
          ),
          response: {
            201: Type.Intersect([TokenView, Type.Object({ token: Type.String(), tenantUrl: Type.String() })]),
            ...problemResponses,
          },
        },
      },
      async (request, reply) => {
        const t = await createScimToken(ctx, requireActor(request), request.body);
        reply.code(201);
        return { ...view(t), token: t.token, tenantUrl: `${baseUrl(ctx, request)}${scimPath}` };
      },
    );
    app.delete(
      '/api/v1/scim-tokens/:id',
      {
        schema: {
          tags,
          summary: 'Revoke a SCIM token (admin)',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await revokeScimToken(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
