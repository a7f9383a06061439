// The inventory for the asset pages: the list (filters and sort from the URL, page by page on the server's
// cursor), an asset with its tickets and relations, its history and installed software, the writes (edit, bulk
// edit, relations, CSV import) and the inventory list's saved views (scope assets). Each write refreshes what
// it changed.
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQueries,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { dateTimeFormat, numberFormat } from '../locale';
import { client, unwrap } from './client';
import { keys } from './keys';
import type { components } from './schema';
import type { QueryOf, RequestOf, ResponseOf } from './types';

export type Asset = components['schemas']['Asset'];
export type AssetDetail = components['schemas']['AssetDetail'];
export type AssetRelation = components['schemas']['AssetRelation'];
export type AssetLicence = components['schemas']['AssetLicence'];
export type AssetHardware = components['schemas']['AssetHardware'];
export type AssetType = Asset['type'];
export type AssetStatus = Asset['status'];
export type RelationKind = AssetRelation['kind'];
export type AssetFilter = QueryOf<'/api/v1/assets', 'get'>;
export type AssetChange = RequestOf<'/api/v1/assets/{id}', 'patch'>;
export type BulkSet = RequestOf<'/api/v1/assets/bulk-update', 'post'>['set'];
export type ImportReport = ResponseOf<'/api/v1/assets/import', 'post'>;
export type AssetHistoryEntry = ResponseOf<'/api/v1/assets/{id}/history', 'get'>['items'][number];
export type InstalledSoftware = ResponseOf<'/api/v1/assets/{id}/software', 'get'>['items'][number];

// The codes in the order forms offer them; their words are in the assets catalogue (type.*, status.*).
export const assetTypes: AssetType[] = [
  'computer',
  'server',
  'network_device',
  'printer',
  'phone',
  'peripheral',
  'monitor',
  'software',
  'licence',
];

export const assetStatuses: AssetStatus[] = ['in_stock', 'in_use', 'in_repair', 'retired'];

export const relationKinds: RelationKind[] = ['installed_on', 'connected_to', 'depends_on'];

/** Everything of the list query the server reads, in a stable order (the saved view's and the cache's key). */
export const assetFilterKeys = [
  'q',
  'type',
  'status',
  'location',
  'ownerId',
  'warrantyEndsBefore',
  'sort',
] as const;

export function assetFilterOf(params: URLSearchParams): Omit<AssetFilter, 'cursor' | 'limit'> {
  const get = (k: string) => params.get(k) || undefined;
  const owner = get('ownerId');
  const sort = get('sort');
  return {
    q: get('q'),
    type: get('type'),
    status: get('status'),
    location: get('location'),
    ownerId: owner && /^[1-9]\d{0,9}$/.test(owner) ? Number(owner) : undefined,
    warrantyEndsBefore: get('warrantyEndsBefore'),
    sort: sort === 'name' || sort === 'updated' ? sort : undefined,
  };
}

export function useAssetPages(filter: Omit<AssetFilter, 'cursor'>) {
  return useInfiniteQuery({
    queryKey: keys.assetList(JSON.stringify(filter)),
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET('/api/v1/assets', {
          params: { query: { ...filter, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** Assets matching words (the relation picker): the first ten by name. */
export function useAssetSearch(q: string) {
  return useQuery({
    queryKey: keys.assetList(`search:${q}`),
    queryFn: () =>
      unwrap(client.GET('/api/v1/assets', { params: { query: { q, sort: 'name', limit: 10 } } })).then(
        (r) => r.items,
      ),
    enabled: q.trim().length > 0,
    placeholderData: keepPreviousData,
  });
}

export function useAsset(id: number) {
  return useQuery({
    queryKey: keys.asset(id),
    queryFn: () => unwrap(client.GET('/api/v1/assets/{id}', { params: { path: { id } } })),
  });
}

/** Several assets by id (the labels page), each its own request so one gone does not hide the rest. */
export function useAssetsById(ids: number[]) {
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: keys.asset(id),
      queryFn: () => unwrap(client.GET('/api/v1/assets/{id}', { params: { path: { id } } })),
    })),
  });
}

export function useAssetHistory(id: number) {
  return useQuery({
    queryKey: keys.assetHistory(id),
    queryFn: () =>
      unwrap(client.GET('/api/v1/assets/{id}/history', { params: { path: { id } } })).then((r) => r.items),
  });
}

export function useInstalledSoftware(id: number, enabled: boolean) {
  return useQuery({
    queryKey: keys.assetSoftware(id),
    queryFn: () =>
      unwrap(client.GET('/api/v1/assets/{id}/software', { params: { path: { id } } })).then((r) => r.items),
    enabled,
  });
}

function useRefresh() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: keys.assets });
}

export function useUpdateAsset(id: number, onDone?: () => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: AssetChange) =>
      unwrap(client.PATCH('/api/v1/assets/{id}', { params: { path: { id } }, body })),
    onSuccess: () => {
      refresh();
      onDone?.();
    },
  });
}

export function useBulkUpdateAssets(onDone: (r: { updatedIds: number[]; unchangedIds: number[] }) => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: { ids: number[]; set: BulkSet }) =>
      unwrap(client.POST('/api/v1/assets/bulk-update', { body })),
    onSuccess: (r) => {
      refresh();
      onDone(r);
    },
  });
}

export function useAddRelation(id: number, onDone?: () => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (body: { kind: RelationKind; toAssetId: number }) =>
      unwrap(client.POST('/api/v1/assets/{id}/relations', { params: { path: { id } }, body })),
    onSuccess: () => {
      refresh();
      onDone?.();
    },
  });
}

export function useRemoveRelation(id: number) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (relationId: number) =>
      unwrap(
        client.DELETE('/api/v1/assets/{id}/relations/{relationId}', {
          params: { path: { id, relationId } },
        }),
      ),
    onSuccess: refresh,
  });
}

/** The CSV as a multipart upload (field "file"), as the import route takes it. */
export function useImportAssets(onDone: (r: ImportReport) => void) {
  const refresh = useRefresh();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file, file.name);
      return unwrap(
        client.POST('/api/v1/assets/import', {
          body: form as never,
          bodySerializer: (body: unknown) => body as FormData,
        }),
      );
    },
    onSuccess: (r) => {
      refresh();
      onDone(r);
    },
  });
}

export function useAssetViews() {
  return useQuery({
    queryKey: keys.assetViews,
    queryFn: () =>
      unwrap(client.GET('/api/v1/saved-views', { params: { query: { scope: 'assets' } } })).then(
        (r) => r.items,
      ),
  });
}

export function useSaveAssetView(onDone: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (view: { name: string; query: string }) =>
      unwrap(client.POST('/api/v1/saved-views', { body: { ...view, scope: 'assets' } })),
    onSuccess: () => {
      onDone();
      void qc.invalidateQueries({ queryKey: keys.assetViews });
    },
  });
}

export function useDeleteAssetView() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) =>
      unwrap(client.DELETE('/api/v1/saved-views/{id}', { params: { path: { id } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: keys.assetViews }),
  });
}

const dayFormat = dateTimeFormat({
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  timeZone: 'UTC',
});

/** A calendar day (YYYY-MM-DD) as the reader writes it, the same day in every time zone; a dash for none. */
export function formatDay(day: string | null): string {
  if (!day) return '—';
  const t = Date.parse(`${day.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(t) ? day : dayFormat.format(new Date(t));
}

/** 1234.50 EUR from minor units, in the reader's locale. */
export function formatCost(cost: { amountMinor: number; currency: string } | null): string {
  if (!cost) return '—';
  try {
    return numberFormat({ style: 'currency', currency: cost.currency }).format(cost.amountMinor / 100);
  } catch {
    return `${(cost.amountMinor / 100).toFixed(2)} ${cost.currency}`;
  }
}

/** "16 GB" from megabytes (binary, as inventories count them). */
export function formatMb(mb: number | undefined): string {
  if (mb === undefined) return '—';
  if (mb >= 1024 * 1024) return `${Math.round((mb / 1024 / 1024) * 10) / 10} TB`;
  if (mb >= 1024) return `${Math.round((mb / 1024) * 10) / 10} GB`;
  return `${mb} MB`;
}
