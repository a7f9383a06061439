// On-call schedules: who is on call now, schedules with their layers, the final schedule over a range, the
// coverage report with its quality score, overrides, swap and cover requests, and calendar feed links.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { RequestOf, ResponseOf } from './types';

export type Schedule = ResponseOf<'/api/v1/schedules/{id}', 'get'>;
export type ScheduleInput = RequestOf<'/api/v1/schedules', 'post'>;
export type Layer = Schedule['layers'][number];
export type OnCall = ResponseOf<'/api/v1/oncall', 'get'>['items'][number];
export type FinalSchedule = ResponseOf<'/api/v1/schedules/{id}/final', 'get'>;
export type ScheduleReport = ResponseOf<'/api/v1/schedules/{id}/report', 'get'>;
export type Override = ResponseOf<'/api/v1/schedules/{id}/overrides', 'get'>['items'][number];
export type ShiftRequest = ResponseOf<'/api/v1/schedule-requests', 'get'>['items'][number];
export type ShiftRequestInput = RequestOf<'/api/v1/schedules/{id}/requests', 'post'>;

export function useSchedules() {
  return useQuery({
    queryKey: keys.schedules,
    queryFn: () => unwrap(client.GET('/api/v1/schedules')).then((r) => r.items),
  });
}

export function useSchedule(id: number) {
  return useQuery({
    queryKey: keys.schedule(id),
    queryFn: () => unwrap(client.GET('/api/v1/schedules/{id}', { params: { path: { id } } })),
  });
}

export function useOnCallNow() {
  return useQuery({
    queryKey: keys.onCallNow,
    queryFn: () => unwrap(client.GET('/api/v1/oncall')).then((r) => r.items),
    refetchInterval: 60_000,
  });
}

export function useFinalSchedule(id: number, from: string, to: string) {
  return useQuery({
    queryKey: keys.finalSchedule(id, from, to),
    queryFn: () =>
      unwrap(client.GET('/api/v1/schedules/{id}/final', { params: { path: { id }, query: { from, to } } })),
  });
}

export function useScheduleReport(id: number) {
  return useQuery({
    queryKey: keys.scheduleReport(id),
    queryFn: () => unwrap(client.GET('/api/v1/schedules/{id}/report', { params: { path: { id } } })),
  });
}

export function useOverrides(id: number, from: string, to: string) {
  return useQuery({
    queryKey: keys.overrides(id, from, to),
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/schedules/{id}/overrides', { params: { path: { id }, query: { from, to } } }),
      ).then((r) => r.items),
  });
}

export function useShiftRequests(state?: ShiftRequest['state']) {
  return useQuery({
    queryKey: keys.shiftRequests(state ?? 'all'),
    queryFn: () =>
      unwrap(client.GET('/api/v1/schedule-requests', { params: { query: state ? { state } : {} } })).then(
        (r) => r.items,
      ),
  });
}

/** Anything about schedules changed: every schedule view reads afresh. */
function useRefreshSchedules() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: keys.oncall });
}

export function useCreateSchedule(onDone: (s: Schedule) => void) {
  const refresh = useRefreshSchedules();
  return useMutation({
    mutationFn: (body: ScheduleInput) => unwrap(client.POST('/api/v1/schedules', { body })),
    onSuccess: (s) => {
      onDone(s);
      refresh();
    },
  });
}

export function useUpdateSchedule(id: number, onDone?: () => void) {
  const refresh = useRefreshSchedules();
  return useMutation({
    mutationFn: (body: Partial<ScheduleInput>) =>
      unwrap(client.PATCH('/api/v1/schedules/{id}', { params: { path: { id } }, body })),
    onSuccess: () => {
      onDone?.();
      refresh();
    },
  });
}

export function useAddOverride(id: number, onDone?: () => void) {
  const refresh = useRefreshSchedules();
  return useMutation({
    mutationFn: (body: { userId: number; start: string; end: string; reason?: string }) =>
      unwrap(client.POST('/api/v1/schedules/{id}/overrides', { params: { path: { id } }, body })),
    onSuccess: () => {
      onDone?.();
      refresh();
    },
  });
}

export function useDeleteOverride(id: number) {
  const refresh = useRefreshSchedules();
  return useMutation({
    mutationFn: (overrideId: number) =>
      unwrap(
        client.DELETE('/api/v1/schedules/{id}/overrides/{overrideId}', {
          params: { path: { id, overrideId } },
        }),
      ),
    onSuccess: refresh,
  });
}

export function useRequestShift(id: number, onDone?: () => void) {
  const refresh = useRefreshSchedules();
  return useMutation({
    mutationFn: (body: ShiftRequestInput) =>
      unwrap(client.POST('/api/v1/schedules/{id}/requests', { params: { path: { id } }, body })),
    onSuccess: () => {
      onDone?.();
      refresh();
    },
  });
}

export function useDecideShiftRequest() {
  const refresh = useRefreshSchedules();
  return useMutation({
    mutationFn: ({ id, decision }: { id: number; decision: 'approve' | 'reject' | 'cancel' }) => {
      const path = { params: { path: { id } } };
      if (decision === 'approve') return unwrap(client.POST('/api/v1/schedule-requests/{id}/approve', path));
      if (decision === 'reject') return unwrap(client.POST('/api/v1/schedule-requests/{id}/reject', path));
      return unwrap(client.POST('/api/v1/schedule-requests/{id}/cancel', path));
    },
    onSuccess: refresh,
  });
}

export function useScheduleFeedToken(id: number) {
  return useMutation({
    mutationFn: () => unwrap(client.POST('/api/v1/schedules/{id}/feed-token', { params: { path: { id } } })),
  });
}

export function useMyFeedToken() {
  return useMutation({ mutationFn: () => unwrap(client.POST('/api/v1/me/oncall-feed-token')) });
}

export type RosterRequest = RequestOf<'/api/v1/rosters/generate', 'post'>;
export type RosterAnswer = ResponseOf<'/api/v1/rosters/generate', 'post'>;

export function useGenerateRoster() {
  return useMutation({
    mutationFn: (body: RosterRequest) => unwrap(client.POST('/api/v1/rosters/generate', { body })),
  });
}

export type ImportRequest = RequestOf<'/api/v1/oncall/imports', 'post'>;
export type ImportPreview = ResponseOf<'/api/v1/oncall/imports', 'post'>;
export type Readiness = ResponseOf<'/api/v1/oncall/readiness', 'get'>;

export function useImport() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ImportRequest) => unwrap(client.POST('/api/v1/oncall/imports', { body })),
    onSuccess: (r) => {
      if (!r.dryRun) void qc.invalidateQueries({ queryKey: keys.oncall });
    },
  });
}

export function useReadiness(days = 7) {
  return useQuery({
    queryKey: keys.readiness(days),
    queryFn: () => unwrap(client.GET('/api/v1/oncall/readiness', { params: { query: { days } } })),
  });
}
