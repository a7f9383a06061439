// The directory (users, groups, categories) that turns ids into names: staff see it all; a requester sees
// a name only for themself ("Support" for the others).
import { directoryStaleMs, useCategories, useGroups, useUsers } from '../api/directory';
import { t } from '../i18n';
import { isStaff, useSession } from '../session';

/** Staff see the directory; a requester sees names only for themself ("Support" for the others). */
export function useDirectory() {
  const { user } = useSession();
  const staff = isStaff(user);
  const users = useUsers(staff, directoryStaleMs);
  const groups = useGroups(staff, directoryStaleMs);
  const categories = useCategories(directoryStaleMs);
  const userMap = new Map((users.data ?? []).map((u) => [u.id, u]));
  return {
    users: users.data ?? [],
    groups: groups.data ?? [],
    categories: categories.data ?? [],
    userName(id: number | null | undefined): string {
      if (id === null || id === undefined) return t('ui:directory.nobody');
      if (user && id === user.id) return t('ui:directory.self', { role: user.role, name: user.name });
      return userMap.get(id)?.name ?? (staff ? t('ui:directory.user', { id }) : t('ui:directory.support'));
    },
    groupName(id: number | null | undefined): string {
      if (id === null || id === undefined) return t('ui:directory.noGroup');
      return (groups.data ?? []).find((g) => g.id === id)?.name ?? t('ui:directory.group', { id });
    },
    categoryName(id: number | null | undefined): string {
      if (id === null || id === undefined) return t('ui:directory.none');
      return (categories.data ?? []).find((c) => c.id === id)?.name ?? t('ui:directory.category', { id });
    },
  };
}
