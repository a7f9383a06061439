// The sync of a directory's people and groups into accounts: every person the user filter finds gets an account
// (created, or linked by e-mail, when the directory creates accounts), kept in step with the directory's name,
// e-mail, role and mapped groups (nested groups resolved by AD's in-chain rule, or by walking member attributes in
// memory); accounts linked to the directory whose person vanished or is disabled are deactivated, and activated
// again when the person comes back. A dry run reports the same without writing. One sync of a directory runs at a
// time across instances (runExclusively) and within this one.
import { escapeFilter } from 'ldapts';
import { recordAudit } from '../audit.js';
import { defineLocalCache } from '../cache-versions.js';
import type { ServiceContext } from '../context.js';
import { chunks, type Role } from '../db/index.js';
import { Conflict, Forbidden } from '../errors.js';
import { runExclusively } from '../exclusive-work.js';
import type { JobScheduler } from '../jobs.js';
import { indexName } from '../search-names.js';
import type { Actor } from './actor.js';
import { allValues, firstValue, normaliseDn, withServiceConnection } from './ldap-connection.js';
import { directoryForBind, type LdapDirectory } from './ldap-directories.js';
import {
  type DirectoryPerson,
  groupBaseOf,
  groupKeys,
  inChainRule,
  mappedGroups,
  mappedRole,
  nestedStrategy,
  personAttributes,
  toPerson,
} from './ldap-people.js';
import { canAccounts } from './policies.js';
import { forgetAuthentications } from './sessions.js';
import { normaliseEmail } from './user-records.js';

/** How many items a report lists (its counts count all). */
export const ldapReportItemLimit = 500;
/** How often the job looks for directories whose sync is due. */
export const ldapSyncTickMs = 60_000;

export interface LdapSyncItem {
  action: 'added' | 'changed' | 'deactivated' | 'error';
  dn: string;
  email: string | null;
  changes?: string[];
  reason?: string;
}

export interface LdapSyncReport {
  directoryId: number;
  dryRun: boolean;
  startedAt: number;
  finishedAt: number;
  /** People the user filter found, and groups the group filter found (0 with AD's in-chain rule). */
  people: number;
  groups: number;
  added: number;
  changed: number;
  deactivated: number;
  unchanged: number;
  errors: number;
  items: LdapSyncItem[];
}

/** What the directory says, read in one connection before anything is written. */
interface DirectoryRead {
  people: DirectoryPerson[];
  /** Per person (by DN, normalised): the mapping keys of their groups. */
  groupsOf: Map<string, Set<string>>;
  groupCount: number;
}

/** Syncs running in this process, by directory: a second one answers ldap_sync_running. */
const runningSyncs = defineLocalCache<Set<number>>('ldap-syncs-running', () => new Set());

async function readDirectory(directory: LdapDirectory, bindPassword: string | null): Promise<DirectoryRead> {
  return withServiceConnection(directory, bindPassword, async (conn) => {
    const people: DirectoryPerson[] = [];
    const disabled = new Set<string>();
    if (directory.disabledFilter)
      for await (const page of conn.searchPages(
        directory.userBase,
        `(&${directory.userFilter}${directory.disabledFilter})`,
        ['dn'],
      ))
        for (const e of page) disabled.add(normaliseDn(e.dn));
    for await (const page of conn.searchPages(
      directory.userBase,
      directory.userFilter,
      personAttributes(directory),
    ))
      for (const e of page) {
        const p = toPerson(directory, e, disabled.has(normaliseDn(e.dn)));
        if (p) people.push(p);
      }
    const groupsOf = new Map<string, Set<string>>();
    const keysOf = (dn: string) => {
      const n = normaliseDn(dn);
      let s = groupsOf.get(n);
      if (!s) {
        s = new Set();
        groupsOf.set(n, s);
      }
      return s;
    };
    const strategy = await nestedStrategy(conn, directory.nestedGroups);
    const base = groupBaseOf(directory);
    if (strategy === 'matching-rule') {
      // Active Directory resolves nesting itself: one search of people per group the mapping names.
      const mapped = [...Object.keys(directory.mapping.roleMap), ...Object.keys(directory.mapping.groupMap)];
      const groups = new Map<string, string | null>();
      for (const key of new Set(mapped)) {
        const found = key.includes('=')
          ? await conn.search(key, directory.groupFilter, [directory.groupNameAttribute]).catch(() => [])
          : await conn.search(
              base,
              `(&${directory.groupFilter}(${directory.groupNameAttribute}=${escapeFilter`${key}`}))`,
              [directory.groupNameAttribute],
            );
        for (const g of found) groups.set(g.dn, firstValue(g, directory.groupNameAttribute));
      }
      for (const [dn, name] of groups) {
        const rule = `(memberOf:${inChainRule}:=${escapeFilter`${dn}`})`;
        for await (const page of conn.searchPages(directory.userBase, `(&${directory.userFilter}${rule})`, [
          'dn',
        ]))
          for (const e of page) for (const k of groupKeys(dn, name)) keysOf(e.dn).add(k);
      }
      return { people, groupsOf, groupCount: 0 };
    }
    // OpenLDAP and others: every group with its members, nesting walked here.
    const groups: { dn: string; keys: string[]; members: string[] }[] = [];
    for await (const page of conn.searchPages(base, directory.groupFilter, [
      directory.groupNameAttribute,
      directory.memberAttribute,
    ]))
      for (const g of page)
        groups.push({
          dn: normaliseDn(g.dn),
          keys: groupKeys(g.dn, firstValue(g, directory.groupNameAttribute)),
          members: allValues(g, directory.memberAttribute).map(normaliseDn),
        });
    /** Member DN → the groups naming it directly. */
    const parents = new Map<string, number[]>();
    groups.forEach((g, i) => {
      for (const m of g.members) {
        const list = parents.get(m);
        if (list) list.push(i);
        else parents.set(m, [i]);
      }
    });
    /** A group's own index and every group it is in, through any depth (loops end where they were seen). */
    const closure = new Map<number, number[]>();
    const closureOf = (start: number): number[] => {
      const known = closure.get(start);
      if (known) return known;
      const seen = new Set([start]);
      const queue = [start];
      while (queue.length > 0) {
        const g = queue.pop() as number;
        for (const p of parents.get(groups[g]?.dn ?? '') ?? [])
          if (!seen.has(p)) {
            seen.add(p);
            queue.push(p);
          }
      }
      const all = [...seen];
      closure.set(start, all);
      return all;
    };
    for (const p of people) {
      const direct = parents.get(normaliseDn(p.dn)) ?? [];
      const all = strategy === 'walk' ? new Set(direct.flatMap(closureOf)) : new Set(direct);
      const keys = keysOf(p.dn);
      for (const g of all) for (const k of groups[g]?.keys ?? []) keys.add(k);
    }
    return { people, groupsOf, groupCount: groups.length };
  });
}

/** Sync one directory (or, with dryRun, report what a sync would do). Throws ldap_sync_running when one runs. */
export async function syncLdapDirectory(
  ctx: ServiceContext,
  actor: Actor | null,
  id: number,
  options: { dryRun: boolean },
): Promise<LdapSyncReport> {
  if (actor && !canAccounts(actor, 'settings.manage'))
    throw new Forbidden('forbidden', 'Only admins manage directories.');
  const running = ctx.caches.local(runningSyncs);
  const busy = () =>
    new Conflict('ldap_sync_running', `A sync of directory ${id} is running; try again when it ends.`);
  // Claimed before the first await: two requests arriving together cannot both pass.
  if (running.has(id)) throw busy();
  running.add(id);
  try {
    const { directory, bindPassword } = await directoryForBind(ctx, id);
    const r = await runExclusively(ctx, `auth.ldap-sync.${id}`, () =>
      applySync(ctx, actor, directory, bindPassword, options.dryRun),
    );
    if (!r.ran) throw busy();
    return r.value;
  } finally {
    running.delete(id);
  }
}

interface LocalUser {
  id: number;
  email: string;
  name: string;
  role: Role;
  active: number;
}

async function applySync(
  ctx: ServiceContext,
  actor: Actor | null,
  directory: LdapDirectory,
  bindPassword: string | null,
  dryRun: boolean,
): Promise<LdapSyncReport> {
  const startedAt = ctx.clock.now();
  const read = await readDirectory(directory, bindPassword);
  const report: LdapSyncReport = {
    directoryId: directory.id,
    dryRun,
    startedAt,
    finishedAt: startedAt,
    people: read.people.length,
    groups: read.groupCount,
    added: 0,
    changed: 0,
    deactivated: 0,
    unchanged: 0,
    errors: 0,
    items: [],
  };
  const note = (item: LdapSyncItem) => {
    report[item.action === 'error' ? 'errors' : item.action]++;
    if (report.items.length < ldapReportItemLimit) report.items.push(item);
  };
  const now = ctx.clock.now();
  const managed = [...new Set(Object.values(directory.mapping.groupMap).flat())];

  await ctx.db.transaction().execute(async (trx) => {
    const links = new Map(
      (
        await trx
          .selectFrom('ldap_accounts')
          .select(['unique_id', 'user_id', 'dn', 'deactivated_by_sync'])
          .where('directory_id', '=', directory.id)
          .execute()
      ).map((l) => [l.unique_id, l]),
    );
    const linkOfUser = new Map([...links.values()].map((l) => [l.user_id, l.unique_id]));
    const linkedElsewhere = new Set(
      (
        await trx
          .selectFrom('ldap_accounts')
          .select('user_id')
          .where('directory_id', '!=', directory.id)
          .execute()
      ).map((l) => l.user_id),
    );
    const users = await trx.selectFrom('users').select(['id', 'email', 'name', 'role', 'active']).execute();
    const byId = new Map<number, LocalUser>(users.map((u) => [u.id, u]));
    const byEmail = new Map<string, LocalUser>(users.map((u) => [u.email, u]));
    const memberships = new Map<number, Set<number>>();
    for (const part of chunks(managed, 500))
      for (const m of await trx
        .selectFrom('group_members')
        .select(['user_id', 'group_id'])
        .where('group_id', 'in', part)
        .execute()) {
        const s = memberships.get(m.user_id);
        if (s) s.add(m.group_id);
        else memberships.set(m.user_id, new Set([m.group_id]));
      }

    const seen = new Set<string>();
    const claimed = new Set<number>();
    // New accounts are written after the walk, several hundred a statement (one round trip per row was the cost).
    const pending = new Set<string>();
    const toCreate: { person: DirectoryPerson; email: string; role: Role; groupIds: number[] }[] = [];
    for (const person of read.people) {
      if (person.disabled) continue;
      seen.add(person.uniqueId);
      let email: string | null = null;
      try {
        email = person.email ? normaliseEmail(person.email) : null;
      } catch {
        email = null;
      }
      const keys = read.groupsOf.get(normaliseDn(person.dn)) ?? new Set<string>();
      const role = mappedRole(directory.mapping, keys);
      const groups = mappedGroups(directory.mapping, keys);
      const link = links.get(person.uniqueId);
      let user = link ? byId.get(link.user_id) : undefined;
      const linking = !user;
      if (!user && email) {
        user = byEmail.get(email);
        if (user && linkedElsewhere.has(user.id)) {
          note({
            action: 'error',
            dn: person.dn,
            email,
            reason: 'the account is linked to another directory',
          });
          continue;
        }
        if (user && claimed.has(user.id)) {
          note({
            action: 'error',
            dn: person.dn,
            email,
            reason: 'another person of the directory has this e-mail',
          });
          continue;
        }
        // The account was linked to someone the directory no longer has (an entry deleted and made again):
        // it passes to the person with its e-mail, and is not deactivated with the old link.
        const old = user ? linkOfUser.get(user.id) : undefined;
        if (user && old !== undefined) {
          links.delete(old);
          if (!dryRun)
            await trx
              .deleteFrom('ldap_accounts')
              .where('directory_id', '=', directory.id)
              .where('unique_id', '=', old)
              .execute();
        }
      }
      if (!user) {
        if (!directory.createAccounts) continue;
        if (!email) {
          note({ action: 'error', dn: person.dn, email: null, reason: `no ${directory.emailAttribute}` });
          continue;
        }
        const newRole = role ?? directory.mapping.defaultRole;
        if (pending.has(email)) {
          note({
            action: 'error',
            dn: person.dn,
            email,
            reason: 'another person of the directory has this e-mail',
          });
          continue;
        }
        note({ action: 'added', dn: person.dn, email });
        if (dryRun) {
          pending.add(email);
          continue;
        }
        pending.add(email);
        toCreate.push({ person, email, role: newRole, groupIds: [...groups.member] });
        continue;
      }
      claimed.add(user.id);
      const changes: string[] = [];
      const set: { name?: string; email?: string; role?: Role; active?: number } = {};
      if (linking) changes.push('linked');
      if (person.name !== user.name) {
        set.name = person.name;
        changes.push('name');
      }
      if (email && email !== user.email && !byEmail.has(email)) {
        set.email = email;
        changes.push('email');
      }
      if (role && role !== user.role && user.role !== 'admin') {
        set.role = role;
        changes.push('role');
      }
      const reactivate = user.active === 0 && link?.deactivated_by_sync === 1;
      if (reactivate) {
        set.active = 1;
        changes.push('active');
      }
      const current = memberships.get(user.id) ?? new Set<number>();
      const add = [...groups.member].filter((g) => !current.has(g));
      const remove = [...current].filter((g) => !groups.member.has(g));
      if (add.length + remove.length > 0) changes.push('groups');
      if (changes.length === 0) {
        report.unchanged++;
        if (!dryRun && link && link.dn !== person.dn)
          await trx
            .updateTable('ldap_accounts')
            .set({ dn: person.dn })
            .where('directory_id', '=', directory.id)
            .where('unique_id', '=', person.uniqueId)
            .execute();
        continue;
      }
      note({ action: 'changed', dn: person.dn, email: email ?? user.email, changes });
      if (dryRun) continue;
      const uid = user.id;
      if (Object.keys(set).length > 0)
        await trx
          .updateTable('users')
          .set({ ...set, updated_at: now })
          .where('id', '=', uid)
          .execute();
      if (set.name !== undefined) await indexName(trx, 'user', uid, set.name);
      if (set.email !== undefined) {
        byEmail.delete(user.email);
        byEmail.set(set.email, user);
      }
      await trx
        .insertInto('ldap_accounts')
        .values({
          directory_id: directory.id,
          unique_id: person.uniqueId,
          user_id: uid,
          dn: person.dn,
          deactivated_by_sync: 0,
          created_at: now,
          last_seen_at: now,
          last_sign_in_at: null,
        })
        .onConflict((oc) =>
          oc.columns(['directory_id', 'unique_id']).doUpdateSet({ dn: person.dn, deactivated_by_sync: 0 }),
        )
        .execute();
      if (remove.length > 0)
        await trx
          .deleteFrom('group_members')
          .where('user_id', '=', uid)
          .where('group_id', 'in', remove)
          .execute();
      if (add.length > 0)
        await trx
          .insertInto('group_members')
          .values(add.map((group_id) => ({ group_id, user_id: uid })))
          .execute();
      await recordAudit(trx, {
        actorId: actor?.id ?? null,
        at: now,
        action: 'user.updated',
        subjectType: 'user',
        subjectId: uid,
        details: { via: 'ldap', directoryId: directory.id, changes },
      });
    }

    for (const part of chunks(toCreate, 500)) {
      const rows = await trx
        .insertInto('users')
        .values(
          part.map((c) => ({
            email: c.email,
            name: c.person.name,
            role: c.role,
            password_hash: null,
            active: 1,
            failed_logins: 0,
            locked_until: null,
            created_at: now,
            updated_at: now,
          })),
        )
        .returning(['id', 'email'])
        .execute();
      const idOf = new Map(rows.map((r) => [r.email, r.id]));
      const made = part.map((c) => ({ ...c, id: idOf.get(c.email) as number }));
      await trx
        .insertInto('ldap_accounts')
        .values(
          made.map((c) => ({
            directory_id: directory.id,
            unique_id: c.person.uniqueId,
            user_id: c.id,
            dn: c.person.dn,
            deactivated_by_sync: 0,
            created_at: now,
            last_seen_at: now,
            last_sign_in_at: null,
          })),
        )
        .execute();
      const members = made.flatMap((c) => c.groupIds.map((group_id) => ({ group_id, user_id: c.id })));
      if (members.length > 0) await trx.insertInto('group_members').values(members).execute();
      // The same rows recordAudit writes, several at once.
      await trx
        .insertInto('audit_log')
        .values(
          made.map((c) => ({
            actor_id: actor?.id ?? null,
            at: now,
            action: 'user.created',
            subject_type: 'user',
            subject_id: String(c.id),
            details: JSON.stringify({
              via: 'ldap',
              directoryId: directory.id,
              dn: c.person.dn,
              role: c.role,
              groupIds: c.groupIds,
            }),
          })),
        )
        .execute();
      for (const c of made) await indexName(trx, 'user', c.id, c.person.name);
    }

    // People who left (or are disabled): their accounts are deactivated and their sessions end.
    const disabledIds = new Set(read.people.filter((p) => p.disabled).map((p) => p.uniqueId));
    for (const [uniqueId, link] of links) {
      if (seen.has(uniqueId)) continue;
      const user = byId.get(link.user_id);
      if (!user || user.active === 0) continue;
      const disabled = disabledIds.has(uniqueId);
      note({
        action: 'deactivated',
        dn: link.dn,
        email: user.email,
        reason: disabled ? 'disabled in the directory' : 'no longer in the directory',
      });
      if (dryRun) continue;
      await trx.updateTable('users').set({ active: 0, updated_at: now }).where('id', '=', user.id).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', user.id).execute();
      await trx
        .updateTable('ldap_accounts')
        .set({ deactivated_by_sync: 1 })
        .where('directory_id', '=', directory.id)
        .where('unique_id', '=', uniqueId)
        .execute();
      await recordAudit(trx, {
        actorId: actor?.id ?? null,
        at: now,
        action: 'user.deactivated',
        subjectType: 'user',
        subjectId: user.id,
        details: {
          via: 'ldap',
          directoryId: directory.id,
          dn: link.dn,
          reason: disabled ? 'disabled' : 'gone',
        },
      });
    }
    if (!dryRun && seen.size > 0)
      for (const part of chunks([...seen], 500))
        await trx
          .updateTable('ldap_accounts')
          .set({ last_seen_at: now })
          .where('directory_id', '=', directory.id)
          .where('unique_id', 'in', part)
          .execute();
    report.finishedAt = ctx.clock.now();
    if (!dryRun) {
      await trx
        .updateTable('ldap_directories')
        .set({ last_sync_at: now, last_sync_report: JSON.stringify(report) })
        .where('id', '=', directory.id)
        .execute();
      await recordAudit(trx, {
        actorId: actor?.id ?? null,
        at: now,
        action: 'ldap_directory.synced',
        subjectType: 'ldap_directory',
        subjectId: String(directory.id),
        details: {
          people: report.people,
          added: report.added,
          changed: report.changed,
          deactivated: report.deactivated,
          errors: report.errors,
        },
      });
    }
  });
  if (!dryRun) forgetAuthentications(ctx);
  return report;
}

/** The periodic sync: every directory whose sync is on and due, one at a time; a failing one is logged. */
export async function runDueLdapSyncs(ctx: ServiceContext): Promise<void> {
  const now = ctx.clock.now();
  const due = await ctx.db
    .selectFrom('ldap_directories')
    .select(['id', 'sync_interval_minutes', 'last_sync_at'])
    .where('enabled', '=', 1)
    .where('sync_enabled', '=', 1)
    .execute();
  for (const d of due) {
    if (d.last_sync_at !== null && d.last_sync_at + d.sync_interval_minutes * 60_000 > now) continue;
    try {
      const r = await syncLdapDirectory(ctx, null, d.id, { dryRun: false });
      ctx.log.info(
        { directoryId: d.id, added: r.added, changed: r.changed, deactivated: r.deactivated },
        'ldap sync',
      );
    } catch (err) {
      ctx.log.warn({ err, directoryId: d.id }, 'ldap sync failed');
    }
  }
}

/** The job `auth.ldap-sync`: looks each minute for directories whose sync is due. */
export function registerLdapSync(ctx: ServiceContext, jobs: JobScheduler): void {
  jobs.every('auth.ldap-sync', ldapSyncTickMs, () => runDueLdapSyncs(ctx));
}
