// Swap and cover requests against a model: whatever mix of requests is approved, rejected or cancelled, who is
// on call is the covering person inside every approved window (the later approval winning where two overlap)
// and the layers' answer everywhere else; a decided request cannot be decided again.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, actorForUser, createUser } from '../../src/core/auth/index.js';
import type { DomainError } from '../../src/core/errors.js';
import {
  compileSchedule,
  createSchedule,
  createShiftRequest,
  decideShiftRequest,
  onCallAt,
  type ScheduleLayer,
  whoIsOnCall,
} from '../../src/oncall/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

const hourMs = 3_600_000;

describe.each(dialects)('swap and cover requests on %s', (dialect) => {
  let c: TestContext;
  let manager: Actor;
  let techs: Actor[];
  let scheduleId: number;
  const layers = (ids: number[]): ScheduleLayer[] => [
    {
      kind: 'rotation',
      name: 'Daily',
      start: '2026-03-02T08:00',
      end: null,
      turn: { unit: 'day', count: 1 },
      participants: ids,
      restrictions: [],
    },
    {
      kind: 'rotation',
      name: 'Office hours',
      start: '2026-03-02T09:00',
      end: null,
      turn: { unit: 'week', count: 1 },
      participants: [ids[2]],
      restrictions: [{ days: [1, 2, 3, 4, 5], start: '09:00', end: '17:00' }],
    },
  ];
  let layersOnly: ReturnType<typeof compileSchedule>;

  beforeAll(async () => {
    c = await makeContext(dialect);
    const person = async (role: 'manager' | 'technician', name: string) =>
      actorForUser({
        ...(await createUser(c.ctx, null, {
          email: `${name}@example.test`,
          name,
          role,
          password: 'long-password-1',
        })),
        groupIds: [],
      });
    manager = await person('manager', 'manager');
    techs = [
      await person('technician', 't0'),
      await person('technician', 't1'),
      await person('technician', 't2'),
    ];
    const ids = techs.map((t) => t.id);
    scheduleId = (
      await createSchedule(c.ctx, manager, { name: 'Model', timeZone: 'Europe/Berlin', layers: layers(ids) })
    ).id;
    layersOnly = compileSchedule({ id: 0, timeZone: 'Europe/Berlin', layers: layers(ids), overrides: [] });
  });
  afterAll(async () => c?.close());

  it('approved windows are covered, the rest follows the layers', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            startH: fc.integer({ min: 0, max: 90 }),
            lengthH: fc.integer({ min: 1, max: 30 }),
            covering: fc.integer({ min: 0, max: 2 }),
            decision: fc.constantFrom('approve' as const, 'reject' as const, 'cancel' as const),
          }),
          { maxLength: 5 },
        ),
        async (requests) => {
          // Each run in a week of its own, so runs do not see each other's overrides.
          const base = Date.parse('2026-03-02T00:00:00Z') + run++ * 7 * 24 * hourMs;
          const approved: { start: number; end: number; userId: number }[] = [];
          for (const r of requests) {
            const requester = techs[(r.covering + 1) % 3];
            const start = base + r.startH * hourMs;
            const end = start + r.lengthH * hourMs;
            const made = await createShiftRequest(c.ctx, requester, scheduleId, {
              kind: 'cover',
              coveringUserId: techs[r.covering].id,
              start,
              end,
            });
            await decideShiftRequest(
              c.ctx,
              r.decision === 'cancel' ? requester : manager,
              made.id,
              r.decision,
            );
            if (r.decision === 'approve') approved.push({ start, end, userId: techs[r.covering].id });
            const again = await decideShiftRequest(c.ctx, manager, made.id, 'approve').catch(
              (e: DomainError) => e,
            );
            expect((again as DomainError).code).toBe('schedule_request_closed');
          }
          for (let at = base; at < base + 5 * 24 * hourMs; at += hourMs / 2) {
            const cover = approved.filter((a) => a.start <= at && at < a.end).at(-1);
            const expected = cover?.userId ?? onCallAt(layersOnly, at)?.userId ?? null;
            expect((await whoIsOnCall(c.ctx, scheduleId, at))?.userId ?? null).toBe(expected);
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
