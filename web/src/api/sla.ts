// SLA setup (calendars, policies, OLAs, the escalation path), escalations, and the open windows of a
// calendar that the browser needs to count business time between two server readings.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { Calendar, QueryOf, RequestOf, SlaPolicy } from './types';

export type CalendarInput = RequestOf<'/api/v1/sla/calendars', 'post'>;
export type PolicyInput = RequestOf<'/api/v1/sla/policies', 'post'>;
export type OlaInput = RequestOf<'/api/v1/sla/olas/{groupId}', 'put'>;
export type EscalationQuery = QueryOf<'/api/v1/sla/escalations', 'get'>;

/** How long the setup read by queue and ticket pages stays fresh (admins' edits invalidate it at once). */
export const slaSetupStaleMs = 300_000;

export function useCalendars(staleTime = 0) {
  return useQuery({
    queryKey: keys.calendars,
    queryFn: () => unwrap(client.GET('/api/v1/sla/calendars')).then((r) => r.items),
    staleTime,
  });
}

export function usePolicies(staleTime = 0) {
  return useQuery({
    queryKey: keys.policies,
    queryFn: () => unwrap(client.GET('/api/v1/sla/policies')).then((r) => r.items),
    staleTime,
  });
}

export function useOlas(staleTime = 0) {
  return useQuery({
    queryKey: keys.olas,
    queryFn: () => unwrap(client.GET('/api/v1/sla/olas')).then((r) => r.items),
    staleTime,
  });
}

export function useEscalationPath(staleTime = 0) {
  return useQuery({
    queryKey: keys.escalationPath,
    queryFn: () => unwrap(client.GET('/api/v1/sla/escalation-path')).then((r) => r.groupIds),
    staleTime,
  });
}

/** Create (no id) or change a calendar; every SLA read refreshes. */
export function useSaveCalendar(id: number | undefined, onDone: (c: Calendar) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CalendarInput) =>
      id === undefined
        ? unwrap(client.POST('/api/v1/sla/calendars', { body }))
        : unwrap(client.PATCH('/api/v1/sla/calendars/{id}', { params: { path: { id } }, body })),
    onSuccess: (c) => {
      void qc.invalidateQueries({ queryKey: keys.sla });
      onDone(c);
    },
  });
}

export function useDeleteCalendar(id: number | undefined, onDone: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(client.DELETE('/api/v1/sla/calendars/{id}', { params: { path: { id: id ?? 0 } } })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.sla });
      onDone();
    },
  });
}

export function useImportHolidays(
  id: number | undefined,
  onDone: (r: { imported: number; calendar: Calendar }) => void,
) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (file: File) =>
      unwrap(
        client.POST('/api/v1/sla/calendars/{id}/holidays/import', {
          params: { path: { id: id ?? 0 } },
          // The route takes text/calendar or JSON {ics} and so declares no body schema.
          body: { ics: await file.text() } as never,
        }),
      ),
    onSuccess: (r) => {
      onDone(r);
      void qc.invalidateQueries({ queryKey: keys.sla });
    },
  });
}

/** The open intervals of a calendar between two instants, as the server's business calendar computes them. */
export function useOpenWindows(calendarId: number | null, from: string, to: string) {
  return useQuery({
    queryKey: keys.openWindows(calendarId ?? 0, from, to),
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/sla/calendars/{id}/open-windows', {
          params: { path: { id: calendarId ?? 0 }, query: { from, to } },
        }),
      ),
    enabled: calendarId !== null,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useSavePolicy(id: number | undefined, onDone: (p: SlaPolicy) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: PolicyInput) =>
      id === undefined
        ? unwrap(client.POST('/api/v1/sla/policies', { body }))
        : unwrap(client.PATCH('/api/v1/sla/policies/{id}', { params: { path: { id } }, body })),
    onSuccess: (p) => {
      void qc.invalidateQueries({ queryKey: keys.sla });
      onDone(p);
    },
  });
}

export function useDeletePolicy(id: number | undefined, onDone: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () =>
      unwrap(client.DELETE('/api/v1/sla/policies/{id}', { params: { path: { id: id ?? 0 } } })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.sla });
      onDone();
    },
  });
}

export function useReorderPolicies() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (ids: number[]) => unwrap(client.PUT('/api/v1/sla/policies/order', { body: { ids } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.policies }),
  });
}

/** Set a group's OLA, or remove it (no target). */
export function useSaveOla(groupId: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (target: OlaInput | undefined) => {
      const path = { groupId };
      if (target) await unwrap(client.PUT('/api/v1/sla/olas/{groupId}', { params: { path }, body: target }));
      else await unwrap(client.DELETE('/api/v1/sla/olas/{groupId}', { params: { path } }));
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.olas }),
  });
}

export function useSaveEscalationPath(onDone: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (groupIds: number[]) =>
      unwrap(client.PUT('/api/v1/sla/escalation-path', { body: { groupIds } })),
    onSuccess: () => {
      onDone();
      void qc.invalidateQueries({ queryKey: keys.escalationPath });
    },
  });
}

export function useEscalations(view: string, query: EscalationQuery) {
  return useQuery({
    queryKey: keys.escalationsIn(view),
    queryFn: () => unwrap(client.GET('/api/v1/sla/escalations', { params: { query } })).then((r) => r.items),
  });
}

export function useTicketEscalations(ticketId: number) {
  return useQuery({
    queryKey: keys.ticketEscalations(ticketId),
    queryFn: () =>
      unwrap(client.GET('/api/v1/tickets/{id}/escalations', { params: { path: { id: ticketId } } })).then(
        (r) => r.items,
      ),
  });
}

/** Escalate a ticket by hand; the ticket and the lists refresh. */
export function useEscalateTicket(ticketId: number, onDone: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/tickets/{id}/escalations', 'post'>) =>
      unwrap(client.POST('/api/v1/tickets/{id}/escalations', { params: { path: { id: ticketId } }, body })),
    onSuccess: () => {
      onDone();
      void qc.invalidateQueries({ queryKey: keys.ticket(ticketId) });
      void qc.invalidateQueries({ queryKey: keys.tickets });
    },
  });
}

/** Resolve an escalation, or hand it on to another group. */
export function useCloseEscalation(id: number, ticketId: number, onDone: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (
      close: { mode: 'resolve'; note: string } | { mode: 'hand-on'; note: string; groupId: number },
    ) =>
      close.mode === 'resolve'
        ? unwrap(
            client.POST('/api/v1/sla/escalations/{id}/resolve', {
              params: { path: { id } },
              body: { note: close.note },
            }),
          )
        : unwrap(
            client.POST('/api/v1/sla/escalations/{id}/hand-on', {
              params: { path: { id } },
              body: { note: close.note, groupId: close.groupId },
            }),
          ),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.escalations });
      void qc.invalidateQueries({ queryKey: keys.ticket(ticketId) });
      onDone();
    },
  });
}
