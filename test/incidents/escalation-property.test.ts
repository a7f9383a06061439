// A property of the escalation engine, on both databases with a fake clock: for any policy (1–4 steps, delays,
// 1–3 passes) and any pattern of steps with nobody on call, an incident nobody acknowledges is paged exactly as
// the policy reads by hand — each step with someone at the sum of the delays of the steps paged before it,
// empty steps skipped at no cost, nothing after the last pass — and never earlier than due.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, actorForUser, createUser } from '../../src/core/auth/index.js';
import type { ServiceContext } from '../../src/core/context.js';
import { NotFound } from '../../src/core/errors.js';
import {
  createIncident,
  createService,
  type EscalationPorts,
  runEscalations,
} from '../../src/incidents/index.js';
import { createEscalationPolicy, type PageInput } from '../../src/oncall/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

const minute = 60_000;

interface Case {
  steps: { delayMinutes: number; staffed: boolean }[];
  repeatCount: number;
}

/** The pages a policy promises, read by hand: [minutes after opening, step (1-based), pass (1-based)]. */
function expectedPages(c: Case): [number, number, number][] {
  const pages: [number, number, number][] = [];
  let at = 0;
  for (let pass = 1; pass <= c.repeatCount; pass++)
    c.steps.forEach((s, i) => {
      if (!s.staffed) return;
      pages.push([at, i + 1, pass]);
      at += s.delayMinutes;
    });
  return pages;
}

const cases = fc.record({
  steps: fc.array(fc.record({ delayMinutes: fc.integer({ min: 1, max: 30 }), staffed: fc.boolean() }), {
    minLength: 1,
    maxLength: 4,
  }),
  repeatCount: fc.integer({ min: 1, max: 3 }),
});

describe.each(dialects)('escalation timing on %s', (dialect) => {
  let t: TestContext;
  let manager: Actor;
  let userId: number;
  beforeAll(async () => {
    t = await makeContext(dialect);
    manager = actorForUser(
      await createUser(t.ctx, null, {
        email: `m-${dialect}@example.test`,
        name: 'M',
        role: 'manager',
        password: 'correct horse battery',
      }),
    );
    userId = manager.id;
  });
  afterAll(async () => t?.close());

  it('pages every staffed step at its time, each pass, and nothing more', async () => {
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        // Schedule 1000 + i is step i's: someone on call when the step is staffed, a gap otherwise.
        const pages: (PageInput & { at: number })[] = [];
        const ports: EscalationPorts = {
          onCall: {
            whoIsOnCall: async (_ctx: ServiceContext, scheduleId: number) => {
              const step = c.steps[scheduleId - 1000];
              if (!step) throw new NotFound('not_found', 'no schedule');
              return step.staffed ? { userId } : null;
            },
          },
          pager: {
            pageUser: async (_ctx, _trx, input) => {
              pages.push({ ...input, at: t.clock.now() });
              return { deliveries: [], unreachable: true };
            },
            cancelPages: async () => 0,
          },
        };
        const policy = await createEscalationPolicy(
          t.ctx,
          manager,
          {
            name: 'Generated',
            steps: c.steps.map((s, i) => ({
              targets: [{ kind: 'schedule', id: 1000 + i }],
              delayMinutes: s.delayMinutes,
            })),
            repeatCount: c.repeatCount,
          },
          { scheduleExists: async (_ctx, id) => id >= 1000 && id < 1000 + c.steps.length },
        );
        const service = await createService(t.ctx, manager, {
          name: 'Generated',
          escalationPolicyId: policy.id,
        });
        const t0 = t.clock.now();
        const { incident } = await createIncident(t.ctx, manager, {
          serviceId: service.id,
          summary: 'Generated',
        });
        const expected = expectedPages(c);
        // Visit every promised instant, and the minute before each (nothing may come early), then well after.
        const instants = [
          ...new Set(expected.flatMap(([m]) => [m - 1, m]).filter((m) => m >= 0)),
          expected.length ? expected.at(-1)![0] + 31 : 0,
          24 * 60,
        ].sort((x, y) => x - y);
        for (const m of instants) {
          t.clock.set(t0 + m * minute);
          await runEscalations(t.ctx, ports);
        }
        const mine = pages.filter((p) => p.incidentId === incident.id);
        const got = mine.map((p): [number, number] => [(p.at - t0) / minute, p.step]);
        expect(got).toEqual(expected.map(([m, step]) => [m, step]));
        // Move on so the next case's incident starts after this one's timers.
        t.clock.set(t0 + 2 * 24 * 60 * minute);
        await runEscalations(t.ctx, ports);
      }),
      { numRuns: 12, seed: 20261130 },
    );
  });
});
