// The demo's service catalogue: the custom fields and the request types a service desk of this size offers
// (hardware, access, software, network, accounts), with forms that use every field type, conditions and
// attachments, and defaults that route each request to its group. Deterministic: no randomness at all.
import type { Actor } from '../core/auth/index.js';
import type { ServiceContext } from '../core/context.js';
import {
  type CustomFieldInput,
  createCustomField,
  createRequestType,
  type FieldCondition,
  type RequestTypeInput,
} from '../helpdesk/index.js';
import type { DemoGroupKey } from './people.js';

export interface DemoCatalogRefs {
  manager: Actor;
  groupId(key: DemoGroupKey): number;
  categoryId(name: string): number | undefined;
}

const fields: CustomFieldInput[] = [
  {
    key: 'laptop_model',
    label: 'Model',
    type: 'choice',
    options: ['Standard 14"', 'Developer 16"', 'Designer 16"', 'Other'],
    required: true,
  },
  {
    key: 'laptop_other',
    label: 'Which model',
    type: 'text',
    maxLength: 100,
    helpText: 'Name the model and why the standard ones do not fit.',
  },
  {
    key: 'accessories',
    label: 'Accessories',
    type: 'multi_choice',
    options: ['Docking station', 'Mouse', 'Headset', 'Second screen', 'Bag'],
  },
  {
    key: 'needed_by',
    label: 'Needed by',
    type: 'date',
    helpText: 'We need five working days for new hardware.',
  },
  {
    key: 'cost_centre',
    label: 'Cost centre',
    type: 'text',
    pattern: 'CC-[0-9]{4}',
    helpText: 'CC- and four digits, e.g. CC-1042.',
  },
  {
    key: 'approver',
    label: 'Approving manager',
    type: 'user',
    helpText: 'The manager who signs off the cost.',
  },
  {
    key: 'share_path',
    label: 'Shared drive',
    type: 'text',
    pattern: '\\\\\\\\[A-Za-z0-9._-]+\\\\[A-Za-z0-9 ._$-]+',
    helpText: 'As \\\\fileserver\\share',
  },
  {
    key: 'access_level',
    label: 'Access',
    type: 'choice',
    options: ['Read', 'Read and write'],
    required: true,
  },
  { key: 'access_until', label: 'Access until', type: 'date' },
  {
    key: 'vpn_client',
    label: 'VPN client',
    type: 'choice',
    options: ['Windows', 'macOS', 'Linux', 'Phone'],
    required: true,
  },
  { key: 'vpn_error', label: 'Error code', type: 'text', maxLength: 40 },
  {
    key: 'screenshot',
    label: 'Screenshot',
    type: 'attachment',
    helpText: 'A screenshot of the error helps us most.',
  },
  { key: 'software_name', label: 'Software', type: 'text', maxLength: 100, required: true },
  {
    key: 'licence',
    label: 'Licence',
    type: 'choice',
    options: ['We have one', 'Buy one', 'Free / open source'],
  },
  { key: 'seats', label: 'Number of seats', type: 'number', min: 1, max: 500 },
  { key: 'affected_users', label: 'People affected', type: 'number', min: 1, max: 10_000 },
  {
    key: 'location',
    label: 'Location',
    type: 'choice',
    options: ['Berlin HQ', 'Hamburg office', 'Munich office', 'Home'],
  },
  { key: 'printer_name', label: 'Printer', type: 'text', maxLength: 60 },
  { key: 'start_date', label: 'Start date', type: 'date', required: true },
  { key: 'new_colleague', label: 'Name of the new colleague', type: 'text', maxLength: 100, required: true },
  { key: 'phone_number', label: 'Phone number', type: 'text', pattern: '\\+?[0-9 ]{6,20}' },
  {
    key: 'mailbox',
    label: 'Mailbox',
    type: 'text',
    pattern: '[A-Za-z0-9._-]+@[A-Za-z0-9.-]+',
    maxLength: 120,
  },
];

type Form = Array<{ key: string; required?: boolean; condition?: FieldCondition }>;

interface DemoRequestType extends Omit<RequestTypeInput, 'fields' | 'defaults'> {
  group: DemoGroupKey;
  category: string;
  impact?: 1 | 2 | 3 | 4 | 5;
  urgency?: 1 | 2 | 3 | 4 | 5;
  type?: 'incident' | 'request';
  form: Form;
  /** Who approves: the requester's manager; the manager, then IT's manager; IT's manager alone. */
  approvedBy?: 'manager' | 'manager_then_it' | 'it';
}

const types: DemoRequestType[] = [
  {
    name: 'New laptop',
    description: 'A laptop for a new or current colleague, with accessories.',
    catalogCategory: 'Hardware',
    icon: '💻',
    keywords: ['notebook', 'computer', 'macbook', 'thinkpad'],
    group: 'l1',
    category: 'Laptop',
    urgency: 2,
    approvedBy: 'manager',
    form: [
      { key: 'laptop_model' },
      {
        key: 'laptop_other',
        required: true,
        condition: { field: 'laptop_model', op: 'equals', value: 'Other' },
      },
      { key: 'accessories' },
      { key: 'needed_by', required: true },
      { key: 'cost_centre', required: true },
      { key: 'approver', condition: { field: 'laptop_model', op: 'in', values: ['Designer 16"', 'Other'] } },
    ],
  },
  {
    name: 'Broken laptop',
    description: 'Screen, keyboard, battery or a laptop that does not start.',
    catalogCategory: 'Hardware',
    icon: '🔧',
    keywords: ['repair', 'screen', 'battery', 'keyboard'],
    group: 'l1',
    category: 'Laptop',
    type: 'incident',
    urgency: 4,
    form: [{ key: 'location', required: true }, { key: 'screenshot' }],
  },
  {
    name: 'Second screen or docking station',
    description: 'Accessories for your desk.',
    catalogCategory: 'Hardware',
    icon: '🖥️',
    keywords: ['monitor', 'dock', 'mouse', 'headset'],
    group: 'l1',
    category: 'Laptop',
    form: [
      { key: 'accessories', required: true },
      { key: 'location', required: true },
      { key: 'cost_centre' },
    ],
  },
  {
    name: 'Printer problem',
    description: 'Paper jams, toner, a printer that does not show up.',
    catalogCategory: 'Hardware',
    icon: '🖨️',
    keywords: ['print', 'toner', 'scanner'],
    group: 'l1',
    category: 'Printer',
    type: 'incident',
    form: [{ key: 'location', required: true }, { key: 'printer_name' }, { key: 'screenshot' }],
  },
  {
    name: 'Access to a shared drive',
    description: 'Read or write access to a team or project drive.',
    catalogCategory: 'Access',
    icon: '📁',
    keywords: ['share', 'folder', 'permissions', 'fileserver'],
    approvedBy: 'manager_then_it',
    group: 'l2',
    category: 'Server',
    form: [
      { key: 'share_path', required: true },
      { key: 'access_level' },
      {
        key: 'approver',
        required: true,
        condition: { field: 'access_level', op: 'equals', value: 'Read and write' },
      },
      { key: 'access_until' },
    ],
  },
  {
    name: 'VPN problem',
    description: 'The VPN does not connect, drops or is slow.',
    catalogCategory: 'Network',
    icon: '🔒',
    keywords: ['remote', 'home', 'office', 'anyconnect', 'wireguard'],
    group: 'network',
    category: 'VPN',
    type: 'incident',
    urgency: 4,
    form: [
      { key: 'vpn_client' },
      { key: 'vpn_error' },
      { key: 'screenshot', condition: { field: 'vpn_error', op: 'set' } },
      { key: 'location' },
    ],
  },
  {
    name: 'Wi-Fi or network outage',
    description: 'No network at a desk, a meeting room or a whole floor.',
    catalogCategory: 'Network',
    icon: '📶',
    keywords: ['wifi', 'wlan', 'lan', 'internet', 'outage'],
    group: 'network',
    category: 'Network',
    type: 'incident',
    impact: 4,
    urgency: 4,
    form: [
      { key: 'location', required: true },
      { key: 'affected_users', required: true },
    ],
  },
  {
    name: 'Install software',
    description: 'Software that is not in the self-service portal.',
    catalogCategory: 'Software',
    icon: '📦',
    keywords: ['application', 'program', 'licence', 'license'],
    group: 'l1',
    category: 'Software install',
    form: [
      { key: 'software_name' },
      { key: 'licence', required: true },
      { key: 'seats', condition: { field: 'licence', op: 'equals', value: 'Buy one' }, required: true },
      { key: 'cost_centre', condition: { field: 'licence', op: 'equals', value: 'Buy one' }, required: true },
      { key: 'approver', condition: { field: 'licence', op: 'equals', value: 'Buy one' } },
    ],
  },
  {
    name: 'Password reset',
    description: 'Forgotten or expired password, locked account.',
    catalogCategory: 'Accounts',
    icon: '🔑',
    keywords: ['login', 'locked', 'account', 'signin'],
    group: 'l1',
    category: 'Password reset',
    type: 'incident',
    urgency: 4,
    form: [{ key: 'phone_number', required: true }],
  },
  {
    name: 'New colleague',
    description: 'Account, mailbox, laptop and access for someone starting.',
    catalogCategory: 'Accounts',
    icon: '👋',
    keywords: ['onboarding', 'hire', 'starter'],
    group: 'l1',
    category: 'Email',
    form: [
      { key: 'new_colleague' },
      { key: 'start_date' },
      { key: 'laptop_model' },
      {
        key: 'laptop_other',
        required: true,
        condition: { field: 'laptop_model', op: 'equals', value: 'Other' },
      },
      { key: 'accessories' },
      { key: 'location', required: true },
      { key: 'cost_centre', required: true },
    ],
  },
  {
    name: 'Shared mailbox',
    description: 'A mailbox for a team, or access to one.',
    catalogCategory: 'Accounts',
    icon: '✉️',
    keywords: ['email', 'mail', 'outlook', 'distribution'],
    group: 'l1',
    category: 'Email',
    form: [{ key: 'mailbox', required: true }, { key: 'access_level' }, { key: 'approver', required: true }],
  },
  {
    name: 'Server or VM request',
    description: 'A virtual machine or more resources for one (staff only).',
    catalogCategory: 'Infrastructure',
    icon: '🗄️',
    keywords: ['vm', 'virtual', 'cpu', 'memory', 'disk'],
    audience: 'staff',
    approvedBy: 'it',
    group: 'l2',
    category: 'Server',
    form: [
      { key: 'software_name', required: true },
      { key: 'needed_by' },
      { key: 'cost_centre', required: true },
    ],
  },
];

/** Install the catalogue (as the manager, today): 22 fields and 12 request types. */
export async function installDemoCatalog(ctx: ServiceContext, refs: DemoCatalogRefs): Promise<number> {
  const ids = new Map<string, number>();
  for (const f of fields) ids.set(f.key, (await createCustomField(ctx, refs.manager, f)).id);
  let position = 0;
  for (const t of types) {
    const { group, category, impact, urgency, type, form, approvedBy, ...rest } = t;
    const it = { approvers: { kind: 'users' as const, userIds: [refs.manager.id] }, rule: 'one' as const };
    const boss = { approvers: { kind: 'manager' as const }, rule: 'one' as const };
    await createRequestType(ctx, refs.manager, {
      ...rest,
      approval: approvedBy
        ? {
            order: 'sequence',
            steps: approvedBy === 'manager' ? [boss] : approvedBy === 'it' ? [it] : [boss, it],
          }
        : null,
      position: position++,
      defaults: {
        ticketType: type ?? 'request',
        groupId: refs.groupId(group),
        categoryId: refs.categoryId(category) ?? null,
        impact: impact ?? null,
        urgency: urgency ?? null,
      },
      fields: form.map((f) => ({
        fieldId: ids.get(f.key) as number,
        required: f.required ?? null,
        condition: f.condition ?? null,
      })),
    });
  }
  return types.length;
}
