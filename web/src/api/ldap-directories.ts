// LDAP and Active Directory directories (admins): the list, connecting and changing one, testing its connection, and
// its sync (a dry run's report first, then the sync).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import type { RequestOf, ResponseOf } from './types';

export type LdapDirectory = ResponseOf<'/api/v1/ldap-directories', 'post'>;
export type LdapDirectoryInput = RequestOf<'/api/v1/ldap-directories', 'post'>;
export type LdapSyncReport = ResponseOf<'/api/v1/ldap-directories/{id}/sync', 'post'>;
export type LdapTestResult = ResponseOf<'/api/v1/ldap-directories/{id}/test', 'post'>;
const key = ['ldap-directories'] as const;

export function useLdapDirectories() {
  return useQuery({
    queryKey: key,
    queryFn: () => unwrap(client.GET('/api/v1/ldap-directories')).then((r) => r.items),
  });
}

export function useCreateLdapDirectory(onDone: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: LdapDirectoryInput) => unwrap(client.POST('/api/v1/ldap-directories', { body })),
    onSuccess: () => {
      onDone();
      void qc.invalidateQueries({ queryKey: key });
    },
  });
}

export function useUpdateLdapDirectory() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: number } & Partial<LdapDirectoryInput>) =>
      unwrap(client.PATCH('/api/v1/ldap-directories/{id}', { params: { path: { id } }, body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: key }),
  });
}

export function useDeleteLdapDirectory() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(client.DELETE('/api/v1/ldap-directories/{id}', { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: key }),
  });
}

export function useTestLdapDirectory(onDone: (id: number, r: LdapTestResult) => void) {
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(client.POST('/api/v1/ldap-directories/{id}/test', { params: { path: { id } } })),
    onSuccess: (r, id) => onDone(id, r),
  });
}

export function useSyncLdapDirectory(onDone: (id: number, r: LdapSyncReport) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, dryRun }: { id: number; dryRun: boolean }) =>
      unwrap(
        client.POST('/api/v1/ldap-directories/{id}/sync', { params: { path: { id } }, body: { dryRun } }),
      ),
    onSuccess: (r, { id }) => {
      onDone(id, r);
      if (!r.dryRun) void qc.invalidateQueries();
    },
  });
}
