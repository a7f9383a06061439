// Secrets never reach the log: the service's own logger settings (serviceLoggerOptions, as `opsdesk serve` gives
// them to its logger and to the HTTP app's), at trace level into a buffer, while the test signs in (a right and a
// wrong password), makes and uses API tokens, webhooks, SCIM tokens, inventory agents, heartbeat URLs, calendar
// feeds, an identity provider's client secret and a directory's bind password, fails SMTP AUTH and passes it —
// on the real listeners. No secret value may appear in what was logged; and the same traffic through Fastify's
// default request logging does leak the URL secrets, so the test can fail.
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { createUser, systemActor } from '../../src/core/auth/index.js';
import { maskUrlSecrets, serviceLoggerOptions } from '../../src/core/logging.js';
import { startSmtpListener } from '../../src/ingest/smtp.js';
import { createCheck, createTarget } from '../../src/monitoring/index.js';
import { swaks } from '../ingest/swaks.js';
import { dialects, makeContext, schemaController, type TestContext } from '../support/context.js';

/** A pino destination that keeps every line. */
function buffer(): { stream: Writable; text(): string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('maskUrlSecrets', () => {
  it('masks the secret path segments and query parameters, and nothing else', () => {
    expect(maskUrlSecrets('/api/v1/heartbeats/abcDEF123_-xyz')).toBe('/api/v1/heartbeats/***');
    expect(maskUrlSecrets('/api/v1/inventory/fusion/odinv_s3cret?x=1')).toBe(
      '/api/v1/inventory/fusion/***?x=1',
    );
    expect(maskUrlSecrets('/api/v1/inventory/fusion')).toBe('/api/v1/inventory/fusion');
    expect(maskUrlSecrets('/api/v1/schedules/4/calendar.ics?token=feed123&from=2026')).toBe(
      '/api/v1/schedules/4/calendar.ics?token=***&from=2026',
    );
    expect(maskUrlSecrets('/api/v1/auth/oidc/corp/callback?code=c0de&state=st4te&iss=x')).toBe(
      '/api/v1/auth/oidc/corp/callback?code=***&state=***&iss=x',
    );
    expect(maskUrlSecrets('/api/v1/tickets?q=token&limit=5')).toBe('/api/v1/tickets?q=token&limit=5');
    expect(maskUrlSecrets('/x?%74oken=abc')).toBe('/x?%74oken=***');
  });
});

describe.each(dialects)('the service log on %s', (dialect) => {
  const relaySecret = randomBytes(18).toString('base64url');
  const log = buffer();
  let t: TestContext;
  let app: Awaited<ReturnType<typeof buildApp>>;
  let base: string;
  let smtp: Awaited<ReturnType<typeof startSmtpListener>>;

  beforeAll(async () => {
    t = await makeContext(
      dialect,
      {
        OPSDESK_SMTP_RELAYS: `relay1:${createHash('sha256').update(relaySecret).digest('hex')}`,
        OPSDESK_SESSION_TTL_HOURS: '24',
      },
      { log: pino(serviceLoggerOptions('trace'), log.stream) },
    );
    app = await buildApp(t.ctx, {
      logger: { ...serviceLoggerOptions('trace'), stream: log.stream },
      schemaController,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    smtp = await startSmtpListener(t.ctx, { port: 0 });
  });
  afterAll(async () => {
    await smtp?.close();
    await app?.close();
    await t?.close();
  });

  async function call(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; body: any }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      body = text; // an iCalendar feed, an inventory reply
    }
    return { status: res.status, body };
  }

  it('holds none of the secrets that passed through sign-in, tokens, webhooks, agents, feeds, SSO and SMTP AUTH', async () => {
    const secrets: Record<string, string> = { relaySecret };
    const password = `pw-${randomBytes(12).toString('hex')}`;
    secrets.password = password;
    const email = `admin-${dialect}@example.test`;
    await createUser(t.ctx, null, { email, name: 'Admin', role: 'admin', password });

    const wrongPassword = `wrong-${randomBytes(12).toString('hex')}`;
    secrets.wrongPassword = wrongPassword;
    expect(
      (await call('POST', '/api/v1/auth/login', { body: { email, password: wrongPassword } })).status,
    ).toBe(401);
    const login = await call('POST', '/api/v1/auth/login', { body: { email, password } });
    expect(login.status).toBe(200);
    const session: string = login.body.token;
    secrets.session = session;

    const apiToken = await call('POST', '/api/v1/tokens', { token: session, body: { name: 'ci' } });
    expect(apiToken.status).toBe(201);
    secrets.apiToken = apiToken.body.token;
    expect((await call('GET', '/api/v1/tickets', { token: apiToken.body.token })).status).toBe(200);
    const forgedToken = `odt_${randomBytes(32).toString('base64url')}`;
    secrets.forgedToken = forgedToken;
    expect((await call('GET', '/api/v1/tickets', { token: forgedToken })).status).toBe(401);

    const webhookSecret = `whsec-${randomBytes(16).toString('hex')}`;
    secrets.webhookSecret = webhookSecret;
    const hook = await call('POST', '/api/v1/webhooks', {
      token: session,
      body: { url: 'https://hooks.example.net/opsdesk', secret: webhookSecret },
    });
    expect(hook.status).toBe(201);

    const scim = await call('POST', '/api/v1/scim-tokens', { token: session, body: { name: 'entra' } });
    expect(scim.status).toBe(201);
    secrets.scimToken = scim.body.token;
    expect((await call('GET', '/scim/v2/Users', { token: scim.body.token })).status).toBe(200);

    const agent = await call('POST', '/api/v1/inventory/agents', {
      token: session,
      body: { name: 'fusion' },
    });
    expect(agent.status).toBe(201);
    secrets.agentToken = agent.body.token;
    const prolog =
      '<?xml version="1.0" encoding="UTF-8" ?><REQUEST><DEVICEID>pc-1</DEVICEID><QUERY>PROLOG</QUERY></REQUEST>';
    const byPath = await call('POST', `/api/v1/inventory/fusion/${agent.body.token}`, {
      headers: { 'content-type': 'application/xml' },
    });
    expect(byPath.status).toBe(400); // an empty body: refused after the token was taken
    const byBasic = await fetch(`${base}/api/v1/inventory/fusion`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`agent:${agent.body.token}`).toString('base64')}`,
        'content-type': 'application/xml',
      },
      body: prolog,
    });
    expect(byBasic.status).toBe(200);

    const target = await createTarget(t.ctx, systemActor(0), { name: `logged-${dialect}`, kind: 'service' });
    const { heartbeatToken } = await createCheck(t.ctx, systemActor(0), target.id, {
      name: 'nightly',
      spec: { kind: 'heartbeat', graceSeconds: 60 },
      intervalSeconds: 3600,
      timeoutSeconds: 1,
    });
    secrets.heartbeatToken = heartbeatToken as string;
    expect((await call('POST', `/api/v1/heartbeats/${heartbeatToken}`)).status).toBe(200);

    const feed = await call('POST', '/api/v1/me/oncall-feed-token', { token: session });
    expect(feed.status).toBeLessThan(300);
    secrets.feedToken = feed.body.token;
    expect(
      (await call('GET', `/api/v1/users/${login.body.user.id}/oncall.ics?token=${feed.body.token}`)).status,
    ).toBe(200);

    const clientSecret = `oidc-${randomBytes(16).toString('hex')}`;
    secrets.clientSecret = clientSecret;
    const idp = await call('POST', '/api/v1/identity-providers', {
      token: session,
      body: {
        slug: 'corp',
        displayName: 'Corp',
        issuer: 'https://idp.example.net',
        clientId: 'opsdesk',
        clientSecret,
      },
    });
    expect(idp.status).toBe(201);

    const bindPassword = `bind-${randomBytes(16).toString('hex')}`;
    secrets.bindPassword = bindPassword;
    const directory = await call('POST', '/api/v1/ldap-directories', {
      token: session,
      body: {
        name: 'AD',
        url: 'ldap://127.0.0.1:1',
        bindMode: 'search',
        bindDn: 'cn=svc,dc=example,dc=net',
        bindPassword,
        userBase: 'dc=example,dc=net',
      },
    });
    expect(directory.status, JSON.stringify(directory.body)).toBe(201);

    const wrongRelay = await swaks(smtp.port, [
      ...['--auth', 'PLAIN', '--auth-user', 'relay1', '--auth-password', `x${relaySecret}`],
      ...['--from', 'a@example.test', '--to', 'helpdesk@opsdesk.local'],
    ]);
    secrets.wrongRelaySecret = `x${relaySecret}`;
    expect(wrongRelay.output).toContain('535');
    const relay = await swaks(smtp.port, [
      ...['--auth', 'PLAIN', '--auth-user', 'relay1', '--auth-password', relaySecret],
      ...['--from', 'a@example.test', '--to', 'helpdesk@opsdesk.local'],
    ]);
    expect(relay.output).toContain('235');

    const text = log.text();
    // The log is there, with the requests in it — masked where they carried a secret.
    expect(text).toContain('"url":"/api/v1/heartbeats/***"');
    expect(text).toContain('"url":"/api/v1/inventory/fusion/***"');
    expect(text).toContain('smtp: relay authentication failed');
    for (const [name, value] of Object.entries(secrets)) {
      expect(value.length, name).toBeGreaterThanOrEqual(16);
      expect(text.includes(value), `${name} is in the log`).toBe(false);
    }
  });

  it("Fastify's default request log would have written the URL secrets (the test above can fail)", async () => {
    const plain = buffer();
    const other = await makeContext(dialect);
    try {
      const leaky = await buildApp(other.ctx, {
        logger: { level: 'info', stream: plain.stream },
        schemaController,
      });
      const token = randomBytes(24).toString('base64url');
      await leaky.inject({ method: 'GET', url: `/api/v1/heartbeats/${token}` });
      await leaky.close();
      expect(plain.text()).toContain(token);
    } finally {
      await other.close();
    }
  });
});
