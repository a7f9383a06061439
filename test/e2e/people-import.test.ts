// Moving people in, in Chromium: an admin pastes a CSV into Administration → Import people, previews it (what each
// row would do, the refused rows with their reasons), imports it, and finds the people in the user list; then
// makes a SCIM token and sees the tenant URL and the token once. Both pages are captured at 1280 px and 390 px in
// light and dark (test-output/e2e-people), without layout problems.
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
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

const shots = path.join(root, 'test-output', 'e2e-people');
const password = 'e2e-people-password';
const adminEmail = 'people-admin@e2e.test';

describe('importing people and SCIM tokens in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const signedIn = new SignedIn(
    () => browser,
    () => server.base,
  );

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    await createUser(server.ctx, null, { email: adminEmail, name: 'Ada Admin', role: 'admin', password });
    browser = await launch();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const csv = [
    'email,name,role,department,location,manager,groups',
    'lin@corp.example,Lin Network,technician,IT,Berlin HQ,max@corp.example,Network',
    'max@corp.example,Max Lead,manager,IT,Berlin HQ,,',
    'broken-address,Nobody,requester,,,,',
    'rae@corp.example,Rae Requester,requester,Sales,Hamburg,,Network',
  ].join('\n');

  it('an admin previews a CSV, sees the refused rows, imports, and finds the people', async () => {
    const { context, page } = await signedIn.page(adminEmail, password, { at: '/admin/import-people' });
    await page.getByLabel('Or paste it here').fill(csv);
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('heading', { name: 'Preview' }).waitFor();
    await page.getByText('4 rows: 2 would be created, 0 would be updated').waitFor();
    const refused = page.getByRole('alert');
    await refused.getByText(/Line 4.*email/).waitFor();
    await refused.getByText(/Line 5.*requesters are in no group/).waitFor();
    expect(
      await page.evaluate(
        async () => (await (await fetch('/api/v1/users?q=corp.example')).json()).items.length,
      ),
    ).toBe(0);
    await page.getByRole('button', { name: 'Import 2 people' }).click();
    await page.getByRole('heading', { name: 'Imported' }).waitFor();
    const people = await page.evaluate(
      async () => (await (await fetch('/api/v1/users?q=corp.example')).json()).items,
    );
    expect(people.map((p: { email: string }) => p.email).sort()).toEqual([
      'lin@corp.example',
      'max@corp.example',
    ]);
    const lin = people.find((p: { email: string }) => p.email === 'lin@corp.example');
    const max = people.find((p: { email: string }) => p.email === 'max@corp.example');
    expect(lin).toMatchObject({ role: 'technician', location: 'Berlin HQ', managerId: max.id });

    await page.goto('/admin/scim');
    await page.getByLabel('Name').fill('Entra ID');
    await page.getByRole('button', { name: 'Make token' }).click();
    const shown = page.getByRole('status');
    await shown.getByText(`${server.base}/scim/v2`).waitFor();
    const token = (await shown.locator('code').nth(1).textContent()) ?? '';
    expect(token).toMatch(/^scim_/);
    const scim = await fetch(
      `${server.base}/scim/v2/Users?filter=${encodeURIComponent('userName eq "lin@corp.example"')}`,
      {
        headers: { authorization: `Bearer ${token}` },
      },
    );
    expect((await scim.json()).totalResults).toBe(1);
    await context.close();
  }, 120_000);

  it('both pages hold at every size, light and dark', async () => {
    const { context, page } = await signedIn.page(adminEmail, password, { at: null });
    await eachLayout(page, async ({ width, scheme, label }) => {
      await page.goto('/admin/import-people');
      await page.getByLabel('Or paste it here').fill(csv.replaceAll('corp.example', 'again.example'));
      await page.getByRole('button', { name: 'Preview' }).click();
      await page.getByRole('heading', { name: 'Preview' }).waitFor();
      await screenshot(page, `import-people-${label}`, shots);
      expect(await layoutProblems(page), `import ${width} ${scheme}`).toEqual([]);
      await page.goto('/admin/scim');
      await page.getByText('Entra ID').first().waitFor();
      await screenshot(page, `scim-${label}`, shots);
      expect(await layoutProblems(page), `scim ${width} ${scheme}`).toEqual([]);
    });
    await context.close();
  }, 240_000);
});
