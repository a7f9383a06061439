// Users and groups: admins manage them; staff read the directory to assign work.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  createGroup,
  createUser,
  getGroup,
  getUser,
  importUsersCsv,
  listGroups,
  listUsers,
  startPasswordReset,
  updateGroup,
  updateUser,
  userImportLimits,
} from '../../core/auth/index.js';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import { nudgeMail, queuePasswordResetMail } from '../../mail/index.js';
import { requireActor } from '../authentication.js';
import { Cursor, Id, IdParams, IsoTime, Nullable, problemResponses, RoleSchema } from '../schemas.js';
import { groupView, userView } from '../views.js';
import { decodeIdCursor, idPage } from './paging.js';

/** Contact and locale: phone, language (BCP 47), time zone (IANA), office. */
const ContactFields = {
  phone: Type.Optional(Nullable(Type.String({ maxLength: 50 }))),
  language: Type.Optional(Nullable(Type.String({ maxLength: 35 }))),
  timeZone: Type.Optional(Nullable(Type.String({ maxLength: 64 }))),
  location: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
};

export function accountRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/api/v1/users',
      {
        schema: {
          tags: ['users'],
          summary: 'Create a user (admin)',
          body: Type.Object({
            email: Type.String({ minLength: 3, maxLength: 254 }),
            name: Type.String({ minLength: 1, maxLength: 200 }),
            role: RoleSchema,
            password: Type.Optional(Type.String({ minLength: 8, maxLength: 256 })),
            groupIds: Type.Optional(Type.Array(Id, { maxItems: 50 })),
            managerId: Type.Optional(Nullable(Id)),
            department: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
            ...ContactFields,
            vip: Type.Optional(Type.Boolean()),
          }),
          response: { 201: Type.Ref('User'), ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        return reply.code(201).send(userView(await createUser(ctx, actor, request.body)));
      },
    );

    app.post(
      '/api/v1/users/import',
      {
        bodyLimit: userImportLimits.bodyBytes,
        schema: {
          tags: ['users'],
          summary: 'Import people from CSV (admin); dryRun previews',
          description:
            'Columns (header row, any order, "," or ";"): email (required), name (required for a new person), role, department, location, phone, language, time_zone, manager (an email, of someone here or in the file), groups (names separated by ; or |, made if missing), active, vip. ' +
            'People are matched by email: re-running a file updates them; an empty cell leaves a field as it is. Rows with problems are refused with every reason; the good rows are written together.',
          body: Type.Object(
            { csv: Type.String({ minLength: 1 }), dryRun: Type.Optional(Type.Boolean()) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              dryRun: Type.Boolean(),
              rows: Type.Integer(),
              created: Type.Integer(),
              updated: Type.Integer(),
              unchanged: Type.Integer(),
              rejected: Type.Array(
                Type.Object({
                  line: Type.Integer(),
                  email: Nullable(Type.String()),
                  reasons: Type.Array(Type.String()),
                }),
              ),
              groupsCreated: Type.Array(Type.String()),
              preview: Type.Array(
                Type.Object({
                  line: Type.Integer(),
                  email: Type.String(),
                  action: Type.Union([
                    Type.Literal('create'),
                    Type.Literal('update'),
                    Type.Literal('unchanged'),
                  ]),
                  changes: Type.Array(Type.String()),
                }),
              ),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) =>
        importUsersCsv(ctx, requireActor(request), request.body.csv, {
          dryRun: request.body.dryRun ?? false,
        }),
    );

    app.get(
      '/api/v1/users',
      {
        schema: {
          tags: ['users'],
          summary: 'List users (staff)',
          querystring: Type.Object({
            role: Type.Optional(RoleSchema),
            groupId: Type.Optional(Id),
            q: Type.Optional(Type.String({ maxLength: 200 })),
            active: Type.Optional(Type.Boolean()),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
            cursor: Type.Optional(Cursor),
          }),
          response: {
            200: Type.Object({
              items: Type.Array(Type.Ref('User')),
              nextCursor: Type.Union([Type.String(), Type.Null()]),
            }),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        const { cursor, limit, ...rest } = request.query;
        const items = await listUsers(ctx, actor, {
          ...rest,
          limit: limit + 1,
          afterId: cursor ? decodeIdCursor(cursor) : undefined,
        });
        return idPage(items, limit, userView);
      },
    );

    app.get(
      '/api/v1/users/:id',
      {
        schema: {
          tags: ['users'],
          summary: 'One user',
          params: IdParams,
          response: { 200: Type.Ref('User'), ...problemResponses },
        },
      },
      async (request) => userView(await getUser(ctx, requireActor(request), request.params.id)),
    );

    app.patch(
      '/api/v1/users/:id',
      {
        schema: {
          tags: ['users'],
          summary:
            'Change a user (admin; anyone may change their own name, language and time zone and, from a signed-in session with currentPassword, their password). A new password ends every session of the user and revokes their API tokens unless keepApiTokens is true.',
          params: IdParams,
          body: Type.Object(
            {
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
              role: Type.Optional(RoleSchema),
              active: Type.Optional(Type.Boolean()),
              password: Type.Optional(Type.String({ minLength: 8, maxLength: 256 })),
              currentPassword: Type.Optional(Type.String({ maxLength: 1024 })),
              keepApiTokens: Type.Optional(Type.Boolean()),
              groupIds: Type.Optional(Type.Array(Id, { maxItems: 50 })),
              managerId: Type.Optional(
                Nullable(
                  Type.Integer({
                    minimum: 1,
                    description: 'who approves for this person as their manager; null: none',
                  }),
                ),
              ),
              department: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
              ...ContactFields,
              vip: Type.Optional(Type.Boolean()),
            },
            { minProperties: 1 },
          ),
          response: { 200: Type.Ref('User'), ...problemResponses },
        },
      },
      async (request) =>
        userView(await updateUser(ctx, requireActor(request), request.params.id, request.body)),
    );

    app.post(
      '/api/v1/users/:id/password-reset',
      {
        schema: {
          tags: ['users'],
          summary:
            "Reset a user's password (admin): the old password, sessions and (unless keepApiTokens) API tokens stop working, and the user is mailed a one-time link to OPSDESK_PUBLIC_URL/reset-password",
          params: IdParams,
          body: Type.Object({ keepApiTokens: Type.Optional(Type.Boolean()) }),
          response: { 202: Type.Object({ expiresAt: IsoTime }), ...problemResponses },
        },
      },
      async (request, reply) => {
        const actor = requireActor(request);
        const { expiresAt } = await startPasswordReset(ctx, actor, request.params.id, {
          keepApiTokens: request.body.keepApiTokens,
          deliver: (trx, mail) => queuePasswordResetMail(ctx, trx, mail),
        });
        nudgeMail(ctx);
        return reply.code(202).send({ expiresAt: toIso(expiresAt) });
      },
    );

    app.get(
      '/api/v1/groups',
      {
        schema: {
          tags: ['groups'],
          summary: 'List technician groups (staff)',
          response: { 200: Type.Object({ items: Type.Array(Type.Ref('Group')) }), ...problemResponses },
        },
      },
      async (request) => ({ items: (await listGroups(ctx, requireActor(request))).map(groupView) }),
    );

    app.get(
      '/api/v1/groups/:id',
      {
        schema: {
          tags: ['groups'],
          summary: 'One group',
          params: IdParams,
          response: { 200: Type.Ref('Group'), ...problemResponses },
        },
      },
      async (request) => groupView(await getGroup(ctx, requireActor(request), request.params.id)),
    );

    const GroupBody = {
      name: Type.String({ minLength: 1, maxLength: 100 }),
      description: Type.Optional(Type.String({ maxLength: 2000 })),
      memberIds: Type.Optional(Type.Array(Id, { maxItems: 500 })),
    };

    app.post(
      '/api/v1/groups',
      {
        schema: {
          tags: ['groups'],
          summary: 'Create a group (admin)',
          body: Type.Object(GroupBody),
          response: { 201: Type.Ref('Group'), ...problemResponses },
        },
      },
      async (request, reply) =>
        reply.code(201).send(groupView(await createGroup(ctx, requireActor(request), request.body))),
    );

    app.patch(
      '/api/v1/groups/:id',
      {
        schema: {
          tags: ['groups'],
          summary: 'Change a group (admin)',
          params: IdParams,
          body: Type.Object({ ...GroupBody, name: Type.Optional(GroupBody.name) }, { minProperties: 1 }),
          response: { 200: Type.Ref('Group'), ...problemResponses },
        },
      },
      async (request) =>
        groupView(await updateGroup(ctx, requireActor(request), request.params.id, request.body)),
    );
  };
}
