// Change management in Chromium, on one server, with the browser in Europe/Berlin: a manager raises a change on
// the network in a window that overlaps a scheduled one and sees the conflict on the change's page and on the
// change calendar (week and month, the blackout shaded), then sends it on; the list of changes shows it. The
// change page, the calendar and the list at 1280 px and 390 px, light and dark, without clipped or overlapping
// text or serious axe violations (screenshots in test-output/e2e-changes).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
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
  screenshot,
  seriousViolations,
  startServer,
} from './browser.js';
import { layoutProblems } from './layout.js';

const shots = path.join(root, 'test-output', 'e2e-changes');
const password = 'e2e-changes-password';
const people = {
  technician: { email: 'ch-tech@e2e.test', name: 'Theo Technician', role: 'technician' as const },
  manager: { email: 'ch-manager@e2e.test', name: 'Mona Manager', role: 'manager' as const },
  admin: { email: 'ch-admin@e2e.test', name: 'Ada Admin', role: 'admin' as const },
};
type Who = keyof typeof people;

/** Screenshots of the page as it is, at both widths and in both themes, each checked for layout defects. */
async function everyLook(page: Page, name: string): Promise<void> {
  for (const [width, viewport] of [
    ['desktop', desktop],
    ['phone', phone],
  ] as const) {
    await page.setViewportSize(viewport);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await page.evaluate(() => window.scrollTo(0, 0));
      await screenshot(page, `${name}-${width}-${scheme}`, shots);
      expect(await layoutProblems(page), `${name} ${width} ${scheme}`).toEqual([]);
    }
  }
  await page.setViewportSize(desktop);
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('change management in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const api = apiCaller<Who>(
    () => server.base,
    (who) => people[who].email,
    password,
  );

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    for (const p of Object.values(people)) await createUser(server.ctx, null, { ...p, password });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a manager scheduling a change sees the conflict', async () => {
    const users = (await api('admin', 'GET', '/api/v1/users')).items as { email: string; id: number }[];
    const id = (who: Who) => users.find((u) => u.email === people[who].email)?.id as number;
    const policy = await api('admin', 'POST', '/api/v1/escalation-policies', {
      name: 'Network on-call',
      steps: [{ targets: [{ kind: 'user', id: id('technician') }], delayMinutes: 5 }],
    });
    const network = await api('admin', 'POST', '/api/v1/services', {
      name: 'Network and VPN',
      escalationPolicyId: policy.id,
    });
    await api('admin', 'POST', '/api/v1/services', {
      name: 'Servers and storage',
      escalationPolicyId: policy.id,
    });
    const cab = await api('admin', 'POST', '/api/v1/groups', {
      name: 'Change advisory board',
      memberIds: [id('admin'), id('technician')],
    });
    await api('manager', 'PUT', '/api/v1/settings/changes', {
      cabGroupId: cab.id,
      emergencyCabGroupId: null,
    });
    // The switch replacement, already scheduled (a standard change from its template): Wed 24 March 2027,
    // 20:00–23:00 in Berlin (CET, UTC+1; the clocks go forward on the 28th).
    const tpl = await api('manager', 'POST', '/api/v1/change-templates', {
      name: 'Switch replacement',
      title: 'Replace the core switch in building A',
      plan: 'Move the uplinks one floor at a time.',
      backoutPlan: 'Move them back.',
    });
    const sw = await api('technician', 'POST', '/api/v1/changes', {
      templateId: tpl.id,
      serviceIds: [network.id],
      windowStart: '2027-03-24T20:00:00+01:00',
      windowEnd: '2027-03-24T23:00:00+01:00',
    });
    await api('technician', 'POST', `/api/v1/changes/${sw.id}/transitions`, { to: 'scheduled' });
    await api('manager', 'POST', '/api/v1/change-blackouts', {
      name: 'Quarter-end close',
      startsAt: '2027-03-30T00:00:00+02:00',
      endsAt: '2027-04-01T00:00:00+02:00',
    });

    const context = await browser.newContext({
      viewport: desktop,
      baseURL: server.base,
      timezoneId: 'Europe/Berlin',
      locale: 'en-GB',
    });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(people.manager.email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));

    await openArea(page, 'Changes');
    await page.waitForURL((u) => u.pathname === '/changes');
    await page.getByRole('link', { name: 'New change' }).click();
    await page.waitForURL((u) => u.pathname === '/changes/new');
    const form = page.getByRole('form', { name: 'New change' });
    await form.getByLabel('Title').fill('Upgrade the VPN gateway firmware');
    await form.getByLabel('Risk').selectOption('high');
    await form.getByLabel('Implementation plan').fill('Upload the firmware, reboot the standby, fail over.');
    await form.getByLabel('Back-out plan').fill('Boot the previous image on both.');
    await form.getByLabel('Window starts').fill('2027-03-24T22:00');
    await form.getByLabel('Window ends').fill('2027-03-25T00:30');
    // The window as the manager's zone reads it.
    expect(await form.locator('.field').filter({ hasText: 'Window starts' }).textContent()).toMatch(
      /Central European Standard Time/,
    );
    await form.getByRole('checkbox', { name: 'Network and VPN' }).check();
    await form.getByRole('button', { name: 'Raise the change' }).click();
    await page.waitForURL((u) => /^\/changes\/\d+$/.test(u.pathname));
    const changeId = Number(new URL(page.url()).pathname.split('/').pop());

    // The conflict, named, on the change's page.
    const warning = page.getByRole('alert').filter({ hasText: 'Conflict' });
    await expect.poll(() => warning.textContent()).toContain('Replace the core switch in building A');
    expect(await warning.textContent()).toContain(`CHG-${sw.id}`);
    expect(await warning.textContent()).toContain('Network and VPN');
    // Stored as the instant the manager meant: 22:00 CET is 21:00 UTC.
    const stored = await api('manager', 'GET', `/api/v1/changes/${changeId}`);
    expect(stored).toMatchObject({
      windowStart: '2027-03-24T21:00:00.000Z',
      windowEnd: '2027-03-24T23:30:00.000Z',
      conflicts: [sw.id],
      state: 'draft',
    });
    await everyLook(page, 'change-page');
    expect(await seriousViolations(page)).toEqual([]);

    // Sent on: assessment, then the CAB.
    await page.getByRole('button', { name: 'Submit for assessment' }).click();
    await expect.poll(() => page.locator('.change-summary').textContent()).toContain('Assessment');
    await page.getByRole('button', { name: 'Send to the CAB' }).click();
    await expect.poll(() => page.locator('.change-summary').textContent()).toContain('Awaiting CAB');
    expect((await api('manager', 'GET', `/api/v1/changes/${changeId}`)).approvalId).toEqual(
      expect.any(Number),
    );

    // The calendar's week: both changes on Wednesday, each marked in conflict.
    await page.getByRole('link', { name: 'Calendar' }).click();
    await page.waitForURL((u) => u.pathname === '/changes/calendar');
    await page.goto('/changes/calendar?view=week&date=2027-03-24');
    const calendar = page.getByRole('list', { name: /^Changes, / });
    await expect.poll(() => calendar.locator('.change-chip-conflict').count()).toBe(3);
    const wednesday = calendar.locator('.change-day').nth(2);
    expect(await wednesday.textContent()).toContain('Upgrade the VPN gateway firmware');
    expect(await wednesday.textContent()).toContain('Replace the core switch');
    expect(await wednesday.textContent()).toContain('20:00–23:00');
    // The firmware upgrade runs past midnight: it is on Thursday too, until 00:30.
    expect(await calendar.locator('.change-day').nth(3).textContent()).toContain('…–00:30');
    expect(await page.locator('.change-conflict-note').textContent()).toContain('2 changes are in conflict');
    await everyLook(page, 'change-calendar-week');
    expect(await seriousViolations(page)).toEqual([]);

    // The month: the blackout's days shaded and named.
    await page.getByRole('button', { name: 'Month' }).click();
    await expect.poll(() => calendar.locator('.change-day-blackout').count()).toBe(2);
    expect(await calendar.locator('.change-day-blackout').first().textContent()).toContain(
      'Quarter-end close',
    );
    await everyLook(page, 'change-calendar-month');

    // The list shows the change with its conflict.
    await page.goto('/changes');
    const row = page.getByRole('row').filter({ hasText: 'Upgrade the VPN gateway firmware' });
    await expect.poll(() => row.textContent()).toContain('1 conflict');
    expect(await row.textContent()).toContain('Awaiting CAB');
    await everyLook(page, 'change-list');
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  }, 240_000);
});
