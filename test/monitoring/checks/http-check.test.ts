// The HTTP(S) probe against real local servers: status ranges, keyword, JSON field, latency, redirects
// (followed, limited, method rules, credentials across origins), headers and body, the 1 MB body cap,
// compressed bodies, TLS verification on and off, timeouts and cancellation.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CheckResult,
  type CheckRunOptions,
  type CheckSpec,
  runCheck,
} from '../../../src/monitoring/index.js';
import { makeSelfSigned, type SelfSigned, type TempDir, tempDir } from './peers.js';

let base = '';
let other = '';
let secure = '';
let dir: TempDir;
let cert: SelfSigned;
const servers: http.Server[] = [];

function handler(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://x');
  const send = (status: number, body: string, headers: http.OutgoingHttpHeaders = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain', ...headers });
    res.end(body);
  };
  switch (url.pathname) {
    case '/ok':
      return send(200, 'all systems go');
    case '/status':
      return send(Number(url.searchParams.get('code')), 'status');
    case '/json':
      return send(200, JSON.stringify({ status: { db: 'up', replicas: 3 }, items: [{ ok: true }] }), {
        'content-type': 'application/json',
      });
    case '/not-json':
      return send(200, '<html>');
    case '/slow':
      setTimeout(() => send(200, 'late'), 300);
      return;
    case '/hang':
      return; // never answers
    case '/redirect': {
      const n = Number(url.searchParams.get('n'));
      return send(302, '', { location: n > 1 ? `/redirect?n=${n - 1}` : '/ok' });
    }
    case '/loop':
      return send(301, '', { location: '/loop' });
    case '/see-other':
      return send(303, '', { location: '/echo' });
    case '/temporary':
      return send(307, '', { location: '/echo' });
    case '/to-other':
      return send(302, '', { location: `${other}/echo` });
    case '/echo': {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () =>
        send(200, JSON.stringify({ method: req.method, headers: req.headers, body }), {
          'content-type': 'application/json',
        }),
      );
      return;
    }
    case '/big': {
      // 3 MB of filler, the keyword after the first MB.
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 48; i++) res.write(chunk);
      res.end('NEEDLE');
      return;
    }
    case '/gzip': {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(zlib.gzipSync(JSON.stringify({ status: 'compressed-ok' })));
      return;
    }
    case '/bad-gzip':
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end('this is not gzip');
      return;
    default:
      return send(404, 'not found');
  }
}

async function listen(server: http.Server, scheme: string): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  dir = tempDir('http-check');
  cert = makeSelfSigned(dir.path, 90);
  base = await listen(http.createServer(handler), 'http');
  other = await listen(http.createServer(handler), 'http');
  secure = await listen(https.createServer({ key: cert.key, cert: cert.cert }, handler), 'https');
});

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
  dir.remove();
});

const opts: CheckRunOptions = { timeoutMs: 2000, now: Date.now };

function check(
  spec: Omit<Extract<CheckSpec, { kind: 'http' }>, 'kind'>,
  options = opts,
): Promise<CheckResult> {
  return runCheck({ kind: 'http', ...spec }, options);
}

function metric(result: CheckResult, name: string): number | undefined {
  return result.metrics.find((m) => m.name === name)?.value;
}

describe('HTTP check', () => {
  it('is up on a 200 and reports status, latency and the bytes read', async () => {
    const r = await check({ url: `${base}/ok` });
    expect(r).toMatchObject({ ok: true, message: 'HTTP 200' });
    expect(r.latencyMs).toBeGreaterThan(0);
    expect(r.latencyMs).toBeLessThan(2000);
    expect(metric(r, 'probe_http_status_code')).toBe(200);
    expect(metric(r, 'probe_http_content_length')).toBe('all systems go'.length);
  });

  it('judges the status against the accepted ranges', async () => {
    const down = await check({ url: `${base}/status?code=503` });
    expect(down).toMatchObject({ ok: false, message: 'HTTP 503, expected 200-399' });
    expect((await check({ url: `${base}/status?code=503`, expectStatus: ['500-599'] })).ok).toBe(true);
    expect((await check({ url: `${base}/status?code=204`, expectStatus: ['200', '204'] })).ok).toBe(true);
    expect((await check({ url: `${base}/status?code=201`, expectStatus: ['200', '204'] })).ok).toBe(false);
  });

  it('looks for a keyword, or for its absence', async () => {
    expect((await check({ url: `${base}/ok`, keyword: 'systems go' })).ok).toBe(true);
    const missing = await check({ url: `${base}/ok`, keyword: 'maintenance' });
    expect(missing).toMatchObject({ ok: false, message: 'HTTP 200, but "maintenance" is not in the body' });
    const present = await check({ url: `${base}/ok`, keyword: 'go', keywordAbsent: true });
    expect(present).toMatchObject({ ok: false, message: 'HTTP 200, but the body contains "go"' });
    expect((await check({ url: `${base}/ok`, keyword: 'error', keywordAbsent: true })).ok).toBe(true);
  });

  it('compares a JSON field as text', async () => {
    expect((await check({ url: `${base}/json`, jsonPath: 'status.db', jsonEquals: 'up' })).ok).toBe(true);
    expect((await check({ url: `${base}/json`, jsonPath: 'status.replicas', jsonEquals: '3' })).ok).toBe(
      true,
    );
    expect((await check({ url: `${base}/json`, jsonPath: 'items[0].ok', jsonEquals: 'true' })).ok).toBe(true);
    expect(await check({ url: `${base}/json`, jsonPath: 'status.db', jsonEquals: 'down' })).toMatchObject({
      ok: false,
      message: 'HTTP 200, but status.db is up, expected down',
    });
    expect(await check({ url: `${base}/json`, jsonPath: 'status.cache', jsonEquals: 'up' })).toMatchObject({
      ok: false,
      message: 'HTTP 200, but the JSON has no status.cache',
    });
    const notJson = await check({ url: `${base}/not-json`, jsonPath: 'a', jsonEquals: 'b' });
    expect(notJson.ok).toBe(false);
    expect(notJson.message).toMatch(/^HTTP 200, but the body is not JSON/);
  });

  it('is down when slower than the latency threshold', async () => {
    const r = await check({ url: `${base}/slow`, maxLatencyMs: 100 });
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/^HTTP 200 in \d+ ms, slower than 100 ms$/);
    expect(r.latencyMs).toBeGreaterThanOrEqual(250);
    expect((await check({ url: `${base}/slow`, maxLatencyMs: 1500 })).ok).toBe(true);
  });

  it('follows redirects up to the limit, or reports the redirect itself', async () => {
    const followed = await check({ url: `${base}/redirect?n=3`, keyword: 'systems go' });
    expect(followed.ok).toBe(true);
    expect(metric(followed, 'probe_http_redirects')).toBe(3);
    expect(await check({ url: `${base}/redirect?n=3`, maxRedirects: 2 })).toMatchObject({
      ok: false,
      message: 'more than 2 redirects (last to /ok)',
    });
    expect((await check({ url: `${base}/loop` })).message).toMatch(/^more than 10 redirects/);
    const notFollowed = await check({ url: `${base}/redirect?n=1`, followRedirects: false });
    expect(notFollowed).toMatchObject({ ok: true, message: 'HTTP 302' });
    expect(
      (await check({ url: `${base}/redirect?n=1`, followRedirects: false, expectStatus: ['200'] })).ok,
    ).toBe(false);
  });

  it('sends headers and a body; 303 continues as GET, 307 keeps the method and body', async () => {
    const spec = {
      method: 'POST' as const,
      body: '{"ping":1}',
      headers: { 'Content-Type': 'application/json', 'X-Probe': 'opsdesk' },
    };
    const direct = await check({ url: `${base}/echo`, ...spec, jsonPath: 'body', jsonEquals: '{"ping":1}' });
    expect(direct.ok).toBe(true);
    expect(
      (await check({ url: `${base}/echo`, ...spec, jsonPath: 'headers.x-probe', jsonEquals: 'opsdesk' })).ok,
    ).toBe(true);
    expect(
      (await check({ url: `${base}/see-other`, ...spec, jsonPath: 'method', jsonEquals: 'GET' })).ok,
    ).toBe(true);
    expect((await check({ url: `${base}/see-other`, ...spec, jsonPath: 'body', jsonEquals: '' })).ok).toBe(
      true,
    );
    expect(
      (await check({ url: `${base}/temporary`, ...spec, jsonPath: 'method', jsonEquals: 'POST' })).ok,
    ).toBe(true);
    expect(
      (await check({ url: `${base}/temporary`, ...spec, jsonPath: 'body', jsonEquals: '{"ping":1}' })).ok,
    ).toBe(true);
  });

  it('drops credentials on a redirect to another origin, keeps other headers', async () => {
    const headers = { Authorization: 'Bearer s3cret', 'X-Probe': 'kept' };
    const same = await check({
      url: `${base}/echo`,
      headers,
      jsonPath: 'headers.authorization',
      jsonEquals: 'Bearer s3cret',
    });
    expect(same.ok).toBe(true);
    const across = await check({
      url: `${base}/to-other`,
      headers,
      jsonPath: 'headers.authorization',
      jsonEquals: 'x',
    });
    expect(across).toMatchObject({
      ok: false,
      message: 'HTTP 200, but the JSON has no headers.authorization',
    });
    expect(
      (await check({ url: `${base}/to-other`, headers, jsonPath: 'headers.x-probe', jsonEquals: 'kept' })).ok,
    ).toBe(true);
  });

  it('reads at most 1 MB of a body', async () => {
    const r = await check({ url: `${base}/big`, keyword: 'NEEDLE' });
    expect(r.ok).toBe(false);
    expect(r.message).toBe('HTTP 200, but "NEEDLE" is not in the body (in the first 1 MB)');
    expect(metric(r, 'probe_http_content_length')).toBe(1024 * 1024);
    expect((await check({ url: `${base}/big`, keyword: 'xxxx' })).ok).toBe(true);
  });

  it('decompresses a gzip body, and reports a malformed one', async () => {
    expect((await check({ url: `${base}/gzip`, jsonPath: 'status', jsonEquals: 'compressed-ok' })).ok).toBe(
      true,
    );
    const bad = await check({ url: `${base}/bad-gzip`, keyword: 'x' });
    expect(bad.ok).toBe(false);
    expect(bad.message).toMatch(/^HTTP 200, but the gzip body is malformed/);
  });

  it('verifies TLS unless told not to, and reports the certificate expiry', async () => {
    const verified = await check({ url: `${secure}/ok` });
    expect(verified).toMatchObject({ ok: false, message: 'TLS: self-signed certificate' });
    const unverified = await check({ url: `${secure}/ok`, verifyTls: false });
    expect(unverified).toMatchObject({ ok: true, message: 'HTTP 200' });
    expect(metric(unverified, 'probe_ssl_earliest_cert_expiry')).toBe(Math.floor(cert.notAfter / 1000));
  });

  it('fails on a refused connection, an unknown host, a timeout and a cancellation', async () => {
    const closed = http.createServer();
    const port = await new Promise<number>((resolve) =>
      closed.listen(0, '127.0.0.1', () => resolve((closed.address() as AddressInfo).port)),
    );
    await new Promise((r) => closed.close(r));
    expect(await check({ url: `http://127.0.0.1:${port}/` })).toMatchObject({
      ok: false,
      message: 'connection refused',
    });
    expect((await check({ url: 'http://no-such-host.invalid/' })).message).toMatch(
      /host not found|name lookup/,
    );
    const slow = await check({ url: `${base}/hang` }, { timeoutMs: 300, now: Date.now });
    expect(slow).toMatchObject({ ok: false, message: 'timed out after 300 ms' });
    expect(slow.latencyMs).toBeGreaterThanOrEqual(290);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const cancelled = await check(
      { url: `${base}/hang` },
      { timeoutMs: 5000, now: Date.now, signal: controller.signal },
    );
    expect(cancelled).toMatchObject({ ok: false, message: 'cancelled' });
  });
});
