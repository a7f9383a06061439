// My notification preferences: each kind of mail off, at once or in the daily digest, and the digest's local
// time and zone.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { RequestOf, ResponseOf } from './types';

export type NotificationPreferences = ResponseOf<'/api/v1/me/notification-preferences', 'get'>;
export type NotificationMode = NotificationPreferences['kinds'][number]['mode'];
export type NotificationPreferencesInput = RequestOf<'/api/v1/me/notification-preferences', 'put'>;

export function useNotificationPreferences() {
  return useQuery({
    queryKey: keys.notificationPreferences,
    queryFn: () => unwrap(client.GET('/api/v1/me/notification-preferences')),
  });
}

export function useSaveNotificationPreferences(onDone?: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: NotificationPreferencesInput) =>
      unwrap(client.PUT('/api/v1/me/notification-preferences', { body })),
    onSuccess: (saved) => {
      qc.setQueryData(keys.notificationPreferences, saved);
      onDone?.();
    },
  });
}
