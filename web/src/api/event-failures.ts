// Failed event deliveries (admins): the list by status and a retry for one subscriber.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { ResponseOf } from './types';

export type EventFailure = ResponseOf<'/api/v1/event-failures', 'get'>['items'][number];
export type RetryAnswer = ResponseOf<'/api/v1/event-failures/{id}/retry', 'post'>;

export function useEventFailures(status: string) {
  return useInfiniteQuery({
    queryKey: keys.eventFailuresWith(status),
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET('/api/v1/event-failures', {
          params: { query: { status: status as EventFailure['status'], limit: 50, cursor: pageParam } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  });
}

export function useRetryEventFailure(onDone: (f: EventFailure, answer: RetryAnswer) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (f: EventFailure) =>
      unwrap(client.POST('/api/v1/event-failures/{id}/retry', { params: { path: { id: f.id } } })).then(
        (answer) => ({ f, answer }),
      ),
    onSuccess: ({ f, answer }) => {
      onDone(f, answer);
      void qc.invalidateQueries({ queryKey: keys.eventFailures });
    },
  });
}
