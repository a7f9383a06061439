// Scrape targets over HTTP on both databases: create, list, read, change, scrape now and delete, with problem+json
// for what is wrong (bad URL, bad relabel config, unknown fields, a duplicate, a missing target).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { signIn } from '../support/http.js';

let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
    res.end('# TYPE demo_requests_total counter\ndemo_requests_total{code="200"} 7\nbroken line here\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe.each(dialects)('scrape targets over HTTP on %s', (dialect) => {
  let t: TestApp;
  let manager: Awaited<ReturnType<typeof signIn>>;
  beforeAll(async () => {
    t = await makeApp(dialect);
    await createUser(t.ctx, null, {
      email: 'manager@example.test',
      name: 'Manager',
      role: 'manager',
      password: 'scrape-targets-password',
    });
    manager = await signIn(t.app, 'manager@example.test', 'scrape-targets-password');
  });
  afterAll(async () => t?.close());

  it('creates, lists, reads, changes, scrapes now and deletes a target', async () => {
    const created = await manager.call('POST', '/api/v1/monitoring/scrape-targets', {
      url,
      job: 'demo',
      intervalSeconds: 15,
      labels: { team: 'ops' },
      metricRelabelConfigs: [{ source_labels: ['code'], regex: '5..', action: 'drop' }],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      url,
      job: 'demo',
      intervalSeconds: 15,
      timeoutSeconds: 10,
      labels: { team: 'ops' },
      honorLabels: false,
      honorTimestamps: true,
      enabled: true,
      lastScrapeAt: null,
    });
    const id = created.body.id;
    expect((await manager.call('GET', '/api/v1/monitoring/scrape-targets')).body.items).toHaveLength(1);
    const patched = await manager.call('PATCH', `/api/v1/monitoring/scrape-targets/${id}`, {
      timeoutSeconds: 5,
    });
    expect(patched.body.timeoutSeconds).toBe(5);

    const scraped = await manager.call('POST', `/api/v1/monitoring/scrape-targets/${id}/scrape`);
    expect(scraped.status).toBe(200);
    expect(scraped.body).toMatchObject({
      up: true,
      format: 'text',
      samplesScraped: 2,
      samplesPostMetricRelabeling: 1,
      rejected: { malformed_line: 1 },
      lineErrors: [{ line: 3, reason: 'malformed_line' }],
    });
    const read = await manager.call('GET', `/api/v1/monitoring/scrape-targets/${id}`);
    expect(read.body).toMatchObject({ lastUp: true, lastSamples: 2, lastRejected: { malformed_line: 1 } });
    expect(read.body.lastError).toContain('line 3');

    expect((await manager.call('DELETE', `/api/v1/monitoring/scrape-targets/${id}`)).status).toBe(204);
    const gone = await manager.call('GET', `/api/v1/monitoring/scrape-targets/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('scrape_target_not_found');
  });

  it('answers what is wrong with problem+json', async () => {
    const bad = async (body: unknown, code: string) => {
      const r = await manager.call('POST', '/api/v1/monitoring/scrape-targets', body);
      expect(r.status, JSON.stringify(r.body)).toBeGreaterThanOrEqual(400);
      expect(r.body.code).toBe(code);
      return r;
    };
    const u = await bad({ url: 'not a url', job: 'x' }, 'invalid_scrape_target');
    expect(u.body.errors).toEqual([expect.objectContaining({ field: '/url' })]);
    await bad(
      { url, job: 'x', relabelConfigs: [{ regex: '(', target_label: 'a' }] },
      'invalid_relabel_config',
    );
    await bad({ url, job: 'x', relabelConfigs: [{ action: 'explode' }] }, 'validation_failed');
    await bad({ url, job: 'x', password: 'no such field' }, 'validation_failed');
    await bad({ url, job: 'x', intervalSeconds: 1 }, 'validation_failed');
    await bad({ url, job: 'x', targetId: 12345 }, 'invalid_reference');
    expect(
      (await manager.call('POST', '/api/v1/monitoring/scrape-targets', { url, job: 'twice' })).status,
    ).toBe(201);
    expect((await bad({ url, job: 'twice' }, 'scrape_target_exists')).status).toBe(409);
  });
});
