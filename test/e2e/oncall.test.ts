// Technicians and on-call in Chromium, on the demo organisation: the manager lets the optimiser assign a
// group's queue and accepts it, reads the Infrastructure schedule on its calendar with the quality score and
// adds an override, generates a roster that meets the rules; a technician pages the on-call from a ticket and
// acknowledges the incident. Every new page is laid out at desktop and phone width in both themes without
// clipped or overlapping text, horizontal scrolling or serious axe violations (screenshots in
// test-output/e2e-oncall).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPassword, loadDemoOrganisation } from '../../src/demo/index.js';
import { runEscalations } from '../../src/incidents/index.js';
import { opsgenieExport } from '../oncall/imports/fixtures.js';
import {
  desktop,
  ensureWebBuilt,
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

const shots = path.join(root, 'test-output', 'e2e-oncall');
const manager = 'manager@demo.opsdesk.local';
const tech = 'tech4@demo.opsdesk.local';

describe('technicians and on-call in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const signedIn = new SignedIn(
    () => browser,
    () => server.base,
  );
  let ticketId = 0;
  let scheduleId = 0;

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    await loadDemoOrganisation(server.ctx, { ticketCount: 120, requesterCount: 15 });
    const open = await server.ctx.db
      .selectFrom('tickets')
      .select('id')
      .where('status', 'in', ['new', 'assigned', 'in_progress'])
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    ticketId = open.id;
    scheduleId = (
      await server.ctx.db
        .selectFrom('oncall_schedules')
        .select('id')
        .where('name', '=', 'Infrastructure 24/7')
        .executeTakeFirstOrThrow()
    ).id;
    browser = await launch();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the manager accepts the optimiser’s proposals for a queue', async () => {
    const { context, page } = await signedIn.page(manager, demoPassword, { at: '/assignment' });
    await page.getByRole('heading', { name: 'Proposals for the unassigned queue' }).waitFor();
    // The group with the most unassigned tickets shows its proposals, each explained.
    const accept = page.getByRole('button', { name: /Accept all \(\d+\)/ });
    await accept.waitFor();
    const label = (await accept.textContent()) ?? '';
    const count = Number(/\((\d+)\)/.exec(label)?.[1] ?? 0);
    if (count > 0) {
      expect(await page.locator('.data-table tbody tr').first().textContent()).toMatch(
        /skill|open ticket|shift/i,
      );
      await accept.click();
      await page
        .getByRole('status')
        .filter({ hasText: /assigned/ })
        .waitFor();
    }
    await screenshot(page, 'assignment-accepted', shots);
    await context.close();
  }, 60_000);

  it('the manager sees the schedule on a calendar, adds an override and gets its .ics', async () => {
    const { context, page } = await signedIn.page(manager, demoPassword, {
      at: `/oncall/schedules/${scheduleId}`,
    });
    await page.getByRole('heading', { name: 'Infrastructure 24/7' }).waitFor();
    await page.locator('.shift-timeline .shift-bar').first().waitFor();
    expect(await page.locator('.score').textContent()).toMatch(/^\d+$/);
    const form = page.getByRole('form', { name: 'Add an override' });
    await form.getByLabel('Who covers').selectOption({ label: 'Kenji Sato' });
    // Within the 30 days the page lists (the browser's zone is the machine's).
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    await form.getByLabel('From').fill(`${day}T10:00`);
    await form.getByLabel('Until').fill(`${day}T14:00`);
    await form.getByLabel('Reason').fill('Swap for a training day');
    await form.getByRole('button', { name: 'Add override' }).click();
    await page.getByText('Swap for a training day').waitFor();
    const ics = await page.evaluate(async (id) => {
      const res = await fetch(`/api/v1/schedules/${id}/calendar.ics`);
      return { type: res.headers.get('content-type'), body: await res.text() };
    }, scheduleId);
    expect(ics.type).toContain('text/calendar');
    expect(ics.body).toContain('BEGIN:VEVENT');
    await context.close();
  }, 60_000);

  it('the manager generates a roster that meets the rules', async () => {
    const { context, page } = await signedIn.page(manager, demoPassword, { at: '/oncall/rosters' });
    const picker = page.getByRole('group', { name: 'People' });
    for (const name of [
      'Aisha Bello',
      'Tomasz Nowak',
      'Hannah Lindqvist',
      'Sofia Rossi',
      'Kenji Sato',
      'Lucas Moreau',
    ])
      await picker.getByRole('combobox').selectOption({ label: name });
    await page.getByRole('button', { name: 'Generate' }).click();
    await page
      .getByRole('heading', { name: /Roster: \d+ shifts, every rule met/ })
      .waitFor({ timeout: 30_000 });
    await screenshot(page, 'roster-generated', shots);
    await context.close();
  }, 60_000);

  it('the manager previews an Opsgenie export: people matched, what is not carried, nothing written', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-import-')), 'opsgenie.json');
    fs.writeFileSync(file, JSON.stringify(opsgenieExport({ withTimeline: true })));
    const before = await server.ctx.db.selectFrom('oncall_schedules').select('id').execute();
    const { context, page } = await signedIn.page(manager, demoPassword, { at: '/oncall/import' });
    await page.getByLabel('Export (JSON)').setInputFiles(file);
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.getByRole('heading', { name: 'Not carried over' }).waitFor();
    // The fixture's people have no accounts here: the preview says so and Import stays off.
    await page.getByText(/No opsdesk account for:/).waitFor();
    expect(await page.getByRole('button', { name: 'Import' }).isDisabled()).toBe(true);
    await screenshot(page, 'import-preview', shots);
    expect(await server.ctx.db.selectFrom('oncall_schedules').select('id').execute()).toHaveLength(
      before.length,
    );
    await context.close();
  }, 60_000);

  it('a technician pages the on-call from a ticket and acknowledges it', async () => {
    const { context, page } = await signedIn.page(tech, demoPassword, { at: `/tickets/${ticketId}` });
    await page.getByRole('button', { name: 'Page the on-call…' }).click();
    await page.getByLabel('Service to page').selectOption({ label: 'Servers and storage' });
    await page.getByRole('button', { name: 'Page now' }).click();
    // The paging panel's link comes first: a demo ticket may already name another incident further down.
    const link = page.getByRole('link', { name: /Incident #\d+/ }).first();
    await link.waitFor();
    await runEscalations(server.ctx);
    await link.click();
    await page.getByText('Notified').first().waitFor();
    await page.getByRole('button', { name: 'Acknowledge' }).click();
    await page.locator('.page-head .badge', { hasText: 'Acknowledged' }).waitFor();
    await screenshot(page, 'incident-acknowledged', shots);
    await context.close();
  }, 60_000);

  const pages: { name: string; who: string; path: () => string; ready: (p: Page) => Promise<unknown> }[] = [
    {
      name: 'oncall',
      who: tech,
      path: () => '/oncall',
      ready: (p) => p.getByRole('heading', { name: 'Now' }).waitFor(),
    },
    {
      name: 'schedule',
      who: manager,
      path: () => `/oncall/schedules/${scheduleId}`,
      ready: (p) => p.locator('.shift-timeline .shift-bar').first().waitFor(),
    },
    {
      name: 'import',
      who: manager,
      path: () => '/oncall/import',
      ready: (p) => p.getByRole('heading', { name: 'Import from another on-call tool' }).waitFor(),
    },
    {
      name: 'oncall-manager',
      who: manager,
      path: () => '/oncall',
      ready: (p) => p.getByRole('heading', { name: 'Readiness: who could not be reached' }).waitFor(),
    },
    {
      name: 'rosters',
      who: manager,
      path: () => '/oncall/rosters',
      ready: (p) => p.getByRole('button', { name: 'Generate' }).waitFor(),
    },
    {
      name: 'policies',
      who: manager,
      path: () => '/oncall/policies',
      ready: (p) => p.getByRole('heading', { name: 'Infrastructure critical' }).waitFor(),
    },
    {
      name: 'incidents',
      who: tech,
      path: () => '/incidents',
      ready: (p) => p.getByRole('heading', { name: 'Page the on-call' }).waitFor(),
    },
    {
      name: 'incident',
      who: tech,
      path: () => '/incidents/1',
      ready: (p) => p.getByRole('heading', { name: 'Timeline' }).waitFor(),
    },
    {
      name: 'technicians',
      who: manager,
      path: () => '/technicians',
      ready: (p) => p.getByRole('heading', { name: 'Aisha Bello' }).waitFor(),
    },
    {
      name: 'assignment',
      who: manager,
      path: () => '/assignment',
      ready: (p) => p.getByRole('heading', { name: 'Routing rules' }).waitFor(),
    },
    {
      name: 'paging',
      who: tech,
      path: () => '/account/paging',
      ready: (p) => p.getByRole('heading', { name: 'When a page reaches me' }).waitFor(),
    },
    {
      name: 'ticket',
      who: tech,
      path: () => `/tickets/${ticketId}`,
      ready: (p) => p.getByRole('heading', { name: 'On-call' }).waitFor(),
    },
  ];

  for (const [label, viewport] of [
    ['desktop', desktop],
    ['phone', phone],
  ] as const) {
    for (const theme of ['light', 'dark'] as const) {
      it(`every on-call page fits ${label} in ${theme} without serious violations`, async () => {
        const found: string[] = [];
        for (const who of [tech, manager]) {
          const { context, page } = await signedIn.page(who, demoPassword, { viewport, at: null });
          await context.addInitScript((t) => localStorage.setItem('opsdesk-theme', t), theme);
          for (const p of pages.filter((x) => x.who === who)) {
            await page.goto(p.path());
            await p.ready(page);
            const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
            if (scrollWidth > viewport.width + 1) found.push(`${p.name}: page is ${scrollWidth}px wide`);
            await screenshot(page, `${p.name}-${label}-${theme}`, shots);
            for (const problem of await layoutProblems(page)) found.push(`${p.name}: ${problem}`);
            if (theme === 'light')
              for (const v of await seriousViolations(page))
                found.push(`${p.name}: ${v.id} ${v.help} ${JSON.stringify(v.nodes)}`);
          }
          await context.close();
        }
        expect(found, found.join('\n')).toEqual([]);
      }, 180_000);
    }
  }
});
