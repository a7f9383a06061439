// Escalation policies as stored, on both databases: managers define, change and delete them (audited), staff
// read them; targets must exist (users active, groups, schedules through who-is-on-call); a policy a service
// uses stays; and the shape's bounds hold for any input (property).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Actor, actorForUser, createGroup, createUser, updateUser } from '../../src/core/auth/index.js';
import { DomainError } from '../../src/core/errors.js';
import { createService } from '../../src/incidents/index.js';
import {
  checkPolicyShape,
  createEscalationPolicy,
  createSchedule,
  deleteEscalationPolicy,
  type EscalationPolicyInput,
  getEscalationPolicy,
  listEscalationPolicies,
  updateEscalationPolicy,
} from '../../src/oncall/index.js';
import { dialects, makeContext, type TestContext } from '../support/context.js';

const codeOf = (fn: () => Promise<unknown>) =>
  fn().then(
    () => 'ok',
    (err) => (err instanceof DomainError ? err.code : String(err)),
  );

describe.each(dialects)('escalation policies on %s', (dialect) => {
  let t: TestContext;
  let manager: Actor;
  let tech: Actor;
  let requester: Actor;
  let scheduleId: number;
  let groupId: number;

  async function person(role: Actor['role'], name: string) {
    return actorForUser(
      await createUser(t.ctx, null, {
        email: `${name}-${dialect}@example.test`,
        name,
        role,
        password: 'correct horse battery',
      }),
    );
  }

  beforeAll(async () => {
    t = await makeContext(dialect);
    manager = await person('manager', 'manager');
    tech = await person('technician', 'tech');
    requester = await person('requester', 'requester');
    groupId = (await createGroup(t.ctx, null, { name: 'Network', memberIds: [tech.id] })).id;
    scheduleId = (
      await createSchedule(t.ctx, manager, {
        name: 'Network hours',
        timeZone: 'Europe/Berlin',
        layers: [
          {
            kind: 'rotation',
            name: 'Tech',
            start: '2026-03-01T00:00',
            end: null,
            turn: { unit: 'week', count: 1 },
            participants: [tech.id],
            restrictions: [],
          },
        ],
      })
    ).id;
  });
  afterAll(async () => t?.close());

  it('a manager defines a policy of schedule, user and group steps; staff read it; the write is audited', async () => {
    const p = await createEscalationPolicy(t.ctx, manager, {
      name: '  Network  ',
      description: 'Page the network on-call',
      steps: [
        { targets: [{ kind: 'schedule', id: scheduleId }], delayMinutes: 5 },
        {
          targets: [
            { kind: 'user', id: manager.id },
            { kind: 'group', id: groupId },
            { kind: 'user', id: manager.id },
          ],
          delayMinutes: 15,
        },
      ],
      repeatCount: 2,
    });
    expect(p.name).toBe('Network');
    // The same target twice in a step is kept once.
    expect(p.steps[1].targets).toEqual([
      { kind: 'user', id: manager.id },
      { kind: 'group', id: groupId },
    ]);
    expect(await getEscalationPolicy(t.ctx, tech, p.id)).toEqual(p);
    expect((await listEscalationPolicies(t.ctx, tech)).map((x) => x.id)).toContain(p.id);
    expect(await codeOf(() => listEscalationPolicies(t.ctx, requester))).toBe('forbidden');
    expect(await codeOf(() => createEscalationPolicy(t.ctx, tech, { name: 'x', steps: p.steps }))).toBe(
      'forbidden',
    );
    const audit = await t.ctx.db
      .selectFrom('audit_log')
      .select(['action', 'actor_id'])
      .where('subject_type', '=', 'escalation_policy')
      .where('subject_id', '=', String(p.id))
      .execute();
    expect(audit).toEqual([{ action: 'escalation_policy.create', actor_id: manager.id }]);
  });

  it('refuses targets that do not exist: an unknown schedule, a deactivated user, a missing group', async () => {
    const inactive = await person('technician', 'gone');
    await updateUser(t.ctx, await person('admin', 'admin'), inactive.id, { active: false });
    for (const target of [
      { kind: 'schedule' as const, id: 987_654 },
      { kind: 'user' as const, id: inactive.id },
      { kind: 'group' as const, id: 987_654 },
    ]) {
      expect(
        await codeOf(() =>
          createEscalationPolicy(t.ctx, manager, {
            name: 'Bad',
            steps: [{ targets: [target], delayMinutes: 5 }],
          }),
        ),
      ).toBe('invalid_escalation_policy');
    }
  });

  it('changes a policy, and keeps one that a service uses from deletion', async () => {
    const p = await createEscalationPolicy(t.ctx, manager, {
      name: 'Changing',
      steps: [{ targets: [{ kind: 'user', id: tech.id }], delayMinutes: 5 }],
    });
    const changed = await updateEscalationPolicy(t.ctx, manager, p.id, { repeatCount: 3, name: 'Changed' });
    expect(changed).toMatchObject({ name: 'Changed', repeatCount: 3, steps: p.steps });
    await createService(t.ctx, manager, { name: 'Uses it', escalationPolicyId: p.id });
    expect(await codeOf(() => deleteEscalationPolicy(t.ctx, manager, p.id))).toBe('policy_in_use');
    const free = await createEscalationPolicy(t.ctx, manager, { name: 'Free', steps: p.steps });
    await deleteEscalationPolicy(t.ctx, manager, free.id);
    expect(await codeOf(() => getEscalationPolicy(t.ctx, tech, free.id))).toBe('escalation_policy_not_found');
    expect(await codeOf(() => updateEscalationPolicy(t.ctx, manager, free.id, { name: 'x' }))).toBe(
      'escalation_policy_not_found',
    );
  });
});

describe('the shape of a policy', () => {
  const target = fc.record({
    kind: fc.constantFrom('schedule', 'user', 'group', 'team', ''),
    id: fc.oneof(
      fc.integer({ min: -5, max: 100 }),
      fc.double(),
      fc.constantFrom(2_147_483_647, 2_147_483_648),
    ),
  });
  const input = fc.record({
    name: fc.string({ maxLength: 120 }),
    steps: fc.array(
      fc.record({
        targets: fc.array(target, { maxLength: 22 }),
        delayMinutes: fc.oneof(fc.integer({ min: -10, max: 1500 }), fc.double()),
      }),
      { maxLength: 22 },
    ),
    repeatCount: fc.oneof(fc.integer({ min: -1, max: 12 }), fc.constant(undefined)),
  });

  it('accepts exactly the policies within bounds, and refuses the rest as invalid_escalation_policy', () => {
    fc.assert(
      fc.property(input, (raw) => {
        const i = raw as unknown as EscalationPolicyInput;
        const within =
          raw.name.trim().length >= 1 &&
          raw.name.trim().length <= 100 &&
          (raw.repeatCount === undefined || (raw.repeatCount >= 1 && raw.repeatCount <= 10)) &&
          raw.steps.length >= 1 &&
          raw.steps.length <= 20 &&
          raw.steps.every(
            (s) =>
              Number.isInteger(s.delayMinutes) &&
              s.delayMinutes >= 1 &&
              s.delayMinutes <= 1440 &&
              s.targets.length >= 1 &&
              s.targets.length <= 20 &&
              s.targets.every(
                (x) =>
                  ['schedule', 'user', 'group'].includes(x.kind) &&
                  Number.isInteger(x.id) &&
                  x.id >= 1 &&
                  x.id <= 2_147_483_647,
              ),
          );
        let outcome: string;
        try {
          const p = checkPolicyShape(i);
          outcome = 'ok';
          expect(p.steps.every((s) => s.targets.length >= 1)).toBe(true);
        } catch (err) {
          outcome = err instanceof DomainError ? err.code : String(err);
        }
        expect(outcome).toBe(within ? 'ok' : 'invalid_escalation_policy');
      }),
      { numRuns: 500 },
    );
  });
});
