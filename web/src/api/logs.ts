// The log store from the web app: search (a page at a time by cursor), the histogram above it, patterns (list, one,
// rename, merge), pattern rates for sparklines and charts, and the log context of a ticket or an incident. The
// live tail is an EventSource the tail page opens itself. Query keys live here, under ['logs'] (and the ticket's
// and incident's own keys for their panels), so a rename or a merge refreshes every logs view at once.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import type { QueryOf, ResponseOf } from './types';

export type LogRecord = ResponseOf<'/api/v1/logs', 'get'>['items'][number];
export type LogHistogram = ResponseOf<'/api/v1/logs/histogram', 'get'>;
export type LogPattern = ResponseOf<'/api/v1/logs/patterns/{id}', 'get'>;
export type PatternRates = ResponseOf<'/api/v1/logs/pattern-rates', 'get'>;
export type PatternRate = PatternRates['patterns'][number];
export type LogContext = ResponseOf<'/api/v1/tickets/{id}/log-patterns', 'get'>;
export type PatternSort = NonNullable<QueryOf<'/api/v1/logs/patterns', 'get'>['sort']>;

/** Syslog's severities, 0 (emerg) to 7 (debug), as the API names them. */
export const severityNames = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
export type SeverityName = (typeof severityNames)[number];

/** The filter every read of records takes (search, histogram, tail), as query parameters. */
export interface LogFilterQuery {
  q?: string;
  host?: string;
  app?: string;
  severity?: string;
  from?: string;
  to?: string;
  templateId?: string;
}

const logKeys = {
  all: ['logs'] as const,
  search: (f: LogFilterQuery) => ['logs', 'search', f] as const,
  histogram: (f: LogFilterQuery) => ['logs', 'histogram', f] as const,
  patterns: (f: object) => ['logs', 'patterns', f] as const,
  pattern: (id: string) => ['logs', 'pattern', id] as const,
  rates: (ids: string, from: string, to: string, step: number) =>
    ['logs', 'rates', ids, from, to, step] as const,
  context: (kind: 'ticket' | 'incident', id: number) => ['logs', 'context', kind, id] as const,
};

/** The filter without its empty fields (the key and the query string stay the same for the same filter). */
function clean(f: LogFilterQuery): LogFilterQuery {
  const out: LogFilterQuery = {};
  for (const [k, v] of Object.entries(f)) if (v) out[k as keyof LogFilterQuery] = v;
  return out;
}

export function useLogSearch(filter: LogFilterQuery, limit = 100) {
  const f = clean(filter);
  return useInfiniteQuery({
    queryKey: logKeys.search(f),
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET('/api/v1/logs', {
          params: { query: { ...f, limit, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  });
}

export function useLogHistogram(filter: LogFilterQuery) {
  const f = clean(filter);
  return useQuery({
    queryKey: logKeys.histogram(f),
    queryFn: () => unwrap(client.GET('/api/v1/logs/histogram', { params: { query: f } })),
  });
}

export interface PatternListFilter {
  q?: string;
  host?: string;
  severity?: string;
  sort: PatternSort;
}

export function usePatterns(filter: PatternListFilter) {
  const f = Object.fromEntries(Object.entries(filter).filter(([, v]) => v)) as PatternListFilter;
  return useInfiniteQuery({
    queryKey: logKeys.patterns(f),
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET('/api/v1/logs/patterns', {
          params: { query: { ...f, limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (p) => p.nextCursor ?? undefined,
  });
}

/** Patterns whose template or name holds `q`, for the merge picker (the first 20). */
export function usePatternChoices(q: string, enabled: boolean) {
  return useQuery({
    queryKey: logKeys.patterns({ pick: q }),
    enabled,
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/logs/patterns', {
          params: { query: { sort: 'count', limit: 20, ...(q.trim() ? { q: q.trim() } : {}) } },
        }),
      ).then((r) => r.items),
  });
}

export function usePattern(id: string) {
  return useQuery({
    queryKey: logKeys.pattern(id),
    queryFn: () => unwrap(client.GET('/api/v1/logs/patterns/{id}', { params: { path: { id } } })),
  });
}

/**
 * Per-pattern counts in steps over [from, to). Also names the patterns of a page of records: asked for ids, the
 * answer carries each one's template and name (merged patterns answer as their survivor).
 */
export function usePatternRates(ids: readonly string[], from: string, to: string, stepSeconds: number) {
  const list = [...new Set(ids)].slice(0, 100).sort().join(',');
  return useQuery({
    queryKey: logKeys.rates(list, from, to, stepSeconds),
    enabled: list !== '',
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/logs/pattern-rates', { params: { query: { ids: list, from, to, stepSeconds } } }),
      ),
  });
}

function useRefreshLogs() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: logKeys.all });
}

export function useRenamePattern(id: string) {
  const refresh = useRefreshLogs();
  return useMutation({
    mutationFn: (name: string | null) =>
      unwrap(client.PATCH('/api/v1/logs/patterns/{id}', { params: { path: { id } }, body: { name } })),
    onSuccess: refresh,
  });
}

export function useMergePattern(id: string, onDone?: (survivor: LogPattern) => void) {
  const refresh = useRefreshLogs();
  return useMutation({
    mutationFn: (into: string) =>
      unwrap(client.POST('/api/v1/logs/patterns/{id}/merge', { params: { path: { id } }, body: { into } })),
    onSuccess: (survivor) => {
      refresh();
      onDone?.(survivor);
    },
  });
}

export function useLogContext(kind: 'ticket' | 'incident', id: number) {
  return useQuery({
    queryKey: logKeys.context(kind, id),
    queryFn: () =>
      kind === 'ticket'
        ? unwrap(client.GET('/api/v1/tickets/{id}/log-patterns', { params: { path: { id } } }))
        : unwrap(client.GET('/api/v1/incidents/{id}/log-patterns', { params: { path: { id } } })),
    refetchInterval: 60_000,
  });
}

/** The tail's address for a filter (EventSource sends the session cookie; it takes no headers). */
export function tailUrl(filter: LogFilterQuery): string {
  const s = new URLSearchParams(clean(filter) as Record<string, string>).toString();
  return `/api/v1/logs/tail${s ? `?${s}` : ''}`;
}
