// The demo's agent library: a handful of canned responses (one with a knowledge base link), macros the
// service desk uses every day, and ticket templates for filing on someone's behalf. Deterministic: the same
// items in the same order on every load.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { saveCannedResponse, saveMacro, saveTicketTemplate } from '../helpdesk/index.js';

export interface DemoMacroRefs {
  manager: Actor;
  /** A technician of the service desk (L1), whose personal items these are. */
  technician: Actor;
  groupId: (key: 'l1' | 'l2' | 'network') => number;
  categoryId: (name: string) => number | undefined;
  /** An article's id by its title, if the knowledge base holds it. */
  articleId: (title: string) => Promise<number | undefined>;
}

export async function installDemoMacros(ctx: ServiceContext, refs: DemoMacroRefs): Promise<number> {
  const { manager, technician, groupId, categoryId } = refs;
  const vpn = await refs.articleId('VPN keeps disconnecting');
  const responses = [
    {
      title: 'Greeting',
      body: 'Hello {{requester.firstName}},\n\nthank you for your request #{{ticket.number}}. ',
      keywords: 'hello hi start',
      shortcut: 'hi',
      scope: 'global' as const,
    },
    {
      title: 'Sign-off',
      body: '\n\nKind regards,\n{{agent.name}}\nIT Service Desk',
      keywords: 'regards bye end',
      shortcut: 'bye',
      scope: 'global' as const,
    },
    {
      title: 'Need more information',
      body: 'Hello {{requester.firstName}},\n\nto look into "{{ticket.subject}}" we need a little more: when did it start, and does it happen on another device too? A screenshot helps.\n\n{{agent.name}}',
      keywords: 'details info screenshot',
      shortcut: 'info',
      scope: 'global' as const,
    },
    {
      title: 'VPN disconnects: known fix',
      body: `Hello {{requester.firstName}},\n\nthis is usually fixed by the steps in ${vpn ? `{{article:${vpn}}}` : 'our knowledge base article "VPN keeps disconnecting"'}. Please try them and reply here if it happens again.\n\n{{agent.name}}`,
      keywords: 'vpn disconnect drops',
      shortcut: 'vpn',
      scope: 'group' as const,
      groupId: groupId('network'),
    },
    {
      title: 'Be right with you',
      body: 'Hi {{requester.firstName}}, I am on it and will update you within the hour. — {{agent.firstName}}',
      keywords: 'ack working',
      shortcut: 'onit',
      scope: 'user' as const,
    },
  ];
  for (const r of responses)
    await saveCannedResponse(ctx, r.scope === 'user' ? technician : manager, null, r);

  const macros = [
    {
      name: 'Take it: assign to me and start',
      scope: 'global' as const,
      actions: [
        { type: 'assign' as const, assignee: 'me' as const },
        { type: 'set_status' as const, status: 'in_progress' as const },
      ],
    },
    {
      name: 'Waiting for the requester',
      scope: 'global' as const,
      actions: [
        {
          type: 'public_reply' as const,
          body: 'Hello {{requester.firstName}},\n\nwe need your answer to go on with #{{ticket.number}}: please reply to this message.\n\n{{agent.name}}',
        },
        { type: 'assign' as const, assignee: 'me' as const },
        { type: 'set_status' as const, status: 'pending' as const },
        { type: 'add_tags' as const, tags: ['waiting-on-user'] },
      ],
    },
    {
      name: 'Hand over to Network',
      scope: 'group' as const,
      groupId: groupId('l1'),
      actions: [
        {
          type: 'internal_note' as const,
          body: 'Handed over to Network by {{agent.name}} after first-line checks.',
        },
        { type: 'set_group' as const, groupId: groupId('network') },
        { type: 'add_tags' as const, tags: ['network'] },
      ],
    },
    {
      name: 'Resolve with thanks',
      scope: 'global' as const,
      actions: [
        {
          type: 'public_reply' as const,
          body: 'Hello {{requester.firstName}},\n\nthis is solved, so I am closing #{{ticket.number}} as resolved. Reply if anything is still wrong and it reopens.\n\n{{agent.name}}',
        },
        { type: 'set_status' as const, status: 'resolved' as const },
        { type: 'remove_tags' as const, tags: ['waiting-on-user'] },
      ],
    },
  ];
  for (const m of macros) await saveMacro(ctx, manager, null, m);

  const templates = [
    {
      name: 'New starter: laptop and accounts',
      scope: 'global' as const,
      defaults: {
        subject: 'New starter: laptop and accounts',
        body: 'Name:\nStart date:\nDepartment:\nManager:\n\n- [ ] Laptop\n- [ ] Email account\n- [ ] VPN access\n',
        type: 'request' as const,
        categoryId: categoryId('laptop') ?? null,
        impact: 2 as const,
        urgency: 3 as const,
        groupId: groupId('l1'),
        tags: ['onboarding'],
      },
    },
    {
      name: 'Password reset by phone',
      scope: 'group' as const,
      groupId: groupId('l1'),
      defaults: {
        subject: 'Password reset (called the service desk)',
        body: 'Identity checked by: \nAccount:\n',
        type: 'request' as const,
        categoryId: categoryId('password reset') ?? null,
        impact: 2 as const,
        urgency: 4 as const,
        groupId: groupId('l1'),
        tags: ['phone'],
      },
    },
    {
      name: 'Printer out of order',
      scope: 'user' as const,
      defaults: {
        subject: 'Printer out of order: ',
        body: 'Printer name / floor:\nWhat it shows:\n',
        type: 'incident' as const,
        categoryId: categoryId('printer') ?? null,
        impact: 3 as const,
        urgency: 3 as const,
        groupId: null,
        tags: ['printer'],
      },
    },
  ];
  for (const t of templates)
    await saveTicketTemplate(ctx, t.scope === 'user' ? technician : manager, null, t);
  return responses.length + macros.length + templates.length;
}
