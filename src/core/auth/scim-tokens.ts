// The bearer tokens an identity provider provisions with over SCIM (Entra ID's "Secret Token", Okta's API
// token). An admin makes one, sees it once; only its SHA-256 is kept. It is not a user's token: it opens the
// /scim/v2 endpoints and nothing else, and every change made with it is audited under its id.
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import type { Role } from '../db/index.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import type { Actor } from './actor.js';
import { canAccounts } from './policies.js';
import { digest, newSecret } from './secret-tokens.js';

export const scimTokenPrefix = 'scim';
/** Roles a directory may give; admin accounts are managed in opsdesk only. */
export const scimRoles: readonly Role[] = ['requester', 'technician', 'manager'];

export interface ScimToken {
  id: number;
  name: string;
  prefix: string;
  defaultRole: Role;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** Who is provisioning: the token, as an audit record names it. */
export interface ScimCaller {
  tokenId: number;
  defaultRole: Role;
}

type Row = {
  id: number;
  name: string;
  prefix: string;
  default_role: Role;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
};
const view = (r: Row): ScimToken => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  defaultRole: r.default_role,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export async function createScimToken(
  ctx: ServiceContext,
  actor: Actor,
  input: { name: string; defaultRole?: Role },
): Promise<ScimToken & { token: string }> {
  if (!canAccounts(actor, 'scim.manage'))
    throw new Forbidden('forbidden', 'Only an admin may make SCIM tokens.');
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100)
    throw new Invalid('validation_failed', 'A token name needs 1 to 100 characters.', [
      { field: '/name', message: 'must be 1–100 characters' },
    ]);
  const defaultRole = input.defaultRole ?? 'requester';
  if (!scimRoles.includes(defaultRole))
    throw new Invalid(
      'validation_failed',
      'A directory gives requester, technician or manager, never admin.',
      [{ field: '/defaultRole', message: `one of ${scimRoles.join(', ')}` }],
    );
  const token = newSecret(scimTokenPrefix);
  const now = ctx.clock.now();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const r = await trx
      .insertInto('scim_tokens')
      .values({
        name,
        token_hash: digest(token),
        prefix: token.slice(0, 12),
        default_role: defaultRole,
        created_by: actor.id,
        created_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'scim_token.created',
      subjectType: 'scim_token',
      subjectId: r.id,
      details: { name, defaultRole },
    });
    return r;
  });
  return { ...view(row), token };
}

export async function listScimTokens(ctx: ServiceContext, actor: Actor): Promise<ScimToken[]> {
  if (!canAccounts(actor, 'scim.manage'))
    throw new Forbidden('forbidden', 'Only an admin may see SCIM tokens.');
  return (await ctx.db.selectFrom('scim_tokens').selectAll().orderBy('id').execute()).map(view);
}

export async function revokeScimToken(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  if (!canAccounts(actor, 'scim.manage'))
    throw new Forbidden('forbidden', 'Only an admin may revoke SCIM tokens.');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('scim_tokens')
      .select(['id', 'revoked_at'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFound('token_not_found', `No SCIM token ${id}.`);
    if (row.revoked_at !== null) return;
    await trx.updateTable('scim_tokens').set({ revoked_at: now }).where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'scim_token.revoked',
      subjectType: 'scim_token',
      subjectId: id,
    });
  });
}

/** The caller a presented SCIM token stands for, or null. Marks it used (at most once a minute). */
export async function authenticateScim(ctx: ServiceContext, token: string): Promise<ScimCaller | null> {
  if (!token.startsWith(`${scimTokenPrefix}_`) || token.length > 200) return null;
  const row = await ctx.db
    .selectFrom('scim_tokens')
    .select(['id', 'default_role', 'last_used_at', 'revoked_at'])
    .where('token_hash', '=', digest(token))
    .executeTakeFirst();
  if (!row || row.revoked_at !== null) return null;
  const now = ctx.clock.now();
  if (row.last_used_at === null || now - row.last_used_at > 60_000)
    await ctx.db.updateTable('scim_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  return { tokenId: row.id, defaultRole: row.default_role };
}
