// User accounts: creation (by an admin, the CLI or the first start), listing, updates and deactivation.
import { randomBytes } from 'node:crypto';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import type { Role } from '../db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../errors.js';
import { indexName } from '../search-names.js';
import type { Actor } from './actor.js';
import { roles } from './actor.js';
import { endAccountAccess } from './password-resets.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { canAccounts } from './policies.js';
import { countFailedPassword, forgetAuthentications } from './sessions.js';
import {
  checkLanguage,
  checkManager,
  checkPassword,
  checkShortText,
  checkTimeZone,
  normaliseEmail,
  toUser,
  type User,
} from './user-records.js';

export interface CreateUserInput {
  email: string;
  name: string;
  role: Role;
  password?: string | null;
  groupIds?: number[];
  managerId?: number | null;
  department?: string | null;
  vip?: boolean;
  phone?: string | null;
  language?: string | null;
  timeZone?: string | null;
  location?: string | null;
}

/** A department's name: trimmed, up to 100 characters; empty is none. */
function cleanDepartment(d: string | null | undefined): string | null | undefined {
  if (d === undefined || d === null) return d;
  const t = d.trim();
  if (t.length > 100)
    throw new Invalid('validation_failed', 'A department needs at most 100 characters.', [
      { field: '/department', message: 'at most 100 characters' },
    ]);
  return t.length === 0 ? null : t;
}

/** Phone, language, time zone and office, checked, as the columns they set (absent: unchanged). */
function contactColumns(input: Pick<CreateUserInput, 'phone' | 'language' | 'timeZone' | 'location'>) {
  const phone = checkShortText(input.phone, '/phone', 50);
  const language = checkLanguage(input.language);
  const timeZone = checkTimeZone(input.timeZone);
  const location = checkShortText(input.location, '/location', 200);
  return {
    ...(phone !== undefined ? { phone } : {}),
    ...(language !== undefined ? { language } : {}),
    ...(timeZone !== undefined ? { time_zone: timeZone } : {}),
    ...(location !== undefined ? { location } : {}),
  };
}

async function groupIdsOf(ctx: ServiceContext, userIds: number[]): Promise<Map<number, number[]>> {
  const map = new Map<number, number[]>();
  if (userIds.length === 0) return map;
  const rows = await ctx.db
    .selectFrom('group_members')
    .select(['user_id', 'group_id'])
    .where('user_id', 'in', userIds)
    .orderBy('group_id')
    .execute();
  for (const r of rows) {
    const list = map.get(r.user_id) ?? [];
    list.push(r.group_id);
    map.set(r.user_id, list);
  }
  return map;
}

/**
 * Create a user. `actor` null means the service itself (first start, CLI, demo), which may always do it.
 * `passwordHash` lets the demo loader reuse one hash for many accounts.
 */
export async function createUser(
  ctx: ServiceContext,
  actor: Actor | null,
  input: CreateUserInput,
  options: { passwordHash?: string } = {},
): Promise<User> {
  if (actor && !canAccounts(actor, 'user.create'))
    throw new Forbidden('forbidden', 'Only an admin may create users.');
  const email = normaliseEmail(input.email);
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) {
    throw new Invalid('validation_failed', 'A name needs 1 to 200 characters.', [
      { field: '/name', message: 'must be 1–200 characters' },
    ]);
  }
  if (!roles.includes(input.role)) {
    throw new Invalid('validation_failed', 'Unknown role.', [
      { field: '/role', message: `must be one of ${roles.join(', ')}` },
    ]);
  }
  if (input.password) checkPassword(input.password);
  const passwordHash = options.passwordHash ?? (input.password ? await hashPassword(input.password) : null);
  const now = ctx.clock.now();
  const groupIds = [...new Set(input.groupIds ?? [])];
  return ctx.db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst();
    if (existing) throw new Conflict('email_taken', `An account with ${email} already exists.`);
    if (groupIds.length > 0) {
      const found = await trx.selectFrom('groups').select('id').where('id', 'in', groupIds).execute();
      if (found.length !== groupIds.length) {
        throw new Invalid('invalid_reference', 'A group in groupIds does not exist.', [
          { field: '/groupIds', message: 'unknown group' },
        ]);
      }
    }
    await checkManager(trx, null, input.managerId ?? null);
    const row = await trx
      .insertInto('users')
      .values({
        manager_id: input.managerId ?? null,
        email,
        name,
        role: input.role,
        password_hash: passwordHash,
        department: cleanDepartment(input.department) ?? null,
        vip: input.vip ? 1 : 0,
        ...contactColumns(input),
        active: 1,
        failed_logins: 0,
        locked_until: null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    if (groupIds.length > 0) {
      await trx
        .insertInto('group_members')
        .values(groupIds.map((g) => ({ group_id: g, user_id: row.id })))
        .execute();
    }
    await indexName(trx, 'user', row.id, name);
    await recordAudit(trx, {
      actorId: actor?.id ?? null,
      at: now,
      action: 'user.created',
      subjectType: 'user',
      subjectId: row.id,
      details: { email, role: input.role, groupIds },
    });
    return toUser(
      row,
      groupIds.sort((a, b) => a - b),
    );
  });
}

export async function getUser(ctx: ServiceContext, actor: Actor, id: number): Promise<User> {
  if (!canAccounts(actor, 'user.read', id)) throw new NotFound('user_not_found', `No user ${id}.`);
  const row = await ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('user_not_found', `No user ${id}.`);
  return toUser(row, (await groupIdsOf(ctx, [id])).get(id) ?? []);
}

export interface UserFilter {
  role?: Role;
  groupId?: number;
  q?: string;
  active?: boolean;
  afterId?: number;
  limit: number;
}

export async function listUsers(ctx: ServiceContext, actor: Actor, filter: UserFilter): Promise<User[]> {
  if (!canAccounts(actor, 'user.list')) throw new Forbidden('forbidden', 'Requesters may not list users.');
  let q = ctx.db.selectFrom('users').selectAll('users').orderBy('users.id').limit(filter.limit);
  if (filter.role) q = q.where('role', '=', filter.role);
  if (filter.active !== undefined) q = q.where('active', '=', filter.active ? 1 : 0);
  if (filter.afterId !== undefined) q = q.where('users.id', '>', filter.afterId);
  if (filter.groupId !== undefined) {
    const gid = filter.groupId;
    q = q.where('users.id', 'in', (eb) =>
      eb.selectFrom('group_members').select('user_id').where('group_id', '=', gid),
    );
  }
  if (filter.q) {
    const like = `%${filter.q.toLowerCase().replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) => eb.or([eb('email', 'like', like), eb(eb.fn('lower', ['name']), 'like', like)]));
  }
  const rows = await q.execute();
  const groups = await groupIdsOf(
    ctx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => toUser(r, groups.get(r.id) ?? []));
}

export interface UpdateUserInput {
  name?: string;
  role?: Role;
  active?: boolean;
  password?: string;
  /** Required to change one's own password. */
  currentPassword?: string;
  /** A password change revokes the user's API tokens unless this is true. */
  keepApiTokens?: boolean;
  groupIds?: number[];
  /** Null: none. */
  managerId?: number | null;
  department?: string | null;
  vip?: boolean;
  phone?: string | null;
  language?: string | null;
  timeZone?: string | null;
  location?: string | null;
}

// Keys that say how to change the password rather than what to change.
const passwordOptions = new Set(['currentPassword', 'keepApiTokens']);
// What anyone may change on their own account: their name, password, and the language and time zone the app
// and its mails speak to them in.
const ownSettings = new Set(['password', 'name', 'language', 'timeZone']);

export async function updateUser(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  input: UpdateUserInput,
): Promise<User> {
  const self = actor.id === id;
  const onlyOwnPassword =
    self && Object.keys(input).every((k) => ownSettings.has(k) || passwordOptions.has(k));
  if (!onlyOwnPassword && !canAccounts(actor, 'user.update')) {
    throw new Forbidden('forbidden', 'Only an admin may change other accounts, roles and groups.');
  }
  if (input.password !== undefined) {
    checkPassword(input.password);
    if (self) await confirmCurrentPassword(ctx, actor, input.currentPassword);
  }
  if (input.name !== undefined && (input.name.trim().length === 0 || input.name.length > 200)) {
    throw new Invalid('validation_failed', 'A name needs 1 to 200 characters.', [
      { field: '/name', message: 'must be 1–200 characters' },
    ]);
  }
  const passwordHash = input.password !== undefined ? await hashPassword(input.password) : undefined;
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFound('user_not_found', `No user ${id}.`);
    if (self && ((input.role !== undefined && input.role !== 'admin') || input.active === false)) {
      throw new Invalid('validation_failed', 'An admin cannot demote or deactivate their own account.', [
        { field: input.role !== undefined ? '/role' : '/active', message: 'not on your own account' },
      ]);
    }
    if (input.managerId !== undefined) await checkManager(trx, id, input.managerId);
    await trx
      .updateTable('users')
      .set({
        ...(input.managerId !== undefined ? { manager_id: input.managerId } : {}),
        ...(input.name !== undefined ? { name: input.name.trim() } : {}),
        ...(input.role !== undefined ? { role: input.role } : {}),
        ...(input.active !== undefined ? { active: input.active ? 1 : 0 } : {}),
        ...(input.department !== undefined ? { department: cleanDepartment(input.department) ?? null } : {}),
        ...(input.vip !== undefined ? { vip: input.vip ? 1 : 0 } : {}),
        ...contactColumns(input),
        ...(passwordHash !== undefined
          ? { password_hash: passwordHash, failed_logins: 0, locked_until: null }
          : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    if (input.name !== undefined) await indexName(trx, 'user', id, input.name.trim());
    if (input.groupIds !== undefined) {
      const groupIds = [...new Set(input.groupIds)];
      if (groupIds.length > 0) {
        const found = await trx.selectFrom('groups').select('id').where('id', 'in', groupIds).execute();
        if (found.length !== groupIds.length) {
          throw new Invalid('invalid_reference', 'A group in groupIds does not exist.', [
            { field: '/groupIds', message: 'unknown group' },
          ]);
        }
      }
      await trx.deleteFrom('group_members').where('user_id', '=', id).execute();
      if (groupIds.length > 0) {
        await trx
          .insertInto('group_members')
          .values(groupIds.map((g) => ({ group_id: g, user_id: id })))
          .execute();
      }
    }
    // A changed password ends every session and (unless kept) revokes the API tokens; so does deactivation
    // for sessions (a deactivated user's tokens fail authentication anyway).
    let tokensRevoked = 0;
    if (passwordHash !== undefined) {
      tokensRevoked = await endAccountAccess(trx, id, now, { keepApiTokens: input.keepApiTokens });
    } else if (input.active === false) {
      await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    }
    const changed: Record<string, unknown> = Object.fromEntries(
      Object.entries(input)
        .filter(([k]) => !passwordOptions.has(k))
        .map(([k, v]) => [k, k === 'password' ? '(changed)' : v]),
    );
    if (passwordHash !== undefined) changed.tokensRevoked = tokensRevoked;
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'user.updated',
      subjectType: 'user',
      subjectId: id,
      details: changed,
    });
    // A role is a set of permissions: its change is an event of its own, easy to find (action user.role_changed).
    if (input.role !== undefined && input.role !== row.role) {
      await recordAudit(trx, {
        actorId: actor.id,
        at: now,
        action: 'user.role_changed',
        subjectType: 'user',
        subjectId: id,
        details: { from: row.role, to: input.role },
      });
    }
  });
  forgetAuthentications(ctx);
  return getUser(ctx, actor, id);
}

/**
 * Changing one's own password takes a signed-in session and the current password: a stolen API token or an
 * unattended browser alone cannot lock the owner out. A wrong current password counts as a failed sign-in.
 */
async function confirmCurrentPassword(
  ctx: ServiceContext,
  actor: Actor,
  current: string | undefined,
): Promise<void> {
  if (actor.via === 'api_token') {
    throw new Forbidden(
      'session_required',
      'Changing your password needs a signed-in session, not an API token.',
    );
  }
  if (current === undefined || current.length === 0) {
    throw new Invalid('current_password_required', 'Give your current password to change it.', [
      { field: '/currentPassword', message: 'required to change your own password' },
    ]);
  }
  const row = await ctx.db
    .selectFrom('users')
    .select(['password_hash'])
    .where('id', '=', actor.id)
    .executeTakeFirst();
  if (!(await verifyPassword(row?.password_hash ?? null, current))) {
    await countFailedPassword(ctx, actor.id);
    throw new Invalid('wrong_current_password', 'The current password is wrong.', [
      { field: '/currentPassword', message: 'does not match' },
    ]);
  }
}

/** The first start: make sure an admin exists. Returns the generated password when it made one. */
export async function ensureFirstAdmin(
  ctx: ServiceContext,
  given: { email: string; password: string } | null,
): Promise<{ email: string; generatedPassword: string | null } | null> {
  const anyAdmin = await ctx.db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .limit(1)
    .executeTakeFirst();
  if (anyAdmin) return null;
  const email = given?.email ?? 'admin@opsdesk.local';
  const password = given?.password ?? randomBytes(12).toString('base64url');
  await createUser(ctx, null, { email, name: 'Administrator', role: 'admin', password });
  return { email, generatedPassword: given ? null : password };
}
