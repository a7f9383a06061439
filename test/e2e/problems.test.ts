// Problem management in Chromium: a technician on a ticket links it to a known problem from the Problem panel
// — the problem's workaround lands in the composer as a public reply draft, which they send — and resolves
// another problem together with its two open incidents and a message, which each requester then reads on
// their ticket. The problems list, a problem's page and the ticket's panel at 1280 px and 390 px, light and
// dark, without clipped or overlapping text or serious axe violations (screenshots in test-output/e2e-problems).
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

const shots = path.join(root, 'test-output', 'e2e-problems');
const password = 'e2e-problems-password';
const people = {
  requester: { email: 'prb-req@e2e.test', name: 'Rita Requester', role: 'requester' as const },
  technician: { email: 'prb-tech@e2e.test', name: 'Theo Technician', role: 'technician' as const },
  manager: { email: 'prb-manager@e2e.test', name: 'Mona Manager', role: 'manager' as const },
};
type Who = keyof typeof people;

const workaround = 'Connect with the "VPN backup" profile in the VPN client.';

describe('problem management in Chromium', () => {
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
  let known = 0;
  let spooler = 0;
  let ticketId = 0;
  let incidents: number[] = [];

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    for (const p of Object.values(people)) await createUser(server.ctx, null, { ...p, password });
    const file = async (title: string) =>
      (await api('requester', 'POST', '/api/v1/tickets', { title, description: 'Since this morning.' }))
        .id as number;
    ticketId = await file('VPN disconnects every few minutes');
    incidents = [await file('Cannot print on floor 2'), await file('Printer queue stuck')];
    known = (
      await api('technician', 'POST', '/api/v1/problems', {
        title: 'VPN concentrator drops tunnels under load',
        status: 'known_error',
        rootCause: 'Session slots run out after the firmware update.',
        workaround,
        priority: 'high',
      })
    ).id;
    spooler = (
      await api('manager', 'POST', '/api/v1/problems', {
        title: 'Print spooler stops after the monthly update',
        status: 'investigating',
        description: 'Several floors cannot print after the update night.',
        incidentIds: incidents,
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

  it('a technician links a ticket to a known problem, with its workaround inserted in the reply', async () => {
    const { context, page } = await signedIn.page(people.technician.email, password, {
      at: `/tickets/${ticketId}`,
    });
    await page.getByRole('button', { name: 'Caused by a known problem…' }).click();
    await page.getByRole('searchbox', { name: 'Search open problems' }).fill('vpn');
    const option = page
      .getByRole('list', { name: 'Open problems' })
      .getByRole('button', { name: /VPN concentrator/ });
    await option.waitFor();
    await check(page, 'ticket-pick-problem-desktop-light');
    await option.click();
    const composer = page.locator('#composer');
    await expect.poll(() => composer.inputValue()).toContain(workaround);
    expect(await composer.inputValue()).toContain(`PRB-${known}`);
    await page.getByText('Caused by known problem').waitFor();
    await check(page, 'ticket-problem-linked-desktop-light');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect.poll(() => composer.inputValue()).toBe('');
    expect(await api('technician', 'GET', `/api/v1/tickets/${ticketId}/problem`)).toMatchObject({
      problem: { id: known, workaround },
    });
    const comments = await api('requester', 'GET', `/api/v1/tickets/${ticketId}/comments`);
    expect(comments.items.at(-1)).toMatchObject({ internal: false });
    expect(comments.items.at(-1).body).toContain(workaround);
    await context.close();
  }, 120_000);

  it('a technician resolves a problem with its incidents and a message to their requesters', async () => {
    const { context, page } = await signedIn.page(people.technician.email, password, {
      at: `/problems/${spooler}`,
    });
    const form = page.getByRole('form', { name: 'Resolve the problem' });
    await form.waitFor();
    const also = form.getByRole('checkbox', { name: /Also resolve the 2 open incidents/ });
    expect(await also.isChecked()).toBe(true);
    await form.getByLabel('Root cause').fill('The update resets the spooler service to manual start.');
    await form
      .getByLabel('Message to their requesters')
      .fill('Printing works again: the print server was fixed.');
    await form.getByRole('button', { name: 'Resolve with 2 incidents' }).click();
    await page.getByRole('status').filter({ hasText: 'is resolved, with 2 incidents' }).waitFor();
    await check(page, 'problem-resolved-desktop-light');
    for (const id of incidents) {
      const t = await api('requester', 'GET', `/api/v1/tickets/${id}`);
      expect(t.status).toBe('resolved');
      const c = await api('requester', 'GET', `/api/v1/tickets/${id}/comments`);
      expect(c.items.at(-1).body).toBe('Printing works again: the print server was fixed.');
    }
    const p = await api('technician', 'GET', `/api/v1/problems/${spooler}`);
    expect(p).toMatchObject({ status: 'resolved', openIncidentCount: 0 });
    await context.close();
  }, 120_000);

  it('the problems list, a problem and the ticket panel hold at every size, light and dark', async () => {
    const { context, page: p } = await signedIn.page(people.technician.email, password, { at: null });
    await eachLayout(p, async ({ label }) => {
      await p.goto('/problems');
      await p.getByRole('button', { name: 'All' }).click();
      await p.getByRole('link', { name: /Print spooler stops/ }).waitFor();
      await check(p, `problems-${label}`);
      await p.goto(`/problems/${known}`);
      await p.getByRole('heading', { name: 'Incidents over time' }).waitFor();
      await p.locator('.chart .u-over').waitFor();
      await check(p, `problem-${label}`);
      await p.getByRole('heading', { name: 'Incidents over time' }).scrollIntoViewIfNeeded();
      await check(p, `problem-chart-${label}`);
      await p.getByRole('heading', { name: 'History' }).scrollIntoViewIfNeeded();
      await check(p, `problem-history-${label}`);
      await p.goto(`/tickets/${ticketId}`);
      await p.getByText('Caused by known problem').waitFor();
      await p.locator('#problem-panel-title').scrollIntoViewIfNeeded();
      await check(p, `ticket-problem-${label}`);
    });
    await context.close();
  }, 240_000);
});
