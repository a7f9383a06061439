// The web app in a real browser (Debian's Chromium through playwright-core) against a real server on a
// temporary database: the help-desk round trip between a requester and a technician, live updates, the
// admin's user creation, every main page at desktop and phone width (screenshots in test-output/e2e,
// no serious or critical axe-core violations), and the performance figures the README reports.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, createUser, systemActor } from '../../src/core/auth/index.js';
import { createCategory, createTicket } from '../../src/helpdesk/index.js';
import {
  desktop,
  ensureWebBuilt,
  launch,
  outDir,
  phone,
  requireChromium,
  root,
  type Server,
  SignedIn,
  screenshot,
  seriousViolations,
} from './browser.js';

const password = 'e2e-password-1';
const people = {
  admin: { email: 'admin@e2e.test', name: 'Ada Admin', role: 'admin' as const },
  manager: { email: 'manager@e2e.test', name: 'Max Manager', role: 'manager' as const },
  tech: { email: 'tech@e2e.test', name: 'Tina Tech', role: 'technician' as const },
  tech2: { email: 'tech2@e2e.test', name: 'Theo Tech', role: 'technician' as const },
  requester: { email: 'rita@e2e.test', name: 'Rita Requester', role: 'requester' as const },
};
type Who = keyof typeof people;

describe('web app in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const signedIn = new SignedIn(
    () => browser,
    () => server.base,
  );
  const ids = {} as Record<Who, number>;
  const perf: Record<string, number | string> = {};
  let ticketId = 0;

  async function apiAs(who: Who, method: string, url: string, body?: unknown) {
    const login = await fetch(`${server.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: people[who].email, password }),
    });
    const { token } = (await login.json()) as { token: string };
    const res = await fetch(`${server.base}${url}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  }

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    fs.rmSync(outDir, { recursive: true, force: true });
    server = await (await import('./browser.js')).startServer();
    for (const [key, p] of Object.entries(people) as [Who, (typeof people)[Who]][]) {
      ids[key] = (await createUser(server.ctx, null, { ...p, password })).id;
    }
    await createGroup(server.ctx, null, {
      name: 'Service desk',
      description: 'First line',
      memberIds: [ids.tech, ids.tech2],
    });
    await createCategory(server.ctx, null, { name: 'Hardware' });
    await createCategory(server.ctx, null, { name: 'Access' });
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    let t = Date.now();
    await browser?.close();
    console.log('browser closed', Date.now() - t);
    t = Date.now();
    await server?.close();
    console.log('server closed', Date.now() - t);
    if (Object.keys(perf).length) {
      fs.mkdirSync(outDir, { recursive: true });
      fs.writeFileSync(path.join(outDir, 'performance.json'), `${JSON.stringify(perf, null, 2)}\n`);
      console.log('web performance:', perf);
    }
  });

  it('serves deep links, the 404 problem for unknown API paths, and immutable assets', async () => {
    const deep = await fetch(`${server.base}/tickets/123`, { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
    expect(await deep.text()).toContain('<div id="root">');
    const api = await fetch(`${server.base}/api/v1/nope`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('problem+json');
    const html = await (await fetch(`${server.base}/`)).text();
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const res = await fetch(`${server.base}${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
  });

  it('a requester files a ticket with an attachment', async () => {
    const { context, page } = await signedIn.page(people.requester.email, password);
    expect(new URL(page.url()).pathname).toBe('/requests');
    await page.getByRole('link', { name: 'New request' }).first().click();
    await page.getByLabel('Title').fill('Laptop screen flickers');
    await page.getByLabel('Description').fill('Since Monday the screen flickers when on battery.');
    await page.getByLabel('Category').selectOption({ label: 'Hardware' });
    await page.getByLabel('Attachments').setInputFiles({
      name: 'flicker-notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('flickers at 50% brightness\n'),
    });
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.waitForURL(/\/requests\/\d+$/);
    ticketId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.getByText('Your request was filed').waitFor();
    await page.getByRole('link', { name: 'flicker-notes.txt' }).waitFor();
    await context.close();
  });

  it('a technician finds it unassigned, takes it, writes an internal note and a public reply', async () => {
    const { context, page } = await signedIn.page(people.tech.email, password);
    await page.getByRole('link', { name: 'Unassigned' }).click();
    const row = page.getByRole('link', { name: /Laptop screen flickers/ });
    await row.waitFor();
    const t0 = Date.now();
    await row.click();
    await page.getByRole('heading', { level: 1, name: /Laptop screen flickers/ }).waitFor();
    await page.getByText('flickers when on battery').waitFor();
    perf.ticketOpenAfterClickMs = Date.now() - t0;
    await page
      .getByRole('list', { name: 'Timeline' })
      .getByRole('link', { name: 'flicker-notes.txt' })
      .waitFor();

    // Assign to me with the keyboard shortcut.
    await page.locator('body').press('a');
    await expect.poll(() => page.getByLabel('Assignee').inputValue()).toBe(String(ids.tech));

    await page.getByRole('button', { name: 'Internal note' }).click();
    await page
      .getByLabel('Internal note (staff only)')
      .fill('Known issue with the panel firmware; check model first.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Known issue with the panel firmware').waitFor();

    await page.getByRole('button', { name: 'Public reply' }).click();
    await page
      .getByLabel('Public reply to the requester')
      .fill('Thanks Rita — please update the display driver; we pushed it to your laptop.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText('please update the display driver').waitFor();

    await page.getByLabel('Status').selectOption('resolved');
    await expect.poll(() => page.getByLabel('Status').inputValue()).toBe('resolved');
    await context.close();
  });

  it('the requester sees the reply but not the note, and rates the resolution', async () => {
    const { context, page } = await signedIn.page(people.requester.email, password, {
      at: `/requests/${ticketId}`,
    });
    await page.getByText('please update the display driver').waitFor();
    expect(await page.getByText('panel firmware').count()).toBe(0);
    expect(await page.content()).not.toContain('panel firmware');
    await page.getByText('We marked this request as resolved').waitFor();
    await page.getByRole('radio', { name: '5 of 5' }).check();
    await page.getByLabel('Comment (optional)').fill('Fixed within the hour, thanks!');
    await page.getByRole('button', { name: 'Send rating' }).click();
    await page.getByText('You rated this resolution').waitFor();
    await context.close();
    const t = await apiAs('manager', 'GET', `/api/v1/tickets/${ticketId}`);
    expect(t.body.satisfaction).toBe(5);
  });

  it('a ticket list updates within 2 s when someone else changes a ticket, and says who', async () => {
    const { context, page } = await signedIn.page(people.tech.email, password, { at: '/queue?queue=open' });
    await page.getByRole('heading', { name: 'All open' }).waitFor();
    await page.locator('.live-dot.on').waitFor();
    const created = await apiAs('requester', 'POST', '/api/v1/tickets', {
      title: 'Printer on floor 2 is offline',
      description: 'since noon',
    });
    const t0 = Date.now();
    await page.getByRole('link', { name: /Printer on floor 2 is offline/ }).waitFor({ timeout: 2000 });
    perf.liveListUpdateMs = Date.now() - t0;
    await page.getByText(`Rita Requester filed #${created.body.id}`).waitFor({ timeout: 2000 });
    await apiAs('tech2', 'PATCH', `/api/v1/tickets/${created.body.id}`, { priority: 'very_high' });
    await page
      .getByText(`Theo Tech set priority to very high on #${created.body.id}`)
      .waitFor({ timeout: 2000 });
    const row = page.getByRole('row', { name: /Printer on floor 2/ });
    await row.getByText('Critical').waitFor({ timeout: 2000 });
    await context.close();
  });

  it('the admin creates a user', async () => {
    const { context, page } = await signedIn.page(people.admin.email, password, { at: '/admin/users' });
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Add a user' }) });
    await form.getByLabel('Name').fill('Nina New');
    await form.getByLabel('Email').fill('nina@e2e.test');
    await form.getByLabel('Role').selectOption('technician');
    await form.getByLabel('Password').fill('nina-password-1');
    await form.getByLabel('Group').selectOption({ label: 'Service desk' });
    await form.getByRole('button', { name: 'Add user' }).click();
    await page.getByRole('cell', { name: 'nina@e2e.test' }).waitFor();
    await context.close();
    const login = await fetch(`${server.base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nina@e2e.test', password: 'nina-password-1' }),
    });
    expect(login.status).toBe(200);
  });

  it('a failed request keeps the form text and says why', async () => {
    const { context, page } = await signedIn.page(people.requester.email, password, { at: '/requests/new' });
    await page.getByLabel('Title').fill('VPN certificate expired');
    await page.getByLabel('Description').fill('A long description I do not want to type again.');
    await page.route('**/api/v1/tickets', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          status: 503,
          code: 'database_unavailable',
          detail: 'The database cannot be reached.',
        }),
      }),
    );
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.getByRole('alert').getByText('The database cannot be reached.').waitFor();
    expect(await page.getByLabel('Description').inputValue()).toBe(
      'A long description I do not want to type again.',
    );
    expect(await page.getByLabel('Title').inputValue()).toBe('VPN certificate expired');
    await context.close();
  });

  const pages: { name: string; who: Who; path: string; ready: (p: Page) => Promise<unknown> }[] = [
    {
      name: 'requests',
      who: 'requester',
      path: '/requests',
      ready: (p) => p.getByRole('heading', { name: 'My requests' }).waitFor(),
    },
    {
      name: 'new-request',
      who: 'requester',
      path: '/requests/new',
      ready: (p) => p.getByLabel('Title').waitFor(),
    },
    {
      name: 'request',
      who: 'requester',
      path: '/requests/:id',
      ready: (p) => p.getByText('You rated this resolution').waitFor(),
    },
    {
      name: 'queue',
      who: 'tech',
      path: '/queue?queue=open',
      ready: (p) => p.getByRole('link', { name: /Printer on floor 2/ }).waitFor(),
    },
    {
      name: 'ticket',
      who: 'tech',
      path: '/tickets/:id',
      ready: (p) => p.getByText('panel firmware').waitFor(),
    },
    {
      name: 'dashboard',
      who: 'manager',
      path: '/dashboard',
      ready: (p) => p.locator('.chart canvas').waitFor(),
    },
    {
      name: 'admin-users',
      who: 'admin',
      path: '/admin/users',
      ready: (p) => p.getByRole('cell', { name: 'nina@e2e.test' }).waitFor(),
    },
    {
      name: 'admin-matrix',
      who: 'admin',
      path: '/admin/matrix',
      ready: (p) => p.getByRole('button', { name: 'Save matrix' }).waitFor(),
    },
    {
      name: 'admin-webhooks',
      who: 'admin',
      path: '/admin/webhooks',
      ready: (p) => p.getByLabel('Sends').waitFor(),
    },
  ];

  it('every main page works at desktop and phone width, without serious accessibility violations', async () => {
    const found: string[] = [];
    for (const [label, viewport] of [
      ['desktop', desktop],
      ['phone', phone],
    ] as const) {
      // The sign-in page itself.
      const anon = await browser.newContext({ viewport, baseURL: server.base });
      const signIn = await anon.newPage();
      await signIn.goto('/sign-in');
      await signIn.getByRole('button', { name: 'Sign in' }).waitFor();
      await screenshot(signIn, `sign-in-${label}`);
      for (const v of await seriousViolations(signIn))
        found.push(`sign-in ${label}: ${v.id} ${v.help} ${JSON.stringify(v.nodes)}`);
      await anon.close();

      for (const who of ['requester', 'tech', 'manager', 'admin'] as Who[]) {
        const { context, page } = await signedIn.page(people[who].email, password, { viewport, at: null });
        for (const p of pages.filter((x) => x.who === who)) {
          await page.goto(p.path.replace(':id', String(ticketId)));
          await p.ready(page);
          const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
          expect(scrollWidth, `${p.name} fits ${label} width`).toBeLessThanOrEqual(viewport.width + 1);
          await screenshot(page, `${p.name}-${label}`);
          for (const v of await seriousViolations(page))
            found.push(`${p.name} ${label}: ${v.id} ${v.help} ${JSON.stringify(v.nodes)}`);
        }
        if (who === 'tech' && label === 'desktop') {
          // The dark theme, chosen with the toggle (system → light → dark).
          await page.goto(`/tickets/${ticketId}`);
          await page.getByText('panel firmware').waitFor();
          await page.getByRole('button', { name: /Change theme/ }).click();
          await page.getByRole('button', { name: /Change theme/ }).click();
          expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
          await screenshot(page, 'ticket-desktop-dark');
          for (const v of await seriousViolations(page))
            found.push(`ticket dark: ${v.id} ${v.help} ${JSON.stringify(v.nodes)}`);
        }
        await context.close();
      }
    }
    expect(found).toEqual([]);
  }, 120_000);

  it('the queue stays smooth with 1,000 tickets; first load ships little JavaScript', async () => {
    const requester = { ...systemActor(ids.requester), role: 'requester' as const };
    for (let i = 0; i < 1000; i++) {
      await createTicket(server.ctx, requester, {
        title: `Bulk ticket ${i + 1}: mailbox quota warning`,
        description: 'seeded for the performance run',
        tags: i % 7 === 0 ? ['mail'] : [],
      });
    }
    const { context, page } = await signedIn.page(people.tech.email, password);
    // First load: every script the browser fetched for the sign-in page and the start page, gzipped.
    const scripts = new Set<string>();
    const fresh = await browser.newContext({ viewport: desktop, baseURL: server.base });
    const first = await fresh.newPage();
    first.on('response', (r) => {
      const u = new URL(r.url());
      if (u.pathname.endsWith('.js')) scripts.add(u.pathname);
    });
    await first.goto('/sign-in');
    await first.getByRole('button', { name: 'Sign in' }).waitFor();
    await first.waitForLoadState('networkidle');
    const gz = [...scripts].reduce(
      (n, p) => n + zlib.gzipSync(fs.readFileSync(path.join(root, 'web', 'dist', p)), { level: 9 }).length,
      0,
    );
    perf.firstLoadJsGzipKB = Math.round(gz / 102.4) / 10;
    perf.firstLoadScripts = [...scripts].join(' ');
    await fresh.close();
    expect(gz).toBeLessThanOrEqual(300 * 1024);

    // The queue with 1,000 open tickets: from navigation to rows on screen and the page answering input.
    const t0 = Date.now();
    await page.goto('/queue?queue=open');
    await page.getByRole('link', { name: /Bulk ticket 1000:/ }).waitFor();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
    perf.queue1000InteractiveMs = Date.now() - t0;

    // Virtualised: scrolling through pages of the server's list keeps the DOM small.
    const scroller = page.getByTestId('queue-scroll');
    for (let i = 0; i < 12; i++) {
      await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
      await page.waitForTimeout(120);
    }
    await page.getByRole('link', { name: /Bulk ticket 1:/ }).waitFor({ timeout: 10_000 });
    const rendered = await page.locator('.tt-scroll .tt-row').count();
    expect(rendered).toBeLessThan(80);
    perf.queueRowsInDom = rendered;

    // A ticket page after a click, from the queue.
    await page.goto('/queue?queue=open');
    const link = page.getByRole('link', { name: /Bulk ticket 990:/ });
    await link.waitFor();
    const t1 = Date.now();
    await link.click();
    await page.getByRole('heading', { level: 1, name: /Bulk ticket 990:/ }).waitFor();
    await page.getByRole('list', { name: 'Timeline' }).waitFor();
    perf.ticketOpenFromQueue1000Ms = Date.now() - t1;

    // The keyboard moves to the next ticket of the queue.
    const before = page.url();
    await page.locator('body').press('j');
    await page.waitForURL((u) => u.href !== before && /\/tickets\/\d+$/.test(u.pathname));

    // Bulk: select two tickets, assign them to me; then save the filtered list as a view.
    await page.goto('/queue?queue=open');
    await page.getByRole('group', { name: 'Filters' }).getByLabel('Tag').fill('mail');
    await page.waitForURL(/tag=mail/);
    await page.getByRole('link', { name: /Bulk ticket 995:/ }).waitFor();
    await page
      .getByRole('checkbox', { name: /^Select #/ })
      .nth(0)
      .check();
    await page
      .getByRole('checkbox', { name: /^Select #/ })
      .nth(1)
      .check();
    await page
      .getByRole('region', { name: 'Bulk actions' })
      .getByRole('button', { name: 'Assign to me' })
      .click();
    await page.getByText('Changed 2 tickets.').waitFor();
    const mine = await apiAs('tech', 'GET', '/api/v1/tickets?assigneeId=me&tag=mail');
    expect(mine.body.items).toHaveLength(2);
    await page.getByLabel('Name for this view').fill('Mail quota');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('link', { name: 'Mail quota' }).waitFor();
    await page.goto('/queue?queue=mine');
    const view = page.getByRole('link', { name: 'Mail quota' });
    await view.waitFor();
    // On a loaded CI machine one click, landing while the sidebar renders again, was once lost: click until
    // the view opens (it must, within the time).
    await expect
      .poll(
        async () => {
          if (!/tag=mail/.test(page.url())) await view.click();
          return page.url();
        },
        { timeout: 30_000 },
      )
      .toMatch(/tag=mail/);
    await context.close();
  }, 180_000);
});
