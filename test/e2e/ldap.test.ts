// LDAP in Chromium: an admin connects a real slapd (started here, as docs/ldap.md describes) under Administration →
// Directories, tests it, previews a sync and syncs; then a person of the directory signs in on the sign-in page with
// their directory password and lands in the mapped group with the mapped role. The page is captured at 1280 px and
// 390 px in light and dark (test-output/e2e-ldap), without layout problems.
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, createUser, systemActor } from '../../src/core/auth/index.js';
import {
  groupDn,
  groupLdif,
  ldapSuffix,
  personDn,
  personLdif,
  startSlapd,
  type TestSlapd,
} from '../support/slapd.js';
import {
  eachLayout,
  ensureWebBuilt,
  launch,
  requireChromium,
  root,
  type Server,
  SignedIn,
  screenshot,
  startServer,
} from './browser.js';
import { layoutProblems } from './layout.js';

const shots = path.join(root, 'test-output', 'e2e-ldap');
const password = 'e2e-ldap-password';
const adminEmail = 'ldap-admin@e2e.test';

describe('LDAP directories in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let slapd: TestSlapd;
  let networkId: number;
  const signedIn = new SignedIn(
    () => browser,
    () => server.base,
  );

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    slapd = await startSlapd(
      [
        personLdif({
          uid: 'lin',
          name: 'Lin Network',
          mail: 'lin@corp.example',
          password: 'lin directory pw',
        }),
        personLdif({
          uid: 'max',
          name: 'Max Gone',
          mail: 'max@corp.example',
          password: 'max pw',
          disabled: true,
        }),
        groupLdif('network-team', [personDn('lin')]),
        groupLdif('it-staff', [groupDn('network-team'), personDn('max')]),
      ].join(''),
    );
    server = await startServer();
    const admin = await createUser(server.ctx, null, {
      email: adminEmail,
      name: 'Ada Admin',
      role: 'admin',
      password,
    });
    networkId = (await createGroup(server.ctx, systemActor(admin.id), { name: 'Network' })).id;
    browser = await launch();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await slapd?.close();
  });

  it('an admin connects slapd, previews and syncs; a person signs in with the directory password', async () => {
    const { context, page } = await signedIn.page(adminEmail, password, { at: '/admin/directories' });
    await page.getByLabel('Name', { exact: true }).fill('Corp directory');
    await page.getByLabel('URL').fill(slapd.url);
    await page.getByLabel('CA certificate (PEM)').fill(slapd.caCert);
    await page.getByLabel('Service account DN').fill(`cn=opsdesk,ou=services,${ldapSuffix}`);
    await page.getByLabel('Service account password').fill('service secret');
    await page.getByLabel('People under').fill(`ou=people,${ldapSuffix}`);
    await page.getByLabel('Groups under').fill(`ou=groups,${ldapSuffix}`);
    await page.getByLabel('Disabled people').fill('(employeeType=disabled)');
    await page.getByLabel('Roles from groups').fill('it-staff = technician');
    await page.getByLabel('Groups from groups').fill('network-team = Network');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByRole('heading', { name: 'Corp directory' }).waitFor();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page
      .getByRole('status')
      .getByText(/Connected \(StartTLS, nested groups: walk\)/)
      .waitFor();
    await page.getByRole('button', { name: 'Preview sync' }).click();
    await page.getByText('2 people, 2 groups read: 1 would be added').waitFor();
    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.getByText(/1 were added/).waitFor();
    await context.close();

    // Lin signs in on the sign-in page with the directory's password.
    const lin = await signedIn.page('lin@corp.example', 'lin directory pw', { at: null });
    const me = await lin.page.evaluate(async () => (await (await fetch('/api/v1/auth/session')).json()).user);
    expect(me).toMatchObject({ email: 'lin@corp.example', role: 'technician', groupIds: [networkId] });
    await lin.context.close();
  }, 120_000);

  it('the page holds at every size, light and dark', async () => {
    const { context, page } = await signedIn.page(adminEmail, password, { at: '/admin/directories' });
    await eachLayout(page, async ({ width, scheme, label }) => {
      // The reload dropped the preview: asked for again.
      await page.getByRole('button', { name: 'Preview sync' }).click();
      await page.getByText(/2 people, 2 groups read/).waitFor();
      await screenshot(page, `directories-${label}`, shots);
      expect(await layoutProblems(page), `directories ${width} ${scheme}`).toEqual([]);
    });
    await context.close();
  }, 240_000);
});
