// The knowledge base in Chromium, on one server: a requester typing "vpn keeps disconnecting" into the new-request
// form is offered the VPN FAQ, opens it in place and says it solved the problem — no ticket is filed and the
// deflection is counted; the search page marks the matching words; a requester never sees an internal article
// (not in suggestions, search, nor by its address); a technician turns a resolved ticket into a draft and lands
// in its editor, links an article, and compares two versions in the history; a requester acknowledges a policy
// and its manager sees who has and has not, the review due on the dashboard and records it; the service
// agreement is written from an SLA policy; a technician attaches an image and a file and inserts them into the
// Markdown; a manager keeps the categories, imports a zip and exports.
// Every page at 1280 px and 390 px in light and dark, without horizontal scrolling, clipped or overlapping text
// or serious axe violations (screenshots in test-output/e2e-knowledge).
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import {
  apiCaller,
  desktop,
  eachLayout,
  ensureWebBuilt,
  gotoDesktopLight,
  type LayoutVariant,
  launch,
  phone,
  requireChromium,
  root,
  type Server,
  screenshot,
  seriousViolations,
  signInPage,
  startServer,
} from './browser.js';
import { layoutProblems } from './layout.js';

const shots = path.join(root, 'test-output', 'e2e-knowledge');
const password = 'e2e-knowledge-password';
const people = {
  requester: { email: 'kb-req@e2e.test', name: 'Rita Requester', role: 'requester' as const },
  technician: { email: 'kb-tech@e2e.test', name: 'Theo Technician', role: 'technician' as const },
  manager: { email: 'kb-manager@e2e.test', name: 'Mona Manager', role: 'manager' as const },
  admin: { email: 'kb-admin@e2e.test', name: 'Ada Admin', role: 'admin' as const },
};
// A 1×1 PNG: its bytes prove it an image, so the server serves it inline.
const pixelPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
type Who = keyof typeof people;
type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

const vpnFaqBody = `Most drops come from the Wi-Fi going to sleep or an old client.

## Check your connection

1. Plug in a cable, or sit closer to the access point.
2. Turn off *power saving* for the Wi-Fi adapter.

## Update the VPN client

Install the newest client from the **Software Center**. Then sign in again.

> If the VPN keeps disconnecting after this, file a request and say which office you are in.

| Client | Newest |
| --- | --- |
| Windows | 5.2 |
| macOS | 5.1 |
`;

describe('the knowledge base in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const api = apiCaller<Who>(
    () => server.base,
    (who) => people[who].email,
    password,
  );
  const states = new Map<Who, StorageState>();
  let vpnFaq = 0;
  let runbook = 0;
  let policy = 0;
  let procedure = 0;
  let attachDraft = 0;
  let resolvedTicket = 0;

  /** A page signed in as `who` (signing in through the form the first time), at desktop width in the light scheme. */
  async function pageAs(who: Who, at: string): Promise<{ context: BrowserContext; page: Page }> {
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

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    let managerId = 0;
    for (const p of Object.values(people)) {
      const u = await createUser(server.ctx, null, { ...p, password });
      if (p.role === 'manager') managerId = u.id;
    }
    const remote = await api('manager', 'POST', '/api/v1/knowledge/categories', { name: 'Remote access' });
    const rules = await api('manager', 'POST', '/api/v1/knowledge/categories', {
      name: 'Rules and policies',
    });
    vpnFaq = (
      await api('manager', 'POST', '/api/v1/articles', {
        title: 'Why does my VPN keep disconnecting?',
        body: vpnFaqBody,
        kind: 'faq',
        audience: 'public',
        status: 'published',
        categoryId: remote.id,
        tags: ['vpn', 'wifi'],
      })
    ).id;
    // A second version, so the history has two to compare.
    await api('technician', 'PATCH', `/api/v1/articles/${vpnFaq}`, {
      baseVersion: 1,
      body: vpnFaqBody.replace('Then sign in again.', 'Then restart the laptop and sign in again.'),
      note: 'A restart is needed after the update',
    });
    runbook = (
      await api('manager', 'POST', '/api/v1/articles', {
        title: 'VPN concentrator failover runbook',
        body: 'When the VPN keeps disconnecting for everyone, fail over to the second concentrator.\n\n## Steps\n\nDrain, then switch.',
        kind: 'runbook',
        audience: 'internal',
        status: 'published',
        categoryId: remote.id,
        tags: ['vpn'],
      })
    ).id;
    await api('manager', 'POST', '/api/v1/articles', {
      title: 'Setting up a printer at home',
      body: 'Add the printer from **Settings → Printers**; the office printers need the VPN.',
      kind: 'guide',
      audience: 'public',
      status: 'published',
      categoryId: remote.id,
    });
    policy = (
      await api('manager', 'POST', '/api/v1/articles', {
        title: 'Acceptable use policy',
        body: '## Scope\n\nEveryone with an account.\n\n## Rules\n\nDo not share your password.',
        kind: 'policy',
        audience: 'public',
        status: 'published',
        categoryId: rules.id,
        effectiveAt: new Date(Date.now() - 400 * 86_400_000).toISOString(),
        reviewIntervalDays: 365,
        requiresAck: true,
        ownerId: managerId,
      })
    ).id;
    // A procedure due for review in ten days: on the dashboard's list after the policy is reviewed.
    procedure = (
      await api('manager', 'POST', '/api/v1/articles', {
        title: 'Leaver offboarding procedure',
        body: '## Steps\n\n1. Disable the account.\n2. Collect the laptop.',
        kind: 'procedure',
        audience: 'internal',
        status: 'published',
        categoryId: rules.id,
        effectiveAt: new Date(Date.now() - 80 * 86_400_000).toISOString(),
        reviewIntervalDays: 90,
        ownerId: managerId,
      })
    ).id;
    // A draft for the technician to attach files to.
    attachDraft = (
      await api('technician', 'POST', '/api/v1/articles', {
        title: 'Mapping a network drive',
        body: 'Open the File Explorer.\n\nPick the letter.',
        kind: 'guide',
        audience: 'public',
      })
    ).id;
    // A ticket the technician solved: its solution becomes a draft.
    const ticket = await api('requester', 'POST', '/api/v1/tickets', {
      title: 'Outlook asks for my password every hour',
      description: 'Since the update on Monday.',
    });
    resolvedTicket = ticket.id;
    await api('technician', 'POST', `/api/v1/tickets/${ticket.id}/comments`, {
      body: 'Cleared the cached credentials in the Credential Manager; it stays signed in now.',
      internal: false,
    });
    await api('technician', 'PATCH', `/api/v1/tickets/${ticket.id}`, { status: 'resolved' });
    // A search that finds nothing: a gap on the manager's dashboard.
    await api('requester', 'GET', '/api/v1/articles?q=teleporter%20calibration');
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('offers the VPN FAQ to a requester typing, and "This solved my problem" files nothing', async () => {
    const before = await api('manager', 'GET', '/api/v1/knowledge/deflections');
    const { context, page } = await pageAs('requester', '/requests/new');
    await page.getByLabel('Title').fill('vpn keeps disconnecting');
    const offer = page.getByRole('region', { name: 'These articles may answer your question' });
    await offer.getByRole('button', { name: /Why does my VPN keep disconnecting/ }).waitFor();
    // The internal runbook matches the words too, but a requester never sees it.
    expect(await offer.textContent()).not.toContain('concentrator');
    await offer.getByRole('button', { name: /Why does my VPN keep disconnecting/ }).click();
    await offer.getByRole('heading', { name: 'Update the VPN client' }).waitFor();
    await screenshot(page, 'portal-deflection-open-desktop', shots);
    await offer.getByRole('button', { name: 'This solved my problem' }).click();
    await page.getByText('no request was filed').waitFor();
    await screenshot(page, 'portal-deflection-solved-desktop', shots);
    await context.close();

    const filed = await server.ctx.db
      .selectFrom('tickets')
      .select('id')
      .where('title', '=', 'vpn keeps disconnecting')
      .execute();
    expect(filed).toEqual([]);
    const after = await api('manager', 'GET', '/api/v1/knowledge/deflections');
    expect(after.deflected).toBe(before.deflected + 1);
    expect(after.top.map((a: { id: number }) => a.id)).toContain(vpnFaq);
  }, 60_000);

  it('marks the matching words in search results, and keeps internal articles from requesters', async () => {
    const tech = await pageAs('technician', '/kb?q=disconnecting');
    const results = tech.page.getByRole('region', { name: 'Results' });
    await results.getByRole('link', { name: 'VPN concentrator failover runbook' }).waitFor();
    await results.getByRole('link', { name: 'Why does my VPN keep disconnecting?' }).waitFor();
    const marked = await results.locator('mark').allTextContents();
    expect(marked.length).toBeGreaterThan(0);
    expect(marked.every((m) => /disconnect/i.test(m))).toBe(true);
    await tech.context.close();

    const req = await pageAs('requester', '/kb?q=disconnecting');
    const reqResults = req.page.getByRole('region', { name: 'Results' });
    await reqResults.getByRole('link', { name: 'Why does my VPN keep disconnecting?' }).waitFor();
    expect(await reqResults.textContent()).not.toContain('concentrator');
    // Typed into the box: the results follow, without pressing Enter.
    await req.page.getByLabel('Search the knowledge base').fill('printer');
    await reqResults.getByRole('link', { name: 'Setting up a printer at home' }).waitFor();
    await req.page.goto('/kb');
    await req.page.getByRole('heading', { name: 'Remote access' }).waitFor();
    expect(await req.page.locator('main').textContent()).not.toContain('concentrator');
    await req.page.goto(`/kb/${runbook}`);
    await req.page.getByText('This article could not be opened.').waitFor();
    expect(await req.page.locator('main').textContent()).not.toContain('second concentrator');
    // No staff controls for a requester on a public article.
    await req.page.goto(`/kb/${vpnFaq}`);
    await req.page.getByRole('heading', { name: 'Why does my VPN keep disconnecting?' }).waitFor();
    expect(await req.page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    expect(await req.page.getByRole('button', { name: 'History' }).count()).toBe(0);
    await req.context.close();
  }, 60_000);

  it('turns a resolved ticket into a draft, opened in the editor; links an article to a ticket', async () => {
    const { context, page } = await pageAs('technician', `/tickets/${resolvedTicket}`);
    const panel = page.getByRole('region', { name: 'Knowledge' });
    await panel.getByRole('button', { name: 'Create article from this ticket' }).click();
    await page.waitForURL(/\/kb\/\d+\/edit$/);
    const form = page.getByRole('form', { name: 'Edit article' });
    await form.waitFor();
    expect(await form.getByLabel('Title').inputValue()).toContain('Outlook asks for my password');
    expect(await form.getByLabel('Text (Markdown)').inputValue()).toContain('Credential Manager');
    // The preview is the server's rendering of the text.
    await page.getByRole('region', { name: 'Preview' }).getByText('Credential Manager').first().waitFor();
    const draftId = Number(new URL(page.url()).pathname.split('/')[2]);
    const draft = await api('technician', 'GET', `/api/v1/articles/${draftId}`);
    expect(draft).toMatchObject({ status: 'draft', audience: 'internal', sourceTicketId: resolvedTicket });

    // Linking from the suggestions, on a ticket about the VPN.
    const vpnTicket = await api('requester', 'POST', '/api/v1/tickets', {
      title: 'VPN keeps disconnecting',
      description: 'It drops every few minutes at home.',
    });
    await page.goto(`/tickets/${vpnTicket.id}`);
    const kb = page.getByRole('region', { name: 'Knowledge' });
    await kb.getByRole('button', { name: 'Link Why does my VPN keep disconnecting?' }).click();
    await kb.getByRole('button', { name: 'Unlink Why does my VPN keep disconnecting?' }).waitFor();
    expect(await kb.getByRole('button', { name: 'Create article from this ticket' }).count()).toBe(0);
    await context.close();
    const linked = await api('requester', 'GET', `/api/v1/tickets/${vpnTicket.id}/articles`);
    expect(linked.items.map((a: { id: number }) => a.id)).toEqual([vpnFaq]);
    // The requester sees it on their request.
    const req = await pageAs('requester', `/requests/${vpnTicket.id}`);
    await req.page
      .getByRole('region', { name: 'Articles that may help' })
      .getByRole('link', { name: 'Why does my VPN keep disconnecting?' })
      .waitFor();
    await req.context.close();
  }, 60_000);

  it('shows what changed between two versions, and a save on an old version as a conflict', async () => {
    const { context, page } = await pageAs('technician', `/kb/${vpnFaq}`);
    await page.getByRole('button', { name: 'History' }).click();
    const history = page.getByRole('region', { name: 'History' });
    await history.getByText('A restart is needed after the update').waitFor();
    await history.getByLabel('Compare version 1').check();
    await history.getByLabel('Compare version 2').check();
    await history.locator('.kb-diff-add').first().waitFor();
    expect(await history.locator('.kb-diff-add').allTextContents()).toEqual([
      expect.stringContaining('restart the laptop'),
    ]);
    expect(await history.locator('.kb-diff-remove').allTextContents()).toEqual([
      expect.stringContaining('Then sign in again.'),
    ]);
    await history.locator('.kb-diff').scrollIntoViewIfNeeded();
    await screenshot(page, 'article-history-diff-desktop', shots);

    // Someone saves while the editor is open: the save is refused plainly, the text kept.
    await page.goto(`/kb/${vpnFaq}/edit`);
    const form = page.getByRole('form', { name: 'Edit article' });
    await form.getByLabel('Change note').fill('my edit');
    await api('manager', 'PATCH', `/api/v1/articles/${vpnFaq}`, {
      baseVersion: 2,
      tags: ['vpn', 'wifi', 'remote'],
    });
    await form.getByLabel('Text (Markdown)').fill('My rewrite');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Someone saved a newer version while you were editing.').waitFor();
    expect(await form.getByLabel('Text (Markdown)').inputValue()).toBe('My rewrite');
    await screenshot(page, 'editor-conflict-desktop', shots);
    await form.getByRole('button', { name: 'Load the latest version' }).click();
    await expect.poll(() => form.getByLabel('Tags').inputValue()).toContain('remote');
    await context.close();
  }, 60_000);

  it('lets a technician submit for review and a manager publish', async () => {
    const draft = await api('technician', 'POST', '/api/v1/articles', {
      title: 'Resetting a forgotten password',
      body: 'Use the **Forgot password** link on the sign-in page.',
      kind: 'guide',
      audience: 'public',
    });
    const tech = await pageAs('technician', `/kb/${draft.id}`);
    expect(await tech.page.getByRole('button', { name: 'Publish' }).count()).toBe(0);
    await tech.page.getByRole('button', { name: 'Submit for review' }).click();
    await tech.page.getByRole('button', { name: 'Back to draft' }).waitFor();
    await tech.context.close();
    const mgr = await pageAs('manager', `/kb/${draft.id}`);
    await mgr.page.getByRole('button', { name: 'Publish' }).click();
    await mgr.page.getByRole('button', { name: 'Unpublish' }).waitFor();
    await mgr.context.close();
    expect((await api('requester', 'GET', `/api/v1/articles/${draft.id}`)).status).toBe('published');
  }, 60_000);

  it('asks a reader to acknowledge a policy, and shows a manager who has, the review due and records it', async () => {
    const req = await pageAs('requester', `/kb/${policy}`);
    await req.page.getByRole('button', { name: 'I have read and acknowledge this' }).click();
    await req.page.getByText('You acknowledged version 1').waitFor();
    await screenshot(req.page, 'article-policy-acknowledged-desktop', shots);
    await req.context.close();
    expect(await api('requester', 'GET', `/api/v1/articles/${policy}/acknowledgement`)).toMatchObject({
      required: true,
      version: 1,
      acknowledgedAt: expect.any(String),
    });
    // A public policy's audience is everyone: the requester has acknowledged; the other three have not.
    const who = await api('manager', 'GET', `/api/v1/articles/${policy}/acknowledgements`);
    expect(who.total).toEqual({ acknowledged: 1, pending: 3 });

    const mgr = await pageAs('manager', `/kb/${policy}`);
    const acks = mgr.page.getByRole('region', { name: /Acknowledgements/ });
    await acks.getByText('1 acknowledged · 3 not yet').waitFor();
    await acks.getByText('Not yet (3)').click();
    const pending = acks.getByRole('list', { name: 'Not yet acknowledged' });
    await pending.getByText('Theo Technician').waitFor();
    expect(await pending.getByRole('listitem').allTextContents()).toEqual(
      expect.arrayContaining(['Theo Technician', 'Mona Manager', 'Ada Admin']),
    );
    await acks.getByText('Acknowledged (1)').click();
    const done = acks.getByRole('list', { name: 'Acknowledged' });
    await done.getByText(/Rita Requester/).waitFor();
    expect(await pending.textContent()).not.toContain('Rita Requester');
    await acks.scrollIntoViewIfNeeded();
    await screenshot(mgr.page, 'article-policy-acks-desktop', shots);

    // The policy fell due 35 days ago: overdue on the manager's dashboard, beside the procedure due soon.
    await mgr.page.goto('/dashboard');
    const card = mgr.page.getByRole('region', { name: 'Knowledge base (30 days)' });
    const due = card.getByRole('list', { name: 'Policy reviews due' });
    const policyRow = due.getByRole('listitem').filter({ hasText: 'Acceptable use policy' });
    await policyRow.waitFor();
    expect(await policyRow.locator('.kb-overdue').textContent()).toContain('Overdue');
    const procedureRow = due.getByRole('listitem').filter({ hasText: 'Leaver offboarding procedure' });
    expect(await procedureRow.textContent()).toContain('Due');
    expect(await procedureRow.locator('.kb-overdue').count()).toBe(0);
    expect(await procedureRow.getByRole('link').getAttribute('href')).toBe(`/kb/${procedure}`);
    await card.scrollIntoViewIfNeeded();
    await screenshot(mgr.page, 'dashboard-reviews-desktop', shots);

    // Recorded from the policy's page: the next review is a year on, and the dashboard no longer lists it.
    await policyRow.getByRole('link', { name: 'Acceptable use policy' }).click();
    await mgr.page.getByLabel('Review note').fill('Checked against the new remote work rules');
    await mgr.page.getByRole('button', { name: 'Mark reviewed' }).click();
    await mgr.page.getByText('Review recorded.').waitFor();
    // The note is kept with the review, in the audit trail.
    const audit = await server.ctx.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'article.reviewed')
      .where('subject_id', '=', String(policy))
      .executeTakeFirstOrThrow();
    expect(audit.details).toContain('Checked against the new remote work rules');
    await expect.poll(() => mgr.page.locator('.kb-overdue').count()).toBe(0);
    const reviewed = await api('manager', 'GET', `/api/v1/articles/${policy}`);
    expect(reviewed.lastReviewedAt).not.toBeNull();
    expect(Date.parse(reviewed.nextReviewAt)).toBeGreaterThan(Date.now() + 300 * 86_400_000);
    await mgr.page.goto('/dashboard');
    await due.getByRole('link', { name: 'Leaver offboarding procedure' }).waitFor();
    expect(await due.getByRole('link', { name: 'Acceptable use policy' }).count()).toBe(0);
    await mgr.context.close();
  }, 60_000);

  it('writes the service agreement from the SLA policies', async () => {
    await api('admin', 'POST', '/api/v1/sla/policies', {
      name: 'Standard support',
      targets: { first_response: { minutes: 60 }, resolution: { minutes: 480 } },
    });
    const { context, page } = await pageAs('requester', '/kb/service-agreement');
    await page.getByRole('heading', { name: 'Help desk service agreement' }).first().waitFor();
    const body = page.locator('.kb-body');
    await body.getByRole('heading', { name: 'Standard support' }).waitFor();
    const rows = (await body.locator('tr').allTextContents()).map((r) => r.replace(/\s+/g, ' ').trim());
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^First response ?1 hour ?around the clock$/),
        expect.stringMatching(/^Resolution ?8 hours ?around the clock$/),
      ]),
    );
    // Written by the service: nobody edits it by hand.
    expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
    await screenshot(page, 'service-agreement-desktop', shots);
    await context.close();
  }, 60_000);

  it('attaches an image and a file to a draft, inserts them at the cursor and lists them on the article', async () => {
    const fresh = await pageAs('technician', '/kb/new');
    await fresh.page.getByText('Save the draft to attach files.').waitFor();
    await fresh.context.close();

    const { context, page } = await pageAs('technician', `/kb/${attachDraft}/edit`);
    page.on('dialog', (d) => void d.accept());
    const crashes: string[] = [];
    page.on('pageerror', (e) => crashes.push(e.message));
    const form = page.getByRole('form', { name: 'Edit article' });
    const files = form.getByRole('region', { name: 'Attachments' });
    await files.getByText('No files attached yet.').waitFor();
    await files.getByLabel('Attach files or images').setInputFiles([
      { name: 'drive-letter.png', mimeType: 'image/png', buffer: pixelPng },
      { name: 'checklist.txt', mimeType: 'text/plain', buffer: Buffer.from('1. Letter\n2. Path\n') },
    ]);
    await files.getByRole('button', { name: 'Insert checklist.txt' }).waitFor();
    const listed = await api('technician', 'GET', `/api/v1/articles/${attachDraft}/attachments`);
    const png = listed.items.find((a: { filename: string }) => a.filename === 'drive-letter.png');
    const txt = listed.items.find((a: { filename: string }) => a.filename === 'checklist.txt');
    expect(png).toMatchObject({ inline: true, url: `/api/v1/articles/${attachDraft}/attachments/${png.id}` });
    expect(txt).toMatchObject({ inline: false });

    // The cursor between the two paragraphs: the image goes there, then the file's link after it.
    const text = form.getByLabel('Text (Markdown)');
    await text.evaluate((el: HTMLTextAreaElement) => {
      const at = el.value.indexOf('Pick the letter.');
      el.focus();
      el.setSelectionRange(at, at);
    });
    await files.getByRole('button', { name: 'Insert drive-letter.png' }).click();
    await files.getByRole('button', { name: 'Insert checklist.txt' }).click();
    expect(await text.inputValue()).toBe(
      `Open the File Explorer.\n\n![drive-letter.png](${png.url})[checklist.txt](${txt.url})Pick the letter.`,
    );
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.locator(`img[src="${png.url}"]`).waitFor();
    await files.scrollIntoViewIfNeeded();
    await screenshot(page, 'editor-attachments-desktop', shots);

    // The text file removed: its link stays in the text until the writer takes it out, the file is gone.
    await files.getByRole('button', { name: 'Delete checklist.txt' }).click();
    await expect.poll(() => files.getByRole('button', { name: 'Insert checklist.txt' }).count()).toBe(0);
    expect(
      (await api('technician', 'GET', `/api/v1/articles/${attachDraft}/attachments`)).items.map(
        (a: { filename: string }) => a.filename,
      ),
    ).toEqual(['drive-letter.png']);
    await text.fill(`Open the File Explorer.\n\n![drive-letter.png](${png.url})\n\nPick the letter.`);
    await form.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(new RegExp(`/kb/${attachDraft}$`));

    // The article shows the image (it loads: the URL is the server's) and lists the file to download.
    const image = page.locator('.kb-body img');
    await image.waitFor({ state: 'attached' });
    await expect.poll(() => image.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(1);
    const side = page.getByRole('complementary', { name: 'About this article' });
    const link = side
      .getByRole('region', { name: 'Attachments' })
      .getByRole('link', { name: 'drive-letter.png' });
    expect(await link.getAttribute('href')).toBe(png.url);
    const download = await page.request.get(png.url);
    expect(download.status()).toBe(200);
    expect(download.headers()['content-type']).toBe('image/png');
    // Leaving the editor after a save once threw in an effect's cleanup and blanked the page.
    expect(crashes).toEqual([]);
    await context.close();
  }, 60_000);

  it('lets a manager keep the categories, import a zip and export', async () => {
    const { context, page } = await pageAs('manager', '/kb');
    page.on('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: 'Categories, import, export' }).click();
    const cats = page.getByRole('region', { name: 'Categories' });
    await cats.getByLabel('New category').fill('Printing');
    await cats.getByRole('button', { name: 'Add category' }).click();
    await cats.getByLabel('Name of Printing').fill('Printers and scanners');
    await cats
      .getByRole('form', { name: 'Category Printing' })
      .getByRole('button', { name: 'Rename' })
      .click();
    await cats.getByRole('button', { name: 'Move Printers and scanners up' }).click();
    const order = async () =>
      (await api('manager', 'GET', '/api/v1/knowledge/categories')).items.map(
        (c: { name: string }) => c.name,
      );
    await expect.poll(order).toEqual(['Remote access', 'Printers and scanners', 'Rules and policies']);
    await expect
      .poll(() =>
        cats.locator('.kb-cat-row input').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
      )
      .toEqual(['Remote access', 'Printers and scanners', 'Rules and policies']);
    await screenshot(page, 'kb-manage-categories-desktop', shots);
    await cats.getByRole('button', { name: 'Delete Printers and scanners' }).click();
    await expect.poll(order).toEqual(['Remote access', 'Rules and policies']);
    // Non-managers are not offered the tools.
    const tech = await pageAs('technician', '/kb?manage=1');
    await tech.page.getByRole('heading', { name: 'Knowledge base' }).waitFor();
    expect(await tech.page.getByRole('region', { name: 'Categories' }).count()).toBe(0);
    expect(await tech.page.getByRole('button', { name: 'Categories, import, export' }).count()).toBe(0);
    await tech.context.close();

    // A zip: a Markdown guide with front matter comes in; a spreadsheet nobody links to is skipped, with why.
    const zip = zipSync({
      'guides/guest-wifi.md': strToU8(
        '---\ntitle: Connecting a guest to the Wi-Fi\nkind: guide\naudience: public\n---\n\nGive them the code from reception.\n',
      ),
      'data/rooms.csv': strToU8('room,floor\nA,1\n'),
    });
    const transfer = page.getByRole('region', { name: 'Import and export' });
    await transfer.getByLabel('Markdown, HTML or a zip of them').setInputFiles({
      name: 'kb.zip',
      mimeType: 'application/zip',
      buffer: Buffer.from(zip),
    });
    await transfer.getByRole('button', { name: 'Import' }).click();
    const imported = transfer.getByRole('list', { name: 'Imported' });
    await imported.getByRole('link', { name: 'Connecting a guest to the Wi-Fi' }).waitFor();
    expect(await transfer.getByText('1 article imported, 1 file skipped.').count()).toBe(1);
    const skipped = transfer.getByRole('list', { name: 'Skipped' });
    expect(await skipped.textContent()).toContain('data/rooms.csv: not a Markdown or HTML file');
    await screenshot(page, 'kb-manage-import-desktop', shots);
    const href = await transfer.getByRole('link', { name: 'Export everything (.zip)' }).getAttribute('href');
    expect(href).toBe('/api/v1/knowledge/export');
    const exported = await page.request.get(href ?? '');
    expect(exported.status()).toBe(200);
    expect(exported.headers()['content-type']).toBe('application/zip');
    await imported.getByRole('link', { name: 'Connecting a guest to the Wi-Fi' }).click();
    await page.getByText('Give them the code from reception.').waitFor();
    await context.close();
  }, 60_000);

  // Axe on two of the four (desktop light, phone dark): each width and each theme's contrast once; the other
  // two are laid out and photographed.
  it('lays out every knowledge page at desktop, phone, desktop-dark and phone-dark', async () => {
    const found: Record<string, string[]> = { desktop: [], phone: [], 'desktop-dark': [], 'phone-dark': [] };
    async function check(page: Page, name: string, { width, scheme }: LayoutVariant) {
      const label = scheme === 'light' ? width : `${width}-dark`;
      const viewport = width === 'phone' ? phone : desktop;
      const axe = label === 'desktop' || label === 'phone-dark';
      const into = found[label];
      await page.waitForLoadState('networkidle');
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      if (scrollWidth > viewport.width + 1)
        into.push(`${name}: ${scrollWidth}px wide in ${viewport.width}px`);
      for (const problem of await layoutProblems(page)) into.push(`${name}: ${problem}`);
      // A panel whose route answered an error says so now (no panel hides on a 404): none should.
      for (const alert of await page.locator('.alert-error').allTextContents())
        into.push(`${name}: error shown: ${alert}`);
      if (axe)
        for (const v of await seriousViolations(page))
          into.push(`${name}: ${v.id} ${v.help} ${JSON.stringify(v.nodes)}`);
      await screenshot(page, `${name}-${label}`, shots);
    }
    const views: [Who, string, string, (p: Page) => Promise<void>][] = [
      ['requester', '/kb', 'kb-browse', (p) => p.getByRole('heading', { name: 'Remote access' }).waitFor()],
      ['requester', '/kb?q=vpn', 'kb-search', (p) => p.locator('.kb-result mark').first().waitFor()],
      [
        'requester',
        `/kb/${vpnFaq}`,
        'article',
        (p) => p.getByRole('heading', { name: 'Update the VPN client' }).waitFor(),
      ],
      [
        'requester',
        '/requests/new',
        'portal-deflection',
        async (p) => {
          await p.getByLabel('Title').fill('vpn keeps disconnecting');
          await p.getByRole('button', { name: /Why does my VPN keep disconnecting/ }).click();
          await p.getByRole('button', { name: 'This solved my problem' }).waitFor();
        },
      ],
      [
        'technician',
        '/kb?q=vpn&status=published',
        'kb-search-staff',
        (p) => p.locator('.kb-result mark').first().waitFor(),
      ],
      [
        'technician',
        `/kb/${vpnFaq}`,
        'article-staff-history',
        async (p) => {
          await p.getByRole('button', { name: 'History' }).click();
          await p.getByLabel('Compare version 1').check();
          await p.getByLabel('Compare version 2').check();
          await p.locator('.kb-diff-add').first().waitFor();
        },
      ],
      [
        'technician',
        `/kb/${vpnFaq}/edit`,
        'editor',
        (p) =>
          p
            .getByRole('region', { name: 'Preview' })
            .getByRole('heading', { name: 'Check your connection' })
            .waitFor(),
      ],
      [
        'technician',
        '/kb/new?title=Printer%20offline',
        'editor-new-policy',
        async (p) => {
          expect(await p.getByLabel('Title').inputValue()).toBe('Printer offline');
          await p.getByLabel('Kind').selectOption('policy');
          await p.getByLabel('Owner').waitFor();
        },
      ],
      [
        'technician',
        `/tickets/${resolvedTicket}`,
        'ticket-knowledge',
        (p) => p.getByRole('button', { name: 'Create article from this ticket' }).waitFor(),
      ],
      ['manager', `/kb/${policy}`, 'article-policy', (p) => p.getByText('Next review').waitFor()],
      [
        'manager',
        `/kb/${policy}`,
        'article-policy-acks',
        async (p) => {
          const acks = p.getByRole('region', { name: /Acknowledgements/ });
          await acks.getByText(/^Not yet \(/).click();
          await acks.getByText(/^Acknowledged \(/).click();
          await acks
            .getByRole('list', { name: 'Acknowledged' })
            .getByText(/Rita Requester/)
            .waitFor();
        },
      ],
      [
        'requester',
        `/kb/${policy}`,
        'article-policy-acknowledged',
        (p) => p.getByText('You acknowledged version 1').waitFor(),
      ],
      [
        'requester',
        '/kb/service-agreement',
        'service-agreement',
        (p) => p.locator('.kb-body').getByRole('heading', { name: 'Standard support' }).waitFor(),
      ],
      [
        'technician',
        `/kb/${attachDraft}/edit`,
        'editor-attachments',
        async (p) => {
          await p.getByRole('button', { name: 'Insert drive-letter.png' }).waitFor();
          await p.getByRole('region', { name: 'Attachments' }).scrollIntoViewIfNeeded();
        },
      ],
      [
        'technician',
        `/kb/${attachDraft}`,
        'article-attachments',
        async (p) => {
          await p.getByRole('link', { name: 'drive-letter.png' }).waitFor();
          await p.getByRole('region', { name: 'Attachments' }).scrollIntoViewIfNeeded();
        },
      ],
      [
        'manager',
        '/kb?manage=1',
        'kb-manage',
        (p) => p.getByRole('region', { name: 'Categories' }).getByLabel('Name of Remote access').waitFor(),
      ],
      [
        'manager',
        '/dashboard',
        'dashboard-knowledge',
        async (p) => {
          const card = p.getByRole('region', { name: 'Knowledge base (30 days)' });
          await card.getByText('deflection rate').waitFor();
          expect(await card.getByRole('link', { name: 'Write it' }).getAttribute('href')).toBe(
            '/kb/new?title=teleporter%20calibration',
          );
          await card.scrollIntoViewIfNeeded();
        },
      ],
    ];
    // One page per person, going from view to view; each view in each layout, resized and reloaded in that
    // context (its cache warm).
    const open = new Map<Who, { context: BrowserContext; page: Page }>();
    for (const [who, at, name, ready] of views) {
      let here = open.get(who);
      if (here) await gotoDesktopLight(here.page, at);
      else {
        here = await pageAs(who, at);
        open.set(who, here);
      }
      const { page } = here;
      await eachLayout(page, async (variant) => {
        await ready(page);
        await check(page, name, variant);
      });
    }
    for (const { context } of open.values()) await context.close();
    expect(found).toEqual({ desktop: [], phone: [], 'desktop-dark': [], 'phone-dark': [] });
  }, 600_000);
});
