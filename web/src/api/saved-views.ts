// A user's saved queue views (a name and the queue's query string).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { ResponseOf } from './types';

export type SavedView = ResponseOf<'/api/v1/saved-views', 'get'>['items'][number];

export function useSavedViews() {
  return useQuery({
    queryKey: keys.savedViews,
    queryFn: () => unwrap(client.GET('/api/v1/saved-views')).then((r) => r.items),
  });
}

export function useSaveView(onDone: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (view: { name: string; query: string }) =>
      unwrap(client.POST('/api/v1/saved-views', { body: view })),
    onSuccess: () => {
      onDone();
      void qc.invalidateQueries({ queryKey: keys.savedViews });
    },
  });
}

export function useDeleteView() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(client.DELETE('/api/v1/saved-views/{id}', { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.savedViews }),
  });
}
