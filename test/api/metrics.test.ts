// The service's own /metrics in Prometheus's text format: requests by route and status, request and query
// latencies, on SQLite the group commit's COMMITs and the transactions they carried, and the ingest steps that
// waited for paging and SLA cycles.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { ServiceMetrics } from '../../src/api/metrics.js';
import { loadConfig } from '../../src/core/config.js';
import { type OpenedContext, openContext } from '../../src/core/runtime.js';

/** The value of one sample line, e.g. `opsdesk_db_commits_total 3`. */
function sample(text: string, name: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  if (!line) throw new Error(`no sample ${name} in:\n${text}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('/metrics on sqlite', () => {
  let opened: OpenedContext;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'opsdesk-metrics-'));
    const config = loadConfig({ OPSDESK_DATA_DIR: dir, OPSDESK_LOG_LEVEL: 'silent' });
    const metrics = new ServiceMetrics();
    opened = await openContext(config, {
      log: pino({ level: 'silent' }),
      onQuery: metrics.observeQuery,
    });
    metrics.watchCommits(opened.handle.commits as NonNullable<typeof opened.handle.commits>);
    metrics.watchForeground(opened.ctx.foreground);
    app = await buildApp(opened.ctx, { metrics });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await opened?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('counts requests, times queries, and counts the COMMITs and the transactions they carried', async () => {
    const before = await app.inject({ method: 'GET', url: '/metrics' });
    expect(before.statusCode).toBe(200);
    expect(before.headers['content-type']).toMatch(/^text\/plain/);
    const commits0 = sample(before.body, 'opsdesk_db_commits_total');
    const units0 = sample(before.body, 'opsdesk_db_committed_transactions_total');

    // Ten failed sign-ins, then ten transactions at once: they share COMMITs.
    await Promise.all(
      Array.from({ length: 10 }, () =>
        app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: 'nobody@example.test', password: 'wrong-password-1' },
        }),
      ),
    );
    await Promise.all(
      Array.from({ length: 10 }, () =>
        opened.ctx.db.transaction().execute((trx) =>
          trx
            .insertInto('settings')
            .values({ key: `k${Math.random()}`, value: '1', updated_at: 0 })
            .execute(),
        ),
      ),
    );
    const after = await app.inject({ method: 'GET', url: '/metrics' });
    const commits = sample(after.body, 'opsdesk_db_commits_total') - commits0;
    const units = sample(after.body, 'opsdesk_db_committed_transactions_total') - units0;
    expect(units).toBeGreaterThanOrEqual(10);
    expect(commits).toBeGreaterThan(0);
    expect(commits).toBeLessThan(units);
    expect(after.body).toMatch(
      /opsdesk_http_requests_total\{method="POST",route="\/api\/v1\/auth\/login",status="401"\} 10/,
    );
    expect(sample(after.body, 'opsdesk_db_query_duration_seconds_count{outcome="ok"}')).toBeGreaterThan(0);
  });

  it('counts the ingest steps that waited for paging and SLA cycles, and for how long', async () => {
    const before = await app.inject({ method: 'GET', url: '/metrics' });
    expect(sample(before.body, 'opsdesk_ingest_foreground_waits_total')).toBe(0);
    const { foreground } = opened.ctx;
    await foreground.run(async () => {
      const steps = [foreground.yieldTo(), foreground.yieldTo()];
      await new Promise((r) => setTimeout(r, 30));
      return steps;
    });
    await new Promise((r) => setTimeout(r, 10));
    const after = await app.inject({ method: 'GET', url: '/metrics' });
    expect(sample(after.body, 'opsdesk_ingest_foreground_waits_total')).toBe(2);
    expect(sample(after.body, 'opsdesk_ingest_foreground_wait_seconds_total')).toBeGreaterThan(0.02);
    expect(sample(after.body, 'opsdesk_ingest_foreground_wait_timeouts_total')).toBe(0);
  });
});
