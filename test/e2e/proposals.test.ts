// Upgrade proposals in Chromium: a manager opens Proposals from the main navigation's More menu, reads the disk
// forecast's proposal (its chart drawn from the stored samples) and approves it — landing on the change it raised.
// The list and a proposal's page at 1280 px and 390 px, light and dark, without clipped or overlapping text or
// serious axe violations (screenshots in test-output/e2e-proposals).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { metricStore } from '../../src/monitoring/index.js';
import { proposeFromCapacity } from '../../src/proposals/index.js';
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

const shots = path.join(root, 'test-output', 'e2e-proposals');
const password = 'e2e-proposals-password';
const people = {
  technician: { email: 'prop-tech@e2e.test', name: 'Theo Technician', role: 'technician' as const },
  manager: { email: 'prop-manager@e2e.test', name: 'Mona Manager', role: 'manager' as const },
};
type Who = keyof typeof people;
const day = 86_400_000;

describe('upgrade proposals in Chromium', () => {
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
  let disk = 0;
  let memory = 0;

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    for (const p of Object.values(people)) await createUser(server.ctx, null, { ...p, password });
    const target = await api('manager', 'POST', '/api/v1/monitoring/targets', {
      name: 'fileserver-01',
      kind: 'host',
    });
    // A week of the share volume filling, scraped every minute.
    const now = Date.now();
    const labels = { job: 'node', target: 'fileserver-01', mountpoint: '/srv/shares' };
    const timestamps: number[] = [];
    for (let t = now - 7 * day; t <= now; t += 60_000) timestamps.push(t);
    const size = 4e12;
    await metricStore(server.ctx).append(
      [
        {
          labels: { __name__: 'node_filesystem_avail_bytes', ...labels },
          timestamps,
          values: timestamps.map((t) => size * (0.3 - (0.006 * (t - (now - 7 * day))) / day)),
        },
        {
          labels: { __name__: 'node_filesystem_size_bytes', ...labels },
          timestamps,
          values: timestamps.map(() => size),
        },
      ],
      { key: 'self', maxSeries: 100 },
    );
    const m = 'target="fileserver-01",mountpoint="/srv/shares"';
    const found = await proposeFromCapacity(
      server.ctx,
      [
        {
          targetId: target.id,
          resource: 'disk',
          detail: '/srv/shares',
          crossesAt: now + 31 * day,
          earliest: now + 24 * day,
          latest: now + 43 * day,
          headroom: 0.142,
          threshold: 0.9,
          query: `1 - node_filesystem_avail_bytes{${m}} / node_filesystem_size_bytes{${m}}`,
        },
      ],
      { chartMs: 7 * day },
    );
    disk = found.items[0]?.proposalId as number;
    await api('technician', 'PATCH', `/api/v1/proposals/${disk}`, {
      what: 'Add 2 TB to the share volume (two 2 TB SAS disks, RAID 1)',
      cost: { amountMinor: 84_000, currency: 'EUR' },
    });
    memory = (
      await api('technician', 'POST', '/api/v1/proposals', {
        title: 'More memory for fileserver-01',
        targetId: target.id,
        resource: 'memory',
        what: 'Add 32 GB RAM',
        summary: 'The SMB service pages out at the morning logon peak.',
        dueAt: new Date(now + 20 * day).toISOString(),
        cost: { amountMinor: 38_000, currency: 'EUR' },
      })
    ).id;
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

  it('the list and a proposal hold at every size, light and dark', async () => {
    const { context, page: p } = await signedIn.page(people.manager.email, password, { at: null });
    await eachLayout(p, async ({ label }) => {
      await p.goto('/proposals');
      await p.getByRole('link', { name: /Disk \/srv\/shares on fileserver-01/ }).waitFor();
      await check(p, `proposals-${label}`);
      await p.goto(`/proposals/${disk}`);
      await p.locator('.chart .u-over').waitFor();
      await check(p, `proposal-${label}`);
      await p.getByRole('heading', { name: 'Decide' }).scrollIntoViewIfNeeded();
      await p.getByRole('button', { name: 'Defer…' }).click();
      await p.getByRole('button', { name: 'Defer', exact: true }).scrollIntoViewIfNeeded();
      await check(p, `proposal-defer-${label}`);
    });
    await context.close();
  }, 240_000);

  it('a manager approves a proposal from the list and lands on its change', async () => {
    const { context, page } = await signedIn.page(people.manager.email, password, { at: '/queue' });
    await openArea(page, 'Proposals');
    await page.waitForURL((u) => u.pathname === '/proposals');
    await page.getByRole('link', { name: 'More memory for fileserver-01' }).click();
    await page.waitForURL((u) => u.pathname === `/proposals/${memory}`);
    await page.getByRole('button', { name: 'Approve…' }).click();
    await page.getByLabel('Quantity').fill('2');
    await page.getByLabel('Specification for the quotes').fill('16 GB DDR4 ECC RDIMM');
    await check(page, 'proposal-approve-desktop-light');
    await page.getByRole('button', { name: 'Approve and raise the change' }).click();
    await page.waitForURL((u) => /^\/changes\/\d+$/.test(u.pathname));
    await page.getByRole('heading', { name: /More memory for fileserver-01/ }).waitFor();
    const changeId = Number(new URL(page.url()).pathname.split('/').at(-1));
    const p = await api('manager', 'GET', `/api/v1/proposals/${memory}`);
    expect(p).toMatchObject({
      status: 'approved',
      changeId,
      quoteRequest: { quantity: 2, spec: '16 GB DDR4 ECC RDIMM' },
    });
    await check(page, 'change-from-proposal-desktop-light');
    await context.close();
  }, 120_000);
});
