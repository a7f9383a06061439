// Incidents and what runs them: services (each with its escalation policy), escalation policies (ordered steps
// of targets and waits, repeated), incidents with their timelines, acknowledge and resolve, and paging from a
// ticket.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { RequestOf, ResponseOf } from './types';

export type Incident = ResponseOf<'/api/v1/incidents', 'get'>['items'][number];
export type IncidentDetail = ResponseOf<'/api/v1/incidents/{id}', 'get'>;
export type TimelineEntry = IncidentDetail['timeline'][number];
export type Service = ResponseOf<'/api/v1/services', 'get'>['items'][number];
export type ServiceInput = RequestOf<'/api/v1/services', 'post'>;
export type EscalationPolicy = ResponseOf<'/api/v1/escalation-policies', 'get'>['items'][number];
export type EscalationPolicyInput = RequestOf<'/api/v1/escalation-policies', 'post'>;

export function useIncidents(state?: Incident['state'], ticketId?: number) {
  return useQuery({
    queryKey: keys.incidentList(state ?? 'all', ticketId ?? 0),
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/incidents', {
          params: { query: { limit: 100, ...(state ? { state } : {}), ...(ticketId ? { ticketId } : {}) } },
        }),
      ).then((r) => r.items),
    refetchInterval: 30_000,
  });
}

export function useIncident(id: number) {
  return useQuery({
    queryKey: keys.incident(id),
    queryFn: () => unwrap(client.GET('/api/v1/incidents/{id}', { params: { path: { id } } })),
    refetchInterval: 15_000,
  });
}

export function useServices() {
  return useQuery({
    queryKey: keys.services,
    queryFn: () => unwrap(client.GET('/api/v1/services')).then((r) => r.items),
  });
}

export function useEscalationPolicies() {
  return useQuery({
    queryKey: keys.escalationPolicies,
    queryFn: () => unwrap(client.GET('/api/v1/escalation-policies')).then((r) => r.items),
  });
}

function useRefresh() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: keys.incidents });
}

export function useOpenIncident(onDone?: (i: Incident) => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/incidents', 'post'>) =>
      unwrap(client.POST('/api/v1/incidents', { body })),
    onSuccess: (i) => {
      onDone?.(i);
      refresh();
    },
  });
}

export function usePageFromTicket(ticketId: number, onDone?: (i: Incident) => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/tickets/{id}/page', 'post'>) =>
      unwrap(client.POST('/api/v1/tickets/{id}/page', { params: { path: { id: ticketId } }, body })),
    onSuccess: (i) => {
      onDone?.(i);
      refresh();
    },
  });
}

export function useRespond(id: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (action: 'acknowledge' | 'resolve') =>
      action === 'acknowledge'
        ? unwrap(client.POST('/api/v1/incidents/{id}/acknowledge', { params: { path: { id } } }))
        : unwrap(client.POST('/api/v1/incidents/{id}/resolve', { params: { path: { id } } })),
    onSuccess: refresh,
  });
}

export function useCreateService(onDone?: (s: ResponseOf<'/api/v1/services', 'post'>) => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: ServiceInput) => unwrap(client.POST('/api/v1/services', { body })),
    onSuccess: (s) => {
      onDone?.(s);
      refresh();
    },
  });
}

export function useCreatePolicy(onDone?: () => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: EscalationPolicyInput) => unwrap(client.POST('/api/v1/escalation-policies', { body })),
    onSuccess: () => {
      onDone?.();
      refresh();
    },
  });
}

export function useUpdatePolicy(id: number, onDone?: () => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: Partial<EscalationPolicyInput>) =>
      unwrap(client.PATCH('/api/v1/escalation-policies/{id}', { params: { path: { id } }, body })),
    onSuccess: () => {
      onDone?.();
      refresh();
    },
  });
}
