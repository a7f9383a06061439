// The identity providers an admin connects for single sign-on (OpenID Connect and SAML 2.0).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { RequestOf, ResponseOf } from './types';

export type IdentityProvider = ResponseOf<'/api/v1/identity-providers/{id}', 'get'>;
export type IdentityProviderInput = RequestOf<'/api/v1/identity-providers', 'post'>;
const key = ['identity-providers'] as const;

export function useIdentityProviders() {
  return useQuery({
    queryKey: key,
    queryFn: () => unwrap(client.GET('/api/v1/identity-providers')).then((r) => r.items),
  });
}

export function useCreateIdentityProvider(onDone: (p: IdentityProvider) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: IdentityProviderInput) => unwrap(client.POST('/api/v1/identity-providers', { body })),
    onSuccess: (p) => {
      onDone(p);
      void qc.invalidateQueries({ queryKey: key });
      void qc.invalidateQueries({ queryKey: keys.signInMethods });
    },
  });
}

export function useSetIdentityProviderEnabled() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, enabled }: { id: number; enabled: boolean }) =>
      unwrap(
        client.PATCH('/api/v1/identity-providers/{id}', { params: { path: { id } }, body: { enabled } }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: key }),
  });
}

export function useDeleteIdentityProvider() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(client.DELETE('/api/v1/identity-providers/{id}', { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: key }),
  });
}
