// Alerts, their aggregation groups, silences and alert rules (with the rule editor's live preview): the hooks
// behind /monitoring/alerts, /monitoring/silences and /monitoring/rules.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { RequestOf, ResponseOf } from './types';

export type MonitoringAlert = ResponseOf<'/api/v1/monitoring/alerts', 'get'>['items'][number];
export type MuteReason = MonitoringAlert['mutedBy'][number];
export type AlertGroup = ResponseOf<'/api/v1/monitoring/alert-groups', 'get'>['items'][number];
export type Silence = ResponseOf<'/api/v1/monitoring/silences', 'get'>['items'][number];
export type SilenceInput = RequestOf<'/api/v1/monitoring/silences', 'post'>;
export type AlertRule = ResponseOf<'/api/v1/monitoring/rules', 'get'>['items'][number];
export type AlertRuleInput = RequestOf<'/api/v1/monitoring/rules', 'post'>;
export type RulePreviewInput = RequestOf<'/api/v1/monitoring/rules/preview', 'post'>;
export type RulePreview = ResponseOf<'/api/v1/monitoring/rules/preview', 'post'>;

export function useMonitoringAlerts(state?: MonitoringAlert['state']) {
  return useQuery({
    queryKey: [...keys.monitoringAlerts, state ?? 'all'],
    queryFn: () =>
      unwrap(client.GET('/api/v1/monitoring/alerts', { params: { query: state ? { state } : {} } })).then(
        (r) => r.items,
      ),
    // Firing and resolving refresh it at once (the live stream); the timer catches what the stream missed.
    refetchInterval: 60_000,
  });
}

export function useAlertGroups() {
  return useQuery({
    queryKey: keys.alertGroups,
    queryFn: () => unwrap(client.GET('/api/v1/monitoring/alert-groups')).then((r) => r.items),
    // Under keys.monitoringAlerts: the live stream's alert events refresh it too.
    refetchInterval: 60_000,
  });
}

export function useSilences(state?: Silence['state']) {
  return useQuery({
    queryKey: [...keys.silences, state ?? 'all'],
    queryFn: () =>
      unwrap(client.GET('/api/v1/monitoring/silences', { params: { query: state ? { state } : {} } })).then(
        (r) => r.items,
      ),
    refetchInterval: 30_000,
  });
}

/** Silences change which alerts are suppressed: both lists refresh. */
function useRefreshAlerts() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: keys.silences });
    void qc.invalidateQueries({ queryKey: keys.monitoringAlerts });
  };
}

export function useCreateSilence(onDone?: (s: Silence) => void) {
  const refresh = useRefreshAlerts();
  return useMutation({
    mutationFn: (body: SilenceInput) => unwrap(client.POST('/api/v1/monitoring/silences', { body })),
    onSuccess: (s) => {
      onDone?.(s);
      refresh();
    },
  });
}

export function useExpireSilence() {
  const refresh = useRefreshAlerts();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(client.POST('/api/v1/monitoring/silences/{id}/expire', { params: { path: { id } } })),
    onSuccess: refresh,
  });
}

export function useAlertRules() {
  return useQuery({
    queryKey: keys.alertRules,
    queryFn: () => unwrap(client.GET('/api/v1/monitoring/rules')).then((r) => r.items),
    refetchInterval: 30_000,
  });
}

export function useAlertRule(id: number | null) {
  return useQuery({
    queryKey: keys.alertRule(id ?? 0),
    queryFn: () => unwrap(client.GET('/api/v1/monitoring/rules/{id}', { params: { path: { id: id ?? 0 } } })),
    enabled: id !== null,
  });
}

/** What an expression returns now; `body` null (nothing typed yet, or still typing) asks nothing. */
export function useRulePreview(body: RulePreviewInput | null) {
  return useQuery({
    queryKey: keys.rulePreview(JSON.stringify(body)),
    queryFn: () =>
      unwrap(client.POST('/api/v1/monitoring/rules/preview', { body: body as RulePreviewInput })),
    enabled: body !== null,
    retry: false,
    placeholderData: keepPreviousData,
  });
}

export function useSaveAlertRule(id: number | null, onDone?: (r: AlertRule) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: AlertRuleInput) =>
      id === null
        ? unwrap(client.POST('/api/v1/monitoring/rules', { body }))
        : unwrap(client.PATCH('/api/v1/monitoring/rules/{id}', { params: { path: { id } }, body })),
    onSuccess: (r) => {
      onDone?.(r);
      void qc.invalidateQueries({ queryKey: keys.alertRules });
    },
  });
}

export function useDeleteAlertRule(onDone?: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(client.DELETE('/api/v1/monitoring/rules/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      onDone?.();
      void qc.invalidateQueries({ queryKey: keys.alertRules });
    },
  });
}

export type TargetSummary = ResponseOf<'/api/v1/monitoring/targets', 'get'>['items'][number];

/** Targets whose name (or address) matches, for a picker (a few: there may be thousands). */
export function useTargetSearch(search: string, enabled = true) {
  return useQuery({
    queryKey: keys.targetSearch(search),
    enabled,
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/monitoring/targets', {
          params: { query: { limit: 20, ...(search ? { search } : {}) } },
        }),
      ).then((r) => r.items),
    placeholderData: keepPreviousData,
  });
}
