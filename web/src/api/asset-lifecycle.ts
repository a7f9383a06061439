// Assets' lifecycle as the web app reads it: a ticket's repair-or-replace figures and the two writes from the
// ticket (start a repair, ask for a replacement), closing a repair, and the manager's lifecycle window and
// failure rates per model. Each write refreshes the ticket's figures, its timeline and the asset.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { RequestOf, ResponseOf } from './types';

export type RepairOption = ResponseOf<'/api/v1/tickets/{id}/assets/repair-options', 'get'>['items'][number];
export type StartRepair = RequestOf<'/api/v1/tickets/{id}/assets/{assetId}/repair', 'post'>;
export type AskReplacement = RequestOf<'/api/v1/tickets/{id}/assets/{assetId}/replacement', 'post'>;
export type CloseRepair = RequestOf<'/api/v1/assets/{id}/repairs/{repairId}/close', 'post'>;
export type Lifecycle = ResponseOf<'/api/v1/assets/lifecycle', 'get'>;
export type FailureRates = ResponseOf<'/api/v1/assets/failure-rates', 'get'>;

const repairOptionsKey = (ticketId: number) => ['asset-lifecycle', 'repair-options', ticketId] as const;

export function useRepairOptions(ticketId: number) {
  return useQuery({
    queryKey: repairOptionsKey(ticketId),
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/tickets/{id}/assets/repair-options', { params: { path: { id: ticketId } } }),
      ).then((r) => r.items),
  });
}

function useTicketAssetChange<I, O>(ticketId: number, mutationFn: (input: I) => Promise<O>) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: repairOptionsKey(ticketId) });
      void qc.invalidateQueries({ queryKey: keys.ticketHistory(ticketId) });
      void qc.invalidateQueries({ queryKey: ['assets'] });
    },
  });
}

export function useStartRepair(ticketId: number) {
  return useTicketAssetChange(ticketId, ({ assetId, body }: { assetId: number; body: StartRepair }) =>
    unwrap(
      client.POST('/api/v1/tickets/{id}/assets/{assetId}/repair', {
        params: { path: { id: ticketId, assetId } },
        body,
      }),
    ),
  );
}

export function useAskReplacement(ticketId: number) {
  return useTicketAssetChange(ticketId, ({ assetId, body }: { assetId: number; body: AskReplacement }) =>
    unwrap(
      client.POST('/api/v1/tickets/{id}/assets/{assetId}/replacement', {
        params: { path: { id: ticketId, assetId } },
        body,
      }),
    ),
  );
}

export function useCloseRepair(ticketId: number) {
  return useTicketAssetChange(
    ticketId,
    ({ assetId, repairId, body }: { assetId: number; repairId: number; body: CloseRepair }) =>
      unwrap(
        client.POST('/api/v1/assets/{id}/repairs/{repairId}/close', {
          params: { path: { id: assetId, repairId } },
          body,
        }),
      ),
  );
}

export function useLifecycle(within: string) {
  return useQuery({
    queryKey: ['asset-lifecycle', 'window', within],
    queryFn: () => unwrap(client.GET('/api/v1/assets/lifecycle', { params: { query: { within } } })),
  });
}

export function useFailureRates(months: number) {
  return useQuery({
    queryKey: ['asset-lifecycle', 'failure-rates', months],
    queryFn: () => unwrap(client.GET('/api/v1/assets/failure-rates', { params: { query: { months } } })),
  });
}
