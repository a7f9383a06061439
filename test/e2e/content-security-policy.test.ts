// The built web app and the /docs Swagger UI work in Chromium under the service's Content-Security-Policy:
// signing in, the queue and a ticket render, the API reference renders, and the browser reports no CSP
// violation on any of them.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, systemActor } from '../../src/core/auth/index.js';
import { createTicket } from '../../src/helpdesk/index.js';
import { ensureWebBuilt, launch, requireChromium, type Server, signInPage, startServer } from './browser.js';

const password = 'csp-password-1';

/** Collect every CSP violation the page reports, from the first script on. */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  await page.exposeFunction('reportCspViolation', (text: string) => seen.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { reportCspViolation(t: string): void }).reportCspViolation(
        `${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`,
      );
    });
  });
  return seen;
}

describe('the Content-Security-Policy in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let ticketId: number;

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    const admin = await createUser(server.ctx, null, {
      email: 'csp-admin@e2e.test',
      name: 'Cora Admin',
      role: 'admin',
      password,
    });
    const ticket = await createTicket(server.ctx, systemActor(admin.id), {
      title: 'Projector in room 4 shows no signal',
      description: 'Since Monday.',
    });
    ticketId = ticket.id;
    browser = await launch();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the web app signs in and renders the queue and a ticket with no CSP violation', {
    timeout: 120_000,
  }, async () => {
    const context = await browser.newContext({ baseURL: server.base });
    const page = await context.newPage();
    const violations = await watchViolations(page);
    const response = await page.goto('/sign-in');
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.getByLabel('Email').fill('csp-admin@e2e.test');
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await page.goto('/queue');
    await page.getByText('Projector in room 4 shows no signal').first().waitFor({ timeout: 60_000 });
    await page.goto(`/tickets/${ticketId}`);
    await page.getByText('Since Monday.').first().waitFor({ timeout: 60_000 });
    // The theme chosen earlier still applies before the first paint, from /theme.js instead of an inline script.
    await page.evaluate(() => localStorage.setItem('opsdesk-theme', 'dark'));
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(violations).toEqual([]);
    await context.close();
  });

  it('the API reference at /docs renders with no CSP violation', { timeout: 120_000 }, async () => {
    const { context, page } = await signInPage(browser, server.base, 'csp-admin@e2e.test', password);
    const violations = await watchViolations(page);
    await page.goto('/docs');
    await page.locator('.swagger-ui .info .title').waitFor({ timeout: 60_000 });
    expect(await page.locator('.swagger-ui .info .title').textContent()).toContain('opsdesk API');
    await page.locator('.opblock').first().waitFor({ timeout: 60_000 });
    // Swagger UI draws only the operations near the viewport; the document it reads holds them all.
    await expect.poll(() => page.locator('.opblock').count(), { timeout: 30_000 }).toBeGreaterThan(4);
    const spec = await page.evaluate(async () => (await fetch('/docs/json')).json());
    const operations = Object.values(spec.paths as Record<string, object>).flatMap((p) => Object.keys(p));
    expect(operations.length).toBeGreaterThan(100);
    expect(violations).toEqual([]);
    await context.close();
  });
});
