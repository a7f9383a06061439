// Macros and canned responses in Chromium, one flow: a technician on a ticket inserts a canned response (filled
// in for this ticket by the server) at the composer's cursor, then applies a macro from the Macros menu — the
// ticket's state, group and tags change, the reply is posted, and the page says what happened and shows it in
// the timeline. The library page and the new-ticket form from a template at 1280 px and 390 px, light and dark,
// without clipped or overlapping text or serious axe violations (screenshots in test-output/e2e-macros).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, createUser } from '../../src/core/auth/index.js';
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

const shots = path.join(root, 'test-output', 'e2e-macros');
const password = 'e2e-macros-password';
const people = {
  requester: { email: 'mac-req@e2e.test', name: 'Rita Requester', role: 'requester' as const },
  technician: { email: 'mac-tech@e2e.test', name: 'Theo Technician', role: 'technician' as const },
  manager: { email: 'mac-manager@e2e.test', name: 'Mona Manager', role: 'manager' as const },
};
type Who = keyof typeof people;

describe('macros and canned responses in Chromium', () => {
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
  let ticketId = 0;
  let templateId = 0;
  let network = 0;

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    const ids = {} as Record<Who, number>;
    for (const [who, p] of Object.entries(people) as [Who, (typeof people)[Who]][])
      ids[who] = (await createUser(server.ctx, null, { ...p, password })).id;
    const desk = await createGroup(server.ctx, null, { name: 'Service desk', memberIds: [ids.technician] });
    network = (await createGroup(server.ctx, null, { name: 'Network', memberIds: [] })).id;
    ticketId = (
      await api('requester', 'POST', '/api/v1/tickets', {
        title: 'VPN drops every hour',
        description: 'Since Monday, at home and in the office.',
      })
    ).id;
    await api('technician', 'PATCH', `/api/v1/tickets/${ticketId}`, { groupId: desk.id, tags: ['vpn'] });
    await api('manager', 'POST', '/api/v1/canned-responses', {
      title: 'Greeting',
      body: 'Hello {{requester.firstName}}, thanks for ticket #{{ticket.number}}.',
      keywords: 'hello',
      scope: 'global',
    });
    await api('manager', 'POST', '/api/v1/canned-responses', {
      title: 'Sign-off',
      body: 'Kind regards, {{agent.name}}',
      scope: 'global',
    });
    await api('manager', 'POST', '/api/v1/macros', {
      name: 'Hand over to Network',
      scope: 'group',
      groupId: desk.id,
      actions: [
        { type: 'public_reply', body: 'Hello {{requester.firstName}}, our network team takes it from here.' },
        { type: 'internal_note', body: 'First-line checks done by {{agent.name}}.' },
        { type: 'set_group', groupId: network },
        { type: 'set_status', status: 'pending' },
        { type: 'add_tags', tags: ['network'] },
      ],
    });
    templateId = (
      await api('manager', 'POST', '/api/v1/ticket-templates', {
        name: 'New starter laptop',
        scope: 'global',
        defaults: {
          subject: 'Laptop for a new starter',
          body: 'Name:\nStart date:\n',
          type: 'request',
          impact: 'low',
          groupId: desk.id,
          tags: ['onboarding'],
        },
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

  it('a technician inserts a canned response and applies a macro; the pages hold at every size', async () => {
    const { context, page } = await signedIn.page(people.technician.email, password, {
      at: `/tickets/${ticketId}`,
    });
    const composer = page.locator('#composer');
    await composer.fill('Thanks. ');
    await page.getByRole('button', { name: 'Insert response' }).click();
    await page.getByRole('searchbox', { name: 'Search responses' }).fill('greet');
    await check(page, 'ticket-insert-response-desktop-light');
    await page
      .getByRole('dialog', { name: 'Insert a canned response' })
      .getByRole('button', { name: /Greeting/ })
      .click();
    await expect
      .poll(() => composer.inputValue())
      .toBe(`Thanks. Hello Rita, thanks for ticket #${ticketId}.`);

    await page.getByRole('button', { name: 'Macros' }).click();
    await page
      .getByRole('dialog', { name: 'Apply a macro' })
      .getByRole('button', { name: /Hand over to Network/ })
      .click();
    const result = page.getByRole('status').filter({ hasText: 'Applied “Hand over to Network”' });
    await result.waitFor();
    expect(await result.textContent()).toMatch(
      /status Waiting.*group Network.*tags network, vpn.*1 reply.*1 note/,
    );
    await page
      .getByRole('listitem')
      .filter({ hasText: 'applied macro “Hand over to Network”' })
      .first()
      .waitFor();
    await page.getByText('our network team takes it from here').first().waitFor();
    // The typed text was not touched by the macro.
    expect(await composer.inputValue()).toBe(`Thanks. Hello Rita, thanks for ticket #${ticketId}.`);
    await check(page, 'ticket-macro-applied-desktop-light');
    const ticket = await api('technician', 'GET', `/api/v1/tickets/${ticketId}`);
    expect(ticket).toMatchObject({ status: 'pending', groupId: network, tags: ['network', 'vpn'] });
    await context.close();

    // The library, the new-ticket form from a template and the ticket at both sizes, light and dark.
    const { context: c1, page: p } = await signedIn.page(people.technician.email, password, { at: null });
    await eachLayout(p, async ({ width, label }) => {
      await p.goto('/macros');
      await p.getByRole('button', { name: 'Macros' }).click();
      await p.getByText('Hand over to Network').waitFor();
      await check(p, `library-${label}`);
      await p.goto(`/tickets/new?template=${templateId}`);
      await expect.poll(() => p.getByLabel('Subject').inputValue()).toBe('Laptop for a new starter');
      await check(p, `new-ticket-${label}`);
      if (width === 'phone') {
        await p.goto(`/tickets/${ticketId}`);
        await p.getByRole('button', { name: 'Insert response' }).click();
        await p.getByRole('dialog', { name: 'Insert a canned response' }).waitFor();
        await check(p, `ticket-insert-response-${label}`);
      }
    });
    await c1.close();
    // Filing from the template: the defaults arrive on the ticket.
    const { context: c2, page: p2 } = await signedIn.page(people.technician.email, password, {
      at: `/tickets/new?template=${templateId}`,
    });
    await expect.poll(() => p2.getByLabel('Subject').inputValue()).toBe('Laptop for a new starter');
    await p2
      .getByLabel('Requester')
      .selectOption({ label: `${people.requester.name} (${people.requester.email})` });
    await p2.getByRole('button', { name: 'File ticket' }).click();
    await p2.waitForURL(/\/tickets\/\d+$/);
    const filed = await api(
      'technician',
      'GET',
      new URL(p2.url()).pathname.replace('/tickets', '/api/v1/tickets'),
    );
    expect(filed).toMatchObject({
      title: 'Laptop for a new starter',
      type: 'request',
      impact: 'low',
      tags: ['onboarding'],
    });
    await c2.close();
  }, 240_000);
});
