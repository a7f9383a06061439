// What sign-in and sync both read from a directory: a person (their DN, the directory's id for them, login,
// e-mail, name, whether they are disabled), the groups they are in, nested ones included, and what those groups
// give in opsdesk (a role, groups) through the directory's mapping.
import { escapeFilter } from 'ldapts';
import type { Role } from '../db/index.js';
import { directoryRoles } from './actor.js';
import {
  allValues,
  firstValue,
  type LdapConnection,
  type LdapEntry,
  normaliseDn,
} from './ldap-connection.js';
import type { LdapDirectory, LdapMapping, LdapNestedGroups } from './ldap-directories.js';

/** Active Directory's LDAP_MATCHING_RULE_IN_CHAIN: membership through any depth of nested groups. */
export const inChainRule = '1.2.840.113556.1.4.1941';
/** The root DSE capability an Active Directory domain controller announces (LDAP_CAP_ACTIVE_DIRECTORY_OID). */
const activeDirectoryCapability = '1.2.840.113556.1.4.800';
/** How deep a walk of nested groups goes: deeper nesting than this is a loop or a mistake. */
const maxNestingDepth = 20;

export interface DirectoryPerson {
  dn: string;
  uniqueId: string;
  login: string | null;
  email: string | null;
  name: string;
  disabled: boolean;
}

export function personAttributes(directory: LdapDirectory): string[] {
  return [
    directory.idAttribute,
    directory.loginAttribute,
    directory.emailAttribute,
    directory.nameAttribute,
    'displayName',
  ];
}

/** A person from their entry, or null when the entry lacks the directory's id for them. */
export function toPerson(
  directory: LdapDirectory,
  entry: LdapEntry,
  disabled: boolean,
): DirectoryPerson | null {
  const uniqueId = firstValue(entry, directory.idAttribute);
  if (!uniqueId) return null;
  const login = firstValue(entry, directory.loginAttribute);
  const email = firstValue(entry, directory.emailAttribute)?.trim().toLowerCase() ?? null;
  const name = (
    firstValue(entry, directory.nameAttribute) ??
    firstValue(entry, 'displayName') ??
    login ??
    email ??
    entry.dn
  )
    .trim()
    .slice(0, 200);
  return { dn: entry.dn, uniqueId, login, email, name, disabled };
}

/** The base groups are searched under: the group base, else the user base. */
export function groupBaseOf(directory: LdapDirectory): string {
  return directory.groupBase ?? directory.userBase;
}

/** The nested-group strategy to use: 'auto' asks the root DSE whether this is Active Directory. */
export async function nestedStrategy(
  conn: LdapConnection,
  mode: LdapNestedGroups,
): Promise<Exclude<LdapNestedGroups, 'auto'>> {
  if (mode !== 'auto') return mode;
  const dse = await conn.rootDse();
  return dse && allValues(dse, 'supportedCapabilities').includes(activeDirectoryCapability)
    ? 'matching-rule'
    : 'walk';
}

/** A group as the mapping names it: by DN (normalised) or by name (lower case). */
export function groupKeys(dn: string, name: string | null): string[] {
  return name ? [normaliseDn(dn), name.toLowerCase()] : [normaliseDn(dn)];
}

function mappingKey(key: string): string {
  return key.includes('=') ? normaliseDn(key) : key.toLowerCase();
}

/** The role the groups give (the most powerful mapped one), or null when the mapping gives none. */
export function mappedRole(mapping: LdapMapping, keys: Set<string>): Role | null {
  const found = Object.entries(mapping.roleMap)
    .filter(([group]) => keys.has(mappingKey(group)))
    .map(([, role]) => role);
  return directoryRoles.find((r) => found.includes(r)) ?? null;
}

/** The opsdesk groups the directory groups put the account in, and every group the mapping manages. */
export function mappedGroups(mapping: LdapMapping, keys: Set<string>) {
  const managed = new Set(Object.values(mapping.groupMap).flat());
  const member = new Set(
    Object.entries(mapping.groupMap)
      .filter(([group]) => keys.has(mappingKey(group)))
      .flatMap(([, ids]) => ids),
  );
  return { managed, member };
}

/**
 * The groups one person is in, as mapping keys: with AD's in-chain rule one search; walking, one search per level
 * (the groups naming any DN of the level as a member); off, the groups naming them directly.
 */
export async function groupsOfPerson(
  conn: LdapConnection,
  directory: LdapDirectory,
  dn: string,
): Promise<Set<string>> {
  const strategy = await nestedStrategy(conn, directory.nestedGroups);
  const base = groupBaseOf(directory);
  const attrs = [directory.groupNameAttribute];
  const member = directory.memberAttribute;
  const keys = new Set<string>();
  const add = (e: LdapEntry) => {
    for (const k of groupKeys(e.dn, firstValue(e, directory.groupNameAttribute))) keys.add(k);
  };
  if (strategy === 'matching-rule') {
    const rule = `(${member}:${inChainRule}:=${escapeFilter`${dn}`})`;
    for (const e of await conn.search(base, `(&${directory.groupFilter}${rule})`, attrs)) add(e);
    return keys;
  }
  const seen = new Set<string>([normaliseDn(dn)]);
  let level = [dn];
  for (let depth = 0; depth < (strategy === 'walk' ? maxNestingDepth : 1) && level.length > 0; depth++) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += 50) {
      const any = level
        .slice(i, i + 50)
        .map((d) => `(${member}=${escapeFilter`${d}`})`)
        .join('');
      for (const e of await conn.search(base, `(&${directory.groupFilter}(|${any}))`, attrs)) {
        const n = normaliseDn(e.dn);
        if (seen.has(n)) continue;
        seen.add(n);
        add(e);
        next.push(e.dn);
      }
    }
    level = next;
  }
  return keys;
}
