// Every HTTP machine channel refuses a sender that is not who it says, on the real listener (a port, fetch), on both
// databases: remote-write, the log endpoint and the Alertmanager intake (API tokens: none, forged, revoked, expired, a
// requester's), inventory agents (a token per agent: none, forged, revoked, another agent's device), heartbeat URLs
// (a forged token), SCIM (a forged, a revoked or a user's token) and /metrics with a scrape token. Each refusal has its status and its code; the
// right sender gets through, so a refusal is never a broken route. (Syslog over TLS: test/ingest/syslog-client-certs;
// SMTP AUTH: test/ingest/smtp-trust; the Events API's integration key: test/api/incidents.)
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/core/auth/index.js';
import { createCheck, createTarget } from '../../src/monitoring/index.js';
import { encodeWriteRequest, snappyCompress } from '../../src/monitoring/remote-write.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const scrapeToken = randomBytes(32).toString('hex');
const forged = (prefix: string) => `${prefix}_${randomBytes(32).toString('base64url')}`;

interface Answer {
  status: number;
  code: string | undefined;
  headers: Headers;
}

describe.each(dialects)('machine senders on %s', (dialect) => {
  let t: TestApp;
  let base: string;
  let admin: Session;
  let manager: Session;
  let technician: Session;
  let requester: Session;
  let staffToken: string;

  beforeAll(async () => {
    // Sessions outlive the days the clock is moved on to expire API tokens.
    t = await makeApp(dialect, {
      OPSDESK_SESSION_TTL_HOURS: '2160',
      OPSDESK_METRICS_SCRAPE_TOKEN: scrapeToken,
    });
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    admin = await userSession(t.app, t.ctx, 'admin');
    manager = await userSession(t.app, t.ctx, 'manager');
    technician = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
    staffToken = await apiToken(technician, 'prometheus');
  });
  afterAll(async () => t?.close());

  async function apiToken(who: Session, name: string, expiresInDays?: number): Promise<string> {
    const made = await who.call('POST', '/api/v1/tokens', {
      name,
      ...(expiresInDays ? { expiresInDays } : {}),
    });
    expect(made.status).toBe(201);
    return made.body.token;
  }

  async function send(path: string, init: RequestInit): Promise<Answer> {
    const res = await fetch(`${base}${path}`, init);
    const text = await res.text();
    let code: string | undefined;
    try {
      code = (JSON.parse(text) as { code?: string }).code;
    } catch {
      code = undefined; // a non-JSON answer (an inventory reply, a 204)
    }
    return { status: res.status, code, headers: res.headers };
  }

  const bearer = (token: string | null): Record<string, string> =>
    token === null ? {} : { authorization: `Bearer ${token}` };

  const remoteWrite = (token: string | null) =>
    send('/api/v1/prom/write', {
      method: 'POST',
      headers: {
        ...bearer(token),
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
        'x-prometheus-remote-write-version': '0.1.0',
      },
      body: new Uint8Array(
        snappyCompress(
          encodeWriteRequest([
            { labels: { __name__: 'up', job: 'senders' }, timestamps: [t.clock.now()], values: [1] },
          ]),
        ),
      ),
    });
  const logs = (token: string | null) =>
    send('/api/v1/logs', {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/x-ndjson' },
      body: '{"message":"backup done","host":"nas1"}\n',
    });
  const alerts = (token: string | null) =>
    send('/api/v1/alertmanager/api/v2/alerts', {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: '[]',
    });
  const channels = {
    'remote-write': remoteWrite,
    'the log endpoint': logs,
    'the Alertmanager intake': alerts,
  };

  for (const [name, post] of Object.entries(channels)) {
    it(`${name}: the staff token gets in; none, a forged, a revoked, an expired or a requester's is refused`, async () => {
      const ok = await post(staffToken);
      expect(ok.status).toBeLessThan(300);

      for (const token of [null, forged('odt'), forged('x'), 'not a token at all']) {
        const refused = await post(token);
        expect(refused.status, String(token)).toBe(401);
        expect(refused.code).toBe('not_signed_in');
      }

      const revokedToken = await apiToken(technician, `${name} revoked`);
      expect((await post(revokedToken)).status).toBeLessThan(300);
      const listed = await technician.call('GET', '/api/v1/tokens');
      const id = listed.body.items.find((i: { name: string }) => i.name === `${name} revoked`).id;
      expect((await technician.call('DELETE', `/api/v1/tokens/${id}`)).status).toBe(204);
      expect(await post(revokedToken)).toMatchObject({ status: 401, code: 'not_signed_in' });

      const expiring = await apiToken(technician, `${name} expiring`, 1);
      expect((await post(expiring)).status).toBeLessThan(300);
      t.clock.advance(86_400_000 + 1);
      expect(await post(expiring)).toMatchObject({ status: 401, code: 'not_signed_in' });
      expect((await post(staffToken)).status).toBeLessThan(300);

      const requesterToken = await apiToken(requester, `${name} requester`);
      expect(await post(requesterToken)).toMatchObject({ status: 403 });
    });
  }

  it('inventory agents: each has its own token; none, a forged or a revoked one is refused, and another agent cannot take a device', async () => {
    const agentA = (await manager.call('POST', '/api/v1/inventory/agents', { name: 'senders A' })).body;
    const agentB = (await manager.call('POST', '/api/v1/inventory/agents', { name: 'senders B' })).body;
    const inventory = (deviceId: string) =>
      `<?xml version="1.0" encoding="UTF-8" ?><REQUEST><CONTENT><HARDWARE><NAME>${deviceId}</NAME></HARDWARE>` +
      `<BIOS><SSN>SN-${deviceId}</SSN></BIOS></CONTENT><DEVICEID>${deviceId}</DEVICEID><QUERY>INVENTORY</QUERY></REQUEST>`;
    const basic = (token: string | null): Record<string, string> =>
      token === null ? {} : { authorization: `Basic ${Buffer.from(`agent:${token}`).toString('base64')}` };
    const submit = (token: string | null, deviceId: string) =>
      send('/api/v1/inventory/fusion', {
        method: 'POST',
        headers: { ...basic(token), 'content-type': 'application/xml' },
        body: inventory(deviceId),
      });
    const device = `pc-${dialect}-${randomBytes(3).toString('hex')}`;

    expect((await submit(agentA.token, device)).status).toBe(200);
    const anonymous = await submit(null, device);
    expect(anonymous).toMatchObject({ status: 401, code: 'inventory_agent_unknown' });
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="opsdesk inventory"');
    expect(await submit(forged('odinv'), device)).toMatchObject({
      status: 401,
      code: 'inventory_agent_unknown',
    });
    // A staff member's API token is not an agent's.
    expect(await submit(staffToken, device)).toMatchObject({ status: 401, code: 'inventory_agent_unknown' });
    const byPath = await send(`/api/v1/inventory/fusion/${forged('odinv')}`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml' },
      body: inventory(device),
    });
    expect(byPath).toMatchObject({ status: 401, code: 'inventory_agent_unknown' });
    expect(await submit(agentB.token, device)).toMatchObject({
      status: 409,
      code: 'inventory_device_claimed',
    });

    expect((await manager.call('DELETE', `/api/v1/inventory/agents/${agentA.agent.id}`)).status).toBe(204);
    expect(await submit(agentA.token, device)).toMatchObject({
      status: 401,
      code: 'inventory_agent_unknown',
    });
    expect((await submit(agentB.token, `${device}-b`)).status).toBe(200);
  });

  it('heartbeat URLs: the token is 192 random bits, stored hashed; a forged one is a plain 404', async () => {
    const target = await createTarget(t.ctx, systemActor(0), {
      name: `job-${dialect}-senders`,
      kind: 'service',
    });
    const { check, heartbeatToken } = await createCheck(t.ctx, systemActor(0), target.id, {
      name: 'nightly backup',
      spec: { kind: 'heartbeat', graceSeconds: 60 },
      intervalSeconds: 3600,
      timeoutSeconds: 1,
    });
    expect(heartbeatToken).toMatch(/^[A-Za-z0-9_-]{32}$/); // 24 bytes of randomBytes
    const stored = await t.ctx.db
      .selectFrom('monitoring_checks')
      .select('heartbeat_token_hash')
      .where('id', '=', check.id)
      .executeTakeFirstOrThrow();
    expect(stored.heartbeat_token_hash).not.toContain(heartbeatToken as string);

    expect((await send(`/api/v1/heartbeats/${heartbeatToken}`, { method: 'POST' })).status).toBe(200);
    for (const guess of [
      randomBytes(24).toString('base64url'),
      `${heartbeatToken?.slice(0, 31)}A`,
      'short',
    ]) {
      expect(await send(`/api/v1/heartbeats/${guess}`, { method: 'GET' })).toMatchObject({
        status: 404,
        code: 'heartbeat_not_found',
      });
    }
  });

  it('/metrics with OPSDESK_METRICS_SCRAPE_TOKEN: only the scrape token reads it', async () => {
    const scrape = (token: string | null) => send('/metrics', { headers: bearer(token) });
    const ok = await fetch(`${base}/metrics`, { headers: bearer(scrapeToken) });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('opsdesk_');
    for (const token of [
      null,
      `${scrapeToken.slice(0, -1)}${scrapeToken.endsWith('0') ? '1' : '0'}`,
      staffToken,
      'x'.repeat(64),
    ]) {
      const refused = await scrape(token);
      expect(refused, String(token)).toMatchObject({ status: 401, code: 'not_signed_in' });
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="opsdesk metrics"');
    }
  });

  it("SCIM: only a SCIM token opens /scim/v2; a forged, a revoked one or a user's API token is refused", async () => {
    const made = (await admin.call('POST', '/api/v1/scim-tokens', { name: 'entra' })).body;
    const users = (token: string | null) => send('/scim/v2/Users', { headers: bearer(token) });
    expect((await users(made.token)).status).toBe(200);
    for (const token of [null, forged('scim'), staffToken, admin.token]) {
      const refused = await users(token);
      expect(refused.status, String(token)).toBe(401);
      expect(refused.headers.get('www-authenticate')).toBe('Bearer realm="opsdesk SCIM"');
    }
    expect((await admin.call('DELETE', `/api/v1/scim-tokens/${made.id}`)).status).toBe(204);
    expect((await users(made.token)).status).toBe(401);
  });
});
