// The audience rule, as a property: whatever articles exist (random kinds, audiences, statuses and words) and
// whatever a requester asks (search words, filters, suggestions, the articles linked to their ticket, an
// article by id), a requester only ever gets published public articles, and a technician never a managers'
// one; the same question asked by a manager finds everything the rule allows the others, and more.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const words = [
  'vpn',
  'printer',
  'password',
  'mailbox',
  'laptop',
  'wifi',
  'backup',
  'disk',
  'certificate',
  'badge',
];
const audiences = ['public', 'internal', 'managers'] as const;
const statuses = ['draft', 'in_review', 'published', 'archived'] as const;

describe.each(dialects)('who sees which article on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let technician: Session;
  let requester: Session;
  let ticketId: number;
  const truth = new Map<number, { audience: string; status: string }>();

  beforeAll(async () => {
    t = await makeApp(dialect);
    manager = await userSession(t.app, t.ctx, 'manager');
    technician = await userSession(t.app, t.ctx, 'technician');
    requester = await userSession(t.app, t.ctx, 'requester');
    ticketId = (
      await requester.call('POST', '/api/v1/tickets', { title: 'Help', description: 'vpn printer' })
    ).body.id;
    // A seeded mix of every audience and status, with overlapping words.
    const mix = fc.sample(
      fc.record({
        audience: fc.constantFrom(...audiences),
        status: fc.constantFrom(...statuses),
        title: fc.array(fc.constantFrom(...words), { minLength: 1, maxLength: 3 }),
        body: fc.array(fc.constantFrom(...words), { minLength: 2, maxLength: 12 }),
      }),
      { numRuns: 36, seed: 13 },
    );
    for (const [i, a] of mix.entries()) {
      const created = await manager.call('POST', '/api/v1/articles', {
        title: `${a.title.join(' ')} ${i}`,
        body: a.body.join(' '),
        kind: 'faq',
        audience: a.audience,
        status: a.status === 'archived' ? 'published' : a.status,
      });
      expect(created.status).toBe(201);
      if (a.status === 'archived')
        await manager.call('PUT', `/api/v1/articles/${created.body.id}/status`, { status: 'archived' });
      truth.set(created.body.id, { audience: a.audience, status: a.status });
      await manager.call('POST', `/api/v1/tickets/${ticketId}/articles`, { articleId: created.body.id });
    }
  });
  afterAll(() => t?.close());

  const requesterMay = (id: number) => {
    const a = truth.get(id);
    return a !== undefined && a.audience === 'public' && a.status === 'published';
  };
  const technicianMay = (id: number) => truth.get(id)?.audience !== 'managers';
  const idsOf = (body: { items: { id: number }[] }) => body.items.map((i) => i.id);

  it('search, suggestions, ticket links and reads never show a requester more than published public articles', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...words), { minLength: 0, maxLength: 3 }),
        fc.option(fc.constantFrom(...audiences), { nil: undefined }),
        fc.option(fc.constantFrom(...statuses), { nil: undefined }),
        async (q, audience, status) => {
          const query = new URLSearchParams({ q: q.join(' '), limit: '200' });
          if (audience) query.set('audience', audience);
          if (status) query.set('status', status);
          const asRequester = await requester.call('GET', `/api/v1/articles?${query}`);
          expect(asRequester.status).toBe(200);
          for (const id of idsOf(asRequester.body)) expect(requesterMay(id), `article ${id}`).toBe(true);
          const asTechnician = await technician.call('GET', `/api/v1/articles?${query}`);
          for (const id of idsOf(asTechnician.body)) expect(technicianMay(id), `article ${id}`).toBe(true);
          // The manager finds everything the requester found.
          const asManager = await manager.call('GET', `/api/v1/articles?${query}`);
          const managerIds = new Set(idsOf(asManager.body));
          for (const id of idsOf(asRequester.body)) expect(managerIds.has(id)).toBe(true);
          if (q.length > 0) {
            const text = encodeURIComponent(q.join(' '));
            const suggested = await requester.call('GET', `/api/v1/articles/suggest?text=${text}&limit=20`);
            for (const id of idsOf(suggested.body)) expect(requesterMay(id), `suggested ${id}`).toBe(true);
            const staffSuggested = await technician.call(
              'GET',
              `/api/v1/articles/suggest?text=${text}&limit=20`,
            );
            for (const id of idsOf(staffSuggested.body)) {
              expect(technicianMay(id)).toBe(true);
              expect(truth.get(id)?.status).toBe('published');
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('by id and through the ticket, the same rule', async () => {
    const linked = await requester.call('GET', `/api/v1/tickets/${ticketId}/articles`);
    expect(idsOf(linked.body).sort()).toEqual([...truth.keys()].filter(requesterMay).sort());
    for (const id of truth.keys()) {
      const r = await requester.call('GET', `/api/v1/articles/${id}`);
      expect(r.status, `article ${id}`).toBe(requesterMay(id) ? 200 : 404);
      const tr = await technician.call('GET', `/api/v1/articles/${id}`);
      expect(tr.status).toBe(technicianMay(id) ? 200 : 404);
    }
  });
});
