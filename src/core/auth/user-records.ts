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
  /** Migration 2026-12-10-scim: contact and locale, from a directory, an import or an admin. */
  phone: string | null;
  /** BCP 47 language tag. */
  language: string | null;
  /** IANA time zone. */
  timeZone: string | null;
  location: string | null;
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
    phone: row.phone ?? null,
    language: row.language ?? null,
    timeZone: row.time_zone ?? null,
    location: row.location ?? null,
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

/** A language tag in its canonical form (de, en-GB; en_US is read as en-US); null for none. */
export function checkLanguage(v: string | null | undefined, field = '/language'): string | null | undefined {
  if (v === undefined || v === null) return v;
  const t = v.trim();
  if (t === '') return null;
  try {
    const tag = Intl.getCanonicalLocales(t.replace('_', '-'))[0];
    if (tag && tag.length <= 35) return tag;
  } catch {
    // falls through to the error below
  }
  throw new Invalid('validation_failed', `${field.slice(1)}: "${t}" is not a language tag (en, de-AT).`, [
    { field, message: 'a BCP 47 language tag' },
  ]);
}

/** An IANA time zone in its canonical spelling; null for none. */
export function checkTimeZone(v: string | null | undefined, field = '/timeZone'): string | null | undefined {
  if (v === undefined || v === null) return v;
  const t = v.trim();
  if (t === '') return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: t }).resolvedOptions().timeZone;
  } catch {
    throw new Invalid(
      'validation_failed',
      `${field.slice(1)}: "${t}" is not an IANA time zone (Europe/Berlin).`,
      [{ field, message: 'an IANA time zone' }],
    );
  }
}

/** A short free text (phone, office): trimmed, at most `max` characters; empty is none. */
export function checkShortText(
  v: string | null | undefined,
  field: string,
  max: number,
): string | null | undefined {
  if (v === undefined || v === null) return v;
  const t = v.trim();
  if (t.length > max)
    throw new Invalid('validation_failed', `${field.slice(1)}: at most ${max} characters.`, [
      { field, message: `at most ${max} characters` },
    ]);
  return t === '' ? null : t;
}
