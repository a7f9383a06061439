// The knowledge base's routes built alongside these pages (policy reviews, acknowledgements, the generated
// service agreement; printing, attachments, import and export), typed by hand until their schemas are in
// schema.d.ts. A route the server does not have yet answers 404: the hooks give null and the panel hides.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, client, unwrap } from './client';
import { kbKeys, type RenderedArticle } from './knowledge';

export interface ReviewDue {
  id: number;
  title: string;
  kind: string;
  status: string;
  ownerId: number | null;
  ownerName: string | null;
  nextReviewAt: string | null;
  lastReviewedAt: string | null;
  overdue: boolean;
}
export interface MyAcknowledgement {
  required: boolean;
  version: number;
  acknowledgedAt: string | null;
}
export interface Acknowledgements {
  version: number;
  acknowledged: { userId: number; name: string; acknowledgedAt: string }[];
  pending: { userId: number; name: string }[];
}
export interface ArticleAttachment {
  id: number;
  filename: string;
  contentType: string;
  size: number;
}

type Answer = Promise<{ data?: unknown; error?: unknown; response: Response }>;
/** The same client (session, CSRF, errors) for paths its generated types do not list yet. */
const loose = client as unknown as {
  GET(url: string, init?: object): Answer;
  POST(url: string, init?: object): Answer;
};

/** The answer's body, or null when the route (or the thing) is not there. */
async function orNull<T>(call: Answer): Promise<T | null> {
  try {
    return (await unwrap(call)) as T;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

export const policyKeys = {
  reviews: ['kb', 'reviews'] as const,
  myAck: (id: number) => ['kb', 'article', id, 'ack'] as const,
  acks: (id: number) => ['kb', 'article', id, 'acks'] as const,
  attachments: (id: number) => ['kb', 'article', id, 'attachments'] as const,
  serviceAgreement: ['kb', 'service-agreement'] as const,
};

export function useReviewsDue(enabled = true) {
  return useQuery({
    queryKey: policyKeys.reviews,
    queryFn: () =>
      orNull<{ items: ReviewDue[] }>(
        loose.GET('/api/v1/knowledge/reviews', { params: { query: { dueWithinDays: 30 } } }),
      ).then((r) => r?.items ?? null),
    enabled,
    retry: false,
  });
}

export function useMyAcknowledgement(id: number, enabled: boolean) {
  return useQuery({
    queryKey: policyKeys.myAck(id),
    queryFn: () => orNull<MyAcknowledgement>(loose.GET(`/api/v1/articles/${id}/acknowledgement`)),
    enabled,
    retry: false,
  });
}

export function useAcknowledgements(id: number, enabled: boolean) {
  return useQuery({
    queryKey: policyKeys.acks(id),
    queryFn: () => orNull<Acknowledgements>(loose.GET(`/api/v1/articles/${id}/acknowledgements`)),
    enabled,
    retry: false,
  });
}

export function useAttachments(id: number) {
  return useQuery({
    queryKey: policyKeys.attachments(id),
    queryFn: () =>
      orNull<{ items: ArticleAttachment[] }>(loose.GET(`/api/v1/articles/${id}/attachments`)).then(
        (r) => r?.items ?? null,
      ),
    retry: false,
  });
}

export function useServiceAgreement() {
  return useQuery({
    queryKey: policyKeys.serviceAgreement,
    queryFn: () => orNull<RenderedArticle>(loose.GET('/api/v1/knowledge/service-agreement')),
    retry: false,
  });
}

export function useAcknowledge(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(loose.POST(`/api/v1/articles/${id}/acknowledgement`)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: kbKeys.article(id) }),
  });
}

export function useMarkReviewed(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(loose.POST(`/api/v1/articles/${id}/review`)),
    onSuccess: () => void qc.invalidateQueries({ queryKey: kbKeys.all }),
  });
}

export const printHref = (id: number) => `/api/v1/articles/${id}/print`;
export const pdfHref = (id: number) => `/api/v1/articles/${id}/pdf`;
export const attachmentHref = (id: number, attachmentId: number) =>
  `/api/v1/articles/${id}/attachments/${attachmentId}`;
