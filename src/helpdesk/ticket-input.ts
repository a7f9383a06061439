// Checking what a caller asks of a ticket: the fields' limits, tags, and the references it names (category,
// people, group). Used by filing (tickets.ts) and changing (ticket-changes.ts) alike.
import type { Transaction } from 'kysely';
import { isStaff } from '../core/auth/index.js';
import type { Database } from '../core/db/index.js';
import { type CodeOfKind, Invalid } from '../core/errors.js';

export const ticketLimits = { title: 200, description: 65_535, tags: 20, tag: 50, watchers: 50 } as const;

type Trx = Transaction<Database>;

export function invalid(
  field: string,
  message: string,
  code: CodeOfKind<'invalid'> = 'validation_failed',
): Invalid {
  return new Invalid(code, `${field.slice(1)}: ${message}`, [{ field, message }]);
}

export function cleanTitle(title: string): string {
  const t = title.trim();
  if (t.length === 0 || t.length > ticketLimits.title)
    throw invalid('/title', `must be 1–${ticketLimits.title} characters`);
  return t;
}

export function cleanDescription(d: string): string {
  if (d.length > ticketLimits.description)
    throw invalid('/description', `must be at most ${ticketLimits.description} characters`);
  return d;
}

export function cleanTags(tags: string[]): string[] {
  const out = [...new Set(tags.map((t) => t.trim().toLowerCase()).filter((t) => t.length > 0))].sort();
  if (out.length > ticketLimits.tags) throw invalid('/tags', `at most ${ticketLimits.tags} tags`);
  for (const t of out) {
    if (t.length > ticketLimits.tag || !/^[\p{L}\p{N}][\p{L}\p{N}._:/-]*$/u.test(t)) {
      throw invalid(
        '/tags',
        `tag "${t.slice(0, 60)}" must be up to ${ticketLimits.tag} letters, digits or . _ : / -`,
      );
    }
  }
  return out;
}

/** Watchers as a sorted list without repeats, within the limit. */
export function cleanWatchers(watcherIds: number[]): number[] {
  const out = [...new Set(watcherIds)].sort((a, b) => a - b);
  if (out.length > ticketLimits.watchers)
    throw invalid('/watcherIds', `at most ${ticketLimits.watchers} watchers`);
  return out;
}

export async function resolveCategory(
  trx: Trx,
  id: number | null | undefined,
  name: string | undefined,
): Promise<number | null | undefined> {
  if (name !== undefined) {
    const row = await trx
      .selectFrom('categories')
      .select('id')
      .where((eb) => eb(eb.fn('lower', ['name']), '=', name.trim().toLowerCase()))
      .executeTakeFirst();
    if (!row) throw invalid('/category', `no category named "${name.slice(0, 100)}"`, 'invalid_reference');
    return row.id;
  }
  if (id === undefined || id === null) return id;
  const row = await trx.selectFrom('categories').select('id').where('id', '=', id).executeTakeFirst();
  if (!row) throw invalid('/categoryId', `no category ${id}`, 'invalid_reference');
  return id;
}

export async function checkStaffUser(trx: Trx, id: number, field: string): Promise<void> {
  const u = await trx.selectFrom('users').select(['role', 'active']).where('id', '=', id).executeTakeFirst();
  if (u?.active !== 1 || !isStaff(u))
    throw invalid(field, `user ${id} is not an active technician, manager or admin`, 'invalid_reference');
}

export async function checkGroup(trx: Trx, id: number): Promise<void> {
  const g = await trx.selectFrom('groups').select('id').where('id', '=', id).executeTakeFirst();
  if (!g) throw invalid('/groupId', `no group ${id}`, 'invalid_reference');
}

export async function checkUsers(trx: Trx, ids: number[], field: string): Promise<void> {
  if (ids.length === 0) return;
  const found = await trx
    .selectFrom('users')
    .select('id')
    .where('id', 'in', ids)
    .where('active', '=', 1)
    .execute();
  if (found.length !== ids.length)
    throw invalid(field, 'refers to a user that does not exist or is inactive', 'invalid_reference');
}
