// Approvals in Chromium: a requester's catalogue request needs her manager's approval; the manager — a plain
// requester-role user — gets the mail (read from the delivery log), opens its signed link without signing in,
// sees the request (opening decides nothing), approves, and the ticket leaves awaiting_approval; the link then
// says it was used. The link page, the approver's inbox and the ticket's approvals panel are captured at
// 1280 px and 390 px in light and dark (test-output/e2e-approvals), without layout problems.
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { subscribeMail } from '../../src/mail/index.js';
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

const shots = path.join(root, 'test-output', 'e2e-approvals');
const password = 'e2e-approvals-password';
const publicUrl = 'https://desk.example.test';
const people = {
  requester: { email: 'appr-req@e2e.test', name: 'Rita Requester', role: 'requester' as const },
  boss: { email: 'appr-boss@e2e.test', name: 'Bruno Boss', role: 'requester' as const },
  technician: { email: 'appr-tech@e2e.test', name: 'Theo Technician', role: 'technician' as const },
  manager: { email: 'appr-manager@e2e.test', name: 'Mona Manager', role: 'manager' as const },
};
type Who = keyof typeof people;
type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

describe('approvals in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const ids = {} as Record<Who, number>;
  let typeId: number;
  const api = apiCaller<Who>(
    () => server.base,
    (who) => people[who].email,
    password,
  );
  const states = new Map<Who, StorageState>();

  async function settle() {
    await server.ctx.events.idle();
    await server.ctx.events.dispatchPending();
  }

  async function open(at: string, who?: Who) {
    let state: StorageState | undefined;
    if (who) {
      state = states.get(who);
      if (!state) {
        const first = await signInPage(browser, server.base, people[who].email, password);
        state = await first.context.storageState();
        states.set(who, state);
        await first.context.close();
      }
    }
    const context = await browser.newContext({
      viewport: desktop,
      baseURL: server.base,
      ...(state ? { storageState: state } : {}),
    });
    const page = await context.newPage();
    await page.goto(at);
    return { context, page };
  }

  async function capture(at: string, name: string, ready: (p: Page) => Promise<unknown>, who?: Who) {
    const { context, page } = await open(at, who);
    await eachLayout(page, async ({ width, scheme, label }) => {
      await ready(page);
      await screenshot(page, `${name}-${label}`, shots);
      expect(await layoutProblems(page), `${name} ${width} ${scheme}`).toEqual([]);
    });
    await context.close();
  }

  async function fileRequest(): Promise<number> {
    const t = await api('requester', 'POST', `/api/v1/catalog/${typeId}/requests`, {
      description: 'My laptop is five years old and the battery lasts 20 minutes.',
      fields: {},
    });
    return t.id;
  }

  async function mailedLink(ticketId: number): Promise<string> {
    await settle();
    const approvals = await api('requester', 'GET', `/api/v1/tickets/${ticketId}/approvals`);
    const approvalId = approvals.items[0].id as number;
    const mails = await server.ctx.db
      .selectFrom('mail_deliveries')
      .select('text_body')
      .where('user_id', '=', ids.boss)
      .where('template', '=', 'approval_waiting')
      .execute();
    const link = mails
      .map((m) => new RegExp(`${publicUrl}(/approve/${approvalId}\\?token=\\S+)`).exec(m.text_body)?.[1])
      .find(Boolean);
    expect(link, 'the approval mail holds its signed link').toBeTruthy();
    return link as string;
  }

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer({ OPSDESK_PUBLIC_URL: publicUrl });
    subscribeMail(server.ctx);
    for (const [who, p] of Object.entries(people))
      ids[who as Who] = (await createUser(server.ctx, null, { ...p, password })).id;
    await server.ctx.db
      .updateTable('users')
      .set({ manager_id: ids.boss })
      .where('id', '=', ids.requester)
      .execute();
    const type = await api('manager', 'POST', '/api/v1/request-types', {
      name: 'New laptop',
      description: 'A laptop for a new or current colleague.',
      catalogCategory: 'Hardware',
      icon: '💻',
      approval: { order: 'sequence', steps: [{ approvers: { kind: 'manager' }, rule: 'one' }] },
    });
    typeId = type.id;
    browser = await launch();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the manager opens the mailed link, approves, and the request leaves awaiting approval', async () => {
    const ticketId = await fileRequest();
    expect((await api('requester', 'GET', `/api/v1/tickets/${ticketId}`)).status).toBe('awaiting_approval');
    const link = await mailedLink(ticketId);

    // Opening the page (as a mail scanner would, four times here) decides nothing.
    await capture(link, 'approval-link', (p) => p.getByRole('button', { name: 'Approve' }).waitFor());
    expect((await api('requester', 'GET', `/api/v1/tickets/${ticketId}`)).status).toBe('awaiting_approval');

    const { context, page } = await open(link);
    await page.getByRole('heading', { name: 'Approve a request' }).waitFor();
    await page.getByRole('heading', { name: 'New laptop' }).waitFor();
    await page.getByText('battery lasts 20 minutes').waitFor();
    await page.getByLabel(/Comment/).fill('Approved: the old one goes to the spare pool.');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByText('Thank you, Bruno Boss: you approved this request.').waitFor();
    await context.close();
    const after = await api('technician', 'GET', `/api/v1/tickets/${ticketId}`);
    expect(after.status).not.toBe('awaiting_approval');
    expect(['new', 'assigned']).toContain(after.status);

    // The same link again: used, said plainly, no buttons.
    const again = await open(link);
    await again.page.getByText(/already decided \(approved\); this link works only once/).waitFor();
    expect(await again.page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await again.context.close();

    // The ticket's approvals panel shows who decided, how and with what comment.
    await capture(
      `/tickets/${ticketId}`,
      'ticket-approvals-panel',
      (p) => p.getByText('Approved: the old one goes to the spare pool.').waitFor(),
      'technician',
    );
  }, 120_000);

  it("the manager's inbox shows what waits, and the catalogue says which types need approval", async () => {
    await fileRequest();
    await capture(
      '/approvals',
      'approvals-inbox',
      (p) => p.getByRole('button', { name: 'Reject' }).first().waitFor(),
      'boss',
    );
    await capture(
      '/requests/catalog',
      'catalogue-needs-approval',
      (p) => p.getByText('Needs approval').first().waitFor(),
      'requester',
    );
  }, 120_000);
});
