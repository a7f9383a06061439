// The identity providers an admin connects for single sign-on (OpenID Connect now): their settings, how their
// claims map to roles and groups, and the e-mail domains they vouch for. The client secret is written, never read
// back through the API.

import type { Selectable } from 'kysely';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import type { IdentityProvidersTable, Role } from '../db/index.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import { type Actor, roles } from './actor.js';
import { canAccounts } from './policies.js';

/** How a provider's claims become a role and groups. */
export interface IdentityMapping {
  /** The claim holding role names (a string or an array), e.g. "roles"; null: every account gets defaultRole. */
  rolesClaim: string | null;
  /** A claim value → the role it gives; with several, the most powerful wins. */
  roleMap: Record<string, Role>;
  defaultRole: Role;
  /** The claim holding group names or ids, e.g. "groups". */
  groupsClaim: string | null;
  /** A claim value → the groups it puts the account in. Groups named here are kept in step at each sign-in. */
  groupMap: Record<string, number[]>;
}

export interface IdentityProvider {
  id: number;
  kind: 'oidc';
  slug: string;
  displayName: string;
  issuer: string;
  clientId: string;
  hasClientSecret: boolean;
  scopes: string;
  mapping: IdentityMapping;
  domains: string[];
  ssoOnly: boolean;
  createAccounts: boolean;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export interface IdentityProviderInput {
  slug: string;
  displayName: string;
  issuer: string;
  clientId: string;
  clientSecret?: string | null;
  scopes?: string;
  mapping?: Partial<IdentityMapping>;
  domains?: string[];
  ssoOnly?: boolean;
  createAccounts?: boolean;
  enabled?: boolean;
}

type Row = Selectable<IdentityProvidersTable>;

const defaultMapping: IdentityMapping = {
  rolesClaim: null,
  roleMap: {},
  defaultRole: 'requester',
  groupsClaim: null,
  groupMap: {},
};

export function toIdentityProvider(row: Row): IdentityProvider {
  return {
    id: row.id,
    kind: 'oidc',
    slug: row.slug,
    displayName: row.display_name,
    issuer: row.issuer,
    clientId: row.client_id,
    hasClientSecret: row.client_secret !== null && row.client_secret !== '',
    scopes: row.scopes,
    mapping: { ...defaultMapping, ...(JSON.parse(row.mapping) as Partial<IdentityMapping>) },
    domains: JSON.parse(row.domains) as string[],
    ssoOnly: row.sso_only === 1,
    createAccounts: row.create_accounts === 1,
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function bad(field: string, message: string): Invalid {
  return new Invalid('invalid_identity_provider', `The identity provider's ${field.slice(1)} ${message}.`, [
    { field, message },
  ]);
}

/** An issuer URL: https, or http on a loopback host (a provider on the same machine, as in tests and labs). */
export function checkIssuer(issuer: string): string {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw bad('/issuer', 'is not a URL');
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw bad('/issuer', 'must be https (http only on loopback)');
  if (url.username || url.password || url.search || url.hash)
    throw bad('/issuer', 'must not carry credentials, a query or a fragment');
  return url.href.replace(/\/$/, '');
}

async function checkInput(ctx: ServiceContext, input: IdentityProviderInput) {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/.test(input.slug))
    throw bad('/slug', 'must be 1–40 lower-case letters, digits and dashes');
  const displayName = input.displayName.trim();
  if (displayName.length === 0 || displayName.length > 100)
    throw bad('/displayName', 'needs 1–100 characters');
  const issuer = checkIssuer(input.issuer);
  const mapping: IdentityMapping = { ...defaultMapping, ...input.mapping };
  for (const [value, role] of Object.entries(mapping.roleMap))
    if (!roles.includes(role)) throw bad('/mapping/roleMap', `maps "${value}" to an unknown role`);
  if (!roles.includes(mapping.defaultRole)) throw bad('/mapping/defaultRole', 'is not a role');
  const groupIds = [...new Set(Object.values(mapping.groupMap).flat())];
  if (groupIds.length > 0) {
    const found = await ctx.db.selectFrom('groups').select('id').where('id', 'in', groupIds).execute();
    if (found.length !== groupIds.length) throw bad('/mapping/groupMap', 'names a group that does not exist');
  }
  const domains = [...new Set((input.domains ?? []).map((d) => d.trim().toLowerCase()))];
  for (const d of domains)
    if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(d))
      throw bad('/domains', `holds "${d}", which is not a domain name`);
  const scopes = (input.scopes ?? 'openid email profile').trim().split(/\s+/);
  if (!scopes.includes('openid')) throw bad('/scopes', 'must include openid');
  return { displayName, issuer, mapping, domains, scopes: scopes.join(' ') };
}

function requireAdmin(actor: Actor): void {
  if (!canAccounts(actor, 'settings.manage')) throw new Forbidden('forbidden', 'Only admins manage sign-in.');
}

export async function listIdentityProviders(ctx: ServiceContext, actor: Actor): Promise<IdentityProvider[]> {
  requireAdmin(actor);
  const rows = await ctx.db.selectFrom('identity_providers').selectAll().orderBy('id').execute();
  return rows.map(toIdentityProvider);
}

/** What the sign-in page offers: enabled providers' slugs and names (public). */
export async function signInMethods(
  ctx: ServiceContext,
): Promise<{ kind: 'oidc'; slug: string; displayName: string }[]> {
  const rows = await ctx.db
    .selectFrom('identity_providers')
    .select(['slug', 'display_name'])
    .where('enabled', '=', 1)
    .orderBy('display_name')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ kind: 'oidc' as const, slug: r.slug, displayName: r.display_name }));
}

export async function getIdentityProvider(ctx: ServiceContext, actor: Actor, id: number) {
  requireAdmin(actor);
  const row = await ctx.db
    .selectFrom('identity_providers')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw new NotFound('identity_provider_not_found', `No identity provider ${id}.`);
  return toIdentityProvider(row);
}

export async function createIdentityProvider(
  ctx: ServiceContext,
  actor: Actor,
  input: IdentityProviderInput,
): Promise<IdentityProvider> {
  requireAdmin(actor);
  const c = await checkInput(ctx, input);
  const now = ctx.clock.now();
  const taken = await ctx.db
    .selectFrom('identity_providers')
    .select('id')
    .where('slug', '=', input.slug)
    .executeTakeFirst();
  if (taken) throw bad('/slug', 'is taken by another provider');
  const id = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('identity_providers')
      .values({
        kind: 'oidc',
        slug: input.slug,
        display_name: c.displayName,
        issuer: c.issuer,
        client_id: input.clientId,
        client_secret: input.clientSecret ?? null,
        scopes: c.scopes,
        mapping: JSON.stringify(c.mapping),
        domains: JSON.stringify(c.domains),
        sso_only: input.ssoOnly ? 1 : 0,
        create_accounts: (input.createAccounts ?? true) ? 1 : 0,
        enabled: (input.enabled ?? true) ? 1 : 0,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'identity_provider.created',
      subjectType: 'identity_provider',
      subjectId: String(row.id),
      details: { slug: input.slug, issuer: c.issuer, clientId: input.clientId },
    });
    return row.id;
  });
  return getIdentityProvider(ctx, actor, id);
}

export async function updateIdentityProvider(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  patch: Partial<IdentityProviderInput>,
): Promise<IdentityProvider> {
  const before = await getIdentityProvider(ctx, actor, id);
  const merged: IdentityProviderInput = {
    slug: patch.slug ?? before.slug,
    displayName: patch.displayName ?? before.displayName,
    issuer: patch.issuer ?? before.issuer,
    clientId: patch.clientId ?? before.clientId,
    scopes: patch.scopes ?? before.scopes,
    mapping: { ...before.mapping, ...patch.mapping },
    domains: patch.domains ?? before.domains,
  };
  const c = await checkInput(ctx, merged);
  if (merged.slug !== before.slug) {
    const taken = await ctx.db
      .selectFrom('identity_providers')
      .select('id')
      .where('slug', '=', merged.slug)
      .executeTakeFirst();
    if (taken) throw bad('/slug', 'is taken by another provider');
  }
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('identity_providers')
      .set({
        slug: merged.slug,
        display_name: c.displayName,
        issuer: c.issuer,
        client_id: merged.clientId,
        ...(patch.clientSecret !== undefined ? { client_secret: patch.clientSecret } : {}),
        scopes: c.scopes,
        mapping: JSON.stringify(c.mapping),
        domains: JSON.stringify(c.domains),
        ...(patch.ssoOnly !== undefined ? { sso_only: patch.ssoOnly ? 1 : 0 } : {}),
        ...(patch.createAccounts !== undefined ? { create_accounts: patch.createAccounts ? 1 : 0 } : {}),
        ...(patch.enabled !== undefined ? { enabled: patch.enabled ? 1 : 0 } : {}),
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    const changed = Object.keys(patch).filter((k) => k !== 'clientSecret');
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'identity_provider.updated',
      subjectType: 'identity_provider',
      subjectId: String(id),
      details: { changed, ...(patch.clientSecret !== undefined ? { clientSecret: 'replaced' } : {}) },
    });
  });
  return getIdentityProvider(ctx, actor, id);
}

export async function deleteIdentityProvider(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  await getIdentityProvider(ctx, actor, id);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sso_sign_ins').where('provider_id', '=', id).execute();
    await trx.deleteFrom('user_identities').where('provider_id', '=', id).execute();
    await trx
      .updateTable('sessions')
      .set({ provider_id: null, id_token: null })
      .where('provider_id', '=', id)
      .execute();
    await trx.deleteFrom('identity_providers').where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'identity_provider.deleted',
      subjectType: 'identity_provider',
      subjectId: String(id),
      details: {},
    });
  });
}

/** The provider a sign-in goes through, with its secret: for the OIDC flow only, never for the API. */
export async function providerForSignIn(ctx: ServiceContext, slug: string) {
  const row = await ctx.db
    .selectFrom('identity_providers')
    .selectAll()
    .where('slug', '=', slug)
    .where('enabled', '=', 1)
    .executeTakeFirst();
  if (!row) throw new NotFound('identity_provider_not_found', `No enabled identity provider "${slug}".`);
  return { provider: toIdentityProvider(row), clientSecret: row.client_secret };
}
