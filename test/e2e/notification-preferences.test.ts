// Notification preferences in a real browser: a technician opens Notifications from their account, sends
// assignments to the digest at 07:30 Berlin time and saves; the server keeps it. The page is screenshot at
// desktop and phone width in light and dark (test-output/e2e/notification-preferences) and checked for
// layout problems and serious accessibility violations.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { getNotificationPreferences } from '../../src/mail/index.js';
import {
  eachLayout,
  ensureWebBuilt,
  launch,
  outDir,
  requireChromium,
  type Server,
  screenshot,
  seriousViolations,
  signInPage,
  startServer,
} from './browser.js';
import { layoutProblems } from './layout.js';

const shots = path.join(outDir, 'notification-preferences');

describe('notification preferences in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let tinaId: number;

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    tinaId = (
      await createUser(server.ctx, null, {
        email: 'tina@e2e.test',
        name: 'Tina Tech',
        role: 'technician',
        password: 'tina-password-1',
      })
    ).id;
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function problemsOf(page: Page, name: string): Promise<string[]> {
    const problems = (await layoutProblems(page)).map((p) => `${name}: ${p}`);
    for (const v of await seriousViolations(page)) problems.push(`${name}: ${v.id} ${v.help}`);
    return problems;
  }

  it('a technician sends assignments to the digest at 07:30 Berlin time; it fits every width and theme', async () => {
    const { context, page } = await signInPage(browser, server.base, 'tina@e2e.test', 'tina-password-1');
    await page.getByRole('link', { name: 'Tina Tech: change password' }).click();
    await page
      .getByRole('navigation', { name: 'Your account' })
      .getByRole('link', { name: 'Notifications' })
      .click();
    await page.getByRole('heading', { name: 'Notifications', level: 1 }).waitFor();
    await page.getByRole('radio', { name: 'A ticket is assigned to me: Digest' }).check();
    await page.getByLabel('Time', { exact: true }).fill('07:30');
    await page.getByLabel('Time zone').selectOption('Europe/Berlin');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').getByText('Saved.').waitFor();
    await page.getByText(/Next digest: .*07:30/).waitFor();
    await context.close();

    const saved = await getNotificationPreferences(
      server.ctx,
      {
        id: tinaId,
        email: 'tina@e2e.test',
        name: 'Tina Tech',
        role: 'technician',
        groupIds: [],
        via: 'system',
        csrfToken: null,
      },
      tinaId,
    );
    expect(saved.kinds.find((k) => k.kind === 'ticket_assigned')?.mode).toBe('digest');
    expect(saved.digest).toMatchObject({ time: '07:30', timeZone: 'Europe/Berlin', timeZoneSaved: true });

    const problems: string[] = [];
    const opened = await signInPage(browser, server.base, 'tina@e2e.test', 'tina-password-1');
    const start = opened.page.url();
    await eachLayout(opened.page, async ({ width: label, scheme }) => {
      // On a phone the page is reached through the menu from the start page, where sign-in lands (the reload
      // reloaded whichever page the last variant ended on).
      if (label === 'phone') {
        await opened.page.goto(start);
        await opened.page.getByRole('button', { name: 'Menu' }).click();
        await opened.page.getByRole('link', { name: 'Notifications' }).click();
      } else {
        await opened.page.goto('/account/notifications');
      }
      await opened.page.getByRole('radio', { name: 'A ticket is assigned to me: Digest' }).waitFor();
      expect(
        await opened.page.getByRole('radio', { name: 'A ticket is assigned to me: Digest' }).isChecked(),
      ).toBe(true);
      problems.push(...(await problemsOf(opened.page, `${label} ${scheme}`)));
      await screenshot(opened.page, `notifications-${label}-${scheme}`, shots);
      await opened.page.screenshot({
        path: path.join(shots, `notifications-${label}-${scheme}-full.png`),
        fullPage: true,
      });
    });
    await opened.context.close();
    expect(problems).toEqual([]);
  }, 120_000);
});
