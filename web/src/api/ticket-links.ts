// Links between tickets, merging and splitting: the writes, each refreshing the tickets it touched (both ends
// of a link, the survivor of a merge, the ticket a comment was split from).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { RequestOf, Ticket } from './types';

export type TicketLink = NonNullable<Ticket['links']>[number];
export type NewLink = RequestOf<'/api/v1/tickets/{id}/links', 'post'>;
export type LinkKind = NewLink['kind'];

function useRefresh() {
  const qc = useQueryClient();
  return (...ids: number[]) => {
    for (const id of ids) void qc.invalidateQueries({ queryKey: keys.ticket(id) });
    void qc.invalidateQueries({ queryKey: keys.tickets });
  };
}

export function useAddLink(id: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: NewLink) =>
      unwrap(client.POST('/api/v1/tickets/{id}/links', { params: { path: { id } }, body })),
    onSuccess: (l) => refresh(id, l.ticket.id),
  });
}

export function useRemoveLink(id: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (link: TicketLink) =>
      unwrap(
        client.DELETE('/api/v1/tickets/{id}/links/{linkId}', { params: { path: { id, linkId: link.id } } }),
      ),
    onSuccess: (_r, link) => refresh(id, link.ticket.id),
  });
}

export function useMergeTicket(id: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (intoId: number) =>
      unwrap(client.POST('/api/v1/tickets/{id}/merge', { params: { path: { id } }, body: { intoId } })),
    onSuccess: (survivor) => refresh(id, survivor.id),
  });
}

export function useSplitComment(id: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (commentId: number) =>
      unwrap(
        client.POST('/api/v1/tickets/{id}/comments/{commentId}/split', {
          params: { path: { id, commentId } },
          body: {},
        }),
      ),
    onSuccess: (created) => refresh(id, created.id),
  });
}
