// Fitting the plan's neutral policies to opsdesk's: groups matched by name, waits and repeats brought within bounds,
// unreachable targets and empty steps left out, and every adjustment reported; who still lacks an account.
import { describe, expect, it } from 'vitest';
import { draftPolicies, unmatchedPeople } from '../../../src/oncall/imports/import-apply.js';
import type { ImportPlan } from '../../../src/oncall/imports/import-plan.js';

function plan(policies: ImportPlan['policies']): ImportPlan {
  return {
    source: 'opsgenie',
    users: [
      { sourceId: 'a', key: 'a@x.test', name: 'A', email: 'a@x.test', opsdeskUserId: 1 },
      { sourceId: 'b', key: 'b@x.test', name: 'B', email: 'b@x.test', opsdeskUserId: null },
    ],
    schedules: [
      {
        sourceId: 'S1',
        name: 'Ops',
        timeZone: 'UTC',
        layers: [
          {
            kind: 'rotation',
            name: 'L',
            start: '2027-01-04T09:00',
            end: null,
            turn: { unit: 'week', count: 1 },
            participants: ['a@x.test'],
            restrictions: [],
          },
        ],
        overrides: [{ user: 'c@x.test', start: 0, end: 1 }],
      },
    ],
    policies,
    notCarried: [],
    originals: [],
  };
}

const groups = (ref: string) => (ref.toLowerCase() === 'ops' ? 7 : null);

describe('draftPolicies', () => {
  it('keeps a policy that fits as it is, repeat K as K + 1 runs', () => {
    const { drafts, notes } = draftPolicies(
      plan([
        {
          sourceId: 'P',
          name: '  Ops policy ',
          repeat: 2,
          steps: [
            { delayMinutes: 10, targets: [{ kind: 'schedule', ref: 'S1' }] },
            {
              delayMinutes: 15,
              targets: [
                { kind: 'user', ref: 'a@x.test' },
                { kind: 'group', ref: 'OPS' },
              ],
            },
          ],
        },
      ]),
      groups,
    );
    expect(notes).toEqual([]);
    expect(drafts).toEqual([
      {
        sourceId: 'P',
        name: 'Ops policy',
        repeatCount: 3,
        steps: [
          { delayMinutes: 10, targets: [{ kind: 'schedule', ref: 'S1' }] },
          {
            delayMinutes: 15,
            targets: [
              { kind: 'user', ref: 'a@x.test' },
              { kind: 'group', id: 7 },
            ],
          },
        ],
      },
    ]);
  });

  it('fits waits and repeats into bounds, leaves out what cannot be notified, and says so each time', () => {
    const { drafts, notes } = draftPolicies(
      plan([
        {
          sourceId: 'P',
          name: 'Wide',
          repeat: 12,
          steps: [
            {
              delayMinutes: 0,
              targets: [
                { kind: 'group', ref: 'ops' },
                { kind: 'group', ref: 'Nobody' },
                { kind: 'schedule', ref: 'S1' },
                { kind: 'schedule', ref: 'elsewhere' },
              ],
            },
            { delayMinutes: 3000, targets: [{ kind: 'user', ref: 'a@x.test' }] },
            { delayMinutes: 5, targets: [{ kind: 'group', ref: 'Nobody' }] },
          ],
        },
      ]),
      groups,
    );
    expect(drafts).toEqual([
      {
        sourceId: 'P',
        name: 'Wide',
        repeatCount: 10,
        steps: [
          {
            delayMinutes: 1,
            targets: [
              { kind: 'group', id: 7 },
              { kind: 'schedule', ref: 'S1' },
            ],
          },
          { delayMinutes: 1440, targets: [{ kind: 'user', ref: 'a@x.test' }] },
        ],
      },
    ]);
    expect(notes.map((n) => n.what)).toEqual([
      'group "Nobody"',
      'schedule elsewhere',
      "step 1's wait of 0 min",
      "step 2's wait of 3000 min",
      'group "Nobody"',
      'step 3',
      '12 repeats',
    ]);
  });

  it('does not import a policy with nothing left to notify', () => {
    const { drafts, notes } = draftPolicies(
      plan([
        {
          sourceId: 'P',
          name: 'Gone',
          repeat: 0,
          steps: [{ delayMinutes: 5, targets: [{ kind: 'group', ref: 'x' }] }],
        },
      ]),
      groups,
    );
    expect(drafts).toEqual([]);
    expect(notes.at(-1)).toEqual({
      what: 'escalation policy "Gone"',
      where: 'escalation policies',
      why: 'no step is left to import; not imported',
    });
  });
});

describe('unmatchedPeople', () => {
  it('lists everyone on call, covering or notified who has no account', () => {
    const p = plan([
      {
        sourceId: 'P',
        name: 'N',
        repeat: 0,
        steps: [{ delayMinutes: 5, targets: [{ kind: 'user', ref: 'b@x.test' }] }],
      },
    ]);
    const { drafts } = draftPolicies(p, groups);
    expect(unmatchedPeople(p, drafts)).toEqual(['b@x.test', 'c@x.test']);
  });
});
