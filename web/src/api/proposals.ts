// Upgrade proposals: the list (by status, source, target; soonest due first, page by page), one proposal, the
// writes (write one up by hand, edit while proposed, decide), and the chart of a metric piece of evidence — a
// PromQL range query over the evidence's own time range. Each write refreshes the proposals (and the changes,
// which an approval adds to).
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

export type Proposal = ResponseOf<'/api/v1/proposals/{id}', 'get'>;
export type ProposalStatus = Proposal['status'];
export type ProposalSource = Proposal['source'];
export type ProposalResource = Proposal['resource'];
export type ProposalEvidence = Proposal['evidence'][number];
export type ProposalFilter = QueryOf<'/api/v1/proposals', 'get'>;
export type NewProposal = RequestOf<'/api/v1/proposals', 'post'>;
export type ProposalChange = RequestOf<'/api/v1/proposals/{id}', 'patch'>;
export type ProposalDecision = RequestOf<'/api/v1/proposals/{id}/decision', 'post'>;

// The resources in the order the form offers them; their words are in the proposals catalogue (resource.*).
export const proposalResources: ProposalResource[] = [
  'disk',
  'memory',
  'cpu',
  'network',
  'hardware',
  'other',
];

export function useProposalPages(filter: Omit<ProposalFilter, 'cursor'>) {
  return useInfiniteQuery({
    queryKey: keys.upgradeProposalList(JSON.stringify(filter)),
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET('/api/v1/proposals', {
          params: { query: { ...filter, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export function useProposal(id: number) {
  return useQuery({
    queryKey: keys.upgradeProposal(id),
    queryFn: () => unwrap(client.GET('/api/v1/proposals/{id}', { params: { path: { id } } })),
  });
}

function useRefresh() {
  const qc = useQueryClient();
  return () => {
    void qc.invalidateQueries({ queryKey: keys.upgradeProposals });
    void qc.invalidateQueries({ queryKey: keys.changes });
  };
}

export function useCreateProposal(onDone?: (p: Proposal) => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: NewProposal) => unwrap(client.POST('/api/v1/proposals', { body })),
    onSuccess: (p) => {
      refresh();
      onDone?.(p);
    },
  });
}

export function useUpdateProposal(id: number, onDone?: () => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: ProposalChange) =>
      unwrap(client.PATCH('/api/v1/proposals/{id}', { params: { path: { id } }, body })),
    onSuccess: () => {
      refresh();
      onDone?.();
    },
  });
}

export function useDecideProposal(id: number, onDone?: (p: Proposal) => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: ProposalDecision) =>
      unwrap(client.POST('/api/v1/proposals/{id}/decision', { params: { path: { id } }, body })),
    onSuccess: (p) => {
      refresh();
      onDone?.(p);
    },
  });
}

export interface ChartSeriesData {
  metric: Record<string, string>;
  values: [number, string][];
}

/** A metric piece of evidence drawn over its own range, about 240 points whatever its length. */
export function useEvidenceChart(query: string, from: string, to: string) {
  return useQuery({
    queryKey: keys.upgradeProposalChart(query, from, to),
    queryFn: async () => {
      const start = Math.floor(Date.parse(from) / 1000);
      const end = Math.floor(Date.parse(to) / 1000);
      const step = Math.max(15, Math.round((end - start) / 240));
      const r = await unwrap(
        client.GET('/api/v1/prom/query_range', {
          params: { query: { query, start: String(start), end: String(end), step: String(step) } },
        }),
      );
      const series = (r.data.resultType === 'matrix' ? r.data.result : []) as ChartSeriesData[];
      return { start, end, series };
    },
  });
}
