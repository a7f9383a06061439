// Signing in with a directory password (LDAP, Active Directory), reached from the password sign-in: a person whose
// account is linked to a directory, or whom no local account knows, is looked up in the enabled directories
// (search-then-bind as the service account, or a direct bind through a DN template), their password checked by
// binding as them, and the account found by the directory's id for them, linked by e-mail, or created; its role
// and groups set from the directory's groups, nested ones included, as an OpenID Connect sign-in sets them.
import { escapeFilter } from 'ldapts';
import type { ServiceContext } from '../context.js';
import { escapeDnValue, LdapConnection } from './ldap-connection.js';
import { directoriesForSignIn, type LdapDirectory } from './ldap-directories.js';
import {
  type DirectoryPerson,
  groupsOfPerson,
  mappedGroups,
  mappedRole,
  personAttributes,
  toPerson,
} from './ldap-people.js';
import { setMappedGroups } from './oidc-sign-in.js';
import type { DirectorySignIn } from './sessions.js';
import { normaliseEmail } from './user-records.js';
import { createUser } from './users.js';

type Candidate = { directory: LdapDirectory; bindPassword: string | null };

/**
 * Which directories to ask about `login`: the one an existing account is linked to; every enabled one for a login no
 * local account knows (or one with no password of its own); none for a local account with a password.
 */
async function candidates(ctx: ServiceContext, login: string): Promise<Candidate[]> {
  const enabled = await directoriesForSignIn(ctx);
  if (enabled.length === 0) return [];
  let email: string | null = null;
  try {
    email = normaliseEmail(login);
  } catch {
    return enabled;
  }
  const row = await ctx.db
    .selectFrom('users')
    .leftJoin('ldap_accounts', 'ldap_accounts.user_id', 'users.id')
    .select(['users.id', 'users.password_hash', 'ldap_accounts.directory_id'])
    .where('users.email', '=', email)
    .executeTakeFirst();
  if (!row) return enabled;
  if (row.directory_id !== null) return enabled.filter((c) => c.directory.id === row.directory_id);
  return row.password_hash ? [] : enabled;
}

export async function signInThroughDirectory(
  ctx: ServiceContext,
  login: string,
  password: string,
): Promise<DirectorySignIn> {
  const trimmed = login.trim();
  if (trimmed.length === 0 || trimmed.length > 320) return { kind: 'not_directory' };
  for (const { directory, bindPassword } of await candidates(ctx, trimmed)) {
    const checked = await checkPassword(directory, bindPassword, trimmed, password);
    if (checked.kind === 'unknown') continue;
    if (checked.kind === 'refused') return { kind: 'refused', userId: null, reason: checked.reason };
    return accountForPerson(ctx, directory, checked.person, checked.groups);
  }
  return { kind: 'not_directory' };
}

type Checked =
  | { kind: 'unknown' }
  | { kind: 'refused'; reason: string }
  | { kind: 'ok'; person: DirectoryPerson; groups: Set<string> };

/** Find the person, bind as them with the password, and read their groups, on one connection. */
async function checkPassword(
  directory: LdapDirectory,
  bindPassword: string | null,
  login: string,
  password: string,
): Promise<Checked> {
  const conn = await LdapConnection.open(directory);
  try {
    let dn: string;
    if (directory.bindMode === 'direct') {
      const username = login.includes('@') ? login.slice(0, login.indexOf('@')) : login;
      dn = (directory.userDnTemplate ?? '')
        .replaceAll('{login}', escapeDnValue(login))
        .replaceAll('{username}', escapeDnValue(username));
      if (!(await conn.bindAs(dn, password))) return { kind: 'refused', reason: 'ldap_wrong_password' };
    } else {
      await conn.bindService(bindPassword);
      const value = escapeFilter`${login}`;
      const found = await conn.search(
        directory.userBase,
        `(&${directory.userFilter}(|(${directory.loginAttribute}=${value})(${directory.emailAttribute}=${value})))`,
        ['dn'],
      );
      if (found.length === 0) return { kind: 'unknown' };
      if (found.length > 1) return { kind: 'refused', reason: 'ldap_ambiguous_login' };
      dn = (found[0] as { dn: string }).dn;
      if (!(await conn.bindAs(dn, password))) return { kind: 'refused', reason: 'ldap_wrong_password' };
      // Groups and the disabled flag are read as the service account, which may see more than the person.
      await conn.bindService(bindPassword);
    }
    const [entry] = await conn.search(dn, directory.userFilter, personAttributes(directory).concat('dn'));
    if (!entry) return { kind: 'refused', reason: 'ldap_outside_user_filter' };
    const disabled = directory.disabledFilter
      ? (await conn.search(dn, directory.disabledFilter, ['dn'])).length > 0
      : false;
    if (disabled) return { kind: 'refused', reason: 'ldap_disabled' };
    const person = toPerson(directory, entry, false);
    if (!person) return { kind: 'refused', reason: `ldap_no_${directory.idAttribute}` };
    return { kind: 'ok', person, groups: await groupsOfPerson(conn, directory, dn) };
  } finally {
    await conn.close();
  }
}

/** The account behind a directory person: linked by the directory's id, else by e-mail, else created (when allowed). */
async function accountForPerson(
  ctx: ServiceContext,
  directory: LdapDirectory,
  person: DirectoryPerson,
  groupKeys: Set<string>,
): Promise<DirectorySignIn> {
  const now = ctx.clock.now();
  const role = mappedRole(directory.mapping, groupKeys);
  const groups = mappedGroups(directory.mapping, groupKeys);
  let email: string | null = null;
  try {
    email = person.email ? normaliseEmail(person.email) : null;
  } catch {
    email = null;
  }
  const linked = await ctx.db
    .selectFrom('ldap_accounts')
    .select(['user_id', 'deactivated_by_sync'])
    .where('directory_id', '=', directory.id)
    .where('unique_id', '=', person.uniqueId)
    .executeTakeFirst();
  let userId = linked?.user_id ?? null;
  if (userId === null && email) {
    const existing = await ctx.db
      .selectFrom('users')
      .leftJoin('ldap_accounts', 'ldap_accounts.user_id', 'users.id')
      .select(['users.id', 'ldap_accounts.directory_id'])
      .where('users.email', '=', email)
      .executeTakeFirst();
    if (existing) {
      if (existing.directory_id !== null && existing.directory_id !== directory.id)
        return { kind: 'refused', userId: existing.id, reason: 'ldap_linked_to_another_directory' };
      userId = existing.id;
    }
  }
  if (userId === null) {
    if (!directory.createAccounts) return { kind: 'refused', userId: null, reason: 'ldap_no_account' };
    if (!email) return { kind: 'refused', userId: null, reason: 'ldap_no_email' };
    // Just-in-time: the account is created as an admin would create it (indexed, audited), with no password.
    const created = await createUser(ctx, null, {
      email,
      name: person.name,
      role: role ?? directory.mapping.defaultRole,
    });
    userId = created.id;
  }
  const id = userId;
  const row = await ctx.db.transaction().execute(async (trx) => {
    if (role)
      await trx
        .updateTable('users')
        .set({ role, updated_at: now })
        .where('id', '=', id)
        .where('role', '!=', role)
        .where('role', '!=', 'admin')
        .execute();
    // An account a sync deactivated (gone or disabled in the directory) is active again once the directory
    // lets the person bind; one an admin deactivated stays so.
    if (linked?.deactivated_by_sync === 1)
      await trx.updateTable('users').set({ active: 1, updated_at: now }).where('id', '=', id).execute();
    await trx
      .insertInto('ldap_accounts')
      .values({
        directory_id: directory.id,
        unique_id: person.uniqueId,
        user_id: id,
        dn: person.dn,
        deactivated_by_sync: 0,
        created_at: now,
        last_seen_at: now,
        last_sign_in_at: now,
      })
      .onConflict((oc) =>
        oc
          .columns(['directory_id', 'unique_id'])
          .doUpdateSet({ dn: person.dn, deactivated_by_sync: 0, last_seen_at: now, last_sign_in_at: now }),
      )
      .execute();
    await setMappedGroups(trx, id, groups);
    return trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  });
  if (!row.active) return { kind: 'refused', userId: id, reason: 'inactive' };
  return { kind: 'signed_in', row, directoryId: directory.id };
}
