// A person's contact methods for pages (email, webhook, chat, sms), their tests and verification, and the
// notification rules that say which method is used how many minutes into a page.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { RequestOf, ResponseOf } from './types';

export type ContactMethod = ResponseOf<'/api/v1/users/{id}/contact-methods', 'get'>['items'][number];
export type ContactMethodInput = RequestOf<'/api/v1/users/{id}/contact-methods', 'post'>;
export type NotificationRules = ResponseOf<'/api/v1/users/{id}/notification-rules', 'get'>;

export function useContactMethods(userId: number) {
  return useQuery({
    queryKey: keys.contactMethods(userId),
    queryFn: () =>
      unwrap(client.GET('/api/v1/users/{id}/contact-methods', { params: { path: { id: userId } } })).then(
        (r) => r.items,
      ),
  });
}

export function useNotificationRules(userId: number) {
  return useQuery({
    queryKey: keys.notificationRules(userId),
    queryFn: () =>
      unwrap(client.GET('/api/v1/users/{id}/notification-rules', { params: { path: { id: userId } } })),
  });
}

function useRefresh(userId: number) {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: keys.contactsOf(userId) });
}

export function useAddContactMethod(userId: number, onDone?: () => void) {
  const refresh = useRefresh(userId);
  return useMutation({
    mutationFn: (body: ContactMethodInput) =>
      unwrap(client.POST('/api/v1/users/{id}/contact-methods', { params: { path: { id: userId } }, body })),
    onSuccess: () => {
      onDone?.();
      refresh();
    },
  });
}

export function useDeleteContactMethod(userId: number) {
  const refresh = useRefresh(userId);
  return useMutation({
    mutationFn: (methodId: number) =>
      unwrap(
        client.DELETE('/api/v1/users/{id}/contact-methods/{methodId}', {
          params: { path: { id: userId, methodId } },
        }),
      ),
    onSuccess: refresh,
  });
}

export function useTestContactMethod(userId: number) {
  const refresh = useRefresh(userId);
  return useMutation({
    mutationFn: (methodId: number) =>
      unwrap(
        client.POST('/api/v1/users/{id}/contact-methods/{methodId}/test', {
          params: { path: { id: userId, methodId } },
        }),
      ),
    onSuccess: refresh,
  });
}

export function useVerifyContactMethod(userId: number) {
  const refresh = useRefresh(userId);
  return useMutation({
    mutationFn: ({ methodId, code }: { methodId: number; code: string }) =>
      unwrap(
        client.POST('/api/v1/users/{id}/contact-methods/{methodId}/verify', {
          params: { path: { id: userId, methodId } },
          body: { code },
        }),
      ),
    onSuccess: refresh,
  });
}

export function useSaveNotificationRules(userId: number, onDone?: () => void) {
  const refresh = useRefresh(userId);
  return useMutation({
    mutationFn: (rules: NotificationRules['rules']) =>
      unwrap(
        client.PUT('/api/v1/users/{id}/notification-rules', {
          params: { path: { id: userId } },
          body: { rules },
        }),
      ),
    onSuccess: () => {
      onDone?.();
      refresh();
    },
  });
}
