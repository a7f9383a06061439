// The HTTP edge's own defences, on SQLite and PostgreSQL: security headers on pages and the docs, a client's
// x-request-id only when short and well-formed, authentication before validation (an anonymous caller learns
// nothing from schema errors), and no type coercion of bodies (0, false and "" never become null).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

describe.each(dialects)('request hardening on %s', (dialect) => {
  let t: TestApp;
  let admin: Session;
  let tech: Session;
  let requester: Session;

  beforeAll(async () => {
    t = await makeApp(dialect);
    admin = await userSession(t.app, t.ctx, 'admin');
    tech = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
  });
  afterAll(async () => t?.close());

  it('pages and the API docs carry a CSP, frame and referrer policies', async () => {
    for (const url of ['/', '/tickets/1', '/docs/static/index.html', '/api/v1/health']) {
      const res = await t.app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toMatch(/script-src 'self'(;|$)/);
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).toContain("object-src 'none'");
      expect(csp, url).not.toContain('upgrade-insecure-requests');
      expect(res.headers['x-frame-options'], url).toBe('DENY');
      expect(res.headers['referrer-policy'], url).toBe('no-referrer');
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
    }
  });

  it("takes a client's x-request-id only when short and well-formed", async () => {
    const idOf = async (requestId: string) => {
      const res = await t.app.inject({
        method: 'GET',
        url: '/api/v1/nothing-here',
        headers: { 'x-request-id': requestId, accept: 'application/json' },
      });
      expect(res.statusCode).toBe(404);
      return res.json().requestId as string;
    };
    expect(await idOf('trace-0af7651916cd43dd')).toBe('trace-0af7651916cd43dd');
    for (const bad of ['a'.repeat(65), 'x\u001b[31mred', 'id with spaces', '<script>', 'ä-unicode', '']) {
      const id = await idOf(bad);
      expect(id, JSON.stringify(bad)).not.toBe(bad);
      expect(id).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
    }
  });

  it('an anonymous caller gets 401, not a schema error', async () => {
    const calls: [string, string, unknown?][] = [
      ['POST', '/api/v1/tickets', { title: 5 }],
      ['POST', '/api/v1/tickets', 'not json at all'],
      ['GET', '/api/v1/tickets?limit=banana'],
      ['GET', '/api/v1/tickets/not-a-number'],
      ['PATCH', '/api/v1/users/1', { role: 'overlord' }],
      ['POST', '/api/v1/webhooks', { url: 42 }],
    ];
    for (const [method, url, payload] of calls) {
      const res = await t.app.inject({
        method: method as 'GET',
        url,
        ...(payload === undefined
          ? {}
          : typeof payload === 'string'
            ? { payload, headers: { 'content-type': 'application/json' } }
            : { payload: payload as object }),
      });
      expect(res.statusCode, `${method} ${url}`).toBe(401);
      expect(res.json().code).toBe('not_signed_in');
    }
    // Signing in and the health check stay open; their validation still answers.
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 1 } });
    expect(login.statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200);
  });

  it('does not coerce body types: 0, false and "" are refused where they do not fit, never turned into null', async () => {
    const filed = await requester.call('POST', '/api/v1/tickets', {
      title: 'Monitor',
      description: 'Flickers.',
    });
    expect(filed.status).toBe(201);
    const id = filed.body.id;
    const assigned = await tech.call('PATCH', `/api/v1/tickets/${id}`, { assigneeId: tech.userId });
    expect(assigned.status).toBe(200);
    for (const wrong of [0, false, '']) {
      const res = await tech.call('PATCH', `/api/v1/tickets/${id}`, { assigneeId: wrong });
      expect(res.status, JSON.stringify(wrong)).toBe(400);
      expect(res.body.code).toBe('validation_failed');
      expect(res.body.errors[0].field).toMatch(/^\/assigneeId/);
    }
    const still = await tech.call('GET', `/api/v1/tickets/${id}`);
    expect(still.body.assigneeId).toBe(tech.userId);
    // A number sent as a string is a wrong type too.
    const stringly = await requester.call('POST', '/api/v1/tickets', {
      title: 'Dock',
      description: 'Dead.',
      impact: '3',
    });
    expect(stringly.status).toBe(400);
    expect(stringly.body.errors[0].field).toBe('/impact');
    // Query strings and path parameters are text by nature: they are still read as numbers.
    const page = await admin.call('GET', `/api/v1/tickets?limit=1`);
    expect(page.status).toBe(200);
    expect(page.body.items).toHaveLength(1);
    expect((await admin.call('GET', `/api/v1/tickets/${id}`)).status).toBe(200);
  });
});
