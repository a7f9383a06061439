// The directory: users, groups and categories, read by most pages (names for ids) and managed by admins.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { Group, RequestOf, User } from './types';

/** How long the names behind ids stay fresh on pages that only show them (admin pages read afresh). */
export const directoryStaleMs = 60_000;

export function useUsers(enabled = true, staleTime = 0) {
  return useQuery({
    queryKey: keys.users,
    queryFn: () =>
      unwrap(client.GET('/api/v1/users', { params: { query: { limit: 500 } } })).then((r) => r.items),
    enabled,
    staleTime,
  });
}

export function useGroups(enabled = true, staleTime = 0) {
  return useQuery({
    queryKey: keys.groups,
    queryFn: () => unwrap(client.GET('/api/v1/groups')).then((r) => r.items),
    enabled,
    staleTime,
  });
}

export function useCategories(staleTime = 0) {
  return useQuery({
    queryKey: keys.categories,
    queryFn: () => unwrap(client.GET('/api/v1/categories')).then((r) => r.items),
    staleTime,
  });
}

export function useCreateUser(onDone?: (u: User) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/users', 'post'>) => unwrap(client.POST('/api/v1/users', { body })),
    onSuccess: (u) => {
      onDone?.(u);
      void qc.invalidateQueries({ queryKey: keys.users });
    },
  });
}

export type UserChanges = RequestOf<'/api/v1/users/{id}', 'patch'>;

export function updateUser(id: number, body: UserChanges) {
  return unwrap(client.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body }));
}

export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: UserChanges }) => updateUser(id, body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.users }),
  });
}

/** An admin's reset: the old password, sessions and tokens stop at once; the user is mailed a one-time link. */
export function useResetUserPassword() {
  return useMutation({
    mutationFn: (u: User) =>
      unwrap(
        client.POST('/api/v1/users/{id}/password-reset', { params: { path: { id: u.id } }, body: {} }),
      ).then((r) => ({ user: u, expiresAt: r.expiresAt })),
  });
}

export function useCreateGroup(onDone?: (g: Group) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/groups', 'post'>) =>
      unwrap(client.POST('/api/v1/groups', { body })),
    onSuccess: (g) => {
      onDone?.(g);
      void qc.invalidateQueries({ queryKey: keys.groups });
    },
  });
}

export function useUpdateGroup() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: number } & RequestOf<'/api/v1/groups/{id}', 'patch'>) =>
      unwrap(client.PATCH('/api/v1/groups/{id}', { params: { path: { id } }, body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.groups }),
  });
}

export function useCreateCategory(onDone?: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/categories', 'post'>) =>
      unwrap(client.POST('/api/v1/categories', { body })),
    onSuccess: () => {
      onDone?.();
      void qc.invalidateQueries({ queryKey: keys.categories });
    },
  });
}

export function useRenameCategory(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      unwrap(client.PATCH('/api/v1/categories/{id}', { params: { path: { id } }, body: { name } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.categories }),
  });
}
