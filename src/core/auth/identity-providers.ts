// The identity providers an admin connects for single sign-on (OpenID Connect and SAML 2.0): their settings, how
// their claims map to roles and groups, and the e-mail domains they vouch for. The client secret is written, never
// read back through the API. A SAML provider's "claims" are its assertion's attributes.

import { X509Certificate } from 'node:crypto';
import type { Selectable } from 'kysely';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import type { IdentityProvidersTable, Role } from '../db/index.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import { isSealed, openSecret, sealSecret } from '../secret-box.js';
import type { Actor } from './actor.js';
import { canAccounts } from './policies.js';
import { checkRoleMapping } from './role-mapping.js';

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

export type IdentityProviderKind = 'oidc' | 'saml';

/** What a SAML provider needs beyond the shared settings (its entity ID is the provider's issuer). */
export interface SamlSettings {
  /** Where the browser is sent with the AuthnRequest (HTTP-Redirect binding). */
  ssoUrl: string;
  /** The PEM certificates the provider signs assertions with (more than one while it rolls its key over). */
  certificates: string[];
  /** The attribute holding the e-mail address; null: the NameID, when it is one. */
  emailAttribute: string | null;
  /** The attribute holding the display name. */
  nameAttribute: string | null;
}

export interface IdentityProvider {
  id: number;
  kind: IdentityProviderKind;
  slug: string;
  displayName: string;
  /** OpenID Connect: the issuer URL; SAML: the provider's entity ID. */
  issuer: string;
  clientId: string;
  hasClientSecret: boolean;
  scopes: string;
  mapping: IdentityMapping;
  domains: string[];
  ssoOnly: boolean;
  createAccounts: boolean;
  enabled: boolean;
  /** Null for OpenID Connect. */
  saml: SamlSettings | null;
  createdAt: number;
  updatedAt: number;
}

export interface IdentityProviderInput {
  /** 'oidc' when not given; a provider's kind never changes. */
  kind?: IdentityProviderKind;
  slug: string;
  displayName: string;
  issuer: string;
  /** OpenID Connect only. */
  clientId?: string;
  clientSecret?: string | null;
  scopes?: string;
  mapping?: Partial<IdentityMapping>;
  domains?: string[];
  ssoOnly?: boolean;
  createAccounts?: boolean;
  enabled?: boolean;
  /** SAML only: required there. */
  saml?: Partial<SamlSettings>;
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
    kind: row.kind === 'saml' ? 'saml' : 'oidc',
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
    saml: row.saml ? (JSON.parse(row.saml) as SamlSettings) : null,
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

/** A certificate as PEM, from PEM or bare base64 (as metadata carries it); refused when it does not parse. */
export function checkCertificate(text: string): string {
  const body = text.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  const pem = `-----BEGIN CERTIFICATE-----\n${(body.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
  try {
    new X509Certificate(pem);
  } catch {
    throw bad('/saml/certificates', 'holds one that is not an X.509 certificate');
  }
  return pem;
}

function checkSaml(input: Partial<SamlSettings> | undefined): SamlSettings {
  if (!input?.ssoUrl) throw bad('/saml/ssoUrl', 'is needed for a SAML provider');
  let url: URL;
  try {
    url = new URL(input.ssoUrl);
  } catch {
    throw bad('/saml/ssoUrl', 'is not a URL');
  }
  // As an issuer, but the single sign-on URL may carry a query (some providers name the application there).
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback))
    throw bad('/saml/ssoUrl', 'must be https (http only on loopback)');
  if (url.username || url.password || url.hash)
    throw bad('/saml/ssoUrl', 'must not carry credentials or a fragment');
  const ssoUrl = url.href;
  const certificates = (input.certificates ?? []).map(checkCertificate);
  if (certificates.length === 0) throw bad('/saml/certificates', 'must hold the signing certificate');
  const attribute = (name: string | null | undefined) => {
    const trimmed = name?.trim() ?? '';
    return trimmed === '' ? null : trimmed;
  };
  return {
    ssoUrl,
    certificates: [...new Set(certificates)],
    emailAttribute: attribute(input.emailAttribute),
    nameAttribute: attribute(input.nameAttribute),
  };
}

/** A SAML entity ID: any URI (a URL or a URN), as the provider's metadata names it. */
function checkEntityId(entityId: string): string {
  const trimmed = entityId.trim();
  if (
    trimmed.length === 0 ||
    trimmed.length > 500 ||
    /\s/.test(trimmed) ||
    !/^[a-z][a-z0-9+.-]*:/i.test(trimmed)
  )
    throw bad('/issuer', 'must be the SAML entity ID, a URI without spaces');
  return trimmed;
}

async function checkInput(ctx: ServiceContext, input: IdentityProviderInput) {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/.test(input.slug))
    throw bad('/slug', 'must be 1–40 lower-case letters, digits and dashes');
  const displayName = input.displayName.trim();
  if (displayName.length === 0 || displayName.length > 100)
    throw bad('/displayName', 'needs 1–100 characters');
  const kind = input.kind ?? 'oidc';
  const issuer = kind === 'saml' ? checkEntityId(input.issuer) : checkIssuer(input.issuer);
  const saml = kind === 'saml' ? checkSaml(input.saml) : null;
  if (kind === 'oidc' && !input.clientId) throw bad('/clientId', 'is needed for an OpenID Connect provider');
  const mapping: IdentityMapping = { ...defaultMapping, ...input.mapping };
  await checkRoleMapping(ctx, mapping, bad);
  const domains = [...new Set((input.domains ?? []).map((d) => d.trim().toLowerCase()))];
  for (const d of domains)
    if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(d))
      throw bad('/domains', `holds "${d}", which is not a domain name`);
  if (kind === 'saml') return { kind, displayName, issuer, mapping, domains, scopes: '', saml };
  const scopes = (input.scopes ?? 'openid email profile').trim().split(/\s+/);
  if (!scopes.includes('openid')) throw bad('/scopes', 'must include openid');
  return { kind, displayName, issuer, mapping, domains, scopes: scopes.join(' '), saml };
}

function requireAdmin(actor: Actor): void {
  if (!canAccounts(actor, 'settings.manage')) throw new Forbidden('forbidden', 'Only admins manage sign-in.');
}

export async function listIdentityProviders(ctx: ServiceContext, actor: Actor): Promise<IdentityProvider[]> {
  requireAdmin(actor);
  const rows = await ctx.db.selectFrom('identity_providers').selectAll().orderBy('id').execute();
  return rows.map(toIdentityProvider);
}

/** What the sign-in page offers: enabled providers' kinds, slugs and names (public). */
export async function signInMethods(
  ctx: ServiceContext,
): Promise<{ kind: IdentityProviderKind; slug: string; displayName: string }[]> {
  const rows = await ctx.db
    .selectFrom('identity_providers')
    .select(['kind', 'slug', 'display_name'])
    .where('enabled', '=', 1)
    .orderBy('display_name')
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    kind: r.kind === 'saml' ? ('saml' as const) : ('oidc' as const),
    slug: r.slug,
    displayName: r.display_name,
  }));
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
        kind: c.kind,
        slug: input.slug,
        display_name: c.displayName,
        issuer: c.issuer,
        client_id: c.kind === 'oidc' ? (input.clientId ?? '') : '',
        client_secret: c.kind === 'oidc' ? sealSecret(ctx.config, input.clientSecret ?? null) : null,
        saml: c.saml ? JSON.stringify(c.saml) : null,
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
      details: { kind: c.kind, slug: input.slug, issuer: c.issuer, clientId: input.clientId ?? null },
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
  if (patch.kind !== undefined && patch.kind !== before.kind)
    throw bad('/kind', 'never changes: connect a new provider instead');
  const merged: IdentityProviderInput = {
    kind: before.kind,
    saml: before.saml ? { ...before.saml, ...patch.saml } : patch.saml,
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
        client_id: merged.clientId ?? '',
        ...(patch.clientSecret !== undefined
          ? { client_secret: sealSecret(ctx.config, patch.clientSecret) }
          : {}),
        scopes: c.scopes,
        saml: c.saml ? JSON.stringify(c.saml) : null,
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
    await trx.deleteFrom('saml_assertions').where('provider_id', '=', id).execute();
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

/** The provider a sign-in goes through, with its secret: for the sign-in flows only, never for the API. */
export async function providerForSignIn(
  ctx: ServiceContext,
  slug: string,
  kind: IdentityProviderKind = 'oidc',
) {
  const row = await ctx.db
    .selectFrom('identity_providers')
    .selectAll()
    .where('slug', '=', slug)
    .where('kind', '=', kind)
    .where('enabled', '=', 1)
    .executeTakeFirst();
  if (!row) throw new NotFound('identity_provider_not_found', `No enabled identity provider "${slug}".`);
  return { provider: toIdentityProvider(row), clientSecret: openSecret(ctx.config, row.client_secret) };
}

/**
 * Seals the peer secrets stored before sealing (a bind password, a client secret), at start-up. Instances racing
 * it agree: each row is written only while it still holds the plain value.
 */
export async function sealStoredSecrets(ctx: ServiceContext): Promise<number> {
  // Each row is written only while it still holds the plain value it was read with.
  const seal = async (
    rows: { id: number; value: string | null }[],
    write: (id: number, plain: string, sealed: string) => Promise<{ numUpdatedRows: bigint }>,
  ) => {
    let n = 0;
    for (const { id, value } of rows)
      if (value && !isSealed(value))
        n += Number((await write(id, value, sealSecret(ctx.config, value) as string)).numUpdatedRows);
    return n;
  };
  const providers = await ctx.db
    .selectFrom('identity_providers')
    .select(['id', 'client_secret as value'])
    .where('client_secret', 'is not', null)
    .execute();
  const directories = await ctx.db
    .selectFrom('ldap_directories')
    .select(['id', 'bind_password as value'])
    .where('bind_password', 'is not', null)
    .execute();
  return (
    (await seal(providers, (id, plain, sealed) =>
      ctx.db
        .updateTable('identity_providers')
        .set({ client_secret: sealed })
        .where('id', '=', id)
        .where('client_secret', '=', plain)
        .executeTakeFirst(),
    )) +
    (await seal(directories, (id, plain, sealed) =>
      ctx.db
        .updateTable('ldap_directories')
        .set({ bind_password: sealed })
        .where('id', '=', id)
        .where('bind_password', '=', plain)
        .executeTakeFirst(),
    ))
  );
}
