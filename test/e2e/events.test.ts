// The admin's failed event deliveries page in a real browser against a real server: a subscriber that fails
// on one ticket's event (set aside) and on another's (still retrying) while the other subscribers go on; the
// page at desktop and phone width in both themes (screenshots in test-output/e2e-events, no serious or
// critical axe-core violations); a retry from the page re-delivers to that subscriber only.
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, systemActor } from '../../src/core/auth/index.js';
import { createTicket } from '../../src/helpdesk/index.js';
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

const shots = path.join(root, 'test-output', 'e2e-events');
const password = 'e2e-password-1';
const admin = { email: 'events-admin@e2e.test', name: 'Edda Admin', role: 'admin' as const };

describe('failed event deliveries in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const signedIn = new SignedIn(
    () => browser,
    () => server.base,
  );
  const broken = new Set<string>();
  let slow: string | null = null;
  // Which ticket fails is decided before it is made: the relay may hand its event to the subscriber before
  // createTicket's caller runs again, so naming it by id afterwards raced the dispatch.
  let next: 'broken' | 'slow' | null = null;
  const exported: string[] = [];
  const steady: string[] = [];
  let setAside = 0;

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    const adminId = (await createUser(server.ctx, null, { ...admin, password })).id;
    server.ctx.events.subscribe('steady', ['ticket.created'], (e) => {
      steady.push(e.subjectId);
    });
    server.ctx.events.subscribe('ticket-export', ['ticket.created'], (e) => {
      if (next === 'broken') broken.add(e.subjectId);
      else if (next === 'slow') slow = e.subjectId;
      next = null;
      if (broken.has(e.subjectId)) throw new Error(`export target refused ticket ${e.subjectId}: HTTP 503`);
      if (slow === e.subjectId) throw new Error(`export target timed out on ticket ${e.subjectId}`);
      exported.push(e.subjectId);
    });
    const actor = systemActor(adminId);
    next = 'broken';
    const bad = await createTicket(server.ctx, actor, { title: 'Printer on floor 3 jams', description: 'x' });
    setAside = bad.id;
    await server.ctx.events.idle();
    await server.ctx.events.dispatchPending();
    // Every attempt after the first: make it due, run it, until the event is set aside.
    for (let i = 0; i < server.ctx.events.retryPolicy.maxAttempts; i++) {
      await server.ctx.db
        .updateTable('outbox_failures')
        .set({ next_attempt_at: 0 })
        .where('dead_lettered_at', 'is', null)
        .execute();
      server.ctx.events.wakeRetries();
      await server.ctx.events.dispatchPending();
    }
    next = 'slow';
    await createTicket(server.ctx, actor, { title: 'VPN drops every hour', description: 'y' });
    await server.ctx.events.idle();
    await server.ctx.events.dispatchPending();
    await createTicket(server.ctx, actor, { title: 'New starter needs a laptop', description: 'z' });
    await server.ctx.events.idle();
    await server.ctx.events.dispatchPending();
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('the other subscribers got every event; the failing one, all but its failures', () => {
    expect(steady).toHaveLength(3);
    expect(exported).toHaveLength(1);
  });

  it('the page fits desktop and phone in both themes, without serious accessibility violations', async () => {
    const found: string[] = [];
    for (const [label, viewport, theme] of [
      ['desktop', desktop, 'light'],
      ['phone', phone, 'light'],
      ['desktop-dark', desktop, 'dark'],
      ['phone-dark', phone, 'dark'],
    ] as const) {
      const { context, page } = await signedIn.page(admin.email, password, { viewport });
      // Once the app has started (it clears the stored theme while it is 'system'), choose the theme.
      await page.getByRole('button', { name: /Change theme/ }).waitFor();
      await page.evaluate((t) => localStorage.setItem('opsdesk-theme', t), theme);
      await page.goto('/admin/events');
      await page.getByRole('heading', { name: 'Failed event deliveries' }).waitFor();
      await page.getByText('export target refused').waitFor();
      await page.getByText('export target timed out').waitFor();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(scrollWidth, `fits ${label} width`).toBeLessThanOrEqual(viewport.width + 1);
      await screenshot(page, `admin-events-${label}`, shots);
      for (const v of await seriousViolations(page))
        found.push(`admin-events ${label}: ${v.id} ${v.help} ${JSON.stringify(v.nodes)}`);
      await context.close();
    }
    expect(found).toEqual([]);
  }, 120_000);

  it('a retry from the page re-delivers the set-aside event to that subscriber only', async () => {
    const { context, page } = await signedIn.page(admin.email, password, { at: '/admin/events' });
    await page.getByRole('link', { name: 'Event deliveries' }).waitFor();
    const retry = page.getByRole('button', { name: /^Retry event \d+ for ticket-export$/ });
    await retry.first().waitFor();
    broken.clear();
    const before = steady.length;
    const row = page.getByRole('row').filter({ hasText: `Ticket #${setAside}` });
    await row.getByRole('button', { name: /^Retry event/ }).click();
    await page.getByRole('status').filter({ hasText: 'delivered' }).waitFor();
    await page.getByText('export target refused').waitFor({ state: 'detached' });
    expect(exported).toContain(String(setAside));
    expect(steady).toHaveLength(before);
    await context.close();
  });
});
