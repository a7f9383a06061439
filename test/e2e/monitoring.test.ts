// Monitoring in Chromium, without the demo organisation: a manager adds a target with an HTTP check of a local
// server this test runs, sees it go up on the status board with a sparkline, and opens the target's page to its
// latency chart; adds TCP, DNS and heartbeat checks from the check form (a server error shown at its field),
// edits an SNMP check without retyping its secret, and deletes a check and a target. The board, the target page
// and the check and target forms are laid out at desktop and phone width in both themes without clipped or
// overlapping text, horizontal scrolling or serious axe violations (screenshots in test-output/e2e-monitoring).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import pino from 'pino';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, systemActor } from '../../src/core/auth/index.js';
import { JobScheduler } from '../../src/core/jobs.js';
import { createCheck, createTarget, getCheck, registerChecks, runCheck } from '../../src/monitoring/index.js';
import {
  desktop,
  eachLayout,
  ensureWebBuilt,
  type LayoutVariant,
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

const shots = path.join(root, 'test-output', 'e2e-monitoring');

/** The whole of a form, however tall: the sticky top bar is laid in the flow so it does not cover the form. */
function formShot(form: Locator, name: string): Promise<Buffer> {
  return form.screenshot({
    path: path.join(shots, `${name}.png`),
    style: '.topbar { position: static !important; }',
  });
}
const manager = { email: 'monitor-manager@e2e.test', name: 'Mina Manager', role: 'manager' as const };
const technician = { email: 'monitor-tech@e2e.test', name: 'Theo Technician', role: 'technician' as const };
const password = 'correct horse battery staple';

describe('monitoring in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const signedIn = new SignedIn(
    () => browser,
    () => server.base,
  );
  let site: http.Server;
  let siteUrl = '';
  /** While true the site answers 503 (its check goes down). */
  let siteFails = false;
  let jobs: JobScheduler;
  let targetId = 0;

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    await createUser(server.ctx, null, { ...manager, password });
    await createUser(server.ctx, null, { ...technician, password });
    site = http.createServer((_req, res) => {
      // A little jitter, so the sparkline has a shape.
      setTimeout(
        () => {
          res.statusCode = siteFails ? 503 : 200;
          res.end(siteFails ? 'down' : 'ok');
        },
        5 + Math.floor(Math.random() * 30),
      );
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/health`;
    // A second target that is down: a port nobody listens on.
    const billing = await createTarget(server.ctx, systemActor(0), {
      name: 'billing-api',
      kind: 'service',
      tags: ['env:prod'],
    });
    await createCheck(server.ctx, systemActor(0), billing.id, {
      name: 'HTTP',
      spec: { kind: 'http', url: 'http://127.0.0.1:9/health' },
      intervalSeconds: 2,
      timeoutSeconds: 1,
    });
    // Targets without checks, for the pickers to find by name.
    for (const name of ['backup-server', 'db-primary'])
      await createTarget(server.ctx, systemActor(0), { name, kind: 'host', tags: ['env:prod'] });
    jobs = new JobScheduler(pino({ level: 'silent' }));
    registerChecks(server.ctx, jobs, runCheck);
    jobs.start();
    browser = await launch();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await jobs?.stop();
    await server?.close();
    await new Promise((resolve) => site?.close(resolve));
  });

  it('a manager adds a target with an HTTP check, sees it up on the board and its latency chart', async () => {
    const { context, page } = await signedIn.page(manager.email, password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Monitoring' }).click();
    await page.getByRole('heading', { name: 'Monitoring' }).waitFor();
    await page.getByRole('button', { name: 'Add a target' }).click();
    const form = page.getByRole('form', { name: 'Add a target' });
    await form.getByLabel('Name').fill('web-frontend');
    await form.getByLabel('Tags').fill('env:e2e, web');
    await form.getByLabel('HTTP check URL').fill(siteUrl);
    await form.getByLabel('Every (seconds)').fill('1');
    await form.getByRole('button', { name: 'Add target' }).click();
    await page.waitForURL(/\/monitoring\/targets\/\d+$/);
    targetId = Number(/(\d+)$/.exec(page.url())?.[1]);
    await page.getByRole('heading', { name: 'web-frontend' }).waitFor();

    // A few runs, so the sparkline and the chart have points.
    const [check] = await server.ctx.db
      .selectFrom('monitoring_checks')
      .select('id')
      .where('target_id', '=', targetId)
      .execute();
    for (let i = 0; i < 200; i++) {
      const c = await getCheck(server.ctx, Number(check?.id));
      if (c.state === 'up' && c.recentResults.length >= 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }

    await page.getByRole('navigation', { name: 'Monitoring' }).getByRole('link', { name: 'Board' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'web-frontend' }) });
    await row.getByText('Up', { exact: true }).waitFor();
    await row.locator('svg.sparkline').waitFor();
    expect(await row.locator('svg.sparkline').getAttribute('aria-label')).toMatch(
      /^Last \d+ runs: latest \d+ ms/,
    );
    // Filters: by state and by search.
    await page.getByRole('button', { name: /Down 1/ }).click();
    await page.getByRole('link', { name: 'billing-api' }).waitFor();
    expect(await page.getByRole('link', { name: 'web-frontend' }).count()).toBe(0);
    await page.getByRole('button', { name: /Down 1/ }).click();
    await page.getByRole('searchbox', { name: 'Search targets' }).fill('frontend');
    await page.getByRole('status').filter({ hasText: '1 of 4 targets' }).waitFor();
    await screenshot(page, 'board-filtered-desktop', shots);

    await page.getByRole('link', { name: 'web-frontend' }).click();
    await page.getByRole('img', { name: /Check latency/ }).waitFor();
    await page.locator('.chart .uplot').first().waitFor();
    await page.getByRole('button', { name: 'State changes' }).click();
    await page.locator('.state-changes li').first().waitFor();
    await screenshot(page, 'target-latency-desktop', shots);
    // Ninety days (past the raw samples, the rollups are read): the same chart, still drawn.
    await page.getByRole('button', { name: '90 d' }).click();
    await page.getByRole('button', { name: '90 d', pressed: true }).waitFor();
    await page.locator('.chart .uplot').first().waitFor();
    await page.getByRole('button', { name: '1 h' }).click();
    // The manager edits the target's tags.
    await page.getByRole('button', { name: 'Edit target' }).click();
    const editor = page.getByRole('form', { name: 'Edit web-frontend' });
    await editor.getByLabel('Tags').fill('env:e2e, web, team:ops');
    // The parent is found by name through the API, not picked from the whole board.
    await editor.getByRole('combobox', { name: 'Depends on' }).fill('billing');
    await editor.getByRole('option', { name: 'billing-api' }).click();
    await editor.getByRole('button', { name: 'Remove billing-api' }).waitFor();
    await screenshot(page, 'target-edit-desktop', shots);
    await editor.getByRole('button', { name: 'Save target' }).click();
    await page.getByRole('link', { name: 'team:ops' }).waitFor();
    await page.getByText('Depends on billing-api').waitFor();
    await context.close();
  }, 60_000);

  it('the open board shows a state change within seconds (the live stream; its timer is a minute)', async () => {
    const { context, page } = await signedIn.page(technician.email, password);
    await page.goto('/monitoring');
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'web-frontend' }) });
    await row.getByText('Up', { exact: true }).waitFor();
    siteFails = true;
    try {
      await row.getByText('Down', { exact: true }).waitFor({ timeout: 20_000 });
    } finally {
      siteFails = false;
    }
    await row.getByText('Up', { exact: true }).waitFor({ timeout: 20_000 });
    await context.close();
  }, 60_000);

  it('a manager adds TCP, DNS and heartbeat checks from the form, edits a secret-keeping SNMP check, and deletes a check and a target', async () => {
    const { context, page } = await signedIn.page(manager.email, password, {
      at: `/monitoring/targets/${targetId}`,
    });
    const form = page.getByRole('form', { name: 'Add a check' });
    const cards = page.locator('.check-card');

    // TCP: the server's validation error is shown at its field, then the check is added.
    await form.getByLabel('Kind').selectOption('tcp');
    expect(await form.getByLabel('Check name').inputValue()).toBe('TCP');
    await form.getByLabel('Check name').fill('Site port');
    await form.getByLabel('Host', { exact: true }).fill('not a host!');
    await form.getByLabel('Port', { exact: true }).fill(String(new URL(siteUrl).port));
    await form.getByRole('button', { name: 'Add check' }).click();
    const host = form.getByLabel('Host', { exact: true });
    await form.locator('.field-error', { hasText: 'must be a host name or an IP address' }).waitFor();
    expect(await host.getAttribute('aria-invalid')).toBe('true');
    const described = (await host.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${described.split(' ').pop()}"]`).textContent()).toContain(
      'must be a host name',
    );
    await formShot(form, 'check-form-error-desktop');
    await host.fill('127.0.0.1');
    await form.getByRole('button', { name: 'Add check' }).click();
    await cards.filter({ hasText: 'Site port' }).filter({ hasText: 'TCP port · 127.0.0.1' }).waitFor();

    // DNS.
    await form.getByLabel('Kind').selectOption('dns');
    await form.getByLabel('Check name').fill('Resolver');
    await form.getByLabel('Name to look up').fill('localhost');
    await form.getByLabel('Record type').selectOption('A');
    await form.getByLabel('Expected value').fill('127.0.0.1');
    await form.getByRole('button', { name: 'Add check' }).click();
    await cards.filter({ hasText: 'Resolver' }).filter({ hasText: 'DNS record · localhost' }).waitFor();
    const [dns] = await server.ctx.db
      .selectFrom('monitoring_checks')
      .select('spec')
      .where('name', '=', 'Resolver')
      .execute();
    expect(JSON.parse(String(dns?.spec))).toEqual({
      kind: 'dns',
      name: 'localhost',
      recordType: 'A',
      expect: '127.0.0.1',
    });

    // Heartbeat: the push URL is shown once, and it works.
    await form.getByLabel('Kind').selectOption('heartbeat');
    await form.getByLabel('Check name').fill('Nightly backup');
    await form.getByRole('button', { name: 'Add check' }).click();
    const push = await form.getByLabel('Push URL').inputValue();
    expect(push).toMatch(/\/api\/v1\/heartbeats\/[^/]+$/);
    expect((await fetch(push, { method: 'POST' })).status).toBe(200);
    await formShot(form, 'check-form-heartbeat-desktop');

    // SNMP, made through the domain with a community: editing keeps the secret that shows as the placeholder.
    const snmp = await createCheck(server.ctx, systemActor(0), targetId, {
      name: 'Core switch',
      spec: { kind: 'snmp', host: '127.0.0.1', version: '2c', community: 'n0t-public', uptime: true },
      intervalSeconds: 300,
      timeoutSeconds: 5,
    });
    await page.reload();
    const card = cards.filter({ hasText: 'Core switch' });
    await card.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit Core switch' });
    expect(await edit.getByLabel('Community').inputValue()).toBe('********');
    await edit.getByLabel('Interface status and traffic').check();
    await edit.getByLabel('OIDs').fill('1.3.6.1.2.1.1.5.0 sys_name');
    await formShot(edit, 'check-edit-snmp-desktop');
    await edit.getByRole('button', { name: 'Save check' }).click();
    await edit.waitFor({ state: 'detached' });
    const [stored] = await server.ctx.db
      .selectFrom('monitoring_checks')
      .select('spec')
      .where('id', '=', snmp.check.id)
      .execute();
    expect(JSON.parse(String(stored?.spec))).toMatchObject({
      community: 'n0t-public',
      interfaces: true,
      oids: [{ oid: '1.3.6.1.2.1.1.5.0', name: 'sys_name' }],
    });

    // A new push URL for the heartbeat: asked first, shown once in the editor; the old URL stops working.
    let asked = '';
    await cards.filter({ hasText: 'Nightly backup' }).getByRole('button', { name: 'Edit' }).click();
    const beat = page.getByRole('form', { name: 'Edit Nightly backup' });
    page.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await beat.getByRole('button', { name: 'New push URL' }).click();
    const fresh = await beat.getByLabel('Push URL').inputValue();
    expect(asked).toContain('Make a new push URL for Nightly backup');
    expect(fresh).toMatch(/\/api\/v1\/heartbeats\/[^/]+$/);
    expect(fresh).not.toBe(push);
    expect((await fetch(push, { method: 'POST' })).status).toBe(404);
    expect((await fetch(fresh, { method: 'POST' })).status).toBe(200);
    await formShot(beat, 'check-edit-heartbeat-new-url-desktop');
    await beat.getByRole('button', { name: 'Cancel' }).click();

    // Delete a check: the confirmation names it.
    page.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await cards
      .filter({ hasText: 'Resolver' })
      .getByRole('button', { name: 'Delete check Resolver' })
      .click();
    await cards.filter({ hasText: 'Resolver' }).waitFor({ state: 'detached' });
    expect(asked).toContain('Delete the check Resolver of web-frontend');

    // Delete a target: the confirmation names it and its checks; the board no longer lists it.
    const old = await createTarget(server.ctx, systemActor(0), { name: 'old-printer', kind: 'host' });
    await createCheck(server.ctx, systemActor(0), old.id, {
      name: 'Ping',
      spec: { kind: 'ping', host: '127.0.0.1' },
      intervalSeconds: 3600,
      timeoutSeconds: 5,
    });
    await page.goto(`/monitoring/targets/${old.id}`);
    await page.locator('.check-card').first().waitFor();
    page.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await page.getByRole('button', { name: 'Delete target' }).click();
    await page.waitForURL(/\/monitoring$/);
    expect(asked).toContain('Delete the target old-printer with its 1 check');
    await page.getByRole('link', { name: 'web-frontend' }).waitFor();
    expect(await page.getByRole('link', { name: 'old-printer' }).count()).toBe(0);
    await context.close();
  }, 60_000);

  it('a technician sees no delete, edit or add buttons', async () => {
    const { context, page } = await signedIn.page(technician.email, password, {
      at: `/monitoring/targets/${targetId}`,
    });
    await page.locator('.check-card').first().waitFor();
    expect(await page.getByRole('button', { name: /^Delete|^Edit|^Run now/ }).count()).toBe(0);
    expect(await page.getByRole('form', { name: 'Add a check' }).count()).toBe(0);
    await context.close();
  }, 30_000);

  it('the board stays a short list of rows at 10,000 targets, and filters them', async () => {
    const now = Date.now();
    const states = ['up', 'up', 'up', 'down', 'pending', 'paused'] as const;
    const targets = Array.from({ length: 10_000 }, (_, i) => ({
      id: i + 1,
      name: `host-${String(i).padStart(5, '0')}`,
      kind: 'host',
      tags: [`rack:${i % 40}`],
      groupId: null,
      state: states[i % states.length],
      stateSince: new Date(now - i * 1000).toISOString(),
      uptime24h: 99.5,
      checks: [
        {
          id: i + 1,
          name: 'ping',
          kind: 'ping',
          enabled: true,
          state: states[i % states.length],
          lastRunAt: new Date(now - 5000).toISOString(),
          lastOk: true,
          lastLatencyMs: 3,
          lastMessage: '',
          notRunningSince: null,
          recentResults: Array.from({ length: 30 }, (_, r) => [now - (30 - r) * 60_000, 2 + (r % 5), 1]),
        },
      ],
    }));
    const body = JSON.stringify({ at: new Date(now).toISOString(), targets });
    const { context, page } = await signedIn.page(manager.email, password);
    await page.route('**/api/v1/monitoring/board', (route) =>
      route.fulfill({ status: 200, contentType: 'application/json', body }),
    );
    await page.goto('/monitoring');
    await page.getByRole('status').filter({ hasText: '10,000 of 10,000 targets' }).waitFor();
    expect(await page.locator('.board-scroll [role="row"]').count()).toBeLessThan(60);
    await page.getByRole('searchbox', { name: 'Search targets' }).fill('host-0999');
    await page.getByRole('status').filter({ hasText: '10 of 10,000 targets' }).waitFor();
    await page.getByRole('link', { name: 'host-09990' }).waitFor();
    await context.close();
  }, 60_000);

  /** Layout and axe checks of the page, and its screenshot: the viewport's, or the whole of one form. */
  async function check(page: Page, name: string, width: number, found: string[], whole?: Locator) {
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    if (scrollWidth > width + 1) found.push(`${name}: ${scrollWidth}px wide in ${width}px`);
    for (const problem of await layoutProblems(page)) found.push(`${name}: ${problem}`);
    for (const v of await seriousViolations(page))
      found.push(`${name}: ${v.id} ${v.help} ${JSON.stringify(v.nodes)}`);
    if (whole) await formShot(whole, name);
    else await screenshot(page, name, shots);
  }

  /** The screenshot names' variant part as this file has them (`desktop`, `desktop-dark`…), and the width. */
  function look({ width, scheme }: LayoutVariant): { label: string; px: number } {
    return {
      label: scheme === 'light' ? width : `${width}-dark`,
      px: (width === 'phone' ? phone : desktop).width,
    };
  }

  it('the board and the target page fit the desktop and a phone, light and dark', async () => {
    const found: string[] = [];
    // One context; the board and the target each in a page of their own, taken through the widths and schemes
    // by reloading (the theme follows the emulated colour scheme).
    const { context, page: board } = await signedIn.page(manager.email, password, { at: '/monitoring' });
    await eachLayout(board, async (variant) => {
      const { label, px } = look(variant);
      await board.locator('svg.sparkline').first().waitFor();
      await check(board, `board-${label}`, px, found);
      if (variant.width === 'phone') {
        await board.getByRole('button', { name: 'Menu' }).click();
        await board
          .getByRole('navigation', { name: 'Main' })
          .getByRole('link', { name: 'Monitoring' })
          .waitFor();
        await screenshot(board, `menu-${label}`, shots);
        await board.getByRole('button', { name: 'Menu' }).click();
      }
    });
    const page = await context.newPage();
    await page.goto(`/monitoring/targets/${targetId}`);
    await eachLayout(page, async (variant) => {
      const { label, px } = look(variant);
      await page.locator('.chart .uplot').first().waitFor();
      await check(page, `target-${label}`, px, found);
      // The checks and the form's first fields, as a picture: the layout checks run on the form just below.
      await page.getByRole('heading', { name: 'Add a check' }).scrollIntoViewIfNeeded();
      await screenshot(page, `target-checks-${label}`, shots);
      // The check form at its fullest: SNMPv3 with authentication and privacy.
      const form = page.getByRole('form', { name: 'Add a check' });
      await form.getByLabel('Kind').selectOption('snmp');
      await form.getByLabel('SNMP version').selectOption('3');
      await check(page, `check-form-snmp-${label}`, px, found, form);
      await form.getByLabel('Kind').selectOption('http');
      await form.getByLabel('Method').selectOption('POST');
      // Its fields are of the same kinds as SNMP's, checked above: a picture is enough.
      await formShot(form, `check-form-http-${label}`);
      // The target editor with the parent picker's matches open.
      await page.getByRole('button', { name: 'Edit target' }).click();
      const editor = page.getByRole('form', { name: 'Edit web-frontend' });
      await editor.getByRole('combobox', { name: 'Depends on' }).fill('b');
      await editor.getByRole('listbox').getByRole('option').first().waitFor();
      await editor
        .getByRole('combobox', { name: 'Depends on' })
        .evaluate((el) => el.scrollIntoView({ block: 'center' }));
      await check(page, `target-edit-picker-${label}`, px, found);
    });
    await context.close();
    expect(found).toEqual([]);
  }, 120_000);
});
