// Policies and procedures: the reviews due, recording a review, acknowledging a policy that must be read and
// who has (a page of people at a time), and the generated service agreement. Typed from schema.d.ts.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { kbKeys } from './knowledge';
import type { ResponseOf } from './types';

export type ReviewDue = ResponseOf<'/api/v1/knowledge/reviews', 'get'>['items'][number];
export type MyAcknowledgement = ResponseOf<'/api/v1/articles/{id}/acknowledgement', 'get'>;
export type Acknowledgements = ResponseOf<'/api/v1/articles/{id}/acknowledgements', 'get'>;
export type ServiceAgreement = ResponseOf<'/api/v1/knowledge/service-agreement', 'get'>;

export const policyKeys = {
  reviews: (mine: boolean) => ['kb', 'reviews', mine] as const,
  myAck: (id: number) => ['kb', 'article', id, 'ack'] as const,
  acks: (id: number) => ['kb', 'article', id, 'acks'] as const,
  serviceAgreement: ['kb', 'service-agreement'] as const,
};

/** Policies and procedures due within 30 days or overdue: every one (managers) or the caller's own. */
export function useReviewsDue(mine = false) {
  return useQuery({
    queryKey: policyKeys.reviews(mine),
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/knowledge/reviews', {
          params: { query: { dueWithinDays: 30, mine, limit: 50 } },
        }),
      ),
  });
}

export function useMyAcknowledgement(id: number, enabled: boolean) {
  return useQuery({
    queryKey: policyKeys.myAck(id),
    queryFn: () => unwrap(client.GET('/api/v1/articles/{id}/acknowledgement', { params: { path: { id } } })),
    enabled,
  });
}

/** Who has and has not acknowledged, a page of people at a time (`total` counts them all). */
export function useAcknowledgements(id: number, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: policyKeys.acks(id),
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET('/api/v1/articles/{id}/acknowledgements', {
          params: { path: { id }, query: { limit: 100, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last: Acknowledgements) => last.nextCursor ?? undefined,
    enabled,
  });
}

export function useServiceAgreement() {
  return useQuery({
    queryKey: policyKeys.serviceAgreement,
    queryFn: () => unwrap(client.GET('/api/v1/knowledge/service-agreement')),
  });
}

export function useAcknowledge(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(client.POST('/api/v1/articles/{id}/acknowledgement', { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: kbKeys.article(id) }),
  });
}

export function useMarkReviewed(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (note?: string) =>
      unwrap(
        client.POST('/api/v1/articles/{id}/review', {
          params: { path: { id } },
          body: note ? { note } : {},
        }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: kbKeys.all }),
  });
}
