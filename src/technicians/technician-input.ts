// Checking what managers send about technicians and assignment: levels, keywords, and references to
// categories, groups, skills and staff that must exist. Each failure names its field.
import type { Kysely, Transaction } from 'kysely';
import { isStaff } from '../core/auth/index.js';
import type { Database } from '../core/db/index.js';
import { type CodeOfKind, Invalid } from '../core/errors.js';

type Db = Kysely<Database> | Transaction<Database>;

export const technicianLimits = {
  name: 100,
  description: 2000,
  keywords: 50,
  keywordLength: 100,
  references: 200,
  reason: 500,
  skillsPerPerson: 100,
  maxOpenTickets: 1000,
} as const;

export function invalid(
  field: string,
  message: string,
  code: CodeOfKind<'invalid'> = 'validation_failed',
): Invalid {
  return new Invalid(code, `${field.replace(/^\//, '')}: ${message}`, [{ field, message }]);
}

/** A skill level: 1 (basic) … 5 (expert). */
export function checkLevel(level: number, field: string): number {
  if (!Number.isInteger(level) || level < 1 || level > 5) throw invalid(field, 'must be an integer 1–5');
  return level;
}

export function checkName(name: string, field = '/name'): string {
  const n = name.trim();
  if (n.length === 0 || n.length > technicianLimits.name) throw invalid(field, 'must be 1–100 characters');
  return n;
}

/** Keywords as stored: trimmed, lower case, with at least one letter or digit, no duplicates. */
export function checkKeywords(keywords: string[], field: string): string[] {
  if (keywords.length > technicianLimits.keywords)
    throw invalid(field, `at most ${technicianLimits.keywords}`);
  const out: string[] = [];
  keywords.forEach((k, i) => {
    const t = k.trim().toLowerCase();
    if (t.length === 0 || t.length > technicianLimits.keywordLength || !/[\p{L}\p{N}]/u.test(t))
      throw invalid(`${field}/${i}`, 'must be 1–100 characters with a letter or digit');
    if (!out.includes(t)) out.push(t);
  });
  return out;
}

function uniqueIds(ids: number[], field: string): number[] {
  if (ids.length > technicianLimits.references)
    throw invalid(field, `at most ${technicianLimits.references}`);
  return [...new Set(ids)].sort((a, b) => a - b);
}

export async function checkCategoryIds(db: Db, ids: number[], field: string): Promise<number[]> {
  const unique = uniqueIds(ids, field);
  if (unique.length === 0) return unique;
  const found = await db.selectFrom('categories').select('id').where('id', 'in', unique).execute();
  if (found.length !== unique.length) throw invalid(field, 'unknown category', 'invalid_reference');
  return unique;
}

export async function checkGroupIds(db: Db, ids: number[], field: string): Promise<number[]> {
  const unique = uniqueIds(ids, field);
  if (unique.length === 0) return unique;
  const found = await db.selectFrom('groups').select('id').where('id', 'in', unique).execute();
  if (found.length !== unique.length) throw invalid(field, 'unknown group', 'invalid_reference');
  return unique;
}

/** A user who is staff (a requester has no technician profile); null when there is none. */
export async function findStaff(
  db: Db,
  userId: number,
): Promise<{
  id: number;
  name: string;
  email: string;
  role: Database['users']['role'];
  active: number;
} | null> {
  const u = await db
    .selectFrom('users')
    .select(['id', 'name', 'email', 'role', 'active'])
    .where('id', '=', userId)
    .executeTakeFirst();
  return u && isStaff(u) ? u : null;
}
