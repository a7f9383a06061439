// Signing in through an OpenID Connect provider (openid-client): the authorisation code flow with PKCE, a `state`
// bound to the browser that started it and a `nonce` bound to the ID token; the ID token's signature, issuer,
// audience and expiry checked by openid-client against this service's clock; then the account found by the
// provider's subject, linked by a verified e-mail, or created, its role and groups set from the claims.
// Sign-ins in flight live in the database, so that any instance finishes what another started.
import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import * as oidc from 'openid-client';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import type { Database, Role } from '../db/index.js';
import { Unauthenticated, Unavailable } from '../errors.js';
import { directoryRoles } from './actor.js';
import { type IdentityMapping, type IdentityProvider, providerForSignIn } from './identity-providers.js';
import { digest } from './secret-tokens.js';
import { forgetAuthentications, type LoginResult, openSession } from './sessions.js';
import { normaliseEmail } from './user-records.js';
import { createUser } from './users.js';

/** How long a sign-in may take at the provider. */
export const ssoSignInTtlMs = 10 * 60_000;

/** Discovery documents, kept a while per issuer (a provider rotates keys through its JWKS, fetched apart). */
const discovered = new Map<string, { at: number; metadata: oidc.ServerMetadata }>();
const discoveryTtlMs = 10 * 60_000;

function failed(message: string): Unauthenticated {
  return new Unauthenticated('sso_failed', message);
}

async function configuration(
  ctx: ServiceContext,
  provider: IdentityProvider,
  clientSecret: string | null,
): Promise<oidc.Configuration> {
  const issuer = new URL(provider.issuer);
  const insecure = issuer.protocol === 'http:';
  // The ID token's iat and exp are judged by this service's clock, not the machine's.
  const skew = Math.round((ctx.clock.now() - Date.now()) / 1000);
  const metadata: Partial<oidc.ClientMetadata> = { [oidc.clockSkew]: skew };
  const auth = clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None();
  const cached = discovered.get(provider.issuer);
  if (cached && cached.at > Date.now() - discoveryTtlMs) {
    const config = new oidc.Configuration(cached.metadata, provider.clientId, metadata, auth);
    if (insecure) oidc.allowInsecureRequests(config);
    return config;
  }
  try {
    const config = await oidc.discovery(issuer, provider.clientId, metadata, auth, {
      execute: insecure ? [oidc.allowInsecureRequests] : [],
      timeout: 10,
    });
    discovered.set(provider.issuer, { at: Date.now(), metadata: config.serverMetadata() });
    return config;
  } catch (error) {
    throw new Unavailable(
      'identity_provider_unreachable',
      `The identity provider at ${provider.issuer} could not be discovered: ${(error as Error).message}`,
    );
  }
}

/** Only a path on this service (no scheme, no host, no //) may be where a sign-in returns to. */
export function safeReturnPath(path: string | undefined): string {
  if (!path?.startsWith('/') || path.startsWith('//') || path.includes('\\') || path.length > 500) return '/';
  return path;
}

/**
 * Step one: the provider's authorisation URL to send the browser to, and the state to keep in its cookie.
 * `redirectUri` is this service's callback URL for the provider.
 */
export async function startOidcSignIn(
  ctx: ServiceContext,
  input: { slug: string; redirectUri: string; returnTo?: string },
): Promise<{ url: string; state: string }> {
  const { provider, clientSecret } = await providerForSignIn(ctx, input.slug);
  const config = await configuration(ctx, provider, clientSecret);
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const verifier = oidc.randomPKCECodeVerifier();
  const now = ctx.clock.now();
  await ctx.db.deleteFrom('sso_sign_ins').where('expires_at', '<=', now).execute();
  await ctx.db
    .insertInto('sso_sign_ins')
    .values({
      state_hash: digest(state),
      provider_id: provider.id,
      nonce,
      code_verifier: verifier,
      return_to: safeReturnPath(input.returnTo),
      created_at: now,
      expires_at: now + ssoSignInTtlMs,
    })
    .execute();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: input.redirectUri,
    scope: provider.scopes,
    response_type: 'code',
    state,
    nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  return { url: url.href, state };
}

function claimValues(claims: Record<string, unknown>, name: string | null): string[] {
  if (!name) return [];
  const v = claims[name];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** The role the claims give (the most powerful mapped one), or null when the mapping says nothing. */
export function mappedRole(mapping: IdentityMapping, claims: Record<string, unknown>): Role | null {
  const found = claimValues(claims, mapping.rolesClaim)
    .map((v) => mapping.roleMap[v])
    .filter((r): r is Role => r !== undefined);
  return directoryRoles.find((r) => found.includes(r)) ?? null;
}

/** The groups the claims put the account in, and every group the mapping manages (to take the others away). */
export function mappedGroups(mapping: IdentityMapping, claims: Record<string, unknown>) {
  const managed = new Set(Object.values(mapping.groupMap).flat());
  const member = new Set(claimValues(claims, mapping.groupsClaim).flatMap((v) => mapping.groupMap[v] ?? []));
  return { managed, member };
}

/**
 * Step two, on the provider's redirect back: checks the state against the browser's cookie and the stored sign-in
 * (used once), exchanges the code with the PKCE verifier, validates the ID token (nonce included), and opens a
 * session for the account.
 */
export async function finishOidcSignIn(
  ctx: ServiceContext,
  input: { slug: string; callbackUrl: string; cookieState: string | undefined; clientKey: string },
): Promise<LoginResult & { returnTo: string }> {
  const { provider, clientSecret } = await providerForSignIn(ctx, input.slug);
  const url = new URL(input.callbackUrl);
  const state = url.searchParams.get('state') ?? '';
  const now = ctx.clock.now();
  if (!state || !input.cookieState || state !== input.cookieState)
    throw failed('The sign-in did not start in this browser (its state does not match): start it again.');
  const flow = await ctx.db
    .deleteFrom('sso_sign_ins')
    .where('state_hash', '=', digest(state))
    .where('provider_id', '=', provider.id)
    .returningAll()
    .executeTakeFirst();
  if (!flow) throw failed('This sign-in is unknown or was used already: start it again.');
  if (flow.expires_at <= now) throw failed('This sign-in took too long at the provider: start it again.');
  const error = url.searchParams.get('error');
  if (error) throw failed(`The identity provider refused the sign-in: ${error.slice(0, 200)}.`);
  const config = await configuration(ctx, provider, clientSecret);
  let claims: Record<string, unknown>;
  let idToken: string | null;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, url, {
      pkceCodeVerifier: flow.code_verifier,
      expectedState: state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    claims = (tokens.claims() ?? {}) as Record<string, unknown>;
    idToken = tokens.id_token ?? null;
  } catch (e) {
    const reason = refusal(e);
    await auditFailure(ctx, now, provider, input.clientKey, reason);
    throw failed(`The identity provider's answer was refused: ${reason}.`);
  }
  const user = await accountFor(ctx, provider, claims, input.clientKey);
  const session = await openSession(ctx, user, input.clientKey, { providerId: provider.id, idToken });
  return { ...session, returnTo: flow.return_to };
}

/** openid-client's reason: the precise one underneath where it wraps one (it names the claim: nonce, aud, exp…). */
function refusal(e: unknown): string {
  const error = e as Error & { cause?: unknown };
  const inner = error.cause instanceof Error ? error.cause.message : null;
  return (inner ?? error.message).slice(0, 300);
}

export async function auditFailure(
  ctx: ServiceContext,
  at: number,
  provider: IdentityProvider,
  clientKey: string,
  reason: string,
): Promise<void> {
  await recordAudit(ctx.db, {
    actorId: null,
    at,
    action: 'auth.sign_in_failed',
    subjectType: 'identity_provider',
    subjectId: String(provider.id),
    details: { ip: clientKey, reason: `sso: ${reason}`.slice(0, 300) },
  });
}

/**
 * The account behind the claims: linked by subject, else by a verified e-mail, else created (when allowed). SAML
 * sign-in (saml-sign-in.ts) passes its assertion's attributes in the same shape (sub, email, name and the
 * provider's role and group attributes).
 */
export async function accountFor(
  ctx: ServiceContext,
  provider: IdentityProvider,
  claims: Record<string, unknown>,
  clientKey: string,
) {
  const now = ctx.clock.now();
  const subject = typeof claims.sub === 'string' ? claims.sub : '';
  if (!subject) throw failed('The ID token names no subject.');
  let email: string | null = null;
  if (typeof claims.email === 'string') {
    try {
      email = normaliseEmail(claims.email);
    } catch {
      email = null;
    }
  }
  const verified = claims.email_verified === true || claims.email_verified === 'true';
  const refuse = async (reason: string, message: string) => {
    await auditFailure(ctx, now, provider, clientKey, reason);
    return failed(message);
  };
  if (
    email &&
    provider.domains.length > 0 &&
    !provider.domains.includes(email.slice(email.lastIndexOf('@') + 1))
  )
    throw await refuse('domain', `${provider.displayName} does not vouch for ${email}'s domain here.`);
  const role = mappedRole(provider.mapping, claims);
  const groups = mappedGroups(provider.mapping, claims);

  const linked = await ctx.db
    .selectFrom('user_identities')
    .select('user_id')
    .where('provider_id', '=', provider.id)
    .where('subject', '=', subject)
    .executeTakeFirst();
  let userId = linked?.user_id ?? null;
  if (userId === null && email) {
    const existing = await ctx.db
      .selectFrom('users')
      .select(['id'])
      .where('email', '=', email)
      .executeTakeFirst();
    if (existing) {
      if (!verified)
        throw await refuse(
          'unverified_email',
          `An account with ${email} exists, and the provider does not say the address is verified: an admin can link them.`,
        );
      userId = existing.id;
    }
  }
  if (userId === null) {
    if (!provider.createAccounts)
      throw await refuse(
        'no_account',
        'There is no account for this sign-in, and this provider does not create them.',
      );
    if (!email) throw await refuse('no_email', 'The provider gave no e-mail address for a new account.');
    const given = [claims.given_name, claims.family_name].filter((x) => typeof x === 'string').join(' ');
    const name = ((typeof claims.name === 'string' && claims.name) || given || email).trim().slice(0, 200);
    // Just-in-time: the account is created as an admin would create it (indexed, audited), with no password.
    const created = await createUser(ctx, null, { email, name, role: role ?? provider.mapping.defaultRole });
    userId = created.id;
  }
  const id = userId;
  const row = await ctx.db.transaction().execute(async (trx) => {
    if (role)
      await trx
        .updateTable('users')
        .set({ role, updated_at: now })
        .where('id', '=', id)
        .where('role', '!=', role)
        .where('role', '!=', 'admin')
        .execute();
    await trx
      .insertInto('user_identities')
      .values({
        provider_id: provider.id,
        subject,
        user_id: id,
        email,
        created_at: now,
        last_sign_in_at: now,
      })
      .onConflict((oc) => oc.columns(['provider_id', 'subject']).doUpdateSet({ email, last_sign_in_at: now }))
      .execute();
    await setMappedGroups(trx, id, groups);
    return trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  });
  // Open sessions of this account see a changed role or groups at once.
  forgetAuthentications(ctx);
  if (!row.active) throw await refuse('inactive', 'This account is deactivated.');
  return row;
}

/** Where to send the browser to end its session at the provider too, when the session came through one that offers it. */
export async function endSessionUrl(
  ctx: ServiceContext,
  sessionTokenHash: string,
  postLogoutRedirectUri: string,
): Promise<string | null> {
  const row = await ctx.db
    .selectFrom('sessions')
    .innerJoin('identity_providers', 'identity_providers.id', 'sessions.provider_id')
    .select(['identity_providers.slug', 'sessions.id_token'])
    .where('sessions.token_hash', '=', sessionTokenHash)
    .executeTakeFirst();
  if (!row) return null;
  const { provider, clientSecret } = await providerForSignIn(ctx, row.slug).catch(() => ({
    provider: null,
    clientSecret: null,
  }));
  if (!provider) return null;
  const config = await configuration(ctx, provider, clientSecret).catch(() => null);
  if (!config?.serverMetadata().end_session_endpoint) return null;
  return oidc.buildEndSessionUrl(config, {
    post_logout_redirect_uri: postLogoutRedirectUri,
    ...(row.id_token ? { id_token_hint: row.id_token } : { client_id: provider.clientId }),
    state: randomBytes(12).toString('base64url'),
  }).href;
}

/**
 * Sets the groups an identity provider or a directory manages for an account: out of every managed group, into those
 * its claims or directory groups map to; groups the mapping does not name are left as they are.
 */
export async function setMappedGroups(
  trx: Transaction<Database>,
  userId: number,
  groups: { managed: Set<number>; member: Set<number> },
): Promise<void> {
  if (groups.managed.size === 0) return;
  await trx
    .deleteFrom('group_members')
    .where('user_id', '=', userId)
    .where('group_id', 'in', [...groups.managed])
    .execute();
  const member = [...groups.member];
  if (member.length > 0)
    await trx
      .insertInto('group_members')
      .values(member.map((group_id) => ({ group_id, user_id: userId })))
      .execute();
}
