// The people of the demo organisation: one manager, eight technicians in three groups and about fifty
// requesters with realistic names. The documented sign-ins (manager@, tech1@…tech8@, user1@) are fixed;
// everyone else gets firstname.lastname@ at the demo domain.
import type { SeededRandom } from './seeded-random.js';

export const demoDomain = 'demo.opsdesk.local';

/** The one password every demo account shares; documented in the README, never for production. */
export const demoPassword = 'opsdesk-demo';

export type DemoGroupKey = 'l1' | 'l2' | 'network';

export const demoGroups: readonly { key: DemoGroupKey; name: string; description: string }[] = [
  {
    key: 'l1',
    name: 'Service Desk L1',
    description: 'First line: password resets, laptops, printers, email and software requests.',
  },
  {
    key: 'l2',
    name: 'Infrastructure L2',
    description: 'Servers, storage, backups, directory and escalations from the service desk.',
  },
  {
    key: 'network',
    name: 'Network',
    description: 'LAN, Wi-Fi, VPN, firewalls and the links between offices.',
  },
];

export interface DemoPerson {
  email: string;
  name: string;
}

export interface DemoTechnician extends DemoPerson {
  groups: DemoGroupKey[];
}

export const demoManager: DemoPerson = { email: `manager@${demoDomain}`, name: 'Margaret Okafor' };

export const demoTechnicians: readonly DemoTechnician[] = [
  { email: `tech1@${demoDomain}`, name: 'Daniel Weber', groups: ['l1'] },
  { email: `tech2@${demoDomain}`, name: 'Priya Raman', groups: ['l1'] },
  { email: `tech3@${demoDomain}`, name: 'Lucas Moreau', groups: ['l1'] },
  { email: `tech4@${demoDomain}`, name: 'Aisha Bello', groups: ['l2', 'l1'] },
  { email: `tech5@${demoDomain}`, name: 'Tomasz Nowak', groups: ['l2'] },
  { email: `tech6@${demoDomain}`, name: 'Hannah Lindqvist', groups: ['l2'] },
  { email: `tech7@${demoDomain}`, name: 'Kenji Sato', groups: ['network'] },
  { email: `tech8@${demoDomain}`, name: 'Sofia Rossi', groups: ['network', 'l2'] },
];

/** The requester whose sign-in the README documents. */
export const demoRequester: DemoPerson = { email: `user1@${demoDomain}`, name: 'Emma Thompson' };

const firstNames = [
  'Oliver',
  'Amelia',
  'Noah',
  'Isla',
  'Liam',
  'Mia',
  'Ethan',
  'Chloe',
  'Mateo',
  'Zara',
  'Jonas',
  'Lea',
  'Rahul',
  'Ananya',
  'Wei',
  'Mei',
  'Omar',
  'Layla',
  'Mohammed',
  'Fatima',
  'Lukas',
  'Anna',
  'Pierre',
  'Camille',
  'Diego',
  'Lucia',
  'Kwame',
  'Ama',
  'Sven',
  'Ingrid',
  'Patrick',
  'Siobhan',
  'Jakub',
  'Zofia',
  'Arjun',
  'Kavya',
  'Samuel',
  'Grace',
  'Yusuf',
  'Elif',
  'Mikael',
  'Aino',
  'Thomas',
  'Sarah',
  'James',
  'Laura',
  'Carlos',
  'Marta',
  'Hiroshi',
  'Yuki',
  'David',
  'Rachel',
  'Ben',
  'Nora',
];

const lastNames = [
  'Schmidt',
  'Jensen',
  'Patel',
  'Nguyen',
  'Garcia',
  'Müller',
  'Kowalski',
  "O'Brien",
  'Haddad',
  'Kim',
  'Silva',
  'Andersson',
  'Dubois',
  'Mensah',
  'Rossi',
  'Novak',
  'Yilmaz',
  'Chen',
  'Fernández',
  'Virtanen',
  'Brown',
  'Walker',
  'Hughes',
  'Khan',
  'Tanaka',
  'Cohen',
  'Bianchi',
  'Kaur',
  'Martin',
  'Evans',
  'Larsen',
  'Costa',
  'Horvat',
  'Ali',
];

/** Turn a display name into the local part of an email address: ASCII, lower case, dots between names. */
export function emailLocalPart(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/'/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.|\.$/g, '');
}

/** `count` requesters: the documented user1@ first, then unique random names. */
export function makeRequesters(random: SeededRandom, count: number): DemoPerson[] {
  const people: DemoPerson[] = [demoRequester];
  const taken = new Set<string>([
    demoRequester.name,
    demoManager.name,
    ...demoTechnicians.map((t) => t.name),
  ]);
  while (people.length < count) {
    const name = `${random.pick(firstNames)} ${random.pick(lastNames)}`;
    if (taken.has(name)) continue;
    taken.add(name);
    people.push({ name, email: `${emailLocalPart(name)}@${demoDomain}` });
  }
  return people;
}
