// Alerts, silences and alert rules in Chromium against one server (no demo organisation): a manager writes the
// rule `vector(1) > 0`, sees the live preview (and a parse error at its column), saves it; an alert fed through
// Alertmanager's webhook receiver with a staff API token shows on the alerts page, is silenced from there and fires
// again once the silence is expired. Each page at 1280 px and 390 px in light and dark (screenshots in
// test-output/e2e-monitoring) without horizontal overflow, clipped or overlapping text, or serious axe violations.
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorForUser, createApiToken, createUser } from '../../src/core/auth/index.js';
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

const shots = path.join(root, 'test-output', 'e2e-monitoring');
const password = 'e2e-alerts-password';
const manager = 'alerts-manager@e2e.test';

describe('alerts, silences and alert rules in Chromium', () => {
  let server: Server;
  let browser: Browser;
  const signedIn = new SignedIn(
    () => browser,
    () => server.base,
  );
  let ingestToken = '';
  let ruleId = 0;

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    await createUser(server.ctx, null, { email: manager, name: 'Mira Manager', role: 'manager', password });
    const feeder = await createUser(server.ctx, null, {
      email: 'alert-feeder@e2e.test',
      name: 'Alert Feeder',
      role: 'technician',
      password,
    });
    ingestToken = (
      await createApiToken(server.ctx, actorForUser({ ...feeder, groupIds: [] }, 'bearer'), { name: 'am' })
    ).token;
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a manager writes a rule, sees what it returns now, and saves it', async () => {
    const { context, page } = await signedIn.page(manager, password, { at: '/monitoring/rules/new' });
    await page.getByLabel('Name').fill('AlwaysOne');
    const expr = page.getByLabel('Expression');
    // A parse error points at its line and column, at the field.
    await expr.fill('vector(1) >');
    await page
      .locator('#expr-error')
      .getByText(/line 1, column \d+/)
      .waitFor();
    await screenshot(page, 'rule-editor-parse-error', shots);
    await expr.fill('vector(1) > 0');
    await page.getByText(/1 series now/).waitFor();
    await page.getByLabel('Severity').fill('critical');
    await page.getByLabel('Annotations').fill('summary=Always one');
    await screenshot(page, 'rule-editor-preview', shots);
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.waitForURL(/\/monitoring\/rules\/\d+$/);
    ruleId = Number(page.url().split('/').pop());
    await page.getByRole('heading', { name: 'AlwaysOne' }).waitFor();
    await page.goto('/monitoring/rules');
    await page.getByRole('link', { name: 'AlwaysOne' }).waitFor();
    await context.close();
  }, 60_000);

  it('an alert from Alertmanager’s webhook shows on the alerts page, is silenced from there, and fires again when the silence is expired', async () => {
    const res = await fetch(`${server.base}/api/v1/alertmanager/webhook`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        version: '4',
        status: 'firing',
        receiver: 'opsdesk',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'DiskAlmostFull', instance: 'db-01:9100', severity: 'warning' },
            annotations: { summary: 'The data volume of db-01 is 93% full' },
            startsAt: new Date(Date.now() - 120_000).toISOString(),
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: 'http://prometheus.example/graph',
            fingerprint: 'abc123',
          },
        ],
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { accepted: number }).accepted).toBe(1);

    const { context, page } = await signedIn.page(manager, password, { at: '/monitoring/alerts' });
    const row = page
      .getByRole('table', { name: 'Alerts', exact: true })
      .getByRole('row')
      .filter({ hasText: 'DiskAlmostFull' });
    await row.waitFor();
    await row.getByText('Firing').waitFor();
    await screenshot(page, 'alerts-firing', shots);
    await row.getByRole('link', { name: 'Silence DiskAlmostFull' }).click();
    await page.waitForURL(/\/monitoring\/silences\?/);
    // The alert's labels arrive as matchers.
    await expect.poll(() => page.getByLabel('Matchers').inputValue()).toContain('alertname="DiskAlmostFull"');
    await page.getByLabel('Comment').fill('Volume grows tonight, Mira');
    await page.getByRole('button', { name: 'Silence', exact: true }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /Silence #\d+ is active/ })
      .waitFor();
    await page.getByRole('row').filter({ hasText: 'Volume grows tonight' }).waitFor();
    await screenshot(page, 'silence-made', shots);
    await page.goto('/monitoring/alerts');
    await row.getByText('Suppressed').waitFor();
    await row.getByRole('link', { name: /silence #\d+/ }).click();
    // Expire ends it now: the alert fires again.
    const silenceRow = page.getByRole('row').filter({ hasText: 'Volume grows tonight' });
    await silenceRow.getByRole('button', { name: /Expire silence \d+/ }).click();
    await silenceRow.getByText('Expired').waitFor();
    await page.goto('/monitoring/alerts');
    await row.getByText('Firing').waitFor();
    await context.close();
  }, 60_000);

  const pages: { name: string; path: () => string; ready: (p: Page) => Promise<void> }[] = [
    {
      name: 'alerts',
      path: () => '/monitoring/alerts?',
      ready: (p) => p.getByRole('heading', { name: 'Alert groups' }).waitFor(),
    },
    {
      name: 'silences',
      path: () => '/monitoring/silences',
      ready: (p) => p.getByRole('row').filter({ hasText: 'Volume grows tonight' }).waitFor(),
    },
    {
      name: 'rules',
      path: () => '/monitoring/rules',
      ready: (p) => p.getByRole('link', { name: 'AlwaysOne' }).waitFor(),
    },
    {
      name: 'rule-editor',
      path: () => `/monitoring/rules/${ruleId}`,
      ready: (p) => p.getByText(/1 series now/).waitFor(),
    },
  ];

  it('every page fits 1280 px and 390 px in light and dark', async () => {
    const found: string[] = [];
    for (const [label, viewport] of [
      ['desktop', desktop],
      ['phone', phone],
    ] as const) {
      const { context, page } = await signedIn.page(manager, password, { viewport });
      for (const theme of ['light', 'dark'] as const) {
        await page.evaluate((t) => localStorage.setItem('opsdesk-theme', t), theme);
        for (const p of pages) {
          await page.goto(p.path());
          await p.ready(page);
          const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
          if (scrollWidth > viewport.width + 1) found.push(`${p.name}: page is ${scrollWidth}px wide`);
          await screenshot(page, `${p.name}-${label}-${theme}`, shots);
          for (const problem of await layoutProblems(page))
            found.push(`${p.name} ${label} ${theme}: ${problem}`);
          if (theme === 'light' && label === 'desktop')
            for (const v of await seriousViolations(page))
              found.push(`${p.name}: ${v.id} ${v.help} ${JSON.stringify(v.nodes)}`);
        }
      }
      await context.close();
    }
    expect(found, found.join('\n')).toEqual([]);
  }, 120_000);
});
