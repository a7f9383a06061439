// The demo's automation rules: what a service desk sets up first (VIP requests raised, network words routed,
// an instant answer to password requests, a nudge on tickets waiting for days, a tag on SLA warnings), and a
// few requesters marked VIP with their department. Installed after the story, so they act on new tickets only.
import { type Actor, systemActor, updateUser } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { createAutomationRule } from '../helpdesk/index.js';

export interface DemoAutomationRefs {
  manager: Actor;
  groupId: (key: 'l1' | 'l2' | 'network') => number;
  requesters: Actor[];
}

export async function installDemoAutomation(ctx: ServiceContext, refs: DemoAutomationRefs): Promise<number> {
  const { manager, groupId, requesters } = refs;
  // The demo loader acts as the service itself for account changes (as it does when creating them).
  const service = systemActor(manager.id);
  const departments = ['Finance', 'Sales', 'Legal', 'Board'];
  for (const [i, r] of requesters.slice(0, 8).entries())
    await updateUser(ctx, service, r.id, {
      department: departments[i % departments.length],
      vip: i % 4 === 3,
    });
  const rules = [
    {
      name: 'VIP requests',
      trigger: 'created' as const,
      conditions: { all: [{ field: 'requester.vip', op: 'is' as const, value: true }], any: [] },
      actions: [
        { type: 'set_priority' as const, priority: 'high' as const },
        { type: 'add_tags' as const, tags: ['vip'] },
      ],
    },
    {
      name: 'Network words to Network',
      trigger: 'created' as const,
      conditions: {
        all: [],
        any: ['vpn', 'wifi', 'wi-fi', 'network'].map((w) => ({
          field: 'ticket.title',
          op: 'contains' as const,
          value: w,
        })),
      },
      actions: [{ type: 'set_group' as const, groupId: groupId('network') }],
    },
    {
      name: 'Password requests: instant answer',
      trigger: 'created' as const,
      conditions: { all: [{ field: 'ticket.title', op: 'contains' as const, value: 'password' }], any: [] },
      actions: [
        {
          type: 'reply' as const,
          internal: false,
          body: 'Hello {{requester.firstName}},\n\nyou can reset your password yourself at the sign-in page ("Forgot your password?"). If that does not work, reply here and we will help.\n\nIT Service Desk',
        },
        { type: 'add_tags' as const, tags: ['password'] },
      ],
      stopProcessing: true,
    },
    {
      name: 'Waiting three days: nudge the assignee',
      trigger: 'idle' as const,
      idleMinutes: 3 * 24 * 60,
      conditions: {
        all: [{ field: 'ticket.status', op: 'in' as const, value: ['assigned', 'in_progress'] }],
        any: [],
      },
      actions: [
        { type: 'reply' as const, internal: true, body: 'No update for three days: {{ticket.url}}' },
        {
          type: 'notify' as const,
          to: 'assignee' as const,
          subject: 'Waiting three days: {{ticket.subject}}',
          body: 'Ticket #{{ticket.number}} has had no update for three days: {{ticket.url}}',
        },
      ],
    },
    {
      name: 'SLA at risk',
      trigger: 'sla_warning' as const,
      conditions: { all: [], any: [] },
      actions: [{ type: 'add_tags' as const, tags: ['sla-risk'] }],
    },
  ];
  for (const r of rules) await createAutomationRule(ctx, manager, r);
  return rules.length;
}
