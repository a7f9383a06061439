// The pure rules behind paging and readiness: the default notification rules and the reasons a person cannot
// be reached, as units and as properties over generated contact methods (fast-check).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ContactMethod } from '../../src/oncall/contact-methods.js';
import { defaultRules } from '../../src/oncall/notification-rules.js';
import { methodProblems, readinessReasons } from '../../src/oncall/readiness.js';

const method = fc.record({
  id: fc.integer({ min: 1, max: 1000 }),
  userId: fc.constant(7),
  kind: fc.constantFrom('email' as const, 'webhook' as const, 'chat' as const, 'sms' as const),
  target: fc.constant('t'),
  label: fc.constant('l'),
  verified: fc.boolean(),
  verifiedAt: fc.constant(null),
  channelEnabled: fc.boolean(),
  lastDelivery: fc.option(
    fc.record({
      state: fc.constantFrom('delivered' as const, 'failed' as const, 'dead' as const),
      reason: fc.constant(null),
      at: fc.constant(0),
    }),
    { nil: null },
  ),
  createdAt: fc.constant(0),
  updatedAt: fc.constant(0),
}) as fc.Arbitrary<ContactMethod>;
const methods = fc.uniqueArray(method, { selector: (m) => m.id, maxLength: 8 });

describe('default notification rules', () => {
  it('every verified method at once; every method when none is verified', () => {
    fc.assert(
      fc.property(methods, (ms) => {
        const rules = defaultRules(ms);
        expect(rules.every((r) => r.delayMinutes === 0)).toBe(true);
        const verified = ms.filter((m) => m.verified).map((m) => m.id);
        expect(rules.map((r) => r.contactMethodId)).toEqual(
          verified.length > 0 ? verified : ms.map((m) => m.id),
        );
      }),
    );
  });
});

describe('readiness reasons', () => {
  it('a person is ready exactly when one method has no problem', () => {
    fc.assert(
      fc.property(methods, (ms) => {
        const reasons = readinessReasons(ms);
        const working = ms.some((m) => methodProblems(m).length === 0);
        expect(reasons === null).toBe(working);
        if (reasons !== null && ms.length > 0) {
          // Every method is named by some reason, and every reason names only methods that have that problem.
          const named = new Set(reasons.flatMap((r) => r.contactMethodIds));
          expect([...named].sort()).toEqual(ms.map((m) => m.id).sort());
          for (const r of reasons)
            for (const id of r.contactMethodIds)
              expect(methodProblems(ms.find((m) => m.id === id) as ContactMethod)).toContain(r.code);
        }
      }),
    );
  });

  it('names no methods when there are none, and each problem of a method', () => {
    expect(readinessReasons([])?.map((r) => r.code)).toEqual(['no_contact_methods']);
    const base: ContactMethod = {
      id: 1,
      userId: 7,
      kind: 'sms',
      target: '+4915112345678',
      label: 'sms',
      verified: false,
      verifiedAt: null,
      channelEnabled: false,
      lastDelivery: { state: 'dead', reason: 'http_5xx', at: 0 },
      createdAt: 0,
      updatedAt: 0,
    };
    expect(methodProblems(base)).toEqual(['not_verified', 'channel_disabled', 'last_delivery_failed']);
    expect(
      methodProblems({
        ...base,
        verified: true,
        channelEnabled: true,
        lastDelivery: { ...base.lastDelivery!, state: 'delivered' },
      }),
    ).toEqual([]);
  });
});
