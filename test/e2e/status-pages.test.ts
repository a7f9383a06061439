// Status pages in Chromium against one real server: an anonymous reader opens a public page (overall state, the
// active announcement with its updates, maintenance, components with 90-day uptime bars, history) and subscribes
// by mail; a requester sees the portal banner on their request list and new-request form; a manager opens the
// editor and adds a component, picking its target by name. Every view at 1280 px and 390 px in light and dark,
// screenshots in test-output/e2e-status, with no horizontal overflow, no clipped or overlapping text and no
// serious axe-core violations.
import path from 'node:path';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { JobScheduler } from '../../src/core/jobs.js';
import { registerStatusPages, setStatusPagePorts } from '../../src/monitoring/index.js';
import {
  apiCaller,
  desktop,
  eachLayout,
  ensureWebBuilt,
  type LayoutVariant,
  launch,
  phone,
  requireChromium,
  root,
  type Server,
  screenshot,
  seriousViolations,
  startServer,
} from './browser.js';
import { layoutProblems } from './layout.js';

const shots = path.join(root, 'test-output', 'e2e-status');
const password = 'e2e-status-password';
const people = {
  manager: { email: 'status-manager@e2e.test', name: 'Mona Manager', role: 'manager' as const },
  requester: { email: 'status-req@e2e.test', name: 'Rolf Requester', role: 'requester' as const },
};
type Who = keyof typeof people;

/** 90 days of uptime per target, from a small seeded generator: mostly up, a bad day or two, not monitored early. */
function fakeUptime(seed: number, days: number): (number | null)[] {
  let x = seed;
  const next = () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  return Array.from({ length: days }, (_, d) => {
    if (d < 6 * seed) return null;
    const r = next();
    return r > 0.97 ? 0.62 + r / 10 : r > 0.9 ? 0.996 : 1;
  });
}

describe('status pages in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let categoryId = 0;
  const apiAs = apiCaller<Who>(
    () => server.base,
    (who) => people[who].email,
    password,
  );

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    registerStatusPages(server.ctx, new JobScheduler(pino({ level: 'silent' })));
    for (const p of Object.values(people)) await createUser(server.ctx, null, { ...p, password });
    const now = Date.now();
    const target = async (name: string, state: 'up' | 'down') =>
      (
        await server.ctx.db
          .insertInto('monitoring_targets')
          .values({
            name,
            kind: 'service',
            description: '',
            tags: '[]',
            state,
            state_since: now,
            created_at: now,
            updated_at: now,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
    const vpn = await target('vpn-gw-01', 'up');
    const mail = await target('mail-relay', 'up');
    const wiki = await target('wiki', 'down');
    // Not on the page yet: the manager adds it by name.
    await target('print-server', 'up');
    const seeds = new Map([
      [vpn, 1],
      [mail, 2],
      [wiki, 3],
    ]);
    setStatusPagePorts(server.ctx, {
      dailyUptime: async (_ctx, ids, _to, days) =>
        new Map(ids.map((id) => [id, fakeUptime(seeds.get(id) ?? 1, days)])),
    });
    const category = await apiAs('manager', 'POST', '/api/v1/categories', { name: 'VPN and remote access' });
    categoryId = category.id;
    const page = await apiAs('manager', 'POST', '/api/v1/monitoring/status-pages', {
      slug: 'it',
      title: 'Northwind IT services',
      description: 'What works and what does not, before you file a ticket.',
      audience: 'public',
      components: [
        {
          targetId: vpn,
          displayName: 'VPN (remote access)',
          section: 'Remote work',
          categoryId: category.id,
        },
        { targetId: mail, displayName: 'Mail and calendar', section: 'Collaboration' },
        { targetId: wiki, displayName: 'Team wiki', section: 'Collaboration' },
      ],
    });
    const [vpnC, mailC] = page.components.map((c: { id: number }) => c.id);
    const past = await apiAs('manager', 'POST', `/api/v1/monitoring/status-pages/${page.id}/incidents`, {
      title: 'Mail delayed',
      impact: 'minor',
      message: 'Outgoing mail queued for up to 20 minutes.',
      componentIds: [mailC],
    });
    await apiAs(
      'manager',
      'POST',
      `/api/v1/monitoring/status-pages/${page.id}/incidents/${past.id}/updates`,
      {
        message: 'The relay caught up; all mail delivered.',
        state: 'resolved',
      },
    );
    const active = await apiAs('manager', 'POST', `/api/v1/monitoring/status-pages/${page.id}/incidents`, {
      title: 'VPN degraded',
      impact: 'major',
      message: 'Connections drop after a few minutes for some users. We know — no need to file a ticket.',
      componentIds: [vpnC],
    });
    await apiAs(
      'manager',
      'POST',
      `/api/v1/monitoring/status-pages/${page.id}/incidents/${active.id}/updates`,
      {
        message: 'A faulty line card in the VPN concentrator; a replacement is on its way.',
        state: 'identified',
      },
    );
    await server.ctx.db
      .insertInto('monitoring_maintenance_windows')
      .values({
        name: 'Mail server patching',
        description: 'Mail may be unavailable for up to 30 minutes.',
        target_ids: JSON.stringify([mail]),
        starts_at: now + 2 * 86_400_000,
        ends_at: now + 2 * 86_400_000 + 3_600_000,
        time_zone: 'UTC',
        created_at: now,
        updated_at: now,
      })
      .execute();
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function check(page: Page, name: string, width: number, found: string[]) {
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    if (scrollWidth > width + 1) found.push(`${name}: ${scrollWidth}px wide in ${width}px`);
    for (const problem of await layoutProblems(page)) found.push(`${name}: ${problem}`);
    for (const v of await seriousViolations(page))
      found.push(`${name}: ${v.id} ${v.help} ${JSON.stringify(v.nodes)}`);
    await screenshot(page, name, shots);
  }

  it('the public page, the portal banner and the editor fit desktop, phone, desktop-dark and phone-dark', async () => {
    const found: string[] = [];
    /** The variant's name in the screenshots and messages, and its width. */
    const named = ({ width, scheme }: LayoutVariant) =>
      [scheme === 'light' ? width : `${width}-dark`, (width === 'phone' ? phone : desktop).width] as const;
    // An anonymous reader: one context, the page resized and reloaded for each variant (its cache warm).
    const anon = await browser.newContext({ viewport: desktop, baseURL: server.base });
    const reader = await anon.newPage();
    await reader.goto('/status/it');
    await eachLayout(reader, async (variant) => {
      const [label, width] = named(variant);
      await reader.getByRole('heading', { name: 'Current incidents' }).waitFor();
      expect(await reader.getByRole('status').first().textContent()).toContain('Major outage');
      expect(await reader.locator('.announcement').first().textContent()).toContain('faulty line card');
      expect(await reader.locator('.uptime-bars').first().locator('li').count()).toBe(90);
      await check(reader, `status-page-${label}`, width, found);
      if (label === 'desktop') {
        await reader.getByLabel('Email address').fill('reader@example.org');
        await reader.getByRole('button', { name: 'Subscribe' }).click();
        await reader.getByText('confirmation link is on its way').waitFor();
        await screenshot(reader, 'status-page-subscribed-desktop', shots);
      }
    });
    await anon.close();

    // A requester: the banner on their list and on the new-request form; a manager: the editor. Each signs in
    // once, and the page goes through the variants in that context.
    for (const who of ['requester', 'manager'] as Who[]) {
      const context = await browser.newContext({ viewport: desktop, baseURL: server.base });
      const page = await context.newPage();
      await page.goto('/sign-in');
      await page.getByLabel('Email').fill(people[who].email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
      if (who === 'requester') {
        await eachLayout(page, async (variant) => {
          const [label, width] = named(variant);
          for (const [path, name] of [
            ['/requests', 'portal-requests'],
            ['/requests/new', 'portal-new-request'],
          ] as const) {
            await page.goto(path);
            await page.getByRole('region', { name: 'Known problems' }).waitFor();
            expect(await page.locator('.status-banner').textContent()).toMatch(
              /VPN degraded since .+ we know/,
            );
            await check(page, `${name}-${label}`, width, found);
          }
          if (label === 'desktop') {
            // Filed anyway: the request is linked to the known problem, and its timeline says so.
            const ticket = await apiAs('requester', 'POST', '/api/v1/tickets', {
              title: 'VPN drops every few minutes',
              description: 'Since this morning.',
              categoryId,
            });
            while ((await server.ctx.events.dispatchPending()) > 0);
            await page.goto(`/requests/${ticket.id}`);
            await page.getByText('linked to the known problem “VPN degraded”').waitFor();
            await screenshot(page, 'portal-request-linked-desktop', shots);
          }
        });
      } else {
        await page.goto('/status-pages');
        await eachLayout(page, async (variant) => {
          const [label, width] = named(variant);
          await page.getByRole('button', { name: 'Northwind IT services' }).click();
          await page.getByRole('heading', { name: 'Announcements' }).waitFor();
          const editor = page.getByRole('form', { name: 'Edit Northwind IT services' });
          const pickers = editor.getByRole('combobox', { name: 'Target' });
          expect(await pickers.first().inputValue()).toBe('vpn-gw-01');
          await check(page, `status-editor-${label}`, width, found);
          // A new component: its target found by name, not typed as an id.
          await editor.getByRole('button', { name: 'Add component' }).click();
          await pickers.last().fill('print');
          await editor.getByRole('option', { name: 'print-server' }).waitFor();
          await pickers.last().evaluate((el) => el.scrollIntoView({ block: 'center' }));
          await check(page, `status-editor-picker-${label}`, width, found);
          await editor.getByRole('option', { name: 'print-server' }).click();
          expect(await pickers.last().inputValue()).toBe('print-server');
          if (label === 'desktop') {
            // The new component is shown under its target's name until renamed; saved, the page lists it.
            await editor.getByLabel('Shown as').last().fill('Printing');
            await editor.getByRole('button', { name: 'Save page' }).click();
            await page.getByText('4 components').waitFor();
          }
        });
      }
      await context.close();
    }
    expect(found).toEqual([]);
  }, 300_000);
});
