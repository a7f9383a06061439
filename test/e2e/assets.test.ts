// The asset pages in Chromium: a technician opens Assets from the main navigation, filters the inventory, saves
// the filter as a view, bulk-edits two laptops, imports a CSV with a bad row (and reads why it was refused),
// prints their labels (QR codes), and opens a server whose relations are drawn as a graph, following one to the
// related asset. The list, an asset, the labels and a requester's own equipment at 1280 px and 390 px, light
// and dark, without clipped or overlapping text or serious axe violations (screenshots in test-output/e2e-assets).
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import {
  apiCaller,
  eachLayout,
  ensureWebBuilt,
  launch,
  openArea,
  requireChromium,
  root,
  type Server,
  SignedIn,
  screenshot,
  seriousViolations,
  startServer,
} from './browser.js';
import { layoutProblems } from './layout.js';

const shots = path.join(root, 'test-output', 'e2e-assets');
const password = 'e2e-assets-password';
const people = {
  technician: { email: 'assets-tech@e2e.test', name: 'Tara Technician', role: 'technician' as const },
  requester: { email: 'assets-user@e2e.test', name: 'Rui Requester', role: 'requester' as const },
};
type Who = keyof typeof people;

describe('asset pages in Chromium', () => {
  let server: Server;
  let browser: Awaited<ReturnType<typeof launch>>;
  const api = apiCaller<Who>(
    () => server.base,
    (who) => people[who].email,
    password,
  );
  const signedIn = new SignedIn(
    () => browser,
    () => server.base,
  );
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    const users: Record<string, number> = {};
    for (const [who, p] of Object.entries(people))
      users[who] = (await createUser(server.ctx, null, { ...p, password })).id;
    const add = async (key: string, body: Record<string, unknown>) => {
      ids[key] = (await api('technician', 'POST', '/api/v1/assets', body)).id;
    };
    await add('laptop1', {
      name: 'Laptop of Rui (ThinkPad T14)',
      type: 'computer',
      status: 'in_use',
      assetTag: 'IT-00101',
      serial: 'PF3XK2L9',
      manufacturer: 'Lenovo',
      model: 'ThinkPad T14 Gen 4',
      location: 'Head office 2.14',
      ownerId: users.requester,
      warrantyEnd: '2026-03-31',
    });
    await add('laptop2', {
      name: 'Spare laptop',
      type: 'computer',
      status: 'in_stock',
      assetTag: 'IT-00102',
      serial: 'PF3XK2M1',
      manufacturer: 'Lenovo',
      model: 'ThinkPad T14 Gen 4',
      location: 'IT store',
      warrantyEnd: '2028-06-30',
    });
    await add('server', {
      name: 'web-01',
      type: 'server',
      status: 'in_use',
      assetTag: 'IT-00200',
      serial: 'CZ2049XK7Q',
      manufacturer: 'HPE',
      model: 'ProLiant DL360 Gen10',
      location: 'Server room, rack 3',
      purchaseDate: '2023-02-14',
      cost: { amountMinor: 612_000, currency: 'EUR' },
      supplier: 'Bechtle',
      warrantyEnd: '2028-02-13',
      hardware: {
        cpus: [{ name: 'Intel Xeon Silver 4214R', cores: 12, threads: 24, speedMhz: 2400 }],
        memoryMb: 65_536,
        disks: [{ name: 'sda', model: 'MZ7LH960', sizeMb: 915_715 }],
        networkCards: [{ name: 'eno1', mac: '94:40:c9:1a:2b:3c', ipAddresses: ['10.0.3.21'] }],
        os: { name: 'Debian GNU/Linux', version: '12 (bookworm)', kernel: '6.1.0-28-amd64', arch: 'x86_64' },
      },
    });
    await add('db', { name: 'db-01', type: 'server', status: 'in_use', location: 'Server room, rack 3' });
    await add('switch', { name: 'core-switch-1', type: 'network_device', status: 'in_use' });
    await add('app', { name: 'CRM application', type: 'software', status: 'in_use' });
    await add('agent', { name: 'Backup agent', type: 'software', status: 'in_use' });
    const relate = (from: string, kind: string, to: string) =>
      api('technician', 'POST', `/api/v1/assets/${ids[from]}/relations`, { kind, toAssetId: ids[to] });
    await relate('server', 'depends_on', 'db');
    await relate('server', 'connected_to', 'switch');
    await relate('app', 'installed_on', 'server');
    await relate('agent', 'installed_on', 'server');
    const ticket = await api('requester', 'POST', '/api/v1/tickets', {
      title: 'The CRM is slow every morning',
      description: 'Pages take ten seconds to open.',
    });
    await api('technician', 'POST', `/api/v1/assets/${ids.server}/tickets`, { ticketId: ticket.id });
    browser = await launch();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function check(page: Page, name: string) {
    await screenshot(page, name, shots);
    expect(await layoutProblems(page), name).toEqual([]);
    expect(
      (await seriousViolations(page)).map((v) => `${v.id}: ${v.help}`),
      name,
    ).toEqual([]);
  }

  it('a technician filters, saves a view, bulk-edits, imports, prints labels and follows a relation', async () => {
    const { context, page } = await signedIn.page(people.technician.email, password, { at: '/queue' });
    // The QR codes are drawn in the page: the Content-Security-Policy reports nothing.
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    await openArea(page, 'Assets');
    await page.waitForURL((u) => u.pathname === '/assets');
    const table = page.getByRole('table', { name: 'Assets' });
    await table.getByRole('link', { name: 'web-01' }).waitFor();

    await page.getByLabel('Type').selectOption('computer');
    await page.getByRole('searchbox', { name: 'Search' }).fill('ThinkPad');
    await page.waitForURL((u) => u.searchParams.get('q') === 'ThinkPad');
    await table.getByRole('link', { name: 'web-01' }).waitFor({ state: 'detached' });
    expect(await table.locator('tbody tr').count()).toBe(2);

    await page.getByLabel('Name for this view').fill('ThinkPads');
    await page.getByRole('button', { name: 'Save view' }).click();
    const view = page.getByRole('link', { name: 'ThinkPads' });
    await view.waitFor();
    expect(await view.getAttribute('aria-current')).toBe('page');
    const views = await api('technician', 'GET', '/api/v1/saved-views?scope=assets');
    expect(views.items).toEqual([
      expect.objectContaining({ name: 'ThinkPads', query: 'q=ThinkPad&type=computer' }),
    ]);
    await page.getByRole('link', { name: 'All assets' }).click();
    await table.getByRole('link', { name: 'web-01' }).waitFor();
    await view.click();
    await table.getByRole('link', { name: 'web-01' }).waitFor({ state: 'detached' });

    await page.getByLabel('Select all loaded assets').check();
    const bulk = page.getByRole('region', { name: 'Bulk actions' });
    await bulk.getByLabel('Status').selectOption('in_repair');
    await page.getByText('Changed 2 assets.').waitFor();
    for (const key of ['laptop1', 'laptop2'])
      expect((await api('technician', 'GET', `/api/v1/assets/${ids[key]}`)).status).toBe('in_repair');
    await page.getByLabel('Select Spare laptop').check();
    await page.getByLabel('Select Laptop of Rui (ThinkPad T14)').check();
    await bulk.getByLabel('Location').fill('Repair shelf');
    await bulk.getByRole('button', { name: 'Move' }).click();
    await page.getByText('Changed 2 assets.').waitFor();
    expect((await api('technician', 'GET', `/api/v1/assets/${ids.laptop2}`)).location).toBe('Repair shelf');

    await page.getByRole('button', { name: 'Import CSV' }).click();
    await page.getByLabel('CSV file').setInputFiles({
      name: 'monitors.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'name,type,serial,warranty_end\nMonitor 27 left,monitor,MON-1,2027-01-31\n,monitor,MON-2,2027-01-31\nMonitor right,monitor,MON-3,31/01/2027\n',
      ),
    });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    const report = page.locator('.asset-import-report');
    await report.waitFor();
    expect(await report.textContent()).toMatch(/3 rows read: 1 added, 0 updated, 0 unchanged, 2 refused/);
    expect(await report.locator('tbody tr').count()).toBe(2);
    await check(page, 'assets-import-desktop-light');

    await page.getByLabel('Select Spare laptop').check();
    await page.getByLabel('Select Laptop of Rui (ThinkPad T14)').check();
    await bulk.getByRole('link', { name: 'Print labels' }).click();
    await page.waitForURL((u) => u.pathname === '/assets/labels');
    await page.getByRole('article', { name: 'Label of Spare laptop' }).waitFor();
    expect(await page.locator('.asset-label svg.qr-code path').count()).toBe(2);
    expect(await page.locator('.asset-label-tag').allTextContents()).toEqual(
      expect.arrayContaining(['IT-00101', 'IT-00102']),
    );
    // Printed, only the labels remain.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.topbar').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Print' }).isVisible()).toBe(false);
    await screenshot(page, 'asset-labels-print', shots);
    await page.emulateMedia({ media: 'screen' });
    expect(cspViolations).toEqual([]);

    await page.goto(`/assets/${ids.server}`);
    const graph = page.getByRole('group', { name: 'Relations of web-01' });
    await graph.waitFor();
    expect(await graph.locator('a.relation-node').count()).toBe(4);
    await page.getByText('Intel Xeon Silver 4214R').waitFor();
    await page.getByRole('link', { name: /The CRM is slow every morning/ }).waitFor();
    await graph.getByRole('link', { name: 'Depends on: db-01 (Server)' }).click();
    await page.waitForURL((u) => u.pathname === `/assets/${ids.db}`);
    await page
      .getByRole('group', { name: 'Relations of db-01' })
      .getByRole('link', { name: /Needed by: web-01/ })
      .waitFor();
    // Relate db-01 to the switch from its page, then remove it again.
    await page.getByLabel('Find the other asset').fill('core');
    await page.getByLabel('This asset').selectOption('connected_to');
    await page.getByRole('button', { name: 'core-switch-1' }).click();
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('link', { name: 'Connected to: core-switch-1 (Network device)' }).waitFor();
    await page.getByRole('button', { name: 'Remove the relation connected to core-switch-1' }).click();
    await page.getByRole('link', { name: 'Connected to: core-switch-1 (Network device)' }).waitFor({
      state: 'detached',
    });
    await context.close();
  }, 180_000);

  it('the list, an asset, the labels and my equipment hold at every size, light and dark', async () => {
    // One context per person, one page per address, each taken through the widths and schemes by reloading.
    const tech = await signedIn.page(people.technician.email, password, { at: '/assets' });
    const list = tech.page;
    await eachLayout(list, async ({ label }) => {
      await list.getByRole('table', { name: 'Assets' }).getByRole('link', { name: 'web-01' }).waitFor();
      await list.getByLabel('Select web-01').check();
      await check(list, `assets-${label}`);
    });
    const asset = await tech.context.newPage();
    await asset.goto(`/assets/${ids.server}`);
    await eachLayout(asset, async ({ label }) => {
      await asset.getByRole('group', { name: 'Relations of web-01' }).waitFor();
      await asset.getByRole('heading', { name: 'History' }).waitFor();
      await check(asset, `asset-${label}`);
      await asset.getByRole('heading', { name: 'Relations' }).scrollIntoViewIfNeeded();
      await check(asset, `asset-relations-${label}`);
      await asset.getByRole('button', { name: 'Edit' }).click();
      await asset.getByRole('heading', { name: 'Edit asset' }).scrollIntoViewIfNeeded();
      await check(asset, `asset-edit-${label}`);
    });
    const labels = await tech.context.newPage();
    await labels.goto(`/assets/labels?ids=${ids.server},${ids.laptop1},${ids.laptop2}`);
    await eachLayout(labels, async ({ label }) => {
      await labels.getByRole('article', { name: 'Label of web-01' }).waitFor();
      await check(labels, `asset-labels-${label}`);
    });
    await tech.context.close();

    const own = await signedIn.page(people.requester.email, password, { at: '/assets' });
    await eachLayout(own.page, async ({ label }) => {
      await own.page.getByRole('link', { name: 'Laptop of Rui (ThinkPad T14)' }).waitFor();
      expect(await own.page.getByRole('link', { name: 'web-01' }).count()).toBe(0);
      await check(own.page, `my-equipment-${label}`);
      // Their laptop's page, read only; then back to the list, which the next variant reloads.
      await own.page.getByRole('link', { name: 'Laptop of Rui (ThinkPad T14)' }).click();
      await own.page.getByRole('heading', { name: 'History' }).waitFor();
      expect(await own.page.getByRole('button', { name: 'Edit' }).count()).toBe(0);
      await check(own.page, `my-asset-${label}`);
      await own.page.goBack();
      await own.page.waitForURL((u) => u.pathname === '/assets');
    });
    await own.context.close();
  }, 360_000);
});
