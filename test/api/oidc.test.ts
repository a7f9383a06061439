// Single sign-on with OpenID Connect against a real provider (npm's oidc-provider on loopback), on both databases:
// the code flow with PKCE from the start URL to a session, accounts created just in time with the mapped role and
// groups and linked by subject after, linking by verified e-mail only, and every forged or stale answer refused —
// a wrong nonce, an expired ID token, a wrong audience, a replayed callback, a callback without the browser's state.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn, userSession } from '../support/http.js';
import { signInAtProvider, startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.js';

const base = 'http://opsdesk.test';
const callbackFor = (slug: string) => `${base}/api/v1/auth/oidc/${slug}/callback`;

describe.each(dialects)('OpenID Connect sign-in on %s', (dialect) => {
  let t: TestApp;
  let idp: TestOidcProvider;
  let admin: Session;
  let netGroup: number;
  let providerId: number;

  beforeAll(async () => {
    idp = await startOidcProvider([callbackFor('corp')], [`${base}/sign-in`]);
    t = await makeApp(dialect, { OPSDESK_PUBLIC_URL: base });
    // The provider signs with the machine's time; the service starts there and the tests move it on.
    t.clock.set(Date.now());
    admin = await userSession(t.app, t.ctx, 'admin');
    netGroup = (await admin.call('POST', '/api/v1/groups', { name: 'Network' })).body.id;
    const created = await admin.call('POST', '/api/v1/identity-providers', {
      slug: 'corp',
      displayName: 'Corp SSO',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      scopes: 'openid email profile groups',
      mapping: {
        rolesClaim: 'roles',
        roleMap: { 'it-staff': 'technician', 'it-lead': 'manager' },
        defaultRole: 'requester',
        groupsClaim: 'groups',
        groupMap: { network: [netGroup] },
      },
      domains: ['corp.example'],
    });
    expect(created.status).toBe(201);
    providerId = created.body.id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await idp?.close();
  });
  // Each test starts at the machine's time again (one moves the service's clock hours on).
  beforeEach(() => t.clock.set(Date.now()));

  /** The browser's first leg: our start URL → the provider's authorisation URL and our state cookie. */
  async function start(returnTo = '/') {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/auth/oidc/corp/start?returnTo=${encodeURIComponent(returnTo)}`,
    });
    expect(res.statusCode).toBe(302);
    const state = res.cookies.find((c) => c.name === 'opsdesk_sso_state');
    expect(state?.httpOnly).toBe(true);
    return { authorizationUrl: String(res.headers.location), state: state?.value ?? '' };
  }

  /** The provider's redirect back, as the browser follows it (with or without the state cookie). */
  async function callback(url: string, state: string | null) {
    const u = new URL(url);
    expect(`${u.origin}${u.pathname}`).toBe(callbackFor('corp'));
    const res = await t.app.inject({
      method: 'GET',
      url: `${u.pathname}${u.search}`,
      headers: { accept: 'text/html' },
      cookies: state ? { opsdesk_sso_state: state } : {},
    });
    const session = res.cookies.find((c) => c.name === 'opsdesk_session' && c.value !== '');
    return { res, session: session?.value ?? null };
  }

  async function whoIs(token: string) {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      cookies: { opsdesk_session: token },
    });
    expect(res.statusCode).toBe(200);
    return res.json().user as { id: number; email: string; role: string; groupIds: number[] };
  }

  async function signInThrough(accountId: string, returnTo = '/') {
    const { authorizationUrl, state } = await start(returnTo);
    expect(authorizationUrl.startsWith(`${idp.issuer}/`)).toBe(true);
    const back = await signInAtProvider(authorizationUrl, accountId);
    return callback(back, state);
  }

  it('offers the provider on the sign-in page, and never shows its client secret', async () => {
    const methods = await t.app.inject({ method: 'GET', url: '/api/v1/auth/providers' });
    expect(methods.statusCode).toBe(200);
    expect(methods.json()).toEqual({
      password: true,
      items: [
        { kind: 'oidc', slug: 'corp', displayName: 'Corp SSO', startUrl: '/api/v1/auth/oidc/corp/start' },
      ],
    });
    const one = await admin.call('GET', `/api/v1/identity-providers/${providerId}`);
    expect(one.body.hasClientSecret).toBe(true);
    expect(JSON.stringify(one.body)).not.toContain(idp.clientSecret);
    const stored = await t.ctx.db
      .selectFrom('identity_providers')
      .select('client_secret')
      .where('id', '=', providerId)
      .executeTakeFirstOrThrow();
    expect(stored.client_secret).toMatch(/^enc:v1:/);
    expect(stored.client_secret).not.toContain(idp.clientSecret);
    expect(one.body.redirectUri).toBe(callbackFor('corp'));
    for (const issuer of [
      'http://10.0.0.5',
      'ftp://idp.example',
      'https://user:pw@idp.example',
      'not a url',
    ]) {
      const bad = await admin.call('POST', '/api/v1/identity-providers', {
        slug: 'bad',
        displayName: 'Bad',
        issuer,
        clientId: 'x',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe('invalid_identity_provider');
    }
    const unknownGroup = await admin.call('PATCH', `/api/v1/identity-providers/${providerId}`, {
      mapping: { groupMap: { network: [987_654] } },
    });
    expect(unknownGroup.status).toBe(400);
    // A provider never gives admin: admins are made in opsdesk.
    for (const [mapping, field] of [
      [{ roleMap: { 'it-lead': 'admin' } }, '/mapping/roleMap'],
      [{ defaultRole: 'admin' }, '/mapping/defaultRole'],
    ] as const) {
      const res = await admin.call('PATCH', `/api/v1/identity-providers/${providerId}`, { mapping });
      expect(res.status).toBe(400);
      expect(res.body.errors[0].field).toBe(field);
    }
  });

  it('creates an account on first sign-in with the mapped role and groups, and finds it by subject after', async () => {
    idp.accounts.set('u-1001', {
      email: 'Dana@Corp.example',
      name: 'Dana Reyes',
      roles: ['it-staff'],
      groups: ['network'],
    });
    const first = await signInThrough('u-1001', '/tickets?mine=1');
    expect(first.res.statusCode).toBe(303);
    expect(first.res.headers.location).toBe('/tickets?mine=1');
    expect(first.session).not.toBeNull();
    const dana = await whoIs(first.session as string);
    expect(dana).toMatchObject({ email: 'dana@corp.example', role: 'technician', groupIds: [netGroup] });

    // The provider changes her e-mail and takes her out of the group: the subject still finds her account.
    idp.accounts.set('u-1001', { email: 'dana.reyes@corp.example', roles: ['it-lead'], groups: [] });
    const again = await signInThrough('u-1001');
    const same = await whoIs(again.session as string);
    expect(same.id).toBe(dana.id);
    expect(same.role).toBe('manager');
    expect(same.groupIds).toEqual([]);
    const created = await t.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', 'like', '%dana%')
      .execute();
    expect(created).toHaveLength(1);
    // An open-redirect target is not followed.
    const evil = await signInThrough('u-1001', '//evil.example/x');
    expect(evil.res.headers.location).toBe('/');
  });

  it('links an existing account by e-mail only when the provider says the address is verified', async () => {
    const erin = await createUser(t.ctx, null, {
      email: 'erin@corp.example',
      name: 'Erin',
      role: 'requester',
    });
    idp.accounts.set('u-2002', { email: 'erin@corp.example', emailVerified: false });
    const refused = await signInThrough('u-2002');
    expect(refused.session).toBeNull();
    expect(refused.res.statusCode).toBe(303);
    expect(String(refused.res.headers.location)).toMatch(
      /^\/sign-in\?sso_error=sso_failed&message=.*verified/,
    );
    idp.accounts.set('u-2002', { email: 'erin@corp.example', emailVerified: true });
    const linked = await signInThrough('u-2002');
    expect((await whoIs(linked.session as string)).id).toBe(erin.id);
  });

  it('refuses an address in a domain the provider does not vouch for', async () => {
    idp.accounts.set('u-3003', { email: 'mallory@elsewhere.example' });
    const refused = await signInThrough('u-3003');
    expect(refused.session).toBeNull();
    expect(String(refused.res.headers.location)).toContain('sso_error=sso_failed');
  });

  it('refuses a wrong nonce, an expired ID token and a wrong audience, even correctly signed', async () => {
    idp.accounts.set('u-4004', { email: 'frank@corp.example' });
    const now = Math.floor(Date.now() / 1000);
    const forgeries: Array<[string, (c: Record<string, unknown>) => Record<string, unknown>, RegExp]> = [
      ['nonce', (c) => ({ ...c, nonce: 'not-the-one-we-sent' }), /nonce/i],
      ['expiry', (c) => ({ ...c, iat: now - 7200, exp: now - 3600 }), /exp/i],
      ['audience', (c) => ({ ...c, aud: 'some-other-client' }), /aud/i],
    ];
    try {
      for (const [, tamper, reason] of forgeries) {
        idp.tamper = tamper;
        const refused = await signInThrough('u-4004');
        expect(refused.session).toBeNull();
        const location = new URL(String(refused.res.headers.location), base);
        expect(location.pathname).toBe('/sign-in');
        expect(location.searchParams.get('sso_error')).toBe('sso_failed');
        expect(location.searchParams.get('message')).toMatch(reason);
      }
    } finally {
      idp.tamper = null;
    }
    const frank = await t.ctx.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'frank@corp.example')
      .execute();
    expect(frank).toEqual([]);
    const failures = await t.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'auth.sign_in_failed')
      .where('subject_type', '=', 'identity_provider')
      .execute();
    expect(failures.length).toBeGreaterThanOrEqual(3);
  });

  it('judges the ID token by the service clock, and a sign-in left at the provider too long is refused', async () => {
    idp.accounts.set('u-5005', { email: 'gita@corp.example' });
    const { authorizationUrl, state } = await start();
    const back = await signInAtProvider(authorizationUrl, 'u-5005');
    t.clock.advance(11 * 60_000);
    const stale = await callback(back, state);
    expect(stale.session).toBeNull();
    expect(String(stale.res.headers.location)).toContain('took%20too%20long'.replace(/%20/g, '+'));

    // Within the sign-in's ten minutes, but with the service's clock two hours past the token's expiry.
    const second = await start();
    const back2 = await signInAtProvider(second.authorizationUrl, 'u-5005');
    await t.ctx.db
      .updateTable('sso_sign_ins')
      .set({ expires_at: t.clock.now() + 86_400_000 })
      .execute();
    t.clock.advance(3 * 3_600_000);
    const expired = await callback(back2, second.state);
    expect(expired.session).toBeNull();
    expect(new URL(String(expired.res.headers.location), base).searchParams.get('message')).toMatch(/exp/i);
  });

  it('refuses a callback without the browser’s state cookie, and a replayed one', async () => {
    idp.accounts.set('u-6006', { email: 'hana@corp.example' });
    const { authorizationUrl, state } = await start();
    const back = await signInAtProvider(authorizationUrl, 'u-6006');
    const noCookie = await callback(back, null);
    expect(noCookie.session).toBeNull();
    const other = await callback(back, 'someone-elses-state');
    expect(other.session).toBeNull();
    const ok = await callback(back, state);
    expect(ok.session).not.toBeNull();
    const replay = await callback(back, state);
    expect(replay.session).toBeNull();
    expect(String(replay.res.headers.location)).toContain('sso_error=sso_failed');
    // An API client (no text/html) gets problem+json rather than a redirect.
    const u = new URL(back);
    const api = await t.app.inject({
      method: 'GET',
      url: `${u.pathname}${u.search}`,
      cookies: { opsdesk_sso_state: state },
    });
    expect(api.statusCode).toBe(401);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect(api.json().code).toBe('sso_failed');
  });

  it('signs out at the provider too, and an SSO-only domain refuses passwords (admins excepted)', async () => {
    idp.accounts.set('u-7007', { email: 'ivan@corp.example' });
    const signedIn = await signInThrough('u-7007');
    const token = signedIn.session as string;
    const me = await whoIs(token);
    const csrf = (
      await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', cookies: { opsdesk_session: token } })
    ).json().csrfToken as string;
    const out = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      cookies: { opsdesk_session: token },
      headers: { 'x-csrf-token': csrf },
    });
    expect(out.statusCode).toBe(200);
    const end = new URL(out.json().endSessionUrl as string);
    expect(end.origin).toBe(idp.issuer);
    expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${base}/sign-in`);
    expect(end.searchParams.get('id_token_hint')).toBeTruthy();
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: '/api/v1/auth/session',
          cookies: { opsdesk_session: token },
        })
      ).statusCode,
    ).toBe(401);

    await createUser(t.ctx, null, {
      email: 'jo@corp.example',
      name: 'Jo',
      role: 'technician',
      password: 'correct horse battery',
    });
    await createUser(t.ctx, null, {
      email: 'root@corp.example',
      name: 'Root',
      role: 'admin',
      password: 'correct horse battery',
    });
    expect((await signIn(t.app, 'jo@corp.example', 'correct horse battery')).userId).toBeGreaterThan(0);
    expect(
      (await admin.call('PATCH', `/api/v1/identity-providers/${providerId}`, { ssoOnly: true })).status,
    ).toBe(200);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'jo@corp.example', password: 'correct horse battery' },
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().code).toBe('sso_required');
    expect((await signIn(t.app, 'root@corp.example', 'correct horse battery')).userId).toBeGreaterThan(0);
    // A password sign-in outside the domain is untouched; and a password session has nothing to end at the provider.
    const outside = await userSession(t.app, t.ctx, 'technician');
    expect((await outside.call('POST', '/api/v1/auth/logout')).body).toEqual({ endSessionUrl: null });
    expect(me.email).toBe('ivan@corp.example');
  });
});
