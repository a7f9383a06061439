// SCIM 2.0 Users (RFC 7643 §4.1, RFC 7644 §3): people an identity provider provisions. A SCIM User is an
// opsdesk account: userName (an email, or the directory's name for the person with the email in `emails`),
// name, active, roles (requester, technician or manager; a directory never makes or changes an admin), phone,
// preferred language, time zone, office (addresses[type eq "work"]), and the enterprise extension's department
// and manager. DELETE keeps the account for its history but deactivates it and hides it from SCIM; a later
// POST of the same person brings it back.
import { type Kysely, sql, type Transaction } from 'kysely';
import { recordAudit } from '../audit.js';
import { toIso } from '../clock.js';
import type { ServiceContext } from '../context.js';
import type { Database, Role, UserRow } from '../db/index.js';
import { DomainError } from '../errors.js';
import { indexName } from '../search-names.js';
import {
  type ColumnAttr,
  compileFilter,
  coreUserUrn,
  enterpriseUserUrn,
  getCi,
  parseFilter,
  ScimError,
} from './scim-filter.js';
import { applyPatch, type Json } from './scim-patch.js';
import { type ScimCaller, scimRoles } from './scim-tokens.js';
import { forgetAuthentications } from './sessions.js';
import { checkLanguage, checkManager, checkTimeZone, normaliseEmail } from './user-records.js';

type Db = Kysely<Database> | Transaction<Database>;

export interface ListQuery {
  filter?: string;
  startIndex: number;
  count: number;
}

export interface ListResult {
  total: number;
  resources: Json[];
}

const userAttrs: Record<string, ColumnAttr> = {
  id: { kind: 'id', col: sql.ref('users.id') },
  username: { kind: 'text', col: sql`coalesce(users.user_name, users.email)` },
  externalid: { kind: 'text', col: sql.ref('users.external_id'), caseExact: true },
  displayname: { kind: 'text', col: sql.ref('users.name') },
  'name.formatted': { kind: 'text', col: sql.ref('users.name') },
  active: { kind: 'bool', col: sql.ref('users.active') },
  'emails.value': { kind: 'text', col: sql.ref('users.email') },
  'emails.type': { kind: 'const', value: 'work' },
  'emails.primary': { kind: 'const', value: true },
  'phonenumbers.value': { kind: 'text', col: sql.ref('users.phone') },
  preferredlanguage: { kind: 'text', col: sql.ref('users.language') },
  timezone: { kind: 'text', col: sql.ref('users.time_zone'), caseExact: true },
  'roles.value': { kind: 'text', col: sql.ref('users.role') },
  'enterprise:department': { kind: 'text', col: sql.ref('users.department') },
  'enterprise:manager.value': { kind: 'id', col: sql.ref('users.manager_id') },
  'meta.created': { kind: 'time', col: sql.ref('users.created_at') },
  'meta.lastmodified': { kind: 'time', col: sql.ref('users.updated_at') },
};

/** The fields a SCIM User sets, read from its JSON (as sent, or as a PATCH left it). */
interface UserFields {
  userName: string;
  email: string;
  name: string;
  active: boolean;
  externalId: string | null;
  phone: string | null;
  language: string | null;
  timeZone: string | null;
  location: string | null;
  role: Role | undefined;
  department: string | null;
  managerId: number | null;
}

const invalid = (m: string) => new ScimError(400, 'invalidValue', m);

function text(v: unknown, what: string, max: number): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw invalid(`${what} is a string.`);
  const t = v.trim();
  if (t.length > max) throw invalid(`${what} has at most ${max} characters.`);
  return t.length === 0 ? null : t;
}

function bool(v: unknown, what: string): boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  // Entra ID sends booleans as the strings "True" and "False".
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw invalid(`${what} is true or false.`);
}

/** The element of a multi-valued attribute that counts: the primary one, else the work one, else the first. */
function pick(list: unknown, what: string): Json | null {
  if (list === undefined || list === null) return null;
  if (!Array.isArray(list)) throw invalid(`${what} is a list.`);
  if (list.length > 50) throw invalid(`${what} has at most 50 entries.`);
  const objs = list.filter((x): x is Json => x !== null && typeof x === 'object' && !Array.isArray(x));
  if (objs.length !== list.length) throw invalid(`Every entry of ${what} is an object.`);
  return (
    objs.find((x) => bool(getCi(x, 'primary'), `${what}.primary`) === true) ??
    objs.find((x) => String(getCi(x, 'type') ?? '').toLowerCase() === 'work') ??
    objs[0] ??
    null
  );
}

/** The account's own checks of a language tag and a time zone, answered as SCIM's invalidValue. */
function checked(check: () => string | null | undefined): string | null {
  try {
    return check() ?? null;
  } catch (e) {
    if (e instanceof DomainError) throw invalid(e.message);
    throw e;
  }
}

function fieldsOf(doc: Json): UserFields {
  const userName = text(getCi(doc, 'username'), 'userName', 254);
  if (!userName) throw invalid('A User needs a userName.');
  const emailEntry = pick(getCi(doc, 'emails'), 'emails');
  const emailText = text(emailEntry ? getCi(emailEntry, 'value') : null, 'emails.value', 254) ?? userName;
  let email: string;
  try {
    email = normaliseEmail(emailText);
  } catch {
    throw invalid(`A User needs an email address, in emails or as userName; "${emailText}" is not one.`);
  }
  const nameObj = getCi(doc, 'name');
  const nameParts =
    nameObj && typeof nameObj === 'object'
      ? (text(getCi(nameObj, 'formatted'), 'name.formatted', 200) ??
        ([
          text(getCi(nameObj, 'givenname'), 'name.givenName', 100),
          text(getCi(nameObj, 'familyname'), 'name.familyName', 100),
        ]
          .filter(Boolean)
          .join(' ') ||
          null))
      : null;
  const name = nameParts ?? text(getCi(doc, 'displayname'), 'displayName', 200) ?? userName;
  const phoneEntry = pick(getCi(doc, 'phonenumbers'), 'phoneNumbers');
  const addressEntry = pick(getCi(doc, 'addresses'), 'addresses');
  let role: Role | undefined;
  const roles = getCi(doc, 'roles');
  if (roles !== undefined && roles !== null) {
    const r =
      typeof roles === 'string' ? roles : text(getCi(pick(roles, 'roles'), 'value'), 'roles.value', 50);
    if (r !== null) {
      const lower = r.toLowerCase() as Role;
      if (lower === 'admin')
        throw new ScimError(403, null, 'A directory may not make an admin; admins are made in opsdesk.');
      if (!scimRoles.includes(lower)) throw invalid(`roles: "${r}" is not one of ${scimRoles.join(', ')}.`);
      role = lower;
    }
  }
  const ext = getCi(doc, enterpriseUserUrn.toLowerCase());
  let department: string | null = null;
  let managerId: number | null = null;
  if (ext !== undefined && ext !== null) {
    if (typeof ext !== 'object') throw invalid('The enterprise extension is an object.');
    department = text(getCi(ext, 'department'), 'department', 100);
    const m = getCi(ext, 'manager');
    const mv = m !== null && typeof m === 'object' ? getCi(m, 'value') : m;
    const ms = text(mv, 'manager.value', 20);
    if (ms !== null) {
      if (!/^\d{1,10}$/.test(ms)) throw invalid(`manager.value "${ms}" is not the id of a provisioned User.`);
      managerId = Number(ms);
    }
  }
  return {
    userName,
    email,
    name,
    active: bool(getCi(doc, 'active'), 'active') ?? true,
    externalId: text(getCi(doc, 'externalid'), 'externalId', 255),
    phone: text(phoneEntry ? getCi(phoneEntry, 'value') : null, 'phoneNumbers.value', 50),
    // Entra sends preferredLanguage as en-US or en_US.
    language: checked(() =>
      checkLanguage(
        text(getCi(doc, 'preferredlanguage') ?? getCi(doc, 'locale'), 'preferredLanguage', 35),
        '/preferredLanguage',
      ),
    ),
    timeZone: checked(() => checkTimeZone(text(getCi(doc, 'timezone'), 'timezone', 64), '/timezone')),
    location: text(
      addressEntry ? (getCi(addressEntry, 'formatted') ?? getCi(addressEntry, 'locality')) : null,
      'addresses',
      200,
    ),
    role,
    department,
    managerId,
  };
}

export function userLocation(base: string, id: number): string {
  return `${base}/Users/${id}`;
}

async function groupsOf(db: Db, ids: number[]): Promise<Map<number, { value: string; display: string }[]>> {
  const map = new Map<number, { value: string; display: string }[]>();
  if (ids.length === 0) return map;
  const rows = await db
    .selectFrom('group_members')
    .innerJoin('groups', 'groups.id', 'group_members.group_id')
    .select(['group_members.user_id', 'groups.id', 'groups.name'])
    .where('group_members.user_id', 'in', ids)
    .where('groups.scim_deleted_at', 'is', null)
    .orderBy('groups.id')
    .execute();
  for (const r of rows) {
    const list = map.get(r.user_id) ?? [];
    list.push({ value: String(r.id), display: r.name });
    map.set(r.user_id, list);
  }
  return map;
}

function toScim(base: string, r: UserRow, groups: { value: string; display: string }[]): Json {
  return {
    schemas: [coreUserUrn, enterpriseUserUrn],
    id: String(r.id),
    ...(r.external_id ? { externalId: r.external_id } : {}),
    userName: r.user_name ?? r.email,
    name: { formatted: r.name },
    displayName: r.name,
    active: r.active === 1,
    emails: [{ value: r.email, type: 'work', primary: true }],
    ...(r.phone ? { phoneNumbers: [{ value: r.phone, type: 'work' }] } : {}),
    ...(r.language ? { preferredLanguage: r.language } : {}),
    ...(r.time_zone ? { timezone: r.time_zone } : {}),
    ...(r.location ? { addresses: [{ type: 'work', formatted: r.location }] } : {}),
    roles: [{ value: r.role, primary: true }],
    groups: groups.map((g) => ({ ...g, $ref: `${base}/Groups/${g.value}` })),
    [enterpriseUserUrn]: {
      ...(r.department ? { department: r.department } : {}),
      ...(r.manager_id !== null
        ? { manager: { value: String(r.manager_id), $ref: userLocation(base, r.manager_id) } }
        : {}),
    },
    meta: {
      resourceType: 'User',
      created: toIso(r.created_at),
      lastModified: toIso(r.updated_at),
      location: userLocation(base, r.id),
      version: `W/"${r.updated_at}"`,
    },
  };
}

const notFound = (id: string) => new ScimError(404, null, `No User ${id}.`);

function parseId(id: string): number {
  if (!/^\d{1,10}$/.test(id)) throw notFound(id);
  return Number(id);
}

async function liveRow(db: Db, id: string): Promise<UserRow> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', parseId(id))
    .where('scim_deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw notFound(id);
  return row;
}

export async function listScimUsers(ctx: ServiceContext, base: string, q: ListQuery): Promise<ListResult> {
  const where = q.filter ? compileFilter(parseFilter(q.filter), userAttrs) : sql<boolean>`1 = 1`;
  const scope = ctx.db.selectFrom('users').where('scim_deleted_at', 'is', null).where(where);
  const [count, rows] = await Promise.all([
    scope.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    q.count === 0
      ? Promise.resolve([] as UserRow[])
      : scope
          .selectAll()
          .orderBy('id')
          .offset(q.startIndex - 1)
          .limit(q.count)
          .execute(),
  ]);
  const groups = await groupsOf(
    ctx.db,
    rows.map((r) => r.id),
  );
  return { total: Number(count.n), resources: rows.map((r) => toScim(base, r, groups.get(r.id) ?? [])) };
}

export async function getScimUser(ctx: ServiceContext, base: string, id: string): Promise<Json> {
  const row = await liveRow(ctx.db, id);
  return toScim(base, row, (await groupsOf(ctx.db, [row.id])).get(row.id) ?? []);
}

/** Another live account that already is this person (by email or userName), other than `self`. */
async function clash(
  db: Db,
  f: UserFields,
  self: number | null,
): Promise<{ id: number; deleted: boolean } | null> {
  let q = db
    .selectFrom('users')
    .select(['id', 'scim_deleted_at'])
    .where((eb) =>
      eb.or([
        eb('email', '=', f.email),
        eb(sql`lower(coalesce(users.user_name, users.email))`, '=', f.userName.toLowerCase()),
      ]),
    );
  if (self !== null) q = q.where('id', '<>', self);
  const rows = await q.execute();
  if (rows.length === 0) return null;
  const live = rows.find((r) => r.scim_deleted_at === null);
  return live ? { id: live.id, deleted: false } : { id: rows[0].id, deleted: true };
}

async function write(
  trx: Transaction<Database>,
  caller: ScimCaller,
  id: number,
  before: UserRow | null,
  f: UserFields,
  now: number,
): Promise<void> {
  const role = f.role ?? before?.role ?? caller.defaultRole;
  if (f.managerId !== null) {
    const m = await trx
      .selectFrom('users')
      .select('scim_deleted_at')
      .where('id', '=', f.managerId)
      .executeTakeFirst();
    if (!m || m.scim_deleted_at !== null)
      throw invalid(`manager.value ${f.managerId} is not a provisioned User.`);
    await checkManager(trx, id, f.managerId);
  }
  await trx
    .updateTable('users')
    .set({
      email: f.email,
      user_name: f.userName.toLowerCase() === f.email ? null : f.userName,
      name: f.name,
      role,
      active: f.active ? 1 : 0,
      external_id: f.externalId,
      phone: f.phone,
      language: f.language,
      time_zone: f.timeZone,
      location: f.location,
      department: f.department,
      manager_id: f.managerId,
      scim_deleted_at: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute();
  if (!before || before.name !== f.name) await indexName(trx, 'user', id, f.name);
  // A person the directory deactivates is signed out everywhere at once.
  if (!f.active) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
  // A requester is in no technician group.
  if (role === 'requester') await trx.deleteFrom('group_members').where('user_id', '=', id).execute();
  const changed = before
    ? Object.fromEntries(
        (
          [
            ['email', before.email, f.email],
            ['name', before.name, f.name],
            ['role', before.role, role],
            ['active', before.active === 1, f.active],
            ['externalId', before.external_id, f.externalId],
            ['department', before.department, f.department],
            ['managerId', before.manager_id, f.managerId],
          ] as const
        )
          .filter(([, a, b]) => a !== b)
          .map(([k, , b]) => [k, b]),
      )
    : { email: f.email, role };
  await recordAudit(trx, {
    actorId: null,
    at: now,
    action: before ? 'user.updated' : 'user.created',
    subjectType: 'user',
    subjectId: id,
    details: { via: 'scim', scimTokenId: caller.tokenId, ...changed },
  });
  if (before && before.role !== role) {
    await recordAudit(trx, {
      actorId: null,
      at: now,
      action: 'user.role_changed',
      subjectType: 'user',
      subjectId: id,
      details: { via: 'scim', scimTokenId: caller.tokenId, from: before.role, to: role },
    });
  }
}

/** Map a domain error from shared helpers (manager checks) onto SCIM's. */
function asScim(e: unknown): never {
  if (e instanceof DomainError && e.kind === 'invalid') throw invalid(e.message);
  throw e;
}

export async function createScimUser(
  ctx: ServiceContext,
  caller: ScimCaller,
  base: string,
  body: Json,
): Promise<Json> {
  const f = fieldsOf(body);
  const now = ctx.clock.now();
  const id = await ctx.db
    .transaction()
    .execute(async (trx) => {
      const other = await clash(trx, f, null);
      if (other && !other.deleted)
        throw new ScimError(409, 'uniqueness', `A User with userName or email ${f.email} already exists.`);
      if (other) {
        // The person the directory deleted comes back: same account, same history.
        const before = await trx
          .selectFrom('users')
          .selectAll()
          .where('id', '=', other.id)
          .executeTakeFirstOrThrow();
        if (before.role === 'admin')
          throw new ScimError(403, null, 'Admin accounts are managed in opsdesk, not by a directory.');
        await write(trx, caller, other.id, before, f, now);
        return other.id;
      }
      const row = await trx
        .insertInto('users')
        .values({
          email: f.email,
          name: f.name,
          role: f.role ?? caller.defaultRole,
          password_hash: null,
          active: 1,
          failed_logins: 0,
          locked_until: null,
          vip: 0,
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await write(trx, caller, row.id, null, f, now);
      return row.id;
    })
    .catch(asScim);
  forgetAuthentications(ctx);
  return getScimUser(ctx, base, String(id));
}

async function replace(
  ctx: ServiceContext,
  caller: ScimCaller,
  id: string,
  next: (current: Json) => Json,
  base: string,
): Promise<Json> {
  const now = ctx.clock.now();
  await ctx.db
    .transaction()
    .execute(async (trx) => {
      const before = await liveRow(trx, id);
      if (before.role === 'admin')
        throw new ScimError(403, null, 'Admin accounts are managed in opsdesk, not by a directory.');
      const current = toScim(base, before, []);
      const f = fieldsOf(next(current));
      const other = await clash(trx, f, before.id);
      if (other)
        throw new ScimError(
          409,
          'uniqueness',
          other.deleted
            ? `The userName or email ${f.email} belongs to a User the directory deleted.`
            : `Another User already has userName or email ${f.email}.`,
        );
      await write(trx, caller, before.id, before, f, now);
    })
    .catch(asScim);
  forgetAuthentications(ctx);
  return getScimUser(ctx, base, id);
}

export function replaceScimUser(
  ctx: ServiceContext,
  caller: ScimCaller,
  base: string,
  id: string,
  body: Json,
): Promise<Json> {
  // A PUT replaces what it names; what it leaves out is cleared, except the role (kept unless sent).
  return replace(ctx, caller, id, () => body, base);
}

export function patchScimUser(
  ctx: ServiceContext,
  caller: ScimCaller,
  base: string,
  id: string,
  body: unknown,
): Promise<Json> {
  return replace(ctx, caller, id, (current) => applyPatch(current, body, enterpriseUserUrn), base);
}

export async function deleteScimUser(ctx: ServiceContext, caller: ScimCaller, id: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const before = await liveRow(trx, id);
    if (before.role === 'admin')
      throw new ScimError(403, null, 'Admin accounts are managed in opsdesk, not by a directory.');
    await trx
      .updateTable('users')
      .set({ active: 0, scim_deleted_at: now, updated_at: now })
      .where('id', '=', before.id)
      .execute();
    await trx.deleteFrom('sessions').where('user_id', '=', before.id).execute();
    await trx.deleteFrom('group_members').where('user_id', '=', before.id).execute();
    await recordAudit(trx, {
      actorId: null,
      at: now,
      action: 'user.deactivated',
      subjectType: 'user',
      subjectId: before.id,
      details: { via: 'scim', scimTokenId: caller.tokenId, deleted: true },
    });
  });
  forgetAuthentications(ctx);
}
