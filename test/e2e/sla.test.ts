// The SLA pages in a real browser against a real server: calendars, a policy, an OLA and the escalation path
// seeded through the API; a ticket's clocks and the queue's live countdown; a technician's manual
// escalation on the timeline and in the manager's escalation queue; an admin editing a mail template and
// meeting a validation error at its field; the SLA report; and every new page at desktop and phone width
// in both themes (screenshots in test-output/e2e-sla, no serious or critical axe-core violations).
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, createUser } from '../../src/core/auth/index.js';
import { subscribeSla } from '../../src/sla/index.js';
import {
  apiCaller,
  desktop,
  ensureWebBuilt,
  launch,
  openArea,
  phone,
  requireChromium,
  root,
  type Server,
  SignedIn,
  screenshot,
  seriousViolations,
  startServer,
} from './browser.js';

const shots = path.join(root, 'test-output', 'e2e-sla');
const password = 'e2e-password-1';
const people = {
  admin: { email: 'sla-admin@e2e.test', name: 'Alma Admin', role: 'admin' as const },
  manager: { email: 'sla-manager@e2e.test', name: 'Mona Manager', role: 'manager' as const },
  tech: { email: 'sla-tech@e2e.test', name: 'Toni Tech', role: 'technician' as const },
  requester: { email: 'sla-req@e2e.test', name: 'Rolf Requester', role: 'requester' as const },
};
type Who = keyof typeof people;

describe('SLA pages in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const signedIn = new SignedIn(
    () => browser,
    () => server.base,
  );
  const ids = {} as Record<Who, number>;
  const groups = { l1: 0, l2: 0 };
  const seeded = { office: 0, always: 0, policy: 0, ticket: 0, other: 0 };
  /** The layout tests' page per person, kept through those tests: its context's cache stays warm (a context per
   * test and person loaded and compiled the app afresh nine times). */
  const opened = new Map<Who, { context: BrowserContext; page: Page }>();

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
      await createGroup(server.ctx, null, { name: 'Infrastructure L2', description: '', memberIds: [] })
    ).id;

    // Seeded through the API, as an admin would.
    const office = await apiAs('admin', 'POST', '/api/v1/sla/calendars', {
      name: 'Berlin office',
      timeZone: 'Europe/Berlin',
      hours: [1, 2, 3, 4, 5].flatMap((day) => [
        { day, start: '08:00', end: '12:00' },
        { day, start: '13:00', end: '17:00' },
      ]),
      holidays: [
        { date: '2026-12-25', name: 'Christmas Day', yearly: true },
        { date: '2026-10-03', name: 'German Unity Day', yearly: true },
      ],
    });
    const always = await apiAs('admin', 'POST', '/api/v1/sla/calendars', {
      name: 'Around the clock',
      timeZone: 'UTC',
      alwaysOpen: true,
    });
    seeded.office = office.id;
    seeded.always = always.id;
    const policy = await apiAs('admin', 'POST', '/api/v1/sla/policies', {
      name: 'Standard support',
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
    seeded.policy = policy.id;
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
    const other = await apiAs('requester', 'POST', '/api/v1/tickets', {
      title: 'Badge reader at the side door',
      description: 'It beeps but does not open.',
    });
    seeded.other = other.id;
    await apiAs('tech', 'PATCH', `/api/v1/tickets/${other.id}`, { status: 'pending', groupId: groups.l1 });
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    for (const { context } of opened.values()) await context.close();
    await browser?.close();
    await server?.close();
  });

  it('the ticket page shows its clocks, and the queue counts down without refetching', async () => {
    const { context, page } = await signedIn.page(people.tech.email, password, { at: '/queue?queue=open' });
    const row = page.getByRole('row', { name: /Storage array reports/ });
    const badge = row.locator('.sla-badge');
    await badge.waitFor();
    // First response is the nearest due target: 30 min on a 24/7 calendar, ticking every second.
    expect(await badge.innerText()).toMatch(/First response:\s+(29|30)m \d\ds left$/);
    let listCalls = 0;
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/api/v1/tickets') listCalls++;
    });
    const before = await badge.innerText();
    await expect.poll(() => badge.innerText(), { timeout: 3000 }).not.toBe(before);
    expect(listCalls).toBe(0);
    // A paused clock stands still: it was paused moments after the ticket was filed (the server's clock
    // ticks in 20 ms steps, so 0–1 s of the 30 min may be gone), and it shows the same a while later.
    const paused = page.getByRole('row', { name: /Badge reader/ }).locator('.sla-badge');
    await expect.poll(() => paused.innerText()).toMatch(/Paused · (30m 00s|29m 59s) left$/);
    const pausedAt = await paused.innerText();
    // A tick of the running clock after that reading, rather than a fixed wait: the paused one had its chance.
    const running = await badge.innerText();
    await expect.poll(() => badge.innerText(), { timeout: 3000 }).not.toBe(running);
    expect(await paused.innerText()).toBe(pausedAt);

    await row.getByRole('link').click();
    const panel = page.getByRole('region', { name: 'Service level' });
    await panel.waitFor();
    await panel.getByText('Standard support').waitFor();
    await panel.getByText('First response', { exact: true }).waitFor();
    await panel.getByText('Resolution', { exact: true }).waitFor();
    await panel.getByText('OLA · Service desk L1').waitFor();
    await panel.getByText(/Europe\/Berlin \(Berlin office\)/).waitFor();
    const timer = panel.getByRole('timer').first();
    const t0 = await timer.innerText();
    await expect.poll(() => timer.innerText(), { timeout: 3000 }).not.toBe(t0);
    await context.close();
  });

  it('a technician escalates by hand; the manager sees it in the queue and resolves it', async () => {
    const tech = await signedIn.page(people.tech.email, password, { at: `/tickets/${seeded.ticket}` });
    const panel = tech.page.getByRole('region', { name: 'Escalation' });
    await panel.getByRole('button', { name: 'Escalate…' }).click();
    await panel.getByRole('radio', { name: 'Needs hardware replacement' }).check();
    await panel.getByLabel('Details (optional)').fill('Controller B needs a swap');
    await expect
      .poll(() => panel.getByRole('radio', { name: /Next group: Infrastructure L2/ }).isChecked())
      .toBe(true);
    await panel.getByRole('button', { name: 'Escalate', exact: true }).click();
    await tech.page
      .getByRole('list', { name: 'Timeline' })
      .getByText(
        'escalated to group Infrastructure L2: Needs hardware replacement: Controller B needs a swap',
      )
      .waitFor();
    await expect.poll(() => tech.page.getByLabel('Group').inputValue()).toBe(String(groups.l2));
    await tech.context.close();

    const mgr = await signedIn.page(people.manager.email, password);
    await openArea(mgr.page, 'Escalations');
    const card = mgr.page.getByRole('listitem').filter({ hasText: 'Controller B needs a swap' });
    await card.getByRole('link', { name: /Storage array reports/ }).waitFor();
    await card.getByText('Toni Tech escalated from Service desk L1 to Infrastructure L2').waitFor();
    await screenshot(mgr.page, 'escalations-open-desktop', shots);
    await card.getByRole('button', { name: 'Resolve…' }).click();
    await card.getByLabel('Note').fill('Spare controller ordered, L2 swaps it tomorrow.');
    await card.getByRole('button', { name: 'Resolve escalation' }).click();
    await mgr.page.getByText('No escalations here.').waitFor();
    await mgr.context.close();
    const esc = await apiAs('manager', 'GET', `/api/v1/tickets/${seeded.ticket}/escalations`);
    expect(esc.items[0].status).toBe('resolved');
  });

  it('an admin edits a mail template, and meets a validation error at its field', async () => {
    const { context, page } = await signedIn.page(people.admin.email, password, {
      at: '/admin/mail-templates',
    });
    await page.getByRole('button', { name: 'SLA warning' }).click();
    const form = page.getByRole('form', { name: /SLA warning/ });
    await form.getByLabel('Subject').fill('[#{{ticket.id}}] SLA at risk: ');
    await form.getByRole('button', { name: 'Insert {{sla.target}}' }).click();
    await form.getByRole('button', { name: 'Save template' }).click();
    await form.getByText('Saved.').waitFor();
    const list = await apiAs('admin', 'GET', '/api/v1/mail/templates');
    const t = list.items.find((x: { event: string }) => x.event === 'sla_warning');
    expect(t.subject).toBe('[#{{ticket.id}}] SLA at risk: {{sla.target}}');
    expect(t.isDefault).toBe(false);

    await page.goto('/admin/calendars');
    await page.getByRole('button', { name: 'New calendar' }).click();
    await page.getByLabel('Name').fill('Mars base');
    await page.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Create calendar' }).click();
    const zone = page.getByLabel('Time zone');
    await expect.poll(() => zone.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await zone.getAttribute('aria-describedby')) ?? '';
    const message = await page.locator(`[id="${describedBy.split(' ').pop()}"]`).innerText();
    expect(message).toContain('not an IANA time zone');
    await context.close();
  });

  const pages: { name: string; who: Who; path: string; ready: (p: Page) => Promise<unknown> }[] = [
    {
      name: 'sla-queue',
      who: 'tech',
      path: '/queue?queue=open',
      ready: (p) => p.locator('.sla-badge').first().waitFor(),
    },
    {
      name: 'sla-ticket',
      who: 'tech',
      path: '/tickets/:id',
      ready: (p) => p.getByRole('region', { name: 'Service level' }).getByRole('timer').first().waitFor(),
    },
    {
      name: 'escalations',
      who: 'manager',
      path: '/escalations?view=resolved',
      ready: (p) => p.getByText('Controller B needs a swap').first().waitFor(),
    },
    {
      name: 'sla-report',
      who: 'manager',
      path: '/reports/sla',
      ready: (p) => p.getByRole('rowheader', { name: 'Standard support' }).waitFor(),
    },
    {
      name: 'admin-calendars',
      who: 'admin',
      path: '/admin/calendars',
      ready: async (p) => {
        await p.getByRole('button', { name: /Berlin office/ }).click();
        await p.getByLabel('Name of holiday 1').waitFor();
      },
    },
    {
      name: 'admin-sla-policies',
      who: 'admin',
      path: '/admin/sla-policies',
      ready: async (p) => {
        await p.getByRole('button', { name: /^\d+\. Standard support/ }).click();
        await p.getByRole('button', { name: 'Save policy' }).waitFor();
      },
    },
    {
      name: 'admin-olas',
      who: 'admin',
      path: '/admin/olas',
      ready: (p) => p.getByRole('button', { name: 'Save OLA of Service desk L1' }).waitFor(),
    },
    {
      name: 'admin-mail-templates',
      who: 'admin',
      path: '/admin/mail-templates',
      ready: (p) => p.getByRole('button', { name: 'Save template' }).waitFor(),
    },
    {
      name: 'admin-mail-log',
      who: 'admin',
      path: '/admin/mail-log',
      ready: (p) => p.getByRole('heading', { name: 'Mail in' }).waitFor(),
    },
  ];

  // One test per width and theme: together they are ~30 page loads with axe, more than one time limit fits
  // when the browser files run side by side.
  for (const [label, viewport, theme] of [
    ['desktop', desktop, 'light'],
    ['phone', phone, 'light'],
    ['desktop-dark', desktop, 'dark'],
  ] as const) {
    it(`the report renders; every new page fits ${label} without serious violations`, async () => {
      const found: string[] = [];
      for (const who of ['tech', 'manager', 'admin'] as Who[]) {
        let mine = opened.get(who);
        if (!mine) {
          // On the app's origin, so that its local storage can be written below.
          mine = await signedIn.page(people[who].email, password, { at: '/' });
          opened.set(who, mine);
        }
        const { page } = mine;
        await page.setViewportSize(viewport);
        // Read by the app when it starts, so before each page's load: its first render cannot put back another.
        await page.evaluate((t) => localStorage.setItem('opsdesk-theme', t), theme);
        // The dark pass covers the pages with the new colours: clocks, badges and the report.
        for (const p of pages.filter(
          (x) => x.who === who && (theme === 'light' || /sla|escalations/.test(x.name)),
        )) {
          await page.goto(p.path.replace(':id', String(seeded.ticket)));
          await p.ready(page);
          const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
          expect(scrollWidth, `${p.name} fits ${label} width`).toBeLessThanOrEqual(viewport.width + 1);
          await screenshot(page, `${p.name}-${label}`, shots);
          for (const v of await seriousViolations(page))
            found.push(`${p.name} ${label}: ${v.id} ${v.help} ${JSON.stringify(v.nodes)}`);
        }
      }
      expect(found).toEqual([]);
    }, 120_000);
  }
});
