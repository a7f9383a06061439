// Tickets: the queue, search, a requester's own list, one ticket with its comments, history and
// attachments, and the writes on them (create, change, comment, rate, bulk change, uploads).
import { useInfiniteQuery, useMutation, useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, client, unwrap } from './client';
import { keys } from './keys';
import type { Attachment, QueryOf, RequestOf, ResponseOf, Ticket } from './types';

export type TicketQuery = QueryOf<'/api/v1/tickets', 'get'>;
export type TicketChanges = RequestOf<'/api/v1/tickets/{id}', 'patch'>;
export type NewTicket = RequestOf<'/api/v1/tickets', 'post'>;
export type BulkChanges = RequestOf<'/api/v1/tickets/bulk', 'post'>['changes'];

/** A page of tickets; `query` is the queue's filters as the address bar holds them (a query string). */
function listTickets(query: TicketQuery, signal?: AbortSignal) {
  return unwrap(client.GET('/api/v1/tickets', { params: { query }, signal }));
}

export function fetchTicket(id: number) {
  return unwrap(client.GET('/api/v1/tickets/{id}', { params: { path: { id } } }));
}

export function useTicket(id: number) {
  return useQuery({ queryKey: keys.ticket(id), queryFn: () => fetchTicket(id) });
}

/** Several tickets by id (each cached as if opened on its own). */
export function useTickets(ids: number[], staleTime = 0) {
  return useQueries({
    queries: ids.map((id) => ({ queryKey: keys.ticket(id), queryFn: () => fetchTicket(id), staleTime })),
  });
}

/** The queue: pages of `limit` tickets, the next one fetched as the list scrolls. */
export function useTicketQueue(queryString: string, limit: number) {
  return useInfiniteQuery({
    queryKey: keys.ticketQueue(queryString),
    queryFn: ({ pageParam, signal }) =>
      listTickets(
        // The address bar's filters are strings; the server validates and converts them as for any client.
        {
          ...(Object.fromEntries(new URLSearchParams(queryString)) as unknown as TicketQuery),
          limit,
          cursor: pageParam,
        },
        signal,
      ),
    initialPageParam: '' as string,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useTicketSearch(q: string, limit: number) {
  return useQuery({
    queryKey: keys.ticketSearch(q),
    queryFn: ({ signal }) => listTickets({ q, limit }, signal),
    enabled: q.length > 0,
    staleTime: 5_000,
    placeholderData: (prev) => prev,
  });
}

/** A requester's own tickets, latest change first: open ones (resolved count as open to them), or all. */
export function useMyTickets(show: 'open' | 'all', requesterId: number) {
  return useQuery({
    queryKey: keys.myTickets(show),
    queryFn: () =>
      listTickets({
        requesterId,
        limit: 100,
        sort: '-updated',
        ...(show === 'open' ? { status: 'open,resolved' } : {}),
      }),
  });
}

export function useTicketComments(id: number) {
  return useQuery({
    queryKey: keys.ticketComments(id),
    queryFn: () =>
      unwrap(client.GET('/api/v1/tickets/{id}/comments', { params: { path: { id } } })).then((r) => r.items),
  });
}

export function useTicketHistory(id: number) {
  return useQuery({
    queryKey: keys.ticketHistory(id),
    queryFn: () =>
      unwrap(client.GET('/api/v1/tickets/{id}/history', { params: { path: { id } } })).then((r) => r.items),
  });
}

export function useTicketAttachments(id: number) {
  return useQuery({
    queryKey: keys.ticketAttachments(id),
    queryFn: () =>
      unwrap(client.GET('/api/v1/tickets/{id}/attachments', { params: { path: { id } } })).then(
        (r) => r.items,
      ),
  });
}

/** Change a ticket: the answer replaces the cached ticket; its history and the lists refresh. */
export function useUpdateTicket(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (changes: TicketChanges) =>
      unwrap(client.PATCH('/api/v1/tickets/{id}', { params: { path: { id } }, body: changes })),
    onSuccess: (t) => {
      // The single-ticket read carries the links; a change's answer does not: keep them.
      qc.setQueryData<Ticket>(keys.ticket(id), (old) => ({ ...t, links: t.links ?? old?.links }));
      void qc.invalidateQueries({ queryKey: keys.ticketHistory(id) });
      void qc.invalidateQueries({ queryKey: keys.tickets });
    },
  });
}

function addComment(id: number, body: RequestOf<'/api/v1/tickets/{id}/comments', 'post'>) {
  return unwrap(client.POST('/api/v1/tickets/{id}/comments', { params: { path: { id } }, body }));
}

/** Staff reply or internal note, then the files as attachments; the ticket and the lists refresh. */
export function useStaffReply(id: number, onDone: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, internal, files }: { body: string; internal: boolean; files: File[] }) => {
      if (body.trim()) await addComment(id, { body, internal });
      for (const f of files) await uploadAttachment(id, f);
    },
    onSuccess: () => {
      onDone();
      void qc.invalidateQueries({ queryKey: keys.ticket(id) });
      void qc.invalidateQueries({ queryKey: keys.tickets });
    },
  });
}

/** A requester's reply with files: the files are checked first, so a refused one stops the reply. */
export function useRequesterReply(id: number, onDone: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ body, files }: { body: string; files: File[] }) => {
      const uploadIds = await uploadFiles(files);
      return addComment(id, { body, ...(uploadIds.length > 0 ? { uploadIds } : {}) });
    },
    onSuccess: () => {
      onDone();
      void qc.invalidateQueries({ queryKey: keys.ticket(id) });
    },
  });
}

export function createTicket(body: NewTicket) {
  return unwrap(client.POST('/api/v1/tickets', { body }));
}

export function useRateTicket(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/tickets/{id}/rating', 'post'>) =>
      unwrap(client.POST('/api/v1/tickets/{id}/rating', { params: { path: { id } }, body })),
    onSuccess: (t) => {
      qc.setQueryData(keys.ticket(id), t);
      void qc.invalidateQueries({ queryKey: keys.ticket(id) });
    },
  });
}

export type BulkAnswer = ResponseOf<'/api/v1/tickets/bulk', 'post'>;

/** One change (or one macro) to many tickets; the answer says, per ticket, whether it was made. */
export function useBulkUpdateTickets(ids: number[], onDone: (r: BulkAnswer) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (what: NonNullable<BulkChanges> | { macroId: number }) =>
      unwrap(
        client.POST('/api/v1/tickets/bulk', {
          body: 'macroId' in what ? { ids, macroId: what.macroId } : { ids, changes: what },
        }),
      ),
    onSuccess: (r) => {
      onDone(r);
      void qc.invalidateQueries({ queryKey: keys.tickets });
    },
  });
}

/** Put a ticket from a list into the cache, so opening it shows it at once. */
export function seedTicket(qc: ReturnType<typeof useQueryClient>, t: Ticket): void {
  if (!qc.getQueryData(keys.ticket(t.id))) qc.setQueryData(keys.ticket(t.id), t);
}

function fileForm(file: File) {
  const form = new FormData();
  form.append('file', file, file.name);
  return form;
}

// Multipart bodies are not in the OpenAPI document: the body goes through as FormData, unserialised.
const asForm = { bodySerializer: (body: unknown) => body as FormData };

export function uploadAttachment(ticketId: number, file: File): Promise<Attachment> {
  return unwrap(
    client.POST('/api/v1/tickets/{id}/attachments', {
      params: { path: { id: ticketId } },
      body: fileForm(file) as never,
      ...asForm,
    }),
  );
}

/**
 * Upload files for a request or reply still to be sent (POST /api/v1/uploads): the server checks each one
 * first, so a refused file stops the send before anything is filed. Returns the ids to send with it.
 */
export async function uploadFiles(files: File[]): Promise<number[]> {
  const ids: number[] = [];
  for (const f of files) {
    try {
      ids.push((await unwrap(client.POST('/api/v1/uploads', { body: fileForm(f) as never, ...asForm }))).id);
    } catch (err) {
      throw new Error(`${f.name}: ${(err as Error).message}`);
    }
  }
  return ids;
}

export { ApiError };
