// Automation rules in Chromium, one flow: a manager opens Administration → Automation, writes a rule ("VIP
// requests": when a ticket is created by a VIP requester, set priority high), dry-runs it (the existing VIP
// ticket is listed), saves it; a VIP files a new ticket, which gets the priority, and its timeline names the
// rule; the rule log shows the firing. The page at 1280 px and 390 px, light and dark, without clipped or
// overlapping text or serious axe violations (screenshots in test-output/e2e-automation).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { subscribeAutomation } from '../../src/helpdesk/index.js';
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

const shots = path.join(root, 'test-output', 'e2e-automation');
const password = 'e2e-automation-password';
const people = {
  vip: {
    email: 'auto-vip@e2e.test',
    name: 'Victor Vip',
    role: 'requester' as const,
    vip: true,
    department: 'Board',
  },
  requester: { email: 'auto-req@e2e.test', name: 'Rita Requester', role: 'requester' as const },
  manager: { email: 'auto-manager@e2e.test', name: 'Mona Manager', role: 'manager' as const },
};
type Who = keyof typeof people;

describe('automation rules in Chromium', () => {
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
  let earlier = 0;

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    subscribeAutomation(server.ctx);
    for (const p of Object.values(people)) await createUser(server.ctx, null, { ...p, password });
    earlier = (
      await api('vip', 'POST', '/api/v1/tickets', {
        title: 'Projector in the boardroom',
        description: 'No signal.',
      })
    ).id;
    await api('requester', 'POST', '/api/v1/tickets', { title: 'Mouse broken', description: 'Left button.' });
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

  it('a manager writes, dry-runs and saves a rule; a new VIP ticket gets its action and the history names it', async () => {
    const { context, page } = await signedIn.page(people.manager.email, password, {
      at: '/admin/automation',
    });
    await page.getByRole('button', { name: 'New rule' }).click();
    const form = page.getByRole('form', { name: 'New rule' });
    await form.getByLabel('Name').fill('VIP requests');
    await form.getByRole('button', { name: 'Add condition' }).first().click();
    await form.getByLabel('All of these: field 1').selectOption('requester.vip');
    await form.getByLabel('All of these: operator 1').selectOption('is');
    await form.getByLabel('All of these: value 1').fill('true');
    await form.getByLabel('Action 1: priority').selectOption('high');
    await form.getByRole('button', { name: 'Dry run' }).click();
    const dry = page.getByRole('region', { name: 'Dry run: tickets it would match now' });
    await dry.getByRole('link', { name: `#${earlier} Projector in the boardroom` }).waitFor();
    expect(await dry.getByRole('link').count()).toBe(1);
    await check(page, 'rule-editor-dry-run-desktop-light');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByText('1. VIP requests').waitFor();

    const filed = await api('vip', 'POST', '/api/v1/tickets', {
      title: 'Laptop will not boot',
      description: 'Black screen.',
    });
    await expect
      .poll(async () => (await api('manager', 'GET', `/api/v1/tickets/${filed.id}`)).priority, {
        timeout: 10_000,
      })
      .toBe('high');
    await page.goto(`/tickets/${filed.id}`);
    await page
      .getByRole('listitem')
      .filter({ hasText: "rule 'VIP requests' set priority high" })
      .first()
      .waitFor();
    await page.goto('/admin/automation');
    const log = page.getByRole('region', { name: 'Rule log' });
    await log.getByRole('link', { name: `#${filed.id}` }).waitFor();

    // This page, just loaded at desktop width in light, then at each other width and scheme. The rule editor is
    // the page's state, not an address: each reload shows the list, and Edit opens the editor again.
    await eachLayout(page, async ({ label }) => {
      await page.getByText('1. VIP requests').waitFor();
      await page
        .getByRole('region', { name: 'Rule log' })
        .getByRole('link', { name: `#${filed.id}` })
        .waitFor();
      await check(page, `rules-${label}`);
      await page.getByRole('button', { name: 'Edit' }).click();
      await page.getByRole('form', { name: 'Edit rule VIP requests' }).waitFor();
      await check(page, `rule-editor-${label}`);
    });
    await context.close();
  }, 240_000);
});
