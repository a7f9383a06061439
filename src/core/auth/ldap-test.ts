// "Test the connection" on a directory's page: connect (TLS as configured), bind as the service account, and look
// at a first page of people and groups, so that an admin sees a wrong base, filter or attribute before a sync.
import type { ServiceContext } from '../context.js';
import type { Actor } from './actor.js';
import { firstValue, type LdapEntry, withServiceConnection } from './ldap-connection.js';
import { directoryForBind, getLdapDirectory } from './ldap-directories.js';
import { groupBaseOf, nestedStrategy, personAttributes, toPerson } from './ldap-people.js';

export interface LdapTestResult {
  /** How the connection was protected. */
  tls: 'ldaps' | 'starttls' | 'none';
  /** The nested-group strategy 'auto' chose (or the one configured). */
  nestedGroups: 'matching-rule' | 'walk' | 'off';
  /** People and groups on the first page of each search (at most a page). */
  people: number;
  groups: number;
  /** A few people as the sync would read them. */
  sample: { dn: string; login: string | null; email: string | null; name: string }[];
  /** What looks wrong though the connection works (no e-mail attribute, no id attribute). */
  warnings: string[];
}

export async function testLdapDirectory(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
): Promise<LdapTestResult> {
  await getLdapDirectory(ctx, actor, id);
  const { directory, bindPassword } = await directoryForBind(ctx, id);
  return withServiceConnection(directory, bindPassword, async (conn) => {
    const warnings: string[] = [];
    const strategy = await nestedStrategy(conn, directory.nestedGroups);
    const pages = conn.searchPages(directory.userBase, directory.userFilter, personAttributes(directory));
    const first: LdapEntry[] = (await pages.next()).value ?? [];
    await pages.return(undefined);
    const groupPages = conn.searchPages(groupBaseOf(directory), directory.groupFilter, [
      directory.groupNameAttribute,
    ]);
    const groups: LdapEntry[] = (await groupPages.next()).value ?? [];
    await groupPages.return(undefined);
    const sample = first.slice(0, 5).map((e) => ({
      dn: e.dn,
      login: firstValue(e, directory.loginAttribute),
      email: firstValue(e, directory.emailAttribute),
      name: firstValue(e, directory.nameAttribute) ?? e.dn,
    }));
    if (first.length === 0) warnings.push('The user filter finds no one under the user base.');
    if (first.some((e) => toPerson(directory, e, false) === null))
      warnings.push(`Some people have no ${directory.idAttribute}: they cannot be linked or synced.`);
    if (first.some((e) => firstValue(e, directory.emailAttribute) === null))
      warnings.push(`Some people have no ${directory.emailAttribute}: no account can be made for them.`);
    if (
      groups.length === 0 &&
      Object.keys(directory.mapping.roleMap).length + Object.keys(directory.mapping.groupMap).length > 0
    )
      warnings.push('The group filter finds no group, though the mapping names some.');
    return {
      tls: directory.url.startsWith('ldaps:') ? 'ldaps' : directory.startTls ? 'starttls' : 'none',
      nestedGroups: strategy,
      people: first.length,
      groups: groups.length,
      sample,
      warnings,
    };
  });
}
