// Personal API tokens for integrations: shown once at creation, stored as a SHA-256 digest, revocable.
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import type { Actor } from './actor.js';
import { digest, newSecret } from './secret-tokens.js';
import { apiTokenPrefix, forgetAuthentications } from './sessions.js';

export interface ApiToken {
  id: number;
  userId: number;
  name: string;
  prefix: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export async function createApiToken(
  ctx: ServiceContext,
  actor: Actor,
  input: { name: string; expiresInDays?: number | null },
): Promise<ApiToken & { token: string }> {
  // A token does not mint tokens: a stolen one could otherwise outlive its own revocation.
  if (actor.via === 'api_token')
    throw new Forbidden(
      'session_required',
      'Creating an API token needs a signed-in session, not an API token.',
    );
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) {
    throw new Invalid('validation_failed', 'A token name needs 1 to 100 characters.', [
      { field: '/name', message: 'must be 1–100 characters' },
    ]);
  }
  const now = ctx.clock.now();
  const token = newSecret(apiTokenPrefix);
  const prefix = token.slice(0, 12);
  const expiresAt = input.expiresInDays ? now + input.expiresInDays * 86_400_000 : null;
  const row = await ctx.db.transaction().execute(async (trx) => {
    const r = await trx
      .insertInto('api_tokens')
      .values({
        user_id: actor.id,
        name,
        token_hash: digest(token),
        prefix,
        created_at: now,
        expires_at: expiresAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'api_token.created',
      subjectType: 'api_token',
      subjectId: r.id,
      details: { name },
    });
    return r;
  });
  return { ...fromRow(row), token };
}

function fromRow(r: {
  id: number;
  user_id: number;
  name: string;
  prefix: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}): ApiToken {
  return {
    id: r.id,
    userId: r.user_id,
    name: r.name,
    prefix: r.prefix,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

/** A user's own tokens; an admin may list anyone's (userId). */
export async function listApiTokens(ctx: ServiceContext, actor: Actor, userId?: number): Promise<ApiToken[]> {
  const owner = actor.role === 'admin' && userId !== undefined ? userId : actor.id;
  const rows = await ctx.db
    .selectFrom('api_tokens')
    .selectAll()
    .where('user_id', '=', owner)
    .orderBy('id')
    .execute();
  return rows.map(fromRow);
}

export async function revokeApiToken(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('api_tokens')
      .select(['id', 'user_id', 'revoked_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row || (row.user_id !== actor.id && actor.role !== 'admin'))
      throw new NotFound('token_not_found', `No API token ${id}.`);
    if (row.revoked_at !== null) return;
    await trx.updateTable('api_tokens').set({ revoked_at: now }).where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'api_token.revoked',
      subjectType: 'api_token',
      subjectId: id,
    });
  });
  forgetAuthentications(ctx);
}
