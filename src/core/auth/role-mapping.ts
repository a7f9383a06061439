// The check both kinds of sign-in source share (identity providers and LDAP directories): a mapping from what
// the source says (a claim value, a group) to a role and to opsdesk groups. A source gives requester, technician
// or manager, never admin; every group it names exists.
import type { ServiceContext } from '../context.js';
import type { Role } from '../db/index.js';
import { directoryRoles, noAdmin, roles } from './actor.js';

export interface RoleMapping {
  roleMap: Record<string, Role>;
  defaultRole: Role;
  groupMap: Record<string, number[]>;
}

/** Throws fail(field, message) for the first fault of a mapping. */
export async function checkRoleMapping(
  ctx: ServiceContext,
  mapping: RoleMapping,
  fail: (field: string, message: string) => Error,
): Promise<void> {
  for (const [value, role] of Object.entries(mapping.roleMap)) {
    if (value.trim().length === 0) throw fail('/mapping/roleMap', 'names an empty value');
    if (!roles.includes(role)) throw fail('/mapping/roleMap', `maps "${value}" to an unknown role`);
    if (!directoryRoles.includes(role)) throw fail('/mapping/roleMap', noAdmin(value));
  }
  if (!directoryRoles.includes(mapping.defaultRole))
    throw fail('/mapping/defaultRole', `must be one of ${directoryRoles.join(', ')}`);
  for (const [value, ids] of Object.entries(mapping.groupMap)) {
    if (value.trim().length === 0) throw fail('/mapping/groupMap', 'names an empty value');
    if (!Array.isArray(ids) || ids.some((i) => !Number.isInteger(i) || i < 1))
      throw fail('/mapping/groupMap', `maps "${value}" to something other than group ids`);
  }
  const groupIds = [...new Set(Object.values(mapping.groupMap).flat())];
  if (groupIds.length === 0) return;
  const found = await ctx.db.selectFrom('groups').select('id').where('id', 'in', groupIds).execute();
  if (found.length !== groupIds.length) throw fail('/mapping/groupMap', 'names a group that does not exist');
}
