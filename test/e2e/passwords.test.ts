// Passwords in a real browser: a user changes their own (the current one is required, and every session
// ends), an admin's Reset mails a one-time link, and the link's page sets a new password once. Both pages
// are screenshot at desktop and phone width in light and dark (test-output/e2e/passwords).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import {
  desktop,
  eachLayout,
  ensureWebBuilt,
  launch,
  outDir,
  phone,
  requireChromium,
  type Server,
  screenshot,
  seriousViolations,
  signInPage,
  startServer,
} from './browser.js';

const shots = path.join(outDir, 'passwords');
const publicUrl = 'https://desk.example.test';

describe('passwords in Chromium', () => {
  let server: Server;
  let browser: Browser;

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer({ OPSDESK_PUBLIC_URL: publicUrl });
    await createUser(server.ctx, null, {
      email: 'ada@e2e.test',
      name: 'Ada Admin',
      role: 'admin',
      password: 'admin-password-1',
    });
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The page fits its width and no text box is cut narrower than its text. */
  async function checkLayout(page: Page, width: number, name: string): Promise<string[]> {
    const problems: string[] = [];
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    if (scrollWidth > width + 1) problems.push(`${name}: page is ${scrollWidth} px wide`);
    const clipped = await page.evaluate(() =>
      [...document.querySelectorAll('main h1, main p, main label, main button, main a, main .alert')]
        .filter((el) => (el as HTMLElement).offsetParent !== null)
        .filter((el) => el.scrollWidth > el.clientWidth + 1)
        .map((el) => (el.textContent ?? '').slice(0, 40)),
    );
    for (const c of clipped) problems.push(`${name}: "${c}" is clipped`);
    for (const v of await seriousViolations(page)) problems.push(`${name}: ${v.id} ${v.help}`);
    return problems;
  }

  it('a user changes their own password: the current one is needed, and they sign in again', async () => {
    await createUser(server.ctx, null, {
      email: 'tina@e2e.test',
      name: 'Tina Tech',
      role: 'technician',
      password: 'tina-password-1',
    });
    const { context, page } = await signInPage(browser, server.base, 'tina@e2e.test', 'tina-password-1');
    // The way there: the user's name at the top (on a phone, the menu's "Change password").
    await page.getByRole('link', { name: 'Tina Tech: change password' }).click();
    await page.getByRole('heading', { name: 'Change password' }).waitFor();
    await page.getByLabel('Current password').fill('not-my-password');
    await page.getByLabel('New password', { exact: true }).fill('tina-password-2');
    await page.getByLabel('Repeat the new password').fill('tina-password-2');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The current password is wrong.').first().waitFor();
    expect(page.url()).toContain('/account/password');

    await page.getByLabel('Current password').fill('tina-password-1');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForURL((u) => u.pathname === '/sign-in');
    await page.getByText('Your password is changed').waitFor();
    await page.getByLabel('Email').fill('tina@e2e.test');
    await page.getByLabel('Password').fill('tina-password-2');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/queue');
    await context.close();
  }, 60_000);

  it("an admin's Reset mails a one-time link whose page sets the new password once", async () => {
    const rita = await createUser(server.ctx, null, {
      email: 'rita@e2e.test',
      name: 'Rita Requester',
      role: 'requester',
      password: 'rita-password-1',
    });
    const admin = await signInPage(browser, server.base, 'ada@e2e.test', 'admin-password-1');
    await admin.page.goto('/admin/users');
    admin.page.once('dialog', (d) => void d.accept());
    await admin.page.getByRole('button', { name: 'Reset the password of Rita Requester' }).click();
    await admin.page.getByText('A one-time link to set a new password was mailed to rita@e2e.test').waitFor();
    const adminProblems = await checkLayout(admin.page, desktop.width, 'admin users desktop');
    await screenshot(admin.page, 'admin-users-reset-desktop', shots);
    // At phone width in the same context (its cache warm), reloaded as a reader opening it there sees it.
    await admin.page.setViewportSize(phone);
    await admin.page.reload();
    await admin.page.getByRole('button', { name: 'Reset the password of Rita Requester' }).waitFor();
    adminProblems.push(...(await checkLayout(admin.page, phone.width, 'admin users phone')));
    await screenshot(admin.page, 'admin-users-phone', shots);
    await admin.context.close();
    expect(adminProblems).toEqual([]);

    const mail = await server.ctx.db
      .selectFrom('mail_deliveries')
      .select('text_body')
      .where('user_id', '=', rita.id)
      .executeTakeFirstOrThrow();
    const link = /(https:\/\/desk\.example\.test)(\/reset-password#\S+)/.exec(mail.text_body);
    expect(link?.[1]).toBe(publicUrl);
    const where = (link as RegExpExecArray)[2];

    const context = await browser.newContext({ viewport: desktop, baseURL: server.base });
    const page = await context.newPage();
    await page.goto(where);
    await page.getByRole('heading', { name: 'Set a new password' }).waitFor();
    // The token leaves the address bar once the page has read it.
    expect(new URL(page.url()).hash).toBe('');
    await page.getByLabel('New password', { exact: true }).fill('rita-password-2');
    await page.getByLabel('Repeat the new password').fill('rita-password-2');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('Your new password is set.').waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.getByLabel('Email').fill('rita@e2e.test');
    await page.getByLabel('Password').fill('rita-password-2');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/requests');

    // The same link a second time: a clear message, no form.
    const again = await context.newPage();
    await again.goto(where);
    await again.getByLabel('New password', { exact: true }).fill('rita-password-3');
    await again.getByLabel('Repeat the new password').fill('rita-password-3');
    await again.getByRole('button', { name: 'Set password' }).click();
    await again.getByText('This link cannot be used.').waitFor();
    await again.getByText(/used already/).waitFor();
    await context.close();
  }, 60_000);

  it('both pages fit desktop and phone width in light and dark', async () => {
    await createUser(server.ctx, null, {
      email: 'sam@e2e.test',
      name: 'Sam Someone',
      role: 'requester',
      password: 'sam-password-1',
    });
    const admin = await signInPage(browser, server.base, 'ada@e2e.test', 'admin-password-1');
    const problems: string[] = [];
    // Sam signs in once: each variant is the same context's page resized and reloaded (its cache warm). All four
    // are done before the first reset link is used, since setting a password ends the person's sessions.
    const sam = await signInPage(browser, server.base, 'sam@e2e.test', 'sam-password-1');
    await eachLayout(sam.page, async ({ width: label, scheme }) => {
      const { page } = sam;
      const viewport = label === 'phone' ? phone : desktop;
      if (label === 'phone') {
        await page.getByRole('button', { name: 'Menu' }).click();
        await page.getByRole('link', { name: 'Change password' }).click();
      } else {
        await page.getByRole('link', { name: 'Sam Someone: change password' }).click();
      }
      await page.getByRole('heading', { name: 'Change password' }).waitFor();
      // Show a failed attempt too: the error and field messages must fit as well.
      await page.getByLabel('Current password').fill('wrong-password');
      await page.getByLabel('New password', { exact: true }).fill('sam-password-2');
      await page.getByLabel('Repeat the new password').fill('sam-password-2');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByText('The current password is wrong.').first().waitFor();
      problems.push(...(await checkLayout(page, viewport.width, `password ${label} ${scheme}`)));
      await screenshot(page, `account-password-${label}-${scheme}`, shots);
      // Back to the start page, which the next variant's reload opens: each variant finds its own way there.
      await page.goto('/');
      await page.waitForURL((u) => u.pathname !== '/');
    });
    await sam.context.close();

    // A fresh reset link per variant, opened signed out: a new page each in one context (its cache warm), since
    // the page reads the link's #token once, when it loads — a reload or a change of #token alone would not.
    const anon = await browser.newContext({ viewport: desktop, baseURL: server.base });
    for (const [label, viewport] of [
      ['desktop', desktop],
      ['phone', phone],
    ] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        await admin.page.evaluate(async () => {
          const s = await fetch('/api/v1/auth/session').then((r) => r.json());
          const users = await fetch('/api/v1/users?q=sam').then((r) => r.json());
          await fetch(`/api/v1/users/${users.items[0].id}/password-reset`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
            body: '{}',
          });
        });
        const mail = await server.ctx.db
          .selectFrom('mail_deliveries')
          .select('text_body')
          .where('to_address', '=', 'sam@e2e.test')
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow();
        const where = (/\/reset-password#\S+/.exec(mail.text_body) as RegExpExecArray)[0];
        const resetPage = await anon.newPage();
        await resetPage.setViewportSize(viewport);
        await resetPage.emulateMedia({ colorScheme: scheme });
        await resetPage.goto(where);
        await resetPage.getByRole('heading', { name: 'Set a new password' }).waitFor();
        await resetPage.getByLabel('New password', { exact: true }).fill('sam-password-1');
        await resetPage.getByLabel('Repeat the new password').fill('sam-password-X');
        await resetPage.getByText('does not match the new password').waitFor();
        problems.push(...(await checkLayout(resetPage, viewport.width, `reset ${label} ${scheme}`)));
        await screenshot(resetPage, `reset-password-${label}-${scheme}`, shots);
        await resetPage.getByLabel('Repeat the new password').fill('sam-password-1');
        await resetPage.getByRole('button', { name: 'Set password' }).click();
        await resetPage.getByText('Your new password is set.').waitFor();
        await screenshot(resetPage, `reset-password-done-${label}-${scheme}`, shots);
        await resetPage.close();
      }
    }
    await anon.close();
    await admin.context.close();
    expect(problems).toEqual([]);
  }, 180_000);
});
