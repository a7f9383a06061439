// Time tracking: a ticket's time entries and my timer on it (the timer runs on the server, so a reload or
// another tab shows the same one), the time report, and the "time entry required on resolve" setting.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { t } from '../i18n';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { QueryOf, RequestOf, ResponseOf } from './types';

export type TicketTime = ResponseOf<'/api/v1/tickets/{id}/time-entries', 'get'>;
export type TimeEntry = TicketTime['items'][number];
export type NewTimeEntry = RequestOf<'/api/v1/tickets/{id}/time-entries', 'post'>;
export type TimeReport = ResponseOf<'/api/v1/reports/time', 'get'>;
export type TimeReportGrouping = NonNullable<QueryOf<'/api/v1/reports/time', 'get'>['groupBy']>;

export function useTicketTime(id: number) {
  return useQuery({
    queryKey: keys.ticketTime(id),
    queryFn: () => unwrap(client.GET('/api/v1/tickets/{id}/time-entries', { params: { path: { id } } })),
  });
}

/** Every change to a ticket's time: refresh its entries, its timeline (history) and the time report. */
function useTimeChange<I, O>(id: number, mutationFn: (input: I) => Promise<O>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.ticketTime(id) });
      void qc.invalidateQueries({ queryKey: keys.ticketHistory(id) });
      void qc.invalidateQueries({ queryKey: ['reports', 'time'] });
    },
  });
}

export function useLogTime(id: number) {
  return useTimeChange(id, (body: NewTimeEntry) =>
    unwrap(client.POST('/api/v1/tickets/{id}/time-entries', { params: { path: { id } }, body })),
  );
}

export function useDeleteTimeEntry(ticketId: number) {
  return useTimeChange(ticketId, (entryId: number) =>
    unwrap(client.DELETE('/api/v1/time-entries/{id}', { params: { path: { id: entryId } } })),
  );
}

export function useStartTimer(id: number) {
  return useTimeChange(id, () =>
    unwrap(client.POST('/api/v1/tickets/{id}/timer/start', { params: { path: { id } } })),
  );
}

export function useStopTimer(id: number) {
  return useTimeChange(id, (body: RequestOf<'/api/v1/tickets/{id}/timer/stop', 'post'>) =>
    unwrap(client.POST('/api/v1/tickets/{id}/timer/stop', { params: { path: { id } }, body })),
  );
}

export function useDiscardTimer(id: number) {
  return useTimeChange(id, () =>
    unwrap(client.DELETE('/api/v1/tickets/{id}/timer', { params: { path: { id } } })),
  );
}

export function useTimeReport(
  query: { from: string; to: string; groupBy: TimeReportGrouping },
  enabled: boolean,
) {
  return useQuery({
    queryKey: keys.timeReport(query.from, query.to, query.groupBy),
    queryFn: () => unwrap(client.GET('/api/v1/reports/time', { params: { query } })),
    enabled,
  });
}

export function useTimeSettings() {
  return useQuery({
    queryKey: keys.timeSettings,
    queryFn: () => unwrap(client.GET('/api/v1/settings/time-tracking')),
  });
}

export function useSaveTimeSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { requiredOnResolve: boolean }) =>
      unwrap(client.PUT('/api/v1/settings/time-tracking', { body })),
    onSuccess: (s) => qc.setQueryData(keys.timeSettings, s),
  });
}

/** "1:30", "90", "1.5h", "1h 30m", "45m" → minutes; null when it is none of these. */
export function parseDuration(text: string): number | null {
  const s = text.trim().toLowerCase();
  if (/^\d{1,4}$/.test(s)) return Number(s);
  const hm = s.match(/^(\d{1,2}):([0-5]\d)$/);
  if (hm) return Number(hm[1]) * 60 + Number(hm[2]);
  const hours = s.match(/^(\d{1,2}(?:[.,]\d{1,2})?)\s*h$/);
  if (hours) return Math.round(Number(hours[1].replace(',', '.')) * 60);
  const parts = s.match(/^(?:(\d{1,2})\s*h)?\s*(?:(\d{1,4})\s*m(?:in)?)?$/);
  if (parts && (parts[1] || parts[2])) return Number(parts[1] ?? 0) * 60 + Number(parts[2] ?? 0);
  return null;
}

/** Minutes as people log them: "45m", "1h 30m", "8h" ("1 h 30 min" in German; parseDuration reads both). */
export function formatLogged(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return t('ui:logged.minutes', { m });
  return m === 0 ? t('ui:logged.hours', { h }) : t('ui:logged.both', { h, m: String(m).padStart(2, '0') });
}
