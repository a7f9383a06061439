// Bulk import of people from CSV (issue 18, item 5): users, their groups and their managers, as a department
// moving in has them in a spreadsheet or an HR export. A preview (dryRun) says what each row would do and which
// rows are refused and why; the import itself writes the good rows in one transaction and reports the same.
// Re-running a file updates instead of duplicating (people are matched by email); an empty cell leaves a field
// as it is. Managers may be anyone already here or anyone in the file; a chain of managers that loops is refused.
import { parse } from 'csv-parse/sync';
import { recordAudit } from '../audit.js';
import type { ServiceContext } from '../context.js';
import type { Role } from '../db/index.js';
import { Forbidden, Invalid } from '../errors.js';
import { indexName } from '../search-names.js';
import { type Actor, roles } from './actor.js';
import { canAccounts } from './policies.js';
import { forgetAuthentications } from './sessions.js';
import { checkLanguage, checkShortText, checkTimeZone, normaliseEmail } from './user-records.js';

export const userImportLimits = { rows: 50_000, bodyBytes: 16 * 1_048_576 };

export interface UserImportReport {
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: { line: number; email: string | null; reasons: string[] }[];
  groupsCreated: string[];
  /** What each accepted row does (the first 1,000). */
  preview: { line: number; email: string; action: 'create' | 'update' | 'unchanged'; changes: string[] }[];
}

const columns = {
  email: ['email', 'e-mail', 'mail'],
  name: ['name', 'display name', 'full name'],
  role: ['role'],
  department: ['department'],
  location: ['location', 'office'],
  phone: ['phone', 'telephone'],
  language: ['language', 'locale'],
  timeZone: ['time_zone', 'timezone', 'time zone'],
  manager: ['manager', 'manager_email', 'manager email'],
  groups: ['groups', 'group'],
  active: ['active'],
  vip: ['vip'],
} as const;
type Column = keyof typeof columns;

interface Row {
  line: number;
  email: string;
  name?: string;
  role?: Role;
  department?: string | null;
  location?: string | null;
  phone?: string | null;
  language?: string | null;
  timeZone?: string | null;
  managerEmail?: string;
  groups?: string[];
  active?: boolean;
  vip?: boolean;
}

function yesNo(v: string): boolean | null {
  const t = v.trim().toLowerCase();
  if (['true', 'yes', 'y', '1', 'ja'].includes(t)) return true;
  if (['false', 'no', 'n', '0', 'nein'].includes(t)) return false;
  return null;
}

/** The header row's columns; unknown ones are refused (a typo would otherwise drop a column silently). */
function headerMap(header: string[]): Map<number, Column> {
  const map = new Map<number, Column>();
  const seen = new Set<Column>();
  const unknown: string[] = [];
  header.forEach((h, i) => {
    const name = h
      .trim()
      .toLowerCase()
      .replace(/^\uFEFF/, '');
    const col = (Object.keys(columns) as Column[]).find((c) =>
      (columns[c] as readonly string[]).includes(name),
    );
    if (!col) {
      if (name !== '') unknown.push(h.trim());
      return;
    }
    if (seen.has(col))
      throw new Invalid('invalid_user_import', `The column ${col} appears twice in the header.`, [
        { field: '/csv', message: `duplicate column ${h}` },
      ]);
    seen.add(col);
    map.set(i, col);
  });
  if (unknown.length > 0)
    throw new Invalid(
      'invalid_user_import',
      `Unknown columns: ${unknown.join(', ')}. Known: ${Object.values(columns)
        .map((a) => a[0])
        .join(', ')}.`,
      [{ field: '/csv', message: 'unknown column' }],
    );
  if (!seen.has('email'))
    throw new Invalid('invalid_user_import', 'The header needs an email column.', [
      { field: '/csv', message: 'no email column' },
    ]);
  return map;
}

function records(csv: string): string[][] {
  const firstLine = csv.slice(0, csv.search(/\r?\n|$/));
  const delimiter = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  try {
    return parse(csv, {
      delimiter,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: 64 * 1024,
    }) as string[][];
  } catch (e) {
    throw new Invalid('invalid_user_import', `The CSV cannot be read: ${(e as Error).message}`, [
      { field: '/csv', message: 'not CSV' },
    ]);
  }
}

/** One row checked on its own; what needs the others (managers, duplicates) comes after. */
function readRow(
  line: number,
  cells: string[],
  header: Map<number, Column>,
): Row | { line: number; email: string | null; reasons: string[] } {
  const raw: Partial<Record<Column, string>> = {};
  for (const [i, col] of header) raw[col] = (cells[i] ?? '').trim();
  const reasons: string[] = [];
  const attempt = <T>(f: () => T): T | undefined => {
    try {
      return f();
    } catch (e) {
      reasons.push((e as Error).message);
      return undefined;
    }
  };
  const email = raw.email ? attempt(() => normaliseEmail(raw.email as string)) : undefined;
  if (!raw.email) reasons.push('email: required');
  const row: Row = { line, email: email ?? '' };
  if (raw.name) {
    if (raw.name.length > 200) reasons.push('name: at most 200 characters');
    else row.name = raw.name;
  }
  if (raw.role) {
    const r = raw.role.toLowerCase() as Role;
    if (!roles.includes(r)) reasons.push(`role: "${raw.role}" is not one of ${roles.join(', ')}`);
    else row.role = r;
  }
  if (raw.department) {
    if (raw.department.length > 100) reasons.push('department: at most 100 characters');
    else row.department = raw.department;
  }
  if (raw.location) row.location = attempt(() => checkShortText(raw.location, '/location', 200));
  if (raw.phone) row.phone = attempt(() => checkShortText(raw.phone, '/phone', 50));
  if (raw.language) row.language = attempt(() => checkLanguage(raw.language));
  if (raw.timeZone) row.timeZone = attempt(() => checkTimeZone(raw.timeZone, '/time_zone'));
  if (raw.manager) {
    const m = attempt(() => normaliseEmail(raw.manager as string));
    if (m) row.managerEmail = m;
  }
  if (raw.groups) {
    const names = [
      ...new Set(
        raw.groups
          .split(/[;|]/)
          .map((g) => g.trim())
          .filter(Boolean),
      ),
    ];
    if (names.some((g) => g.length > 100)) reasons.push('groups: a group name has at most 100 characters');
    else if (names.length > 50) reasons.push('groups: at most 50');
    else row.groups = names;
  }
  for (const key of ['active', 'vip'] as const) {
    const v = raw[key];
    if (!v) continue;
    const b = yesNo(v);
    if (b === null) reasons.push(`${key}: "${v}" is not true or false`);
    else row[key] = b;
  }
  return reasons.length > 0 ? { line, email: email ?? raw.email ?? null, reasons } : row;
}

/** A people CSV read row by row, each checked on its own (pure: no database); what importUsersCsv then writes. */
export interface ReadUsersCsv {
  rowCount: number;
  rows: Row[];
  rejected: UserImportReport['rejected'];
}

/** Read a people CSV: its header, each row on its own, and the same email twice; throws Invalid for a file that cannot be imported at all. */
export function readUsersCsv(csv: string): ReadUsersCsv {
  const all = records(csv);
  if (all.length === 0)
    throw new Invalid('invalid_user_import', 'The CSV is empty: it needs a header row.', [
      { field: '/csv', message: 'empty' },
    ]);
  if (all.length - 1 > userImportLimits.rows)
    throw new Invalid('invalid_user_import', `At most ${userImportLimits.rows} rows per import.`, [
      { field: '/csv', message: 'too many rows' },
    ]);
  const header = headerMap(all[0]);
  const rejected: ReadUsersCsv['rejected'] = [];
  const rows: Row[] = [];
  const firstLine = new Map<string, number>();
  all.slice(1).forEach((cells, i) => {
    const line = i + 2;
    const r = readRow(line, cells, header);
    if (!('reasons' in r)) {
      const seen = firstLine.get(r.email);
      if (seen !== undefined) {
        rejected.push({ line, email: r.email, reasons: [`email: ${r.email} is on line ${seen} already`] });
        return;
      }
      firstLine.set(r.email, line);
      rows.push(r);
    } else rejected.push(r);
  });
  return { rowCount: all.length - 1, rows, rejected };
}

/**
 * Import (or preview, with dryRun) people from CSV. Columns: email (required), name (required for a new
 * person), role (default requester), department, location, phone, language, time_zone, manager (an email, of
 * someone here or in the file), groups (names separated by ; or |; missing groups are made), active, vip.
 */
export async function importUsersCsv(
  ctx: ServiceContext,
  actor: Actor,
  csv: string,
  options: { dryRun: boolean },
): Promise<UserImportReport> {
  if (!canAccounts(actor, 'user.create')) throw new Forbidden('forbidden', 'Only an admin may import users.');
  const { rowCount, rows, rejected } = readUsersCsv(csv);
  const report: UserImportReport = {
    dryRun: options.dryRun,
    rows: rowCount,
    created: 0,
    updated: 0,
    unchanged: 0,
    rejected,
    groupsCreated: [],
    preview: [],
  };

  const now = ctx.clock.now();
  await ctx.db.transaction().execute(async (trx) => {
    const existing = new Map(
      (
        await trx
          .selectFrom('users')
          .select([
            'id',
            'email',
            'name',
            'role',
            'department',
            'location',
            'phone',
            'language',
            'time_zone',
            'manager_id',
            'active',
            'vip',
          ])
          .execute()
      ).map((u) => [u.email, u]),
    );
    const emailOfId = new Map([...existing.values()].map((u) => [u.id, u.email]));
    const groups = new Map(
      (
        await trx.selectFrom('groups').select(['id', 'name']).where('scim_deleted_at', 'is', null).execute()
      ).map((g) => [g.name.toLowerCase(), g]),
    );
    const inFile = new Map(rows.map((r) => [r.email, r]));
    const memberships = new Map<number, Set<string>>();
    for (const m of await trx
      .selectFrom('group_members')
      .innerJoin('groups', 'groups.id', 'group_members.group_id')
      .select(['group_members.user_id', 'groups.name'])
      .execute()) {
      const set = memberships.get(m.user_id) ?? new Set<string>();
      set.add(m.name.toLowerCase());
      memberships.set(m.user_id, set);
    }

    // Pass 2: what needs the others — a name for new people, managers that exist and do not loop, groups for staff.
    const managerOf = (email: string): string | null => {
      const r = inFile.get(email);
      if (r?.managerEmail !== undefined) return r.managerEmail;
      const u = existing.get(email);
      return u?.manager_id ? (emailOfId.get(u.manager_id) ?? null) : null;
    };
    const accepted: Row[] = [];
    for (const r of rows) {
      const reasons: string[] = [];
      const before = existing.get(r.email);
      if (!before && !r.name) reasons.push('name: required for a new person');
      const role = r.role ?? before?.role ?? 'requester';
      if (r.email === actor.email && (role !== 'admin' || r.active === false))
        reasons.push('you cannot demote or deactivate your own account');
      if (r.managerEmail !== undefined) {
        if (r.managerEmail === r.email) reasons.push('manager: a person is not their own manager');
        else if (!existing.has(r.managerEmail) && !inFile.has(r.managerEmail))
          reasons.push(`manager: no one with ${r.managerEmail} here or in the file`);
        else {
          const seen = new Set([r.email]);
          for (let at: string | null = r.managerEmail; at !== null; at = managerOf(at)) {
            if (seen.has(at)) {
              reasons.push(`manager: ${r.managerEmail} reports to ${r.email}, directly or through others`);
              break;
            }
            seen.add(at);
          }
        }
      }
      if (r.groups?.length && role === 'requester')
        reasons.push('groups: requesters are in no group (groups are technician groups); give a staff role');
      if (reasons.length > 0) report.rejected.push({ line: r.line, email: r.email, reasons });
      else accepted.push(r);
    }
    // A manager refused above takes their reports' rows with them only when no one by that email exists.
    const acceptedEmails = new Set(accepted.map((r) => r.email));
    const kept: Row[] = [];
    for (const r of accepted) {
      if (r.managerEmail && !existing.has(r.managerEmail) && !acceptedEmails.has(r.managerEmail)) {
        report.rejected.push({
          line: r.line,
          email: r.email,
          reasons: [`manager: ${r.managerEmail}'s own row was refused`],
        });
        acceptedEmails.delete(r.email);
      } else kept.push(r);
    }
    report.rejected.sort((a, b) => a.line - b.line);

    // Pass 3: write (or, for a preview, only say what would be written).
    const idOf = new Map([...existing.values()].map((u) => [u.email, u.id]));
    const groupIdOf = async (name: string): Promise<number> => {
      const g = groups.get(name.toLowerCase());
      if (g) return g.id;
      report.groupsCreated.push(name);
      const id = options.dryRun
        ? -report.groupsCreated.length
        : (
            await trx
              .insertInto('groups')
              .values({ name, description: '', created_at: now })
              .returning('id')
              .executeTakeFirstOrThrow()
          ).id;
      groups.set(name.toLowerCase(), { id, name });
      return id;
    };
    for (const r of kept) {
      const before = existing.get(r.email);
      const set = {
        ...(r.name !== undefined ? { name: r.name } : {}),
        ...(r.role !== undefined ? { role: r.role } : {}),
        ...(r.department !== undefined ? { department: r.department } : {}),
        ...(r.location !== undefined ? { location: r.location } : {}),
        ...(r.phone !== undefined ? { phone: r.phone } : {}),
        ...(r.language !== undefined ? { language: r.language } : {}),
        ...(r.timeZone !== undefined ? { time_zone: r.timeZone } : {}),
        ...(r.active !== undefined ? { active: r.active ? 1 : 0 } : {}),
        ...(r.vip !== undefined ? { vip: r.vip ? 1 : 0 } : {}),
      };
      const changes = before
        ? Object.entries(set)
            .filter(([k, v]) => (before as Record<string, unknown>)[k] !== v)
            .map(([k]) => (k === 'time_zone' ? 'timeZone' : k))
        : Object.keys(set).map((k) => (k === 'time_zone' ? 'timeZone' : k));
      if (r.managerEmail !== undefined) {
        const current = before?.manager_id ? emailOfId.get(before.manager_id) : undefined;
        if (current !== r.managerEmail) changes.push('manager');
      }
      const mine = before ? (memberships.get(before.id) ?? new Set<string>()) : new Set<string>();
      if (r.groups?.some((g) => !mine.has(g.toLowerCase()))) changes.push('groups');
      const action = !before ? 'create' : changes.length > 0 ? 'update' : 'unchanged';
      report[action === 'create' ? 'created' : action === 'update' ? 'updated' : 'unchanged']++;
      if (report.preview.length < 1000)
        report.preview.push({ line: r.line, email: r.email, action, changes });
      if (options.dryRun || action === 'unchanged') continue;
      let id: number;
      if (!before) {
        id = (
          await trx
            .insertInto('users')
            .values({
              email: r.email,
              name: r.name as string,
              role: r.role ?? 'requester',
              password_hash: null,
              active: r.active === false ? 0 : 1,
              failed_logins: 0,
              locked_until: null,
              vip: r.vip ? 1 : 0,
              department: r.department ?? null,
              location: r.location ?? null,
              phone: r.phone ?? null,
              language: r.language ?? null,
              time_zone: r.timeZone ?? null,
              created_at: now,
              updated_at: now,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
        idOf.set(r.email, id);
        await indexName(trx, 'user', id, r.name as string);
      } else {
        id = before.id;
        await trx
          .updateTable('users')
          .set({ ...set, updated_at: now })
          .where('id', '=', id)
          .execute();
        if (r.name !== undefined && r.name !== before.name) await indexName(trx, 'user', id, r.name);
        if (r.active === false) await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
        if ((r.role ?? before.role) === 'requester')
          await trx.deleteFrom('group_members').where('user_id', '=', id).execute();
      }
      if (r.groups?.length) {
        for (const name of r.groups) {
          const gid = await groupIdOf(name);
          await trx
            .insertInto('group_members')
            .values({ group_id: gid, user_id: id })
            .onConflict((oc) => oc.doNothing())
            .execute();
        }
      }
      await recordAudit(trx, {
        actorId: actor.id,
        at: now,
        action: before ? 'user.updated' : 'user.created',
        subjectType: 'user',
        subjectId: id,
        details: { via: 'import', line: r.line, changes },
      });
    }
    // Managers last: a manager may be a row further down the file.
    if (!options.dryRun) {
      for (const r of kept) {
        if (r.managerEmail === undefined) continue;
        const managerId = idOf.get(r.managerEmail);
        const id = idOf.get(r.email);
        if (managerId !== undefined && id !== undefined)
          await trx.updateTable('users').set({ manager_id: managerId }).where('id', '=', id).execute();
      }
    } else {
      for (const r of kept) for (const g of r.groups ?? []) await groupIdOf(g);
    }
    if (!options.dryRun)
      await recordAudit(trx, {
        actorId: actor.id,
        at: now,
        action: 'user.imported',
        subjectType: 'user',
        subjectId: 'import',
        details: {
          rows: report.rows,
          created: report.created,
          updated: report.updated,
          rejected: report.rejected.length,
          groupsCreated: report.groupsCreated,
        },
      });
  });
  if (!options.dryRun) forgetAuthentications(ctx);
  return report;
}
