// The demo organisation's technicians and on-call: a skills catalogue tied to the categories people file,
// each technician's skills, capacity and working calendar, routing rules and group policies; a 24/7
// Infrastructure schedule of two layers with an override, a business-hours Network schedule, escalation
// policies, the services that run them, and every technician's email as a contact method. Made through the same
// domain functions as the API, at the story's end (the real now).
import { DateTime } from 'luxon';
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import { createService } from '../incidents/index.js';
import {
  createContactMethod,
  createEscalationPolicy,
  createOverride,
  createSchedule,
  setNotificationRules,
} from '../oncall/index.js';
import { listCalendars } from '../sla/index.js';
import { createRule, createSkill, setAssignmentPolicy, updateTechnician } from '../technicians/index.js';
import type { DemoGroupKey } from './people.js';

export interface DemoOnCallRefs {
  manager: Actor;
  /** In the order of demoTechnicians (tech1 … tech8). */
  technicians: Actor[];
  groupId(key: DemoGroupKey): number;
  categoryId(name: string): number | undefined;
}

/** Skill name, what says a ticket needs it (categories, words), and the level such a ticket asks for. */
const skillCatalogue: readonly { name: string; categories: string[]; keywords: string[]; level: number }[] = [
  {
    name: 'Windows',
    categories: ['Laptop', 'Software install'],
    keywords: ['windows', 'bitlocker'],
    level: 2,
  },
  { name: 'macOS', categories: [], keywords: ['macbook', 'macos', 'mac'], level: 2 },
  { name: 'Printers', categories: ['Printer'], keywords: ['printer', 'toner', 'scan'], level: 2 },
  {
    name: 'Directory',
    categories: ['Password reset'],
    keywords: ['password', 'locked', 'account', 'mfa'],
    level: 1,
  },
  {
    name: 'Email',
    categories: ['Email'],
    keywords: ['outlook', 'mailbox', 'exchange', 'calendar'],
    level: 2,
  },
  { name: 'VPN', categories: ['VPN'], keywords: ['vpn', 'tunnel', 'remote access'], level: 3 },
  {
    name: 'Networking',
    categories: ['Network'],
    keywords: ['wifi', 'wi-fi', 'switch', 'firewall', 'dns'],
    level: 3,
  },
  { name: 'Linux servers', categories: ['Server'], keywords: ['linux', 'server', 'disk', 'cpu'], level: 3 },
  { name: 'Backup and storage', categories: [], keywords: ['backup', 'restore', 'nas', 'storage'], level: 3 },
];

/** tech1 … tech8: skills with levels, and the most tickets each should hold. */
const technicianSkills: readonly { skills: Record<string, number>; max: number }[] = [
  { skills: { Windows: 4, Printers: 3, Email: 3, Directory: 3 }, max: 12 },
  { skills: { macOS: 5, Windows: 3, Email: 2, Directory: 2 }, max: 12 },
  { skills: { Printers: 5, Windows: 3, Directory: 2 }, max: 12 },
  { skills: { 'Linux servers': 4, Directory: 5, Windows: 3, 'Backup and storage': 3 }, max: 10 },
  { skills: { 'Linux servers': 5, 'Backup and storage': 4, Networking: 2 }, max: 8 },
  { skills: { Directory: 4, Email: 5, 'Linux servers': 3 }, max: 8 },
  { skills: { Networking: 5, VPN: 5 }, max: 8 },
  { skills: { Networking: 4, VPN: 3, 'Linux servers': 3 }, max: 8 },
];

export interface DemoOnCallSummary {
  schedules: number;
  escalationPolicies: number;
  services: number;
  skills: number;
}

export async function installDemoOnCall(
  ctx: ServiceContext,
  refs: DemoOnCallRefs,
): Promise<DemoOnCallSummary> {
  const { manager, technicians } = refs;
  const tech = (n: number) => technicians[n - 1].id;
  const zone = 'Europe/Berlin';

  // Skills, and who holds them.
  const skillIds = new Map<string, number>();
  for (const s of skillCatalogue) {
    const categoryIds = s.categories.flatMap((c) => {
      const id = refs.categoryId(c);
      return id === undefined ? [] : [id];
    });
    const skill = await createSkill(ctx, manager, {
      name: s.name,
      keywords: s.keywords,
      categoryIds,
      neededLevel: s.level,
    });
    skillIds.set(s.name, skill.id);
  }
  const office = (await listCalendars(ctx, manager)).find((c) => c.name === 'Berlin office');
  for (const [i, t] of technicianSkills.entries()) {
    await updateTechnician(ctx, manager, technicians[i].id, {
      skills: Object.entries(t.skills).map(([name, level]) => ({
        skillId: skillIds.get(name) as number,
        level,
      })),
      calendarId: office?.id ?? null,
      maxOpenTickets: t.max,
    });
  }

  // Routing: network and VPN trouble to Network, servers and backups to Infrastructure; the rest stays with L1.
  await createRule(ctx, manager, {
    name: 'Network and VPN',
    conditions: { keywords: ['vpn', 'wifi', 'wi-fi', 'firewall', 'switch'] },
    groupId: refs.groupId('network'),
  });
  await createRule(ctx, manager, {
    name: 'Servers and backups',
    conditions: { keywords: ['server', 'backup', 'restore', 'storage'] },
    groupId: refs.groupId('l2'),
  });
  // Policies are set but not automatic: the demo's queues stay as its story left them until a manager acts.
  await setAssignmentPolicy(ctx, manager, refs.groupId('l1'), { policy: 'round_robin', auto: false });
  await setAssignmentPolicy(ctx, manager, refs.groupId('l2'), { policy: 'best_skill', auto: false });
  await setAssignmentPolicy(ctx, manager, refs.groupId('network'), { policy: 'optimise', auto: false });

  // Schedules start on the Monday four weeks back, handing off at 09:00 Berlin time.
  const monday = DateTime.fromMillis(ctx.clock.now(), { zone })
    .startOf('week')
    .minus({ weeks: 4 })
    .set({ hour: 9 });
  const local = (d: DateTime) => d.toFormat("yyyy-MM-dd'T'HH:mm");
  const infrastructure = await createSchedule(ctx, manager, {
    name: 'Infrastructure 24/7',
    description:
      'Servers, storage and the directory around the clock: a weekly primary, the day team by day.',
    timeZone: zone,
    teamId: refs.groupId('l2'),
    layers: [
      {
        kind: 'rotation',
        name: 'Weekly primary',
        start: local(monday),
        end: null,
        turn: { unit: 'week', count: 1 },
        participants: [tech(4), tech(5), tech(6), tech(8)],
        restrictions: [],
      },
      {
        kind: 'rotation',
        name: 'Day team',
        start: local(monday.set({ hour: 8 })),
        end: null,
        turn: { unit: 'day', count: 1 },
        participants: [tech(5), tech(6), tech(4)],
        restrictions: [{ days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' }],
      },
    ],
  });
  // Next Wednesday night, someone covers for whoever holds the primary then.
  const cover = DateTime.fromMillis(ctx.clock.now(), { zone })
    .startOf('week')
    .plus({ weeks: 1, days: 2, hours: 18 });
  await createOverride(ctx, manager, infrastructure.id, {
    userId: tech(8),
    start: cover.toMillis(),
    end: cover.plus({ hours: 14 }).toMillis(),
    reason: 'Covering a dentist appointment',
  });
  const network = await createSchedule(ctx, manager, {
    name: 'Network business hours',
    description: 'LAN, Wi-Fi, VPN and firewalls on weekdays 08:00–18:00.',
    timeZone: zone,
    teamId: refs.groupId('network'),
    layers: [
      {
        kind: 'rotation',
        name: 'Weekly',
        start: local(monday),
        end: null,
        turn: { unit: 'week', count: 1 },
        participants: [tech(7), tech(8)],
        restrictions: [{ days: [1, 2, 3, 4, 5], start: '08:00', end: '18:00' }],
      },
    ],
  });

  const infraPolicy = await createEscalationPolicy(ctx, manager, {
    name: 'Infrastructure critical',
    description: 'The on-call engineer, then the manager; twice round.',
    steps: [
      { targets: [{ kind: 'schedule', id: infrastructure.id }], delayMinutes: 10 },
      { targets: [{ kind: 'user', id: manager.id }], delayMinutes: 15 },
    ],
    repeatCount: 2,
  });
  const networkPolicy = await createEscalationPolicy(ctx, manager, {
    name: 'Network',
    description: 'The network on-call, then the whole Network group, then Infrastructure’s on-call.',
    steps: [
      { targets: [{ kind: 'schedule', id: network.id }], delayMinutes: 15 },
      { targets: [{ kind: 'group', id: refs.groupId('network') }], delayMinutes: 15 },
      { targets: [{ kind: 'schedule', id: infrastructure.id }], delayMinutes: 15 },
    ],
    repeatCount: 1,
  });
  await createService(ctx, manager, {
    name: 'Servers and storage',
    description: 'File servers, the directory, backups.',
    escalationPolicyId: infraPolicy.id,
    groupId: refs.groupId('l2'),
    categoryId: refs.categoryId('Server') ?? null,
  });
  await createService(ctx, manager, {
    name: 'Network and VPN',
    description: 'Office LAN and Wi-Fi, the VPN gateway, firewalls.',
    escalationPolicyId: networkPolicy.id,
    groupId: refs.groupId('network'),
    categoryId: refs.categoryId('Network') ?? null,
  });

  // Everyone on call is reachable by email at once (unverified until they send themselves a test).
  for (const t of [manager, ...technicians]) {
    const method = await createContactMethod(ctx, manager, t.id, {
      kind: 'email',
      target: t.email,
      label: 'Work email',
    });
    await setNotificationRules(ctx, manager, t.id, [{ contactMethodId: method.id, delayMinutes: 0 }]);
  }
  return { schedules: 2, escalationPolicies: 2, services: 2, skills: skillCatalogue.length };
}
