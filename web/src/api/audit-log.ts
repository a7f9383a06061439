// The audit log (admins and managers): pages newest first with filters, and the CSV export's address.
import { useInfiniteQuery } from '@tanstack/react-query';
import { client, unwrap } from './client';
import type { ResponseOf } from './types';

export type AuditEntry = ResponseOf<'/api/v1/audit-log', 'get'>['items'][number];

export interface AuditFilters {
  action?: string;
  actorId?: number;
  subjectType?: string;
  subjectId?: string;
  /** ISO 8601 */
  from?: string;
  to?: string;
}

export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ['audit-log', filters] as const,
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET('/api/v1/audit-log', {
          params: { query: { ...filters, limit: 50, cursor: pageParam || undefined } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  });
}

/** The CSV export of the same selection (a download link: the browser sends the session cookie). */
export function auditExportUrl(filters: AuditFilters): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && v !== '') q.set(k, String(v));
  q.set('bom', 'true');
  return `/api/v1/audit-log/export.csv?${q}`;
}
