// Problem management: problems (list, one with its incidents, history and incident counts), the writes
// (log, edit, resolve with the incidents, link and unlink), and a ticket's problem. Each write refreshes the
// problems and the tickets it touched.
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { QueryOf, RequestOf, ResponseOf } from './types';

export type Problem = ResponseOf<'/api/v1/problems', 'get'>['items'][number];
export type ProblemDetail = ResponseOf<'/api/v1/problems/{id}', 'get'>;
export type ProblemStatus = Problem['status'];
export type ProblemFilter = QueryOf<'/api/v1/problems', 'get'>;
export type NewProblem = RequestOf<'/api/v1/problems', 'post'>;
export type ProblemChange = RequestOf<'/api/v1/problems/{id}', 'patch'>;
export type ResolveProblem = RequestOf<'/api/v1/problems/{id}/resolve', 'post'>;
export type TicketProblem = NonNullable<ResponseOf<'/api/v1/tickets/{id}/problem', 'get'>['problem']>;

export const openProblemStatuses: ProblemStatus[] = ['new', 'investigating', 'known_error'];

/** PRB-12: how people say a problem's number. */
export const problemNumber = (id: number) => `PRB-${id}`;

export function useProblems(filter: ProblemFilter, enabled = true) {
  return useQuery({
    queryKey: keys.problemList(JSON.stringify(filter)),
    queryFn: () => unwrap(client.GET('/api/v1/problems', { params: { query: filter } })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** The list page by page ("Show more" follows the server's cursor). */
export function useProblemPages(filter: Omit<ProblemFilter, 'cursor'>) {
  return useInfiniteQuery({
    queryKey: keys.problemList(`pages:${JSON.stringify(filter)}`),
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET('/api/v1/problems', {
          params: { query: { ...filter, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useProblem(id: number) {
  return useQuery({
    queryKey: keys.problem(id),
    queryFn: () => unwrap(client.GET('/api/v1/problems/{id}', { params: { path: { id } } })),
  });
}

export function useProblemHistory(id: number) {
  return useQuery({
    queryKey: [...keys.problem(id), 'history'],
    queryFn: () =>
      unwrap(client.GET('/api/v1/problems/{id}/history', { params: { path: { id } } })).then((r) => r.items),
  });
}

export function useIncidentCounts(id: number, bucket: 'day' | 'week', days: number) {
  const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return useQuery({
    queryKey: [...keys.problem(id), 'counts', bucket, days, timeZone],
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/problems/{id}/incident-counts', {
          params: { path: { id }, query: { bucket, days, timeZone } },
        }),
      ),
  });
}

export function useTicketProblem(ticketId: number) {
  return useQuery({
    queryKey: keys.ticketProblem(ticketId),
    queryFn: () =>
      unwrap(client.GET('/api/v1/tickets/{id}/problem', { params: { path: { id: ticketId } } })).then(
        (r) => r.problem,
      ),
  });
}

function useRefresh() {
  const qc = useQueryClient();
  return (ticketIds: number[] = []) => {
    void qc.invalidateQueries({ queryKey: keys.problems });
    for (const id of ticketIds) void qc.invalidateQueries({ queryKey: keys.ticket(id) });
    if (ticketIds.length > 0) void qc.invalidateQueries({ queryKey: keys.tickets });
  };
}

export function useCreateProblem(onDone?: (p: ProblemDetail) => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: NewProblem) => unwrap(client.POST('/api/v1/problems', { body })),
    onSuccess: (p) => {
      refresh(p.incidentIds);
      onDone?.(p);
    },
  });
}

export function useUpdateProblem(id: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: ProblemChange) =>
      unwrap(client.PATCH('/api/v1/problems/{id}', { params: { path: { id } }, body })),
    onSuccess: () => refresh(),
  });
}

export function useResolveProblem(id: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: ResolveProblem) =>
      unwrap(client.POST('/api/v1/problems/{id}/resolve', { params: { path: { id } }, body })),
    onSuccess: (r) => refresh(r.resolvedIncidentIds),
  });
}

export function useLinkIncident(id: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (ticketId: number) =>
      unwrap(
        client.POST('/api/v1/problems/{id}/incidents', { params: { path: { id } }, body: { ticketId } }),
      ),
    onSuccess: (_p, ticketId) => refresh([ticketId]),
  });
}

export function useUnlinkIncident(id: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (ticketId: number) =>
      unwrap(
        client.DELETE('/api/v1/problems/{id}/incidents/{ticketId}', { params: { path: { id, ticketId } } }),
      ),
    onSuccess: (_p, ticketId) => refresh([ticketId]),
  });
}

export function useSetTicketProblem(ticketId: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (problemId: number) =>
      unwrap(
        client.PUT('/api/v1/tickets/{id}/problem', {
          params: { path: { id: ticketId } },
          body: { problemId },
        }),
      ),
    onSuccess: () => refresh([ticketId]),
  });
}

export function useClearTicketProblem(ticketId: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: () =>
      unwrap(client.DELETE('/api/v1/tickets/{id}/problem', { params: { path: { id: ticketId } } })),
    onSuccess: () => refresh([ticketId]),
  });
}
