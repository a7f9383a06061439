// The web app in German, in Chromium: a person whose profile says German reads the queue, a ticket and the
// administration of single sign-on in German (in an English browser), and so does a person who has chosen no
// language in a German browser — from the sign-in page on. No English word of those pages' catalogues shows.
// The German pages hold at phone width, light and dark, without clipped or overflowing text (longer German
// words): screenshots in test-output/e2e-languages.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
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
  startServer,
} from './browser.js';
import { layoutProblems } from './layout.js';

const shots = path.join(root, 'test-output', 'e2e-languages');
const password = 'e2e-languages-password';
const people = {
  greta: { email: 'greta@e2e.test', name: 'Greta Gruber', role: 'technician' as const, language: 'de' },
  bruno: { email: 'bruno@e2e.test', name: 'Bruno Brandt', role: 'technician' as const },
  admin: { email: 'lang-admin@e2e.test', name: 'Ada Admin', role: 'admin' as const, language: 'de' },
  plainAdmin: { email: 'plain-admin@e2e.test', name: 'Paul Admin', role: 'admin' as const },
  requester: { email: 'lang-req@e2e.test', name: 'Rita Richter', role: 'requester' as const },
};
type Who = keyof typeof people;

const catalogue = (language: string, namespace: string): Record<string, string> =>
  JSON.parse(fs.readFileSync(path.join(root, 'web', 'src', 'i18n', language, `${namespace}.json`), 'utf8'));

/**
 * The English words of these namespaces that German says otherwise: whole messages without values or markup,
 * long enough not to be part of a German word or a name.
 */
function englishWords(namespaces: string[]): string[] {
  return namespaces.flatMap((ns) => {
    const en = catalogue('en', ns);
    const de = catalogue('de', ns);
    // A lone lower-case word is a code people type ("requester" in a role mapping's hint), not a sentence.
    return Object.entries(en)
      .filter(([key, text]) => text !== de[key] && !/[{<]/.test(text) && text.trim().length >= 8)
      .filter(([, text]) => /[\sA-Z]/.test(text.trim()))
      .map(([, text]) => text);
  });
}

const shell = ['shell', 'common', 'ui'];
const queueWords = englishWords([...shell, 'queue', 'sla']);
const ticketWords = englishWords([...shell, 'ticket', 'timeline', 'ticket-sla', 'sla', 'ticket-time']);
const signInAdminWords = englishWords([...shell, 'admin', 'admin-sign-in']);

async function expectGerman(page: Page, english: string[], what: string) {
  expect(await page.locator('html').getAttribute('lang'), what).toBe('de');
  const text = await page.locator('body').innerText();
  expect(
    english.filter((s) => text.includes(s)),
    what,
  ).toEqual([]);
}

describe('the web app in German', () => {
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
  let ticket = 0;

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    for (const p of Object.values(people)) await createUser(server.ctx, null, { ...p, password });
    ticket = (
      await api('requester', 'POST', '/api/v1/tickets', {
        title: 'Drucker im zweiten Stock druckt leere Seiten',
        description: 'Seit heute Morgen kommen nur weiße Blätter.',
        type: 'incident',
      })
    ).id;
    await api('greta', 'POST', `/api/v1/tickets/${ticket}/comments`, {
      body: 'Toner getauscht, bitte erneut versuchen.',
      internal: true,
    });
    browser = await launch();
  }, 240_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a person whose profile says German reads the queue, a ticket and the sign-on administration in German', async () => {
    // The browser asks for English (test/e2e/browser.ts): the sign-in form is English, the pages after it German.
    const { context, page } = await signedIn.page(people.greta.email, password, { at: '/queue?queue=open' });
    await page.getByRole('heading', { name: /Alle offenen/ }).waitFor();
    await page.getByRole('link', { name: /Drucker im zweiten Stock/ }).waitFor();
    await page
      .getByRole('navigation', { name: 'Hauptmenü' })
      .getByRole('link', { name: 'Warteschlange' })
      .waitFor();
    await expectGerman(page, queueWords, 'queue');

    await page.getByRole('link', { name: /Drucker im zweiten Stock/ }).click();
    const timeline = page.getByRole('list', { name: 'Verlauf' });
    await timeline.getByText('Rita Richter hat das Ticket erstellt').waitFor();
    await timeline.getByText('Interne Notiz').waitFor();
    await page.getByRole('button', { name: 'Abmelden' }).waitFor();
    await expectGerman(page, ticketWords, 'ticket');
    await context.close();

    const admin = await signedIn.page(people.admin.email, password, { at: '/admin/sign-in' });
    await admin.page.getByRole('heading', { name: 'Identitätsanbieter verbinden' }).waitFor();
    await admin.page.getByLabel('Protokoll').waitFor();
    await admin.page.getByText('Noch keine Identitätsanbieter.').waitFor();
    await expectGerman(admin.page, signInAdminWords, 'admin sign-in');
    await admin.context.close();
  }, 120_000);

  it('a person who has chosen no language reads German in a German browser, from the sign-in page on', async () => {
    const context = await browser.newContext({ viewport: desktop, baseURL: server.base, locale: 'de-DE' });
    const page = await context.newPage();
    await page.goto('/sign-in');
    await page.getByLabel('E-Mail').fill(people.bruno.email);
    await page.getByLabel('Passwort').fill(password);
    await expectGerman(page, englishWords(['sign-in', 'shell']), 'sign-in');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await page.goto('/queue?queue=open');
    await page.getByRole('link', { name: /Drucker im zweiten Stock/ }).waitFor();
    await expectGerman(page, queueWords, 'queue');
    await page.goto(`/tickets/${ticket}`);
    await page.getByRole('list', { name: 'Verlauf' }).getByText('hat das Ticket erstellt').waitFor();
    await expectGerman(page, ticketWords, 'ticket');
    // Their profile still names no language: the browser's is only the default.
    const session = (await page.evaluate(() => fetch('/api/v1/auth/session').then((r) => r.json()))) as {
      user: { language: string | null };
    };
    expect(session.user.language ?? null).toBeNull();
    await context.close();

    const adminContext = await browser.newContext({
      viewport: desktop,
      baseURL: server.base,
      locale: 'de-DE',
    });
    const adminPage = await adminContext.newPage();
    await adminPage.goto('/sign-in');
    await adminPage.getByLabel('E-Mail').fill(people.plainAdmin.email);
    await adminPage.getByLabel('Passwort').fill(password);
    await adminPage.getByRole('button', { name: 'Anmelden' }).click();
    await adminPage.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
    await adminPage.goto('/admin/sign-in');
    await adminPage.getByRole('heading', { name: 'Identitätsanbieter verbinden' }).waitFor();
    await expectGerman(adminPage, signInAdminWords, 'admin sign-in');
    await adminContext.close();
  }, 120_000);

  it('German pages hold at phone width, light and dark', async () => {
    const pages = [
      '/queue?queue=open',
      `/tickets/${ticket}`,
      '/monitoring',
      '/assets',
      '/changes',
      '/knowledge',
      '/proposals',
      '/oncall',
      '/account/notifications',
      '/admin/sign-in',
      '/admin/directories',
      '/admin/events',
      '/admin/audit-log',
    ];
    const problems: string[] = [];
    fs.mkdirSync(shots, { recursive: true });
    // One context for both schemes (its cache warm): a new one per scheme loaded and compiled the app afresh.
    const { context, page } = await signedIn.page(people.admin.email, password, {
      viewport: phone,
      at: null,
    });
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const at of pages) {
        await page.goto(at);
        await page.locator('main h1, main h2').first().waitFor();
        // Loaded: no "Wird geladen…" left on the page.
        await page.waitForFunction(() => !document.body.innerText.includes('Wird geladen'));
        const name = `${at.replace(/[/?=]+/g, '-').replace(/^-|-$/g, '')}-phone-${scheme}`;
        await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
        for (const p of await layoutProblems(page)) problems.push(`${name}: ${p}`);
      }
    }
    await context.close();
    expect(problems).toEqual([]);
  }, 240_000);
});
