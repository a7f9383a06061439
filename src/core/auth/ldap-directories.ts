// The LDAP and Active Directory directories an admin connects for sign-in and sync: where each is, how to bind and
// search it, which people and groups count, and how its groups map to opsdesk groups and roles. The service
// account's password is written, never read back through the API (as identity providers' client secrets).

import type { Selectable } from 'kysely';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import type { LdapDirectoriesTable, Role } from '../db/index.js';
import { Forbidden, Invalid, NotFound } from '../errors.js';
import { openSecret, sealSecret } from '../secret-box.js';
import type { Actor } from './actor.js';
import { canAccounts } from './policies.js';
import { checkRoleMapping } from './role-mapping.js';

/** How a directory's groups become a role and opsdesk groups. Groups are named by their name (cn) or their DN. */
export interface LdapMapping {
  /** A directory group → the role it gives; with several, the most powerful wins. */
  roleMap: Record<string, Role>;
  /** The role of an account no mapped group gives one (on creation; the role of an existing account stays). */
  defaultRole: Role;
  /** A directory group → the opsdesk groups it puts the account in. Groups named here are kept in step. */
  groupMap: Record<string, number[]>;
}

export type LdapBindMode = 'search' | 'direct';
export type LdapNestedGroups = 'auto' | 'matching-rule' | 'walk' | 'off';
export const ldapBindModes: readonly LdapBindMode[] = ['search', 'direct'];
export const ldapNestedGroupModes: readonly LdapNestedGroups[] = ['auto', 'matching-rule', 'walk', 'off'];

export interface LdapDirectory {
  id: number;
  name: string;
  url: string;
  startTls: boolean;
  tlsCa: string | null;
  bindMode: LdapBindMode;
  bindDn: string | null;
  hasBindPassword: boolean;
  userDnTemplate: string | null;
  userBase: string;
  userFilter: string;
  loginAttribute: string;
  emailAttribute: string;
  nameAttribute: string;
  idAttribute: string;
  disabledFilter: string | null;
  groupBase: string | null;
  groupFilter: string;
  memberAttribute: string;
  groupNameAttribute: string;
  nestedGroups: LdapNestedGroups;
  mapping: LdapMapping;
  createAccounts: boolean;
  syncEnabled: boolean;
  syncIntervalMinutes: number;
  enabled: boolean;
  lastSyncAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface LdapDirectoryInput {
  name: string;
  url: string;
  startTls?: boolean;
  tlsCa?: string | null;
  bindMode?: LdapBindMode;
  bindDn?: string | null;
  bindPassword?: string | null;
  userDnTemplate?: string | null;
  userBase: string;
  userFilter?: string;
  loginAttribute?: string;
  emailAttribute?: string;
  nameAttribute?: string;
  idAttribute?: string;
  disabledFilter?: string | null;
  groupBase?: string | null;
  groupFilter?: string;
  memberAttribute?: string;
  groupNameAttribute?: string;
  nestedGroups?: LdapNestedGroups;
  mapping?: Partial<LdapMapping>;
  createAccounts?: boolean;
  syncEnabled?: boolean;
  syncIntervalMinutes?: number;
  enabled?: boolean;
}

type Row = Selectable<LdapDirectoriesTable>;

const defaultMapping: LdapMapping = { roleMap: {}, defaultRole: 'requester', groupMap: {} };

/** Defaults that fit OpenLDAP's inetOrgPerson and groupOfNames; an AD admin sets sAMAccountName, objectGUID. */
const defaults = {
  userFilter: '(objectClass=inetOrgPerson)',
  loginAttribute: 'uid',
  emailAttribute: 'mail',
  nameAttribute: 'cn',
  idAttribute: 'entryUUID',
  groupFilter: '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=group))',
  memberAttribute: 'member',
  groupNameAttribute: 'cn',
  nestedGroups: 'auto' as LdapNestedGroups,
  syncIntervalMinutes: 60,
};

export function toLdapDirectory(row: Row): LdapDirectory {
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    startTls: row.start_tls === 1,
    tlsCa: row.tls_ca,
    bindMode: row.bind_mode as LdapBindMode,
    bindDn: row.bind_dn,
    hasBindPassword: row.bind_password !== null && row.bind_password !== '',
    userDnTemplate: row.user_dn_template,
    userBase: row.user_base,
    userFilter: row.user_filter,
    loginAttribute: row.login_attribute,
    emailAttribute: row.email_attribute,
    nameAttribute: row.name_attribute,
    idAttribute: row.id_attribute,
    disabledFilter: row.disabled_filter,
    groupBase: row.group_base,
    groupFilter: row.group_filter,
    memberAttribute: row.member_attribute,
    groupNameAttribute: row.group_name_attribute,
    nestedGroups: row.nested_groups as LdapNestedGroups,
    mapping: { ...defaultMapping, ...(JSON.parse(row.mapping) as Partial<LdapMapping>) },
    createAccounts: row.create_accounts === 1,
    syncEnabled: row.sync_enabled === 1,
    syncIntervalMinutes: row.sync_interval_minutes,
    enabled: row.enabled === 1,
    lastSyncAt: row.last_sync_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function bad(field: string, message: string): Invalid {
  return new Invalid('invalid_ldap_directory', `The directory's ${field.slice(1)} ${message}.`, [
    { field, message },
  ]);
}

/** A directory URL: ldaps://, or ldap:// with StartTLS, or plain ldap:// on a loopback host only. */
export function checkLdapUrl(value: string, startTls: boolean): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw bad('/url', 'is not a URL');
  }
  if (url.protocol !== 'ldap:' && url.protocol !== 'ldaps:') throw bad('/url', 'must be ldap:// or ldaps://');
  if (!url.hostname) throw bad('/url', 'names no host');
  if (url.username || url.password || (url.pathname && url.pathname !== '/') || url.search || url.hash)
    throw bad('/url', 'must hold only a scheme, a host and a port');
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  // A password crosses the wire at every sign-in: in clear text only to the same machine.
  if (url.protocol === 'ldap:' && !startTls && !loopback)
    throw bad('/url', 'must be ldaps://, or ldap:// with startTls (plain ldap:// only on loopback)');
  if (url.protocol === 'ldaps:' && startTls) throw bad('/startTls', 'does not go with ldaps://');
  return `${url.protocol}//${url.host}`;
}

/** A DN as LDAP writes them (RFC 4514): attribute=value pairs separated by commas. */
export function checkDn(field: string, value: string): string {
  const dn = value.trim();
  if (dn.length === 0 || dn.length > 1000) throw bad(field, 'needs 1–1000 characters');
  if (!/^[A-Za-z][A-Za-z0-9-]*=(?:[^,\\]|\\.)+(?:,\s*[A-Za-z][A-Za-z0-9-]*=(?:[^,\\]|\\.)+)*$/.test(dn))
    throw bad(field, 'is not a DN (attribute=value, separated by commas)');
  return dn;
}

/** An LDAP filter (RFC 4515) in parentheses, with balanced parentheses and no control characters. */
export function checkFilter(field: string, value: string): string {
  const f = value.trim();
  if (f.length === 0 || f.length > 2000) throw bad(field, 'needs 1–2000 characters');
  if (/[\u0000-\u001f]/.test(f)) throw bad(field, 'holds control characters');
  if (!f.startsWith('(') || !f.endsWith(')')) throw bad(field, 'must be in parentheses');
  let depth = 0;
  for (let i = 0; i < f.length; i++) {
    const ch = f[i];
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth < 0) break;
      if (depth === 0 && i !== f.length - 1) throw bad(field, 'must be one filter (wrap several in (&…))');
    } else if (depth === 0) throw bad(field, 'must be one filter (wrap several in (&…))');
  }
  if (depth !== 0) throw bad(field, 'has unbalanced parentheses');
  if (f === '()' || f.includes('()')) throw bad(field, 'holds an empty filter');
  return f;
}

/** An attribute name or OID (RFC 4512 descr / numericoid). */
function checkAttribute(field: string, value: string): string {
  if (!/^(?:[A-Za-z][A-Za-z0-9-]{0,63}|\d+(?:\.\d+)+)$/.test(value))
    throw bad(field, 'is not an attribute name');
  return value;
}

async function checkInput(ctx: ServiceContext, input: LdapDirectoryInput) {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw bad('/name', 'needs 1–100 characters');
  const startTls = input.startTls ?? false;
  const url = checkLdapUrl(input.url, startTls);
  const tlsCa = input.tlsCa?.trim() || null;
  if (tlsCa !== null && (!tlsCa.includes('-----BEGIN CERTIFICATE-----') || tlsCa.length > 50_000))
    throw bad('/tlsCa', 'must be PEM certificates');
  const bindMode = input.bindMode ?? 'search';
  if (!ldapBindModes.includes(bindMode)) throw bad('/bindMode', 'must be search or direct');
  const bindDn = input.bindDn?.trim() ? checkDn('/bindDn', input.bindDn) : null;
  const userDnTemplate = input.userDnTemplate?.trim() || null;
  if (bindMode === 'direct') {
    if (!userDnTemplate || !/\{(login|username)\}/.test(userDnTemplate))
      throw bad('/userDnTemplate', 'must hold {login} or {username} when people bind directly');
    checkDn('/userDnTemplate', userDnTemplate.replace(/\{(login|username)\}/g, 'x'));
  }
  const userBase = checkDn('/userBase', input.userBase);
  const groupBase = input.groupBase?.trim() ? checkDn('/groupBase', input.groupBase) : null;
  const nestedGroups = input.nestedGroups ?? defaults.nestedGroups;
  if (!ldapNestedGroupModes.includes(nestedGroups))
    throw bad('/nestedGroups', 'must be auto, matching-rule, walk or off');
  const mapping: LdapMapping = { ...defaultMapping, ...input.mapping };
  await checkRoleMapping(ctx, mapping, bad);
  const interval = input.syncIntervalMinutes ?? defaults.syncIntervalMinutes;
  if (!Number.isInteger(interval) || interval < 5 || interval > 10_080)
    throw bad('/syncIntervalMinutes', 'must be a whole number of minutes from 5 to 10080 (a week)');
  return {
    name,
    url,
    startTls,
    tlsCa,
    bindMode,
    bindDn,
    userDnTemplate: bindMode === 'direct' ? userDnTemplate : (userDnTemplate ?? null),
    userBase,
    userFilter: checkFilter('/userFilter', input.userFilter ?? defaults.userFilter),
    loginAttribute: checkAttribute('/loginAttribute', input.loginAttribute ?? defaults.loginAttribute),
    emailAttribute: checkAttribute('/emailAttribute', input.emailAttribute ?? defaults.emailAttribute),
    nameAttribute: checkAttribute('/nameAttribute', input.nameAttribute ?? defaults.nameAttribute),
    idAttribute: checkAttribute('/idAttribute', input.idAttribute ?? defaults.idAttribute),
    disabledFilter: input.disabledFilter?.trim()
      ? checkFilter('/disabledFilter', input.disabledFilter)
      : null,
    groupBase,
    groupFilter: checkFilter('/groupFilter', input.groupFilter ?? defaults.groupFilter),
    memberAttribute: checkAttribute('/memberAttribute', input.memberAttribute ?? defaults.memberAttribute),
    groupNameAttribute: checkAttribute(
      '/groupNameAttribute',
      input.groupNameAttribute ?? defaults.groupNameAttribute,
    ),
    nestedGroups,
    mapping,
    syncIntervalMinutes: interval,
  };
}

/** Connecting directories is an admin's work, as connecting identity providers is. */
function requireAdmin(actor: Actor): void {
  if (!canAccounts(actor, 'settings.manage'))
    throw new Forbidden('forbidden', 'Only admins manage directories.');
}

export async function listLdapDirectories(ctx: ServiceContext, actor: Actor): Promise<LdapDirectory[]> {
  requireAdmin(actor);
  const rows = await ctx.db
    .selectFrom('ldap_directories')
    .selectAll()
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map(toLdapDirectory);
}

async function readRow(ctx: ServiceContext, id: number): Promise<Row> {
  const row = await ctx.db.selectFrom('ldap_directories').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFound('ldap_directory_not_found', `No directory ${id}.`);
  return row;
}

export async function getLdapDirectory(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
): Promise<LdapDirectory> {
  requireAdmin(actor);
  return toLdapDirectory(await readRow(ctx, id));
}

/** The last sync's report, as it was stored (null: never synced). */
export async function lastLdapSyncReport(ctx: ServiceContext, actor: Actor, id: number): Promise<unknown> {
  requireAdmin(actor);
  const row = await readRow(ctx, id);
  return row.last_sync_report ? JSON.parse(row.last_sync_report) : null;
}

/** A directory with its service account's password: for binding only, never for the API. */
export async function directoryForBind(
  ctx: ServiceContext,
  id: number,
): Promise<{ directory: LdapDirectory; bindPassword: string | null }> {
  const row = await readRow(ctx, id);
  return { directory: toLdapDirectory(row), bindPassword: openSecret(ctx.config, row.bind_password) };
}

/** The enabled directories people sign in through, with their passwords, in the order they are tried. */
export async function directoriesForSignIn(
  ctx: ServiceContext,
): Promise<{ directory: LdapDirectory; bindPassword: string | null }[]> {
  const rows = await ctx.db
    .selectFrom('ldap_directories')
    .selectAll()
    .where('enabled', '=', 1)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    directory: toLdapDirectory(row),
    bindPassword: openSecret(ctx.config, row.bind_password),
  }));
}

async function nameTaken(ctx: ServiceContext, name: string, except: number | null): Promise<boolean> {
  let q = ctx.db.selectFrom('ldap_directories').select('id').where('name', '=', name);
  if (except !== null) q = q.where('id', '!=', except);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function createLdapDirectory(
  ctx: ServiceContext,
  actor: Actor,
  input: LdapDirectoryInput,
): Promise<LdapDirectory> {
  requireAdmin(actor);
  const c = await checkInput(ctx, input);
  if (await nameTaken(ctx, c.name, null)) throw bad('/name', 'is taken by another directory');
  const now = ctx.clock.now();
  const id = await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('ldap_directories')
      .values({
        name: c.name,
        url: c.url,
        start_tls: c.startTls ? 1 : 0,
        tls_ca: c.tlsCa,
        bind_mode: c.bindMode,
        bind_dn: c.bindDn,
        bind_password: sealSecret(ctx.config, input.bindPassword || null),
        user_dn_template: c.userDnTemplate,
        user_base: c.userBase,
        user_filter: c.userFilter,
        login_attribute: c.loginAttribute,
        email_attribute: c.emailAttribute,
        name_attribute: c.nameAttribute,
        id_attribute: c.idAttribute,
        disabled_filter: c.disabledFilter,
        group_base: c.groupBase,
        group_filter: c.groupFilter,
        member_attribute: c.memberAttribute,
        group_name_attribute: c.groupNameAttribute,
        nested_groups: c.nestedGroups,
        mapping: JSON.stringify(c.mapping),
        create_accounts: (input.createAccounts ?? true) ? 1 : 0,
        sync_enabled: input.syncEnabled ? 1 : 0,
        sync_interval_minutes: c.syncIntervalMinutes,
        enabled: (input.enabled ?? true) ? 1 : 0,
        last_sync_at: null,
        last_sync_report: null,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'ldap_directory.created',
      subjectType: 'ldap_directory',
      subjectId: String(row.id),
      details: { name: c.name, url: c.url, bindDn: c.bindDn },
    });
    return row.id;
  });
  return getLdapDirectory(ctx, actor, id);
}

export async function updateLdapDirectory(
  ctx: ServiceContext,
  actor: Actor,
  id: number,
  patch: Partial<LdapDirectoryInput>,
): Promise<LdapDirectory> {
  const before = await getLdapDirectory(ctx, actor, id);
  const { bindPassword, ...rest } = patch;
  const merged: LdapDirectoryInput = {
    ...before,
    ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
    mapping: { ...before.mapping, ...patch.mapping },
  };
  const c = await checkInput(ctx, merged);
  if (await nameTaken(ctx, c.name, id)) throw bad('/name', 'is taken by another directory');
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('ldap_directories')
      .set({
        name: c.name,
        url: c.url,
        start_tls: c.startTls ? 1 : 0,
        tls_ca: c.tlsCa,
        bind_mode: c.bindMode,
        bind_dn: c.bindDn,
        ...(bindPassword !== undefined
          ? { bind_password: sealSecret(ctx.config, bindPassword || null) }
          : {}),
        user_dn_template: c.userDnTemplate,
        user_base: c.userBase,
        user_filter: c.userFilter,
        login_attribute: c.loginAttribute,
        email_attribute: c.emailAttribute,
        name_attribute: c.nameAttribute,
        id_attribute: c.idAttribute,
        disabled_filter: c.disabledFilter,
        group_base: c.groupBase,
        group_filter: c.groupFilter,
        member_attribute: c.memberAttribute,
        group_name_attribute: c.groupNameAttribute,
        nested_groups: c.nestedGroups,
        mapping: JSON.stringify(c.mapping),
        create_accounts: merged.createAccounts ? 1 : 0,
        sync_enabled: merged.syncEnabled ? 1 : 0,
        sync_interval_minutes: c.syncIntervalMinutes,
        enabled: merged.enabled ? 1 : 0,
        updated_at: now,
      })
      .where('id', '=', id)
      .execute();
    const changed = Object.keys(patch).filter((k) => k !== 'bindPassword');
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'ldap_directory.updated',
      subjectType: 'ldap_directory',
      subjectId: String(id),
      details: { changed, ...(bindPassword !== undefined ? { bindPassword: 'replaced' } : {}) },
    });
  });
  return getLdapDirectory(ctx, actor, id);
}

/** Disconnect a directory: its links go, the accounts stay (with no password, they sign in after a reset). */
export async function deleteLdapDirectory(ctx: ServiceContext, actor: Actor, id: number): Promise<void> {
  await getLdapDirectory(ctx, actor, id);
  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('ldap_accounts').where('directory_id', '=', id).execute();
    await trx.deleteFrom('ldap_directories').where('id', '=', id).execute();
    await recordAudit(trx, {
      actorId: actor.id,
      at: now,
      action: 'ldap_directory.deleted',
      subjectType: 'ldap_directory',
      subjectId: String(id),
      details: {},
    });
  });
}
