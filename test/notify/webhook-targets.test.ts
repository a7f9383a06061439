// Webhooks cannot be aimed at the service's own network: loopback, private, link-local (cloud metadata),
// unique-local, CGNAT and other non-public targets are refused when saved (in every spelling WHATWG URL
// accepts) and, for host names, after DNS resolution at delivery time; the delivery log keeps a status and a
// short reason, never the receiver's body. OPSDESK_WEBHOOK_ALLOW_PRIVATE=1 lifts the address check.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobScheduler } from '../../src/core/jobs.js';
import { classifyResponse, deliverDue, registerNotify } from '../../src/notify/index.js';
import { checkedLookup, nonPublicRange, webhookTargetProblem } from '../../src/notify/webhook-targets.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';
import { type Receiver, startReceiver } from './receiver.js';

const refused = [
  'http://169.254.169.254/latest/meta-data/',
  'http://2852039166/',
  'http://0xA9FEA9FE/',
  'http://0251.0376.0251.0376/',
  'http://169.254.43518/',
  'http://127.0.0.1:8080/hook',
  'http://127.1/',
  'http://0x7f000001/',
  'http://017700000001/',
  'http://[::1]:8080/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:a9fe:a9fe]/',
  'http://[::127.0.0.1]/',
  'http://[64:ff9b::a9fe:a9fe]/',
  'http://[fd00:ec2::254]/',
  'http://[fe80::1]/',
  'http://[::]/',
  'http://0.0.0.0/',
  'http://0/',
  'http://10.0.0.1/',
  'http://172.16.5.4/',
  'http://192.168.1.1/',
  'http://100.64.0.1/',
  'http://100.100.100.200/',
  'http://224.0.0.1/',
  'http://255.255.255.255/',
];

const accepted = [
  'https://hooks.example.com/opsdesk',
  'http://93.184.216.34/hook',
  'https://[2606:4700:4700::1111]/',
  'http://[64:ff9b::5db8:d822]/',
  'https://8.8.8.8:8443/x',
];

function problem(raw: string, allowPrivate = false): string | null {
  return webhookTargetProblem(new URL(raw), allowPrivate);
}

describe('webhook target addresses', () => {
  it('refuses internal targets in every spelling, and accepts public ones', () => {
    for (const url of refused) expect(problem(url), url).toMatch(/not a public one/);
    for (const url of accepted) expect(problem(url), url).toBeNull();
    for (const url of refused) expect(problem(url, true), url).toBeNull();
  });

  it('refuses credentials in the URL, even when private targets are allowed', () => {
    expect(problem('https://user:secret@hooks.example.com/', true)).toMatch(/user name or password/);
    expect(problem('https://token@hooks.example.com/')).toMatch(/user name or password/);
  });

  it('judges every IPv4 address, in every form WHATWG URL accepts, by its range (fast-check)', () => {
    const forms = (n: number): string[] => {
      const octets = [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
      const hex = (x: number) => x.toString(16).padStart(4, '0');
      return [
        octets.join('.'),
        String(n),
        `0x${n.toString(16)}`,
        octets.map((o) => `0${o.toString(8)}`).join('.'),
        `${octets[0]}.${(n & 0xffffff) >>> 0}`,
        `[::ffff:${octets.join('.')}]`,
        `[::ffff:${hex(n >>> 16)}:${hex(n & 0xffff)}]`,
      ];
    };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 0, max: 0xffffffff }),
          // Weighted towards the ranges that matter.
          fc.constantFrom(0x7f000001, 0xa9fea9fe, 0x0a000001, 0xac100001, 0xc0a80001, 0x64400001, 0),
          fc.integer({ min: 0x7f000000, max: 0x7fffffff }),
          fc.integer({ min: 0xa9fe0000, max: 0xa9feffff }),
          fc.integer({ min: 0x64400000, max: 0x647fffff }),
        ),
        (n) => {
          const ip = ipaddr.fromByteArray([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
          const isPublic = ip.range() === 'unicast';
          for (const host of forms(n)) {
            const url = new URL(`http://${host}/hook`);
            expect(problem(url.href) === null, `${host} → ${url.hostname}`).toBe(isPublic);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('judges random IPv6 addresses by their range (fast-check)', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const url = new URL(`http://[${ip}]/`);
        const parsed = ipaddr.parse(ip) as ipaddr.IPv6;
        const range = parsed.isIPv4MappedAddress() ? parsed.toIPv4Address().range() : parsed.range();
        if (range !== 'unicast' && range !== 'rfc6052') expect(problem(url.href), ip).not.toBeNull();
        expect(nonPublicRange(ip) === null).toBe(problem(url.href) === null);
      }),
      { numRuns: 500 },
    );
  });

  it('checks every address a name resolves to and hands the socket only checked ones', async () => {
    const resolver = (addresses: string[]) =>
      ((_host: string, _options: unknown, cb: (e: null, a: { address: string; family: number }[]) => void) =>
        cb(
          null,
          addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
        )) as never;
    const lookup = (addresses: string[], allowPrivate: boolean, all: boolean) =>
      new Promise<{ err: Error | null; address: unknown }>((resolve) =>
        checkedLookup(allowPrivate, resolver(addresses))('rebind.example.test', { all }, (err, address) =>
          resolve({ err, address }),
        ),
      );
    // One private address among public ones is enough to refuse the name (DNS rebinding, split answers).
    const mixed = await lookup(['93.184.216.34', '127.0.0.1'], false, true);
    expect(mixed.err?.message).toMatch(/rebind\.example\.test resolves to 127\.0\.0\.1, a loopback address/);
    expect((await lookup(['93.184.216.34'], false, false)).address).toBe('93.184.216.34');
    expect((await lookup(['127.0.0.1', '::1'], true, true)).address).toEqual([
      { address: '127.0.0.1', family: 4 },
      { address: '::1', family: 6 },
    ]);
  });

  it("a non-2xx answer is logged as its status and a short reason, never the receiver's text or redirect", () => {
    const redirect = classifyResponse(302, null);
    expect(redirect).toMatchObject({ kind: 'retry', reason: 'http_3xx', statusCode: 302 });
    expect((redirect as { error: string }).error).toBe('HTTP 302 Found: redirect not followed');
    const refusedByReceiver = classifyResponse(403, null);
    expect((refusedByReceiver as { error: string }).error).toMatch(/^HTTP 403 Forbidden — not retried/);
  });
});

describe.each(dialects)('webhook targets over HTTP on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let requester: Session;
  let receiver: Receiver;

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_WEBHOOK_TIMEOUT_MS: '2000' }); // private targets not allowed
    registerNotify(t.ctx, new JobScheduler(t.ctx.log));
    admin = await userSession(t.app, t.ctx, 'admin');
    requester = await userSession(t.app, t.ctx, 'requester');
    receiver = await startReceiver(200);
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
  });

  it('refuses to save an internal target with a 400 naming the field', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://2852039166/',
      'http://[::1]:8080/',
      'https://admin:hunter2@hooks.example.com/',
    ]) {
      const res = await admin.call('POST', '/api/v1/webhooks', { url });
      expect(res.status, url).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.body.code).toBe('invalid_webhook_url');
      expect(res.body.errors).toEqual([{ field: '/url', message: expect.any(String) }]);
    }
    const ok = await admin.call('POST', '/api/v1/webhooks', { url: 'https://hooks.example.com/in' });
    expect(ok.status).toBe(201);
    const moved = await admin.call('PATCH', `/api/v1/webhooks/${ok.body.id}`, { url: 'http://10.1.2.3/' });
    expect(moved.status).toBe(400);
    expect(moved.body.errors[0].field).toBe('/url');
    await admin.call('DELETE', `/api/v1/webhooks/${ok.body.id}`);
  });

  it('a host name that resolves to a loopback address is refused at delivery, with a short reason', async () => {
    const port = new URL(receiver.url).port;
    const created = await admin.call('POST', '/api/v1/webhooks', { url: `http://localhost:${port}/hook` });
    expect(created.status).toBe(201);
    const filed = await requester.call('POST', '/api/v1/tickets', {
      title: 'Printer',
      description: 'Jammed.',
    });
    expect(filed.status).toBe(201);
    await t.ctx.events.dispatchPending();
    await t.ctx.events.idle();
    await deliverDue(t.ctx);
    expect(receiver.received).toHaveLength(0);
    const log = await admin.call('GET', `/api/v1/webhooks/${created.body.id}/deliveries`);
    expect(log.body.items).toHaveLength(1);
    const [d] = log.body.items;
    expect(d).toMatchObject({ status: 'failed', attempts: 1, lastStatusCode: null });
    expect(d.lastError).toMatch(/^refused: localhost resolves to (127\.0\.0\.1|::1), a loopback address/);
    expect(d.lastError.length).toBeLessThanOrEqual(200);
    await admin.call('PATCH', `/api/v1/webhooks/${created.body.id}`, { active: false });
  });
});

describe.each(dialects)('webhook delivery log with private targets allowed on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let requester: Session;
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    t = await makeApp(dialect, { OPSDESK_WEBHOOK_ALLOW_PRIVATE: '1', OPSDESK_WEBHOOK_TIMEOUT_MS: '2000' });
    registerNotify(t.ctx, new JobScheduler(t.ctx.log));
    admin = await userSession(t.app, t.ctx, 'admin');
    requester = await userSession(t.app, t.ctx, 'requester');
    // An internal service that answers with secrets in its body and a redirect to the metadata service.
    server = http.createServer((req, res) => {
      req.resume();
      if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/iam/' });
        res.end();
        return;
      }
      res.writeHead(500, 'Internal secret-token-1234', { 'content-type': 'text/plain' });
      res.end('db password: secret-token-1234');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://localhost:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
  });

  it("keeps the status and a short reason, not the receiver's body, status text or redirect target", async () => {
    const failing = await admin.call('POST', '/api/v1/webhooks', { url: `${url}/fail` });
    const redirecting = await admin.call('POST', '/api/v1/webhooks', { url: `${url}/redirect` });
    expect([failing.status, redirecting.status]).toEqual([201, 201]);
    await requester.call('POST', '/api/v1/tickets', { title: 'VPN', description: 'Drops.' });
    await t.ctx.events.dispatchPending();
    await t.ctx.events.idle();
    await deliverDue(t.ctx);
    const [failed] = (await admin.call('GET', `/api/v1/webhooks/${failing.body.id}/deliveries`)).body.items;
    expect(failed).toMatchObject({ status: 'pending', lastStatusCode: 500 });
    expect(failed.lastError).toBe('HTTP 500 Internal Server Error');
    const [redirected] = (await admin.call('GET', `/api/v1/webhooks/${redirecting.body.id}/deliveries`)).body
      .items;
    expect(redirected).toMatchObject({ status: 'pending', lastStatusCode: 302 });
    expect(redirected.lastError).toBe('HTTP 302 Found: redirect not followed');
  });
});
