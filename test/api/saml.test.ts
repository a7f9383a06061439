// Single sign-on with SAML 2.0 against an identity provider made in the test (its own RSA key and certificate, its
// assertions signed with xml-crypto), on both databases: the flow from the start URL through the AuthnRequest to
// the POST on the assertion consumer service and a session in the mapped role and groups; the service provider
// metadata, well-formed and the same at every fetch; and every forged or stale answer refused — unsigned, signed by
// another key, replayed, for another audience or recipient, answering another request, expired, from a clock
// skewed beyond the bound — while a skew within it is accepted. Random bodies at the ACS never make a 5xx.
import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { createUser } from '../../src/core/auth/index.js';
import { errorCatalogue } from '../../src/core/errors.js';
import { dialects, makeApp, schemaController, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';
import {
  type AuthnRequest,
  makeSigningKey,
  type Person,
  type ResponseOptions,
  readAuthnRequest,
  TestSamlIdp,
} from '../support/saml-idp.js';

const base = 'http://opsdesk.test';
const spEntityId = `${base}/api/v1/auth/saml/corp/metadata`;
const acsUrl = `${base}/api/v1/auth/saml/corp/acs`;

describe.each(dialects)('SAML 2.0 sign-in on %s', (dialect) => {
  let t: TestApp;
  let idp: TestSamlIdp;
  let admin: Session;
  let netGroup: number;
  let deskGroup: number;
  let providerId: number;

  beforeAll(async () => {
    idp = new TestSamlIdp();
    t = await makeApp(dialect, { OPSDESK_PUBLIC_URL: base });
    t.clock.set(Date.parse('2026-12-02T09:00:00Z'));
    admin = await userSession(t.app, t.ctx, 'admin');
    netGroup = (await admin.call('POST', '/api/v1/groups', { name: 'Network' })).body.id;
    deskGroup = (await admin.call('POST', '/api/v1/groups', { name: 'Service desk' })).body.id;
    const created = await admin.call('POST', '/api/v1/identity-providers', {
      kind: 'saml',
      slug: 'corp',
      displayName: 'Corp SAML',
      issuer: idp.entityId,
      saml: {
        ssoUrl: idp.ssoUrl,
        certificates: [idp.key.cert],
        emailAttribute: 'mail',
        nameAttribute: 'displayName',
      },
      mapping: {
        rolesClaim: 'role',
        roleMap: { 'it-staff': 'technician', 'it-lead': 'manager' },
        defaultRole: 'requester',
        groupsClaim: 'memberOf',
        groupMap: { network: [netGroup], desk: [deskGroup] },
      },
      domains: ['corp.example'],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    providerId = created.body.id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => t.clock.set(Date.parse('2026-12-02T09:00:00Z')));

  /** The browser's first leg: our start URL → the provider's SSO URL with the AuthnRequest and RelayState. */
  async function start(returnTo = '/'): Promise<AuthnRequest> {
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/auth/saml/corp/start?returnTo=${encodeURIComponent(returnTo)}`,
    });
    expect(res.statusCode).toBe(302);
    const location = String(res.headers.location);
    expect(location.startsWith(`${idp.ssoUrl}?`)).toBe(true);
    return readAuthnRequest(location);
  }

  /** The provider's answer, POSTed by the browser to our ACS URL as a form. */
  async function post(samlResponse: string, relayState: string, accept = 'text/html') {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/saml/corp/acs',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept },
      payload: new URLSearchParams({ SAMLResponse: samlResponse, RelayState: relayState }).toString(),
    });
    const session = res.cookies.find((c) => c.name === 'opsdesk_session' && c.value !== '');
    return { res, session: session?.value ?? null };
  }

  async function signInAs(person: Person, options: Partial<ResponseOptions> = {}, returnTo = '/') {
    const request = await start(returnTo);
    return post(idp.response(request, person, { now: t.clock.now(), ...options }), request.relayState);
  }

  async function whoIs(token: string) {
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      cookies: { opsdesk_session: token },
    });
    expect(res.statusCode).toBe(200);
    return res.json().user as { id: number; email: string; name: string; role: string; groupIds: number[] };
  }

  function refusal(res: { statusCode: number; headers: Record<string, unknown> }) {
    expect(res.statusCode).toBe(303);
    const location = new URL(String(res.headers.location), base);
    expect(location.pathname).toBe('/sign-in');
    return {
      code: location.searchParams.get('sso_error'),
      message: location.searchParams.get('message') ?? '',
    };
  }

  const dana: Person = {
    nameId: 'dana-0001',
    attributes: {
      mail: 'Dana@Corp.example',
      displayName: 'Dana Reyes',
      role: 'it-staff',
      memberOf: ['network', 'desk', 'unmapped'],
    },
  };

  it('is offered on the sign-in page, and its settings show what to register at the provider', async () => {
    const methods = await t.app.inject({ method: 'GET', url: '/api/v1/auth/providers' });
    expect(methods.statusCode).toBe(200);
    expect(methods.json()).toEqual({
      password: true,
      items: [
        { kind: 'saml', slug: 'corp', displayName: 'Corp SAML', startUrl: '/api/v1/auth/saml/corp/start' },
      ],
    });
    const one = await admin.call('GET', `/api/v1/identity-providers/${providerId}`);
    expect(one.body).toMatchObject({
      kind: 'saml',
      issuer: idp.entityId,
      redirectUri: acsUrl,
      saml: {
        ssoUrl: idp.ssoUrl,
        emailAttribute: 'mail',
        nameAttribute: 'displayName',
        spEntityId,
        acsUrl,
        metadataUrl: spEntityId,
      },
    });
    expect(one.body.saml.certificates).toHaveLength(1);
    const bad = [
      { saml: { ssoUrl: 'ftp://idp.example/sso', certificates: [idp.key.cert] } },
      { saml: { ssoUrl: 'http://10.0.0.5/sso', certificates: [idp.key.cert] } },
      { saml: { ssoUrl: idp.ssoUrl, certificates: ['not a certificate'] } },
      { saml: { ssoUrl: idp.ssoUrl, certificates: [] } },
      { saml: { certificates: [idp.key.cert] } },
      { issuer: 'has spaces in it', saml: { ssoUrl: idp.ssoUrl, certificates: [idp.key.cert] } },
    ];
    for (const fields of bad) {
      const res = await admin.call('POST', '/api/v1/identity-providers', {
        kind: 'saml',
        slug: 'bad',
        displayName: 'Bad',
        issuer: 'urn:bad',
        ...fields,
      });
      expect(res.status, JSON.stringify(fields)).toBe(400);
    }
    const kindChange = await admin.call('PATCH', `/api/v1/identity-providers/${providerId}`, {
      kind: 'oidc',
    });
    expect(kindChange.status).toBe(400);
    // The OpenID Connect start URL does not serve a SAML provider, nor the other way round.
    const wrongFlow = await t.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/corp/start' });
    expect(wrongFlow.statusCode).toBe(404);
  });

  it('serves well-formed metadata, the same at every fetch, naming the entity ID and the ACS URL', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/api/v1/auth/saml/corp/metadata' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toContain('application/samlmetadata+xml');
    expect(XMLValidator.validate(first.body)).toBe(true);
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      removeNSPrefix: true,
    }).parse(first.body);
    expect(doc.EntityDescriptor.entityID).toBe(spEntityId);
    const sp = doc.EntityDescriptor.SPSSODescriptor;
    expect(sp.WantAssertionsSigned).toBe('true');
    expect(sp.AssertionConsumerService).toMatchObject({
      Binding: 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST',
      Location: acsUrl,
    });
    const again = await t.app.inject({ method: 'GET', url: '/api/v1/auth/saml/corp/metadata' });
    expect(again.body).toBe(first.body);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/saml/nobody/metadata' })).statusCode).toBe(
      404,
    );
  });

  it('signs a person in, creating the account in the mapped role and groups, and finds it by NameID after', async () => {
    const first = await signInAs(dana, {}, '/tickets?mine=1');
    expect(first.res.statusCode).toBe(303);
    expect(first.res.headers.location).toBe('/tickets?mine=1');
    expect(first.session).not.toBeNull();
    const me = await whoIs(first.session as string);
    expect(me).toMatchObject({ email: 'dana@corp.example', name: 'Dana Reyes', role: 'technician' });
    expect([...me.groupIds].sort()).toEqual([netGroup, deskGroup].sort());

    // The provider moves her: a new address, a lead now, out of the service desk. The NameID still finds her.
    const again = await signInAs({
      nameId: 'dana-0001',
      attributes: { mail: 'dana.reyes@corp.example', role: ['it-lead', 'it-staff'], memberOf: 'network' },
    });
    const same = await whoIs(again.session as string);
    expect(same.id).toBe(me.id);
    expect(same.role).toBe('manager');
    expect(same.groupIds).toEqual([netGroup]);
    // An open-redirect target is not followed.
    const evil = await signInAs(dana, {}, '//evil.example/x');
    expect(evil.res.headers.location).toBe('/');
  });

  it('links an existing account by the e-mail address the provider asserts, and refuses other domains', async () => {
    const erin = await createUser(t.ctx, null, {
      email: 'erin@corp.example',
      name: 'Erin',
      role: 'requester',
    });
    const linked = await signInAs({ nameId: 'erin-0002', attributes: { mail: 'erin@corp.example' } });
    expect((await whoIs(linked.session as string)).id).toBe(erin.id);
    const outside = await signInAs({ nameId: 'mal-0003', attributes: { mail: 'mallory@elsewhere.example' } });
    expect(outside.session).toBeNull();
    expect(refusal(outside.res).code).toBe('sso_failed');
  });

  it('refuses an unsigned assertion, one signed by another key, and one for another audience or recipient', async () => {
    const forger = makeSigningKey('Forger');
    const cases: Array<[Partial<ResponseOptions>, RegExp]> = [
      [{ sign: false }, /signature/i],
      [{ signingKey: forger }, /signature/i],
      [{ audience: 'https://someone-else.example/sp' }, /audience/i],
      [{ recipient: 'https://someone-else.example/acs', destination: acsUrl }, /recipient/i],
      [{ destination: 'https://someone-else.example/acs' }, /destination/i],
      [{ issuer: 'https://other-idp.example' }, /issued by|signature/i],
    ];
    for (const [options, reason] of cases) {
      const refused = await signInAs(
        { nameId: 'frank-0004', attributes: { mail: 'frank@corp.example' } },
        options,
      );
      expect(refused.session, JSON.stringify(Object.keys(options))).toBeNull();
      const { code, message } = refusal(refused.res);
      expect(code).toBe('sso_failed');
      expect(message).toMatch(reason);
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
      .where('subject_id', '=', String(providerId))
      .execute();
    expect(failures.length).toBeGreaterThanOrEqual(cases.length);
  });

  it('refuses a replayed answer, and an assertion ID used before even in an answer to a new request', async () => {
    const gita: Person = { nameId: 'gita-0005', attributes: { mail: 'gita@corp.example' } };
    const request = await start();
    const answer = idp.response(request, gita, { now: t.clock.now(), assertionId: '_gita-assertion-1' });
    const ok = await post(answer, request.relayState);
    expect(ok.session).not.toBeNull();
    const replay = await post(answer, request.relayState);
    expect(replay.session).toBeNull();
    expect(refusal(replay.res).code).toBe('sso_failed');

    // The provider (or someone holding an old assertion) answers a fresh request with the used assertion's ID.
    const fresh = await start();
    const reused = await post(
      idp.response(fresh, gita, { now: t.clock.now(), assertionId: '_gita-assertion-1' }),
      fresh.relayState,
    );
    expect(reused.session).toBeNull();
    expect(refusal(reused.res).code).toBe('saml_assertion_replayed');
    // An API client gets problem+json rather than a redirect.
    const third = await start();
    const api = await post(
      idp.response(third, gita, { now: t.clock.now(), assertionId: '_gita-assertion-1' }),
      third.relayState,
      'application/json',
    );
    expect(api.res.statusCode).toBe(401);
    expect(api.res.headers['content-type']).toContain('application/problem+json');
    expect(api.res.json().code).toBe('saml_assertion_replayed');
  });

  it('refuses a used assertion on another instance sharing the database, and lets one of two racing uses through', async () => {
    const other = await t.openAnother(t.clock);
    const second = await buildApp(other.ctx, { schemaController });
    try {
      await second.ready();
      const postTo = (app: typeof t.app, samlResponse: string, relayState: string) =>
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/saml/corp/acs',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ SAMLResponse: samlResponse, RelayState: relayState }).toString(),
        });
      const jo: Person = { nameId: 'jo-0008', attributes: { mail: 'jo@corp.example' } };
      // Used on this instance, then presented to the other with a fresh request of its own.
      const a = await start();
      expect(
        (await postTo(t.app, idp.response(a, jo, { now: t.clock.now(), assertionId: '_jo-1' }), a.relayState))
          .statusCode,
      ).toBe(303);
      const b = await start();
      const onOther = await postTo(
        second,
        idp.response(b, jo, { now: t.clock.now(), assertionId: '_jo-1' }),
        b.relayState,
      );
      expect(onOther.statusCode).toBe(401);
      expect(onOther.json().code).toBe('saml_assertion_replayed');
      // Two answers carrying one assertion ID arrive at once: exactly one signs in. On PostgreSQL they reach both
      // instances; SQLite carries one instance (two writers on one file wait on its lock), so there they race in one.
      const racer = dialect === 'postgres' ? second : t.app;
      const c = await start();
      const d = await start();
      const raced = await Promise.all([
        postTo(t.app, idp.response(c, jo, { now: t.clock.now(), assertionId: '_jo-2' }), c.relayState),
        postTo(racer, idp.response(d, jo, { now: t.clock.now(), assertionId: '_jo-2' }), d.relayState),
      ]);
      expect(raced.map((r) => r.statusCode).sort()).toEqual([303, 401]);
    } finally {
      await second.close();
      await other.close();
    }
  });

  it('binds the sign-in to the browser with a SameSite=None cookie where cookies are secure', async () => {
    const secure = await makeApp(dialect, {
      OPSDESK_PUBLIC_URL: 'https://desk.corp.example',
      OPSDESK_COOKIE_SECURE: 'true',
    });
    try {
      secure.clock.set(t.clock.now());
      const created = await secure.ctx.db
        .insertInto('identity_providers')
        .values({
          kind: 'saml',
          slug: 'corp',
          display_name: 'Corp SAML',
          issuer: idp.entityId,
          client_id: '',
          client_secret: null,
          scopes: '',
          mapping: '{}',
          domains: '[]',
          sso_only: 0,
          create_accounts: 1,
          enabled: 1,
          saml: JSON.stringify({
            ssoUrl: idp.ssoUrl,
            certificates: [idp.key.cert],
            emailAttribute: 'mail',
            nameAttribute: null,
          }),
          created_at: secure.clock.now(),
          updated_at: secure.clock.now(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect(created.id).toBeGreaterThan(0);
      const started = await secure.app.inject({ method: 'GET', url: '/api/v1/auth/saml/corp/start' });
      const cookie = started.cookies.find((c) => c.name === 'opsdesk_saml_state');
      expect(cookie).toMatchObject({
        httpOnly: true,
        secure: true,
        sameSite: 'None',
        path: '/api/v1/auth/saml',
      });
      const request = readAuthnRequest(String(started.headers.location));
      expect(request.acsUrl).toBe('https://desk.corp.example/api/v1/auth/saml/corp/acs');
      const kim: Person = { nameId: 'kim-0009', attributes: { mail: 'kim@corp.example' } };
      const answer = idp.response(request, kim, { now: secure.clock.now() });
      const form = new URLSearchParams({ SAMLResponse: answer, RelayState: request.relayState }).toString();
      const acs = (cookies: Record<string, string>) =>
        secure.app.inject({
          method: 'POST',
          url: '/api/v1/auth/saml/corp/acs',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          cookies,
          payload: form,
        });
      const elsewhere = await acs({});
      expect(elsewhere.statusCode).toBe(401);
      expect(elsewhere.json().detail).toMatch(/did not start in this browser/);
      // The refusal above did not use the sign-in up: the browser that started it still finishes it.
      const here = await acs({ opsdesk_saml_state: cookie?.value ?? '' });
      expect(here.statusCode).toBe(303);
      expect(here.cookies.find((c) => c.name === 'opsdesk_session')?.secure).toBe(true);
    } finally {
      await secure.close();
    }
  });

  it('refuses an answer to another request or without the RelayState it was sent with', async () => {
    const hana: Person = { nameId: 'hana-0006', attributes: { mail: 'hana@corp.example' } };
    const request = await start();
    const other = await post(
      idp.response(request, hana, { now: t.clock.now(), inResponseTo: '_not-our-request' }),
      request.relayState,
    );
    expect(refusal(other.res).message).toMatch(/InResponseTo/);
    const second = await start();
    const noState = await post(idp.response(second, hana, { now: t.clock.now() }), 'made-up-state');
    expect(refusal(noState.res).message).toMatch(/unknown or was used/);
  });

  it('judges the validity window by the service clock, with a bounded skew', async () => {
    const ivan: Person = { nameId: 'ivan-0007', attributes: { mail: 'ivan@corp.example' } };
    const now = t.clock.now();
    // Expired four minutes ago (issued nine minutes ago, valid for five): beyond the three minutes of skew allowed.
    const expired = await signInAs(ivan, { now: now - 9 * 60_000, validSeconds: 5 * 60 });
    expect(refusal(expired.res).message).toMatch(/expired|too old/i);
    // The provider's clock two minutes ahead or behind: within the bound, accepted.
    expect((await signInAs(ivan, { now: now + 2 * 60_000 })).session).not.toBeNull();
    expect((await signInAs(ivan, { now: now - 2 * 60_000, validSeconds: 60 })).session).not.toBeNull();
    // Five minutes ahead: beyond the bound, refused as not valid yet.
    const ahead = await signInAs(ivan, { now: now + 5 * 60_000 });
    expect(ahead.session).toBeNull();
    expect(refusal(ahead.res).message).toMatch(/future|not valid yet/i);
    // A correct answer held too long: the service's clock moves past its NotOnOrAfter plus the skew.
    const request = await start();
    const late = idp.response(request, ivan, { now, validSeconds: 120 });
    t.clock.advance(6 * 60_000);
    expect(refusal((await post(late, request.relayState)).res).message).toMatch(/expired/i);
  });

  it('never answers a random body at the ACS with a 5xx', async () => {
    const catalogued = new Set(Object.keys(errorCatalogue));
    const request = await start();
    const good = idp.response(request, dana, { now: t.clock.now() });
    const xml = Buffer.from(good, 'base64').toString('utf8');
    const body = fc.oneof(
      fc.string({ maxLength: 300 }),
      fc.dictionary(fc.constantFrom('SAMLResponse', 'RelayState', 'x'), fc.string({ maxLength: 200 })),
      fc.record({
        SAMLResponse: fc.oneof(
          fc.base64String({ maxLength: 400 }),
          fc
            .tuple(fc.nat({ max: xml.length }), fc.string({ maxLength: 40 }))
            .map(([at, junk]) => Buffer.from(xml.slice(0, at) + junk + xml.slice(at)).toString('base64')),
        ),
        RelayState: fc.oneof(fc.constant(request.relayState), fc.string({ maxLength: 60 })),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.constantFrom('application/x-www-form-urlencoded', 'application/json'),
        async (b, type) => {
          const payload =
            typeof b === 'string'
              ? b
              : type === 'application/json'
                ? JSON.stringify(b)
                : new URLSearchParams(b as Record<string, string>).toString();
          const res = await t.app.inject({
            method: 'POST',
            url: '/api/v1/auth/saml/corp/acs',
            headers: { 'content-type': type },
            payload,
          });
          expect(res.statusCode, res.body).toBeLessThan(500);
          if (res.statusCode >= 400) {
            expect(String(res.headers['content-type'])).toContain('application/problem+json');
            expect(catalogued.has(res.json().code), res.body).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
