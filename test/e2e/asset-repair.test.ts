// Repair or replace in Chromium: a technician opens a ticket naming a laptop that has been repaired twice, reads
// the panel's sentence ("2 repairs in 12 months, €420 spent, replacement €900"), and turns the ticket into a
// replacement request — a request for quotes linked to the asset and the ticket. The ticket's Assets panel and the
// manager's lifecycle page at 1280 px and 390 px, light and dark, without clipped or overlapping text or serious
// axe violations (screenshots in test-output/e2e-asset-repair).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import {
  apiCaller,
  eachLayout,
  ensureWebBuilt,
  launch,
  requireChromium,
  root,
  type Server,
  SignedIn,
  screenshot,
  seriousViolations,
  startServer,
} from './browser.js';
import { layoutProblems } from './layout.js';

const shots = path.join(root, 'test-output', 'e2e-asset-repair');
const password = 'e2e-asset-repair-password';
const people = {
  technician: { email: 'ar-tech@e2e.test', name: 'Theo Technician', role: 'technician' as const },
  manager: { email: 'ar-manager@e2e.test', name: 'Mona Manager', role: 'manager' as const },
  requester: { email: 'ar-req@e2e.test', name: 'Rita Requester', role: 'requester' as const },
};
type Who = keyof typeof people;
const day = 86_400_000;
const inDays = (n: number) => new Date(Date.now() + n * day).toISOString().slice(0, 10);

describe('repair or replace in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const api = apiCaller<Who>(
    () => server.base,
    (who) => people[who].email,
    password,
  );
  const signedIn = new SignedIn(
    () => browser,
    () => server.base,
  );
  let ticket = 0;
  let laptop = 0;

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    const ids: Record<string, number> = {};
    for (const [who, p] of Object.entries(people))
      ids[who] = (await createUser(server.ctx, null, { ...p, password })).id;
    laptop = (
      await api('technician', 'POST', '/api/v1/assets', {
        name: 'LT-0042 ThinkPad T14',
        type: 'computer',
        status: 'in_use',
        manufacturer: 'Lenovo',
        model: 'ThinkPad T14 Gen 4',
        ownerId: ids.requester,
        purchaseDate: inDays(-700),
        cost: { amountMinor: 90_000, currency: 'EUR' },
        warrantyEnd: inDays(40),
        hardware: { cpus: [{ name: 'Intel Core i7-1365U', cores: 10 }], memoryMb: 32768 },
      })
    ).id;
    await api('technician', 'POST', '/api/v1/assets', {
      name: 'Loaner L-3',
      type: 'computer',
      status: 'in_stock',
      manufacturer: 'Lenovo',
      model: 'ThinkPad E14',
    });
    await api('technician', 'POST', '/api/v1/assets', {
      name: 'SW-CORE-01 Catalyst 9300',
      type: 'network_device',
      manufacturer: 'Cisco',
      model: 'Catalyst 9300',
      endOfLife: inDays(75),
      location: 'Berlin HQ / server room',
    });
    const lic = await api('technician', 'POST', '/api/v1/assets', {
      name: 'Adobe Acrobat Pro',
      type: 'licence',
    });
    await api('technician', 'PUT', `/api/v1/assets/${lic.id}/licence`, {
      seats: 1,
      softwareName: 'Acrobat Pro DC',
      expiresOn: inDays(30),
    });
    for (const who of ['requester', 'technician'] as const)
      await api('technician', 'POST', `/api/v1/assets/${lic.id}/licence/assignments`, { userId: ids[who] });
    // Two earlier repairs from an earlier ticket: 140 € and 280 €.
    const earlier = (
      await api('requester', 'POST', '/api/v1/tickets', {
        title: 'Laptop fan loud',
        description: 'It whines.',
        type: 'incident',
      })
    ).id;
    await api('technician', 'POST', `/api/v1/tickets/${earlier}/assets`, { assetId: laptop });
    for (const cost of [14_000, 28_000]) {
      const r = await api('technician', 'POST', `/api/v1/tickets/${earlier}/assets/${laptop}/repair`, {
        kind: 'vendor_rma',
        rmaNumber: `RMA-${cost}`,
      });
      await api('technician', 'POST', `/api/v1/assets/${laptop}/repairs/${r.id}/close`, {
        outcome: 'repaired',
        cost: { amountMinor: cost, currency: 'EUR' },
      });
    }
    ticket = (
      await api('requester', 'POST', '/api/v1/tickets', {
        title: 'Laptop will not boot after update',
        description: 'Black screen after the BIOS logo.',
        type: 'incident',
      })
    ).id;
    await api('technician', 'POST', `/api/v1/tickets/${ticket}/assets`, { assetId: laptop });
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

  it('the ticket’s Assets panel and the lifecycle page hold at every size, light and dark', async () => {
    const tech = await signedIn.page(people.technician.email, password, { at: `/tickets/${ticket}` });
    await eachLayout(tech.page, async ({ label }) => {
      const panel = tech.page.getByRole('region', { name: 'Assets' });
      await panel.getByText(/2 repairs in 12 months, €420 spent, replacement €900/).waitFor();
      // The reload closed the forms: opened again for each variant.
      await panel.getByRole('button', { name: 'Repair' }).click();
      await panel.getByRole('button', { name: 'Vendor RMA' }).click();
      await panel.scrollIntoViewIfNeeded();
      await check(tech.page, `ticket-assets-${label}`);
    });
    await tech.context.close();

    const manager = await signedIn.page(people.manager.email, password, { at: '/assets/lifecycle' });
    await eachLayout(manager.page, async ({ label }) => {
      await manager.page.getByRole('link', { name: 'LT-0042 ThinkPad T14' }).waitFor();
      await manager.page
        .getByRole('cell', { name: /Catalyst 9300/ })
        .first()
        .waitFor({ state: 'attached' });
      await check(manager.page, `lifecycle-${label}`);
      await manager.page.getByRole('heading', { name: 'Models that fail most' }).scrollIntoViewIfNeeded();
      await manager.page
        .getByRole('region', { name: 'Models that fail most' })
        .getByRole('cell', { name: /ThinkPad T14 Gen 4/ })
        .waitFor();
      await check(manager.page, `lifecycle-failures-${label}`);
    });
    await manager.context.close();
  }, 240_000);

  it('a technician turns the ticket into a replacement request', async () => {
    const { context, page } = await signedIn.page(people.technician.email, password, {
      at: `/tickets/${ticket}`,
    });
    const panel = page.getByRole('region', { name: 'Assets' });
    await panel.getByRole('button', { name: 'Replace' }).click();
    await panel.getByLabel('What the replacement needs').fill('14" screen, docking via USB-C');
    await panel.getByRole('button', { name: 'Request quotes' }).click();
    await panel.getByText(/Replacement asked for: request for quotes #\d+/).waitFor();
    await check(page, 'ticket-assets-replacement-desktop-light');
    const asset = await api('technician', 'GET', `/api/v1/assets/${laptop}`);
    expect(asset.replacementRequestId).not.toBeNull();
    const rfq = await api('manager', 'GET', `/api/v1/quote-requests/${asset.replacementRequestId}`);
    expect(rfq).toMatchObject({ assetId: laptop, ticketId: ticket, status: 'open', currency: 'EUR' });
    expect(rfq.what).toBe('Replacement for LT-0042 ThinkPad T14 (Lenovo ThinkPad T14 Gen 4)');
    expect(rfq.spec).toContain('docking via USB-C');
    await context.close();
  }, 120_000);
});
