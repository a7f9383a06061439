// Password changes and an admin's password reset by one-time link. A change ends every session of the
// account and, unless the caller keeps them, revokes its API tokens: whoever held the old credentials is out.
// A reset link's token is a 256-bit secret mailed to the user; only its SHA-256 is stored, it works once
// and until OPSDESK_PASSWORD_RESET_TTL_MINUTES pass.
import type { Transaction } from 'kysely';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import type { Database } from '../db/index.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../errors.js';
import type { Actor } from './actor.js';
import { hashPassword } from './passwords.js';
import { canAccounts } from './policies.js';
import { digest, newSecret } from './secret-tokens.js';
import { forgetAuthentications } from './sessions.js';
import { checkPassword } from './user-records.js';

export const passwordResetPrefix = 'opr';

/**
 * End what the old credentials opened, inside the transaction that changes them: every session, the API
 * tokens unless kept, and the outstanding reset links. Returns how many tokens were revoked.
 */
export async function endAccountAccess(
  trx: Transaction<Database>,
  userId: number,
  now: number,
  options: { keepApiTokens?: boolean },
): Promise<number> {
  await trx.deleteFrom('sessions').where('user_id', '=', userId).execute();
  await trx
    .updateTable('password_resets')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .execute();
  if (options.keepApiTokens) return 0;
  const revoked = await trx
    .updateTable('api_tokens')
    .set({ revoked_at: now })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(revoked.numUpdatedRows);
}

/** What the mail stage gets to send the link; it writes its delivery in the same transaction. */
export interface PasswordResetMail {
  userId: number;
  email: string;
  name: string;
  link: string;
  expiresAt: number;
}

/**
 * An admin resets an account's password: the password stops working at once (sessions end, tokens are
 * revoked unless kept) and the user gets a one-time link to set a new one. `deliver` queues the mail (the
 * mail domain's function, passed in by the edge: core does not import domains).
 */
export async function startPasswordReset(
  ctx: ServiceContext,
  actor: Actor,
  userId: number,
  options: {
    keepApiTokens?: boolean;
    deliver: (trx: Transaction<Database>, mail: PasswordResetMail) => Promise<void>;
  },
): Promise<{ expiresAt: number }> {
  if (!canAccounts(actor, 'user.update'))
    throw new Forbidden('forbidden', 'Only an admin may reset passwords.');
  const publicUrl = ctx.config.publicUrl;
  if (!publicUrl) {
    throw new Conflict(
      'public_url_not_set',
      'Set OPSDESK_PUBLIC_URL to the address users reach the web app at: the reset link in the mail points there.',
    );
  }
  const now = ctx.clock.now();
  const token = newSecret(passwordResetPrefix);
  const expiresAt = now + ctx.config.passwordResetTtlMs;
  await ctx.db.transaction().execute(async (trx) => {
    const user = await trx
      .selectFrom('users')
      .select(['id', 'email', 'name', 'active'])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!user) throw new NotFound('user_not_found', `No user ${userId}.`);
    if (user.active !== 1)
      throw new Conflict('user_inactive', 'The account is deactivated; activate it before resetting it.');
    const tokensRevoked = await endAccountAccess(trx, userId, now, options);
    await trx
      .updateTable('users')
      .set({ password_hash: null, failed_logins: 0, locked_until: null, updated_at: now })
      .where('id', '=', userId)
      .execute();
    await trx
      .insertInto('password_resets')
      .values({
        user_id: userId,
        token_hash: digest(token),
        created_by: actor.id,
        created_at: now,
        expires_at: expiresAt,
      })
      .execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'user.password_reset_sent',
      subjectType: 'user',
      subjectId: userId,
      details: { expiresAt, tokensRevoked },
    });
    // The token rides in the fragment: browsers send it to no server, log or Referer.
    const link = `${publicUrl.replace(/\/+$/, '')}/reset-password#${token}`;
    await options.deliver(trx, { userId, email: user.email, name: user.name, link, expiresAt });
  });
  forgetAuthentications(ctx);
  return { expiresAt };
}

/** Why a link cannot be used now, or null when it can. */
function deadLink(
  link: { used_at: number | null; expires_at: number } | undefined,
  now: number,
): Invalid | null {
  if (!link) {
    return new Invalid(
      'reset_link_invalid',
      'This password-reset link is not valid; ask an admin for a new one.',
      [{ field: '/token', message: 'unknown link' }],
    );
  }
  if (link.used_at !== null) {
    return new Invalid(
      'reset_link_used',
      'This password-reset link was used already (or replaced by a newer one); ask an admin for a new one.',
      [{ field: '/token', message: 'used' }],
    );
  }
  if (link.expires_at <= now) {
    return new Invalid(
      'reset_link_expired',
      'This password-reset link has expired; ask an admin for a new one.',
      [{ field: '/token', message: 'expired' }],
    );
  }
  return null;
}

/** Anyone holding a valid link sets the account's new password with it, once. */
export async function finishPasswordReset(
  ctx: ServiceContext,
  input: { token: string; password: string },
): Promise<void> {
  checkPassword(input.password);
  const tokenHash = digest(input.token);
  // The link first: an anonymous caller with a made-up token costs one indexed read, not an argon2 hash.
  const found = await ctx.db
    .selectFrom('password_resets')
    .select(['used_at', 'expires_at'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  const refused = deadLink(found, ctx.clock.now());
  if (refused) throw refused;
  const passwordHash = await hashPassword(input.password);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    // Claim the link atomically: of two submissions at once, one wins; expiry is checked again at claim time.
    const claimed = await trx
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('user_id')
      .executeTakeFirst();
    if (!claimed) {
      const link = await trx
        .selectFrom('password_resets')
        .select(['used_at', 'expires_at'])
        .where('token_hash', '=', tokenHash)
        .executeTakeFirst();
      throw deadLink(link, now) ?? deadLink(undefined, now);
    }
    const userId = claimed.user_id;
    await endAccountAccess(trx, userId, now, { keepApiTokens: true });
    await trx
      .updateTable('users')
      .set({ password_hash: passwordHash, failed_logins: 0, locked_until: null, updated_at: now })
      .where('id', '=', userId)
      .execute();
    await recordAudit(trx, {
      actorId: userId,
      at: now,
      action: 'user.password_reset_used',
      subjectType: 'user',
      subjectId: userId,
    });
  });
  forgetAuthentications(ctx);
}
