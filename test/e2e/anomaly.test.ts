// Anomaly rules and the capacity report in Chromium: a manager on a host's page clicks "Watch for anomalies", lands
// in the rule editor with the kind and the host's series filled in, sets a threshold and creates the rule; after its
// first round the host's charts show the anomaly scores. On Capacity, the host's /data filling at 1.5 points a day
// needs action within 30 days, and its chart shows history, forecast, band and threshold. The pages at 1280 px and
// 390 px, light and dark, without clipped or overlapping text or serious axe violations (test-output/e2e-anomaly).
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { evaluateDueRules, metricStore } from '../../src/monitoring/index.js';
import {
  apiCaller,
  eachLayout,
  ensureWebBuilt,
  gotoDesktopLight,
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

const shots = path.join(root, 'test-output', 'e2e-anomaly');
const password = 'e2e-anomaly-password';
const people = {
  manager: { email: 'anom-manager@e2e.test', name: 'Mona Manager', role: 'manager' as const },
};
type Who = keyof typeof people;

describe('anomaly rules in Chromium', () => {
  let server: Server;
  let browser: Browser;
  let targetId = 0;
  // The rule editor's preview names the series with a sample in the last five minutes, as a live host scraped every
  // few seconds always has; the tests run for minutes after the history was written, so each page sees a fresh one.
  let appendSeries: (at: number[], load: number[]) => Promise<void> = async () => {};
  const sampleNow = () => appendSeries([Date.now()], [0.5]);
  const api = apiCaller<Who>(
    () => server.base,
    (who) => people[who].email,
    password,
  );
  const signedIn = new SignedIn(
    () => browser,
    () => server.base,
  );

  beforeAll(async () => {
    requireChromium();
    ensureWebBuilt();
    server = await startServer();
    for (const p of Object.values(people)) await createUser(server.ctx, null, { ...p, password });
    targetId = (
      await api('manager', 'POST', '/api/v1/monitoring/targets', {
        name: 'db-02',
        kind: 'host',
        address: 'db-02.corp.example',
      })
    ).id;
    await api('manager', 'POST', '/api/v1/monitoring/scrape-targets', {
      url: 'http://db-02.corp.example:9100/metrics',
      job: 'node',
      targetId,
      enabled: false,
    });
    // Two days of its load at 5-minute steps, with a working-day rhythm, then an hour at four times the usual.
    const step = 5 * 60_000;
    const end = Math.floor(Date.now() / step) * step;
    const times: number[] = [];
    for (let t = end - 2 * 86_400_000; t <= end; t += step) times.push(t);
    const values = times.map((t, i) => {
      const hour = new Date(t).getUTCHours();
      const usual = 0.4 + (hour >= 8 && hour < 18 ? 1.2 : 0) + ((i * 37) % 11) / 100;
      return i >= times.length - 12 ? usual * 4 : usual;
    });
    // Its /data filesystem: 60% used two days ago, 1.5 points more a day.
    const fs = {
      instance: 'db-02.corp.example:9100',
      job: 'node',
      mountpoint: '/data',
      fstype: 'ext4',
      device: 'sdb1',
    };
    const size = 500 * 1024 ** 3;
    const first = times[0] as number;
    appendSeries = async (at: number[], load: number[]) => {
      const result = await metricStore(server.ctx).append(
        [
          {
            labels: { __name__: 'node_load1', instance: 'db-02:9100', job: 'node' },
            timestamps: at,
            values: load,
          },
          {
            labels: { __name__: 'node_filesystem_size_bytes', ...fs },
            timestamps: at,
            values: at.map(() => size),
          },
          {
            labels: { __name__: 'node_filesystem_avail_bytes', ...fs },
            timestamps: at,
            values: at.map((t) => Math.round(size * (0.4 - (0.015 * (t - first)) / 86_400_000))),
          },
        ],
        { key: 'e2e', maxSeries: 10 },
      );
      expect(result.rejected).toEqual({});
    };
    await appendSeries(times, values);
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

  it("a manager starts an anomaly rule from a host's page, and its scores show on the host's charts", async () => {
    await sampleNow();
    const { context, page } = await signedIn.page(people.manager.email, password, {
      at: `/monitoring/targets/${targetId}`,
    });
    await page.getByRole('link', { name: 'Watch for anomalies' }).click();
    await page.waitForURL(/\/monitoring\/rules\/new/);
    expect(await page.getByRole('button', { name: 'Anomalies' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByLabel('Series').inputValue()).toBe('{job=~"node"}');
    await page.getByLabel('Threshold').fill('0.8');
    // The load, and the /data filesystem's two series.
    await page.getByText(/Watches 3 series/).waitFor();
    await check(page, 'rule-editor-anomaly-desktop-light');
    await page.getByRole('button', { name: 'Create rule' }).click();
    await page.waitForURL(/\/monitoring\/rules\/\d+$/);
    const id = Number(new URL(page.url()).pathname.split('/').at(-1));
    expect(await api('manager', 'GET', `/api/v1/monitoring/rules/${id}`)).toMatchObject({
      kind: 'anomaly',
      expr: '{job=~"node"}',
      threshold: 0.8,
      name: 'db_02_anomalies',
    });

    // Its first round learns the two days and writes their scores; the host's charts then show them.
    await evaluateDueRules(server.ctx);
    await page.goto(`/monitoring/targets/${targetId}`);
    const chart = page.getByRole('region', { name: 'Anomaly scores (node)' });
    await chart.locator('.u-over').waitFor();
    await context.close();
  }, 120_000);

  it('the capacity report dates the filling disk, and its chart shows the forecast and band', async () => {
    const { context, page } = await signedIn.page(people.manager.email, password, { at: '/monitoring' });
    await page
      .getByRole('navigation', { name: 'Monitoring' })
      .getByRole('link', { name: 'Capacity' })
      .click();
    await page.waitForURL(/\/monitoring\/capacity$/);
    const row = page.getByRole('row').filter({ hasText: 'Disk /data' });
    await row.getByText('Needs action').waitFor();
    await row.getByRole('button', { name: 'Chart' }).click();
    await page.locator('.forecast-chart .u-over').waitFor();
    await page.getByText(/Best fit: /).waitFor();
    await check(page, 'capacity-chart-desktop-light');
    const report = await api('manager', 'GET', '/api/v1/capacity?horizon=30d');
    const disk = report.items.find((i: { detail: string }) => i.detail === '/data');
    expect(disk).toMatchObject({ resource: 'disk', needsAction: true, target: { id: targetId } });
    // 60% + 1.5 points a day reaches 90% 20 days after the first sample, 18 from now.
    const days = (Date.parse(disk.crossesAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(14);
    expect(days).toBeLessThan(22);
    await context.close();
  }, 120_000);

  it('the rule editor and the charts hold at every size, light and dark', async () => {
    const { context, page: p } = await signedIn.page(people.manager.email, password, { at: null });
    // One sample for the four: they are seconds apart, well within the preview's five minutes.
    await sampleNow();
    await p.goto(
      `/monitoring/rules/new?${new URLSearchParams({ kind: 'anomaly', expr: 'node_load1', name: 'LoadUnusual' })}`,
    );
    await eachLayout(p, async ({ width, scheme }) => {
      await p.getByText(/Watches 1 series/).waitFor();
      await check(p, `rule-editor-anomaly-${width}-${scheme}`);
    });
    await gotoDesktopLight(p, `/monitoring/targets/${targetId}`);
    await eachLayout(p, async ({ width, scheme }) => {
      const chart = p.getByRole('region', { name: 'Anomaly scores (node)' });
      await chart.locator('.u-over').waitFor();
      await chart.scrollIntoViewIfNeeded();
      await check(p, `target-anomaly-chart-${width}-${scheme}`);
    });
    await gotoDesktopLight(p, '/monitoring/capacity');
    await eachLayout(p, async ({ width, scheme }) => {
      await p
        .getByRole('row')
        .filter({ hasText: 'Disk /data' })
        .getByRole('button', { name: 'Chart' })
        .click();
      await p.locator('.forecast-chart .u-over').waitFor();
      await check(p, `capacity-${width}-${scheme}`);
    });
    await context.close();
  }, 240_000);
});
