// Time tracking in Chromium, on one server: a technician starts the timer on a ticket, logs 1:30 by hand, finds
// the timer still running after a reload (it runs on the server) and stops it; a manager reads the time report
// per technician and per category. The Time panel and the report at 1280 px and 390 px, light and dark, without
// clipped or overlapping text or serious axe violations (screenshots in test-output/e2e-time-tracking).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import {
  apiCaller,
  desktop,
  ensureWebBuilt,
  launch,
  openArea,
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

const shots = path.join(root, 'test-output', 'e2e-time-tracking');
const password = 'e2e-time-password';
const people = {
  requester: { email: 'tt-req@e2e.test', name: 'Rita Requester', role: 'requester' as const },
  technician: { email: 'tt-tech@e2e.test', name: 'Theo Technician', role: 'technician' as const },
  manager: { email: 'tt-manager@e2e.test', name: 'Mona Manager', role: 'manager' as const },
  admin: { email: 'tt-admin@e2e.test', name: 'Ada Admin', role: 'admin' as const },
};
type Who = keyof typeof people;

/** Screenshots of the page as it is, at both widths and in both themes, each checked for layout defects. */
async function everyLook(page: Page, name: string, scrollTo?: string): Promise<void> {
  for (const [width, viewport] of [
    ['desktop', desktop],
    ['phone', phone],
  ] as const) {
    await page.setViewportSize(viewport);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      if (scrollTo) await page.locator(scrollTo).scrollIntoViewIfNeeded();
      await screenshot(page, `${name}-${width}-${scheme}`, shots);
      expect(await layoutProblems(page), `${name} ${width} ${scheme}`).toEqual([]);
    }
  }
}

describe('time tracking in Chromium', () => {
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
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a technician times and logs work on a ticket; a manager reads the time report', async () => {
    const ids = Object.fromEntries(
      (await api('admin', 'GET', '/api/v1/users')).items.map((u: { email: string; id: number }) => [
        u.email,
        u.id,
      ]),
    );
    const category = await api('admin', 'POST', '/api/v1/categories', { name: 'Printers' });
    const ticket = await api('technician', 'POST', '/api/v1/tickets', {
      title: 'Printer on floor 3 jams on every page',
      description: 'The big HP by the kitchen.',
      requesterId: ids[people.requester.email],
      assigneeId: ids[people.technician.email],
      categoryId: category.id,
    });
    const other = await api('technician', 'POST', '/api/v1/tickets', {
      title: 'New laptop for Sam',
      description: '',
      requesterId: ids[people.requester.email],
    });
    await api('manager', 'POST', `/api/v1/tickets/${ticket.id}/time-entries`, {
      minutes: 20,
      billable: false,
      note: 'Called the vendor about the service contract',
    });
    await api('manager', 'POST', `/api/v1/tickets/${other.id}/time-entries`, {
      minutes: 150,
      note: 'Imaging',
    });

    const { context, page } = await signInPage(browser, server.base, people.technician.email, password);
    await page.goto(`/tickets/${ticket.id}`);
    const panel = page.getByRole('region', { name: 'Time', exact: true });
    await panel.getByRole('button', { name: /Start timer/ }).click();
    await expect.poll(() => panel.getByRole('timer').count()).toBe(1);
    await panel.getByLabel('Time spent').fill('1:30');
    await panel.getByLabel('Note').fill('Replaced the fuser and the pickup rollers');
    await panel.getByRole('button', { name: 'Log time' }).click();
    await expect
      .poll(() => panel.getByRole('list', { name: 'Time entries' }).textContent())
      .toContain('1h 30m');
    expect(await panel.locator('.time-totals').textContent()).toContain('1h 50m logged');
    // The timer runs on the server: a reload shows it still running.
    await page.reload();
    await expect.poll(() => panel.getByRole('timer').count()).toBe(1);
    await everyLook(page, 'ticket-time-panel', '.time-panel');
    expect(await seriousViolations(page)).toEqual([]);
    await page.setViewportSize(desktop);
    await panel.getByRole('button', { name: 'Stop and log' }).click();
    await expect.poll(() => panel.getByRole('button', { name: /Start timer/ }).count()).toBe(1);
    const entries = await api('technician', 'GET', `/api/v1/tickets/${ticket.id}/time-entries`);
    expect(entries.items.map((e: { minutes: number; source: string }) => [e.minutes, e.source])).toEqual([
      [20, 'manual'],
      // The timer's work began before the 1:30 was typed in: entries are in the order the work was done.
      [1, 'timer'],
      [90, 'manual'],
    ]);
    // The timeline tells it too.
    expect(await page.getByRole('list', { name: 'Timeline' }).textContent()).toContain('logged 90 min');
    await context.close();

    const mgr = await signInPage(browser, server.base, people.manager.email, password);
    // One "Reports" item in the main navigation (behind "More"), then the report's tab.
    await openArea(mgr.page, 'Reports');
    await mgr.page.waitForURL((u) => u.pathname === '/reports/sla');
    await mgr.page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Time' }).click();
    await mgr.page.waitForURL((u) => u.pathname === '/reports/time');
    const table = mgr.page.getByRole('table');
    await expect.poll(() => table.textContent()).toContain('Theo Technician');
    const rows = await table.locator('tbody tr').allTextContents();
    expect(rows[0]).toContain('Mona Manager');
    expect(rows[0]).toContain('2h 50m');
    expect(rows[1]).toContain('Theo Technician');
    expect(rows[1]).toContain('1h 31m');
    expect(await mgr.page.locator('.kpis').textContent()).toContain('4h 21m');
    await everyLook(mgr.page, 'time-report-technician');
    expect(await seriousViolations(mgr.page)).toEqual([]);
    await mgr.page.setViewportSize(desktop);
    await mgr.page.getByLabel('Per', { exact: true }).selectOption('category');
    await expect.poll(() => table.textContent()).toContain('Printers');
    expect(await table.textContent()).toContain('No category');
    await screenshot(mgr.page, 'time-report-category-desktop-light', shots);
    await mgr.context.close();
  });
});
