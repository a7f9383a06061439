// The logs pages in Chromium, on one server: records sent through POST /api/v1/logs with a technician's token show
// in the search (filtered, a histogram bar narrowing the range), a record sent while the live tail is open
// arrives in it, a pattern is renamed and merged from the patterns page, and a ticket naming a host that logged
// errors shows "Logs around this". Every page is laid out at desktop and phone width in both themes without
// clipped or overlapping text, horizontal scrolling or serious axe violations (screenshots in test-output/e2e-logs).
import path from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, systemActor } from '../../src/core/auth/index.js';
import { createTicket } from '../../src/helpdesk/index.js';
import {
  apiCaller,
  desktop,
  eachLayout,
  ensureWebBuilt,
  gotoDesktopLight,
  launch,
  phone,
  requireChromium,
  root,
  type Server,
  SignedIn,
  screenshot,
  seriousViolations,
  startServer,
} from './browser.js';
import { layoutProblems } from './layout.js';

const shots = path.join(root, 'test-output', 'e2e-logs');
const tech = { email: 'logs-tech@e2e.test', name: 'Lou Logs', role: 'technician' as const };
const password = 'correct horse battery staple';

interface Line {
  time?: string;
  host: string;
  app: string;
  severity: string;
  message: string;
}

/** A record's message in a table (the pattern link beside it may repeat its words). */
function messageIn(scope: Page | Locator, text: string | RegExp): Locator {
  return scope.locator('pre.log-message').filter({ hasText: text });
}

describe('logs in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const signedIn = new SignedIn(
    () => browser,
    () => server.base,
  );
  let ticketId = 0;
  let patternId = '';
  const api = apiCaller(
    () => server.base,
    () => tech.email,
    password,
  );
  const send = (lines: Line[]) => api('tech', 'POST', '/api/v1/logs', lines);

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    const user = await createUser(server.ctx, null, { ...tech, password });
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    const lines: Line[] = [];
    // db-01 starts refusing connections six minutes before the ticket; web-01 logs health checks throughout.
    for (let m = 6; m >= 1; m--)
      lines.push({
        time: at(m),
        host: 'db-01',
        app: 'postgres',
        severity: 'err',
        message: 'could not accept connection: too many clients already',
      });
    for (let m = 50; m >= 1; m -= 7)
      lines.push({
        time: at(m),
        host: 'web-01',
        app: 'nginx',
        severity: 'info',
        message: 'health check passed',
      });
    lines.push({
      time: at(3),
      host: 'web-01',
      app: 'nginx',
      severity: 'warning',
      message: 'upstream timed out (110: Connection timed out) while reading response header from upstream',
    });
    lines.push({
      time: at(2),
      host: 'web-01',
      app: 'nginx',
      severity: 'info',
      message: 'status page served',
    });
    const answer = await send(lines);
    expect(answer).toMatchObject({ accepted: lines.length, rejectedCount: 0 });
    const ticket = await createTicket(server.ctx, systemActor(user.id), {
      title: 'Orders page errors: db-01 refuses connections',
      description: 'Since a few minutes ago.',
    });
    ticketId = ticket.id;
    browser = await launch();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the search shows the records, filters them, and a bar narrows the time range', async () => {
    const { context, page } = await signedIn.page(tech.email, password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Logs' }).click();
    await page.waitForURL(/\/logs$/);
    const table = page.getByRole('table', { name: 'Log records, newest first' });
    await messageIn(table, 'status page served').waitFor();
    // A header, six errors of db-01, eight health checks, a warning and a status check of web-01.
    expect(await table.getByRole('row').count()).toBe(1 + 6 + 8 + 1 + 1);
    await page.getByRole('figure', { name: 'Records over time by severity' }).waitFor();

    const filters = page.getByRole('form', { name: 'Log filters' });
    await filters.getByLabel('Host').fill('db-01');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/host=db-01/);
    await expect.poll(() => table.getByRole('row').count()).toBe(1 + 6);
    await filters.getByLabel('Host').fill('');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await filters.getByLabel('Severity').selectOption('warning');
    await page.waitForURL(/severity=warning/);
    await expect.poll(() => table.getByRole('row').count()).toBe(1 + 6 + 1);
    await messageIn(table, 'upstream timed out').waitFor();
    await filters.getByLabel('Search messages').fill('"too many clients"');
    await filters.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => table.getByRole('row').count()).toBe(1 + 6);

    // A bar: the range becomes that step, kept in the URL.
    await page.locator('.histogram-bar:not([disabled])').last().click();
    await page.waitForURL(/range=custom/);
    expect(new URL(page.url()).searchParams.get('from')).toBeTruthy();
    await messageIn(table, 'too many clients').first().waitFor();

    // The pattern link opens the pattern's page with its records.
    await table
      .getByRole('link', { name: /Pattern:/ })
      .first()
      .click();
    await page.waitForURL(/\/logs\/patterns\/.+/);
    patternId = decodeURIComponent(new URL(page.url()).pathname.split('/').pop() ?? '');
    await page.getByRole('heading', { name: 'Rate' }).waitFor();
    await page.locator('.chart .uplot').first().waitFor();
    await page.getByRole('table', { name: 'Log records, newest first' }).getByRole('row').nth(6).waitFor();
    await context.close();
  }, 60_000);

  it('a record sent while the live tail is open arrives in it', async () => {
    const { context, page } = await signedIn.page(tech.email, password, { at: '/logs/tail?host=web-01' });
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await send([{ host: 'db-01', app: 'postgres', severity: 'err', message: 'not for this tail' }]);
    await send([{ host: 'web-01', app: 'nginx', severity: 'notice', message: 'reloaded configuration' }]);
    const table = page.getByRole('table', { name: 'Live log records, newest first' });
    await messageIn(table, 'reloaded configuration').waitFor();
    expect(await messageIn(table, 'not for this tail').count()).toBe(0);
    // Paused, a record is held; resumed, it shows.
    await page.getByRole('button', { name: 'Pause' }).click();
    await send([{ host: 'web-01', app: 'nginx', severity: 'info', message: 'held while paused' }]);
    await page.getByRole('status').filter({ hasText: '1 new held' }).waitFor();
    expect(await messageIn(table, 'held while paused').count()).toBe(0);
    await page.getByRole('button', { name: 'Resume' }).click();
    await messageIn(table, 'held while paused').waitFor();
    await page.getByRole('button', { name: 'Clear' }).click();
    await page.getByText('Waiting for records that match.').waitFor();
    await context.close();
  }, 60_000);

  it('a technician renames a pattern in place and merges another into it', async () => {
    const { context, page } = await signedIn.page(tech.email, password, { at: '/logs/patterns?sort=count' });
    const table = page.getByRole('table', { name: 'Log patterns' });
    const health = table.getByRole('row').filter({ hasText: 'health check passed' });
    await health.getByRole('img', { name: /Records a minute of/ }).waitFor();
    await health.getByRole('button', { name: /^Name it/ }).click();
    await health.getByLabel('Pattern name').fill('Health checks');
    await health.getByRole('button', { name: 'Save' }).click();
    await health.getByText('Health checks', { exact: true }).waitFor();

    // Merge "status page served" into the named pattern: pick it by search, then confirm.
    const status = table.getByRole('row').filter({ hasText: 'status page served' });
    await status.getByRole('button', { name: /^Merge/ }).click();
    const dialog = page.getByRole('region', { name: /Merge pattern status page served/ });
    await dialog.getByLabel('Find the pattern to keep').fill('health');
    await dialog.getByRole('button', { name: /Health checks/ }).click();
    await dialog.getByText(/Merge .* into .*Health checks/).waitFor();
    await screenshot(page, 'merge-confirm-desktop', shots);
    await dialog.getByRole('button', { name: 'Merge', exact: true }).click();
    await expect.poll(() => table.getByRole('row').filter({ hasText: 'status page served' }).count()).toBe(0);
    const named = table.getByRole('row').filter({ hasText: 'Health checks' });
    await named.getByRole('cell', { name: '9', exact: true }).waitFor();
    await context.close();
  }, 60_000);

  it('a ticket naming a host that logged errors shows the logs around it', async () => {
    const { context, page } = await signedIn.page(tech.email, password, { at: `/tickets/${ticketId}` });
    const panel = page.getByRole('region', { name: 'Logs around this' });
    await panel.getByText(/began \d+ minutes before the first user report/).waitFor();
    await panel.getByText('could not accept connection: too many clients already').waitFor();
    await panel.getByRole('link', { name: /Search the logs of db-01/ }).click();
    await page.waitForURL(/\/logs\?.*host=db-01/);
    await messageIn(page.getByRole('table', { name: 'Log records, newest first' }), 'too many clients')
      .first()
      .waitFor();
    await context.close();
  }, 60_000);

  async function check(page: Page, name: string, width: number, found: string[]) {
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    if (scrollWidth > width + 1) found.push(`${name}: ${scrollWidth}px wide in ${width}px`);
    for (const problem of await layoutProblems(page)) found.push(`${name}: ${problem}`);
    for (const v of await seriousViolations(page))
      found.push(`${name}: ${v.id} ${v.help} ${JSON.stringify(v.nodes)}`);
    await screenshot(page, name, shots);
  }

  it('every logs page fits the desktop and a phone, light and dark', async () => {
    const found: string[] = [];
    const { context, page } = await signedIn.page(tech.email, password, { at: null });
    /** `at` in each layout, one context (its cache warm); `visit` is told the screenshots' label and the width. */
    async function layouts(at: string, visit: (label: string, width: number) => Promise<void>) {
      await gotoDesktopLight(page, at);
      await eachLayout(page, ({ width, scheme }) =>
        visit(scheme === 'light' ? width : `${width}-dark`, (width === 'phone' ? phone : desktop).width),
      );
    }
    await layouts('/logs', async (label, width) => {
      await page.getByRole('table', { name: 'Log records, newest first' }).waitFor();
      await page.locator('.log-pattern-link strong').first().waitFor();
      await check(page, `search-${label}`, width, found);
    });
    await layouts('/logs?host=nowhere', async (label, width) => {
      await page.getByText('No records match these filters.').waitFor();
      await check(page, `search-empty-${label}`, width, found);
    });
    await layouts('/logs/tail', async (label, width) => {
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
      await check(page, `tail-waiting-${label}`, width, found);
      await send([{ host: 'web-01', app: 'nginx', severity: 'warning', message: `tail shot ${label}` }]);
      await messageIn(page, `tail shot ${label}`).waitFor();
      await check(page, `tail-${label}`, width, found);
    });
    await layouts('/logs/patterns', async (label, width) => {
      await page.locator('.pattern-table svg.sparkline').first().waitFor();
      await check(page, `patterns-${label}`, width, found);
    });
    await layouts(`/logs/patterns/${encodeURIComponent(patternId)}`, async (label, width) => {
      await page.locator('.chart .uplot').first().waitFor();
      await check(page, `pattern-${label}`, width, found);
    });
    await layouts(`/tickets/${ticketId}`, async (label, width) => {
      const panel = page.getByRole('region', { name: 'Logs around this' });
      await panel.waitFor();
      await panel.scrollIntoViewIfNeeded();
      await check(page, `ticket-panel-${label}`, width, found);
    });
    await context.close();
    expect(found).toEqual([]);
  }, 120_000);
});
