// Monitoring targets and their checks: the status board (one request for every target, sparklines included),
// a target with its uptime, its checks and their state changes, scrape targets, range queries for charts, and
// the managers' writes (add, change, delete a target or a check, run a check now).
import { useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { RequestOf, ResponseOf } from './types';

export type Board = ResponseOf<'/api/v1/monitoring/board', 'get'>;
export type BoardTarget = Board['targets'][number];
export type BoardCheck = BoardTarget['checks'][number];
export type MonitorState = BoardTarget['state'];
export type Target = ResponseOf<'/api/v1/monitoring/targets', 'post'>;
export type TargetDetail = ResponseOf<'/api/v1/monitoring/targets/{id}', 'get'>;
export type TargetInput = RequestOf<'/api/v1/monitoring/targets', 'post'>;
export type Check = ResponseOf<'/api/v1/monitoring/targets/{id}/checks', 'get'>['items'][number];
/** A check as its creation answers it: a heartbeat check's token comes this once. */
export type CreatedCheck = ResponseOf<'/api/v1/monitoring/targets/{id}/checks', 'post'>;
export type CheckInput = RequestOf<'/api/v1/monitoring/targets/{id}/checks', 'post'>;
export type CheckHistory = ResponseOf<'/api/v1/monitoring/checks/{id}/history', 'get'>;
export type ScrapeTarget = ResponseOf<'/api/v1/monitoring/scrape-targets', 'get'>['items'][number];

export const monitorStates: readonly MonitorState[] = ['down', 'pending', 'up', 'paused'];

export function useBoard() {
  return useQuery({
    queryKey: keys.monitoringBoard,
    queryFn: () => unwrap(client.GET('/api/v1/monitoring/board')),
    // Opening the board always asks again (the app's default keeps answers 10 s). A state change refreshes it at
    // once (the live stream); the timer is for the latency sparklines, which change with every run.
    staleTime: 0,
    refetchInterval: 60_000,
  });
}

export function useTarget(id: number) {
  return useQuery({
    queryKey: keys.monitoringTarget(id),
    queryFn: () => unwrap(client.GET('/api/v1/monitoring/targets/{id}', { params: { path: { id } } })),
    staleTime: 0,
    refetchInterval: 60_000,
  });
}

/** The names of a few targets (a target's parents), one cached request each: the board would be all of them. */
export function useTargetNames(ids: readonly number[]): Map<number, string> {
  const results = useQueries({
    queries: ids.map((id) => ({
      queryKey: keys.monitoringTarget(id),
      queryFn: () => unwrap(client.GET('/api/v1/monitoring/targets/{id}', { params: { path: { id } } })),
      staleTime: 60_000,
    })),
  });
  const names = new Map<number, string>();
  results.forEach((r, i) => {
    if (r.data) names.set(ids[i] as number, r.data.name);
  });
  return names;
}

export function useChecks(targetId: number) {
  return useQuery({
    queryKey: keys.monitoringChecks(targetId),
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/monitoring/targets/{id}/checks', { params: { path: { id: targetId } } }),
      ).then((r) => r.items),
    staleTime: 0,
    refetchInterval: 60_000,
  });
}

export function useCheckHistory(checkId: number, enabled: boolean) {
  return useQuery({
    queryKey: keys.monitoringCheckHistory(checkId),
    enabled,
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/monitoring/checks/{id}/history', {
          params: { path: { id: checkId }, query: { limit: 50 } },
        }),
      ),
  });
}

export function useScrapeTargets() {
  return useQuery({
    queryKey: keys.scrapeTargets,
    queryFn: () => unwrap(client.GET('/api/v1/monitoring/scrape-targets')).then((r) => r.items),
  });
}

export interface RangeSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** A PromQL range query ending now, over `rangeSeconds`, about 240 points whatever the range. */
export function useRangeQuery(query: string, rangeSeconds: number, enabled = true) {
  return useQuery({
    queryKey: keys.promRange(query, String(rangeSeconds)),
    enabled,
    staleTime: 0,
    refetchInterval: 30_000,
    queryFn: async () => {
      const end = Math.floor(Date.now() / 1000);
      const step = Math.max(15, Math.round(rangeSeconds / 240));
      const r = await unwrap(
        client.GET('/api/v1/prom/query_range', {
          params: {
            query: { query, start: String(end - rangeSeconds), end: String(end), step: String(step) },
          },
        }),
      );
      const series = (r.data.resultType === 'matrix' ? r.data.result : []) as RangeSeries[];
      return { start: end - rangeSeconds, end, series };
    },
  });
}

function useRefresh() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: keys.monitoring });
}

export function useCreateTarget(onDone?: (t: Target) => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: TargetInput) => unwrap(client.POST('/api/v1/monitoring/targets', { body })),
    onSuccess: (t) => {
      onDone?.(t);
      refresh();
    },
  });
}

export function useUpdateTarget(id: number, onDone?: () => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: Partial<TargetInput>) =>
      unwrap(client.PATCH('/api/v1/monitoring/targets/{id}', { params: { path: { id } }, body })),
    onSuccess: () => {
      onDone?.();
      refresh();
    },
  });
}

export function useCreateCheck(onDone?: (c: CreatedCheck) => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: ({ targetId, body }: { targetId: number; body: CheckInput }) =>
      unwrap(
        client.POST('/api/v1/monitoring/targets/{id}/checks', { params: { path: { id: targetId } }, body }),
      ),
    onSuccess: (c) => {
      onDone?.(c);
      refresh();
    },
  });
}

export function useUpdateCheck(id: number, onDone?: () => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: Partial<CheckInput>) =>
      unwrap(client.PATCH('/api/v1/monitoring/checks/{id}', { params: { path: { id } }, body })),
    onSuccess: () => {
      onDone?.();
      refresh();
    },
  });
}

export function useRunCheck(id: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: () => unwrap(client.POST('/api/v1/monitoring/checks/{id}/run', { params: { path: { id } } })),
    onSuccess: refresh,
  });
}

/** A heartbeat check's push URL made anew: answers the new token, once; the old URL stops working. */
export function useNewHeartbeatToken(id: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: () =>
      unwrap(client.POST('/api/v1/monitoring/checks/{id}/heartbeat-token', { params: { path: { id } } })),
    onSuccess: refresh,
  });
}

export function useDeleteTarget(id: number, onDone?: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(client.DELETE('/api/v1/monitoring/targets/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      // The target's own queries would ask again and answer 404: drop them before refreshing the rest.
      qc.removeQueries({ queryKey: keys.monitoringTarget(id) });
      onDone?.();
      void qc.invalidateQueries({ queryKey: keys.monitoring });
    },
  });
}

export function useDeleteCheck(id: number, onDone?: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(client.DELETE('/api/v1/monitoring/checks/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      qc.removeQueries({ queryKey: keys.monitoringCheckHistory(id) });
      onDone?.();
      void qc.invalidateQueries({ queryKey: keys.monitoring });
    },
  });
}
