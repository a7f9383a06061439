// Approvals: what waits for my decision, one approval, deciding it, a ticket's approvals, and the signed mail
// link (read without signing in; deciding on a click).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import type { ResponseOf } from './types';

export type Approval = ResponseOf<'/api/v1/approvals/{id}', 'get'>;
export type ApprovalByLink = ResponseOf<'/api/v1/approval-links/{id}', 'get'>;
export type Decision = 'approve' | 'reject';

export function useMyApprovals(state: 'pending' | undefined) {
  return useQuery({
    queryKey: ['approvals', 'mine', state ?? 'all'],
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/approvals', {
          params: { query: { mine: true, limit: 50, ...(state ? { state } : {}) } },
        }),
      ),
  });
}

export function useTicketApprovals(ticketId: number) {
  return useQuery({
    queryKey: ['approvals', 'ticket', ticketId],
    queryFn: () =>
      unwrap(client.GET('/api/v1/tickets/{id}/approvals', { params: { path: { id: ticketId } } })),
  });
}

export function useDecide() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { id: number; decision: Decision; comment?: string }) =>
      unwrap(
        client.POST('/api/v1/approvals/{id}/decision', {
          params: { path: { id: v.id } },
          body: { decision: v.decision, ...(v.comment ? { comment: v.comment } : {}) },
        }),
      ),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['approvals'] });
      void qc.invalidateQueries({ queryKey: ['tickets'] });
    },
  });
}

export function useApprovalByLink(id: number, token: string) {
  return useQuery({
    queryKey: ['approval-link', id, token],
    enabled: token.length > 0,
    retry: false,
    queryFn: () =>
      unwrap(client.GET('/api/v1/approval-links/{id}', { params: { path: { id }, query: { token } } })),
  });
}

export function useDecideByLink(id: number, token: string) {
  return useMutation({
    mutationFn: (v: { decision: Decision; comment?: string }) =>
      unwrap(
        client.POST('/api/v1/approval-links/{id}', {
          params: { path: { id } },
          body: { token, decision: v.decision, ...(v.comment ? { comment: v.comment } : {}) },
        }),
      ),
  });
}
