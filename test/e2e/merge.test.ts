// Merging in Chromium: a technician opens a duplicate, picks "Merge into…", finds the survivor by its number,
// confirms, lands on the survivor (its Links panel shows the link the duplicate carried, both ends with
// state), and the duplicate shows the banner pointing there. The two pages at 1280 px and 390 px, light and
// dark, without horizontal scrolling, clipped or overlapping text or serious axe violations (screenshots in
// test-output/e2e-merge).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import {
  apiCaller,
  desktop,
  eachLayout,
  ensureWebBuilt,
  launch,
  phone,
  requireChromium,
  root,
  type Server,
  screenshot,
  seriousViolations,
  signInPage,
  startServer,
} from './browser.js';
import { layoutProblems } from './layout.js';

const shots = path.join(root, 'test-output', 'e2e-merge');
const password = 'e2e-merge-password';
const people = {
  requester: { email: 'merge-req@e2e.test', name: 'Rosa Requester', role: 'requester' as const },
  technician: { email: 'merge-tech@e2e.test', name: 'Tom Technician', role: 'technician' as const },
};
type Who = keyof typeof people;

describe('merging tickets in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const api = apiCaller<Who>(
    () => server.base,
    (who) => people[who].email,
    password,
  );

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    for (const p of Object.values(people)) await createUser(server.ctx, null, { ...p, password });
    browser = await launch();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an agent merges a duplicate into the original and sees the banner on the duplicate', async () => {
    const survivor = await api('requester', 'POST', '/api/v1/tickets', {
      title: 'Badge reader at the north entrance rejects every badge',
      description: 'Since this morning the reader blinks red for everyone.',
    });
    const dup = await api('requester', 'POST', '/api/v1/tickets', {
      title: 'Cannot get into the building',
      description: 'My badge does not open the north door.',
    });
    await api('requester', 'POST', `/api/v1/tickets/${dup.id}/comments`, { body: 'Tried twice, still red.' });
    const cause = await api('technician', 'POST', '/api/v1/tickets', {
      title: 'Access control server lost its certificate',
      description: 'The door controllers cannot reach it.',
    });
    await api('technician', 'POST', `/api/v1/tickets/${dup.id}/links`, {
      kind: 'caused_by',
      ticketId: cause.id,
    });

    const { context, page } = await signInPage(browser, server.base, people.technician.email, password);
    await page.goto(`/tickets/${dup.id}`);
    await page.getByRole('button', { name: 'Merge into…' }).click();
    await page.getByLabel('Ticket to merge into', { exact: true }).fill(`#${survivor.id}`);
    await page.getByRole('button', { name: `Ticket #${survivor.id}` }).click();
    await expect.poll(() => page.locator('.merge-confirm').textContent()).toContain('This cannot be undone');
    await page.getByRole('button', { name: `Merge into #${survivor.id}` }).click();
    await page.waitForURL((u) => u.pathname === `/tickets/${survivor.id}`);

    // The survivor carries the reply and the link (caused by the access control server).
    await page.getByText('Tried twice, still red.').waitFor();
    const links = page.locator('.links-panel');
    await links.getByRole('link', { name: /Access control server lost its certificate/ }).waitFor();
    expect(await links.locator('.link-role').allTextContents()).toEqual(['Caused by']);

    await page.goto(`/tickets/${dup.id}`);
    const banner = page.getByRole('status').filter({ hasText: 'This ticket was merged into' });
    await banner.waitFor();
    expect(await banner.getByRole('link').textContent()).toBe(`ticket #${survivor.id}`);
    await expect.poll(() => page.getByRole('button', { name: 'Merge into…' }).count()).toBe(0);
    await context.close();

    // The two pages at both widths, light and dark.
    const found: string[] = [];
    const state = await (
      await signInPage(browser, server.base, people.technician.email, password)
    ).context.storageState();
    const ctx = await browser.newContext({ viewport: desktop, baseURL: server.base, storageState: state });
    const p: Page = await ctx.newPage();
    // Two pages per variant: each is opened by its address (the reload of the last one is cheap, from the cache).
    await eachLayout(p, async ({ width: size, label }) => {
      const viewport = size === 'phone' ? phone : desktop;
      for (const [name, id, ready] of [
        ['survivor', survivor.id, '.links-panel .link-list'],
        ['merged', dup.id, '.merged-banner'],
      ] as const) {
        await p.goto(`/tickets/${id}`);
        await p.locator(ready).waitFor();
        await p.waitForLoadState('networkidle');
        const width = await p.evaluate(() => document.documentElement.scrollWidth);
        if (width > viewport.width + 1)
          found.push(`${name}-${label}: ${width}px wide in ${viewport.width}px`);
        for (const problem of await layoutProblems(p)) found.push(`${name}-${label}: ${problem}`);
        for (const v of await seriousViolations(p)) found.push(`${name}-${label}: ${v.id} ${v.help}`);
        await screenshot(p, `${name}-${label}`, shots);
      }
    });
    await ctx.close();
    expect(found).toEqual([]);
  }, 180_000);
});
