// Sign-in, sessions and request authentication. A session token works as a cookie (browsers, with a CSRF
// token for writes) or as a bearer token (API clients); personal API tokens are bearer tokens too.
import { randomBytes } from 'node:crypto';
import { type Kysely, sql, type Transaction } from 'kysely';
import { recordAudit } from '../audit.js';
import { defineLocalCache } from '../cache-versions.js';
import type { ServiceContext } from '../context.js';
import type { Database, UserRow } from '../db/index.js';
import { RateLimited, Unauthenticated } from '../errors.js';
import { type Actor, actorForUser } from './actor.js';
import type { LoginThrottle } from './login-throttle.js';
import { verifyPassword } from './passwords.js';
import { digest, newSecret } from './secret-tokens.js';
import { normaliseEmail, toUser, type User } from './user-records.js';

export const sessionTokenPrefix = 'ods';
export const apiTokenPrefix = 'odt';

export interface LoginResult {
  token: string;
  csrfToken: string;
  expiresAt: number;
  user: User;
}

/** What the directories (LDAP, Active Directory) say of a password sign-in. */
export type DirectorySignIn =
  /** No directory knows this login (or none is enabled): the local password decides. */
  | { kind: 'not_directory' }
  | { kind: 'signed_in'; row: UserRow; directoryId: number }
  /** A directory knows the person and refused: the reason is for the audit log only. */
  | { kind: 'refused'; userId: number | null; reason: string };

/**
 * Asks the directories about a password sign-in: ldap-sign-in.ts's signInThroughDirectory, handed in by the
 * caller because a directory's sign-in creates accounts through users.ts, which imports this file.
 */
export type DirectorySignInCheck = (
  ctx: ServiceContext,
  login: string,
  password: string,
) => Promise<DirectorySignIn>;

export async function login(
  ctx: ServiceContext,
  throttle: LoginThrottle,
  input: { email: string; password: string; clientKey: string },
  signInThroughDirectory: DirectorySignInCheck,
): Promise<LoginResult> {
  const now = ctx.clock.now();
  const wait = throttle.attempt(input.clientKey, now);
  if (wait > 0)
    throw new RateLimited('too_many_attempts', `Too many sign-in attempts; retry in ${wait} s.`, wait);
  // A directory's people sign in with the directory's password (ldap-sign-in.ts decides whose login that is).
  const directory = await signInThroughDirectory(ctx, input.email, input.password);
  if (directory.kind === 'signed_in') {
    // Open sessions of this account see a role or groups the directory changed at once.
    forgetAuthentications(ctx);
    return openSession(ctx, directory.row, input.clientKey, null, `ldap:${directory.directoryId}`);
  }
  if (directory.kind === 'refused') {
    await auditSignIn(
      ctx.db,
      now,
      'auth.sign_in_failed',
      directory.userId,
      input.email,
      input.clientKey,
      directory.reason,
    );
    throw badCredentials();
  }
  let email: string;
  try {
    email = normaliseEmail(input.email);
  } catch {
    await verifyPassword(null, input.password);
    await auditSignIn(
      ctx.db,
      now,
      'auth.sign_in_failed',
      null,
      input.email,
      input.clientKey,
      'malformed_email',
    );
    throw new Unauthenticated('bad_credentials', 'The email or password is wrong.');
  }
  const row = await ctx.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  // A locked account answers exactly as a wrong password or an unknown email does, after the same argon2
  // work: a 429 only for existing accounts would tell an attacker which addresses have one.
  const locked = row?.locked_until != null && row.locked_until > now;
  const ok = await verifyPassword(row?.active && !locked ? row.password_hash : null, input.password);
  if (!row || !ok) {
    const lockedNow = row && !locked ? await countFailedPassword(ctx, row.id) : false;
    const reason = !row
      ? 'unknown_email'
      : !row.active
        ? 'inactive'
        : locked
          ? 'locked'
          : lockedNow
            ? 'wrong_password_locked'
            : 'wrong_password';
    await auditSignIn(ctx.db, now, 'auth.sign_in_failed', row?.id ?? null, email, input.clientKey, reason);
    throw badCredentials();
  }
  // Clear the failures only if no parallel guess locked the account meanwhile: the lock wins.
  const cleared = await ctx.db
    .updateTable('users')
    .set({ failed_logins: 0 })
    .where('id', '=', row.id)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<=', now)]))
    .executeTakeFirst();
  if (Number(cleared.numUpdatedRows) === 0) {
    await auditSignIn(ctx.db, now, 'auth.sign_in_failed', row.id, email, input.clientKey, 'locked');
    throw badCredentials();
  }
  if (row.role !== 'admin' && (await ssoOnlyDomain(ctx, email))) {
    await auditSignIn(ctx.db, now, 'auth.sign_in_failed', row.id, email, input.clientKey, 'sso_required');
    throw new Unauthenticated(
      'sso_required',
      "This account signs in through the organisation's identity provider: use its button on the sign-in page.",
    );
  }
  return openSession(ctx, row, input.clientKey, null);
}

/** Whether an enabled identity provider requires the e-mail's domain to sign in through it. */
async function ssoOnlyDomain(ctx: ServiceContext, email: string): Promise<boolean> {
  const domain = email.slice(email.lastIndexOf('@') + 1);
  const rows = await ctx.db
    .selectFrom('identity_providers')
    .select('domains')
    .where('enabled', '=', 1)
    .where('sso_only', '=', 1)
    .execute();
  return rows.some((r) => (JSON.parse(r.domains) as string[]).includes(domain));
}

/**
 * A new session for an account that has proved who it is (a password, or an identity provider's ID token), audited
 * as a sign-in in the same transaction. `sso` names the provider and keeps its ID token for single logout.
 */
export async function openSession(
  ctx: ServiceContext,
  row: UserRow,
  clientKey: string,
  sso: { providerId: number; idToken: string | null } | null,
  /** How the account proved who it is, when not a local password or an identity provider (`ldap:<id>`). */
  method: string | null = null,
): Promise<LoginResult> {
  const now = ctx.clock.now();
  const token = newSecret(sessionTokenPrefix);
  const csrfToken = randomBytes(24).toString('base64url');
  const expiresAt = now + ctx.config.sessionTtlMs;
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('sessions')
      .values({
        token_hash: digest(token),
        user_id: row.id,
        csrf_token: csrfToken,
        created_at: now,
        expires_at: expiresAt,
        provider_id: sso?.providerId ?? null,
        id_token: sso?.idToken ?? null,
      })
      .execute();
    // Expired sessions of this user go when they sign in again: the table does not grow without bound.
    await trx.deleteFrom('sessions').where('user_id', '=', row.id).where('expires_at', '<=', now).execute();
    await auditSignIn(
      trx,
      now,
      'auth.sign_in',
      row.id,
      row.email,
      clientKey,
      sso ? `sso:${sso.providerId}` : method,
    );
  });
  const groups = await ctx.db
    .selectFrom('group_members')
    .select('group_id')
    .where('user_id', '=', row.id)
    .orderBy('group_id')
    .execute();
  return {
    token,
    csrfToken,
    expiresAt,
    user: toUser(
      row,
      groups.map((g) => g.group_id),
    ),
  };
}

/**
 * A sign-in, or a failed one, in the audit log: the account (when the email names one) is the subject, and
 * the actor of a successful sign-in; an unknown email is the subject itself, so that guessing shows in the log. The reason of a failure
 * is recorded, never the password.
 */
async function auditSignIn(
  db: Kysely<Database> | Transaction<Database>,
  at: number,
  action: 'auth.sign_in' | 'auth.sign_in_failed',
  userId: number | null,
  email: string,
  clientKey: string,
  reason: string | null,
): Promise<void> {
  await recordAudit(db, {
    // A failed sign-in names the account it tried, not as its actor: whoever tried is unknown.
    actorId: action === 'auth.sign_in' ? userId : null,
    at,
    action,
    subjectType: userId === null ? 'email' : 'user',
    subjectId: userId ?? email.slice(0, 320),
    details: { email: email.slice(0, 320), ip: clientKey, ...(reason ? { reason } : {}) },
  });
}

function badCredentials(): Unauthenticated {
  return new Unauthenticated(
    'bad_credentials',
    'The email or password is wrong, or the account is locked for a while after repeated failed sign-ins.',
  );
}

/**
 * Count one wrong password against an account, atomically: one UPDATE reads and writes the counter, so N
 * parallel guesses count N (a read-then-write let 15 at once each see 1). The guess that reaches
 * loginMaxFailures locks the account for loginLockoutMs and starts the count again. Returns whether it
 * locked the account.
 */
export async function countFailedPassword(ctx: ServiceContext, userId: number): Promise<boolean> {
  const now = ctx.clock.now();
  const max = ctx.config.loginMaxFailures;
  // Both CASEs read the row as it was before this UPDATE (SQL evaluates every SET against the old row).
  const reaches = sql<boolean>`failed_logins + 1 >= ${max}`;
  const row = await ctx.db
    .updateTable('users')
    .set({
      failed_logins: sql<number>`CASE WHEN ${reaches} THEN 0 ELSE failed_logins + 1 END`,
      locked_until: sql<
        number | null
      >`CASE WHEN ${reaches} THEN ${now + ctx.config.loginLockoutMs} ELSE locked_until END`,
    })
    .where('id', '=', userId)
    .returning(['failed_logins', 'locked_until'])
    .executeTakeFirst();
  const locked = row?.locked_until != null && row.locked_until > now && row.failed_logins === 0;
  ctx.log.warn({ userId, failures: row?.failed_logins, locked }, 'failed sign-in');
  return locked;
}

export async function logout(ctx: ServiceContext, token: string): Promise<void> {
  await ctx.db.deleteFrom('sessions').where('token_hash', '=', digest(token)).execute();
  forgetAuthentications(ctx);
}

// ---- The authentication cache --------------------------------------------------------------------------
// authenticate runs on every request, and its three reads (token, user, groups) cost about as much as a
// simple route's own work. Resolved actors are kept in memory for authCacheTtlMs, keyed by the token's
// SHA-256 digest. Every change made through this process that could end or alter an authentication —
// logout, a user's role/active/password/groups, group membership, a revoked API token — drops the whole
// cache at once (forgetAuthentications), so within one process nothing changes. A change made by another
// process (a second instance on PostgreSQL, the CLI) takes effect within authCacheTtlMs. Expiry times are
// checked on every hit against the clock, as without the cache. The cache is state of the context
// (ctx.caches), made on first use; its one invalidation rule across instances is the TTL.

/** How long a resolved token is trusted without a database read: the bound on revocation by another process. */
export const authCacheTtlMs = 5_000;
const authCacheMaxEntries = 10_000;

interface CachedAuthentication {
  actor: Actor;
  /** performance.now() when read from the database */
  readAt: number;
  expiresAt: number | null;
  apiTokenId: number | null;
  lastUsedAt: number | null;
}

interface AuthCache {
  entries: Map<string, CachedAuthentication>;
  /** Bumped by every forget: a read that started before it must not be stored after it. */
  generation: number;
  /** Told after every forget: open event streams re-check their users at once. */
  listeners: Set<() => void>;
}

/** Resolved actors of this context (see above): local, bounded by authCacheTtlMs for other instances' changes. */
const authCache = defineLocalCache<AuthCache>('authentications', () => ({
  entries: new Map(),
  generation: 0,
  listeners: new Set(),
}));

function authCacheOf(ctx: Pick<ServiceContext, 'caches'>): AuthCache {
  return ctx.caches.local(authCache);
}

/**
 * Drop every cached authentication of this database. Call it after any change (committed) to sessions,
 * API tokens, users or group membership.
 */
export function forgetAuthentications(ctx: Pick<ServiceContext, 'caches'>): void {
  const cache = authCacheOf(ctx);
  cache.entries.clear();
  cache.generation++;
  for (const listener of cache.listeners) listener();
}

/**
 * Be told whenever this process changes something that could end or alter an authentication (logout, a
 * password, role, deactivation, a revoked token). Returns the function that stops telling. Changes made by
 * another process are not told: long-lived readers re-check with reauthenticate on their own too.
 */
export function onAuthenticationsChanged(
  ctx: Pick<ServiceContext, 'caches'>,
  listener: () => void,
): () => void {
  const cache = authCacheOf(ctx);
  cache.listeners.add(listener);
  return () => cache.listeners.delete(listener);
}

/**
 * Resolve a token straight from the database, past the cache: for a long-lived stream that must see a
 * change made by another instance (role, session, deactivation) before it sends the next event.
 */
export async function reauthenticate(
  ctx: ServiceContext,
  token: string,
  via: 'cookie' | 'bearer',
): Promise<Actor | null> {
  if (token.length > 200) return null;
  const isApiToken = token.startsWith(`${apiTokenPrefix}_`);
  if (isApiToken && via === 'cookie') return null;
  const found = await readAuthentication(ctx, digest(token), isApiToken, via, ctx.clock.now());
  return found?.actor ?? null;
}

function copyActor(a: Actor): Actor {
  return { ...a, groupIds: [...a.groupIds] };
}

/** Resolve a presented token (cookie or bearer) to an actor, or null if it is not valid now. */
export async function authenticate(
  ctx: ServiceContext,
  token: string,
  via: 'cookie' | 'bearer',
): Promise<Actor | null> {
  if (token.length > 200) return null;
  const isApiToken = token.startsWith(`${apiTokenPrefix}_`);
  if (isApiToken && via === 'cookie') return null; // API tokens are for API clients only
  const now = ctx.clock.now();
  const hash = digest(token);
  const cache = authCacheOf(ctx);
  const hit = cache.entries.get(hash);
  if (hit && performance.now() - hit.readAt < authCacheTtlMs) {
    if (hit.expiresAt !== null && hit.expiresAt <= now) {
      cache.entries.delete(hash);
      return null;
    }
    if (hit.apiTokenId !== null && (hit.lastUsedAt === null || now - hit.lastUsedAt > 60_000)) {
      hit.lastUsedAt = now;
      await ctx.db
        .updateTable('api_tokens')
        .set({ last_used_at: now })
        .where('id', '=', hit.apiTokenId)
        .execute();
    }
    return copyActor(hit.actor);
  }
  if (hit) cache.entries.delete(hash);
  const generation = cache.generation;
  const found = await readAuthentication(ctx, hash, isApiToken, via, now);
  if (!found) return null;
  if (cache.generation === generation) {
    if (cache.entries.size >= authCacheMaxEntries)
      cache.entries.delete(cache.entries.keys().next().value as string);
    cache.entries.set(hash, { ...found, actor: copyActor(found.actor), readAt: performance.now() });
  }
  return found.actor;
}

async function readAuthentication(
  ctx: ServiceContext,
  hash: string,
  isApiToken: boolean,
  via: 'cookie' | 'bearer',
  now: number,
): Promise<Omit<CachedAuthentication, 'readAt'> | null> {
  let userId: number;
  let csrfToken: string | null = null;
  let how: Actor['via'] = via;
  let expiresAt: number | null;
  let apiTokenId: number | null = null;
  let lastUsedAt: number | null = null;
  if (isApiToken) {
    const t = await ctx.db
      .selectFrom('api_tokens')
      .select(['id', 'user_id', 'expires_at', 'revoked_at', 'last_used_at'])
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    if (!t || t.revoked_at !== null || (t.expires_at !== null && t.expires_at <= now)) return null;
    userId = t.user_id;
    how = 'api_token';
    expiresAt = t.expires_at;
    apiTokenId = t.id;
    lastUsedAt = t.last_used_at;
    // last_used_at to the minute: a busy integration does not write on every request.
    if (t.last_used_at === null || now - t.last_used_at > 60_000) {
      await ctx.db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', t.id).execute();
      lastUsedAt = now;
    }
  } else {
    const s = await ctx.db
      .selectFrom('sessions')
      .select(['user_id', 'csrf_token', 'expires_at'])
      .where('token_hash', '=', hash)
      .executeTakeFirst();
    if (!s || s.expires_at <= now) return null;
    userId = s.user_id;
    csrfToken = s.csrf_token;
    expiresAt = s.expires_at;
  }
  const user = await ctx.db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'active'])
    .where('id', '=', userId)
    .executeTakeFirst();
  if (user?.active !== 1) return null;
  const groups = await ctx.db
    .selectFrom('group_members')
    .select('group_id')
    .where('user_id', '=', userId)
    .execute();
  return {
    actor: actorForUser({ ...user, groupIds: groups.map((g) => g.group_id) }, how, csrfToken),
    expiresAt,
    apiTokenId,
    lastUsedAt,
  };
}
