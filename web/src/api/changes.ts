// Change management: the change list and calendar (with conflicts and blackout periods), one change with the
// states it may move to, its links and review; the changes linked to a ticket or a problem (their pages'
// Changes panel); templates of standard changes and the CAB setting.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { RequestOf, ResponseOf } from './types';

export type ChangePage = ResponseOf<'/api/v1/changes', 'get'>;
export type Change = ChangePage['items'][number];
export type Blackout = ChangePage['blackouts'][number];
export type ChangeDetail = ResponseOf<'/api/v1/changes/{id}', 'get'>;
export type ChangeState = Change['state'];
export type ChangeType = Change['type'];
export type ChangeLevel = Change['risk'];
export type NewChange = RequestOf<'/api/v1/changes', 'post'>;
export type ChangeEdit = RequestOf<'/api/v1/changes/{id}', 'patch'>;
export type ReviewOutcome = RequestOf<'/api/v1/changes/{id}/review', 'post'>['outcome'];
export type ChangeTemplate = ResponseOf<'/api/v1/change-templates', 'get'>['items'][number];
export type ChangeSettings = ResponseOf<'/api/v1/settings/changes', 'get'>;

export function useChanges(query: { q?: string; state?: string }) {
  return useQuery({
    queryKey: keys.changeList(JSON.stringify(query)),
    queryFn: () =>
      unwrap(
        client.GET('/api/v1/changes', {
          params: {
            query: {
              limit: 100,
              ...(query.q ? { q: query.q } : {}),
              ...(query.state ? { state: query.state } : {}),
            },
          },
        }),
      ),
  });
}

/** The calendar's changes and blackouts over [from, to), every page of them. */
export function useChangeCalendar(from: string, to: string, enabled = true) {
  return useQuery({
    queryKey: keys.changeCalendar(from, to),
    enabled,
    queryFn: async () => {
      const items: Change[] = [];
      let blackouts: Blackout[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(
          client.GET('/api/v1/changes', {
            params: { query: { from, to, limit: 200, ...(cursor ? { cursor } : {}) } },
          }),
        );
        items.push(...page.items);
        blackouts = page.blackouts;
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return { items, blackouts };
    },
  });
}

export function useChange(id: number) {
  return useQuery({
    queryKey: keys.change(id),
    queryFn: () => unwrap(client.GET('/api/v1/changes/{id}', { params: { path: { id } } })),
  });
}

export type LinkTarget = 'ticket' | 'problem';

/** The changes linked to a ticket or a problem, newest first (staff). */
export function useLinkedChanges(targetType: LinkTarget, id: number, enabled = true) {
  return useQuery({
    queryKey: keys.linkedChanges(targetType, id),
    enabled,
    queryFn: () =>
      unwrap(
        targetType === 'ticket'
          ? client.GET('/api/v1/tickets/{id}/changes', { params: { path: { id } } })
          : client.GET('/api/v1/problems/{id}/changes', { params: { path: { id } } }),
      ).then((r) => r.items),
  });
}

/** Every change to a change: its page gets the answer, lists, calendars and tickets' and problems' panels refresh. */
function useChangeWrite<I>(
  mutationFn: (input: I) => Promise<ChangeDetail>,
  onDone?: (c: ChangeDetail) => void,
) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn,
    onSuccess: (c) => {
      qc.setQueryData(keys.change(c.id), c);
      void qc.invalidateQueries({ queryKey: ['changes', 'list'] });
      void qc.invalidateQueries({ queryKey: ['changes', 'calendar'] });
      void qc.invalidateQueries({ queryKey: ['changes', 'linked'] });
      onDone?.(c);
    },
  });
}

export function useCreateChange(onDone?: (c: ChangeDetail) => void) {
  return useChangeWrite((body: NewChange) => unwrap(client.POST('/api/v1/changes', { body })), onDone);
}

export function useUpdateChange(id: number) {
  return useChangeWrite((body: ChangeEdit) =>
    unwrap(client.PATCH('/api/v1/changes/{id}', { params: { path: { id } }, body })),
  );
}

export function useMoveChange(id: number) {
  return useChangeWrite((body: { to: ChangeState; note?: string }) =>
    unwrap(client.POST('/api/v1/changes/{id}/transitions', { params: { path: { id } }, body })),
  );
}

export function useReviewChange(id: number) {
  return useChangeWrite((body: { outcome: ReviewOutcome; notes?: string }) =>
    unwrap(client.POST('/api/v1/changes/{id}/review', { params: { path: { id } }, body })),
  );
}

export function useLinkChange(id: number) {
  return useChangeWrite((body: { targetType: LinkTarget; targetId: number }) =>
    unwrap(client.POST('/api/v1/changes/{id}/links', { params: { path: { id } }, body })),
  );
}

export function useUnlinkChange(id: number) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (l: { targetType: 'ticket' | 'problem'; targetId: number }) =>
      unwrap(
        client.DELETE('/api/v1/changes/{id}/links/{targetType}/{targetId}', {
          params: { path: { id, targetType: l.targetType, targetId: l.targetId } },
        }),
      ),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.change(id) });
      void qc.invalidateQueries({ queryKey: ['changes', 'linked'] });
    },
  });
}

export function useChangeTemplates() {
  return useQuery({
    queryKey: keys.changeTemplates,
    queryFn: () => unwrap(client.GET('/api/v1/change-templates')).then((r) => r.items),
  });
}

export function useCreateChangeTemplate(onDone?: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/change-templates', 'post'>) =>
      unwrap(client.POST('/api/v1/change-templates', { body })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: keys.changeTemplates });
      onDone?.();
    },
  });
}

export function useCreateBlackout(onDone?: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: RequestOf<'/api/v1/change-blackouts', 'post'>) =>
      unwrap(client.POST('/api/v1/change-blackouts', { body })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['changes', 'calendar'] });
      onDone?.();
    },
  });
}

export function useDeleteBlackout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(client.DELETE('/api/v1/change-blackouts/{id}', { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['changes', 'calendar'] }),
  });
}

export function useChangeSettings() {
  return useQuery({
    queryKey: keys.changeSettings,
    queryFn: () => unwrap(client.GET('/api/v1/settings/changes')),
  });
}

export function useSaveChangeSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ChangeSettings) => unwrap(client.PUT('/api/v1/settings/changes', { body })),
    onSuccess: (s) => qc.setQueryData(keys.changeSettings, s),
  });
}

// ---- time in the viewer's zone -------------------------------------------------------------------------

/** A datetime-local value (the browser's zone) for an instant: its wall-clock time there, DST included. */
export function localInput(iso: string | null): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** The instant a datetime-local value names in the browser's zone (the browser resolves DST gaps). */
export function fromLocalInput(value: string): string | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
