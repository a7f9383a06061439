// Status pages: the readers' page by slug (also without sign-in), subscribing and following the mail's confirm
// and unsubscribe links, the portal banner, and the managers' pages with their announcements and updates.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { RequestOf, ResponseOf } from './types';

export type StatusPageView = ResponseOf<'/api/v1/status-pages/{slug}', 'get'>;
export type ComponentView = StatusPageView['sections'][number]['components'][number];
export type ComponentState = ComponentView['state'];
export type PublicAnnouncement = StatusPageView['activeIncidents'][number];
export type BannerItem = ResponseOf<'/api/v1/portal/banner', 'get'>['items'][number];
export type StatusPage = ResponseOf<'/api/v1/monitoring/status-pages', 'get'>['items'][number];
export type StatusPageInput = RequestOf<'/api/v1/monitoring/status-pages', 'post'>;
export type Announcement = ResponseOf<
  '/api/v1/monitoring/status-pages/{id}/incidents',
  'get'
>['items'][number];
export type AnnouncementInput = RequestOf<'/api/v1/monitoring/status-pages/{id}/incidents', 'post'>;
export type AnnouncementUpdate = RequestOf<
  '/api/v1/monitoring/status-pages/{id}/incidents/{incidentId}/updates',
  'post'
>;
export type SubscriptionInput = RequestOf<'/api/v1/status-pages/{slug}/subscriptions', 'post'>;

export function useStatusPageView(slug: string) {
  return useQuery({
    queryKey: keys.statusPageView(slug),
    queryFn: () => unwrap(client.GET('/api/v1/status-pages/{slug}', { params: { path: { slug } } })),
    refetchInterval: 60_000,
    retry: false,
  });
}

/** The active announcements the user may see; refreshed every minute while a portal page is open. */
export function usePortalBanner() {
  return useQuery({
    queryKey: keys.portalBanner,
    queryFn: () => unwrap(client.GET('/api/v1/portal/banner')).then((r) => r.items),
    refetchInterval: 60_000,
  });
}

export function useSubscribe(slug: string) {
  return useMutation({
    mutationFn: (body: SubscriptionInput) =>
      unwrap(client.POST('/api/v1/status-pages/{slug}/subscriptions', { params: { path: { slug } }, body })),
  });
}

export function useSubscriptionLink() {
  return useMutation({
    mutationFn: ({ action, token }: { action: 'confirm' | 'unsubscribe'; token: string }) =>
      action === 'confirm'
        ? unwrap(client.POST('/api/v1/status-pages/subscriptions/confirm', { body: { token } }))
        : unwrap(client.POST('/api/v1/status-pages/subscriptions/unsubscribe', { body: { token } })),
  });
}

export function useStatusPages() {
  return useQuery({
    queryKey: keys.statusPages,
    queryFn: () => unwrap(client.GET('/api/v1/monitoring/status-pages')).then((r) => r.items),
  });
}

export function useAnnouncements(pageId: number | null) {
  return useQuery({
    queryKey: keys.statusPageIncidents(pageId ?? 0),
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/monitoring/status-pages/{id}/incidents', {
          params: { path: { id: pageId ?? 0 } },
        }),
      ).then((r) => r.items),
    enabled: pageId !== null,
  });
}

function useRefresh() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: keys.statusPages });
}

export function useSaveStatusPage() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ id, body }: { id: number | null; body: StatusPageInput }) =>
      id === null
        ? unwrap(client.POST('/api/v1/monitoring/status-pages', { body }))
        : unwrap(client.PATCH('/api/v1/monitoring/status-pages/{id}', { params: { path: { id } }, body })),
    onSuccess: refresh,
  });
}

export function useDeleteStatusPage() {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(client.DELETE('/api/v1/monitoring/status-pages/{id}', { params: { path: { id } } })),
    onSuccess: refresh,
  });
}

export function usePostAnnouncement(pageId: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: AnnouncementInput) =>
      unwrap(
        client.POST('/api/v1/monitoring/status-pages/{id}/incidents', {
          params: { path: { id: pageId } },
          body,
        }),
      ),
    onSuccess: refresh,
  });
}

export function useUpdateAnnouncement(pageId: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ incidentId, body }: { incidentId: number; body: AnnouncementUpdate }) =>
      unwrap(
        client.POST('/api/v1/monitoring/status-pages/{id}/incidents/{incidentId}/updates', {
          params: { path: { id: pageId, incidentId } },
          body,
        }),
      ),
    onSuccess: refresh,
  });
}

export function useAnnounceMaintenance(pageId: number) {
  return useMutation({
    mutationFn: (windowId: number) =>
      unwrap(
        client.POST('/api/v1/monitoring/status-pages/{id}/maintenance-announcements', {
          params: { path: { id: pageId } },
          body: { windowId },
        }),
      ),
  });
}
