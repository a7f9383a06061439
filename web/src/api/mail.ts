// Mail administration: notification templates, and the outbound and inbound logs with their retries.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { RequestOf, ResponseOf } from './types';

export type MailTemplate = ResponseOf<'/api/v1/mail/templates', 'get'>['items'][number];
export type Delivery = ResponseOf<'/api/v1/mail/deliveries', 'get'>['items'][number];
export type Inbound = ResponseOf<'/api/v1/mail/inbound', 'get'>['items'][number];

export function useMailTemplates() {
  return useQuery({
    queryKey: keys.mailTemplates,
    queryFn: () => unwrap(client.GET('/api/v1/mail/templates')).then((r) => r.items),
  });
}

export function useSaveMailTemplate(event: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/mail/templates/{event}', 'put'>) =>
      unwrap(client.PUT('/api/v1/mail/templates/{event}', { params: { path: { event } }, body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.mailTemplates }),
  });
}

/** Back to the default template; the answer is the default. */
export function useResetMailTemplate(event: string, onDone: (t: MailTemplate) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(client.DELETE('/api/v1/mail/templates/{event}', { params: { path: { event } } })),
    onSuccess: (t) => {
      onDone(t);
      void qc.invalidateQueries({ queryKey: keys.mailTemplates });
    },
  });
}

export function useDeliveryLog(status: string) {
  return useInfiniteQuery({
    queryKey: keys.mailLogWith('deliveries', status),
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET('/api/v1/mail/deliveries', {
          params: { query: { status: status as Delivery['status'], limit: 50, cursor: pageParam } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  });
}

export function useInboundLog(status: string) {
  return useInfiniteQuery({
    queryKey: keys.mailLogWith('inbound', status),
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET('/api/v1/mail/inbound', {
          params: { query: { status: status as Inbound['status'], limit: 50, cursor: pageParam } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  });
}

export function useRetryDelivery() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(client.POST('/api/v1/mail/deliveries/{id}/retry', { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.mailLog('deliveries') }),
  });
}

export function useRetryInbound() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(client.POST('/api/v1/mail/inbound/{id}/retry', { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.mailLog('inbound') }),
  });
}
