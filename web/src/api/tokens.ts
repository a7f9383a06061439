// Personal API tokens: list, create (the token is in the answer once), revoke.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { RequestOf, ResponseOf } from './types';

export type CreatedToken = ResponseOf<'/api/v1/tokens', 'post'>;

export function useTokens() {
  return useQuery({
    queryKey: keys.tokens,
    queryFn: () => unwrap(client.GET('/api/v1/tokens')).then((r) => r.items),
  });
}

export function useCreateToken(onDone: (t: CreatedToken) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/tokens', 'post'>) =>
      unwrap(client.POST('/api/v1/tokens', { body })),
    onSuccess: (t) => {
      onDone(t);
      void qc.invalidateQueries({ queryKey: keys.tokens });
    },
  });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(client.DELETE('/api/v1/tokens/{id}', { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.tokens }),
  });
}
