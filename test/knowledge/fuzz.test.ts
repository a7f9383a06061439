// Hostile input at the knowledge base's entry points (fast-check): search words, suggestion text, article
// bodies and edits, whatever a client sends, the answer is never a 5xx, every 4xx is problem+json with a
// catalogued code, and a stored article stays intact (its version and text change only by a valid edit).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalogue } from '../../src/core/errors.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const hostileString = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.constantFrom(
    '"',
    '""',
    '"unterminated phrase',
    'NEAR(a b)',
    'title:* AND -x OR',
    '* ^ : & | ! <-> ( )',
    "'; DROP TABLE articles; --",
    '\u0000\u0001',
    '<script>alert(1)</script>',
    '😀'.repeat(40),
    'a'.repeat(600),
    '__proto__',
  ),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 4 }),
  fc.dictionary(hostileString, hostileString, { maxKeys: 3 }),
);
const articleKeys = [
  'title',
  'body',
  'kind',
  'audience',
  'status',
  'categoryId',
  'tags',
  'note',
  'ownerId',
  'effectiveAt',
  'reviewIntervalDays',
  'requiresAck',
  'baseVersion',
  '__proto__',
];
const hostileBody = fc.oneof(
  fc.dictionary(fc.constantFrom(...articleKeys), hostileValue, { maxKeys: 8 }).map((o) => JSON.stringify(o)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.constantFrom('', '{', '[]', 'null', '{"title":', '{"a":'.repeat(300)),
);

function expectProblem(res: { status: number; body: any; headers: Record<string, unknown> }): void {
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(500);
  if (res.status >= 400) {
    expect(String(res.headers['content-type'])).toContain('application/problem+json');
    expect(Object.keys(errorCatalogue)).toContain(res.body.code);
  }
}

describe.each(dialects)('knowledge base entry points under hostile input on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let requester: Session;
  let articleId: number;
  const body = 'Restart the **VPN** client.\n';

  beforeAll(async () => {
    t = await makeApp(dialect);
    manager = await userSession(t.app, t.ctx, 'manager');
    requester = await userSession(t.app, t.ctx, 'requester');
    const a = await manager.call('POST', '/api/v1/articles', {
      title: 'VPN drops',
      body,
      kind: 'faq',
      audience: 'public',
      status: 'published',
    });
    articleId = a.body.id;
  });
  afterAll(() => t?.close());

  it('search and suggestions answer any words without a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        hostileString,
        fc.constantFrom('q', 'text', 'kind', 'cursor', 'tag'),
        async (value, key) => {
          const who = value.length % 2 === 0 ? manager : requester;
          const q = encodeURIComponent(value);
          const search = await who.call('GET', `/api/v1/articles?${key === 'text' ? 'q' : key}=${q}`);
          expectProblem(search);
          const suggest = await who.call('GET', `/api/v1/articles/suggest?text=${q}`);
          expectProblem(suggest);
          const versions = await manager.call('GET', `/api/v1/articles/${articleId}/versions/search?q=${q}`);
          expectProblem(versions);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('writes refuse bad bodies precisely and never change the stored article', async () => {
    await fc.assert(
      fc.asyncProperty(hostileBody, fc.constantFrom('POST', 'PATCH', 'PUT'), async (payload, method) => {
        const url =
          method === 'POST'
            ? '/api/v1/articles'
            : method === 'PATCH'
              ? `/api/v1/articles/${articleId}`
              : `/api/v1/articles/${articleId}/status`;
        const res = await t.app.inject({
          method,
          url,
          headers: { authorization: `Bearer ${manager.token}`, 'content-type': 'application/json' },
          payload,
        });
        const parsed = { status: res.statusCode, body: res.json(), headers: res.headers };
        expectProblem(parsed);
      }),
      { numRuns: 80 },
    );
    // Whatever was accepted, the article is still readable and its versions are consecutive.
    const a = await manager.call('GET', `/api/v1/articles/${articleId}`);
    expect(a.status).toBe(200);
    const versions = await manager.call('GET', `/api/v1/articles/${articleId}/versions`);
    const numbers = versions.body.items.map((v: { version: number }) => v.version);
    expect(numbers[0]).toBe(a.body.version);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => numbers.length - i));
  });
});
