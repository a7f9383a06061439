// The Prometheus-shaped query API over HTTP, on both databases, with samples written through the metric store: the
// calls Grafana's Prometheus data source makes (form POSTs with an API token), Prometheus's success and error shapes,
// and problem+json with Prometheus's members for every refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricStore } from '../../src/monitoring/index.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('Prometheus query API on %s', (dialect) => {
  let t: TestApp;
  let tech: Session;
  let requester: Session;
  let apiToken: string;
  let now: number;
  const seconds = (ms: number) => ms / 1000;

  beforeAll(async () => {
    t = await makeApp(dialect);
    now = t.clock.now();
    tech = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
    const created = await tech.call('POST', '/api/v1/tokens', { name: 'grafana' });
    apiToken = created.body.token;
    // Ten minutes of two targets scraped every 15 s: a counter rising 10 per scrape and up.
    const timestamps = Array.from({ length: 41 }, (_, i) => now - 600_000 + i * 15_000);
    await metricStore(t.ctx).append(
      ['a', 'b'].flatMap((instance) => [
        {
          labels: { __name__: 'http_requests_total', job: 'api', instance },
          timestamps,
          values: timestamps.map((_, i) => (instance === 'a' ? 10 : 20) * i),
        },
        { labels: { __name__: 'up', job: 'api', instance }, timestamps, values: timestamps.map(() => 1) },
      ]),
      { key: 'self', maxSeries: 1000 },
    );
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A call as Grafana makes it: the API token as a bearer header, a form body on POST. */
  async function grafana(method: 'GET' | 'POST', path: string, params: Record<string, string | string[]>) {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(params))
      for (const one of Array.isArray(v) ? v : [v]) form.append(k, one);
    const res = await t.app.inject({
      method,
      url: method === 'GET' ? `/api/v1/prom${path}?${form}` : `/api/v1/prom${path}`,
      headers: {
        authorization: `Bearer ${apiToken}`,
        ...(method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(method === 'POST' ? { payload: form.toString() } : {}),
    });
    return { status: res.statusCode, type: String(res.headers['content-type']), body: res.json() };
  }

  it('answers an instant query with a vector, GET and POST alike', async () => {
    for (const method of ['GET', 'POST'] as const) {
      const res = await grafana(method, '/query', {
        query: 'sum by (job) (rate(http_requests_total[5m]))',
        time: String(seconds(now)),
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        status: 'success',
        data: { resultType: 'vector', result: [{ metric: { job: 'api' }, value: [seconds(now), '2'] }] },
      });
    }
  });

  it('reads a case-insensitive regex matcher the same in PromQL and in the store: (?i) as Prometheus writes it', async () => {
    const res = await grafana('GET', '/query', {
      query: 'up{job=~"(?i)API", instance!~"(?i)B"}',
      time: String(seconds(now)),
    });
    expect(res.status).toBe(200);
    expect(res.body.data.result).toEqual([
      { metric: { __name__: 'up', job: 'api', instance: 'a' }, value: [seconds(now), '1'] },
    ]);
  });

  it('answers at /prometheus/api/v1/…, the base URL a Grafana data source appends its paths to', async () => {
    for (const path of ['query', 'labels', 'rules', 'status/buildinfo']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/prometheus/api/v1/${path}${path === 'query' ? `?query=vector(1)&time=${seconds(now)}` : ''}`,
        headers: { authorization: `Bearer ${apiToken}` },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().status).toBe('success');
    }
    const query = await t.app.inject({
      method: 'GET',
      url: `/prometheus/api/v1/query?query=vector(1)&time=${seconds(now)}`,
      headers: { authorization: `Bearer ${apiToken}` },
    });
    expect(query.json().data).toEqual({
      resultType: 'vector',
      result: [{ metric: {}, value: [seconds(now), '1'] }],
    });
  });

  it('answers a range query with a matrix at start, start + step, …', async () => {
    const res = await grafana('POST', '/query_range', {
      query: 'up{instance="a"}',
      start: new Date(now - 120_000).toISOString(),
      end: String(seconds(now)),
      step: '1m',
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'up', job: 'api', instance: 'a' },
          values: [
            [seconds(now - 120_000), '1'],
            [seconds(now - 60_000), '1'],
            [seconds(now), '1'],
          ],
        },
      ],
    });
  });

  it('lists series, label names and label values as Grafana asks for them', async () => {
    const range = { start: String(seconds(now - 3_600_000)), end: String(seconds(now)) };
    const series = await grafana('POST', '/series', {
      ...range,
      'match[]': ['up{instance="a"}', 'http_requests_total{instance="b"}'],
    });
    expect(series.status).toBe(200);
    expect(series.body.data).toEqual(
      expect.arrayContaining([
        { __name__: 'up', job: 'api', instance: 'a' },
        { __name__: 'http_requests_total', job: 'api', instance: 'b' },
      ]),
    );
    expect(series.body.data).toHaveLength(2);
    const labels = await grafana('GET', '/labels', range);
    expect(labels.body).toEqual({ status: 'success', data: ['__name__', 'instance', 'job'] });
    const values = await grafana('GET', '/label/__name__/values', range);
    expect(values.body).toEqual({ status: 'success', data: ['http_requests_total', 'up'] });
    const filtered = await grafana('GET', '/label/instance/values', {
      ...range,
      'match[]': 'up{instance="b"}',
    });
    expect(filtered.body.data).toEqual(['b']);
  });

  it('answers metadata and build information', async () => {
    expect((await grafana('GET', '/metadata', {})).body).toEqual({ status: 'success', data: {} });
    const info = await grafana('GET', '/status/buildinfo', {});
    expect(info.body.status).toBe('success');
    expect(info.body.data.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('refuses invalid PromQL with problem+json carrying the position and Prometheus’s members', async () => {
    const res = await grafana('POST', '/query', { query: 'sum(rate(up[5m])', time: String(seconds(now)) });
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      code: 'invalid_promql',
      status: 'error',
      errorType: 'bad_data',
      errors: [{ field: 'query', message: expect.stringContaining('line 1, column 17 (offset 16)') }],
    });
    expect(res.body.error).toBe(res.body.detail);
    const unsupported = await grafana('GET', '/query', { query: 'holt_winters(up[5m], 0.5, 0.5)' });
    expect(unsupported.body).toMatchObject({ code: 'unsupported_promql', errorType: 'bad_data' });
    expect(unsupported.body.error).toContain('holt_winters()');
  });

  it('refuses missing and malformed parameters precisely', async () => {
    expect((await grafana('GET', '/query', {})).body).toMatchObject({
      code: 'validation_failed',
      status: 'error',
    });
    const badTime = await grafana('GET', '/query', { query: 'up', time: 'yesterday' });
    expect(badTime.body).toMatchObject({ code: 'validation_failed', errors: [{ field: 'time' }] });
    const badStep = await grafana('GET', '/query_range', {
      query: 'up',
      start: '0',
      end: '60',
      step: 'often',
    });
    expect(badStep.body).toMatchObject({ code: 'validation_failed', errors: [{ field: 'step' }] });
    const tooMany = await grafana('GET', '/query_range', {
      query: 'up',
      start: '0',
      end: '86400',
      step: '1',
    });
    expect(tooMany).toMatchObject({
      status: 400,
      body: { code: 'promql_too_many_points', errorType: 'bad_data' },
    });
    const noMatch = await grafana('GET', '/series', {});
    expect(noMatch.body).toMatchObject({ code: 'validation_failed', errors: [{ field: 'match[]' }] });
    const notSelector = await grafana('GET', '/series', { 'match[]': 'rate(up[5m])' });
    expect(notSelector.body).toMatchObject({ code: 'invalid_promql' });
  });

  it('refuses a requester, and anyone without a token, in both shapes', async () => {
    const denied = await requester.call('GET', '/api/v1/prom/query?query=up');
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ code: 'forbidden', status: 'error', errorType: 'bad_data' });
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/prom/query?query=up' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 'not_signed_in', status: 'error' });
  });
});
