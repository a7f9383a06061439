// Hostile approval plans (fast-check): whatever a manager sends as a request type's `approval`, the answer is
// never a 5xx, every 4xx is problem+json with a catalogued code, and a stored plan reads back exactly as it was
// answered — and filing a request of that type either waits for a real approver or is refused clearly.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../../src/core/auth/index.js';
import { errorCatalogue } from '../../src/core/errors.js';
import { dialects, makeApp, type TestApp } from '../support/context.js';
import { type Session, userSession } from '../support/http.js';

const junk: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -3, max: 1_000_000 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('__proto__', 'constructor', 'manager', 'users', 'group', 'one', 'all'),
);

describe.each(dialects)('hostile approval plans on %s', (dialect) => {
  let t: TestApp;
  let manager: Session;
  let requester: Session;
  let ids: number[];

  beforeAll(async () => {
    t = await makeApp(dialect);
    manager = await userSession(t.app, t.ctx, 'manager');
    requester = await userSession(t.app, t.ctx, 'requester');
    const other = await userSession(t.app, t.ctx, 'technician');
    const group = await createGroup(t.ctx, null, { name: 'Approvers', memberIds: [other.userId] });
    // Real ids beside ones that name nobody (and the requester, who never approves their own request).
    ids = [manager.userId, other.userId, requester.userId, group.id, 0, -1, 999_999];
  });
  afterAll(() => t?.close());

  it('never answers 5xx or an uncatalogued code; a stored plan reads back as answered and files cleanly', async () => {
    const id = fc.oneof(fc.constantFrom(...ids), fc.integer({ min: -2, max: 10 }));
    const approvers = fc.oneof(
      fc.record(
        {
          kind: fc.oneof(fc.constantFrom('manager', 'users', 'group'), junk),
          userIds: fc.oneof(fc.array(id, { maxLength: 25 }), junk),
          groupId: fc.oneof(id, junk),
        },
        { requiredKeys: ['kind'] },
      ),
      junk,
    );
    const step = fc.oneof(
      fc.record({ approvers, rule: fc.oneof(fc.constantFrom('one', 'all'), junk) }, { requiredKeys: [] }),
      junk,
    );
    const plan = fc.oneof(
      fc.record(
        {
          order: fc.oneof(fc.constantFrom('sequence', 'parallel'), junk),
          steps: fc.oneof(fc.array(step, { maxLength: 7 }), junk),
          extra: junk,
        },
        { requiredKeys: [] },
      ),
      junk,
    );
    // Plans of the right shape with hostile ids in them, so that many get past the schema to the domain.
    const nearlyValid = fc.record({
      order: fc.constantFrom('sequence', 'parallel'),
      steps: fc.array(
        fc.record({
          approvers: fc.oneof(
            fc.constant({ kind: 'manager' }),
            fc.record({
              kind: fc.constant('users'),
              userIds: fc.uniqueArray(fc.constantFrom(...ids), { minLength: 1 }),
            }),
            fc.record({ kind: fc.constant('group'), groupId: fc.constantFrom(...ids) }),
          ),
          rule: fc.constantFrom('one', 'all'),
        }),
        { minLength: 1, maxLength: 5 },
      ),
    });
    let stored = 0;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(plan, nearlyValid, fc.constant(null)), async (approval) => {
        const made = await manager.call('POST', '/api/v1/request-types', { name: `Fuzzed ${++n}`, approval });
        expect(made.status, JSON.stringify(made.body)).toBeLessThan(500);
        if (made.status !== 201) {
          expect(Object.keys(errorCatalogue)).toContain(made.body.code);
          return;
        }
        stored++;
        const read = await manager.call('GET', `/api/v1/request-types/${made.body.id}`);
        expect(read.body.approval).toEqual(made.body.approval);
        const filed = await requester.call('POST', `/api/v1/catalog/${made.body.id}/requests`, {
          fields: {},
        });
        expect(filed.status, JSON.stringify(filed.body)).toBeLessThan(500);
        if (filed.status === 201)
          expect(filed.body.status).toBe(made.body.approval === null ? 'new' : 'awaiting_approval');
        else expect(Object.keys(errorCatalogue)).toContain(filed.body.code);
      }),
      { numRuns: 120 },
    );
    // The generator reaches the domain, not only the schema.
    expect(stored).toBeGreaterThan(3);
  });
});
