// SAML 2.0 single sign-on in Chromium: an admin connects a SAML provider on the administration page (the test's
// identity provider, served on loopback, which reads the AuthnRequest and answers with a signed assertion POSTed by
// an auto-submitting form, as real providers do); the sign-in page offers its button, and a click signs a person
// in as a just-in-time technician in the mapped group. The administration page and the sign-in page are captured
// at 1280 px and 390 px in light and dark (test-output/e2e-saml), without layout problems.
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { type Person, readAuthnRequest, TestSamlIdp } from '../support/saml-idp.js';
import {
  apiCaller,
  desktop,
  eachLayout,
  ensureWebBuilt,
  launch,
  requireChromium,
  root,
  type Server,
  screenshot,
  signInPage,
  startServer,
} from './browser.js';
import { layoutProblems } from './layout.js';

const shots = path.join(root, 'test-output', 'e2e-saml');
const password = 'e2e-saml-password';

describe('SAML single sign-on in Chromium', () => {
  let server: Server;
  let idpServer: HttpServer;
  let idp: TestSamlIdp;
  let browser: Browser;
  let network: number;
  const person: Person = {
    nameId: 'sam-0001',
    attributes: { mail: 'sam@corp.example', displayName: 'Sam Saml', role: 'it-staff', memberOf: 'network' },
  };
  const api = apiCaller<'admin'>(
    () => server.base,
    () => 'saml-admin@e2e.test',
    password,
  );
  const xmlAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    // The provider's single sign-on page: it signs the person in at once and POSTs the answer back.
    idpServer = createServer((req, res) => {
      if (!req.url?.startsWith('/sso?')) {
        res.writeHead(404).end();
        return;
      }
      const request = readAuthnRequest(`http://127.0.0.1${req.url}`);
      const answer = idp.response(request, person, { now: server.ctx.clock.now() });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html><body onload="document.forms[0].submit()"><form method="post" action="${xmlAttr(request.acsUrl)}">` +
          `<input type="hidden" name="SAMLResponse" value="${answer}"><input type="hidden" name="RelayState" value="${xmlAttr(request.relayState)}">` +
          '<noscript><button>Continue</button></noscript></form></body></html>',
      );
    });
    await new Promise<void>((done) => idpServer.listen(0, '127.0.0.1', done));
    const port = (idpServer.address() as AddressInfo).port;
    idp = new TestSamlIdp('https://idp.corp.example/saml', `http://127.0.0.1:${port}/sso`);
    await createUser(server.ctx, null, {
      email: 'saml-admin@e2e.test',
      name: 'Ada Admin',
      role: 'admin',
      password,
    });
    network = (await api('admin', 'POST', '/api/v1/groups', { name: 'Network' })).id;
    browser = await launch();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await new Promise((done) => idpServer?.close(done));
  });

  it('an admin connects a SAML provider on the administration page', async () => {
    const { context, page } = await signInPage(browser, server.base, 'saml-admin@e2e.test', password);
    await page.goto('/admin/sign-in');
    await page.getByLabel('Protocol').selectOption('saml');
    await page.getByLabel('Button label').fill('Corp SAML');
    await page.getByLabel('Short name').fill('corp');
    await page.getByLabel('Identity provider entity ID').fill(idp.entityId);
    await page.getByLabel('Single sign-on URL').fill(idp.ssoUrl);
    await page.getByLabel('Signing certificate').fill(idp.key.cert);
    await page.getByLabel('E-mail attribute').fill('mail');
    await page.getByLabel('Name attribute').fill('displayName');
    await page.getByLabel('Role attribute').fill('role');
    await page.getByLabel('Roles', { exact: true }).fill('it-staff = technician');
    await page.getByLabel('Groups attribute').fill('memberOf');
    await page.getByLabel('Groups', { exact: true }).fill('network = Network');
    await page.getByLabel('E-mail domains').fill('corp.example');
    await page.getByRole('button', { name: 'Connect' }).click();
    const card = page.locator('.card.idp', { hasText: 'Corp SAML' });
    await card.getByText('SAML 2.0').waitFor();
    await card.getByText(`${server.base}/api/v1/auth/saml/corp/acs`).waitFor();
    const [provider] = (await api('admin', 'GET', '/api/v1/identity-providers')).items;
    expect(provider).toMatchObject({
      kind: 'saml',
      slug: 'corp',
      issuer: idp.entityId,
      mapping: {
        rolesClaim: 'role',
        roleMap: { 'it-staff': 'technician' },
        groupMap: { network: [network] },
      },
      domains: ['corp.example'],
    });
    const state = await context.storageState();
    await context.close();

    const shot = await browser.newContext({ viewport: desktop, baseURL: server.base, storageState: state });
    const p = await shot.newPage();
    await p.goto('/admin/sign-in');
    await eachLayout(p, async ({ width, scheme }) => {
      await p.locator('.card.idp', { hasText: 'Corp SAML' }).waitFor();
      await screenshot(p, `admin-sign-in-${width}-${scheme}`, shots);
      expect(await layoutProblems(p), `admin ${width} ${scheme}`).toEqual([]);
    });
    await shot.close();
  }, 120_000);

  it('the sign-in page offers it, and a click signs a person in as a technician in the mapped group', async () => {
    const context = await browser.newContext({ viewport: desktop, baseURL: server.base });
    const page = await context.newPage();
    await page.goto('/sign-in?next=%2Fqueue');
    await page.getByRole('link', { name: 'Sign in with Corp SAML' }).click();
    await page.waitForURL((u) => u.origin === server.base && u.pathname === '/queue');
    const session = await page.evaluate(async () => (await fetch('/api/v1/auth/session')).json());
    expect(session.user).toMatchObject({
      email: 'sam@corp.example',
      name: 'Sam Saml',
      role: 'technician',
      groupIds: [network],
    });
    await context.close();

    const shot = await browser.newContext({ viewport: desktop, baseURL: server.base });
    const p = await shot.newPage();
    await p.goto('/sign-in');
    await eachLayout(p, async ({ width, scheme }) => {
      await p.getByRole('link', { name: 'Sign in with Corp SAML' }).waitFor();
      await screenshot(p, `sign-in-saml-${width}-${scheme}`, shots);
      expect(await layoutProblems(p), `sign-in ${width} ${scheme}`).toEqual([]);
    });
    await shot.close();
  }, 120_000);
});
