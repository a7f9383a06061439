// Webhooks (admins): list, create (the signing secret is in the answer once), switch on or off, delete.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { ResponseOf } from './types';

export type Webhook = ResponseOf<'/api/v1/webhooks', 'get'>['items'][number];
export type CreatedWebhook = ResponseOf<'/api/v1/webhooks', 'post'>;

export function useWebhooks() {
  return useQuery({
    queryKey: keys.webhooks,
    queryFn: () =>
      unwrap(client.GET('/api/v1/webhooks', { params: { query: { limit: 100 } } })).then((r) => r.items),
  });
}

export function useCreateWebhook(onDone: (w: CreatedWebhook) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { url: string; format: Webhook['format'] }) =>
      unwrap(client.POST('/api/v1/webhooks', { body: input })),
    onSuccess: (w) => {
      onDone(w);
      void qc.invalidateQueries({ queryKey: keys.webhooks });
    },
  });
}

export function useToggleWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (w: Webhook) =>
      unwrap(
        client.PATCH('/api/v1/webhooks/{id}', {
          params: { path: { id: w.id } },
          body: { active: !w.active },
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.webhooks }),
  });
}

export function useDeleteWebhook() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(client.DELETE('/api/v1/webhooks/{id}', { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.webhooks }),
  });
}
