// Suppliers in Chromium: vendors, a contract renewing in 60 days, a budget line and a request for quotes with
// three quotes, all made through the API; a manager opens each supplier page (the overview, vendors, a vendor,
// contracts with the renewals calendar, a contract, budgets, the requests and one request with its comparison),
// moves a weight and awards the recommended quote. Every page at 1280 px and 390 px, light and dark, without
// clipped or overlapping text or serious axe violations (screenshots in test-output/e2e-vendors).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
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
  seriousViolations,
  startServer,
} from './browser.js';
import { layoutProblems } from './layout.js';

const shots = path.join(root, 'test-output', 'e2e-vendors');
const password = 'e2e-vendors-password';
const people = {
  manager: { email: 'vend-manager@e2e.test', name: 'Mona Manager', role: 'manager' as const },
};
type Who = keyof typeof people;
const day = 86_400_000;

describe('suppliers in Chromium', () => {
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
  const ids = { vendor: 0, contract: 0, request: 0, line: 0 };

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    for (const p of Object.values(people)) await createUser(server.ctx, null, { ...p, password });
    const year = new Date().getUTCFullYear();
    const line = await api('manager', 'POST', '/api/v1/budget-lines', {
      name: 'Server hardware',
      category: 'hardware',
      fiscalYear: year,
      currency: 'EUR',
      plannedMinor: 3_000_000,
    });
    ids.line = line.id;
    await api('manager', 'POST', `/api/v1/budget-lines/${line.id}/entries`, {
      kind: 'spend',
      amountMinor: 120_000,
      at: new Date(Date.UTC(year, 0, 2)).toISOString(),
      description: 'Spare power supplies',
    });
    const vendor = (name: string, tag: string, supplies: string[]) =>
      api('manager', 'POST', '/api/v1/vendors', {
        name,
        categories: ['hardware'],
        supplies,
        ticketTag: tag,
        contacts: [
          {
            name: `Sales at ${name}`,
            role: 'Account manager',
            email: `sales@${tag}.example`,
            phone: '+49 30 1234567',
          },
        ],
      });
    const acme = await vendor('Acme Servers', 'acme', ['servers', 'support']);
    const bolt = await vendor('Bolt Systems', 'bolt', ['servers', 'storage']);
    const core = await vendor('Core Hardware', 'core', ['servers']);
    ids.vendor = acme.id;
    // Renewing in 60 days: a one-year term that started ten months ago less a few days.
    const ends = new Date(Date.now() + 60 * day);
    const contract = await api('manager', 'POST', '/api/v1/contracts', {
      vendorId: acme.id,
      title: 'Server support and maintenance',
      type: 'support',
      startsAt: new Date(ends.getTime() - 365 * day).toISOString(),
      endsAt: ends.toISOString(),
      autoRenew: true,
      renewalMonths: 12,
      noticeDays: 30,
      currency: 'EUR',
      oneOffMinor: 50_000,
      recurringMinor: 45_000,
      recurringPeriod: 'month',
      budgetLineId: line.id,
      services: ['File service', 'Mail'],
      assetIds: [12, 13],
      slaText: 'Next business day on-site repair.',
      slaTargets: [{ name: 'Response', target: '4 hours' }],
    });
    ids.contract = contract.id;
    await api('manager', 'POST', '/api/v1/contracts', {
      vendorId: bolt.id,
      title: 'Storage licence',
      type: 'licence',
      startsAt: new Date(Date.now() - 100 * day).toISOString(),
      termMonths: 12,
      autoRenew: false,
      noticeDays: 60,
      currency: 'EUR',
      recurringMinor: 1_200_000,
      recurringPeriod: 'year',
      budgetLineId: line.id,
    });
    const request = await api('manager', 'POST', '/api/v1/quote-requests', {
      what: 'Two file servers',
      quantity: 2,
      spec: '2U, 64 GB ECC, 8 × 4 TB',
      budgetLineId: line.id,
      termMonths: 36,
      requirements: [
        { key: 'ecc', text: 'ECC memory', mandatory: true, weight: 3 },
        { key: 'nbd', text: 'Next business day support', weight: 2 },
        { key: 'rails', text: 'Rack rails included', weight: 1 },
      ],
    });
    ids.request = request.id;
    const quote = (vendorId: number, price: number, support: number, met: string[]) =>
      api('manager', 'POST', `/api/v1/quote-requests/${request.id}/quotes`, {
        vendorId,
        reference: `Q-${vendorId}`,
        currency: 'EUR',
        requirementsMet: met,
        lines: [
          { description: 'File server', kind: 'purchase', quantity: 2, unitPriceMinor: price },
          { description: 'Support', kind: 'support', quantity: 2, unitPriceMinor: support, period: 'year' },
          { description: 'Power', kind: 'energy', quantity: 2, unitPriceMinor: 1_500, period: 'month' },
        ],
      });
    await quote(acme.id, 620_000, 40_000, ['ecc', 'nbd', 'rails']);
    await quote(bolt.id, 560_000, 55_000, ['ecc', 'nbd']);
    await quote(core.id, 490_000, 30_000, ['rails']);
    browser = await launch();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const problems: string[] = [];
  async function check(page: Page, name: string) {
    await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
    for (const p of await layoutProblems(page)) problems.push(`${name}: ${p}`);
    for (const v of await seriousViolations(page)) problems.push(`${name}: axe ${v.id}: ${v.help}`);
  }

  it('every supplier page holds at every size, light and dark', async () => {
    const pages: [string, string, (p: Page) => Promise<unknown>][] = [
      [
        'suppliers',
        '/suppliers',
        (p) => p.getByRole('heading', { name: 'Renewals in the next 90 days' }).waitFor(),
      ],
      ['vendors', '/vendors', (p) => p.getByRole('link', { name: 'Core Hardware' }).waitFor()],
      [
        'vendor',
        `/vendors/${ids.vendor}`,
        (p) => p.getByText('Server support and maintenance').first().waitFor(),
      ],
      ['contracts', '/contracts', (p) => p.getByRole('link', { name: 'Storage licence' }).first().waitFor()],
      [
        'contract',
        `/contracts/${ids.contract}`,
        (p) => p.getByRole('heading', { name: 'Term and renewal' }).waitFor(),
      ],
      ['budgets', `/budgets?line=${ids.line}`, (p) => p.getByText('Spare power supplies').waitFor()],
      [
        'quote-requests',
        '/quote-requests',
        (p) => p.getByRole('link', { name: /Two file servers/ }).waitFor(),
      ],
      ['quote-request', `/quote-requests/${ids.request}`, (p) => p.getByLabel('Recommendation').waitFor()],
    ];
    // One context; each address in a page of its own, taken through the widths and schemes by reloading it.
    const { context } = await signedIn.page(people.manager.email, password, { at: null });
    for (const [name, url, ready] of pages) {
      const page = await context.newPage();
      await page.goto(url);
      await eachLayout(page, async ({ label }) => {
        await ready(page);
        await check(page, `${name}-${label}`);
      });
      await page.close();
    }
    await context.close();
    expect(problems).toEqual([]);
  }, 400_000);

  it('a manager moves a weight and awards the recommended quote', async () => {
    const { context, page } = await signedIn.page(people.manager.email, password, { at: '/queue' });
    await openArea(page, 'Suppliers');
    await page.waitForURL((u) => u.pathname === '/suppliers');
    await page.getByRole('link', { name: /Two file servers/ }).click();
    await page.waitForURL((u) => u.pathname === `/quote-requests/${ids.request}`);
    const recommendation = page.getByLabel('Recommendation');
    await recommendation.waitFor();
    // Price alone: the cheapest quote qualified (Bolt; Core misses the mandatory ECC) leads.
    for (const name of ['Fit to requirements', 'Vendor performance']) {
      const slider = page.getByRole('slider', { name: new RegExp(name) });
      await slider.focus();
      await slider.press('Home');
    }
    await page.waitForResponse((r) => r.url().includes('/comparison?') && r.url().includes('fit=0'));
    await expect.poll(() => recommendation.textContent()).toContain('Bolt Systems');
    const comparison = await api(
      'manager',
      'GET',
      `/api/v1/quote-requests/${ids.request}/comparison?price=60&fit=0&performance=0`,
    );
    expect(comparison.recommendation.vendorName).toBe('Bolt Systems');
    await page.getByRole('button', { name: 'Award to Bolt Systems' }).click();
    await page.getByText(/Awarded: .* committed to the budget line/).waitFor();
    const after = await api('manager', 'GET', `/api/v1/quote-requests/${ids.request}`);
    expect(after.status).toBe('awarded');
    const line = await api('manager', 'GET', `/api/v1/budget-lines/${ids.line}`);
    expect(
      line.entries.some(
        (e: { kind: string; quoteRequestId: number }) =>
          e.kind === 'purchase' && e.quoteRequestId === ids.request,
      ),
    ).toBe(true);
    await context.close();
  }, 120_000);
});
