// Who is acting: the signed-in user, as every domain function and policy sees them.
import type { Role } from '../db/index.js';

export interface Actor {
  id: number;
  email: string;
  name: string;
  role: Role;
  groupIds: number[];
  /** How the request was authenticated: cookie writes need a CSRF token, bearer and API tokens do not. */
  via: 'cookie' | 'bearer' | 'api_token' | 'system';
  csrfToken: string | null;
}

export const roles: readonly Role[] = ['admin', 'manager', 'technician', 'requester'];
/**
 * The roles a directory (SCIM, LDAP) or an identity provider may give. Admin accounts are made and changed in
 * opsdesk only: a mapping cannot make one, and a sign-in or sync never changes an admin's role (a directory
 * group renamed must not lock the last admin out, nor a forged group claim let someone in as admin).
 */
export const directoryRoles: readonly Role[] = ['manager', 'technician', 'requester'];

/** The refusal of a mapping that would give the admin role. */
export function noAdmin(value: string): string {
  return `maps "${value}" to admin: a directory gives ${directoryRoles.join(', ')}; admins are made in opsdesk`;
}

export function isStaff(actor: Pick<Actor, 'role'>): boolean {
  return actor.role !== 'requester';
}

/**
 * The actor for a user account acting outside a request (a mail, the CLI, the demo loader), or for a
 * request once its credential is checked (`via`, `csrfToken`): the one place an Actor is built from a user.
 */
export function actorForUser(
  user: { id: number; email: string; name: string; role: Role; groupIds: number[] },
  via: Actor['via'] = 'system',
  csrfToken: string | null = null,
): Actor {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    groupIds: [...user.groupIds],
    via,
    csrfToken,
  };
}

/** The actor for work the service does itself (the demo loader, migrations of data, jobs). */
export function systemActor(id: number): Actor {
  return { id, email: 'system', name: 'system', role: 'admin', groupIds: [], via: 'system', csrfToken: null };
}
