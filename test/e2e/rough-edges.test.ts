// The rough edges a new department hit, in a real browser against a real server: every main page laid out
// without clipped, squeezed or overlapping text at desktop and phone width in both themes (the layout check of
// layout.ts; screenshots in test-output/e2e-layout), the queue's heading naming the status filter, the
// timeline's and the escalation cards' wording for what the SLA engine did, the queue and the ticket showing a
// clock alike, and one language per page under a German browser.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, createUser } from '../../src/core/auth/index.js';
import { createCategory } from '../../src/helpdesk/index.js';
import { runEscalationCycle, subscribeSla } from '../../src/sla/index.js';
import {
  apiCaller,
  desktop,
  ensureWebBuilt,
  launch,
  phone,
  requireChromium,
  root,
  type Server,
  SignedIn,
  screenshot,
  startServer,
} from './browser.js';
import { layoutProblems } from './layout.js';

const shots = path.join(root, 'test-output', 'e2e-layout');
const password = 'e2e-password-1';
const people = {
  admin: { email: 'edge-admin@e2e.test', name: 'Alma Admin', role: 'admin' as const },
  manager: { email: 'edge-manager@e2e.test', name: 'Mona Manager', role: 'manager' as const },
  tech: { email: 'edge-tech@e2e.test', name: 'Toni Tech', role: 'technician' as const },
  requester: { email: 'edge-req@e2e.test', name: 'Rolf Requester', role: 'requester' as const },
};
type Who = keyof typeof people;

describe('rough edges in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const signedIn = new SignedIn(
    () => browser,
    () => server.base,
  );
  const ids = {} as Record<Who, number>;
  const groups = { l1: 0, l2: 0 };
  const seeded = { ticket: 0, urgent: 0, paused: 0 };

  const apiAs = apiCaller<Who>(
    () => server.base,
    (who) => people[who].email,
    password,
  );

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    subscribeSla(server.ctx);
    for (const [key, p] of Object.entries(people) as [Who, (typeof people)[Who]][]) {
      ids[key] = (await createUser(server.ctx, null, { ...p, password })).id;
    }
    groups.l1 = (
      await createGroup(server.ctx, null, { name: 'Service desk L1', description: '', memberIds: [ids.tech] })
    ).id;
    groups.l2 = (
      await createGroup(server.ctx, null, {
        name: 'Infrastructure and data centre operations L2',
        description: 'Servers, storage and the network core',
        memberIds: [],
      })
    ).id;
    await createCategory(server.ctx, null, { name: 'Hardware' });

    const office = await apiAs('admin', 'POST', '/api/v1/sla/calendars', {
      name: 'Berlin office',
      timeZone: 'Europe/Berlin',
      hours: [1, 2, 3, 4, 5].flatMap((day) => [
        { day, start: '08:00', end: '12:00' },
        { day, start: '13:00', end: '17:00' },
      ]),
      holidays: [
        { date: '2026-12-25', name: 'Christmas Day', yearly: true },
        { date: '2026-10-03', name: 'Day of German Unity (Tag der Deutschen Einheit)', yearly: true },
      ],
    });
    const always = await apiAs('admin', 'POST', '/api/v1/sla/calendars', {
      name: 'Around the clock',
      timeZone: 'UTC',
      alwaysOpen: true,
    });
    // First in order: high and critical tickets, whose first level fires at once (30 min before a 30 min
    // target), raising the priority and notifying the assignee — an automatic escalation to no one in
    // particular.
    await apiAs('admin', 'POST', '/api/v1/sla/policies', {
      name: 'Critical infrastructure incidents',
      conditions: { priorities: [4, 5] },
      targets: {
        first_response: { minutes: 30, calendarId: always.id, warnPercent: 80, pauseStatuses: ['pending'] },
        resolution: { minutes: 480, calendarId: office.id, warnPercent: 75, pauseStatuses: ['pending'] },
      },
      levels: [
        {
          level: 1,
          target: 'first_response',
          offsetMinutes: -30,
          actions: [{ type: 'raise_priority' }, { type: 'notify', who: 'assignee' }],
        },
      ],
    });
    await apiAs('admin', 'POST', '/api/v1/sla/policies', {
      name: 'Standard support for every department',
      conditions: {},
      targets: {
        first_response: { minutes: 30, calendarId: always.id, warnPercent: 80, pauseStatuses: ['pending'] },
        next_response: { minutes: 120, calendarId: always.id, warnPercent: 80, pauseStatuses: ['pending'] },
        resolution: { minutes: 960, calendarId: office.id, warnPercent: 75, pauseStatuses: ['pending'] },
      },
      levels: [
        { level: 1, target: 'resolution', offsetMinutes: 0, actions: [{ type: 'notify', who: 'manager' }] },
      ],
    });
    await apiAs('admin', 'PUT', `/api/v1/sla/olas/${groups.l1}`, {
      minutes: 240,
      calendarId: always.id,
      warnPercent: 80,
      pauseStatuses: ['pending'],
    });
    await apiAs('admin', 'PUT', '/api/v1/sla/escalation-path', { groupIds: [groups.l1, groups.l2] });

    const t = await apiAs('requester', 'POST', '/api/v1/tickets', {
      title: 'Storage array reports a failed controller',
      description: 'The SAN dashboard shows controller B offline since 10:00.',
    });
    seeded.ticket = t.id;
    await apiAs('tech', 'PATCH', `/api/v1/tickets/${t.id}`, { groupId: groups.l1 });
    await apiAs('tech', 'POST', `/api/v1/tickets/${t.id}/comments`, {
      body: 'Looking at it — the spare controller is in the store room.',
    });
    await apiAs('tech', 'POST', `/api/v1/tickets/${t.id}/escalations`, {
      reason: 'Needs hardware replacement: Controller B needs a swap',
      to: 'group',
    });
    const paused = await apiAs('requester', 'POST', '/api/v1/tickets', {
      title: 'Badge reader at the side door',
      description: 'It beeps but does not open.',
    });
    seeded.paused = paused.id;
    await apiAs('tech', 'PATCH', `/api/v1/tickets/${paused.id}`, { status: 'pending', groupId: groups.l1 });
    const urgent = await apiAs('requester', 'POST', '/api/v1/tickets', {
      title: 'Core switch in building B drops packets',
      description: 'Half of the second floor is offline.',
    });
    seeded.urgent = urgent.id;
    await apiAs('tech', 'PATCH', `/api/v1/tickets/${urgent.id}`, { priority: 'high', assigneeId: ids.tech });
    // The engine fires the level once the clocks follow the new policy.
    for (let i = 0; ; i++) {
      await runEscalationCycle(server.ctx);
      const e = await apiAs('manager', 'GET', `/api/v1/tickets/${urgent.id}/escalations`);
      if (e.items.length > 0) break;
      if (i > 100) throw new Error('the SLA level did not fire');
      await new Promise((r) => setTimeout(r, 200));
    }
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the queue heading names the status filter', async () => {
    const { context, page } = await signedIn.page(people.tech.email, password, { at: '/queue?queue=open' });
    await page.getByRole('heading', { level: 1, name: 'All open' }).waitFor();
    await page.getByRole('group', { name: 'Filters' }).getByLabel('Status').selectOption({ label: 'Any' });
    await page.getByRole('heading', { level: 1, name: 'All tickets, any status' }).waitFor();
    await page
      .getByRole('group', { name: 'Filters' })
      .getByLabel('Status')
      .selectOption({ label: 'Waiting' });
    await page.getByRole('heading', { level: 1, name: 'All waiting' }).waitFor();
    await page.goto('/queue?queue=mine&status=new,assigned,in_progress,pending,resolved,closed');
    await page.getByRole('heading', { level: 1, name: 'Mine, any status' }).waitFor();
    await context.close();
  });

  it('the timeline and the escalation cards say what the SLA engine did, in words', async () => {
    const tech = await signedIn.page(people.tech.email, password, { at: `/tickets/${seeded.urgent}` });
    const timeline = tech.page.getByRole('list', { name: 'Timeline' });
    await timeline.getByText('SLA escalation raised priority from High to Critical').waitFor();
    await timeline
      .getByText('SLA escalation: first response reached level 1, 30 min before its due time')
      .waitFor();
    const text = await timeline.innerText();
    expect(text).not.toContain('Nobody');
    expect(text).not.toContain('first_response');
    await tech.context.close();

    const mgr = await signedIn.page(people.manager.email, password, { at: '/escalations' });
    const card = mgr.page.getByRole('listitem').filter({ hasText: 'Core switch in building B' });
    await card
      .getByText('First response reached level 1, 30 min before its due time; priority raised')
      .waitFor();
    await card.getByText(/^Escalated automatically by the SLA policy ·/).waitFor();
    const cardText = await card.innerText();
    expect(cardText).not.toContain('first_response');
    expect(cardText).not.toContain('to —');
    await mgr.context.close();
  });

  it('the queue and the ticket page show a clock alike: business time left, labelled', async () => {
    const { context, page } = await signedIn.page(people.tech.email, password, { at: '/queue?queue=open' });
    await page.getByRole('columnheader', { name: 'Business time left' }).waitFor();
    const row = page.getByRole('row', { name: /Storage array reports/ });
    const badge = row.locator('.sla-badge');
    await badge.waitFor();
    // Its first response is met: the resolution clock is next, 16 business hours on the office calendar —
    // far more than 16 hours of wall time unless it is Monday morning in Berlin.
    const m = /^Resolution:\s+(\d+)h (\d\d)m left$/.exec(await badge.innerText());
    expect(m, await badge.innerText()).not.toBeNull();
    const queueMinutes = Number(m?.[1]) * 60 + Number(m?.[2]);
    await row.getByRole('link').click();
    const clock = page.getByRole('region', { name: 'Service level' }).getByRole('listitem').filter({
      hasText: 'Resolution',
    });
    await clock.getByText('Business time left:').waitFor();
    const t = /Business time left: (\d+)h (\d\d)m/.exec(await clock.innerText());
    expect(t, await clock.innerText()).not.toBeNull();
    // The same clock, the same way: a minute may pass between the two readings.
    expect(Math.abs(Number(t?.[1]) * 60 + Number(t?.[2]) - queueMinutes)).toBeLessThanOrEqual(1);
    await context.close();
  });

  it('a German browser gets one language, German, relative times and dates included', async () => {
    const context = await browser.newContext({ viewport: desktop, baseURL: server.base, locale: 'de-DE' });
    const page = await context.newPage();
    await page.goto('/sign-in');
    expect(await page.evaluate(() => navigator.language)).toBe('de-DE');
    await page.getByLabel('E-Mail').fill(people.tech.email);
    await page.getByLabel('Passwort').fill(password);
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await page.goto(`/tickets/${seeded.ticket}`);
    const timeline = page.getByRole('list', { name: 'Verlauf' });
    await timeline.getByText('Looking at it').waitFor();
    const text = await page.locator('body').innerText();
    expect(text).toMatch(/gerade eben|vor \d+ Minuten?/);
    expect(text).not.toMatch(/just now|minutes? ago|\bhours? ago/);
    // Dates too: no English weekday or month names beside the German words.
    expect(text).not.toMatch(/\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun),|\b(Dec|Oct|Mar|May)\b/);
    await page.goto('/queue?queue=open');
    await page.getByRole('link', { name: /Storage array reports/ }).waitFor();
    expect(await page.locator('body').innerText()).not.toMatch(/just now|minutes? ago/);
    await context.close();
  });

  it('a manager’s bar fits a 1280 px screen: the search box keeps its width, the rest sits behind “More”', async () => {
    const { context, page } = await signedIn.page(people.manager.email, password, {
      at: '/queue?queue=open',
    });
    const nav = page.getByRole('navigation', { name: 'Main' });
    const more = nav.getByRole('button', { name: /More/ });
    const search = page.locator('.topbar .search');
    await search.waitFor();
    expect((await search.boundingBox())?.width ?? 0).toBeGreaterThanOrEqual(180);
    // Nothing in the bar runs past the screen's edge.
    expect(
      await page.evaluate(() => document.querySelector('.topbar')?.scrollWidth ?? 0),
    ).toBeLessThanOrEqual(1280);
    expect(await nav.getByRole('link', { name: 'Admin', exact: true }).isVisible()).toBe(false);
    await more.click();
    expect(await more.getAttribute('aria-expanded')).toBe('true');
    await screenshot(page, 'nav-more-desktop', shots);
    await page.keyboard.press('Escape');
    expect(await nav.getByRole('link', { name: 'Admin', exact: true }).isVisible()).toBe(false);
    await more.click();
    await nav.getByRole('link', { name: 'Reports', exact: true }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/reports'));
    // The button names the area the manager is in, marked as the current one.
    const current = nav.getByRole('button', { name: /Reports/ });
    await current.waitFor();
    expect(await current.getAttribute('class')).toContain('active');
    // A click elsewhere closes it.
    await current.click();
    await page.locator('main').click({ position: { x: 5, y: 5 } });
    expect(await nav.getByRole('link', { name: 'Admin', exact: true }).isVisible()).toBe(false);
    await context.close();
  });

  const pages: { name: string; who: Who; path: string; ready: (p: Page) => Promise<unknown> }[] = [
    {
      name: 'queue',
      who: 'tech',
      path: '/queue?queue=open',
      ready: (p) => p.locator('.sla-badge').first().waitFor(),
    },
    {
      name: 'ticket',
      who: 'tech',
      path: `/tickets/:ticket`,
      ready: (p) => p.getByRole('region', { name: 'Service level' }).getByRole('timer').first().waitFor(),
    },
    {
      name: 'escalate-dialog',
      who: 'tech',
      path: `/tickets/:paused`,
      ready: async (p) => {
        await p
          .getByRole('region', { name: 'Escalation' })
          .getByRole('button', { name: 'Escalate…' })
          .click();
        await p.getByRole('radio', { name: 'Needs hardware replacement' }).waitFor();
      },
    },
    {
      name: 'portal',
      who: 'requester',
      path: '/requests',
      ready: (p) => p.getByRole('heading', { name: 'My requests' }).waitFor(),
    },
    {
      name: 'portal-request',
      who: 'requester',
      path: '/requests/:ticket',
      ready: (p) => p.getByText('spare controller').waitFor(),
    },
    {
      name: 'portal-new',
      who: 'requester',
      path: '/requests/new',
      ready: (p) => p.getByLabel('Title').waitFor(),
    },
    {
      name: 'dashboard',
      who: 'manager',
      path: '/dashboard',
      ready: (p) => p.locator('.chart canvas').first().waitFor(),
    },
    {
      name: 'escalations',
      who: 'manager',
      path: '/escalations',
      ready: (p) => p.getByText('Controller B needs a swap').first().waitFor(),
    },
    {
      name: 'sla-report',
      who: 'manager',
      path: '/reports/sla',
      ready: (p) => p.getByRole('rowheader', { name: /Standard support/ }).waitFor(),
    },
    ...(
      [
        ['users', (p: Page) => p.getByRole('cell', { name: people.tech.email }).waitFor()],
        ['groups', (p: Page) => p.getByText('Service desk L1').first().waitFor()],
        ['categories', (p: Page) => p.getByText('Hardware').first().waitFor()],
        ['matrix', (p: Page) => p.getByRole('button', { name: 'Save matrix' }).waitFor()],
        ['webhooks', (p: Page) => p.getByRole('heading', { level: 1 }).waitFor()],
        [
          'calendars',
          async (p: Page) => {
            await p.getByRole('button', { name: /Berlin office/ }).click();
            await p.getByLabel('Name of holiday 2').waitFor();
          },
        ],
        [
          'sla-policies',
          async (p: Page) => {
            await p
              .getByRole('button', { name: /Standard support/ })
              .first()
              .click();
            await p.getByRole('button', { name: 'Save policy' }).waitFor();
          },
        ],
        ['olas', (p: Page) => p.getByRole('button', { name: 'Save OLA of Service desk L1' }).waitFor()],
        ['mail-templates', (p: Page) => p.getByRole('button', { name: 'Save template' }).waitFor()],
        ['mail-log', (p: Page) => p.getByRole('heading', { name: 'Mail in' }).waitFor()],
      ] as const
    ).map(([tab, ready]) => ({ name: `admin-${tab}`, who: 'admin' as Who, path: `/admin/${tab}`, ready })),
    {
      name: 'api-tokens',
      who: 'admin',
      path: '/account/tokens',
      ready: (p) => p.getByRole('heading', { level: 1 }).waitFor(),
    },
  ];

  for (const [label, viewport] of [
    ['desktop', desktop],
    ['phone', phone],
  ] as const) {
    for (const theme of ['light', 'dark'] as const) {
      it(`no page clips, squeezes or overlaps text (${label}, ${theme})`, async () => {
        const found: string[] = [];
        for (const who of ['tech', 'requester', 'manager', 'admin'] as Who[]) {
          const { context, page } = await signedIn.page(people[who].email, password, { viewport, at: null });
          // Before every page's own scripts: setting it in the signed-in page raced the app's first render,
          // which stores the theme it started with ('system') and took the admin's pages back to light.
          await context.addInitScript((t) => localStorage.setItem('opsdesk-theme', t), theme);
          for (const p of pages.filter((x) => x.who === who)) {
            await page.goto(
              p.path.replace(':ticket', String(seeded.ticket)).replace(':paused', String(seeded.paused)),
            );
            await p.ready(page);
            await screenshot(page, `${p.name}-${label}-${theme}`, shots);
            for (const problem of await layoutProblems(page)) found.push(`${p.name}: ${problem}`);
          }
          await context.close();
        }
        fs.writeFileSync(path.join(shots, `problems-${label}-${theme}.txt`), found.join('\n'));
        expect(found, found.join('\n')).toEqual([]);
      }, 240_000);
    }
  }
});
