// The server compiles each route's validators and serialisers on its first request (src/api/lazy-schemas.ts);
// the other tests build their apps with eager, shared compilers. Here both apps stand over one database and
// answer the same requests alike: refusals (with Ajv's message), defaults and coercions a validator applies, and
// replies a serialiser shapes. The compilers do not touch the database, so one dialect is enough: PostgreSQL,
// where two instances share a database.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { makeApp, type TestApp } from '../support/context.js';
import { type Session, session, userSession } from '../support/http.js';

describe('lazily compiled schemas answer as eagerly compiled ones', () => {
  let t: TestApp;
  let other: Awaited<ReturnType<TestApp['openAnother']>>;
  let lazy: FastifyInstance;
  let eagerAdmin: Session;
  let lazyAdmin: Session;

  beforeAll(async () => {
    t = await makeApp('postgres');
    // The lazy app runs as a second instance on the same database (PostgreSQL: where instances share one).
    other = await t.openAnother(t.clock);
    lazy = await buildApp(other.ctx);
    await lazy.ready();
    eagerAdmin = await userSession(t.app, t.ctx, 'admin');
    lazyAdmin = session(lazy, eagerAdmin.token, eagerAdmin.userId);
  });
  afterAll(async () => {
    await lazy?.close();
    await other?.close();
    await t?.close();
  });

  /** The same request to both apps: the same status and body, but for the request id. */
  async function same(method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) {
    const a = await eagerAdmin.call(method, url, payload);
    const b = await lazyAdmin.call(method, url, payload);
    const strip = (body: unknown) =>
      body && typeof body === 'object' ? { ...(body as object), requestId: undefined } : body;
    expect(b.status, `${method} ${url}`).toBe(a.status);
    expect(strip(b.body), `${method} ${url}`).toEqual(strip(a.body));
    return b;
  }

  it('refuses bad bodies, queries and paths with the same problem', async () => {
    for (const [method, url, payload] of [
      ['POST', '/api/v1/tickets', { title: 5 }],
      ['POST', '/api/v1/tickets', { title: 'x', unknownField: 1 }],
      ['GET', '/api/v1/tickets?limit=banana'],
      ['GET', '/api/v1/tickets/not-a-number'],
      ['PATCH', `/api/v1/users/${eagerAdmin.userId}`, { role: 'overlord' }],
    ] as const) {
      const res = await same(method, url, payload);
      expect(res.status, `${method} ${url}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('applies the same defaults and shapes replies the same way', async () => {
    // Filed through each app in turn, then read through both: the serialisers agree field for field.
    for (const as of [eagerAdmin, lazyAdmin]) {
      const made = await as.call('POST', '/api/v1/tickets', {
        title: 'Printer on 2 jams',
        description: 'Tray 2.',
      });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      const read = await same('GET', `/api/v1/tickets/${made.body.id}`);
      expect(read.body.title).toBe('Printer on 2 jams');
    }
    const listed = await same('GET', '/api/v1/tickets?limit=1&sort=-created');
    expect(listed.body.items, JSON.stringify(listed.body)).toHaveLength(1);
    await same('GET', '/api/v1/me');
    await same('GET', '/api/v1/catalog');
  });
});
