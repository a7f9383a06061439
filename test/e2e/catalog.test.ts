// The service catalogue in Chromium: a requester searches the catalogue, opens "VPN problem", sees the
// screenshot field appear only once an error code is typed (the form's condition), attaches a file, sends, and
// lands on the request with its answers and the file. The catalogue, the form, the request and the technician's
// ticket page with its fields are captured at 1280 px and 390 px in light and dark (test-output/e2e-catalog),
// without horizontal scrolling, clipped or overlapping text.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import {
  apiCaller,
  desktop,
  eachLayout,
  ensureWebBuilt,
  launch,
  requireChromium,
  root,
  type Server,
  screenshot,
  signInPage,
  startServer,
} from './browser.js';
import { layoutProblems } from './layout.js';

const shots = path.join(root, 'test-output', 'e2e-catalog');
const password = 'e2e-catalog-password';
const people = {
  requester: { email: 'cat-req@e2e.test', name: 'Rita Requester', role: 'requester' as const },
  technician: { email: 'cat-tech@e2e.test', name: 'Theo Technician', role: 'technician' as const },
  manager: { email: 'cat-manager@e2e.test', name: 'Mona Manager', role: 'manager' as const },
};
type Who = keyof typeof people;
type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

describe('the service catalogue in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const api = apiCaller<Who>(
    () => server.base,
    (who) => people[who].email,
    password,
  );
  const states = new Map<Who, StorageState>();

  async function pageAs(who: Who, at: string) {
    let state = states.get(who);
    if (!state) {
      const first = await signInPage(browser, server.base, people[who].email, password);
      state = await first.context.storageState();
      states.set(who, state);
      await first.context.close();
    }
    const context = await browser.newContext({
      viewport: desktop,
      baseURL: server.base,
      storageState: state,
    });
    const page = await context.newPage();
    await page.goto(at);
    return { context, page };
  }

  /** The page at both widths and both schemes: screenshots, and no layout problem. */
  async function capture(who: Who, at: string, name: string, ready: (p: Page) => Promise<unknown>) {
    const { context, page } = await pageAs(who, at);
    await eachLayout(page, async ({ label }) => {
      await ready(page);
      await screenshot(page, `${name}-${label}`, shots);
      expect(await layoutProblems(page), `${name} ${label}`).toEqual([]);
    });
    await context.close();
  }

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    for (const p of Object.values(people)) await createUser(server.ctx, null, { ...p, password });
    const field = async (body: unknown) => (await api('manager', 'POST', '/api/v1/custom-fields', body)).id;
    const client = await field({
      key: 'vpn_client',
      label: 'VPN client',
      type: 'choice',
      options: ['Windows', 'macOS', 'Linux'],
      required: true,
    });
    const code = await field({ key: 'vpn_error', label: 'Error code', type: 'text', maxLength: 40 });
    const shot = await field({
      key: 'screenshot',
      label: 'Screenshot',
      type: 'attachment',
      helpText: 'A screenshot of the error helps us most.',
    });
    const office = await field({
      key: 'office',
      label: 'Office',
      type: 'choice',
      options: ['Berlin', 'Hamburg'],
    });
    await api('manager', 'POST', '/api/v1/request-types', {
      name: 'VPN problem',
      description: 'The VPN does not connect, drops or is slow.',
      catalogCategory: 'Network',
      icon: '🔒',
      keywords: ['remote', 'anyconnect'],
      defaults: { ticketType: 'incident', urgency: 'high' },
      fields: [
        { fieldId: client },
        { fieldId: code },
        { fieldId: shot, condition: { field: 'vpn_error', op: 'set' } },
        { fieldId: office },
      ],
    });
    await api('manager', 'POST', '/api/v1/request-types', {
      name: 'New laptop',
      description: 'A laptop for a new or current colleague.',
      catalogCategory: 'Hardware',
      icon: '💻',
      fields: [{ fieldId: office, required: true }],
    });
    browser = await launch();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a requester files a catalogue request with a condition and an attachment, then sees the ticket', async () => {
    const { context, page } = await pageAs('requester', '/requests/catalog');
    await page.getByRole('heading', { name: 'Network' }).waitFor();
    await page.getByLabel('Search the catalogue').fill('anyconnect');
    await expect.poll(() => page.getByRole('heading', { name: 'Hardware' }).count()).toBe(0);
    await page.getByRole('link', { name: /VPN problem/ }).click();
    await page.getByLabel('VPN client *').selectOption('macOS');
    // The screenshot field shows only once an error code is given.
    expect(await page.getByLabel('Screenshot').count()).toBe(0);
    await page.getByLabel('Error code').fill('809');
    const file = path.join(shots, 'vpn-error.txt');
    fs.mkdirSync(shots, { recursive: true });
    fs.writeFileSync(file, 'The connection was terminated by the remote computer (809).');
    await page.getByLabel('Screenshot').setInputFiles(file);
    await page.getByLabel('Office').selectOption('Hamburg');
    await page.getByRole('button', { name: 'Send request' }).click();
    await page.waitForURL(/\/requests\/\d+$/);
    await page.getByText('Your request was filed').waitFor();
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    await page.getByText('Error code: 809').waitFor();
    await page.getByText('vpn-error.txt').first().waitFor();
    await context.close();

    const ticket = await api('technician', 'GET', `/api/v1/tickets/${id}`);
    expect(ticket).toMatchObject({ title: 'VPN problem', type: 'incident', urgency: 'high' });
    expect(ticket.fields).toMatchObject({ vpn_client: 'macOS', vpn_error: '809', office: 'Hamburg' });
    expect(ticket.fields.screenshot).toHaveLength(1);

    await capture('requester', '/requests/catalog', 'catalogue', (p) =>
      p.getByRole('heading', { name: 'Network' }).waitFor(),
    );
    await capture('requester', `/requests/catalog/${ticket.requestTypeId}`, 'form', (p) =>
      p.getByLabel('VPN client *').waitFor(),
    );
    await capture('requester', `/requests/${id}`, 'request', (p) => p.getByText('Error code: 809').waitFor());
    await capture('technician', `/tickets/${id}`, 'ticket-fields', (p) =>
      p.getByRole('region', { name: 'Custom fields' }).getByText('Hamburg').waitFor(),
    );
  }, 240_000);
  it('a manager builds a field and a request type with a condition in the admin pages; the portal offers it', async () => {
    const { context, page } = await pageAs('manager', '/admin/custom-fields');
    await page.getByRole('button', { name: 'New field' }).click();
    const fieldForm = page.getByRole('form', { name: 'New field' });
    await fieldForm.getByLabel('Label').fill('Drive');
    await fieldForm.getByLabel('Key').fill('drive');
    await fieldForm.getByLabel('Type').selectOption('choice');
    await fieldForm.getByLabel('Options').fill('Finance\nHR\nOther');
    await fieldForm.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('table', { name: 'Custom fields' }).getByText('Finance · HR · Other').waitFor();
    // A second field that the form shows only for "Other".
    await page.getByRole('button', { name: 'New field' }).click();
    await fieldForm.getByLabel('Label').fill('Which drive');
    await fieldForm.getByLabel('Key').fill('Which drive');
    await fieldForm.getByRole('button', { name: 'Save' }).click();
    // A key is lower case without spaces: the form does not send one that is not.
    expect(await fieldForm.getByLabel('Key').evaluate((e) => (e as HTMLInputElement).validity.valid)).toBe(
      false,
    );
    expect(await page.getByRole('table', { name: 'Custom fields' }).getByText('Which drive').count()).toBe(0);
    await fieldForm.getByLabel('Key').fill('drive_other');
    await fieldForm.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('table', { name: 'Custom fields' }).getByText('drive_other').waitFor();
    await capture('manager', '/admin/custom-fields', 'admin-fields', (p) =>
      p.getByRole('table', { name: 'Custom fields' }).getByText('drive_other').waitFor(),
    );

    await page
      .getByRole('navigation', { name: 'Administration' })
      .getByRole('link', { name: 'Service catalogue' })
      .click();
    await page.getByRole('button', { name: 'New request type' }).click();
    const typeForm = page.getByRole('form', { name: 'New request type' });
    await typeForm.getByLabel('Name', { exact: true }).fill('Access to a shared drive');
    await typeForm.getByLabel('Catalogue section').fill('Access');
    await typeForm.getByLabel('Description').fill('Read or write access to a department drive.');
    for (const label of ['Drive (Choice (one))', 'Which drive (Text)']) {
      await typeForm.getByLabel('Field to add').selectOption({ label });
      await typeForm.getByRole('button', { name: 'Add field' }).click();
    }
    await typeForm.getByLabel('Field 1: required').selectOption('true');
    await typeForm.getByLabel('Field 2: shown').selectOption({ label: 'When “Drive”…' });
    await typeForm.getByLabel('Field 2: condition').selectOption('equals');
    await typeForm.getByLabel('Field 2: value').selectOption('Other');
    // Approved by a named person: the manager.
    await typeForm.getByLabel(/Requests wait for approval/).check();
    await typeForm.getByLabel('Step 1: approvers').selectOption('users');
    await typeForm
      .getByLabel('Step 1: people (choose one or more)')
      .selectOption({ label: people.manager.name });
    await typeForm.getByRole('button', { name: 'Save' }).click();
    await page
      .getByRole('table', { name: 'Request types' })
      .getByRole('button', { name: 'Access to a shared drive', exact: true })
      .waitFor();
    await capture('manager', '/admin/catalogue', 'admin-catalogue', (p) =>
      p
        .getByRole('table', { name: 'Request types' })
        .getByRole('button', { name: 'Access to a shared drive', exact: true })
        .waitFor(),
    );
    await capture('manager', '/admin/catalogue', 'admin-request-type-form', async (p) => {
      await p.getByRole('button', { name: 'Access to a shared drive', exact: true }).click();
      await p
        .getByRole('form', { name: 'Edit request type Access to a shared drive' })
        .getByLabel('Field 2: value')
        .waitFor();
    });
    await context.close();

    const types = await api('manager', 'GET', '/api/v1/request-types');
    const made = types.items.find((t: { name: string }) => t.name === 'Access to a shared drive');
    expect(made.approval).toEqual({
      order: 'sequence',
      steps: [{ approvers: { kind: 'users', userIds: [expect.any(Number)] }, rule: 'one' }],
    });
    expect(made.fields).toMatchObject([
      { key: 'drive', required: true, condition: null },
      { key: 'drive_other', condition: { field: 'drive', op: 'equals', value: 'Other' } },
    ]);

    const req = await pageAs('requester', `/requests/catalog/${made.id}`);
    await req.page.getByLabel('Drive *').selectOption('HR');
    expect(await req.page.getByLabel('Which drive').count()).toBe(0);
    await req.page.getByLabel('Drive *').selectOption('Other');
    await req.page.getByLabel('Which drive').fill('Projects');
    await req.page.getByRole('button', { name: 'Send request' }).click();
    await req.page.waitForURL(/\/requests\/\d+$/);
    const id = Number(new URL(req.page.url()).pathname.split('/').pop());
    await req.context.close();
    const filed = await api('technician', 'GET', `/api/v1/tickets/${id}`);
    expect(filed.fields).toMatchObject({ drive: 'Other', drive_other: 'Projects' });
    expect(filed.status).toBe('awaiting_approval');
  }, 240_000);
});
