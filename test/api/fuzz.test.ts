// Hostile input at the auth and ticket endpoints (fast-check): whatever a client sends, the answer is
// never a 5xx, every 4xx is problem+json with a catalogued code, and what was stored stays intact.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../../src/core/auth/index.js';
import { errorCatalogue } from '../../src/core/errors.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, signIn } from '../support/http.js';

const hostileString = fc.oneof(
  fc.string({ maxLength: 50 }),
  fc.string({ unit: 'grapheme', maxLength: 50 }),
  fc.constantFrom(
    "'; DROP TABLE tickets; --",
    '" OR 1=1 --',
    'NEAR(a b)',
    '"unterminated',
    'title:* AND -x',
    '*',
    '\u0000\u0001\u0002',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    '%00',
    '{{7*7}}',
    '😀'.repeat(100),
    'a'.repeat(5000),
    '__proto__',
    'constructor',
  ),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -1, 0, 2 ** 31, 1e308, -0),
  fc.array(hostileString, { maxLength: 5 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 4 }),
);

const ticketKeys = [
  'title',
  'description',
  'type',
  'impact',
  'urgency',
  'priority',
  'category',
  'categoryId',
  'assigneeId',
  'groupId',
  'status',
  'tags',
  'watcherIds',
  'relatedTicketId',
  'requesterId',
  '__proto__',
  'constructor',
];

const hostileBody = fc.oneof(
  fc.dictionary(fc.constantFrom(...ticketKeys), hostileValue, { maxKeys: 8 }).map((o) => JSON.stringify(o)),
  fc.record({ title: hostileString, description: hostileString }).map((o) => JSON.stringify(o)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '',
    '{',
    '[]',
    'null',
    '{"title":',
    '{"__proto__":{"admin":true}}',
    '\u0000',
    '{"a":'.repeat(500),
  ),
);

const queryValue = fc.oneof(
  hostileString,
  fc.constantFrom('open', 'me', 'none', 'mine', '-1', '1e9', '2026-13-45', 'NaN', 'new,,closed'),
);
const queryKeys = [
  'q',
  'status',
  'priority',
  'assigneeId',
  'groupId',
  'requesterId',
  'categoryId',
  'tag',
  'createdFrom',
  'createdTo',
  'updatedFrom',
  'sort',
  'limit',
  'cursor',
];
const hostileQuery = fc.dictionary(fc.constantFrom(...queryKeys), queryValue, { maxKeys: 5 }).map((o) =>
  Object.entries(o)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&'),
);

const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'application/xml',
  '',
);
const catalogued = new Set(Object.keys(errorCatalogue));

describe.each(dialects)('hostile input on %s', (dialect) => {
  let t: TestApp;
  let requester: Session;
  let tech: Session;
  let ticketId: number;
  let before: string;
  const runs = dialect === 'sqlite' ? 150 : 60;

  beforeAll(async () => {
    t = await makeApp(dialect);
    await createUser(t.ctx, null, {
      email: 'req@example.test',
      name: 'Req',
      role: 'requester',
      password: 'requester-pw-1',
    });
    await createUser(t.ctx, null, {
      email: 'tech@example.test',
      name: 'Tech',
      role: 'technician',
      password: 'tech-password-1',
    });
    requester = await signIn(t.app, 'req@example.test', 'requester-pw-1');
    tech = await signIn(t.app, 'tech@example.test', 'tech-password-1');
    const created = await requester.call('POST', '/api/v1/tickets', {
      title: 'Reference ticket',
      description: 'Must stay intact',
    });
    ticketId = created.body.id;
    before = JSON.stringify((await tech.call('GET', `/api/v1/tickets/${ticketId}`)).body);
  });
  afterAll(async () => t?.close());

  function checkAnswer(res: { statusCode: number; headers: Record<string, unknown>; body: string }): void {
    expect(res.statusCode, res.body).toBeLessThan(500);
    if (res.statusCode >= 400) {
      expect(String(res.headers['content-type'])).toContain('application/problem+json');
      const p = JSON.parse(res.body);
      expect(p.status).toBe(res.statusCode);
      expect(catalogued.has(p.code), p.code).toBe(true);
    }
  }

  it('ticket creation and update never fail with 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileBody,
        contentType,
        fc.constantFrom('POST', 'PATCH'),
        async (body, type, method) => {
          const url = method === 'POST' ? '/api/v1/tickets' : `/api/v1/tickets/${ticketId}`;
          // The requester may not change their ticket's fields: whatever it sends, the reference ticket stays.
          const res = await t.app.inject({
            method,
            url,
            payload: body,
            headers: {
              authorization: `Bearer ${requester.token}`,
              ...(type ? { 'content-type': type } : {}),
            },
          });
          checkAnswer(res);
          if (method === 'PATCH') expect(res.statusCode).not.toBe(200);
        },
      ),
      { numRuns: runs },
    );
    expect(JSON.stringify((await tech.call('GET', `/api/v1/tickets/${ticketId}`)).body)).toBe(before);
  });

  it('list and search queries never fail with 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(hostileQuery, fc.boolean(), async (query, asTech) => {
        const res = await t.app.inject({
          method: 'GET',
          url: `/api/v1/tickets?${query}`,
          headers: { authorization: `Bearer ${(asTech ? tech : requester).token}` },
        });
        checkAnswer(res);
        if (res.statusCode === 200) {
          const page = JSON.parse(res.body);
          expect(Array.isArray(page.items)).toBe(true);
          if (!asTech)
            expect(page.items.every((x: { requesterId: number }) => x.requesterId === requester.userId)).toBe(
              true,
            );
        }
      }),
      { numRuns: runs },
    );
  });

  it('comments, paths and ids never fail with 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constant(String(ticketId)),
          hostileString.map(encodeURIComponent),
          fc.integer().map(String),
        ),
        hostileBody,
        async (id, body) => {
          const res = await t.app.inject({
            method: 'POST',
            url: `/api/v1/tickets/${id}/comments`,
            payload: body,
            headers: { authorization: `Bearer ${tech.token}`, 'content-type': 'application/json' },
          });
          checkAnswer(res);
        },
      ),
      { numRuns: runs },
    );
  });

  it('sign-in with hostile bodies and headers never fails with 5xx and never signs in', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ email: hostileValue, password: hostileValue }).map((o) => JSON.stringify(o)),
          hostileBody,
        ),
        fc.option(hostileString, { nil: undefined }),
        fc.option(hostileString, { nil: undefined }),
        async (body, authorization, cookie) => {
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (authorization !== undefined)
            headers.authorization = authorization.replace(/[\r\n\u0000-\u001f\u007f-\uffff]/g, '');
          if (cookie !== undefined)
            headers.cookie = `opsdesk_session=${cookie.replace(/[\r\n;\u0000-\u001f\u007f-\uffff]/g, '')}`;
          const res = await t.app.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: body,
            headers,
          });
          checkAnswer(res);
          expect(res.statusCode).not.toBe(200);
        },
      ),
      { numRuns: runs },
    );
  });

  it('hostile Authorization headers and cookies on protected routes get 401, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(hostileString, fc.constantFrom('authorization', 'cookie'), async (value, header) => {
        const clean = value.replace(/[\r\n;\u0000-\u001f\u007f-\uffff]/g, '');
        const headers =
          header === 'authorization'
            ? { authorization: `Bearer ${clean}` }
            : { cookie: `opsdesk_session=${clean}` };
        const res = await t.app.inject({ method: 'GET', url: '/api/v1/tickets', headers });
        checkAnswer(res);
        expect(res.statusCode).toBe(401);
      }),
      { numRuns: runs },
    );
  });
  it('merge, split and link requests never fail with 5xx', async () => {
    // Fresh tickets of their own: a hostile body may well name a real id and merge or link them.
    const ids = [] as number[];
    for (const title of ['Fuzz merge A', 'Fuzz merge B'])
      ids.push((await requester.call('POST', '/api/v1/tickets', { title, description: 'x' })).body.id);
    const linkBody = fc.oneof(
      fc
        .dictionary(fc.constantFrom('intoId', 'kind', 'ticketId', 'title', '__proto__'), hostileValue, {
          maxKeys: 4,
        })
        .map((o) => JSON.stringify(o)),
      fc
        .record({
          kind: fc.constantFrom('parent_of', 'child_of', 'related', 'duplicate_of', 'caused_by', 'x'),
          ticketId: fc.constantFrom(...ids, 0, -1, 2 ** 31),
        })
        .map((o) => JSON.stringify(o)),
      hostileBody,
    );
    const pathId = fc.oneof(fc.constantFrom(...ids.map(String)), hostileString.map(encodeURIComponent));
    await fc.assert(
      fc.asyncProperty(
        pathId,
        pathId,
        fc.constantFrom('merge', 'links', 'links/{x}', 'comments/{x}/split'),
        linkBody,
        async (id, x, route, body) => {
          const res = await t.app.inject({
            method: route === 'links/{x}' ? 'DELETE' : 'POST',
            url: `/api/v1/tickets/${id}/${route.replace('{x}', x)}`,
            payload: body,
            headers: { authorization: `Bearer ${tech.token}`, 'content-type': 'application/json' },
          });
          checkAnswer(res);
        },
      ),
      { numRuns: runs },
    );
  });
});
