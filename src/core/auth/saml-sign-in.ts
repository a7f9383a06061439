// Signing in through a SAML 2.0 provider (@node-saml/node-saml): an AuthnRequest sent by the HTTP-Redirect binding
// with a RelayState kept like OpenID Connect's state, and the provider's Response received by the HTTP-POST
// binding. node-saml checks the assertion's signature against the provider's certificates (a signed assertion is
// required: a signed Response around an unsigned assertion is not enough) and its audience; this module checks the
// rest against this service's clock — the issuer, the recipient and destination, InResponseTo against the request
// in flight, the validity window with a bounded clock skew — and refuses an assertion used before, by its ID, kept
// in the database until it expires so that every instance refuses it. Then the account is found, linked or created
// and its role and groups set from the attributes, exactly as for OpenID Connect.
import { createHash, randomBytes } from 'node:crypto';
import { type Profile, SAML, type SamlConfig, ValidateInResponseTo } from '@node-saml/node-saml';
import { XMLParser } from 'fast-xml-parser';
import type { ServiceContext } from '../context.js';
import { Unauthenticated } from '../errors.js';
import { type IdentityProvider, providerForSignIn, type SamlSettings } from './identity-providers.js';
import { accountFor, auditFailure, safeReturnPath, ssoSignInTtlMs } from './oidc-sign-in.js';
import { digest } from './secret-tokens.js';
import { type LoginResult, openSession } from './sessions.js';

/** How far the provider's clock may be from ours, either way, when judging an assertion's validity window. */
export const samlClockSkewMs = 3 * 60_000;
/** An assertion issued longer ago than this is refused, whatever its NotOnOrAfter says. */
export const samlMaxAssertionAgeMs = 10 * 60_000;
/** The largest SAMLResponse accepted (base64), well above what a provider sends with a few hundred groups. */
export const samlResponseMaxBytes = 512 * 1024;

/** This service's own names at the provider: its entity ID and its assertion consumer service URL. */
export interface SamlServiceProvider {
  entityId: string;
  acsUrl: string;
}

const bearer = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
const emailFormat = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

function failed(message: string): Unauthenticated {
  return new Unauthenticated('sso_failed', message);
}

function client(provider: IdentityProvider, sp: SamlServiceProvider, requestId?: string): SAML {
  const settings = provider.saml as SamlSettings;
  const config: SamlConfig = {
    issuer: sp.entityId,
    callbackUrl: sp.acsUrl,
    entryPoint: settings.ssoUrl,
    idpCert: settings.certificates,
    idpIssuer: provider.issuer,
    audience: sp.entityId,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    // The validity window is judged below by this service's clock (node-saml would read the machine's).
    acceptedClockSkewMs: -1,
    // InResponseTo is checked below against the sign-ins in flight, kept in the database for every instance.
    validateInResponseTo: ValidateInResponseTo.never,
    // The provider chooses the NameID format, and how the person authenticates (password, MFA, Kerberos).
    identifierFormat: null,
    disableRequestedAuthnContext: true,
    // The metadata's ID stays the same from one fetch to the next; each AuthnRequest has its own.
    generateUniqueId: () =>
      requestId ?? `_${createHash('sha256').update(sp.entityId).digest('hex').slice(0, 40)}`,
  };
  return new SAML(config);
}

async function samlProvider(ctx: ServiceContext, slug: string): Promise<IdentityProvider> {
  const { provider } = await providerForSignIn(ctx, slug, 'saml');
  if (!provider.saml) throw failed(`${provider.displayName} has no SAML settings.`);
  return provider;
}

/** The service provider's metadata XML for the identity provider's admin: the same document at every fetch. */
export async function samlMetadata(
  ctx: ServiceContext,
  slug: string,
  sp: SamlServiceProvider,
): Promise<string> {
  const provider = await samlProvider(ctx, slug);
  return client(provider, sp).generateServiceProviderMetadata(null, null);
}

/**
 * Step one: the provider's single sign-on URL carrying the AuthnRequest and a RelayState, and that RelayState,
 * which the route also keeps in a cookie where the browser can carry it back on the provider's cross-site POST.
 */
export async function startSamlSignIn(
  ctx: ServiceContext,
  input: { slug: string; sp: SamlServiceProvider; returnTo?: string },
): Promise<{ url: string; state: string }> {
  const provider = await samlProvider(ctx, input.slug);
  const state = randomBytes(24).toString('base64url');
  // An XML ID must not start with a digit.
  const requestId = `_${randomBytes(20).toString('hex')}`;
  const now = ctx.clock.now();
  await ctx.db.deleteFrom('sso_sign_ins').where('expires_at', '<=', now).execute();
  await ctx.db
    .insertInto('sso_sign_ins')
    .values({
      state_hash: digest(state),
      provider_id: provider.id,
      // For SAML the nonce is the AuthnRequest's ID, which the answer must name in InResponseTo; there is no PKCE.
      nonce: requestId,
      code_verifier: '',
      return_to: safeReturnPath(input.returnTo),
      created_at: now,
      expires_at: now + ssoSignInTtlMs,
    })
    .execute();
  const url = await client(provider, input.sp, requestId).getAuthorizeUrlAsync(state, undefined, {});
  return { url, state };
}

type Node = Record<string, unknown>;

function first(value: unknown): Node | null {
  const v = Array.isArray(value) ? value[0] : value;
  return v !== null && typeof v === 'object' ? (v as Node) : null;
}

function attribute(node: Node | null, name: string): string | null {
  const v = (node?.$ as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v : null;
}

function text(node: Node | null): string | null {
  const v = node?._;
  return typeof v === 'string' ? v.trim() : null;
}

function instant(value: string | null, name: string): number {
  const ms = value && /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw failed(`The assertion's ${name} is missing or not a time.`);
  return ms;
}

/** The outer Response's Destination and InResponseTo (not covered by the assertion's signature, checked too). */
function responseEnvelope(xml: string): { destination: string | null; inResponseTo: string | null } {
  let parsed: Node;
  try {
    parsed = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      removeNSPrefix: true,
      processEntities: false,
    }).parse(xml) as Node;
  } catch {
    throw failed('The answer is not a SAML Response.');
  }
  const response = first(parsed.Response);
  if (!response) throw failed('The answer is not a SAML Response.');
  const get = (name: string) => (typeof response[name] === 'string' ? (response[name] as string) : null);
  return { destination: get('Destination'), inResponseTo: get('InResponseTo') };
}

/** node-saml's reason for refusing, short. */
function refusal(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).slice(0, 300);
}

/**
 * Checks the signed assertion node-saml returned against our clock, our ACS URL and the request in flight; returns
 * the assertion's ID and when it stops being valid (for the replay store).
 */
function checkAssertion(
  ctx: ServiceContext,
  provider: IdentityProvider,
  sp: SamlServiceProvider,
  requestId: string,
  profile: Profile,
): { assertionId: string; validUntil: number } {
  const assertion = first((profile.getAssertion?.() as Node | undefined)?.Assertion);
  if (!assertion) throw failed('The answer holds no assertion.');
  const now = ctx.clock.now();
  const assertionId = attribute(assertion, 'ID');
  if (!assertionId) throw failed('The assertion has no ID.');
  const issuer = text(first(assertion.Issuer));
  if (issuer !== provider.issuer)
    throw failed(`The assertion was issued by ${issuer ?? 'nobody'}, not by ${provider.issuer}.`);
  const issued = instant(attribute(assertion, 'IssueInstant'), 'IssueInstant');
  if (issued > now + samlClockSkewMs) throw failed('The assertion was issued in the future.');
  if (issued <= now - samlMaxAssertionAgeMs - samlClockSkewMs) throw failed('The assertion is too old.');

  const conditions = first(assertion.Conditions);
  const notBefore = attribute(conditions, 'NotBefore');
  const notOnOrAfter = attribute(conditions, 'NotOnOrAfter');
  if (notBefore && instant(notBefore, 'NotBefore') > now + samlClockSkewMs)
    throw failed('The assertion is not valid yet (NotBefore).');
  let validUntil = issued + samlMaxAssertionAgeMs;
  if (notOnOrAfter) {
    const until = instant(notOnOrAfter, 'NotOnOrAfter');
    if (until <= now - samlClockSkewMs) throw failed('The assertion has expired (NotOnOrAfter).');
    validUntil = Math.min(validUntil, until);
  }

  // A bearer confirmation meant for our ACS URL and for the request we sent, still valid.
  const confirmations = ((first(assertion.Subject)?.SubjectConfirmation as Node[] | undefined) ?? []).filter(
    (c) => attribute(c, 'Method') === bearer,
  );
  if (confirmations.length === 0) throw failed('The assertion has no bearer subject confirmation.');
  const reasons: string[] = [];
  const confirmed = confirmations.some((c) => {
    const data = first(c.SubjectConfirmationData);
    const recipient = attribute(data, 'Recipient');
    if (recipient !== sp.acsUrl) return reasons.push(`its Recipient is ${recipient ?? 'missing'}`) && false;
    if (attribute(data, 'InResponseTo') !== requestId)
      return reasons.push('it answers another request (InResponseTo)') && false;
    const until = attribute(data, 'NotOnOrAfter');
    if (!until) return reasons.push('it has no NotOnOrAfter') && false;
    const untilMs = instant(until, 'NotOnOrAfter');
    if (untilMs <= now - samlClockSkewMs) return reasons.push('it has expired (NotOnOrAfter)') && false;
    const since = attribute(data, 'NotBefore');
    if (since && instant(since, 'NotBefore') > now + samlClockSkewMs)
      return reasons.push('it is not valid yet (NotBefore)') && false;
    validUntil = Math.min(validUntil, untilMs);
    return true;
  });
  if (!confirmed) throw failed(`The assertion's subject confirmation does not check: ${reasons.join('; ')}.`);
  return { assertionId, validUntil };
}

/** An attribute's values as strings (a value with child elements counts as none). */
function attributeValues(profile: Profile, name: string | null): string[] {
  if (!name) return [];
  const v = (profile.attributes as Record<string, unknown> | undefined)?.[name];
  const all = Array.isArray(v) ? v : [v];
  return all.filter((x): x is string => typeof x === 'string').map((x) => x.trim());
}

/** The assertion as OpenID-Connect-shaped claims, for the account linking and mapping both flows share. */
function claimsOf(provider: IdentityProvider, profile: Profile): Record<string, unknown> {
  const settings = provider.saml as SamlSettings;
  const mapping = provider.mapping;
  const claims: Record<string, unknown> = {};
  if (mapping.rolesClaim) claims[mapping.rolesClaim] = attributeValues(profile, mapping.rolesClaim);
  if (mapping.groupsClaim) claims[mapping.groupsClaim] = attributeValues(profile, mapping.groupsClaim);
  const nameId = typeof profile.nameID === 'string' ? profile.nameID.trim() : '';
  const email =
    attributeValues(profile, settings.emailAttribute)[0] ??
    (profile.nameIDFormat === emailFormat || nameId.includes('@') ? nameId : undefined);
  claims.sub = nameId;
  claims.email = email;
  // The address comes in an assertion the provider signed, and the provider's domains bound it.
  claims.email_verified = email !== undefined;
  claims.name = attributeValues(profile, settings.nameAttribute)[0];
  return claims;
}

/**
 * Step two, the provider's POST to our ACS URL: uses up the sign-in named by the RelayState (bound to the browser
 * when `browserState` is given), validates the Response, refuses an assertion used before, and opens a session.
 */
export async function finishSamlSignIn(
  ctx: ServiceContext,
  input: {
    slug: string;
    sp: SamlServiceProvider;
    samlResponse: string;
    relayState: string | undefined;
    /** The RelayState kept in the browser's cookie; null where the cookie cannot come back (plain http). */
    browserState: string | undefined | null;
    clientKey: string;
  },
): Promise<LoginResult & { returnTo: string }> {
  const provider = await samlProvider(ctx, input.slug);
  const now = ctx.clock.now();
  if (input.samlResponse.length > samlResponseMaxBytes) throw failed('The SAML response is too large.');
  const xml = Buffer.from(input.samlResponse, 'base64').toString('utf8');
  const envelope = responseEnvelope(xml);
  const state = input.relayState ?? '';
  if (!state) throw failed('The answer carries no RelayState: start the sign-in again.');
  if (input.browserState !== null && input.browserState !== state)
    throw failed('The sign-in did not start in this browser (its state does not match): start it again.');
  const flow = await ctx.db
    .deleteFrom('sso_sign_ins')
    .where('state_hash', '=', digest(state))
    .where('provider_id', '=', provider.id)
    .returningAll()
    .executeTakeFirst();
  if (!flow) throw failed('This sign-in is unknown or was used already: start it again.');
  if (flow.expires_at <= now) throw failed('This sign-in took too long at the provider: start it again.');
  const refuse = async (reason: string) => {
    await auditFailure(ctx, now, provider, input.clientKey, reason);
    return failed(`The identity provider's answer was refused: ${reason}`);
  };
  if (envelope.destination !== null && envelope.destination !== input.sp.acsUrl)
    throw await refuse(`its Destination is ${envelope.destination.slice(0, 200)}, not ${input.sp.acsUrl}.`);
  if (envelope.inResponseTo !== null && envelope.inResponseTo !== flow.nonce)
    throw await refuse('it answers another request (InResponseTo).');

  let profile: Profile;
  try {
    const result = await client(provider, input.sp).validatePostResponseAsync({
      SAMLResponse: input.samlResponse,
    });
    if (!result.profile) throw new Error('the answer holds no sign-in');
    profile = result.profile;
  } catch (e) {
    throw await refuse(`${refusal(e)}.`);
  }
  let checked: { assertionId: string; validUntil: number };
  try {
    checked = checkAssertion(ctx, provider, input.sp, flow.nonce, profile);
  } catch (e) {
    throw await refuse(refusal(e).replace(/^The /, 'the '));
  }

  // Used once only: the first instance to insert the assertion's ID wins; the ID is kept until it would expire.
  await ctx.db.deleteFrom('saml_assertions').where('expires_at', '<=', now).execute();
  const stored = await ctx.db
    .insertInto('saml_assertions')
    .values({
      provider_id: provider.id,
      assertion_id: checked.assertionId.slice(0, 500),
      used_at: now,
      expires_at: checked.validUntil + samlClockSkewMs,
    })
    .onConflict((oc) => oc.columns(['provider_id', 'assertion_id']).doNothing())
    .executeTakeFirst();
  if (Number(stored.numInsertedOrUpdatedRows ?? 0n) !== 1) {
    await auditFailure(ctx, now, provider, input.clientKey, 'assertion replayed');
    throw new Unauthenticated(
      'saml_assertion_replayed',
      'This SAML assertion was used already: a replay is refused. Start the sign-in again.',
    );
  }

  const claims = claimsOf(provider, profile);
  if (!claims.sub) throw await refuse('the assertion names no subject (NameID).');
  const user = await accountFor(ctx, provider, claims, input.clientKey);
  const session = await openSession(ctx, user, input.clientKey, { providerId: provider.id, idToken: null });
  return { ...session, returnTo: flow.return_to };
}
