// The service catalogue: the request types the user may file with their forms, filing through one, the custom
// field definitions (labels for a ticket's fields), and the managers' maintenance of both.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { client, unwrap } from './client';
import type { RequestOf, ResponseOf } from './types';

export type RequestType = ResponseOf<'/api/v1/catalog', 'get'>['items'][number];
export type FormField = RequestType['fields'][number];
export type CustomField = ResponseOf<'/api/v1/custom-fields', 'get'>['items'][number];
export type FieldValue = NonNullable<RequestOf<'/api/v1/catalog/{id}/requests', 'post'>['fields']>[string];
export type RequestTypeBody = RequestOf<'/api/v1/request-types', 'post'>;
export type CustomFieldBody = RequestOf<'/api/v1/custom-fields', 'post'>;

const catalogKeys = {
  catalog: ['catalog'] as const,
  fields: ['custom-fields'] as const,
  types: ['request-types'] as const,
};

export function useCatalog() {
  return useQuery({
    queryKey: catalogKeys.catalog,
    queryFn: () => unwrap(client.GET('/api/v1/catalog')).then((r) => r.items),
  });
}

export function useCustomFields() {
  return useQuery({
    queryKey: catalogKeys.fields,
    queryFn: () => unwrap(client.GET('/api/v1/custom-fields')).then((r) => r.items),
    staleTime: 60_000,
  });
}

export function useRequestTypes() {
  return useQuery({
    queryKey: catalogKeys.types,
    queryFn: () => unwrap(client.GET('/api/v1/request-types')).then((r) => r.items),
  });
}

export function fileCatalogRequest(id: number, body: RequestOf<'/api/v1/catalog/{id}/requests', 'post'>) {
  return unwrap(client.POST('/api/v1/catalog/{id}/requests', { params: { path: { id } }, body }));
}

function useInvalidateCatalog() {
  const qc = useQueryClient();
  return () => {
    for (const k of Object.values(catalogKeys)) void qc.invalidateQueries({ queryKey: k });
  };
}

export function useSaveCustomField() {
  const done = useInvalidateCatalog();
  return useMutation({
    mutationFn: ({ id, body }: { id: number | null; body: CustomFieldBody }) =>
      id === null
        ? unwrap(client.POST('/api/v1/custom-fields', { body }))
        : unwrap(client.PATCH('/api/v1/custom-fields/{id}', { params: { path: { id } }, body })),
    onSuccess: done,
  });
}

export function useSaveRequestType() {
  const done = useInvalidateCatalog();
  return useMutation({
    mutationFn: ({ id, body }: { id: number | null; body: RequestTypeBody }) =>
      id === null
        ? unwrap(client.POST('/api/v1/request-types', { body }))
        : unwrap(client.PATCH('/api/v1/request-types/{id}', { params: { path: { id } }, body })),
    onSuccess: done,
  });
}

/** Whether a field's condition holds on the answers above it: the server's rule (form-validator.ts), mirrored. */
export function conditionHolds(
  condition: FormField['condition'],
  value: FieldValue | null | undefined,
): boolean {
  if (!condition) return true;
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0))
    return false;
  if (condition.op === 'set') return true;
  const wanted = condition.op === 'equals' ? [String(condition.value)] : (condition.values ?? []).map(String);
  const have = Array.isArray(value) ? value.map(String) : [String(value)];
  return have.some((h) => wanted.includes(h));
}

/** The fields of a form shown for these answers (a hidden field hides those that depend on it). */
export function shownFields(fields: FormField[], answers: Record<string, FieldValue | null>): FormField[] {
  const shown = new Set<string>();
  return fields.filter((f) => {
    const show =
      !f.condition ||
      (shown.has(f.condition.field) && conditionHolds(f.condition, answers[f.condition.field]));
    if (show) shown.add(f.key);
    return show;
  });
}
