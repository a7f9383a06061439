// Single sign-on in Chromium, against a real OpenID Connect provider (npm's oidc-provider on loopback): the sign-in
// page offers the connected provider, a click goes through the provider's own login and consent pages and back
// into the app as a just-in-time technician; signing out ends the session at the provider too and lands on the
// sign-in page; a refused answer (a forged nonce) comes back to the sign-in page with its reason. The sign-in page
// with its provider button and with the error is captured at 1280 px and 390 px in light and dark
// (test-output/e2e-sso), without layout problems.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.js';
import {
  apiCaller,
  desktop,
  eachLayout,
  ensureWebBuilt,
  gotoDesktopLight,
  launch,
  requireChromium,
  root,
  type Server,
  screenshot,
  startServer,
} from './browser.js';
import { layoutProblems } from './layout.js';

const shots = path.join(root, 'test-output', 'e2e-sso');
const password = 'e2e-sso-password';

describe('single sign-on in Chromium', () => {
  let server: Server;
  let idp: TestOidcProvider;
  let browser: Browser;
  const api = apiCaller<'admin'>(
    () => server.base,
    () => 'sso-admin@e2e.test',
    password,
  );

  /** Through the provider's development login and consent pages, as a person would. */
  async function signInAtProvider(page: Page, accountId: string) {
    await page.waitForURL((u) => u.origin === idp.issuer);
    await page.locator('input[name="login"]').fill(accountId);
    await page.locator('input[name="password"]').fill('any');
    await page.locator('button[type="submit"]').click();
    // Consent, the first time this account meets this client.
    const consent = page.locator('button[type="submit"]');
    await page.waitForURL((u) => u.origin !== idp.issuer || u.pathname.includes('/interaction/'));
    if (new URL(page.url()).origin === idp.issuer) await consent.click();
  }

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    idp = await startOidcProvider(
      [`${server.base}/api/v1/auth/oidc/corp/callback`],
      [`${server.base}/sign-in`],
    );
    idp.accounts.set('tina', { email: 'tina@corp.example', name: 'Tina Tech', roles: ['it-staff'] });
    await createUser(server.ctx, null, {
      email: 'sso-admin@e2e.test',
      name: 'Ada Admin',
      role: 'admin',
      password,
    });
    await api('admin', 'POST', '/api/v1/identity-providers', {
      slug: 'corp',
      displayName: 'Corp SSO',
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      scopes: 'openid email profile groups',
      mapping: { rolesClaim: 'roles', roleMap: { 'it-staff': 'technician' }, defaultRole: 'requester' },
      domains: ['corp.example'],
    });
    browser = await launch();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await idp?.close();
  });

  it('a technician signs in through the provider, lands in the app, and signing out ends both sessions', async () => {
    const context = await browser.newContext({ viewport: desktop, baseURL: server.base });
    const page = await context.newPage();
    await page.goto('/sign-in?next=%2Fqueue');
    await page.getByRole('link', { name: 'Sign in with Corp SSO' }).click();
    await signInAtProvider(page, 'tina');
    await page.waitForURL((u) => u.origin === server.base && u.pathname === '/queue');
    const session = await page.evaluate(async () => (await fetch('/api/v1/auth/session')).json());
    expect(session.user).toMatchObject({ email: 'tina@corp.example', name: 'Tina Tech', role: 'technician' });

    // Signing out: the app's session ends, then the provider's; its confirmation sends the browser back here.
    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.waitForURL((u) => u.origin === idp.issuer);
    await page.locator('button[autofocus], button[type="submit"]').first().click();
    await page.waitForURL((u) => u.origin === server.base && u.pathname === '/sign-in');
    expect((await page.evaluate(async () => (await fetch('/api/v1/auth/session')).status)) as number).toBe(
      401,
    );
    // The provider's session ended too: the next sign-in asks for the login again.
    await page.getByRole('link', { name: 'Sign in with Corp SSO' }).click();
    await page.waitForURL((u) => u.origin === idp.issuer);
    await page.locator('input[name="login"]').waitFor();
    await context.close();
  }, 120_000);

  it('a forged answer comes back to the sign-in page with its reason, and nothing is signed in', async () => {
    idp.tamper = (claims) => ({ ...claims, nonce: 'forged' });
    try {
      const context = await browser.newContext({ viewport: desktop, baseURL: server.base });
      const page = await context.newPage();
      await page.goto('/sign-in');
      await page.getByRole('link', { name: 'Sign in with Corp SSO' }).click();
      await signInAtProvider(page, 'tina');
      await page.waitForURL((u) => u.origin === server.base && u.pathname === '/sign-in');
      await page.getByText('Single sign-on did not complete.').waitFor();
      expect((await page.evaluate(async () => (await fetch('/api/v1/auth/session')).status)) as number).toBe(
        401,
      );
      const errorAt = page.url();
      await context.close();

      const shot = await browser.newContext({ viewport: desktop, baseURL: server.base });
      const p = await shot.newPage();
      for (const [name, at] of [
        ['sign-in-sso', '/sign-in'],
        ['sign-in-sso-error', errorAt],
      ] as const) {
        await gotoDesktopLight(p, at);
        await eachLayout(p, async ({ width, scheme }) => {
          await p.getByRole('link', { name: 'Sign in with Corp SSO' }).waitFor();
          await screenshot(p, `${name}-${width}-${scheme}`, shots);
          expect(await layoutProblems(p), `${name} ${width} ${scheme}`).toEqual([]);
        });
      }
      await shot.close();
    } finally {
      idp.tamper = null;
    }
  }, 120_000);
});
