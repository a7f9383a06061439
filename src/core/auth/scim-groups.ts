// SCIM 2.0 Groups (RFC 7643 §4.2): the directory's groups as opsdesk groups — the technician groups tickets are
// assigned to. Members are provisioned Users who are staff (a requester is in no technician group: a member
// who is one is refused, naming them, rather than dropped). DELETE empties the group and hides it from SCIM;
// tickets it was given keep its name. A later POST of the same displayName brings it back.
import { type Kysely, sql, type Transaction } from 'kysely';
import { recordAudit } from '../audit.js';
import { toIso } from '../clock.js';
import type { ServiceContext } from '../context.js';
import type { Database } from '../db/index.js';
import {
  type ColumnAttr,
  compileFilter,
  coreGroupUrn,
  enterpriseUserUrn,
  getCi,
  parseFilter,
  ScimError,
} from './scim-filter.js';
import { applyPatch, type Json } from './scim-patch.js';
import type { ScimCaller } from './scim-tokens.js';
import type { ListQuery, ListResult } from './scim-users.js';
import { userLocation } from './scim-users.js';
import { forgetAuthentications } from './sessions.js';

type Db = Kysely<Database> | Transaction<Database>;
type GroupRow = { id: number; name: string; external_id: string | null; created_at: number };

const memberOf = (op: string, value: unknown) => {
  const id = typeof value === 'number' ? value : /^\d{1,10}$/.test(String(value)) ? Number(value) : null;
  const has = (uid: number) =>
    sql<boolean>`exists (select 1 from group_members m where m.group_id = groups.id and m.user_id = ${uid})`;
  if (op === 'pr') return sql<boolean>`exists (select 1 from group_members m where m.group_id = groups.id)`;
  if (op === 'eq') return id === null ? sql<boolean>`1 = 0` : has(id);
  if (op === 'ne') return id === null ? sql<boolean>`1 = 1` : sql<boolean>`(not ${has(id)})`;
  throw new ScimError(400, 'invalidFilter', 'members.value compares with eq, ne or pr.');
};

const groupAttrs: Record<string, ColumnAttr> = {
  id: { kind: 'id', col: sql.ref('groups.id') },
  displayname: { kind: 'text', col: sql.ref('groups.name') },
  externalid: { kind: 'text', col: sql.ref('groups.external_id'), caseExact: true },
  'members.value': { kind: 'custom', compile: memberOf },
  'meta.created': { kind: 'time', col: sql.ref('groups.created_at') },
};

const notFound = (id: string) => new ScimError(404, null, `No Group ${id}.`);
const invalid = (m: string) => new ScimError(400, 'invalidValue', m);
const maxMembers = 10_000;

async function membersOf(db: Db, ids: number[]): Promise<Map<number, { value: string; display: string }[]>> {
  const map = new Map<number, { value: string; display: string }[]>();
  if (ids.length === 0) return map;
  const rows = await db
    .selectFrom('group_members')
    .innerJoin('users', 'users.id', 'group_members.user_id')
    .select(['group_members.group_id', 'users.id', 'users.name'])
    .where('group_members.group_id', 'in', ids)
    .orderBy('users.id')
    .execute();
  for (const r of rows) {
    const list = map.get(r.group_id) ?? [];
    list.push({ value: String(r.id), display: r.name });
    map.set(r.group_id, list);
  }
  return map;
}

function toScim(base: string, g: GroupRow, members: { value: string; display: string }[] | null): Json {
  return {
    schemas: [coreGroupUrn],
    id: String(g.id),
    ...(g.external_id ? { externalId: g.external_id } : {}),
    displayName: g.name,
    ...(members
      ? { members: members.map((m) => ({ ...m, type: 'User', $ref: userLocation(base, Number(m.value)) })) }
      : {}),
    meta: {
      resourceType: 'Group',
      created: toIso(g.created_at),
      location: `${base}/Groups/${g.id}`,
    },
  };
}

async function liveRow(db: Db, id: string): Promise<GroupRow> {
  if (!/^\d{1,10}$/.test(id)) throw notFound(id);
  const row = await db
    .selectFrom('groups')
    .select(['id', 'name', 'external_id', 'created_at'])
    .where('id', '=', Number(id))
    .where('scim_deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound(id);
  return row;
}

export async function listScimGroups(
  ctx: ServiceContext,
  base: string,
  q: ListQuery & { withMembers: boolean },
): Promise<ListResult> {
  const where = q.filter ? compileFilter(parseFilter(q.filter), groupAttrs) : sql<boolean>`1 = 1`;
  const scope = ctx.db.selectFrom('groups').where('scim_deleted_at', 'is', null).where(where);
  const [count, rows] = await Promise.all([
    scope.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    q.count === 0
      ? Promise.resolve([] as GroupRow[])
      : scope
          .select(['id', 'name', 'external_id', 'created_at'])
          .orderBy('id')
          .offset(q.startIndex - 1)
          .limit(q.count)
          .execute(),
  ]);
  const members = q.withMembers
    ? await membersOf(
        ctx.db,
        rows.map((r) => r.id),
      )
    : null;
  return {
    total: Number(count.n),
    resources: rows.map((r) => toScim(base, r, members ? (members.get(r.id) ?? []) : null)),
  };
}

export async function getScimGroup(
  ctx: ServiceContext,
  base: string,
  id: string,
  withMembers = true,
): Promise<Json> {
  const row = await liveRow(ctx.db, id);
  return toScim(base, row, withMembers ? ((await membersOf(ctx.db, [row.id])).get(row.id) ?? []) : null);
}

interface GroupFields {
  name: string;
  externalId: string | null;
  memberIds: number[];
}

function fieldsOf(doc: Json): GroupFields {
  const dn = getCi(doc, 'displayname');
  if (typeof dn !== 'string' || dn.trim().length === 0 || dn.trim().length > 100)
    throw invalid('A Group needs a displayName of 1 to 100 characters.');
  const ext = getCi(doc, 'externalid');
  if (ext !== undefined && ext !== null && (typeof ext !== 'string' || ext.length > 255))
    throw invalid('externalId is a string of at most 255 characters.');
  const members = getCi(doc, 'members') ?? [];
  if (!Array.isArray(members)) throw invalid('members is a list.');
  if (members.length > maxMembers) throw invalid(`A Group has at most ${maxMembers} members.`);
  const ids = new Set<number>();
  for (const m of members) {
    const v = m !== null && typeof m === 'object' ? getCi(m, 'value') : m;
    if (typeof v !== 'string' && typeof v !== 'number') throw invalid('Every member has a value: a User id.');
    if (!/^\d{1,10}$/.test(String(v)))
      throw invalid(`Member "${String(v)}" is not the id of a provisioned User.`);
    ids.add(Number(v));
  }
  return {
    name: dn.trim(),
    externalId: typeof ext === 'string' && ext.trim() !== '' ? ext.trim() : null,
    memberIds: [...ids].sort((a, b) => a - b),
  };
}

async function write(
  trx: Transaction<Database>,
  caller: ScimCaller,
  id: number,
  before: GroupRow | null,
  f: GroupFields,
  now: number,
): Promise<void> {
  const taken = await trx
    .selectFrom('groups')
    .select(['id', 'scim_deleted_at'])
    .where('name', '=', f.name)
    .where('id', '<>', id)
    .executeTakeFirst();
  if (taken)
    throw new ScimError(
      409,
      'uniqueness',
      `A Group named ${f.name} already exists${taken.scim_deleted_at ? ' (deleted by the directory)' : ''}.`,
    );
  if (f.memberIds.length > 0) {
    const found = new Map<number, { role: string; scim_deleted_at: number | null }>();
    // In chunks: a directory's group can have thousands of members, more than a statement's parameters allow.
    for (let i = 0; i < f.memberIds.length; i += 500) {
      const rows = await trx
        .selectFrom('users')
        .select(['id', 'role', 'scim_deleted_at'])
        .where('id', 'in', f.memberIds.slice(i, i + 500))
        .execute();
      for (const r of rows) found.set(r.id, r);
    }
    const unknown = f.memberIds.filter((m) => !found.get(m) || found.get(m)?.scim_deleted_at !== null);
    if (unknown.length > 0)
      throw invalid(`Members ${unknown.slice(0, 20).join(', ')} are not provisioned Users.`);
    const requesters = f.memberIds.filter((m) => found.get(m)?.role === 'requester');
    if (requesters.length > 0)
      throw invalid(
        `Members ${requesters.slice(0, 20).join(', ')} are requesters: opsdesk groups are technician groups. Give them a staff role (roles) first, or leave them out of the group's provisioning.`,
      );
  }
  await trx
    .updateTable('groups')
    .set({ name: f.name, external_id: f.externalId, scim_deleted_at: null })
    .where('id', '=', id)
    .execute();
  await trx.deleteFrom('group_members').where('group_id', '=', id).execute();
  for (let i = 0; i < f.memberIds.length; i += 500) {
    await trx
      .insertInto('group_members')
      .values(f.memberIds.slice(i, i + 500).map((u) => ({ group_id: id, user_id: u })))
      .execute();
  }
  await recordAudit(trx, {
    actorId: null,
    at: now,
    action: before ? 'group.updated' : 'group.created',
    subjectType: 'group',
    subjectId: id,
    details: { via: 'scim', scimTokenId: caller.tokenId, name: f.name, members: f.memberIds.length },
  });
}

export async function createScimGroup(
  ctx: ServiceContext,
  caller: ScimCaller,
  base: string,
  body: Json,
): Promise<Json> {
  const f = fieldsOf(body);
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const same = await trx
      .selectFrom('groups')
      .select(['id', 'name', 'external_id', 'created_at', 'scim_deleted_at'])
      .where('name', '=', f.name)
      .executeTakeFirst();
    if (same && same.scim_deleted_at === null)
      throw new ScimError(409, 'uniqueness', `A Group named ${f.name} already exists.`);
    if (same) {
      await write(trx, caller, same.id, same, f, now);
      return same.id;
    }
    const row = await trx
      .insertInto('groups')
      .values({ name: f.name, description: '', created_at: now, external_id: f.externalId })
      .returning('id')
      .executeTakeFirstOrThrow();
    await write(trx, caller, row.id, null, f, now);
    return row.id;
  });
  forgetAuthentications(ctx);
  return getScimGroup(ctx, base, String(id));
}

async function replace(
  ctx: ServiceContext,
  caller: ScimCaller,
  base: string,
  id: string,
  next: (current: Json) => Json,
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await liveRow(trx, id);
    const current = toScim(base, before, (await membersOf(trx, [before.id])).get(before.id) ?? []);
    await write(trx, caller, before.id, before, fieldsOf(next(current)), now);
  });
  forgetAuthentications(ctx);
}

export async function replaceScimGroup(
  ctx: ServiceContext,
  caller: ScimCaller,
  base: string,
  id: string,
  body: Json,
): Promise<Json> {
  await replace(ctx, caller, base, id, () => body);
  return getScimGroup(ctx, base, id);
}

/** PATCH answers 204 (as Entra ID expects for groups); the members list can be long. */
export async function patchScimGroup(
  ctx: ServiceContext,
  caller: ScimCaller,
  base: string,
  id: string,
  body: unknown,
): Promise<void> {
  await replace(ctx, caller, base, id, (current) => applyPatch(current, body, enterpriseUserUrn));
}

export async function deleteScimGroup(ctx: ServiceContext, caller: ScimCaller, id: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await liveRow(trx, id);
    await trx.deleteFrom('group_members').where('group_id', '=', before.id).execute();
    await trx.updateTable('groups').set({ scim_deleted_at: now }).where('id', '=', before.id).execute();
    await recordAudit(trx, {
      actorId: null,
      at: now,
      action: 'group.deleted',
      subjectType: 'group',
      subjectId: before.id,
      details: { via: 'scim', scimTokenId: caller.tokenId, name: before.name },
    });
  });
  forgetAuthentications(ctx);
}
