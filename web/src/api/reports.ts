// Reports: the dashboard (in the viewer's time zone) and the SLA report over a period.
import { useQuery } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { QueryOf, ResponseOf } from './types';

export type Dashboard = ResponseOf<'/api/v1/reports/dashboard', 'get'>;
export type SlaReport = ResponseOf<'/api/v1/reports/sla', 'get'>;
export type SlaReportQuery = QueryOf<'/api/v1/reports/sla', 'get'>;

export function useDashboard(timeZone: string) {
  return useQuery({
    queryKey: keys.dashboardIn(timeZone),
    queryFn: () => unwrap(client.GET('/api/v1/reports/dashboard', { params: { query: { timeZone } } })),
    refetchInterval: 60_000,
  });
}

export function useSlaReport(query: SlaReportQuery & { from: string; to: string }, enabled: boolean) {
  return useQuery({
    queryKey: keys.slaReport(query.from, query.to, String(query.groupBy ?? '')),
    queryFn: () => unwrap(client.GET('/api/v1/reports/sla', { params: { query } })),
    enabled,
  });
}
