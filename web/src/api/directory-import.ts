// People moving in: the CSV import (previewed, then written) and the SCIM tokens identity providers provision with.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import type { RequestOf, ResponseOf } from './types';

export type UserImportReport = ResponseOf<'/api/v1/users/import', 'post'>;
export type CreatedScimToken = ResponseOf<'/api/v1/scim-tokens', 'post'>;
const scimKey = ['scim-tokens'] as const;

export function useImportUsers(onDone: (r: UserImportReport) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/users/import', 'post'>) =>
      unwrap(client.POST('/api/v1/users/import', { body })),
    onSuccess: (r) => {
      onDone(r);
      if (!r.dryRun) void qc.invalidateQueries();
    },
  });
}

export function useScimTokens() {
  return useQuery({
    queryKey: scimKey,
    queryFn: () => unwrap(client.GET('/api/v1/scim-tokens')).then((r) => r.items),
  });
}

export function useCreateScimToken(onDone: (t: CreatedScimToken) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/scim-tokens', 'post'>) =>
      unwrap(client.POST('/api/v1/scim-tokens', { body })),
    onSuccess: (t) => {
      onDone(t);
      void qc.invalidateQueries({ queryKey: scimKey });
    },
  });
}

export function useRevokeScimToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(client.DELETE('/api/v1/scim-tokens/{id}', { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: scimKey }),
  });
}
