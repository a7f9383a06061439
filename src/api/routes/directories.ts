// LDAP and Active Directory directories over HTTP (admins): connect, change and disconnect one, test its connection,
// and sync its people and groups now (or see what a sync would do, with dryRun). People sign in with a directory
// password through the ordinary password sign-in (POST /api/v1/auth/login).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import {
  createLdapDirectory,
  deleteLdapDirectory,
  getLdapDirectory,
  type LdapDirectory,
  type LdapSyncReport,
  lastLdapSyncReport,
  listLdapDirectories,
  syncLdapDirectory,
  testLdapDirectory,
  updateLdapDirectory,
} from '../../core/auth/index.js';
import { toIso } from '../../core/clock.js';
import type { ServiceContext } from '../../core/context.js';
import { requireActor } from '../authentication.js';
import { IdParams, IsoTime, Nullable, problemResponses } from '../schemas.js';

const tags = ['auth'];

const RoleName = Type.Union([
  Type.Literal('admin'),
  Type.Literal('manager'),
  Type.Literal('technician'),
  Type.Literal('requester'),
]);
const Mapping = Type.Object({
  roleMap: Type.Record(Type.String({ maxLength: 1000 }), RoleName, { maxProperties: 100 }),
  defaultRole: RoleName,
  groupMap: Type.Record(
    Type.String({ maxLength: 1000 }),
    Type.Array(Type.Integer({ minimum: 1, maximum: 2_147_483_647 }), { maxItems: 50 }),
    { maxProperties: 500 },
  ),
});
const BindMode = Type.Union([Type.Literal('search'), Type.Literal('direct')]);
const NestedGroups = Type.Union([
  Type.Literal('auto'),
  Type.Literal('matching-rule'),
  Type.Literal('walk'),
  Type.Literal('off'),
]);
const Attribute = Type.String({ minLength: 1, maxLength: 100 });
const Filter = Type.String({ minLength: 1, maxLength: 2000 });
const Dn = Type.String({ minLength: 1, maxLength: 1000 });

const DirectoryView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  url: Type.String(),
  startTls: Type.Boolean(),
  tlsCa: Nullable(Type.String()),
  bindMode: BindMode,
  bindDn: Nullable(Type.String()),
  hasBindPassword: Type.Boolean(),
  userDnTemplate: Nullable(Type.String()),
  userBase: Type.String(),
  userFilter: Type.String(),
  loginAttribute: Type.String(),
  emailAttribute: Type.String(),
  nameAttribute: Type.String(),
  idAttribute: Type.String(),
  disabledFilter: Nullable(Type.String()),
  groupBase: Nullable(Type.String()),
  groupFilter: Type.String(),
  memberAttribute: Type.String(),
  groupNameAttribute: Type.String(),
  nestedGroups: NestedGroups,
  mapping: Mapping,
  createAccounts: Type.Boolean(),
  syncEnabled: Type.Boolean(),
  syncIntervalMinutes: Type.Integer(),
  enabled: Type.Boolean(),
  lastSyncAt: Nullable(IsoTime),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
const DirectoryFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  url: Type.String({ minLength: 1, maxLength: 500 }),
  startTls: Type.Optional(Type.Boolean()),
  tlsCa: Type.Optional(Nullable(Type.String({ maxLength: 50_000 }))),
  bindMode: Type.Optional(BindMode),
  bindDn: Type.Optional(Nullable(Dn)),
  bindPassword: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
  userDnTemplate: Type.Optional(Nullable(Dn)),
  userBase: Dn,
  userFilter: Type.Optional(Filter),
  loginAttribute: Type.Optional(Attribute),
  emailAttribute: Type.Optional(Attribute),
  nameAttribute: Type.Optional(Attribute),
  idAttribute: Type.Optional(Attribute),
  disabledFilter: Type.Optional(Nullable(Filter)),
  groupBase: Type.Optional(Nullable(Dn)),
  groupFilter: Type.Optional(Filter),
  memberAttribute: Type.Optional(Attribute),
  groupNameAttribute: Type.Optional(Attribute),
  nestedGroups: Type.Optional(NestedGroups),
  mapping: Type.Optional(Type.Partial(Mapping)),
  createAccounts: Type.Optional(Type.Boolean()),
  syncEnabled: Type.Optional(Type.Boolean()),
  syncIntervalMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 10_080 })),
  enabled: Type.Optional(Type.Boolean()),
};
const SyncReport = Type.Object({
  directoryId: Type.Integer(),
  dryRun: Type.Boolean(),
  startedAt: IsoTime,
  finishedAt: IsoTime,
  people: Type.Integer(),
  groups: Type.Integer(),
  added: Type.Integer(),
  changed: Type.Integer(),
  deactivated: Type.Integer(),
  unchanged: Type.Integer(),
  errors: Type.Integer(),
  items: Type.Array(
    Type.Object({
      action: Type.Union([
        Type.Literal('added'),
        Type.Literal('changed'),
        Type.Literal('deactivated'),
        Type.Literal('error'),
      ]),
      dn: Type.String(),
      email: Nullable(Type.String()),
      changes: Type.Optional(Type.Array(Type.String())),
      reason: Type.Optional(Type.String()),
    }),
  ),
});
const TestResult = Type.Object({
  tls: Type.Union([Type.Literal('ldaps'), Type.Literal('starttls'), Type.Literal('none')]),
  nestedGroups: Type.Union([Type.Literal('matching-rule'), Type.Literal('walk'), Type.Literal('off')]),
  people: Type.Integer(),
  groups: Type.Integer(),
  sample: Type.Array(
    Type.Object({
      dn: Type.String(),
      login: Nullable(Type.String()),
      email: Nullable(Type.String()),
      name: Type.String(),
    }),
  ),
  warnings: Type.Array(Type.String()),
});

const view = (d: LdapDirectory) => ({
  ...d,
  lastSyncAt: d.lastSyncAt === null ? null : toIso(d.lastSyncAt),
  createdAt: toIso(d.createdAt),
  updatedAt: toIso(d.updatedAt),
});
const reportView = (r: LdapSyncReport) => ({
  ...r,
  startedAt: toIso(r.startedAt),
  finishedAt: toIso(r.finishedAt),
});

export function directoryRoutes(ctx: ServiceContext): FastifyPluginAsyncTypebox {
  const base = '/api/v1/ldap-directories';
  return async (app) => {
    app.get(
      base,
      {
        schema: {
          tags,
          summary: 'The LDAP and Active Directory directories connected for sign-in and sync (admins)',
          response: { 200: Type.Object({ items: Type.Array(DirectoryView) }), ...problemResponses },
        },
      },
      async (request) => ({ items: (await listLdapDirectories(ctx, requireActor(request))).map(view) }),
    );

    app.post(
      base,
      {
        schema: {
          tags,
          summary: "Connect a directory (admins); its service account's password is never shown again",
          body: Type.Object(DirectoryFields, { additionalProperties: false }),
          response: { 201: DirectoryView, ...problemResponses },
        },
      },
      async (request, reply) => {
        const created = await createLdapDirectory(ctx, requireActor(request), request.body);
        return reply.code(201).send(view(created));
      },
    );

    app.get(
      `${base}/:id`,
      {
        schema: {
          tags,
          summary: 'One directory, with the report of its last sync (admins)',
          params: IdParams,
          response: {
            200: Type.Intersect([DirectoryView, Type.Object({ lastSync: Nullable(SyncReport) })]),
            ...problemResponses,
          },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        const d = await getLdapDirectory(ctx, actor, request.params.id);
        const last = (await lastLdapSyncReport(ctx, actor, request.params.id)) as LdapSyncReport | null;
        return { ...view(d), lastSync: last ? reportView(last) : null };
      },
    );

    app.patch(
      `${base}/:id`,
      {
        schema: {
          tags,
          summary: "Change a directory's settings (admins); a bindPassword given replaces the stored one",
          params: IdParams,
          body: Type.Partial(Type.Object(DirectoryFields), { additionalProperties: false }),
          response: { 200: DirectoryView, ...problemResponses },
        },
      },
      async (request) =>
        view(await updateLdapDirectory(ctx, requireActor(request), request.params.id, request.body)),
    );

    app.delete(
      `${base}/:id`,
      {
        schema: {
          tags,
          summary: 'Disconnect a directory (admins): its links to accounts go; the accounts stay',
          params: IdParams,
          response: { 204: Type.Null(), ...problemResponses },
        },
      },
      async (request, reply) => {
        await deleteLdapDirectory(ctx, requireActor(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      `${base}/:id/test`,
      {
        schema: {
          tags,
          summary:
            'Test a directory (admins): connect, bind as the service account, read a first page of people and groups',
          params: IdParams,
          response: { 200: TestResult, ...problemResponses },
        },
      },
      async (request) => testLdapDirectory(ctx, requireActor(request), request.params.id),
    );

    app.post(
      `${base}/:id/sync`,
      {
        schema: {
          tags,
          summary:
            'Sync a directory now (admins): accounts added, changed and deactivated; with dryRun, only the report',
          params: IdParams,
          body: Type.Optional(
            Type.Object({ dryRun: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
          ),
          response: { 200: SyncReport, ...problemResponses },
        },
      },
      async (request) =>
        reportView(
          await syncLdapDirectory(ctx, requireActor(request), request.params.id, {
            dryRun: request.body?.dryRun ?? false,
          }),
        ),
    );
  };
}
