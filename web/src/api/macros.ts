// The agents' library: canned responses, macros and ticket templates (each list is what the caller may use),
// their writes, rendering a response for a ticket and applying a macro to one.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { RequestOf, ResponseOf } from './types';

export type CannedResponse = ResponseOf<'/api/v1/canned-responses', 'get'>['items'][number];
export type Macro = ResponseOf<'/api/v1/macros', 'get'>['items'][number];
export type TicketTemplate = ResponseOf<'/api/v1/ticket-templates', 'get'>['items'][number];
export type CannedResponseInput = RequestOf<'/api/v1/canned-responses', 'post'>;
export type MacroInput = RequestOf<'/api/v1/macros', 'post'>;
export type MacroStepInput = MacroInput['actions'][number];
export type TicketTemplateInput = RequestOf<'/api/v1/ticket-templates', 'post'>;
export type MacroResult = ResponseOf<'/api/v1/tickets/{id}/macros/{macroId}/apply', 'post'>;

export function useCannedResponses(enabled = true) {
  return useQuery({
    queryKey: keys.cannedResponses,
    queryFn: () => unwrap(client.GET('/api/v1/canned-responses')).then((r) => r.items),
    enabled,
    staleTime: 30_000,
  });
}

export function useMacros(enabled = true) {
  return useQuery({
    queryKey: keys.macros,
    queryFn: () => unwrap(client.GET('/api/v1/macros')).then((r) => r.items),
    enabled,
    staleTime: 30_000,
  });
}

export function useTicketTemplates(enabled = true) {
  return useQuery({
    queryKey: keys.ticketTemplates,
    queryFn: () => unwrap(client.GET('/api/v1/ticket-templates')).then((r) => r.items),
    enabled,
    staleTime: 30_000,
  });
}

/** A canned response filled in for a ticket (for an internal note when `internal`). */
export function renderCannedResponse(ticketId: number, responseId: number, internal: boolean) {
  return unwrap(
    client.GET('/api/v1/tickets/{id}/canned-responses/{responseId}/render', {
      params: { path: { id: ticketId, responseId }, query: internal ? { internal: true } : {} },
    }),
  ).then((r) => r.body);
}

/** Apply a macro: the answer replaces the cached ticket; its timeline and the lists refresh. */
export function useApplyMacro(ticketId: number, onDone: (r: MacroResult) => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (macroId: number) =>
      unwrap(
        client.POST('/api/v1/tickets/{id}/macros/{macroId}/apply', {
          params: { path: { id: ticketId, macroId } },
        }),
      ),
    onSuccess: (r) => {
      qc.setQueryData(keys.ticket(ticketId), r.ticket);
      void qc.invalidateQueries({ queryKey: keys.ticket(ticketId) });
      void qc.invalidateQueries({ queryKey: keys.tickets });
      onDone(r);
    },
  });
}

type Kind = 'canned-responses' | 'macros' | 'ticket-templates';
const kindKey = {
  'canned-responses': keys.cannedResponses,
  macros: keys.macros,
  'ticket-templates': keys.ticketTemplates,
} as const;

/** Save (create when `id` is null, else change) or delete (`body` null) one item of a kind; its list refreshes. */
export function useSaveLibraryItem(kind: Kind, onDone: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ id, body }: { id: number | null; body: object | null }): Promise<unknown> => {
      // The three kinds share one shape of route; each form builds its kind's body.
      const path = { params: { path: { id: id ?? 0 } } };
      if (kind === 'canned-responses') {
        if (body === null) return unwrap(client.DELETE('/api/v1/canned-responses/{id}', path));
        const b = body as CannedResponseInput;
        return id === null
          ? unwrap(client.POST('/api/v1/canned-responses', { body: b }))
          : unwrap(client.PATCH('/api/v1/canned-responses/{id}', { ...path, body: b }));
      }
      if (kind === 'macros') {
        if (body === null) return unwrap(client.DELETE('/api/v1/macros/{id}', path));
        const b = body as MacroInput;
        return id === null
          ? unwrap(client.POST('/api/v1/macros', { body: b }))
          : unwrap(client.PATCH('/api/v1/macros/{id}', { ...path, body: b }));
      }
      if (body === null) return unwrap(client.DELETE('/api/v1/ticket-templates/{id}', path));
      const b = body as TicketTemplateInput;
      return id === null
        ? unwrap(client.POST('/api/v1/ticket-templates', { body: b }))
        : unwrap(client.PATCH('/api/v1/ticket-templates/{id}', { ...path, body: b }));
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: kindKey[kind] });
      onDone();
    },
  });
}
