// The workspace's search box in Chromium: a ticket number (`490`, `#490`) and Enter opens that ticket, even
// when other tickets mention the number; the results list it first; a number with no ticket behind it
// opens nothing; a requester's name finds their tickets.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, systemActor } from '../../src/core/auth/index.js';
import { createTicket, type Ticket } from '../../src/helpdesk/index.js';
import { ensureWebBuilt, launch, requireChromium, type Server, signInPage } from './browser.js';

const password = 'e2e-password-1';

describe('the search box in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  let target: Ticket;

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await (await import('./browser.js')).startServer();
    const tech = await createUser(server.ctx, null, {
      email: 'tina@e2e.test',
      name: 'Tina Tech',
      role: 'technician',
      password,
    });
    const emma = await createUser(server.ctx, null, {
      email: 'emma@e2e.test',
      name: 'Emma Thompson',
      role: 'requester',
      password,
    });
    const actor = { ...systemActor(tech.id), role: 'technician' as const };
    target = await createTicket(server.ctx, actor, {
      title: 'Docking station dead',
      description: 'no power',
      requesterId: emma.id,
    });
    await createTicket(server.ctx, actor, {
      title: 'Second docking station',
      description: `same model as in ticket ${target.id}`,
    });
    browser = await launch();
    ({ page } = await signInPage(browser, server.base, 'tina@e2e.test', password));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function search(text: string): Promise<void> {
    await page.goto('/queue');
    const box = page.getByRole('combobox', { name: 'Search tickets' });
    await box.fill(text);
    // The instant results have arrived (the list is open and not loading).
    await page.getByRole('listbox', { name: 'Matching tickets' }).getByRole('option').first().waitFor();
  }

  it('a ticket number and Enter opens that ticket, with or without #, though another mentions it', async () => {
    for (const text of [`#${target.id}`, String(target.id)]) {
      await search(text);
      const options = page.getByRole('listbox', { name: 'Matching tickets' }).getByRole('option');
      await expect.poll(() => options.count()).toBe(2);
      expect(await options.first().textContent()).toContain('Docking station dead');
      await page.getByRole('combobox', { name: 'Search tickets' }).press('Enter');
      await page.waitForURL((u) => u.pathname === `/tickets/${target.id}`);
    }
  });

  it('a number with no ticket behind it opens nothing', async () => {
    await search('#99999');
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/tickets/99999'));
    await page.getByRole('combobox', { name: 'Search tickets' }).press('Enter');
    expect((await answered).status()).toBe(404);
    expect(new URL(page.url()).pathname).toBe('/queue');
  });

  it("a requester's name finds their tickets", async () => {
    await search('emma thomp');
    const options = page.getByRole('listbox', { name: 'Matching tickets' }).getByRole('option');
    await expect.poll(() => options.count()).toBe(1);
    expect(await options.first().textContent()).toContain(`#${target.id}`);
  });
});
