// A user account as the other parts see it, and the rules for its email and password: shared by account
// management (users.ts), sign-in (sessions.ts) and resets (password-resets.ts), so none of them imports another.
import type { Kysely, Transaction } from 'kysely';
import type { Database, Role, UserRow } from '../db/index.js';
import { Invalid } from '../errors.js';
import { passwordRules } from './passwords.js';

export interface User {
  id: number;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  groupIds: number[];
  /** Who approves for this person when a request type asks the requester's manager. */
  managerId: number | null;
  createdAt: number;
  updatedAt: number;
  /** What automation rules condition on (migration 2026-12-07-automation). */
  department: string | null;
  vip: boolean;
}

const emailPattern = /^[^\s@<>()[\]\\,;:"]{1,64}@[^\s@<>()[\]\\,;:"]{1,253}\.[^\s@<>()[\]\\,;:".]{2,63}$/;

export function normaliseEmail(email: string): string {
  const e = email.trim().toLowerCase();
  if (!emailPattern.test(e) || e.length > 254) {
    throw new Invalid('invalid_email', 'The email address is not valid.', [
      { field: '/email', message: 'must be an email address' },
    ]);
  }
  return e;
}

export function checkPassword(password: string, field = '/password'): void {
  if (password.length < passwordRules.minLength || password.length > passwordRules.maxLength) {
    throw new Invalid(
      'weak_password',
      `A password needs ${passwordRules.minLength} to ${passwordRules.maxLength} characters.`,
      [{ field, message: `must be ${passwordRules.minLength}–${passwordRules.maxLength} characters` }],
    );
  }
}

export function toUser(row: UserRow, groupIds: number[]): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    active: row.active === 1,
    groupIds,
    managerId: row.manager_id ?? null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    department: row.department ?? null,
    vip: row.vip === 1,
  };
}

/**
 * A person's manager: another existing user, and not someone who reports to them, directly or through others
 * (the chain up from the manager never reaches the person). Null clears it.
 */
export async function checkManager(
  db: Kysely<Database> | Transaction<Database>,
  userId: number | null,
  managerId: number | null,
): Promise<void> {
  if (managerId === null) return;
  const bad = (message: string) =>
    new Invalid('invalid_manager', `managerId: ${message}`, [{ field: '/managerId', message }]);
  if (managerId === userId) throw bad('a person is not their own manager');
  const seen = new Set<number>();
  let at: number | null = managerId;
  while (at !== null) {
    if (at === userId) throw bad('the manager reports to this person (directly or through others)');
    if (seen.has(at)) break;
    seen.add(at);
    const row: { manager_id: number | null } | undefined = await db
      .selectFrom('users')
      .select('manager_id')
      .where('id', '=', at)
      .executeTakeFirst();
    if (!row) {
      if (at === managerId) throw bad(`no user ${managerId}`);
      break;
    }
    at = row.manager_id;
  }
}
